"""Starting the report of a new year from the last one."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from diemen_sociaal.lib.values import ValueState
from indicators.models import (
    Footnote,
    Indicator,
    IndicatorColumn,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    ValueKind,
)
from investments.models import BudgetChange, BudgetLine, CarryOver, Investment, InvestmentStatus
from programs.models import Activity, Goal, Program, Report, ReportKind, ReportStatus, Subgoal

# Where an indicator value of the source goes in the copy: (year, kind), or None to leave it.
ValueRule = Callable[[IndicatorValue], tuple[int, str] | None]


@transaction.atomic
def start_new_year(*, source: Report) -> Report:
    """A concept report for the year after `source`'s, of the same kind.

    Its structure (goals, subgoals, activities with their plans, indicator tables,
    indicators and their breakdowns) follows the adopted Programmabegroting of the new
    year when an annual report is started and there is one: its targets become the
    targets, its primary budget the "Begroting primitief". Otherwise the structure is
    `source`'s and every target of the new year starts empty: a target nobody set for
    the new year must not be published as one. In an annual report the realisations of
    `source`'s year become the "Realisatie (year-1)" column, matched by program and code.
    Realisations of the new year, development sections, footnotes and carry-overs belong
    to one year and start empty (what_was_left_behind lists the footnotes); budget lines
    keep their categories with last year's result as "Rekening (year-1)", every amount
    nobody gave left empty (not 0). A new Programmabegroting shifts the multi-year
    estimate a year (_shifted_estimate) and takes its account column from the adopted
    Jaarstukken of the year before last; investments still running carry on, their
    realisation up to the new year empty until finance enters it.
    """
    year = source.year + 1
    structure = source
    if source.kind == ReportKind.JAARSTUKKEN:
        structure = (
            Report.objects.filter(
                kind=ReportKind.PROGRAMMABEGROTING, year=year, status=ReportStatus.ADOPTED
            ).first()
            or source
        )
    new = Report(
        kind=source.kind,
        year=year,
        status=ReportStatus.CONCEPT,
        started_from=source,
        structure_from=structure,
        # Finance keeps typing in the unit it used; printed subtotals are the old year's own.
        money_unit=source.money_unit,
    )
    new.full_clean()
    new.save()

    def targets_of_the_year(value: IndicatorValue) -> tuple[int, str] | None:
        if structure == source or value.year != year or value.kind != ValueKind.BUDGET:
            return None
        return year, ValueKind.BUDGET

    realised = _realisations(source) if source.kind == ReportKind.JAARSTUKKEN else {}
    lines_before = _lines_by_category(source)
    # A budget's account column is the last adopted account: the Jaarstukken of the year
    # before last, when they are in the product.
    accounts = (
        _lines_by_category(
            Report.objects.filter(
                kind=ReportKind.JAARSTUKKEN, year=year - 2, status=ReportStatus.ADOPTED
            ).first()
        )
        if source.is_budget
        else lines_before
    )
    for program in structure.programs.all():
        copy = copy_program(program, new, targets_of_the_year)
        _carry_realisations(copy, realised, source.year)
        new_lines: dict[tuple[str, str, str], BudgetLine] = {}
        for line in program.budget_lines.all():
            category = (program.slug, line.nature, line.kind, line.label)
            before = lines_before.get(category)
            account = accounts.get(category)
            # Without an adopted budget of the year nobody has set its amounts yet.
            planned = line.begroting_primitief if structure != source else None
            new_lines[(line.nature, line.kind, line.label)] = BudgetLine.objects.create(
                program=copy,
                nature=line.nature,
                kind=line.kind,
                label=line.label,
                order=line.order,
                rekening_vorig=account.rekening if account else None,
                begroting_primitief=planned,
                begroting_totaal=planned,
                **(_shifted_estimate(before) if source.is_budget and before else {}),
            )
        previous = source.programs.filter(slug=program.slug).first()
        if previous is not None:
            _book_carry_overs(source, previous, copy, new_lines)
        running = (
            previous.investments.exclude(
                status__in=[InvestmentStatus.SETTLED, InvestmentStatus.CANCELLED]
            )
            if previous
            else []
        )
        for item in running:
            Investment.objects.create(
                program=copy,
                number=item.number,
                name=item.name,
                budget=item.budget,
                # "Realisatie t/m" the new year is finance's to enter, not last year's.
                realised=None,
                status=item.status,
                order=item.order,
            )
    return new


def _lines_by_category(report: Report | None) -> dict[tuple[str, str, str, str], BudgetLine]:
    if report is None:
        return {}
    lines = BudgetLine.objects.filter(program__report=report).select_related("program")
    return {(line.program.slug, line.nature, line.kind, line.label): line for line in lines}


def _shifted_estimate(before: BudgetLine) -> dict[str, int | None]:
    """The multi-year estimate of last year's budget, a year on.

    Its estimate for the new year becomes the starting figure shown beside the new
    budget (which finance sets: it starts empty); the later years move up one, and the
    last year of the new estimate is nobody's yet.
    """
    return {
        "raming_vorig": before.raming_1,
        "raming_1": before.raming_2,
        "raming_2": before.raming_3,
        "raming_3": None,
    }


# The kinds of line on which more money is a more negative amount.
COST_KINDS = ("lasten", "toevoegingen")


def _book_carry_overs(
    source: Report,
    previous: Program,
    copy: Program,
    lines: dict[tuple[str, str, str], BudgetLine],
) -> None:
    """The carry-overs the council adopted with `source` become budget changes of the new
    year, on the line each names, decided by the adoption's raadsbesluit.

    Only with that decision in the register: a change without its document is not a budget
    change. What does not come along is listed by carry_over_outcomes."""
    decision = source.adoption_decision if source.status == ReportStatus.ADOPTED else None
    if decision is None:
        return
    carry_overs = CarryOver.objects.filter(
        program=previous, amount__isnull=False, line__isnull=False
    ).select_related("line")
    for order, item in enumerate(carry_overs, start=1):
        line = item.line
        assert line is not None
        target = lines.get((line.nature, line.kind, line.label))
        if target is None or not item.amount:
            continue
        sign = -1 if line.kind in COST_KINDS else 1
        change = BudgetChange(
            program=copy,
            line=target,
            document=decision,
            description=f"Overheveling uit {source.title}: {item.title}"[:200],
            amount=sign * abs(item.amount),
            order=order,
            carry_over=item,
        )
        change.full_clean()
        change.save()


def carry_over_outcomes(report: Report) -> list[dict[str, Any]]:
    """What became of each carry-over proposed in the report `report` was started from."""
    source = report.started_from
    if source is None or source.is_budget:
        return []
    booked = {
        change.carry_over_id: change
        for change in BudgetChange.objects.filter(
            program__report=report, carry_over__isnull=False
        ).select_related("line")
    }
    outcomes = []
    items = CarryOver.objects.filter(program__report=source).select_related("program", "line")
    for item in items.order_by("program__order", "order", "pk"):
        change = booked.get(item.pk)
        if change is not None:
            why = f"begrotingswijziging op {change.line.label.lower()}"
        elif source.status != ReportStatus.ADOPTED:
            why = f"niet meegenomen: {source.title} was nog niet vastgesteld"
        elif source.adoption_decision_id is None:
            why = "niet meegenomen: het raadsbesluit van de vaststelling staat niet in het register"
        elif item.amount is None:
            why = "niet meegenomen: de overheveling noemt geen bedrag"
        elif item.line_id is None:
            why = "niet meegenomen: er is geen begrotingsregel gekozen"
        else:
            why = "niet meegenomen: de begrotingsregel bestaat in het nieuwe jaar niet meer"
        outcomes.append({"item": item, "change": change, "outcome": why})
    return outcomes


# (program slug, indicator code, component label or None) -> the realised value.
Realised = dict[tuple[str, str, str | None], IndicatorValue]


def _realisations(report: Report) -> Realised:
    values = IndicatorValue.objects.filter(
        indicator__table__program__report=report,
        year=report.year,
        kind=ValueKind.REALISATION,
        area="",
    ).select_related("indicator__table__program", "component")
    return {
        (
            value.indicator.table.program.slug,
            value.indicator.code,
            value.component.label if value.component else None,
        ): value
        for value in values
    }


def _carry_realisations(program: Program, realised: Realised, year: int) -> None:
    """Last year's realisations into the copy's previous-year column, by code and label."""
    if not realised:
        return
    indicators = Indicator.objects.filter(table__program=program).prefetch_related("components")
    for indicator in indicators:
        parts: list[IndicatorComponent | None] = [None, *indicator.components.all()]
        for part in parts:
            found = realised.get((program.slug, indicator.code, part.label if part else None))
            if found is None or found.state == ValueState.NOTE:
                continue  # a cell that held only a note: the note stays behind
            value = IndicatorValue(
                indicator=indicator, component=part, year=year, kind=ValueKind.REALISATION
            )
            value.set_value(found.as_value())
            # "776,8 (over 2022)" stays the 2022 figure in the next year's report too.
            value.period_year, value.source = found.period_year, found.source
            value.reference_date = found.reference_date
            value.save()


def what_was_left_behind(report: Report) -> list[dict[str, Any]]:
    """The footnotes of the report `report` was started from, none of which came along.

    Per footnote: its program, number, text and the figures and names it was attached
    to, so staff can add again what still holds for the new year's figures.
    """
    source = report.started_from
    if source is None:
        return []
    footnotes = (
        Footnote.objects.filter(program__report=source)
        .select_related("program")
        .prefetch_related(*Footnote.PLACES)
        .order_by("program__order", "number")
    )
    return [{"program": note.program, "note": note, "places": note.places()} for note in footnotes]


def copy_program(program: Program, report: Report, values: ValueRule) -> Program:
    """The program with its goals, subgoals, activities (plans only) and indicator tables
    in `report`; indicator values are copied where `values` says."""
    copy = Program.objects.create(
        report=report,
        slug=program.slug,
        name=program.name,
        portfolio_holder=program.portfolio_holder,
        order=program.order,
    )
    goals = program.goals.prefetch_related(
        "subgoals__activities",
        "indicator_tables__indicators__components",
        "indicator_tables__indicators__values__component",
    )
    for goal in goals:
        new_goal = Goal.objects.create(
            program=copy, code=goal.code, title=goal.title, order=goal.order
        )
        for sub in goal.subgoals.all():
            new_sub = Subgoal.objects.create(
                goal=new_goal,
                code=sub.code,
                title=sub.title,
                activity_heading=sub.activity_heading,
                order=sub.order,
            )
            for act in sub.activities.all():
                Activity.objects.create(
                    subgoal=new_sub, code=act.code, plan=act.plan, order=act.order
                )
        _copy_tables(goal.indicator_tables.all(), copy, new_goal, values)
    own = program.indicator_tables.filter(goal__isnull=True).prefetch_related(
        "indicators__components", "indicators__values__component"
    )
    _copy_tables(own, copy, None, values)
    return copy


def _copy_tables(
    tables: Iterable[IndicatorTable], program: Program, goal: Goal | None, values: ValueRule
) -> None:
    for table in tables:
        new_table = IndicatorTable.objects.create(
            program=program,
            goal=goal,
            kind=table.kind,
            budget_label=table.budget_label,
            order=table.order,
        )
        # The columns go along: a relative year moves with the report, a fixed one stays.
        for column in table.column_defs.all():
            IndicatorColumn.objects.create(
                table=new_table,
                order=column.order,
                kind=column.kind,
                year_offset=column.year_offset,
                year=column.year,
                label=column.label,
                area=column.area,
            )
        for ind in table.indicators.all():
            _copy_indicator(ind, new_table, values)


def _copy_indicator(ind: Indicator, table: IndicatorTable, values: ValueRule) -> None:
    new_ind = Indicator.objects.create(
        table=table,
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        mandatory=ind.mandatory,
        bbv_id=ind.bbv_id,
        source=ind.source,
        direction=ind.direction,
        allows_text=ind.allows_text,
        lowest=ind.lowest,
        highest=ind.highest,
        order=ind.order,
    )
    parts: dict[int | None, IndicatorComponent | None] = {None: None}
    for comp in ind.components.all():
        parts[comp.pk] = IndicatorComponent.objects.create(
            indicator=new_ind, label=comp.label, order=comp.order
        )
    for value in ind.values.all():
        # Comparisons with other areas are of their own period: the new year starts empty.
        # A cell that held only a note says nothing without it, and notes stay behind.
        if value.area or value.state == ValueState.NOTE:
            continue
        place = values(value)
        if place is None:
            continue
        copy = IndicatorValue(
            indicator=new_ind,
            component=parts[value.component_id],
            year=place[0],
            kind=place[1],
        )
        copy.set_value(value.as_value())
        copy.period_year, copy.source = value.period_year, value.source
        copy.reference_date = value.reference_date
        copy.save()
