from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from diemen_sociaal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database: SQLite with its online backup API (consistent while the "
        "site runs), PostgreSQL with pg_dump -Fc. Prints the path of the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target",
            nargs="?",
            type=Path,
            help="file to write (default: a dated file in BACKUP_ROOT)",
        )

    def handle(self, *args: Any, target: Path | None, **options: Any) -> None:
        try:
            written = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(written))
