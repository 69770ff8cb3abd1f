from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.models import Report
from publishing.fonts import PDF_FONTS, FontNotFound, missing_characters


class Command(BaseCommand):
    help = (
        "Check that the PDF fonts have a glyph for every character of the reports "
        "(all reports, or those named as kind/year, e.g. jaarstukken/2023)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reports", nargs="*", help="kind/year, e.g. jaarstukken/2023")

    def handle(self, *args: Any, reports: list[str], **options: Any) -> None:
        found: list[Report] = list(Report.objects.all())
        if reports:
            wanted = [name.partition("/") for name in reports]
            found = [r for r in found if (r.kind, "/", str(r.year)) in wanted]
        problems = 0
        for report in found:
            try:
                missing = missing_characters(report)
            except FontNotFound as error:
                raise CommandError(f"{error}; run `make setup`.") from error
            if not missing:
                self.stdout.write(f"{report}: every character is in {', '.join(PDF_FONTS)}")
                continue
            problems += len(missing)
            for char, where in sorted(missing.items()):
                self.stdout.write(f"{report}: U+{ord(char):04X} {char!r} in {where}")
        if problems:
            raise CommandError(
                f"{problems} character(s) have no glyph in the PDF fonts: "
                "replace them in the text or add a font that has them to print.css."
            )
