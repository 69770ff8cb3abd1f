"""Load the policy notes, council documents, projects and subjects from fixtures/policy/*.yaml.

Idempotent like the report seeds: what exists (by slug) is left alone. Links to
development sections name the report, program and section title, so they load
after the reports; a link to a section that is not there is an error, not a
silent gap.
"""

from pathlib import Path
from typing import Any

from django.db import transaction

from diemen_sociaal.seed import FIXTURES_DIR, SeedError, read_seed
from programs.models import CouncilDocument, DevelopmentSection

from .models import (
    CentralGoal,
    DecisionPoint,
    DevelopmentTheme,
    DocumentGoal,
    Financing,
    GoalLink,
    PolicyNote,
    ProcessGoal,
    Project,
    ProjectPhase,
    ProjectTrack,
    Subject,
    SubjectGoal,
)

POLICY_DIR = FIXTURES_DIR / "policy"


def policy_seed_files() -> list[Path]:
    return sorted(POLICY_DIR.glob("*.yaml"))


def load_all() -> list[tuple[str, bool]]:
    """Every policy seed file; returns (what, written) per item."""
    result: list[tuple[str, bool]] = []
    files = [read_seed(path) for path in policy_seed_files()]
    # Notes and projects first: documents of any file link to them.
    for data in files:
        result += [load_note(item) for item in data.get("policy_notes", [])]
        result += [load_project(item) for item in data.get("projects", [])]
    for data in files:
        result += [load_document(item) for item in data.get("council_documents", [])]
    # Subjects last: they gather notes, projects and documents of every file.
    for data in files:
        result += [load_subject(item) for item in data.get("subjects", [])]
    return result


@transaction.atomic
def load_note(data: dict[str, Any]) -> tuple[str, bool]:
    if PolicyNote.objects.filter(slug=data["slug"]).exists():
        return data["slug"], False
    note = PolicyNote.objects.create(
        slug=data["slug"],
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        ambition=data.get("ambition", ""),
        start_year=data["start_year"],
        original_end_year=data["original_end_year"],
        end_year=data["end_year"],
    )
    for order, item in enumerate(data.get("central_goals", [])):
        goal = CentralGoal.objects.create(
            note=note,
            numeral=item["numeral"],
            title=item["title"],
            short_name=item.get("short_name", ""),
            order=order,
        )
        for ref in item.get("serves", []):
            program_slug, goal_code = _goal_ref(ref)
            GoalLink.objects.create(
                central_goal=goal, program_slug=program_slug, goal_code=goal_code
            )
    for order, item in enumerate(data.get("themes", [])):
        theme = DevelopmentTheme.objects.create(
            note=note, letter=item["letter"], title=item["title"], order=order
        )
        for goal_order, goal_data in enumerate(item.get("process_goals", [])):
            process_goal = ProcessGoal.objects.create(
                theme=theme,
                numeral=goal_data["numeral"],
                title=goal_data["title"],
                description=goal_data.get("description", ""),
                order=goal_order,
            )
            for money in goal_data.get("financing", []):
                Financing.objects.create(
                    process_goal=process_goal,
                    amount=money.get("amount"),
                    per_year=money.get("per_year", False),
                    first_year=money.get("first_year"),
                    last_year=money.get("last_year"),
                    source=money["source"],
                    remark=money.get("remark", ""),
                )
    return data["slug"], True


@transaction.atomic
def load_project(data: dict[str, Any]) -> tuple[str, bool]:
    if Project.objects.filter(slug=data["slug"]).exists():
        return data["slug"], False
    project = Project.objects.create(
        slug=data["slug"], name=data["name"], description=data.get("description", "")
    )
    project.reported_in.set(_developments(data.get("reported_in", [])))
    tracks = {
        item["number"]: ProjectTrack.objects.create(
            project=project, number=item["number"], title=item["title"]
        )
        for item in data.get("tracks", [])
    }
    for order, item in enumerate(data.get("phases", [])):
        ProjectPhase.objects.create(
            project=project,
            track=tracks.get(item.get("track")),
            label=item["label"],
            order=order,
            planned=item.get("planned", ""),
            planned_year=item.get("planned_year"),
            planned_quarter=item.get("planned_quarter"),
            description=item["description"],
            status=item.get("status", "gepland"),
            done=item.get("done", ""),
        )
    return data["slug"], True


@transaction.atomic
def load_document(data: dict[str, Any]) -> tuple[str, bool]:
    if CouncilDocument.objects.filter(slug=data["slug"]).exists():
        return data["slug"], False
    responds_to = None
    if data.get("responds_to"):
        responds_to = CouncilDocument.objects.filter(slug=data["responds_to"]).first()
        if responds_to is None:
            raise SeedError(f"{data['slug']}: responds to unknown {data['responds_to']}")
    document = CouncilDocument.objects.create(
        slug=data["slug"],
        kind=data["kind"],
        subject=data["subject"],
        college_date=data.get("college_date"),
        council_date=data.get("council_date"),
        summary=data.get("summary", ""),
        responds_to=responds_to,
    )
    for number, text in enumerate(data.get("decision_points", []), start=1):
        DecisionPoint.objects.create(document=document, number=number, text=text)
    document.policy_notes.set(_by_slug(PolicyNote, data.get("policy_notes", []), document))
    document.projects.set(_by_slug(Project, data.get("projects", []), document))
    document.developments.set(_developments(data.get("developments", [])))
    for ref in data.get("goals", []):
        program_slug, goal_code = _goal_ref(ref)
        DocumentGoal.objects.create(
            document=document, program_slug=program_slug, goal_code=goal_code
        )
    return data["slug"], True


@transaction.atomic
def load_subject(data: dict[str, Any]) -> tuple[str, bool]:
    if Subject.objects.filter(slug=data["slug"]).exists():
        return data["slug"], False
    subject = Subject.objects.create(
        slug=data["slug"], title=data["title"], description=data.get("description", "")
    )
    subject.policy_notes.set(_by_slug(PolicyNote, data.get("policy_notes", []), subject))
    subject.projects.set(_by_slug(Project, data.get("projects", []), subject))
    subject.documents.set(_by_slug(CouncilDocument, data.get("documents", []), subject))
    for ref in data.get("goals", []):
        program_slug, goal_code = _goal_ref(ref)
        SubjectGoal.objects.create(subject=subject, program_slug=program_slug, goal_code=goal_code)
    return data["slug"], True


def _goal_ref(ref: str) -> tuple[str, str]:
    program_slug, _, goal_code = ref.partition("/")
    if not goal_code:
        raise SeedError(f"A goal is named as program/code, as in sociaal/3, not {ref!r}")
    return program_slug, goal_code


def _by_slug(model: type[Any], slugs: list[str], owner: CouncilDocument | Subject) -> list[Any]:
    found = list(model.objects.filter(slug__in=slugs))
    if len(found) != len(set(slugs)):
        raise SeedError(f"{owner.slug}: unknown {model.__name__} among {slugs}")
    return found


def _developments(refs: list[dict[str, str]]) -> list[DevelopmentSection]:
    sections = []
    for ref in refs:
        kind, _, year = ref["report"].partition("/")
        section = DevelopmentSection.objects.filter(
            program__report__kind=kind,
            program__report__year=int(year),
            program__slug=ref["program"],
            title=ref["development"],
        ).first()
        if section is None:
            raise SeedError(f"No development section {ref['development']!r} in {ref['report']}")
        sections.append(section)
    return sections
