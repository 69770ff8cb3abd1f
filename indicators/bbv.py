"""Does a report hold the policy indicators the BBV asks for?

Membership comes from the catalogue (BbvIndicator, fixtures/catalogue/), through each
indicator's link to its entry; the "(verplicht)" a report prints is kept as printed
and does not count. Only entries on the list now are asked for.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from programs.models import Report

from .models import BbvIndicator, Indicator


@dataclass(frozen=True)
class BbvCompleteness:
    required: list[BbvIndicator]
    held: set[int]  # the numbers of the required entries the report holds

    @property
    def count(self) -> int:
        return len(self.held)

    @property
    def missing(self) -> list[BbvIndicator]:
        return [entry for entry in self.required if entry.number not in self.held]

    @property
    def text(self) -> str:
        return f"{self.count} van {len(self.required)} verplichte beleidsindicatoren (BBV)"


def bbv_completeness(reports: Iterable[Report]) -> dict[int, BbvCompleteness]:
    """Per report (by pk): which of the current BBV indicators it holds. Two queries."""
    required = list(BbvIndicator.objects.filter(current=True))
    held: dict[int, set[int]] = {report.pk: set() for report in reports}
    rows = Indicator.objects.filter(
        table__program__report__in=list(held), bbv__current=True
    ).values_list("table__program__report", "bbv__number")
    for report_id, number in rows:
        held[report_id].add(number)
    return {pk: BbvCompleteness(required, numbers) for pk, numbers in held.items()}
