"""Dutch notation of numbers, amounts and dates, both ways.

Pure functions with no knowledge of Django models: parsing what people type
("1.141", "776,8", "-23.175") and formatting what they read.
In Dutch the point groups thousands and the comma marks decimals, so "1.234"
is one thousand two hundred and thirty-four, never 1,234.
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

# Either properly grouped thousands ("1.141", "12.345,6") or no grouping at all ("3200").
NUMBER_PATTERN = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUMBER_RE = re.compile(rf"^(?P<sign>[-−–]?)\s*(?P<digits>{NUMBER_PATTERN})$")

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


class DutchNumberError(ValueError):
    """A text that is not a number in Dutch notation; the message is for the user."""


def parse_number(text: str) -> tuple[Decimal, int]:
    """Parse a Dutch number and return it with the count of decimals as written.

    >>> parse_number("776,8")
    (Decimal('776.8'), 1)
    """
    cleaned = text.strip().replace("\u00a0", " ")
    match = _NUMBER_RE.match(cleaned)
    if not match:
        raise DutchNumberError(
            f"'{text.strip()}' is geen geldig getal. Gebruik een komma voor decimalen "
            "(73,6) en een punt alleen voor duizendtallen (1.141)."
        )
    digits = match["digits"].replace(".", "").replace(",", ".")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = Decimal(digits)
    if match["sign"]:
        value = value.copy_negate()  # exact; unary minus would round to 28 digits
    return value, decimals


def format_number(value: Decimal | int, decimals: int = 0) -> str:
    """Format a number the Dutch way: thousands grouped by points, decimal comma.

    >>> format_number(Decimal("-23175"))
    '-23.175'
    """
    quantum = Decimal(1).scaleb(-decimals)
    value = Decimal(value)
    with localcontext() as context:
        # Enough precision for every digit shown; the default 28 refuses longer numbers.
        context.prec = max(context.prec, value.adjusted() + decimals + 2)
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


NOT_ENTERED = "nog niet ingevuld"


def format_euros(euros: int | None) -> str:
    """An amount in whole euros with the euro sign: '€ 100.000'."""
    if euros is None:
        return ""
    return f"€ {format_number(euros)}"


def format_date(value: date) -> str:
    """A date as Dutch readers write it: '27 juni 2024'."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


class DutchDateError(ValueError):
    """A text that is not a date as Dutch readers write one; the message is for the user."""


_DATE_WORDS_RE = re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})$")
_DATE_NUMBERS_RE = re.compile(r"^(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})$")
_DATE_ISO_RE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


def parse_date(text: str) -> date:
    """A date as people type it: '1 maart 2024', '1 mrt 2024', '1-3-2024' or '2024-03-01'.

    "peildatum" before it is allowed, as the sources write it."""
    cleaned = " ".join(text.lower().replace("peildatum", " ").split())
    found = next(
        (m for p in (_DATE_WORDS_RE, _DATE_NUMBERS_RE, _DATE_ISO_RE) if (m := p.match(cleaned))),
        None,
    )
    problem = f"‘{text.strip()[:40]}’ is geen datum. Schrijf bijvoorbeeld 1 maart 2024 of 1-3-2024."
    if found is None:
        raise DutchDateError(problem)
    month_text = found["month"]
    if month_text.isdigit():
        month = int(month_text)
    else:
        # Abbreviated as a prefix ("feb", "sept"), except March's "mrt".
        months = (
            [3]
            if month_text == "mrt"
            else [i for i, name in enumerate(MONTHS, start=1) if name.startswith(month_text)]
        )
        if len(month_text) < 3 or len(months) != 1:
            raise DutchDateError(problem)
        month = months[0]
    try:
        return date(int(found["year"]), month, int(found["day"]))
    except ValueError:
        raise DutchDateError(problem) from None
