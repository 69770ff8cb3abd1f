"""An uploaded workbook is measured before any spreadsheet library opens it.

An .xlsx file is a zip of XML parts, and a few kilobytes can declare a great deal:
a sheet "A1:XFD1048576" (openpyxl pads every row to the declared width), a row of ten
million empty cells, two million shared strings, or a part that unpacks to gigabytes.
openpyxl's read-only mode builds all of that before a row limit can answer. So every
part is unpacked here as a stream, counting the bytes really unpacked (not the sizes the
zip declares), and every XML part is parsed as a stream with defusedxml (no DTD, no
entities), counting rows, cells per row, the declared sheet size and shared strings.
The first bound that is crossed ends the reading with a Dutch message; a part that is
missing or malformed gets the ordinary "not a valid Excel file" message.

Pure: no Django, no openpyxl.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

CHUNK = 64 * 1024
REQUIRED_PARTS = ("[Content_Types].xml",)
CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class WorkbookRefused(ValueError):
    """A workbook crosses a bound; the message is Dutch and meant for the user."""


class WorkbookMalformed(ValueError):
    """A part of the workbook is missing or is not well-formed XML."""


class WorkbookUnsafe(ValueError):
    """A part declares a DTD or entities."""


@dataclass(frozen=True)
class Bounds:
    """What one uploaded workbook may hold. The defaults are generous for a table of
    `rows` rows: the widest import has fifteen columns, and a full sheet of 20,000 rows
    by 15 columns unpacks to about 12 MB."""

    rows: int = 20_000
    columns: int = 200
    shared_strings: int = 200_000
    parts: int = 1_000
    unpacked_bytes: int = 64 * 1024 * 1024


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def column_number(letters: str) -> int:
    """ "A" is 1, "Z" 26, "AA" 27, "XFD" 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number


def _reference(text: str) -> tuple[int, int] | None:
    """The (row, column) of a cell reference such as "B7", or None if it is not one."""
    match = CELL_REFERENCE.match(text.strip())
    if match is None:
        return None
    return int(match.group(2)), column_number(match.group(1))


def check_workbook(content: bytes, bounds: Bounds = Bounds()) -> None:
    """Raise WorkbookRefused, WorkbookMalformed or WorkbookUnsafe, or return: within bounds.

    `content` starts with the zip signature; anything zipfile cannot open is malformed.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise WorkbookMalformed(str(error)) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > bounds.parts:
            raise WorkbookRefused(
                f"Dit Excel-bestand bestaat uit meer dan {_number(bounds.parts)} delen en wordt "
                "niet gelezen. Sla de tabel op in een nieuwe, lege werkmap."
            )
        names = {entry.filename for entry in entries}
        for required in REQUIRED_PARTS:
            if required not in names:
                raise WorkbookMalformed(f"{required} is missing")
        budget = _Budget(bounds.unpacked_bytes)
        for entry in entries:
            if entry.is_dir():
                continue
            try:
                with archive.open(entry) as raw:
                    stream = _CountingReader(raw, budget)
                    if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                        _check_xml(stream, bounds)
                    else:
                        while stream.read(CHUNK):
                            pass
            except (WorkbookRefused, WorkbookMalformed, WorkbookUnsafe):
                raise
            except DefusedXmlException as error:
                raise WorkbookUnsafe(f"{entry.filename}: {error}") from error
            except (ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise WorkbookMalformed(f"{entry.filename}: {error}") from error


class _Budget:
    """The bytes the whole workbook may still unpack to."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            megabytes = self.limit // (1024 * 1024)
            raise WorkbookRefused(
                f"Dit Excel-bestand is uitgepakt groter dan {megabytes} MB en wordt niet "
                "gelezen. Sla alleen de tabel op in een nieuwe werkmap, zonder afbeeldingen "
                "of andere werkbladen."
            )


class _CountingReader:
    """A part as it is unpacked, stopping as soon as the workbook's budget is spent."""

    def __init__(self, raw: IO[bytes], budget: _Budget) -> None:
        self._raw = raw
        self._budget = budget

    def read(self, size: int = CHUNK) -> bytes:
        data = self._raw.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self._budget.spend(len(data))
        return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _events(stream: _CountingReader) -> Iterator[tuple[str, object]]:
    return iterparse(stream, events=("start", "end"), forbid_dtd=True)


