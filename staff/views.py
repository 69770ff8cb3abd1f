"""Staff pages: worklist, edit forms, history, status changes, a new year.

Kept apart from the public views so a permission mistake in one cannot open
the other. Every view checks on the server, through the predicates in
rules.py, before it reads or writes anything; a refusal is a 403 with a Dutch
reason, never a silent no-op.
"""

import difflib
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BigIntegerField, F, Max, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from cycle import new_year
from diemen_sociaal.lib.costs import budget_table
from diemen_sociaal.lib.dutch import format_euros
from indicators.bbv import bbv_completeness
from indicators.models import Footnote, Indicator, IndicatorValue, marks_of
from indicators.services import save_indicator_values
from investments.models import (
    COLUMN_LABELS,
    BudgetChange,
    BudgetLine,
    CarryOver,
    Investment,
    program_budget_steps,
    program_cost_table,
    taakveld_table,
)
from programs import services
from programs.models import (
    OPEN_STATUSES,
    Activity,
    DevelopmentSection,
    Erratum,
    Note,
    NoteState,
    Program,
    Report,
    ReportKind,
    ReportStatus,
    Versioned,
    frozen_message,
    offered_message,
)
from programs.services import Conflict, StatusChangeRefused

from . import forms as staff_forms
from . import worklist


def _program(request: HttpRequest, kind: str, year: int, slug: str, perm: str) -> Program:
    program = get_object_or_404(Program.objects.at(kind, year, slug))
    _require(request, perm, program)
    return program


def _require(request: HttpRequest, perm: str, program: Program | None = None) -> None:
    if request.user.has_perm(perm, program):
        return
    if program is not None and program.report.status == ReportStatus.ADOPTED:
        raise PermissionDenied(frozen_message(program.report.title))
    if program is not None and program.report.status == ReportStatus.OFFERED:
        raise PermissionDenied(offered_message(program.report.title))
    raise PermissionDenied("U heeft geen recht om dit te wijzigen.")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "programs.use_staff_pages")
    reports = list(Report.objects.prefetch_related("programs").order_by("-year", "kind"))
    context = {
        "reports": reports,
        "progress": worklist.progress_by_report(reports, request.user),
        "bbv": bbv_completeness(reports),
        # What others asked of this person and is not settled yet, the earliest due first.
        "my_notes": list(
            Note.objects.filter(assignee=request.user.pk)
            .exclude(state=NoteState.RESOLVED)
            .select_related("program__report")
            .order_by(F("due_date").asc(nulls_last=True), "pk")
        ),
        "can_change_status": request.user.has_perm("programs.change_report_status"),
        "can_run_cycle": request.user.has_perm("programs.run_cycle"),
        # Who runs the cycle sees per person how far the reports still being written are.
        "people": {
            report.pk: worklist.people_progress(report)
            for report in reports
            if report.status in OPEN_STATUSES
        }
        if request.user.has_perm("programs.run_cycle")
        else {},
        "structure_ids": {
            program.pk
            for report in reports
            for program in report.programs.all()
            if request.user.has_perm("programs.edit_structure", program)
        },
        "notes_ids": {
            program.pk
            for report in reports
            for program in report.programs.all()
            if request.user.has_perm("programs.read_notes", program)
        },
    }
    return render(request, "staff/dashboard.html", context)


