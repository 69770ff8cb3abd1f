"""A figure a later report corrects: the trend shows the corrected figure, marked, with the
correction's note, and the earlier report's indicator page says it was corrected (#16)."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from programs.models import Report, ReportStatus
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

NOTE = (
    "Realisatie 2023 van indicator 3.1.4 stond verkeerd in Jaarstukken 2023: daar stond 248. "
    "Juiste waarde: 250."
)


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def trend_row(page: str, year: int) -> str:
    trend = page[page.index("uit alle verslagen met deze code") :]
    # A row starts with its year; "Jaarstukken 2023" is the source column of a row.
    start = re.search(rf"(?<!Jaarstukken) {year} ", trend)
    assert start, f"no row for {year}"
    end = re.search(rf"(?<!Jaarstukken) {year + 1} ", trend)
    return trend[start.start() : end.start() if end else trend.index(" Gemeente Diemen —")]


def test_a_corrected_realisation_is_the_one_the_trend_shows_with_its_note(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    data = {
        "version": 1,
        "realisatie_vorig__totaal": "250",
        "begroot__totaal": "400",
        "realisatie__totaal": "240",
    }
    assert client.post("/beheer/jaarstukken/2024/sociaal/indicator/3.1.4/", data).status_code == 302
    client.logout()

    # While the correcting report is not published, readers see the figure as it was.
    before = text_of(client.get("/jaarstukken/2023/sociaal/indicator/3.1.4/"))
    assert "Gecorrigeerd" not in before
    assert trend_row(before, 2023).startswith(" 2023 400 248 Jaarstukken 2023")

    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    for url in (
        "/jaarstukken/2023/sociaal/indicator/3.1.4/",
        "/jaarstukken/2024/sociaal/indicator/3.1.4/",
    ):
        page = text_of(client.get(url))
        assert trend_row(page, 2023) == (
            f" 2023 400 250 (gecorrigeerd) Jaarstukken 2024 Correctie: {NOTE}"
        ), url
    # The earlier report keeps its own figure, and says above its table it was corrected.
    earlier = text_of(client.get("/jaarstukken/2023/sociaal/indicator/3.1.4/"))
    assert f"Gecorrigeerd in Jaarstukken 2024: de realisatie 2023 is 250. {NOTE}" in earlier
    table = earlier[earlier.index("zoals in Jaarstukken 2023") :]
    assert "Totaal 289 400 248" in table
    # The later report's own page needs no such notice: its column is the corrected one.
    assert "Gecorrigeerd in" not in text_of(
        client.get("/jaarstukken/2024/sociaal/indicator/3.1.4/")
    )
