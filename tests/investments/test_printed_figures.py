"""Amounts in the unit they were given in, and the subtotals as the source printed them."""

import html
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client

from investments.models import BudgetLine, PrintedFigure
from programs.models import Report, ReportStatus
from staff import worklist
from tests.client import ClientResponse
from tests.programs.test_exports import page_tables

pytestmark = pytest.mark.django_db

CHAPTER = "/jaarstukken/2023/sociaal/"


def text_of(response: ClientResponse) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def cost_rows(client: Client) -> dict[str, list[str]]:
    table = page_tables(client, CHAPTER)["tabel-kosten"]
    # The five amounts; the stoplight after them is test_variance's.
    return {texts[0]: texts[1:6] for _, _, texts in table["rows"]}


def test_the_chapter_prints_the_subtotals_as_the_source_did(
    client: Client, report_2023: Report
) -> None:
    rows = cost_rows(client)
    # The lines add up to -23.865; the source printed -23.866 from the unrounded euros.
    assert rows["Saldo Structureel"] == ["-22.693", "-23.522", "-23.866", "-22.690", "1.176"]
    assert rows["Structurele baten"][4] == "-32"
    assert "(bedragen x € 1.000; negatief is een last)" in text_of(client.get(CHAPTER))


def test_a_report_in_whole_euros_shows_euros_and_computes_every_subtotal(
    client: Client, report_2023: Report
) -> None:
    Report.objects.filter(pk=report_2023.pk).update(money_unit=1)
    rows = cost_rows(client)
    assert rows["Structurele lasten"][2] == "-25.414.000"
    # No printed figure stands in for a sum in whole euros: the sum is exact.
    assert rows["Saldo Structureel"][2] == "-23.865.000"
    assert "(bedragen in euro's; negatief is een last)" in text_of(client.get(CHAPTER))
    line = client.get(f"/api{CHAPTER}begroting/").json()["resultaten"][0]
    assert (line["eenheid"], line["begroting_totaal"]) == ("euro", -25_414_000)


def _mistyped(report: Report) -> None:
    """The printed Saldo Structureel 'begroting totaal' typed as -23.886 instead of -23.866."""
    PrintedFigure.objects.filter(
        program__report=report, balance="structureel", column="begroting_totaal"
    ).update(amount=-23_886_000)


def test_a_printed_subtotal_beyond_the_rounding_is_flagged_and_not_shown(
    client: Client, finance: User, report_2023: Report
) -> None:
    _mistyped(report_2023)
    # 4 lines: at most 4 x € 500 off; 21 thousand is a typing error.
    assert cost_rows(client)["Saldo Structureel"][2] == "-23.865"
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.IN_REVIEW, adopted_on=None)
    client.force_login(finance)
    page = text_of(client.get("/beheer/jaarstukken/2023/sociaal/financien/"))
    assert "Deze gedrukte bedragen wijken meer af van de optelling dan de afronding" in page
    assert "Saldo Structureel, begroting totaal: gedrukt -23.886, optelling -23.865" in page
    (gap,) = worklist.gaps(report_2023)
    assert "1 gedrukt bedrag wijkt meer dan de afronding af van de optelling" in gap["missing"]


def test_nothing_is_flagged_while_the_printed_figures_agree(report_2023: Report) -> None:
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.IN_REVIEW, adopted_on=None)
    (gap,) = worklist.gaps(report_2023)  # the seed lacks one target and its toelichtingen
    assert gap["missing"] == [
        "1 zonder streefwaarde 2023",
        "6 begrotingsregels met een afwijking zonder toelichting",
    ]


def test_the_migration_keeps_a_report_with_exact_euros_in_euros(
    report_2023: Report, concept_2024: Report
) -> None:
    """Stored amounts that are not whole thousands were given in euros: nothing is rounded."""
    migration = importlib.import_module("programs.migrations.0011_report_money_unit")
    BudgetLine.objects.filter(program__report=report_2023, kind="baten").update(rekening=1_516_400)
    migration.keep_every_euro(apps, None)
    report_2023.refresh_from_db()
    concept_2024.refresh_from_db()
    assert (report_2023.money_unit, concept_2024.money_unit) == (1, 1000)
