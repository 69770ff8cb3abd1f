"""Production security: deploy checks, headers, CSP, passwords, sessions, login throttling,
caching of staff pages and error pages without technical detail."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path
from django.utils import timezone
from pytest_django import Settings

from diemen_sociaal.ops import client_ip
from programs.models import Report
from tests.browser import chromium

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "production-test-key-" + "x7Qp" * 12,
    "DJANGO_ALLOWED_HOSTS": "verantwoording.diemen.nl",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
}
PASSWORD = "geheim-wachtwoord-1"


def _production(
    code: list[str], production: dict[str, str] = PRODUCTION
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    with tempfile.TemporaryDirectory() as folder:
        # Not the checkout's own database, which `make run` fills with the demo accounts: an
        # empty one, as on a server before its first migration.
        env.setdefault("DATABASE_URL", f"sqlite:///{folder}/empty.sqlite3")
        env.update(production)
        return subprocess.run(
            [sys.executable, *code],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


# --- settings in production ------------------------------------------------------------------


def test_check_deploy_reports_nothing_in_production() -> None:
    result = _production(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Silenced: django-ratelimit's refusal of a per-process cache (settings.RATE_LIMITS).
    assert "System check identified no issues (2 silenced)." in output
    assert "WARNINGS" not in output and "?: (" not in output


def test_production_refuses_to_start_with_a_weak_key_or_https_off() -> None:
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": "kort", "DJANGO_SECURE_SSL_REDIRECT": "0"}
    env.pop("DJANGO_TRUSTED_PROXY_COUNT")
    weak = _production(["manage.py", "check", "--deploy"], env)
    assert weak.returncode != 0
    for id_, dutch in (
        ("diemen_sociaal.E001", "De geheime sleutel (DJANGO_SECRET_KEY) is te kort"),
        ("diemen_sociaal.E002", "HTTPS staat uit (DJANGO_SECURE_SSL_REDIRECT)"),
        ("diemen_sociaal.E004", "Niet opgegeven hoeveel proxy's voor de site staan"),
    ):
        assert f"?: ({id_}) {dutch}" in weak.stderr, weak.stderr


# The settings production starts with, as the checks below see them one change at a time.
SAFE = {
    "DEBUG": False,
    "SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"],
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "ALLOW_PLAIN_HTTP": False,
    "TRUSTED_PROXY_COUNT_SET": True,
}


def _refusals(**changes: Any) -> list[str]:
    from django.core import checks

    with override_settings(**(SAFE | changes)):
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return [message.id for message in found if message.id and message.id.startswith("diemen")]


@pytest.mark.parametrize(
    ("changes", "refused"),
    [
        ({}, []),
        ({"SECRET_KEY": "local-development-only-not-secret"}, ["diemen_sociaal.E001"]),
        ({"SECRET_KEY": "django-insecure-" + "k3y" * 20}, ["diemen_sociaal.E001"]),
        ({"SECRET_KEY": "ab" * 40}, ["diemen_sociaal.E001"]),  # long, but two characters
        ({"SESSION_COOKIE_SECURE": False}, ["diemen_sociaal.E002"]),
        ({"SECURE_HSTS_SECONDS": 0}, ["diemen_sociaal.E002"]),
        ({"SECURE_SSL_REDIRECT": False, "ALLOW_PLAIN_HTTP": True}, []),  # a trial, said so
        ({"TRUSTED_PROXY_COUNT_SET": False}, ["diemen_sociaal.E004"]),
        # Local development: none of it is refused.
        ({"DEBUG": True, "SECRET_KEY": "kort", "SECURE_SSL_REDIRECT": False}, []),
    ],
)
def test_each_unsafe_production_setting_is_refused_on_its_own(
    db: None, changes: dict[str, Any], refused: list[str]
) -> None:
    assert _refusals(**changes) == refused


def test_production_refuses_the_demo_accounts_until_they_are_closed(db: None) -> None:
    from django.core.management import call_command

    from readmodel.demo import DEMO_PASSWORD, ensure_role_groups

    ensure_role_groups()
    User.objects.create_user("griffie", password=DEMO_PASSWORD, is_staff=True)
    User.objects.create_user("financien", password="een-eigen-wachtwoord-7", is_staff=True)
    assert _refusals() == ["diemen_sociaal.E003"]
    assert _refusals(DEBUG=True) == []  # the local demo of `make run`

    call_command("close_demo_users", stdout=(out := io.StringIO()))
    assert out.getvalue() == "demo account griffie: closed\n"
    assert _refusals() == []
    griffie = User.objects.get(username="griffie")
    assert not griffie.is_active and not griffie.has_usable_password()
    assert User.objects.get(username="financien").is_active  # its own password: left alone


def test_production_settings_are_strict() -> None:
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_AGE",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
    ]
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}} | "
        "{'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    env_code = [
        "-c",
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='diemen_sociaal.settings'; " + script,
    ]
    result = _production(env_code)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 8 * 60 * 60,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "static": "diemen_sociaal.ops.StaticFilesStorage",
    }


def test_passwords_are_hashed_with_argon2(db: None, settings: Settings) -> None:
    # The suite hashes with a fast hasher (conftest); the project's own setting is checked here.
    from diemen_sociaal import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User.objects.create_user("nieuw", password=PASSWORD)
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2$")


def test_login_throttling_comes_first_and_never_by_address_alone() -> None:
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.backends.")
    assert settings.AUTHENTICATION_BACKENDS[1:] == [
        "rules.permissions.ObjectPermissionBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert "axes" in settings.INSTALLED_APPS
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


# --- headers and the Content-Security-Policy ---------------------------------------------------


@pytest.fixture
def signed_in(policy_officer: User, concept_2024: Report) -> Client:
    client = Client()
    client.force_login(policy_officer)
    return client


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_every_page_sends_the_security_headers(signed_in: Client) -> None:
    for url in ("/", "/jaarstukken/2023/sociaal/", "/beheer/", "/admin/", "/accounts/login/"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        policy = _policy(response)
        assert policy["default-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        for directive in ("script-src", "style-src"):
            assert policy[directive][0] == "'self'"
            assert "'unsafe-inline'" not in policy[directive]
            assert "'unsafe-eval'" not in policy[directive]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def test_public_and_staff_pages_need_no_inline_script_or_style(signed_in: Client) -> None:
    """Under the policy inline code would not run; our own pages must not need any."""
    pages = [
        "/",
        "/zoeken/?q=zorg",
        "/jaarstukken/2023/",
        "/jaarstukken/2023/sociaal/",
        "/jaarstukken/2023/sociaal/overzicht/",
        "/jaarstukken/2023/sociaal/doelstelling/3/",
        "/jaarstukken/2023/sociaal/indicator/3.1.3/",  # with the SVG trend chart
        "/jaarstukken/2023/sociaal/activiteit/1.1.1/",
        "/beheer/",
        "/beheer/jaarstukken/2024/werklijst/",
        "/beheer/jaarstukken/2024/sociaal/indicator/5.3.1/",
        "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/",
        "/accounts/login/",
    ]
    for url in pages:
        html = signed_in.get(url).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, STYLE_ATTRIBUTE, EVENT_HANDLER):
            found = pattern.search(html)
            assert not found, f"{url}: {found[0]}"


def test_the_admin_puts_the_nonce_on_each_of_its_inline_tags(
    administrator: User, report_2023: Report
) -> None:
    """The Django admin's few inline tags carry the nonce of the policy (csp context processor)."""
    administrator.is_superuser = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    program = report_2023.programs.first()
    assert program is not None
    for url in (
        "/admin/",
        "/admin/programs/report/",
        "/admin/programs/programassignment/",
        f"/admin/programs/program/{program.pk}/change/",
        "/admin/auth/user/add/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        nonces = {v[len("'nonce-") : -1] for v in _policy(response)["script-src"][1:]}
        for tag in INLINE_SCRIPT.findall(html) + INLINE_STYLE.findall(html):
            assert any(f'nonce="{nonce}"' in tag for nonce in nonces), f"{url}: {tag}"
        assert not STYLE_ATTRIBUTE.search(html) and not EVENT_HANDLER.search(html), url


# --- the admin and the site in a browser that enforces the policy -------------------------------

# Collects every violation the browser reports, from before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as started:
        yield started


@pytest.mark.django_db(transaction=True)
def test_the_admin_and_the_site_work_under_the_policy(
    live_server: Any, browser: Any, report_2023: Any
) -> None:
    from cycle.new_year import start_new_year

    report = report_2023
    User.objects.create_superuser("beheerder", password=PASSWORD)
    program = start_new_year(source=report).programs.first()  # a draft: its inlines can grow
    assert program is not None
    context = browser.new_context(locale="nl-NL")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    violations = {}

    def visit(url: str) -> None:
        response = page.goto(live_server.url + url)
        assert response.status < 400, url
        page.wait_for_load_state("load")
        found = page.evaluate("window.__csp")
        if found:
            violations[url] = found

    visit("/jaarstukken/2023/sociaal/indicator/3.1.3/")
    # The stylesheets loaded: the page header has the theme's colour, not the browser's default.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    visit("/admin/login/?next=/admin/")  # leads to the site's login, with its second step
    page.fill("#id_username", "beheerder")
    page.fill("#id_password", PASSWORD)
    page.click("form.staff-form button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    visit("/admin/programs/report/")
    # The admin's own JavaScript ran: the select-all checkbox of the actions works.
    page.check("#action-toggle")
    assert page.is_checked("input.action-select")
    visit(f"/admin/programs/program/{program.pk}/change/")
    # inlines.js added its "add another" links: scripts from 'self' run.
    assert page.locator(".add-row a").count() > 0
    visit("/admin/auth/user/add/")
    context.close()
    assert violations == {}


# --- sessions and logging in ------------------------------------------------------------------


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "next": "/beheer/"},
        REMOTE_ADDR=address,
    )


