"""Saving an indicator's values as one edit: all cells, their footnotes, one version.

A value of the previous year that differs from what the previous report
published is a correction; it gets a footnote naming that report
automatically (seed 002 does this by hand in footnote 6).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from diemen_sociaal.lib.values import Value, format_value
from programs.models import Report
from programs.services import Conflict

from .columns import columns_of
from .models import Footnote, FootnoteKind, Indicator, IndicatorComponent, IndicatorValue, ValueKind


@dataclass(frozen=True)
class CellInput:
    column: str  # the key of one of the table's columns (indicators/columns.py)
    component_id: int | None
    value: Value | None  # None: the cell is empty
    footnotes: tuple[int, ...] = ()
    # The year the figure is about when not the column's, and its own source; the form
    # and the import pass what is stored when the user did not change them.
    period_year: int | None = None
    source: str = ""
    reference_date: date | None = None
    # Why a figure that looked implausible is right (indicators.plausibility); a changed
    # figure without one loses the reason its predecessor had.
    check_note: str = ""


@transaction.atomic
def save_indicator_values(
    *, indicator_pk: int, version: int, cells: list[CellInput], new_footnote: str = ""
) -> Indicator:
    indicator = (
        Indicator.objects.select_for_update()
        .select_related("table__program__report")
        .get(pk=indicator_pk)
    )
    if indicator.version != version:
        raise Conflict(indicator)
    program = indicator.table.program
    year = program.report.year
    columns = {spec.key: spec for spec in columns_of(indicator.table)}
    notes = {f.number: f for f in program.footnotes.all()}
    existing = {
        (v.component_id, v.year, v.kind, v.area): v
        for v in indicator.values.select_related("component").prefetch_related("footnotes")
    }
    components: dict[int | None, IndicatorComponent] = {c.pk: c for c in indicator.components.all()}
    for cell in cells:
        spec = columns[cell.column]
        key = (cell.component_id, *spec.cell)
        stored = existing.get(key)
        if cell.value is None:
            if stored is not None:
                stored.delete()
            continue
        value = stored or IndicatorValue(
            indicator=indicator,
            component_id=cell.component_id,
            year=spec.year,
            kind=spec.value_kind,
            area=spec.area,
        )
        # Only a year that differs from the column's is kept: the same year says nothing.
        period_year = cell.period_year if cell.period_year != key[1] else None
        changed = (
            stored is None
            or stored.display != format_value(cell.value)
            or (stored.period_year, stored.source, stored.reference_date)
            != (period_year, cell.source, cell.reference_date)
        )
        if stored is None or stored.display != format_value(cell.value):
            value.check_note = cell.check_note
        value.set_value(cell.value)
        value.period_year, value.source = period_year, cell.source
        value.reference_date = cell.reference_date
        if changed:
            value.full_clean()
            value.save()
        marks = [notes[n] for n in cell.footnotes if n in notes]
        # An own realisation of an earlier year that differs from what was published then.
        earlier = spec.value_kind == ValueKind.REALISATION and not spec.area and spec.year < year
        if earlier and changed:
            correction = _correction_note(indicator, components.get(cell.component_id), value)
            if correction:
                notes[correction.number] = correction
                marks.append(correction)
        if {f.pk for f in marks} != {f.pk for f in value.footnotes.all()}:
            value.footnotes.set(marks)
    if new_footnote.strip():
        note = Footnote(
            program=program, number=max(notes, default=0) + 1, text=new_footnote.strip()
        )
        note.full_clean()
        note.save()
        indicator.footnotes.add(note)
    indicator.version += 1
    indicator.save()
    return indicator


def _correction_note(
    indicator: Indicator, component: IndicatorComponent | None, value: IndicatorValue
) -> Footnote | None:
    """A footnote if this previous-year value differs from the one published for that year."""
    program = indicator.table.program
    published = (
        IndicatorValue.objects.filter(
            indicator__code=indicator.code,
            indicator__table__program__slug=program.slug,
            indicator__table__program__report__in=Report.objects.published(),
            indicator__table__program__report__kind=program.report.kind,
            indicator__table__program__report__year=value.year,
            year=value.year,
            kind=ValueKind.REALISATION,
            area="",
            component__label=component.label if component else None,
        )
        .select_related("indicator__table__program__report")
        .first()
    )
    if published is None or published.display == value.display:
        return None
    source = published.indicator.table.program.report
    part = f" ({component.label})" if component else ""
    text = (
        f"Realisatie {value.year}{part} van indicator {indicator.code} stond verkeerd in "
        f"{source.title}: daar stond {published.display}. Juiste waarde: {value.display}."
    )
    numbers = program.footnotes.values_list("number", flat=True)
    note = Footnote(
        program=program,
        number=max(numbers, default=0) + 1,
        kind=FootnoteKind.CORRECTION,
        text=text,
    )
    note.full_clean()
    note.save()
    return note
