"""A table directly under a program, as the BBV policy indicators usually are printed."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cycle.new_year import start_new_year
from indicators.models import Indicator, IndicatorTable
from programs.models import Report, ReportStatus
from tests.client import ClientResponse
from tests.programs.test_exports import csv_rows

pytestmark = pytest.mark.django_db

STAFF = "/beheer/jaarstukken/2024/sociaal/"
BUILD = STAFF + "opbouw/"
CHAPTER = "/jaarstukken/2024/sociaal/"


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def bbv_table(client: Client, policy_officer: User, concept_2024: Report) -> IndicatorTable:
    """Policy staff add the BBV table to the program itself, with one indicator, filled in."""
    client.force_login(policy_officer)
    response = client.post(BUILD + "nieuw/tabel/", {"kind": "bbv", "budget_label": "Begroot"})
    table = IndicatorTable.objects.get(program__report=concept_2024, goal=None)
    assert response.status_code == 302 and response["Location"] == f"{BUILD}#tabel-{table.pk}"
    response = client.post(
        f"{BUILD}nieuw/indicator/onder/{table.pk}/",
        {
            "code": "20.a",
            "name": "Jongeren met jeugdhulp",
            "unit": "% 0 t/m 17 jaar",
            "source": "CBS",
            "direction": "",
            "mandatory": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        STAFF + "indicator/20.a/",
        {"version": 1, "realisatie__totaal": "11,2%", "plausible": "on"},
    )
    assert response.status_code == 302, text_of(response)
    return table


def test_a_table_can_hang_directly_under_the_program(
    client: Client, bbv_table: IndicatorTable
) -> None:
    assert (bbv_table.program.slug, bbv_table.goal, bbv_table.order) == ("sociaal", None, 1)
    assert str(bbv_table) == "Beleidsindicatoren (BBV) bij het programma"
    page = text_of(client.get(BUILD))
    assert "Tabellen direct onder het programma" in page
    assert "Indicator 20.a: Jongeren met jeugdhulp (% 0 t/m 17 jaar) — 1 ingevulde waarde" in page


def test_the_chapter_prints_it_after_the_goals_with_its_own_heading(
    client: Client, bbv_table: IndicatorTable
) -> None:
    html = client.get(CHAPTER).content.decode()
    section = html[html.index('id="indicatoren"') :]
    section = section[: section.index("</section>")]
    assert "<h2" in section and ">Beleidsindicatoren</h2>" in section
    assert 'id="tabel-programma-1"' in section
    assert "Jongeren met jeugdhulp" in text_of_html(section) and "11,2%" in section
    # After the goals, before the money; the contents list it in that place.
    assert html.index('id="bereikt"') < html.index('id="indicatoren"') < html.index('id="kosten"')
    contents = re.findall(r'<a class="utrecht-link" href="#([a-z-]+)">([^<]+)</a>', html)
    assert contents[:3] == [
        ("bereikt", "Wat hebben we bereikt en wat hebben we ervoor gedaan?"),
        ("indicatoren", "Beleidsindicatoren"),
        ("kosten", "Wat heeft het gekost?"),
    ]
    # The indicator's page says where it stands, not a goal it does not have.
    indicator_page = client.get(CHAPTER + "indicator/20.a/").content.decode()
    assert 'href="/jaarstukken/2024/sociaal/#indicatoren">beleidsindicatoren (bbv)</a>' in (
        indicator_page
    )


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_open_data_and_the_api_have_it_without_a_goal(
    client: Client, bbv_table: IndicatorTable
) -> None:
    Report.objects.filter(pk=bbv_table.program.report_id).update(status=ReportStatus.OFFERED)
    client.logout()
    rows = [
        row
        for row in csv_rows(client, CHAPTER + "data.csv?tabel=indicatoren")
        if row["indicator"] == "20.a"
    ]
    assert [(r["doelstelling"], r["tabel"], r["kolom"], r["waarde"]) for r in rows] == [
        ("", "bbv", "realisatie", "11,2%")
    ]
    data = json.loads(client.get("/api" + CHAPTER + "indicatoren/20.a/").content)
    assert (data["doelstelling"], data["tabel"], data["eenheid"]) == (
        None,
        "bbv",
        "% 0 t/m 17 jaar",
    )


def test_moving_and_the_next_year_keep_it_under_the_program(
    client: Client, bbv_table: IndicatorTable, policy_officer: User
) -> None:
    client.post(BUILD + "nieuw/tabel/", {"kind": "prestatie", "budget_label": "Begroot"})
    second = IndicatorTable.objects.get(program=bbv_table.program, goal=None, order=2)
    client.post(f"{BUILD}tabel/{second.pk}/verplaats/", {"richting": "omhoog"})
    bbv_table.refresh_from_db()
    second.refresh_from_db()
    assert (second.order, bbv_table.order) == (1, 2)
    # Not mixed with the goals' tables, nor with those of another program.
    assert IndicatorTable.objects.filter(goal__program=bbv_table.program, order=1).exists()

    report = bbv_table.program.report
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.ADOPTED)
    report.refresh_from_db()
    following = start_new_year(source=report)
    copied = IndicatorTable.objects.get(program__report=following, goal=None, kind="bbv")
    assert copied.indicators.get().code == "20.a"
    # The new year's chapter has its realisation of 2024 as "Realisatie 2024".
    indicator = Indicator.objects.get(table=copied)
    assert indicator.values.get(year=2024, kind="realisatie").display == "11,2%"