def test_a_staff_session_ends_after_a_working_day_or_with_the_browser(
    policy_officer: User,
) -> None:
    client = Client()
    response = _login(client, "beleid-sociaal", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/beheer/"
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and not cookie["max-age"] and not cookie["expires"]
    session = Session.objects.get()
    expected = timezone.now() + timedelta(hours=8)
    assert abs(session.expire_date - expected) < timedelta(minutes=1)


def _message(html: str) -> str:
    match = re.search(r'role="alert"><p class="utrecht-paragraph">([^<]+)<', html)
    assert match
    return match[1]


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(
    policy_officer: User,
) -> None:
    wrong_password = _login(Client(), "beleid-sociaal", "verkeerd-wachtwoord")
    unknown_user = _login(Client(), "bestaat-niet-xx", "verkeerd-wachtwoord")
    assert wrong_password.status_code == unknown_user.status_code == 200
    first, second = wrong_password.content.decode(), unknown_user.content.decode()
    assert _message(first) == _message(second)
    assert "De combinatie van gebruikersnaam en wachtwoord is onjuist." in first

    def normalised(html: str, username: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace(username, "NAAM")

    assert normalised(first, "beleid-sociaal") == normalised(second, "bestaat-niet-xx")


def test_five_failures_lock_that_name_from_that_address_only(policy_officer: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "beleid-sociaal", "fout").status_code == 200
    assert _login(client, "beleid-sociaal", "fout").status_code == 429  # the fifth
    locked = _login(client, "beleid-sociaal", PASSWORD)  # now even the right password
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Te veel mislukte inlogpogingen" in html and "15 minuten" in html
    assert locked["Retry-After"] == "900"
    # The same person from another address, and a colleague from the same address: not locked.
    assert _login(Client(), "beleid-sociaal", PASSWORD, address="10.0.0.2").status_code == 302
    other = User.objects.create_user("collega", password=PASSWORD, is_staff=True)
    assert _login(Client(), other.username, PASSWORD).status_code == 302


def test_a_locked_out_unknown_name_looks_like_a_locked_out_known_one(
    policy_officer: User,
) -> None:
    answers = []
    for username in ("beleid-sociaal", "bestaat-niet-xx"):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, username, "fout")
        answers.append(_login(client, username, "fout"))
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].content == answers[1].content


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_saw() -> None:
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"  # the client's own entry is ignored
    nonsense = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="onzin")
    assert client_ip(nonsense) == "127.0.0.1"
    missing = factory.get("/", REMOTE_ADDR="127.0.0.1")
    assert client_ip(missing) == "127.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(forged) == "127.0.0.1"  # directly connected: the header is a lie


