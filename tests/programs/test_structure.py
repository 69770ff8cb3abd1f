"""Policy staff build a program's structure in a concept: add, change, move, remove."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorTable, IndicatorValue
from programs.models import Activity, Goal, Report, ReportStatus, Subgoal
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

BASE = "/beheer/jaarstukken/2024/sociaal/opbouw/"


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def staff(client: Client, policy_officer: User, concept_2024: Report) -> Client:
    client.force_login(policy_officer)
    return client


def goal_2024(code: str) -> Goal:
    return Goal.objects.get(program__report__year=2024, program__slug="sociaal", code=code)


def test_policy_staff_build_a_new_goal_with_everything_under_it(staff: Client) -> None:
    response = staff.post(
        BASE + "nieuw/doelstelling/", {"code": "7", "title": "Iedereen doet mee."}
    )
    goal = goal_2024("7")
    assert response.status_code == 302 and response["Location"] == f"{BASE}#doelstelling-{goal.pk}"
    assert goal.order == 7  # after the six goals of the seed

    staff.post(f"{BASE}nieuw/subdoel/onder/{goal.pk}/", {"code": "7.1", "title": "Werk."})
    subgoal = Subgoal.objects.get(goal=goal, code="7.1")
    staff.post(
        f"{BASE}nieuw/activiteit/onder/{subgoal.pk}/",
        {"code": "7.1.1", "plan": "Een banenplan maken."},
    )
    staff.post(
        f"{BASE}nieuw/tabel/onder/{goal.pk}/", {"kind": "prestatie", "budget_label": "Begroting"}
    )
    table = IndicatorTable.objects.get(goal=goal)
    response = staff.post(
        f"{BASE}nieuw/indicator/onder/{table.pk}/",
        {
            "code": "20.a",  # the BBV list numbers with letters
            "name": "Banen per 1.000 inwoners van 15 t/m 74 jaar",
            "unit": "per 1.000 inwoners",
            "source": "LISA",
            "direction": "hoger",
            "mandatory": "on",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(table=table)
    assert (indicator.code, indicator.unit, indicator.source, indicator.mandatory) == (
        "20.a",
        "per 1.000 inwoners",
        "LISA",
        True,
    )

    page = text_of(staff.get(BASE))
    assert "Doelstelling 7: Iedereen doet mee." in page
    assert "Subdoel 7.1: Werk." in page and "Activiteit 7.1.1: Een banenplan maken." in page
    assert "Indicator 20.a: Banen per 1.000 inwoners" in page
    # The worklist counts the new activity and indicator as still to be filled in.
    worklist = text_of(staff.get("/beheer/jaarstukken/2024/werklijst/"))
    assert "0 van 32 activiteiten ingevuld, 0 van 45 indicatoren ingevuld" in worklist
    # The draft chapter and the indicator's own page (a code with a letter) show them.
    chapter = text_of(staff.get("/jaarstukken/2024/sociaal/"))
    assert "Iedereen doet mee." in chapter and "Een banenplan maken." in chapter
    assert staff.get("/jaarstukken/2024/sociaal/indicator/20.a/").status_code == 200


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1", "Dit programma heeft al een doelstelling met nummer 1. Kies een ander nummer."),
        ("3 1", "Een nummer bestaat uit cijfers of letters"),
        ("3..1", "Een nummer bestaat uit cijfers of letters"),
        ("", "Dit veld is verplicht."),
    ],
)
def test_a_code_that_is_taken_or_malformed_is_refused_in_dutch_and_what_was_typed_stays(
    staff: Client, code: str, message: str
) -> None:
    before = Goal.objects.count()
    response = staff.post(BASE + "nieuw/doelstelling/", {"code": code, "title": "Nieuw doel."})
    assert response.status_code == 400
    text = text_of(response)
    assert "Niet toegevoegd: verbeter de velden met een melding." in text
    assert message in text
    assert "Nieuw doel." in response.content.decode()  # nothing typed is lost
    assert Goal.objects.count() == before


def test_an_activity_code_is_unique_across_the_whole_program(staff: Client) -> None:
    """The activity's address is /<program>/activiteit/<code>/: one code, one activity."""
    other_subgoal = Subgoal.objects.get(
        goal__program__report__year=2024, goal__program__slug="sociaal", code="2.1"
    )
    response = staff.post(
        f"{BASE}nieuw/activiteit/onder/{other_subgoal.pk}/", {"code": "1.1.1", "plan": "Dubbel."}
    )
    assert response.status_code == 400
    assert "Dit programma heeft al een activiteit met nummer 1.1.1." in text_of(response)
    assert text_of(response).count("heeft al een activiteit") == 1  # said once
    assert not Activity.objects.filter(plan="Dubbel.").exists()


