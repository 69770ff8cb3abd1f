"""The spine of a report: report -> program -> goal -> subgoal -> activity.

Each report holds its own copy of its programs, goals, subgoals and activities,
because their wording changes from year to year; the codes ("1", "1.1",
"1.1.1") tie the years together for comparison and trends.
"""

import uuid
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from diemen_sociaal.lib.costs import DEFAULT_VARIANCE, THOUSANDS, UNITS, MoneyUnit, VarianceRule
from diemen_sociaal.lib.dutch import format_date
from diemen_sociaal.validators import LongText, item_code


class ReportKind(models.TextChoices):
    JAARSTUKKEN = "jaarstukken", "Jaarstukken"
    PROGRAMMABEGROTING = "programmabegroting", "Programmabegroting"


class ReportStatus(models.TextChoices):
    CONCEPT = "concept", "Concept"
    IN_REVIEW = "in_review", "In review"
    OFFERED = "aangeboden", "Aangeboden aan de raad"
    ADOPTED = "vastgesteld", "Vastgesteld"


# Statuses in which a report is readable by everyone, without logging in.
PUBLISHED_STATUSES = (ReportStatus.OFFERED, ReportStatus.ADOPTED)
# Statuses in which staff change content in the ordinary way; once offered, the council
# has it on its agenda.
OPEN_STATUSES = (ReportStatus.CONCEPT, ReportStatus.IN_REVIEW)


class ReportQuerySet(models.QuerySet["Report"]):
    def published(self) -> "ReportQuerySet":
        return self.filter(status__in=PUBLISHED_STATUSES)

    def visible_to(self, user: object) -> "ReportQuerySet":
        """Staff in a role see drafts too (rules.may_see_drafts); everybody else only what
        is published."""
        from .rules import may_see_drafts  # rules.py imports these models

        if may_see_drafts(user):
            return self.all()
        return self.published()


def frozen_message(report_title: str = "Dit verslag") -> str:
    """What every form, import and admin page says about a report the council adopted."""
    return (
        f"{report_title} is vastgesteld door de raad en kan niet meer worden gewijzigd. "
        "Een correctie hoort in het verslag van het volgende jaar."
    )


def offered_message(report_title: str = "Dit verslag") -> str:
    """What staff read when they try an ordinary edit of a report the council has."""
    return (
        f"{report_title} is aangeboden aan de raad en staat op de agenda: gewoon wijzigen kan "
        "niet meer. Een wijziging loopt via een nota van wijziging door de P&C-controller, of "
        "het verslag wordt eerst teruggetrokken."
    )


class FrozenReportError(ValidationError):
    """A change to a report the council has adopted; what it adopted never changes."""

    def __init__(self, report_title: str = "Dit verslag") -> None:
        super().__init__(frozen_message(report_title))


