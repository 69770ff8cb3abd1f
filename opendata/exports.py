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

The tables, their columns and rows are the read model's (readmodel/datarows.py),
which the import reads back as well.
"""

import json
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from diemen_sociaal.lib import spreadsheets
from diemen_sociaal.ops import rate_limited
from programs.models import Report
from readmodel import pages
from readmodel.datarows import (
    COLUMNS,
    INDICATORS,
    TABLES,
    DataExport,
    Rendered,
    Row,
    build_export,
)

from . import fiscal

JSON_MIME = "application/json"


# The renderers ----------------------------------------------------------------------------


def _cells(row: Row, columns: tuple[str, ...]) -> list[spreadsheets.Cell]:
    """A row as flat cells: a list of footnote marks becomes "3, A"."""
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
        "aangeboden_op": report.offered_on.isoformat() if report.offered_on else None,
        "vastgesteld_op": report.adopted_on.isoformat() if report.adopted_on else None,
        "raadsbesluit": report.adoption_decision.slug if report.adoption_decision else None,
    }


def render_json(export: DataExport) -> Rendered:
    document = {
        "verslag": report_meta(export.report),
        "programma": export.program.slug if export.program else None,
        "toelichting": "Bedragen in de eenheid van hun kolom eenheid (duizend_euro: x € 1.000, "
        "euro: hele euro's); negatief is een last. "
        "Een onbekende waarde heeft geen getal: zie staat en markering.",
        **export.tables,
    }
    content = json.dumps(document, ensure_ascii=False, indent=1, default=json_default)
    filename = f"{export.basename}-data{export.draft_suffix}.json"
    return filename, JSON_MIME, content.encode("utf-8")


def render(export: DataExport, fmt: str, table: str | None) -> Rendered:
    if fmt == "csv":
        if (table or INDICATORS) not in COLUMNS:
            raise Http404(f"Deze tabel bestaat niet; kies {', '.join(TABLES)}.")
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


def fiscal_data_package(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    """The report's money as a Fiscal Data Package descriptor (opendata/fiscal.py)."""
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    body = json.dumps(fiscal.descriptor(request, report), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode(), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = cache_control(report)
    return response


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
