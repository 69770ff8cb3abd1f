"""The Django admin: every model has a pleasant, working change list and change form."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from programs.models import Activity, Report

pytestmark = pytest.mark.django_db

APP_LABELS = {"programs", "indicators", "investments", "policy"}


@pytest.fixture
def admin_client_logged_in(client: Client) -> Client:
    user = User.objects.create_superuser("griffie-test", "griffie@example.org", "geheim-123")
    client.force_login(user)
    return client


def test_every_model_is_in_the_admin() -> None:
    from django.apps import apps

    ours = {
        m
        for m in apps.get_models()
        if m._meta.app_label in APP_LABELS and not m.__name__.startswith("Historical")
    }
    assert ours <= set(admin.site._registry)


def test_every_change_list_and_change_form_opens(
    admin_client_logged_in: Client, seeded: dict
) -> None:
    for model, _ in admin.site._registry.items():
        if model._meta.app_label not in APP_LABELS:
            continue
        # Adopted content opens read-only; a concept copy shows the edit forms too.
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client_logged_in.get(url)
        assert response.status_code == 200, url
        first = model.objects.first()
        if first is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert admin_client_logged_in.get(url).status_code == 200, url


def test_the_admin_shows_values_as_the_report_prints_them(
    admin_client_logged_in: Client, report_2023
) -> None:
    url = reverse("admin:indicators_indicatorvalue_changelist") + "?q=3.1.3"
    response = admin_client_logged_in.get(url)
    assert "73,6%" in response.content.decode()
    indicator = Indicator.objects.get(code="5.3.1")
    response = admin_client_logged_in.get(
        reverse("admin:indicators_indicator_change", args=[indicator.pk])
    )
    body = response.content.decode()
    # Adopted: shown read-only, without a save button.
    assert "Roken" in body and "17%" in body
    assert 'name="_save"' not in body


@pytest.fixture
def concept_2023(report_2023: Report) -> Report:
    Report.objects.filter(pk=report_2023.pk).update(status="concept", adopted_on=None)
    report_2023.refresh_from_db()
    return report_2023


def test_an_adopted_report_cannot_be_changed_in_the_admin(
    admin_client_logged_in: Client, report_2023: Report
) -> None:
    value = IndicatorValue.objects.get(indicator__code="3.1.4", year=2023, kind="realisatie")
    url = reverse("admin:indicators_indicatorvalue_change", args=[value.pk])
    data = {"indicator": value.indicator_id, "year": 2023, "kind": "realisatie", "raw": "1"}
    assert admin_client_logged_in.post(url, data).status_code == 403
    value.refresh_from_db()
    assert value.display == "248"


def test_a_value_typed_in_dutch_is_stored_typed(
    admin_client_logged_in: Client, concept_2023: Report
) -> None:
    value = IndicatorValue.objects.get(indicator__code="3.1.4", year=2023, kind="realisatie")
    url = reverse("admin:indicators_indicatorvalue_change", args=[value.pk])
    data = {
        "indicator": value.indicator_id,
        "component": "",
        "year": 2023,
        "kind": "realisatie",
        "raw": "1.141,5",
    }
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302
    value.refresh_from_db()
    assert (str(value.number.normalize()), value.decimals, value.display) == (
        "1141.5",
        1,
        "1.141,5",
    )


def test_a_malformed_value_gets_a_dutch_message_and_nothing_changes(
    admin_client_logged_in: Client, concept_2023: Report
) -> None:
    value = IndicatorValue.objects.get(indicator__code="3.1.4", year=2023, kind="realisatie")
    url = reverse("admin:indicators_indicatorvalue_change", args=[value.pk])
    data = {"indicator": value.indicator_id, "year": 2023, "kind": "realisatie", "raw": "1.14"}
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 200
    assert "is geen geldige waarde" in response.content.decode()
    value.refresh_from_db()
    assert value.display == "248"


def test_the_activity_list_shows_what_is_still_missing(
    admin_client_logged_in: Client, report_2023
) -> None:
    Activity.objects.filter(code="1.1.1").update(realisation="")
    url = reverse("admin:programs_activity_changelist") + "?q=1.1.1"
    body = admin_client_logged_in.get(url).content.decode()
    assert "icon-no.svg" in body
