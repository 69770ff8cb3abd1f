"""Open data: every published report and chapter as CSV, XLSX and JSON, with the page's figures."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from diemen_sociaal.lib.costs import THOUSANDS
from diemen_sociaal.lib.spreadsheets import restore
from indicators.models import Indicator, IndicatorValue
from investments.models import Investment
from programs.models import Program, Report
from tests.factories import build_program

pytestmark = pytest.mark.django_db

REPORT = "/jaarstukken/2023/"
CHAPTER = "/jaarstukken/2023/sociaal/"


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def csv_rows(client: Client, url: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(download(client, url).decode("utf-8"))))


def sheet_rows(workbook: openpyxl.Workbook, name: str) -> list[dict[str, object]]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def workbook_of(client: Client, url: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(download(client, url)))


def find(rows: list[dict], **wanted: object) -> dict:
    found = [row for row in rows if all(row[k] == v for k, v in wanted.items())]
    assert len(found) == 1, (wanted, found)
    return found[0]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_report_and_chapter_pages_link_to_every_download(
    client: Client, report_2023: Report
) -> None:
    html = client.get(REPORT).content.decode()
    for url in ["data.xlsx", "data.csv?tabel=indicatoren", "data.csv?tabel=begroting"]:
        assert f'href="{REPORT}{url}"' in html
    assert f'href="{REPORT}data.json"' in html
    html = client.get(CHAPTER).content.decode()
    assert f'href="{CHAPTER}data.csv?tabel=investeringen"' in html
    assert f'href="{CHAPTER}data.xlsx"' in html and f'href="{CHAPTER}data.json"' in html
    assert "Investeringen als CSV" in text_of(html)


def test_the_indicator_csv_holds_numbers_states_markers_and_the_display(
    client: Client, report_2023: Report
) -> None:
    rows = csv_rows(client, CHAPTER + "data.csv")
    assert list(rows[0])[:5] == ["verslagjaar", "programma", "doelstelling", "tabel", "indicator"]
    participation = find(rows, indicator="3.1.3", kolom="realisatie", onderdeel="")
    assert participation["jaar"] == "2023"
    assert participation["getal"] == "73.6"
    assert participation["procent"] == "ja"
    assert participation["staat"] == "getal"
    assert participation["waarde"] == "73,6%"
    assert participation["voetnoten"] == "3"
    unknown = find(rows, indicator="2.3.1", kolom="realisatie")
    assert unknown["getal"] == ""
    assert unknown["staat"] == "niet_bekend"
    assert unknown["markering"] == "NB"
    assert unknown["waarde"] == "NB"
    jobs = find(rows, indicator="3.1.1", kolom="realisatie_vorig")
    assert (jobs["jaar"], jobs["getal"], jobs["waarde"]) == ("2022", "776.8", "776,8")
    smoking = find(rows, indicator="5.3.1", onderdeel="Roken", kolom="begroot")
    assert (smoking["getal"], smoking["waarde"]) == ("15", "15%")
    compound = next(row for row in rows if row["waarde"] == "14/215 per week")
    assert (compound["getal"], compound["tweede_getal"], compound["toevoeging"]) == (
        "14",
        "215",
        "per week",
    )
    target = next(row for row in rows if row["waarde"].startswith("Minimaal 90%"))
    assert target["staat"] == "tekst" and target["getal"] == ""


class PageTables(HTMLParser):
    """The tables of a page by caption id: the header cells and the body rows, as text.

    A row is (its id, its class, [cell texts]); the first cell is the row header.
    Footnote marks (<sup>) are left out of a cell's text, soft hyphens dropped.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict] = {}
        self._table: dict | None = None
        self._row: tuple[str, str, list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._sup = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = {"header": [], "rows": []}
        elif tag == "caption" and self._table is not None:
            self.tables[found["id"] or ""] = self._table
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = (found.get("id") or "", found.get("class") or "", [])
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []
        elif tag == "sup":
            self._sup += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._sup -= 1
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row[2].append(" ".join("".join(self._cell).replace("\xad", "").split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._in_head:
                self._table["header"] = self._row[2]
            else:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._sup:
            self._cell.append(data)


def page_tables(client: Client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return PageTables(response.content.decode()).tables


def column_of(heading: str) -> tuple[str, int]:
    """A column heading of an indicator table as (Realisatie or Begroot, year).

    Tables word the budget column "Begroot 2023" or "Begroting 2023", as the source does.
    """
    match = re.fullmatch(r"(Realisatie|Begroot|Begroting) (\d{4})", heading)
    assert match, heading
    return ("Realisatie" if match[1] == "Realisatie" else "Begroot"), int(match[2])


# The CSV's column names for the page's column words.
PAGE_COLUMN = {"realisatie_vorig": "Realisatie", "begroot": "Begroot", "realisatie": "Realisatie"}


def chapter_indicator_cells(client: Client) -> dict[tuple[str, str, str, int], str]:
    """Every filled cell of the chapter's indicator tables, by (code, component, column, year).

    A row is found by its anchor (id="indicator-3.1.3"); a component row follows its
    indicator and names it for screen readers ("5.3.1, Roken").
    """
    cells = {}
    for table in page_tables(client, CHAPTER).values():
        if not any(row_id.startswith("indicator-") for row_id, _, _ in table["rows"]):
            continue
        columns = [column_of(heading) for heading in table["header"][1:]]
        code = ""
        for row_id, row_class, texts in table["rows"]:
            if row_id.startswith("indicator-"):
                code, component = row_id.removeprefix("indicator-"), ""
            else:
                assert "component-row" in row_class, texts
                named, _, component = texts[0].partition(", ")
                assert named == code, texts
            assert len(texts) == len(columns) + 1, texts
            for (word, year), text in zip(columns, texts[1:], strict=True):
                if text:
                    cells[(code, component, word, year)] = text
    return cells


def indicator_page_cells(client: Client, code: str) -> dict[tuple[str, str, int], str]:
    """The report's own table on the indicator page, by (component, column, year)."""
    table = page_tables(client, f"{CHAPTER}indicator/{code}/")["tabel-verslag"]
    assert table["header"][0] == "Onderdeel"
    columns = [column_of(heading) for heading in table["header"][1:]]
    cells = {}
    for _, _, texts in table["rows"]:
        component = "" if texts[0] == "Totaal" else texts[0]
        for (word, year), text in zip(columns, texts[1:], strict=True):
            if text:
                cells[(component, word, year)] = text
    return cells


def test_every_value_in_the_download_is_the_one_the_page_shows(
    client: Client, report_2023: Report
) -> None:
    """Each row of the CSV against THAT indicator's cell on the chapter and indicator page."""
    rows = csv_rows(client, CHAPTER + "data.csv?tabel=indicatoren")
    assert (
        len(rows)
        == IndicatorValue.objects.filter(indicator__table__program__report=report_2023).count()
        == 145
    )
    chapter = chapter_indicator_cells(client)
    own_pages: dict[str, dict] = {}
    downloaded = {}
    for row in rows:
        key = (row["indicator"], row["onderdeel"], PAGE_COLUMN[row["kolom"]], int(row["jaar"]))
        shown = restore(row["waarde"])
        if row["over_jaar"]:
            # The page says which year such a figure is about; the download has a column.
            shown += f" (over {row['over_jaar']})"
        downloaded[key] = shown
        assert chapter.get(key) == shown, (key, chapter.get(key), shown)
        code = row["indicator"]
        if code not in own_pages:
            own_pages[code] = indicator_page_cells(client, code)
        assert own_pages[code].get(key[1:]) == shown, (key, own_pages[code].get(key[1:]))
    # Nothing the page shows is missing from the download either.
    assert downloaded == chapter
    assert len(own_pages) == 44
    # The year of a column follows from the report: 2022 is last year's realisation.
    assert {(row["kolom"], row["jaar"]) for row in rows} == {
        ("realisatie_vorig", "2022"),
        ("begroot", "2023"),
        ("realisatie", "2023"),
    }


BUDGET_COLUMNS = {
    "rekening_vorig": "Rekening 2022",
    "begroting_primitief": "Begroting 2023 primitief",
    "begroting_totaal": "Begroting 2023 totaal",
    "rekening": "Rekening 2023",
    "budgetresultaat": "Budgetresultaat 2023",
}


def test_every_amount_in_the_budget_download_is_the_one_the_cost_table_shows(
    client: Client, report_2023: Report
) -> None:
    """The download gives the thousands the page prints, and says so in "eenheid"."""
    table = page_tables(client, CHAPTER)["tabel-kosten"]
    header = table["header"]
    # The table's lines per nature: structural ones above "Saldo Structureel", incidental
    # ones between that and "Saldo Incidenteel" (both have "Toevoegingen aan reserves").
    shown: dict[tuple[str, str], dict[str, str]] = {}
    nature = "structureel"
    for _, row_class, texts in table["rows"]:
        if "total-row" in row_class:
            nature = "incidenteel"
            continue
        assert (nature, texts[0]) not in shown, texts
        shown[(nature, texts[0])] = dict(zip(header[1:], texts[1:], strict=True))
    rows = csv_rows(client, CHAPTER + "data.csv?tabel=begroting")
    assert len(rows) == len(shown) == 8
    for row in rows:
        cells = shown[(row["aard"], row["omschrijving"])]
        for column, heading in BUDGET_COLUMNS.items():
            assert row["eenheid"] == "duizend_euro"
            assert cells[heading] == THOUSANDS.show(int(row[column]) * 1000), (row, column)
    # A sample by hand, so that the comparison above cannot pass on two empty sides.
    line = shown[("incidenteel", "Onttrekkingen aan reserves")]
    assert (line["Begroting 2023 totaal"], line["Budgetresultaat 2023"]) == ("767", "-513")


def test_every_investment_in_the_download_is_the_one_the_page_shows(
    client: Client, report_2023: Report
) -> None:
    table = page_tables(client, CHAPTER)["tabel-investeringen"]
    assert table["header"] == [
        "Investering",
        "Budget",
        "Realisatie t/m 2023",
        "Vrije ruimte",
        "Status",
    ]
    shown = {row_id.removeprefix("investering-"): texts for row_id, _, texts in table["rows"]}
    rows = csv_rows(client, CHAPTER + "data.csv?tabel=investeringen")
    assert (
        sorted(row["kredietnummer"] for row in rows)
        == sorted(shown)
        == [
            "760117",
            "760123",
            "760124",
        ]
    )
    for row in rows:
        name, budget, realised, free_room, status = shown[row["kredietnummer"]]
        assert name == f"{row['kredietnummer']} {row['naam']}"
        assert budget == THOUSANDS.show(int(row["budget"]) * 1000)
        assert realised == THOUSANDS.show(int(row["realisatie"]) * 1000)
        assert free_room == THOUSANDS.show(int(row["vrije_ruimte"]) * 1000)
        assert status == f"{row['status']} ({row['status_omschrijving'].lower()})"


def test_the_budget_csv_gives_the_printed_thousands_and_no_invented_euros(
    client: Client, report_2023: Report
) -> None:
    rows = csv_rows(client, CHAPTER + "data.csv?tabel=begroting")
    assert len(rows) == 8
    line = find(rows, aard="structureel", soort="lasten")
    assert line["omschrijving"] == "Structurele lasten"
    assert line["eenheid"] == "duizend_euro"
    assert (line["rekening"], line["begroting_totaal"], line["budgetresultaat"]) == (
        "-24273",
        "-25414",
        "1141",
    )
    # Printed -32 from the unrounded euros behind 1.516 and 1.549: the download says -32.
    assert find(rows, aard="structureel", soort="baten")["budgetresultaat"] == "-32"


def test_the_investment_csv_computes_the_free_room(client: Client, report_2023: Report) -> None:
    rows = csv_rows(client, REPORT + "data.csv?tabel=investeringen")
    item = find(rows, kredietnummer="760124")
    assert item["naam"] == "Verhuizing woonunits - inclusief btw"
    assert (item["eenheid"], item["budget"], item["realisatie"], item["vrije_ruimte"]) == (
        "duizend_euro",
        "2400",
        "162",
        "2238",
    )
    assert (item["status"], item["status_omschrijving"]) == ("I", "In uitvoering")


def test_the_xlsx_holds_the_five_tables_as_sheets_with_typed_cells(
    client: Client, report_2023: Report
) -> None:
    workbook = workbook_of(client, CHAPTER + "data.xlsx")
    assert workbook.sheetnames == [
        "indicatoren",
        "begroting",
        "begrotingswijzigingen",
        "investeringen",
        "voetnoten",
    ]
    indicators = sheet_rows(workbook, "indicatoren")
    participation = find(indicators, indicator="3.1.3", kolom="realisatie", onderdeel=None)
    assert participation["getal"] == pytest.approx(73.6)
    assert participation["waarde"] == "73,6%"
    unknown = find(indicators, indicator="2.3.1", kolom="realisatie")
    assert unknown["getal"] is None and unknown["markering"] == "NB"
    assert unknown["staat"] == "niet_bekend"
    line = find(sheet_rows(workbook, "begroting"), omschrijving="Structurele lasten")
    assert (line["eenheid"], line["budgetresultaat"]) == ("duizend_euro", 1141)
    investments = workbook["investeringen"]
    assert investments["C1"].value == "kredietnummer"
    assert all(cell.data_type == "s" for cell in investments["C"][1:]), "codes stay text"
    item = find(sheet_rows(workbook, "investeringen"), kredietnummer="760124")
    assert item["vrije_ruimte"] == 2238


def test_the_json_holds_the_three_tables_as_keys(client: Client, report_2023: Report) -> None:
    document = json.loads(download(client, REPORT + "data.json"))
    assert document["verslag"]["titel"] == "Jaarstukken 2023"
    assert document["verslag"]["vastgesteld_op"] == "2024-06-27"
    participation = find(
        document["indicatoren"], indicator="3.1.3", kolom="realisatie", onderdeel=None
    )
    assert participation["getal"] == 73.6 and participation["procent"] is True
    assert participation["waarde"] == "73,6%" and participation["voetnoten"] == ["3"]
    unknown = find(document["indicatoren"], indicator="2.3.1", kolom="realisatie")
    assert unknown["getal"] is None
    assert (unknown["staat"], unknown["markering"]) == ("niet_bekend", "NB")
    line = find(document["begroting"], omschrijving="Structurele lasten")
    assert (line["eenheid"], line["budgetresultaat"]) == ("duizend_euro", 1141)
    item = find(document["investeringen"], kredietnummer="760124")
    assert item["vrije_ruimte"] == 2238


def as_text(value: object) -> str:
    """A cell of any of the three formats as one comparable text.

    CSV is all text (numbers with a plain point, yes/no as ja/nee, footnotes "3, 4",
    formula-like text neutralised); XLSX and JSON are typed.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return restore(str(value))


def test_the_three_formats_hold_the_same_figures(client: Client, report_2023: Report) -> None:
    """Every column of every row, the same in CSV, XLSX and JSON."""
    document = json.loads(download(client, CHAPTER + "data.json"))
    workbook = workbook_of(client, CHAPTER + "data.xlsx")
    compared = 0
    for table in ["indicatoren", "begroting", "investeringen"]:
        from_csv = csv_rows(client, f"{CHAPTER}data.csv?tabel={table}")
        from_xlsx = sheet_rows(workbook, table)
        from_json = document[table]
        assert len(from_csv) == len(from_xlsx) == len(from_json) > 0
        columns = list(from_csv[0])
        assert list(from_xlsx[0]) == columns and list(from_json[0]) == columns, table
        for row_csv, row_xlsx, row_json in zip(from_csv, from_xlsx, from_json, strict=True):
            for column in columns:
                assert (
                    as_text(row_csv[column])
                    == as_text(row_xlsx[column])
                    == as_text(row_json[column])
                ), (table, column, row_csv[column], row_xlsx[column], row_json[column])
                compared += 1
    # 145 values x 29 columns, 8 budget lines x 18 (with the four of the multi-year
    # estimate, empty in an annual report), 3 investments x 11
    assert compared == 145 * 29 + 8 * 18 + 3 * 11
    # What as_text makes comparable, by hand, so that it cannot hide a difference.
    cells = [
        find(rows, indicator="3.1.3", kolom="realisatie", onderdeel=empty)
        for rows, empty in [
            (csv_rows(client, CHAPTER + "data.csv"), ""),
            (sheet_rows(workbook, "indicatoren"), None),
            (document["indicatoren"], None),
        ]
    ]
    assert [(c["getal"], c["procent"], c["verplicht"], c["voetnoten"]) for c in cells] == [
        ("73.6", "ja", "ja", "3"),
        (pytest.approx(73.6), "ja", "ja", "3"),
        (73.6, True, True, ["3"]),
    ]


def test_the_downloads_are_named_after_the_report(client: Client, report_2023: Report) -> None:
    names = {
        CHAPTER + "data.csv?tabel=begroting": "jaarstukken-2023-sociaal-begroting.csv",
        CHAPTER + "data.xlsx": "jaarstukken-2023-sociaal-data.xlsx",
        REPORT + "data.json": "jaarstukken-2023-data.json",
    }
    for url, name in names.items():
        assert client.get(url)["Content-Disposition"] == f'attachment; filename="{name}"'
    assert client.get(REPORT + "data.csv")["Content-Type"] == "text/csv; charset=utf-8"


def test_an_unknown_csv_table_is_not_found(client: Client, report_2023: Report) -> None:
    assert client.get(CHAPTER + "data.csv?tabel=geheim").status_code == 404


def test_drafts_are_not_found_by_anonymous_readers(client: Client, concept_2024: Report) -> None:
    for fmt in ["csv", "xlsx", "json"]:
        assert client.get(f"/jaarstukken/2024/data.{fmt}").status_code == 404
        assert client.get(f"/jaarstukken/2024/sociaal/data.{fmt}").status_code == 404
    assert client.get("/jaarstukken/2023/onbekend/data.csv").status_code == 404


def test_staff_download_drafts_marked_concept_and_never_cached(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    response = client.get("/jaarstukken/2024/sociaal/data.json")
    assert response.status_code == 200
    assert "jaarstukken-2024-sociaal-data-concept.json" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_adopted_downloads_may_be_cached_for_a_day(client: Client, report_2023: Report) -> None:
    assert client.get(CHAPTER + "data.xlsx")["Cache-Control"] == "public, max-age=86400"


def test_the_report_download_covers_every_chapter(
    client: Client, finance: User, concept_2024: Report
) -> None:
    build_program(concept_2024, slug="groot", goals=2)
    client.force_login(finance)
    document = json.loads(download(client, "/jaarstukken/2024/data.json"))
    assert {row["programma"] for row in document["investeringen"]} == {"sociaal", "groot"}
    chapter = json.loads(download(client, "/jaarstukken/2024/groot/data.json"))
    assert {row["programma"] for row in chapter["begroting"]} == {"groot"}
    assert chapter["programma"] == "groot"


def test_text_that_could_start_a_formula_is_neutralised(
    client: Client, finance: User, concept_2024: Report
) -> None:
    program = Program.objects.get(report=concept_2024, slug="sociaal")
    Investment.objects.create(
        program=program,
        number="=1+1",
        name='=HYPERLINK("https://example.org","klik")',
        budget=1,
        status="I",
        explanation="@SUM(A1:A9)",
        order=99,
    )
    indicator = Indicator.objects.get(table__program=program, code="3.1.3")
    value = IndicatorValue(indicator=indicator, year=2024, kind="begroot")
    value.state, value.text, value.number = "text", "+31 20 123", None
    value.save()
    client.force_login(finance)

    rows = csv_rows(client, "/jaarstukken/2024/sociaal/data.csv?tabel=investeringen")
    item = find(rows, kredietnummer="'=1+1")
    assert item["naam"] == '\'=HYPERLINK("https://example.org","klik")'
    assert item["toelichting"] == "'@SUM(A1:A9)"
    rows = csv_rows(client, "/jaarstukken/2024/sociaal/data.csv")
    assert find(rows, indicator="3.1.3", kolom="begroot")["waarde"] == "'+31 20 123"
    assert find(rows, indicator="3.1.3", kolom="begroot")["tekst"] == "'+31 20 123"
    # Negative numbers are numbers, not formulas: they stay plain for data tools.
    assert (
        find(
            csv_rows(client, "/jaarstukken/2024/data.csv?tabel=begroting"),
            soort="lasten",
            aard="structureel",
        )["rekening_vorig"]
        == "-24273"
    )

    workbook = workbook_of(client, "/jaarstukken/2024/sociaal/data.xlsx")
    cells = {cell.value: cell for row in workbook["investeringen"].iter_rows() for cell in row}
    for text in ['=HYPERLINK("https://example.org","klik")', "=1+1", "@SUM(A1:A9)"]:
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    cells = {cell.value: cell for row in workbook["indicatoren"].iter_rows() for cell in row}
    assert cells["+31 20 123"].data_type == "s" and cells["+31 20 123"].quotePrefix


def _download_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_download_needs_the_same_queries_whatever_its_size(
    client: Client, without_seed: None
) -> None:
    report = Report.objects.create(kind="jaarstukken", year=2023, status="aangeboden")
    build_program(report, slug="klein", goals=1, subgoals=1, activities=1, indicators=1)
    build_program(report, slug="groot", goals=8, subgoals=4, activities=5, indicators=12)
    small = _download_queries(client, "/jaarstukken/2023/klein/data.xlsx")
    large = _download_queries(client, "/jaarstukken/2023/groot/data.xlsx")
    assert small == large
    # program+report, footnotes (for the indicator tables and the table of notes alike),
    # goals, subgoals, activities, tables, table marks, table
    # columns, indicators, indicator footnotes, components, values, value footnotes,
    # budget lines, printed figures (a report in thousands), budget changes with their
    # decisions, investments
    assert large == 17
    # The whole report: the report, its programs, the notes of all programs in one go, then
    # the rest per program.
    assert _download_queries(client, "/jaarstukken/2023/data.json") == 1 + 1 + 1 + 2 * 15
