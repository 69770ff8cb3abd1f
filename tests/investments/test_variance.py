"""Variance: a budget result beyond the report's threshold, or any overspend on costs, asks
finance for a toelichting; the chapter shows a stoplight per line and the toelichting."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from diemen_sociaal.lib.costs import Amounts, VarianceRule
from investments.models import BudgetLine
from programs.models import Report
from staff import worklist
from tests.investments.test_empty_amounts import BASE, CHAPTER, cost_rows, enter, line_of
from tests.programs.test_exports import page_tables

pytestmark = pytest.mark.django_db

RULE = VarianceRule(100_000, 10)


def judge(kind: str, budget: int, actual: int) -> tuple[str, bool] | None:
    verdict = RULE.judge(kind, Amounts(None, budget, budget, actual))
    return None if verdict is None else (verdict.key, verdict.needs_explanation)


def test_the_threshold_is_the_lower_of_the_amount_and_the_share_of_the_budget() -> None:
    assert RULE.threshold(-25_000_000) == 100_000  # 10 % is 2,5 million: the amount is lower
    assert RULE.threshold(-500_000) == 50_000  # 10 % is lower
    assert RULE.threshold(0) == 0 and RULE.threshold(None) == 0
    # Costs: negative is a cost, so spending less is a positive result.
    assert judge("lasten", -1_000_000, -950_000) == ("binnen_begroting", False)
    assert judge("lasten", -10_000_000, -9_800_000) == ("binnen_begroting", True)  # 200.000 less
    # Any overspend on costs asks for a toelichting, even within the threshold.
    assert judge("lasten", -1_000_000, -1_010_000) == ("binnen_drempel", True)
    assert judge("lasten", -1_000_000, -1_200_000) == ("boven_drempel", True)
    # Income below budget within the threshold does not.
    assert judge("baten", 1_000_000, 950_000) == ("binnen_drempel", False)
    assert judge("baten", 1_000_000, 850_000) == ("boven_drempel", True)
    # Nothing realised yet: nothing to judge.
    assert RULE.judge("lasten", Amounts(None, -1, -1, None)) is None


def test_the_2023_chapter_shows_a_stoplight_per_line_and_its_legend(
    client: Client, report_2023: Report
) -> None:
    table = page_tables(client, "/jaarstukken/2023/sociaal/")["tabel-kosten"]
    rows = {texts[0]: texts[-1] for _, _, texts in table["rows"]}
    assert rows["Structurele lasten"] == "● binnen de begroting"  # 1.141 less spent
    assert rows["Structurele baten"] == "▲ binnen de drempel"  # 32 less income
    assert rows["Saldo Structureel"] == ""  # a balance is not judged
    page = client.get("/jaarstukken/2023/sociaal/").content.decode()
    assert "door deze website bepaald uit het budgetresultaat (niet uit het verslag)" in page
    assert "niet meer dan € 100.000 of 10% van de begroting totaal" in page


def test_an_overspend_without_toelichting_is_on_the_worklist_until_finance_writes_one(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    line = line_of(concept_2024, "structureel", "lasten")
    enter(
        client,
        line,
        begroting_primitief="-25.000",
        begroting_totaal="-25.000",
        rekening="-25.040",
    )
    (gap,) = [g for g in worklist.gaps(concept_2024) if g["program"].slug == "sociaal"]
    assert "1 begrotingsregel met een afwijking zonder toelichting" in gap["missing"]

    line.refresh_from_db()
    form = client.get(BASE + f"begrotingsregel/{line.pk}/").content.decode()
    assert "Nodig boven de drempel van dit verslag (€ 100.000 of 10% van de" in form
    enter(
        client,
        line,
        begroting_primitief="-25.000",
        begroting_totaal="-25.000",
        rekening="-25.040",
        explanation="Meer inwoners kregen jeugdhulp dan voorzien.",
    )
    line.refresh_from_db()
    assert line.explanation == "Meer inwoners kregen jeugdhulp dan voorzien."
    (gap,) = [g for g in worklist.gaps(concept_2024) if g["program"].slug == "sociaal"]
    assert not any("toelichting" in text for text in gap["missing"])
    rows = cost_rows(client, CHAPTER)
    assert rows["Structurele lasten"] == [
        "nog niet ingevuld",
        "-25.000",
        "-25.000",
        "-25.040",
        "-40",
    ]
    table = page_tables(client, CHAPTER)["tabel-kosten"]
    stoplights = {texts[0]: texts[-1] for _, _, texts in table["rows"]}
    assert stoplights["Structurele lasten"] == "▲ binnen de drempel"
    assert "Toelichting structurele lasten: Meer inwoners kregen jeugdhulp dan voorzien." in rows


def test_the_controller_sets_the_threshold_with_a_dutch_message_for_bad_input(
    client: Client, controller: User, concept_2024: Report
) -> None:
    client.force_login(controller)
    url = "/beheer/jaarstukken/2024/drempel/"
    refused = client.post(url, {"variance_euros": "veel", "variance_percent": "150"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Vul een percentage van 0 tot en met 100 in." in body
    concept_2024.refresh_from_db()
    assert (concept_2024.variance_euros, concept_2024.variance_percent) == (100_000, 10)

    response = client.post(url, {"variance_euros": "50.000", "variance_percent": "5"})
    assert response.status_code == 302
    concept_2024.refresh_from_db()
    assert (concept_2024.variance_euros, concept_2024.variance_percent) == (50_000, 5)
    assert concept_2024.variance_rule.threshold(-2_000_000) == 50_000
    assert BudgetLine.objects.filter(program__report=concept_2024).exists()


def test_the_open_data_and_api_give_the_stoplight_and_the_toelichting_and_the_import_reads_it(
    client: Client, report_2023: Report
) -> None:
    BudgetLine.objects.filter(
        program__report=report_2023, nature="structureel", kind="baten"
    ).update(explanation="Minder eigen bijdragen ontvangen.")
    csv = client.get("/jaarstukken/2023/sociaal/data.csv?tabel=begroting").content.decode()
    header, *rows = csv.strip().splitlines()
    assert header.endswith(
        ",budgetresultaat,raming_vorig,raming_1,raming_2,raming_3,afwijking,toelichting"
    )
    baten = next(row for row in rows if ",Structurele baten," in row)
    assert baten.endswith(",-32,,,,,binnen_drempel,Minder eigen bijdragen ontvangen.")
    lines = client.get("/api/jaarstukken/2023/sociaal/begroting/").json()["resultaten"]
    by_label = {(line["aard"], line["omschrijving"]): line for line in lines}
    assert by_label[("structureel", "Structurele baten")]["afwijking"] == "binnen_drempel"
    assert (
        by_label[("structureel", "Structurele baten")]["toelichting"]
        == "Minder eigen bijdragen ontvangen."
    )
    assert by_label[("structureel", "Structurele lasten")]["toelichting"] == ""
