from django.contrib import admin

from diemen_sociaal.lib.dutch import format_euros, format_thousands
from programs.admin import FrozenAwareAdmin

from .models import BudgetLine, CarryOver, Investment


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

    @admin.display(description="rekening vorig jaar (x € 1.000)")
    def rekening_vorig_k(self, obj: BudgetLine) -> str:
        return format_thousands(obj.rekening_vorig)

    @admin.display(description="begroting primitief (x € 1.000)")
    def begroting_primitief_k(self, obj: BudgetLine) -> str:
        return format_thousands(obj.begroting_primitief)

    @admin.display(description="begroting totaal (x € 1.000)")
    def begroting_totaal_k(self, obj: BudgetLine) -> str:
        return format_thousands(obj.begroting_totaal)

    @admin.display(description="rekening (x € 1.000)")
    def rekening_k(self, obj: BudgetLine) -> str:
        return format_thousands(obj.rekening)

    @admin.display(description="budgetresultaat (x € 1.000)")
    def budgetresultaat_k(self, obj: BudgetLine) -> str:
        return format_thousands(obj.budgetresultaat)


@admin.register(CarryOver)
class CarryOverAdmin(FrozenAwareAdmin):
    list_display = ("title", "amount_display", "program")
    list_filter = ("program__report",)
    search_fields = ("title", "reasoning")
    list_select_related = ("program__report",)

    @admin.display(description="bedrag", ordering="amount")
    def amount_display(self, obj: CarryOver) -> str:
        return format_euros(obj.amount) or "niet genoemd"


@admin.register(Investment)
class InvestmentAdmin(FrozenAwareAdmin):
    list_display = ("number", "name", "budget_k", "realised_k", "free_room_k", "status", "program")
    list_display_links = ("number", "name")
    list_filter = ("program__report", "status")
    search_fields = ("number", "name", "explanation")
    list_select_related = ("program__report",)

    @admin.display(description="budget (x € 1.000)", ordering="budget")
    def budget_k(self, obj: Investment) -> str:
        return format_thousands(obj.budget)

    @admin.display(description="realisatie (x € 1.000)", ordering="realised")
    def realised_k(self, obj: Investment) -> str:
        return format_thousands(obj.realised)

    @admin.display(description="vrije ruimte (x € 1.000)")
    def free_room_k(self, obj: Investment) -> str:
        return format_thousands(obj.free_room)
