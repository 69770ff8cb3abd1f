"""Do the PDF's fonts have a glyph for every character a report uses?

A character without a glyph in the fonts the PDF names sends WeasyPrint looking
through every installed font for it, at each occurrence, which makes layout many
times slower, and where no font has it the reader sees an empty box. The check
reads the fonts' character maps with fontTools (which WeasyPrint itself uses) and
every text of a report.
"""

import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from django.apps import apps
from fontTools.ttLib import TTFont

from programs.models import Report, ReportContent

# The families static/css/print.css names, in its order; a test keeps the two in step.
PDF_FONTS = ("Liberation Sans", "DejaVu Sans")
# Regular, bold and italic all appear in the PDF: a character must be in each of them.
STYLES = ("regular", "bold", "italic", "bold:italic")


class FontNotFound(Exception):
    """A family the PDF names is not installed; `make setup` installs it."""


def font_file(family: str, style: str) -> Path:
    """The file fontconfig chooses for family and style, if it really is that family."""
    if shutil.which("fc-match") is None:
        raise FontNotFound("fontconfig (fc-match) is not installed")
    pattern = family if style == "regular" else f"{family}:{style}"
    found = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        ["fc-match", "-f", "%{family}\n%{file}", pattern],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    # fc-match always answers with something; a substitute is not the font asked for.
    if len(found) < 2 or family not in found[0].split(","):
        raise FontNotFound(f"font {family!r} is not installed")
    return Path(found[1])


@cache
def covered_codepoints(families: tuple[str, ...] = PDF_FONTS) -> frozenset[int]:
    """Characters with a glyph in every style of at least one of the families."""
    covered: set[int] = set()
    for family in families:
        styles = []
        for style in STYLES:
            with TTFont(font_file(family, style), lazy=True) as font:
                styles.append(set(font.getBestCmap() or {}))
        covered |= set.intersection(*styles)
    return frozenset(covered)


def _content_models() -> list[type[ReportContent]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ReportContent) and hasattr(model, "report_path")
    ]


def report_texts(report: Report) -> Iterator[tuple[str, str]]:
    """Every text of a report, with where it stands ("activiteit 1.1.1")."""
    yield "titel", report.title
    for model in _content_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField") and not f.choices
        ]
        if not fields:
            continue
        rows = model._default_manager.filter(**{model.report_path: report}).values_list(
            "pk", *fields
        )
        for pk, *texts in rows:
            for name, text in zip(fields, texts, strict=True):
                if text:
                    yield f"{model._meta.verbose_name} {pk} ({name})", text


def missing_characters(report: Report) -> dict[str, str]:
    """Characters the PDF fonts cannot show, each with the first place it is used."""
    covered = covered_codepoints()
    missing: dict[str, str] = {}
    for where, text in report_texts(report):
        for char in set(text):
            if ord(char) in covered or char in missing:
                continue
            if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):  # line breaks, tabs
                continue
            missing[char] = where
    return missing
