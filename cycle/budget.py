"""The Programmabegroting: the same program structure, as the budget asks it.

A budget says per program what we want to achieve (goals, subgoals, effect
indicators with their targets), what we will do for it (the activities' plans,
performance indicators with targets) and what it may cost (the primary
budget). The annual report of the same year answers each of these; it quotes
the budget's plans, targets and primary budget, which is how a budget that is
not in the system yet can be entered: derived from its annual report.
"""

from django.db import transaction

from indicators.models import IndicatorValue, ValueKind
from investments.models import BudgetLine
from programs.models import Activity, Program, Report, ReportKind, ReportStatus

from .new_year import copy_program


@transaction.atomic
def budget_from_annual_report(source: Report) -> Report:
    """A concept Programmabegroting of source's year: its plans, targets and primary budget.

    Realisations, development sections, footnotes, carry-overs and investments are
    the annual report's own and are not copied. The caller gives the result its status.
    """
    budget = Report(
        kind=ReportKind.PROGRAMMABEGROTING, year=source.year, money_unit=source.money_unit
    )
    budget.status = ReportStatus.CONCEPT
    budget.full_clean()
    budget.save()

    def targets(value: IndicatorValue) -> tuple[int, str] | None:
        if value.year == source.year and value.kind == ValueKind.BUDGET:
            return value.year, value.kind
        return None

    for program in source.programs.all():
        copy = copy_program(program, budget, targets)
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
