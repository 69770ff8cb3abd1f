"""django-otp's own admin pages are not offered: they would show the griffie another
person's TOTP secret. The griffie resets a lost second factor from the user list instead
(programs/admin.py, "Tweede factor opnieuw laten instellen")."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
