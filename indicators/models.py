"""Effect and performance indicators, their breakdowns, values and footnotes.

An indicator belongs to a table under a goal or directly under a program (the BBV
policy indicators); the table carries the column wording and footnotes on its
headings. A value is stored in typed parts (see diemen_sociaal.lib.values) so that
"73,6%", "NB", "14/215 per week" and a text target all keep their meaning and can be
compared across years.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from diemen_sociaal.lib.dutch import format_date
from diemen_sociaal.lib.values import Direction, Value, ValueState, format_value
from diemen_sociaal.validators import LongText, item_code
from programs.models import Goal, Program, ReportContent, Versioned


def marks_of(notes: Iterable["Footnote"]) -> list[str]:
    """The marks of some footnotes as the report prints them ("4", "A"), in their order."""
    return [note.mark for note in sorted(notes, key=lambda note: note.number)]


# Why a numbered note cannot stand in a cell without a figure: it would read as one.
ALONE_IN_CELL = (
    "Zonder waarde kan alleen een voetnoot met een letter (zoals A) in de cel staan; een "
    "nummer zou als cijfer worden gelezen. Vul de waarde in, of kies een voetnoot met een letter."
)


class FootnoteKind(models.TextChoices):
    EXPLANATION = "toelichting", "Toelichting"
    # A correction of a value published earlier (seed 002, footnote 6) is a
    # first-class event: readers and the next report must be able to find it.
    CORRECTION = "correctie", "Correctie van eerder gepubliceerde waarde"


class Footnote(ReportContent, Versioned):
    """A footnote, numbered per program chapter in source order.

    Most reports mark a note by its number; some print a letter ("A") that stands in a
    cell instead of a figure, explained below the table. Such a note keeps its number
    (its place among the chapter's notes) and is shown by its label everywhere.
    """

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="footnotes"
    )
    number = models.PositiveSmallIntegerField("nummer")
    kind = models.CharField(
        "soort", max_length=20, choices=FootnoteKind.choices, default=FootnoteKind.EXPLANATION
    )
    text = models.TextField("tekst", validators=[LongText()])
    label = models.CharField(
        "letter",
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z]{1,4}$",
                "Een voetnoot met een letter heeft een tot vier letters, zoals A; "
                "laat het leeg voor een genummerde voetnoot.",
            )
        ],
        help_text="Alleen als het verslag deze voetnoot met een letter aanduidt, zoals A.",
    )

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "voetnoot"
        verbose_name_plural = "voetnoten"
        ordering = ["program", "number"]
        constraints = [
            # Readers find a footnote by its number (or letter) within the chapter.
            models.UniqueConstraint(fields=["program", "number"], name="footnote_unique_number"),
            models.UniqueConstraint(
                fields=["program", "label"],
                condition=~Q(label=""),
                name="footnote_unique_label",
                violation_error_message="Dit hoofdstuk heeft al een voetnoot met deze letter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mark}. {self.text[:80]}"

    @property
    def mark(self) -> str:
        """How the report marks this note: its letter, else its number."""
        return self.label or str(self.number)

    # What `places` reads; prefetch it for a list of notes.
    PLACES = ("values__indicator", "values__component", "indicators", "tables")

    def places(self) -> list[str]:
        """Where the note stands, in Dutch: "3.1.4 realisatie 2023 (Roken)", "naam van
        3.1.4", "tabel: Prestatie-indicatoren bij doelstelling 3"."""
        found = [
            f"{value.indicator.code} {value.get_kind_display().lower()} {value.year}"
            + (f" ({value.component.label})" if value.component else "")
            for value in self.values.all()
        ]
        found += [f"naam van {indicator.code}" for indicator in self.indicators.all()]
        return found + [f"tabel: {table}" for table in self.tables.all()]


class IndicatorKind(models.TextChoices):
    EFFECT = "effect", "Indicator maatschappelijk effect"
    PERFORMANCE = "prestatie", "Prestatie-indicatoren"
    # The policy indicators of the Regeling beleidsindicatoren, usually one table per
    # program, at its end rather than under a goal.
    BBV = "bbv", "Beleidsindicatoren (BBV)"


class IndicatorTable(ReportContent, Versioned):
    """One indicator table, as the report prints it: under a goal or directly under a program."""

    # Always set: the program a table belongs to, also when it hangs under a goal (then
    # the goal's program), so "every table of a program" is one filter.
    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="indicator_tables"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name="doelstelling",
        on_delete=models.CASCADE,
        related_name="indicator_tables",
        null=True,
        blank=True,
        help_text="Leeg: de tabel staat direct onder het programma, zoals de BBV-tabel.",
    )
    kind = models.CharField("soort", max_length=20, choices=IndicatorKind.choices)
    # The source words the budget column "Begroot" in some tables, "Begroting" in others.
    budget_label = models.CharField("kop begrotingskolom", max_length=40, default="Begroot")
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    footnotes = models.ManyToManyField(
        Footnote, through="TableFootnote", blank=True, related_name="tables"
    )

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "indicatortabel"
        verbose_name_plural = "indicatortabellen"
        # The chapter's order: by goal, then the program's own tables (the BBV's) last.
        ordering = ["program_id", models.F("goal__order").asc(nulls_last=True), "order", "pk"]

    def __str__(self) -> str:
        if self.goal is None:
            return f"{self.get_kind_display()} bij het programma"
        return f"{self.get_kind_display()} bij doelstelling {self.goal.code}"

    def clean(self) -> None:
        super().clean()
        if self.goal_id is None or self.program_id is None:
            return
        goals = Goal.objects.filter(pk=self.goal_id).values_list("program_id", flat=True)
        if goals.first() != self.program_id:
            raise ValidationError({"goal": "Deze doelstelling hoort bij een ander programma."})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A table under a goal is in the goal's program; the caller need not say so twice.
        if self.goal_id is not None and self.program_id is None:
            self.program_id = self.goal.program_id
        super().save(*args, **kwargs)


