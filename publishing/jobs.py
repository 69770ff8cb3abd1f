"""The whole report as PDF, made in the background with progress a reader can follow.

A whole report takes from seconds to minutes to lay out, longer than a web
request should wait. A reader asks for it; a PdfJob records the request and a
task of Django's tasks framework (run by `manage.py db_worker`) makes the file
while the job's page shows how far it is. The task backend has no timeouts or
retries, so the job record carries them: every page laid out is a sign of life
(heartbeat); a running job that falls silent was interrupted (its worker was
killed, or lost the database) and is queued again by the next worker that looks
(`recover_interrupted`), up to PDF_JOB_MAX_ATTEMPTS times; then it is failed with
a message, and a reader can start it again. A database that is locked for a while
(SQLite during a long import or a backup) is waited for, not a reason to give up.

Files are written whole or not at all (pdf.store_once): a worker killed
halfway leaves no half-written PDF under a real name.
"""

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from programs.models import PdfJob, PdfJobStatus, Report

from . import pdf

logger = logging.getLogger(__name__)

ACTIVE = (PdfJobStatus.QUEUED, PdfJobStatus.RUNNING)
INTERRUPTED = (
    "De verwerking is onderbroken: de verwerker is gestopt voordat de PDF klaar was. "
    "Er is geen half bestand bewaard. Probeer het opnieuw."
)
FAILED = "Het maken van de PDF is mislukt."
WAITING = "Wacht op de verwerker"
RESUMED = "Onderbroken; wacht opnieuw op de verwerker"
# The heartbeat is written at most this often (seconds): often enough for a live page,
# rarely enough that a 500-page layout does not wait on the database.
HEARTBEAT_INTERVAL = 0.5
_PAGE = re.compile(r"Step 5 - Creating layout - Page (\d+)")


class JobNotRetryable(Exception):
    """Only a failed job can be started again."""


# --- Asking for a PDF ----------------------------------------------------------------------


def stored_file(report: Report) -> Path | None:
    """The PDF of an adopted report, once made: the council's document, never remade."""
    if not report.is_adopted:
        return None
    path = Path(settings.PUBLICATION_ROOT) / pdf.report_filename(report)
    return path if path.exists() else None


def active_job(report: Report) -> PdfJob | None:
    """The job that is making this report's PDF now, if any (after marking silent ones)."""
    for job in report.pdf_jobs.filter(status__in=ACTIVE):
        if not mark_if_interrupted(job).is_finished:
            return job
    return None


def shared_job(report: Report) -> PdfJob | None:
    """The finished PDF of a published report's current content, for any reader to have.

    Staff making a draft want today's text; readers of an offered report share the
    file made of the content they would read (Report.content_version), so a crowd
    cannot make the server lay out the same report again, and any change to the
    report gives the next reader a new one.
    """
    if not report.is_published:
        return None
    job = report.pdf_jobs.filter(
        status=PdfJobStatus.DONE, content_version=report.content_version
    ).first()
    return job if job and job_file(job) else None


def start(report: Report, user: AbstractBaseUser | AnonymousUser | None) -> PdfJob:
    """A new job for the report, or the one already running: never two at once."""
    with transaction.atomic():
        # One at a time per report: a second request waits here and then finds the first job.
        Report.objects.select_for_update().filter(pk=report.pk).first()
        running = active_job(report)
        if running:
            return running
        job = PdfJob.objects.create(
            report=report,
            requested_by=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]  # AUTH_USER_MODEL
            pages_expected=_last_page_count(report),
            step=WAITING,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def retry(job: PdfJob) -> PdfJob:
    """Start a failed job again, under the same address."""
    with transaction.atomic():
        updated = PdfJob.objects.filter(pk=job.pk, status=PdfJobStatus.FAILED).update(
            status=PdfJobStatus.QUEUED,
            step=WAITING,
            error="",
            pages_done=0,
            attempts=job.attempts + 1,
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
        )
        if not updated:
            raise JobNotRetryable("Alleen een mislukte taak kan opnieuw worden gestart.")
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job


