"""The report's life: statuses, concurrent saves, the new year, corrections of published values."""

import re
import threading
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client

from cycle.new_year import start_new_year
from diemen_sociaal.lib.values import parse_value
from indicators.models import Footnote, Indicator, IndicatorValue
from investments.models import BudgetLine, Investment
from programs.models import Activity, CouncilDocument, DevelopmentSection, DocumentKind, Report
from programs.services import StatusChangeRefused, change_status
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_report_goes_from_concept_to_adopted_in_order(concept_2024: Report) -> None:
    with pytest.raises(StatusChangeRefused, match="Dit kan niet vanuit de status ‘Concept’"):
        change_status(report=concept_2024, transition="adopt", adopted_on=date(2025, 7, 3))
    change_status(report=concept_2024, transition="submit_for_review")
    change_status(report=concept_2024, transition="reopen")
    change_status(report=concept_2024, transition="submit_for_review")
    change_status(report=concept_2024, transition="offer_to_council")
    assert concept_2024.is_published and not concept_2024.is_adopted
    with pytest.raises(StatusChangeRefused, match="Vul de datum in"):
        change_status(report=concept_2024, transition="adopt")
    change_status(report=concept_2024, transition="adopt", adopted_on=date(2025, 7, 3))
    concept_2024.refresh_from_db()
    assert concept_2024.version_label == "Vastgesteld door Raad op 3 juli 2025"
    with pytest.raises(StatusChangeRefused):
        change_status(report=concept_2024, transition="reopen")


def test_two_simultaneous_status_changes_leave_one_result(concept_2024: Report) -> None:
    first = Report.objects.get(pk=concept_2024.pk)
    second = Report.objects.get(pk=concept_2024.pk)
    change_status(report=first, transition="submit_for_review")
    with pytest.raises(
        StatusChangeRefused, match="Iemand anders heeft de status intussen gewijzigd"
    ):
        change_status(report=second, transition="submit_for_review")
    assert Report.objects.get(pk=concept_2024.pk).status == "in_review"


def test_the_status_page_refuses_a_stale_form(
    client: Client, controller: User, concept_2024: Report
) -> None:
    client.force_login(controller)
    url = "/beheer/jaarstukken/2024/status/"
    client.post(url, {"transition": "submit_for_review", "seen_status": "concept"})
    response = client.post(url, {"transition": "reopen", "seen_status": "concept"}, follow=True)
    assert "Iemand anders heeft de status intussen gewijzigd." in response.content.decode()
    assert Report.objects.get(pk=concept_2024.pk).status == "in_review"


