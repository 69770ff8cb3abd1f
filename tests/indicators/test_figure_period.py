"""A figure carries the year it is about and its source, and is judged only like with like."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators.models import IndicatorValue
from programs.models import Report
from tests.client import ClientResponse
from tests.programs.test_imports import confirm, dutch_csv, error_rows, upload

pytestmark = pytest.mark.django_db

STAFF = "/beheer/jaarstukken/2024/sociaal/indicator/"
IMPORT = "/beheer/jaarstukken/2024/import/"


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def value(year: int, code: str, column_year: int, kind: str = "realisatie") -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator__table__program__report__year=year,
        indicator__code=code,
        year=column_year,
        kind=kind,
        component=None,
    )


def test_the_source_says_which_2023_figures_are_2022s_and_the_site_does_not_judge_them(
    client: Client, report_2023: Report
) -> None:
    assert value(2023, "3.1.1", 2023).period_year == 2022
    page = text_of(client.get("/jaarstukken/2023/sociaal/indicator/3.1.1/"))
    # 776,8 against a target of 900 would be "niet gehaald": but it is 2022's figure.
    assert "Beoordeling 2023 niet te vergelijken" in page
    assert "niet gehaald" not in page
    # A figure of its own year is judged as before.
    page = text_of(client.get("/jaarstukken/2023/sociaal/indicator/3.1.4/"))
    assert "Beoordeling 2023 gehaald" in page

    data = json.loads(client.get("/api/jaarstukken/2023/sociaal/indicatoren/3.1.1/").content)
    realised = next(v for v in data["waarden"] if v["kolom"] == "realisatie")
    assert (realised["waarde"], realised["over_jaar"], realised["bron"]) == (
        "776,8",
        2022,
        "waarstaatjegemeente.nl",
    )
    before = next(v for v in data["waarden"] if v["kolom"] == "realisatie_vorig")
    assert before["over_jaar"] is None


def test_the_next_year_keeps_saying_which_year_a_carried_figure_is_about(
    client: Client, staff_reader: User, concept_2024: Report
) -> None:
    assert value(2024, "3.1.1", 2023).period_year == 2022
    client.force_login(staff_reader)
    page = text_of(client.get("/jaarstukken/2024/sociaal/"))
    assert "776,8 (over 2022)" in page


def test_staff_say_which_year_a_figure_is_about_and_where_it_is_from(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    url = STAFF + "3.1.4/"
    base = {"realisatie_vorig__totaal": "248", "begroot__totaal": "400", "plausible": "on"}
    response = client.post(
        url,
        {
            **base,
            "version": 1,
            "realisatie__totaal": "260",
            "realisatie__totaal__jaar": "2023",
            "realisatie__totaal__bron": "CBS, peildatum 1 januari 2024",
        },
    )
    assert response.status_code == 302, text_of(response)
    stored = value(2024, "3.1.4", 2024)
    assert (stored.display, stored.period_year, stored.source) == (
        "260",
        2023,
        "CBS, peildatum 1 januari 2024",
    )
    page = text_of(client.get("/jaarstukken/2024/sociaal/indicator/3.1.4/"))
    assert "260 (over 2023)" in page
    assert "Beoordeling 2024 niet te vergelijken" in page
    assert "Bron per cijfer: Realisatie 2024: CBS, peildatum 1 januari 2024." in page

    # The column's own year says nothing more: it is not kept.
    client.post(
        url, {**base, "version": 2, "realisatie__totaal": "260", "realisatie__totaal__jaar": "2024"}
    )
    assert value(2024, "3.1.4", 2024).period_year is None
    # A year far from the column is refused in Dutch, and nothing is stored.
    response = client.post(
        url, {**base, "version": 3, "realisatie__totaal": "270", "realisatie__totaal__jaar": "1999"}
    )
    assert response.status_code == 400
    assert "Een cijfer in deze kolom gaat over 2014 tot en met 2024." in text_of(response)
    assert value(2024, "3.1.4", 2024).display == "260"


def test_an_import_reads_the_year_and_source_of_a_figure(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    header = ["verslagjaar", "programma", "indicator", "kolom", "waarde", "over_jaar", "bron"]
    rows = [
        header,
        ["2024", "sociaal", "3.1.4", "realisatie", "260", "2023", "CBS"],
        ["2024", "sociaal", "3.1.2", "realisatie", "5", "", ""],
        ["2024", "sociaal", "3.1.2", "begroot", "6", "2023", ""],
        ["2024", "sociaal", "3.1.6", "realisatie", "7", "twintig", ""],
    ]
    response = upload(client, "indicatoren", dutch_csv(rows))
    assert error_rows(response) == [
        ("4", "over_jaar", "Alleen een realisatie kan over een ander jaar gaan."),
        (
            "5",
            "over_jaar",
            "‘twintig’ is geen jaar tussen 2014 en 2024: het jaar waarover het cijfer gaat, "
            "als dat niet het jaar van de kolom is.",
        ),
    ]
    response = upload(client, "indicatoren", dutch_csv(rows[:3]))
    confirm(client, response)
    stored = value(2024, "3.1.4", 2024)
    assert (stored.display, stored.period_year, stored.source) == ("260", 2023, "CBS")
    # A file without these columns leaves them as they are.
    response = upload(
        client,
        "indicatoren",
        dutch_csv([header[:5], ["2024", "sociaal", "3.1.4", "realisatie", "261"]]),
    )
    confirm(client, response)
    stored = value(2024, "3.1.4", 2024)
    assert (stored.display, stored.period_year, stored.source) == ("261", 2023, "CBS")
