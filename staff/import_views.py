"""The staff pages of the import: upload, preview, confirmation, templates.

Kept apart from the service in imports.py (what a file would change, and
writing it), as views.py is kept apart from the spine's services.py.

Confirmation: the preview keeps the validated rows, compressed, in the user's
session (at most one pending import per session) and puts a signed token in
the confirmation form naming them by their SHA-256, with the report, the kind
and the digest of the changes shown. On confirmation imports.apply_import
validates the rows again against what is stored by then, and writes them only
if that gives exactly the changes that were shown; otherwise the new preview
is shown and nothing is written.
"""

import base64
import hashlib
import json
import secrets
import zlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from diemen_sociaal.lib import spreadsheets
from programs.models import Report, ReportStatus, frozen_message, offered_message

from .imports import (
    ADD,
    CHANGE,
    CONFLICT,
    KINDS,
    MAX_BYTES,
    MAX_ROWS,
    SAME,
    CheckNeeded,
    ImportRefused,
    Plan,
    PlanChanged,
    RowError,
    allowed_kinds,
    apply_import,
    build_plan,
    render_template,
)

SESSION_KEY = "programs.imports.pending"
TOKEN_SALT = "programs.imports.confirm"
TOKEN_MAX_AGE = 60 * 60
SHOWN = 200  # rows of each list shown in the preview; the counts are always complete


# Keeping the validated rows between preview and confirmation --------------------------------


def _payload(table: spreadsheets.Table) -> bytes:
    return json.dumps(
        {"header": table.header, "rows": table.rows}, ensure_ascii=False, separators=(",", ":")
    ).encode()


def remember(
    request: HttpRequest, report: Report, kind: str, table: spreadsheets.Table, plan: Plan
) -> str:
    """Keep the rows in the session; return the signed token for the confirmation form."""
    payload = _payload(table)
    pending = secrets.token_hex(8)
    request.session[SESSION_KEY] = {
        "id": pending,
        "data": base64.b64encode(zlib.compress(payload)).decode(),
    }
    claim = {
        "id": pending,
        "report": report.pk,
        "kind": kind,
        "rows": hashlib.sha256(payload).hexdigest(),
        "plan": plan.digest,
    }
    return signing.dumps(claim, salt=TOKEN_SALT)


def _token(request: HttpRequest, kind: str, table: spreadsheets.Table, plan: Plan) -> str | None:
    """A confirmation token when there is something to write and nothing wrong; else None."""
    if plan.errors or not plan.to_write:
        return None
    return remember(request, plan.report, kind, table, plan)


def recall(request: HttpRequest, token: str, report: Report) -> tuple[str, spreadsheets.Table, str]:
    """The kind, rows and promised plan digest of a confirmed preview, or ImportRefused."""
    expired = ImportRefused(
        "Dit voorbeeld is verlopen of hoort niet bij deze sessie. Upload het bestand opnieuw."
    )
    try:
        claim = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise expired from error
    pending = request.session.get(SESSION_KEY) or {}
    if claim.get("report") != report.pk or pending.get("id") != claim.get("id"):
        raise expired
    payload = zlib.decompress(base64.b64decode(pending["data"]))
    if hashlib.sha256(payload).hexdigest() != claim["rows"] or claim["kind"] not in KINDS:
        raise expired
    data = json.loads(payload)
    table = spreadsheets.Table(header=data["header"], rows=[(n, r) for n, r in data["rows"]])
    return claim["kind"], table, claim["plan"]


