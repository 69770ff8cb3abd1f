"""A program's structure in a concept report: add, change, move and remove its items.

The P&C cycle changes its structure every year: the budget sets new goals, activities
and indicators, the annual report accounts for them. Policy staff of a program build
that here, while the report is a concept (rules.py: programs.edit_structure).

An item's code is its identity across years (trends and permalinks follow it), so it is
chosen when the item is made and kept after: moving an item changes its order only.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from indicators.columns import columns_of, default_columns
from indicators.models import Indicator, IndicatorColumn, IndicatorTable, IndicatorValue
from programs import services
from programs.models import (
    Activity,
    Goal,
    Program,
    ReportKind,
    ReportStatus,
    Subgoal,
    Versioned,
    frozen_message,
)

from . import forms as staff_forms
from .views import _edit


@dataclass(frozen=True)
class ItemKind:
    """One kind of item in a program's structure, as its address names it."""

    slug: str
    label: str
    plural: str
    model: type[Versioned]
    form: type[staff_forms.StructureForm]
    # The kind it hangs under (None: the program itself) and the field that says so.
    parent: str | None
    parent_field: str
    # May also hang directly under the program (an indicator table: the BBV's does).
    parent_optional: bool = False

    @property
    def program_path(self) -> str:
        return self.form.program_attr.replace(".", "__")

    def title(self, item: Any) -> str:
        code = getattr(item, "code", "")
        return f"{self.label.capitalize()} {code}".strip() if code else str(item)


KINDS = {
    kind.slug: kind
    for kind in (
        ItemKind(
            "doelstelling", "doelstelling", "doelstellingen", Goal, staff_forms.GoalForm,
            None, "program",
        ),
        ItemKind(
            "subdoel", "subdoel", "subdoelen", Subgoal, staff_forms.SubgoalForm,
            "doelstelling", "goal",
        ),
        ItemKind(
            "activiteit", "activiteit", "activiteiten", Activity,
            staff_forms.ActivityStructureForm, "subdoel", "subgoal",
        ),
        ItemKind(
            "tabel", "indicatortabel", "indicatortabellen", IndicatorTable,
            staff_forms.IndicatorTableForm, "doelstelling", "goal", parent_optional=True,
        ),
        ItemKind(
            "indicator", "indicator", "indicatoren", Indicator,
            staff_forms.IndicatorStructureForm, "tabel", "table",
        ),
    )
}  # fmt: skip


def _kind(slug: str) -> ItemKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("Dit soort onderdeel bestaat niet.") from None


def _program(request: HttpRequest, kind: str, year: int, slug: str) -> Program:
    program = get_object_or_404(Program.objects.at(kind, year, slug).select_related("report"))
    if request.user.has_perm("programs.edit_structure", program):
        return program
    report = program.report
    if report.status == ReportStatus.ADOPTED:
        raise PermissionDenied(frozen_message(report.title))
    user = request.user
    if user.has_perm("programs.edit_policy_content", program) or user.has_perm(
        "programs.run_cycle"
    ):
        raise PermissionDenied(
            f"De opbouw van {report.title} ligt vast zolang het verslag "
            f"‘{report.get_status_display()}’ is: doelstellingen, activiteiten en indicatoren "
            "worden alleen in een concept toegevoegd, verplaatst of verwijderd."
        )
    raise PermissionDenied("U heeft geen recht om de opbouw van dit programma te wijzigen.")


def _item(kind: ItemKind, program: Program, pk: int) -> Any:
    return get_object_or_404(kind.model, pk=pk, **{kind.program_path: program})


def _structure_url(program: Program, anchor: str = "") -> str:
    report = program.report
    url = reverse("staff:structure", args=[report.kind, report.year, program.slug])
    return f"{url}#{anchor}" if anchor else url


def _anchor(kind: ItemKind, item: Any) -> str:
    return f"{kind.slug}-{item.pk}"


