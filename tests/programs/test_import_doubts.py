"""An imported figure that looks like a typing error is asked about, as in the edit form."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators.models import Indicator, IndicatorValue
from programs.models import Report
from tests.programs.test_imports import IMPORT, dutch_csv, text_of, token_of, upload

pytestmark = pytest.mark.django_db

HEADER = ["verslagjaar", "programma", "indicator", "kolom", "waarde"]
JUMP = "900 is 263% hoger dan 248, de realisatie van 2023."


def realised_2024(code: str) -> IndicatorValue | None:
    return IndicatorValue.objects.filter(
        indicator__table__program__report__year=2024,
        indicator__code=code,
        year=2024,
        kind="realisatie",
        component=None,
    ).first()


def test_a_jump_is_shown_and_stored_only_when_confirmed_with_a_reason(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    rows = [HEADER, ["2024", "sociaal", "3.1.4", "realisatie", "900"]]
    rows.append(["2024", "sociaal", "3.1.5", "realisatie", "130"])  # an ordinary change
    preview = upload(client, "indicatoren", dutch_csv(rows))
    assert preview.status_code == 200
    assert f"Controleer deze waarden Rij Regel Waarom 2 sociaal · 3.1.4 · realisatie {JUMP}" in (
        text_of(preview)
    )

    # Confirmed without the tick and a reason: nothing at all is stored.
    refused = client.post(IMPORT, {"token": token_of(preview), "toelichting": "Klopt."})
    assert refused.status_code == 400
    assert "Er is niets opgeslagen: controleer de waarden onder ‘Controleer deze waarden’." in (
        text_of(refused)
    )
    assert "Klopt." in refused.content.decode(), "what was typed stays"
    assert realised_2024("3.1.4") is None and realised_2024("3.1.5") is None
    unexplained = client.post(IMPORT, {"token": token_of(refused), "gecontroleerd": "ja"})
    assert unexplained.status_code == 400
    assert realised_2024("3.1.4") is None

    done = client.post(
        IMPORT,
        {
            "token": token_of(unexplained),
            "gecontroleerd": "ja",
            "toelichting": "Nieuwe telling van het CBS, inclusief statushouders.",
        },
        follow=True,
    )
    assert "2 toegevoegd" in text_of(done)
    jumped, ordinary = realised_2024("3.1.4"), realised_2024("3.1.5")
    assert jumped is not None and ordinary is not None
    assert (jumped.display, jumped.check_note) == (
        "900",
        "Nieuwe telling van het CBS, inclusief statushouders.",
    )
    assert (ordinary.display, ordinary.check_note) == ("130", "")


def test_a_figure_outside_the_indicators_range_is_asked_about_too(
    client: Client, policy_officer: User, concept_2024: Report
) -> None:
    Indicator.objects.filter(table__program__report=concept_2024, code="3.1.5").update(highest=500)
    client.force_login(policy_officer)
    rows = [HEADER, ["2024", "sociaal", "3.1.5", "realisatie", "5.000"]]
    preview = upload(client, "indicatoren", dutch_csv(rows))
    assert "5.000 is hoger dan 500, de bovengrens." in text_of(preview)
    assert client.post(IMPORT, {"token": token_of(preview)}).status_code == 400
    assert realised_2024("3.1.5") is None
