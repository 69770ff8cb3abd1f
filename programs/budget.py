"""The Programmabegroting: the same program structure, as the budget asks it.

A budget says per program what we want to achieve (goals, subgoals, effect
indicators with their targets), what we will do for it (the activities' plans,
performance indicators with targets) and what it may cost (the primary
budget). The annual report of the same year answers each of these; it quotes
the budget's plans, targets and primary budget, which is how a budget that is
not in the system yet can be entered: derived from its annual report.
"""

from django.db import transaction

from indicators.models import (
    Indicator,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    ValueKind,
)
from investments.models import BudgetLine

from .models import Activity, Goal, Program, Report, ReportKind, ReportStatus, Subgoal


@transaction.atomic
def budget_from_annual_report(source: Report) -> Report:
    """A concept Programmabegroting of source's year: its plans, targets and primary budget.

    Realisations, development sections, footnotes, carry-overs and investments are
    the annual report's own and are not copied. The caller gives the result its status.
    """
    budget = Report(kind=ReportKind.PROGRAMMABEGROTING, year=source.year)
    budget.status = ReportStatus.CONCEPT
    budget.full_clean()
    budget.save()
    for program in source.programs.all():
        copy = Program.objects.create(
            report=budget,
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
                for indicator in table.indicators.all():
                    _copy_targets(indicator, new_table, source.year)
        for line in program.budget_lines.all():
            BudgetLine.objects.create(
                program=copy,
                nature=line.nature,
                kind=line.kind,
                label=line.label,
                order=line.order,
                begroting_primitief=line.begroting_primitief,
                begroting_totaal=line.begroting_primitief,
            )
    return budget


def _copy_targets(indicator: Indicator, table: IndicatorTable, year: int) -> None:
    new = Indicator.objects.create(
        table=table,
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        mandatory=indicator.mandatory,
        source=indicator.source,
        direction=indicator.direction,
        order=indicator.order,
    )
    parts: dict[int | None, IndicatorComponent | None] = {None: None}
    for component in indicator.components.all():
        parts[component.pk] = IndicatorComponent.objects.create(
            indicator=new, label=component.label, order=component.order
        )
    for value in indicator.values.all():
        if value.year != year or value.kind != ValueKind.BUDGET:
            continue
        target = IndicatorValue(
            indicator=new, component=parts[value.component_id], year=year, kind=ValueKind.BUDGET
        )
        target.set_value(value.as_value())
        target.save()


def budget_plans(program: Program) -> tuple[Report | None, dict[str, str]]:
    """The Programmabegroting of an annual report's year and its plan per activity code.

    Two queries; (None, {}) when there is no budget of that year or it is not published.
    """
    report = program.report
    budget = Report.objects.filter(
        kind=ReportKind.PROGRAMMABEGROTING, year=report.year, status=ReportStatus.ADOPTED
    ).first()
    if budget is None:
        return None, {}
    plans = Activity.objects.filter(
        subgoal__goal__program__report=budget, subgoal__goal__program__slug=program.slug
    ).values_list("code", "plan")
    return budget, dict(plans)
