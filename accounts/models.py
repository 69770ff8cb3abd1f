"""What a staff member chose for themselves: for now, whether the product mails them."""

from typing import Any

from django.conf import settings
from django.db import models


class MailSettings(models.Model):
    """Mail is on unless the person switched it off; a person without a row gets mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="medewerker",
        on_delete=models.CASCADE,
        related_name="mail_settings",
    )
    enabled = models.BooleanField(
        "mail ontvangen",
        default=True,
        help_text="Een mail als iemand u een opmerking geeft, en elke werkdag een overzicht "
        "van wat voor u klaarligt.",
    )

    # The day the last digest went out: a second run on the same day sends nothing again.
    digest_sent_on = models.DateField("laatste overzicht verstuurd op", null=True, blank=True)

    class Meta:
        verbose_name = "mailinstelling"
        verbose_name_plural = "mailinstellingen"

    def __str__(self) -> str:
        return f"{self.user}: {'aan' if self.enabled else 'uit'}"


def wants_mail(user: Any) -> bool:
    """Whether the product may mail this person: active, with an address, and not switched off."""
    if not getattr(user, "is_active", False) or not getattr(user, "email", ""):
        return False
    found = MailSettings.objects.filter(user=user.pk).values_list("enabled", flat=True).first()
    return found is None or found
