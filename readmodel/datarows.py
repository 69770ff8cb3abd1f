"""The figures of a report as plain rows: the open data's tables and columns.

One vocabulary for every side that writes or reads these tables: the open-data
downloads and the read API (opendata/), and the staff import, whose templates are
these rows and which reads the same columns back (staff/imports.py), so a
download can be imported into a new report.

The rows are built from the same context builders as the pages (`pages.goal_views`
for the indicator tables, the models' computed budget result and free room), so a
figure cannot differ between page, PDF and download.

Four tables: indicatoren (one row per value), begroting (one row per budget line),
begrotingswijzigingen (one row per recorded budget change, with the decision behind it) and
investeringen (one row per credit). Amounts are in the report's unit, stated
in the column "eenheid" ("duizend_euro" when the report was given in thousands,
"euro" for whole euros), so no digit is published that was not given (a budget change is
in whole euros, as its decision names it, and says so); negative is
a cost; codes are text. A value that is not known is never a number: "getal" stays empty,
"staat" says niet_bekend and "markering" keeps the source's marker ("NB"); "waarde"
is the value as the page shows it ("73,6%").
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects

from diemen_sociaal.lib.costs import EUROS, SHOWN
from diemen_sociaal.lib.values import ValueState
from indicators.models import IndicatorValue
from investments.models import BudgetChange, BudgetLine, Investment, program_cost_table
from programs.models import Program, Report

from . import pages

# A file as the sides hand it out: (filename, mime type, content).
Rendered = tuple[str, str, bytes]

# The open-data files and the import templates, as their addresses name them
# (readmodel/converters.py).
DATA_FORMATS = ("csv", "xlsx", "json")
TEMPLATE_FORMATS = ("csv", "xlsx")

INDICATORS = "indicatoren"
BUDGET = "begroting"
INVESTMENTS = "investeringen"
BUDGET_CHANGES = "begrotingswijzigingen"
FOOTNOTES = "voetnoten"

VALUE_COLUMNS = (
    "staat",
    "getal",
    "procent",
    "tweede_getal",
    "tweede_procent",
    "toevoeging",
    # "deel" (a/b: 14/215) or "eigen_eenheid" (two figures: 35 trajecten, 12,3 per 10.000).
    "tweede_soort",
    "tweede_toevoeging",
    "tekst",
    "markering",
    "waarde",
    "voetnoten",
    # The year the figure is about when not the column's ("jaar"), and where it is from.
    "over_jaar",
    # The day a count was taken, as the source states it (ISO: 2024-03-01).
    "peildatum",
    "bron",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    INDICATORS: (
        "verslagjaar",
        "programma",
        "doelstelling",
        "tabel",
        "indicator",
        "naam",
        "eenheid",
        "verplicht",
        "bbv",
        "onderdeel",
        "kolom",
        "kolomkop",
        "jaar",
        "gebied",
        *VALUE_COLUMNS,
    ),
    BUDGET: (
        "verslagjaar",
        "programma",
        "aard",
        "soort",
        "omschrijving",
        "taakveld",
        "eenheid",
        # The typed amounts, the budget result and the multi-year estimate.
        *SHOWN,
        # Derived by the product from the budget result and the report's threshold.
        "afwijking",
        "toelichting",
    ),
    BUDGET_CHANGES: (
        "verslagjaar",
        "programma",
        "aard",
        "soort",
        "omschrijving",
        "wijziging",
        "eenheid",
        "bedrag",
        "besluit",
        "besluit_soort",
        "besluit_onderwerp",
        "besluit_datum",
        "besluit_jaar",
    ),
    INVESTMENTS: (
        "verslagjaar",
        "programma",
        "kredietnummer",
        "naam",
        "eenheid",
        "budget",
        "realisatie",
        "vrije_ruimte",
        "status",
        "status_omschrijving",
        "toelichting",
    ),
    # The texts behind the marks in "voetnoten" of the indicators: per program, by mark.
    FOOTNOTES: (
        "verslagjaar",
        "programma",
        "teken",
        "nummer",
        "soort",
        "tekst",
    ),
}
TABLES = tuple(COLUMNS)

# The state of a value as open data names it (the model keeps English identifiers).
STATE_NAMES = {
    ValueState.NUMBER: "getal",
    ValueState.NOT_KNOWN: "niet_bekend",
    ValueState.TEXT: "tekst",
    ValueState.NOTE: "voetnoot",
}

Row = dict[str, Any]

# How a value's second number relates to its first, as open data names it.
SECOND_KINDS = {False: "deel", True: "eigen_eenheid"}


@dataclass
class DataExport:
    """Every table of one report or chapter, as plain rows in column order."""

    report: Report
    program: Program | None
    tables: dict[str, list[Row]]

    @property
    def basename(self) -> str:
        parts = [self.report.kind, str(self.report.year)]
        if self.program is not None:
            parts.append(self.program.slug)
        return "-".join(parts)

    @property
    def draft_suffix(self) -> str:
        return "" if self.report.is_published else "-concept"


# The rows ---------------------------------------------------------------------------------


def exact(number: Decimal | None, decimals: int) -> Decimal | None:
    """A stored number with as many decimals as the source wrote (73.600000 -> 73.6)."""
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-decimals))


def value_fields(
    value: IndicatorValue | None, footnotes: list[str], indicator_source: str = ""
) -> Row:
    """The value columns of one cell; all empty for a cell without a value.

    The source is the figure's own, else the indicator's.
    """
    if value is None:
        return dict.fromkeys(VALUE_COLUMNS) | {"waarde": "", "voetnoten": []}
    parts = value.as_value()
    is_number = parts.state == ValueState.NUMBER
    has_second = is_number and parts.number_2 is not None
    return {
        "staat": STATE_NAMES[parts.state],
        "getal": exact(parts.number, parts.decimals) if is_number else None,
        "procent": parts.percent if is_number else None,
        "tweede_getal": exact(parts.number_2, parts.decimals_2) if has_second else None,
        "tweede_procent": parts.percent_2 if has_second else None,
        "toevoeging": parts.qualifier or None,
        "tweede_soort": (SECOND_KINDS[parts.two_figures] if has_second else None),
        "tweede_toevoeging": parts.qualifier_2 or None,
        "tekst": parts.text if parts.state == ValueState.TEXT else None,
        "markering": parts.text if parts.state == ValueState.NOT_KNOWN else None,
        "waarde": value.display,
        "voetnoten": footnotes,
        "over_jaar": value.other_year,
        "peildatum": value.reference_date.isoformat() if value.reference_date else None,
        "bron": value.source or indicator_source or None,
    }


def indicator_rows(program: Program, *, include_empty: bool = False) -> list[Row]:
    """One row per value, in the order of the chapter's tables.

    With include_empty, every cell of every table gets a row, also those
    without a value yet: the import template is this list.
    """
    year = program.report.year
    rows = []
    for goal, table_view, row in pages.indicator_rows(program):
        indicator = row.indicator
        head = {
            "verslagjaar": year,
            "programma": program.slug,
            # Empty for a table directly under the program (the BBV policy indicators).
            "doelstelling": goal.code if goal else None,
            "tabel": table_view.table.kind,
            "indicator": indicator.code,
            "naam": indicator.name,
            "eenheid": indicator.unit or None,
            "verplicht": indicator.mandatory,
            "bbv": indicator.bbv.number if indicator.bbv else None,
        }
        parts = [(None, row.cells)] + [(c.label, c.cells) for c in row.components]
        for label, cells in parts:
            for column, cell in zip(table_view.columns, cells, strict=True):
                if cell is None and not include_empty:
                    continue
                rows.append(
                    head
                    | {
                        "onderdeel": label,
                        "kolom": column.key,
                        "kolomkop": column.label,
                        "jaar": column.year,
                        "gebied": column.spec.area or None,
                    }
                    | value_fields(
                        cell.value if cell else None,
                        cell.footnotes if cell else [],
                        indicator.source,
                    )
                )
    return rows


def budget_rows(program: Program) -> list[Row]:
    """The typed lines in the report's unit, each with its budget result as the table shows it."""
    unit = program.report.unit
    rule = program.report.variance_rule
    rows = []
    for row in program_cost_table(program):
        line = row.source
        if not isinstance(line, BudgetLine):
            continue  # a balance: computed from these rows, not a fact of its own
        variance = line.variance(rule)
        rows.append(
            {
                "verslagjaar": program.report.year,
                "programma": program.slug,
                "aard": line.nature,
                "soort": line.kind,
                "omschrijving": line.label,
                "taakveld": line.taakveld.code if line.taakveld else None,
                "eenheid": unit.code,
                **{column: unit.of(row[column].value) for column in SHOWN},
                "afwijking": variance.key if variance else None,
                "toelichting": line.explanation,
            }
        )
    return rows


