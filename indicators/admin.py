from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from programs.admin import FrozenAwareAdmin, FrozenAwareInline

from .forms import IndicatorValueForm
from .models import (
    BbvIndicator,
    Footnote,
    Indicator,
    IndicatorColumn,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    TableFootnote,
)


@admin.register(BbvIndicator)
class BbvIndicatorAdmin(admin.ModelAdmin):
    """The catalogue is reference data from fixtures/catalogue/: change the file, not here."""

    list_display = ("number", "name", "unit", "source", "taakveld", "current", "list_version")
    list_filter = ("current", "taakveld")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Footnote)
class FootnoteAdmin(FrozenAwareAdmin):
    list_display = ("number", "text", "kind", "program")
    list_display_links = ("number", "text")
    list_filter = ("program__report", "kind")
    search_fields = ("text",)
    list_select_related = ("program__report",)


class TableFootnoteInline(FrozenAwareInline, admin.TabularInline):
    model = TableFootnote
    extra = 0
    autocomplete_fields = ("footnote",)


class ColumnInline(FrozenAwareInline, admin.TabularInline):
    """The table's own columns; none: the three of every table (or a budget's target)."""

    model = IndicatorColumn
    extra = 0
    fields = ("order", "kind", "year_offset", "year", "area", "label")


@admin.register(IndicatorColumn)
class IndicatorColumnAdmin(FrozenAwareAdmin):
    list_display = ("__str__", "kind", "year_offset", "year", "area", "table")
    list_filter = ("table__program__report", "kind")
    list_select_related = ("table__program__report", "table__goal")


class IndicatorInline(FrozenAwareInline, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "code", "name", "mandatory")
    show_change_link = True


@admin.register(IndicatorTable)
class IndicatorTableAdmin(FrozenAwareAdmin):
    list_display = ("__str__", "budget_label", "program", "goal")
    list_filter = ("program__report", "kind")
    # A table is found by its goal ("3"), the goal's words, or an indicator in it ("3.1.4").
    search_fields = ("goal__code", "goal__title", "budget_label", "indicators__code")
    list_select_related = ("program__report", "goal")
    inlines = [ColumnInline, TableFootnoteInline, IndicatorInline]


class ComponentInline(FrozenAwareInline, admin.TabularInline):
    model = IndicatorComponent
    extra = 0
    fields = ("order", "label")


class ValueInline(FrozenAwareInline, admin.TabularInline):
    model = IndicatorValue
    form = IndicatorValueForm
    extra = 0
    fields = ("year", "kind", "area", "component", "raw", "display", "footnotes")
    readonly_fields = ("display",)
    autocomplete_fields = ("footnotes",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this indicator's own breakdown parts can be chosen.
        if obj is not None:
            formset.form.base_fields["component"].queryset = obj.components.all()
        return formset


@admin.register(Indicator)
class IndicatorAdmin(FrozenAwareAdmin):
    list_display = ("code", "name", "mandatory", "unit", "report")
    list_display_links = ("code", "name")
    list_filter = ("table__program__report", "mandatory", "table__kind", "table__goal")
    search_fields = ("code", "name", "source")
    list_select_related = ("table__program__report",)
    autocomplete_fields = ("footnotes",)
    inlines = [ComponentInline, ValueInline]

    @admin.display(description="rapportage", ordering="table__program__report")
    def report(self, obj: Indicator) -> str:
        return str(obj.table.program.report)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(FrozenAwareAdmin):
    form = IndicatorValueForm
    list_display = ("indicator", "component", "kind", "year", "display")
    list_filter = ("indicator__table__program__report", "kind", "year", "state")
    search_fields = ("indicator__code", "indicator__name", "text", "qualifier")
    list_select_related = ("indicator", "component")
    autocomplete_fields = ("indicator", "footnotes")
    fields = ("indicator", "component", "year", "kind", "raw", "display", "footnotes")
    readonly_fields = ("display",)


@admin.register(TableFootnote)
class TableFootnoteAdmin(FrozenAwareAdmin):
    list_display = ("footnote", "column", "table")
    list_filter = ("table__program__report", "column")
    search_fields = ("footnote__text", "table__goal__code", "table__goal__title")
    list_select_related = ("footnote", "table__goal")
    autocomplete_fields = ("footnote",)


@admin.register(IndicatorComponent)
class IndicatorComponentAdmin(FrozenAwareAdmin):
    list_display = ("label", "indicator", "order")
    list_filter = ("indicator__table__program__report",)
    search_fields = ("label", "indicator__code")
    list_select_related = ("indicator",)
