"""Production refuses to start with unsafe settings.

Deployment checks (`manage.py check --deploy`, which `make serve` runs before gunicorn
starts) that are errors, not Django's warnings: with DEBUG off the site must not run with
a guessable secret key, with HTTPS switched off, with the demo accounts' known password,
or without saying how many proxies stand in front of it. Each message says what to do, in
Dutch and in English, since the person reading it may be either an administrator of the
municipality or a supplier's engineer.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from diemen_sociaal.lib.colours import HEX, MIN_CONTRAST, contrast_with_white

# The local default in settings.py; refused as soon as DEBUG is off.
LOCAL_SECRET_KEY = "local-development-only-not-secret"  # noqa: S105 - the value refused here
# Django's own thresholds for a strong key (security.W009), made an error here.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def _production() -> bool:
    return not settings.DEBUG


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if not _production():
        return []
    key = settings.SECRET_KEY
    weak = (
        key == LOCAL_SECRET_KEY
        or key.startswith("django-insecure-")
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    )
    if not weak:
        return []
    return [
        Error(
            "De geheime sleutel (DJANGO_SECRET_KEY) is te kort, te eenvoudig of de standaard. "
            "The secret key is short, simple or the local default.",
            hint=(
                f"Zet DJANGO_SECRET_KEY op een willekeurige waarde van minstens "
                f"{SECRET_KEY_MIN_LENGTH} tekens. Set DJANGO_SECRET_KEY to a random value of at "
                f"least {SECRET_KEY_MIN_LENGTH} characters, e.g. the output of: python3 -c "
                "'import secrets; print(secrets.token_urlsafe(50))'"
            ),
            id="diemen_sociaal.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_https(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if not _production() or settings.ALLOW_PLAIN_HTTP:
        return []
    off = [
        name
        for name, on in (
            ("DJANGO_SECURE_SSL_REDIRECT", settings.SECURE_SSL_REDIRECT),
            ("DJANGO_SECURE_COOKIES", settings.SESSION_COOKIE_SECURE),
            ("DJANGO_HSTS_SECONDS", settings.SECURE_HSTS_SECONDS > 0),
        )
        if not on
    ]
    if not off:
        return []
    return [
        Error(
            f"HTTPS staat uit ({', '.join(off)}). HTTPS is switched off ({', '.join(off)}).",
            hint=(
                "Haal deze variabelen weg: zonder DJANGO_DEBUG staan ze goed. Alleen voor een "
                "proef zonder TLS: DJANGO_ALLOW_PLAIN_HTTP=1. Remove these variables (their "
                "defaults are right in production); only for a trial without TLS set "
                "DJANGO_ALLOW_PLAIN_HTTP=1."
            ),
            id="diemen_sociaal.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_demo_accounts(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The demo accounts of `make run` must not still open with their known password."""
    if not _production():
        return []
    from django.contrib.auth.models import User

    from readmodel.demo import DEMO_PASSWORD, DEMO_USERS

    names = [username for username, *_ in DEMO_USERS]
    try:
        users = list(User.objects.filter(username__in=names, is_active=True))
    except DatabaseError:
        # No tables yet (or no database): there is no account to refuse. `make serve`
        # checks the migrations next.
        return []
    open_with_demo = sorted(user.username for user in users if user.check_password(DEMO_PASSWORD))
    if not open_with_demo:
        return []
    listed = ", ".join(open_with_demo)
    return [
        Error(
            f"Demo-accounts met het bekende wachtwoord bestaan nog: {listed}. "
            f"Demo accounts with the known password still exist: {listed}.",
            hint=(
                "Sluit ze of geef ze een eigen wachtwoord: manage.py close_demo_users, of "
                "manage.py changepassword <naam>. Close them or give them a password of their "
                "own: manage.py close_demo_users, or manage.py changepassword <name>."
            ),
            id="diemen_sociaal.E003",
        )
    ]


@register(Tags.security, deploy=True)
def check_proxy_count(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Behind a proxy every visitor would otherwise share the proxy's address, and five
    wrong passwords would lock a user name for everyone."""
    if not _production() or settings.TRUSTED_PROXY_COUNT_SET:
        return []
    return [
        Error(
            "Niet opgegeven hoeveel proxy's voor de site staan (DJANGO_TRUSTED_PROXY_COUNT). "
            "How many proxies stand in front of the site is not set.",
            hint=(
                "Achter de TLS-proxy uit de README: DJANGO_TRUSTED_PROXY_COUNT=1; zonder proxy "
                "ervoor: 0. Behind the README's TLS proxy set DJANGO_TRUSTED_PROXY_COUNT=1; "
                "with nothing in front of gunicorn, 0."
            ),
            id="diemen_sociaal.E004",
        )
    ]


@register(Tags.templates)
def check_house_style(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """The municipality's colour must be readable under white text, and its logo must exist."""
    errors: list[CheckMessage] = []
    colour = settings.MUNICIPALITY_COLOUR
    if colour and not HEX.match(colour):
        errors.append(
            Error(
                f"MUNICIPALITY_COLOUR {colour!r} is geen kleur als #00497a. "
                "/ Not a colour like #00497a.",
                id="diemen_sociaal.E010",
            )
        )
    elif colour and contrast_with_white(colour) < MIN_CONTRAST:
        ratio = contrast_with_white(colour)
        errors.append(
            Error(
                f"MUNICIPALITY_COLOUR {colour}: witte tekst erop heeft een contrast van "
                f"{ratio:.1f}:1, minder dan {MIN_CONTRAST}:1 (WCAG 2.1 AA). Kies een donkerder "
                f"kleur. / White text on it has {ratio:.1f}:1 contrast; choose a darker colour.",
                id="diemen_sociaal.E011",
            )
        )
    logo = settings.MUNICIPALITY_LOGO
    # Every finder's answer: the project's own (CollectedStaticFinder) may answer None.
    if logo and not [path for path in finders.find(logo, find_all=True) if path]:
        errors.append(
            Error(
                f"MUNICIPALITY_LOGO {logo!r} staat niet bij de statische bestanden. "
                "/ Not found among the static files.",
                id="diemen_sociaal.E012",
            )
        )
    return errors
