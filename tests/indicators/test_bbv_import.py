"""BBV figures as waarstaatjegemeente.nl gives them, imported with preview, all or nothing."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators.models import (
    BbvIndicator,
    Indicator,
    IndicatorColumn,
    IndicatorTable,
    IndicatorValue,
)
from programs.models import Report
from tests.programs.test_imports import confirm, dutch_csv, error_rows, text_of, upload

pytestmark = pytest.mark.django_db

IMPORT = "/beheer/jaarstukken/2024/import/"
HEADER = ["bbv", "gebied", "periode", "waarde", "bron"]


@pytest.fixture
def linked(concept_2024: Report, wide_table: Indicator) -> int:  # noqa: F811
    """The wide table's indicator is BBV indicator number N; no other indicator is."""
    entry = BbvIndicator.objects.order_by("number").first()
    assert entry is not None
    Indicator.objects.filter(table__program__report=concept_2024, bbv=entry).update(bbv=None)
    wide_table.bbv = entry
    wide_table.save()
    return entry.number


def cell(indicator: Indicator, year: int, area: str = "") -> IndicatorValue:
    return IndicatorValue.objects.get(
        indicator=indicator, year=year, kind="realisatie", area=area, component=None
    )


def test_a_bbv_file_fills_own_and_national_figures_with_their_periods(
    client: Client,
    policy_officer: User,
    linked: int,
    wide_table: Indicator,  # noqa: F811
) -> None:
    client.force_login(policy_officer)
    rows = [
        HEADER,
        [str(linked), "Diemen", "2023", "44,1", "waarstaatjegemeente.nl"],
        [str(linked), "Gemeente Diemen", "2022", "42,5", ""],
        [str(linked), "Nederland", "peildatum 1 maart 2023", "39,8", "CBS"],
    ]
    preview = upload(client, "bbv", dutch_csv(rows), url=IMPORT)
    assert "Toevoegen: 3" in text_of(preview)
    assert not IndicatorValue.objects.filter(indicator=wide_table).exists()  # a preview only
    confirm(client, preview, url=IMPORT)
    # A percentage indicator's plain numbers are percentages, as its unit says.
    own = cell(wide_table, 2023)
    assert (own.display, own.source) == ("44,1%", "waarstaatjegemeente.nl")
    assert cell(wide_table, 2022).display == "42,5%"
    national = cell(wide_table, 2023, "Nederland")
    assert (national.display, national.source, national.other_year) == ("39,8%", "CBS", None)
    # The day the source names is kept with the figure, and shown with it.
    assert (national.reference_date, own.reference_date) == (datetime.date(2023, 3, 1), None)
    assert national.period_label == "peildatum 1 maart 2023"


def test_last_years_figure_stands_in_this_years_column_marked_with_its_year(
    client: Client, policy_officer: User, linked: int, concept_2024: Report
) -> None:
    """A table with no column for last year: its figure (this year's is not out yet) goes
    in this year's column, saying which year it is about, as Diemen's footnotes do."""
    client.force_login(policy_officer)
    program = concept_2024.programs.get(slug="sociaal")
    table = IndicatorTable.objects.create(program=program, kind="bbv", order=10)
    for order, kind in enumerate(["begroot", "realisatie"], start=1):
        IndicatorColumn.objects.create(table=table, order=order, kind=kind, year_offset=0)
    Indicator.objects.filter(table__program__report=concept_2024, bbv__number=linked).update(
        bbv=None
    )
    indicator = Indicator.objects.create(
        table=table,
        code="9.2",
        name="Jongeren met jeugdhulp",
        unit="%",
        bbv=BbvIndicator.objects.get(number=linked),
    )
    preview = upload(
        client, "bbv", dutch_csv([HEADER, [str(linked), "Diemen", "2023", "11,2", ""]]), url=IMPORT
    )
    confirm(client, preview, url=IMPORT)
    value = cell(indicator, 2024)
    assert (value.display, value.other_year) == ("11,2%", 2023)


def test_a_broken_bbv_file_shows_every_wrong_row_and_stores_nothing(
    client: Client,
    policy_officer: User,
    linked: int,
    wide_table: Indicator,  # noqa: F811
) -> None:
    client.force_login(policy_officer)
    rows = [
        HEADER,
        [str(linked), "Diemen", "2023", "44,1", ""],
        ["999", "Diemen", "2023", "1", ""],
        [str(linked), "Amsterdam", "2023", "3", ""],
        [str(linked), "Diemen", "vorig jaar", "3", ""],
        [str(linked), "Diemen", "2015", "3", ""],
        [str(linked), "Diemen", "2022", "veel", ""],
    ]
    response = upload(client, "bbv", dutch_csv(rows), url=IMPORT)
    errors = error_rows(response)
    assert [(row, column) for row, column, _ in errors] == [
        ("3", "bbv"),
        ("4", "gebied"),
        ("5", "periode"),
        ("6", "periode"),
        ("7", "waarde"),
    ]
    messages = dict(((row, message) for row, _, message in errors))
    assert messages["3"].startswith(
        "Geen indicator in Jaarstukken 2024 hoort bij BBV-indicator ‘999’"
    )
    assert "(vergelijkingen: Nederland)" in messages["4"]
    assert "noemt geen jaar" in messages["5"]
    assert "geen kolom voor een realisatie over 2015" in messages["6"]
    assert not IndicatorValue.objects.filter(indicator=wide_table).exists()
