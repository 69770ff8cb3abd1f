"""Shared fixtures.

The seed reports are expensive to load (a few seconds each: every object is validated
and gets its history), so they are loaded once per test session, into the test
database right after it is created, and every test sees them; each test runs in a
transaction that is rolled back. A transactional test (a live server, a second
process) ends with the database flushed, so the fixtures put the seed back when it is
gone: the rows as they were right after the first load, written in one go (a tenth of
a second), rather than loaded from the seed files again.
"""

import copy
from collections.abc import Callable, Iterator

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker, Settings

from diemen_sociaal.seed import FIXTURES_DIR, load_report, read_seed
from programs.models import Report, ReportKind

SEED_REPORTS = {2023: "jaarstukken-2023.yaml", 2020: "jaarstukken-2020.yaml"}


# The apps whose rows the seed and the report fixtures write (reports, content, history).
SEED_APPS = {"programs", "indicators", "investments", "policy"}
Rows = list[tuple[type[models.Model], list[models.Model]]]
# Per test process: every seeded row, by model, as the first load wrote it.
_seed_rows: Rows = []


def _seed_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in SEED_APPS
    ]


def _remember_seed_rows() -> None:
    _seed_rows.clear()
    for model in _seed_models():
        rows = list(model._base_manager.order_by("pk"))
        if rows:
            _seed_rows.append((model, rows))


def _write_rows(rows: Rows) -> None:
    """Write remembered rows again, with their own ids."""
    # Foreign keys are checked at commit on both databases, so the order does not matter.
    with transaction.atomic():
        for model, instances in rows:
            model._base_manager.bulk_create([copy.copy(row) for row in instances])
    # PostgreSQL's sequences must move past the ids written.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in rows]):
            cursor.execute(sql)


def _put_seed_rows_back() -> bool:
    """Write the remembered rows into a database that holds none of them (after a flush)."""
    if not _seed_rows or any(model._base_manager.exists() for model, _ in _seed_rows):
        return False
    _write_rows(_seed_rows)
    return True


# Per test process: what a fixture built the first time, by name: its rows and its result.
_built: dict[str, tuple[Rows, type[models.Model], int]] = {}


def _built_once[M: models.Model](name: str, build: Callable[[], M]) -> M:
    """What `build` makes, made by it the first time in this process and written again
    as the same rows after that: a new year copies a whole report (a second and a half),
    and 170 tests start from one. `build` may only add rows, on top of the seed."""
    if name not in _built:
        seed_models = _seed_models()
        before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in seed_models}
        result = build()
        rows = []
        for model in seed_models:
            added = list(model._base_manager.exclude(pk__in=before[model]).order_by("pk"))
            if added:
                rows.append((model, added))
        _built[name] = (rows, type(result), result.pk)
        return result
    rows, model, pk = _built[name]
    _write_rows(rows)
    return model._base_manager.get(pk=pk)  # type: ignore[return-value]


def _seed_report(year: int) -> Report:
    """The seeded Jaarstukken of `year`, put back when a flush removed it."""
    found = Report.objects.filter(kind=ReportKind.JAARSTUKKEN, year=year).first()
    if found is None and _put_seed_rows_back():
        found = Report.objects.get(kind=ReportKind.JAARSTUKKEN, year=year)
    # Read from its file (a fifth of a second of YAML) only when there is no other way.
    return found or load_report(read_seed(FIXTURES_DIR / SEED_REPORTS[year]))[0]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    """Argon2 costs a quarter of a second per user; the suite makes hundreds of them."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        for year in SEED_REPORTS:
            _seed_report(year)
        _remember_seed_rows()
    yield


@pytest.fixture
def without_seed(db: None) -> None:
    """A database without the seed reports, for this test only (the deletion rolls back)."""
    Report.objects.all().delete()


@pytest.fixture
def report_2023(db: None) -> Report:
    return _seed_report(2023)


@pytest.fixture
def report_2020(db: None) -> Report:
    return _seed_report(2020)


@pytest.fixture
def budget_2023(report_2023: Report) -> Report:
    """The seed's Programmabegroting 2023, derived from the Jaarstukken that quote it."""
    report, _ = load_report(read_seed(FIXTURES_DIR / "programmabegroting-2023.yaml"))
    return report


@pytest.fixture
def seeded(report_2023: Report, report_2020: Report) -> dict[int, Report]:
    return {2023: report_2023, 2020: report_2020}


def _user(username: str, group: str, *, program: str | None = None) -> User:
    from programs.models import ProgramAssignment
    from readmodel.demo import ensure_role_groups

    groups = ensure_role_groups()
    user = User.objects.create_user(username, password="geheim-wachtwoord-1", is_staff=True)
    user.groups.add(groups[group])
    if program:
        ProgramAssignment.objects.create(user=user, program_slug=program)
    return user


@pytest.fixture
def staff_reader(db: None) -> User:
    """Staff in a role (policy) without programs: sees drafts, may change nothing."""
    return _user("medewerker", "Beleid")


@pytest.fixture
def policy_officer(db: None) -> User:
    """Policy staff assigned to program Sociaal."""
    return _user("beleid-sociaal", "Beleid", program="sociaal")


@pytest.fixture
def other_policy_officer(db: None) -> User:
    """Policy staff of another program (Veilig)."""
    return _user("beleid-veilig", "Beleid", program="veilig")


@pytest.fixture
def finance(db: None) -> User:
    return _user("financien-sociaal", "Financiën")


@pytest.fixture
def controller(db: None) -> User:
    """The P&C controller: runs the cycle, offers reports to the council."""
    return _user("pc-controller", "P&C-control")


@pytest.fixture
def administrator(db: None) -> User:
    return _user("griffier", "Griffie")


@pytest.fixture
def concept_2024(report_2023: Report) -> Report:
    """Jaarstukken 2024, started from 2023 as the administrator would."""
    from cycle.new_year import start_new_year

    return _built_once("concept_2024", lambda: start_new_year(source=report_2023))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Cached pages of adopted reports must not leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _pdf_roots(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """PDFs a test makes go to a fresh directory, never to the project's var/."""
    root = tmp_path_factory.mktemp("pdfs")
    settings.PUBLICATION_ROOT = root / "publications"
    settings.PDF_JOB_ROOT = root / "jobs"