@login_required
def worklist_view(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    _require(request, "programs.use_staff_pages")
    report = get_object_or_404(Report, kind=kind, year=year)
    programs = worklist.programs_for(request.user, report)
    activity_filter = worklist.ActivityFilter(request.GET, queryset=worklist.activities(programs))
    indicator_filter = worklist.IndicatorFilter(request.GET, queryset=worklist.indicators(programs))
    activity_table = worklist.ActivityTable(activity_filter.qs, prefix="a-")
    indicator_table = worklist.IndicatorTable(indicator_filter.qs, prefix="i-")
    RequestConfig(request, paginate={"per_page": 50}).configure(activity_table)
    RequestConfig(request, paginate={"per_page": 50}).configure(indicator_table)
    context = {
        "report": report,
        "filter": indicator_filter,
        "activity_table": activity_table,
        "indicator_table": indicator_table,
        "summary": worklist.summary(programs),
        "structure_slugs": {
            p.slug for p in programs if request.user.has_perm("programs.edit_structure", p)
        },
    }
    return render(request, "staff/worklist.html", context)


def _edit(
    request: HttpRequest,
    *,
    program: Program,
    obj: Versioned,
    form_class: type[staff_forms.VersionedForm],
    title: str,
    back: str,
) -> HttpResponse:
    """Show and save one versioned item; a stale save shows the conflict page instead."""
    back = _return_url(request, back)
    if request.method == "POST" and RESTORE_PARAM in request.POST:
        if program.report.status == ReportStatus.OFFERED:
            # There every change is a nota van wijziging, with its reason.
            messages.error(
                request,
                "Terugzetten kan niet meer: het verslag is aangeboden aan de raad. Wijzig het "
                "met een nota van wijziging.",
            )
            return redirect(request.get_full_path())
        return _restore(request, obj=obj, form_class=form_class, title=title)
    form = form_class(request.POST or None, instance=obj)
    erratum = _erratum_form(request, program)
    if request.method == "POST" and _all_valid(form, erratum):
        try:
            with transaction.atomic():
                services.save_versioned(
                    model=type(obj),
                    pk=obj.pk,
                    version=form.cleaned_data["version"],
                    apply=form.apply_to,
                )
                _record_erratum(request, program, title, erratum)
        except Conflict as conflict:
            return _conflict(request, program, form, conflict.current, title, back)
        messages.success(request, f"{title}: opgeslagen.")
        return redirect(back)
    context = {
        "report": program.report,
        "program": program,
        "form": form,
        "erratum": erratum,
        "title": title,
        "back": back,
        "history": _history(obj),
        "object_version": obj.version,
        "restore_param": RESTORE_PARAM,
    }
    return render(request, "staff/edit.html", context, status=_status_of(form, erratum))


def _erratum_form(request: HttpRequest, program: Program) -> staff_forms.ErratumForm | None:
    """The reason a change to an offered report needs; None while edits are ordinary."""
    if program.report.status != ReportStatus.OFFERED:
        return None
    return staff_forms.ErratumForm(request.POST or None)


def _all_valid(form: Any, erratum: staff_forms.ErratumForm | None) -> bool:
    valid = form.is_valid()
    return (erratum is None or erratum.is_valid()) and valid


def _status_of(form: Any, erratum: staff_forms.ErratumForm | None) -> int:
    """400 when the page shows a field's message, also only the erratum's."""
    return 400 if form.errors or (erratum is not None and erratum.errors) else 200


def _record_erratum(
    request: HttpRequest, program: Program, subject: str, erratum: staff_forms.ErratumForm | None
) -> None:
    """Publish the change beside the offered report, numbered per report."""
    if erratum is None:
        return
    report = Report.objects.select_for_update().get(pk=program.report_id)
    last = report.errata.aggregate(last=Max("number"))["last"] or 0
    Erratum.objects.create(
        report=report,
        program=program,
        number=last + 1,
        subject=Truncator(f"{program.heading}: {subject}").chars(300),
        reason=erratum.cleaned_data["reason"].strip(),
        made_by_id=request.user.pk,
    )


RESTORE_PARAM = "terugzetten"
# An item's identity is never put back: a number changes only by renumbering, on purpose.
NEVER_RESTORED = ("code", "slug")


def _restore(
    request: HttpRequest, *, obj: Versioned, form_class: type[staff_forms.VersionedForm], title: str
) -> HttpResponse:
    """Put back what an earlier version of the item said, as a new version of its own."""
    try:
        history_id = int(request.POST[RESTORE_PARAM])
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "Deze versie bestaat niet.")
        return redirect(request.get_full_path())
    record = get_object_or_404(obj.history, history_id=history_id)  # type: ignore[attr-defined]
    names = [name for name in form_class._meta.fields or () if name not in NEVER_RESTORED]

    def apply(current: Any) -> None:
        for name in names:
            setattr(current, name, getattr(record, name))

    try:
        services.save_versioned(model=type(obj), pk=obj.pk, version=version, apply=apply)
    except Conflict:
        messages.error(
            request,
            "Niet teruggezet: iemand anders heeft dit intussen gewijzigd. Bekijk de "
            "geschiedenis opnieuw en kies dan.",
        )
        return redirect(request.get_full_path())
    when = timezone.localtime(record.history_date).strftime("%d-%m-%Y %H:%M")
    messages.success(request, f"{title}: de versie van {when} is teruggezet.")
    return redirect(request.get_full_path())


