"""The money of a program chapter: budget lines, proposed carry-overs, investments.

All amounts are whole euros (negative = cost), whatever unit the report gives
them in (Report.money_unit). Subtotals, balances, the budget result and an
investment's free room are computed; for a report given in thousands the
subtotals the source printed are kept beside them (PrintedFigure, see
diemen_sociaal.lib.costs), checked, and shown when they agree.
"""

from collections.abc import Iterable
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from diemen_sociaal.lib.costs import (
    BALANCES,
    COLUMNS,
    NATURES,
    TOTAL,
    TOTAL_LABEL,
    Amounts,
    BudgetSteps,
    CostRow,
    Printed,
    Variance,
    VarianceRule,
    cost_table,
    line_row,
    total_row,
)
from diemen_sociaal.validators import LongText
from programs.models import (
    CouncilDocument,
    DevelopmentSection,
    Goal,
    Program,
    ReportContent,
    Versioned,
)


class BudgetNature(models.TextChoices):
    STRUCTURAL = "structureel", "Structureel"
    INCIDENTAL = "incidenteel", "Incidenteel"


class BudgetKind(models.TextChoices):
    EXPENSES = "lasten", "Lasten"
    INCOME = "baten", "Baten"
    TO_RESERVES = "toevoegingen", "Toevoegingen aan reserves"
    FROM_RESERVES = "onttrekkingen", "Onttrekkingen aan reserves"


class Taakveld(models.Model):
    """A taakveld of the national list (BBV, Iv3) that lasten and baten are booked on.

    Reference data, loaded from fixtures/catalogue/ by load_taakvelden. The list changes now
    and then; each entry belongs to a version of it, so a line keeps what it was booked on.
    """

    version = models.CharField("versie van de lijst", max_length=20)
    code = models.CharField("code", max_length=10)
    name = models.CharField("taakveld", max_length=200)

    class Meta:
        verbose_name = "taakveld"
        verbose_name_plural = "taakvelden"
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="taakveld_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BudgetLine(ReportContent, Versioned):
    """One typed row of "Wat heeft het gekost?"."""

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="budget_lines"
    )
    nature = models.CharField("aard", max_length=20, choices=BudgetNature.choices)
    kind = models.CharField("soort", max_length=20, choices=BudgetKind.choices)
    label = models.CharField("omschrijving", max_length=200)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    rekening_vorig = models.BigIntegerField("rekening vorig jaar (€)", null=True, blank=True)
    begroting_primitief = models.BigIntegerField("begroting primitief (€)", null=True, blank=True)
    begroting_totaal = models.BigIntegerField("begroting totaal (€)", null=True, blank=True)
    rekening = models.BigIntegerField("rekening (€)", null=True, blank=True)
    # The multi-year estimate of a Programmabegroting (diemen_sociaal.lib.costs.ESTIMATES).
    raming_vorig = models.BigIntegerField(
        "raming van dit jaar in de vorige begroting (€)", null=True, blank=True
    )
    raming_1 = models.BigIntegerField("raming jaar + 1 (€)", null=True, blank=True)
    raming_2 = models.BigIntegerField("raming jaar + 2 (€)", null=True, blank=True)
    raming_3 = models.BigIntegerField("raming jaar + 3 (€)", null=True, blank=True)
    taakveld = models.ForeignKey(
        Taakveld,
        verbose_name="taakveld",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    # Why the result differs from the budget; asked for beyond the report's threshold.
    explanation = models.TextField("toelichting", blank=True, validators=[LongText()])

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "begrotingsregel"
        verbose_name_plural = "begrotingsregels"
        ordering = ["program", "order", "pk"]
        constraints = [
            # Two lines with the same category and wording would be counted twice.
            models.UniqueConstraint(
                fields=["program", "nature", "kind", "label"], name="budgetline_unique_category"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def amounts(self) -> Amounts:
        return Amounts(**{column: getattr(self, column) for column in COLUMNS})

    @property
    def budgetresultaat(self) -> int | None:
        return self.amounts.budgetresultaat

    def variance(self, rule: VarianceRule) -> Variance | None:
        return rule.judge(self.kind, self.amounts)


BALANCE_LABELS = dict([*NATURES, (TOTAL, TOTAL_LABEL)])
COLUMN_LABELS = {
    "rekening_vorig": "rekening vorig jaar",
    "begroting_primitief": "begroting primitief",
    "begroting_totaal": "begroting totaal",
    "rekening": "rekening",
    "budgetresultaat": "budgetresultaat",
    "raming_vorig": "raming in de vorige begroting",
    "raming_1": "raming jaar + 1",
    "raming_2": "raming jaar + 2",
    "raming_3": "raming jaar + 3",
}


class PrintedFigure(ReportContent):
    """A balance or a line's budget result as the source printed it.

    Only for a report given in thousands: its printed subtotals were computed from
    the unrounded euros, so they may differ from the sum of the printed lines by up
    to half a unit per term. The table shows the printed figure when it is within
    that allowance and flags it when it is not (diemen_sociaal.lib.costs).
    """

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="printed_figures"
    )
    # Either a line (its budget result) or a balance row.
    line = models.ForeignKey(
        BudgetLine,
        verbose_name="begrotingsregel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="printed_figures",
    )
    balance = models.CharField(
        "saldo", max_length=20, blank=True, choices=[(key, BALANCE_LABELS[key]) for key in BALANCES]
    )
    column = models.CharField("kolom", max_length=30, choices=list(COLUMN_LABELS.items()))
    amount = models.BigIntegerField(
        "bedrag (€)",
        help_text="Het gedrukte bedrag in hele euro's: -23.866 (x € 1.000) is -23866000.",
    )

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "gedrukt bedrag"
        verbose_name_plural = "gedrukte bedragen"
        ordering = ["program", "balance", "line", "column"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(line__isnull=True) & ~models.Q(balance=""))
                | (models.Q(line__isnull=False) & models.Q(balance="")),
                name="printedfigure_line_or_balance",
            ),
            models.UniqueConstraint(
                fields=["program", "balance", "column"],
                condition=~models.Q(balance=""),
                name="printedfigure_unique_balance_column",
            ),
            models.UniqueConstraint(
                fields=["line", "column"],
                condition=models.Q(line__isnull=False),
                name="printedfigure_unique_line_column",
            ),
        ]

    def __str__(self) -> str:
        where = self.line.label if self.line else BALANCE_LABELS.get(self.balance, self.balance)
        return f"{where}: {COLUMN_LABELS.get(self.column, self.column)}"

    def clean(self) -> None:
        super().clean()
        if (self.line_id is None) == (not self.balance):
            raise ValidationError("Kies een begrotingsregel of een saldo, niet allebei.")
        if self.line_id is not None and self.column != "budgetresultaat":
            raise ValidationError(
                "Van een regel is alleen het budgetresultaat berekend; de andere bedragen "
                "zijn de regel zelf."
            )
        if self.line is not None and self.line.program_id != self.program_id:
            raise ValidationError("Deze begrotingsregel hoort bij een ander programma.")


