from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diemen_sociaal.seed import BBV_CATALOGUE, load_bbv_catalogue


class Command(BaseCommand):
    help = (
        "Load or update the BBV policy-indicator catalogue from "
        "fixtures/catalogue/bbv-beleidsindicatoren.yaml (entries are matched by number)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=BBV_CATALOGUE)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        created, updated = load_bbv_catalogue(file)
        self.stdout.write(
            f"BBV-catalogus: {created} toegevoegd, {updated} bijgewerkt ({file.name})"
        )
