"""Validators every app's models share."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format


@deconstructible
class LongText:
    """A long text (a realisation, a explanation, a decision) has a sensible maximum.

    Generous for anything a report prints (the longest text in Diemen's 2023 chapter
    has about 2,000 characters), small enough that one pasted document cannot make a
    page or a PDF take minutes. The maximum is a setting (LONG_TEXT_MAX_CHARS), read
    when a value is checked, so changing it needs no migration.
    """

    code = "long_text"

    def __call__(self, value: Any) -> None:
        limit = settings.LONG_TEXT_MAX_CHARS
        length = len(value or "")
        if length > limit:
            raise ValidationError(
                "Deze tekst is te lang: %(length)s tekens, het maximum is %(limit)s. "
                "Kort hem in of verdeel hem; er is nog niets opgeslagen.",
                code=self.code,
                params={
                    "length": number_format(length, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LongText)

    def __hash__(self) -> int:
        return hash(LongText)


def long_text_hint() -> str:
    """The maximum in words, for a form's help text."""
    return f"Hoogstens {number_format(settings.LONG_TEXT_MAX_CHARS, force_grouping=True)} tekens."


# The number of a goal, subgoal, activity or indicator: parts of digits or letters separated
# by dots, as reports print them ("3", "3.1.4") and as the BBV lists letter them ("20.a").
# It is the item's address (/indicator/3.1.4/), so the URL converter reads the same shape.
ITEM_CODE = r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*"

item_code = RegexValidator(
    rf"\A{ITEM_CODE}\Z",
    "Een nummer bestaat uit cijfers of letters, gescheiden door punten, zoals 3.1.4 of "
    "20.a: zonder spaties, streepjes of andere tekens.",
    code="item_code",
)
