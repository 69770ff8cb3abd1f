"""The staff worklist: what is still missing, filled in, or changed since review.

django-filter narrows the querysets, django-tables2 shows and sorts them;
the state of each row is a database annotation so filtering and sorting on
it happen in SQL.

An annual report asks for what was done and realised: an activity's realisation and
an indicator's realised value. A Programmabegroting asks for the plan: an activity's
"what will we do" and an indicator's target (begroot) for the year.
"""

from typing import Any
from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import format_html

from indicators.models import Indicator, IndicatorValue, ValueKind
from investments.models import BudgetLine, Investment, PrintedFigure, program_cost_table
from programs.models import (
    Activity,
    Note,
    NoteState,
    Program,
    ProgramAssignment,
    Report,
    ReportStatus,
)
from programs.rules import follows_every_program

MISSING, FILLED, CHANGED = "ontbreekt", "ingevuld", "gewijzigd"
STATE_CHOICES = [
    (MISSING, "Nog niet ingevuld"),
    (FILLED, "Ingevuld"),
    (CHANGED, "Gewijzigd sinds review"),
]


def programs_for(user: Any, report: Report) -> QuerySet[Program]:
    """Finance and the administrator see every program; policy staff their own."""
    programs = Program.objects.filter(report=report).select_related("report")
    # By role, not by has_perm("programs.edit_money"): that right needs a program (and an
    # open report) to be true, so asked without one it never is, and finance saw nothing.
    if follows_every_program(user):
        return programs
    return programs.filter(slug__in=user.program_assignments.values("program_slug"))


def _review_started(report: Report) -> Any:
    """When the report last went into review; changes after it are 'changed since review'."""
    return (
        report.history.filter(status=ReportStatus.IN_REVIEW)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )


def _changed_since(history_model: Any, since: Any) -> Any:
    if since is None:
        return Value(False)
    return Exists(
        history_model.objects.filter(id=OuterRef("pk"), history_date__gt=since, history_type="~")
    )


def activity_text_field(report: Report | None) -> str:
    """The text staff fill in per activity: the plan in a budget, else the realisation."""
    return "plan" if report is not None and report.is_budget else "realisation"


def indicator_value_kind(report: Report | None) -> str:
    return ValueKind.BUDGET if report is not None and report.is_budget else ValueKind.REALISATION


def activities(programs: QuerySet[Program]) -> QuerySet[Activity]:
    first = programs.first()
    report = first.report if first is not None else None
    since = _review_started(report) if report else None
    text = activity_text_field(report)
    return (
        Activity.objects.filter(subgoal__goal__program__in=programs)
        .select_related("subgoal__goal__program__report")
        .annotate(changed=_changed_since(Activity.history.model, since))
        .annotate(
            state=Case(
                When(**{text: ""}, then=Value(MISSING)),
                When(changed=True, then=Value(CHANGED)),
                default=Value(FILLED),
            )
        )
        .order_by(
            "subgoal__goal__program__order", "subgoal__goal__order", "subgoal__order", "order"
        )
    )


def indicators(programs: QuerySet[Program]) -> QuerySet[Indicator]:
    first = programs.first()
    report = first.report if first is not None else None
    year = report.year if report else 0
    since = _review_started(report) if report else None
    realised = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), year=year, kind=indicator_value_kind(report), area=""
    )
    return (
        Indicator.objects.filter(table__program__in=programs)
        .select_related("table__program__report")
        .annotate(has_value=Exists(realised))
        .annotate(changed=_changed_since(Indicator.history.model, since))
        .annotate(
            state=Case(
                When(has_value=False, then=Value(MISSING)),
                When(changed=True, then=Value(CHANGED)),
                default=Value(FILLED),
            )
        )
        .order_by(
            "table__program__order",
            # The program's own tables (the BBV's) after its goals, as the chapter has them.
            F("table__goal__order").asc(nulls_last=True),
            "table__order",
            "order",
        )
    )


class WorkFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(method="by_program", label="Programma (code)")
    goal = django_filters.CharFilter(method="by_goal", label="Doelstelling (nummer)")
    state = django_filters.ChoiceFilter(choices=STATE_CHOICES, label="Stand", empty_label="Alle")
    goal_path = ""

    def by_program(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.goal_path}__program__slug": value})

    def by_goal(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.goal_path}__code": value})


class ActivityFilter(WorkFilter):
    goal_path = "subgoal__goal"

    class Meta:
        model = Activity
        fields = ["program", "goal", "state"]


class IndicatorFilter(WorkFilter):
    goal_path = "table__goal"
    mandatory = django_filters.BooleanFilter(label="Verplicht (BBV)")

    class Meta:
        model = Indicator
        fields = ["program", "goal", "state", "mandatory"]


RETURN_PARAM = "terug"


def _edit_link(url_name: str, record: Any, program: Program, text: str, request: Any) -> str:
    """A link to the edit page that brings the user back to the worklist as they left it.

    The worklist's own address, with its filters, sort and page, rides along in
    ?terug=; the edit views only follow it to a local address under /beheer/.
    """
    report = program.report
    url = reverse(url_name, args=[report.kind, report.year, program.slug, record.code])
    if request is not None and request.GET:
        url += "?" + urlencode({RETURN_PARAM: request.get_full_path()})
    return format_html('<a class="utrecht-link" href="{}">{}</a>', url, text)


class StateColumn(tables.Column):
    def render(self, value: str) -> str:
        return dict(STATE_CHOICES).get(value, value)


class ActivityTable(tables.Table):
    # An activity's order counts within its subgoal, so sorting by code needs the whole path.
    code = tables.Column(
        verbose_name="Code",
        order_by=(
            "subgoal__goal__program__order",
            "subgoal__goal__order",
            "subgoal__order",
            "order",
        ),
    )
    plan = tables.Column(verbose_name="Activiteit")
    program = tables.Column(
        verbose_name="Programma", accessor="subgoal__goal__program__name", orderable=False
    )
    state = StateColumn(verbose_name="Stand")

    class Meta:
        model = Activity
        fields = ["code", "plan", "program", "state"]
        template_name = "django_tables2/table.html"
        attrs = {"class": "utrecht-table utrecht-table--html-table worklist-table"}
        empty_text = "Geen activiteiten gevonden."

    def render_code(self, record: Activity) -> str:
        program = record.subgoal.goal.program
        return _edit_link(
            "staff:activity", record, program, record.code, getattr(self, "request", None)
        )

    def render_plan(self, value: str) -> str:
        return value if len(value) < 120 else value[:117] + "…"


class IndicatorTable(tables.Table):
    # An indicator's order counts within its table, and a goal can have several tables.
    code = tables.Column(
        verbose_name="Code",
        order_by=("table__program__order", "table__goal__order", "table__order", "order"),
    )
    name = tables.Column(verbose_name="Indicator")
    mandatory = tables.BooleanColumn(verbose_name="Verplicht", yesno="ja,nee")
    state = StateColumn(verbose_name="Stand")

    class Meta:
        model = Indicator
        fields = ["code", "name", "mandatory", "state"]
        template_name = "django_tables2/table.html"
        attrs = {"class": "utrecht-table utrecht-table--html-table worklist-table"}
        empty_text = "Geen indicatoren gevonden."

    def render_code(self, record: Indicator) -> str:
        program = record.table.program
        return _edit_link(
            "staff:indicator", record, program, record.code, getattr(self, "request", None)
        )


