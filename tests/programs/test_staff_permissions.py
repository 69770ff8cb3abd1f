"""Every staff page for every role: allowed, refused (403) or sent to the login (anonymous)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from investments.models import BudgetLine
from programs.models import Report

pytestmark = pytest.mark.django_db

P = "/beheer/jaarstukken/2024/sociaal/"
ALLOWED, REFUSED = 200, 403

# page -> expected GET status for (policy Sociaal, policy other program, finance, administrator)
MATRIX = {
    "/beheer/": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "/beheer/jaarstukken/2024/werklijst/": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "/beheer/jaarstukken/2024/status/": (REFUSED, REFUSED, REFUSED, ALLOWED),
    P + "activiteit/1.1.1/": (ALLOWED, REFUSED, REFUSED, REFUSED),
    P + "indicator/3.1.4/": (ALLOWED, REFUSED, REFUSED, REFUSED),
    P + "ontwikkelingen/": (ALLOWED, REFUSED, REFUSED, REFUSED),
    P + "financien/": (ALLOWED, REFUSED, ALLOWED, REFUSED),
    P + "overheveling/1/": (REFUSED, REFUSED, REFUSED, REFUSED),  # none in a new year
    P + "begrotingsregel/{line}/": (REFUSED, REFUSED, ALLOWED, REFUSED),
    P + "investering/760124/": (REFUSED, REFUSED, ALLOWED, REFUSED),
}


@pytest.fixture
def users(
    policy_officer: User, other_policy_officer: User, finance: User, administrator: User
) -> list[User]:
    return [policy_officer, other_policy_officer, finance, administrator]


def test_each_role_gets_exactly_its_own_pages(users: list[User], concept_2024: Report) -> None:
    line = BudgetLine.objects.filter(program__report=concept_2024).first()
    assert line is not None
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    for pattern, expected in MATRIX.items():
        url = pattern.format(line=line.pk)
        if "overheveling" in url:
            # Policy staff and finance may open carry-overs; a new year has none yet (404).
            expected = (404, REFUSED, 404, REFUSED)
        got = tuple(client.get(url).status_code for client in clients)
        assert got == expected, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302, url
        assert anonymous["Location"].startswith("/accounts/login/"), url


def test_a_refusal_is_explained_in_dutch(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    response = client.get(P + "activiteit/1.1.1/")
    assert response.status_code == 403
    assert "U heeft geen recht om dit te wijzigen." in response.content.decode()


def test_a_user_without_a_role_is_refused_everywhere(client: Client, concept_2024: Report) -> None:
    client.force_login(User.objects.create_user("zonder-rol", is_staff=True))
    for url in ("/beheer/", "/beheer/jaarstukken/2024/werklijst/", P + "activiteit/1.1.1/"):
        assert client.get(url).status_code == 403, url


def test_the_role_decides_who_sees_drafts_not_the_admin_flag(
    client: Client, finance: User, concept_2024: Report
) -> None:
    """Drafts are for staff in a role; Django's is_staff flag only opens the admin site."""
    chapter = "/jaarstukken/2024/sociaal/"
    draft = [
        chapter,
        chapter + "indicator/3.1.4/",
        chapter + "data.csv?tabel=indicatoren",
        chapter + "data.json",
        "/jaarstukken/2024/data.xlsx",
        "/api/jaarstukken/2024/sociaal/",
        chapter + "pdf/",
        "/jaarstukken/2024/pdf/",
    ]
    for url in draft:
        assert client.get(url).status_code == 404, url  # anonymous: not published
    client.force_login(User.objects.create_user("alleen-vlag", is_staff=True))
    for url in draft:
        assert client.get(url).status_code == 404, url
    assert "2024" not in client.get("/zoeken/", {"q": "jongeren"}).content.decode()
    User.objects.filter(pk=finance.pk).update(is_staff=False)
    client.force_login(User.objects.get(pk=finance.pk))
    response = client.get(chapter)
    assert response.status_code == 200
    assert "Concept" in response.content.decode()
    assert client.get(chapter + "data.json").status_code == 200
    assert "Jaarstukken 2024" in client.get("/zoeken/", {"q": "jongeren"}).content.decode()
