"""The PDF fonts have a glyph for every character the reports use."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from programs.models import Activity, Report
from publishing.fonts import PDF_FONTS, FontNotFound, font_file, missing_characters

pytestmark = pytest.mark.django_db


def test_print_css_names_the_fonts_that_are_checked() -> None:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    found = re.search(r"font-family:\s*([^;]+);", css)
    assert found
    families = found[1]
    named = [f.strip().strip('"') for f in families.split(",")]
    assert tuple(named[: len(PDF_FONTS)]) == PDF_FONTS


def test_every_character_of_the_seed_reports_has_a_glyph(seeded: dict[int, Report]) -> None:
    for report in seeded.values():
        assert missing_characters(report) == {}, report


def test_a_character_without_a_glyph_is_named_with_where_it_stands(
    concept_2024: Report, capsys: pytest.CaptureFixture[str]
) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    # The em dash is in the fonts; the three-em dash (U+2E3B) is in neither.
    activity.realisation = "Gedaan — en ook \u2e3b gedaan."
    activity.save()
    missing = missing_characters(concept_2024)
    assert missing == {"\u2e3b": f"activiteit {activity.pk} (realisation)"}
    with pytest.raises(CommandError, match="1 character"):
        call_command("check_fonts", "jaarstukken/2024")
    assert "U+2E3B" in capsys.readouterr().out


def test_a_missing_family_is_not_mistaken_for_its_substitute() -> None:
    with pytest.raises(FontNotFound, match="Geen Bestaand Lettertype"):
        font_file("Geen Bestaand Lettertype", "regular")


def test_the_whole_report_pdf_warns_about_a_character_without_a_glyph(
    concept_2024: Report, caplog: pytest.LogCaptureFixture
) -> None:
    from publishing.pdf import _warn_about_missing_glyphs

    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.2")
    activity.realisation = "Met \u2e3b erin."
    activity.save()
    _warn_about_missing_glyphs(concept_2024)
    assert "U+2E3B" in caplog.text and f"activiteit {activity.pk}" in caplog.text
