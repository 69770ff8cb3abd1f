"""The whole path of a member of staff in a real browser: sign in, edit, sign out."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User

from programs.models import Activity, Report
from tests.browser import chromium

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "geheim-wachtwoord-1"  # tests/conftest.py's users


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as started:
        yield started


def test_staff_sign_in_edit_sign_out_and_the_staff_pages_close_behind_them(
    live_server: "LiveServer", browser: Any, policy_officer: User, concept_2024: Report
) -> None:
    page = browser.new_page()
    page.goto(live_server.url + "/beheer/")
    # Not signed in: the staff pages send the browser to the login page.
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", policy_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/beheer/")
    assert page.get_by_text("Ingelogd als beleid-sociaal").count() >= 1

    page.goto(live_server.url + "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/")
    page.fill("textarea[name=realisation]", "In 2024 zijn 30 kinderen ondersteund.")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    assert activity.realisation == "In 2024 zijn 30 kinderen ondersteund."

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert page.get_by_text("U bent uitgelogd").count() >= 1
    # The back button or a bookmark finds the staff pages closed.
    page.goto(live_server.url + "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/")
    assert "/accounts/login/" in page.url
    assert "In 2024 zijn 30 kinderen ondersteund." not in page.content()


def test_text_typed_when_the_session_expired_is_put_back_after_signing_in_again(
    live_server: "LiveServer", browser: Any, policy_officer: User, concept_2024: Report
) -> None:
    context = browser.new_context()
    page = context.new_page()
    form = live_server.url + "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/"
    page.goto(form)
    page.fill("input[name=username]", policy_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(form)

    # The working day ends while the text is being typed: the session cookie is gone.
    context.clear_cookies(name="sessionid")
    typed = "Een lange tekst die niet verloren mag gaan."
    page.fill("textarea[name=realisation]", typed)
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.get_by_text("Uw sessie was verlopen").count() == 1
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    assert activity.realisation == ""  # nothing was stored

    page.fill("input[name=username]", policy_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(form)
    assert page.input_value("textarea[name=realisation]") == typed
    assert page.get_by_text("staat weer in het formulier").count() == 1
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.realisation == typed

    # Saved: opening the form again shows what is stored, and nothing is put back.
    page.goto(form)
    assert page.get_by_text("staat weer in het formulier").count() == 0
    context.close()
