"""Upload bombs: small files that declare or unpack to far more than a table, refused with a
Dutch message before openpyxl is called."""

import io
import zipfile
from collections.abc import Callable, Iterator
from unittest import mock

import openpyxl
import pytest

from diemen_sociaal.lib.spreadsheets import SpreadsheetError, read_table

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
Parts = dict[str, bytes]


def sound_parts() -> Parts:
    workbook = openpyxl.Workbook()
    workbook.active.append(["naam", "bedrag"])
    workbook.active.append(["Diemen", 1234])
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        return {name: source.read(name) for name in source.namelist()}


def zipped(parts: Parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def sheet_with(parts: Parts, sheet_data: bytes) -> Parts:
    xml = parts[SHEET]
    start, end = xml.index(b"<sheetData>"), xml.index(b"</sheetData>") + len(b"</sheetData>")
    return parts | {SHEET: xml[:start] + sheet_data + xml[end:]}


def declared_whole_sheet(parts: Parts) -> Parts:
    xml = parts[SHEET]
    start = xml.index(b'<dimension ref="') + len(b'<dimension ref="')
    end = xml.index(b'"', start)
    return parts | {SHEET: xml[:start] + b"A1:XFD1048576" + xml[end:]}


def ten_million_cells_in_one_row(parts: Parts) -> Parts:
    return sheet_with(
        parts, b'<sheetData><row r="1">' + b"<c/>" * 10_000_000 + b"</row></sheetData>"
    )


def a_cell_in_the_last_column(parts: Parts) -> Parts:
    return sheet_with(parts, b'<sheetData><row r="1"><c r="XFD1"><v>1</v></c></row></sheetData>')


def the_last_row_of_the_sheet(parts: Parts) -> Parts:
    row = b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    return sheet_with(parts, b"<sheetData>" + row + b"</sheetData>")


def two_million_shared_strings(parts: Parts) -> Parts:
    strings = f'<sst xmlns="{MAIN}" count="2000000" uniqueCount="2000000">'.encode()
    return parts | {STRINGS: strings + b"<si><t>x</t></si>" * 2_000_000 + b"</sst>"}


def a_part_of_seventy_megabytes(parts: Parts) -> Parts:
    return parts | {"xl/media/image1.png": bytes(70 * 1024 * 1024)}


def a_thousand_and_one_parts(parts: Parts) -> Parts:
    return parts | {f"xl/media/image{n}.png": b"" for n in range(1_001)}


BOMBS: dict[str, tuple[Callable[[Parts], Parts], str]] = {
    "dimension A1:XFD1048576": (
        declared_whole_sheet,
        "Het werkblad is volgens het bestand 1.048.576 rijen bij 16.384 kolommen groot; er "
        "worden hoogstens 20.000 rijen en 200 kolommen gelezen.",
    ),
    "ten million cells in one row": (
        ten_million_cells_in_one_row,
        "Het werkblad heeft meer dan 200 kolommen en wordt niet gelezen.",
    ),
    "a cell in column XFD": (
        a_cell_in_the_last_column,
        "Het werkblad heeft meer dan 200 kolommen en wordt niet gelezen.",
    ),
    "row 1048576": (
        the_last_row_of_the_sheet,
        "Het bestand heeft meer dan 20.000 regels; splits het in kleinere bestanden.",
    ),
    "two million shared strings": (
        two_million_shared_strings,
        "Dit Excel-bestand bevat meer dan 200.000 verschillende teksten en wordt niet gelezen.",
    ),
    "seventy megabytes unpacked": (
        a_part_of_seventy_megabytes,
        "Dit Excel-bestand is uitgepakt groter dan 64 MB en wordt niet gelezen.",
    ),
    "a thousand and one parts": (
        a_thousand_and_one_parts,
        "Dit Excel-bestand bestaat uit meer dan 1.000 delen en wordt niet gelezen.",
    ),
}

INVALID = "Dit is geen geldig Excel-bestand (.xlsx). Sla het opnieuw op."
MALFORMED: dict[str, Callable[[Parts], Parts]] = {
    "truncated workbook.xml": lambda parts: (
        parts | {"xl/workbook.xml": parts["xl/workbook.xml"][:100]}
    ),
    "truncated [Content_Types].xml": lambda parts: (
        parts | {"[Content_Types].xml": parts["[Content_Types].xml"][:-20]}
    ),
    "no [Content_Types].xml": lambda parts: {
        name: data for name, data in parts.items() if name != "[Content_Types].xml"
    },
    "no workbook.xml": lambda parts: {
        name: data for name, data in parts.items() if name != "xl/workbook.xml"
    },
    "a shared-strings part that is not one": lambda parts: (
        parts | {STRINGS: b'<?xml version="1.0"?><sst><si>x</si><si><t>y<t></si></sst>'}
    ),
}


@pytest.fixture
def openpyxl_never_called() -> Iterator[mock.MagicMock]:
    with mock.patch("diemen_sociaal.lib.spreadsheets.openpyxl.load_workbook") as load:
        yield load
    load.assert_not_called()


def bomb(name: str) -> bytes:
    build, _ = BOMBS[name]
    return zipped(build(sound_parts()))


@pytest.mark.parametrize("name", BOMBS)
def test_an_upload_bomb_is_refused_before_openpyxl_sees_it(
    name: str, openpyxl_never_called: mock.MagicMock
) -> None:
    content = bomb(name)
    assert len(content) < 500_000  # small on the wire: what it declares is the bomb
    with pytest.raises(SpreadsheetError) as refused:
        read_table(content, "bom.xlsx")
    assert str(refused.value).startswith(BOMBS[name][1])


@pytest.mark.parametrize("name", MALFORMED)
def test_a_missing_or_malformed_part_gets_the_dutch_file_message(name: str) -> None:
    content = zipped(MALFORMED[name](sound_parts()))
    with pytest.raises(SpreadsheetError) as refused:
        read_table(content, "kapot.xlsx")
    assert str(refused.value) == INVALID


def test_a_workbook_that_lost_its_sheet_says_so() -> None:
    parts = {name: data for name, data in sound_parts().items() if name != SHEET}
    with pytest.raises(SpreadsheetError, match="^Het Excel-bestand heeft geen werkbladen.$"):
        read_table(zipped(parts), "leeg.xlsx")


def test_a_table_at_the_bounds_is_still_read() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append([f"kolom {n}" for n in range(1, 201)])
    for row in range(20_000):
        workbook.active.append([row] + [None] * 198 + ["laatste"] if row == 19_999 else [row])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "groot.xlsx")
    assert len(table.header) == 200 and len(table.rows) == 20_000
    assert table.rows[-1] == (20_001, ["19999"] + [""] * 198 + ["laatste"])


def test_a_csv_row_of_too_many_columns_is_refused() -> None:
    with pytest.raises(SpreadsheetError, match="Regel 2 van het CSV-bestand heeft meer dan 200"):
        read_table(b"a;b\n" + b";" * 5_000_000, "breed.csv")
