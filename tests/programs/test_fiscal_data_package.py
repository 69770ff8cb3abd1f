"""A report's money as a Fiscal Data Package, as openspending.nl reads one."""

import csv
import io
import json

import pytest
from django.test import Client

from programs.models import Report

pytestmark = pytest.mark.django_db


def test_the_package_describes_the_budget_csv_with_its_unit_and_phases(
    client: Client, report_2023: Report
) -> None:
    response = client.get("/jaarstukken/2023/datapackage.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = json.loads(response.content)
    for required in ("name", "title", "resources", "model"):
        assert package[required], required
    assert package["name"] == "gemeente-diemen-jaarstukken-2023"
    assert package["fiscalPeriod"] == {"start": "2023-01-01", "end": "2023-12-31"}
    resource = package["resources"][0]
    measures = package["model"]["measures"]
    # The seed prints thousands: the figures stay as printed, the factor makes them euros.
    assert {m["factor"] for m in measures.values()} == {1000}
    assert {m["currency"] for m in measures.values()} == {"EUR"}
    assert measures["begroting_primitief"]["phase"] == "approved"
    assert measures["begroting_totaal"]["phase"] == "adjusted"
    assert measures["rekening"]["phase"] == "executed"
    dimensions = package["model"]["dimensions"]
    assert dimensions["taakveld"]["classificationType"] == "functional"

    # The resource is the open-data CSV itself; every column the model names is in it.
    path = resource["path"].removeprefix("http://testserver")
    rows = list(csv.DictReader(io.StringIO(client.get(path).content.decode("utf-8"))))
    assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])
    sources = {m["source"] for m in measures.values()} | {
        a["source"] for d in dimensions.values() for a in d["attributes"].values()
    }
    assert sources <= set(rows[0])
    lasten = next(r for r in rows if r["omschrijving"] == "Structurele lasten")
    assert int(lasten["rekening"]) * measures["rekening"]["factor"] == -24_273_000


def test_a_draft_has_no_public_package(client: Client, concept_2024: Report) -> None:
    assert client.get("/jaarstukken/2024/datapackage.json").status_code == 404