@login_required
def structure(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    """The whole tree of one program, with the actions on each item."""
    found = _program(request, kind, year, program)
    goals = found.goals.prefetch_related(
        Prefetch("subgoals", queryset=Subgoal.objects.prefetch_related("activities")),
        Prefetch(
            "indicator_tables",
            queryset=IndicatorTable.objects.prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.annotate(filled=Count("values")))
            ),
        ),
    )
    own_tables = found.indicator_tables.filter(goal__isnull=True).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.annotate(filled=Count("values")))
    )
    context = {"report": found.report, "program": found, "goals": goals, "own_tables": own_tables}
    return render(request, "staff/structure.html", context)


@login_required
def add_item(
    request: HttpRequest,
    kind: str,
    year: int,
    program: str,
    soort: str,
    parent: int | None = None,
) -> HttpResponse:
    """A new item at the end of its parent's list."""
    found = _program(request, kind, year, program)
    item_kind = _kind(soort)
    if parent is not None and item_kind.parent is None:
        raise Http404("Onder dit onderdeel hoort dit soort onderdeel niet.")
    if parent is None and item_kind.parent is not None and not item_kind.parent_optional:
        raise Http404("Dit soort onderdeel hoort onder een ander onderdeel.")
    place: dict[str, Any] = {"order": 0}
    if item_kind.model is IndicatorTable:
        place["program"] = found  # also under a goal: every table names its program
    if parent is None:
        parent_item: Any = found
        if item_kind.parent is not None:
            place[item_kind.parent_field] = None
        else:
            place[item_kind.parent_field] = found
    else:
        parent_item = _item(KINDS[item_kind.parent or ""], found, parent)
        place[item_kind.parent_field] = parent_item
    siblings = item_kind.model._default_manager.filter(
        **{key: value for key, value in place.items() if key != "order"}
    )
    place["order"] = (siblings.aggregate(last=models.Max("order"))["last"] or 0) + 1
    instance = item_kind.model(**place)
    form = item_kind.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save()
        messages.success(request, f"{item_kind.title(item)} toegevoegd.")
        return redirect(_structure_url(found, _anchor(item_kind, item)))
    context = {
        "report": found.report,
        "program": found,
        "form": form,
        "kind": item_kind,
        "parent": parent_item if parent is not None else None,
        "back": _structure_url(found),
    }
    return render(request, "staff/structure_add.html", context, status=400 if form.errors else 200)


@login_required
def edit_item(
    request: HttpRequest, kind: str, year: int, program: str, soort: str, pk: int
) -> HttpResponse:
    found = _program(request, kind, year, program)
    item_kind = _kind(soort)
    item = _item(item_kind, found, pk)
    return _edit(
        request,
        program=found,
        obj=item,
        form_class=item_kind.form,
        title=item_kind.title(item),
        back=_structure_url(found, _anchor(item_kind, item)),
    )


@login_required
@require_POST
def move_item(
    request: HttpRequest, kind: str, year: int, program: str, soort: str, pk: int
) -> HttpResponse:
    """One place up or down among its siblings; the code stays."""
    found = _program(request, kind, year, program)
    item_kind = _kind(soort)
    item = _item(item_kind, found, pk)
    parent_id = getattr(item, f"{item_kind.parent_field}_id")
    # Within the program: tables directly under it share "no goal" with other programs'.
    siblings = item_kind.model._default_manager.filter(
        **{f"{item_kind.parent_field}_id": parent_id, item_kind.program_path: found}
    )
    services.move_within(siblings, pk=item.pk, up=request.POST.get("richting") == "omhoog")
    return redirect(_structure_url(found, _anchor(item_kind, item)))


