"""Generated report data for tests that need volume (query counts, search, scale)."""

from diemen_sociaal.lib.values import parse_value
from indicators.models import (
    Footnote,
    Indicator,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
)
from investments.models import BudgetLine, CarryOver, Investment
from programs.models import Activity, DevelopmentSection, Goal, Program, Report, Subgoal


def build_program(
    report: Report,
    *,
    slug: str = "groot",
    goals: int = 3,
    subgoals: int = 2,
    activities: int = 2,
    indicators: int = 3,
) -> Program:
    """A program of the requested size with every kind of content the chapter shows."""
    program = Program.objects.create(report=report, slug=slug, name=slug.title(), order=9)
    note = Footnote.objects.create(program=program, number=1, text="Een voetnoot.")
    for d in range(1, 3):
        DevelopmentSection.objects.create(
            program=program, order=d, title=f"Ontwikkeling {d}", body="Tekst."
        )
    year = report.year
    for g in range(1, goals + 1):
        goal = Goal.objects.create(program=program, code=str(g), title=f"Doel {g}", order=g)
        for s in range(1, subgoals + 1):
            sub = Subgoal.objects.create(
                goal=goal, code=f"{g}.{s}", title=f"Subdoel {g}.{s}", order=s
            )
            for a in range(1, activities + 1):
                Activity.objects.create(
                    subgoal=sub, code=f"{g}.{s}.{a}", plan="Plan.", realisation="Gedaan.", order=a
                )
        table = IndicatorTable.objects.create(program=program, goal=goal, kind="prestatie", order=1)
        table.footnotes.add(note, through_defaults={"column": "heading"})
        for i in range(1, indicators + 1):
            indicator = Indicator.objects.create(
                table=table,
                code=f"{g}.1.{i}",
                name=f"Indicator {g}.1.{i}",
                order=i,
                direction="hoger",
            )
            indicator.footnotes.add(note)
            component = IndicatorComponent.objects.create(
                indicator=indicator, label="Deel", order=1
            )
            for value_year, kind, raw, comp in (
                (year - 1, "realisatie", "1.141", None),
                (year, "begroot", "73,6%", None),
                (year, "realisatie", "NB", None),
                (year, "realisatie", "14/215 per week", component),
            ):
                value = IndicatorValue(
                    indicator=indicator, component=comp, year=value_year, kind=kind
                )
                value.set_value(parse_value(raw))
                value.save()
                value.footnotes.add(note)
    for n, (nature, kind) in enumerate([("structureel", "lasten"), ("incidenteel", "baten")], 1):
        BudgetLine.objects.create(
            program=program,
            nature=nature,
            kind=kind,
            label=f"{nature} {kind}",
            order=n,
            rekening_vorig=-1_000_000 * n,
            begroting_totaal=-900_000,
            rekening=-950_000,
        )
    for n in range(1, goals + 1):
        CarryOver.objects.create(
            program=program, order=n, title=f"Overheveling {n}", amount=1000, reasoning="Omdat."
        )
        Investment.objects.create(
            program=program,
            number=f"7{n:05d}",
            name=f"Krediet {n}",
            budget=10_000,
            realised=1_000,
            status="I",
            order=n,
        )
    return program