def program_cost_table(
    program: Program, lines: Iterable[BudgetLine] | None = None
) -> list[CostRow]:
    """ "Wat heeft het gekost?" of one program: its lines (given, or fetched) with the balances.

    The printed figures are read only for a report given in more than whole euros.
    """
    unit = program.report.unit
    rows = list(
        BudgetLine.objects.filter(program=program).select_related("taakveld")
        if lines is None
        else lines
    )
    printed: dict[object, dict[str, int]] = {}
    if unit.euros > 1:
        by_pk = {line.pk: line for line in rows}
        for figure in PrintedFigure.objects.filter(program=program):
            key = by_pk.get(figure.line_id) if figure.line_id else figure.balance
            if key is not None:
                printed.setdefault(key, {})[figure.column] = figure.amount
    as_printed: dict[object, Printed] = dict(printed)
    return cost_table(
        ((line.nature, line.label, line.amounts, line) for line in rows), as_printed, unit
    )


class BudgetChange(ReportContent, Versioned):
    """A budget change (begrotingswijziging) of one line, and the document that decided it.

    The changes of a line explain part of its way from "begroting primitief" to "begroting
    totaal"; what they do not explain is shown as "overige wijzigingen" (see
    diemen_sociaal.lib.costs.BudgetSteps). The amount is whole euros, as the decision names it
    ("€ 900.000"), with the line's sign: negative is more cost or less income.
    """

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="budget_changes"
    )
    line = models.ForeignKey(
        BudgetLine, verbose_name="begrotingsregel", on_delete=models.CASCADE, related_name="changes"
    )
    document = models.ForeignKey(
        CouncilDocument,
        verbose_name="besluit",
        on_delete=models.PROTECT,
        related_name="budget_changes",
        help_text="Het raadsbesluit, amendement of de kwartaalbrief uit het register van "
        "raadsstukken.",
    )
    description = models.CharField("omschrijving", max_length=200)
    amount = models.BigIntegerField(
        "bedrag (€)", help_text="In hele euro's, negatief is een hogere last of lagere bate."
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # The adopted carry-over of the year before it comes from, when it does.
    carry_over = models.ForeignKey(
        "CarryOver",
        verbose_name="overheveling",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_changes",
    )

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "begrotingswijziging"
        verbose_name_plural = "begrotingswijzigingen"
        ordering = ["program", "line", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.line}: {self.description}"

    def clean(self) -> None:
        super().clean()
        if self.line_id is not None and self.line.program_id != self.program_id:
            raise ValidationError({"line": "Deze begrotingsregel hoort bij een ander programma."})
        if self.document_id is not None and self.document.kind not in self.document.DECIDES_MONEY:
            raise ValidationError(
                {
                    "document": f"Een {self.document.get_kind_display().lower()} wijzigt de "
                    "begroting niet: kies het raadsbesluit, het amendement of de kwartaalbrief."
                }
            )


def program_budget_steps(
    program: Program, lines: Iterable[BudgetLine] | None = None
) -> list[BudgetSteps]:
    """Each line's way from the primitive budget to the budget after changes, with the
    decisions behind it; only the lines that changed or have a recorded change."""
    rows = list(BudgetLine.objects.filter(program=program) if lines is None else lines)
    changes: dict[int, list[BudgetChange]] = {}
    for change in BudgetChange.objects.filter(program=program).select_related("document"):
        changes.setdefault(change.line_id, []).append(change)
    steps = [
        BudgetSteps(
            f"{line.label} ({line.get_nature_display().lower()})",
            line.begroting_primitief,
            tuple(changes.get(line.pk, ())),
            line.begroting_totaal,
        )
        for line in rows
    ]
    return [step for step in steps if step.changes or step.other]


class CarryOver(ReportContent, Versioned):
    """A proposed carry-over (voorgestelde overheveling) of unspent budget to next year."""

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="carry_overs"
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    title = models.CharField("titel", max_length=300)
    # Not every carry-over in the source names its amount. In whole euros, as the text
    # around it names it ("€ 100.000"), whatever the unit of the cost table.
    amount = models.BigIntegerField("bedrag (€)", null=True, blank=True)
    reasoning = models.TextField("toelichting", validators=[LongText()])
    # What the money was for: a goal of the program, or one of its development sections.
    goal = models.ForeignKey(
        Goal,
        verbose_name="bij doelstelling",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carry_overs",
    )
    development = models.ForeignKey(
        DevelopmentSection,
        verbose_name="bij ontwikkeling",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carry_overs",
    )
    # Where the money goes next year: once the council adopts the report, starting the next
    # year books it there as a budget change, decided by the adoption (cycle/new_year.py).
    line = models.ForeignKey(
        "BudgetLine",
        verbose_name="naar begrotingsregel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carry_overs",
    )

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "voorgestelde overheveling"
        verbose_name_plural = "voorgestelde overhevelingen"
        ordering = ["program", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.goal_id is not None and self.development_id is not None:
            raise ValidationError("Kies een doelstelling of een ontwikkeling, niet allebei.")
        for field in ("goal", "development", "line"):
            item = getattr(self, field)
            if item is not None and item.program_id != self.program_id:
                raise ValidationError({field: "Dit hoort bij een ander programma."})


class InvestmentStatus(models.TextChoices):
    IN_PROGRESS = "I", "In uitvoering"
    POSTPONED = "D", "Doorschuiven"
    CANCELLED = "V", "Vervallen"
    SETTLED = "A", "Afgewikkeld"


class Investment(ReportContent, Versioned):
    """An investment credit with its budget and what was realised up to the report year."""

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="investments"
    )
    number = models.CharField("kredietnummer", max_length=20)
    name = models.CharField("naam", max_length=300)
    budget = models.BigIntegerField("budget (€)")
    # None until finance enters it: a new year's credit has no realisation yet.
    realised = models.BigIntegerField("realisatie t/m rapportagejaar (€)", null=True, blank=True)
    status = models.CharField("status", max_length=1, choices=InvestmentStatus.choices)
    explanation = models.TextField("toelichting", blank=True, validators=[LongText()])
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "investering"
        verbose_name_plural = "investeringen"
        ordering = ["program", "order", "pk"]
        constraints = [
            # The credit number is how finance and the council refer to an investment.
            models.UniqueConstraint(fields=["program", "number"], name="investment_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def free_room(self) -> int | None:
        return None if self.realised is None else self.budget - self.realised


def taakveld_table(
    program: Program, lines: Iterable[BudgetLine] | None = None, total: CostRow | None = None
) -> list[CostRow]:
    """Lasten and baten per taakveld of one program, adding up to the cost table's total.

    One row per taakveld the lines are booked on (in code order), then the lines without
    one, then the total: the cost table's "Saldo van de baten en lasten" (`total`, with the
    printed figures it shows), or the sum of the lines. Empty when no line names a taakveld.
    """
    rows = list(
        BudgetLine.objects.filter(program=program).select_related("taakveld")
        if lines is None
        else lines
    )
    if not any(line.taakveld_id for line in rows):
        return []
    taakvelden: dict[int, Taakveld] = {}
    groups: dict[int | None, list[CostRow]] = {}
    for line in rows:
        if line.taakveld is not None:
            taakvelden[line.taakveld.pk] = line.taakveld
        groups.setdefault(line.taakveld_id, []).append(line_row(line.label, line.amounts))
    ordered = sorted(
        (key for key in groups if key is not None), key=lambda k: _code_key(taakvelden[k].code)
    )
    table = [total_row(str(taakvelden[key]), groups[key]) for key in ordered]
    if None in groups:
        table.append(total_row("Geen taakveld opgegeven", groups[None]))
    everything = [row for group in groups.values() for row in group]
    table.append(total if total is not None else total_row(TOTAL_LABEL, everything))
    return [replace(row, is_total=row.label == TOTAL_LABEL) for row in table]


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))