def _enqueue(job_id: Any) -> None:
    result = make_report_pdf.enqueue(str(job_id))
    PdfJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def _last_page_count(report: Report) -> int | None:
    return (
        report.pdf_jobs.filter(status=PdfJobStatus.DONE, page_count__isnull=False)
        .values_list("page_count", flat=True)
        .first()
    )


def mark_if_interrupted(job: PdfJob) -> PdfJob:
    """The job as it stands, after recovering it if its worker fell silent."""
    if job.status != PdfJobStatus.RUNNING:
        return job
    _recover(PdfJob.objects.filter(pk=job.pk))
    job.refresh_from_db()
    return job


def recover_interrupted() -> int:
    """Every job whose worker was lost: queued again, or failed after its last attempt.

    Run by every worker at its start and then now and again (publishing/worker.py), and
    for one job whenever a reader looks at it. Returns how many jobs it recovered.
    """
    return _recover(PdfJob.objects.all())


def stalled_count() -> int:
    """Running jobs without a sign of life: no worker is making them (for /health/)."""
    return PdfJob.objects.filter(_silent()).count()


def _silent() -> Q:
    cutoff = timezone.now() - timedelta(seconds=settings.PDF_JOB_STALE_SECONDS)
    return Q(status=PdfJobStatus.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def _recover(candidates: QuerySet[PdfJob]) -> int:
    from django_tasks_db.models import DBTaskResult

    recovered = 0
    # A queued job whose task ended without making it (its claim failed on a lock, say).
    queued = list(candidates.filter(status=PdfJobStatus.QUEUED).exclude(task_id=""))
    ended = {
        str(task_id)
        for task_id in DBTaskResult.objects.filter(
            id__in=[job.task_id for job in queued],
            status__in=(TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL),
        ).values_list("id", flat=True)
    }
    orphans = [job for job in queued if job.task_id in ended]
    for job in list(candidates.filter(_silent())) + orphans:
        # Compare and set: a worker that wrote a heartbeat in the meantime keeps its job.
        same = PdfJob.objects.filter(
            pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at, task_id=job.task_id
        )
        now = timezone.now()
        if job.attempts >= settings.PDF_JOB_MAX_ATTEMPTS:
            done = same.update(status=PdfJobStatus.FAILED, error=INTERRUPTED, finished_at=now)
            logger.warning("PDF job %s was interrupted %s times; it failed", job.pk, job.attempts)
        else:
            with transaction.atomic():
                done = same.update(
                    status=PdfJobStatus.QUEUED,
                    step=RESUMED,
                    pages_done=0,
                    attempts=F("attempts") + 1,
                    started_at=None,
                    heartbeat_at=None,
                )
                if done:
                    transaction.on_commit(partial(_enqueue, job.pk))
            logger.warning("PDF job %s was interrupted; it is queued again", job.pk)
        if done and job.task_id:
            # The lost worker's task will never report; it is closed as failed.
            DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now
            )
        recovered += done
    return recovered


def job_file(job: PdfJob) -> Path | None:
    """The finished file of a job, if it is still there."""
    if job.status != PdfJobStatus.DONE or not job.file_path:
        return None
    path = Path(job.file_path)
    return path if path.exists() else None


# --- Making it (in the worker) -------------------------------------------------------------


@task()
def make_report_pdf(job_id: str) -> None:
    """Django task: make the PDF of one job. Runs in `manage.py db_worker`."""
    run(job_id)


