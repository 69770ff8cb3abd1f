"""Every URL pattern of the site, walked: staff pages are protected by construction.

The test enumerates all patterns (django.urls.get_resolver, recursively), fills
in their parameters with sample values from the seed data and requests each one.
Public patterns are listed below; everything else is treated as non-public and
must refuse anonymous users (to the login, or 403), signed-in users without a
role (403; the admin sends them to its own login) and, for the staff pages,
every role not declared in ROLES. A new view is therefore either declared
public, or protected, or this test fails: it cannot be forgotten.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from investments.models import BudgetChange, BudgetLine
from programs.models import CouncilDocument, DocumentKind, Report

pytestmark = pytest.mark.django_db

# Patterns anyone may use, by "namespace:name". Pages that show reports check for
# themselves that a report is published (the draft Jaarstukken 2024 must give 404).
PUBLIC = {
    # the published reports (public/urls.py)
    "programs:report-list",
    "programs:house-style",
    "programs:search",
    "programs:report",
    "programs:report-pdf",
    "programs:report-pdf-start",
    "programs:pdf-job",
    "programs:pdf-job-status",
    "programs:pdf-job-file",
    "programs:pdf-job-retry",
    "programs:chapter",
    "programs:chapter-pdf",
    "programs:overview",
    "programs:goal",
    "programs:activity",
    "programs:indicator",
    # open data downloads of published reports (opendata/urls.py)
    "data:report",
    "data:chapter",
    "data:fiscal",
    # the read API over published reports (opendata/api_urls.py)
    "api:index",
    "api:openapi",
    "api:reports",
    "api:report",
    "api:program",
    "api:goals",
    "api:goal",
    "api:activities",
    "api:activity",
    "api:indicators",
    "api:indicator",
    "api:budget-lines",
    "api:investments",
    "api:investment",
    "api:not-found",  # every other address under /api/: a 404 in JSON
    # policy notes, the register of council documents, projects (policy/urls.py)
    "policy:index",
    "policy:note",
    "policy:document",
    "policy:project",
    "policy:subject",
    # signing in: the second step and setting up an app (without a password first, both
    # send the visitor to the login page)
    "second-factor",
    "second-factor-setup",
    # operations
    "health",
    # logging in and recovering a password (django.contrib.auth.urls, the admin's login)
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
}

# Pages for anyone signed in, whatever their role: their own password.
SIGNED_IN = {"password_change", "password_change_done", "recovery-codes"}

POLICY, OTHER_POLICY, FINANCE, ADMINISTRATOR = "beleid", "beleid-ander", "financien", "griffie"
CONTROLLER = "control"
EVERY_ROLE = {POLICY, OTHER_POLICY, FINANCE, CONTROLLER, ADMINISTRATOR}

# Staff pages outside the admin: which roles may use them (for program Sociaal of the draft
# Jaarstukken 2024). Every other role must get 403. A new staff page must be added here.
ROLES = {
    "staff:dashboard": EVERY_ROLE,
    "staff:mail-settings": EVERY_ROLE,
    "staff:worklist": EVERY_ROLE,
    "staff:status": {CONTROLLER, ADMINISTRATOR},
    "staff:new-year": {CONTROLLER},
    "staff:threshold": {CONTROLLER},
    "staff:new-year-result": EVERY_ROLE,
    "staff:activity": {POLICY},
    "staff:indicator": {POLICY},
    "staff:developments": {POLICY},
    "staff:footnotes": {POLICY},
    "staff:footnote": {POLICY},
    "staff:footnote-remove": {POLICY},
    "staff:development": {POLICY},
    "staff:move-development": {POLICY},
    "staff:money": {POLICY, FINANCE},
    "staff:carry-over": {POLICY, FINANCE},
    "staff:budget-line": {FINANCE},
    "staff:budget-change": {FINANCE},
    "staff:investment": {FINANCE},
    "staff:money-add": {FINANCE},
    "staff:money-remove": {FINANCE},
    "staff:import": EVERY_ROLE,
    # the structure of a program in a concept: its own policy staff
    "staff:structure": {POLICY, CONTROLLER},
    "staff:structure-add": {POLICY, CONTROLLER},
    "staff:structure-add-under": {POLICY, CONTROLLER},
    "staff:structure-edit": {POLICY, CONTROLLER},
    "staff:structure-move": {POLICY, CONTROLLER},
    "staff:structure-remove": {POLICY, CONTROLLER},
    "staff:structure-renumber": {POLICY, CONTROLLER},
    "staff:table-columns": {POLICY, CONTROLLER},
    # review notes: everyone who follows the program
    "staff:notes": {POLICY, FINANCE, CONTROLLER, ADMINISTRATOR},
    "staff:note-action": {POLICY, FINANCE, CONTROLLER, ADMINISTRATOR},
    # the controller: reports from scratch, programs, assignments
    "staff:new-report": {CONTROLLER},
    "staff:programs": {CONTROLLER},
    "staff:program-edit": {CONTROLLER},
    "staff:program-move": {CONTROLLER},
    "staff:program-remove": {CONTROLLER},
    "staff:program-assign": {CONTROLLER},
    # the indicator template: policy staff, finance and the griffie import indicator values
    "staff:import-template": EVERY_ROLE,
}

# Admin pages that show no data; a signed-in staff member without any role may open them.
ADMIN_WITHOUT_DATA = {
    "admin:index",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
}

# Sample values for URL parameters, by parameter name; "code" depends on the page.
SAMPLES: dict[str, Any] = {
    "kind": "jaarstukken",
    "year": 2024,  # the draft started from 2023 (fixture concept_2024)
    "program": "sociaal",
    "order": 1,
    "number": "760124",
    "fmt": "csv",
    "soort": "indicatoren",
    "uidb64": "MQ",
    "token": "abc-123",
    "url": "bestaat-niet/",
    "app_label": "programs",
    "job": "6da076f8-aae9-4a06-ae5c-1518ffe76bfa",
    "slug": "bestaat-niet",
    "rest": "bestaat-niet/",
}
CODES = {"goal": "3", "doelstellingen": "3", "indicator": "3.1.4", "indicatoren": "3.1.4"}
DEFAULT_CODE = "1.1.1"


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    url: str
    pattern: URLPattern

    @property
    def is_admin(self) -> bool:
        return self.url.startswith("/admin/")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: list[Any], namespace: str
) -> Iterator[tuple[str, list[Any], URLPattern]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = ":".join(filter(None, [namespace, item.namespace]))
            yield from _walk(item.url_patterns, [*prefix, item.pattern], inner)
        else:
            route = "".join(str(p) for p in [*prefix, item.pattern])
            name = f"{namespace}:{item.name}" if namespace else item.name
            yield name or route, [*prefix, item.pattern], item


def _admin_model(url_so_far: str) -> Any:
    """The model of an admin URL such as /admin/programs/report/..., or None."""
    match = re.match(r"/?admin/(\w+)/(\w+)/", url_so_far)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def _value(param: str, name: str, url_so_far: str, extra: dict[str, Any]) -> str:
    if param == "code":
        return CODES.get(name.rsplit(":", 1)[-1], DEFAULT_CODE)
    model = _admin_model(url_so_far)
    if param in ("object_id", "id", "_0") and model is not None:
        obj = model._default_manager.order_by("pk").first()
        return str(obj.pk if obj else 1)
    if param == "_1" and model is not None:  # simple_history: a version of that object
        record = model.history.order_by("history_id").first() if hasattr(model, "history") else None
        return str(record.history_id if record else 1)
    if f"{name}:{param}" in extra:  # a value for this page only
        return str(extra[f"{name}:{param}"])
    if param in extra:
        return str(extra[param])
    if param in SAMPLES:
        return str(SAMPLES[param])
    raise AssertionError(f"No sample value for <{param}> in {name}: add one to SAMPLES")


def _fill(pieces: list[Any], name: str, extra: dict[str, Any]) -> str:
    url = "/"
    for piece in pieces:
        if isinstance(piece, RoutePattern):
            text = str(piece)
            for match in re.finditer(r"<(?:[^>:]+:)?([^>]+)>", text):
                text = text.replace(match[0], _value(match[1], name, url, extra), 1)
        else:  # a regular expression (the admin's app index, simple_history, catch-all)
            text = _fill_regex(str(piece), name, url, extra)
        url += text
    return url


def _fill_regex(regex: str, name: str, url: str, extra: dict[str, Any]) -> str:
    """Named groups by name; unnamed ones as _0, _1, ... (simple_history's object, version)."""
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _value(m[1], name, url, extra), text)
    groups = iter(range(10))
    return re.sub(r"\([^)]*\)", lambda m: _value(f"_{next(groups)}", name, url, extra), text)