def _conflict(
    request: HttpRequest,
    program: Program,
    form: staff_forms.VersionedForm,
    current: Any,
    title: str,
    back: str,
) -> HttpResponse:
    """Both versions side by side; saving again from here deliberately replaces theirs."""
    rows = []
    for name in form._meta.fields or ():
        field = form.fields[name]
        mine = form.cleaned_data.get(name)
        theirs = getattr(current, name)
        rows.append(
            {
                "label": field.label,
                "mine": field.prepare_value(mine) if hasattr(field, "prepare_value") else mine,
                "theirs": field.prepare_value(theirs)
                if hasattr(field, "prepare_value")
                else theirs,
                "diff": _text_diff(str(theirs or ""), str(mine or "")),
                "differs": mine != theirs,
            }
        )
    data = request.POST.copy()
    data["version"] = current.version
    retry = type(form)(data, instance=current)
    last = current.history.select_related("history_user").first()
    context = {
        "report": program.report,
        "program": program,
        "title": title,
        "rows": rows,
        "form": retry,
        "back": back,
        "last": last,
    }
    return render(request, "staff/conflict.html", context, status=409)


def _history(obj: Any) -> list[dict[str, Any]]:
    """Who changed what and when, newest first, with a readable diff per field."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:20])
    entries = []
    for record, older in zip(records, records[1:] + [None], strict=True):
        changes = []
        if older is not None:
            delta = record.diff_against(older)
            for change in delta.changes:
                if change.field == "version":
                    continue
                field = obj._meta.get_field(change.field)
                old, new = _shown(field, change.old), _shown(field, change.new)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": old,
                        "new": new,
                        "diff": _text_diff(old, new),
                    }
                )
        entries.append(
            {
                "record": record,
                "changes": changes,
                "created": older is None,
                # The newest is what stands now; an earlier one can be put back.
                "restorable": bool(records) and record is not records[0],
            }
        )
    return entries


def _shown(field: Any, value: Any) -> str:
    """A stored value as the forms show it: amounts as euros (an import's 1500000 reads
    € 1.500.000), an empty amount as "(leeg)" (it is not € 0), other empty values as nothing."""
    if value is None:
        return "(leeg)" if isinstance(field, BigIntegerField) else ""
    if isinstance(field, BigIntegerField) and isinstance(value, int):
        return format_euros(value)
    return str(value)


def _text_diff(old: str, new: str) -> SafeString:
    """Word-level difference with <del>/<ins>; everything escaped first."""
    old_words, new_words = old.split(), new.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(out))  # noqa: S308 - built from escaped parts only


def _chapter_url(program: Program) -> str:
    report = program.report
    return reverse("programs:chapter", args=[report.kind, report.year, program.slug])


def _worklist_url(program: Program) -> str:
    return reverse("staff:worklist", args=[program.report.kind, program.report.year])


def _return_url(request: HttpRequest, default: str) -> str:
    """Where saving or cancelling leads: ?terug= (the worklist as the user left it), if safe.

    Only a local address under /beheer/ is followed, and only its path and query;
    anything else (another site, //host, a path that climbs out of /beheer/, control
    characters) falls back to `default`, so the parameter cannot be an open redirect.
    """
    target = request.GET.get(worklist.RETURN_PARAM, "")
    if not target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    parts = urlsplit(target)
    root = reverse("staff:dashboard")
    if not (posixpath.normpath(unquote(parts.path)) + "/").startswith(root):
        return default
    return urlunsplit(("", "", parts.path, parts.query, ""))


@login_required
def edit_activity(
    request: HttpRequest, kind: str, year: int, program: str, code: str
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    activity = get_object_or_404(Activity, subgoal__goal__program=found, code=code)
    return _edit(
        request,
        program=found,
        obj=activity,
        form_class=staff_forms.PlanForm if found.report.is_budget else staff_forms.ActivityForm,
        title=f"Activiteit {activity.code} - {activity.plan}",
        back=_worklist_url(found),
    )


@login_required
def edit_development(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    # By id, not by position: a form opened before a reorder still saves its own section.
    section = get_object_or_404(DevelopmentSection, program=found, pk=pk)
    return _edit(
        request,
        program=found,
        obj=section,
        form_class=staff_forms.DevelopmentSectionForm,
        title=f"Belangrijke ontwikkeling: {section.title or '(zonder titel)'}",
        back=reverse("staff:developments", args=[kind, year, program]),
    )


@login_required
def developments(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    if request.method == "POST":
        form = staff_forms.NewDevelopmentForm(request.POST)
        if form.is_valid():
            last = found.developments.order_by("-order").values_list("order", flat=True).first()
            DevelopmentSection.objects.create(
                program=found, order=(last or 0) + 1, **form.cleaned_data
            )
            messages.success(request, "Belangrijke ontwikkeling toegevoegd.")
            return redirect(request.path)
    else:
        form = staff_forms.NewDevelopmentForm()
    context = {
        "report": found.report,
        "program": found,
        "sections": list(found.developments.all()),
        "form": form,
    }
    return render(request, "staff/developments.html", context)


@login_required
def footnotes(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    """The chapter's footnotes, where each is used, and a new one (numbered or lettered)."""
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    form = staff_forms.NewFootnoteForm(request.POST or None, program=found)
    erratum = _erratum_form(request, found)
    if request.method == "POST" and _all_valid(form, erratum):
        with transaction.atomic():
            # The next number, under a lock on the chapter, so two new notes never share one.
            Program.objects.select_for_update().filter(pk=found.pk).first()
            last = found.footnotes.aggregate(last=Max("number"))["last"] or 0
            note = form.save(commit=False)
            note.number = last + 1
            note.full_clean()
            note.save()
            _record_erratum(request, found, f"nieuwe voetnoot {note.mark}", erratum)
        messages.success(request, f"Voetnoot {note.mark} toegevoegd.")
        return redirect(request.path)
    notes = found.footnotes.prefetch_related(*Footnote.PLACES)
    rows = [{"note": note, "places": note.places()} for note in notes]
    context = {
        "report": found.report,
        "program": found,
        "rows": rows,
        "form": form,
        "erratum": erratum,
    }
    return render(request, "staff/footnotes.html", context, status=_status_of(form, erratum))


