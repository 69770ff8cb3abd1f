"""The Programmabegroting: the program as the budget asks it, and the annual report beside it."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from diemen_sociaal.seed import FIXTURES_DIR, load_report, read_seed
from indicators.models import IndicatorValue, ValueKind
from investments.models import BudgetLine
from programs.models import Activity, Report, ReportKind, ReportStatus

pytestmark = pytest.mark.django_db

BUDGET = "/programmabegroting/2023/sociaal/"
ANNUAL = "/jaarstukken/2023/sociaal/"


@pytest.fixture
def budget_2023(report_2023: Report) -> Report:
    report, written = load_report(read_seed(FIXTURES_DIR / "programmabegroting-2023.yaml"))
    assert written
    return report


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_budget_holds_the_plans_targets_and_primary_budget_of_its_year(
    budget_2023: Report, report_2023: Report
) -> None:
    assert (budget_2023.kind, budget_2023.status) == (ReportKind.PROGRAMMABEGROTING, "vastgesteld")
    assert budget_2023.version_label == "Vastgesteld door Raad"
    plans = dict(
        Activity.objects.filter(subgoal__goal__program__report=budget_2023).values_list(
            "code", "plan"
        )
    )
    annual = dict(
        Activity.objects.filter(subgoal__goal__program__report=report_2023).values_list(
            "code", "plan"
        )
    )
    assert plans == annual
    assert not Activity.objects.filter(subgoal__goal__program__report=budget_2023).exclude(
        realisation=""
    )
    values = IndicatorValue.objects.filter(indicator__table__program__report=budget_2023)
    assert {(v.kind, v.year) for v in values} == {(ValueKind.BUDGET, 2023)}
    lines = BudgetLine.objects.filter(program__report=budget_2023)
    structural = lines.get(label="Structurele lasten")
    # A budget has no realisation: empty, not nil.
    assert (structural.begroting_primitief, structural.rekening) == (-23_974_000, None)


def test_the_budget_chapter_asks_the_budgets_three_questions(
    client: Client, budget_2023: Report
) -> None:
    html = client.get(BUDGET).content.decode()
    page = text(html)
    assert "Programmabegroting 2023 · Vastgesteld door Raad" in page
    assert "Wat willen we bereiken en wat gaan we ervoor doen?" in page
    assert "Wat willen we bereiken?" in page
    assert "Wat gaan we ervoor doen?" in page
    assert "Wat mag het kosten?" in page
    assert (
        "1.1.1 - Ontwikkelen van een aantal instrumenten om te kunnen meten en verantwoorden."
        in page
    )
    # Targets, and nothing that was realised.
    assert "Begroot 2023" in page
    assert "Realisatie 2023" not in page and "Realisatie 2022" not in page
    row = html[html.index('id="indicator-3.1.4"') :]
    row = text(row[: row.index("</tr>")])
    assert row.endswith("per 10.000 inwoners (verplicht) 400")
    assert "Wat hebben we ervoor gedaan?" not in page
    assert "Nog niet ingevuld." not in page
    assert "Begroting 2023 Structurele lasten -23.974" in page
    assert "Budgetresultaat" not in page


def test_the_budget_overview_counts_activities_and_indicators(
    client: Client, budget_2023: Report
) -> None:
    page = text(client.get(BUDGET + "overzicht/").content.decode())
    assert "aantal indicatoren met een streefwaarde voor 2023" in page
    assert "Indicatoren gehaald" not in page


def test_the_annual_report_names_its_budget_and_marks_plans_changed_since(
    client: Client, budget_2023: Report, report_2023: Report
) -> None:
    # Offered, not adopted: its pages are not cached, so the second look sees the change.
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.OFFERED, adopted_on=None)
    page = text(client.get(ANNUAL).content.decode())
    assert "komen uit de Programmabegroting 2023" in page
    assert f'href="{BUDGET}"' in client.get(ANNUAL).content.decode()
    assert "Plan gewijzigd" not in page and "Niet in de Programmabegroting" not in page
    # A plan rewritten in the annual report after the budget (before its adoption,
    # hence the update past the freeze) is marked, with the budget's wording.
    annual = Activity.objects.filter(subgoal__goal__program__report=report_2023)
    annual.filter(code="1.1.2").update(plan="Monitoren en jaarlijks rapporteren.")
    Activity.objects.filter(subgoal__goal__program__report=budget_2023, code="1.3.2").delete()
    changed = text(client.get(ANNUAL).content.decode())
    assert (
        "1.1.2 - Monitoren en jaarlijks rapporteren. Plan gewijzigd na vaststelling van de "
        "begroting. In de Programmabegroting 2023 stond: Monitoren van gegevens en eventueel "
        "bijsturen van de werkwijze." in changed
    )
    assert (
        "Niet in de Programmabegroting 2023: deze activiteit kwam er na vaststelling van de "
        "begroting bij." in changed
    )
    assert changed.count("Plan gewijzigd") == 1
    goal_page = text(client.get(ANNUAL + "doelstelling/1/").content.decode())
    assert "Plan gewijzigd na vaststelling van de begroting." in goal_page


def test_a_budget_that_is_not_adopted_is_no_yardstick(client: Client, budget_2023: Report) -> None:
    Report.objects.filter(pk=budget_2023.pk).update(status=ReportStatus.OFFERED)
    assert "komen uit de Programmabegroting" not in client.get(ANNUAL).content.decode()


def test_the_budget_beside_the_chapter_costs_one_query_more(
    client: Client, budget_2023: Report, report_2023: Report
) -> None:
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.OFFERED, adopted_on=None)
    with CaptureQueriesContext(connection) as with_budget:
        client.get(ANNUAL)
    Report.objects.filter(pk=budget_2023.pk).update(status=ReportStatus.OFFERED)
    with CaptureQueriesContext(connection) as without:
        client.get(ANNUAL)
    assert len(with_budget) == len(without) + 1  # the budget's plans


def test_the_budget_chapter_pdf_asks_the_same_questions(
    client: Client, budget_2023: Report
) -> None:
    import io

    from pypdf import PdfReader

    response = client.get(BUDGET + "pdf/")
    assert response.status_code == 200
    content = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Wat mag het kosten?" in content
    assert "Wat hebben we bereikt" not in content


# --- Staff write a budget as a budget: plans and targets, not realisations --------------------


@pytest.fixture
def concept_budget(report_2023: Report) -> Report:
    """A Programmabegroting 2023 in concept, as staff would be writing it."""
    from cycle.budget import budget_from_annual_report

    return budget_from_annual_report(report_2023)


STAFF = "/beheer/programmabegroting/2023/"


def test_the_budget_worklist_asks_for_plans_and_targets(
    client: Client, policy_officer, concept_budget: Report
) -> None:
    Activity.objects.filter(
        subgoal__goal__program__report=concept_budget, code__in=["1.1.1", "1.1.2"]
    ).update(plan="")
    IndicatorValue.objects.filter(
        indicator__table__program__report=concept_budget,
        indicator__code="3.1.4",
        kind=ValueKind.BUDGET,
    ).delete()
    client.force_login(policy_officer)
    page = text(client.get(STAFF + "werklijst/").content.decode())
    activities = Activity.objects.filter(subgoal__goal__program__report=concept_budget).count()
    assert f"{activities - 2} van {activities} activiteiten met een plan" in page
    assert "indicatoren met een streefwaarde" in page and "ingevuld" not in page.split("Stand")[0]
    missing = text(client.get(STAFF + "werklijst/?state=ontbreekt").content.decode())
    assert "1.1.1" in missing and "1.1.2" in missing and "1.1.3" not in missing
    assert "3.1.4" in missing and "3.1.3" not in missing


def test_policy_staff_write_the_plan_and_the_target_only(
    client: Client, policy_officer, concept_budget: Report
) -> None:
    client.force_login(policy_officer)
    url = STAFF + "sociaal/activiteit/1.1.1/"
    form = client.get(url).content.decode()
    assert 'name="plan"' in form and 'name="realisation"' not in form
    assert "Wat gaan we ervoor doen?" in form
    response = client.post(url, {"plan": "We zetten de pilot voort.", "version": 1})
    assert response.status_code == 302
    activity = Activity.objects.get(subgoal__goal__program__report=concept_budget, code="1.1.1")
    assert (activity.plan, activity.realisation) == ("We zetten de pilot voort.", "")

    url = STAFF + "sociaal/indicator/3.1.4/"
    form = client.get(url).content.decode()
    assert 'name="begroot__totaal"' in form
    assert 'name="realisatie__totaal"' not in form and 'name="realisatie_vorig__totaal"' not in form
    response = client.post(url, {"begroot__totaal": "1.250", "version": 1})
    assert response.status_code == 302
    values = IndicatorValue.objects.filter(
        indicator__table__program__report=concept_budget, indicator__code="3.1.4"
    )
    assert [(v.year, v.kind, v.display) for v in values] == [(2023, ValueKind.BUDGET, "1.250")]


def test_finance_writes_the_budget_of_a_line_and_an_adopted_budget_is_frozen(
    client: Client, finance, concept_budget: Report
) -> None:
    client.force_login(finance)
    line = BudgetLine.objects.filter(program__report=concept_budget).first()
    assert line is not None
    url = STAFF + f"sociaal/begrotingsregel/{line.pk}/"
    form = client.get(url).content.decode()
    assert 'name="begroting_primitief"' in form and 'name="rekening"' not in form
    assert "Wat mag het kosten?" in client.get(STAFF + "sociaal/financien/").content.decode()
    # The budget follows its annual report's unit: x € 1.000.
    assert "Begroting 2023 (× € 1.000)" in form
    response = client.post(url, {"begroting_primitief": "1.234", "version": 1})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.begroting_primitief, line.rekening) == (1_234_000, None)
    Report.objects.filter(pk=concept_budget.pk).update(status=ReportStatus.ADOPTED)
    response = client.post(url, {"begroting_primitief": "1", "version": 2})
    assert response.status_code == 403
    assert "Programmabegroting 2023 is vastgesteld door de raad" in response.content.decode()
    line.refresh_from_db()
    assert line.begroting_primitief == 1_234_000
