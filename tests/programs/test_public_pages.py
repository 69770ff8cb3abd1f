"""The published report as council members, residents and the press read it."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from diemen_sociaal.lib.values import parse_value
from indicators.models import Indicator, IndicatorValue
from programs.models import Report
from tests.factories import build_program

pytestmark = pytest.mark.django_db

CHAPTER = "/jaarstukken/2023/sociaal/"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text_of(html: str) -> str:
    """The visible text, with tags removed and white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_start_page_lists_the_published_reports(
    client: Client, seeded: dict[int, Report]
) -> None:
    html = page(client, "/")
    assert "Jaarstukken 2023" in html and "Jaarstukken 2020" in html
    assert "Vastgesteld door Raad op 27 juni 2024" in html


def test_the_report_page_shows_its_cover_data(client: Client, report_2023: Report) -> None:
    text = text_of(page(client, "/jaarstukken/2023/"))
    assert "Jaarstukken 2023" in text
    assert "Versie: Vastgesteld door Raad op 27 juni 2024" in text
    assert "Sociaal" in text


def test_the_chapter_holds_every_part_in_the_source_order(
    client: Client, report_2023: Report
) -> None:
    text = text_of(page(client, CHAPTER))
    parts = [
        "Belangrijke ontwikkelingen",
        "Kosten specialistische jeugdhulp",
        "Woonruimteverdeling",
        "Wat hebben we bereikt en wat hebben we ervoor gedaan?",
        "1. Uniforme (werkend volgens dezelfde uitgangspunten)",
        "Wat wilden we bereiken?",
        "Subdoel 1.1 - Meting en verantwoording",
        "6. Kansen creeren voor inwoners",
        "Wat heeft het gekost?",
        "Voorgestelde overhevelingen",
        "Investeringen",
    ]
    # Past the table of contents, each part must follow the one before it.
    position = text.index("Belangrijke ontwikkelingen Kosten specialistische jeugdhulp")
    for part in parts:
        position = text.index(part, position)


def test_activities_show_plan_beside_realisation(client: Client, report_2023: Report) -> None:
    text = text_of(page(client, CHAPTER))
    assert (
        "4.2.3 - Inzetten van mentoraats- en/of vrijwilligersprogramma’s zoals School’s Cool."
        in text
    )
    assert "In 2023 heeft School’s Cool in Diemen 24 kinderen ondersteund" in text
    assert text.count("Wat wilden we ervoor doen?") == 31


def test_indicator_tables_show_dutch_values_and_footnotes(
    client: Client, report_2023: Report
) -> None:
    html = page(client, CHAPTER)
    text = text_of(html)
    assert "Realisatie 2022 Begroot 2023 Realisatie 2023" in text
    assert "Realisatie 2022 Begroting 2023 Realisatie 2023" in text
    assert (
        "3.1.1 - Aantal banen per 1.000 inwoners in de leeftijd 15 t/m 74 jaar (verplicht) 776,8 900 776,8 (over 2022) 3"
        in text
    )
    assert "Minimaal 90% voor alle vaccinaties, HPV uitgezonderd" in text
    assert "Roken 17% 15% 17%" in text
    assert "14/215 per week" in text
    assert "Correctie: Realisatie 2022 stond verkeerd in jaarstukken 2022" in text
    assert 'aria-label="voetnoot 6"' in html


def test_the_cost_table_shows_computed_balances_in_thousands(
    client: Client, report_2023: Report
) -> None:
    text = text_of(page(client, CHAPTER))
    assert "Structurele lasten -23.175 -23.974 -25.414 -24.273 1.141" in text
    assert "Saldo Structureel -22.693 -23.522 -23.866 -22.690 1.176" in text
    assert "Saldo van de baten en lasten -23.186 -23.540 -25.037 -24.009 1.028" in text
    assert "Toevoegingen aan reserves - - - - -" in text


