"""Signing in with a password and then a second factor; setting one up; recovery codes.

After the password, a person who needs a second step is not signed in yet: the session
holds who they are for SECOND_FACTOR_PENDING_SECONDS, and only a good code from their
authenticator app (or one recovery code, used up at once) signs them in. A person who
must have a second factor and has none sets one up first, in the same pending state.
"""

import time
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView, LogoutView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from programs.rules import is_staff_member

from .forms import CodeForm
from .policy import must_have_second_factor, needs_second_step

PENDING = "accounts.pending_second_factor"
RECOVERY_CODES = 10
APP_DEVICE = "Authenticator-app"
RECOVERY_DEVICE = "Herstelcodes"
WRONG_CODE = "Deze code klopt niet. Gebruik de code die uw app nu toont, of een herstelcode."


class SignInView(LoginView):
    """Django's login page, with the second step after the password where one is needed."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not needs_second_step(user):
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()
        session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("second-factor" if user_has_device(user) else "second-factor-setup")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The person who gave a good password and has not finished the second step."""
    data = request.session.get(PENDING)
    if not data or time.time() - data["since"] > settings.SECOND_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    return (user, data) if user else None


def _sign_in(request: HttpRequest, user: User, data: dict[str, Any], device: Device) -> None:
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=data["backend"])
    otp_login(request, device)


def _throttled(device: Device | None) -> str | None:
    """A Dutch message while too many wrong codes keep this device locked for a while."""
    if device is None:
        return None
    allowed, info = device.verify_is_allowed()
    if allowed or not info or not info.get("locked_until"):
        return None
    wait = max(1, round((info["locked_until"] - timezone.now()).total_seconds()))
    unit = "seconde" if wait == 1 else "seconden"
    return f"Te veel onjuiste codes na elkaar. Probeer het over {wait} {unit} opnieuw."


def _check(device: Device | None, code: str) -> str | None:
    """None when the code is good; otherwise what to tell the person."""
    refused = _throttled(device)
    if refused:
        return refused
    if device is not None and device.verify_token(code):
        return None
    return WRONG_CODE


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the app, or a recovery code."""
    pending = _pending(request)
    if pending is None:
        messages.info(request, "Log eerst in met uw gebruikersnaam en wachtwoord.")
        return redirect("login")
    user, data = pending
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Six digits: the app. Anything else: a recovery code, which works once.
        model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        device = model.objects.filter(user=user, confirmed=True).first()
        problem = _check(device, code)
        if problem is None:
            _sign_in(request, user, data, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"U heeft een herstelcode gebruikt; er zijn er nog {left} over. "
                    "Maak nieuwe herstelcodes aan als u uw app kwijt bent.",
                )
            return redirect(data["next"])
        form.add_error("code", problem)
    return render(request, "accounts/verify.html", {"form": form})


@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: scan the code, type what the app shows, get recovery codes.

    For a person in the middle of signing in who must have a second factor, and for
    every signed-in member of staff who wants one (or a new phone).
    """
    pending = _pending(request)
    if pending is not None:
        user, data = pending
    elif is_staff_member(request.user):
        user, data = request.user, None  # type: ignore[assignment]
        if user_has_device(user) and not request.user.is_verified():  # type: ignore[union-attr]
            messages.info(request, "Log opnieuw in met uw tweede factor om een app te koppelen.")
            return redirect("login")
    else:
        messages.info(request, "Log eerst in met uw gebruikersnaam en wachtwoord.")
        return redirect("login")
    # The same secret until it is confirmed, so reloading the page does not change it.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _check(device, form.cleaned_data["code"])
        if problem is None:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save()
                codes = _new_recovery_codes(user)
            if data is not None:
                _sign_in(request, user, data, device)
                next_url = data["next"]
            else:
                otp_login(request, device)
                next_url = settings.LOGIN_REDIRECT_URL
            return _show_codes(request, codes, next_url, first=True)
        form.add_error("code", problem)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title="QR-code voor uw authenticator-app", dark="#000", light="#fff"
        ),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": must_have_second_factor(user),
        "pending": data is not None,
    }
    return render(request, "accounts/setup.html", context)


@login_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), for a person signed in with an app."""
    user = request.user
    if not user_has_device(user):
        return redirect("second-factor-setup")
    if request.method == "POST":
        return _show_codes(request, _new_recovery_codes(user), settings.LOGIN_REDIRECT_URL)
    left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return render(request, "accounts/recovery_codes.html", {"left": left})


def _new_recovery_codes(user: Any) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_DEVICE})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _show_codes(
    request: HttpRequest, codes: list[str], next_url: str, *, first: bool = False
) -> HttpResponse:
    response = render(
        request,
        "accounts/codes_shown.html",
        {"codes": codes, "next": next_url, "first": first, "made": timezone.localtime()},
    )
    add_never_cache_headers(response)
    return response


class SignOutView(LogoutView):
    """Signing out is a POST, as Django requires; a GET (the footer's link, which carries
    no form so that public pages stay the same for every request and keep their ETag)
    shows the one button that does it."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        response = render(request, "registration/logout_confirm.html")
        add_never_cache_headers(response)
        return response
