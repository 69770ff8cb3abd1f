"""Fixtures of the indicator tests."""

import pytest

from indicators.models import Indicator, IndicatorColumn, IndicatorTable
from programs.models import Report


@pytest.fixture
def wide_table(concept_2024: Report) -> Indicator:
    """A table as another municipality prints it, under the program of Jaarstukken 2024."""
    program = concept_2024.programs.get(slug="sociaal")
    table = IndicatorTable.objects.create(program=program, kind="effect", order=9)
    for order, (kind, offset, year, area) in enumerate(
        [
            ("realisatie", None, 2021, ""),
            ("realisatie", -2, None, ""),
            ("realisatie", -1, None, ""),
            ("realisatie", 0, None, ""),
            ("begroot", 0, None, ""),
            ("streefwaarde", None, 2030, ""),
            ("vergelijking", None, 2023, "Nederland"),
        ],
        start=1,
    ):
        IndicatorColumn.objects.create(
            table=table, order=order, kind=kind, year_offset=offset, year=year, area=area
        )
    return Indicator.objects.create(
        table=table, code="9.1", name="Sporters", unit="% 12 t/m 21 jaar", direction="hoger"
    )
