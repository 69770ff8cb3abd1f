"""Indicator values as the reports really write them.

A value in a performance table is not always a number. Seed 002 has plain
numbers ("776,8", "1.141"), percentages ("73,6%"), not-known markers ("NB",
"N.n.b.", "-"), text targets ("Minimaal 90% voor alle vaccinaties, HPV
uitgezonderd"), numbers with a qualifier ("18% corona jeugdmonitor 2021-2022")
and compound values ("14/215 per week"). `parse_value` reads any of these into
a `Value`, `format_value` writes it back in the canonical notation, and the two
round-trip: format(parse(text)) == canonical(text).
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from .dutch import NUMBER_PATTERN, DutchNumberError, format_number, parse_number

# The not-known markers, by their lower-case form. A value keeps the spelling it was
# given (Diemen prints "N.n.b.", other municipalities "n.n.b." or "nb").
NOT_KNOWN_MARKERS = frozenset({"nb", "n.n.b.", "-"})

_NUMERIC_RE = re.compile(
    rf"^(?P<n1>[-−–]?\s*(?:{NUMBER_PATTERN}))\s*(?P<pct>%)?"
    rf"(?:\s*/\s*(?P<n2>{NUMBER_PATTERN})\s*(?P<pct2>%)?)?"
    # A qualifier is words ("per week"), so it starts with a letter; or a second figure
    # with its own unit after a comma or semicolon ("35, 12,3 per 10.000").
    r"(?:(?:\s+(?=[^\W\d_])|\s*(?=[,;]\s))(?P<qualifier>.+))?$"
)
MAX_TEXT_LENGTH = 500
# The most a stored number holds (indicators.IndicatorValue: 20 digits, 6 after the comma).
MAX_WHOLE_DIGITS = 14
MAX_DECIMALS = 6


class ValueState(StrEnum):
    NUMBER = "number"
    NOT_KNOWN = "not_known"
    TEXT = "text"
    # No figure: the cell holds only a note's mark ("A"), explained below the table.
    NOTE = "note"


class InvalidValue(ValueError):
    """A value that cannot be read; the message is Dutch and meant for the user."""


@dataclass(frozen=True)
class Value:
    state: ValueState
    number: Decimal | None = None
    decimals: int = 0
    percent: bool = False
    # The second number of a compound value such as "14/215 per week".
    number_2: Decimal | None = None
    decimals_2: int = 0
    percent_2: bool = False
    # Words after the number ("per week", "corona jeugdmonitor 2021-2022").
    qualifier: str = ""
    # The text of a text value, or the marker of a not-known value ("NB").
    text: str = ""
    # Two figures each with its own unit ("35 trajecten, 12,3 per 10.000"), rather than a
    # compound a/b: the second is number_2 with qualifier_2.
    two_figures: bool = False
    qualifier_2: str = ""

    @property
    def is_known(self) -> bool:
        return self.state not in (ValueState.NOT_KNOWN, ValueState.NOTE)


# A cell that holds only a note's mark: its figure is the note.
NOTE_ONLY = Value(ValueState.NOTE)


def _collapse(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def parse_value(raw: str) -> Value:
    """Read a value as staff type it or the source prints it."""
    text = _collapse(raw)
    if not text:
        raise InvalidValue("Vul een waarde in, of NB als de waarde niet bekend is.")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidValue(f"Een waarde mag hoogstens {MAX_TEXT_LENGTH} tekens lang zijn.")
    if text.lower() in NOT_KNOWN_MARKERS:
        return Value(ValueState.NOT_KNOWN, text=text)
    if not (text[0].isdigit() or text[0] in "-−–"):
        return Value(ValueState.TEXT, text=text)
    match = _NUMERIC_RE.match(text)
    if not match:
        # Starts like a number but is not one: most likely a typing error, never guess.
        raise InvalidValue(
            f"'{text}' is geen geldige waarde. Schrijf een getal als 1.141 of 73,6%, "
            "een samengestelde waarde als 14/215 per week, of NB."
        )
    try:
        number, decimals = parse_number(match["n1"])
        number_2, decimals_2 = parse_number(match["n2"]) if match["n2"] else (None, 0)
    except DutchNumberError as error:
        raise InvalidValue(str(error)) from error
    for found, places in ((number, decimals), (number_2, decimals_2)):
        if found is not None and (places > MAX_DECIMALS or _whole_digits(found) > MAX_WHOLE_DIGITS):
            raise InvalidValue(
                f"'{text}' past niet: een getal heeft hoogstens {MAX_WHOLE_DIGITS} cijfers "
                f"voor de komma en {MAX_DECIMALS} erna."
            )
    value = Value(
        ValueState.NUMBER,
        number=number,
        decimals=decimals,
        percent=bool(match["pct"]),
        number_2=number_2,
        decimals_2=decimals_2,
        percent_2=bool(match["pct2"]),
        qualifier=match["qualifier"] or "",
    )
    return _second_figure(value) if number_2 is None else value


# After the first figure's words: a comma or semicolon, then a figure with a unit of its
# own (words or %): "35 trajecten, 12,3 per 10.000", "73%; 1.200 jongeren".
_SECOND_RE = re.compile(
    rf"^(?P<q1>[^,;]*?)\s*[,;]\s*(?P<n2>(?:{NUMBER_PATTERN}))\s*(?P<pct2>%)?"
    r"(?:\s+(?P<q2>[^\W\d_].*))?$"
)


def _second_figure(value: Value) -> Value:
    """A value whose words hold a second figure with its own unit, read as two figures.

    A bare number after a comma ("peildatum 1 maart, 2024") is not a figure: the second
    must name its unit, or be a percentage."""
    text = value.qualifier
    match = _SECOND_RE.match(text) if "," in text or ";" in text else None
    if not match or not (match["q2"] or match["pct2"]):
        if text[:1] in (",", ";"):
            raise InvalidValue(
                "Na de komma hoort een tweede getal met zijn eenheid, zoals in ‘35 trajecten, "
                "12,3 per 10.000’."
            )
        return value
    number_2, decimals_2 = parse_number(match["n2"])
    if decimals_2 > MAX_DECIMALS or _whole_digits(number_2) > MAX_WHOLE_DIGITS:
        return value
    return replace(
        value,
        qualifier=match["q1"],
        two_figures=True,
        number_2=number_2,
        decimals_2=decimals_2,
        percent_2=bool(match["pct2"]),
        qualifier_2=match["q2"] or "",
    )


def _whole_digits(number: Decimal) -> int:
    return len(str(abs(int(number))))


def format_value(value: Value) -> str:
    """The canonical Dutch notation of a value."""
    if value.state != ValueState.NUMBER:
        return value.text
    assert value.number is not None
    out = format_number(value.number, value.decimals) + ("%" if value.percent else "")
    if value.two_figures and value.number_2 is not None:
        second = format_number(value.number_2, value.decimals_2) + ("%" if value.percent_2 else "")
        first = f"{out} {value.qualifier}" if value.qualifier else out
        return f"{first}, {second} {value.qualifier_2}".rstrip()
    if value.number_2 is not None:
        out += "/" + format_number(value.number_2, value.decimals_2)
        out += "%" if value.percent_2 else ""
    if value.qualifier:
        out += " " + value.qualifier
    return out


@dataclass(frozen=True)
class Figure:
    """One number of a value with what it measures: percent, and the words beside it."""

    number: Decimal
    percent: bool
    measure: str


def figures(value: Value) -> list[Figure]:
    """The figures a value holds that can be judged: one, or two with their own units; a
    compound a/b and anything not a number hold none."""
    if value.state != ValueState.NUMBER or value.number is None:
        return []
    first = Figure(value.number, value.percent, _words(value.qualifier))
    if value.number_2 is None:
        return [first]
    if not value.two_figures:
        return []
    return [first, Figure(value.number_2, value.percent_2, _words(value.qualifier_2))]


class Direction(StrEnum):
    HIGHER = "hoger"
    LOWER = "lager"
    NONE = ""


class Assessment(StrEnum):
    MET = "gehaald"
    SHORT = "niet gehaald"
    UNKNOWN = "onbekend"
    # The realisation is a figure about another year than the target's (the year's own
    # is not yet published): comparing them would judge one year by another.
    OTHER_PERIOD = "niet te vergelijken"
    # Target and realisation are numbers of a different kind: a percentage against a
    # count, "12,3 per 10.000" against "35", a survey named beside one figure only.
    OTHER_MEASURE = "niet te vergelijken: andere maat"


def assess(
    target: Value | None, actual: Value | None, direction: str, unit: str = ""
) -> Assessment:
    """Did the realisation meet its target?

    Only a number against a number of the same kind can be judged: both percentages or
    neither, and the same words beside them ("per week", "per 10.000 inwoners"); a pair
    that differs there is "niet te vergelijken: andere maat". A cell with two figures
    ("35 trajecten, 12,3 per 10.000") is judged by the one in the indicator's `unit`,
    and words that are the indicator's unit count as no words. And only when the
    indicator says which way is better; everything else (NB, text targets, compound
    values, an indicator without a direction) is honestly "onbekend".
    """
    if direction not in (Direction.HIGHER, Direction.LOWER) or target is None or actual is None:
        return Assessment.UNKNOWN
    wanted = _words(unit)
    goal, result = (_in_unit(figures(v), wanted) for v in (target, actual))
    if goal is None or result is None:
        return Assessment.UNKNOWN
    goal, result = _as_measured(goal, wanted), _as_measured(result, wanted)
    if goal.percent != result.percent or goal.measure != result.measure:
        return Assessment.OTHER_MEASURE
    if direction == Direction.HIGHER:
        return Assessment.MET if result.number >= goal.number else Assessment.SHORT
    return Assessment.MET if result.number <= goal.number else Assessment.SHORT


def why_not_judged(
    target: Value | None, actual: Value | None, direction: str, unit: str = ""
) -> str:
    """Why `assess` gives no verdict for this pair, in Dutch; "" when it gives one."""
    if direction not in (Direction.HIGHER, Direction.LOWER):
        return "er is niet vastgelegd of hoger of lager beter is"
    if target is None:
        return "er is geen streefwaarde"
    if actual is None:
        return "er is nog geen realisatie"
    wanted = _words(unit)
    chosen = []
    for name, value in (("de streefwaarde", target), ("de realisatie", actual)):
        if value.state == ValueState.NOT_KNOWN:
            return f"{name} is niet bekend ({value.text})"
        if value.state == ValueState.TEXT:
            return f"{name} is een tekst, geen getal"
        if value.state == ValueState.NOTE:
            return f"{name} staat in een voetnoot, niet als getal"
        found = figures(value)
        if not found:
            return f"{name} is een verhouding ({format_value(value)}), geen enkel getal"
        figure = _in_unit(found, wanted)
        if figure is None:
            return f"{name} heeft twee cijfers en geen ervan is in de eenheid van de indicator"
        chosen.append(figure)
    goal, result = (_as_measured(figure, wanted) for figure in chosen)
    if (goal.percent, goal.measure) != (result.percent, result.measure):
        first, second = (_kind_of(figure, wanted) for figure in chosen)
        return f"de streefwaarde is {first}, de realisatie {second}"
    return ""


def _kind_of(figure: Figure, unit: str) -> str:
    """What a figure measures, in words: "een percentage", "een getal ‘cliënten’"."""
    if figure.percent:
        return "een percentage" + (f" ‘{figure.measure}’" if figure.measure else "")
    if _fits(figure, unit):
        return "een getal in de eenheid van de indicator"
    if figure.measure:
        return f"een getal ‘{figure.measure}’"
    return "een getal zonder eenheid"


def figure_in_unit(value: Value, unit: str) -> Figure | None:
    """The figure of a value that speaks for it in an indicator with this unit."""
    wanted = _words(unit)
    found = _in_unit(figures(value), wanted)
    return _as_measured(found, wanted) if found else None


def _words(text: str) -> str:
    """Words as a unit to compare: "Per  Week" is "per week"."""
    return " ".join(text.lower().split())


def _fits(figure: Figure, unit: str) -> bool:
    """Whether a figure is in the indicator's unit ("per 10.000" in "per 10.000 inwoners")."""
    if not unit:
        return False
    if "%" in unit or figure.percent:
        return figure.percent and "%" in unit
    return bool(figure.measure) and (figure.measure in unit or unit in figure.measure)


def _in_unit(found: list[Figure], unit: str) -> Figure | None:
    """The one figure to judge: the only one, or of two the one in the indicator's unit."""
    if len(found) == 1:
        return found[0]
    fitting = [figure for figure in found if _fits(figure, unit)]
    return fitting[0] if len(fitting) == 1 else None


def _as_measured(figure: Figure, unit: str) -> Figure:
    """Words that are the indicator's own unit say nothing a bare number does not."""
    return replace(figure, measure="") if _fits(figure, unit) else figure