@login_required
def remove_item(
    request: HttpRequest, kind: str, year: int, program: str, soort: str, pk: int
) -> HttpResponse:
    """Asks first, saying everything that goes with the item; then removes it all."""
    found = _program(request, kind, year, program)
    item_kind = _kind(soort)
    item = _item(item_kind, found, pk)
    form = staff_forms.RemoveForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = (
                item_kind.model._default_manager.select_for_update(of=("self",))
                .filter(pk=item.pk)
                .first()
            )
            if current is not None and current.version == form.cleaned_data["version"]:
                current.delete()
                messages.success(request, f"{item_kind.title(item)} verwijderd.")
                return redirect(_structure_url(found))
        messages.error(
            request,
            f"{item_kind.title(item)} is niet verwijderd: iemand anders heeft het intussen "
            "gewijzigd. Bekijk hieronder wat er nu staat en besluit opnieuw.",
        )
        return redirect(request.path)
    context = {
        "report": found.report,
        "program": found,
        "kind": item_kind,
        "item": item,
        "title": item_kind.title(item),
        "goes_with": what_goes_with(item),
        "form": form,
        "back": _structure_url(found, _anchor(item_kind, item)),
    }
    return render(request, "staff/structure_remove.html", context)


def what_goes_with(item: Any) -> list[str]:
    """In Dutch, everything removing `item` removes too, filled-in work first of all."""
    if isinstance(item, Goal):
        activities = Activity.objects.filter(subgoal__goal=item)
        indicators = Indicator.objects.filter(table__goal=item)
        values = IndicatorValue.objects.filter(indicator__table__goal=item)
        counts = [
            _count(item.subgoals.count(), "subdoel", "subdoelen"),
            _activities(activities),
            _count(item.indicator_tables.count(), "indicatortabel", "indicatortabellen"),
            _count(indicators.count(), "indicator", "indicatoren"),
            _count(values.count(), "ingevulde waarde", "ingevulde waarden"),
        ]
    elif isinstance(item, Subgoal):
        counts = [_activities(item.activities.all())]
    elif isinstance(item, IndicatorTable):
        counts = [
            _count(item.indicators.count(), "indicator", "indicatoren"),
            _count(
                IndicatorValue.objects.filter(indicator__table=item).count(),
                "ingevulde waarde",
                "ingevulde waarden",
            ),
        ]
    elif isinstance(item, Indicator):
        counts = [_count(item.values.count(), "ingevulde waarde", "ingevulde waarden")]
    elif isinstance(item, Activity):
        counts = ["de ingevulde realisatie"] if item.realisation.strip() else []
    else:
        counts = []
    return [text for text in counts if text]


def _count(number: int, one: str, many: str) -> str:
    return "" if number == 0 else f"{number} {one if number == 1 else many}"


def _activities(activities: Any) -> str:
    total = activities.count()
    if total == 0:
        return ""
    filled = activities.exclude(realisation="").count()
    text = _count(total, "activiteit", "activiteiten")
    return f"{text}, waarvan {filled} met een ingevulde realisatie" if filled else text


@login_required
def renumber_item(
    request: HttpRequest, kind: str, year: int, program: str, soort: str, pk: int
) -> HttpResponse:
    """Give an item another number, saying first which trends that splits or joins."""
    found = _program(request, kind, year, program)
    item_kind = _kind(soort)
    if item_kind.model is IndicatorTable:
        raise Http404("Een indicatortabel heeft geen nummer.")
    item = _item(item_kind, found, pk)
    manager = item_kind.model._default_manager
    same_kind = manager.filter(**{item_kind.program_path: found})
    form = staff_forms.RenumberForm(
        request.POST or None,
        initial={"version": item.version},
        item=item,
        same_kind=same_kind,
        label=item_kind.label,
    )
    if request.method == "POST" and form.is_valid():
        old, new = item.code, form.cleaned_data["code"]
        with transaction.atomic():
            current: Any = manager.select_for_update(of=("self",)).filter(pk=item.pk).first()
            if current is None or current.version != form.cleaned_data["version"]:
                messages.error(
                    request,
                    f"{item_kind.title(item)} is niet hernummerd: iemand anders heeft het "
                    "intussen gewijzigd. Bekijk hieronder wat er nu staat en besluit opnieuw.",
                )
                return redirect(request.path)
            current.code = new
            current.version += 1
            current.save()
        messages.success(
            request,
            f"{item_kind.label.capitalize()} {old} heet nu {new}. Eerdere verslagen houden "
            f"{old}; de trend van {new} begint hier.",
        )
        return redirect(_structure_url(found, _anchor(item_kind, item)))
    code = form.data.get("code", "") if form.is_bound else ""
    context = {
        "report": found.report,
        "program": found,
        "kind": item_kind,
        "item": item,
        "title": item_kind.title(item),
        "form": form,
        "keeps_old": _other_years(item_kind, found, item.code),
        "joins_new": _other_years(item_kind, found, code) if code else [],
        "back": _structure_url(found, _anchor(item_kind, item)),
    }
    return render(
        request, "staff/structure_renumber.html", context, status=400 if form.errors else 200
    )


