"""Project-wide nets: settings, migrations, the embedded database under concurrent saves."""

import ast
import os
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections, transaction

from diemen_sociaal.settings import env_bool, env_list
from programs.models import Report


def test_models_and_migrations_agree(db: None) -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_a_bad_boolean_setting_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", True)
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    assert env_bool("DJANGO_DEBUG", True) is False


def test_a_list_setting_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "diemen.nl, www.diemen.nl,")
    assert env_list("DJANGO_ALLOWED_HOSTS", []) == ["diemen.nl", "www.diemen.nl"]


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import diemen_sociaal.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_interface_speaks_dutch() -> None:
    assert settings.LANGUAGE_CODE == "nl"
    assert settings.TIME_ZONE == "Europe/Amsterdam"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own concurrency settings")
def test_sqlite_is_set_up_for_concurrent_use(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
    assert mode == "wal"
    assert timeout >= 5000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_both_succeed() -> None:
    """Two writers at once queue behind each other instead of failing with 'locked'.

    They write an ordinary field: two simultaneous *status* changes are meant to
    collide (the second one is refused by the concurrent-transition guard), and
    on PostgreSQL they do.
    """
    Report.objects.create(kind="jaarstukken", year=2030)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(adopted_by: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                report = Report.objects.get(year=2030)
                report.adopted_by = adopted_by
                report.save(update_fields=["adopted_by"])
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(s,)) for s in ("Raad", "Gemeenteraad")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Report.objects.get(year=2030).adopted_by in {"Raad", "Gemeenteraad"}


def test_nothing_below_the_sides_loads_the_pdf_machinery() -> None:
    """The write services, the spine's models and the start of Django load neither
    WeasyPrint nor pikepdf: the PDF side hears of an adoption through a signal. The URLs,
    which every web worker and every manage.py command loads, load no WeasyPrint either:
    it costs a second per process, paid only by the one that lays out a PDF."""
    script = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'diemen_sociaal.settings'; "
        "django.setup(); "
        "import programs.services, cycle.new_year, indicators.services, programs.models, "
        "indicators.models, investments.models, policy.models; "
        "print(sorted(m for m in ('weasyprint', 'pikepdf') if m in sys.modules)); "
        "import diemen_sociaal.urls; print('weasyprint' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["[]", "False"]


# Who may import whom (issue 14's layout): each package only what lies below it.
LAYERS = [
    {"programs"},  # the spine: reports, programs, goals, activities; rules; services
    {"indicators", "investments", "accounts"},
    {"policy"},
    {"cycle"},  # a new year, a budget from its annual report: across the content apps
    {"readmodel"},  # page contexts, data rows, URL parts, demo and synthetic data
    {"public", "publishing", "opendata", "staff"},  # the sides, one audience each
]
SIDES = LAYERS[-1]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _imports_against_the_layers(layers: list[set[str]]) -> dict[str, list[str]]:
    ours = set().union(*layers)
    offending = {}
    for height, layer in enumerate(layers):
        below = set().union(*layers[:height])
        for package in layer:
            forbidden = ours - below - {package}
            for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
                if found := _imported_packages(path) & forbidden:
                    offending[str(path.relative_to(settings.BASE_DIR))] = sorted(found)
    return offending


def test_imports_run_one_way_from_the_spine_up_to_the_sides() -> None:
    """Nothing imports what lies above it, and the four sides import nothing of each other."""
    assert _imports_against_the_layers(LAYERS) == {}


def test_the_layer_check_finds_an_import_against_the_direction() -> None:
    """The check itself, on the real files: swapping two layers must be caught."""
    swapped = [LAYERS[1], LAYERS[0], *LAYERS[2:]]
    assert "indicators/models.py" in _imports_against_the_layers(swapped)