def _routes(extra: dict[str, Any]) -> list[Route]:
    routes = []
    for name, pieces, pattern in _walk(get_resolver().url_patterns, [], ""):
        url = _fill(pieces, name, extra)
        match = resolve(url)
        assert match.func == pattern.callback, f"{url} reaches {match.view_name}, not {name}"
        routes.append(Route(name, url, pattern))
    return routes


@pytest.fixture
def routes(concept_2024: Report) -> list[Route]:
    line = BudgetLine.objects.filter(program__report=concept_2024, program__slug="sociaal").first()
    assert line is not None
    program = concept_2024.programs.get(slug="sociaal")
    section = program.developments.first() or program.developments.create(title="Nieuw", body="")
    goal = program.goals.first()
    assert goal is not None
    structure = {
        f"staff:structure-{page}:{param}": value
        for page in ("add", "add-under", "edit", "move", "remove", "renumber")
        for param, value in {
            "soort": "subdoel" if page == "add-under" else "doelstelling",
            "pk": goal.pk,
            "parent": goal.pk,
        }.items()
    }
    money = {
        "staff:money-add:soort": "overheveling",
        "staff:money-remove:soort": "begrotingsregel",
        "staff:money-remove:pk": line.pk,
    }
    extra = {
        **structure,
        **money,
        "pk": line.pk,
        "staff:development:pk": section.pk,
        "staff:move-development:pk": section.pk,
        "staff:footnote:pk": (
            program.footnotes.first() or program.footnotes.create(number=1, text="Bron.")
        ).pk,
        "staff:footnote-remove:pk": program.footnotes.get(number=1).pk,
        "staff:table-columns:pk": program.indicator_tables.order_by("pk").values_list(
            "pk", flat=True
        )[0],
        "staff:carry-over:pk": (
            program.carry_overs.first() or program.carry_overs.create(title="Nieuw", order=1)
        ).pk,
        "staff:budget-change:pk": BudgetChange.objects.create(
            program=program,
            line=line,
            document=CouncilDocument.objects.create(
                slug="1e-kwartaalbrief-2024",
                kind=DocumentKind.QUARTERLY,
                subject="1e kwartaalbrief 2024",
                year=2024,
            ),
            description="Een wijziging",
            amount=-1_000,
        ).pk,
        # the admin's "view on site": the draft report
        "content_type_id": ContentType.objects.get_for_model(Report).pk,
        "object_id": concept_2024.pk,
    }
    return _routes(extra)