def summary(programs: QuerySet[Program]) -> list[dict[str, Any]]:
    """Per program: "27 van 31 activiteiten ingevuld", and the same for indicators."""
    first = programs.first()
    if first is None:
        return []
    report = first.report
    text = activity_text_field(report)
    acts = {
        row["subgoal__goal__program"]: row
        for row in Activity.objects.filter(subgoal__goal__program__in=programs)
        .values("subgoal__goal__program")
        .annotate(total=Count("pk"), filled=Count("pk", filter=~Q(**{text: ""})))
    }
    realised = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), year=report.year, kind=indicator_value_kind(report), area=""
    )
    # An annual report reports against the year's targets: one without a target (a new
    # year started without an adopted budget) is missing something too.
    target = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), year=report.year, kind=ValueKind.BUDGET, area=""
    )
    inds = {
        row["table__program"]: row
        for row in Indicator.objects.filter(table__program__in=programs)
        .annotate(has_value=Exists(realised), has_target=Exists(target))
        .values("table__program")
        .annotate(
            total=Count("pk"),
            filled=Count("pk", filter=Q(has_value=True)),
            without_target=Count("pk", filter=Q(has_target=False)),
        )
    }
    money = _money_lines(programs, report)
    empty = {"total": 0, "filled": 0, "without_target": 0}
    return [
        {
            "program": p,
            "activities": acts.get(p.pk, empty),
            "indicators": inds.get(p.pk, empty),
            "money": money.get(p.pk, empty),
        }
        for p in programs
    ]


def _money_lines(programs: QuerySet[Program], report: Report) -> dict[int, dict[str, int]]:
    """Per program: how many budget lines and investments have the year's amounts.

    A budget needs its "Begroting"; an annual report its budget and "Rekening" of the
    year, and each running investment its realisation. An empty amount is missing,
    nil (0) is not.
    """
    if report.is_budget:
        missing = Q(begroting_primitief__isnull=True)
    else:
        missing = (
            Q(begroting_primitief__isnull=True)
            | Q(begroting_totaal__isnull=True)
            | Q(rekening__isnull=True)
        )
    found: dict[int, dict[str, int]] = {}
    lines = (
        BudgetLine.objects.filter(program__in=programs)
        .values("program")
        .annotate(total=Count("pk"), empty=Count("pk", filter=missing))
    )
    for row in lines:
        found[row["program"]] = {"total": row["total"], "filled": row["total"] - row["empty"]}
    if not report.is_budget:
        credits = (
            Investment.objects.filter(program__in=programs)
            .values("program")
            .annotate(total=Count("pk"), empty=Count("pk", filter=Q(realised__isnull=True)))
        )
        for row in credits:
            counts = found.setdefault(row["program"], {"total": 0, "filled": 0})
            counts["credits"] = row["total"]
            counts["credits_empty"] = row["empty"]
    return found


def _printed_off(programs: QuerySet[Program]) -> dict[int, int]:
    """Per program: how many printed subtotals differ from the sum beyond rounding."""
    with_printed = programs.filter(
        Exists(PrintedFigure.objects.filter(program=OuterRef("pk")))
    ).select_related("report")
    found = {}
    for program in with_printed:
        count = sum(len(row.deviations) for row in program_cost_table(program))
        if count:
            found[program.pk] = count
    return found


def _unexplained(report: Report, programs: QuerySet[Program]) -> dict[int, int]:
    """Per program: how many lines have a result that asks for a toelichting and have none."""
    if report.is_budget:
        return {}
    rule = report.variance_rule
    found: dict[int, int] = {}
    lines = BudgetLine.objects.filter(program__in=programs, explanation="").exclude(
        Q(rekening__isnull=True) | Q(begroting_totaal__isnull=True)
    )
    for line in lines:
        verdict = line.variance(rule)
        if verdict is not None and verdict.needs_explanation:
            found[line.program_id] = found.get(line.program_id, 0) + 1
    return found


def progress_by_report(reports: list[Report], user: Any) -> dict[int, list[dict[str, Any]]]:
    return {report.pk: summary(programs_for(user, report)) for report in reports}


