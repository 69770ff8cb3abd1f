"""Open data: the figures of a report, or of one chapter, as CSV, XLSX and JSON.

The export is built once from the same context builders as the pages
(`pages.goal_views` for the indicator tables, the models' computed budget
result and free room), so a figure cannot differ between page, PDF and
download. Querysets become plain rows first; then one renderer per format
returns (filename, mime, bytes) and the views only set the headers.

Three tables: indicatoren (one row per value), begroting (one row per budget
line) and investeringen (one row per credit). A CSV file holds one table, picked
with ?tabel= (indicatoren by default); the XLSX workbook holds the three as
sheets and the JSON document as keys. CSV is UTF-8 (no BOM), comma separated,
with a header row. Amounts are whole euros, negative is a cost; numbers use a
plain decimal point; codes are text; yes/no is "ja"/"nee" (true/false in
JSON). A value that is not known is never a number: "getal" stays empty,
"staat" says niet_bekend and "markering" keeps the source's marker ("NB");
"waarde" is the value as the page shows it ("73,6%"). Text that a spreadsheet
could take for a formula is neutralised (lib.spreadsheets).

The same columns are what the import reads back (imports.py), so a download
can be imported into a new report.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from diemen_sociaal.lib import spreadsheets
from diemen_sociaal.lib.values import ValueState
from diemen_sociaal.ops import rate_limited
from indicators.models import IndicatorValue
from investments.models import BudgetLine, Investment

from . import pages
from .models import Program, Report

Rendered = tuple[str, str, bytes]
JSON_MIME = "application/json"

INDICATORS = "indicatoren"
BUDGET = "begroting"
INVESTMENTS = "investeringen"

VALUE_COLUMNS = (
    "staat",
    "getal",
    "procent",
    "tweede_getal",
    "tweede_procent",
    "toevoeging",
    "tekst",
    "markering",
    "waarde",
    "voetnoten",
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
        "onderdeel",
        "kolom",
        "jaar",
        *VALUE_COLUMNS,
    ),
    BUDGET: (
        "verslagjaar",
        "programma",
        "aard",
        "soort",
        "omschrijving",
        "rekening_vorig",
        "begroting_primitief",
        "begroting_totaal",
        "rekening",
        "budgetresultaat",
    ),
    INVESTMENTS: (
        "verslagjaar",
        "programma",
        "kredietnummer",
        "naam",
        "budget",
        "realisatie",
        "vrije_ruimte",
        "status",
        "status_omschrijving",
        "toelichting",
    ),
}
TABLES = tuple(COLUMNS)

# The state of a value as open data names it (the model keeps English identifiers).
STATE_NAMES = {
    ValueState.NUMBER: "getal",
    ValueState.NOT_KNOWN: "niet_bekend",
    ValueState.TEXT: "tekst",
}

Row = dict[str, Any]


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


def value_fields(value: IndicatorValue | None, footnotes: list[int]) -> Row:
    """The value columns of one cell; all empty for a cell without a value."""
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
        "tekst": parts.text if parts.state == ValueState.TEXT else None,
        "markering": parts.text if parts.state == ValueState.NOT_KNOWN else None,
        "waarde": value.display,
        "voetnoten": footnotes,
    }


def indicator_rows(program: Program, *, include_empty: bool = False) -> list[Row]:
    """One row per value, in the order of the chapter's tables.

    With include_empty, every cell of every table gets a row, also those
    without a value yet: the import template is this list.
    """
    year = program.report.year
    rows = []
    for goal_view in pages.goal_views(program):
        for table_view in goal_view.effect_tables + goal_view.performance_tables:
            for row in table_view.rows:
                indicator = row.indicator
                head = {
                    "verslagjaar": year,
                    "programma": program.slug,
                    "doelstelling": goal_view.goal.code,
                    "tabel": table_view.table.kind,
                    "indicator": indicator.code,
                    "naam": indicator.name,
                    "eenheid": indicator.unit or None,
                    "verplicht": indicator.mandatory,
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
                                "kolom": column.key.value,
                                "jaar": year + column.offset,
                            }
                            | value_fields(
                                cell.value if cell else None, cell.footnotes if cell else []
                            )
                        )
    return rows


def budget_rows(program: Program) -> list[Row]:
    return [
        {
            "verslagjaar": program.report.year,
            "programma": program.slug,
            "aard": line.nature,
            "soort": line.kind,
            "omschrijving": line.label,
            "rekening_vorig": line.rekening_vorig,
            "begroting_primitief": line.begroting_primitief,
            "begroting_totaal": line.begroting_totaal,
            "rekening": line.rekening,
            "budgetresultaat": line.budgetresultaat,
        }
        for line in BudgetLine.objects.filter(program=program)
    ]


def investment_rows(program: Program) -> list[Row]:
    return [
        {
            "verslagjaar": program.report.year,
            "programma": program.slug,
            "kredietnummer": item.number,
            "naam": item.name,
            "budget": item.budget,
            "realisatie": item.realised,
            "vrije_ruimte": item.free_room,
            "status": item.status,
            "status_omschrijving": item.get_status_display(),
            "toelichting": item.explanation,
        }
        for item in Investment.objects.filter(program=program)
    ]


def build_export(report: Report, program: Program | None = None) -> DataExport:
    programs = [program] if program is not None else list(report.programs.all())
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    for item in programs:
        item.report = report  # spares a query per program in the row builders
        tables[INDICATORS] += indicator_rows(item)
        tables[BUDGET] += budget_rows(item)
        tables[INVESTMENTS] += investment_rows(item)
    return DataExport(report=report, program=program, tables=tables)


# The renderers ----------------------------------------------------------------------------


def _cells(row: Row, columns: tuple[str, ...]) -> list[spreadsheets.Cell]:
    """A row as flat cells: a list of footnote numbers becomes "3, 4"."""
    out: list[spreadsheets.Cell] = []
    for name in columns:
        value = row[name]
        out.append(", ".join(str(v) for v in value) if isinstance(value, list) else value)
    return out


def render_csv(export: DataExport, table: str = INDICATORS) -> Rendered:
    if table not in COLUMNS:
        raise ValueError(f"unknown table {table!r}")
    columns = COLUMNS[table]
    content = spreadsheets.csv_bytes(
        columns, [_cells(row, columns) for row in export.tables[table]]
    )
    filename = f"{export.basename}-{table}{export.draft_suffix}.csv"
    return filename, spreadsheets.CSV_MIME, content


def render_xlsx(export: DataExport) -> Rendered:
    sheets = [
        spreadsheets.Sheet(
            title=name,
            columns=COLUMNS[name],
            rows=[_cells(row, COLUMNS[name]) for row in export.tables[name]],
        )
        for name in TABLES
    ]
    filename = f"{export.basename}-data{export.draft_suffix}.xlsx"
    return filename, spreadsheets.XLSX_MIME, spreadsheets.xlsx_bytes(sheets)


def json_number(value: Decimal) -> int | float:
    """A number as JSON writes it: whole numbers as integers, 73.6 as 73.6."""
    return int(value) if value == value.to_integral_value() else float(value)


def json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def report_meta(report: Report) -> Row:
    return {
        "soort": report.kind,
        "jaar": report.year,
        "titel": report.title,
        "status": report.status,
        "versie": report.version_label,
        "vastgesteld_op": report.adopted_on.isoformat() if report.adopted_on else None,
    }


def render_json(export: DataExport) -> Rendered:
    document = {
        "verslag": report_meta(export.report),
        "programma": export.program.slug if export.program else None,
        "toelichting": "Bedragen in hele euro's; negatief is een last. "
        "Een onbekende waarde heeft geen getal: zie staat en markering.",
        **export.tables,
    }
    content = json.dumps(document, ensure_ascii=False, indent=1, default=json_default)
    filename = f"{export.basename}-data{export.draft_suffix}.json"
    return filename, JSON_MIME, content.encode("utf-8")


# The open-data files, as their addresses name them (programs/converters.py).
DATA_FORMATS = ("csv", "xlsx", "json")


def render(export: DataExport, fmt: str, table: str | None) -> Rendered:
    if fmt == "csv":
        if (table or INDICATORS) not in COLUMNS:
            raise Http404("Deze tabel bestaat niet; kies indicatoren, begroting of investeringen.")
        return render_csv(export, table or INDICATORS)
    if fmt == "xlsx":
        return render_xlsx(export)
    return render_json(export)


# The views --------------------------------------------------------------------------------


@rate_limited("download")
def report_data(request: HttpRequest, kind: str, year: int, fmt: str) -> HttpResponse:
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    rendered = render(build_export(report), fmt, request.GET.get("tabel"))
    return _attachment(report, *rendered)


@rate_limited("download")
def chapter_data(
    request: HttpRequest, kind: str, year: int, program: str, fmt: str
) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    rendered = render(build_export(found.report, found), fmt, request.GET.get("tabel"))
    return _attachment(found.report, *rendered)


def cache_control(report: Report) -> str:
    """Adopted figures never change: a day; offered ones can still: five minutes; drafts: never."""
    if report.is_adopted:
        return "public, max-age=86400"
    if report.is_published:
        return "public, max-age=300"
    return "private, no-store"


def _attachment(report: Report, filename: str, mime: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = cache_control(report)
    return response
