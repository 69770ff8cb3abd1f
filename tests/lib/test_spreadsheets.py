import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diemen_sociaal.lib.spreadsheets import (
    Sheet,
    SpreadsheetError,
    cell_text,
    csv_bytes,
    neutralise,
    read_table,
    restore,
    sniff_delimiter,
    xlsx_bytes,
)


@pytest.mark.parametrize("text", ["=1+1", "+31 20", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_could_start_a_formula_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["Diemen", "'s-Gravenhage", "73,6%", ""])
def test_harmless_text_is_left_as_it_is(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("'=", "''="),
        ("''+31", "'''+31"),
        ("'", "'"),
        ("'s-Gravenhage", "'s-Gravenhage"),
    ],
)
def test_text_that_looks_neutralised_already_keeps_its_own_quote(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


@given(st.text())
def test_neutralising_can_always_be_undone(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_writes_plain_numbers_and_neutralised_text() -> None:
    content = csv_bytes(
        ["code", "getal", "bedrag", "procent", "leeg", "naam"],
        [["760124", Decimal("73.6"), -24_273_000, True, None, '=HYPERLINK("x")']],
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows == [
        ["code", "getal", "bedrag", "procent", "leeg", "naam"],
        ["760124", "73.6", "-24273000", "ja", "", '\'=HYPERLINK("x")'],
    ]


def test_xlsx_keeps_numbers_as_numbers_and_formulas_as_text() -> None:
    content = xlsx_bytes(
        [Sheet("begroting", ["code", "bedrag", "naam"], [["760124", 2_238_000, "=1+1"]])]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content))["begroting"]
    code, amount, name = sheet[2]
    assert code.value == "760124" and code.data_type == "s"
    assert amount.value == 2_238_000 and amount.data_type == "n"
    assert name.value == "=1+1" and name.data_type == "s" and name.quotePrefix


def test_dutch_csv_with_semicolons_and_windows_encoding_is_read() -> None:
    content = "omschrijving;bedrag\r\nDiëtist;1.234,56\r\n".encode("cp1252")
    table = read_table(content, "export.csv")
    assert table.header == ["omschrijving", "bedrag"]
    assert table.rows == [(2, ["Diëtist", "1.234,56"])]


def test_utf8_with_bom_and_commas_is_read() -> None:
    content = '\ufeffnaam,bedrag\nDiëtist,"1.234"\n\n'.encode()
    table = read_table(content, "x.csv")
    assert table.header == ["naam", "bedrag"]
    assert table.rows == [(2, ["Diëtist", "1.234"])]


def test_a_neutralised_cell_is_restored_when_read_back() -> None:
    table = read_table(csv_bytes(["waarde"], [["-"], ["=1+1"]]), "x.csv")
    assert [row for _, row in table.rows] == [["-"], ["=1+1"]]


@pytest.mark.parametrize(
    ("line", "delimiter"), [("a;b;c", ";"), ("a,b,c", ","), ("a\tb", "\t"), ("a", ",")]
)
def test_the_separator_is_taken_from_the_header(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line + "\n1,5;2\n") == delimiter


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "x.csv", "Het bestand is leeg."),
        (b"  \r\n", "x.csv", "Het bestand is leeg."),
        ("naam".encode("utf-16"), "x.csv", "UTF-16"),
        (b"not a zip", "x.xlsx", "geen geldig Excel-bestand"),
        (b"PK\x03\x04 broken", "x.xlsx", "geen geldig Excel-bestand"),
        (b"\xd0\xcf\x11\xe0 old", "x.xls", "Oude Excel-bestanden"),
    ],
)
def test_unreadable_files_get_a_dutch_message(content: bytes, name: str, message: str) -> None:
    with pytest.raises(SpreadsheetError, match=message):
        read_table(content, name)


def _workbook_with_sheet_xml(change: object) -> bytes:
    """A one-sheet workbook whose sheet XML is passed through `change` (a str -> str)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["naam", "bedrag"])
    workbook.active.append(["Diemen", 1234])
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = change(parts[sheet].decode()).encode()  # type: ignore[operator]
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return changed.getvalue()


def test_a_sound_workbook_built_the_same_way_is_read() -> None:
    table = read_table(_workbook_with_sheet_xml(lambda xml: xml), "x.xlsx")
    assert table.header == ["naam", "bedrag"] and table.rows == [(2, ["Diemen", "1234"])]


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml[: len(xml) // 2],  # cut off halfway
        lambda xml: xml.replace("<sheetData>", "<sheetData>&onbekend;"),  # undefined entity
        lambda xml: xml.replace("</sheetData>", ""),  # unclosed element
    ],
    ids=["cut-off", "undefined-entity", "unclosed-element"],
)
def test_a_workbook_with_broken_sheet_xml_gets_a_dutch_message(change: object) -> None:
    with pytest.raises(SpreadsheetError, match="Dit is geen geldig Excel-bestand"):
        read_table(_workbook_with_sheet_xml(change), "x.xlsx")


def test_a_workbook_with_entity_definitions_is_refused_unexpanded() -> None:
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {b} "{f"&{a};" * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    content = _workbook_with_sheet_xml(
        lambda xml: f"<!DOCTYPE worksheet [{entities}]>" + xml.replace(">Diemen<", ">&i;<")
    )
    with pytest.raises(SpreadsheetError, match="om veiligheidsredenen niet gelezen"):
        read_table(content, "x.xlsx")


def test_too_many_rows_are_refused_rather_than_half_read() -> None:
    content = ("a\n" + "1\n" * 11).encode()
    with pytest.raises(SpreadsheetError, match="meer dan 10 regels"):
        read_table(content, "x.csv", max_rows=10)


def test_xlsx_cells_come_back_as_dutch_text() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "anders"
    sheet.append(["x"])
    other = workbook.create_sheet("begroting")
    other.append(["bedrag", "getal", "code", "leeg"])
    other.append([-24273000, 73.6, "3.1.4", None])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "x.xlsx", sheet="begroting")
    assert table.rows == [(2, ["-24273000", "73,6", "3.1.4", ""])]
    assert read_table(out.getvalue(), "x.xlsx", sheet="elders").header == ["x"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (1234, "1234"), (1234.0, "1234"), (0.1, "0,1"), (Decimal("2.50"), "2,50")],
)
def test_cell_text_never_groups_thousands(value: object, text: str) -> None:
    assert cell_text(value) == text
