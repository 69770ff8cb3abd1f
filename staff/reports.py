"""The P&C controller's pages: a report from scratch, its programs, who works on them.

The controller runs the cycle (rules.py: programs.run_cycle). Programs are added, renamed
and reordered while the report is a concept; assignments are by a program's code and so
hold for every year, and may change at any time.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from indicators.models import Indicator, IndicatorValue
from programs import services
from programs.models import (
    Activity,
    Program,
    ProgramAssignment,
    Report,
    ReportStatus,
    frozen_message,
)
from programs.rules import POLICY_GROUP

from . import forms as staff_forms
from .structure import _activities, _count
from .views import _edit, _require


def _report(request: HttpRequest, kind: str, year: int, *, concept: bool = False) -> Report:
    _require(request, "programs.run_cycle")
    report = get_object_or_404(Report, kind=kind, year=year)
    if concept and report.status != ReportStatus.CONCEPT:
        raise PermissionDenied(
            f"De programma's van {report.title} liggen vast zolang het verslag "
            f"‘{report.get_status_display()}’ is: ze worden alleen in een concept "
            "toegevoegd, hernoemd of verplaatst."
        )
    return report


def _programs_url(report: Report) -> str:
    return reverse("staff:programs", args=[report.kind, report.year])


@login_required
def new_report(request: HttpRequest) -> HttpResponse:
    _require(request, "programs.run_cycle")
    form = staff_forms.NewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.status = ReportStatus.CONCEPT
        report.save()
        messages.success(request, f"{report.title} is begonnen als leeg concept.")
        return redirect(_programs_url(report))
    status = 400 if form.errors else 200
    return render(request, "staff/new_report.html", {"form": form}, status=status)


@login_required
def threshold(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    """The threshold beyond which a budget result asks finance for a toelichting."""
    report = _report(request, kind, year)
    if report.status == ReportStatus.ADOPTED:
        raise PermissionDenied(frozen_message(report.title))
    form = staff_forms.ThresholdForm(
        request.POST if request.method == "POST" else None, instance=report
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Drempel voor een toelichting opgeslagen ({report.title}).")
        return redirect(_programs_url(report))
    context = {"report": report, "form": form, "back": _programs_url(report)}
    return render(request, "staff/threshold.html", context, status=400 if form.errors else 200)


def _policy_staff() -> Any:
    return (
        User.objects.filter(groups__name=POLICY_GROUP, is_active=True)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


@login_required
def programs(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    """The report's programs, a form to add one, and per program who works on it."""
    report = _report(request, kind, year)
    last = report.programs.aggregate(last=models.Max("order"))["last"] or 0
    form = staff_forms.ProgramForm(
        request.POST or None, instance=Program(report=report, order=last + 1)
    )
    if request.method == "POST":
        if report.status != ReportStatus.CONCEPT:
            _report(request, kind, year, concept=True)  # raises the Dutch refusal
        if form.is_valid():
            with transaction.atomic():
                program = form.save()
            messages.success(request, f"{program.heading} toegevoegd.")
            return redirect(_programs_url(report))
    staff = list(_policy_staff())
    assigned: dict[str, set[int]] = {}
    for slug, user_id in ProgramAssignment.objects.values_list("program_slug", "user_id"):
        assigned.setdefault(slug, set()).add(user_id)
    rows = [
        {
            "program": program,
            "people": [user for user in staff if user.pk in assigned.get(program.slug, set())],
            "form": staff_forms.AssignmentForm(
                policy_staff=_policy_staff(),
                prefix=f"p{program.pk}",
                initial={"users": sorted(assigned.get(program.slug, set()))},
            ),
        }
        for program in report.programs.all()
    ]
    context = {
        "report": report,
        "rows": rows,
        "form": form,
        "is_concept": report.status == ReportStatus.CONCEPT,
    }
    return render(request, "staff/programs.html", context, status=400 if form.errors else 200)


@login_required
def edit_program(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    report = _report(request, kind, year, concept=True)
    found = get_object_or_404(Program, report=report, slug=program)
    return _edit(
        request,
        program=found,
        obj=found,
        form_class=staff_forms.ProgramForm,
        title=found.heading,
        back=_programs_url(report),
    )


@login_required
@require_POST
def move_program(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    report = _report(request, kind, year, concept=True)
    found = get_object_or_404(Program, report=report, slug=program)
    services.move_within(
        report.programs.all(), pk=found.pk, up=request.POST.get("richting") == "omhoog"
    )
    return redirect(_programs_url(report))


@login_required
def remove_program(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    """Asks first, saying everything that goes with the program; then removes it all."""
    report = _report(request, kind, year, concept=True)
    found = get_object_or_404(Program, report=report, slug=program)
    form = staff_forms.RemoveForm(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = Program.objects.select_for_update().filter(pk=found.pk).first()
            if current is not None and current.version == form.cleaned_data["version"]:
                current.delete()
                messages.success(request, f"{found.heading} is verwijderd uit {report.title}.")
                return redirect(_programs_url(report))
        messages.error(
            request,
            f"{found.heading} is niet verwijderd: iemand anders heeft het intussen gewijzigd. "
            "Bekijk hieronder wat er nu bij hoort en besluit opnieuw.",
        )
        return redirect(request.path)
    context = {
        "report": report,
        "program": found,
        "goes_with": what_goes_with_program(found),
        "form": form,
        "back": _programs_url(report),
    }
    return render(request, "staff/program_remove.html", context)


def what_goes_with_program(program: Program) -> list[str]:
    """In Dutch, everything removing a program removes, filled-in work first of all."""
    activities = Activity.objects.filter(subgoal__goal__program=program)
    values = IndicatorValue.objects.filter(indicator__table__program=program)
    counts = [
        _count(program.goals.count(), "doelstelling", "doelstellingen"),
        _activities(activities),
        _count(
            Indicator.objects.filter(table__program=program).count(), "indicator", "indicatoren"
        ),
        _count(values.count(), "ingevulde waarde", "ingevulde waarden"),
        _count(program.developments.count(), "ontwikkeling", "ontwikkelingen"),
        _count(program.budget_lines.count(), "begrotingsregel", "begrotingsregels"),
        _count(program.investments.count(), "investering", "investeringen"),
        _count(program.carry_overs.count(), "overheveling", "overhevelingen"),
        _count(program.footnotes.count(), "voetnoot", "voetnoten"),
    ]
    return [text for text in counts if text]


@login_required
@require_POST
def assign(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    """Set who works on a program: policy staff checked get it, those unchecked lose it."""
    report = _report(request, kind, year)
    found = get_object_or_404(Program, report=report, slug=program)
    form = staff_forms.AssignmentForm(
        request.POST, policy_staff=_policy_staff(), prefix=f"p{found.pk}"
    )
    if not form.is_valid():
        messages.error(request, "Niet opgeslagen: kies medewerkers uit de lijst.")
        return redirect(_programs_url(report))
    chosen = {user.pk for user in form.cleaned_data["users"]}
    with transaction.atomic():
        current = ProgramAssignment.objects.filter(
            program_slug=found.slug, user__in=_policy_staff()
        )
        current.exclude(user_id__in=chosen).delete()
        have = set(current.values_list("user_id", flat=True))
        ProgramAssignment.objects.bulk_create(
            ProgramAssignment(user_id=pk, program_slug=found.slug) for pk in chosen - have
        )
    names = ", ".join(user.username for user in form.cleaned_data["users"]) or "niemand"
    messages.success(request, f"{found.heading}: toegewezen aan {names}.")
    return redirect(_programs_url(report))
