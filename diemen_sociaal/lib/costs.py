"""The table "Wat heeft het gekost?": subtotals, balances and budget result.

Only the input lines are typed; every Saldo row and the Budgetresultaat column
are computed here, in whole euros. A report states the unit its amounts were
given in (MoneyUnit): whole euros, or thousands as most councils print them.
Typed in thousands, each amount is a rounded figure, and the subtotals the
source printed came from the unrounded euros behind them, so a printed
subtotal may differ from the sum of the printed lines by up to half a unit per
term. Such printed figures are kept (PrintedFigure) and shown when they are
within that allowance; a larger difference is a typing error and is flagged.

An amount nobody has entered yet is None, never 0: a line's budget result
against an empty realisation is itself empty, and a balance adds the lines
that have the amount and counts the ones that do not, so a half-filled table
says so instead of showing a partial sum as the total.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from diemen_sociaal.lib.dutch import NOT_ENTERED, format_number

# The typed columns of an annual report's table.
ACCOUNT_COLUMNS = ("rekening_vorig", "begroting_primitief", "begroting_totaal", "rekening")
# A Programmabegroting's multi-year estimate: what the previous budget estimated for this
# year (the starting figure), and the three years after the budget year.
ESTIMATES = ("raming_vorig", "raming_1", "raming_2", "raming_3")
COLUMNS = (*ACCOUNT_COLUMNS, *ESTIMATES)
RESULT = "budgetresultaat"
# The typed columns and the computed one, in the order the table shows them.
SHOWN = (*ACCOUNT_COLUMNS, RESULT, *ESTIMATES)
# What each column holds, by the one name the model, the forms, the import, the open data
# and the API give it; the OpenAPI description and the download documentation say this.
MEANINGS = {
    "rekening_vorig": "De rekening van het jaar ervoor: in jaarstukken verslagjaar − 1, in een "
    "Programmabegroting de laatst vastgestelde rekening (verslagjaar − 2).",
    "begroting_primitief": "De begroting zoals de raad haar vaststelde (in een "
    "Programmabegroting: de begroting van het verslagjaar).",
    "begroting_totaal": "De begroting na alle wijzigingen van het jaar.",
    "rekening": "Wat het verslagjaar werkelijk kostte en opbracht.",
    RESULT: "Berekend: rekening − begroting_totaal; null als een van beide leeg is. Bij "
    "bedragen in duizendtallen het gedrukte resultaat (uit de onafgeronde euro's), dat een "
    "eenheid kan verschillen van het verschil van de afgeronde bedragen.",
    "raming_vorig": "Programmabegroting: de raming voor het verslagjaar in de meerjarenraming "
    "van de vorige begroting, het vertrekpunt van deze begroting.",
    "raming_1": "Programmabegroting: de meerjarenraming voor verslagjaar + 1.",
    "raming_2": "Programmabegroting: de meerjarenraming voor verslagjaar + 2.",
    "raming_3": "Programmabegroting: de meerjarenraming voor verslagjaar + 3.",
}
NATURES = (("structureel", "Saldo Structureel"), ("incidenteel", "Saldo Incidenteel"))
TOTAL_LABEL = "Saldo van de baten en lasten"
# The balance rows by the key a printed figure names them with.
TOTAL = "totaal"
BALANCES = (*(nature for nature, _ in NATURES), TOTAL)


@dataclass(frozen=True)
class MoneyUnit:
    """The unit a report's amounts were given in; stored amounts are always whole euros."""

    euros: int  # how many euros one unit is
    code: str  # the name open data gives it
    label: str  # as a choice in a form, and after a field's label
    words: str  # in a sentence
    caption: str  # after a table's title: "(bedragen x € 1.000)"
    example: str  # how to type one, for a form's message

    def of(self, euros: int | None) -> int | None:
        """An amount in this unit (halves away from zero, as finance rounds)."""
        if euros is None:
            return None
        exact = Decimal(euros) / self.euros
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def show(self, euros: int | None) -> str:
        """As the cost tables print it: nil is '-', an amount nobody entered says so."""
        if euros is None:
            return NOT_ENTERED
        if not euros:
            return "-"
        return format_number(self.of(euros) or 0)

    def allowance(self, terms: int) -> int:
        """How far (in euros) a printed sum of `terms` rounded amounts may be off."""
        return terms * self.euros // 2


THOUSANDS = MoneyUnit(
    1000, "duizend_euro", "× € 1.000", "duizenden euro's", "bedragen x € 1.000", "1.234"
)
EUROS = MoneyUnit(1, "euro", "hele euro's", "hele euro's", "bedragen in euro's", "1.234.567")
UNITS = {unit.euros: unit for unit in (THOUSANDS, EUROS)}


