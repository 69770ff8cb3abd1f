"""The multi-year estimate of a Programmabegroting: entered, shown, published, shifted."""

import io
import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from cycle.new_year import start_new_year
from investments.models import BudgetLine
from programs.models import Report, ReportKind, ReportStatus
from publishing.pdf import render_chapter_pdf
from tests.programs.test_exports import csv_rows, page_tables
from tests.programs.test_imports import confirm, dutch_csv, text_of, upload

pytestmark = [pytest.mark.django_db, pytest.mark.in_thousands]

STAFF = "/beheer/programmabegroting/2024/"
CHAPTER = "/programmabegroting/2024/sociaal/"
HEADERS = [
    "Rekening 2022",
    "Raming 2024 in begroting 2023",
    "Begroting 2024",
    "Raming 2025",
    "Raming 2026",
    "Raming 2027",
]


@pytest.fixture
def budget_2024(budget_2023: Report) -> Report:
    """The Programmabegroting 2024 in concept, started from the adopted one of 2023."""
    return start_new_year(source=budget_2023)


def expenses(report: Report) -> BudgetLine:
    return BudgetLine.objects.get(
        program__report=report, nature="structureel", kind="lasten", label="Structurele lasten"
    )


def enter_estimate(client: Client, report: Report, **amounts: str) -> None:
    line = expenses(report)
    data = {name: "" for name in ("rekening_vorig", "raming_vorig", "begroting_primitief")}
    data |= {"raming_1": "", "raming_2": "", "raming_3": ""}
    data |= {**amounts, "version": str(line.version)}
    response = client.post(STAFF + f"sociaal/begrotingsregel/{line.pk}/", data)
    assert response.status_code == 302, text_of(response)[:2000]


def test_finance_enters_the_multi_year_estimate_and_the_published_budget_shows_it(
    client: Client, finance: User, budget_2024: Report
) -> None:
    client.force_login(finance)
    form = client.get(STAFF + f"sociaal/begrotingsregel/{expenses(budget_2024).pk}/")
    for header in HEADERS:
        assert f"{header} (× € 1.000)" in text_of(form)
    enter_estimate(
        client,
        budget_2024,
        rekening_vorig="-24.273",
        begroting_primitief="-25.100",
        raming_1="-25.400",
        raming_2="-25.700",
        raming_3="-26.000",
    )
    line = expenses(budget_2024)
    assert (line.begroting_primitief, line.raming_1, line.raming_3) == (
        -25_100_000,
        -25_400_000,
        -26_000_000,
    )
    assert line.raming_vorig is None  # left empty, not nil
    # Finance sees every column, filled or not, to fill in.
    staff_table = page_tables(client, STAFF + "sociaal/financien/")["tabel-kosten"]
    assert staff_table["header"][1:] == HEADERS

    Report.objects.filter(pk=budget_2024.pk).update(status=ReportStatus.OFFERED)
    client.logout()
    table = page_tables(client, CHAPTER)["tabel-kosten"]
    # Published, a column no line has a figure in is left out.
    assert table["header"][1:] == [h for h in HEADERS if h != "Raming 2024 in begroting 2023"]
    rows = {texts[0]: texts[1:] for _, _, texts in table["rows"]}
    assert rows["Structurele lasten"] == ["-24.273", "-25.100", "-25.400", "-25.700", "-26.000"]
    assert rows["Structurele baten"][2:] == ["nog niet ingevuld"] * 3
    # The balance adds what is there and says how many lines are still empty.
    assert rows["Saldo Structureel"][2].startswith("-25.400")
    assert "regels leeg" in rows["Saldo Structureel"][2]

    download = {
        (row["aard"], row["omschrijving"]): row
        for row in csv_rows(client, CHAPTER + "data.csv?tabel=begroting")
    }
    published = download[("structureel", "Structurele lasten")]
    assert (published["eenheid"], published["raming_1"], published["raming_3"]) == (
        "duizend_euro",
        "-25400",
        "-26000",
    )
    assert published["raming_vorig"] == ""
    # The PDF shows the same columns as the page.
    words = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(render_chapter_pdf(budget_2024.programs.get())[2])).pages
    )
    assert "Raming 2025 Raming 2026 Raming 2027" in words
    assert "Structurele lasten -24.273 -25.100 -25.400 -25.700 -26.000" in words
    api = json.loads(client.get("/api" + CHAPTER + "begroting/").content)["resultaten"]
    by_label = {(row["aard"], row["omschrijving"]): row for row in api}
    assert by_label[("structureel", "Structurele lasten")]["raming_2"] == -25_700


