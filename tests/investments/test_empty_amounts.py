"""An amount nobody entered is empty, not nil: in forms, pages, imports and open data."""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from investments.models import BudgetLine, Investment
from programs.models import Report, ReportStatus
from tests.programs.test_exports import csv_rows, page_tables
from tests.programs.test_imports import BUDGET_HEADER, confirm, dutch_csv, error_rows, upload
from tests.programs.test_public_pages import _investment_table

pytestmark = pytest.mark.django_db

BASE = "/beheer/jaarstukken/2024/sociaal/"
CHAPTER = "/jaarstukken/2024/sociaal/"


def line_of(report: Report, nature: str, kind: str) -> BudgetLine:
    return BudgetLine.objects.get(program__report=report, nature=nature, kind=kind)


def enter(client: Client, line: BudgetLine, **amounts: str) -> None:
    data = {"rekening_vorig": "", "begroting_primitief": "", "begroting_totaal": ""}
    data |= {"rekening": "", **amounts, "version": str(line.version)}
    response = client.post(BASE + f"begrotingsregel/{line.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def cost_rows(client: Client, url: str) -> dict[str, list[str]]:
    """The cost table's rows by label: the text of each amount after the label (not the
    stoplight after them); a toelichting row is there by its text."""
    table = page_tables(client, url)["tabel-kosten"]
    return {texts[0]: texts[1:6] for _, _, texts in table["rows"]}


@pytest.fixture
def budget_entered(client: Client, finance: User, concept_2024: Report) -> Report:
    """Finance entered the 2024 budget of the structural expenses, no realisation yet."""
    client.force_login(finance)
    line = line_of(concept_2024, "structureel", "lasten")
    enter(
        client,
        line,
        rekening_vorig="-24.273",
        begroting_primitief="-25.100",
        begroting_totaal="-25.100",
    )
    return concept_2024


def test_a_budget_without_a_realisation_has_no_result_yet(
    client: Client, budget_entered: Report
) -> None:
    line = line_of(budget_entered, "structureel", "lasten")
    assert (line.begroting_totaal, line.rekening, line.budgetresultaat) == (
        -25_100_000,
        None,
        None,
    )
    rows = cost_rows(client, BASE + "financien/")
    # Not "25.100": the whole budget is not the year's result.
    assert rows["Structurele lasten"] == [
        "-24.273",
        "-25.100",
        "-25.100",
        "nog niet ingevuld",
        "nog niet ingevuld",
    ]
    # Last year's result was carried over; the rest of the line is still to come.
    assert rows["Structurele baten"] == ["1.516", *["nog niet ingevuld"] * 4]
    # A balance adds what is there and says how many lines are still empty.
    assert rows["Saldo Structureel"][1:] == [
        "-25.100 3 regels leeg",
        "-25.100 3 regels leeg",
        "nog niet ingevuld",
        "nog niet ingevuld",
    ]
    page = client.get(BASE + "financien/").content.decode()
    assert "Nog niet alle bedragen zijn ingevuld" in page


def test_zero_is_nil_and_emptying_an_amount_empties_it(
    client: Client, budget_entered: Report
) -> None:
    line = line_of(budget_entered, "incidenteel", "baten")
    enter(client, line, begroting_primitief="0", begroting_totaal="0", rekening="0")
    line.refresh_from_db()
    assert (line.rekening_vorig, line.begroting_totaal, line.rekening) == (None, 0, 0)
    assert line.budgetresultaat == 0
    rows = cost_rows(client, BASE + "financien/")
    assert rows["Incidentele baten"] == ["nog niet ingevuld", "-", "-", "-", "-"]

    enter(client, line, begroting_primitief="0", begroting_totaal="0", rekening="")
    line.refresh_from_db()
    assert (line.begroting_totaal, line.rekening) == (0, None)


def test_the_open_data_leaves_an_empty_amount_empty_and_counts_it_in_the_balances(
    client: Client, budget_entered: Report
) -> None:
    Report.objects.filter(pk=budget_entered.pk).update(status=ReportStatus.OFFERED)
    client.logout()
    rows = {
        (row["aard"], row["soort"]): row
        for row in csv_rows(client, CHAPTER + "data.csv?tabel=begroting")
    }
    expenses = rows[("structureel", "lasten")]
    assert (expenses["begroting_totaal"], expenses["rekening"]) == ("-25100", "")
    assert expenses["budgetresultaat"] == ""
    assert rows[("incidenteel", "baten")]["begroting_totaal"] == ""

    data = json.loads(client.get("/api" + CHAPTER).content)
    balance = {row["omschrijving"]: row for row in data["saldi"]}["Saldo Structureel"]
    assert (balance["begroting_totaal"], balance["rekening"]) == (-25_100, None)
    assert balance["eenheid"] == "duizend_euro"
    assert balance["lege_regels"] == {
        "rekening_vorig": 0,
        "begroting_primitief": 3,
        "begroting_totaal": 3,
        "rekening": 4,
        "budgetresultaat": 4,
        # An annual report has no multi-year estimate: every line leaves it empty.
        "raming_vorig": 4,
        "raming_1": 4,
        "raming_2": 4,
        "raming_3": 4,
    }
    # The published chapter says the same as the staff page.
    assert cost_rows(client, CHAPTER)["Structurele lasten"][3:] == ["nog niet ingevuld"] * 2


def test_an_import_reads_an_empty_cell_as_empty_and_refuses_a_result_without_terms(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten"]
    rows = [
        [*BUDGET_HEADER, "budgetresultaat"],
        [*row, "-24.273", "-25.000", "-25.000", "", ""],
        ["2024", "sociaal", "incidenteel", "lasten", "Incidentele lasten", "0", "", "", "", "5"],
    ]
    response = upload(client, "begroting", dutch_csv(rows))
    assert error_rows(response) == [
        (
            "3",
            "budgetresultaat",
            "budgetresultaat wordt berekend (rekening − begroting_totaal) en is leeg zolang "
            "een van beide leeg is; het bestand zegt 5. Maak deze kolom leeg of vul de "
            "bedragen in.",
        )
    ]
    response = upload(client, "begroting", dutch_csv(rows[:2]))
    confirm(client, response)
    line = line_of(concept_2024, "structureel", "lasten")
    assert (line.begroting_totaal, line.rekening) == (-25_000_000, None)


def test_a_new_year_leaves_the_realisations_of_its_credits_empty_for_finance(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    item = Investment.objects.get(program__report=concept_2024, number="760124")
    assert (item.realised, item.free_room) == (None, None)
    headings, rows = _investment_table(client.get(CHAPTER).content.decode())
    assert headings[1:4] == ["Budget", "Realisatie t/m 2024", "Vrije ruimte"]
    assert rows["760124"][1:4] == ["2.400", "nog niet ingevuld", "nog niet ingevuld"]
    response = client.post(
        BASE + "investering/760124/",
        {
            "name": item.name,
            "budget": "2.400",
            "realised": "",
            "status": "I",
            "explanation": "",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.realised is None
