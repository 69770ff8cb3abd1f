"""Running the site: health check, faults, conditional requests, serving, backups."""

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

import readmodel.converters  # noqa: F401 - registers the kind converter of the test URLs
from diemen_sociaal.ops import mark_adopted
from programs.models import Activity, Report

BASE_DIR = Path(settings.BASE_DIR)
SECRET = "production-test-key-" + "x7Qp" * 12


def _database_down() -> Any:
    """Every new query fails as if the database server were gone."""
    return mock.patch.object(
        connections["default"],
        "cursor",
        side_effect=OperationalError("connection to server at 127.0.0.1 failed: refused"),
    )


# --- health check ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_health_check_says_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "queue": {"waiting": 0, "oldest_waiting_seconds": 0, "stalled": 0},
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(HEALTH_QUEUE_MAX_SECONDS=300)
def test_the_health_check_fails_while_no_worker_takes_the_waiting_tasks(
    client: Client, report_2023: Report
) -> None:
    from django_tasks_db.models import DBTaskResult

    from publishing import jobs

    jobs.make_report_pdf.enqueue("00000000-0000-0000-0000-000000000000")
    fresh = client.get("/health/")
    assert fresh.status_code == 200 and fresh.json()["queue"]["waiting"] == 1

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=6))
    stuck = client.get("/health/")
    assert stuck.status_code == 503
    assert stuck.json()["status"] == "background worker not taking tasks"
    assert 359 <= stuck.json()["queue"]["oldest_waiting_seconds"] <= 365

    DBTaskResult.objects.update(status="SUCCESSFUL")  # a worker came back and did it
    assert client.get("/health/").status_code == 200


@pytest.mark.django_db
def test_the_health_check_fails_when_the_database_is_unreachable(client: Client) -> None:
    with _database_down():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "database unreachable"}
    assert "no-store" in response["Cache-Control"]


