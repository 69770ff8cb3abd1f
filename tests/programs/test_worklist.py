"""The staff worklist: its states, sorting and filters, and the way back to it after an edit."""

import html
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client

from programs import services
from programs.models import Activity, Report
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

WORKLIST = "/beheer/jaarstukken/2024/werklijst/"
BASE = "/beheer/jaarstukken/2024/sociaal/"


def section(response: ClientResponse, heading: str) -> str:
    """The HTML of the table under the heading "Activiteiten" or "Indicatoren"."""
    page = response.content.decode()
    start = page.index(f">{heading}</h2>")
    end = page.find("<h2", start)
    return page[start : end if end != -1 else None]


def activity_codes(response: ClientResponse) -> list[str]:
    return re.findall(r"/activiteit/([\d.]+)/", section(response, "Activiteiten"))


def indicator_codes(response: ClientResponse) -> list[str]:
    return re.findall(r"/indicator/([\d.]+)/", section(response, "Indicatoren"))


def edit_link(response: ClientResponse, kind: str, code: str) -> str:
    """The href of the edit link of one row, as the browser would follow it."""
    match = re.search(rf'href="([^"]*/{kind}/{re.escape(code)}/[^"]*)"', response.content.decode())
    assert match, f"no edit link for {kind} {code}"
    return html.unescape(match[1])


def code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def fill_in(client: Client, code: str, text: str) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report__year=2024, code=code)
    url = BASE + f"activiteit/{code}/"
    response = client.post(url, {"realisation": text, "version": activity.version})
    assert response.status_code == 302


# --- States --------------------------------------------------------------------------------


