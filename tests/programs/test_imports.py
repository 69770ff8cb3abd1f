"""Importing budget lines, investments and indicator values: validate all, preview, confirm."""

import csv
import io
import json
import re
import zipfile
from collections.abc import Sequence
from unittest import mock

import openpyxl
import openpyxl.xml
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from diemen_sociaal.seed import FIXTURES_DIR, load_report, read_seed
from indicators.models import Indicator, IndicatorValue
from indicators.services import CellInput
from investments.models import BudgetLine, Investment
from programs.models import FrozenReportError, Report, ReportStatus
from staff import imports
from tests.client import ClientResponse
from tests.lib import test_xlsx_bounds as xlsx_bounds_test

pytestmark = pytest.mark.django_db

IMPORT = "/beheer/jaarstukken/2024/import/"
BUDGET_HEADER = [
    "verslagjaar",
    "programma",
    "aard",
    "soort",
    "omschrijving",
    "rekening_vorig",
    "begroting_primitief",
    "begroting_totaal",
    "rekening",
]


@pytest.fixture(autouse=True)
def _whole_euros(request: pytest.FixtureRequest) -> None:
    """Most tests here type whole euros ("-24.273.000"): their 2024 report is given in euros.

    Those marked in_thousands keep the seed's unit, as finance would type it: "-24.273".
    """
    if "concept_2024" in request.fixturenames and not request.node.get_closest_marker(
        "in_thousands"
    ):
        report = request.getfixturevalue("concept_2024")
        Report.objects.filter(pk=report.pk).update(money_unit=1)
        report.money_unit = 1


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def dutch_csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    """A CSV as Dutch Excel saves it: semicolons, CRLF."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx(rows: Sequence[Sequence[object]], title: str = "Blad1") -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(
    client: Client, kind: str, content: bytes, name: str = "bestand.csv", url: str = IMPORT
) -> ClientResponse:
    return client.post(url, {"soort": kind, "bestand": SimpleUploadedFile(name, content)})


def token_of(response: ClientResponse) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the preview offers no confirmation"
    return match[1]


def confirm(client: Client, preview: ClientResponse, url: str = IMPORT) -> ClientResponse:
    return client.post(url, {"token": token_of(preview)}, follow=True)


def structural_expenses(year: int = 2024) -> BudgetLine:
    return BudgetLine.objects.get(
        program__report__year=year, nature="structureel", kind="lasten", label="Structurele lasten"
    )


def value_2024(code: str, kind: str = "realisatie", component: str | None = None) -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__table__program__report__year=2024,
        indicator__code=code,
        year=2024,
        kind=kind,
        component__label=component,
    )


def budget_file() -> bytes:
    return dutch_csv(
        [
            BUDGET_HEADER,
            [
                "2024",
                "sociaal",
                "structureel",
                "lasten",
                "Structurele lasten",
                "-24.273.000",
                "-25.000.000",
                "-25.500.000",
                "-24.750.000",
            ],
            [
                "2024",
                "sociaal",
                "incidenteel",
                "lasten",
                "Nieuwe lasten jeugd",
                "0",
                "0",
                "-100.000",
                "-95.250",
            ],
        ]
    )


# The page and its templates -----------------------------------------------------------------


def test_the_import_page_offers_a_template_per_kind(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    response = client.get(IMPORT)
    assert response.status_code == 200
    html = response.content.decode()
    for kind in ["begroting", "investeringen", "indicatoren"]:
        assert f'href="{IMPORT}sjabloon-{kind}.xlsx"' in html
        assert f'href="{IMPORT}sjabloon-{kind}.csv"' in html
    assert "Voorbeeld bekijken" in text_of(response)


def test_policy_staff_see_only_the_indicator_import(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    html = client.get(IMPORT).content.decode()
    assert "sjabloon-indicatoren.csv" in html and "sjabloon-begroting.csv" not in html
    assert client.get(IMPORT + "sjabloon-begroting.csv").status_code == 403


def test_the_worklist_links_to_the_import(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    html = client.get("/beheer/jaarstukken/2024/werklijst/").content.decode()
    assert f'href="{IMPORT}"' in html


@pytest.mark.in_thousands
def test_a_template_shows_the_expected_columns_and_the_current_rows(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    response = client.get(IMPORT + "sjabloon-begroting.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="sjabloon-begroting-jaarstukken-2024.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # The unit the amounts are in, and the version each line had when downloaded.
    assert rows[0] == [
        *BUDGET_HEADER[:5],
        "taakveld",
        "eenheid",
        *BUDGET_HEADER[5:],
        "toelichting",
        "versie",
    ]
    assert rows[1][:5] == ["2024", "sociaal", "structureel", "lasten", "Structurele lasten"]
    # Last year's result as "rekening vorig jaar", in the thousands it was given in.
    assert rows[1][5:8] == ["", "duizend_euro", "-24273"]  # no taakveld yet
    response = client.get(IMPORT + "sjabloon-indicatoren.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["indicatoren"]
    header = [c.value for c in sheet[1]]
    assert header == list(imports.KINDS["indicatoren"].template)
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    # Every cell of every table, also those still empty, so staff can fill them in.
    assert [
        2024,
        "sociaal",
        "2.3.1",
        "Aantal bemiddelingen Diemen voor elkaar",
        None,
        "realisatie",
        2024,
        None,
        None,  # voetnoten: none
        None,  # over_jaar: the figure is about its column's year
        None,  # peildatum: none given
        None,  # bron: neither the figure nor the indicator names one
        None,  # bij_download: empty when downloaded
    ] in cells


def test_a_template_round_trips_unchanged(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    for kind in ["begroting", "investeringen", "indicatoren"]:
        for fmt in ["csv", "xlsx"]:
            content = client.get(f"{IMPORT}sjabloon-{kind}.{fmt}").content
            response = upload(client, kind, content, f"sjabloon.{fmt}")
            assert response.status_code == 200, text_of(response)
            assert "Er verandert niets" in text_of(response), (kind, fmt)


# Preview, confirmation, history, idempotence -------------------------------------------------


def test_a_valid_budget_file_is_previewed_and_stored_only_after_confirmation(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    response = upload(client, "begroting", budget_file())
    assert response.status_code == 200
    text = text_of(response)
    assert "Toevoegen: 1 Wijzigen: 1 Ongewijzigd: 0 Niet in het bestand, blijft staan: 7" in text
    assert "sociaal · Nieuwe lasten jeugd (incidenteel, lasten)" in text
    assert "begroting_primitief: (leeg); begroting_totaal: (leeg); rekening: (leeg)" in text
    assert "begroting_totaal: € -25.500.000" in text
    assert structural_expenses().rekening is None, "nothing is stored before confirmation"
    assert not BudgetLine.objects.filter(label="Nieuwe lasten jeugd").exists()

    done = confirm(client, response)
    assert "1 toegevoegd, 1 gewijzigd, 0 ongewijzigd" in text_of(done)
    line = structural_expenses()
    assert (line.rekening_vorig, line.begroting_primitief) == (-24_273_000, -25_000_000)
    assert (line.begroting_totaal, line.rekening, line.budgetresultaat) == (
        -25_500_000,
        -24_750_000,
        750_000,
    )
    assert line.version == 2, "an edit form opened before the import now sees a conflict"
    assert line.history.first().history_user == finance
    new = BudgetLine.objects.get(label="Nieuwe lasten jeugd")
    assert (new.order, new.rekening) == (9, -95_250)
    assert new.history.first().history_user == finance


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    first = upload(client, "begroting", budget_file())
    confirm(client, first)
    records = BudgetLine.history.count()
    version = structural_expenses().version
    second = upload(client, "begroting", budget_file())
    text = text_of(second)
    assert "Toevoegen: 0 Wijzigen: 0 Ongewijzigd: 2" in text
    assert "Er verandert niets" in text and 'name="token"' not in second.content.decode()
    # Replaying the first confirmation does nothing either.
    replay = client.post(IMPORT, {"token": token_of(first)}, follow=True)
    assert "verlopen" in text_of(replay)
    assert BudgetLine.history.count() == records
    assert structural_expenses().version == version


def test_investments_are_matched_by_credit_number(
    client: Client, administrator: User, concept_2024: Report
) -> None:
    client.force_login(administrator)
    content = xlsx(
        [
            [
                "Kredietnummer",
                "Programma",
                "Verslagjaar",
                "Naam",
                "Budget",
                "Realisatie",
                "Status",
                "Toelichting",
            ],
            [
                760124,
                "sociaal",
                2024,
                "Verhuizing woonunits - inclusief btw",
                2_400_000,
                1_900_000,
                "A",
                "Afgerond in 2024.",
            ],
            ["770001", "sociaal", 2024, "Nieuw krediet", "1.000.000", "0", "in uitvoering", ""],
        ]
    )
    preview = upload(client, "investeringen", content, "investeringen.xlsx")
    assert (
        "Toevoegen: 1 Wijzigen: 1 Ongewijzigd: 0 Niet in het bestand, blijft staan: 1"
        in text_of(preview)
    )
    confirm(client, preview)
    item = Investment.objects.get(program__report=concept_2024, number="760124")
    assert (item.realised, item.free_room, item.status) == (1_900_000, 500_000, "A")
    assert item.explanation == "Afgerond in 2024."
    new = Investment.objects.get(program__report=concept_2024, number="770001")
    assert (new.budget, new.status) == (1_000_000, "I")
    assert new.history.first().history_user == administrator


def test_indicator_values_are_read_with_the_shared_parser(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    content = dutch_csv(
        [
            ["verslagjaar", "programma", "indicator", "onderdeel", "kolom", "jaar", "waarde"],
            ["2024", "sociaal", "3.1.3", "", "realisatie", "2024", "74,1%"],
            ["2024", "sociaal", "2.3.1", "", "realisatie", "", "nb"],
            ["2024", "sociaal", "2.2.1", "", "realisatie", "2024", "14/215 per week"],
            ["2024", "sociaal", "5.3.1", "roken", "realisatie", "2024", "16%"],
            ["2024", "sociaal", "3.1.1", "", "realisatie", "2024", "1.141"],
            ["2024", "sociaal", "3.1.2", "", "realisatie", "2024", ""],
        ]
    )
    preview = upload(client, "indicatoren", content)
    assert "Toevoegen: 5 Wijzigen: 0 Ongewijzigd: 1" in text_of(preview)
    assert not IndicatorValue.objects.filter(
        indicator__table__program__report=concept_2024, year=2024, kind="realisatie"
    ).exists()
    confirm(client, preview)
    assert value_2024("3.1.3").display == "74,1%"
    assert value_2024("2.3.1").state == "not_known" and value_2024("2.3.1").text == "nb"
    assert value_2024("2.2.1").display == "14/215 per week"
    assert value_2024("5.3.1", component="Roken").display == "16%"
    assert value_2024("3.1.1").number == 1141, "1.141 is one thousand one hundred forty-one"
    assert value_2024("3.1.3").history.first().history_user == policy_officer


def test_the_import_refuses_what_the_indicator_cannot_hold(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    """The same rule as the form: a sentence only where the indicator allows one, and a
    percentage with its %."""
    client.force_login(policy_officer)
    before = history_count()
    rows = [
        INDICATOR_HEADER,
        ["2024", "sociaal", "3.1.3", "", "realisatie", "2024", "73,6"],
        ["2024", "sociaal", "3.1.1", "", "realisatie", "2024", "ongeveer evenveel"],
        ["2024", "sociaal", "3.3.9", "", "realisatie", "2024", "Alle vaccinaties boven 90%"],
    ]
    response = upload(client, "indicatoren", dutch_csv(rows))
    assert_nothing_stored(response, before)
    assert error_rows(response) == [
        (
            "2",
            "waarde",
            "Deze indicator is een percentage: schrijf 73,6% (met %), of controleer het getal.",
        ),
        (
            "3",
            "waarde",
            "‘ongeveer evenveel’ is geen getal, en deze indicator heeft alleen getallen. "
            "Schrijf een getal, of n.n.b. als het nog niet bekend is; een toelichting hoort "
            "in een voetnoot.",
        ),
    ]


# Broken files ------------------------------------------------------------------------------


def error_rows(response: ClientResponse) -> list[tuple[str, str, str]]:
    html = response.content.decode()
    table = html[html.index("Fouten in het bestand") :]
    cells = re.findall(
        r'<tr class="utrecht-table__row"><td class="utrecht-table__cell">(.*?)</td>'
        r'<td class="utrecht-table__cell">(.*?)</td><td class="utrecht-table__cell">(.*?)</td>',
        table,
    )
    return [(row, column, re.sub(r"&#x27;|&#39;", "'", message)) for row, column, message in cells]


def assert_nothing_stored(response: ClientResponse, before: int) -> None:
    assert response.status_code == 400
    assert 'name="token"' not in response.content.decode()
    assert "Er wordt niets opgeslagen" in text_of(response)
    assert (
        BudgetLine.history.count() + Investment.history.count() + IndicatorValue.history.count()
        == before
    )


def history_count() -> int:
    return BudgetLine.history.count() + Investment.history.count() + IndicatorValue.history.count()


def test_unknown_and_missing_columns_are_reported_on_the_header_row(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    header = [c for c in BUDGET_HEADER if c != "rekening"] + ["bedrag", "aard"]
    response = upload(client, "begroting", dutch_csv([header, ["2024"] * len(header)]))
    assert_nothing_stored(response, before)
    errors = error_rows(response)
    assert (
        "1",
        "bedrag",
        "Onbekende kolom ‘bedrag’. Gebruik de kolommen van het sjabloon: verslagjaar, programma, aard, soort, omschrijving, taakveld, eenheid, rekening_vorig, begroting_primitief, begroting_totaal, rekening, raming_vorig, raming_1, raming_2, raming_3, toelichting, versie.",
    ) in errors
    assert ("1", "aard", "De kolom ‘aard’ staat twee keer in het bestand.") in errors
    assert ("1", "rekening", "De kolom ‘rekening’ ontbreekt.") in errors


def test_every_wrong_row_is_shown_with_its_row_number_column_and_a_dutch_message(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    good = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten", "0", "0", "0", "0"]
    rows = [
        BUDGET_HEADER,
        good,
        ["2024", "sociaal", "structureel", "lasten", "Structurele lasten", "1", "1", "1", "1"],
        ["2023", "sociaal", "structureel", "baten", "Structurele baten", "0", "0", "0", "0"],
        ["2024", "onbekend", "structureel", "baten", "Structurele baten", "0", "0", "0", "0"],
        ["2024", "sociaal", "permanent", "baten", "Structurele baten", "0", "0", "0", "0"],
        ["2024", "sociaal", "structureel", "baten", "Structurele baten", "1,234.5", "0", "0", "0"],
        ["2024", "sociaal", "structureel", "baten", "Structurele baten", "0", "12,50", "0", "0"],
        ["2024", "sociaal", "structureel", "baten", "Structurele baten", "0", "0", "€", "0"],
        ["2024", "sociaal", "structureel", "baten", "", "0", "0", "0", "0"],
    ]
    response = upload(client, "begroting", dutch_csv(rows))
    assert_nothing_stored(response, before)
    assert "Het bestand heeft 8 fouten" in text_of(response)
    errors = error_rows(response)
    assert errors == [
        ("3", "omschrijving", "Dubbele regel: dezelfde begrotingsregel staat ook al in rij 2."),
        ("4", "verslagjaar", "Verkeerd jaar: deze regel hoort bij 2023, dit is Jaarstukken 2024."),
        (
            "5",
            "programma",
            "Onbekend programma ‘onbekend’ in Jaarstukken 2024; bekend zijn: sociaal.",
        ),
        ("6", "aard", "Onbekende waarde ‘permanent’; kies uit structureel, incidenteel."),
        (
            "7",
            "rekening_vorig",
            "'1,234.5' is geen geldig getal. Gebruik een komma voor decimalen (73,6) en een punt alleen voor duizendtallen (1.141).",
        ),
        (
            "8",
            "begroting_primitief",
            "‘12,50’ heeft centen (de komma is het decimaalteken); bedragen worden in hele euro's ingelezen.",
        ),
        ("9", "begroting_totaal", "‘€’ is geen bedrag; laat de cel leeg als het er nog niet is."),
        ("10", "omschrijving", "Vul de kolom ‘omschrijving’ in."),
    ]


def test_broken_investment_and_indicator_rows_are_explained(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    response = upload(
        client,
        "investeringen",
        dutch_csv(
            [
                [
                    "verslagjaar",
                    "programma",
                    "kredietnummer",
                    "naam",
                    "budget",
                    "realisatie",
                    "vrije_ruimte",
                    "status",
                ],
                ["2024", "sociaal", "760124", "Verhuizing", "2.400.000", "162.000", "1", "I"],
                ["2024", "sociaal", "760125", "Nieuw", "10", "0", "10", "X"],
            ]
        ),
    )
    assert_nothing_stored(response, before)
    errors = error_rows(response)
    assert errors[0][:2] == ("2", "vrije_ruimte") and "wordt berekend" in errors[0][2]
    assert errors[1] == ("3", "status", "Onbekende waarde ‘X’; kies uit I, D, V, A.")
    response = upload(
        client,
        "indicatoren",
        dutch_csv(
            [
                ["verslagjaar", "programma", "indicator", "onderdeel", "kolom", "jaar", "waarde"],
                ["2024", "sociaal", "9.9.9", "", "realisatie", "2024", "1"],
                ["2024", "sociaal", "5.3.1", "Tabak", "realisatie", "2024", "1"],
                ["2024", "sociaal", "3.1.3", "", "resultaat", "2024", "1"],
                ["2024", "sociaal", "3.1.3", "", "realisatie", "2023", "1"],
                ["2024", "sociaal", "3.1.3", "", "realisatie", "2024", "7x,3"],
                ["2024", "sociaal", "3.1.4", "", "begroot", "2024", "1"],
                ["2024", "sociaal", "3.1.4", "", "Begroot", "2024", "2"],
            ]
        ),
    )
    assert_nothing_stored(response, before)
    messages = [message for _, _, message in error_rows(response)]
    assert messages[0] == "Onbekende indicator ‘9.9.9’ in programma Sociaal."
    assert (
        messages[1]
        == "Onbekend onderdeel ‘Tabak’ bij indicator 5.3.1 (die heeft: Roken, Alcohol, Drugs)."
    )
    assert (
        messages[2]
        == "Onbekende kolom ‘resultaat’ in de tabel van 3.1.3; kies uit realisatie_vorig, "
        "begroot, realisatie."
    )
    assert (
        messages[3]
        == "Verkeerd jaar: kolom realisatie van Jaarstukken 2024 gaat over 2024, niet over 2023."
    )
    assert messages[4].startswith("'7x,3' is geen geldige waarde.")
    assert (
        messages[5] == "Dubbele regel: de waarde van 3.1.4 in kolom begroot staat ook al in rij 7."
    )


INVESTMENT_HEADER = [
    "verslagjaar",
    "programma",
    "kredietnummer",
    "naam",
    "budget",
    "realisatie",
    "status",
    "toelichting",
]
INDICATOR_HEADER = ["verslagjaar", "programma", "indicator", "onderdeel", "kolom", "jaar", "waarde"]
NOT_A_NUMBER = (
    "'{}' is geen geldig getal. Gebruik een komma voor decimalen (73,6) en een punt alleen "
    "voor duizendtallen (1.141)."
)
NOT_A_VALUE = (
    "'{}' is geen geldige waarde. Schrijf een getal als 1.141 of 73,6%, een samengestelde "
    "waarde als 14/215 per week, of NB."
)


def test_a_broken_investments_file_shows_every_wrong_cell_and_stores_nothing(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    stored = list(Investment.objects.filter(program__report=concept_2024).values())
    good = ["2024", "sociaal", "760124", "Verhuizing woonunits", "2.400.000", "1.900.000", "I", ""]
    rows = [
        INVESTMENT_HEADER,
        good,
        ["2024", "sociaal", "760124", "Nog eens", "1", "1", "I", ""],
        ["2024", "sociaal", "770001", "Nieuw", "2,400,000", "0", "I", ""],
        ["2024", "sociaal", "770002", "Nieuw", "1.000", "twee", "I", ""],
        ["2024", "sociaal", "770003", "Nieuw", "1.000", "12,50", "I", ""],
        ["2024", "veilig", "770004", "Nieuw", "1.000", "0", "I", ""],
        ["2024", "sociaal", "770005", "Nieuw", "1.000", "0", "Z", ""],
        ["2024", "sociaal", "770006", "", "1.000", "0", "I", ""],
        ["2024", "sociaal", "", "Zonder nummer", "1.000", "0", "I", ""],
        ["2024", "sociaal", "770007", "Nieuw", "", "0", "I", ""],
    ]
    response = upload(client, "investeringen", dutch_csv(rows))
    assert_nothing_stored(response, before)
    assert "Het bestand heeft 9 fouten" in text_of(response)
    assert error_rows(response) == [
        ("3", "kredietnummer", "Dubbele regel: krediet 760124 staat ook al in rij 2."),
        ("4", "budget", NOT_A_NUMBER.format("2,400,000")),
        ("5", "realisatie", NOT_A_NUMBER.format("twee")),
        (
            "6",
            "realisatie",
            "‘12,50’ heeft centen (de komma is het decimaalteken); bedragen worden in hele "
            "euro's ingelezen.",
        ),
        (
            "7",
            "programma",
            "Onbekend programma ‘veilig’ in Jaarstukken 2024; bekend zijn: sociaal.",
        ),
        ("8", "status", "Onbekende waarde ‘Z’; kies uit I, D, V, A."),
        ("9", "naam", "Vul de kolom ‘naam’ in."),
        ("10", "kredietnummer", "Vul de kolom ‘kredietnummer’ in."),
        ("11", "budget", "Vul een bedrag in hele euro's in (0 als het nul is)."),
    ]
    assert list(Investment.objects.filter(program__report=concept_2024).values()) == stored


def test_a_broken_indicator_values_file_shows_every_wrong_cell_and_stores_nothing(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    rows = [
        INDICATOR_HEADER,
        ["2024", "sociaal", "3.1.3", "", "realisatie", "2024", "74,1%"],
        ["2024", "sociaal", "3.1.3", "", "realisatie", "2024", "75%"],
        ["2024", "sociaal", "5.3.1", "roken", "realisatie", "2024", "16%"],
        ["2024", "sociaal", "5.3.1", "Roken", "realisatie", "2024", "17%"],
        ["2024", "sociaal", "3.1.99", "", "realisatie", "2024", "1"],
        ["2024", "sociaal", "3.1.1", "", "realisatie", "2024", "1,234.5"],
        ["2024", "sociaal", "2.2.1", "", "realisatie", "2024", "14/ per week"],
        ["2024", "sociaal", "3.1.4", "", "begroot", "2024", "12%%"],
        ["2024", "sociaal", "3.1.9", "Amsterdam", "realisatie", "2024", "3%"],
        ["2023", "sociaal", "3.1.2", "", "realisatie", "2023", "4"],
    ]
    response = upload(client, "indicatoren", dutch_csv(rows))
    assert_nothing_stored(response, before)
    assert "Het bestand heeft 8 fouten" in text_of(response)
    assert error_rows(response) == [
        (
            "3",
            "indicator",
            "Dubbele regel: de waarde van 3.1.3 in kolom realisatie staat ook al in rij 2.",
        ),
        # Row 4 names the component in lower case: it is still Roken, so row 5 repeats it.
        (
            "5",
            "indicator",
            "Dubbele regel: de waarde van 5.3.1 (Roken) in kolom realisatie staat ook al in rij 4.",
        ),
        ("6", "indicator", "Onbekende indicator ‘3.1.99’ in programma Sociaal."),
        ("7", "waarde", NOT_A_VALUE.format("1,234.5")),
        ("8", "waarde", NOT_A_VALUE.format("14/ per week")),
        ("9", "waarde", NOT_A_VALUE.format("12%%")),
        (
            "10",
            "onderdeel",
            "Onbekend onderdeel ‘Amsterdam’ bij indicator 3.1.9 "
            "(die heeft: Diemen, Metropoolregio Amsterdam).",
        ),
        ("11", "verslagjaar", "Verkeerd jaar: deze regel hoort bij 2023, dit is Jaarstukken 2024."),
    ]
    assert not IndicatorValue.objects.filter(
        indicator__table__program__report=concept_2024, year=2024, kind="realisatie"
    ).exists()


def test_a_broken_xlsx_shows_the_cells_with_bad_numbers_and_stores_nothing(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    line = ["2024", "sociaal", "incidenteel", "lasten"]
    content = xlsx(
        [
            BUDGET_HEADER,
            [
                2024,
                "sociaal",
                "structureel",
                "lasten",
                "Structurele lasten",
                0,
                -1000,
                -2000,
                -3000,
            ],
            [*line, "Centen", 0, 0, 0, -1234.56],
            [*line, "Engelse notatie", 0, 0, "1,234.5", 0],
            [*line, "Tekst", "veel", 0, 0, 0],
            [*line, "Te groot", 0, 1e15, 0, 0],
            [*line, "Datum", 0, 0, 0, "31-12-2024"],
        ],
        title="begroting",
    )
    response = upload(client, "begroting", content, "begroting.xlsx")
    assert_nothing_stored(response, before)
    assert "Het bestand heeft 5 fouten" in text_of(response)
    # Row numbers are the sheet's; a number cell is read as Dutch text ("-1234,56").
    assert error_rows(response) == [
        (
            "3",
            "rekening",
            "‘-1234,56’ heeft centen (de komma is het decimaalteken); bedragen worden in hele "
            "euro's ingelezen.",
        ),
        ("4", "begroting_totaal", NOT_A_NUMBER.format("1,234.5")),
        ("5", "rekening_vorig", NOT_A_NUMBER.format("veel")),
        ("6", "begroting_primitief", "‘1000000000000000’ is te groot voor een bedrag."),
        ("7", "rekening", NOT_A_NUMBER.format("31-12-2024")),
    ]
    assert structural_expenses().rekening is None
    assert BudgetLine.objects.filter(program__report=concept_2024).count() == 8


def with_entity_expansion(content: bytes) -> bytes:
    """The workbook with a "billion laughs" DOCTYPE in its first sheet.

    Ten levels of ten entities: expanded, the one cell would hold 10**9 times "lol".
    """
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    xml = parts[sheet].decode()
    assert "<worksheet" in xml and "Structurele lasten" in xml
    parts[sheet] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE worksheet [{entities}]>\n" + xml.replace("Structurele lasten", "&lol9;")
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_an_xlsx_with_an_entity_expansion_is_refused_and_nothing_is_stored(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    before = history_count()
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten", 0, 0, 0, -1]
    normal = xlsx([BUDGET_HEADER, row], title="begroting")
    assert upload(client, "begroting", normal, "begroting.xlsx").status_code == 200
    # Refused for its DOCTYPE before anything is expanded (the message says why).
    response = upload(client, "begroting", with_entity_expansion(normal), "begroting.xlsx")
    assert_nothing_stored(response, before)
    assert error_rows(response) == [
        (
            "—",
            "—",
            "Dit Excel-bestand bevat XML met eigen definities (een DOCTYPE of entiteiten) en "
            "wordt om veiligheidsredenen niet gelezen. Open het in Excel en sla het opnieuw op "
            "als Excel-werkmap (.xlsx).",
        )
    ]
    assert "lollol" not in response.content.decode()
    assert structural_expenses().rekening is None


@pytest.mark.parametrize("name", ["dimension A1:XFD1048576", "two million shared strings"])
def test_policy_staff_uploading_a_workbook_bomb_get_the_dutch_message_and_nothing_is_stored(
    client: Client, policy_officer: User, concept_2024: Report, name: str
) -> None:
    client.force_login(policy_officer)
    before = history_count()
    with mock.patch("diemen_sociaal.lib.spreadsheets.openpyxl.load_workbook") as load:
        response = upload(client, "indicatoren", xlsx_bounds_test.bomb(name), "indicatoren.xlsx")
    load.assert_not_called()
    assert_nothing_stored(response, before)
    [(row, column, message)] = error_rows(response)
    assert (row, column) == ("—", "—")
    assert message.startswith(xlsx_bounds_test.BOMBS[name][1])


def test_a_number_is_never_misscaled(client: Client, finance: User, concept_2024: Report) -> None:
    client.force_login(finance)
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten"]
    for written, stored in [
        ("1.234", 1234),
        ("-1234", -1234),
        ("1.234,00", 1234),
        ("€ 1.000.000", 1_000_000),
    ]:
        preview = upload(
            client, "begroting", dutch_csv([BUDGET_HEADER, row + ["0", "0", "0", written]])
        )
        confirm(client, preview)
        assert structural_expenses().rekening == stored, written
    for wrong in ["1,234", "1.23", "1234.5", "12.34.56", "1e6"]:
        response = upload(
            client, "begroting", dutch_csv([BUDGET_HEADER, row + ["0", "0", "0", wrong]])
        )
        assert response.status_code == 400, wrong


def test_a_windows_csv_with_commas_is_read_as_it_comes(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            BUDGET_HEADER,
            [
                "2024",
                "sociaal",
                "incidenteel",
                "baten",
                "Bijdrage Diëtisten",
                "0",
                "0",
                "0",
                "1.500",
            ],
        ]
    )
    preview = upload(client, "begroting", out.getvalue().encode("cp1252"))
    assert "Bijdrage Diëtisten" in text_of(preview)
    confirm(client, preview)
    assert BudgetLine.objects.get(label="Bijdrage Diëtisten").rekening == 1500


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("verslagjaar;programma".encode("utf-16"), "x.csv", "UTF-16"),
        (b"PK\x03\x04 kapot", "x.xlsx", "geen geldig Excel-bestand"),
        (b"\r\n\r\n", "x.csv", "Het bestand is leeg."),
        (";".join(BUDGET_HEADER).encode(), "x.csv", "alleen een kopregel"),
    ],
)
def test_unreadable_and_empty_files_get_a_dutch_message(
    client: Client, finance: User, concept_2024: Report, content: bytes, name: str, message: str
) -> None:
    client.force_login(finance)
    before = history_count()
    response = upload(client, "begroting", content, name)
    assert_nothing_stored(response, before)
    assert message in text_of(response)


def test_an_empty_upload_and_a_file_over_5_mb_are_refused(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    response = upload(client, "begroting", b"")
    assert response.status_code == 400 and "leeg" in text_of(response)
    response = upload(client, "begroting", b"x" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "Het bestand is groter dan 5 MB." in text_of(response)


def test_a_file_of_ten_thousand_rows_is_checked_shown_and_written(
    client: Client, finance: User, concept_2024: Report
) -> None:
    """How long it takes is measured by `make bench`; here: that it works at that size."""
    client.force_login(finance)
    rows = [BUDGET_HEADER] + [
        ["2024", "sociaal", "incidenteel", "lasten", f"Regel {n}", "0", "-1.000", "-2.000", f"-{n}"]
        for n in range(10_000)
    ]
    response = upload(client, "begroting", dutch_csv(rows))
    assert response.status_code == 200
    assert "Toevoegen: 10000" in text_of(response)
    assert BudgetLine.objects.filter(program__report=concept_2024).count() == 8
    # The preview lists a sample, not ten thousand table rows.
    assert "de eerste 200 van 10000" in text_of(response)
    records = BudgetLine.history.count()
    done = confirm(client, response)
    assert "10000 toegevoegd, 0 gewijzigd" in text_of(done)
    assert BudgetLine.objects.filter(program__report=concept_2024).count() == 10_008
    line = BudgetLine.objects.get(program__report=concept_2024, label="Regel 9999")
    assert (line.begroting_totaal, line.rekening, line.version) == (-2000, -9999, 1)
    # One history record per row, naming the importer.
    assert BudgetLine.history.count() == records + 10_000
    assert line.history.get().history_user == finance
    # The same file again changes nothing.
    again = upload(client, "begroting", dutch_csv(rows))
    assert "Toevoegen: 0 Wijzigen: 0" in text_of(again)
    broken = [row[:5] + ["x"] + row[6:] for row in rows[1:]]
    response = upload(client, "begroting", dutch_csv([BUDGET_HEADER, *broken]))
    assert "Het bestand heeft 10000 fouten" in text_of(response)


# Refusals ----------------------------------------------------------------------------------


def test_an_adopted_report_refuses_any_import(
    client: Client, finance: User, report_2023: Report
) -> None:
    client.force_login(finance)
    url = "/beheer/jaarstukken/2023/import/"
    for response in [client.get(url), upload(client, "begroting", budget_file(), url=url)]:
        assert response.status_code == 403
        assert "Jaarstukken 2023 is vastgesteld door de raad" in text_of(response)
    assert client.get(url + "sjabloon-begroting.csv").status_code == 403


def test_a_report_adopted_between_preview_and_confirmation_is_not_changed(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    preview = upload(client, "begroting", budget_file())
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.ADOPTED)
    response = client.post(IMPORT, {"token": token_of(preview)})
    assert response.status_code == 403
    assert structural_expenses().rekening is None
    # The service refuses too, and the models are the last line of defence behind it.
    table = imports.spreadsheets.read_table(budget_file(), "x.csv")
    with pytest.raises(imports.ImportRefused, match="vastgesteld door de raad"):
        imports.apply_import(
            report=concept_2024, kind="begroting", table=table, user=finance, expected=""
        )
    plan = imports.build_plan(report=concept_2024, kind="begroting", table=table, user=finance)
    with pytest.raises(FrozenReportError):
        imports.WRITERS["begroting"](plan, finance)
    assert structural_expenses().rekening is None


def indicator_file(program: str = "sociaal", value: str = "1%") -> bytes:
    return dutch_csv(
        [
            ["verslagjaar", "programma", "indicator", "kolom", "waarde"],
            ["2024", program, "3.1.3", "realisatie", value],
        ]
    )


def test_the_wrong_role_is_refused(
    client: Client,
    policy_officer: User,
    other_policy_officer: User,
    concept_2024: Report,
) -> None:
    assert client.get(IMPORT).status_code == 302, "anonymous users log in first"
    client.force_login(policy_officer)
    response = upload(client, "begroting", budget_file())
    assert response.status_code == 403
    assert "U mag geen begrotingsregels importeren" in text_of(response)
    response = upload(client, "investeringen", budget_file())
    assert response.status_code == 403
    assert "U mag geen investeringen importeren" in text_of(response)
    # Policy staff of another program may import indicator values, but not Sociaal's.
    client.force_login(other_policy_officer)
    response = upload(client, "indicatoren", indicator_file())
    assert response.status_code == 400
    assert error_rows(response) == [
        ("2", "programma", "U mag de indicatorwaarden van programma Sociaal niet wijzigen.")
    ]
    assert 'name="token"' not in response.content.decode()
    # Staff without a role import nothing at all.
    nobody = User.objects.create_user("zonder-rol", password="geheim-wachtwoord-1", is_staff=True)
    client.force_login(nobody)
    response = client.get(IMPORT)
    assert response.status_code == 403
    assert "U heeft geen recht om gegevens te importeren" in text_of(response)
    assert upload(client, "indicatoren", indicator_file()).status_code == 403
    assert not IndicatorValue.objects.filter(
        indicator__code="3.1.3", year=2024, kind="realisatie"
    ).exists()


def test_the_griffie_imports_every_kind(
    client: Client, administrator: User, concept_2024: Report
) -> None:
    """Budget lines, investments and indicator values are for finance and the griffie."""
    client.force_login(administrator)
    html = client.get(IMPORT).content.decode()
    for kind in ["begroting", "investeringen", "indicatoren"]:
        assert f'value="{kind}"' in html, kind
        assert client.get(f"{IMPORT}sjabloon-{kind}.csv").status_code == 200, kind
    preview = upload(client, "indicatoren", indicator_file(value="74,1%"))
    assert preview.status_code == 200, text_of(preview)
    assert "Toevoegen: 1 Wijzigen: 0 Ongewijzigd: 0" in text_of(preview)
    done = confirm(client, preview)
    assert "1 toegevoegd, 0 gewijzigd, 0 ongewijzigd" in text_of(done)
    value = value_2024("3.1.3")
    assert value.display == "74,1%"
    assert value.history.first().history_user == administrator
    # Still only programs of this report: an unknown one is an error, not a new program.
    response = upload(client, "indicatoren", indicator_file(program="veilig"))
    assert error_rows(response) == [
        ("2", "programma", "Onbekend programma ‘veilig’ in Jaarstukken 2024; bekend zijn: sociaal.")
    ]


def test_a_change_made_after_the_preview_is_not_overwritten(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    preview = upload(client, "begroting", budget_file())
    line = structural_expenses()
    line.begroting_totaal = -1
    line.save()
    response = client.post(IMPORT, {"token": token_of(preview)})
    assert "Sinds het voorbeeld is er in de opgeslagen gegevens iets gewijzigd" in text_of(response)
    assert "begroting_totaal: € -1" in text_of(response)
    assert structural_expenses().begroting_totaal == -1
    assert not BudgetLine.objects.filter(label="Nieuwe lasten jeugd").exists()
    confirm(client, response)
    assert structural_expenses().begroting_totaal == -25_500_000


def test_a_tampered_token_is_refused(client: Client, finance: User, concept_2024: Report) -> None:
    client.force_login(finance)
    preview = upload(client, "begroting", budget_file())
    response = client.post(IMPORT, {"token": token_of(preview)[:-2] + "xx"}, follow=True)
    assert "Dit voorbeeld is verlopen" in text_of(response)
    assert structural_expenses().rekening is None


# All or nothing ----------------------------------------------------------------------------


WRITE_FAILED = (
    "Het opslaan is mislukt door een storing in de database. Er is niets opgeslagen, ook niet "
    "de regels die al verwerkt waren: het verslag is zoals het was."
)


def test_a_budget_import_that_fails_halfway_stores_none_of_its_rows(
    client: Client, finance: User, concept_2024: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(finance)
    content = dutch_csv(
        [
            BUDGET_HEADER,
            ["2024", "sociaal", "structureel", "lasten", "Structurele lasten", "-24.273.000"]
            + ["-25.000.000", "-25.500.000", "-24.750.000"],
            [
                "2024",
                "sociaal",
                "incidenteel",
                "lasten",
                "Nieuwe lasten jeugd",
                "0",
                "0",
                "0",
                "-1",
            ],
            ["2024", "sociaal", "incidenteel", "baten", "Nieuwe baten jeugd", "0", "0", "0", "2"],
        ]
    )
    preview = upload(client, "begroting", content)
    assert "Toevoegen: 2 Wijzigen: 1" in text_of(preview)
    records = BudgetLine.history.count()
    original_create = imports.bulk_create_with_history

    def create_failing_halfway(objs: list, *args: object, **kwargs: object) -> list:
        # The changed row is written by now, inside the import's transaction, and the
        # first new row as well; then the disk fails.
        assert structural_expenses().rekening == -24_750_000
        original_create(objs[:1], *args, **kwargs)
        assert BudgetLine.objects.filter(label="Nieuwe lasten jeugd").exists()
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(imports, "bulk_create_with_history", create_failing_halfway)
    response = confirm(client, preview)
    assert response.status_code == 200
    assert WRITE_FAILED in text_of(response)
    line = structural_expenses()
    assert (line.rekening, line.begroting_totaal, line.version) == (None, None, 1)
    assert not BudgetLine.objects.filter(label__startswith="Nieuwe").exists()
    assert BudgetLine.history.count() == records

    # Once the database works again, the same confirmation stores all three.
    monkeypatch.undo()
    done = confirm(client, preview)
    assert "2 toegevoegd, 1 gewijzigd, 0 ongewijzigd" in text_of(done)
    assert structural_expenses().rekening == -24_750_000
    assert BudgetLine.objects.filter(label__startswith="Nieuwe").count() == 2


def test_indicator_values_that_fail_halfway_are_all_rolled_back(
    client: Client, policy_officer: User, concept_2024: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(policy_officer)
    content = dutch_csv(
        [
            INDICATOR_HEADER,
            ["2024", "sociaal", "3.1.3", "", "realisatie", "2024", "74,1%"],
            ["2024", "sociaal", "3.1.1", "", "realisatie", "2024", "1.141"],
            ["2024", "sociaal", "5.3.1", "Roken", "realisatie", "2024", "16%"],
        ]
    )
    preview = upload(client, "indicatoren", content)
    assert "Toevoegen: 3" in text_of(preview)
    records = IndicatorValue.history.count()
    original = imports.save_indicator_values
    written: list[int] = []

    def failing_on_the_third_indicator(
        *, indicator_pk: int, version: int, cells: list[CellInput], new_footnote: str = ""
    ) -> Indicator:
        if len(written) == 2:
            raise OperationalError("database is locked")
        written.append(indicator_pk)
        return original(
            indicator_pk=indicator_pk, version=version, cells=cells, new_footnote=new_footnote
        )

    monkeypatch.setattr(imports, "save_indicator_values", failing_on_the_third_indicator)
    response = confirm(client, preview)
    assert response.status_code == 200
    assert len(written) == 2
    assert WRITE_FAILED in text_of(response)
    assert not IndicatorValue.objects.filter(
        indicator__table__program__report=concept_2024, year=2024, kind="realisatie"
    ).exists()
    assert IndicatorValue.history.count() == records


def test_the_service_rolls_back_whatever_stops_it(
    finance: User, concept_2024: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only a database failure: any error halfway leaves nothing behind."""
    table = imports.spreadsheets.read_table(budget_file(), "x.csv")
    plan = imports.build_plan(report=concept_2024, kind="begroting", table=table, user=finance)
    original_create = imports.bulk_create_with_history

    def create_then_fail(objs: list, *args: object, **kwargs: object) -> list:
        original_create(objs, *args, **kwargs)
        assert BudgetLine.objects.filter(label="Nieuwe lasten jeugd").exists()
        raise RuntimeError("stopped halfway")

    monkeypatch.setattr(imports, "bulk_create_with_history", create_then_fail)
    with pytest.raises(RuntimeError, match="stopped halfway"):
        imports.apply_import(
            report=concept_2024,
            kind="begroting",
            table=table,
            user=finance,
            expected=plan.digest,
        )
    assert structural_expenses().rekening is None
    assert not BudgetLine.objects.filter(label="Nieuwe lasten jeugd").exists()