class Report(ConcurrentTransitionMixin, models.Model):
    kind = models.CharField("soort", max_length=20, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField("jaar")
    # Changed only through the transitions below; two transitions at once are
    # refused by ConcurrentTransitionMixin (the second sees a stale status).
    status = FSMField(
        "status", max_length=20, choices=ReportStatus.choices, default=ReportStatus.CONCEPT
    )
    adopted_on = models.DateField("vastgesteld op", null=True, blank=True)
    adopted_by = models.CharField("vastgesteld door", max_length=100, blank=True, default="Raad")
    # The college's decision to send it to the council, given when it is offered.
    offered_on = models.DateField("collegebesluit tot aanbieding", null=True, blank=True)
    # The council's decision that adopted it, when the register holds it.
    adoption_decision = models.ForeignKey(
        "CouncilDocument",
        verbose_name="raadsbesluit van de vaststelling",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_reports",
    )
    # One more with every change to the report or anything in it (ReportContent.save and
    # delete, Report.save, imports): what is made from the report (a chapter's PDF) is
    # keyed by it. Never written by an ordinary save, so a stale copy of the report in
    # memory cannot set it back to a number that was used before.
    content_version = models.PositiveIntegerField("inhoudsversie", default=1, editable=False)
    # A report started from earlier ones (cycle/new_year.py) remembers them: the report whose
    # realisations became its previous-year column, and the one its structure and targets
    # follow (an adopted Programmabegroting of the same year, or that same earlier report).
    started_from = models.ForeignKey(
        "self",
        verbose_name="begonnen op basis van",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    structure_from = models.ForeignKey(
        "self",
        verbose_name="opbouw overgenomen uit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # An offered report taken back from the council: its public pages then say so (410)
    # instead of vanishing. Kept when it is offered again, for the record.
    withdrawn_on = models.DateTimeField("teruggetrokken op", null=True, blank=True)
    withdrawn_reason = models.CharField("reden van terugtrekken", max_length=300, blank=True)
    # The unit its amounts are given in: finance types them in it, and pages, PDF and open
    # data give them in it. Amounts are stored in whole euros either way.
    money_unit = models.PositiveIntegerField(
        "bedragen in",
        choices=[(unit.euros, unit.label) for unit in UNITS.values()],
        default=THOUSANDS.euros,
    )
    # When a line's budget result asks for an explanation: beyond this many euros or this
    # percentage of its budget, whichever is lower (the council's financial ordinance sets
    # them); any overspend on costs asks for one whatever its size.
    variance_euros = models.PositiveIntegerField(
        "drempel toelichting (€)",
        default=DEFAULT_VARIANCE.euros,
        help_text="Een afwijking groter dan dit bedrag vraagt om een toelichting.",
    )
    variance_percent = models.PositiveSmallIntegerField(
        "drempel toelichting (%)",
        default=DEFAULT_VARIANCE.percent,
        help_text="… of groter dan dit percentage van de begroting, als dat lager is.",
    )

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["content_version"])

    class Meta:
        verbose_name = "rapportage"
        verbose_name_plural = "rapportages"
        ordering = ["-year", "kind"]
        constraints = [
            # One annual report and one budget per year; URLs are built from kind and year.
            models.UniqueConstraint(fields=["kind", "year"], name="report_unique_kind_year"),
            # An adoption date on an unadopted report would tell readers something false.
            models.CheckConstraint(
                condition=Q(adopted_on__isnull=True) | Q(status=ReportStatus.ADOPTED),
                name="report_adoption_date_only_when_adopted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "content_version"
            ]
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            Report.content_changed(self.pk)
            self.refresh_from_db(fields=["content_version"])

    @staticmethod
    def content_changed(report_id: int) -> None:
        """Count one more change to the report (see content_version)."""
        Report.objects.filter(pk=report_id).update(content_version=F("content_version") + 1)

    @property
    def title(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def municipality(self) -> str:
        return settings.MUNICIPALITY_NAME

    @property
    def unit(self) -> MoneyUnit:
        return UNITS[self.money_unit]

    @property
    def variance_rule(self) -> VarianceRule:
        return VarianceRule(self.variance_euros, self.variance_percent)

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES

    @property
    def is_adopted(self) -> bool:
        return self.status == ReportStatus.ADOPTED

    @property
    def is_budget(self) -> bool:
        """A Programmabegroting asks for plans and targets; the Jaarstukken for results."""
        return self.kind == ReportKind.PROGRAMMABEGROTING

    @transition(field=status, source=ReportStatus.CONCEPT, target=ReportStatus.IN_REVIEW)
    def submit_for_review(self) -> None:
        """Policy staff hand the report over for review."""

    @transition(field=status, source=ReportStatus.IN_REVIEW, target=ReportStatus.CONCEPT)
    def reopen(self) -> None:
        """Back to the authors, for another round."""

    @transition(field=status, source=ReportStatus.IN_REVIEW, target=ReportStatus.OFFERED)
    def offer_to_council(self, *, college_on: date | None = None) -> None:
        """Sent to the council by the college's decision of `college_on`: from now on
        readable by everyone."""
        if college_on is not None:
            self.offered_on = college_on

    @transition(field=status, source=ReportStatus.OFFERED, target=ReportStatus.IN_REVIEW)
    def withdraw(self, *, reason: str) -> None:
        """Taken back from the council, with a reason the public pages show."""
        self.withdrawn_on = timezone.now()
        self.withdrawn_reason = reason

    @property
    def is_withdrawn(self) -> bool:
        """Taken back and not (yet) offered again: what the public may no longer read."""
        return self.withdrawn_on is not None and not self.is_published

    @transition(field=status, source=ReportStatus.OFFERED, target=ReportStatus.ADOPTED)
    def adopt(
        self, *, on: date, by: str = "Raad", decision: "CouncilDocument | None" = None
    ) -> None:
        """The council adopted it on `on` (by `decision`, when registered); from now on it is
        frozen."""
        self.adopted_on = on
        self.adopted_by = by
        self.adoption_decision = decision

    @property
    def version_label(self) -> str:
        """The version line of the cover, as in "Vastgesteld door Raad op 27 juni 2024"."""
        if self.status != ReportStatus.ADOPTED:
            return self.get_status_display()
        label = f"Vastgesteld door {self.adopted_by or 'Raad'}"
        if self.adopted_on:
            label += f" op {format_date(self.adopted_on)}"
        return label


class ReportContent(models.Model):
    """Anything that belongs to one report: refused once that report is adopted.

    `report_path` leads from the model to its Report; the check costs one small
    query per save, which is cheap next to a person typing.
    """

    report_path: ClassVar[str]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        report_id = self.ensure_editable()
        super().save(*args, **kwargs)
        if report_id is not None:
            Report.content_changed(report_id)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        report_id = self.ensure_editable()
        deleted = super().delete(*args, **kwargs)
        if report_id is not None:
            Report.content_changed(report_id)
        return deleted

    def clean(self) -> None:
        """A form (the admin's add page too) says in Dutch what a save would refuse."""
        super().clean()
        self.ensure_editable()

    def report_status(self) -> tuple[int, str, str] | None:
        """The (report id, status, title) of the report this row belongs to."""
        parent_name, _, rest = self.report_path.partition("__")
        field: Any = self._meta.get_field(parent_name)  # a ForeignKey, by report_path
        parent_id = getattr(self, field.attname)
        prefix = f"{rest}__" if rest else ""
        row = (
            field.related_model.objects.filter(pk=parent_id)
            .values_list(f"{prefix}pk", f"{prefix}status", f"{prefix}kind", f"{prefix}year")
            .first()
        )
        if row is None:
            return None
        report_id, status, kind, year = row
        return report_id, status, f"{ReportKind(kind).label} {year}"

    def ensure_editable(self) -> int | None:
        """The id of this row's report; FrozenReportError if the council adopted it."""
        found = self.report_status()
        if found is None:
            return None
        if found[1] == ReportStatus.ADOPTED:
            raise FrozenReportError(found[2])
        return found[0]


class Versioned(models.Model):
    """A version number for optimistic locking: a save names the version it started from."""

    version = models.PositiveIntegerField("versie", default=1, editable=False)

    class Meta:
        abstract = True


class ProgramAssignment(models.Model):
    """A policy officer's program, by its code, so the assignment holds across years."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="medewerker",
        on_delete=models.CASCADE,
        related_name="program_assignments",
    )
    program_slug = models.SlugField("programma (code in adres)", max_length=50)

    class Meta:
        verbose_name = "toewijzing aan programma"
        verbose_name_plural = "toewijzingen aan programma's"
        constraints = [
            models.UniqueConstraint(fields=["user", "program_slug"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.program_slug}"


class ProgramQuerySet(models.QuerySet["Program"]):
    def at(self, kind: str, year: int, slug: str) -> "ProgramQuerySet":
        """The program at an address (/<kind>/<year>/<slug>/), with its report; who may
        see it is the caller's filter (published, visible_to, a right)."""
        return self.select_related("report").filter(report__kind=kind, report__year=year, slug=slug)


class Program(ReportContent, Versioned):
    report = models.ForeignKey(
        Report, verbose_name="rapportage", on_delete=models.CASCADE, related_name="programs"
    )
    slug = models.SlugField("code in adres", max_length=50)
    name = models.CharField("naam", max_length=200)
    portfolio_holder = models.CharField("portefeuillehouder", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    objects = ProgramQuerySet.as_manager()

    history = HistoricalRecords()
    report_path = "report"

    class Meta:
        verbose_name = "programma"
        verbose_name_plural = "programma's"
        ordering = ["report", "order", "pk"]
        constraints = [
            # Permalinks name a program by slug within its report.
            models.UniqueConstraint(fields=["report", "slug"], name="program_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.report})"

    @property
    def heading(self) -> str:
        """ "Programma Sociaal" as a title; a name that says "Programma" itself stays as it is
        ("Programma 1 Samenleven", never "Programma Programma 1 Samenleven")."""
        return self.name if _names_itself(self.name) else f"Programma {self.name}"

    @property
    def in_sentence(self) -> str:
        """ "programma Sociaal" within a sentence; a name that says "Programma" stays as it is."""
        return self.name if _names_itself(self.name) else f"programma {self.name}"


def _names_itself(name: str) -> bool:
    return name.strip().lower().startswith("programma")


class DevelopmentSection(ReportContent, Versioned):
    """One titled narrative section under "Belangrijke ontwikkelingen"."""

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="developments"
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    title = models.CharField("titel", max_length=300, blank=True)
    body = models.TextField("tekst", validators=[LongText()])

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "belangrijke ontwikkeling"
        verbose_name_plural = "belangrijke ontwikkelingen"
        ordering = ["program", "order", "pk"]

    def __str__(self) -> str:
        return self.title or "(zonder titel)"


class Goal(ReportContent, Versioned):
    """A numbered goal (doelstelling) of a program."""

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="goals"
    )
    code = models.CharField("nummer", max_length=20, validators=[item_code])
    title = models.TextField("doelstelling", validators=[LongText()])
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    history = HistoricalRecords()
    report_path = "program__report"

    class Meta:
        verbose_name = "doelstelling"
        verbose_name_plural = "doelstellingen"
        ordering = ["program", "order", "pk"]
        constraints = [
            # The code ties a goal to the same goal in other years.
            models.UniqueConstraint(fields=["program", "code"], name="goal_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Subgoal(ReportContent, Versioned):
    goal = models.ForeignKey(
        Goal, verbose_name="doelstelling", on_delete=models.CASCADE, related_name="subgoals"
    )
    code = models.CharField("nummer", max_length=20, validators=[item_code])
    title = models.TextField("subdoel", validators=[LongText()])
    # The table of activities sometimes words the subgoal differently from the
    # list under "Wat wilden we bereiken?"; both wordings are the source's.
    activity_heading = models.TextField(
        "kop boven activiteiten",
        blank=True,
        validators=[LongText()],
        help_text="Alleen invullen als de kop boven de activiteiten anders luidt dan het subdoel.",
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    history = HistoricalRecords()
    report_path = "goal__program__report"

    class Meta:
        verbose_name = "subdoel"
        verbose_name_plural = "subdoelen"
        ordering = ["goal", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "code"], name="subgoal_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.title}"

    @property
    def heading(self) -> str:
        return self.activity_heading or self.title


class Activity(ReportContent, Versioned):
    subgoal = models.ForeignKey(
        Subgoal, verbose_name="subdoel", on_delete=models.CASCADE, related_name="activities"
    )
    code = models.CharField("nummer", max_length=20, validators=[item_code])
    plan = models.TextField("wat wilden we ervoor doen?", validators=[LongText()])
    realisation = models.TextField(
        "wat hebben we ervoor gedaan?", blank=True, validators=[LongText()]
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    history = HistoricalRecords()
    report_path = "subgoal__goal__program__report"

    class Meta:
        verbose_name = "activiteit"
        verbose_name_plural = "activiteiten"
        ordering = ["subgoal", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subgoal", "code"], name="activity_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.plan[:80]}"

    def clean(self) -> None:
        super().clean()
        # Activity codes are permalinks within a program, across its subgoals.
        if self.subgoal_id is None:
            return
        program_id = Subgoal.objects.filter(pk=self.subgoal_id).values("goal__program_id")[:1]
        clash = Activity.objects.filter(subgoal__goal__program_id=program_id, code=self.code)
        if clash.exclude(pk=self.pk).exists():
            raise ValidationError({"code": "Dit programma heeft al een activiteit met deze code."})


class PdfJobStatus(models.TextChoices):
    QUEUED = "wachtrij", "In de wachtrij"
    RUNNING = "bezig", "Bezig"
    DONE = "klaar", "Klaar"
    FAILED = "mislukt", "Mislukt"


class PdfJob(models.Model):
    """The whole report as PDF, made in the background (publishing/jobs.py).

    Django's task backend says only whether a task ran; this record says what a
    reader waits for: how far the job is, why it failed, and where its file is.
    The id is random, so a job's page cannot be guessed from another one's.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="pdf_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=PdfJobStatus, default=PdfJobStatus.QUEUED)
    # The step in words, as the progress page shows it ("Pagina 57 opgemaakt").
    step = models.CharField(max_length=200, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    # From the last finished job of the same report, so the page can show a percentage.
    pages_expected = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    # The report's content version the layout read: readers share the file while it holds.
    content_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True)
    # The finished file: under PUBLICATION_ROOT for an adopted report, else PDF_JOB_ROOT.
    file_path = models.CharField(max_length=500, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Every sign of life of the worker; a running job that stays silent was interrupted.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "PDF-taak"
        verbose_name_plural = "PDF-taken"
        indexes = [models.Index(fields=["report", "status"], name="pdfjob_report_status")]

    def __str__(self) -> str:
        return f"PDF van {self.report} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (PdfJobStatus.DONE, PdfJobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        """How far the layout is, when the page count of an earlier run is known."""
        if self.status == PdfJobStatus.DONE:
            return 100
        if not self.pages_expected:
            return None
        return min(99, round(100 * self.pages_done / self.pages_expected))


class Erratum(models.Model):
    """A nota van wijziging: a change to a report after it was offered to the council.

    Made by the P&C controller with the change itself (staff views); listed publicly
    beside the report ("Wijzigingen na aanbieding") and in its PDF, so the council and
    readers see what changed in what is on their agenda.
    """

    report = models.ForeignKey(
        Report, verbose_name="verslag", on_delete=models.CASCADE, related_name="errata"
    )
    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, null=True, blank=True
    )
    number = models.PositiveSmallIntegerField("nummer")
    subject = models.CharField("onderdeel", max_length=300)
    reason = models.TextField("reden", validators=[LongText()])
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="door",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    made_on = models.DateTimeField("op", default=timezone.now)

    class Meta:
        verbose_name = "nota van wijziging"
        verbose_name_plural = "nota's van wijziging"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="erratum_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Wijziging {self.number}: {self.subject}"


class NoteState(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "beantwoord", "Beantwoord"
    RESOLVED = "afgehandeld", "Afgehandeld"


class Note(models.Model):
    """A note on an item of a report, with an author, an assignee, a due date and a state.

    Review comments now (a reviewer asks, the author answers, the reviewer resolves); the
    council's technical questions are meant to use the same model later. Notes never
    reach the public pages, downloads or API; open ones count as missing for the gates.
    """

    program = models.ForeignKey(
        Program, verbose_name="programma", on_delete=models.CASCADE, related_name="notes"
    )
    # The item it is about (an activity, an indicator, ...); none: the program as a whole.
    item_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    item_id = models.PositiveIntegerField(null=True, blank=True)
    item_label = models.CharField("over", max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="van",
        on_delete=models.SET_NULL,
        null=True,
        related_name="notes_written",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="voor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes_assigned",
    )
    due_date = models.DateField("uiterlijk", null=True, blank=True)
    state = models.CharField(
        "stand", max_length=20, choices=NoteState.choices, default=NoteState.OPEN
    )
    text = models.TextField("opmerking", validators=[LongText()])
    answer = models.TextField("antwoord", blank=True, validators=[LongText()])
    created_at = models.DateTimeField("geplaatst", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "opmerking"
        verbose_name_plural = "opmerkingen"
        ordering = ["program", "state", "due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.item_label or self.program}: {self.text[:60]}"

    @property
    def is_settled(self) -> bool:
        return self.state == NoteState.RESOLVED

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_settled
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class DocumentKind(models.TextChoices):
    PROPOSAL = "raadsvoorstel", "Raadsvoorstel"
    DECISION = "raadsbesluit", "Raadsbesluit"
    AMENDMENT = "amendement", "Amendement"
    LETTER = "raadsinformatiebrief", "Raadsinformatiebrief"
    QUARTERLY = "kwartaalbrief", "Kwartaalbrief"


class CouncilDocument(models.Model):
    """The register of council documents: proposals, decisions, amendments, information letters
    and quarterly letters, with their dates.

    It belongs to the spine so that reports and money can name the decision behind them (a
    budget change points here). The policy app adds the decision points, the notes and projects a
    document concerns, and the subjects that follow it. The tables keep their first names
    (``policy_*``): the model moved between apps, the data did not."""

    slug = models.SlugField("code in adres", max_length=120, unique=True)
    kind = models.CharField("soort", max_length=30, choices=DocumentKind)
    subject = models.CharField("onderwerp", max_length=300)
    college_date = models.DateField("collegebesluit", null=True, blank=True)
    council_date = models.DateField("raadsvergadering", null=True, blank=True)
    # Some documents are known only by name and year ("2e kwartaalbrief 2023"): the year
    # places them without inventing a date. Such a document is on no timeline.
    year = models.PositiveSmallIntegerField(
        "jaar",
        null=True,
        blank=True,
        help_text="Alleen als de datum van het besluit niet bekend is.",
    )
    summary = models.TextField("samenvatting", blank=True, validators=[LongText()])
    responds_to = models.ForeignKey(
        "self",
        verbose_name="besluit op",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        help_text="Bij een raadsbesluit: het raadsvoorstel waarover is besloten.",
    )
    developments = models.ManyToManyField(
        DevelopmentSection,
        verbose_name="belangrijke ontwikkelingen",
        related_name="council_documents",
        blank=True,
        db_table="policy_councildocument_developments",
    )
    history = HistoricalRecords(table_name="policy_historicalcouncildocument")

    class Meta:
        db_table = "policy_councildocument"
        verbose_name = "raadsstuk"
        verbose_name_plural = "raadsstukken"
        ordering = ["-council_date", "-college_date", "subject"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(college_date__isnull=False)
                | models.Q(council_date__isnull=False)
                | models.Q(year__isnull=False),
                name="councildocument_has_a_date_or_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def date(self) -> date | None:
        return self.council_date or self.college_date

    @property
    def dates_label(self) -> str:
        parts = []
        if self.college_date:
            parts.append(f"collegebesluit {format_date(self.college_date)}")
        if self.council_date:
            parts.append(f"raadsvergadering {format_date(self.council_date)}")
        if not parts and self.year:
            parts.append(f"{self.year}, datum niet vastgelegd")
        return ", ".join(parts)

    # The kinds that can change a budget: the council's decision, an amendment to it, and the
    # quarterly letter the council decides the budget changes of.
    DECIDES_MONEY = ("raadsbesluit", "amendement", "kwartaalbrief")
