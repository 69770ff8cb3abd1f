"""Budget against account per line, as bars beside the cost table."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from programs.models import Report
from tests.programs.test_exports import page_tables

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def money_chart(client: Client, url: str) -> ET.Element | None:
    """The chart of budget against account per line, if the page has one."""
    html = client.get(url).content.decode()
    for svg in re.findall(r'<figure class="[^"]*money-chart[^"]*">(<svg.*?</svg>)', html, re.S):
        chart = ET.fromstring(svg)
        if "per regel" in (chart[0].text or ""):
            return chart
    return None


def test_the_annual_chapter_draws_budget_and_account_per_line_with_the_tables_figures(
    client: Client, report_2023: Report
) -> None:
    chart = money_chart(client, "/jaarstukken/2023/sociaal/")
    assert chart is not None
    assert chart.get("role") == "img"
    assert chart[0].text == "Begroting en rekening 2023 per regel van programma Sociaal"
    # A long line name is on two lines (two <tspan>s), short enough for a phone.
    labels = [" ".join(t.itertext()) for t in chart.iter(f"{SVG}text")]
    # The printed thousands, without their sign; a label the table repeats says its nature.
    assert {"25.414", "24.273", "1.549", "1.516"} <= set(labels)
    assert "Toevoegingen aan reserves (structureel)" in labels
    assert "Toevoegingen aan reserves (incidenteel)" in labels
    wrapped = [t for t in chart.iter(f"{SVG}text") if len(t.findall(f"{SVG}tspan")) == 2]
    assert sorted([s.text for s in t] for t in wrapped) == [
        ["Onttrekkingen aan", "reserves (incidenteel)"],
        ["Onttrekkingen aan", "reserves (structureel)"],
        ["Toevoegingen aan", "reserves (incidenteel)"],
        ["Toevoegingen aan", "reserves (structureel)"],
    ]
    solid = [r for r in chart.iter(f"{SVG}rect") if r.get("fill") == "#154273"]
    hollow = [r for r in chart.iter(f"{SVG}rect") if r.get("fill") == "#ffffff"]
    assert len(solid) == len(hollow) == 8
    assert "Structurele lasten: 25.414 en 24.273" in (chart[1].text or "")


def test_a_budget_draws_no_bars(client: Client, budget_2023: Report) -> None:
    assert money_chart(client, "/programmabegroting/2023/sociaal/") is None


def test_an_annual_report_without_amounts_draws_no_bars(
    client: Client, staff_reader, concept_2024: Report
) -> None:
    client.force_login(staff_reader)
    assert money_chart(client, "/jaarstukken/2024/sociaal/") is None


def test_lasten_and_baten_per_year_come_from_each_years_own_report_or_the_next(
    client: Client, staff_reader, concept_2024: Report
) -> None:
    from investments.models import BudgetLine

    # The seed's 2023 report holds 2023 and, as "rekening vorig jaar", 2022.
    rows = page_tables(client, "/jaarstukken/2023/sociaal/")["tabel-jaren"]["rows"]
    assert [texts for _, _, texts in rows] == [
        ["2022", "-23.687", "424", "Jaarstukken 2023"],
        ["2023", "-25.386", "1.056", "Jaarstukken 2023"],
    ]
    # A year with an empty line has no figure; once every line is entered it has.
    lines = BudgetLine.objects.filter(program__report=concept_2024, kind__in=["lasten", "baten"])
    lines.filter(kind="lasten").update(rekening=-12_000_000)
    client.force_login(staff_reader)
    rows = page_tables(client, "/jaarstukken/2024/sociaal/")["tabel-jaren"]["rows"]
    assert [texts for _, _, texts in rows][-1] == [
        "2024",
        "-24.000",
        "nog niet ingevuld",
        "Jaarstukken 2024",
    ]
    # 2023 still comes from its own report, not from 2024's "rekening vorig jaar".
    assert [texts for _, _, texts in rows][1][3] == "Jaarstukken 2023"