def test_carry_overs_and_investments_are_shown(client: Client, report_2023: Report) -> None:
    text = text_of(page(client, CHAPTER))
    assert "Transformatiemiddelen jeugdhulp Bedrag: € 100.000" in text
    assert "Inburgering ondertussengroep Bedrag: niet genoemd" in text
    assert "760124 Verhuizing woonunits - inclusief btw 2.400 162 2.238 I (in uitvoering)" in text
    assert (
        "760117 - Het project van Huisvesting bibliotheek in de Omval is afgerond in 2023." in text
    )


def _investment_table(html: str) -> tuple[list[str], dict[str, list[str]]]:
    """The column headings and, per credit number, the visible cells of its row."""
    table = html[
        html.index("investment-table") : html.index("</table>", html.index("investment-table"))
    ]
    thead = table[table.index("<thead") : table.index("</thead>")]
    headings = [text_of(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]
    rows = {}
    for number, row in re.findall(r'id="investering-(\d+)">(.*?)</tr>', table, re.S):
        rows[number] = [
            text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
    return headings, rows


def test_the_investments_explain_their_status_codes_and_show_the_free_room(
    client: Client, report_2023: Report
) -> None:
    html = page(client, CHAPTER)
    legend = html[
        html.index('<dl class="status-legend"') : html.index("</dl>", html.index("status-legend"))
    ]
    assert 'aria-label="Betekenis van de status"' in legend
    assert re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", legend) == [
        ("I", "in uitvoering"),
        ("D", "doorschuiven"),
        ("V", "vervallen"),
        ("A", "afgewikkeld"),
    ]

    headings, rows = _investment_table(html)
    assert headings == ["Investering", "Budget", "Realisatie t/m 2023", "Vrije ruimte", "Status"]
    by_heading = {number: dict(zip(headings, cells, strict=True)) for number, cells in rows.items()}
    # The source prints "760117 Huisvesting bibliotheek in de Omval 7.400 7.373 27 A" and
    # "760123 Tijdelijke woonunits vluchtelingen 4.400 4.062 338 I"; the seed stores only
    # budget and realisation, so the free room is computed.
    assert by_heading["760117"] == {
        "Investering": "760117 Huisvesting bibliotheek in de Omval",
        "Budget": "7.400",
        "Realisatie t/m 2023": "7.373",
        "Vrije ruimte": "27",
        "Status": "A (afgewikkeld)",
    }
    assert by_heading["760123"]["Vrije ruimte"] == "338"
    assert by_heading["760123"]["Status"] == "I (in uitvoering)"
    assert list(rows) == ["760117", "760123", "760124"]


def test_the_2020_chapter_reads_as_in_the_source(client: Client, seeded: dict[int, Report]) -> None:
    html = page(client, "/jaarstukken/2020/sociaal/")
    text = text_of(html)
    assert "Jaarstukken 2020 · Vastgesteld door Raad" in text
    # Goal and subgoals, as numbered in the source.
    assert (
        "1. Uniforme en integrale klantbenadering en -ondersteuning door de gemeente en haar partners"
        " Wat wilden we bereiken? Subdoelen 1.1 - Meting en verantwoording" in text
    )
    assert "1.4 - Integrale klantbenadering (vraag gaat door het loket, niet de klant)" in text
    # An activity: its plan, then its realisation.
    assert (
        "1.2.1 - Maken van afspraken met de cliëntondersteuningsorganisaties"
        " Wat hebben we ervoor gedaan? In 2020 hebben verschillende organisaties onafhankelijke"
        " cliëntondersteuning geboden, zoals MEE, Markant en MaDi." in text
    )
    # Subgoals 1.3 and 1.4 have no activities in the source; the page says so.
    assert text.count("Geen activiteiten bij dit subdoel.") == 2
    # Figures in the developments keep their Dutch notation.
    assert "een extra uitkering in 2022 van € 420.438." in text
    assert "tussen de 1,6 en 1,8 miljard euro" in text
    assert (
        "Transformatiebudget In het kader van transformatie sociaal domein heeft de gemeenteraad € 80.000 in 2019"
        in text
    )
    # The 2020 source (a fragment) holds no indicator tables, costs or footnotes:
    # the page shows none rather than empty shells.
    assert "utrecht-table" not in html
    assert 'class="footnotes"' not in html
    assert "Wat heeft het gekost?" not in text


def _set_value(report: Report, code: str, year: int, kind: str, raw: str) -> None:
    indicator = Indicator.objects.get(code=code, table__program__report=report)
    cell = {"indicator": indicator, "component": None, "year": year, "kind": kind}
    value = IndicatorValue.objects.filter(**cell).first() or IndicatorValue(**cell)
    value.set_value(parse_value(raw))
    value.save()


TREND = CHAPTER + "indicator/3.1.3/"


def trend_of(html: str) -> str:
    """The visible text of the "per jaar" table on an indicator page."""
    start = html.index('id="tabel-trend"')
    return text_of(html[start : html.index("</table>", start)])


def test_the_trend_joins_every_published_report_holding_the_code(
    client: Client, concept_2024: Report
) -> None:
    # 2024 was started from 2023: 3.1.3 came along with 2023's realisation as its
    # "Realisatie 2023"; staff set its target and realisation for 2024.
    _set_value(concept_2024, "3.1.3", 2024, "begroot", "70%")
    _set_value(concept_2024, "3.1.3", 2024, "realisatie", "75,2%")
    # A later report's previous-year figure differs from the original: the year's own
    # report wins.
    _set_value(concept_2024, "3.1.3", 2023, "realisatie", "73,9%")
    Report.objects.filter(pk=concept_2024.pk).update(status="aangeboden")

    for url in (TREND, "/jaarstukken/2024/sociaal/indicator/3.1.3/"):
        html = page(client, url)
        trend = trend_of(html)
        assert "2022 70,9% Jaarstukken 2023" in trend, url
        assert "2023 70% 73,6% (over 2022) Jaarstukken 2023" in trend, url
        assert "2024 70% 75,2% Jaarstukken 2024" in trend, url
        assert "73,9%" not in trend, url
        assert trend.index("2022 70,9%") < trend.index("2023 70%") < trend.index("2024 70%")
        assert 'href="/jaarstukken/2024/sociaal/indicator/3.1.3/">Jaarstukken 2024</a>' in html


def test_a_drafts_values_stay_out_of_the_trend_for_anonymous_readers(
    client: Client, concept_2024: Report, staff_reader: User
) -> None:
    _set_value(concept_2024, "3.1.3", 2024, "begroot", "70%")
    _set_value(concept_2024, "3.1.3", 2024, "realisatie", "75,2%")

    html = page(client, TREND)
    trend = trend_of(html)
    assert "2023 70% 73,6% (over 2022) Jaarstukken 2023" in trend
    assert "2024" not in trend
    assert "75,2%" not in html and "Jaarstukken 2024" not in html

    client.force_login(staff_reader)
    html = page(client, TREND)
    trend = trend_of(html)
    assert "2023 70% 73,6% (over 2022) Jaarstukken 2023" in trend
    assert "2024 70% 75,2% Jaarstukken 2024" in trend


def test_a_goal_has_a_page_of_its_own(client: Client, report_2023: Report) -> None:
    html = page(client, CHAPTER + "doelstelling/5/")
    assert html.count("<h1") == 1
    text = text_of(html)
    assert "5. Alle inwoners hebben gelijke kansen op een goede gezondheid" in text
    assert "5.3.3 - Preventie drugsmisbruik jongeren." in text
    assert "6. Kansen" not in text


def test_permalinks_are_built_from_codes(client: Client, report_2023: Report) -> None:
    html = page(client, CHAPTER)
    assert 'href="/jaarstukken/2023/sociaal/indicator/3.1.4/"' in html
    assert 'href="/jaarstukken/2023/sociaal/activiteit/4.2.3/"' in html
    assert 'href="/jaarstukken/2023/sociaal/doelstelling/3/"' in html
    assert 'id="indicator-3.1.4"' in html and 'id="activiteit-1.1.1"' in html


def test_the_indicator_page_shows_its_values_over_the_years(
    client: Client, report_2023: Report
) -> None:
    html = page(client, CHAPTER + "indicator/3.1.3/")
    text = text_of(html)
    assert (
        "3.1.3 - % netto participatiegraad van mensen tussen 15-67 jaar die een baan hebben (verplicht)"
        in text
    )
    assert "2022 70,9% Jaarstukken 2023" in text
    assert "2023 70% 73,6% (over 2022) Jaarstukken 2023" in text
    # The 2023 column holds the 2022 figure: no verdict, and no second point for a chart.
    assert (
        "Beoordeling 2023 niet te vergelijken: de realisatie 2023 is het cijfer over 2022" in text
    )
    assert "<svg" not in html
    html = page(client, CHAPTER + "indicator/3.1.4/")
    assert "<svg" in html and "<script" not in html
    assert 'role="img"' in html
    # The target of 2023 is drawn (one year: a hollow dot), the axis starts at 0, and the
    # chart and its caption say so.
    assert 'fill="#ffffff" stroke="#333333"' in html
    assert ">0</text>" in html
    assert "met het doel als open rondjes en een stippellijn" in html
    assert "het doel (open rondjes en een stippellijn); de as begint bij 0" in text_of(html)


def test_an_activity_page_shows_its_realisations_over_the_years(
    client: Client, seeded: dict
) -> None:
    text = text_of(page(client, CHAPTER + "activiteit/1.1.1/"))
    assert "Jaarstukken 2023 (deze pagina)" in text
    assert "Jaarstukken 2020" in text
    assert (
        "In 2020 is voor Jeugd en Wmo een continu cliëntervaringsonderzoek geïmplementeerd" in text
    )
    assert text.index("Jaarstukken 2023 (deze pagina)") < text.index("In 2020 is voor Jeugd")


def test_the_overview_counts_activities_and_targets_per_goal(
    client: Client, report_2023: Report
) -> None:
    text = text_of(page(client, CHAPTER + "overzicht/"))
    # Goal 2: 4 activities; 2.2.1 met (80 against 65), 2.1.1 short (62 days against 35), 2.3.1 NB.
    assert (
        "2. Kwalitatief goede voorzieningen (individuele en algemene voorzieningen) binnen beschikbare middelen 4 1 1 1"
        in text
    )
    assert (
        "6. Kansen creeren voor inwoners om veilig en passend te kunnen blijven wonen in Diemen 0 0 1 8"
        in text
    )


def test_unknown_codes_are_404(client: Client, report_2023: Report) -> None:
    assert client.get(CHAPTER + "indicator/9.9.9/").status_code == 404
    assert client.get(CHAPTER + "activiteit/9.9.9/").status_code == 404
    assert client.get(CHAPTER + "doelstelling/9/").status_code == 404
    assert client.get("/jaarstukken/2023/veilig/").status_code == 404
    assert client.get("/jaarstukken/1999/").status_code == 404


@pytest.fixture
def draft(report_2023: Report) -> Report:
    report = Report.objects.create(kind="jaarstukken", year=2024, status="concept")
    build_program(report, slug="sociaal", goals=1)
    return report


def test_a_draft_is_invisible_to_anonymous_readers(client: Client, draft: Report) -> None:
    assert "Jaarstukken 2024" not in page(client, "/")
    for url in [
        "/jaarstukken/2024/",
        "/jaarstukken/2024/sociaal/",
        "/jaarstukken/2024/sociaal/doelstelling/1/",
        "/jaarstukken/2024/sociaal/indicator/1.1.1/",
        "/jaarstukken/2024/sociaal/overzicht/",
    ]:
        assert client.get(url).status_code == 404, url
    # The trend of an indicator in a published report does not leak the draft's values.
    assert "Jaarstukken 2024" not in page(client, CHAPTER + "activiteit/1.1.1/")


def test_staff_see_drafts_marked_as_draft(
    client: Client, draft: Report, staff_reader: User
) -> None:
    client.force_login(staff_reader)
    assert "concept, niet gepubliceerd" in page(client, "/")
    assert "Concept</strong> — deze versie" in page(client, "/jaarstukken/2024/sociaal/")


def test_every_public_page_has_one_h1(client: Client, seeded: dict[int, Report]) -> None:
    urls = [
        "/",
        "/zoeken/",
        "/zoeken/?q=eenzaamheid",
        "/jaarstukken/2023/",
        "/jaarstukken/2020/",
        "/jaarstukken/2020/sociaal/",
        CHAPTER,
        CHAPTER + "overzicht/",
    ]
    urls += [CHAPTER + f"doelstelling/{g}/" for g in range(1, 7)]
    urls += [CHAPTER + f"indicator/{c}/" for c in ("3.1", "3.1.9", "5.3.1", "6.1.7")]
    for url in urls:
        assert page(client, url).count("<h1") == 1, url


def _chapter_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_chapter_page_needs_the_same_queries_whatever_its_size(
    client: Client, without_seed: None
) -> None:
    report = Report.objects.create(kind="jaarstukken", year=2023, status="aangeboden")
    build_program(report, slug="klein", goals=1, subgoals=1, activities=1, indicators=1)
    build_program(report, slug="groot", goals=8, subgoals=4, activities=5, indicators=12)
    small = _chapter_queries(client, "/jaarstukken/2023/klein/")
    large = _chapter_queries(client, "/jaarstukken/2023/groot/")
    assert small == large
    # is the report adopted (page cache), program+report, developments, goals, subgoals,
    # activities, footnotes, tables, table marks, table columns, indicators, indicator footnotes,
    # components, values, value footnotes, budget lines, their printed figures (a report
    # in thousands), their budget changes with the decisions, carry-overs, investments, and
    # the projects and council documents of the development sections (policy/), the budget of
    # the year (there is none here; with one, its plans are one query more), and the
    # lasten and baten of every year (one query however many reports)
    assert large == 24


def test_goal_and_indicator_pages_need_the_same_queries_whatever_the_size(
    client: Client, without_seed: None
) -> None:
    report = Report.objects.create(kind="jaarstukken", year=2023, status="aangeboden")
    build_program(report, slug="klein", goals=1, subgoals=1, activities=1, indicators=1)
    build_program(report, slug="groot", goals=2, subgoals=4, activities=5, indicators=12)
    for path in ("doelstelling/1/", "indicator/1.1.1/", "overzicht/", "activiteit/1.1.1/"):
        small = _chapter_queries(client, f"/jaarstukken/2023/klein/{path}")
        large = _chapter_queries(client, f"/jaarstukken/2023/groot/{path}")
        assert small == large, path


def test_an_adopted_chapter_is_served_from_the_cache(client: Client, report_2023: Report) -> None:
    first = client.get(CHAPTER).content
    with CaptureQueriesContext(connection) as queries:
        second = client.get(CHAPTER).content
    assert second == first
    assert len(queries) == 1  # is the report adopted? then the stored page
    response = client.get(CHAPTER)
    # Midnight of the adoption day in Diemen.
    assert response["Last-Modified"] == "Wed, 26 Jun 2024 22:00:00 GMT"
    again = client.get(CHAPTER, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_pages_of_unadopted_reports_are_never_cached(client: Client, report_2023: Report) -> None:
    Report.objects.filter(pk=report_2023.pk).update(status="aangeboden", adopted_on=None)
    client.get(CHAPTER)
    with CaptureQueriesContext(connection) as queries:
        client.get(CHAPTER)
    assert len(queries) == 24  # the adoption check, then the full page


def test_copying_a_figure_does_not_glue_it_to_its_footnote_mark(
    client: Client, report_2023: Report
) -> None:
    """What a browser copies is the text: "157 4", not "1574" as in the source PDF."""
    text = " ".join(re.sub(r"<[^>]+>", "", page(client, CHAPTER)).split())  # tags, no spaces
    assert "157 4" in text and "1574" not in text
    assert "73,6% (over 2022) 3" in text and "2022)3" not in text


def test_the_indicator_page_says_its_unit_and_that_the_verdict_is_the_sites_own(
    client: Client, report_2023: Report
) -> None:
    text = text_of(page(client, CHAPTER + "indicator/3.1.3/"))
    assert "Eenheid %" in text
    assert "afgeleid door deze site uit streefwaarde, realisatie en richting" in text
    overview = text_of(page(client, CHAPTER + "overzicht/"))
    assert "Dit oordeel leidt deze site zelf af; het verslag geeft het niet." in overview
