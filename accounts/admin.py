"""The user list of the admin, as the griffie keeps it.

django-otp's own admin pages are not offered: they would show the griffie another
person's TOTP secret. The griffie resets a lost second factor from the user list instead
("Tweede factor opnieuw laten instellen")."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .policy import reset_second_factor

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """The griffie manages accounts and roles, but cannot hand out more than it has: only a
    superuser sees the superuser flag and single permissions, or changes a superuser."""

    actions = ["reset_second_factor"]

    @admin.action(description="Tweede factor opnieuw laten instellen", permissions=["change"])
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For a lost phone: the app and recovery codes are forgotten; the person links a new
        app at the next sign-in (required roles) or may do so (others)."""
        done = []
        for user in queryset:
            if not self.has_change_permission(request, user):
                self.message_user(
                    request, f"{user.get_username()}: dat mag alleen een superuser.", "error"
                )
                continue
            if reset_second_factor(user):
                done.append(user.get_username())
        if done:
            self.message_user(
                request,
                f"Tweede factor vergeten voor {', '.join(done)}; "
                "bij het volgende inloggen koppelen zij een nieuwe app.",
            )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
