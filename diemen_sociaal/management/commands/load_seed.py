from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diemen_sociaal.seed import (
    load_bbv_catalogue,
    load_report,
    load_taakvelden,
    read_seed,
    seed_files,
)


class Command(BaseCommand):
    help = "Load the seed reports from fixtures/*.yaml; reports that exist are left alone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="seed files (default: all)")
        parser.add_argument(
            "--replace", action="store_true", help="delete and reload reports that exist"
        )

    def handle(self, *args: Any, files: list[Path], replace: bool, **options: Any) -> None:
        # The catalogue first: seed indicators name their BBV entry.
        created, updated = load_bbv_catalogue()
        self.stdout.write(f"BBV catalogue: {created} added, {updated} updated")
        created, updated = load_taakvelden()
        self.stdout.write(f"Taakvelden: {created} added, {updated} updated")
        for path in files or seed_files():
            report, written = load_report(read_seed(path), replace=replace)
            verb = "loaded" if written else "already present, left alone"
            self.stdout.write(f"{report}: {verb} ({path.name})")
