"""Who needs a second factor, and what counts as one.

A second factor is a code from an authenticator app (TOTP, django-otp) or, once, one of
ten recovery codes (django-otp's static tokens). Whoever has set one up uses it at every
sign-in. The roles that publish and administer (rules.needs_second_factor: the griffie,
finance, superusers) must have one when SECOND_FACTOR_REQUIRED is on, which it is
whenever DEBUG is off; the local demo (`make run`, debug on) lets its demo accounts in
with a password only.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp import user_has_device

from programs.rules import needs_second_factor

User = AbstractBaseUser | AnonymousUser


def must_have_second_factor(user: User) -> bool:
    return bool(settings.SECOND_FACTOR_REQUIRED and needs_second_factor(user))


def needs_second_step(user: User) -> bool:
    """After the password: must this person still show a code (or set up an app)?"""
    return user_has_device(user) or must_have_second_factor(user)


def reset_second_factor(user: AbstractBaseUser) -> int:
    """Forget the person's app and recovery codes: they set up a new one at next sign-in."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    apps, _ = TOTPDevice.objects.filter(user=user).delete()
    codes, _ = StaticDevice.objects.filter(user=user).delete()
    return apps + codes
