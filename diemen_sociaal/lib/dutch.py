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
