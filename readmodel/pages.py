"""Context builders: everything one page needs, gathered in a fixed number of queries.

The HTML pages (and later the PDF and the data exports) render these
contexts, so a figure cannot differ between them. Querysets are turned into
lists here, never lazily in templates.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from cycle.budget import budget_plans
from diemen_sociaal.lib.charts import BarSeries, bar_chart_svg
from diemen_sociaal.lib.costs import CostRow, budget_table
from diemen_sociaal.lib.values import Assessment, ValueState, assess, why_not_judged
from indicators.columns import ColumnSpec, table_columns
from indicators.models import (
    Footnote,
    FootnoteKind,
    Indicator,
    IndicatorKind,
    IndicatorTable,
    IndicatorValue,
    TableColumn,
    TableFootnote,
    ValueKind,
    marks_of,
)
from investments.models import (
    BudgetLine,
    CarryOver,
    Investment,
    program_budget_steps,
    program_cost_table,
    taakveld_table,
)
from programs import extensions
from programs.models import PUBLISHED_STATUSES, Activity, Goal, Program, Report, Subgoal


@dataclass
class Cell:
    value: IndicatorValue
    footnotes: list[str]

    @property
    def display(self) -> str:
        return self.value.display

    @property
    def note_only(self) -> bool:
        """No figure, only a note's mark in its place ("A")."""
        return self.value.state == ValueState.NOTE


@dataclass
class ComponentRow:
    label: str
    cells: list[Cell | None]


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[Cell | None]
    components: list[ComponentRow]
    footnotes: list[str]
    assessment: Assessment
    # The year's own realisation the verdict was made on (None: no verdict possible).
    actual: Cell | None = None
    # Why there is no verdict, in Dutch ("" when there is one).
    reason: str = ""


@dataclass
class ColumnHeading:
    """A column of a table view: the cells of each row line up with the columns."""

    spec: ColumnSpec
    footnotes: list[str]

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def year(self) -> int:
        return self.spec.year


@dataclass
class TableView:
    table: IndicatorTable
    heading_footnotes: list[str]
    columns: list[ColumnHeading]
    rows: list[IndicatorRow]
    # Unique within a chapter page: "tabel-5-2" is the second table of goal 5.
    anchor: str
    footnotes: list[Footnote] = field(default_factory=list)

    @property
    def caption(self) -> str:
        return self.table.get_kind_display()

    @property
    def sources(self) -> list[str]:
        """Where the figures come from, by source: the indicators it is the source of, and
        the figures with a source of their own ("CBS (9.1 Nederland 2023)")."""
        by_source: dict[str, list[str]] = {}
        headings = {column.spec.cell: column.label for column in self.columns}
        for row in self.rows:
            code = row.indicator.code
            source = row.indicator.source.strip()
            if source:
                by_source.setdefault(source, []).append(code)
            for cell in [*row.cells, *(c for part in row.components for c in part.cells)]:
                if cell is None or not cell.value.source or cell.value.source == source:
                    continue
                value = cell.value
                where = headings.get((value.year, value.kind, value.area), str(value.year))
                by_source.setdefault(value.source, []).append(f"{code} {where}")
        return [f"{source} ({', '.join(labels)})" for source, labels in by_source.items()]


@dataclass
class GoalView:
    goal: Goal
    subgoals: list[Subgoal]
    effect_tables: list[TableView]
    performance_tables: list[TableView]

    @property
    def activity_count(self) -> int:
        return sum(len(s.activities.all()) for s in self.subgoals)

    @property
    def rows(self) -> list[IndicatorRow]:
        return [row for t in self.effect_tables + self.performance_tables for row in t.rows]

    def count(self, assessment: Assessment) -> int:
        return sum(1 for row in self.rows if row.assessment == assessment)

    @property
    def met(self) -> int:
        return self.count(Assessment.MET)

    @property
    def short(self) -> int:
        return self.count(Assessment.SHORT)

    @property
    def unknown(self) -> int:
        return sum(
            self.count(a)
            for a in (Assessment.UNKNOWN, Assessment.OTHER_PERIOD, Assessment.OTHER_MEASURE)
        )


