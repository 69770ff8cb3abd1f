"""Around the numbers: policy notes, council documents and projects, linked to the report.

A policy note (Samen Diemen) runs for years and outlives the reports; its
central goals are served by program goals, named by program and code so the
link holds in every year's report (the codes tie the years together, as
everywhere else). Council documents and projects are linked to the
development sections of a particular year's chapter that report on them.
"""

from datetime import date

from django.db import models
from simple_history.models import HistoricalRecords

from diemen_sociaal.validators import LongText
from programs.models import CouncilDocument, DevelopmentSection


class PolicyNote(models.Model):
    slug = models.SlugField("code in adres", max_length=80, unique=True)
    title = models.CharField("titel", max_length=200)
    subtitle = models.CharField("ondertitel", max_length=200, blank=True)
    ambition = models.TextField("overkoepelende ambitie", blank=True, validators=[LongText()])
    start_year = models.PositiveSmallIntegerField("eerste jaar")
    original_end_year = models.PositiveSmallIntegerField("laatste jaar bij vaststelling")
    end_year = models.PositiveSmallIntegerField(
        "laatste jaar", help_text="Na verlenging het nieuwe laatste jaar."
    )
    documents = models.ManyToManyField(
        CouncilDocument,
        verbose_name="raadsstukken",
        related_name="policy_notes",
        blank=True,
        db_table="policy_councildocument_policy_notes",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beleidsnota"
        verbose_name_plural = "beleidsnota's"
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(original_end_year__gte=models.F("start_year"))
                & models.Q(end_year__gte=models.F("original_end_year")),
                name="policynote_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}-{self.end_year}"

    @property
    def period(self) -> str:
        """ "2020-2023, verlengd tot en met 2027", as the council decided it."""
        text = f"{self.start_year}-{self.original_end_year}"
        if self.end_year != self.original_end_year:
            text += f", verlengd tot en met {self.end_year}"
        return text

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


class CentralGoal(models.Model):
    note = models.ForeignKey(
        PolicyNote, verbose_name="nota", on_delete=models.CASCADE, related_name="central_goals"
    )
    numeral = models.CharField("nummer", max_length=10, help_text="Zoals in de nota: I, II, …")
    title = models.CharField("doelstelling", max_length=300)
    short_name = models.CharField("korte naam", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "centrale doelstelling"
        verbose_name_plural = "centrale doelstellingen"
        ordering = ["note", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}"


class GoalRef(models.Model):
    """A program goal named by program and code, so the reference holds in every year's
    report (the codes tie the years together)."""

    program_slug = models.SlugField("programma (code in adres)", max_length=50)
    goal_code = models.CharField("doelstelling (nummer)", max_length=20)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.program_slug} doelstelling {self.goal_code}"


class GoalLink(GoalRef):
    """A program goal that serves a central goal, by program and code (every year)."""

    central_goal = models.ForeignKey(
        CentralGoal,
        verbose_name="centrale doelstelling",
        on_delete=models.CASCADE,
        related_name="goal_links",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bijdragende doelstelling"
        verbose_name_plural = "bijdragende doelstellingen"
        ordering = ["program_slug", "goal_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["central_goal", "program_slug", "goal_code"], name="goallink_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_slug} doelstelling {self.goal_code} → {self.central_goal.numeral}"


class DevelopmentTheme(models.Model):
    note = models.ForeignKey(
        PolicyNote, verbose_name="nota", on_delete=models.CASCADE, related_name="themes"
    )
    letter = models.CharField("letter", max_length=5)
    title = models.CharField("ontwikkelthema", max_length=300)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ontwikkelthema"
        verbose_name_plural = "ontwikkelthema's"
        ordering = ["note", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.letter}. {self.title}"


class ProcessGoal(models.Model):
    """A process goal added to a theme (as at the extension of Samen Diemen)."""

    theme = models.ForeignKey(
        DevelopmentTheme,
        verbose_name="ontwikkelthema",
        on_delete=models.CASCADE,
        related_name="process_goals",
    )
    numeral = models.CharField("nummer", max_length=10)
    title = models.CharField("procesmatig doel", max_length=300)
    description = models.TextField("toelichting", blank=True, validators=[LongText()])
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "procesmatig doel"
        verbose_name_plural = "procesmatige doelen"
        ordering = ["theme__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}"


class Financing(models.Model):
    """Money for a process goal: an amount (per year or once), from a source."""

    process_goal = models.ForeignKey(
        ProcessGoal,
        verbose_name="procesmatig doel",
        on_delete=models.CASCADE,
        related_name="financing",
    )
    amount = models.PositiveIntegerField(
        "bedrag (euro)", null=True, blank=True, help_text="Leeg als de nota geen bedrag noemt."
    )
    per_year = models.BooleanField("per jaar", default=False)
    first_year = models.PositiveSmallIntegerField("vanaf jaar", null=True, blank=True)
    last_year = models.PositiveSmallIntegerField("tot en met jaar", null=True, blank=True)
    source = models.CharField("bron", max_length=200, help_text="Bijvoorbeeld POK-middelen.")
    remark = models.TextField("toelichting", blank=True, validators=[LongText()])
    history = HistoricalRecords()

    class Meta:
        verbose_name = "financiering"
        verbose_name_plural = "financiering"
        ordering = ["process_goal", "pk"]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount or '—'}"


class Project(models.Model):
    slug = models.SlugField("code in adres", max_length=80, unique=True)
    name = models.CharField("naam", max_length=200)
    description = models.TextField("omschrijving", blank=True, validators=[LongText()])
    # The sections of annual reports that report on the project, year after year.
    reported_in = models.ManyToManyField(
        DevelopmentSection,
        verbose_name="verantwoord in",
        related_name="projects",
        blank=True,
    )
    documents = models.ManyToManyField(
        CouncilDocument,
        verbose_name="raadsstukken",
        related_name="projects",
        blank=True,
        db_table="policy_councildocument_projects",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "project"
        verbose_name_plural = "projecten"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectTrack(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="project", on_delete=models.CASCADE, related_name="tracks"
    )
    number = models.PositiveSmallIntegerField("spoor")
    title = models.CharField("omschrijving", max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "spoor"
        verbose_name_plural = "sporen"
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="track_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Spoor {self.number}: {self.title}"


class PhaseStatus(models.TextChoices):
    PLANNED = "gepland", "Gepland"
    BUSY = "bezig", "Bezig"
    DONE = "uitgevoerd", "Uitgevoerd"


class ProjectPhase(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="project", on_delete=models.CASCADE, related_name="phases"
    )
    track = models.ForeignKey(
        ProjectTrack,
        verbose_name="spoor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phases",
    )
    label = models.CharField("fase", max_length=50, help_text="Zoals in de brief: Fase 2")
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    planned = models.CharField(
        "gepland", max_length=100, blank=True, help_text="Zoals in de brief: 3e en 4e kwartaal 2023"
    )
    planned_year = models.PositiveSmallIntegerField("gepland jaar", null=True, blank=True)
    planned_quarter = models.PositiveSmallIntegerField(
        "gepland kwartaal",
        null=True,
        blank=True,
        choices=[(q, f"{q}e kwartaal") for q in range(1, 5)],
        help_text="Het eerste kwartaal waarin de fase gepland is; ordent de tijdlijn.",
    )
    description = models.TextField("wat", validators=[LongText()])
    status = models.CharField(
        "status", max_length=12, choices=PhaseStatus, default=PhaseStatus.PLANNED
    )
    done = models.TextField("wat is gedaan", blank=True, validators=[LongText()])
    history = HistoricalRecords()

    class Meta:
        verbose_name = "fase"
        verbose_name_plural = "fasen"
        ordering = ["project", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.description[:60]}"

    @property
    def planned_date(self) -> date | None:
        """The first day of the planned quarter (or year), for the timeline."""
        if self.planned_year is None:
            return None
        return date(self.planned_year, 3 * ((self.planned_quarter or 1) - 1) + 1, 1)


class DecisionPoint(models.Model):
    document = models.ForeignKey(
        CouncilDocument,
        verbose_name="raadsstuk",
        on_delete=models.CASCADE,
        related_name="decision_points",
    )
    number = models.PositiveSmallIntegerField("nummer")
    text = models.TextField("beslispunt", validators=[LongText()])
    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslispunt"
        verbose_name_plural = "beslispunten"
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="decisionpoint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class DocumentGoal(GoalRef):
    """A program goal a council document concerns, by program and code (every year)."""

    document = models.ForeignKey(
        CouncilDocument,
        verbose_name="raadsstuk",
        on_delete=models.CASCADE,
        related_name="goal_refs",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "betreft doelstelling"
        verbose_name_plural = "betreft doelstellingen"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "program_slug", "goal_code"], name="documentgoal_unique"
            ),
        ]


class Subject(models.Model):
    """A subject council members follow from decision to result ("Opvang ontheemden").

    It gathers notes, projects, council documents and program goals; its timeline puts
    their decisions, letters, phases, budgets and annual reports in date order."""

    slug = models.SlugField("code in adres", max_length=80, unique=True)
    title = models.CharField("onderwerp", max_length=200)
    description = models.TextField("omschrijving", blank=True, validators=[LongText()])
    policy_notes = models.ManyToManyField(
        PolicyNote, verbose_name="beleidsnota's", related_name="subjects", blank=True
    )
    projects = models.ManyToManyField(
        Project, verbose_name="projecten", related_name="subjects", blank=True
    )
    documents = models.ManyToManyField(
        CouncilDocument, verbose_name="raadsstukken", related_name="subjects", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "onderwerp"
        verbose_name_plural = "onderwerpen"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SubjectGoal(GoalRef):
    """A program goal that belongs to a subject, by program and code (every year)."""

    subject = models.ForeignKey(
        Subject, verbose_name="onderwerp", on_delete=models.CASCADE, related_name="goal_refs"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "doelstelling bij onderwerp"
        verbose_name_plural = "doelstellingen bij onderwerp"
        ordering = ["program_slug", "goal_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "program_slug", "goal_code"], name="subjectgoal_unique"
            ),
        ]