def test_offering_names_the_colleges_decision_date_and_adoption_the_councils_decision(
    client: Client, controller: User, administrator: User, concept_2024: Report
) -> None:
    Report.objects.filter(pk=concept_2024.pk).update(status="in_review")
    url = "/beheer/jaarstukken/2024/status/"
    anyway = {"go_on": "on", "reason": "Proef"}
    client.force_login(controller)
    offer = {"transition": "offer_to_council", "seen_status": "in_review", **anyway}
    refused = client.post(url, offer)
    assert refused.status_code == 400
    assert "Vul de datum in waarop het college besloot het verslag aan te bieden." in text_of(
        refused
    )
    assert Report.objects.get(pk=concept_2024.pk).status == "in_review"
    client.post(url, {**offer, "offered_on": "2025-05-20"})
    report = Report.objects.get(pk=concept_2024.pk)
    assert (report.status, report.offered_on) == ("aangeboden", date(2025, 5, 20))
    public = text_of(Client().get("/jaarstukken/2024/"))
    assert "Door het college aan de raad aangeboden bij besluit van 20 mei 2025." in public

    decision = CouncilDocument.objects.create(
        slug="vaststelling-jaarstukken-2024",
        kind=DocumentKind.DECISION,
        subject="Vaststelling Jaarstukken 2024",
        council_date=date(2025, 7, 3),
    )
    letter = CouncilDocument.objects.create(
        slug="brief", kind=DocumentKind.LETTER, subject="Brief", college_date=date(2025, 6, 1)
    )
    client.force_login(administrator)
    adopt = {"transition": "adopt", "seen_status": "aangeboden", **anyway}
    page = text_of(client.get(url))
    assert "Vaststelling Jaarstukken 2024" in page and "Brief" not in page  # decisions only
    wrong_day = client.post(
        url, {**adopt, "adopted_on": "2025-07-10", "adoption_decision": decision.pk}, follow=True
    )
    assert "Het gekozen raadsbesluit is van 3 juli 2025, niet van 10 juli 2025." in text_of(
        wrong_day
    )
    refused = client.post(
        url, {**adopt, "adopted_on": "2025-07-03", "adoption_decision": letter.pk}
    )
    assert refused.status_code == 400  # not among the choices
    assert "Selecteer een geldige keuze" in text_of(refused)
    assert Report.objects.get(pk=concept_2024.pk).status == "aangeboden"
    client.post(url, {**adopt, "adopted_on": "2025-07-03", "adoption_decision": decision.pk})
    report = Report.objects.get(pk=concept_2024.pk)
    assert (report.status, report.adoption_decision) == ("vastgesteld", decision)
    public = Client().get("/jaarstukken/2024/").content.decode()
    assert 'href="/beleid/raadsstukken/vaststelling-jaarstukken-2024/"' in public
    assert "Vastgesteld bij" in text_of(Client().get("/jaarstukken/2024/"))
    meta = Client().get("/jaarstukken/2024/data.json").json()["verslag"]
    assert (meta["aangeboden_op"], meta["raadsbesluit"]) == (
        "2025-05-20",
        "vaststelling-jaarstukken-2024",
    )
    summary = Client().get("/api/jaarstukken/2024/").json()
    assert summary["aangeboden_op"] == "2025-05-20"


def test_offering_to_the_council_publishes_and_adoption_freezes(
    client: Client,
    controller: User,
    administrator: User,
    policy_officer: User,
    concept_2024: Report,
) -> None:
    assert Client().get("/jaarstukken/2024/sociaal/").status_code == 404
    client.force_login(controller)
    url = "/beheer/jaarstukken/2024/status/"
    # The concept is empty: going on anyway is said out loud, with a reason.
    anyway = {"go_on": "on", "reason": "Proef met een lege concept"}
    for step, seen in (("submit_for_review", "concept"), ("offer_to_council", "in_review")):
        client.post(
            url, {"transition": step, "seen_status": seen, "offered_on": "2025-05-20", **anyway}
        )
    assert Client().get("/jaarstukken/2024/sociaal/").status_code == 200
    client.force_login(administrator)
    client.post(
        url,
        {
            "transition": "adopt",
            "seen_status": "aangeboden",
            "adopted_on": "2025-07-03",
            **anyway,
        },
    )
    assert Report.objects.get(pk=concept_2024.pk).adopted_on == date(2025, 7, 3)
    client.force_login(policy_officer)
    response = client.post(
        "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/",
        {"realisation": "Te laat.", "version": 1},
    )
    assert response.status_code == 403


