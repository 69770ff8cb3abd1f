"""Reading and writing tables as CSV and XLSX, safely and the way Dutch offices really do it.

Pure functions with no knowledge of Django models.

Writing: a text cell that a spreadsheet program would take for a formula
("=", "+", "-", "@", tab, carriage return at the start) is neutralised: in CSV
with a leading single quote, in XLSX by storing it as a text cell with the
quote prefix set, so opening a download can never run anything.

Reading: CSV as it really comes (UTF-8 with or without BOM, else Windows-1252;
";" or "," or tab as separator) and XLSX through openpyxl in read-only,
values-only mode (defusedxml is installed, so openpyxl parses the XML safely: a
workbook with a DOCTYPE or entities, as in a "billion laughs" attack, is refused).
A workbook is first measured as it unpacks (xlsx_bounds): openpyxl only sees one
whose declared size, rows, cells per row, shared strings and unpacked bytes are
within bounds.
Every cell comes back as text, with a neutralising quote taken off again;
numbers are read later with the shared Dutch parser, so "1.234" is never
taken for one point two three four.
"""

import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from . import xlsx_bounds

logger = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sheet names are limited to 31 characters by Excel.
MAX_SHEET_TITLE = 31

Cell = str | int | Decimal | bool | None


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is Dutch and meant for the user."""


@dataclass(frozen=True)
class Sheet:
    """One table to write: a title (the XLSX sheet name), column names and typed rows."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Table:
    """A table as read: the header, and each data row with its row number in the file."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


# Writing ---------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Text that cannot start a formula in a spreadsheet program.

    >>> neutralise("=1+1")
    "'=1+1"

    Text that already looks neutralised (quotes before a formula character) gets one
    more quote, so that `restore` gives back exactly what was there.
    """
    return "'" + text if _starts_a_formula(text) else text


def restore(text: str) -> str:
    """Undo `neutralise`: one quote before a formula character, or before quotes that
    come before one, is dropped again."""
    if text.startswith("'") and _starts_a_formula(text[1:]):
        return text[1:]
    return text


def _starts_a_formula(text: str) -> bool:
    """A formula character first, possibly after quotes."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def plain_number(value: Decimal | int) -> str:
    """A number with a plain decimal point and no grouping, as data tools read it."""
    if isinstance(value, int):
        return str(value)
    return format(value, "f")


def csv_text(value: Cell) -> str:
    """One typed cell as CSV text: numbers plain, booleans ja/nee, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | Decimal):
        return plain_number(value)
    return neutralise(value)


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 CSV with a header row, comma separated, as RFC 4180 describes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(name) for name in columns])
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table; numbers as numbers, all text as text cells."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title[:MAX_SHEET_TITLE])
        worksheet.append(list(sheet.columns))
        for cell in worksheet[1]:
            cell.font = bold
        for row in sheet.rows:
            worksheet.append([_xlsx_value(value) for value in row])
        for row_cells in worksheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    _as_text_cell(cell)
        worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value: Cell) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return value


def _as_text_cell(cell: Any) -> None:
    # openpyxl turns a string starting with "=" into a formula; force it back to text,
    # and set the quote prefix so that editing the cell in Excel keeps it text too.
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


# Reading ---------------------------------------------------------------------------------


def read_table(
    content: bytes, filename: str = "", *, sheet: str | None = None, max_rows: int = 20_000
) -> Table:
    """The first row as header and the non-blank rows below it, every cell as stripped text.

    `sheet` picks a sheet of a workbook by name when it is there (else the first
    sheet). More than `max_rows` rows is refused rather than half read.
    """
    if not content.strip():
        raise SpreadsheetError("Het bestand is leeg.")
    name = filename.lower()
    if content.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(content, sheet, max_rows)
    elif name.endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError("Dit is geen geldig Excel-bestand (.xlsx). Sla het opnieuw op.")
    elif name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "Oude Excel-bestanden (.xls) worden niet gelezen. Sla het bestand op als "
            "Excel-werkmap (.xlsx) of als CSV."
        )
    else:
        rows = _csv_rows(content, max_rows)
    return _table(rows)