@pytest.fixture
def clients(
    policy_officer: User,
    other_policy_officer: User,
    finance: User,
    controller: User,
    administrator: User,
) -> dict[str, Client]:
    outsider = User.objects.create_user("buitenstaander", password="geheim-wachtwoord-1")
    roleless = User.objects.create_user("zonder-rol", password="geheim-wachtwoord-1", is_staff=True)
    users = {
        POLICY: policy_officer,
        OTHER_POLICY: other_policy_officer,
        FINANCE: finance,
        CONTROLLER: controller,
        ADMINISTRATOR: administrator,
        "outsider": outsider,
        "roleless": roleless,
    }
    result = {"anonymous": Client()}
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        result[key] = client
    return result


def _is_sent_to_login(response: Any, *, admin: bool) -> bool:
    if response.status_code != 302:
        return False
    if admin:
        # The admin sends a logout of someone not signed in to its index, which then asks
        # for the login; everything else straight to the login.
        return response["Location"].startswith("/admin/login/") or response["Location"] == "/admin/"
    return response["Location"].startswith(settings.LOGIN_URL)


def test_the_public_and_staff_sides_are_apart_by_construction() -> None:
    """Every page under /beheer/ comes from the staff URLconf, and that URLconf has nothing
    elsewhere: a permission mistake in a public URLconf cannot open a staff page."""
    places = {}
    for name, pieces, _pattern in _walk(get_resolver().url_patterns, [], ""):
        route = "/" + "".join(str(piece) for piece in pieces)
        places[name] = route
    under_staff = {name for name, route in places.items() if route.startswith("/beheer/")}
    staff_names = {name for name in places if name.startswith("staff:")}
    assert under_staff == staff_names
    assert {"staff:import", "staff:import-template", "staff:dashboard"} <= staff_names


