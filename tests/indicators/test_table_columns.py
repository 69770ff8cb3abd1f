"""A table defines its columns: several years, a long-term target, a national comparison."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from cycle.new_year import start_new_year
from indicators.columns import columns_of
from indicators.models import Indicator, IndicatorColumn, IndicatorTable, IndicatorValue
from programs.models import Report, ReportStatus
from tests.client import ClientResponse
from tests.programs.test_imports import confirm, dutch_csv, error_rows, upload

pytestmark = pytest.mark.django_db

STAFF = "/beheer/jaarstukken/2024/sociaal/indicator/9.1/"
IMPORT = "/beheer/jaarstukken/2024/import/"
CHAPTER = "/jaarstukken/2024/sociaal/"
HEADINGS = [
    "Realisatie 2021",
    "Realisatie 2022",
    "Realisatie 2023",
    "Realisatie 2024",
    "Begroot 2024",
    "Streefwaarde 2030",
    "Nederland 2023",
]
KEYS = [
    "realisatie_2021",
    "realisatie_2022",
    "realisatie_vorig",
    "realisatie",
    "begroot",
    "streefwaarde_2030",
    "vergelijking_2023_nederland",
]
TYPED = ["41,0%", "42,5%", "44,1%", "47,3%", "45%", "60%", "39,8%"]


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _enter(client: Client, indicator: Indicator) -> None:
    data = {f"{key}__totaal": typed for key, typed in zip(KEYS, TYPED, strict=True)}
    data |= {"version": str(indicator.version), "plausible": "on"}
    response = client.post(STAFF, data)
    assert response.status_code == 302, text_of(response)[:3000]


def test_the_staff_form_and_every_page_and_download_follow_the_tables_columns(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    assert [spec.key for spec in columns_of(wide_table.table)] == KEYS
    client.force_login(policy_officer)
    form = text_of(client.get(STAFF))
    for heading in HEADINGS:
        assert f"{heading} — Totaal" in form
    _enter(client, wide_table)
    stored = {
        (v.year, v.kind, v.area): v.display
        for v in IndicatorValue.objects.filter(indicator=wide_table)
    }
    assert stored == {
        (2021, "realisatie", ""): "41,0%",
        (2022, "realisatie", ""): "42,5%",
        (2023, "realisatie", ""): "44,1%",
        (2024, "realisatie", ""): "47,3%",
        (2024, "begroot", ""): "45%",
        (2030, "streefwaarde", ""): "60%",
        (2023, "realisatie", "Nederland"): "39,8%",
    }

    # The indicator's source, and a figure with a source of its own.
    Indicator.objects.filter(pk=wide_table.pk).update(source="waarstaatjegemeente.nl")
    IndicatorValue.objects.filter(indicator=wide_table, area="Nederland").update(source="CBS")
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    client.logout()
    chapter = client.get(CHAPTER).content.decode()
    sources = "Bron: waarstaatjegemeente.nl (9.1); CBS (9.1 Nederland 2023)."
    assert sources in text_of(client.get(CHAPTER))
    pdf = client.get(CHAPTER + "pdf/")
    printed = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "9.1 - Sporters (% 12 t/m 21 jaar) 41,0% 42,5% 44,1% 47,3% 45% 60% 39,8%" in printed
    assert " ".join(HEADINGS) in printed and sources in printed
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(CHAPTER + "data.xlsx").content))
    sheet = workbook["indicatoren"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    national = [
        dict(zip(header, (c.value for c in r), strict=True))
        for r in sheet.iter_rows(min_row=2)
        if r[header.index("indicator")].value == "9.1"
        and r[header.index("gebied")].value == "Nederland"
    ]
    assert [(r["waarde"], r["bron"], r["eenheid"]) for r in national] == [
        ("39,8%", "CBS", "% 12 t/m 21 jaar")
    ]
    table = chapter[chapter.index('id="indicator-9.1"') - 3000 :]
    headings = re.findall(r'<th scope="col"[^>]*>([^<]+)', table)
    assert headings[1:8] == HEADINGS
    row = text_of(client.get(CHAPTER))
    # The unit beside the name, where the name does not already say it.
    assert "9.1 - Sporters (% 12 t/m 21 jaar) 41,0% 42,5% 44,1% 47,3% 45% 60% 39,8%" in row
    # The verdict is on the year's own target and realisation, wherever they stand.
    page = text_of(client.get(CHAPTER + "indicator/9.1/"))
    assert "Beoordeling 2024 gehaald" in page
    assert " ".join(HEADINGS) in page
    # The trend is Diemen's own: no national figure in it, no long-term target as a year.
    trend = page[page.index("per jaar, uit alle verslagen") :]
    assert "39,8%" not in trend and "2030" not in trend

    rows = list(csv.DictReader(io.StringIO(client.get(CHAPTER + "data.csv").content.decode())))
    ours = [r for r in rows if r["indicator"] == "9.1"]
    assert [(r["kolom"], r["kolomkop"], r["jaar"], r["gebied"], r["waarde"]) for r in ours] == [
        (key, heading, heading[-4:], "Nederland" if "nederland" in key else "", typed)
        for key, heading, typed in zip(KEYS, HEADINGS, TYPED, strict=True)
    ]
    api = json.loads(client.get(f"/api{CHAPTER}indicatoren/9.1/").content)
    assert [(v["kolom"], v["jaar"], v["gebied"]) for v in api["waarden"]][-1] == (
        "vergelijking_2023_nederland",
        2023,
        "Nederland",
    )


def test_the_import_reads_the_tables_own_columns_and_names_them_when_one_is_wrong(
    client: Client, finance: User, policy_officer: User, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    header = ["verslagjaar", "programma", "indicator", "kolom", "jaar", "waarde"]
    response = upload(
        client,
        "indicatoren",
        dutch_csv(
            [
                header,
                ["2024", "sociaal", "9.1", "vergelijking_2023_nederland", "2023", "40,2%"],
                ["2024", "sociaal", "9.1", "streefwaarde_2030", "2030", "65%"],
            ]
        ),
        url=IMPORT,
    )
    confirm(client, response, url=IMPORT)
    national = IndicatorValue.objects.get(indicator=wide_table, area="Nederland")
    assert (national.year, national.display) == (2023, "40,2%")
    assert IndicatorValue.objects.get(indicator=wide_table, kind="streefwaarde").display == "65%"

    response = upload(
        client,
        "indicatoren",
        dutch_csv([header, ["2024", "sociaal", "9.1", "nederland", "2023", "40%"]]),
        url=IMPORT,
    )
    ((row, column, message),) = error_rows(response)
    assert (row, column) == ("2", "kolom")
    assert message == (
        "Onbekende kolom ‘nederland’ in de tabel van 9.1; kies uit " + ", ".join(KEYS) + "."
    )


def test_a_new_year_moves_the_relative_columns_and_keeps_the_fixed_ones(
    client: Client, policy_officer: User, concept_2024: Report, wide_table: Indicator
) -> None:
    client.force_login(policy_officer)
    _enter(client, wide_table)
    Report.objects.filter(pk=concept_2024.pk).update(
        status=ReportStatus.ADOPTED, adopted_on="2025-06-26"
    )
    concept_2024.refresh_from_db()
    new = start_new_year(source=concept_2024)
    table = IndicatorTable.objects.get(program__report=new, indicators__code="9.1")
    labels = [spec.label for spec in columns_of(table)]
    assert labels == [
        "Realisatie 2021",
        "Realisatie 2023",
        "Realisatie 2024",
        "Realisatie 2025",
        "Begroot 2025",
        "Streefwaarde 2030",
        "Nederland 2023",
    ]
    carried = IndicatorValue.objects.filter(indicator__table=table)
    # Last year's realisation moves into "Realisatie 2024"; the comparison starts empty.
    assert {(v.year, v.kind, v.area) for v in carried} == {(2024, "realisatie", "")}


def _columns_post(rows: list[dict[str, str]], version: int, initial: int = 0) -> dict[str, str]:
    data = {
        "version": str(version),
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(initial),
    }
    for n, row in enumerate(rows):
        data |= {f"form-{n}-{name}": value for name, value in row.items()}
    return data


FIXED = [
    {"kind": "realisatie", "year_offset": "-1"},
    {"kind": "begroot", "year_offset": "0"},
    {"kind": "realisatie", "year_offset": "0"},
]


def test_policy_staff_give_a_table_its_own_columns_and_can_go_back_to_the_fixed_ones(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    table = IndicatorTable.objects.get(program__report=concept_2024, indicators__code="3.1.3")
    url = f"/beheer/jaarstukken/2024/sociaal/opbouw/tabel/{table.pk}/kolommen/"
    client.force_login(policy_officer)
    page = text_of(client.get(url))
    assert "Nu: Realisatie 2023 · Begroot 2024 · Realisatie 2024 (de vaste kolommen" in page

    national = {"kind": "vergelijking", "year": "2023", "area": "Nederland"}
    twice = _columns_post([*FIXED, FIXED[1], {}], table.version)
    response = client.post(url, twice)
    assert response.status_code == 400
    assert "‘Begroot 2024’ en ‘Begroot 2024’ tonen dezelfde cijfers" in text_of(response)
    assert not IndicatorColumn.objects.filter(table=table).exists()
    no_area = _columns_post([*FIXED, {"kind": "vergelijking", "year": "2023"}], table.version)
    response = client.post(url, no_area)
    assert "Een vergelijking noemt het gebied, zoals Nederland." in text_of(response)

    response = client.post(url, _columns_post([*FIXED, national, {}], table.version))
    assert response.status_code == 302
    table.refresh_from_db()
    assert [spec.label for spec in columns_of(table)] == [
        "Realisatie 2023",
        "Begroot 2024",
        "Realisatie 2024",
        "Nederland 2023",
    ]
    # Once the table has its own columns, a stale page changes nothing.
    stale = _columns_post([], table.version - 1, initial=0) | {"vaste_kolommen": "1"}
    client.post(url, stale)
    assert IndicatorColumn.objects.filter(table=table).count() == 4
    client.post(url, _columns_post([], table.version) | {"vaste_kolommen": "1"})
    assert not IndicatorColumn.objects.filter(table=table).exists()
