"""A table as other municipalities print it, read back from every page and file (#16).

Four years of history, this year's target, a long-term target and a national comparison
with its own year; a unit; figures with their own source and period; a numbered note and a
letter note standing in a cell. Every figure, heading, unit, source and period is found on
the chapter page, the indicator page, in the PDF's text and in CSV, XLSX and JSON, and the
import template goes out and comes back without changing anything, and with a change.
"""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from indicators.models import Indicator, IndicatorValue
from programs.models import Report, ReportStatus
from tests.client import ClientResponse
from tests.indicators.test_table_columns import HEADINGS, KEYS, STAFF
from tests.programs.test_imports import confirm, upload

pytestmark = pytest.mark.django_db

CHAPTER = "/jaarstukken/2024/sociaal/"
IMPORT = "/beheer/jaarstukken/2024/import/"
NOTES = "/beheer/jaarstukken/2024/sociaal/voetnoten/"
LETTER = "Voor 2030 stelt de raad de streefwaarde in 2025 vast."
NUMBERED = "Voorlopig cijfer."
TYPED = ["41,0%", "42,5%", "44,1%", "47,3%", "45%", "", "39,8%"]
# What each column shows: figure, period, note, source (the indicator's where it has none).
SHOWN = {
    "realisatie_2021": ("41,0%", None, None, ""),
    "realisatie_2022": ("42,5%", None, None, ""),
    "realisatie_vorig": ("44,1%", 2022, None, ""),
    "realisatie": ("47,3%", None, None, "1"),
    "begroot": ("45%", None, None, ""),
    "streefwaarde_2030": ("", None, None, "A"),
    "vergelijking_2023_nederland": ("39,8%", None, "2024-01-01", ""),
}
ROW = (
    "9.1 - Sporters (% 12 t/m 21 jaar) 41,0% 42,5% 44,1% (over 2022) 47,3% 1 45% A "
    "39,8% (peildatum 1 januari 2024)"
)
SOURCES = "Bron: waarstaatjegemeente.nl (9.1); GGD-monitor (9.1 Realisatie 2024); CBS (9.1 Nederland 2023)."


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _source(key: str) -> str:
    return {"realisatie": "GGD-monitor", "vergelijking_2023_nederland": "CBS"}.get(
        key, "waarstaatjegemeente.nl"
    )


@pytest.fixture
def entered(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> Indicator:
    """The table filled in through the staff pages, as a policy officer would."""
    Indicator.objects.filter(pk=wide_table.pk).update(source="waarstaatjegemeente.nl")
    client.force_login(policy_officer)
    for label, text in (("", NUMBERED), ("A", LETTER)):
        response = client.post(NOTES, {"label": label, "kind": "toelichting", "text": text})
        assert response.status_code == 302
    data = {f"{key}__totaal": typed for key, typed in zip(KEYS, TYPED, strict=True)}
    data |= {
        "version": str(wide_table.version + 0),
        "realisatie_vorig__totaal__jaar": "2022",
        "realisatie__totaal__voetnoten": "1",
        "realisatie__totaal__bron": "GGD-monitor",
        "streefwaarde_2030__totaal__voetnoten": "A",
        "vergelijking_2023_nederland__totaal__bron": "CBS",
        "vergelijking_2023_nederland__totaal__peildatum": "1 januari 2024",
    }
    response = client.post(STAFF, data)
    assert response.status_code == 302, text_of(response)[:3000]
    wide_table.refresh_from_db()
    return wide_table


def test_every_figure_heading_unit_source_period_and_note_is_on_every_page_and_file(
    client: Client, concept_2024: Report, entered: Indicator
) -> None:
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    client.logout()

    chapter = text_of(client.get(CHAPTER))
    page = text_of(client.get(CHAPTER + "indicator/9.1/"))
    pages = PdfReader(io.BytesIO(client.get(CHAPTER + "pdf/").content)).pages
    printed = " ".join(" ".join(p.extract_text().split()) for p in pages)
    for name, text in (("chapter", chapter), ("pdf", printed)):
        assert " ".join(HEADINGS) in text, name
        assert ROW in text, name
        assert SOURCES in text, name
    assert NUMBERED in chapter and "A " + LETTER in chapter
    assert NUMBERED in printed and "A. " + LETTER in printed
    assert " ".join(HEADINGS) in page and ROW.split(") ", 1)[1] in page
    assert "Realisatie 2024: GGD-monitor" in page and "Nederland 2023: CBS" in page
    assert "A " + LETTER in page
    # The year's own target against the year's own realisation, both in the unit.
    assert "Beoordeling 2024 niet gehaald" not in page and "Beoordeling 2024 gehaald" in page

    csv_rows = list(csv.DictReader(io.StringIO(client.get(CHAPTER + "data.csv").content.decode())))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(CHAPTER + "data.xlsx").content))
    sheet = list(workbook["indicatoren"].iter_rows(values_only=True))
    xlsx_rows = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    json_rows = json.loads(client.get(CHAPTER + "data.json").content)["indicatoren"]
    for name, rows in (("csv", csv_rows), ("xlsx", xlsx_rows), ("json", json_rows)):
        ours = [r for r in rows if r["indicator"] == "9.1"]
        assert [r["kolom"] for r in ours] == KEYS, name
        for row, heading in zip(ours, HEADINGS, strict=True):
            figure, period, counted, notes = SHOWN[row["kolom"]]
            found = (
                row["kolomkop"],
                str(row["jaar"]),
                row["gebied"] or "",
                row["waarde"] or "",
                row["eenheid"],
                row["bron"],
                str(row["over_jaar"] or ""),
                row["peildatum"] or "",
                row["voetnoten"] or "" if name != "json" else ", ".join(row["voetnoten"]),
            )
            assert found == (
                heading,
                heading[-4:],
                "Nederland" if "nederland" in row["kolom"] else "",
                figure,
                "% 12 t/m 21 jaar",
                _source(row["kolom"]),
                str(period or ""),
                counted or "",
                notes,
            ), (name, row["kolom"])
    api = json.loads(client.get(f"/api{CHAPTER}indicatoren/9.1/").content)
    national = next(v for v in api["waarden"] if v["gebied"] == "Nederland")
    assert (national["jaar"], national["peildatum"], national["bron"]) == (
        2023,
        "2024-01-01",
        "CBS",
    )