def _other_years(item_kind: ItemKind, program: Program, code: str) -> list[str]:
    """The other reports of this program that hold an item of this kind with `code`."""
    path = item_kind.program_path
    rows = (
        item_kind.model._default_manager.filter(**{"code": code, f"{path}__slug": program.slug})
        .exclude(**{path: program})
        .values_list(f"{path}__report__kind", f"{path}__report__year")
        .distinct()
    )
    labels = dict(ReportKind.choices)
    return [f"{labels[kind]} {year}" for kind, year in sorted(rows, key=lambda row: row[1])]


@login_required
def table_columns(
    request: HttpRequest, kind: str, year: int, program: str, pk: int
) -> HttpResponse:
    """The columns of one indicator table: years, targets and comparisons, in order.

    A table without columns of its own shows the fixed three (or a budget's target); the
    form then starts from those, so saving it gives the table its own copy to change.
    Removing every own column (the second button) brings the fixed ones back. Values in a
    column that is removed stay stored, unseen, and return with the column.
    """
    found = _program(request, kind, year, program)
    table = _item(KINDS["tabel"], found, pk)
    own = IndicatorColumn.objects.filter(table=table).order_by("order", "pk")
    initial = []
    if not own.exists():
        initial = [
            {"kind": c.kind, "year_offset": c.year_offset, "year": c.year, "area": c.area}
            for c in default_columns(table, budget=found.report.is_budget)
        ]
    Formset: Any = forms.modelformset_factory(
        IndicatorColumn,
        form=staff_forms.ColumnForm,
        formset=staff_forms.BaseColumnFormSet,
        extra=len(initial) + 2,
        can_delete=True,
    )
    data = request.POST if request.method == "POST" else None
    formset = Formset(data, queryset=own, initial=initial, table=table)
    version = staff_forms.RemoveForm(data, initial={"version": table.version})
    back = _structure_url(found, _anchor(KINDS["tabel"], table))
    if request.method == "POST" and "vaste_kolommen" in request.POST and version.is_valid():
        return _save_columns(request, table, version.cleaned_data["version"], None, back)
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        return _save_columns(request, table, version.cleaned_data["version"], formset, back)
    context = {
        "report": found.report,
        "program": found,
        "table": table,
        "formset": formset,
        "version": version,
        "own": own.exists(),
        "columns": columns_of(table),
        "back": back,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/table_columns.html", context, status=status)


def _save_columns(
    request: HttpRequest,
    table: IndicatorTable,
    version: int,
    formset: Any,
    back: str,
) -> HttpResponse:
    """Write the columns (None: remove the own ones) under the table's optimistic lock."""
    with transaction.atomic():
        locked = IndicatorTable.objects.select_for_update(of=("self",)).get(pk=table.pk)
        if locked.version != version:
            messages.error(
                request,
                "Niet opgeslagen: iemand anders heeft deze tabel intussen gewijzigd. "
                "Bekijk de kolommen opnieuw.",
            )
            return redirect(request.get_full_path())
        if formset is None:
            for column in IndicatorColumn.objects.filter(table=locked):
                column.delete()
        else:
            for column in formset.save(commit=False):
                column.table = locked
                column.save()
            for column in formset.deleted_objects:
                column.delete()
            # The order on the page, over the rows that remain.
            kept = [form.instance for form in formset.forms if form.instance.pk]
            for order, column in enumerate(kept, start=1):
                if column.order != order:
                    column.order = order
                    column.save(update_fields=["order"])
        locked.version += 1
        locked.save()
    messages.success(request, "De kolommen van de tabel zijn opgeslagen.")
    return redirect(back)