def get_program(kind: str, year: int, slug: str, *, user: Any) -> Program:
    """The program of a report the user may see; 404 (never 403) otherwise."""
    program = (
        Program.objects.at(kind, year, slug)
        .filter(report__in=Report.objects.visible_to(user))
        .first()
    )
    if program is None:
        raise Http404("Dit programma bestaat niet of is niet gepubliceerd.")
    return program


def _goals(program: Program, goal_filter: dict[str, Any] | None = None) -> list[Goal]:
    activities = Prefetch("activities", queryset=Activity.objects.order_by("order", "pk"))
    subgoals = Prefetch(
        "subgoals", queryset=Subgoal.objects.order_by("order", "pk").prefetch_related(activities)
    )
    goals = Goal.objects.filter(program=program, **(goal_filter or {})).prefetch_related(subgoals)
    return list(goals)


# The anchor word of the tables directly under a program: "tabel-programma-1".
PROGRAM_TABLES = "programma"


def _tables(
    program: Program,
    goals: list[Goal],
    year: int,
    *,
    targets_only: bool = False,
    with_program_tables: bool = False,
) -> dict[int | None, list[TableView]]:
    """The tables of these goals by goal, and (asked for) the program's own under None."""
    values = IndicatorValue.objects.select_related("component").prefetch_related("footnotes")
    indicators = Indicator.objects.select_related("bbv").prefetch_related(
        "footnotes", "components", Prefetch("values", queryset=values)
    )
    marks = TableFootnote.objects.select_related("footnote")
    which = Q(goal__in=[g.pk for g in goals])
    if with_program_tables:
        which |= Q(program=program, goal__isnull=True)
    tables = IndicatorTable.objects.filter(which).prefetch_related(
        Prefetch("indicators", queryset=indicators),
        Prefetch("marks", queryset=marks),
        "column_defs",
    )
    footnotes = {f.mark: f for f in program.footnotes.all()}
    codes = {g.pk: g.code for g in goals}
    by_goal: dict[int | None, list[TableView]] = defaultdict(list)
    for table in tables:
        place = PROGRAM_TABLES if table.goal_id is None else codes[table.goal_id]
        anchor = f"tabel-{place}-{table.order}"
        view = _table_view(table, year, footnotes, anchor, targets_only=targets_only)
        by_goal[table.goal_id].append(view)
    return by_goal


def _table_view(
    table: IndicatorTable,
    year: int,
    footnotes: dict[str, Footnote],
    anchor: str,
    *,
    targets_only: bool = False,
) -> TableView:
    """One indicator table, in the columns it defines (a budget's default: the target)."""
    marks = _heading_marks(table.marks.all())
    specs = table_columns(table, year, budget=targets_only)
    columns = [ColumnHeading(spec, marks[spec.key]) for spec in specs]
    rows = [_indicator_row(indicator, year, specs) for indicator in table.indicators.all()]
    used = set(marks[TableColumn.HEADING]) | {n for c in columns for n in c.footnotes}
    for row in rows:
        used |= footnote_marks(row)
    return TableView(
        table=table,
        heading_footnotes=marks[TableColumn.HEADING],
        columns=columns,
        rows=rows,
        anchor=anchor,
        footnotes=sorted((footnotes[m] for m in used if m in footnotes), key=lambda f: f.number),
    )