@dataclass(frozen=True)
class Amounts:
    """The typed columns of one line, in euros (negative = cost); None is not entered."""

    rekening_vorig: int | None = None
    begroting_primitief: int | None = None
    begroting_totaal: int | None = None
    rekening: int | None = None
    raming_vorig: int | None = None
    raming_1: int | None = None
    raming_2: int | None = None
    raming_3: int | None = None

    @property
    def budgetresultaat(self) -> int | None:
        # Positive when the year ended better than the amended budget.
        if self.rekening is None or self.begroting_totaal is None:
            return None
        return self.rekening - self.begroting_totaal

    def columns(self) -> list[int | None]:
        """Every column (SHOWN) in the order the table shows them."""
        return [getattr(self, c) for c in SHOWN]


@dataclass(frozen=True)
class Figure:
    """One cell of the table.

    For a line, `value` is its amount and `empty` is 1 when it has none. For a
    balance, `value` adds the lines that have the amount (None when none has)
    and `empty` counts the lines that do not; a balance over no lines is nil.
    """

    value: int | None
    empty: int = 0
    # How many typed amounts the figure adds up: what its rounding allowance is made of.
    terms: int = 1
    # The figure as the source printed it, when one was stored and it is beyond the
    # allowance: then `value` is the computed one and the difference is flagged.
    printed: int | None = None

    @property
    def is_complete(self) -> bool:
        return self.empty == 0

    @property
    def deviation(self) -> int | None:
        """Printed minus computed, for a printed figure beyond its allowance."""
        if self.printed is None or self.value is None:
            return None
        return self.printed - self.value

    @classmethod
    def of(cls, value: int | None) -> "Figure":
        return cls(value, 0 if value is not None else 1)

    @classmethod
    def total(cls, figures: Sequence["Figure"]) -> "Figure":
        empty = sum(figure.empty for figure in figures)
        terms = sum(figure.terms for figure in figures)
        known = [figure.value for figure in figures if figure.value is not None]
        if not known:
            return cls(None if empty else 0, empty, terms)
        return cls(sum(known), empty, terms)

    def with_printed(self, printed: int | None, unit: MoneyUnit) -> "Figure":
        """The printed figure where it is within the rounding allowance of this one.

        A half-filled figure keeps its computed value: the print is of the whole.
        """
        if printed is None or self.value is None or not self.is_complete:
            return self
        if abs(printed - self.value) <= unit.allowance(self.terms):
            return replace(self, value=printed)
        return replace(self, printed=printed)


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
        """Whether the columns of an annual report's table are all entered."""
        return all(self[column].is_complete for column in (*ACCOUNT_COLUMNS, RESULT))

    @property
    def account_figures(self) -> list[Figure]:
        """The figures an annual report's table shows, in its order."""
        return [self[column] for column in (*ACCOUNT_COLUMNS, RESULT)]

    def complete_in(self, columns: Iterable[str]) -> bool:
        return all(self[column].is_complete for column in columns)

    @property
    def values(self) -> list[int | None]:
        return [figure.value for figure in self.figures]

    @property
    def deviations(self) -> list[tuple[str, Figure]]:
        """The (column, figure) pairs whose printed figure is beyond the allowance."""
        return [(c, f) for c, f in zip(SHOWN, self.figures, strict=True) if f.printed is not None]


# A figure the source printed, by the column and the balance it stands in.
Printed = Mapping[str, int]  # column -> euros


def line_row(
    label: str,
    amounts: Amounts,
    source: object | None = None,
    printed: Printed | None = None,
    unit: MoneyUnit = EUROS,
) -> CostRow:
    figures = [Figure.of(value) for value in amounts.columns()]
    # The budget result is one amount minus another: two rounded terms.
    result = SHOWN.index(RESULT)
    figures[result] = replace(figures[result], terms=2)
    printed = printed or {}
    return CostRow(
        label,
        tuple(f.with_printed(printed.get(c), unit) for c, f in zip(SHOWN, figures, strict=True)),
        source=source,
    )


def total_row(
    label: str, rows: Sequence[CostRow], printed: Printed | None = None, unit: MoneyUnit = EUROS
) -> CostRow:
    """The balance of typed rows, column by column (of what they show)."""
    printed = printed or {}
    figures = tuple(
        Figure.total([row.figures[index] for row in rows]).with_printed(printed.get(column), unit)
        for index, column in enumerate(SHOWN)
    )
    return CostRow(label, figures, is_total=True)


def cost_table(
    lines: Iterable[tuple[str, str, Amounts, object]],
    printed: Mapping[Any, Printed] | None = None,
    unit: MoneyUnit = EUROS,
) -> list[CostRow]:
    """Lay out (nature, label, amounts, source) lines with their computed balances.

    Lines are kept in the order given within each nature; a nature without
    lines still gets its (nil) balance so the table has the same shape every year.
    `printed` holds the figures the source printed, by line source or balance key.
    """
    printed = printed or {}
    by_nature: dict[str, list[CostRow]] = {nature: [] for nature, _ in NATURES}
    for nature, label, amounts, source in lines:
        by_nature[nature].append(line_row(label, amounts, source, printed.get(source), unit))
    rows: list[CostRow] = []
    for nature, balance_label in NATURES:
        rows.extend(by_nature[nature])
        rows.append(total_row(balance_label, by_nature[nature], printed.get(nature), unit))
    every_line = [row for nature, _ in NATURES for row in by_nature[nature]]
    rows.append(total_row(TOTAL_LABEL, every_line, printed.get(TOTAL), unit))
    return rows