def test_moving_changes_the_order_not_the_code_and_a_form_opened_before_is_stale(
    staff: Client,
) -> None:
    subgoal = Subgoal.objects.get(
        goal__program__report__year=2024, goal__program__slug="sociaal", code="1.1"
    )
    first, second = subgoal.activities.order_by("order")[:2]
    assert (first.code, second.code) == ("1.1.1", "1.1.2")
    opened_at = second.version

    response = staff.post(f"{BASE}activiteit/{second.pk}/verplaats/", {"richting": "omhoog"})
    assert response.status_code == 302
    codes = list(subgoal.activities.order_by("order").values_list("code", flat=True))
    assert codes[:2] == ["1.1.2", "1.1.1"]
    chapter = staff.get("/jaarstukken/2024/sociaal/").content.decode()
    plan_first, plan_second = first.plan[:40], second.plan[:40]
    assert chapter.index(plan_second) < chapter.index(plan_first)

    # Someone who opened the activity before the move saves: the conflict page, not a
    # silent overwrite of the new order.
    response = staff.post(
        f"{BASE}activiteit/{second.pk}/", {"plan": "Mijn tekst.", "version": opened_at}
    )
    assert response.status_code == 409
    second.refresh_from_db()
    assert second.plan != "Mijn tekst."


def test_the_code_of_an_existing_item_cannot_be_changed_by_editing(staff: Client) -> None:
    goal = goal_2024("2")
    form = staff.get(f"{BASE}doelstelling/{goal.pk}/").content.decode()
    assert re.search(r'<input[^>]*name="code"[^>]*disabled', form)
    response = staff.post(
        f"{BASE}doelstelling/{goal.pk}/",
        {"code": "9", "title": "Een nieuwe formulering.", "version": goal.version},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.code, goal.title) == ("2", "Een nieuwe formulering.")
    history = text_of(staff.get(f"{BASE}doelstelling/{goal.pk}/"))
    assert "beleid-sociaal" in history and "Een nieuwe formulering." in history


def test_removing_a_goal_says_first_what_goes_with_it_and_earlier_years_keep_theirs(
    staff: Client, report_2023: Report
) -> None:
    goal = goal_2024("2")
    indicator = Indicator.objects.filter(table__goal=goal).order_by("order").first()
    assert indicator is not None
    staff.post(
        f"/beheer/jaarstukken/2024/sociaal/indicator/{indicator.code}/",
        {"version": indicator.version, "realisatie__totaal": "12"},
    )
    activity = Activity.objects.filter(subgoal__goal=goal).order_by("subgoal__order", "order")
    filled = activity.first()
    assert filled is not None
    staff.post(
        f"/beheer/jaarstukken/2024/sociaal/activiteit/{filled.code}/",
        {"realisation": "Gedaan.", "version": filled.version},
    )
    subgoals = goal.subgoals.count()
    activities = activity.count()
    values = IndicatorValue.objects.filter(indicator__table__goal=goal).count()
    assert values > 0

    confirm = text_of(staff.get(f"{BASE}doelstelling/{goal.pk}/verwijder/"))
    assert "Doelstelling 2 verwijderen?" in confirm
    assert f"{subgoals} subdoelen" in confirm
    assert f"{activities} activiteiten, waarvan 1 met een ingevulde realisatie" in confirm
    assert f"{values} ingevulde waarde" in confirm
    assert Goal.objects.filter(pk=goal.pk).exists()  # asking removes nothing

    response = staff.post(f"{BASE}doelstelling/{goal.pk}/verwijder/", {"version": goal.version})
    assert response.status_code == 302 and response["Location"] == BASE
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert not Activity.objects.filter(pk=filled.pk).exists()
    assert "Doelstelling 2 verwijderd." in text_of(staff.get(BASE))
    # The Jaarstukken 2023 keep their goal 2 and its page.
    assert Goal.objects.filter(program__report=report_2023, code="2").exists()
    assert staff.get("/jaarstukken/2023/sociaal/doelstelling/2/").status_code == 200
    assert staff.get("/jaarstukken/2024/sociaal/doelstelling/2/").status_code == 404


def test_a_removal_confirmed_on_a_stale_page_removes_nothing(staff: Client) -> None:
    goal = goal_2024("3")
    shown_at = goal.version
    staff.post(
        f"{BASE}doelstelling/{goal.pk}/",
        {"title": "Door een collega gewijzigd.", "version": goal.version},
    )
    response = staff.post(f"{BASE}doelstelling/{goal.pk}/verwijder/", {"version": shown_at})
    assert response.status_code == 302
    assert Goal.objects.filter(pk=goal.pk).exists()
    page = text_of(staff.get(response["Location"]))
    assert "Doelstelling 3 is niet verwijderd: iemand anders heeft het intussen gewijzigd." in page


