"""Sessions that did not pass the second step where one is required are ended.

Signing in goes through accounts.views.SignInView, which logs a person in only after the
second step. A session made any other way (one from before the second factor became
required, or a login page that is not ours) is logged out at its next request when its
user must have a second factor and has not shown one.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from .policy import must_have_second_factor


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.SECOND_FACTOR_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # django-otp adds it
            and must_have_second_factor(user)
        ):
            logout(request)
            messages.warning(
                request,
                "Log opnieuw in: voor uw rol is naast het wachtwoord een tweede factor nodig.",
            )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