def test_a_proxy_that_is_not_counted_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    from diemen_sociaal.ops import ProxyCountMiddleware

    factory = RequestFactory()
    through_proxy = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    with override_settings(TRUSTED_PROXY_COUNT=0):
        middleware = ProxyCountMiddleware(lambda request: HttpResponse("ok"))
        with caplog.at_level(logging.ERROR, logger="diemen_sociaal.ops"):
            middleware(factory.get("/", REMOTE_ADDR="10.0.0.5"))
            assert caplog.records == []  # directly connected: nothing to say
            middleware(through_proxy)
            middleware(through_proxy)
    assert len(caplog.records) == 1
    assert "DJANGO_TRUSTED_PROXY_COUNT is 0" in caplog.records[0].getMessage()
    assert "10.0.0.5" in caplog.records[0].getMessage()

    caplog.clear()
    with override_settings(TRUSTED_PROXY_COUNT=1):
        ProxyCountMiddleware(lambda request: HttpResponse("ok"))(through_proxy)
    assert caplog.records == []


# --- caching ------------------------------------------------------------------------------------


def test_staff_pages_are_never_stored_by_a_proxy(signed_in: Client) -> None:
    anonymous = Client()
    for client, url in (
        (signed_in, "/beheer/"),
        (signed_in, "/beheer/jaarstukken/2024/werklijst/"),
        (signed_in, "/admin/"),
        (anonymous, "/admin/login/"),
        (anonymous, "/accounts/login/"),
        (anonymous, "/beheer/"),  # the redirect to the login too
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
    # A draft shown to staff on the public side is theirs alone as well.
    draft = signed_in.get("/jaarstukken/2024/sociaal/")
    assert draft.status_code == 200 and "private" in draft["Cache-Control"]


# --- error pages without technical detail --------------------------------------------------------

LEAK = "geheime-technische-details"


def _boom(request: HttpRequest) -> NoReturn:
    raise RuntimeError(LEAK)


def _forbidden(request: HttpRequest) -> NoReturn:
    raise PermissionDenied


def _bad(request: HttpRequest) -> NoReturn:
    raise SuspiciousOperation(LEAK)


def _missing(request: HttpRequest) -> NoReturn:
    raise Http404(LEAK)


handler500 = "diemen_sociaal.ops.server_error"  # as in diemen_sociaal/urls.py

urlpatterns = [
    path("kapot/", _boom),
    path("verboden/", _forbidden),
    path("vreemd/", _bad),
    path("weg/", _missing),
    path("", include("diemen_sociaal.urls")),
]


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.test_security")
@pytest.mark.parametrize(
    ("url", "status", "dutch"),
    [
        ("/kapot/", 500, "Er ging iets mis"),
        ("/verboden/", 403, "Dit mag u niet doen"),
        ("/vreemd/", 400, "Dit verzoek kunnen we niet verwerken"),
        ("/weg/", 404, "Deze pagina bestaat niet"),
        ("/bestaat/niet/<script>/", 404, "Deze pagina bestaat niet"),
    ],
)
def test_error_pages_are_dutch_and_without_technical_detail(
    url: str, status: int, dutch: str
) -> None:
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert dutch in html
    assert '<html lang="nl"' in html
    for detail in (LEAK, "Traceback", "RuntimeError", "SuspiciousOperation", "<script>"):
        assert detail not in html
    assert "Content-Security-Policy" in response


@override_settings(
    DEBUG=False, ROOT_URLCONF="tests.test_security", MUNICIPALITY_NAME="Gemeente Voorbeeld"
)
def test_another_municipality_sees_its_own_name_and_never_diemens(
    report_2023: Report, administrator: User
) -> None:
    from diemen_sociaal.ops import database_unavailable_response

    reader = Client(raise_request_exception=False)
    staff = Client()
    staff.force_login(administrator)
    pages = {
        "home": reader.get("/").content.decode(),
        "report": reader.get("/jaarstukken/2023/").content.decode(),
        "error": reader.get("/kapot/").content.decode(),
        "unavailable": database_unavailable_response().content.decode(),
        "api": json.loads(reader.get("/api/openapi.json").content)["info"]["title"],
        "admin": staff.get("/admin/").content.decode(),
    }
    for name, page in pages.items():
        assert "Gemeente Voorbeeld" in page, name
        assert "Gemeente Diemen" not in page and "Diemen Sociaal" not in page, name
    assert "<title>Er ging iets mis — Gemeente Voorbeeld</title>" in pages["error"]


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_expired_form_gets_a_dutch_explanation() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Dit formulier is verlopen" in html and "CSRF" not in html


def test_a_forgotten_password_is_reset_by_mail_in_dutch(client: Client, db: None) -> None:
    from django.core import mail

    User.objects.create_user("vergeten", email="vergeten@diemen.nl", password="Oud-wachtwoord-1")
    response = client.post("/accounts/password_reset/", {"email": "vergeten@diemen.nl"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vergeten@diemen.nl"]
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    assert "wachtwoord" in message.body.lower()
    # The link works: it leads to the form for a new password.
    path = link.strip().split("testserver", 1)[1]
    assert client.get(path, follow=True).status_code == 200
    # An unknown address gets the same answer and no mail: nothing to learn about accounts.
    again = client.post("/accounts/password_reset/", {"email": "onbekend@diemen.nl"})
    assert again.status_code == 302 and len(mail.outbox) == 1
