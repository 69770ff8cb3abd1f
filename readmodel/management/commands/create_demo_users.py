from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from readmodel.demo import create_demo_users, start_demo_year


class Command(BaseCommand):
    help = (
        "Create the local demo accounts beleid, financien, control and griffie (password: "
        "demo) and a concept Jaarstukken 2024 started from 2023 for them to work on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="also when DEBUG is off (never in production)"
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts with a known password are for local use only; DEBUG is off."
            )
        for username, created in create_demo_users():
            state = "created" if created else "already present"
            self.stdout.write(f"demo account {username}: {state}")
        report = start_demo_year()
        if report is not None:
            self.stdout.write(f"{report}: started as a concept from Jaarstukken 2023")
