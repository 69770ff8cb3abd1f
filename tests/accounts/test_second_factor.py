"""Signing in with a second factor: an authenticator app (TOTP) and recovery codes."""

import base64
import re
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from accounts.policy import must_have_second_factor
from accounts.views import PENDING
from tests.client import ClientResponse
from tests.test_security import _production

PASSWORD = "geheim-wachtwoord-1"  # noqa: S105 - the fixtures' test password
LOGIN = "/accounts/login/"
VERIFY = "/accounts/tweede-factor/"
SETUP = "/accounts/tweede-factor/instellen/"
CODES = "/accounts/tweede-factor/herstelcodes/"

# Throttling (a wait that doubles after each wrong code) has a test of its own.
required = override_settings(
    SECOND_FACTOR_REQUIRED=True, OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0
)


def app_code(device: TOTPDevice, offset: int = 0) -> str:
    """What the person's authenticator app shows now (or `offset` steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def sign_in(client: Client, user: User, follow: bool = False) -> ClientResponse:
    return client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "/beheer/"}, follow=follow
    )


def set_up_app(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Signs in with the password, links an app, and returns it with the recovery codes."""
    assert sign_in(client, user)["Location"] == SETUP
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    found = re.search(r'<code class="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert found
    secret = found[1]
    assert secret.replace(" ", "") == base64.b32encode(device.bin_key).decode()
    assert "<svg" in page and "QR-code voor uw authenticator-app" in page
    shown = client.post(SETUP, {"code": app_code(device)}).content.decode()
    codes = re.findall(
        r"<li class=\"utrecht-unordered-list__item\"><code>([a-z2-7]+)</code>", shown
    )
    device.refresh_from_db()
    return device, codes


@pytest.mark.django_db
@required
def test_the_griffie_must_link_an_app_before_being_signed_in(administrator: User) -> None:
    client = Client()
    assert sign_in(client, administrator)["Location"] == SETUP
    assert client.get("/beheer/")["Location"].startswith(LOGIN)  # not signed in yet
    page = client.get(SETUP).content.decode()
    assert "Voor uw rol is naast het wachtwoord een tweede factor verplicht." in page

    device = TOTPDevice.objects.get(user=administrator)
    wrong = client.post(SETUP, {"code": "000000" if app_code(device) != "000000" else "111111"})
    assert "Deze code klopt niet." in wrong.content.decode()
    assert not TOTPDevice.objects.get(user=administrator).confirmed
    assert client.get("/beheer/").status_code == 302

    shown = client.post(SETUP, {"code": app_code(device)})
    page = shown.content.decode()
    assert "Uw app is gekoppeld." in page and "no-store" in shown["Cache-Control"]
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(
        StaticToken.objects.filter(device__user=administrator).values_list("token", flat=True)
    ) == sorted(codes)
    dashboard = client.get("/beheer/")
    assert dashboard.status_code == 200
    assert "Ingelogd met een tweede factor." in dashboard.content.decode()


@pytest.mark.django_db
@required
def test_a_linked_app_or_a_recovery_code_signs_in_and_a_recovery_code_works_once(
    finance: User,
) -> None:
    device, codes = set_up_app(Client(), finance)

    client = Client()
    assert sign_in(client, finance)["Location"] == VERIFY
    assert client.get("/beheer/").status_code == 302
    assert "Deze code klopt niet." in client.post(VERIFY, {"code": "12345"}).content.decode()
    signed_in = client.post(VERIFY, {"code": app_code(device, offset=1)})  # the next code
    assert signed_in["Location"] == "/beheer/"
    assert client.get("/beheer/").status_code == 200

    client = Client()
    sign_in(client, finance)
    page = client.post(VERIFY, {"code": codes[0].upper()}, follow=True).content.decode()
    assert "U heeft een herstelcode gebruikt; er zijn er nog 9 over." in page
    client = Client()
    sign_in(client, finance)
    again = client.post(VERIFY, {"code": codes[0]}).content.decode()
    assert "Deze code klopt niet." in again
    assert client.get("/beheer/").status_code == 302


@pytest.mark.django_db
@required
def test_new_recovery_codes_replace_the_old_ones(finance: User) -> None:
    client = Client()
    _device, old = set_up_app(client, finance)
    assert "U heeft nog 10 ongebruikte herstelcodes." in client.get(CODES).content.decode()
    new = re.findall(r"<code>([a-z2-7]{8})</code>", client.post(CODES).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = Client()
    sign_in(other, finance)
    assert "Deze code klopt niet." in other.post(VERIFY, {"code": old[1]}).content.decode()
    assert other.post(VERIFY, {"code": new[1]})["Location"] == "/beheer/"


@pytest.mark.django_db
@required
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60, OTP_STATIC_THROTTLE_FACTOR=60)
def test_wrong_codes_are_throttled_with_a_dutch_message(finance: User) -> None:
    device, _codes = set_up_app(Client(), finance)
    client = Client()
    sign_in(client, finance)
    wrong = "000000" if app_code(device, 1) != "000000" else "111111"
    assert "Deze code klopt niet." in client.post(VERIFY, {"code": wrong}).content.decode()
    page = client.post(VERIFY, {"code": app_code(device, 1)}).content.decode()
    assert re.search(r"Te veel onjuiste codes na elkaar. Probeer het over \d+ seconden", page)
    assert client.get("/beheer/").status_code == 302


@pytest.mark.django_db
@required
def test_policy_staff_are_offered_a_second_factor_not_forced(policy_officer: User) -> None:
    client = Client()
    assert sign_in(client, policy_officer)["Location"] == "/beheer/"
    page = client.get("/beheer/").content.decode()
    assert "Ingelogd met alleen een wachtwoord." in page and SETUP in page
    # Once linked, the app is asked for at every sign-in.
    device, _ = set_up_app_signed_in(client, policy_officer)
    again = Client()
    assert sign_in(again, policy_officer)["Location"] == VERIFY
    # The code of the set-up cannot be used twice; the app's next one can.
    assert (
        "Deze code klopt niet." in again.post(VERIFY, {"code": app_code(device)}).content.decode()
    )
    assert again.post(VERIFY, {"code": app_code(device, offset=1)})["Location"] == "/beheer/"


def set_up_app_signed_in(client: Client, user: User) -> tuple[TOTPDevice, str]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(SETUP, {"code": app_code(device)}).content.decode()
    assert "Uw app is gekoppeld." in page
    device.refresh_from_db()
    return device, page


@pytest.mark.django_db
def test_the_local_demo_lets_the_griffie_in_with_a_password(administrator: User) -> None:
    """Debug on (`make run`): SECOND_FACTOR_REQUIRED is off, the demo stays one command."""
    client = Client()
    with override_settings(SECOND_FACTOR_REQUIRED=False):
        assert sign_in(client, administrator)["Location"] == "/beheer/"
        assert client.get("/beheer/").status_code == 200


def test_with_debug_off_the_second_factor_is_required() -> None:
    result = _production(
        [
            "-c",
            "import os, django; "
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'diemen_sociaal.settings'); "
            "django.setup(); from django.conf import settings; "
            "print(settings.SECOND_FACTOR_REQUIRED)",
        ]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.django_db
@required
def test_the_roles_that_publish_and_administer_need_it_and_no_others(
    administrator: User, finance: User, policy_officer: User, controller: User
) -> None:
    superuser = User.objects.create_superuser("hoofd", password="geheim-wachtwoord-1")
    flag_only = User.objects.create_user("alleen-vlag", is_staff=True)
    needs = {
        u.username: must_have_second_factor(u)
        for u in (administrator, finance, controller, policy_officer, superuser, flag_only)
    }
    assert needs == {
        "griffier": True,
        "financien-sociaal": True,
        "pc-controller": True,
        "beleid-sociaal": False,
        "hoofd": True,
        "alleen-vlag": False,
    }


@pytest.mark.django_db
@required
def test_a_session_without_the_required_second_factor_is_ended(administrator: User) -> None:
    """A session made around the login page (an old one, another login form) is logged out."""
    client = Client()
    client.force_login(administrator)
    response = client.get("/beheer/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/?next=/beheer/", 302)
    assert (
        "voor uw rol is naast het wachtwoord een tweede factor nodig" in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # The admin's own login page leads to ours.
    assert client.get("/admin/login/?next=/admin/")["Location"] == LOGIN + "?next=/admin/"


@pytest.mark.django_db
@required
def test_the_second_step_must_follow_the_password_soon(finance: User, settings: Settings) -> None:
    _device, codes = set_up_app(Client(), finance)
    client = Client()
    sign_in(client, finance)
    session = client.session
    session[PENDING] = {**session[PENDING], "since": time.time() - 301}
    session.save()
    response = client.post(VERIFY, {"code": codes[0]}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Log eerst in met uw gebruikersnaam en wachtwoord." in response.content.decode()
    assert client.get(VERIFY)["Location"] == LOGIN  # nobody half signed in


@pytest.mark.django_db
@required
def test_the_griffie_resets_a_lost_second_factor_from_the_user_list(
    finance: User, administrator: User
) -> None:
    set_up_app(Client(), finance)
    griffie = Client()
    griffie_device, _ = set_up_app(griffie, administrator)
    page = griffie.get("/admin/auth/user/").content.decode()
    assert "Tweede factor opnieuw laten instellen" in page
    done = griffie.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [finance.pk]},
        follow=True,
    ).content.decode()
    assert "Tweede factor vergeten voor financien-sociaal;" in done
    assert not TOTPDevice.objects.filter(user=finance).exists()
    assert not StaticToken.objects.filter(device__user=finance).exists()
    assert TOTPDevice.objects.filter(user=administrator).exists()  # only whom was chosen
    # Nobody sees anyone's secret: django-otp's own device pages are not in the admin.
    assert griffie.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert sign_in(Client(), finance)["Location"] == SETUP