def test_a_budget_whose_source_gives_only_its_year_shows_only_that_column(
    client: Client, budget_2023: Report
) -> None:
    table = page_tables(client, "/programmabegroting/2023/sociaal/")["tabel-kosten"]
    assert table["header"][1:] == ["Begroting 2023"]


def test_the_next_budget_shifts_the_estimate_a_year_and_takes_the_last_adopted_account(
    client: Client, finance: User, budget_2024: Report, report_2023: Report
) -> None:
    client.force_login(finance)
    enter_estimate(
        client,
        budget_2024,
        begroting_primitief="-25.100",
        raming_1="-25.400",
        raming_2="-25.700",
        raming_3="-26.000",
    )
    Report.objects.filter(pk=budget_2024.pk).update(
        status=ReportStatus.ADOPTED, adopted_on=date(2023, 11, 9)
    )
    budget_2024.refresh_from_db()

    budget_2025 = start_new_year(source=budget_2024)

    assert (budget_2025.kind, budget_2025.year) == (ReportKind.PROGRAMMABEGROTING, 2025)
    line = expenses(budget_2025)
    # Last year's estimate for 2025 is the starting figure; the new budget is finance's.
    assert line.raming_vorig == -25_400_000
    assert line.begroting_primitief is None
    assert (line.raming_1, line.raming_2, line.raming_3) == (-25_700_000, -26_000_000, None)
    # The account of 2023, adopted before the budget 2025 is drawn up.
    assert line.rekening_vorig == expenses(report_2023).rekening is not None
    client.force_login(finance)
    result = text_of(client.get("/beheer/programmabegroting/2025/begonnen/"))
    assert "De meerjarenraming is een jaar opgeschoven" in result


def test_the_import_fills_the_estimate_of_a_budget_and_refuses_a_word_in_dutch(
    client: Client, finance: User, budget_2024: Report
) -> None:
    client.force_login(finance)
    template = client.get(STAFF + "import/sjabloon-begroting.csv").content.decode()
    header = template.splitlines()[0].lstrip("\ufeff").split(",")
    assert header[header.index("rekening") + 1 : header.index("rekening") + 5] == [
        "raming_vorig",
        "raming_1",
        "raming_2",
        "raming_3",
    ]
    columns = ["verslagjaar", "programma", "aard", "soort", "omschrijving", "rekening_vorig"]
    columns += ["begroting_primitief", "begroting_totaal", "rekening", "raming_1", "raming_2"]
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten", "", "-25.100"]
    bad = upload(
        client,
        "begroting",
        dutch_csv([columns, [*row, "", "", "veel", "-25.700"]]),
        url=STAFF + "import/",
    )
    assert "2 raming_1 &#x27;veel&#x27; is geen geldig getal" in text_of(bad)
    assert "Er wordt niets opgeslagen" in text_of(bad)
    assert expenses(budget_2024).begroting_primitief is None
    preview = upload(
        client,
        "begroting",
        dutch_csv([columns, [*row, "", "", "-25.400", "-25.700"]]),
        url=STAFF + "import/",
    )
    confirm(client, preview, url=STAFF + "import/")
    line = expenses(budget_2024)
    assert (line.begroting_primitief, line.raming_1, line.raming_2) == (
        -25_100_000,
        -25_400_000,
        -25_700_000,
    )
    # A file without the column leaves that year of the estimate as it was.
    assert line.raming_3 is None
