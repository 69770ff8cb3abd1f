"""The table "Wat heeft het gekost?": subtotals, balances and budget result.

Only the input lines are ever stored or typed; every Saldo row and the
Budgetresultaat column are computed here, in whole euros, and rounded to
thousands only when shown, so the table always adds up.

An amount nobody has entered yet is None, never 0: a line's budget result
against an empty realisation is itself empty, and a balance adds the lines
that have the amount and counts the ones that do not, so a half-filled table
says so instead of showing a partial sum as the total.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COLUMNS = ("rekening_vorig", "begroting_primitief", "begroting_totaal", "rekening")
# The typed columns and the computed one, in the order the table shows them.
SHOWN = (*COLUMNS, "budgetresultaat")
NATURES = (("structureel", "Saldo Structureel"), ("incidenteel", "Saldo Incidenteel"))
TOTAL_LABEL = "Saldo van de baten en lasten"


@dataclass(frozen=True)
class Amounts:
    """The four typed columns of one line, in euros (negative = cost); None is not entered."""

    rekening_vorig: int | None = None
    begroting_primitief: int | None = None
    begroting_totaal: int | None = None
    rekening: int | None = None

    @property
    def budgetresultaat(self) -> int | None:
        # Positive when the year ended better than the amended budget.
        if self.rekening is None or self.begroting_totaal is None:
            return None
        return self.rekening - self.begroting_totaal

    def columns(self) -> list[int | None]:
        """All five columns in the order the table shows them."""
        return [*(getattr(self, c) for c in COLUMNS), self.budgetresultaat]


@dataclass(frozen=True)
class Figure:
    """One cell of the table.

    For a line, `value` is its amount and `empty` is 1 when it has none. For a
    balance, `value` adds the lines that have the amount (None when none has)
    and `empty` counts the lines that do not; a balance over no lines is nil.
    """

    value: int | None
    empty: int = 0

    @property
    def is_complete(self) -> bool:
        return self.empty == 0

    @classmethod
    def of(cls, value: int | None) -> "Figure":
        return cls(value, 0 if value is not None else 1)

    @classmethod
    def total(cls, figures: Sequence["Figure"]) -> "Figure":
        empty = sum(figure.empty for figure in figures)
        known = [figure.value for figure in figures if figure.value is not None]
        if not known:
            return cls(None if empty else 0, empty)
        return cls(sum(known), empty)


@dataclass(frozen=True)
class CostRow:
    label: str
    figures: tuple[Figure, ...]  # one per column of SHOWN
    is_total: bool = False
    # The stored line a typed row comes from (a model instance); None for totals.
    source: object | None = None

    def __getitem__(self, column: str) -> Figure:
        # Also how templates read a column: row.rekening.
        if column not in SHOWN:
            raise KeyError(column)
        return self.figures[SHOWN.index(column)]

    @property
    def is_complete(self) -> bool:
        return all(figure.is_complete for figure in self.figures)

    @property
    def values(self) -> list[int | None]:
        return [figure.value for figure in self.figures]


def line_row(label: str, amounts: Amounts, source: object | None = None) -> CostRow:
    return CostRow(label, tuple(Figure.of(value) for value in amounts.columns()), source=source)


def total_row(label: str, rows: Sequence[CostRow]) -> CostRow:
    """The balance of typed rows, column by column."""
    figures = tuple(
        Figure.total([row.figures[index] for row in rows]) for index in range(len(SHOWN))
    )
    return CostRow(label, figures, is_total=True)


def cost_table(lines: Iterable[tuple[str, str, Amounts, object]]) -> list[CostRow]:
    """Lay out (nature, label, amounts, source) lines with their computed balances.

    Lines are kept in the order given within each nature; a nature without
    lines still gets its (nil) balance so the table has the same shape every year.
    """
    by_nature: dict[str, list[CostRow]] = {nature: [] for nature, _ in NATURES}
    for nature, label, amounts, source in lines:
        by_nature[nature].append(line_row(label, amounts, source))
    rows: list[CostRow] = []
    for nature, balance_label in NATURES:
        rows.extend(by_nature[nature])
        rows.append(total_row(balance_label, by_nature[nature]))
    every_line = [row for nature, _ in NATURES for row in by_nature[nature]]
    rows.append(total_row(TOTAL_LABEL, every_line))
    return rows
