"""What a value of an indicator may be, and what makes it look like a typing error.

Two levels. A refusal is a value that cannot stand in the indicator whatever anyone
confirms: a sentence where the indicator holds numbers, a bare number where it holds
percentages. A doubt is a value that may well be right but is worth a second look: more
than half away from the year before, or outside the range policy staff set on the
indicator. A doubt is saved only with a confirmation and a reason (IndicatorValue.check_note).
Both apply to a changed cell only: what the source printed, or someone confirmed, is not
asked again.
"""

from decimal import Decimal
from typing import Protocol

from diemen_sociaal.lib.dutch import format_number
from diemen_sociaal.lib.values import Value, ValueState, figure_in_unit, format_value

# A figure more than this share away from the year before asks for a second look.
JUMP = Decimal("0.5")


class Bounds(Protocol):
    name: str
    unit: str
    allows_text: bool
    lowest: Decimal | None
    highest: Decimal | None


def holds_percentages(indicator: Bounds) -> bool:
    return "%" in indicator.unit


def refusal(indicator: Bounds, value: Value) -> str | None:
    """Why `value` cannot stand in this indicator, in Dutch; None when it can."""
    if value.state == ValueState.TEXT and not indicator.allows_text:
        return (
            f"‘{value.text[:60]}’ is geen getal, en deze indicator heeft alleen getallen. "
            "Schrijf een getal, of n.n.b. als het nog niet bekend is; een toelichting hoort "
            "in een voetnoot."
        )
    if value.state == ValueState.NUMBER and holds_percentages(indicator) and not value.percent:
        return (
            f"Deze indicator is een percentage: schrijf {format_value(value)}% "
            f"(met %), of controleer het getal."
        )
    return None


def doubts(
    indicator: Bounds, value: Value, before: Value | None, before_year: int, what: str
) -> list[str]:
    """What makes a (permitted) number look wrong: a jump from `before` (`what` of the
    year before: "de realisatie"), or a number out of range."""
    # Diemen's names carry their unit where the unit field is empty.
    unit = indicator.unit or indicator.name
    figure = figure_in_unit(value, unit)
    if figure is None:
        return []
    found = []
    typed = format_value(value)
    if indicator.lowest is not None and figure.number < indicator.lowest:
        found.append(f"{typed} is lager dan {_plain(indicator.lowest)}, de ondergrens.")
    if indicator.highest is not None and figure.number > indicator.highest:
        found.append(f"{typed} is hoger dan {_plain(indicator.highest)}, de bovengrens.")
    earlier = figure_in_unit(before, unit) if before is not None else None
    comparable = earlier is not None and (earlier.percent, earlier.measure) == (
        figure.percent,
        figure.measure,
    )
    if earlier is not None and comparable and earlier.number:
        change = (figure.number - earlier.number) / abs(earlier.number)
        if abs(change) > JUMP:
            word = "hoger" if change > 0 else "lager"
            assert before is not None
            found.append(
                f"{typed} is {format_number(round(abs(change) * 100))}% {word} dan "
                f"{format_value(before)}, {what} van {before_year}."
            )
    return found


def _plain(number: Decimal) -> str:
    """A bound as typed: no trailing zeros of the stored six decimals."""
    normal = number.normalize()
    decimals = max(0, -normal.as_tuple().exponent)  # type: ignore[operator]
    return format_number(normal, decimals)
