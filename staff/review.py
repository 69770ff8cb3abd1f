"""Review notes: a reviewer comments on an item of a program, the author answers, the
reviewer settles it. Staff pages only; notes never reach the public side.

Who: staff who follow the program (rules: programs.read_notes, programs.write_notes);
answering is for the person the note is for and the program's policy staff, settling
for its writer and the controller (rules.may_answer, rules.may_resolve).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import MailSettings
from programs.models import Note, NoteState, Program
from programs.rules import may_answer, may_resolve

from . import forms as staff_forms
from . import notify
from .views import _require


def _program(request: HttpRequest, kind: str, year: int, slug: str) -> Program:
    program = get_object_or_404(Program.objects.at(kind, year, slug).select_related("report"))
    if not request.user.has_perm("programs.read_notes", program):
        raise PermissionDenied("U volgt dit programma niet en ziet zijn opmerkingen niet.")
    return program


def _notes_url(program: Program) -> str:
    report = program.report
    return reverse("staff:notes", args=[report.kind, report.year, program.slug])


# Which notes the page shows (?toon=): all of them, the unsettled, those waiting for the
# reader (to answer, or to review the answer to their own note), or those past their date.
NOTE_FILTERS = {
    "": "alle",
    "open": "nog niet afgehandeld",
    "voor-mij": "voor mij",
    "te-beoordelen": "beantwoord, door mij te beoordelen",
    "te-laat": "te laat",
}


def _filtered(notes: Any, shown: str, user: Any) -> Any:
    unsettled = notes.exclude(state=NoteState.RESOLVED)
    if shown == "open":
        return unsettled
    if shown == "voor-mij":
        return unsettled.filter(assignee=user.pk)
    if shown == "te-beoordelen":
        # Answered, waiting for who wrote the note to settle or return it.
        return notes.filter(state=NoteState.ANSWERED, author=user.pk)
    if shown == "te-laat":
        return unsettled.filter(due_date__lt=timezone.localdate())
    return notes


@login_required
def notes(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    """The program's notes, unsettled first, and a form to write one."""
    found = _program(request, kind, year, program)
    form = staff_forms.NoteForm(request.POST or None, program=found)
    if request.method == "POST":
        _require(request, "programs.write_notes", found)
        if form.is_valid():
            note = form.save(commit=False)
            note.program = found
            note.author_id = request.user.pk
            note.save()
            notify.note_assigned(note)
            messages.success(request, "Opmerking geplaatst.")
            return redirect(_notes_url(found))
    shown = request.GET.get("toon", "")
    if shown not in NOTE_FILTERS:
        shown = ""
    found_notes = (
        _filtered(Note.objects.filter(program=found), shown, request.user)
        .select_related("author", "assignee")
        .annotate(
            settled=Case(
                When(state=NoteState.RESOLVED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("settled", "due_date", "pk")
    )
    context: dict[str, Any] = {
        "report": found.report,
        "program": found,
        "form": form,
        "notes": [
            (note, may_answer(request.user, note), may_resolve(request.user, note))
            for note in found_notes
        ],
        "can_write": request.user.has_perm("programs.write_notes", found),
        "filters": [(key, label, key == shown) for key, label in NOTE_FILTERS.items()],
        "shown": NOTE_FILTERS[shown],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/notes.html", context, status=status)


@login_required
@require_POST
def note_action(request: HttpRequest, kind: str, year: int, program: str, pk: int) -> HttpResponse:
    """Answer, settle or reopen one note."""
    found = _program(request, kind, year, program)
    _require(request, "programs.write_notes", found)
    note = get_object_or_404(Note, program=found, pk=pk)
    action = request.POST.get("action", "")
    if action == "answer":
        if not may_answer(request.user, note):
            raise PermissionDenied(
                "Alleen wie de opmerking krijgt of het programma schrijft, antwoordt."
            )
        answer = request.POST.get("answer", "").strip()
        if not answer:
            messages.error(request, "Niet opgeslagen: schrijf een antwoord.")
            return redirect(_notes_url(found))
        note.answer, note.state = answer, NoteState.ANSWERED
    elif action in ("resolve", "reopen"):
        if not may_resolve(request.user, note):
            raise PermissionDenied(
                "Alleen wie de opmerking schreef, of de P&C-controller, handelt haar af."
            )
        note.state = NoteState.RESOLVED if action == "resolve" else NoteState.OPEN
    else:
        messages.error(request, "Onbekende actie; er is niets gewijzigd.")
        return redirect(_notes_url(found))
    note.save()
    if action == "reopen" and isinstance(request.user, User):
        notify.note_reopened(note, request.user)
    messages.success(request, f"Opmerking {note.get_state_display().lower()}.")
    return redirect(_notes_url(found))


@login_required
def mail_settings(request: HttpRequest) -> HttpResponse:
    """Each person switches the product's mail (note given to them, the digest) on or off."""
    _require(request, "programs.use_staff_pages")
    current, _ = MailSettings.objects.get_or_create(user=request.user)  # type: ignore[misc]
    # An unticked box posts nothing: the form is bound on every POST, empty or not.
    form = staff_forms.MailSettingsForm(
        request.POST if request.method == "POST" else None, instance=current
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, "U krijgt weer mail." if current.enabled else "U krijgt geen mail meer."
        )
        return redirect("staff:mail-settings")
    context = {"form": form, "email": request.user.email}  # type: ignore[union-attr]
    return render(request, "staff/mail_settings.html", context)
