"""A synthetic municipality at a chosen scale, for benchmarks and scale tests.

Deterministic from a seed: the same arguments give the same reports, texts
and values, so benchmark runs compare like with like. Each program has the
shape of the 2023 Sociaal chapter (6 goals, 17 subgoals, 31 activities, 44
indicators with breakdowns and footnotes, 8 budget lines, investments and
carry-overs), and every year is a report of its own, tied by codes.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from diemen_sociaal.lib.values import parse_value
from indicators.models import (
    Footnote,
    Indicator,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    ValueKind,
)
from investments.models import BudgetLine, CarryOver, Investment
from programs.models import (
    Activity,
    DevelopmentSection,
    Goal,
    Program,
    Report,
    ReportStatus,
    Subgoal,
)

# Subgoals per goal and activities per subgoal, as in the 2023 Sociaal chapter (31 in all).
SHAPE = [[2, 2, 2, 3], [0, 2, 2], [2, 1, 2], [1, 4], [2, 3, 3], [0, 0]]
INDICATORS_PER_GOAL = [0, 3, 19, 1, 12, 9]  # 44, one of goal 3's is the effect indicator
WORDS = (
    "inwoners ondersteuning gemeente jeugd zorg welzijn wijk samenwerking aanbod "
    "voorzieningen participatie gezondheid wonen preventie netwerk cliënten begeleiding "
    "uitvoering afspraken monitoring regio budget activiteiten vrijwilligers resultaten"
).split()


@dataclass(frozen=True)
class Scale:
    programs: int = 10
    years: int = 8
    first_year: int = 2016
    seed: int = 2024


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(
        " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(3, 6)))
        for _ in range(count)
    )


def _value(rng: random.Random, kind: int) -> str:
    """A value string of one of the kinds the real chapter has."""
    if kind == 0:
        return f"{rng.randint(0, 99)},{rng.randint(0, 9)}%"
    if kind == 1:
        return f"{rng.randint(1, 5000):,}".replace(",", ".")
    if kind == 2:
        return rng.choice(["NB", "N.n.b.", "-", f"{rng.randint(1, 400)}"])
    return f"{rng.randint(5, 20)}/{rng.randint(100, 300)} per week"


@transaction.atomic
def generate(scale: Scale) -> list[Report]:
    """Create the reports; refuses to run over years that already exist."""
    rng = random.Random(scale.seed)
    years = range(scale.first_year, scale.first_year + scale.years)
    if Report.objects.filter(kind="jaarstukken", year__in=years).exists():
        raise ValueError("Er bestaan al jaarstukken in deze jaren; kies andere jaren.")
    reports = []
    for year in years:
        report = Report.objects.create(kind="jaarstukken", year=year, status=ReportStatus.CONCEPT)
        for number in range(1, scale.programs + 1):
            _program(rng, report, number)
        # Every year but the last is adopted, as in real life.
        if year != years[-1]:
            report.status = ReportStatus.ADOPTED
            report.adopted_on = date(year + 1, 6, 27)
            report.save()
        reports.append(report)
    return reports


def _program(rng: random.Random, report: Report, number: int) -> None:
    slug = f"programma-{number:02d}"
    program = Program.objects.create(
        report=report, slug=slug, name=f"Programma {number}", order=number
    )
    bulk_create_with_history(
        [
            DevelopmentSection(
                program=program, order=i, title=_sentence(rng, 4)[:-1], body=_paragraphs(rng, 2)
            )
            for i in range(1, 14)
        ],
        DevelopmentSection,
    )
    notes = bulk_create_with_history(
        [Footnote(program=program, number=n, text=_sentence(rng, 14)) for n in range(1, 17)],
        Footnote,
    )
    for g, subgoal_shape in enumerate(SHAPE, start=1):
        goal = Goal.objects.create(program=program, code=str(g), title=_sentence(rng, 12), order=g)
        activities = []
        for s, count in enumerate(subgoal_shape, start=1):
            sub = Subgoal.objects.create(
                goal=goal, code=f"{g}.{s}", title=_sentence(rng, 10), order=s
            )
            activities += [
                Activity(
                    subgoal=sub,
                    code=f"{g}.{s}.{a}",
                    plan=_sentence(rng, 16),
                    realisation=_paragraphs(rng, 1),
                    order=a,
                )
                for a in range(1, count + 1)
            ]
        bulk_create_with_history(activities, Activity)
        _indicators(rng, goal, report.year, INDICATORS_PER_GOAL[g - 1], notes)
    _money(rng, program)


def _indicators(
    rng: random.Random, goal: Goal, year: int, count: int, notes: list[Footnote]
) -> None:
    if not count:
        return
    table = IndicatorTable.objects.create(
        program_id=goal.program_id, goal=goal, kind="prestatie", order=1
    )
    indicators = bulk_create_with_history(
        [
            Indicator(
                table=table,
                code=f"{goal.code}.1.{i}",
                name=_sentence(rng, 10),
                mandatory=rng.random() < 0.3,
                direction=rng.choice(["hoger", "lager", ""]),
                order=i,
            )
            for i in range(1, count + 1)
        ],
        Indicator,
    )
    values = []
    for indicator in indicators:
        kind = rng.randint(0, 3)
        parts: list[IndicatorComponent | None] = [None]
        if rng.random() < 0.15:
            parts = [
                IndicatorComponent.objects.create(indicator=indicator, label=label, order=n)
                for n, label in enumerate(["Roken", "Alcohol", "Drugs"], start=1)
            ]
        for part in parts:
            for value_year, value_kind in (
                (year - 1, ValueKind.REALISATION),
                (year, ValueKind.BUDGET),
                (year, ValueKind.REALISATION),
            ):
                value = IndicatorValue(
                    indicator=indicator, component=part, year=value_year, kind=value_kind
                )
                value.set_value(parse_value(_value(rng, kind)))
                values.append(value)
    created = bulk_create_with_history(values, IndicatorValue)
    through = IndicatorValue.footnotes.through
    through.objects.bulk_create(
        [
            through(indicatorvalue_id=v.pk, footnote_id=rng.choice(notes).pk)
            for v in created
            if rng.random() < 0.1
        ]
    )


def _money(rng: random.Random, program: Program) -> None:
    lines = []
    for n, (nature, kind) in enumerate(
        [
            (nat, k)
            for nat in ("structureel", "incidenteel")
            for k in ("lasten", "baten", "toevoegingen", "onttrekkingen")
        ],
        start=1,
    ):
        sign = -1 if kind in ("lasten", "toevoegingen") else 1
        amounts = [sign * rng.randint(0, 25_000) * 1000 for _ in range(4)]
        lines.append(
            BudgetLine(
                program=program,
                nature=nature,
                kind=kind,
                label=f"{nature} {kind}",
                order=n,
                rekening_vorig=amounts[0],
                begroting_primitief=amounts[1],
                begroting_totaal=amounts[2],
                rekening=amounts[3],
            )
        )
    bulk_create_with_history(lines, BudgetLine)
    bulk_create_with_history(
        [
            CarryOver(
                program=program,
                order=n,
                title=_sentence(rng, 4)[:-1],
                amount=rng.randint(10, 200) * 1000,
                reasoning=_paragraphs(rng, 1),
            )
            for n in range(1, 5)
        ],
        CarryOver,
    )
    bulk_create_with_history(
        [
            Investment(
                program=program,
                number=f"7{program.order:02d}{n:03d}",
                name=_sentence(rng, 5)[:-1],
                budget=rng.randint(500, 9000) * 1000,
                realised=rng.randint(0, 500) * 1000,
                status=rng.choice("IDVA"),
                explanation=_sentence(rng, 15),
                order=n,
            )
            for n in range(1, 4)
        ],
        Investment,
    )