@dataclass(frozen=True)
class BudgetSteps:
    """One line from "begroting primitief" to "begroting totaal" (after changes).

    `changes` are the recorded budget changes (each with an `amount` in euros); what they
    leave unexplained is "overige wijzigingen". Unknown while either end is empty.
    """

    label: str
    primitief: int | None
    changes: tuple[Any, ...]
    totaal: int | None

    @property
    def explained(self) -> int:
        return sum(change.amount for change in self.changes)

    @property
    def other(self) -> int | None:
        if self.primitief is None or self.totaal is None:
            return None
        return self.totaal - self.primitief - self.explained

    def other_is_rounding(self, unit: MoneyUnit) -> bool:
        """Whether what is left is only the rounding of the two printed ends."""
        other = self.other
        return other is not None and other != 0 and abs(other) <= unit.allowance(2)


# A line's stoplight by the key open data and the API give it: its words and its shape.
WITHIN_BUDGET, WITHIN_THRESHOLD, BEYOND = "binnen_begroting", "binnen_drempel", "boven_drempel"
VARIANCES = {
    WITHIN_BUDGET: ("binnen de begroting", "●"),
    WITHIN_THRESHOLD: ("binnen de drempel", "▲"),
    BEYOND: ("boven de drempel", "■"),
}


@dataclass(frozen=True)
class Variance:
    """How a line's budget result stands against the report's threshold."""

    key: str  # one of VARIANCE_KEYS
    label: str
    symbol: str  # shape as well as colour: the label says it in words too
    needs_explanation: bool


@dataclass(frozen=True)
class VarianceRule:
    """When a budget result asks for an explanation (a toelichting).

    Beyond `euros`, or beyond `percent` of the line's budget after changes when that is
    lower; an overspend on costs (lasten) asks for one whatever its size, as the college's
    accountability for lawful spending (rechtmatigheid) needs it. A negative result is
    worse than budgeted: more costs, or less income.
    """

    euros: int
    percent: int

    def threshold(self, budget: int | None) -> int:
        by_share = abs(budget or 0) * self.percent // 100
        return min(self.euros, by_share)

    def judge(self, kind: str, amounts: Amounts) -> Variance | None:
        result = amounts.budgetresultaat
        if result is None:
            return None
        beyond = abs(result) > self.threshold(amounts.begroting_totaal)
        overspent = kind == "lasten" and result < 0
        needs = beyond or overspent
        key = WITHIN_BUDGET if result >= 0 else WITHIN_THRESHOLD if not beyond else BEYOND
        label, symbol = VARIANCES[key]
        return Variance(key, label, symbol, needs)


DEFAULT_VARIANCE = VarianceRule(100_000, 10)


@dataclass(frozen=True)
class BudgetColumn:
    name: str  # a column of SHOWN
    header: str


def budget_headers(year: int) -> dict[str, str]:
    """The headers of a Programmabegroting's columns for budget year `year`.

    Its account column is the last one adopted when the budget is drawn up: the year
    before last (the Jaarstukken of last year are adopted after the budget)."""
    return {
        "rekening_vorig": f"Rekening {year - 2}",
        "raming_vorig": f"Raming {year} in begroting {year - 1}",
        "begroting_primitief": f"Begroting {year}",
        "raming_1": f"Raming {year + 1}",
        "raming_2": f"Raming {year + 2}",
        "raming_3": f"Raming {year + 3}",
    }


def budget_columns(year: int, rows: Sequence[CostRow], editing: bool) -> list[BudgetColumn]:
    """The columns a Programmabegroting's table shows.

    The budget of the year always; the account and the multi-year estimate while finance
    can fill them in, and once published where any line has a figure: a budget whose
    source gives only the budget year (as the seed's) does not print four empty columns.
    """
    lines = [row for row in rows if not row.is_total]
    return [
        BudgetColumn(name, header)
        for name, header in budget_headers(year).items()
        if name == "begroting_primitief"
        or editing
        or any(row[name].value is not None for row in lines)
    ]


@dataclass(frozen=True)
class BudgetTable:
    """A Programmabegroting's "Wat mag het kosten?": the cost rows in the columns it shows."""

    columns: list[BudgetColumn]
    rows: list[tuple[CostRow, list[Figure]]]

    @property
    def is_complete(self) -> bool:
        return all(row.complete_in(c.name for c in self.columns) for row, _ in self.rows)

    def shows(self, *names: str) -> bool:
        return any(column.name in names for column in self.columns)

    @property
    def shows_account(self) -> bool:
        return self.shows("rekening_vorig")

    @property
    def shows_estimate(self) -> bool:
        return self.shows(*ESTIMATES)


def budget_table(year: int, rows: Sequence[CostRow], editing: bool) -> BudgetTable:
    columns = budget_columns(year, rows, editing)
    return BudgetTable(columns, [(row, [row[c.name] for c in columns]) for row in rows])
