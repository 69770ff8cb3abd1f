"""Load a report from a seed file in fixtures/ (YAML in the shape of the report).

The seed files are written in the shape of the source document rather than as
database rows, so they can be checked line by line against the PDF; values
are read with the same parser that reads what staff type. Loading is
idempotent: a report that exists is left alone unless replace=True.
"""

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction

from cycle.budget import budget_from_annual_report
from diemen_sociaal.lib.costs import ACCOUNT_COLUMNS, ESTIMATES, THOUSANDS
from diemen_sociaal.lib.values import NOTE_ONLY, ValueState, parse_value
from indicators.models import (
    BbvIndicator,
    Footnote,
    Indicator,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    TableFootnote,
    ValueKind,
)
from investments.models import (
    BudgetChange,
    BudgetLine,
    CarryOver,
    Investment,
    PrintedFigure,
    Taakveld,
)
from programs.models import (
    Activity,
    CouncilDocument,
    DevelopmentSection,
    Goal,
    Program,
    Report,
    ReportStatus,
    Subgoal,
)

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

# Column keys of an indicator table: (offset from the report year, kind of value).
VALUE_COLUMNS = {
    "realisatie_vorig": (-1, ValueKind.REALISATION),
    "begroot": (0, ValueKind.BUDGET),
    "realisatie": (0, ValueKind.REALISATION),
}
# The printed table's columns, where the seed prints "-" for nil; the multi-year
# estimate of a budget only where a file gives it.
AMOUNT_COLUMNS = ACCOUNT_COLUMNS


class SeedError(Exception):
    pass


def seed_files() -> list[Path]:
    return sorted(FIXTURES_DIR.glob("*.yaml"))


