"""Staff sign out on shared PCs, change their password, and recover a forgotten one."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from programs.models import Report
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_every_staff_page_offers_sign_out_and_signing_out_ends_the_session(
    client: Client, policy_officer: User, report_2023: Report
) -> None:
    client.force_login(policy_officer)
    page = client.get("/beheer/").content.decode()
    assert "Ingelogd als beleid-sociaal" in page
    form = re.search(
        r'<form method="post" action="(/accounts/logout/)"[^>]*>(.*?)</form>', page, re.S
    )
    assert form is not None and "Uitloggen" in form[2]

    # On the public pages too, where staff read drafts, a link (a form would put a fresh
    # CSRF token in the page and break its ETag) to the page with the one button.
    public = client.get("/jaarstukken/2023/sociaal/").content.decode()
    assert '<a class="utrecht-link" href="/accounts/logout/">Uitloggen</a>' in public
    assert "/accounts/logout/" not in Client().get("/jaarstukken/2023/sociaal/").content.decode()
    confirm = client.get("/accounts/logout/")
    assert "U bent ingelogd als beleid-sociaal" in text_of(confirm)
    assert client.get("/beheer/").status_code == 200  # asking signs nobody out

    response = client.post(form[1])
    assert response.status_code == 200
    assert "U bent uitgelogd" in text_of(response)
    again = client.get("/beheer/")
    assert again.status_code == 302 and again["Location"].startswith("/accounts/login/")


def test_a_forgotten_password_is_replaced_through_a_link_in_a_dutch_mail(
    client: Client, policy_officer: User
) -> None:
    policy_officer.email = "beleid@diemen.example"
    policy_officer.save()
    login = client.get("/accounts/login/").content.decode()
    assert (
        '<a class="utrecht-link" href="/accounts/password_reset/">Wachtwoord vergeten?</a>' in login
    )

    response = client.post("/accounts/password_reset/", {"email": "beleid@diemen.example"})
    assert response.status_code == 302
    assert "Kijk in uw e-mail" in text_of(client.get(response["Location"]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["beleid@diemen.example"]
    assert message.subject == "Nieuw wachtwoord voor sociaal domein — planning & control"
    assert "Kies een nieuw wachtwoord via deze link" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(message.body))
    assert link is not None

    form = client.get(link[1], follow=True)
    assert "Nieuw wachtwoord kiezen" in text_of(form)
    set_password = form.redirect_chain[-1][0]
    weak = client.post(set_password, {"new_password1": "123", "new_password2": "123"})
    assert "Niet opgeslagen" in text_of(weak)
    done = client.post(
        set_password,
        {
            "new_password1": "een-nieuw-lang-wachtwoord",
            "new_password2": "een-nieuw-lang-wachtwoord",
        },
        follow=True,
    )
    assert "Wachtwoord opgeslagen" in text_of(done)
    client.logout()
    signed_in = client.post(
        "/accounts/login/",
        {"username": "beleid-sociaal", "password": "een-nieuw-lang-wachtwoord"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/beheer/"
    # The link works once.
    client.logout()
    used = client.get(link[1], follow=True)
    assert "Deze link werkt niet meer" in text_of(used)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, db: None) -> None:
    response = client.post("/accounts/password_reset/", {"email": "niemand@example.org"})
    assert response.status_code == 302  # no hint whether an account exists
    assert mail.outbox == []


def test_staff_change_their_own_password_in_the_site_style(
    client: Client, policy_officer: User
) -> None:
    client.force_login(policy_officer)
    page = client.get("/accounts/password_change/")
    assert "Wachtwoord wijzigen" in text_of(page) and "Uitloggen" in text_of(page)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "geheim-wachtwoord-1",
            "new_password1": "nog-een-lang-wachtwoord",
            "new_password2": "nog-een-lang-wachtwoord",
        },
        follow=True,
    )
    assert "Uw nieuwe wachtwoord geldt vanaf nu." in text_of(response)
    assert client.get("/beheer/").status_code == 200  # still signed in
