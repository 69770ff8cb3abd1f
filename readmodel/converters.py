"""The parts of this site's addresses, registered once for every URL module.

Report kinds come from ReportKind and file formats from the code that writes them, so
a new kind or format needs no second edit here. URL modules import this module before
they use <kind:…>, <code:…>, <datafmt:…> or <sheetfmt:…>.
"""

import re

from django.urls import register_converter

from diemen_sociaal.validators import ITEM_CODE
from programs.models import ReportKind

from .datarows import DATA_FORMATS, TEMPLATE_FORMATS


class _Words:
    """A path part that is one of a fixed set of words, passed on as it is."""

    words: tuple[str, ...] = ()
    regex = ""

    def __init_subclass__(cls) -> None:
        cls.regex = "|".join(re.escape(word) for word in cls.words)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KindConverter(_Words):
    words = tuple(ReportKind.values)


class DataFormatConverter(_Words):
    words = DATA_FORMATS


class SheetFormatConverter(_Words):
    words = TEMPLATE_FORMATS


class CodeConverter:
    """Codes as the reports print them (3, 3.1, 3.1.4) or letter them (20.a)."""

    regex = ITEM_CODE

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")
register_converter(CodeConverter, "code")
register_converter(DataFormatConverter, "datafmt")
register_converter(SheetFormatConverter, "sheetfmt")
