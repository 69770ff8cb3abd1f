"""Policy staff, finance and the griffie at work: rights, worklist, forms, conflicts, history."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from indicators.models import Footnote, Indicator, IndicatorValue
from investments.models import BudgetLine, Investment
from programs.models import Activity, DevelopmentSection, Report
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

BASE = "/beheer/jaarstukken/2024/sociaal/"


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def activity_2024(code: str) -> Activity:
    return Activity.objects.get(subgoal__goal__program__report__year=2024, code=code)


def test_anonymous_users_are_sent_to_the_login(client: Client, concept_2024: Report) -> None:
    for url in ["/beheer/", "/beheer/jaarstukken/2024/werklijst/", BASE + "activiteit/1.1.1/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(BASE + "activiteit/1.1.1/", {"realisation": "x", "version": 1})
    assert response.status_code == 302
    assert activity_2024("1.1.1").realisation == ""


def test_the_login_page_speaks_dutch(client: Client, policy_officer: User) -> None:
    response = client.post("/accounts/login/", {"username": "beleid-sociaal", "password": "fout"})
    assert "De combinatie van gebruikersnaam en wachtwoord is onjuist." in response.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "beleid-sociaal", "password": "geheim-wachtwoord-1"}
    )
    assert response.status_code == 302 and response["Location"] == "/beheer/"


def test_the_worklist_shows_what_is_missing_with_progress(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    response = client.get("/beheer/jaarstukken/2024/werklijst/")
    text = text_of(response)
    assert "0 van 31 activiteiten ingevuld, 0 van 44 indicatoren ingevuld" in text
    assert 'href="/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/"' in response.content.decode()
    activity = activity_2024("1.1.1")
    client.post(BASE + "activiteit/1.1.1/", {"realisation": "Gedaan.", "version": activity.version})
    text = text_of(client.get("/beheer/jaarstukken/2024/werklijst/?state=ontbreekt"))
    assert "1 van 31 activiteiten ingevuld" in text
    assert (
        "1.1.2" in text and "1.1.1 " not in text.split("Activiteiten", 1)[1].split("Indicatoren")[0]
    )
    text = text_of(client.get("/beheer/jaarstukken/2024/werklijst/?mandatory=true&goal=3"))
    indicators = text.split("Indicatoren Code")[1]
    assert "3.1.1" in indicators and "2.1.1" not in indicators and "3.1.2" not in indicators


def test_policy_staff_fill_in_a_realisation_and_see_it_in_the_history(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    activity = activity_2024("4.2.3")
    response = client.post(
        BASE + "activiteit/4.2.3/",
        {
            "realisation": "In 2024 ondersteunde School’s Cool 30 kinderen.",
            "version": activity.version,
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.realisation == "In 2024 ondersteunde School’s Cool 30 kinderen."
    assert activity.version == 2
    record = activity.history.first()
    assert record.history_user == policy_officer
    client.post(
        BASE + "activiteit/4.2.3/",
        {"realisation": "In 2024 ondersteunde School’s Cool 31 kinderen.", "version": 2},
    )
    page = client.get(BASE + "activiteit/4.2.3/").content.decode()
    assert "Geschiedenis" in page and "beleid-sociaal" in page
    assert "<del>30</del> <ins>31</ins>" in page


def test_policy_staff_of_another_program_are_refused(
    client: Client, other_policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, other_policy_officer)
    response = client.post(BASE + "activiteit/1.1.1/", {"realisation": "x", "version": 1})
    assert response.status_code == 403
    assert "U heeft geen recht om dit te wijzigen." in response.content.decode()
    assert client.get(BASE + "indicator/3.1.4/").status_code == 403
    assert activity_2024("1.1.1").realisation == ""
    text = text_of(client.get("/beheer/jaarstukken/2024/werklijst/"))
    assert "U heeft geen programma's in dit verslag." in text


def test_finance_edits_money_but_not_realisations(
    client: Client, finance: User, concept_2024: Report
) -> None:
    as_user(client, finance)
    assert client.get(BASE + "activiteit/1.1.1/").status_code == 403
    line = BudgetLine.objects.get(program__report__year=2024, nature="structureel", kind="lasten")
    response = client.post(
        BASE + f"begrotingsregel/{line.pk}/",
        {
            # The report gives amounts x € 1.000, so finance types them so.
            "rekening_vorig": "-24.273",
            "begroting_primitief": "-25.000",
            "begroting_totaal": "-25.100",
            "rekening": "",
            "version": line.version,
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.begroting_primitief, line.rekening) == (-25_000_000, None)
    investment = Investment.objects.get(program__report__year=2024, number="760124")
    response = client.post(
        BASE + "investering/760124/",
        {
            "name": investment.name,
            "budget": "2.400",
            "realised": "1.000,5",
            "status": "I",
            "explanation": "",
            "version": 1,
        },
    )
    assert response.status_code == 400
    assert (
        "Dit verslag geeft bedragen in duizenden euro&#x27;s (× € 1.000): vul een heel getal in"
        in response.content.decode()
    )
    assert 'value="1.000,5"' in response.content.decode()
    investment.refresh_from_db()
    assert investment.realised is None, "nothing stored: the new year's realisation stays empty"


def test_the_controller_runs_the_cycle_and_the_griffie_records_the_adoption_neither_edits(
    client: Client, controller: User, administrator: User, concept_2024: Report
) -> None:
    line = BudgetLine.objects.filter(program__report__year=2024).first()
    assert line is not None
    url = "/beheer/jaarstukken/2024/status/"
    for user in (controller, administrator):
        as_user(client, user)
        assert client.get(BASE + "activiteit/1.1.1/").status_code == 403
        assert client.get(BASE + f"begrotingsregel/{line.pk}/").status_code == 403

    # The griffie sees where the report is, and that the next step is not theirs.
    as_user(client, administrator)
    page = text_of(client.get(url))
    assert "Ter review aanbieden" not in page
    assert "De volgende stap (ter review aanbieden) is niet aan u" in page
    refused = client.post(url, {"transition": "submit_for_review", "seen_status": "concept"})
    assert refused.status_code == 403
    assert (
        "Review en aanbieding aan de raad doet de P&amp;C-controller." in refused.content.decode()
    )
    concept_2024.refresh_from_db()
    assert concept_2024.status == "concept"

    as_user(client, controller)
    client.post(url, {"transition": "submit_for_review", "seen_status": "concept"})
    client.post(
        url,
        {
            "transition": "offer_to_council",
            "seen_status": "in_review",
            "offered_on": "2025-05-20",
            "go_on": "on",
            "reason": "Proef",
        },
    )
    concept_2024.refresh_from_db()
    assert concept_2024.status == "aangeboden"
    refused = client.post(
        url, {"transition": "adopt", "seen_status": "aangeboden", "adopted_on": "2025-07-03"}
    )
    assert refused.status_code == 403
    assert "De vaststelling door de raad legt de griffie vast." in refused.content.decode()

    as_user(client, administrator)
    assert "Vastgesteld door de raad" in text_of(client.get(url))
    client.post(
        url,
        {
            "transition": "adopt",
            "seen_status": "aangeboden",
            "adopted_on": "2025-07-03",
            "go_on": "on",
            "reason": "Proef",
        },
    )
    concept_2024.refresh_from_db()
    assert concept_2024.status == "vastgesteld"


def test_policy_staff_cannot_change_a_status(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = "/beheer/jaarstukken/2024/status/"
    assert (
        client.post(url, {"transition": "submit_for_review", "seen_status": "concept"}).status_code
        == 403
    )
    assert client.post("/beheer/jaarstukken/2024/nieuw-jaar/").status_code == 403
    concept_2024.refresh_from_db()
    assert concept_2024.status == "concept"


def test_indicator_values_are_typed_in_dutch(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "indicator/3.1.3/"
    form = client.get(url).content.decode()
    # Last year's realisation moved into the "Realisatie 2023" column; its target came along.
    assert 'name="realisatie_vorig__totaal" value="73,6%"' in form
    data = {
        "version": 1,
        "realisatie_vorig__totaal": "73,6%",
        "realisatie_vorig__totaal__voetnoten": "",
        "begroot__totaal": "72%",
        "begroot__totaal__voetnoten": "",
        "realisatie__totaal": "74,1%",
        "realisatie__totaal__voetnoten": "",
        "new_footnote": "Bron: waarstaatjegemeente.nl, peildatum 1 maart 2025.",
    }
    assert client.post(url, data).status_code == 302
    value = IndicatorValue.objects.get(indicator__code="3.1.3", year=2024, kind="realisatie")
    assert value.display == "74,1%" and value.percent and value.decimals == 1
    note = Footnote.objects.get(program__report__year=2024, number=1)
    assert note.text.startswith("Bron: waarstaatjegemeente.nl")


def test_a_wrong_value_gets_a_field_message_and_keeps_what_was_typed(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "indicator/3.1.4/"
    data = {
        "version": 1,
        "realisatie_vorig__totaal": "248",
        "begroot__totaal": "1.14",
        "realisatie__totaal": "250",
        "realisatie__totaal__voetnoten": "99",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "is geen geldige waarde" in html
    assert "Voetnoot ‘99’ bestaat niet in dit hoofdstuk." in html
    assert 'value="1.14"' in html and 'value="250"' in html
    assert not IndicatorValue.objects.filter(
        indicator__code="3.1.4", year=2024, kind="realisatie"
    ).exists()


def test_breakdowns_and_not_known_values_can_be_entered(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "indicator/5.3.1/"
    form = client.get(url).content.decode()
    names = re.findall(r'name="(realisatie__\d+)"', form)
    assert len(names) == 3
    data = {"version": 1, "realisatie__totaal": "N.n.b."}
    data.update({name: raw for name, raw in zip(names, ["16%", "10 %", "NB"], strict=True)})
    assert client.post(url, data).status_code == 302
    values = IndicatorValue.objects.filter(
        indicator__code="5.3.1",
        year=2024,
        kind="realisatie",
        indicator__table__program__report__year=2024,
    )
    shown = {(v.component.label if v.component else None): v.display for v in values}
    assert shown == {None: "N.n.b.", "Roken": "16%", "Alcohol": "10%", "Drugs": "NB"}


def test_a_stale_save_shows_both_versions_and_overwrites_nothing(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    other = User.objects.create_user("collega", is_staff=True)
    other.groups.set(policy_officer.groups.all())
    other.program_assignments.create(program_slug="sociaal")
    colleague = Client()
    colleague.force_login(other)
    as_user(client, policy_officer)
    # Both open the form at version 1; the colleague saves first.
    colleague.post(
        BASE + "activiteit/1.1.1/", {"realisation": "Versie van de collega.", "version": 1}
    )
    response = client.post(
        BASE + "activiteit/1.1.1/", {"realisation": "Mijn versie.", "version": 1}
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Iemand anders heeft dit intussen gewijzigd" in text
    assert "Versie van de collega." in text and "Mijn versie." in text
    assert activity_2024("1.1.1").realisation == "Versie van de collega."
    # Choosing to keep mine, deliberately, from the conflict page (it carries version 2).
    assert 'name="version" value="2"' in response.content.decode()
    client.post(BASE + "activiteit/1.1.1/", {"realisation": "Samengevoegd.", "version": 2})
    assert activity_2024("1.1.1").realisation == "Samengevoegd."


def test_a_stale_indicator_save_is_a_conflict_too(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "indicator/4.2.3/"
    base = {"realisatie_vorig__totaal": "62", "begroot__totaal": "54"}
    assert client.post(url, {**base, "version": 1, "realisatie__totaal": "60"}).status_code == 302
    response = client.post(url, {**base, "version": 1, "realisatie__totaal": "70"})
    assert response.status_code == 409
    assert (
        IndicatorValue.objects.get(indicator__code="4.2.3", year=2024, kind="realisatie").display
        == "60"
    )


def test_development_sections_are_added_edited_and_reordered(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "ontwikkelingen/"
    client.post(url, {"title": "Eerste", "body": "Een."})
    client.post(url, {"title": "Tweede", "body": "Twee."})
    first, second = DevelopmentSection.objects.filter(program__report__year=2024)
    # Opened before the reorder, saved after it: it still saves its own section.
    stale_form = client.get(BASE + f"ontwikkeling/{first.pk}/")
    assert 'value="Eerste"' in stale_form.content.decode()
    client.post(BASE + f"ontwikkeling/{second.pk}/verplaats/", {"richting": "omhoog"})
    titles = list(
        DevelopmentSection.objects.filter(program__report__year=2024).values_list(
            "title", flat=True
        )
    )
    assert titles == ["Tweede", "Eerste"]
    response = client.post(
        BASE + f"ontwikkeling/{first.pk}/",
        {"title": "Eerste", "body": "Een, herschreven.", "order": 1, "version": 1},
    )
    # The reorder changed its version: the save is a conflict, never a write to "Tweede".
    assert response.status_code == 409
    assert DevelopmentSection.objects.get(pk=second.pk).body == "Twee."
    client.post(
        BASE + f"ontwikkeling/{second.pk}/",
        {"title": "Tweede", "body": "Twee, herschreven.", "order": 1, "version": 2},
    )
    assert (
        DevelopmentSection.objects.get(program__report__year=2024, order=1).body
        == "Twee, herschreven."
    )


def test_an_adopted_report_refuses_every_edit(
    client: Client, policy_officer: User, finance: User, report_2023: Report
) -> None:
    as_user(client, policy_officer)
    url = "/beheer/jaarstukken/2023/sociaal/activiteit/1.1.1/"
    response = client.post(url, {"realisation": "Achteraf aangepast.", "version": 1})
    assert response.status_code == 403
    assert (
        "is vastgesteld door de raad en kan niet meer worden gewijzigd" in response.content.decode()
    )
    assert Activity.objects.get(
        subgoal__goal__program__report=report_2023, code="1.1.1"
    ).realisation.startswith("In 2023")
    as_user(client, finance)
    line = BudgetLine.objects.filter(program__report=report_2023).first()
    assert line is not None
    assert (
        client.get(f"/beheer/jaarstukken/2023/sociaal/begrotingsregel/{line.pk}/").status_code
        == 403
    )


def test_the_model_itself_refuses_changes_to_an_adopted_report(report_2023: Report) -> None:
    from programs.models import FrozenReportError

    activity = Activity.objects.get(subgoal__goal__program__report=report_2023, code="1.1.1")
    activity.realisation = "Stiekem."
    with pytest.raises(FrozenReportError):
        activity.save()
    with pytest.raises(FrozenReportError):
        activity.delete()


def test_carry_overs_policy_writes_the_reasoning_finance_the_amount(
    client: Client, policy_officer: User, finance: User, report_2023: Report
) -> None:
    from investments.models import CarryOver

    Report.objects.filter(pk=report_2023.pk).update(status="concept", adopted_on=None)
    fourth = CarryOver.objects.get(program__report=report_2023, order=4)
    url = f"/beheer/jaarstukken/2023/sociaal/overheveling/{fourth.pk}/"
    as_user(client, policy_officer)
    form = client.get(url).content.decode()
    assert 'name="reasoning"' in form and 'name="amount"' not in form
    client.post(url, {"reasoning": "Nieuwe toelichting.", "amount": "999", "version": 1})
    item = CarryOver.objects.get(program__report=report_2023, order=4)
    assert (item.reasoning, item.amount) == ("Nieuwe toelichting.", None)
    as_user(client, finance)
    response = client.post(
        url,
        {
            "title": item.title,
            "amount": "12.500",
            "reasoning": item.reasoning,
            "order": 4,
            "version": 2,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.amount == 12_500
    response = client.post(
        url,
        {
            "title": item.title,
            "amount": "12,5",
            "reasoning": item.reasoning,
            "order": 4,
            "version": 3,
        },
    )
    assert "Vul hele euro&#x27;s in" in response.content.decode()


def test_the_money_page_reads_the_budget_lines_once(
    client: Client, finance: User, concept_2024: Report
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_user(client, finance)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/beheer/jaarstukken/2024/sociaal/financien/")
    assert response.status_code == 200
    reads = [q["sql"] for q in queries if 'FROM "investments_budgetline"' in q["sql"]]
    assert len(reads) == 1
    assert "Structurele lasten" in response.content.decode()


def history_lines(response: ClientResponse) -> list[str]:
    """The lines of "Geschiedenis van de waarden", as text."""
    html = response.content.decode().split("Geschiedenis van de waarden", 1)[1]
    html = html.split("</ol>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in html.split("<li>")[1:]]


def test_the_indicator_history_shows_who_changed_which_cell_from_what_to_what(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "indicator/4.2.3/"
    base = {"realisatie_vorig__totaal": "62", "begroot__totaal": "54"}
    assert client.post(url, {**base, "version": 1, "realisatie__totaal": "60"}).status_code == 302
    assert client.post(url, {**base, "version": 2, "realisatie__totaal": "70"}).status_code == 302
    lines = history_lines(client.get(url))
    # Newest first: the second change, old and new value in one line, with who did it.
    assert "beleid-sociaal" in lines[0]
    assert "Realisatie 2024: 60 → 70" in lines[0]
    assert "Realisatie 2024: aangemaakt: 60" in lines[1] and "beleid-sociaal" in lines[1]
    # Emptying the cell deletes the value; the history says what it was.
    assert client.post(url, {**base, "version": 3, "realisatie__totaal": ""}).status_code == 302
    lines = history_lines(client.get(url))
    assert "Realisatie 2024: verwijderd (was 70)" in lines[0]
    assert "Realisatie 2024: 60 → 70" in lines[1]


def test_the_indicator_history_names_the_component_and_footnote_changes(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "indicator/5.3.1/"
    names = re.findall(r'name="(realisatie__\d+)"', client.get(url).content.decode())
    data = {"version": 1, "realisatie__totaal": "N.n.b.", names[0]: "16%", "new_footnote": "Bron."}
    assert client.post(url, data).status_code == 302
    number = Footnote.objects.get(program__report__year=2024, text="Bron.").number
    data = {"version": 2, "realisatie__totaal": "N.n.b.", names[0]: "17%"}
    assert client.post(url, {**data, f"{names[0]}__voetnoten": str(number)}).status_code == 302
    lines = history_lines(client.get(url))
    assert any("Realisatie 2024 (Roken): 16% → 17%" in line for line in lines)
    assert any(f"Realisatie 2024 (Roken): voetnoten geen → {number}" in line for line in lines)


def test_the_indicator_history_costs_the_same_queries_however_long_it_is(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_user(client, policy_officer)
    url = BASE + "indicator/4.2.3/"
    base = {"realisatie_vorig__totaal": "62", "begroot__totaal": "54", "plausible": "on"}
    base["check_note"] = "Telreeks voor deze test."  # each jump is confirmed with a reason

    def history_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return sum('"indicators_historicalindicatorvalue' in q["sql"] for q in queries)

    for version in range(1, 3):
        client.post(url, {**base, "version": version, "realisatie__totaal": str(version)})
    short = history_queries()
    for version in range(3, 10):
        client.post(url, {**base, "version": version, "realisatie__totaal": str(version)})
    lines = history_lines(client.get(url))
    assert len(lines) >= 9 and "Realisatie 2024: 8 → 9" in lines[0]
    assert history_queries() == short <= 4


def test_a_budget_line_refuses_cents_and_words_in_dutch_and_keeps_what_was_typed(
    client: Client, finance: User, concept_2024: Report
) -> None:
    as_user(client, finance)
    line = BudgetLine.objects.get(program__report__year=2024, nature="structureel", kind="lasten")
    before = BudgetLine.objects.filter(pk=line.pk).values().get()
    url = BASE + f"begrotingsregel/{line.pk}/"
    data = {
        "rekening_vorig": "-24.273",
        "begroting_primitief": "12,50",
        "begroting_totaal": "abc",
        "rekening": "-1.000",
        "version": line.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Niet opgeslagen: verbeter de velden met een melding." in text_of(response)
    assert "vul een heel getal in, bijvoorbeeld 1.234 voor € 1.234.000" in html
    assert "&#x27;abc&#x27; is geen geldig getal." in html
    assert 'value="12,50"' in html and 'value="abc"' in html and 'value="-1.000"' in html
    # Nothing stored, not even the valid "rekening".
    assert BudgetLine.objects.filter(pk=line.pk).values().get() == before


def test_a_budget_line_of_a_reopened_2023_is_refused_the_same_way(
    client: Client, finance: User, report_2023: Report
) -> None:
    Report.objects.filter(pk=report_2023.pk).update(status="concept", adopted_on=None)
    as_user(client, finance)
    line = BudgetLine.objects.filter(program__report=report_2023).first()
    assert line is not None
    before = BudgetLine.objects.filter(pk=line.pk).values().get()
    response = client.post(
        f"/beheer/jaarstukken/2023/sociaal/begrotingsregel/{line.pk}/",
        {"rekening": "1,5 miljoen", "version": line.version},
    )
    assert response.status_code == 400
    assert "is geen geldig getal" in response.content.decode()
    assert 'value="1,5 miljoen"' in response.content.decode()
    assert BudgetLine.objects.filter(pk=line.pk).values().get() == before


def test_a_development_section_refuses_what_the_model_refuses_in_dutch(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    client.post(BASE + "ontwikkelingen/", {"title": "Eerste", "body": "Een."})
    section = DevelopmentSection.objects.get(program__report__year=2024)
    url = BASE + f"ontwikkeling/{section.pk}/"
    refused: list[tuple[dict[str, str | int], str, str]] = [
        ({"title": "Eerste", "body": "", "order": 1}, "body", "Dit veld is verplicht."),
        (
            {"title": "T" * 301, "body": "Een.", "order": 1},
            "title",
            "Zorg dat deze waarde niet meer dan 300 tekens bevat (het zijn er nu 301).",
        ),
        (
            {"title": "Eerste", "body": "Een.", "order": -1},
            "order",
            "Zorg ervoor dat deze waarde minstens 0 is.",
        ),
        (
            {"title": "Eerste", "body": "Een.", "order": "eerst"},
            "order",
            "Voer een geheel getal in.",
        ),
    ]
    for data, field, message in refused:
        response = client.post(url, {**data, "version": 1})
        assert response.status_code == 400, field
        assert message in text_of(response), field
        # What was typed is still in the form.
        if field != "body":
            assert f'value="{data[field]}"' in response.content.decode(), field
        stored = DevelopmentSection.objects.get(pk=section.pk)
        assert (stored.title, stored.body, stored.order, stored.version) == ("Eerste", "Een.", 1, 1)
    # An empty title the model does allow: the list shows the section without one.
    assert (
        client.post(url, {"title": "", "body": "Een.", "order": 1, "version": 1}).status_code == 302
    )
    assert "(zonder titel)" in text_of(client.get(BASE + "ontwikkelingen/"))


def test_two_indicator_forms_opened_at_once_the_second_save_sees_both_values(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    other = User.objects.create_user("collega", is_staff=True)
    other.groups.set(policy_officer.groups.all())
    other.program_assignments.create(program_slug="sociaal")
    colleague = Client()
    colleague.force_login(other)
    as_user(client, policy_officer)
    url = BASE + "indicator/4.2.3/"
    # Both open the form; it carries the version they opened it at.
    version = re.compile(r'name="version" value="(\d+)"')
    mine = version.search(client.get(url).content.decode())
    theirs = version.search(colleague.get(url).content.decode())
    assert mine and theirs
    mine_opened, theirs_opened = mine[1], theirs[1]
    assert mine_opened == theirs_opened == "1"
    base = {"realisatie_vorig__totaal": "62", "begroot__totaal": "54"}
    response = colleague.post(url, {**base, "version": 1, "realisatie__totaal": "61"})
    assert response.status_code == 302
    notes_before = Footnote.objects.filter(program__report__year=2024).count()
    response = client.post(
        url,
        {
            **base,
            "version": mine_opened,
            "realisatie__totaal": "75",
            "begroot__totaal": "55",
            "new_footnote": "Mijn voetnoot.",
        },
    )
    assert response.status_code == 409
    text = text_of(response)
    assert "Iemand anders heeft dit intussen gewijzigd" in text and "collega" in text
    # Both values of each cell that differs: the stored one (theirs) and mine.
    assert re.search(r"Realisatie 2024 — Totaal 61 75 ", text)
    assert re.search(r"Begroting 2024 — Totaal 54 55 ", text)
    # Nothing of mine stored.
    values = IndicatorValue.objects.filter(
        indicator__code="4.2.3", indicator__table__program__report__year=2024, year=2024
    )
    assert {v.kind: v.display for v in values} == {"realisatie": "61", "begroot": "54"}
    assert Footnote.objects.filter(program__report__year=2024).count() == notes_before
    # The conflict page offers mine again, now at the version the colleague made.
    assert 'name="version" value="2"' in response.content.decode()
    assert 'value="75"' in response.content.decode()


def test_the_conflict_page_of_a_budget_offers_only_the_target_again(
    client: Client, policy_officer: User, report_2023: Report
) -> None:
    from cycle.budget import budget_from_annual_report

    budget_from_annual_report(report_2023)
    as_user(client, policy_officer)
    url = "/beheer/programmabegroting/2023/sociaal/indicator/3.1.4/"
    assert client.post(url, {"begroot__totaal": "1.250", "version": 1}).status_code == 302
    response = client.post(url, {"begroot__totaal": "1.300", "version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'name="begroot__totaal" value="1.300"' in html
    # A budget has no realisations to fill in, on the conflict page neither.
    assert 'name="realisatie__totaal"' not in html
    assert 'name="realisatie_vorig__totaal"' not in html


def test_a_text_longer_than_the_maximum_is_refused_with_the_text_kept_in_the_form(
    client: Client, policy_officer: User, concept_2024: Report, settings: Settings
) -> None:
    as_user(client, policy_officer)
    url = BASE + "activiteit/4.2.3/"
    assert "Hoogstens 20.000 tekens." in text_of(client.get(url))
    activity = activity_2024("4.2.3")
    pasted = ("Een lange plak tekst. " * 1000).strip()
    response = client.post(url, {"realisation": pasted, "version": activity.version})
    assert response.status_code == 400  # as every form with a field error here
    assert (
        "Deze tekst is te lang: 21.999 tekens, het maximum is 20.000. "
        "Kort hem in of verdeel hem; er is nog niets opgeslagen."
    ) in text_of(response)
    # Nothing stored changed, and what was typed is still in the form to shorten.
    activity.refresh_from_db()
    assert activity.realisation == "" and activity.version == 1
    assert pasted in response.content.decode()
    # Exactly the maximum is accepted; the maximum is a setting.
    response = client.post(url, {"realisation": "x" * 20_000, "version": 1})
    assert response.status_code == 302
    settings.LONG_TEXT_MAX_CHARS = 100
    response = client.post(url, {"realisation": "y" * 101, "version": 2})
    assert "het maximum is 100." in text_of(response)
    assert activity_2024("4.2.3").realisation == "x" * 20_000


@pytest.mark.parametrize(
    ("code", "typed", "refusal"),
    [
        ("3.1.3", "abc", "‘abc’ is geen getal, en deze indicator heeft alleen getallen."),
        ("3.1.3", "?", "‘?’ is geen getal, en deze indicator heeft alleen getallen."),
        ("3.1.3", "73,6", "Deze indicator is een percentage: schrijf 73,6% (met %)"),
    ],
)
def test_a_value_the_indicator_cannot_hold_is_refused_even_when_confirmed(
    client: Client, policy_officer: User, concept_2024: Report, code: str, typed: str, refusal: str
) -> None:
    as_user(client, policy_officer)
    url = BASE + f"indicator/{code}/"
    data = {"version": 1, "realisatie__totaal": typed, "plausible": "on", "check_note": "Klopt."}
    response = client.post(url, data)
    assert response.status_code == 400
    assert refusal in text_of(response).replace("&#x27;", "'")
    assert f'value="{typed}"' in response.content.decode().replace("&#x27;", "'")  # kept
    values = IndicatorValue.objects.filter(
        indicator__code=code, indicator__table__program__report__year=2024, year=2024
    )
    assert not values.filter(kind="realisatie").exists()


@pytest.mark.parametrize(
    ("code", "typed", "warning"),
    [
        ("3.1.4", "1.141", "1.141 is 360% hoger dan 248, de realisatie van 2023."),
        ("3.1.4", "400", "400 is 61% hoger dan 248, de realisatie van 2023."),
        ("3.1.4", "100", "100 is 60% lager dan 248, de realisatie van 2023."),
    ],
)
def test_a_jump_of_more_than_half_is_saved_only_when_confirmed_with_a_reason(
    client: Client, policy_officer: User, concept_2024: Report, code: str, typed: str, warning: str
) -> None:
    as_user(client, policy_officer)
    url = BASE + f"indicator/{code}/"
    response = client.post(url, {"version": 1, "realisatie__totaal": typed})
    assert response.status_code == 400
    text = text_of(response)
    assert "Klopt dit? Het lijkt op een tikfout:" in text and warning in text
    assert f'value="{typed}"' in response.content.decode()  # kept
    values = IndicatorValue.objects.filter(
        indicator__code=code, indicator__table__program__report__year=2024, year=2024
    )
    assert not values.filter(kind="realisatie").exists()

    # Confirming is not enough: the reason is asked for, and kept.
    unexplained = client.post(url, {"version": 1, "realisatie__totaal": typed, "plausible": "on"})
    assert "Schrijf kort waarom deze waarde klopt." in text_of(unexplained)
    assert not values.filter(kind="realisatie").exists()
    reason = "Nieuwe telmethode: ook de trajecten van de regio tellen mee."
    confirmed = client.post(
        url,
        {"version": 1, "realisatie__totaal": typed, "plausible": "on", "check_note": reason},
    )
    assert confirmed.status_code == 302
    value = values.get(kind="realisatie")
    assert (value.display, value.check_note) == (typed, reason)
    assert f"(gecontroleerd: {reason})" in text_of(client.get(url))
    # Not as a footnote unless asked: that is a public statement.
    assert not Indicator.objects.get(pk=value.indicator_id).footnotes.filter(text=reason)


def test_a_range_set_on_the_indicator_asks_and_the_reason_can_become_a_footnote(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    indicator = Indicator.objects.get(code="3.1.3", table__program__report__year=2024)
    structure = BASE + f"opbouw/indicator/{indicator.pk}/"
    form = client.get(structure)
    assert form.status_code == 200, structure
    fields = {"version": indicator.version, "name": indicator.name, "unit": indicator.unit}
    fields |= {"source": indicator.source, "direction": indicator.direction}
    turned = client.post(structure, fields | {"lowest": "60", "highest": "50"})
    assert "De hoogste waarde is lager dan de laagste; draai ze om." in text_of(turned)
    saved = client.post(structure, fields | {"lowest": "60", "highest": "100"})
    assert saved.status_code == 302, text_of(saved)[:2000]
    indicator.refresh_from_db()
    assert (indicator.lowest, indicator.highest) == (60, 100)

    url = BASE + "indicator/3.1.3/"
    # The structure's save moved the indicator's version on: the values form follows it.
    response = client.post(url, {"version": indicator.version, "realisatie__totaal": "55,0%"})
    assert "55,0% is lager dan 60, de ondergrens." in text_of(response)
    reason = "Meer statushouders zonder werk ingestroomd."
    confirmed = client.post(
        url,
        {
            "version": indicator.version,
            "realisatie__totaal": "55,0%",
            "plausible": "on",
            "check_note": reason,
            "check_note_as_footnote": "on",
        },
    )
    assert confirmed.status_code == 302
    indicator.refresh_from_db()
    assert indicator.footnotes.filter(text=reason).exists()
    assert "55,0%" in text_of(client.get("/beheer/jaarstukken/2024/sociaal/indicator/3.1.3/"))


@pytest.mark.parametrize(("code", "typed"), [("3.1.3", "74,1%"), ("3.1.4", "251"), ("3.1.4", "NB")])
def test_a_plausible_value_is_saved_without_questions(
    client: Client, policy_officer: User, concept_2024: Report, code: str, typed: str
) -> None:
    as_user(client, policy_officer)
    response = client.post(BASE + f"indicator/{code}/", {"version": 1, "realisatie__totaal": typed})
    assert response.status_code == 302


def test_an_earlier_version_can_be_put_back_as_a_new_version(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    as_user(client, policy_officer)
    url = BASE + "activiteit/1.1.1/"
    client.post(url, {"realisation": "Eerste tekst.", "version": 1})
    client.post(url, {"realisation": "Tweede tekst.", "version": 2})
    activity = activity_2024("1.1.1")
    first = activity.history.filter(realisation="Eerste tekst.").get()
    page = client.get(url).content.decode()
    assert f'name="terugzetten" value="{first.history_id}"' in page
    newest = activity.history.first()
    assert newest is not None
    assert f'name="terugzetten" value="{newest.history_id}"' not in page  # what stands now

    # A page opened before someone else's save puts nothing back.
    stale = client.post(url, {"terugzetten": first.history_id, "version": 2}, follow=True)
    assert "Niet teruggezet: iemand anders heeft dit intussen gewijzigd." in text_of(stale)
    assert activity_2024("1.1.1").realisation == "Tweede tekst."

    before = activity.history.count()
    done = client.post(url, {"terugzetten": first.history_id, "version": 3}, follow=True)
    assert "is teruggezet." in text_of(done)
    restored = activity_2024("1.1.1")
    assert (restored.realisation, restored.version) == ("Eerste tekst.", 4)
    assert restored.history.count() == before + 1  # the history keeps every version


def test_an_earlier_version_is_not_put_back_in_an_adopted_report(
    client: Client, policy_officer: User, report_2023: Report
) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report=report_2023, code="1.1.1")
    record = activity.history.first()
    assert record is not None
    as_user(client, policy_officer)
    response = client.post(
        "/beheer/jaarstukken/2023/sociaal/activiteit/1.1.1/",
        {"terugzetten": record.history_id, "version": activity.version},
    )
    assert response.status_code == 403
    assert "Jaarstukken 2023 is vastgesteld door de raad" in text_of(response)
    assert Activity.objects.get(pk=activity.pk).version == activity.version


def test_the_history_shows_amounts_as_the_forms_do(
    client: Client, finance: User, concept_2024: Report
) -> None:
    as_user(client, finance)
    line = BudgetLine.objects.get(program__report__year=2024, nature="structureel", kind="lasten")
    url = BASE + f"begrotingsregel/{line.pk}/"
    client.post(
        url,
        {
            "version": line.version,
            "rekening_vorig": "-24.273.000",
            "begroting_primitief": "-1.500.000",
            "begroting_totaal": "",
            "rekening": "",
        },
    )
    history = text_of(client.get(url))
    # The budget was empty (not € 0) before.
    assert "begroting primitief (€): (leeg) € -1.500.000" in history
    assert "-1500000" not in history
