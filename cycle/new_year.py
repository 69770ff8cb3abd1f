"""Starting the report of a new year from the last one."""

from collections.abc import Callable

from django.db import transaction

from indicators.models import (
    Indicator,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    ValueKind,
)
from investments.models import BudgetLine, Investment, InvestmentStatus
from programs.models import Activity, Goal, Program, Report, ReportStatus, Subgoal

# Where an indicator value of the source goes in the copy: (year, kind), or None to leave it.
ValueRule = Callable[[IndicatorValue], tuple[int, str] | None]


@transaction.atomic
def start_new_year(*, source: Report) -> Report:
    """A concept report for the next year, started from `source`.

    Goals, subgoals, activities (with their plans), indicators, their breakdowns
    and targets are copied; realisations of the new year start empty; the
    realised values of `source`'s year move into the "Realisatie (year-1)"
    column. Development sections, footnotes and carry-overs belong to one
    year and start empty; budget lines keep their categories with last year's
    result as "Rekening (year-1)"; investments still running carry on.
    """
    year = source.year + 1
    new = Report(kind=source.kind, year=year, status=ReportStatus.CONCEPT)
    new.full_clean()
    new.save()

    def carried(value: IndicatorValue) -> tuple[int, str] | None:
        if value.year != source.year:
            return None
        # Last year's realisation becomes "Realisatie (year-1)"; its target is the starting
        # point for this year's target, which staff adjust to the new budget.
        target_year = source.year if value.kind == ValueKind.REALISATION else year
        return target_year, value.kind

    for program in source.programs.all():
        copy = copy_program(program, new, carried)
        for line in program.budget_lines.all():
            BudgetLine.objects.create(
                program=copy,
                nature=line.nature,
                kind=line.kind,
                label=line.label,
                order=line.order,
                rekening_vorig=line.rekening,
            )
        running = program.investments.exclude(
            status__in=[InvestmentStatus.SETTLED, InvestmentStatus.CANCELLED]
        )
        for item in running:
            Investment.objects.create(
                program=copy,
                number=item.number,
                name=item.name,
                budget=item.budget,
                realised=item.realised,
                status=item.status,
                order=item.order,
            )
    return new


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
        for table in goal.indicator_tables.all():
            new_table = IndicatorTable.objects.create(
                goal=new_goal,
                kind=table.kind,
                budget_label=table.budget_label,
                order=table.order,
            )
            for ind in table.indicators.all():
                _copy_indicator(ind, new_table, values)
    return copy


def _copy_indicator(ind: Indicator, table: IndicatorTable, values: ValueRule) -> None:
    new_ind = Indicator.objects.create(
        table=table,
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        mandatory=ind.mandatory,
        source=ind.source,
        direction=ind.direction,
        order=ind.order,
    )
    parts: dict[int | None, IndicatorComponent | None] = {None: None}
    for comp in ind.components.all():
        parts[comp.pk] = IndicatorComponent.objects.create(
            indicator=new_ind, label=comp.label, order=comp.order
        )
    for value in ind.values.all():
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
        copy.save()
