"""The money of a program chapter: budget lines, proposed carry-overs, investments.

All amounts are whole euros (negative = cost). Subtotals, balances, the budget
result and an investment's free room are computed, never stored.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from diemen_sociaal.lib.costs import Amounts, CostRow, cost_table
from diemen_sociaal.validators import LongText
from programs.models import Program, ReportContent, Versioned


class BudgetNature(models.TextChoices):
    STRUCTURAL = "structureel", "Structureel"
    INCIDENTAL = "incidenteel", "Incidenteel"


class BudgetKind(models.TextChoices):
    EXPENSES = "lasten", "Lasten"
    INCOME = "baten", "Baten"
    TO_RESERVES = "toevoegingen", "Toevoegingen aan reserves"
    FROM_RESERVES = "onttrekkingen", "Onttrekkingen aan reserves"


class BudgetLineQuerySet(models.QuerySet["BudgetLine"]):
    def cost_table(self) -> list[CostRow]:
        """The lines with their computed balances, as "Wat heeft het gekost?" shows them."""
        return cost_table((line.nature, line.label, line.amounts, line) for line in self)


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

    objects = BudgetLineQuerySet.as_manager()
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
        return Amounts(
            self.rekening_vorig, self.begroting_primitief, self.begroting_totaal, self.rekening
        )

    @property
    def budgetresultaat(self) -> int | None:
        return self.amounts.budgetresultaat


class CarryOver(ReportContent, Versioned):
    """A proposed carry-over (voorgestelde overheveling) of unspent budget to next year."""

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="carry_overs"
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    title = models.CharField("titel", max_length=300)
    # Not every carry-over in the source names its amount.
    amount = models.BigIntegerField("bedrag (€)", null=True, blank=True)
    reasoning = models.TextField("toelichting", validators=[LongText()])

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "voorgestelde overheveling"
        verbose_name_plural = "voorgestelde overhevelingen"
        ordering = ["program", "order", "pk"]

    def __str__(self) -> str:
        return self.title


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