class TableColumn(models.TextChoices):
    """The places of a footnote mark: the table's heading, or a column by its key (the
    three columns every table has unless it defines its own; see indicators/columns.py)."""

    HEADING = "heading", "Tabelkop"
    PREVIOUS_REALISATION = "realisatie_vorig", "Realisatie vorig jaar"
    BUDGET = "begroot", "Begroot"
    REALISATION = "realisatie", "Realisatie"


class ColumnKind(models.TextChoices):
    REALISATION = "realisatie", "Realisatie"
    BUDGET = "begroot", "Begroot (doel van het jaar)"
    LONG_TERM = "streefwaarde", "Streefwaarde (lange termijn)"
    COMPARISON = "vergelijking", "Vergelijking met een ander gebied"


class IndicatorColumn(ReportContent):
    """A column of an indicator table: what its cells hold, for which year, for which area.

    A table without columns of its own has the three Diemen prints (realisation of last
    year, target and realisation of the report year; a budget shows only the target).
    A year is either relative to the report year (it moves with the new year) or fixed.
    """

    table = models.ForeignKey(
        IndicatorTable, verbose_name="tabel", on_delete=models.CASCADE, related_name="column_defs"
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    kind = models.CharField("soort", max_length=20, choices=ColumnKind.choices)
    year_offset = models.SmallIntegerField(
        "jaar ten opzichte van het verslagjaar",
        null=True,
        blank=True,
        help_text="-1 is het jaar ervoor, 0 het verslagjaar, 1 het jaar erna.",
    )
    year = models.PositiveSmallIntegerField(
        "vast jaar", null=True, blank=True, help_text="Bijvoorbeeld 2030 voor een streefwaarde."
    )
    label = models.CharField(
        "kop", max_length=80, blank=True, help_text="Leeg: de kop volgt uit soort en jaar."
    )
    area = models.CharField(
        "gebied",
        max_length=100,
        blank=True,
        help_text="Alleen bij een vergelijking: Nederland, de regio, vergelijkbare gemeenten.",
    )

    history = HistoricalRecords()
    report_path = "table__program__report"

    class Meta:
        verbose_name = "kolom"
        verbose_name_plural = "kolommen"
        ordering = ["table", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True, year_offset__isnull=False)
                | Q(year__isnull=False, year_offset__isnull=True),
                name="indicatorcolumn_one_year",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} ({self.year or self.year_offset})"

    def clean(self) -> None:
        super().clean()
        if (self.year is None) == (self.year_offset is None):
            raise ValidationError("Geef een vast jaar of een jaar ten opzichte van het verslag.")
        if self.kind == ColumnKind.COMPARISON and not self.area.strip():
            raise ValidationError({"area": "Een vergelijking noemt het gebied, zoals Nederland."})
        if self.kind != ColumnKind.COMPARISON and self.area.strip():
            raise ValidationError({"area": "Alleen een vergelijking heeft een ander gebied."})


