from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from programs.models import Activity, Report

pytestmark = pytest.mark.django_db

# django-axes throttles every login, so authenticate() needs the request it came with.
LOGIN = RequestFactory().post("/accounts/login/")


@override_settings(DEBUG=True)
def test_demo_accounts_exist_once_per_role_with_password_demo() -> None:
    call_command("create_demo_users")
    call_command("create_demo_users")
    assert User.objects.count() == 4
    for name in ("beleid", "financien", "control", "griffie"):
        assert authenticate(LOGIN, username=name, password="demo") is not None
    beleid = User.objects.get(username="beleid")
    assert beleid.has_perm("policy.change_project")
    # Report content is edited in the staff pages only, where the assignment is checked.
    assert not beleid.has_perm("programs.change_activity")
    assert not beleid.has_perm("investments.change_budgetline")
    financien = User.objects.get(username="financien")
    assert financien.has_perm("policy.change_financing")
    assert not financien.has_perm("investments.change_budgetline")
    assert not financien.has_perm("programs.change_activity")
    control = User.objects.get(username="control")
    assert control.has_perm("programs.run_cycle")
    assert control.has_perm("programs.add_programassignment")
    assert not control.has_perm("programs.record_adoption")
    assert not control.has_perm("programs.edit_money")
    griffie = User.objects.get(username="griffie")
    assert griffie.has_perm("programs.record_adoption")
    assert not griffie.has_perm("programs.run_cycle")
    assert griffie.has_perm("auth.change_user")
    assert not griffie.has_perm("programs.edit_money")


@override_settings(DEBUG=True)
def test_running_again_keeps_a_changed_password() -> None:
    call_command("create_demo_users")
    user = User.objects.get(username="beleid")
    user.set_password("iets-anders-123")
    user.save()
    call_command("create_demo_users")
    assert authenticate(LOGIN, username="beleid", password="iets-anders-123") is not None


@override_settings(DEBUG=False)
def test_demo_accounts_are_refused_outside_local_development() -> None:
    with pytest.raises(CommandError, match="local use only"):
        call_command("create_demo_users")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_with_the_2023_seed_the_demo_gets_a_concept_2024_once(report_2023: Report) -> None:
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    report = Report.objects.get(kind="jaarstukken", year=2024)
    assert report.status == "concept"
    assert "Jaarstukken 2024: started as a concept from Jaarstukken 2023" in out.getvalue()
    # Started from 2023: the same activities, their realisations still to be written.
    activities = Activity.objects.filter(subgoal__goal__program__report=report)
    assert activities.count() == 31
    assert not activities.exclude(realisation="").exists()
    # The demo's policy officer has a program in it to work on.
    beleid = User.objects.get(username="beleid")
    assert beleid.has_perm("programs.edit_policy_content", report.programs.get(slug="sociaal"))

    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert Report.objects.filter(kind="jaarstukken", year=2024).count() == 1
    assert Report.objects.get(kind="jaarstukken", year=2024).pk == report.pk
    assert "started as a concept" not in out.getvalue()
    assert Activity.objects.filter(subgoal__goal__program__report__year=2024).count() == 31


@override_settings(DEBUG=True)
def test_without_the_2023_seed_no_year_is_started(without_seed: None) -> None:
    call_command("create_demo_users")
    assert not Report.objects.exists()
