"""The table "Wat heeft het gekost?": subtotals, balances and budget result.

Only the input lines are ever stored or typed; every Saldo row and the
Budgetresultaat column are computed here, in whole euros, and rounded to
thousands only when shown, so the table always adds up.
"""

from collections.abc import Iterable
from dataclasses import dataclass

COLUMNS = ("rekening_vorig", "begroting_primitief", "begroting_totaal", "rekening")
NATURES = (("structureel", "Saldo Structureel"), ("incidenteel", "Saldo Incidenteel"))
TOTAL_LABEL = "Saldo van de baten en lasten"


@dataclass(frozen=True)
class Amounts:
    """The four typed columns of one row, in euros (negative = cost)."""

    rekening_vorig: int = 0
    begroting_primitief: int = 0
    begroting_totaal: int = 0
    rekening: int = 0

    @property
    def budgetresultaat(self) -> int:
        # Positive when the year ended better than the amended budget.
        return self.rekening - self.begroting_totaal

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(*(getattr(self, c) + getattr(other, c) for c in COLUMNS))

    def columns(self) -> list[int]:
        """All five columns in the order the table shows them."""
        return [*(getattr(self, c) for c in COLUMNS), self.budgetresultaat]


@dataclass(frozen=True)
class CostRow:
    label: str
    amounts: Amounts
    is_total: bool = False
    # The stored line a typed row comes from (a model instance); None for totals.
    source: object | None = None


def cost_table(lines: Iterable[tuple[str, str, Amounts, object]]) -> list[CostRow]:
    """Lay out (nature, label, amounts, source) lines with their computed balances.

    Lines are kept in the order given within each nature; a nature without
    lines still gets its (nil) balance so the table has the same shape every year.
    """
    by_nature: dict[str, list[CostRow]] = {nature: [] for nature, _ in NATURES}
    for nature, label, amounts, source in lines:
        by_nature[nature].append(CostRow(label, amounts, source=source))
    rows: list[CostRow] = []
    total = Amounts()
    for nature, balance_label in NATURES:
        balance = _sum(row.amounts for row in by_nature[nature])
        rows.extend(by_nature[nature])
        rows.append(CostRow(balance_label, balance, is_total=True))
        total = total + balance
    rows.append(CostRow(TOTAL_LABEL, total, is_total=True))
    return rows


def _sum(amounts: Iterable[Amounts]) -> Amounts:
    total = Amounts()
    for item in amounts:
        total = total + item
    return total
