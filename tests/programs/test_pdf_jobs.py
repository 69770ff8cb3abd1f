"""The whole report as PDF, made by a background worker while the reader sees progress."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from pypdf import PdfReader
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from programs.models import Activity, PdfJob, PdfJobStatus, Report, ReportStatus
from programs.services import change_status
from publishing import jobs, pdf

REPORT_PDF = "/jaarstukken/2023/pdf/"
DRAFT_PDF = "/jaarstukken/2023/pdf/"
START = "/jaarstukken/2023/pdf/maken/"


def work() -> None:
    """What `manage.py db_worker --batch` does: run every queued task, then stop.

    In this process and inside the test's transaction, so the worker's habit of
    closing database connections between tasks is switched off here; the test with
    the killed worker runs the real command in a process of its own.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()


def job_url(job: PdfJob) -> str:
    return f"/jaarstukken/{job.report.year}/pdf/taak/{job.pk}/"


def make_draft(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.CONCEPT, adopted_on=None)


@pytest.fixture
def staff_client(client: Client, staff_reader: User) -> Client:
    client.force_login(staff_reader)
    return client


@pytest.mark.django_db
def test_an_adopted_report_is_made_in_the_background_then_served_as_stored(
    client: Client,
    report_2023: Report,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(REPORT_PDF)
    job = PdfJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    waiting = client.get(job_url(job)).content.decode()
    assert "In de wachtrij" in waiting
    assert '<progress id="pdf-job-progress"' in waiting
    assert job.task_id  # handed to Django's task backend

    work()

    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE
    done = client.get(job_url(job)).content.decode()
    assert "Klaar" in done
    assert f"({job.page_count} pagina's)" in done
    status = client.get(job_url(job) + "status/").json()
    assert status["finished"] and status["percent"] == 100
    download = client.get(status["download"])
    assert download["Content-Disposition"] == 'attachment; filename="jaarstukken-2023.pdf"'
    reader = PdfReader(io.BytesIO(download.content))
    # The progress counted the pages WeasyPrint laid out, one by one.
    assert job.pages_done == job.page_count == len(reader.pages) > 10
    stored = Path(settings.PUBLICATION_ROOT) / "jaarstukken-2023.pdf"
    assert stored.read_bytes() == download.content
    # From now on the link on the report page is the stored file itself, the same bytes.
    again = client.get(REPORT_PDF)
    assert again.status_code == 200
    assert again.content == download.content
    assert PdfJob.objects.count() == 1


@pytest.mark.django_db
def test_adoption_starts_the_pdf_before_anyone_asks(
    report_2023: Report, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.OFFERED, adopted_on=None)
    report_2023.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        change_status(report=report_2023, transition="adopt", adopted_on=date(2024, 6, 27))
    job = PdfJob.objects.get()
    assert (job.status, job.requested_by) == (PdfJobStatus.QUEUED, None)
    work()
    assert (Path(settings.PUBLICATION_ROOT) / "jaarstukken-2023.pdf").exists()


@pytest.mark.django_db
def test_staff_make_a_draft_pdf_on_request_and_never_two_at_once(
    staff_client: Client,
    report_2023: Report,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    make_draft(report_2023)
    page = staff_client.get(DRAFT_PDF)
    assert page.status_code == 200
    assert "Maak de PDF van het hele verslag" in page.content.decode()
    assert "CONCEPT" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(START)
        second = staff_client.post(START)
    job = PdfJob.objects.get()
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == job_url(job)
    # While it runs, the report's PDF link leads to the job.
    assert staff_client.get(DRAFT_PDF)["Location"] == job_url(job)

    work()

    job.refresh_from_db()
    assert job.file_path == str(Path(settings.PDF_JOB_ROOT) / f"{job.pk}.pdf")
    download = staff_client.get(job_url(job) + "bestand/")
    assert "jaarstukken-2023-concept.pdf" in download["Content-Disposition"]
    first_page = PdfReader(io.BytesIO(download.content)).pages[0].extract_text()
    assert "CONCEPT" in first_page
    # A draft is never stored as the publication.
    assert not Path(settings.PUBLICATION_ROOT).exists()
    # The next visit offers a fresh one and the one just made.
    again = staff_client.get(DRAFT_PDF).content.decode()
    assert "Eerder gemaakt" in again
    assert f"/pdf/taak/{job.pk}/bestand/" in again


@pytest.mark.django_db
def test_drafts_and_their_jobs_stay_hidden_from_anonymous_readers(
    client: Client, staff_client: Client, report_2023: Report
) -> None:
    make_draft(report_2023)
    job = jobs.start(report_2023, None)
    anonymous = Client()
    for url in (DRAFT_PDF, job_url(job), job_url(job) + "status/", job_url(job) + "bestand/"):
        assert anonymous.get(url).status_code == 404, url
    assert anonymous.post(START).status_code == 404
    assert anonymous.post(job_url(job) + "opnieuw/").status_code == 404
    assert staff_client.get(job_url(job)).status_code == 200
    # A job's address names its report: another year's path does not reach it.
    assert staff_client.get(job_url(job).replace("2023", "2020")).status_code == 404


@pytest.mark.django_db
def test_readers_of_an_offered_report_share_one_pdf_per_content_version(
    report_2023: Report, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    Report.objects.filter(pk=report_2023.pk).update(status=ReportStatus.OFFERED, adopted_on=None)
    readers = [Client(), Client()]
    assert "Maak de PDF" in readers[0].get(REPORT_PDF).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        readers[0].post(START)
    work()
    made = PdfJob.objects.get()
    # The second reader gets that file, not a new job.
    shared = readers[1].get(REPORT_PDF)
    assert shared.status_code == 200
    assert shared.content == Path(made.file_path).read_bytes()
    assert readers[1].post(START)["Location"] == job_url(made)
    assert made.content_version == report_2023.content_version
    # However old it is, the file serves while the report stays as it was.
    PdfJob.objects.update(finished_at=timezone.now() - timedelta(days=30))
    assert readers[1].get(REPORT_PDF).content == shared.content
    # Any change to the report makes the next reader's copy anew.
    activity = Activity.objects.filter(subgoal__goal__program__report=report_2023).first()
    assert activity is not None
    activity.realisation += " Bijgewerkt."
    activity.save()
    assert "Maak de PDF" in readers[1].get(REPORT_PDF).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        readers[1].post(START)
    work()
    newer = PdfJob.objects.exclude(pk=made.pk).get()
    report_2023.refresh_from_db()
    assert newer.content_version == report_2023.content_version > made.content_version
    assert readers[0].get(REPORT_PDF).content == Path(newer.file_path).read_bytes()


@pytest.mark.django_db
def test_a_failed_job_says_why_and_can_be_retried(
    staff_client: Client,
    report_2023: Report,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    make_draft(report_2023)

    def broken(report: Report, progress: object = None) -> None:
        raise OSError("schijf vol")

    monkeypatch.setattr(pdf, "render_report_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(START)
    work()
    job = PdfJob.objects.get()
    assert job.status == PdfJobStatus.FAILED
    page = staff_client.get(job_url(job)).content.decode()
    assert "Het maken van de PDF is mislukt. (OSError: schijf vol)" in page
    assert "Probeer het opnieuw" in page
    assert not Path(settings.PDF_JOB_ROOT).exists() or not any(
        Path(settings.PDF_JOB_ROOT).iterdir()
    )

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(job_url(job) + "opnieuw/")
    assert response["Location"] == job_url(job)
    work()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (PdfJobStatus.DONE, 2, "")
    # Retrying a job that did not fail is refused with a message, and changes nothing.
    refused = staff_client.post(job_url(job) + "opnieuw/", follow=True).content.decode()
    assert "Alleen een mislukte taak kan opnieuw worden gestart." in refused
    job.refresh_from_db()
    assert job.attempts == 2


@pytest.mark.django_db
def test_anonymous_readers_see_no_technical_detail_of_a_failure(
    client: Client, report_2023: Report
) -> None:
    job = PdfJob.objects.create(
        report=report_2023, status=PdfJobStatus.FAILED, error="Mislukt (OSError: /var/x)"
    )
    page = client.get(job_url(job)).content.decode()
    assert "Het maken van de PDF is mislukt." in page
    assert "OSError" not in page and "/var/x" not in page


@pytest.mark.django_db
def test_a_job_whose_worker_fell_silent_is_queued_again_then_failed_after_its_last_attempt(
    client: Client,
    report_2023: Report,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    from django_tasks_db.models import DBTaskResult

    long_ago = timezone.now() - timedelta(seconds=settings.PDF_JOB_STALE_SECONDS + 1)
    lost_task = jobs.make_report_pdf.enqueue("00000000-0000-0000-0000-000000000000")
    DBTaskResult.objects.filter(id=lost_task.id).update(status="RUNNING")
    job = PdfJob.objects.create(
        report=report_2023,
        status=PdfJobStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        pages_done=7,
        task_id=str(lost_task.id),
    )
    assert client.get("/health/").json()["status"] == "background job stalled"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(job_url(job)).content.decode()
    assert 'In de wachtrij</strong><span class="pdf-job__step">: Onderbroken; wacht' in page
    job.refresh_from_db()
    assert (job.status, job.attempts, job.pages_done) == (PdfJobStatus.QUEUED, 2, 0)
    assert job.task_id != str(lost_task.id)  # a new task; the lost worker's one is closed
    assert DBTaskResult.objects.get(id=lost_task.id).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert client.get("/health/").status_code == 200

    # Lost again on its last attempt: failed, with a message, and a reader may retry.
    PdfJob.objects.filter(pk=job.pk).update(
        status=PdfJobStatus.RUNNING,
        attempts=settings.PDF_JOB_MAX_ATTEMPTS,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    page = client.get(job_url(job)).content.decode()
    assert "De verwerking is onderbroken voordat de PDF klaar was." in page
    assert "Probeer het opnieuw" in page
    job.refresh_from_db()
    assert job.status == PdfJobStatus.FAILED
    # A job that showed life a moment ago is left alone.
    busy = PdfJob.objects.create(
        report=report_2023,
        status=PdfJobStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=timezone.now(),
    )
    assert "Bezig" in client.get(job_url(busy)).content.decode()
    # ...and a new request for the report's PDF joins it instead of starting another.
    assert client.get(REPORT_PDF)["Location"] == job_url(busy)


@pytest.mark.django_db
def test_the_progress_page_shows_a_percentage_once_the_size_is_known(
    client: Client, report_2023: Report
) -> None:
    PdfJob.objects.create(report=report_2023, status=PdfJobStatus.DONE, page_count=20)
    job = jobs.start(report_2023, None)
    assert job.pages_expected == 20
    PdfJob.objects.filter(pk=job.pk).update(
        status=PdfJobStatus.RUNNING,
        pages_done=5,
        step="De pagina's worden opgemaakt: 5 klaar",
        heartbeat_at=timezone.now(),
    )
    page = client.get(job_url(job)).content.decode()
    assert (
        'Bezig</strong><span class="pdf-job__step">: De pagina&#x27;s worden opgemaakt: 5 klaar'
        in page
    )
    assert 'value="25"' in page
    assert client.get(job_url(job) + "status/").json()["percent"] == 25


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_halfway_leaves_no_file_and_the_job_can_be_retried(
    client: Client, tmp_path: Path, settings: Settings, report_2023: Report
) -> None:
    """A real `db_worker` process, killed with SIGKILL while it lays out the pages."""
    report = report_2023
    publications = tmp_path / "publications"
    settings.PUBLICATION_ROOT = publications
    job = jobs.start(report, None)  # outside a transaction: enqueued at once
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "PUBLICATION_ROOT": str(publications),
        "PDF_JOB_ROOT": str(tmp_path / "jobs"),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "worker.log").open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            job.refresh_from_db()
            if job.pages_done >= 2:  # in the middle of the layout
                break
            time.sleep(0.05)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        assert job.status == PdfJobStatus.RUNNING and job.pages_done >= 2
        layout_processes = _children(worker.pid)
        assert layout_processes  # the chapters are laid out by the worker's own processes
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    # They stop with the worker that owned them instead of lingering as orphans.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in layout_processes):
        time.sleep(0.1)
    assert not [pid for pid in layout_processes if _alive(pid)]
    assert not publications.exists() or list(publications.iterdir()) == []
    job.refresh_from_db()
    assert job.status == PdfJobStatus.RUNNING  # nobody told the database
    settings.PDF_JOB_STALE_SECONDS = 0
    stuck = client.get("/health/")
    assert (stuck.status_code, stuck.json()["queue"]["stalled"]) == (503, 1)

    # The worker started again (by its supervisor) takes the job up by itself.
    subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env={**env, "PDF_JOB_STALE_SECONDS": "0"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    job.refresh_from_db()
    assert (job.status, job.attempts) == (PdfJobStatus.DONE, 2)
    assert [p.name for p in publications.iterdir()] == ["jaarstukken-2023.pdf"]
    assert len(PdfReader(publications / "jaarstukken-2023.pdf").pages) == job.page_count
    assert client.get("/health/").status_code == 200


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="PostgreSQL waits for row locks; only SQLite gives up with 'database is locked'",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_waits_out_a_locked_database_and_finishes_the_job(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    settings: Settings,
    report_2023: Report,
) -> None:
    """A backup or a long import holds SQLite's write lock longer than the busy timeout."""
    import sqlite3
    import threading

    from publishing.worker import SupervisedWorker

    report = report_2023
    make_draft(report)
    job = jobs.start(report, None)
    settings.PDF_JOB_ROOT = tmp_path
    monkeypatch.setattr(
        pdf, "render_report_pdf", lambda report, progress: ("x.pdf", "", b"%PDF-1.7 fake")
    )
    connection.close()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    holder = sqlite3.connect(connection.settings_dict["NAME"], check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(2.0, holder.commit)
    release.start()
    try:
        worker = SupervisedWorker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="patient",
            excluded_queue_names=[],
        )
        with caplog.at_level("WARNING", logger="publishing.worker"):
            worker.run()
    finally:
        release.join()
        holder.close()
        connection.close()  # the next connection has the usual busy timeout again
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE
    assert (tmp_path / f"{job.pk}.pdf").read_bytes() == b"%PDF-1.7 fake"
    assert "The database is locked; the worker tries again" in caplog.text


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.django_db
def test_a_job_taken_by_one_worker_is_not_made_again_by_another(
    staff_client: Client,
    report_2023: Report,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """Workers on several hosts share one queue in the database; a job runs once."""
    make_draft(report_2023)
    with django_capture_on_commit_callbacks(execute=False):
        staff_client.post(START)
    job = PdfJob.objects.get()
    # Another host's worker has just claimed it.
    PdfJob.objects.filter(pk=job.pk).update(
        status=PdfJobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    rendered = []
    monkeypatch.setattr(pdf, "render_report_pdf", lambda *args, **kwargs: rendered.append(1))
    jobs.run(str(job.pk))
    job.refresh_from_db()
    assert rendered == []
    assert job.status == PdfJobStatus.RUNNING
