"""Once offered to the council a report changes only by a nota van wijziging, or is withdrawn."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from programs.models import Activity, Erratum, Report, ReportStatus
from programs.services import change_status
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

BASE = "/beheer/jaarstukken/2024/sociaal/"
STATUS = "/beheer/jaarstukken/2024/status/"
OFFERED = "is aangeboden aan de raad en staat op de agenda: gewoon wijzigen kan niet meer"


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def offered(concept_2024: Report) -> Report:
    report = change_status(report=concept_2024, transition="submit_for_review")
    return change_status(report=report, transition="offer_to_council", reason="Proef")


def activity() -> Activity:
    return Activity.objects.get(subgoal__goal__program__report__year=2024, code="1.1.1")


def test_ordinary_edits_and_imports_are_closed_once_offered(
    client: Client, offered: Report, policy_officer: User, finance: User
) -> None:
    client.force_login(policy_officer)
    response = client.post(BASE + "activiteit/1.1.1/", {"realisation": "x", "version": 1})
    assert response.status_code == 403 and OFFERED in text_of(response)
    assert activity().realisation == ""
    client.force_login(finance)
    response = client.get(BASE + "financien/")
    assert response.status_code == 403 and OFFERED in text_of(response)
    response = client.get("/beheer/jaarstukken/2024/import/")
    assert response.status_code == 403 and OFFERED in text_of(response)


def test_the_controller_changes_it_by_a_nota_van_wijziging_that_readers_see(
    client: Client, offered: Report, controller: User
) -> None:
    client.force_login(controller)
    url = BASE + "activiteit/1.1.1/"
    form = text_of(client.get(url))
    assert "Reden van de wijziging (nota van wijziging)" in form
    assert "Opslaan als nota van wijziging" in form
    response = client.post(url, {"realisation": "Gedaan.", "version": 1})
    assert response.status_code == 400
    assert "Geef de reden van deze wijziging; de raad ziet die." in text_of(response)
    assert activity().realisation == "" and not Erratum.objects.exists()

    response = client.post(
        url,
        {
            "realisation": "Gedaan.",
            "version": 1,
            "nota-reason": "De realisatie ontbrak in de aangeboden versie.",
        },
    )
    assert response.status_code == 302
    assert activity().realisation == "Gedaan."
    erratum = Erratum.objects.get(report=offered)
    assert (erratum.number, erratum.made_by) == (1, controller)
    assert erratum.subject == (
        "Programma Sociaal: Activiteit 1.1.1 - Ontwikkelen van een aantal instrumenten om te "
        "kunnen meten en verantwoorden."
    )
    # An indicator the same way: the next number.
    response = client.post(
        BASE + "indicator/4.2.3/",
        {
            "version": 1,
            "realisatie_vorig__totaal": "62",
            "begroot__totaal": "54",
            "realisatie__totaal": "60",
            "nota-reason": "Cijfer van de uitvoerder ontvangen.",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert Erratum.objects.get(number=2).subject == "Programma Sociaal: indicator 4.2.3"
    # Putting an earlier version back is not a way around it.
    history_id = activity().history.last().history_id
    client.post(url, {"terugzetten": history_id, "version": 2})
    assert activity().realisation == "Gedaan."

    client.logout()
    page = text_of(client.get("/jaarstukken/2024/"))
    assert "Wijzigingen na aanbieding" in page
    assert (
        "Programma Sociaal: Activiteit 1.1.1 " in page
        and "De realisatie ontbrak in de aangeboden versie." in page
    )


def test_withdrawing_takes_it_off_the_public_site_with_a_dutch_notice(
    client: Client, offered: Report, controller: User, administrator: User
) -> None:
    client.force_login(administrator)
    response = client.post(
        STATUS, {"transition": "withdraw", "seen_status": "aangeboden", "withdraw_reason": "x"}
    )
    assert response.status_code == 403
    client.force_login(controller)
    client.post(STATUS, {"transition": "withdraw", "seen_status": "aangeboden"})
    assert Report.objects.get(pk=offered.pk).status == ReportStatus.OFFERED
    response = client.post(
        STATUS,
        {
            "transition": "withdraw",
            "seen_status": "aangeboden",
            "withdraw_reason": "De cijfers van de jeugdhulp worden herzien.",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=offered.pk)
    assert report.status == ReportStatus.IN_REVIEW and report.is_withdrawn
    # Staff go on working on it.
    assert client.get("/jaarstukken/2024/sociaal/").status_code == 200

    client.logout()
    for url in [
        "/jaarstukken/2024/",
        "/jaarstukken/2024/sociaal/",
        "/jaarstukken/2024/sociaal/indicator/3.1.1/",
        "/jaarstukken/2024/sociaal/data.csv",
    ]:
        response = client.get(url)
        assert response.status_code == 410, url
        assert "Jaarstukken 2024 is teruggetrokken" in text_of(response)
        assert "Reden: De cijfers van de jeugdhulp worden herzien." in text_of(response)
    response = client.get("/api/jaarstukken/2024/sociaal/")
    assert response.status_code == 410
    assert "teruggetrokken van de agenda van de raad" in json.loads(response.content)["fout"]
    # A report that was never offered is still simply not there.
    assert client.get("/jaarstukken/2031/").status_code == 404

    # Offered again: readable again.
    change_status(report=report, transition="offer_to_council", reason="Herzien")
    assert client.get("/jaarstukken/2024/sociaal/").status_code == 200
