"""Signing in with a second step; setting up the app; recovery codes (under /accounts/).

Django's other account pages (logout, password change and reset) are kept as they are;
its login page is replaced by ours, which asks for the second factor.
"""

from django.contrib.auth import urls as django_account_urls
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("tweede-factor/", views.verify, name="second-factor"),
    path("tweede-factor/instellen/", views.setup, name="second-factor-setup"),
    path("tweede-factor/herstelcodes/", views.recovery_codes, name="recovery-codes"),
    *(
        p
        for p in django_account_urls.urlpatterns
        if getattr(p, "name", None) not in ("login", "logout")
    ),
]
