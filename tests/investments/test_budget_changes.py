"""Budget changes: the way from "begroting primitief" to "begroting totaal", line by line,
with the decision behind each change and the rest as "overige wijzigingen"."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from diemen_sociaal.lib.costs import EUROS, THOUSANDS, BudgetSteps
from investments.models import BudgetChange, BudgetLine, program_budget_steps
from programs.models import CouncilDocument, DocumentKind, Program, Report, ReportStatus
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

CHAPTER_2023 = "/jaarstukken/2023/sociaal/"
MONEY_2024 = "/beheer/jaarstukken/2024/sociaal/financien/"


def text_of(response: ClientResponse) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def steps_table(response: ClientResponse) -> str:
    body = response.content.decode()
    start = body.index("Van begroting primitief naar begroting totaal")
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body[start:]).split()))


class Change:
    def __init__(self, amount: int) -> None:
        self.amount = amount


def test_what_no_decision_explains_is_the_rest_of_the_change_and_unknown_while_an_end_is_empty() -> (
    None
):
    step = BudgetSteps("Lasten", -23_974_000, (Change(-900_000),), -25_414_000)
    assert (step.explained, step.other) == (-900_000, -540_000)
    assert not step.other_is_rounding(THOUSANDS)
    assert BudgetSteps("Lasten", None, (Change(-900_000),), -25_414_000).other is None
    assert BudgetSteps("Lasten", -1_000, (), None).other is None
    # Thousands: the ends are rounded, so a few hundred euros left is the rounding.
    rounded = BudgetSteps("Lasten", -24_000_000, (Change(-899_600),), -24_900_000)
    assert rounded.other == -400 and rounded.other_is_rounding(THOUSANDS)
    assert not rounded.other_is_rounding(EUROS)


def test_the_2023_chapter_explains_structural_costs_by_the_2nd_quarterly_letter_and_the_rest(
    client: Client, report_2023: Report
) -> None:
    table = steps_table(client.get(CHAPTER_2023))
    lasten = table[
        table.index("Structurele lasten (structureel)") : table.index("Structurele baten")
    ]
    assert lasten == (
        "Structurele lasten (structureel) Begroting primitief -23.974 "
        "Indexatie budget jeugdhulp op basis van de contractafspraken 2e kwartaalbrief 2023 "
        "(kwartaalbrief, 2023, datum niet vastgelegd) -900 "
        "Overige wijzigingen Geen besluit vastgelegd -540 "
        "Begroting totaal (na wijziging) -25.414 "
    )
    # A line changed without a recorded decision is all "overige wijzigingen".
    assert "Structurele baten (structureel) Begroting primitief 452 Overige wijzigingen " in table
    # A line that did not change is not listed.
    assert "Toevoegingen aan reserves (structureel)" not in table
    # The decision links to its page in the register.
    assert (
        'href="/beleid/raadsstukken/2e-kwartaalbrief-2023/"'
        in client.get(CHAPTER_2023).content.decode()
    )


def test_a_change_needs_a_decision_of_a_kind_that_changes_budgets_and_a_line_of_its_program(
    report_2023: Report, concept_2024: Report
) -> None:
    program = Program.objects.get(report=concept_2024, slug="sociaal")
    line = BudgetLine.objects.filter(program=program)[0]
    letter = CouncilDocument.objects.create(
        slug="brief", kind=DocumentKind.LETTER, subject="Stand van zaken", year=2024
    )
    change = BudgetChange(
        program=program, line=line, document=letter, description="Iets", amount=-1_000
    )
    with pytest.raises(ValidationError) as refused:
        change.full_clean()
    assert "Een raadsinformatiebrief wijzigt de begroting niet" in str(refused.value)
    other_line = BudgetLine.objects.filter(program__report=report_2023)[0]
    change.document = CouncilDocument.objects.get(slug="2e-kwartaalbrief-2023")
    change.line = other_line
    with pytest.raises(ValidationError) as refused:
        change.full_clean()
    assert "hoort bij een ander programma" in str(refused.value)


@pytest.fixture
def money(client: Client, finance: User, concept_2024: Report) -> Client:
    client.force_login(finance)
    return client


def test_finance_records_a_budget_change_that_the_chapter_shows_and_removes_it(
    money: Client, concept_2024: Report
) -> None:
    program = Program.objects.get(report=concept_2024, slug="sociaal")
    line = BudgetLine.objects.get(program=program, nature="structureel", kind="lasten")
    line.begroting_primitief, line.begroting_totaal = -24_000_000, -25_000_000
    line.save()
    decision = CouncilDocument.objects.create(
        slug="1e-kwartaalbrief-2024",
        kind=DocumentKind.QUARTERLY,
        subject="1e kwartaalbrief 2024",
        council_date="2024-05-30",
    )
    page = text_of(money.get(MONEY_2024))
    assert "Begrotingswijziging toevoegen" in page

    form = money.get(MONEY_2024 + "nieuw/begrotingswijziging/").content.decode()
    # Only decisions that change a budget are offered, with their dates.
    assert "Kwartaalbrief: 1e kwartaalbrief 2024 (raadsvergadering 30 mei 2024)" in form
    assert "Stand van zaken" not in form
    # Django 6.1's new empty choice, in Dutch (locale/).
    assert "- Kies een optie -" in form and "Select an option" not in form

    refused = money.post(
        MONEY_2024 + "nieuw/begrotingswijziging/",
        {"line": line.pk, "document": decision.pk, "description": "Jeugdhulp", "amount": "0"},
    )
    assert refused.status_code == 400
    assert "Een wijziging van € 0 verandert de begroting niet." in text_of(refused)
    refused = money.post(
        MONEY_2024 + "nieuw/begrotingswijziging/",
        {"line": line.pk, "document": decision.pk, "description": "Jeugdhulp", "amount": "12,5"},
    )
    assert refused.status_code == 400 and not BudgetChange.objects.filter(program=program)

    response = money.post(
        MONEY_2024 + "nieuw/begrotingswijziging/",
        {
            "line": line.pk,
            "document": decision.pk,
            "description": "Indexatie jeugdhulp",
            "amount": "-600.000",
        },
    )
    assert response.status_code == 302 and response["Location"] == MONEY_2024
    change = BudgetChange.objects.get(program=program)
    assert (change.amount, change.line, change.document) == (-600_000, line, decision)

    [step] = [s for s in program_budget_steps(program) if s.changes]
    assert (step.explained, step.other) == (-600_000, -400_000)
    table = steps_table(money.get("/jaarstukken/2024/sociaal/"))
    assert (
        "Indexatie jeugdhulp 1e kwartaalbrief 2024 (kwartaalbrief, raadsvergadering 30 mei 2024) "
        "-600 Overige wijzigingen Geen besluit vastgelegd -400 "
        "Begroting totaal (na wijziging) -25.000"
    ) in table

    # The register's page lists what the decision changed, for those who may see the report:
    # the concept only for staff.
    document_page = "/beleid/raadsstukken/1e-kwartaalbrief-2024/"
    assert (
        "Jaarstukken 2024, programma Sociaal , structurele lasten (structureel): "
        "Indexatie jeugdhulp, € -600.000"
    ) in text_of(money.get(document_page))
    assert "Begrotingswijzigingen" not in text_of(Client().get(document_page))

    remove = MONEY_2024 + f"begrotingswijziging/{change.pk}/verwijder/"
    assert "Begrotingswijziging Indexatie jeugdhulp" in text_of(money.get(remove))
    money.post(remove, {"version": change.version})
    assert not BudgetChange.objects.filter(program=program).exists()
    # The decision stays in the register.
    assert CouncilDocument.objects.filter(pk=decision.pk).exists()


def test_a_budget_takes_no_budget_changes_and_an_offered_report_takes_no_new_ones(
    money: Client, concept_2024: Report, budget_2023: Report
) -> None:
    response = money.get(
        "/beheer/programmabegroting/2023/sociaal/financien/nieuw/begrotingswijziging/"
    )
    assert response.status_code == 403
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    response = money.get(MONEY_2024 + "nieuw/begrotingswijziging/")
    assert response.status_code == 403


def test_a_decision_with_budget_changes_cannot_be_deleted_from_the_register(
    report_2023: Report,
) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        CouncilDocument.objects.get(slug="2e-kwartaalbrief-2023").delete()


def test_the_open_data_and_the_api_give_the_change_in_euros_with_its_decision(
    client: Client, report_2023: Report
) -> None:
    csv = client.get("/jaarstukken/2023/data.csv?tabel=begrotingswijzigingen").content.decode()
    header, row, *rest = csv.strip().splitlines()
    assert rest == []
    assert header == (
        "verslagjaar,programma,aard,soort,omschrijving,wijziging,eenheid,bedrag,besluit,"
        "besluit_soort,besluit_onderwerp,besluit_datum,besluit_jaar"
    )
    assert row == (
        "2023,sociaal,structureel,lasten,Structurele lasten,"
        "Indexatie budget jeugdhulp op basis van de contractafspraken,euro,-900000,"
        "2e-kwartaalbrief-2023,kwartaalbrief,2e kwartaalbrief 2023,,2023"
    )
    lines = client.get("/api/jaarstukken/2023/sociaal/begroting/").json()["resultaten"]
    by_label = {(line["aard"], line["omschrijving"]): line for line in lines}
    assert by_label[("structureel", "Structurele lasten")]["wijzigingen"] == [
        {
            "omschrijving": "Indexatie budget jeugdhulp op basis van de contractafspraken",
            "eenheid": "euro",
            "bedrag": -900000,
            "besluit": {
                "code": "2e-kwartaalbrief-2023",
                "soort": "kwartaalbrief",
                "onderwerp": "2e kwartaalbrief 2023",
                "datum": None,
                "jaar": 2023,
            },
        }
    ]
    assert by_label[("structureel", "Structurele baten")]["wijzigingen"] == []


def test_adopted_carry_overs_become_budget_changes_of_the_next_year(
    client: Client, controller: User, report_2023: Report
) -> None:
    from cycle.new_year import carry_over_outcomes, start_new_year
    from investments.models import CarryOver

    decision = CouncilDocument.objects.create(
        slug="vaststelling-jaarstukken-2023",
        kind=DocumentKind.DECISION,
        subject="Vaststelling Jaarstukken 2023",
        council_date="2024-06-27",
    )
    Report.objects.filter(pk=report_2023.pk).update(adoption_decision=decision)
    costs = BudgetLine.objects.get(program__report=report_2023, nature="structureel", kind="lasten")
    CarryOver.objects.filter(
        program__report=report_2023, title="Transformatiemiddelen jeugdhulp"
    ).update(line=costs)
    new = start_new_year(source=Report.objects.get(pk=report_2023.pk))

    [change] = BudgetChange.objects.filter(program__report=new)
    assert (change.line.label, change.line.nature, change.amount, change.document) == (
        "Structurele lasten",
        "structureel",
        -100_000,
        decision,
    )
    assert (
        change.description == "Overheveling uit Jaarstukken 2023: Transformatiemiddelen jeugdhulp"
    )
    outcomes = {row["item"].title: row["outcome"] for row in carry_over_outcomes(new)}
    assert outcomes == {
        "Transformatiemiddelen jeugdhulp": "begrotingswijziging op structurele lasten",
        "Gezond in de Stad (GIDS) en versterking van de sociale basis": (
            "niet meegenomen: de overheveling noemt geen bedrag"
        ),
        "Woonzorgvisie": "niet meegenomen: er is geen begrotingsregel gekozen",
        "Inburgering ondertussengroep": "niet meegenomen: de overheveling noemt geen bedrag",
    }
    client.force_login(controller)
    page = text_of(client.get("/beheer/jaarstukken/2024/begonnen/"))
    assert (
        "Sociaal: Transformatiemiddelen jeugdhulp (€ 100.000) — begrotingswijziging op "
        "structurele lasten"
    ) in page


def test_without_the_adoption_decision_in_the_register_no_carry_over_is_booked(
    report_2023: Report,
) -> None:
    from cycle.new_year import carry_over_outcomes, start_new_year
    from investments.models import CarryOver

    costs = BudgetLine.objects.get(program__report=report_2023, nature="structureel", kind="lasten")
    CarryOver.objects.filter(program__report=report_2023).update(line=costs)
    new = start_new_year(source=Report.objects.get(pk=report_2023.pk))
    assert not BudgetChange.objects.filter(program__report=new).exists()
    outcomes = {row["item"].title: row["outcome"] for row in carry_over_outcomes(new)}
    assert outcomes["Transformatiemiddelen jeugdhulp"] == (
        "niet meegenomen: het raadsbesluit van de vaststelling staat niet in het register"
    )


def test_finance_corrects_a_recorded_budget_change_and_a_stale_page_does_not_overwrite_it(
    money: Client, concept_2024: Report
) -> None:
    program = concept_2024.programs.get(slug="sociaal")
    line = BudgetLine.objects.get(program=program, nature="structureel", kind="lasten")
    decision = CouncilDocument.objects.create(
        slug="1e-kwartaalbrief-2024",
        kind=DocumentKind.QUARTERLY,
        subject="1e kwartaalbrief 2024",
        council_date="2024-05-30",
    )
    change = BudgetChange.objects.create(
        program=program, line=line, document=decision, description="Jeugdhulp", amount=-900_000
    )
    assert f"/begrotingswijziging/{change.pk}/" in money.get(MONEY_2024).content.decode()
    url = MONEY_2024.replace("financien/", f"begrotingswijziging/{change.pk}/")
    fields = {"line": line.pk, "document": decision.pk, "description": "Indexatie jeugdhulp"}
    saved = money.post(url, fields | {"amount": "-950.000", "version": 1})
    assert saved.status_code == 302
    change.refresh_from_db()
    assert (change.description, change.amount, change.version) == (
        "Indexatie jeugdhulp",
        -950_000,
        2,
    )
    # A page opened before that save changes nothing and shows the conflict.
    stale = money.post(url, fields | {"amount": "-1.000.000", "version": 1})
    assert stale.status_code == 409
    change.refresh_from_db()
    assert change.amount == -950_000
    # Bad input gets its Dutch message and stores nothing.
    zero = money.post(url, fields | {"amount": "0", "version": 2})
    assert "Een wijziging van € 0 verandert de begroting niet." in text_of(zero)
    change.refresh_from_db()
    assert change.amount == -950_000
