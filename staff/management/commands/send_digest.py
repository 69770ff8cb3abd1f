from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from staff.notify import send_digests


class Command(BaseCommand):
    help = (
        "Mail each staff member what waits for them: notes due within two days or overdue, "
        "and answered notes they wrote. Run once a working day (README: cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--datum", type=date.fromisoformat, help="as if today were this day (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--opnieuw",
            action="store_true",
            help="also to those who already had this day's overview",
        )

    def handle(self, *args: Any, datum: date | None, opnieuw: bool, **options: Any) -> None:
        sent = send_digests(datum, again=opnieuw)
        self.stdout.write(f"{sent} overzicht(en) verstuurd")
