from typing import Any

from django.contrib import admin

from diemen_sociaal.lib.dutch import format_euros
from programs.admin import FrozenAwareAdmin

from .models import BudgetChange, BudgetLine, CarryOver, Investment, PrintedFigure, Taakveld


@admin.register(BudgetLine)
class BudgetLineAdmin(FrozenAwareAdmin):
    list_display = (
        "label",
        "nature",
        "program",
        "rekening_vorig_k",
        "begroting_primitief_k",
        "begroting_totaal_k",
        "rekening_k",
        "budgetresultaat_k",
    )
    list_filter = ("program__report", "nature", "kind")
    search_fields = ("label",)
    list_select_related = ("program__report",)

    @admin.display(description="rekening vorig jaar (€)")
    def rekening_vorig_k(self, obj: BudgetLine) -> str:
        return format_euros(obj.rekening_vorig)

    @admin.display(description="begroting primitief (€)")
    def begroting_primitief_k(self, obj: BudgetLine) -> str:
        return format_euros(obj.begroting_primitief)

    @admin.display(description="begroting totaal (€)")
    def begroting_totaal_k(self, obj: BudgetLine) -> str:
        return format_euros(obj.begroting_totaal)

    @admin.display(description="rekening (€)")
    def rekening_k(self, obj: BudgetLine) -> str:
        return format_euros(obj.rekening)

    @admin.display(description="budgetresultaat (€)")
    def budgetresultaat_k(self, obj: BudgetLine) -> str:
        return format_euros(obj.budgetresultaat)


@admin.register(CarryOver)
class CarryOverAdmin(FrozenAwareAdmin):
    list_display = ("title", "amount_display", "program")
    list_filter = ("program__report",)
    search_fields = ("title", "reasoning")
    list_select_related = ("program__report",)

    @admin.display(description="bedrag", ordering="amount")
    def amount_display(self, obj: CarryOver) -> str:
        return format_euros(obj.amount) or "niet genoemd"


@admin.register(BudgetChange)
class BudgetChangeAdmin(FrozenAwareAdmin):
    list_display = ("description", "line", "amount_display", "document", "program")
    list_filter = ("program__report",)
    search_fields = ("description",)
    list_select_related = ("program__report", "line", "document")

    @admin.display(description="bedrag", ordering="amount")
    def amount_display(self, obj: BudgetChange) -> str:
        return format_euros(obj.amount)


@admin.register(Investment)
class InvestmentAdmin(FrozenAwareAdmin):
    list_display = ("number", "name", "budget_k", "realised_k", "free_room_k", "status", "program")
    list_display_links = ("number", "name")
    list_filter = ("program__report", "status")
    search_fields = ("number", "name", "explanation")
    list_select_related = ("program__report",)

    @admin.display(description="budget (€)", ordering="budget")
    def budget_k(self, obj: Investment) -> str:
        return format_euros(obj.budget)

    @admin.display(description="realisatie (€)", ordering="realised")
    def realised_k(self, obj: Investment) -> str:
        return format_euros(obj.realised)

    @admin.display(description="vrije ruimte (€)")
    def free_room_k(self, obj: Investment) -> str:
        return format_euros(obj.free_room)


@admin.register(PrintedFigure)
class PrintedFigureAdmin(FrozenAwareAdmin):
    """Printed subtotals of a report given in thousands (entered here until finance has a form)."""

    list_display = ("__str__", "amount_display", "program")
    list_filter = ("program__report",)
    list_select_related = ("program__report", "line")

    @admin.display(description="bedrag", ordering="amount")
    def amount_display(self, obj: PrintedFigure) -> str:
        return format_euros(obj.amount)


@admin.register(Taakveld)
class TaakveldAdmin(admin.ModelAdmin):
    """Reference data from fixtures/catalogue/taakvelden.yaml: read here, changed in the file."""

    list_display = ("code", "name", "version")
    list_filter = ("version",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