def _table(rows: Iterable[list[str]]) -> Table:
    header: list[str] | None = None
    data: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        if not any(row):
            continue
        if header is None:
            header = row
        else:
            data.append((number, row))
    if header is None:
        raise SpreadsheetError("Het bestand is leeg.")
    # Trailing empty header cells are what spreadsheet programs leave behind, not columns.
    while header and not header[-1]:
        header.pop()
    return Table(header=header, rows=data)


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as Excel on Windows saves CSV."""
    if b"\x00" in content[:4096]:
        raise SpreadsheetError(
            "Dit bestand is geen tekstbestand in UTF-8 of Windows-1252 (misschien UTF-16 of een "
            "ander binair formaat). Sla het op als ‘CSV UTF-8’ of als Excel-werkmap (.xlsx)."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            "De tekens in dit bestand zijn niet te lezen (geen UTF-8 en geen Windows-1252). "
            "Sla het op als ‘CSV UTF-8’ of als Excel-werkmap (.xlsx)."
        ) from error


def sniff_delimiter(text: str) -> str:
    """ ";" (Dutch Excel), "," or tab: whichever the header line holds most of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(content: bytes, max_rows: int) -> list[list[str]]:
    text = decode_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    columns = xlsx_bounds.Bounds().columns
    try:
        for row in reader:
            if len(row) > columns:
                raise SpreadsheetError(
                    f"Regel {reader.line_num} van het CSV-bestand heeft meer dan {columns} "
                    "kolommen; is het scheidingsteken goed?"
                )
            rows.append([restore(cell.strip()) for cell in row])
            _check_size(len(rows), max_rows)
    except csv.Error as error:
        raise SpreadsheetError(
            f"Regel {reader.line_num} van het CSV-bestand is niet te lezen ({error})."
        ) from error
    return rows


INVALID_XLSX = "Dit is geen geldig Excel-bestand (.xlsx). Sla het opnieuw op."
UNSAFE_XLSX = (
    "Dit Excel-bestand bevat XML met eigen definities (een DOCTYPE of entiteiten) en wordt "
    "om veiligheidsredenen niet gelezen. Open het in Excel en sla het opnieuw op als "
    "Excel-werkmap (.xlsx)."
)
# What openpyxl raises on a damaged workbook: a broken zip, a missing part, XML that is
# malformed (ParseError, a SyntaxError) or forbidden by defusedxml (a ValueError).
XLSX_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    ParseError,
    DefusedXmlException,
)


def _unreadable(error: BaseException) -> SpreadsheetError:
    """The Dutch message for a workbook openpyxl could not read; a forbidden DTD says so."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, DefusedXmlException):
            return SpreadsheetError(UNSAFE_XLSX)
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return SpreadsheetError(INVALID_XLSX)


def _check_bounds(content: bytes, max_rows: int) -> None:
    """Refuse, before openpyxl sees it, a workbook that would unpack to more than a table."""
    try:
        xlsx_bounds.check_workbook(content, xlsx_bounds.Bounds(rows=max_rows))
    except xlsx_bounds.WorkbookRefused as error:
        raise SpreadsheetError(str(error)) from error
    except xlsx_bounds.WorkbookUnsafe as error:
        raise SpreadsheetError(UNSAFE_XLSX) from error
    except xlsx_bounds.WorkbookMalformed as error:
        raise SpreadsheetError(INVALID_XLSX) from error


def _xlsx_rows(content: bytes, sheet: str | None, max_rows: int) -> list[list[str]]:
    _check_bounds(content, max_rows)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except XLSX_ERRORS as error:
        raise _unreadable(error) from error
    except Exception as error:
        # Well-formed parts that still do not make a workbook (a relationship to nowhere, a
        # number where a name belongs) end in whatever openpyxl happens to raise: for the
        # user it is the same damaged file.
        logger.warning("An uploaded workbook could not be opened", exc_info=True)
        raise SpreadsheetError(INVALID_XLSX) from error
    try:
        names = workbook.sheetnames
        if not names:
            raise SpreadsheetError("Het Excel-bestand heeft geen werkbladen.")
        worksheet = workbook[sheet] if sheet in names else workbook[names[0]]
        rows = []
        # In read-only mode the sheet's XML is parsed while iterating, so a damaged or
        # hostile sheet shows up here rather than in load_workbook.
        for values in worksheet.iter_rows(values_only=True):
            rows.append([restore(cell_text(value)) for value in values])
            _check_size(len(rows), max_rows)
        return rows
    except SpreadsheetError:
        raise
    except XLSX_ERRORS as error:
        raise _unreadable(error) from error
    except Exception as error:
        logger.warning("An uploaded workbook could not be read", exc_info=True)
        raise SpreadsheetError(INVALID_XLSX) from error
    finally:
        workbook.close()


def _check_size(count: int, max_rows: int) -> None:
    # One header row is allowed on top of max_rows data rows.
    if count > max_rows + 1:
        raise SpreadsheetError(
            f"Het bestand heeft meer dan {max_rows:,} regels; splits het in kleinere "
            "bestanden.".replace(",", ".")
        )


def cell_text(value: object) -> str:
    """A spreadsheet cell as text; numbers in Dutch notation without grouping ("1234,5")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr gives the shortest text that reads back as the same float: 73.6, not 73.59999.
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value).strip()