def _indicator_row(indicator: Indicator, year: int, specs: list[ColumnSpec]) -> IndicatorRow:
    cells: dict[tuple[int | None, int, str, str], Cell] = {}
    for value in indicator.values.all():
        cells[(value.component_id, value.year, value.kind, value.area)] = Cell(
            value, marks_of(value.footnotes.all())
        )

    def row_cells(component_id: int | None) -> list[Cell | None]:
        return [cells.get((component_id, *spec.cell)) for spec in specs]

    whole = row_cells(None)
    # The verdict compares the year's own target with the year's own realisation, in
    # whichever columns the table shows them (none: no verdict).
    budget = cells.get((None, year, ValueKind.BUDGET, ""))
    actual = cells.get((None, year, ValueKind.REALISATION, ""))
    shown = {spec.cell for spec in specs}
    if (year, ValueKind.BUDGET, "") not in shown or (year, ValueKind.REALISATION, "") not in shown:
        budget = actual = None
    # Diemen's names carry their unit ("... per 10.000 inwoners") where the unit is empty.
    unit = indicator.unit or indicator.name
    pair = (
        budget.value.as_value() if budget else None,
        actual.value.as_value() if actual else None,
    )
    if actual is not None and actual.value.other_year:
        assessment = Assessment.OTHER_PERIOD
        reason = (
            f"de realisatie {year} is het cijfer over {actual.value.other_year}, dat zegt niet "
            f"of de streefwaarde voor {year} is gehaald"
        )
    else:
        assessment = assess(*pair, indicator.direction, unit)
        reason = why_not_judged(*pair, indicator.direction, unit)
    return IndicatorRow(
        indicator=indicator,
        cells=whole,
        components=[ComponentRow(c.label, row_cells(c.pk)) for c in indicator.components.all()],
        footnotes=marks_of(indicator.footnotes.all()),
        assessment=assessment,
        actual=actual,
        reason=reason,
    )


def footnote_marks(row: IndicatorRow) -> set[str]:
    """Every footnote a row refers to: on its name, its values and its components' values."""
    cells = row.cells + [cell for component in row.components for cell in component.cells]
    return set(row.footnotes) | {m for cell in cells if cell for m in cell.footnotes}


def _heading_marks(marks: Iterable[TableFootnote]) -> dict[str, list[str]]:
    """The footnote marks on a table's heading and its column headings, by place."""
    found: dict[str, list[Footnote]] = defaultdict(list)
    for mark in marks:
        found[mark.column].append(mark.footnote)
    return defaultdict(list, {place: marks_of(notes) for place, notes in found.items()})


def goal_views(program: Program, goal_filter: dict[str, Any] | None = None) -> list[GoalView]:
    return _views(program, goal_filter)[0]


def chapter_views(program: Program) -> tuple[list[GoalView], list[TableView]]:
    """The goals with their tables, and the tables directly under the program."""
    return _views(program, None, with_program_tables=True)


def indicator_rows(program: Program) -> list[tuple[Goal | None, TableView, IndicatorRow]]:
    """Every indicator row of a chapter in its order: under the goals, then the program's."""
    goals, program_tables = chapter_views(program)
    found: list[tuple[Goal | None, TableView, IndicatorRow]] = [
        (view.goal, table, row)
        for view in goals
        for table in view.effect_tables + view.performance_tables
        for row in table.rows
    ]
    found += [(None, table, row) for table in program_tables for row in table.rows]
    return found


def _views(
    program: Program, goal_filter: dict[str, Any] | None, *, with_program_tables: bool = False
) -> tuple[list[GoalView], list[TableView]]:
    goals = _goals(program, goal_filter)
    targets_only = program.report.is_budget
    tables = _tables(
        program,
        goals,
        program.report.year,
        targets_only=targets_only,
        with_program_tables=with_program_tables,
    )
    views = []
    for goal in goals:
        goal_tables = tables.get(goal.pk, [])
        views.append(
            GoalView(
                goal=goal,
                subgoals=list(goal.subgoals.all()),
                effect_tables=[t for t in goal_tables if t.table.kind == "effect"],
                performance_tables=[t for t in goal_tables if t.table.kind != "effect"],
            )
        )
    return views, tables.get(None, [])


