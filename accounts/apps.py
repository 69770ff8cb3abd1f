from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in for staff: password, then a second factor (TOTP) where it is needed."""

    name = "accounts"
    verbose_name = "Inloggen"