def test_the_walk_covers_every_kind_of_page(routes: list[Route]) -> None:
    names = {route.name for route in routes}
    # Sanity: the walk reaches the public pages, the staff pages, the admin and the extras.
    assert {"programs:indicator", "staff:budget-line", "admin:index", "health"} <= names
    assert any(route.url.startswith("/admin/programs/report/") for route in routes)
    assert len(routes) > 100


def test_every_non_public_url_refuses_anonymous_users(
    routes: list[Route], clients: dict[str, Client]
) -> None:
    anonymous = clients["anonymous"]
    open_doors = []
    for route in routes:
        if route.name in PUBLIC:
            continue
        for method in ("get", "post"):
            response = getattr(anonymous, method)(route.url)
            refused = response.status_code == 403 or _is_sent_to_login(
                response, admin=route.is_admin
            )
            if not refused:
                open_doors.append(
                    f"{method.upper()} {route.url} ({route.name}): {response.status_code}"
                )
    assert open_doors == [], (
        "Not public, yet open to anonymous users. Protect the view, or list it in PUBLIC."
    )


def test_every_non_public_url_refuses_signed_in_users_without_a_role(
    routes: list[Route], clients: dict[str, Client]
) -> None:
    outsider, roleless = clients["outsider"], clients["roleless"]
    open_doors = []
    for route in routes:
        if route.name in PUBLIC or route.name in SIGNED_IN:
            continue
        for method in ("get", "post"):
            response = getattr(outsider, method)(route.url)
            if route.is_admin:
                refused = _is_sent_to_login(response, admin=True)
            else:
                # A POST-only view may answer a GET with 405 before it checks roles.
                refused = response.status_code == 403 or (
                    method == "get" and response.status_code == 405
                )
            if not refused:
                open_doors.append(f"outsider {method.upper()} {route.url}: {response.status_code}")
        # A staff account without any role: no data, neither in the admin nor in /beheer/.
        response = roleless.get(route.url)
        if route.is_admin:
            refused = route.name in ADMIN_WITHOUT_DATA or response.status_code != 200
        else:
            refused = response.status_code in (403, 405)
        if not refused:
            open_doors.append(f"staff without role GET {route.url}: {response.status_code}")
    assert open_doors == []


def test_every_staff_page_declares_its_roles_and_refuses_all_others(
    routes: list[Route], clients: dict[str, Client]
) -> None:
    staff_routes = [r for r in routes if r.name not in PUBLIC | SIGNED_IN and not r.is_admin]
    undeclared = sorted({r.name for r in staff_routes} - set(ROLES))
    assert undeclared == [], "Declare in ROLES which roles may use these staff pages"
    wrong = []
    for route in staff_routes:
        for role in sorted(EVERY_ROLE - ROLES[route.name]):
            client = clients[role]
            get = client.get(route.url).status_code
            post = client.post(route.url).status_code
            if get not in (403, 405) or post != 403:
                wrong.append(f"{role} on {route.url}: GET {get}, POST {post}")
        for role in sorted(ROLES[route.name]):
            status = clients[role].get(route.url).status_code
            # Allowed: the page, a redirect, 405 for a POST-only action, or 404 where the
            # sample has no such item (there are no carry-overs in a new year yet).
            if status not in (200, 302, 404, 405):
                wrong.append(f"{role} (allowed) on {route.url}: GET {status}")
    assert wrong == []


def test_public_pages_hide_the_draft_report(
    routes: list[Route], clients: dict[str, Client]
) -> None:
    anonymous = clients["anonymous"]
    problems = []
    for route in routes:
        if route.name not in PUBLIC:
            continue
        status = anonymous.get(route.url).status_code
        if "/2024/" in route.url:
            if status != 404:  # every sample points into the draft Jaarstukken 2024
                problems.append(f"{route.url}: {status}, the draft must not be visible")
        elif status >= 500:
            problems.append(f"{route.url}: {status}")
    assert problems == []
