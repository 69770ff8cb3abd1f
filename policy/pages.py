"""Context for the public pages of policy notes, council documents and projects.

Readers see links only into reports they may read: a section of a draft report
is left out for anonymous readers, as the draft itself is.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse

from diemen_sociaal.lib.dutch import format_date
from programs.extensions import SeeAlso
from programs.models import CouncilDocument, DevelopmentSection, Goal, Program, Report

from .models import GoalLink, PolicyNote, Project, Subject


@dataclass(frozen=True)
class Event:
    """One line of a timeline."""

    when: date | None
    what: str  # "Raadsvergadering", "Gepland", "Jaarstukken", ...
    title: str
    url: str = ""
    detail: str = ""
    # A planned quarter is not a day: "3e en 4e kwartaal 2023" says what is known.
    when_text: str = ""

    @property
    def when_label(self) -> str:
        if self.when_text:
            return self.when_text
        return format_date(self.when) if self.when else "nog zonder datum"


def timeline(events: list[Event]) -> list[Event]:
    """In date order; events without a date at the end, in the order given.

    The same event reached twice (a letter about a project of the subject, and about the
    subject itself) is shown once."""
    events = list(dict.fromkeys(events))
    dated = sorted((e for e in events if e.when), key=lambda e: e.when)  # type: ignore[arg-type,return-value]
    return dated + [e for e in events if not e.when]


def document_url(document: CouncilDocument) -> str:
    return reverse("policy:document", args=[document.slug])


def project_url(project: Project) -> str:
    return reverse("policy:project", args=[project.slug])


def note_url(note: PolicyNote) -> str:
    return reverse("policy:note", args=[note.slug])


def section_url(section: DevelopmentSection) -> str:
    program = section.program
    base = reverse(
        "programs:chapter", args=[program.report.kind, program.report.year, program.slug]
    )
    return f"{base}#ontwikkeling-{section.order}"


def goal_url(goal: Goal) -> str:
    program = goal.program
    report = program.report
    return reverse("programs:goal", args=[report.kind, report.year, program.slug, goal.code])


def _document_events(documents: list[CouncilDocument]) -> list[Event]:
    events = []
    for document in documents:
        kind = document.get_kind_display()
        if document.college_date and not document.council_date:
            events.append(
                Event(
                    document.college_date,
                    f"{kind} (collegebesluit)",
                    document.subject,
                    document_url(document),
                )
            )
        if document.council_date:
            events.append(
                Event(
                    document.council_date,
                    f"{kind} (raadsvergadering)",
                    document.subject,
                    document_url(document),
                )
            )
    return events


def _report_event(report: Report, title: str, url: str) -> Event:
    detail = report.version_label if report.is_adopted else report.get_status_display()
    if report.adopted_on is None and report.is_budget:
        # A budget is adopted before its year begins, even where the date is not recorded.
        before = date(report.year - 1, 12, 31)
        return Event(before, report.title, title, url, detail, when_text=f"vóór {report.year}")
    return Event(report.adopted_on, report.title, title, url, detail)


def _goals(
    refs: list[tuple[str, str]], user: Any, years: tuple[int, int] | None = None
) -> list[Goal]:
    """The goals with these (program, code) references in every report the user may read."""
    wanted = Q(pk__in=[])
    for program_slug, code in refs:
        wanted |= Q(program__slug=program_slug, code=code)
    found = Goal.objects.filter(wanted).filter(program__report__in=Report.objects.visible_to(user))
    if years:
        found = found.filter(
            program__report__year__gte=years[0], program__report__year__lte=years[1]
        )
    return list(
        # Per year the budget before the annual report, as they appear.
        found.select_related("program__report").order_by(
            "program__report__year", "-program__report__kind", "program__slug", "code"
        )
    )


def _goal_report_events(goals: list[Goal]) -> list[Event]:
    """Per report: the budget plans the goals, the annual report accounts for them."""
    reports: dict[int, Report] = {g.program.report.pk: g.program.report for g in goals}
    return [
        _report_event(
            report,
            ("plant" if report.is_budget else "verantwoordt")
            + " de doelstellingen "
            + ", ".join(sorted({g.code for g in goals if g.program.report_id == report.pk})),
            reverse("programs:report", args=[report.kind, report.year]),
        )
        for report in reports.values()
    ]


def _phase_events(project: Project) -> list[Event]:
    return [
        Event(
            phase.planned_date,
            f"{phase.label} ({phase.get_status_display().lower()})",
            phase.description,
            when_text=phase.planned or str(phase.planned_year),
        )
        for phase in project.phases.all()
        if phase.planned_date
    ]


def _section_events(sections: list[DevelopmentSection]) -> list[Event]:
    return [
        _report_event(section.program.report, section.title, section_url(section))
        for section in sections
    ]


def _note_start(note: PolicyNote) -> Event:
    return Event(date(note.start_year, 1, 1), "Begin looptijd", f"{note.title} {note.period}")


def index_context() -> dict[str, Any]:
    return {
        "subjects": list(Subject.objects.all()),
        "notes": list(PolicyNote.objects.all()),
        "projects": list(Project.objects.all()),
        "documents": list(CouncilDocument.objects.all()),
    }


def note_context(note: PolicyNote, user: Any) -> dict[str, Any]:
    central_goals = list(note.central_goals.prefetch_related("goal_links"))
    links = [link for goal in central_goals for link in goal.goal_links.all()]
    # The program goals that serve the note, in every readable report of its period.
    goals = _goals(
        [(link.program_slug, link.goal_code) for link in links],
        user,
        (note.start_year, note.end_year),
    )
    serving: dict[int, list[Goal]] = defaultdict(list)
    by_ref: dict[tuple[str, str], list[Goal]] = {
        (link.program_slug, link.goal_code): [] for link in links
    }
    for goal in goals:
        by_ref.setdefault((goal.program.slug, goal.code), []).append(goal)
    for central in central_goals:
        for link in central.goal_links.all():
            serving[central.pk] += by_ref.get((link.program_slug, link.goal_code), [])
    themes = list(note.themes.prefetch_related("process_goals__financing"))
    documents = list(note.documents.all())
    events = [_note_start(note), *_document_events(documents), *_goal_report_events(goals)]
    return {
        "note": note,
        "central_goals": [
            (central, [(goal, goal_url(goal)) for goal in serving[central.pk]])
            for central in central_goals
        ],
        "themes": themes,
        "documents": documents,
        "timeline": timeline(events),
    }


def _visible_sections(queryset: Any, user: Any) -> list[DevelopmentSection]:
    return list(
        queryset.filter(program__report__in=Report.objects.visible_to(user))
        .select_related("program__report")
        .order_by("program__report__year", "order")
    )


def project_context(project: Project, user: Any) -> dict[str, Any]:
    phases = list(project.phases.select_related("track"))
    sections = _visible_sections(project.reported_in, user)
    documents = list(project.documents.all())
    events = [*_document_events(documents), *_phase_events(project), *_section_events(sections)]
    return {
        "project": project,
        "tracks": list(project.tracks.all()),
        "phases": phases,
        "sections": [(section, section_url(section)) for section in sections],
        "documents": documents,
        "timeline": timeline(events),
    }


def document_context(document: CouncilDocument, user: Any) -> dict[str, Any]:
    sections = _visible_sections(document.developments, user)
    goals = _goals([(r.program_slug, r.goal_code) for r in document.goal_refs.all()], user)
    return {
        "document": document,
        "decision_points": list(document.decision_points.all()),
        "responses": list(document.responses.all()),
        "notes": list(document.policy_notes.all()),
        "projects": list(document.projects.all()),
        "sections": [(section, section_url(section)) for section in sections],
        "goals": [(goal, goal_url(goal)) for goal in goals],
        # The budget changes it decided, in the reports this reader may see.
        "budget_changes": list(
            document.budget_changes.filter(
                program__report__in=Report.objects.visible_to(user)
            ).select_related("line", "program__report")
        ),
    }


def subject_context(subject: Subject, user: Any) -> dict[str, Any]:
    """Everything about a subject in one timeline: the notes and their goals, the projects
    and their phases and reports, and every council document about any of them."""
    notes = list(subject.policy_notes.all())
    projects = list(subject.projects.prefetch_related("phases"))
    documents = {
        d.pk: d
        for d in CouncilDocument.objects.filter(
            Q(subjects=subject) | Q(policy_notes__in=notes) | Q(projects__in=projects)
        )
        .distinct()
        .order_by("college_date", "council_date")
    }
    refs = [(r.program_slug, r.goal_code) for r in subject.goal_refs.all()]
    goals = _goals(refs, user)
    for note in notes:
        links = GoalLink.objects.filter(central_goal__note=note)
        note_goals = _goals(
            [(link.program_slug, link.goal_code) for link in links],
            user,
            (note.start_year, note.end_year),
        )
        goals += [goal for goal in note_goals if goal not in goals]
    sections = _visible_sections(
        DevelopmentSection.objects.filter(projects__in=projects).distinct(), user
    )
    events = [
        *[_note_start(note) for note in notes],
        *_document_events(list(documents.values())),
        *[event for project in projects for event in _phase_events(project)],
        *_goal_report_events(goals),
        *_section_events(sections),
    ]
    return {
        "subject": subject,
        "notes": notes,
        "projects": projects,
        "documents": list(documents.values()),
        "goals": [(goal, goal_url(goal)) for goal in goals],
        "sections": [(section, section_url(section)) for section in sections],
        "timeline": timeline(events),
    }


# --- "See also" on the report pages (registered in apps.py) --------------------------------


def development_links(sections: list[DevelopmentSection]) -> dict[int, list[SeeAlso]]:
    """Projects and council documents per development section: two queries."""
    ids = [section.pk for section in sections]
    found: dict[int, list[SeeAlso]] = defaultdict(list)
    projects = Project.reported_in.through.objects.filter(
        developmentsection_id__in=ids
    ).select_related("project")
    for row in projects:
        found[row.developmentsection_id].append(
            SeeAlso("Project", row.project.name, project_url(row.project))
        )
    documents = CouncilDocument.developments.through.objects.filter(
        developmentsection_id__in=ids
    ).select_related("councildocument")
    for document_row in documents:
        document = document_row.councildocument
        found[document_row.developmentsection_id].append(
            SeeAlso(
                document.get_kind_display(),
                document.subject,
                document_url(document),
                document.dates_label,
            )
        )
    return dict(found)


def goal_links(program: Program, code: str) -> list[SeeAlso]:
    """The central goals a goal serves (policy notes of its year) and the documents: two queries."""
    year = program.report.year
    links = list(
        GoalLink.objects.filter(
            program_slug=program.slug,
            goal_code=code,
            central_goal__note__start_year__lte=year,
            central_goal__note__end_year__gte=year,
        ).select_related("central_goal__note")
    )
    result = [
        SeeAlso(
            f"Beleidsnota {link.central_goal.note.title}",
            f"centrale doelstelling {link.central_goal}",
            note_url(link.central_goal.note),
            link.central_goal.note.period,
        )
        for link in links
    ]
    notes = {link.central_goal.note_id for link in links}
    documents = CouncilDocument.objects.filter(
        Q(goal_refs__program_slug=program.slug, goal_refs__goal_code=code)
        | Q(policy_notes__in=notes)
    ).distinct()
    result += [
        SeeAlso(d.get_kind_display(), d.subject, document_url(d), d.dates_label) for d in documents
    ]
    return result