def test_only_the_programs_own_policy_staff_change_its_structure_and_only_in_a_concept(
    client: Client,
    policy_officer: User,
    other_policy_officer: User,
    finance: User,
    concept_2024: Report,
    report_2023: Report,
) -> None:
    goal = goal_2024("1")
    for user in (other_policy_officer, finance):
        client.force_login(user)
        response = client.post(BASE + "nieuw/doelstelling/", {"code": "9", "title": "Niet."})
        assert response.status_code == 403
        assert "U heeft geen recht om de opbouw van dit programma te wijzigen." in text_of(response)
        assert client.post(f"{BASE}doelstelling/{goal.pk}/verwijder/").status_code == 403

    client.force_login(policy_officer)
    adopted = client.get("/beheer/jaarstukken/2023/sociaal/opbouw/")
    assert adopted.status_code == 403 and "vastgesteld" in text_of(adopted)

    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.IN_REVIEW)
    response = client.post(f"{BASE}doelstelling/{goal.pk}/verwijder/", {"version": goal.version})
    assert response.status_code == 403
    assert "De opbouw van Jaarstukken 2024 ligt vast zolang het verslag ‘In review’ is" in (
        text_of(response)
    )
    assert Goal.objects.filter(pk=goal.pk).exists()
    # Reviewing is not blocked: the realisations can still be filled in.
    assert client.get("/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/").status_code == 200


def test_the_worklist_and_dashboard_lead_to_the_structure_only_where_it_may_change(
    client: Client, policy_officer: User, finance: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    link = f'href="{BASE}"'
    assert link in client.get("/beheer/jaarstukken/2024/werklijst/").content.decode()
    assert link in client.get("/beheer/").content.decode()
    assert "/beheer/jaarstukken/2023/sociaal/opbouw/" not in client.get("/beheer/").content.decode()
    client.force_login(finance)
    assert link not in client.get("/beheer/jaarstukken/2024/werklijst/").content.decode()


def test_the_structure_page_needs_the_same_queries_whatever_the_size(staff: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(BASE).status_code == 200
        return len(queries)

    before = count()
    goal = goal_2024("1")
    subgoal = goal.subgoals.create(code="1.9", title="Nog een subdoel.", order=9)
    subgoal.activities.create(code="1.9.1", plan="Nog een activiteit.", order=1)
    table = IndicatorTable.objects.create(goal=goal, kind="effect", order=9)
    Indicator.objects.create(table=table, code="1.9.1", name="Nog een indicator.", order=1)
    assert count() == before


def indicator_2024(code: str) -> Indicator:
    return Indicator.objects.get(
        table__program__report__year=2024, table__program__slug="sociaal", code=code
    )


def test_renumbering_is_an_explicit_act_that_says_which_trend_it_splits(
    staff: Client, report_2023: Report
) -> None:
    indicator = indicator_2024("3.1.4")
    url = f"{BASE}indicator/{indicator.pk}/nummer/"
    page = text_of(staff.get(url))
    assert "Jaarstukken 2023 houdt indicator 3.1.4: die trend stopt bij het vorige jaar." in page

    # Without saying so it understood, nothing changes; a number in use is refused.
    posted = {"version": indicator.version, "code": "3.1.10"}
    response = staff.post(url, posted)
    assert response.status_code == 400 and "Dit veld is verplicht." in text_of(response)
    taken = staff.post(url, {**posted, "code": "3.1.3", "understood": "on"})
    assert "Dit programma heeft al een indicator met nummer 3.1.3." in text_of(taken)
    assert indicator_2024("3.1.4").pk == indicator.pk

    response = staff.post(url, {**posted, "understood": "on"})
    assert response.status_code == 302
    assert indicator_2024("3.1.10").pk == indicator.pk
    assert staff.get("/jaarstukken/2024/sociaal/indicator/3.1.10/").status_code == 200
    assert staff.get("/jaarstukken/2024/sociaal/indicator/3.1.4/").status_code == 404
    # The 2023 page's trend says the number is gone in 2024 (to staff: 2024 is a draft).
    trend = text_of(staff.get("/jaarstukken/2023/sociaal/indicator/3.1.4/"))
    assert "2024 vervallen: Jaarstukken 2024 heeft deze indicator niet meer" in trend
    anonymous = text_of(Client().get("/jaarstukken/2023/sociaal/indicator/3.1.4/"))
    assert "vervallen" not in anonymous


def test_a_number_that_earlier_years_used_for_another_item_is_named_before_it_is_taken(
    staff: Client, report_2023: Report
) -> None:
    gone = indicator_2024("3.1.5")
    staff.post(f"{BASE}indicator/{gone.pk}/verwijder/", {"version": gone.version})
    indicator = indicator_2024("3.1.4")
    response = staff.post(
        f"{BASE}indicator/{indicator.pk}/nummer/", {"version": indicator.version, "code": "3.1.5"}
    )
    assert response.status_code == 400  # not yet ticked
    assert (
        "Let op: Jaarstukken 2023 heeft al een indicator 3.1.5; dit onderdeel sluit dan aan "
        "op die trend." in text_of(response)
    )