# Round trip --------------------------------------------------------------------------------


def blank_copy_of_2023() -> dict:
    """Seed 2023 as a new concept: the same programs, goals and indicators, no figures."""
    data = read_seed(FIXTURES_DIR / "jaarstukken-2023.yaml")
    data["report"].update(status="concept", adopted_on=None)
    for program in data["programs"]:
        program["budget_lines"], program["investments"] = [], []
        program["budget_changes"] = []  # they name lines of their own
        for goal in program["goals"]:
            for table in goal.get("indicator_tables", []):
                for indicator in table["indicators"]:
                    indicator["values"] = {}
    return data


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_what_is_exported_can_be_imported_into_a_new_report_with_the_same_figures(
    client: Client, finance: User, report_2023: Report, fmt: str
) -> None:
    before = json.loads(client.get("/jaarstukken/2023/data.json").content)
    files = {
        kind: client.get(f"/jaarstukken/2023/data.{fmt}?tabel={kind}").content
        for kind in ["begroting", "investeringen", "indicatoren"]
    }
    report, _ = load_report(blank_copy_of_2023(), replace=True)
    assert not IndicatorValue.objects.filter(indicator__table__program__report=report).exists()
    client.force_login(finance)
    url = "/beheer/jaarstukken/2023/import/"
    for kind, content in files.items():
        preview = upload(client, kind, content, f"jaarstukken-2023.{fmt}", url=url)
        assert preview.status_code == 200, text_of(preview)[:2000]
        assert "Wijzigen: 0 Ongewijzigd: 0" in text_of(preview)
        confirm(client, preview, url=url)
    after = json.loads(client.get("/jaarstukken/2023/data.json").content)
    assert after["begroting"] == before["begroting"]
    assert after["investeringen"] == before["investeringen"]
    # Footnotes are text of the report, not figures: the import leaves them out.
    strip = [{k: v for k, v in row.items() if k != "voetnoten"} for row in before["indicatoren"]]
    assert [
        {k: v for k, v in row.items() if k != "voetnoten"} for row in after["indicatoren"]
    ] == strip
    assert len(strip) > 100