def test_the_wide_table_goes_out_as_a_template_and_comes_back(
    client: Client, concept_2024: Report, entered: Indicator
) -> None:
    for fmt in ("csv", "xlsx"):
        template = client.get(f"{IMPORT}sjabloon-indicatoren.{fmt}").content
        response = upload(client, "indicatoren", template, f"sjabloon.{fmt}", url=IMPORT)
        assert "Er verandert niets" in text_of(response), fmt

    # The national figure corrected in the downloaded template, with a new peildatum.
    downloaded = client.get(f"{IMPORT}sjabloon-indicatoren.csv").content.decode()
    rows = list(csv.reader(io.StringIO(downloaded)))
    header = rows[0]
    at = {name: header.index(name) for name in ("indicator", "kolom", "waarde", "peildatum")}
    for row in rows[1:]:
        if (row[at["indicator"]], row[at["kolom"]]) == ("9.1", "vergelijking_2023_nederland"):
            assert (row[at["waarde"]], row[at["peildatum"]]) == ("39,8%", "2024-01-01")
            row[at["waarde"]], row[at["peildatum"]] = "40,1%", "1-2-2024"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    preview = upload(client, "indicatoren", out.getvalue().encode(), url=IMPORT)
    assert preview.status_code == 200, text_of(preview)[:2000]
    shown = text_of(preview)
    assert "Toevoegen: 0 Wijzigen: 1" in shown
    assert (
        "sociaal · 9.1 · vergelijking_2023_nederland waarde: 39,8%; peildatum: 1 januari 2024 "
        "waarde: 40,1%; peildatum: 1 februari 2024"
    ) in shown
    confirm(client, preview, url=IMPORT)

    cells = {v.kind + v.area: v for v in IndicatorValue.objects.filter(indicator=entered)}
    national = next(v for v in cells.values() if v.area == "Nederland")
    assert (national.display, national.reference_date, national.source) == (
        "40,1%",
        datetime.date(2024, 2, 1),
        "CBS",
    )
    # Nothing else moved: the letter note still stands in its cell, the period stays.
    target = IndicatorValue.objects.get(indicator=entered, kind="streefwaarde")
    assert (target.state, [n.mark for n in target.footnotes.all()]) == ("note", ["A"])
    previous = IndicatorValue.objects.get(indicator=entered, year=2023, area="")
    assert (previous.display, previous.period_year) == ("44,1%", 2022)


def test_a_peildatum_that_is_no_date_is_refused_in_dutch_and_nothing_is_lost(
    client: Client, entered: Indicator
) -> None:
    data = {f"{key}__totaal": typed for key, typed in zip(KEYS, TYPED, strict=True)}
    data |= {
        "version": str(entered.version),
        "streefwaarde_2030__totaal__voetnoten": "A",
        "vergelijking_2023_nederland__totaal": "40,5%",
        "vergelijking_2023_nederland__totaal__peildatum": "31 februari 2024",
    }
    response = client.post(STAFF, data)
    assert response.status_code == 400
    assert (
        "‘31 februari 2024’ is geen datum. Schrijf bijvoorbeeld 1 maart 2024 of 1-3-2024."
    ) in text_of(response)
    # What was typed is still in the form; what was stored is as it was.
    assert 'value="40,5%"' in response.content.decode()
    national = IndicatorValue.objects.get(indicator=entered, area="Nederland")
    assert (national.display, national.reference_date) == ("39,8%", datetime.date(2024, 1, 1))