def _budget_context(program: Program) -> dict[str, Any]:
    """How a chapter is asked: as a budget, or as an annual report beside its budget."""
    if program.report.is_budget:
        return {"budget_view": True}
    budget, plans = budget_plans(program)
    return {"budget_view": False, "budget": budget, "budget_plans": plans}


@dataclass(frozen=True)
class Section:
    """One section of a chapter, as its contents and its body both name it.

    The web page's contents, the chapter body (web and PDF) and the PDF's contents all
    loop over chapter_sections(), so a section is added, renamed or reordered once.
    """

    anchor: str  # the id, after the PDF's chapter prefix
    title: str
    template: str


def chapter_sections(context: dict[str, Any]) -> list[Section]:
    """The sections a chapter has, in the source's order; an empty one is left out."""
    budget = context["budget_view"]
    candidates = [
        ("belangrijke-ontwikkelingen", "Belangrijke ontwikkelingen", context["developments"]),
        (
            "bereikt",
            "Wat willen we bereiken en wat gaan we ervoor doen?"
            if budget
            else "Wat hebben we bereikt en wat hebben we ervoor gedaan?",
            True,  # the goals are the chapter: always there
        ),
        (
            "indicatoren",
            _program_tables_title(context["program_tables"]),
            context["program_tables"],
        ),
        (
            "kosten",
            "Wat mag het kosten?" if budget else "Wat heeft het gekost?",
            # The balances are always computed; without a line there is nothing to show.
            any(not row.is_total for row in context["cost_rows"]),
        ),
        ("overhevelingen", "Voorgestelde overhevelingen", context["carry_overs"]),
        ("investeringen", "Investeringen", context["investments"]),
    ]
    return [
        Section(anchor, title, f"programs/includes/sections/_{anchor}.html")
        for anchor, title, present in candidates
        if present
    ]


def _program_tables_title(tables: list[TableView]) -> str:
    """ "Beleidsindicatoren" when the program's own tables are the BBV's, as they usually are."""
    if tables and all(view.table.kind == IndicatorKind.BBV for view in tables):
        return "Beleidsindicatoren"
    return "Indicatoren van het programma"


def chapter_context(program: Program) -> dict[str, Any]:
    """Everything of one program chapter, in the source's order."""
    developments = list(program.developments.all())
    goals, program_tables = chapter_views(program)
    context = {
        **_budget_context(program),
        "report": program.report,
        "program": program,
        "developments": developments,
        "see_also": extensions.development_links(developments),
        "goals": goals,
        "program_tables": program_tables,
        **_money(program),
        "carry_overs": list(
            CarryOver.objects.filter(program=program).select_related("goal", "development")
        ),
        "investments": list(Investment.objects.filter(program=program)),
    }
    context["sections"] = chapter_sections(context)
    return context


def _money(program: Program) -> dict[str, Any]:
    """The cost table and, in an annual report, each line's budget changes (one fetch of lines)."""
    lines = list(BudgetLine.objects.filter(program=program).select_related("taakveld"))
    steps = [] if program.report.is_budget else program_budget_steps(program, lines)
    cost_rows = program_cost_table(program, lines)
    report = program.report
    return {
        "cost_rows": cost_rows,
        "budget_table": budget_table(report.year, cost_rows, editing=False)
        if report.is_budget
        else None,
        "budget_steps": steps,
        "taakveld_rows": taakveld_table(program, lines, cost_rows[-1]),
        "cost_chart": "" if report.is_budget else cost_chart(program, cost_rows),
        "years": None if report.is_budget else money_over_the_years(program),
    }


@dataclass(frozen=True)
class MoneyYear:
    """The realised lasten and baten of a program in one year, and which report says so."""

    year: int
    lasten: int | None  # euros, negative; None: not (fully) entered
    baten: int | None
    source: str  # "Jaarstukken 2023"


@dataclass(frozen=True)
class MoneyYears:
    years: list[MoneyYear]
    chart: str


# Which lines are lasten and which baten, by their kind; reserves are neither.
LASTEN, BATEN = "lasten", "baten"


