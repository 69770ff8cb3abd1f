from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readmodel.scale import Scale, generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic municipality for benchmarks: N programs the size of the 2023 "
        "Sociaal chapter, one annual report per year, deterministic from --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programs", type=int, default=10)
        parser.add_argument("--years", type=int, default=8)
        parser.add_argument("--first-year", type=int, default=2010)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, **options: Any) -> None:
        scale = Scale(
            programs=options["programs"],
            years=options["years"],
            first_year=options["first_year"],
            seed=options["seed"],
        )
        try:
            reports = generate(scale)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"generated {len(reports)} reports of {scale.programs} programs each")