def run(job_id: str) -> None:
    """Claim the job, render, store whole, and record the outcome."""
    now = timezone.now()
    claimed = patiently(
        lambda: PdfJob.objects.filter(pk=job_id, status=PdfJobStatus.QUEUED).update(
            status=PdfJobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            step="Begonnen",
            pages_done=0,
        )
    )
    if not claimed:  # done, failed, or taken by another worker in the meantime
        return
    job = PdfJob.objects.select_related("report").get(pk=job_id)
    report = job.report
    # Read before the layout: a change saved during it makes the file an older version.
    patiently(
        lambda: PdfJob.objects.filter(pk=job_id).update(content_version=report.content_version)
    )
    stored = stored_file(report)
    if stored:  # an adopted report's PDF is made once; a second job only points at it
        pages = _last_page_count(report)
        patiently(
            lambda: PdfJob.objects.filter(pk=job_id).update(
                status=PdfJobStatus.DONE,
                step="Klaar",
                file_path=str(stored),
                filename=stored.name,
                page_count=pages,
                finished_at=timezone.now(),
            )
        )
        return
    try:
        with _progress(job) as say:
            filename, _mime, content = pdf.render_report_pdf(report, progress=say)
            say("Het bestand wordt bewaard")
            if report.is_adopted:
                path = Path(settings.PUBLICATION_ROOT) / filename
            else:
                path = Path(settings.PDF_JOB_ROOT) / f"{job.pk}.pdf"
            pdf.store_once(path, content)
            pages = say.pages
    except Exception as error:
        logger.exception("PDF job %s failed", job_id)
        message = f"{FAILED} ({type(error).__name__}: {str(error)[:300]})"
        patiently(
            lambda: PdfJob.objects.filter(pk=job_id).update(
                status=PdfJobStatus.FAILED, error=message, finished_at=timezone.now()
            )
        )
        return
    patiently(
        lambda: PdfJob.objects.filter(pk=job_id).update(
            status=PdfJobStatus.DONE,
            step="Klaar",
            file_path=str(path),
            filename=filename,
            page_count=pages or None,
            pages_done=pages,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    )


def patiently[T](write: Callable[[], T]) -> T:
    """A write that waits out a locked database instead of giving the job up.

    SQLite holds one writer at a time, and a long import or a backup can hold it for
    longer than the busy timeout; the write is tried again, more slowly each time, for
    up to PDF_JOB_LOCK_WAIT_SECONDS. Other database errors are raised at once.
    """
    from django_tasks_db.utils import is_locked_database_exception

    deadline = time.monotonic() + settings.PDF_JOB_LOCK_WAIT_SECONDS
    delay = 0.25
    while True:
        try:
            return write()
        except OperationalError as error:
            if not is_locked_database_exception(error) or time.monotonic() > deadline:
                raise
            logger.warning("The database is locked; the PDF job tries again in %.2f s", delay)
        time.sleep(delay)
        delay = min(delay * 2, 10)


class _Reporter(logging.Handler):
    """Hears WeasyPrint's page-by-page progress and the renderer's steps; writes the job."""

    def __init__(self, job: PdfJob) -> None:
        super().__init__(level=logging.INFO)
        self.job_id = job.pk
        self.thread = threading.get_ident()
        self.pages = 0
        self.step = ""
        self.written = 0.0

    def __call__(self, step: str, pages: int | None = None) -> None:
        """A step in words; `pages` laid out so far, when the layout runs in other processes."""
        if pages is not None:
            self.pages = max(self.pages, pages)
        force = step != self.step
        self.step = step
        self.write(force=force)

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:  # another job's layout in this process
            return
        found = _PAGE.match(record.getMessage())
        if found:
            self.pages = max(self.pages, int(found.group(1)))
            self.write()

    def write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.written < HEARTBEAT_INTERVAL:
            return
        self.written = now
        step = self.step
        if self.pages and step.startswith("De pagina's worden opgemaakt"):
            step = f"De pagina's worden opgemaakt: {self.pages} klaar"
        try:
            PdfJob.objects.filter(pk=self.job_id).update(
                step=step[:200], pages_done=self.pages, heartbeat_at=timezone.now()
            )
        except OperationalError:
            # A locked database must not stop the layout; the next page tries again.
            logger.warning("PDF job %s: progress not written (database busy)", self.job_id)


@contextmanager
def _progress(job: PdfJob) -> Iterator[_Reporter]:
    reporter = _Reporter(job)
    progress_logger = logging.getLogger("weasyprint.progress")
    progress_logger.addHandler(reporter)
    try:
        yield reporter
    finally:
        progress_logger.removeHandler(reporter)