def test_a_new_year_copies_the_structure_and_starts_realisations_empty(
    concept_2024: Report,
) -> None:
    assert concept_2024.status == "concept" and concept_2024.year == 2024
    activities = Activity.objects.filter(subgoal__goal__program__report=concept_2024)
    assert activities.count() == 31
    assert not activities.exclude(realisation="").exists()
    assert activities.get(code="4.2.3").plan.startswith("Inzetten van mentoraats-")
    indicators = Indicator.objects.filter(table__program__report=concept_2024)
    assert indicators.count() == 44
    values = IndicatorValue.objects.filter(indicator__table__program__report=concept_2024)
    assert not values.filter(year=2024, kind="realisatie").exists()
    # Last year's realisations are carried into "Realisatie 2023". Without an adopted
    # Programmabegroting 2024 nobody set a 2024 target: none is invented from 2023's.
    assert values.get(indicator__code="3.1.3", year=2023, kind="realisatie").display == "73,6%"
    assert not values.filter(year=2024, kind="begroot").exists()
    assert (concept_2024.started_from, concept_2024.structure_from) == (
        Report.objects.get(kind="jaarstukken", year=2023),
    ) * 2
    assert values.get(indicator__code="5.3.1", year=2023, component__label="Roken").display == "17%"
    assert not DevelopmentSection.objects.filter(program__report=concept_2024).exists()
    assert not Footnote.objects.filter(program__report=concept_2024).exists()
    line = BudgetLine.objects.get(program__report=concept_2024, nature="structureel", kind="lasten")
    # Last year's result carries over; this year's amounts nobody gave yet stay empty.
    assert (line.rekening_vorig, line.begroting_primitief, line.rekening) == (
        -24_273_000,
        None,
        None,
    )
    # The settled credit (A) is not carried on; those in progress are.
    numbers = set(
        Investment.objects.filter(program__report=concept_2024).values_list("number", flat=True)
    )
    assert numbers == {"760123", "760124"}
    # Their realisation up to 2024 is finance's to enter, not 2023's figure again.
    assert not Investment.objects.filter(program__report=concept_2024, realised__isnull=False)


def test_without_a_budget_the_worklist_counts_the_empty_targets_and_the_start_lists_the_footnotes(
    client: Client, controller: User, report_2023: Report
) -> None:
    client.force_login(controller)
    response = client.post("/beheer/jaarstukken/2023/nieuw-jaar/")
    assert response["Location"] == "/beheer/jaarstukken/2024/begonnen/"
    text = text_of(client.get(response["Location"]))
    assert (
        "Er was geen vastgestelde Programmabegroting 2024, dus de streefwaarden 2024 zijn leeg"
        in (text)
    )
    footnotes = Footnote.objects.filter(program__report=report_2023).count()
    assert f"{footnotes} voetnoten uit Jaarstukken 2023" in text
    # The caveat of 3.1.1's realisation 2023, which now stands in the 2024 report's
    # previous-year column, is named with the figure it belonged to.
    assert "Aantal betreft 2022, aantal 2023 is nog niet beschikbaar" in text
    assert "3.1.1 realisatie 2023" in text
    worklist = text_of(client.get("/beheer/jaarstukken/2024/werklijst/"))
    assert "0 van 44 indicatoren ingevuld (44 zonder streefwaarde 2024)" in worklist


def test_a_new_year_follows_the_adopted_budget_of_that_year(
    budget_2023: Report, report_2023: Report
) -> None:
    budget = start_new_year(source=budget_2023)  # Programmabegroting 2024
    assert budget.kind == "programmabegroting" and budget.year == 2024
    values = IndicatorValue.objects.filter(indicator__table__program__report=budget)
    assert not values.exists()  # a budget's targets are set anew every year
    indicator = Indicator.objects.get(table__program__report=budget, code="3.1.4")
    target = IndicatorValue(indicator=indicator, year=2024, kind="begroot")
    target.set_value(parse_value("420"))
    target.save()
    Indicator.objects.create(
        table=indicator.table, code="7.1.1", name="Een indicator die de begroting invoert.", order=9
    )
    line = BudgetLine.objects.get(program__report=budget, nature="structureel", kind="lasten")
    line.begroting_primitief = -25_000_000
    line.save()
    Report.objects.filter(pk=budget.pk).update(status="vastgesteld", adopted_on=date(2023, 11, 9))

    annual = start_new_year(source=report_2023)
    assert annual.structure_from == budget and annual.started_from == report_2023
    values = IndicatorValue.objects.filter(indicator__table__program__report=annual)
    assert values.get(indicator__code="3.1.4", year=2024, kind="begroot").display == "420"
    assert values.filter(year=2024, kind="begroot").count() == 1  # only what the budget set
    assert values.get(indicator__code="3.1.3", year=2023, kind="realisatie").display == "73,6%"
    assert Indicator.objects.filter(table__program__report=annual, code="7.1.1").exists()
    line = BudgetLine.objects.get(program__report=annual, nature="structureel", kind="lasten")
    assert (line.rekening_vorig, line.begroting_primitief) == (-24_273_000, -25_000_000)