class TableFootnote(models.Model):
    """A footnote marker on a table heading or on one of its column headings (by key)."""

    table = models.ForeignKey(IndicatorTable, on_delete=models.CASCADE, related_name="marks")
    footnote = models.ForeignKey(Footnote, on_delete=models.CASCADE, related_name="table_marks")
    column = models.CharField("plaats", max_length=60)

    class Meta:
        verbose_name = "voetnoot bij tabelkop"
        verbose_name_plural = "voetnoten bij tabelkoppen"
        constraints = [
            models.UniqueConstraint(
                fields=["table", "footnote", "column"], name="tablefootnote_unique_mark"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.footnote.mark} bij {self.column}"


class DirectionChoices(models.TextChoices):
    HIGHER = Direction.HIGHER.value, "Hoger is beter"
    LOWER = Direction.LOWER.value, "Lager is beter"
    NONE = Direction.NONE.value, "Geen richting (niet te beoordelen)"


class BbvIndicator(models.Model):
    """An entry of the BBV's list of policy indicators (Regeling beleidsindicatoren
    gemeenten): reference data, loaded from fixtures/catalogue/ by load_bbv_catalogue."""

    number = models.PositiveSmallIntegerField("nummer", unique=True)
    name = models.CharField("naam", max_length=200)
    unit = models.CharField("eenheid", max_length=200, blank=True)
    source = models.CharField("gebruikelijke bron", max_length=200, blank=True)
    taakveld = models.CharField("taakveld", max_length=10, blank=True)
    # On the list now; an entry that left it stays, for the reports that still print it.
    current = models.BooleanField("nu op de lijst", default=True)
    list_version = models.CharField("versie van de lijst", max_length=20, blank=True)

    class Meta:
        verbose_name = "BBV-beleidsindicator"
        verbose_name_plural = "BBV-beleidsindicatoren"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Indicator(ReportContent, Versioned):
    table = models.ForeignKey(
        IndicatorTable, verbose_name="tabel", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField("nummer", max_length=20, validators=[item_code])
    name = models.TextField("naam", validators=[LongText()])
    # "per 10.000 inwoners", "% 12 t/m 21 jaar": units as municipalities print them.
    unit = models.CharField("eenheid", max_length=100, blank=True)
    # BBV (Besluit begroting en verantwoording) indicators every municipality must report;
    # the source marks them "(verplicht)".
    mandatory = models.BooleanField("verplicht (BBV)", default=False)
    # Which entry of the BBV list this is: that, not the printed label above, decides
    # whether the report holds the indicators the BBV asks for.
    bbv = models.ForeignKey(
        BbvIndicator,
        verbose_name="BBV-beleidsindicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    source = models.CharField("bron", max_length=200, blank=True)
    # Which way is better decides whether a realisation "met its target"; the source
    # never says, so it is a policy choice recorded per indicator (blank = not judged).
    direction = models.CharField(
        "richting", max_length=10, choices=DirectionChoices.choices, blank=True, default=""
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # What a value may be (indicators.plausibility): a sentence only where allowed; a
    # number outside the range policy staff set asks for a confirmation and a reason.
    allows_text = models.BooleanField(
        "tekst toegestaan",
        default=False,
        help_text="Aan als een cel een zin mag bevatten in plaats van een getal, zoals "
        "‘Minimaal 90% voor alle vaccinaties’. Uit: alleen getallen en ‘n.n.b.’.",
    )
    lowest = models.DecimalField(
        "laagste aannemelijke waarde", max_digits=20, decimal_places=6, null=True, blank=True
    )
    highest = models.DecimalField(
        "hoogste aannemelijke waarde", max_digits=20, decimal_places=6, null=True, blank=True
    )
    footnotes = models.ManyToManyField(
        Footnote, verbose_name="voetnoten bij de naam", blank=True, related_name="indicators"
    )

    history = HistoricalRecords(m2m_fields=[footnotes])
    report_path = "table__program__report"

    class Meta:
        verbose_name = "indicator"
        verbose_name_plural = "indicatoren"
        ordering = ["table", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["table", "code"], name="indicator_unique_code"),
        ]

    @property
    def unit_beside_name(self) -> str:
        """The unit as shown after the name, unless the name already says it (Diemen's
        names carry their unit: "% netto participatiegraad", "per 10.000 inwoners")."""
        unit = self.unit.strip()
        if not unit or unit.lower() in self.name.lower():
            return ""
        return unit

    def __str__(self) -> str:
        return f"{self.code} - {self.name[:80]}"

    def clean(self) -> None:
        super().clean()
        # Indicator codes are permalinks within a program, across its tables.
        if self.table_id is None:
            return
        program = IndicatorTable.objects.filter(pk=self.table_id).values("program_id")[:1]
        clash = Indicator.objects.filter(table__program_id=program, code=self.code)
        if clash.exclude(pk=self.pk).exists():
            raise ValidationError({"code": "Dit programma heeft al een indicator met deze code."})


class IndicatorComponent(ReportContent, Versioned):
    """One part of a breakdown: Roken / Alcohol / Drugs, BW / MO / NO, Diemen / MRA."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="components")
    label = models.CharField("onderdeel", max_length=200)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    history = HistoricalRecords()
    report_path = "indicator__table__program__report"

    class Meta:
        verbose_name = "onderdeel"
        verbose_name_plural = "onderdelen"
        ordering = ["indicator", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "label"], name="component_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


class ValueKind(models.TextChoices):
    REALISATION = "realisatie", "Realisatie"
    BUDGET = "begroot", "Begroot"
    LONG_TERM = "streefwaarde", "Streefwaarde (lange termijn)"


class ValueStateChoices(models.TextChoices):
    NUMBER = ValueState.NUMBER.value, "Getal"
    NOT_KNOWN = ValueState.NOT_KNOWN.value, "Niet bekend"
    TEXT = ValueState.TEXT.value, "Tekst"
    NOTE = ValueState.NOTE.value, "Alleen een voetnoot"


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def for_year(self, year: int) -> "IndicatorValueQuerySet":
        return self.filter(year=year)

    def realisations(self) -> "IndicatorValueQuerySet":
        return self.filter(kind=ValueKind.REALISATION)

    def budgets(self) -> "IndicatorValueQuerySet":
        return self.filter(kind=ValueKind.BUDGET)


class IndicatorValue(ReportContent):
    """One cell of an indicator table: a year's realisation or budget, whole or per component."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    component = models.ForeignKey(
        IndicatorComponent,
        verbose_name="onderdeel",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="values",
    )
    year = models.PositiveSmallIntegerField("jaar")
    kind = models.CharField("soort", max_length=20, choices=ValueKind.choices)
    state = models.CharField("vorm", max_length=20, choices=ValueStateChoices.choices)
    number = models.DecimalField("getal", max_digits=20, decimal_places=6, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField("decimalen", default=0)
    percent = models.BooleanField("percentage", default=False)
    number_2 = models.DecimalField(
        "tweede getal", max_digits=20, decimal_places=6, null=True, blank=True
    )
    decimals_2 = models.PositiveSmallIntegerField("decimalen tweede getal", default=0)
    percent_2 = models.BooleanField("tweede getal is percentage", default=False)
    qualifier = models.CharField("toevoeging", max_length=500, blank=True)
    # A second figure with its own unit ("35 trajecten, 12,3 per 10.000") rather than a/b.
    two_figures = models.BooleanField("twee cijfers", default=False)
    qualifier_2 = models.CharField("toevoeging bij het tweede cijfer", max_length=500, blank=True)
    text = models.TextField("tekst of markering", blank=True, validators=[LongText()])
    footnotes = models.ManyToManyField(
        Footnote, verbose_name="voetnoten", blank=True, related_name="values"
    )
    # The year the figure is about, when it is not the column's: a "Realisatie 2023" that
    # is the 2022 figure because 2023's is not yet published. Such a figure is shown with
    # its year and never judged against the 2023 target.
    period_year = models.PositiveSmallIntegerField("cijfer over jaar", null=True, blank=True)
    # The day a count was taken ("peildatum 1 maart 2024"), as the source states it. Shown
    # and published with the figure; the verdict follows the year it is about.
    reference_date = models.DateField("peildatum", null=True, blank=True)
    # Where this figure comes from, when not the indicator's source (CBS, LISA, ...).
    source = models.CharField("bron van dit cijfer", max_length=200, blank=True)
    # Empty for the municipality itself; the area of a comparison figure ("Nederland").
    area = models.CharField("gebied", max_length=100, blank=True, default="")
    # Why a figure that looked implausible (a jump, out of range) is right, as the person
    # who confirmed it wrote; kept with the value and in its history.
    check_note = models.TextField("toelichting bij de controle", blank=True)

    objects = IndicatorValueQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[footnotes])
    report_path = "indicator__table__program__report"

    class Meta:
        verbose_name = "waarde"
        verbose_name_plural = "waarden"
        ordering = ["indicator", "year", "kind", "component__order"]
        constraints = [
            # One cell per indicator, year and column; NULL components need their own rule
            # because NULLs never collide in a plain unique constraint.
            models.UniqueConstraint(
                fields=["indicator", "year", "kind", "area"],
                condition=Q(component__isnull=True),
                name="value_unique_cell_whole",
            ),
            models.UniqueConstraint(
                fields=["indicator", "component", "year", "kind", "area"],
                condition=Q(component__isnull=False),
                name="value_unique_cell_component",
            ),
            # A number value without a number, or a text value without text, shows nothing.
            models.CheckConstraint(
                condition=~Q(state=ValueState.NUMBER) | Q(number__isnull=False),
                name="value_number_has_number",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[ValueState.NUMBER, ValueState.NOTE]) | ~Q(text=""),
                name="value_text_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.get_kind_display()} {self.year}: {self.display}"

    def as_value(self) -> Value:
        return Value(
            state=ValueState(self.state),
            number=self.number,
            decimals=self.decimals,
            percent=self.percent,
            number_2=self.number_2,
            decimals_2=self.decimals_2,
            percent_2=self.percent_2,
            qualifier=self.qualifier,
            text=self.text,
            two_figures=self.two_figures,
            qualifier_2=self.qualifier_2,
        )

    def set_value(self, value: Value) -> None:
        self.state = value.state.value
        self.number = value.number
        self.decimals = value.decimals
        self.percent = value.percent
        self.number_2 = value.number_2
        self.decimals_2 = value.decimals_2
        self.percent_2 = value.percent_2
        self.qualifier = value.qualifier
        self.text = value.text
        self.two_figures = value.two_figures
        self.qualifier_2 = value.qualifier_2

    @property
    def display(self) -> str:
        return format_value(self.as_value())

    @property
    def other_year(self) -> int | None:
        """The year the figure is about, when that is not its column's year."""
        return self.period_year if self.period_year and self.period_year != self.year else None

    @property
    def period_label(self) -> str:
        """What a reader needs to know of the figure's period: "over 2022",
        "peildatum 1 maart 2024", both, or nothing when it is simply the column's year."""
        parts = []
        if self.other_year:
            parts.append(f"over {self.other_year}")
        if self.reference_date:
            parts.append(f"peildatum {format_date(self.reference_date)}")
        return ", ".join(parts)