def test_a_background_worker_that_exits_is_started_again_and_stops_with_the_server(
    tmp_path: Path,
) -> None:
    """scripts/with-worker.sh supervises the workers of `make run` and `make serve`.

    A stand-in for Python records each start: the first worker dies at once (as if
    killed), the second stays up until the server (here `sleep`) ends and takes it along.
    """
    starts = tmp_path / "starts"
    fake = tmp_path / "python"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$$ $*" >> {starts}\n'
        f'[ "$(wc -l < {starts})" -eq 1 ] && kill -9 $$\n'
        "exec sleep 60\n"
    )
    fake.chmod(0o755)
    result = subprocess.run(
        ["scripts/with-worker.sh", "sleep", "2.5"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "BIN": str(tmp_path), "WORKER_RESTART_SECONDS": "0.2"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    lines = starts.read_text().splitlines()
    assert len(lines) == 2
    assert all(line.endswith("manage.py run_worker --no-startup-delay") for line in lines)
    assert "the background worker stopped (exit status 137); starting it again" in result.stderr
    survivor = int(lines[1].split()[0])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and Path(f"/proc/{survivor}").exists():
        time.sleep(0.05)
    assert not Path(f"/proc/{survivor}").exists()  # stopped with the server, not orphaned


# --- the database fails ----------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unreachable_database_gives_a_dutch_503_page(report_2023: Report) -> None:
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.get("/jaarstukken/2023/sociaal/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "tijdelijk niet beschikbaar" in html
    assert "Traceback" not in html and "OperationalError" not in html and "127.0.0.1" not in html
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_staff_signed_in_get_the_503_page_too(policy_officer: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(policy_officer)
    with _database_down():
        response = client.get("/beheer/")  # reading the session and the user fails
    assert response.status_code == 503
    assert "tijdelijk niet beschikbaar" in response.content.decode()


class FailingMiddleware:
    """Stands for middleware that touches the database after the view (a session save)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.get_response(request)
        raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
@override_settings(
    DEBUG=False,
    MIDDLEWARE=[
        "diemen_sociaal.ops.DatabaseUnavailableMiddleware",
        "tests.test_operations.FailingMiddleware",
    ],
)
def test_a_database_failure_outside_the_view_gives_the_503_page_too() -> None:
    response = Client(raise_request_exception=False).get("/health/")
    assert response.status_code == 503
    assert "tijdelijk niet beschikbaar" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_other_errors_stay_ordinary_500s(report_2023: Report) -> None:
    client = Client(raise_request_exception=False)
    with mock.patch("public.views.render", side_effect=RuntimeError("kapot")):
        response = client.get("/jaarstukken/2023/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


# --- conditional requests for adopted reports -------------------------------------------------


@pytest.mark.django_db
def test_pages_of_an_adopted_report_answer_revalidation_with_304(report_2023: Report) -> None:
    client = Client()
    for url in (
        "/jaarstukken/2023/",
        "/jaarstukken/2023/sociaal/",
        "/jaarstukken/2023/sociaal/indicator/3.1.4/",
    ):
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        assert first["Cache-Control"] == "no-cache"
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == etag
        assert client.get(url, HTTP_IF_NONE_MATCH='"iets-anders"').status_code == 200
        assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.django_db
def test_the_etag_follows_what_the_reader_sees(report_2023: Report, finance: User) -> None:
    url = "/jaarstukken/2023/sociaal/"
    anonymous = Client().get(url)["ETag"]
    staff = Client()
    staff.force_login(finance)
    response = staff.get(url)
    assert response["ETag"] != anonymous  # the page says who is signed in
    assert "private" in response["Cache-Control"]
    assert staff.get(url, HTTP_IF_NONE_MATCH=anonymous).status_code == 200


@pytest.mark.django_db
def test_a_page_still_in_the_works_gets_a_new_etag_after_each_change(
    concept_2024: Report, policy_officer: User
) -> None:
    staff = Client()
    staff.force_login(policy_officer)
    url = "/jaarstukken/2024/sociaal/activiteit/1.1.1/"
    before = staff.get(url)["ETag"]
    assert staff.get(url, HTTP_IF_NONE_MATCH=before).status_code == 304
    activity = Activity.objects.get(code="1.1.1", subgoal__goal__program__report=concept_2024)
    activity.realisation = "Iets nieuws gedaan in 2024."
    activity.save()
    after = staff.get(url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
    assert not Client().get("/zoeken/?q=zorg").has_header("ETag")  # not a report page


def _adopted_page(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    return mark_adopted(HttpResponse(f"{kind} {year}"), date(2024, 6, 27))


urlpatterns = [
    path("", include(([path("<kind:kind>/<int:year>/", _adopted_page)], "programs"))),
]


@override_settings(ROOT_URLCONF="tests.test_operations")
def test_a_view_that_knows_the_adoption_date_adds_last_modified() -> None:
    client = Client()
    first = client.get("/jaarstukken/2023/")
    assert first["Last-Modified"] == "Wed, 26 Jun 2024 22:00:00 GMT"  # 27 June, Amsterdam
    since = client.get("/jaarstukken/2023/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    earlier = client.get(
        "/jaarstukken/2023/", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2024 00:00:00 GMT"
    )
    assert earlier.status_code == 200


# --- request size ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_over_the_size_limit_gets_a_dutch_413(client: Client) -> None:
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_SIZE + 1),
    )
    assert response.status_code == 413
    assert "hoogstens 10 MB" in response.content.decode()


# --- backup and restore ----------------------------------------------------------------------


def _manage(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    # Nothing from the test process's own DJANGO_* settings (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        BACKUP_ROOT=str(tmp_path / "backups"),
        DJANGO_DEBUG="1",
        DJANGO_LOG_LEVEL="ERROR",
    )
    return env


def _fingerprint(rows_by_table: dict[str, list[tuple[Any, ...]]]) -> dict[str, tuple[int, str]]:
    """Per table: the number of rows and a checksum over all of them, in any order."""
    result = {}
    for table, rows in rows_by_table.items():
        digest = hashlib.sha256()
        for line in sorted(repr(row) for row in rows):
            digest.update(line.encode() + b"\n")
        result[table] = (len(rows), digest.hexdigest())
    return result


def _sqlite_tables(path: Path) -> dict[str, tuple[int, str]]:
    con = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return _fingerprint({t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables})
    finally:
        con.close()


@pytest.fixture(scope="session")
def _seeded_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database migrated from scratch and seeded by the real commands, made once
    for all test processes (a quarter of a minute) and copied by each test that needs one."""
    shared = tmp_path_factory.getbasetemp().parent  # the same for every xdist worker
    path = shared / "seeded.sqlite3"
    with (shared / "seeded.sqlite3.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = shared / "seeded.sqlite3.building"
            building.unlink(missing_ok=True)
            env = _env(f"sqlite:///{building}", shared)
            _manage(["migrate", "--noinput", "--verbosity", "0"], env)
            _manage(["load_seed"], env)
            building.rename(path)
    return path


@pytest.fixture
def seeded_sqlite(_seeded_sqlite_file: Path, tmp_path: Path) -> Path:
    """This test's own copy of the migrated and seeded SQLite database."""
    return Path(shutil.copy(_seeded_sqlite_file, tmp_path / "db.sqlite3"))


def _assert_seeded(tables: dict[str, tuple[int, str]]) -> None:
    for table in ("programs_report", "programs_activity", "indicators_indicatorvalue"):
        assert tables[table][0] > 0, table


def test_a_sqlite_backup_restores_every_row(seeded_sqlite: Path, tmp_path: Path) -> None:
    database = seeded_sqlite
    env = _env(f"sqlite:///{database}", tmp_path)
    before = _sqlite_tables(database)
    _assert_seeded(before)

    backup = Path(_manage(["backup_data"], env).strip())
    assert backup.parent == tmp_path / "backups" and backup.suffix == ".sqlite3"
    # It holds password hashes and session keys: its owner's alone.
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700

    _manage(["flush", "--noinput"], env)  # everything lost ...
    assert _sqlite_tables(database)["programs_report"][0] == 0
    out = _manage(["restore_data", str(backup), "--noinput"], env)
    assert "restored from" in out and "current contents saved to" in out
    safety = Path(out.split("current contents saved to ")[1].split()[0])
    assert stat.S_IMODE(safety.stat().st_mode) == 0o600
    assert _sqlite_tables(database) == before  # ... and back, row for row

    # Also onto a disk that lost the database file altogether.
    for leftover in tmp_path.glob("db.sqlite3*"):
        leftover.unlink()
    _manage(["restore_data", str(backup), "--noinput", "--no-safety-backup"], env)
    assert _sqlite_tables(database) == before


def test_restore_asks_first_and_refuses_what_is_not_a_backup(
    seeded_sqlite: Path, tmp_path: Path
) -> None:
    env = _env(f"sqlite:///{seeded_sqlite}", tmp_path)
    backup = Path(_manage(["backup_data", str(tmp_path / "mine.sqlite3")], env).strip())

    no = subprocess.run(
        [sys.executable, "manage.py", "restore_data", str(backup)],
        cwd=BASE_DIR, env=env, input="nee\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert no.returncode != 0 and "cancelled" in no.stderr

    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore_data", str(junk), "--noinput"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode != 0 and "not an SQLite database" in refused.stderr

    # A backup someone else could have changed is not restored, before anything is asked.
    backup.chmod(0o664)
    shared = subprocess.run(
        [sys.executable, "manage.py", "restore_data", str(backup)],
        cwd=BASE_DIR, env=env, input="yes\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shared.returncode != 0 and "can be changed by others (mode 0664)" in shared.stderr
    assert "Type 'yes'" not in shared.stdout


@pytest.fixture
def scratch_postgres(tmp_path: Path) -> Iterator[str]:
    """A database of its own on the test server, for a backup that is really restored."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backups: run the suite with DATABASE_URL=postgres://...")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
    import psycopg

    db = settings.DATABASES["default"]
    name = f"diemen_backup_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        dbname="postgres",
        autocommit=True,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        yield f"postgres://{user}{password}@{host}{port}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _postgres_tables(url: str) -> dict[str, tuple[int, str]]:
    import psycopg

    with psycopg.connect(url) as con:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return _fingerprint({t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables})


def test_a_postgresql_backup_restores_every_row(scratch_postgres: str, tmp_path: Path) -> None:
    env = _env(scratch_postgres, tmp_path)
    _manage(["migrate", "--noinput", "--verbosity", "0"], env)
    _manage(["load_seed"], env)
    before = _postgres_tables(scratch_postgres)
    _assert_seeded(before)

    backup = Path(_manage(["backup_data"], env).strip())
    assert backup.suffix == ".pgdump" and backup.stat().st_size > 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    _manage(["flush", "--noinput"], env)
    assert _postgres_tables(scratch_postgres)["programs_report"][0] == 0
    _manage(["restore_data", str(backup), "--noinput"], env)
    assert _postgres_tables(scratch_postgres) == before


# --- serving with gunicorn -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10
) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_serve_runs_gunicorn_with_workers_static_files_and_https_only(
    _seeded_sqlite_file: Path, tmp_path: Path
) -> None:
    database = tmp_path / "db.sqlite3"
    port = _free_port()
    env = _env(f"sqlite:///{database}", tmp_path)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        PUBLICATION_ROOT=str(tmp_path / "publications"),
        PORT=str(port),
        WEB_CONCURRENCY="3",
        BIN=str(Path(sys.executable).parent),
    )
    log = tmp_path / "serve.log"
    pending = subprocess.run(
        ["scripts/serve.sh"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert pending.returncode != 0 and "unapplied migrations" in pending.stderr
    shutil.copy(_seeded_sqlite_file, database)  # migrated and seeded

    # The README's flow, `make run` then `make serve` on one checkout: the demo accounts
    # still open with "demo", and production refuses to start until they are closed.
    _manage(["create_demo_users", "--force"], env)
    refused = subprocess.run(
        ["scripts/serve.sh"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode != 0
    assert "(diemen_sociaal.E003) Demo-accounts met het bekende wachtwoord" in refused.stderr
    assert "beleid, control, financien, griffie" in refused.stderr
    _manage(["close_demo_users"], env)

    with log.open("w") as out:
        server = subprocess.Popen(
            ["scripts/serve.sh"], cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https"}
    try:
        for _ in range(240):
            try:
                status, _, body = _fetch(base + "/health/")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.25)
        else:
            pytest.fail("gunicorn did not start: " + log.read_text())
        assert status == 200 and json.loads(body)["status"] == "ok"

        status, headers, _ = _fetch(base + "/jaarstukken/2023/")
        assert status == 301 and headers["Location"].startswith("https://")

        status, headers, body = _fetch(base + "/jaarstukken/2023/", https)
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["ETag"]

        stylesheet = body.decode().split('href="/static/css/site.')[1].split('"')[0]
        status, headers, _ = _fetch(
            f"{base}/static/css/site.{stylesheet}", {**https, "Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]  # a hashed name never changes

        # The PDF finds its print stylesheet under the hashed name {% static %} writes. The
        # worker lays it out while the request waits (WeasyPrint is first loaded then): on a
        # machine busy with the rest of the suite that took over 10 s once, so wait as long
        # as gunicorn's own --timeout would.
        pdf_url = base + "/jaarstukken/2023/sociaal/pdf/"
        status, headers, body = _fetch(pdf_url, https, timeout=120)
        assert status == 200 and headers["Content-Type"] == "application/pdf"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    assert "gunicorn: 3 workers on http://127.0.0.1:" in text
    assert text.count("Booting worker") >= 3
    assert "Failed to load stylesheet" not in text


# --- rate limits -------------------------------------------------------------------------------

LIMITS = {
    "pdf": {"anonymous": "2/m", "staff": "1/m"},
    "search": {"anonymous": "2/m", "staff": "1/m"},
    "download": {"anonymous": "3/m", "staff": "1/m"},
}


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    """django-ratelimit's clock, held still: a minute's window never ends halfway a test."""
    with mock.patch("django_ratelimit.core.time") as fake:
        fake.time.return_value = 1_800_000_000
        yield fake


@override_settings(RATE_LIMITS=LIMITS)
def test_a_reader_over_a_limit_gets_the_dutch_429_and_nobody_else_does(
    report_2023: Report, finance: User, clock: mock.MagicMock
) -> None:
    council = Client(REMOTE_ADDR="192.0.2.10")
    assert [council.get("/zoeken/?q=jeugd").status_code for _ in range(3)] == [200, 200, 429]
    refused = council.get("/zoeken/?q=jeugd")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "no-store" in refused["Cache-Control"]
    text = refused.content.decode()
    assert "Even geduld: te veel verzoeken" in text and "over een minuut opnieuw" in text

    # Each group counts on its own: the council can still download.
    download = "/jaarstukken/2023/sociaal/data.csv"
    assert [council.get(download).status_code for _ in range(4)] == [200, 200, 200, 429]

    pdf = "/jaarstukken/2023/pdf/"  # the whole report: its job's page, made once
    assert [council.get(pdf).status_code for _ in range(3)] == [302, 302, 429]

    # Another address, and a signed-in colleague at the same address, are not refused.
    assert Client(REMOTE_ADDR="192.0.2.11").get("/zoeken/?q=jeugd").status_code == 200
    colleague = Client(REMOTE_ADDR="192.0.2.10")
    colleague.force_login(finance)
    assert [colleague.get("/zoeken/?q=jeugd").status_code for _ in range(2)] == [200, 429]

    # A minute later the council may search again.
    clock.time.return_value += 61
    assert council.get("/zoeken/?q=jeugd").status_code == 200


@override_settings(RATE_LIMITS=LIMITS, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_readers_count_by_their_own_address(
    report_2023: Report, clock: mock.MagicMock
) -> None:
    def search_from(address: str) -> int:
        proxy = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        return proxy.get("/zoeken/?q=jeugd").status_code

    assert [search_from("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert search_from("198.51.100.2") == 200  # the proxy's address is not one reader