def test_the_controller_starts_a_new_year_once(
    client: Client, controller: User, report_2023: Report
) -> None:
    client.force_login(controller)
    client.post("/beheer/jaarstukken/2023/nieuw-jaar/")
    response = client.post("/beheer/jaarstukken/2023/nieuw-jaar/", follow=True)
    assert "Jaarstukken 2024 bestaat al." in response.content.decode()
    assert Report.objects.filter(year=2024).count() == 1


def test_correcting_a_published_value_adds_a_footnote_naming_the_report(
    client: Client, policy_officer: User, concept_2024: Report, staff_reader: User
) -> None:
    client.force_login(policy_officer)
    url = "/beheer/jaarstukken/2024/sociaal/indicator/3.1.4/"
    data = {
        "version": 1,
        "realisatie_vorig__totaal": "250",
        "begroot__totaal": "400",
        "realisatie__totaal": "240",
    }
    assert client.post(url, data).status_code == 302
    value = IndicatorValue.objects.get(
        indicator__table__program__report=concept_2024,
        indicator__code="3.1.4",
        year=2023,
        kind="realisatie",
    )
    note = value.footnotes.get()
    assert note.kind == "correctie"
    assert note.text == (
        "Realisatie 2023 van indicator 3.1.4 stond verkeerd in Jaarstukken 2023: daar stond 248. Juiste waarde: 250."
    )
    page = Client().get("/jaarstukken/2023/sociaal/")  # the published report itself is unchanged
    assert "Juiste waarde: 250" not in page.content.decode()
    client.force_login(staff_reader)
    text = client.get("/jaarstukken/2024/sociaal/doelstelling/3/").content.decode()
    assert (
        "Correctie:</strong> Realisatie 2023 van indicator 3.1.4 stond verkeerd in Jaarstukken 2023"
        in text
    )


def test_an_unchanged_previous_value_gets_no_correction(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    data = {
        "version": 1,
        "realisatie_vorig__totaal": "248",
        "begroot__totaal": "400",
        "realisatie__totaal": "240",
    }
    client.post("/beheer/jaarstukken/2024/sociaal/indicator/3.1.4/", data)
    assert not Footnote.objects.filter(program__report=concept_2024).exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_item_never_lose_an_update(report_2023: Report) -> None:
    """Two real requests at once, in two threads with their own connections."""
    start_new_year(source=report_2023)
    from readmodel.demo import ensure_role_groups

    group = ensure_role_groups()["Beleid"]
    clients = []
    for name in ("een", "twee"):
        user = User.objects.create_user(name, is_staff=True)
        user.groups.add(group)
        user.program_assignments.create(program_slug="sociaal")
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/"
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def save(client: Client, text: str) -> None:
        try:
            barrier.wait(timeout=10)
            statuses[text] = client.post(url, {"realisation": text, "version": 1}).status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(c, t))
        for c, t in zip(clients, ["Een.", "Twee."], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses.values()) == [302, 409]
    winner = next(text for text, status in statuses.items() if status == 302)
    activity = Activity.objects.get(subgoal__goal__program__report__year=2024, code="1.1.1")
    assert (activity.realisation, activity.version) == (winner, 2)
    assert activity.history.count() == 2  # created by the new year, changed once