def gaps(report: Report) -> list[dict[str, Any]]:
    """What is still missing in a report, per program, with who works on it.

    The counts are `summary`'s, so the worklist, the dashboard and the gates before
    offering and adopting give one answer. Empty when nothing is missing.
    """
    programs = Program.objects.filter(report=report).select_related("report")
    people: dict[str, list[str]] = {}
    assignments = ProgramAssignment.objects.filter(
        program_slug__in=programs.values("slug")
    ).select_related("user")
    for assignment in assignments.order_by("user__username"):
        user = assignment.user
        people.setdefault(assignment.program_slug, []).append(
            user.get_full_name() or user.get_username()
        )
    doing = "met een plan" if report.is_budget else "ingevuld"
    off = _printed_off(programs)
    unexplained = _unexplained(report, programs)
    unsettled = dict(
        Note.objects.filter(program__in=programs)
        .exclude(state=NoteState.RESOLVED)
        .values("program")
        .annotate(count=Count("pk"))
        .values_list("program", "count")
    )
    found = []
    for row in summary(programs):
        activities, indicators = row["activities"], row["indicators"]
        missing = []
        if activities["filled"] < activities["total"]:
            missing.append(
                f"{activities['total'] - activities['filled']} van {activities['total']} "
                f"activiteiten niet {doing}"
            )
        if indicators["filled"] < indicators["total"]:
            missing.append(
                f"{indicators['total'] - indicators['filled']} van {indicators['total']} "
                "indicatoren zonder " + ("streefwaarde" if report.is_budget else "realisatie")
            )
        if not report.is_budget and indicators["without_target"]:
            missing.append(f"{indicators['without_target']} zonder streefwaarde {report.year}")
        money = row["money"]
        if money["filled"] < money["total"]:
            missing.append(
                f"{money['total'] - money['filled']} van {money['total']} begrotingsregels "
                "met een leeg bedrag"
            )
        if money.get("credits_empty"):
            missing.append(
                f"{money['credits_empty']} van {money['credits']} investeringen zonder realisatie"
            )
        if unexplained.get(row["program"].pk):
            count = unexplained[row["program"].pk]
            missing.append(
                f"{count} begrotingsregel{'s' if count > 1 else ''} met een afwijking zonder "
                "toelichting"
            )
        if unsettled.get(row["program"].pk):
            count = unsettled[row["program"].pk]
            missing.append(f"{count} opmerking{'en' if count > 1 else ''} nog niet afgehandeld")
        if off.get(row["program"].pk):
            count = off[row["program"].pk]
            missing.append(
                f"{count} gedrukt{'e' if count > 1 else ''} bedrag{'en' if count > 1 else ''} "
                "wijk" + ("en" if count > 1 else "t") + " meer dan de afronding af van de optelling"
            )
        if missing:
            found.append(
                {
                    "program": row["program"],
                    "missing": missing,
                    "people": people.get(row["program"].slug, []),
                }
            )
    return found


def people_progress(report: Report) -> list[dict[str, Any]]:
    """Per person working on a report: how far their programs are, and their notes.

    A person is who is assigned to one of its programs, or who has an unsettled note of
    it; the counts are `summary`'s, summed over their programs, so they add up to what
    the programs show. Overdue notes are those past their due date (Note.is_overdue).
    """
    programs = Program.objects.filter(report=report).select_related("report")
    by_slug = {row["program"].slug: row for row in summary(programs)}
    people: dict[int, dict[str, Any]] = {}

    def person(user: Any) -> dict[str, Any]:
        return people.setdefault(
            user.pk,
            {
                "name": user.get_full_name() or user.get_username(),
                "programs": [],
                "activities": {"filled": 0, "total": 0},
                "indicators": {"filled": 0, "total": 0},
                "notes": 0,
                "overdue": 0,
            },
        )

    assignments = ProgramAssignment.objects.filter(program_slug__in=list(by_slug))
    for assignment in assignments.select_related("user").order_by("user__username"):
        row, entry = by_slug[assignment.program_slug], person(assignment.user)
        entry["programs"].append(row["program"].name)
        for part in ("activities", "indicators"):
            entry[part]["filled"] += row[part]["filled"]
            entry[part]["total"] += row[part]["total"]
    # Waiting for the person it was given to: an answered note waits for its author.
    notes = (
        Note.objects.filter(program__report=report, assignee__isnull=False, state=NoteState.OPEN)
        .select_related("assignee")
        .order_by("assignee__username", "pk")
    )
    for note in notes:
        entry = person(note.assignee)
        entry["notes"] += 1
        entry["overdue"] += note.is_overdue
    return sorted(people.values(), key=lambda entry: entry["name"].lower())