def budget_change_rows(program: Program) -> list[Row]:
    """The recorded budget changes, in whole euros as decided, each with its decision.

    What they leave of a line's change (overige wijzigingen) is not a fact of its own: it
    follows from begroting_primitief and begroting_totaal in the table begroting."""
    rows = []
    changes = BudgetChange.objects.filter(program=program).select_related("line", "document")
    for change in changes.order_by("line__order", "line__pk", "order", "pk"):
        document = change.document
        rows.append(
            {
                "verslagjaar": program.report.year,
                "programma": program.slug,
                "aard": change.line.nature,
                "soort": change.line.kind,
                "omschrijving": change.line.label,
                "wijziging": change.description,
                "eenheid": EUROS.code,
                "bedrag": change.amount,
                "besluit": document.slug,
                "besluit_soort": document.kind,
                "besluit_onderwerp": document.subject,
                "besluit_datum": document.date.isoformat() if document.date else None,
                "besluit_jaar": document.date.year if document.date else document.year,
            }
        )
    return rows


def investment_rows(program: Program) -> list[Row]:
    unit = program.report.unit
    return [
        {
            "verslagjaar": program.report.year,
            "programma": program.slug,
            "kredietnummer": item.number,
            "naam": item.name,
            "eenheid": unit.code,
            "budget": unit.of(item.budget),
            "realisatie": unit.of(item.realised),
            "vrije_ruimte": unit.of(item.free_room),
            "status": item.status,
            "status_omschrijving": item.get_status_display(),
            "toelichting": item.explanation,
        }
        for item in Investment.objects.filter(program=program)
    ]


def footnote_rows(program: Program) -> list[Row]:
    """The chapter's notes: the mark an indicator value names ("3", "A") and its text."""
    return [
        {
            "verslagjaar": program.report.year,
            "programma": program.slug,
            "teken": note.mark,
            "nummer": note.number,
            "soort": note.kind,
            "tekst": note.text,
        }
        for note in program.footnotes.all()
    ]


def build_export(report: Report, program: Program | None = None) -> DataExport:
    programs = [program] if program is not None else list(report.programs.all())
    # Fetched once per program for the indicator tables and the table of notes alike.
    prefetch_related_objects(programs, "footnotes")
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    for item in programs:
        item.report = report  # spares a query per program in the row builders
        tables[INDICATORS] += indicator_rows(item)
        tables[BUDGET] += budget_rows(item)
        tables[BUDGET_CHANGES] += budget_change_rows(item)
        tables[INVESTMENTS] += investment_rows(item)
        tables[FOOTNOTES] += footnote_rows(item)
    return DataExport(report=report, program=program, tables=tables)
