"""The columns of an indicator table, as every side reads them.

A table defines its columns (IndicatorColumn): realisations of any year, the year's
target (begroot), a long-term target (streefwaarde) and comparisons with another
area (Nederland, the region). A table that defines none has the columns Diemen
prints: last year's realisation, this year's target and realisation, or in a
Programmabegroting the target alone.

Each column has a key, the word the open data (`kolom`), the API, the import and
the staff form use for it. The three default columns keep their long-standing
keys (realisatie_vorig, begroot, realisatie), also when a table defines them
itself; any other column is named by its kind, year and area
("realisatie_2021", "streefwaarde_2030", "vergelijking_2022_nederland").
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import slugify

from .models import ColumnKind, IndicatorColumn, IndicatorTable, TableColumn, ValueKind

# The long-standing keys of the three default columns, by (kind, offset from the report year).
DEFAULT_KEYS = {
    (ColumnKind.REALISATION, -1): TableColumn.PREVIOUS_REALISATION.value,
    (ColumnKind.BUDGET, 0): TableColumn.BUDGET.value,
    (ColumnKind.REALISATION, 0): TableColumn.REALISATION.value,
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of one table in one report: its key, heading, year and what it holds."""

    key: str
    label: str
    year: int
    kind: str  # a ColumnKind
    area: str = ""  # empty: the municipality itself

    @property
    def value_kind(self) -> str:
        """The kind of the values it shows: a comparison shows another area's realisation."""
        if self.kind == ColumnKind.COMPARISON:
            return ValueKind.REALISATION
        return self.kind

    @property
    def cell(self) -> tuple[int, str, str]:
        """How its values are found: (year, value kind, area)."""
        return (self.year, self.value_kind, self.area)

    def is_own(self, kind: str, year: int) -> bool:
        """The municipality's own figure of this kind for this year."""
        return self.kind == kind and self.year == year and not self.area


def default_columns(table: IndicatorTable, *, budget: bool) -> list[IndicatorColumn]:
    """The columns of a table that defines none (unsaved)."""
    if budget:
        return [IndicatorColumn(table=table, kind=ColumnKind.BUDGET, year_offset=0)]
    return [
        IndicatorColumn(table=table, kind=ColumnKind.REALISATION, year_offset=-1),
        IndicatorColumn(table=table, kind=ColumnKind.BUDGET, year_offset=0),
        IndicatorColumn(table=table, kind=ColumnKind.REALISATION, year_offset=0),
    ]


def spec_of(column: IndicatorColumn, table: IndicatorTable, report_year: int) -> ColumnSpec:
    offset = column.year_offset
    year = column.year if column.year is not None else report_year + (offset or 0)
    area = column.area.strip()
    key = DEFAULT_KEYS.get((ColumnKind(column.kind), offset)) if offset is not None else None
    if key is None:
        key = "_".join(
            [column.kind, str(year), *([slugify(area).replace("-", "_")] if area else [])]
        )
    return ColumnSpec(
        key, column.label or _label(column.kind, year, area, table), year, column.kind, area
    )


def _label(kind: str, year: int, area: str, table: IndicatorTable) -> str:
    words = {
        ColumnKind.REALISATION: "Realisatie",
        ColumnKind.BUDGET: table.budget_label,
        ColumnKind.LONG_TERM: "Streefwaarde",
        ColumnKind.COMPARISON: area,
    }
    return f"{words[ColumnKind(kind)]} {year}"


def table_columns(table: IndicatorTable, report_year: int, *, budget: bool) -> list[ColumnSpec]:
    """The columns of a table in order (reads table.column_defs: prefetch it for many)."""
    defined: Iterable[IndicatorColumn] = table.column_defs.all()
    columns = list(defined) or default_columns(table, budget=budget)
    return [spec_of(column, table, report_year) for column in columns]


def columns_of(table: IndicatorTable) -> list[ColumnSpec]:
    """The columns of a table in its own report."""
    report = table.program.report
    return table_columns(table, report.year, budget=report.is_budget)