# Accessibility -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_import_pages_have_no_wcag_violations(
    live_server: LiveServer, finance: User, concept_2024: Report
) -> None:
    """The form, a preview with changes and a preview with errors, checked by axe-core."""
    pytest.importorskip("playwright")
    from tests.a11y.test_axe import _violations
    from tests.browser import chromium

    client = Client()
    client.force_login(finance)
    cookie = client.cookies["sessionid"].value
    found = {}
    with chromium() as browser:
        context = browser.new_context(locale="nl-NL")
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        page = context.new_page()
        files = {"wijzigingen": budget_file(), "fouten": dutch_csv([BUDGET_HEADER, ["2023"] * 9])}
        for name, content in [("formulier", None), *files.items()]:
            page.goto(live_server.url + IMPORT)
            if content is not None:
                page.check("input[value=begroting]")
                page.set_input_files(
                    "#id_bestand",
                    files=[{"name": "b.csv", "mimeType": "text/csv", "buffer": content}],
                )
                # The form posts to its own address: wait for the answer to load, not the URL.
                with page.expect_navigation(wait_until="load"):
                    page.click("main button[type=submit]")
                assert "Voorbeeld" in page.title()
            problems = _violations(page)
            if problems:
                found[name] = problems
    assert found == {}


def test_a_template_downloaded_before_a_colleagues_edit_does_not_undo_it(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    content = client.get(IMPORT + "sjabloon-indicatoren.csv").content.decode()
    rows = list(csv.reader(io.StringIO(content)))
    header = rows[0]
    at = {name: header.index(name) for name in ("indicator", "kolom", "waarde", "bij_download")}

    # A colleague corrects 3.1.3's "Realisatie 2023" after the download ...
    colleague = Client()
    colleague.force_login(policy_officer)
    url = "/beheer/jaarstukken/2024/sociaal/indicator/3.1.3/"
    colleague.post(url, {"version": 1, "realisatie_vorig__totaal": "73,9%", "plausible": "on"})
    assert previous_2023("3.1.3").display == "73,9%"

    # ... and the file, downloaded before, says 73,6% was there and puts 74%.
    for row in rows[1:]:
        if row[at["indicator"]] == "3.1.3" and row[at["kolom"]] == "realisatie_vorig":
            assert row[at["bij_download"]] == "73,6%"
            row[at["waarde"]] = "74%"
        if row[at["indicator"]] == "3.1.4" and row[at["kolom"]] == "realisatie":
            row[at["waarde"]] = "251"  # an ordinary change beside it
    preview = upload(client, "indicatoren", dutch_csv(rows))
    text = text_of(preview)
    # Not an ordinary change: a conflict with both values and the importer's choice.
    assert "Toevoegen: 1 Wijzigen: 0" in text  # 3.1.4's 2024 value is new
    assert "Na uw download door een ander gewijzigd, u kiest: 1" in text
    conflicts = text[text.index("Gewijzigd na uw download") :]
    assert "sociaal · 3.1.3 · realisatie_vorig bij uw download ‘73,6%’" in conflicts
    assert "waarde: 73,9%" in conflicts and "waarde: 74%" in conflicts
    assert previous_2023("3.1.3").display == "73,9%"

    # Confirmed without a tick: the colleague's value stays, the rest is imported.
    done = confirm(client, preview)
    assert "opgeslagen" in text_of(done)
    assert previous_2023("3.1.3").display == "73,9%"
    assert value_2024("3.1.4").display == "251"

    # The same file again, this time taking the file's value on purpose.
    preview = upload(client, "indicatoren", dutch_csv(rows))
    row_number = re.search(r'name="neem" value="(\d+)"', preview.content.decode())
    assert row_number is not None
    client.post(IMPORT, {"token": token_of(preview), "neem": row_number[1]}, follow=True)
    assert previous_2023("3.1.3").display == "74%"


def previous_2023(code: str) -> IndicatorValue:
    """The "Realisatie 2023" column of the Jaarstukken 2024."""
    return IndicatorValue.objects.get(
        indicator__table__program__report__year=2024,
        indicator__code=code,
        year=2023,
        kind="realisatie",
        component=None,
    )


def test_a_budget_template_downloaded_before_a_colleagues_edit_does_not_undo_it(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    content = client.get(IMPORT + "sjabloon-begroting.csv").content.decode()
    rows = list(csv.reader(io.StringIO(content)))
    line = structural_expenses()
    url = f"/beheer/jaarstukken/2024/sociaal/begrotingsregel/{line.pk}/"
    colleague = Client()
    colleague.force_login(finance)
    colleague.post(
        url,
        {
            "version": line.version,
            "rekening_vorig": "-24.273.000",
            "begroting_primitief": "-25.000.000",
            "begroting_totaal": "",
            "rekening": "",
        },
    )
    at = rows[0].index("begroting_primitief")
    for row in rows[1:]:
        if row[4] == "Structurele lasten":
            row[at] = "-26000000"
    preview = upload(client, "begroting", dutch_csv(rows))
    conflicts = text_of(preview)[text_of(preview).index("Gewijzigd na uw download") :]
    assert "sociaal · Structurele lasten (structureel, lasten) versie 1 bij uw download" in (
        conflicts
    )
    assert "€ -25.000.000" in conflicts and "€ -26.000.000" in conflicts
    confirm(client, preview)
    assert structural_expenses().begroting_primitief == -25_000_000


# Amounts in the report's unit -----------------------------------------------------------


@pytest.mark.in_thousands
def test_a_report_in_thousands_reads_its_file_in_thousands(
    client: Client, finance: User, concept_2024: Report
) -> None:
    """Finance types what the table prints: -25.500 is € 25.500.000 of cost."""
    client.force_login(finance)
    header = [*BUDGET_HEADER[:5], "eenheid", *BUDGET_HEADER[5:]]
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten", "duizend_euro"]
    preview = upload(
        client, "begroting", dutch_csv([header, row + ["-24.273", "-25.000", "-25.500", "-24.750"]])
    )
    assert "begroting_totaal: € -25.500.000" in text_of(preview)
    confirm(client, preview)
    line = structural_expenses()
    assert (line.begroting_totaal, line.rekening) == (-25_500_000, -24_750_000)
    page = client.get("/beheer/jaarstukken/2024/sociaal/financien/")
    assert "bedragen x € 1.000" in text_of(page)
    assert "-25.500" in text_of(page) and "-25.500.000" not in text_of(page)


@pytest.mark.in_thousands
def test_a_report_in_thousands_refuses_decimals_and_another_unit_in_dutch(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    header = [*BUDGET_HEADER[:5], "eenheid", *BUDGET_HEADER[5:]]
    row = ["2024", "sociaal", "structureel", "lasten", "Structurele lasten"]
    response = upload(
        client,
        "begroting",
        dutch_csv(
            [
                header,
                [*row, "duizend_euro", "-24.273", "-25.000", "-25.500,5", "-24.750"],
                [*row[:4], "Andere lasten", "euro", "-24.273.000", "0", "0", "0"],
            ]
        ),
    )
    assert error_rows(response) == [
        (
            "2",
            "begroting_totaal",
            "‘-25.500,5’ heeft decimalen (de komma is het decimaalteken); de bedragen van "
            "Jaarstukken 2024 zijn in duizenden euro's (× € 1.000) en worden als hele getallen "
            "ingelezen, bijvoorbeeld 1.234 voor € 1.234.000.",
        ),
        (
            "3",
            "eenheid",
            "Dit bestand geeft bedragen in ‘euro’; Jaarstukken 2024 heeft bedragen in duizenden "
            "euro's (duizend_euro). Reken de bedragen om of download een nieuw sjabloon.",
        ),
    ]
    assert structural_expenses().begroting_totaal is None
