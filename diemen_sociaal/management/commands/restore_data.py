from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from diemen_sociaal.backup import BackupError, backup, check_restorable, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database by a backup made with backup_data. The current contents "
        "are backed up first (to BACKUP_ROOT), so a restore of the wrong file can be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="a backup made by backup_data")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_false",
            dest="safety_backup",
            help="do not back up the current contents first",
        )

    def handle(
        self, *args: Any, source: Path, interactive: bool, safety_backup: bool, **options: Any
    ) -> None:
        try:
            check_restorable(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if interactive:
            answer = input(
                f"This replaces everything in the database by {source}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            if safety_backup:
                self.stdout.write(f"current contents saved to {backup()}")
            restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored from {source}; run `manage.py migrate` if the code is newer")