@login_required
@require_POST
def remove_footnote(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    """A note that stands nowhere any more can go, until the report is offered."""
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    back = reverse("staff:footnotes", args=[kind, year, program])
    with transaction.atomic():
        note = Footnote.objects.select_for_update().filter(program=found, pk=pk).first()
        if note is None:
            raise Http404("Deze voetnoot bestaat niet (meer).")
        places = note.values.count() + note.indicators.count() + note.table_marks.count()
        if found.report.status in (ReportStatus.OFFERED, ReportStatus.ADOPTED):
            messages.error(
                request,
                f"Voetnoot {note.mark} is niet verwijderd: {found.report.title} is aangeboden "
                "aan de raad. Wijzig de tekst zo nodig met een nota van wijziging.",
            )
        elif places:
            messages.error(
                request,
                f"Voetnoot {note.mark} is niet verwijderd: hij staat nog op {places} "
                f"{'plek' if places == 1 else 'plekken'}. Haal hem daar eerst weg.",
            )
        elif request.POST.get("version") != str(note.version):
            messages.error(
                request,
                f"Voetnoot {note.mark} is niet verwijderd: iemand anders heeft hem intussen "
                "gewijzigd. Bekijk hieronder wat er nu staat en besluit opnieuw.",
            )
        else:
            note.delete()
            messages.success(request, f"Voetnoot {note.mark} verwijderd.")
    return redirect(back)


@login_required
def edit_footnote(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    note = get_object_or_404(Footnote, program=found, pk=pk)
    return _edit(
        request,
        program=found,
        obj=note,
        form_class=staff_forms.FootnoteForm,
        title=f"Voetnoot {note.mark}",
        back=reverse("staff:footnotes", args=[kind, year, program]),
    )


@login_required
@require_POST
def move_development(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    services.move_section(program=found, pk=pk, up=request.POST.get("richting") == "omhoog")
    return redirect("staff:developments", kind, year, program)


@login_required
def edit_carry_over(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    found = get_object_or_404(Program.objects.at(kind, year, program))
    if request.user.has_perm("programs.edit_money", found):
        form_class: type[staff_forms.VersionedForm] = staff_forms.CarryOverForm
    else:
        _require(request, "programs.edit_policy_content", found)
        form_class = staff_forms.CarryOverReasoningForm
    item = get_object_or_404(CarryOver, program=found, pk=pk)
    return _edit(
        request,
        program=found,
        obj=item,
        form_class=form_class,
        title=f"Voorgestelde overheveling: {item.title}",
        back=reverse("staff:money", args=[kind, year, program]),
    )


@login_required
def money(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    found = get_object_or_404(Program.objects.at(kind, year, program))
    can_money = request.user.has_perm("programs.edit_money", found)
    if not can_money:
        _require(request, "programs.edit_policy_content", found)
    lines = list(BudgetLine.objects.filter(program=found).select_related("taakveld"))
    cost_rows = program_cost_table(found, lines)  # from the rows just fetched
    context = {
        "report": found.report,
        "program": found,
        "lines": lines,
        "cost_rows": cost_rows,
        "budget_table": budget_table(found.report.year, cost_rows, editing=True)
        if found.report.is_budget
        else None,
        "deviations": [
            (row.label, COLUMN_LABELS[column], figure)
            for row in cost_rows
            for column, figure in row.deviations
        ],
        "budget_steps": [] if found.report.is_budget else program_budget_steps(found, lines),
        "taakveld_rows": taakveld_table(found, lines, cost_rows[-1]),
        "carry_overs": list(CarryOver.objects.filter(program=found)),
        "investments": list(Investment.objects.filter(program=found)),
        "can_money": can_money,
        "can_add": request.user.has_perm("programs.add_money", found),
    }
    return render(request, "staff/money.html", context)


@login_required
def edit_budget_line(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_money")
    line = get_object_or_404(BudgetLine, program=found, pk=pk)
    return _edit(
        request,
        program=found,
        obj=line,
        form_class=(
            staff_forms.PlannedBudgetLineForm
            if found.report.is_budget
            else staff_forms.BudgetLineForm
        ),
        title=f"{line.label} ({line.get_nature_display().lower()})",
        back=reverse("staff:money", args=[kind, year, program]),
    )


@login_required
def edit_investment(
    request: HttpRequest, kind: str, year: int, program: str, number: str
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_money")
    item = get_object_or_404(Investment, program=found, number=number)
    return _edit(
        request,
        program=found,
        obj=item,
        form_class=staff_forms.InvestmentForm,
        title=f"Investering {item.number} {item.name}",
        back=reverse("staff:money", args=[kind, year, program]),
    )


@login_required
def edit_budget_change(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_money")
    item = get_object_or_404(BudgetChange, program=found, pk=pk)
    return _edit(
        request,
        program=found,
        obj=item,
        form_class=staff_forms.BudgetChangeForm,
        title=f"Begrotingswijziging: {item.description}",
        back=reverse("staff:money", args=[kind, year, program]),
    )


@login_required
def edit_indicator(
    request: HttpRequest, kind: str, year: int, program: str, code: str
) -> HttpResponse:
    found = _program(request, kind, year, program, "programs.edit_policy_content")
    back = _return_url(request, _worklist_url(found))
    indicator = get_object_or_404(
        Indicator.objects.select_related("table__program__report"),
        table__program=found,
        code=code,
    )
    # Every column of the indicator's table (a budget by default: the year's target).
    form = staff_forms.IndicatorValuesForm(request.POST or None, indicator=indicator)
    erratum = _erratum_form(request, found)
    if request.method == "POST" and _all_valid(form, erratum):
        try:
            with transaction.atomic():
                save_indicator_values(
                    indicator_pk=indicator.pk,
                    version=form.cleaned_data["version"],
                    cells=form.cells,
                    new_footnote=form.cleaned_data["new_footnote"],
                )
                _record_erratum(request, found, f"indicator {indicator.code}", erratum)
        except Conflict as conflict:
            return _indicator_conflict(request, found, form, conflict.current, back)
        messages.success(request, f"Indicator {indicator.code}: opgeslagen.")
        return redirect(back)
    context = {
        "report": found.report,
        "program": found,
        "indicator": indicator,
        "form": form,
        "erratum": erratum,
        "footnotes": list(found.footnotes.all()),
        "history": _value_history(indicator),
        "back": back,
    }
    return render(request, "staff/indicator.html", context, status=_status_of(form, erratum))


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _indicator_conflict(
    request: HttpRequest,
    program: Program,
    form: staff_forms.IndicatorValuesForm,
    current: Any,
    back: str,
) -> HttpResponse:
    stored = staff_forms.IndicatorValuesForm(indicator=current)
    rows = []
    for name, field in form.fields.items():
        if name in ("version", "new_footnote", "plausible", "check_note", "check_note_as_footnote"):
            continue
        # A year field is a number or None; the page compares and shows text.
        mine = _as_text(form.cleaned_data.get(name))
        theirs = _as_text(stored.initial.get(name))
        rows.append(
            {
                "label": field.label,
                "mine": mine,
                "theirs": theirs,
                "differs": mine != theirs,
                "diff": _text_diff(theirs, mine),
            }
        )
    data = request.POST.copy()
    data["version"] = current.version
    context = {
        "report": program.report,
        "program": program,
        "title": f"Indicator {current.code} - {current.name}",
        "rows": [r for r in rows if r["differs"]],
        # The same columns as the form that was sent: a budget's form has only "begroot",
        # and a retry with every column would empty the cells the user never saw.
        "form": staff_forms.IndicatorValuesForm(data, indicator=current),
        "back": back,
        "last": current.history.select_related("history_user").first(),
        "indicator_form": True,
    }
    return render(request, "staff/conflict.html", context, status=409)


# The fields that together make up what a value cell shows (IndicatorValue.display).
VALUE_FIELDS = (
    "state",
    "number",
    "decimals",
    "percent",
    "number_2",
    "decimals_2",
    "percent_2",
    "qualifier",
    "text",
    "two_figures",
    "qualifier_2",
)


def _value_history(indicator: Indicator, limit: int = 30) -> list[dict[str, Any]]:
    """Per change of a value cell: who, when, which cell, and what it was and became.

    Four queries however long the history: the records (with the id of each one's
    previous record, the same one simple-history's prev_record would fetch row by
    row), the previous records in one go, and the footnote marks of both.
    """
    history = IndicatorValue.history
    # simple-history keeps a value's footnotes per historical record in a table of its own.
    note_rel = history.model._meta.get_field("historicalindicatorvalue_footnotes")
    notes = Prefetch(
        note_rel.get_accessor_name(),
        queryset=note_rel.related_model.objects.select_related("footnote"),
        to_attr="note_rows",
    )
    earlier = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
    records = list(
        history.filter(indicator_id=indicator.pk)
        .select_related("history_user", "component")
        .annotate(
            prev_history_id=Subquery(
                earlier.order_by("-history_date", "-history_id").values("history_id")[:1]
            )
        )
        .prefetch_related(notes)
        .order_by("-history_date", "-history_id")[:limit]
    )
    wanted = {r.prev_history_id for r in records if r.prev_history_id is not None}
    previous = history.prefetch_related(notes).in_bulk(wanted) if wanted else {}
    return [_value_change(record, previous.get(record.prev_history_id)) for record in records]


def _value_change(record: Any, before: Any) -> dict[str, Any]:
    cell = f"{record.get_kind_display()} {record.year}"
    if record.component_id is not None and record.component is not None:
        cell += f" ({record.component.label})"
    now = record.instance.display
    if record.history_type == "+":
        change = f"aangemaakt: {now}"
    elif record.history_type == "-":
        change = f"verwijderd (was {now})"
    elif before is None:
        change = f"gewijzigd: {now}"
    else:
        parts = []
        if record.diff_against(before, included_fields=VALUE_FIELDS).changes:
            parts.append(f"{before.instance.display} → {now}")
        old_notes, new_notes = _note_numbers(before), _note_numbers(record)
        if old_notes != new_notes:
            parts.append(f"voetnoten {old_notes or 'geen'} → {new_notes or 'geen'}")
        for what, field in (("periode", "period_label"), ("bron", "source")):
            old, new = getattr(before.instance, field), getattr(record.instance, field)
            if old != new:
                parts.append(f"{what} {old or 'geen'} → {new or 'geen'}")
        change = "; ".join(parts) or f"opnieuw opgeslagen: {now}"
    if record.check_note and record.history_type != "-":
        change += f" (gecontroleerd: {record.check_note})"
    return {"record": record, "cell": cell, "change": change}


def _note_numbers(record: Any) -> str:
    notes = [row.footnote for row in record.note_rows if row.footnote is not None]
    return ", ".join(marks_of(notes))


@login_required
def report_status(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    _require(request, "programs.change_report_status")
    report = get_object_or_404(Report, kind=kind, year=year)
    form = staff_forms.StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        transition = form.cleaned_data["transition"]
        refusal = _transition_refusal(request, transition)
        if refusal:
            raise PermissionDenied(refusal)
        # The status the user saw, so a change by someone else in between is caught.
        seen = form.cleaned_data["seen_status"]
        if seen != report.status:
            messages.error(request, "Iemand anders heeft de status intussen gewijzigd.")
            return redirect(request.path)
        if transition == "offer_to_council" and not form.cleaned_data["offered_on"]:
            form.add_error(
                "offered_on",
                "Vul de datum in waarop het college besloot het verslag aan te bieden.",
            )
            return _status_page(request, report, form, status=400)
        gaps = worklist.gaps(report) if transition in GATES else []
        if gaps and not (form.cleaned_data["go_on"] and form.cleaned_data["reason"].strip()):
            form.add_error(
                "reason" if form.cleaned_data["go_on"] else "go_on",
                "Er ontbreekt nog iets (zie boven). Vink aan dat u toch doorgaat en geef een "
                "reden; die komt in de geschiedenis.",
            )
            return _status_page(request, report, form, status=400)
        try:
            services.change_status(
                report=report,
                transition=transition,
                adopted_on=form.cleaned_data.get("adopted_on"),
                decision=form.cleaned_data.get("adoption_decision"),
                college_on=form.cleaned_data.get("offered_on"),
                reason=form.cleaned_data["withdraw_reason"]
                if transition == "withdraw"
                else form.cleaned_data["reason"].strip()
                if gaps
                else "",
            )
        except StatusChangeRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"{report.title}: {report.get_status_display().lower()}.")
        return redirect(request.path)
    return _status_page(request, report, form, status=400 if form.errors else 200)


# The steps that put a report before the council or close it: both ask first whether
# anything is still missing.
GATES = ("offer_to_council", "adopt")


def _status_page(
    request: HttpRequest, report: Report, form: staff_forms.StatusForm, status: int = 200
) -> HttpResponse:
    context = {
        "report": report,
        "gaps": worklist.gaps(report),
        "gates": GATES,
        "transitions": [
            (name, label)
            for name, label in services.available_transitions(report)
            if not _transition_refusal(request, name)
        ],
        "waiting_for_others": [
            label
            for name, label in services.available_transitions(report)
            if _transition_refusal(request, name)
        ],
        "form": form,
        "history": list(report.history.select_related("history_user")[:20]),
    }
    return render(request, "staff/status.html", context, status=status)


def _transition_refusal(request: HttpRequest, transition: str) -> str:
    """Why this user may not take this step ("" if they may): the council's step is the
    griffie's, the others the controller's."""
    if transition == "adopt":
        if request.user.has_perm("programs.record_adoption"):
            return ""
        return "De vaststelling door de raad legt de griffie vast."
    if request.user.has_perm("programs.run_cycle"):
        return ""
    return "Review en aanbieding aan de raad doet de P&C-controller."


@login_required
@require_POST
def start_new_year(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    _require(request, "programs.run_cycle")
    source = get_object_or_404(Report, kind=kind, year=year)
    if Report.objects.filter(kind=kind, year=year + 1).exists():
        messages.error(request, f"{ReportKind(kind).label} {year + 1} bestaat al.")
        return redirect("staff:dashboard")
    new = new_year.start_new_year(source=source)
    messages.success(request, f"{new.title} is begonnen als concept, op basis van {source.title}.")
    return redirect("staff:new-year-result", new.kind, new.year)


@login_required
def new_year_result(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    """How a report was started: from what, with which targets, and what it left behind."""
    _require(request, "programs.use_staff_pages")
    report = get_object_or_404(
        Report.objects.select_related("started_from", "structure_from"), kind=kind, year=year
    )
    if report.started_from is None:
        raise Http404("Dit verslag is niet begonnen op basis van een eerder verslag.")
    context = {
        "report": report,
        "follows_budget": report.structure_from not in (None, report.started_from),
        "left_behind": new_year.what_was_left_behind(report),
        "carry_overs": new_year.carry_over_outcomes(report),
    }
    return render(request, "staff/new_year_result.html", context)