def money_over_the_years(program: Program) -> MoneyYears | None:
    """The realised lasten and baten of this program per year, over the annual reports.

    A year's figure is its own report's "rekening", or, where the product holds no
    published report of that year, the next year's "rekening vorig jaar", as the trends of
    indicators do. A year in which a line is still empty has no figure: a partial sum is
    not the year's lasten. None when fewer than two years have one."""
    report = program.report
    reports = Report.objects.filter(
        Q(pk=report.pk) | Q(status__in=PUBLISHED_STATUSES),
        kind=report.kind,
        year__lte=report.year,
        programs__slug=program.slug,
    )
    sums = (
        BudgetLine.objects.filter(
            program__slug=program.slug, program__report__in=reports, kind__in=(LASTEN, BATEN)
        )
        .values("program__report__year", "kind")
        .annotate(
            lines=Count("pk"),
            account=Sum("rekening"),
            accounts=Count("rekening"),
            before=Sum("rekening_vorig"),
            befores=Count("rekening_vorig"),
        )
    )
    # Per year and kind: the sum from that year's own report, and from the next one's.
    own: dict[int, dict[str, int | None]] = {}
    carried: dict[int, dict[str, int | None]] = {}
    for row in sums:
        year, kind, lines = row["program__report__year"], row["kind"], row["lines"]
        own.setdefault(year, {})[kind] = row["account"] if row["accounts"] == lines else None
        carried.setdefault(year - 1, {})[kind] = row["before"] if row["befores"] == lines else None
    years = []
    for year in sorted(set(own) | set(carried)):
        kinds, source = own.get(year, {}), year
        if not any(v is not None for v in kinds.values()):
            kinds, source = carried.get(year, {}), year + 1
        if any(v is not None for v in kinds.values()):
            years.append(
                MoneyYear(
                    year,
                    kinds.get(LASTEN),
                    kinds.get(BATEN),
                    f"{report.get_kind_display()} {source}",
                )
            )
    if len(years) < 2:
        return None
    unit = report.unit

    def series(name: str, amounts: list[int | None]) -> BarSeries:
        return BarSeries(
            name,
            [None if a is None else Decimal(unit.of(abs(a)) or 0) for a in amounts],
            [unit.show(None if a is None else abs(a)) for a in amounts],
        )

    labels = [str(item.year) for item in years]
    lasten = series("lasten", [item.lasten for item in years])
    baten = series("baten", [item.baten for item in years])
    chart = bar_chart_svg(
        labels,
        [lasten, baten],
        title=f"Lasten en baten van {program.in_sentence} per jaar",
        description=f"Staafdiagram, {unit.caption}, bedragen zonder teken; per jaar de "
        "gerealiseerde lasten (gevulde balk) en baten (open balk): "
        + "; ".join(
            f"{label}: lasten {a}, baten {b}"
            for label, a, b in zip(labels, lasten.displays, baten.displays, strict=True)
        )
        + ". Dezelfde bedragen staan in de tabel eronder.",
    )
    return MoneyYears(years, chart)


def cost_chart(program: Program, rows: list[CostRow]) -> str:
    """Budget after changes against the account per line, as bars beside the cost table.

    The table's own figures (printed ones where it shows them), without their sign: a
    bar's length is the amount, lasten and baten alike; the table keeps the signs."""
    lines = [row for row in rows if not row.is_total]
    if not any(row[c].value is not None for row in lines for c in ("begroting_totaal", "rekening")):
        return ""
    unit = program.report.unit
    labels = [row.label for row in lines]
    repeated = {label for label in labels if labels.count(label) > 1}
    labels = [
        f"{row.label} ({row.source.get_nature_display().lower()})"
        if row.label in repeated and isinstance(row.source, BudgetLine)
        else row.label
        for row in lines
    ]

    def series(name: str, column: str) -> BarSeries:
        amounts = [row[column].value for row in lines]
        return BarSeries(
            name,
            [None if a is None else Decimal(unit.of(abs(a)) or 0) for a in amounts],
            [unit.show(None if a is None else abs(a)) for a in amounts],
        )

    year = program.report.year
    budget = series(f"begroting {year} na wijziging", "begroting_totaal")
    account = series(f"rekening {year}", "rekening")
    return bar_chart_svg(
        labels,
        [budget, account],
        title=f"Begroting en rekening {year} per regel van {program.in_sentence}",
        description=f"Staafdiagram, {unit.caption}, bedragen zonder teken; per regel de "
        "begroting na wijziging (gevulde balk) en de rekening (open balk): "
        + "; ".join(
            f"{label}: {b} en {a}"
            for label, b, a in zip(labels, budget.displays, account.displays, strict=True)
        )
        + ". Dezelfde bedragen staan in de tabel.",
    )