# Views ------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    soort = forms.ChoiceField(label="Wat importeert u?", widget=forms.RadioSelect)
    bestand = forms.FileField(
        label="Bestand",
        help_text="Een Excel-werkmap (.xlsx) of CSV-bestand, hoogstens 5 MB.",
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        soort = self.fields["soort"]
        assert isinstance(soort, forms.ChoiceField)
        soort.choices = [(k, KINDS[k].label.capitalize()) for k in kinds]
        if len(kinds) == 1:
            self.fields["soort"].initial = kinds[0]

    def clean_bestand(self) -> Any:
        upload = self.cleaned_data["bestand"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                "Het bestand is groter dan 5 MB. Splits het in kleinere bestanden."
            )
        return upload


def _import_report(request: HttpRequest, kind: str, year: int) -> tuple[Report, list[str]]:
    """The report and the kinds this user may import; 403 with the reason otherwise."""
    report = get_object_or_404(Report, kind=kind, year=year)
    kinds = allowed_kinds(request.user)
    if not kinds:
        raise PermissionDenied("U heeft geen recht om gegevens te importeren.")
    if report.is_adopted:
        raise PermissionDenied(frozen_message(report.title))
    if report.status == ReportStatus.OFFERED:
        raise PermissionDenied(offered_message(report.title))
    return report, kinds


def _require_kind(kinds: list[str], kind: str) -> None:
    if kind in KINDS and kind not in kinds:
        raise PermissionDenied(
            f"U mag geen {KINDS[kind].label} importeren. Financiën en de griffie importeren "
            "begrotingsregels, investeringen en indicatorwaarden; beleidsmedewerkers de "
            "indicatorwaarden van hun eigen programma."
        )


@login_required
def import_view(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    report, kinds = _import_report(request, kind, year)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, report)
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST":
        _require_kind(kinds, request.POST.get("soort", ""))
        if form.is_valid():
            return _preview(
                request, report, form.cleaned_data["soort"], form.cleaned_data["bestand"]
            )
    return _form_page(request, report, form, kinds, status=400 if form.errors else 200)


def _form_page(
    request: HttpRequest, report: Report, form: ImportForm, kinds: list[str], status: int = 200
) -> HttpResponse:
    context = {
        "report": report,
        "form": form,
        "kinds": [KINDS[k] for k in kinds],
        "max_rows": MAX_ROWS,
    }
    return render(request, "staff/import.html", context, status=status)


def _preview(request: HttpRequest, report: Report, kind: str, upload: Any) -> HttpResponse:
    try:
        table = spreadsheets.read_table(
            upload.read(), upload.name or "", sheet=kind, max_rows=MAX_ROWS
        )
    except spreadsheets.SpreadsheetError as error:
        plan = Plan(report=report, kind=KINDS[kind], errors=[RowError(0, "", str(error))])
        return _preview_page(request, plan, upload.name, token=None)
    plan = build_plan(report=report, kind=kind, table=table, user=request.user)
    return _preview_page(request, plan, upload.name, _token(request, kind, table, plan))


def _preview_page(
    request: HttpRequest,
    plan: Plan,
    filename: str,
    token: str | None,
    note: str = "",
    typed_note: str = "",
    checked: bool = False,
) -> HttpResponse:
    context = {
        "report": plan.report,
        "plan": plan,
        "kind": plan.kind,
        "filename": filename,
        "token": token,
        "note": note,
        "typed_note": typed_note,
        "checked": checked,
        # Every doubted figure is shown: each needs the importer's check.
        "doubted": plan.doubted,
        "added": plan.of(ADD)[:SHOWN],
        "changed": plan.of(CHANGE)[:SHOWN],
        # Every conflict is shown: each needs the importer's choice.
        "conflicts": plan.of(CONFLICT),
        "errors": plan.errors[:SHOWN],
        "counts": {
            "added": len(plan.of(ADD)),
            "changed": len(plan.of(CHANGE)),
            "conflicts": len(plan.of(CONFLICT)),
            "same": len(plan.of(SAME)),
            "errors": len(plan.errors),
        },
        "shown": SHOWN,
    }
    return render(request, "staff/import_preview.html", context, status=400 if plan.errors else 200)


def _confirm(request: HttpRequest, report: Report) -> HttpResponse:
    try:
        kind, table, expected = recall(request, request.POST["token"], report)
        _require_kind(allowed_kinds(request.user), kind)
        taken = {int(row) for row in request.POST.getlist("neem") if row.isdigit()}
        checked = request.POST.get("gecontroleerd") == "ja"
        plan = apply_import(
            report=report,
            kind=kind,
            table=table,
            user=request.user,
            expected=expected,
            taken=taken,
            check_note=request.POST.get("toelichting", "")[:2000] if checked else "",
        )
    except CheckNeeded as needed:
        # The same file, shown again with what to check; what was typed stays in the form.
        token = _token(request, kind, table, needed.plan)
        response = _preview_page(
            request,
            needed.plan,
            "",
            token,
            note=str(needed),
            typed_note=request.POST.get("toelichting", "")[:2000],
            checked=request.POST.get("gecontroleerd") == "ja",
        )
        response.status_code = 400
        return response
    except PlanChanged as changed:
        note = (
            "Sinds het voorbeeld is er in de opgeslagen gegevens iets gewijzigd. Er is niets "
            "opgeslagen; hieronder staat wat het bestand nu zou veranderen."
        )
        token = _token(request, kind, table, changed.plan)
        return _preview_page(request, changed.plan, "", token, note=note)
    except ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect(request.path)
    except ValidationError as invalid:
        messages.error(request, "Er is niets opgeslagen: " + " ".join(invalid.messages))
        return redirect(request.path)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        f"Import van {plan.kind.label} in {report.title} opgeslagen: {len(plan.of(ADD))} "
        f"toegevoegd, {len(plan.of(CHANGE))} gewijzigd, {len(plan.of(SAME))} ongewijzigd.",
    )
    return redirect(reverse("staff:import", args=[report.kind, report.year]))


@login_required
def template_download(
    request: HttpRequest, kind: str, year: int, soort: str, fmt: str
) -> HttpResponse:
    report, kinds = _import_report(request, kind, year)
    if soort not in KINDS:
        raise Http404("Voor deze soort is er geen sjabloon.")
    _require_kind(kinds, soort)
    filename, mime, content = render_template(report, soort, fmt, request.user)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
