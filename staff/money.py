"""Finance adds and removes a program's money items while its report is a concept.

Editing an existing line, carry-over or investment is in views.py (until adoption);
adding and removing change what the report holds, so they are for a concept only
(rules.py: programs.add_money). A removal names the version it was shown at.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from investments.models import BudgetChange, BudgetLine, CarryOver, Investment
from programs.models import Program, ReportStatus, Versioned, frozen_message

from . import forms as staff_forms


@dataclass(frozen=True)
class MoneyKind:
    slug: str
    label: str
    model: type[Versioned]

    def form(self, program: Program) -> type[staff_forms.VersionedForm]:
        if self.model is BudgetLine:
            if program.report.is_budget:
                return staff_forms.NewPlannedBudgetLineForm
            return staff_forms.NewBudgetLineForm
        if self.model is Investment:
            return staff_forms.NewInvestmentForm
        if self.model is BudgetChange:
            return staff_forms.NewBudgetChangeForm
        return staff_forms.NewCarryOverForm

    def title(self, item: Any) -> str:
        if isinstance(item, Investment):
            return f"Investering {item.number} {item.name}"
        if isinstance(item, BudgetChange):
            return f"Begrotingswijziging {item.description}"
        if isinstance(item, BudgetLine):
            return f"Begrotingsregel {item.label} ({item.get_nature_display().lower()})"
        return f"Voorgestelde overheveling {item.title}"


KINDS = {
    kind.slug: kind
    for kind in (
        MoneyKind("overheveling", "voorgestelde overheveling", CarryOver),
        MoneyKind("investering", "investering", Investment),
        MoneyKind("begrotingsregel", "begrotingsregel", BudgetLine),
        MoneyKind("begrotingswijziging", "begrotingswijziging", BudgetChange),
    )
}


def _program(request: HttpRequest, kind: str, year: int, slug: str) -> Program:
    program = get_object_or_404(Program.objects.at(kind, year, slug))
    if request.user.has_perm("programs.add_money", program):
        return program
    report = program.report
    if report.status == ReportStatus.ADOPTED:
        raise PermissionDenied(frozen_message(report.title))
    if request.user.has_perm("programs.edit_money", program):
        raise PermissionDenied(
            f"{report.title} is ‘{report.get_status_display()}’: regels, overhevelingen en "
            "investeringen worden alleen in een concept toegevoegd of verwijderd. Bestaande "
            "bedragen wijzigt u nog wel."
        )
    raise PermissionDenied("U heeft geen recht om de financiën van dit programma te wijzigen.")


def _kind(slug: str) -> MoneyKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("Dit soort financieel onderdeel bestaat niet.") from None


def _money_url(program: Program) -> str:
    report = program.report
    return reverse("staff:money", args=[report.kind, report.year, program.slug])


@login_required
def add_item(request: HttpRequest, kind: str, year: int, program: str, soort: str) -> HttpResponse:
    found = _program(request, kind, year, program)
    money_kind = _kind(soort)
    if money_kind.model is BudgetChange and found.report.is_budget:
        raise PermissionDenied(
            "Begrotingswijzigingen worden in de jaarstukken vastgelegd: een programmabegroting "
            "heeft alleen de primitieve begroting."
        )
    manager = money_kind.model._default_manager
    last = manager.filter(**{"program": found}).aggregate(last=models.Max("order"))["last"] or 0
    instance = money_kind.model(**{"program": found, "order": last + 1})
    form = money_kind.form(found)(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save()
        messages.success(request, f"{money_kind.title(item)} toegevoegd.")
        return redirect(_money_url(found))
    context = {
        "report": found.report,
        "program": found,
        "form": form,
        "kind": money_kind,
        "back": _money_url(found),
    }
    return render(request, "staff/money_add.html", context, status=400 if form.errors else 200)


@login_required
def remove_item(
    request: HttpRequest, kind: str, year: int, program: str, soort: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program)
    money_kind = _kind(soort)
    item = get_object_or_404(money_kind.model, pk=pk, **{"program": found})
    form = staff_forms.RemoveForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = (
                money_kind.model._default_manager.select_for_update(of=("self",))
                .filter(pk=item.pk)
                .first()
            )
            if current is not None and current.version == form.cleaned_data["version"]:
                current.delete()
                messages.success(request, f"{money_kind.title(item)} verwijderd.")
                return redirect(_money_url(found))
        messages.error(
            request,
            f"{money_kind.title(item)} is niet verwijderd: iemand anders heeft het intussen "
            "gewijzigd. Bekijk hieronder wat er nu staat en besluit opnieuw.",
        )
        return redirect(request.path)
    context = {
        "report": found.report,
        "program": found,
        "title": money_kind.title(item),
        "form": form,
        "back": _money_url(found),
    }
    return render(request, "staff/money_remove.html", context)
