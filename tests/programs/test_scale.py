"""The synthetic municipality: the real chapter's shape, deterministic, and constant-query pages."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorValue
from programs.models import Activity, Program, Report
from readmodel.scale import Scale, generate

pytestmark = pytest.mark.django_db


def test_each_program_has_the_shape_of_the_2023_chapter() -> None:
    generate(Scale(programs=2, years=2, first_year=2030, seed=7))
    program = Program.objects.get(report__year=2031, slug="programma-02")
    assert Activity.objects.filter(subgoal__goal__program=program).count() == 31
    assert Indicator.objects.filter(table__program=program).count() == 44
    assert program.developments.count() == 13 and program.footnotes.count() == 16
    assert Report.objects.get(year=2030).status == "vastgesteld"
    assert Report.objects.get(year=2031).status == "concept"


def test_the_same_seed_gives_the_same_municipality(without_seed: None) -> None:
    generate(Scale(programs=1, years=1, first_year=2030, seed=7))
    first = sorted(IndicatorValue.objects.values_list("indicator__code", "text", "number"))
    Report.objects.all().delete()
    generate(Scale(programs=1, years=1, first_year=2030, seed=7))
    assert sorted(IndicatorValue.objects.values_list("indicator__code", "text", "number")) == first


def test_existing_years_are_left_alone() -> None:
    generate(Scale(programs=1, years=1, first_year=2030))
    with pytest.raises(ValueError, match="Er bestaan al jaarstukken"):
        generate(Scale(programs=1, years=1, first_year=2030))


def test_public_pages_need_the_same_queries_at_ten_times_the_size(client: Client) -> None:
    generate(Scale(programs=2, years=3, first_year=2030, seed=1))
    small = _queries(client, "/jaarstukken/2031/programma-01/indicator/3.1.1/")
    generate(Scale(programs=2, years=8, first_year=2040, seed=1))
    large = _queries(client, "/jaarstukken/2046/programma-01/indicator/3.1.1/")
    assert small == large
    for url in (
        "/jaarstukken/2046/programma-02/",
        "/jaarstukken/2046/programma-02/doelstelling/3/",
    ):
        assert _queries(client, url) == _queries(client, url.replace("2046", "2031"))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)
