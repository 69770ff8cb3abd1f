"""The BBV's policy indicators as a catalogue: membership, completeness, versioned data."""

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from diemen_sociaal.seed import BBV_CATALOGUE, load_bbv_catalogue
from indicators.bbv import bbv_completeness
from indicators.models import BbvIndicator, Indicator
from programs.models import Report
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_catalogue_decides_membership_not_the_printed_label(report_2023: Report) -> None:
    assert BbvIndicator.objects.count() == 12
    assert BbvIndicator.objects.filter(current=True).count() == 11
    indicators = Indicator.objects.filter(table__program__report=report_2023)
    # Printed "(verplicht)" but not on the list; on the (earlier) list but printed without.
    kindermishandeling, achterstand = indicators.get(code="3.3.3"), indicators.get(code="3.3.4")
    assert (kindermishandeling.mandatory, kindermishandeling.bbv) == (True, None)
    assert achterstand.mandatory is False
    assert achterstand.bbv is not None and achterstand.bbv.number == 25
    assert not achterstand.bbv.current
    held = bbv_completeness([report_2023])[report_2023.pk]
    assert held.text == "11 van 11 verplichte beleidsindicatoren (BBV)"
    assert held.missing == []


def test_a_report_missing_one_says_which(
    client: Client, controller: User, report_2023: Report
) -> None:
    Indicator.objects.filter(table__program__report=report_2023, code="3.1.4").update(bbv=None)
    held = bbv_completeness([report_2023])[report_2023.pk]
    assert held.count == 10
    assert [entry.number for entry in held.missing] == [27]
    page = text_of(client.get("/jaarstukken/2023/"))
    assert (
        "Dit verslag bevat 10 van 11 verplichte beleidsindicatoren (BBV); niet opgenomen: "
        "27 Personen met een bijstandsuitkering." in page
    )
    client.force_login(controller)
    dashboard = text_of(client.get("/beheer/"))
    assert "10 van 11 verplichte beleidsindicatoren (BBV); ontbreekt: 27 Personen met" in dashboard


def test_the_open_data_names_the_bbv_number_beside_the_printed_label(
    client: Client, report_2023: Report
) -> None:
    rows = client.get("/jaarstukken/2023/sociaal/data.json").json()["indicatoren"]
    by_code = {row["indicator"]: row for row in rows}
    assert (by_code["3.1.4"]["bbv"], by_code["3.1.4"]["verplicht"]) == (27, True)
    assert (by_code["3.3.3"]["bbv"], by_code["3.3.3"]["verplicht"]) == (None, True)
    api = client.get("/api/jaarstukken/2023/sociaal/indicatoren/3.3.4/").json()
    assert (api["bbv"], api["verplicht"]) == (25, False)
    # Diemen's names carry their unit already: the chapter reads as printed.
    chapter = text_of(client.get("/jaarstukken/2023/sociaal/"))
    assert (
        "% netto participatiegraad van mensen tussen 15-67 jaar die een baan hebben (verplicht)"
        in (chapter)
    )


def test_a_new_year_keeps_the_links(concept_2024: Report) -> None:
    assert bbv_completeness([concept_2024])[concept_2024.pk].count == 11


def test_the_catalogue_loads_again_from_its_versioned_file(tmp_path: Path, db: None) -> None:
    assert load_bbv_catalogue() == (0, 12), "the seed loaded it: a second run only updates"
    data = yaml.safe_load(BBV_CATALOGUE.read_text(encoding="utf-8"))
    data["version"] = "test"
    data["indicators"][0]["unit"] = "aantal per 1.000 inwoners van 15 t/m 74 jaar"
    changed = tmp_path / "bbv.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    call_command("load_bbv_catalogue", changed, verbosity=0)
    banen = BbvIndicator.objects.get(number=21)
    assert (banen.unit, banen.list_version) == (
        "aantal per 1.000 inwoners van 15 t/m 74 jaar",
        "test",
    )
