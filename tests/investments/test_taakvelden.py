"""Taakvelden: each budget line booked on a taakveld of the national list, an overview per
taakveld that adds up to the cost table, and the taakveld in the open data and the import."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from diemen_sociaal.seed import TAAKVELDEN, load_taakvelden
from investments.models import BudgetLine, Taakveld, taakveld_table
from programs.models import Program, Report, ReportStatus
from tests.investments.test_empty_amounts import BASE, CHAPTER, line_of
from tests.programs.test_exports import page_tables
from tests.programs.test_imports import confirm, dutch_csv, text_of, upload

pytestmark = pytest.mark.django_db


def book(report: Report, nature: str, kind: str, code: str) -> None:
    line = line_of(report, nature, kind)
    line.taakveld = Taakveld.objects.get(code=code)
    line.save()


def test_the_list_is_versioned_data_loaded_with_the_seed_and_reloaded_by_its_command(
    report_2023: Report,
) -> None:
    found = {t.code: t.name for t in Taakveld.objects.filter(version="2017")}
    assert found["6.71"] == "Maatwerkdienstverlening 18+"
    assert found["0.10"] == "Mutaties reserves" and len(found) == 12
    assert load_taakvelden(TAAKVELDEN) == (0, 12), "the seed loaded it: a reload only updates"
    call_command("load_taakvelden", verbosity=0)
    assert Taakveld.objects.count() == 12


def test_the_overview_per_taakveld_adds_up_to_the_cost_table(
    client: Client, report_2023: Report
) -> None:
    program = Program.objects.get(report=report_2023, slug="sociaal")
    assert taakveld_table(program) == []  # the seed names no taakveld: no overview
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.OFFERED, adopted_on=None)
    book(report_2023, "structureel", "lasten", "6.72")
    book(report_2023, "incidenteel", "lasten", "6.72")
    book(report_2023, "structureel", "baten", "6.1")
    rows = {row.label: row for row in taakveld_table(program)}
    assert list(rows) == [
        "6.1 Samenkracht en burgerparticipatie",
        "6.72 Maatwerkdienstverlening 18-",
        "Geen taakveld opgegeven",
        "Saldo van de baten en lasten",
    ]
    youth = rows["6.72 Maatwerkdienstverlening 18-"]
    assert youth["rekening"].value == (-24_273 - 1_113) * 1000
    tables = page_tables(client, "/jaarstukken/2023/sociaal/")
    overview = {texts[0]: texts[1:] for _, _, texts in tables["tabel-taakvelden"]["rows"]}
    costs = {texts[0]: texts[1:6] for _, _, texts in tables["tabel-kosten"]["rows"]}
    assert overview["6.72 Maatwerkdienstverlening 18-"] == [
        "-23.687",
        "-24.028",
        "-26.839",
        "-25.386",
    ]
    # The total is the cost table's, with the figure the source printed (-25.037, one off
    # the sum of the rounded lines).
    assert overview["Saldo van de baten en lasten"] == ["-23.186", "-23.540", "-25.037", "-24.009"]
    assert costs["Saldo van de baten en lasten"][:4] == ["-23.186", "-23.540", "-25.037", "-24.009"]
    csv = client.get("/jaarstukken/2023/sociaal/data.csv?tabel=begroting").content.decode()
    assert "2023,sociaal,structureel,lasten,Structurele lasten,6.72,duizend_euro," in csv
    lines = client.get("/api/jaarstukken/2023/sociaal/begroting/").json()["resultaten"]
    assert [line["taakveld"] for line in lines][:2] == ["6.72", "6.1"]


def test_finance_books_a_line_on_a_taakveld_and_an_unknown_one_is_refused(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    line = line_of(concept_2024, "structureel", "lasten")
    url = BASE + f"begrotingsregel/{line.pk}/"
    form = client.get(url).content.decode()
    assert "6.72 Maatwerkdienstverlening 18-" in form
    data = {
        "rekening_vorig": "-24.273",
        "begroting_primitief": "",
        "begroting_totaal": "",
        "rekening": "",
        "version": str(line.version),
    }
    refused = client.post(url, {**data, "taakveld": "999999"})
    assert refused.status_code == 400
    assert "Dit taakveld bestaat niet; kies er een uit de lijst." in refused.content.decode()
    youth = Taakveld.objects.get(code="6.72")
    assert client.post(url, {**data, "taakveld": str(youth.pk)}).status_code == 302
    assert BudgetLine.objects.get(pk=line.pk).taakveld == youth
    assert "6.72 Maatwerkdienstverlening 18-" in client.get(CHAPTER).content.decode()


@pytest.mark.in_thousands
def test_the_import_reads_the_taakveld_by_code_and_refuses_an_unknown_code(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    header = ["verslagjaar", "programma", "aard", "soort", "omschrijving", "taakveld"]
    header += ["rekening_vorig", "begroting_primitief", "begroting_totaal", "rekening"]
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten"]
    bad = upload(client, "begroting", dutch_csv([header, [*row, "6.99", "-24.273", "", "", ""]]))
    assert "Onbekend taakveld ‘6.99’; gebruik een code van de lijst, zoals 6.71." in text_of(bad)
    good = upload(client, "begroting", dutch_csv([header, [*row, "6.72", "-24.273", "", "", ""]]))
    assert "taakveld" in text_of(good) and "6.72" in text_of(good)
    confirm(client, good)
    assert line_of(concept_2024, "structureel", "lasten").taakveld.code == "6.72"  # type: ignore[union-attr]


@pytest.mark.in_thousands
def test_the_import_writes_a_toelichting_and_leaves_it_alone_without_the_column(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    header = ["verslagjaar", "programma", "aard", "soort", "omschrijving", "toelichting"]
    header += ["rekening_vorig", "begroting_primitief", "begroting_totaal", "rekening"]
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten"]
    preview = upload(
        client, "begroting", dutch_csv([header, [*row, "Meer jeugdhulp.", "-24.273", "", "", ""]])
    )
    confirm(client, preview)
    line = line_of(concept_2024, "structureel", "lasten")
    assert line.explanation == "Meer jeugdhulp."
    without = [h for h in header if h != "toelichting"]
    changed = dutch_csv([without, [*row, "-24.273", "-25.000", "", ""]])
    confirm(client, upload(client, "begroting", changed))
    line = line_of(concept_2024, "structureel", "lasten")
    assert (line.begroting_primitief, line.explanation) == (-25_000_000, "Meer jeugdhulp.")
