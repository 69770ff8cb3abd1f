from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diemen_sociaal.seed import TAAKVELDEN, load_taakvelden


class Command(BaseCommand):
    help = (
        "Load or update the taakvelden from fixtures/catalogue/taakvelden.yaml (entries are "
        "matched by list version and code)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=TAAKVELDEN)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        created, updated = load_taakvelden(file)
        self.stdout.write(f"Taakvelden: {created} toegevoegd, {updated} bijgewerkt ({file.name})")