def test_an_activity_changed_after_the_report_went_into_review_is_changed_since_review(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    fill_in(client, "1.1.1", "Gedaan.")
    fill_in(client, "1.1.2", "Ook gedaan.")
    services.change_status(report=concept_2024, transition="submit_for_review")
    fill_in(client, "1.1.2", "Ook gedaan, na de review aangevuld.")

    changed = client.get(WORKLIST + "?state=gewijzigd")
    assert activity_codes(changed) == ["1.1.2"]
    assert "Gewijzigd sinds review" in section(changed, "Activiteiten")
    # Filled in before the review and left alone since: filled in, not changed.
    assert activity_codes(client.get(WORKLIST + "?state=ingevuld")) == ["1.1.1"]
    missing = activity_codes(client.get(WORKLIST + "?state=ontbreekt"))
    assert len(missing) == 29 and "1.1.1" not in missing and "1.1.2" not in missing


def test_before_any_review_nothing_is_changed_since_review(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    fill_in(client, "1.1.2", "Gedaan.")
    fill_in(client, "1.1.2", "Gedaan, en nog eens.")
    assert activity_codes(client.get(WORKLIST + "?state=gewijzigd")) == []
    assert activity_codes(client.get(WORKLIST + "?state=ingevuld")) == ["1.1.2"]


# --- Sorting and filters ---------------------------------------------------------------------


def test_sorting_by_code_turns_the_order_around(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    default = activity_codes(client.get(WORKLIST))
    assert len(default) == 31 and default == sorted(default, key=code_key)
    descending = activity_codes(client.get(WORKLIST + "?a-sort=-code"))
    assert descending == sorted(default, key=code_key, reverse=True)
    assert descending[:3] == ["5.3.3", "5.3.2", "5.3.1"]
    # The activity table's sort leaves the indicator table alone; it has its own prefix.
    indicators = indicator_codes(client.get(WORKLIST + "?a-sort=-code"))
    assert indicators == indicator_codes(client.get(WORKLIST))
    descending = indicator_codes(client.get(WORKLIST + "?i-sort=-code"))
    assert descending == list(reversed(indicators))


def test_sorting_by_state_puts_what_is_filled_in_apart(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    fill_in(client, "3.2.1", "Gedaan.")
    # "ingevuld" sorts before "ontbreekt"; reversed, it comes last.
    assert activity_codes(client.get(WORKLIST + "?a-sort=state"))[0] == "3.2.1"
    assert activity_codes(client.get(WORKLIST + "?a-sort=-state"))[-1] == "3.2.1"


def test_the_program_filter_narrows_the_rows(
    client: Client, finance: User, concept_2024: Report
) -> None:
    from tests.factories import build_program

    build_program(concept_2024, slug="veilig", goals=1, subgoals=1, activities=2, indicators=1)
    client.force_login(finance)  # finance sees every program
    everything = client.get(WORKLIST)
    assert len(activity_codes(everything)) == 31 + 2
    assert ">Veilig<" in section(everything, "Activiteiten")

    sociaal = client.get(WORKLIST + "?program=sociaal")
    assert len(activity_codes(sociaal)) == 31
    assert ">Veilig<" not in section(sociaal, "Activiteiten")
    assert "/veilig/" not in section(sociaal, "Indicatoren")

    veilig = client.get(WORKLIST + "?program=veilig")
    assert activity_codes(veilig) == ["1.1.1", "1.1.2"]
    assert all(
        "/veilig/activiteit/" in link
        for link in re.findall(r'href="[^"]*/activiteit/[^"]*"', section(veilig, "Activiteiten"))
    )
    assert indicator_codes(veilig) == ["1.1.1"]

    nothing = client.get(WORKLIST + "?program=bestaat-niet")
    assert activity_codes(nothing) == []
    assert "Geen activiteiten gevonden." in nothing.content.decode()


# --- Back to the worklist as it was ----------------------------------------------------------


def test_saving_an_activity_returns_to_the_worklist_with_its_filters_and_sort(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    worklist = WORKLIST + "?state=ontbreekt&a-sort=-code"
    link = edit_link(client.get(worklist), "activiteit", "1.1.1")
    assert link == BASE + "activiteit/1.1.1/?terug=" + quote(worklist, safe="")
    form = client.get(link)
    assert f'href="{html.escape(worklist)}">Annuleren' in form.content.decode()

    response = client.post(link, {"realisation": "Gedaan.", "version": 1})
    assert response.status_code == 302 and response["Location"] == worklist
    back = client.get(response["Location"])
    codes = activity_codes(back)
    assert "1.1.1" not in codes and codes == sorted(codes, key=code_key, reverse=True)


def test_saving_an_indicator_returns_to_the_worklist_as_it_was_left(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    worklist = WORKLIST + "?mandatory=true&i-sort=-code"
    link = edit_link(client.get(worklist), "indicator", "3.1.3")
    assert "?terug=" in link
    form = client.get(link).content.decode()
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    data.pop("csrfmiddlewaretoken", None)
    data["realisatie__totaal"] = "74,1%"
    response = client.post(link, data)
    assert response.status_code == 302 and response["Location"] == worklist


def test_without_filters_the_edit_links_stay_plain(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    assert edit_link(client.get(WORKLIST), "activiteit", "1.1.1") == BASE + "activiteit/1.1.1/"
    response = client.post(BASE + "activiteit/1.1.1/", {"realisation": "Gedaan.", "version": 1})
    assert response["Location"] == WORKLIST


@pytest.mark.parametrize(
    "target",
    [
        "https://kwaadwillend.example/beheer/jaarstukken/2024/werklijst/",
        "//kwaadwillend.example/beheer/",
        "/\\kwaadwillend.example/beheer/",
        "javascript:alert(1)//beheer/",
        "/accounts/login/?next=/beheer/",
        "/beheer/../admin/",
        "/beheer/%2e%2e/admin/",
    ],
)
def test_a_return_address_outside_the_staff_pages_is_ignored(
    client: Client, policy_officer: User, concept_2024: Report, target: str
) -> None:
    client.force_login(policy_officer)
    url = BASE + "activiteit/1.1.1/?terug=" + quote(target, safe="")
    form = client.get(url).content.decode()
    assert f'href="{WORKLIST}">Annuleren' in form
    response = client.post(url, {"realisation": "Gedaan.", "version": 1})
    assert response.status_code == 302 and response["Location"] == WORKLIST
    activity = Activity.objects.get(subgoal__goal__program__report__year=2024, code="1.1.1")
    assert activity.realisation == "Gedaan."
