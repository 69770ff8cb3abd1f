"""A cell with two figures, each with its unit: entered, shown, judged by the right one, published."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators.models import IndicatorValue
from programs.models import Report, ReportStatus
from tests.client import ClientResponse
from tests.programs.test_exports import csv_rows

pytestmark = pytest.mark.django_db

STAFF = "/beheer/jaarstukken/2024/sociaal/indicator/3.1.4/"
PAGE = "/jaarstukken/2024/sociaal/indicator/3.1.4/"


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_count_and_a_rate_in_one_cell_are_judged_by_the_rate_the_indicator_measures(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    # 3.1.4 is "Aantal personen met een bijstandsuitkering per 10.000 inwoners" (lower is
    # better); its name carries its unit.
    client.force_login(policy_officer)
    response = client.post(
        STAFF,
        {
            "version": 1,
            "realisatie_vorig__totaal": "248",
            "begroot__totaal": "250",
            "realisatie__totaal": "412 uitkeringen, 241,5 per 10.000",
        },
    )
    assert response.status_code == 302, text_of(response)[:3000]
    stored = IndicatorValue.objects.get(
        indicator__table__program__report=concept_2024,
        indicator__code="3.1.4",
        year=2024,
        kind="realisatie",
    )
    assert (stored.number, stored.number_2, stored.qualifier, stored.qualifier_2) == (
        412,
        241.5,
        "uitkeringen",
        "per 10.000",
    )
    assert stored.two_figures

    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    client.logout()
    page = text_of(client.get(PAGE))
    assert "412 uitkeringen, 241,5 per 10.000" in page
    # 241,5 per 10.000 against a target of 250 (lower is better): met. Judged by the count
    # (412) it would have been "niet gehaald".
    assert "Beoordeling 2024 gehaald" in page

    rows = csv_rows(client, "/jaarstukken/2024/sociaal/data.csv?tabel=indicatoren")
    cell = next(r for r in rows if r["indicator"] == "3.1.4" and r["kolom"] == "realisatie")
    assert (cell["getal"], cell["toevoeging"]) == ("412", "uitkeringen")
    assert (cell["tweede_getal"], cell["tweede_soort"], cell["tweede_toevoeging"]) == (
        "241.5",
        "eigen_eenheid",
        "per 10.000",
    )
    data = json.loads(client.get("/api/jaarstukken/2024/sociaal/indicatoren/3.1.4/").content)
    realised = next(v for v in data["waarden"] if v["kolom"] == "realisatie")
    assert (realised["tweede_getal"], realised["tweede_soort"]) == (241.5, "eigen_eenheid")


def test_a_target_in_another_measure_gets_no_verdict_and_the_page_says_why(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    response = client.post(
        STAFF,
        {
            "version": 1,
            "realisatie_vorig__totaal": "248",
            "begroot__totaal": "400 cliënten",
            "realisatie__totaal": "241,5 per 10.000",
        },
    )
    assert response.status_code == 302, text_of(response)[:3000]
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    client.logout()
    page = text_of(client.get(PAGE))
    assert (
        "Beoordeling 2024 niet te vergelijken: andere maat: de streefwaarde is een getal "
        "‘cliënten’, de realisatie een getal in de eenheid van de indicator"
    ) in page.replace("&#x27;", "'")