@pytest.mark.django_db(transaction=True)
def test_many_editors_at_once_lose_nothing_and_never_fail(report_2023: Report) -> None:
    """Eight requests at once: four on one activity, four on four others (runs on PostgreSQL in CI)."""
    start_new_year(source=report_2023)
    from readmodel.demo import ensure_role_groups

    group = ensure_role_groups()["Beleid"]
    same = "1.1.1"
    others = ["1.1.2", "1.2.1", "1.2.2", "1.3.1"]
    jobs = [(same, f"Gelijk {n}.") for n in range(4)] + [
        (code, f"Eigen {code}.") for code in others
    ]
    clients = []
    for number in range(len(jobs)):
        user = User.objects.create_user(f"redacteur{number}", is_staff=True)
        user.groups.add(group)
        user.program_assignments.create(program_slug="sociaal")
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(jobs))
    statuses: dict[str, int] = {}

    def save(client: Client, code: str, text: str) -> None:
        try:
            barrier.wait(timeout=30)
            url = f"/beheer/jaarstukken/2024/sociaal/activiteit/{code}/"
            statuses[text] = client.post(url, {"realisation": text, "version": 1}).status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(client, code, text))
        for client, (code, text) in zip(clients, jobs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == len(jobs)
    same_item = sorted(statuses[text] for code, text in jobs if code == same)
    assert same_item == [302, 409, 409, 409]  # one wins, the others see both versions
    assert [statuses[f"Eigen {code}."] for code in others] == [302] * 4
    activities = Activity.objects.filter(subgoal__goal__program__report__year=2024)
    winner = next(t for c, t in jobs if c == same and statuses[t] == 302)
    assert activities.get(code=same).realisation == winner
    for code in others:
        stored = activities.get(code=code)
        assert (stored.realisation, stored.version) == (f"Eigen {code}.", 2)
        assert stored.history.count() == 2


def test_offering_or_adopting_an_incomplete_report_asks_first_and_records_why(
    client: Client,
    controller: User,
    administrator: User,
    policy_officer: User,
    concept_2024: Report,
) -> None:
    client.force_login(controller)
    url = "/beheer/jaarstukken/2024/status/"
    client.post(url, {"transition": "submit_for_review", "seen_status": "concept"})
    page = text_of(client.get(url))
    assert "Nog niet compleet" in page
    assert (
        "Sociaal: 31 van 31 activiteiten niet ingevuld, 44 van 44 indicatoren zonder "
        "realisatie, 44 zonder streefwaarde 2024, 8 van 8 begrotingsregels met een leeg "
        "bedrag, 2 van 2 investeringen zonder realisatie — beleid-sociaal"
    ) in page

    offer = {
        "transition": "offer_to_council",
        "seen_status": "in_review",
        "offered_on": "2025-05-20",
    }
    refused = client.post(url, offer)
    assert refused.status_code == 400
    assert "Vink aan dat u toch doorgaat en geef een reden" in text_of(refused)
    assert client.post(url, {**offer, "go_on": "on", "reason": " "}).status_code == 400
    assert Report.objects.get(pk=concept_2024.pk).status == "in_review"

    reason = "College besloot 14 april; cijfers volgen bij nota van wijziging"
    client.post(url, {**offer, "go_on": "on", "reason": reason})
    assert Report.objects.get(pk=concept_2024.pk).status == "aangeboden"
    record = Report.history.filter(id=concept_2024.pk).first()
    assert record is not None and record.history_change_reason == reason
    assert f"(reden: {reason})" in text_of(client.get(url))

    # The griffie is asked the same before recording the adoption.
    client.force_login(administrator)
    adopt = {"transition": "adopt", "seen_status": "aangeboden", "adopted_on": "2025-07-03"}
    assert client.post(url, adopt).status_code == 400
    assert Report.objects.get(pk=concept_2024.pk).status == "aangeboden"


def test_the_seeds_2023_report_lacks_only_the_target_and_the_toelichtingen_left_out(
    report_2023: Report,
) -> None:
    from staff.worklist import gaps

    found = gaps(report_2023)
    # The chapter explains its variances in a separate document ("de toelichting op de staat
    # van baten en lasten"), which the seed does not hold.
    assert [(gap["program"].slug, gap["missing"]) for gap in found] == [
        (
            "sociaal",
            [
                "1 zonder streefwaarde 2023",
                "6 begrotingsregels met een afwijking zonder toelichting",
            ],
        )
    ]
