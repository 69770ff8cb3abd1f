"""Template filters: one-liners over the tested pure functions in diemen_sociaal.lib."""

from datetime import date
from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join

from diemen_sociaal.lib.colours import HEX, darker
from diemen_sociaal.lib.costs import BudgetSteps, CostRow, MoneyUnit, Variance
from diemen_sociaal.lib.dutch import format_date, format_euros

register = template.Library()


@register.filter
def money(euros: int | None, unit: MoneyUnit) -> str:
    """An amount as the cost tables print it, in the report's unit."""
    return unit.show(euros)


@register.filter
def rounding_only(step: BudgetSteps, unit: MoneyUnit) -> bool:
    """Whether what no decision explains is only the rounding of the printed ends."""
    return step.other_is_rounding(unit)


@register.filter
def variance(row: CostRow, report: Any) -> Variance | None:
    """The stoplight of a typed line of the cost table; none for a balance."""
    line = row.source
    if line is None or not hasattr(line, "variance"):
        return None
    return line.variance(report.variance_rule)


@register.filter
def euros(amount: int | None) -> str:
    return format_euros(amount)


@register.filter
def nl_date(value: date | None) -> str:
    return format_date(value) if value else ""


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def get_field(form: Any, name: str) -> object:
    return form[name]


@register.simple_tag
def house_colours() -> str:
    """The municipality's colour for the PDF's stylesheet (print.css's --house and
    --house-dark), when settings.MUNICIPALITY_COLOUR gives one; the check at start-up
    has refused a colour that is not #rrggbb."""
    colour = settings.MUNICIPALITY_COLOUR
    if not colour or not HEX.match(colour):
        return ""
    return format_html(":root {{ --house: {}; --house-dark: {}; }}", colour, darker(colour))


@register.simple_tag
def marks(labels: list[str], prefix: str = "voetnoot", standalone: bool = False) -> str:
    """Footnote markers ("4", "A") linking to their notes; a tag, not an include, as tables
    repeat it often. A standalone mark is a cell's whole content ("A" instead of a
    figure) and stands at full size, as the report prints it."""
    if not labels:  # most cells have none
        return ""
    if standalone:
        return format_html_join(
            " ",
            '<a class="footnote-mark footnote-mark--in-cell" href="#{}-{}" '
            'aria-label="zie voetnoot {}">{}</a>',
            ((prefix, mark, mark, mark) for mark in labels),
        )
    return format_html_join(
        "",
        # The space keeps a copied or extracted figure apart from its mark: "157 4",
        # never "1574" (the very defect of the source PDFs).
        '<sup class="footnote-mark"> <a href="#{}-{}" aria-label="voetnoot {}">{}</a></sup>',
        ((prefix, mark, mark, mark) for mark in labels),
    )