def goal_context(program: Program, code: str) -> dict[str, Any]:
    views = goal_views(program, {"code": code})
    if not views:
        raise Http404("Deze doelstelling bestaat niet in dit programma.")
    return {
        **_budget_context(program),
        "report": program.report,
        "program": program,
        "goal_view": views[0],
        "see_also": extensions.goal_links(program, code),
    }


def overview_context(program: Program) -> dict[str, Any]:
    return {
        "budget_view": program.report.is_budget,
        "report": program.report,
        "program": program,
        "goals": goal_views(program),
    }


def reports_visible_to(user: Any) -> list[Report]:
    return list(Report.objects.visible_to(user).prefetch_related("programs"))


@dataclass
class TrendYear:
    """One year of an indicator across reports: its budget and its realisation."""

    year: int
    budget: Cell | None
    realisation: Cell | None
    # The report the realisation is taken from; a later report's "previous year"
    # column is used only when the report of that year does not hold the value.
    source: Report | None
    components: list[tuple[str, Cell | None]]
    # The note of a later report that corrected this year's realisation; the realisation
    # shown is then that report's, not the one first published.
    correction: Footnote | None = None


def indicator_context(program: Program, code: str, user: Any) -> dict[str, Any]:
    """One indicator in its report, and its values over every report that holds its code."""
    reports = Report.objects.visible_to(user).filter(kind=program.report.kind)
    values = IndicatorValue.objects.select_related("component").prefetch_related("footnotes")
    same_code = list(
        Indicator.objects.filter(
            code=code,
            table__program__slug=program.slug,
            table__program__report__in=reports,
        )
        .select_related("table__program__report")
        .prefetch_related("footnotes", "components", Prefetch("values", queryset=values))
        .order_by("table__program__report__year")
    )
    current = next((i for i in same_code if i.table.program_id == program.pk), None)
    if current is None:
        raise Http404("Deze indicator bestaat niet in dit programma.")
    report = program.report
    marks = _heading_marks(current.table.marks.select_related("footnote"))
    specs = table_columns(current.table, report.year, budget=report.is_budget)
    columns = [ColumnHeading(spec, marks[spec.key]) for spec in specs]
    row = _indicator_row(current, report.year, specs)
    used = footnote_marks(row) | {m for column in columns for m in column.footnotes}
    # Later reports of this program without the code: the indicator was dropped there.
    last_year = max(i.table.program.report.year for i in same_code)
    dropped = list(reports.filter(year__gt=last_year, programs__slug=program.slug).order_by("year"))
    trend = _trend(same_code)
    return {
        "dropped_in": dropped,
        "report": program.report,
        "program": program,
        "indicator": current,
        "goal": current.table.goal,
        "row": row,
        "columns": columns,
        "footnotes": [f for f in program.footnotes.all() if f.mark in used],
        "figure_sources": _figure_sources(row, columns),
        "trend": trend,
        # Realisations of this report that a later report corrected: said above the table.
        "corrected_later": [
            item
            for item in trend
            if item.correction is not None
            and item.source != report
            and any(spec.cell == (item.year, ValueKind.REALISATION, "") for spec in specs)
        ],
    }