def _check_xml(stream: _CountingReader, bounds: Bounds) -> None:
    """Parse one XML part as a stream; a worksheet or the shared strings are counted."""
    events = _events(stream)
    first = next(events, None)
    if first is None:
        raise WorkbookMalformed("empty part")
    root = first[1]
    kind = _local(root.tag)  # type: ignore[attr-defined]
    if kind == "worksheet":
        _check_sheet(events, bounds)
    elif kind == "sst":
        _check_shared_strings(events, bounds)
    else:
        for event, element in events:
            if event == "end":
                element.clear()  # type: ignore[attr-defined]


def _too_many_rows(bounds: Bounds) -> WorkbookRefused:
    # The same words as the row limit of a CSV file (spreadsheets.read_table).
    return WorkbookRefused(
        f"Het bestand heeft meer dan {_number(bounds.rows)} regels; splits het in kleinere "
        "bestanden."
    )


def _too_wide(bounds: Bounds) -> WorkbookRefused:
    return WorkbookRefused(
        f"Het werkblad heeft meer dan {_number(bounds.columns)} kolommen en wordt niet "
        "gelezen. Verwijder de lege kolommen rechts van de tabel (of kopieer alleen de "
        "tabel naar een nieuwe werkmap) en sla het opnieuw op."
    )


def _declared_too_large(rows: int, columns: int, bounds: Bounds) -> WorkbookRefused:
    return WorkbookRefused(
        f"Het werkblad is volgens het bestand {_number(rows)} rijen bij {_number(columns)} "
        f"kolommen groot; er worden hoogstens {_number(bounds.rows)} rijen en "
        f"{_number(bounds.columns)} kolommen gelezen. Verwijder de lege rijen en kolommen "
        "onder en rechts van de tabel (of kopieer alleen de tabel naar een nieuwe werkmap) "
        "en sla het opnieuw op."
    )


def _check_sheet(events: Iterator[tuple[str, object]], bounds: Bounds) -> None:
    """The declared size, every row's number and every cell's column, and cells per row.

    openpyxl pads each row to the widest column and fills the gaps between row numbers,
    so what counts is the largest number that is written, not how many cells there are.
    One header row comes on top of `bounds.rows`.
    """
    max_rows = bounds.rows + 1
    rows = 0
    cells = 0
    for event, element in events:
        tag = _local(element.tag)  # type: ignore[attr-defined]
        if event == "start":
            if tag == "dimension":
                _check_dimension(element.get("ref", ""), bounds)  # type: ignore[attr-defined]
            elif tag == "row":
                rows += 1
                cells = 0
                number = element.get("r")  # type: ignore[attr-defined]
                row = int(number) if number and number.isdigit() else rows
                if row > max_rows or rows > max_rows:
                    raise _too_many_rows(bounds)
            elif tag == "c":
                cells += 1
                place = _reference(element.get("r", ""))  # type: ignore[attr-defined]
                if cells > bounds.columns or (place is not None and place[1] > bounds.columns):
                    raise _too_wide(bounds)
                if place is not None and place[0] > max_rows:
                    raise _too_many_rows(bounds)
        elif tag in ("row", "sheetData"):
            element.clear()  # type: ignore[attr-defined]


def _check_dimension(ref: str, bounds: Bounds) -> None:
    last = ref.split(":")[-1]
    place = _reference(last)
    if place is None:
        return
    if place[0] > bounds.rows + 1 or place[1] > bounds.columns:
        raise _declared_too_large(place[0], place[1], bounds)


def _check_shared_strings(events: Iterator[tuple[str, object]], bounds: Bounds) -> None:
    count = 0
    for event, element in events:
        if event != "end":
            continue
        if _local(element.tag) == "si":  # type: ignore[attr-defined]
            count += 1
            if count > bounds.shared_strings:
                raise WorkbookRefused(
                    f"Dit Excel-bestand bevat meer dan {_number(bounds.shared_strings)} "
                    "verschillende teksten en wordt niet gelezen. Kopieer alleen de tabel "
                    "naar een nieuwe werkmap en sla die op."
                )
            element.clear()  # type: ignore[attr-defined]
