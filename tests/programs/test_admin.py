"""The Django admin: every model has a pleasant, working change list and change form."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
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
        first = model._default_manager.first()
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
    assert value.number is not None
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


# --- Roles and the lost-update check hold in the admin too -----------------------------------


def _form_data(client: Client, model: type[Model], obj: Model) -> dict[str, str | list[str]]:
    """What the admin's change form would post back unchanged, as a person's browser does."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    model_admin = admin.site._registry[model]
    form = model_admin.get_form(request, obj)(instance=obj)
    data: dict[str, str | list[str]] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif hasattr(field.widget, "widgets"):  # split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = str(value)
    return data


def test_policy_staff_cannot_go_around_their_assignment_through_the_admin(
    client: Client, other_policy_officer: User, finance: User, concept_2024: Report
) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    url = reverse("admin:programs_activity_change", args=[activity.pk])
    client.force_login(other_policy_officer)  # assigned to Veilig, not to Sociaal
    assert 'name="realisation"' not in client.get(url).content.decode()
    response = client.post(url, {"realisation": "Via de achterdeur.", "code": "1.1.1"})
    assert response.status_code == 403
    client.force_login(finance)
    line = concept_2024.programs.get(slug="sociaal").budget_lines.first()
    assert line is not None
    assert (
        client.post(
            reverse("admin:investments_budgetline_change", args=[line.pk]), {"rekening": "1"}
        ).status_code
        == 403
    )
    activity.refresh_from_db()
    assert (activity.realisation, activity.version) == ("", 1)


def test_a_stale_admin_save_is_refused_and_every_admin_save_counts_the_version(
    admin_client_logged_in: Client, client: Client, policy_officer: User, concept_2024: Report
) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    url = reverse("admin:programs_activity_change", args=[activity.pk])
    data = _form_data(admin_client_logged_in, Activity, activity)
    assert data["seen_version"] == "1"
    response = admin_client_logged_in.post(url, {**data, "realisation": "Uit de admin."})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.realisation, activity.version) == ("Uit de admin.", 2)
    # A second admin form opened at version 1 is refused, and what it typed is kept.
    response = admin_client_logged_in.post(url, {**data, "realisation": "Verouderd."})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Iemand anders heeft dit intussen opgeslagen" in body and "Verouderd." in body
    # A staff form opened before the admin save gets the conflict page.
    client.force_login(policy_officer)
    staff = "/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/"
    response = client.post(staff, {"realisation": "Van de beleidsmedewerker.", "version": 1})
    assert response.status_code == 409
    activity.refresh_from_db()
    assert (activity.realisation, activity.version) == ("Uit de admin.", 2)


def test_the_report_status_moves_only_through_its_transitions(
    admin_client_logged_in: Client, concept_2024: Report
) -> None:
    url = reverse("admin:programs_report_change", args=[concept_2024.pk])
    body = admin_client_logged_in.get(url).content.decode()
    assert 'name="status"' not in body and "Concept" in body
    data = _form_data(admin_client_logged_in, Report, concept_2024)
    admin_client_logged_in.post(url, {**data, "status": "vastgesteld", "adopted_on": "2025-06-01"})
    concept_2024.refresh_from_db()
    assert (concept_2024.status, concept_2024.adopted_on) == ("concept", None)


def test_the_griffie_manages_accounts_and_assignments_but_cannot_make_a_superuser(
    client: Client, administrator: User, policy_officer: User
) -> None:

    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[policy_officer.pk])
    body = client.get(url).content.decode()
    assert 'name="groups"' in body
    assert 'name="is_superuser"' not in body and 'name="user_permissions"' not in body
    data = _form_data(client, User, policy_officer)
    response = client.post(url, {**data, "is_superuser": "on", "first_name": "Fatima"})
    assert response.status_code == 302
    policy_officer.refresh_from_db()
    assert (policy_officer.first_name, policy_officer.is_superuser) == ("Fatima", False)
    root = User.objects.create_superuser("beheerder", "b@example.org", "geheim-123-xyz")
    root_url = reverse("admin:auth_user_change", args=[root.pk])
    assert client.post(root_url, {"username": "beheerder", "is_active": ""}).status_code == 403
    response = client.post(
        reverse("admin:programs_programassignment_add"),
        {"user": policy_officer.pk, "program_slug": "veilig"},
    )
    assert response.status_code == 302
    assert set(policy_officer.program_assignments.values_list("program_slug", flat=True)) == {
        "sociaal",
        "veilig",
    }


def test_adding_a_program_to_an_adopted_report_gets_the_dutch_message_not_a_500(
    admin_client_logged_in: Client, report_2023: Report
) -> None:
    url = reverse("admin:programs_program_add")
    form = admin_client_logged_in.get(url).content.decode()
    data = {
        "report": str(report_2023.pk),
        "name": "Samenleven",
        "slug": "samenleven",
        "portfolio_holder": "",
        "order": "2",
    }
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', form):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 200
    assert "Jaarstukken 2023 is vastgesteld door de raad" in response.content.decode()
    assert not report_2023.programs.filter(slug="samenleven").exists()


def test_a_goal_changed_in_the_admin_has_its_history_with_who_and_what(
    admin_client_logged_in: Client, concept_2024: Report
) -> None:
    """Programs, goals, subgoals, indicator tables and breakdown rows keep history too."""
    goal = concept_2024.programs.get(slug="sociaal").goals.get(code="3")
    url = reverse("admin:programs_goal_change", args=[goal.pk])
    form = admin_client_logged_in.get(url).content.decode()
    data = {"program": str(goal.program_id), "code": "3", "title": "Nieuw doel", "order": "3"}
    # The version the form was opened at: the admin refuses a stale save, as staff forms do.
    seen = re.search(r'name="seen_version" value="(\d+)"', form)
    assert seen
    data["seen_version"] = seen.group(1)
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', form):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    assert admin_client_logged_in.post(url, data).status_code == 302
    latest, created = goal.history.all()[:2]
    assert (latest.history_type, latest.title, latest.history_user.username) == (
        "~",
        "Nieuw doel",
        "griffie-test",
    )
    assert created.history_type == "+" and created.title == goal.title  # made by the new year
    history = admin_client_logged_in.get(reverse("admin:programs_goal_history", args=[goal.pk]))
    assert "griffie-test" in history.content.decode()