def _figure_sources(row: IndicatorRow, columns: list[ColumnHeading]) -> list[str]:
    """ "Realisatie 2023 (Roken): CBS" for each figure with a source of its own."""
    found = []
    parts = [("", row.cells)] + [(f" ({c.label})", c.cells) for c in row.components]
    for part, cells in parts:
        for column, cell in zip(columns, cells, strict=True):
            if cell is not None and cell.value.source:
                found.append(f"{column.label}{part}: {cell.value.source}")
    return found


def _correction_of(value: IndicatorValue, report: Report) -> Footnote | None:
    """The correction note on an earlier year's own realisation in a later report."""
    if value.kind != ValueKind.REALISATION or value.area or value.year >= report.year:
        return None
    return next((f for f in value.footnotes.all() if f.kind == FootnoteKind.CORRECTION), None)


def _trend(indicators: list[Indicator]) -> list[TrendYear]:
    """Per year: the budget from that year's report, the realisation preferably from it too,
    unless a later report corrected it (a correction note on its previous-year figure): then
    the corrected figure, from that report, with the note."""
    # (component label or None, year, kind) -> (cell, report), own-year values first.
    found: dict[tuple[str | None, int, str], tuple[Cell, Report]] = {}
    component_labels: list[str] = []
    # (component label or None, year) -> the latest correction of that realisation.
    corrected: dict[tuple[str | None, int], tuple[Cell, Report, Footnote]] = {}
    for prefer_own in (True, False):
        for indicator in indicators:
            report = indicator.table.program.report
            for value in indicator.values.all():
                # The trend is the municipality's own per year: comparisons and long-term
                # targets have their own columns.
                if value.area or value.kind == ValueKind.LONG_TERM:
                    continue
                if (value.year == report.year) != prefer_own:
                    continue
                label = value.component.label if value.component else None
                if label and label not in component_labels:
                    component_labels.append(label)
                cell = Cell(value, marks_of(value.footnotes.all()))
                found.setdefault((label, value.year, value.kind), (cell, report))
                correction = _correction_of(value, report)
                if correction is not None:  # reports come in order of year: the last wins
                    corrected[(label, value.year)] = (cell, report, correction)
    for (label, year), (cell, report, _) in corrected.items():
        found[(label, year, ValueKind.REALISATION)] = (cell, report)

    def pick(label: str | None, year: int, kind: str) -> tuple[Cell | None, Report | None]:
        return found.get((label, year, kind), (None, None))

    trend = []
    for year in sorted({year for _, year, _ in found}):
        realisation, source = pick(None, year, ValueKind.REALISATION)
        trend.append(
            TrendYear(
                year=year,
                budget=pick(None, year, ValueKind.BUDGET)[0],
                realisation=realisation,
                source=source,
                correction=corrected[(None, year)][2] if (None, year) in corrected else None,
                components=[
                    (label, pick(label, year, ValueKind.REALISATION)[0])
                    for label in component_labels
                ],
            )
        )
    return trend


def activity_context(program: Program, code: str, user: Any) -> dict[str, Any]:
    """One activity, and what was planned and done under its code in every visible report."""
    reports = Report.objects.visible_to(user).filter(kind=program.report.kind)
    same_code = list(
        Activity.objects.filter(
            code=code,
            subgoal__goal__program__slug=program.slug,
            subgoal__goal__program__report__in=reports,
        )
        .select_related("subgoal__goal__program__report")
        .order_by("-subgoal__goal__program__report__year")
    )
    current = next((a for a in same_code if a.subgoal.goal.program_id == program.pk), None)
    if current is None:
        raise Http404("Deze activiteit bestaat niet in dit programma.")
    return {
        "budget_view": program.report.is_budget,
        "report": program.report,
        "program": program,
        "activity": current,
        "subgoal": current.subgoal,
        "goal": current.subgoal.goal,
        "history": same_code,
    }