def read_seed(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _saved[M: models.Model](instance: M) -> M:
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def load_report(data: dict[str, Any], *, replace: bool = False) -> tuple[Report, bool]:
    """Create the report described by `data`; return it and whether anything was written."""
    head = data["report"]
    ensure_taakvelden()  # reference data every report's money may name
    existing = Report.objects.filter(kind=head["kind"], year=head["year"]).first()
    if existing and not replace:
        return existing, False
    if existing:
        existing.delete()
    if head.get("derived_from"):
        return _derived_budget(head), True
    # Filled as a concept, then given its status: an adopted report refuses new content.
    report = _saved(
        Report(
            kind=head["kind"],
            year=head["year"],
            status=ReportStatus.CONCEPT,
            money_unit=head.get("money_unit", THOUSANDS.euros),
        )
    )
    for order, program_data in enumerate(data.get("programs", []), start=1):
        _load_program(report, program_data, order)
    return _with_status(report, head), True


def _derived_budget(head: dict[str, Any]) -> Report:
    """A Programmabegroting entered as its annual report quotes it (cycle/budget.py)."""
    kind, _, year = str(head["derived_from"]).partition("/")
    source = Report.objects.filter(kind=kind, year=int(year)).first()
    if source is None:
        raise SeedError(f"{head['kind']} {head['year']}: load {head['derived_from']} first")
    return _with_status(budget_from_annual_report(source), head)


def _with_status(report: Report, head: dict[str, Any]) -> Report:
    """The status of the seed file, given once the report is filled."""
    adopted_on = head.get("adopted_on")
    report.status = head["status"]
    report.adopted_on = date.fromisoformat(str(adopted_on)) if adopted_on else None
    report.adopted_by = head.get("adopted_by") or ""
    return _saved(report)


def _load_program(report: Report, data: dict[str, Any], order: int) -> None:
    program = _saved(
        Program(
            report=report,
            slug=data["slug"],
            name=data["name"],
            portfolio_holder=data.get("portfolio_holder") or "",
            order=order,
        )
    )
    for i, section in enumerate(data.get("developments", []), start=1):
        _saved(
            DevelopmentSection(
                program=program,
                order=i,
                title=section.get("title") or "",
                body=section["body"].strip(),
            )
        )
    # By the mark the source prints: its number, or its letter ("A") if it has one.
    footnotes = {
        saved.mark: saved
        for saved in (
            _saved(
                Footnote(
                    program=program,
                    number=note["number"],
                    label=note.get("label") or "",
                    kind=note.get("kind", "toelichting"),
                    text=note["text"].strip(),
                )
            )
            for note in data.get("footnotes", [])
        )
    }
    for i, goal_data in enumerate(data.get("goals", []), start=1):
        _load_goal(program, goal_data, i, footnotes, report.year)
    # Tables directly under the program, such as the BBV policy indicators.
    _load_tables(program, None, data, footnotes, report.year)
    _load_money(program, data)


def _load_goal(
    program: Program,
    data: dict[str, Any],
    order: int,
    footnotes: dict[str, Footnote],
    year: int,
) -> None:
    goal = _saved(Goal(program=program, code=str(data["code"]), title=data["title"], order=order))
    for i, sub in enumerate(data.get("subgoals", []), start=1):
        subgoal = _saved(
            Subgoal(
                goal=goal,
                code=str(sub["code"]),
                title=sub["title"],
                activity_heading=sub.get("activity_heading") or "",
                order=i,
            )
        )
        for j, act in enumerate(sub.get("activities", []), start=1):
            _saved(
                Activity(
                    subgoal=subgoal,
                    code=str(act["code"]),
                    plan=act["plan"].strip(),
                    realisation=(act.get("realisation") or "").strip(),
                    order=j,
                )
            )
    _load_tables(program, goal, data, footnotes, year)


def _load_tables(
    program: Program,
    goal: Goal | None,
    data: dict[str, Any],
    footnotes: dict[str, Footnote],
    year: int,
) -> None:
    for i, table_data in enumerate(data.get("indicator_tables", []), start=1):
        table = _saved(
            IndicatorTable(
                program=program,
                goal=goal,
                kind=table_data["kind"],
                budget_label=table_data.get("budget_label") or "Begroot",
                order=i,
            )
        )
        for column, numbers in (table_data.get("footnotes") or {}).items():
            for number in numbers:
                _saved(TableFootnote(table=table, footnote=footnotes[str(number)], column=column))
        for j, ind in enumerate(table_data.get("indicators", []), start=1):
            _load_indicator(table, ind, j, footnotes, year)


def _load_indicator(
    table: IndicatorTable,
    data: dict[str, Any],
    order: int,
    footnotes: dict[str, Footnote],
    year: int,
) -> None:
    indicator = _saved(
        Indicator(
            table=table,
            code=str(data["code"]),
            name=data["name"].strip(),
            unit=data.get("unit") or "",
            mandatory=bool(data.get("mandatory")),
            bbv=_bbv(data.get("bbv")),
            source=data.get("source") or "",
            direction=data.get("direction") or "",
            allows_text=bool(data.get("allows_text")),
            order=order,
        )
    )
    indicator.footnotes.set(_footnotes(footnotes, data.get("footnotes")))
    components = {
        label: _saved(IndicatorComponent(indicator=indicator, label=label, order=k))
        for k, label in enumerate(data.get("components", []), start=1)
    }
    for key, cell in (data.get("values") or {}).items():
        offset, kind = VALUE_COLUMNS[key]
        _load_cell(indicator, None, components, cell, year + offset, kind, footnotes)
    if not indicator.allows_text and indicator.values.filter(state=ValueState.TEXT).exists():
        raise SeedError(f"{indicator.code}: a sentence as a value needs `allows_text: true`")


def _bbv(number: int | None) -> BbvIndicator | None:
    """The catalogue entry a seed indicator names (`bbv: 27`)."""
    if number is None:
        return None
    ensure_bbv_catalogue()
    try:
        return BbvIndicator.objects.get(number=number)
    except BbvIndicator.DoesNotExist:
        raise SeedError(f"BBV indicator {number} is not in the catalogue") from None


BBV_CATALOGUE = FIXTURES_DIR / "catalogue" / "bbv-beleidsindicatoren.yaml"


def load_bbv_catalogue(path: Path = BBV_CATALOGUE) -> tuple[int, int]:
    """Create or update the BBV catalogue from its file; returns (created, updated)."""
    data = read_seed(path)
    created = updated = 0
    for entry in data["indicators"]:
        fields = {
            "name": entry["name"],
            "unit": entry.get("unit") or "",
            "source": entry.get("source") or "",
            "taakveld": str(entry.get("taakveld") or ""),
            "current": bool(entry.get("current", True)),
            "list_version": str(data.get("version") or ""),
        }
        _, new = BbvIndicator.objects.update_or_create(number=entry["number"], defaults=fields)
        created, updated = created + new, updated + (not new)
    return created, updated


def ensure_bbv_catalogue() -> None:
    """Load the catalogue once, for a database that has none yet."""
    if not BbvIndicator.objects.exists():
        load_bbv_catalogue()


TAAKVELDEN = FIXTURES_DIR / "catalogue" / "taakvelden.yaml"


def load_taakvelden(path: Path = TAAKVELDEN) -> tuple[int, int]:
    """Create or update the taakvelden of the file's list version; returns (created, updated)."""
    data = read_seed(path)
    version = str(data["version"])
    created = updated = 0
    for entry in data["taakvelden"]:
        _, new = Taakveld.objects.update_or_create(
            version=version, code=str(entry["code"]), defaults={"name": entry["name"]}
        )
        created, updated = created + new, updated + (not new)
    return created, updated


def ensure_taakvelden() -> None:
    """Load the list once, for a database that has none yet."""
    if not Taakveld.objects.exists():
        load_taakvelden()


def _load_cell(
    indicator: Indicator,
    component: IndicatorComponent | None,
    components: dict[str, IndicatorComponent],
    cell: Any,
    year: int,
    kind: str,
    footnotes: dict[str, Footnote],
) -> None:
    if cell is None:
        return
    if isinstance(cell, dict) and "components" in cell:
        for label, sub in cell["components"].items():
            if label not in components:
                raise SeedError(f"{indicator.code}: unknown component {label!r}")
            _load_cell(indicator, components[label], components, sub, year, kind, footnotes)
        return
    details = cell if isinstance(cell, dict) else {"value": cell}
    raw, marks = details["value"], details.get("footnotes")
    value = IndicatorValue(indicator=indicator, component=component, year=year, kind=kind)
    if raw is None and not marks:
        raise SeedError(f"{indicator.code}: a cell without a value names the note in its place")
    # A cell with only a note ("A") holds no figure: the note stands in its place.
    value.set_value(NOTE_ONLY if raw is None else parse_value(str(raw)))
    # The year the figure is about when the source says it is not the column's year.
    value.period_year = details.get("period_year")
    # The day it was counted, where the source names one ("peildatum 1 maart 2024").
    value.reference_date = details.get("reference_date")
    value.source = details.get("source") or ""
    _saved(value)
    value.footnotes.set(_footnotes(footnotes, marks))


def _council_document(data: dict[str, Any]) -> CouncilDocument:
    """A document of the register by its slug, entered as the seed describes it if new."""
    found = CouncilDocument.objects.filter(slug=data["slug"]).first()
    if found is not None:
        return found
    return _saved(
        CouncilDocument(
            slug=data["slug"],
            kind=data["kind"],
            subject=data["subject"],
            year=data.get("year"),
            college_date=data.get("college_date"),
            council_date=data.get("council_date"),
            summary=(data.get("summary") or "").strip(),
        )
    )


def _footnotes(footnotes: dict[str, Footnote], marks: Iterable[int | str] | None) -> list[Footnote]:
    try:
        return [footnotes[str(mark)] for mark in marks or []]
    except KeyError as missing:
        raise SeedError(f"footnote {missing} is referred to but not defined") from None


def _load_money(program: Program, data: dict[str, Any]) -> None:
    # The amounts are the printed ones, in the report's unit (thousands unless it says
    # otherwise); the subtotals and budget results it printed are kept as printed.
    unit = program.report.unit
    for i, line in enumerate(data.get("budget_lines", []), start=1):
        amounts = {col: line.get(col, 0) * unit.euros for col in AMOUNT_COLUMNS} | {
            col: line[col] * unit.euros for col in ESTIMATES if line.get(col) is not None
        }
        stored = _saved(
            BudgetLine(
                program=program,
                nature=line["nature"],
                kind=line["kind"],
                label=line["label"],
                order=i,
                **amounts,
            )
        )
        if line.get("budgetresultaat") is not None:
            _saved(
                PrintedFigure(
                    program=program,
                    line=stored,
                    column="budgetresultaat",
                    amount=line["budgetresultaat"] * unit.euros,
                )
            )
    lines = {(line.nature, line.kind, line.label): line for line in program.budget_lines.all()}
    for i, item in enumerate(data.get("budget_changes", []), start=1):
        key = (item["nature"], item["kind"], item["label"])
        if key not in lines:
            raise SeedError(f"budget change for an unknown line {key}")
        _saved(
            BudgetChange(
                program=program,
                line=lines[key],
                document=_council_document(item["document"]),
                description=item["description"],
                # In whole euros, as the decision names it.
                amount=item["amount"],
                order=i,
            )
        )
    for balance, columns in (data.get("printed_balances") or {}).items():
        for column, amount in columns.items():
            _saved(
                PrintedFigure(
                    program=program, balance=balance, column=column, amount=amount * unit.euros
                )
            )
    for i, item in enumerate(data.get("carry_overs", []), start=1):
        _saved(
            CarryOver(
                program=program,
                order=i,
                title=item["title"],
                amount=item.get("amount"),
                reasoning=item["reasoning"].strip(),
            )
        )
    for i, item in enumerate(data.get("investments", []), start=1):
        _saved(
            Investment(
                program=program,
                number=str(item["number"]),
                name=item["name"],
                budget=item["budget"] * unit.euros,
                realised=item["realised"] * unit.euros,
                status=item["status"],
                explanation=(item.get("explanation") or "").strip(),
                order=i,
            )
        )
