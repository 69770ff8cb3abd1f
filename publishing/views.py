"""The PDF addresses of the public pages: a chapter, the whole report and its jobs.

A chapter is laid out while its first reader waits (a few seconds) and stored; the
whole report is laid out by a background job (jobs.py) whose page shows its progress.
Who may see what is the public pages' rule: published reports, and drafts for staff.
"""

from uuid import UUID

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from diemen_sociaal.ops import rate_limited
from programs.models import PdfJob, PdfJobStatus, Report
from programs.rules import may_see_drafts
from readmodel import pages

from . import jobs, pdf


@rate_limited("pdf")
def chapter_pdf(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    try:
        download = pdf.stored_or_rendered(
            found.report, pdf.chapter_filename(found), lambda: pdf.render_chapter_pdf(found)
        )
    except pdf.BeingMade:
        # Another reader's request is making this file: ask again in a moment, and
        # meanwhile hold no web worker.
        context = {"program": found, "seconds": BEING_MADE_RETRY_SECONDS}
        response = render(request, "programs/pdf_being_made.html", context, status=503)
        response["Retry-After"] = str(BEING_MADE_RETRY_SECONDS)
        patch_cache_control(response, no_store=True)
        return response
    return _attachment(*download)


# A chapter PDF takes a few seconds to lay out (see BENCHMARKS.md).
BEING_MADE_RETRY_SECONDS = 5


@rate_limited("pdf")
def report_pdf(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    """The whole report as PDF: the file when there is one, else the way to have it made.

    An adopted report's PDF is made once (on adoption) and served as stored. Anything
    else is laid out by a background job (jobs.py) whose page shows its progress.
    """
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    stored = jobs.stored_file(report)
    if stored:
        return _attachment(stored.name, pdf.PDF_MIME, stored.read_bytes())
    running = jobs.active_job(report)
    if running:
        return redirect(running_url(running))
    if report.is_adopted:  # made once for everyone; the job's page shows when it is there
        return redirect(running_url(jobs.start(report, request.user)))
    shared = None if _is_staff(request) else jobs.shared_job(report)
    if shared:
        return _job_attachment(shared)
    context = {"report": report, "crumb": "PDF van het hele verslag", "latest": None}
    if _is_staff(request):
        context["latest"] = report.pdf_jobs.filter(status=PdfJobStatus.DONE).first()
    return render(request, "programs/report_pdf.html", context)


@rate_limited("pdf")
def report_pdf_start(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    if request.method != "POST":  # after the look-up: a draft's address says nothing
        return HttpResponseNotAllowed(["POST"])
    shared = None if _is_staff(request) else jobs.shared_job(report)
    job = shared or jobs.start(report, request.user)
    return _see_other(running_url(job))


def pdf_job(request: HttpRequest, kind: str, year: int, job: UUID) -> HttpResponse:
    found = _get_job(request, kind, year, job)
    context = {
        "report": found.report,
        "job": found,
        "crumb": "PDF van het hele verslag",
        "show_error": _is_staff(request),
    }
    return render(request, "programs/pdf_job.html", context)


def pdf_job_status(request: HttpRequest, kind: str, year: int, job: UUID) -> JsonResponse:
    """The job's state for the progress page's script, which polls it every two seconds."""
    found = _get_job(request, kind, year, job)
    data = {
        "status": found.status,
        "status_label": found.get_status_display(),
        "step": found.step,
        "pages_done": found.pages_done,
        "percent": found.percent,
        "finished": found.is_finished,
    }
    if found.status == PdfJobStatus.DONE:
        data["download"] = reverse("programs:pdf-job-file", args=[kind, year, found.pk])
    return JsonResponse(data, headers={"Cache-Control": "no-store"})


def pdf_job_file(request: HttpRequest, kind: str, year: int, job: UUID) -> HttpResponse:
    found = _get_job(request, kind, year, job)
    if jobs.job_file(found) is None:
        raise Http404("Dit PDF-bestand is er niet (meer). Laat een nieuw maken.")
    return _job_attachment(found)


def pdf_job_retry(request: HttpRequest, kind: str, year: int, job: UUID) -> HttpResponse:
    found = _get_job(request, kind, year, job)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        jobs.retry(found)
    except jobs.JobNotRetryable as error:
        messages.error(request, str(error))
    return _see_other(running_url(found))


def _see_other(url: str) -> HttpResponseRedirect:
    """After a POST: look at the result with a GET (303 See Other)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def running_url(job: PdfJob) -> str:
    return reverse("programs:pdf-job", args=[job.report.kind, job.report.year, job.pk])


def _get_job(request: HttpRequest, kind: str, year: int, job: UUID) -> PdfJob:
    """A job of a report the reader may see; a silent running job is marked failed first."""
    found = get_object_or_404(
        PdfJob.objects.select_related("report").filter(
            report__in=Report.objects.visible_to(request.user)
        ),
        pk=job,
        report__kind=kind,
        report__year=year,
    )
    return jobs.mark_if_interrupted(found)


def _job_attachment(job: PdfJob) -> HttpResponse:
    path = jobs.job_file(job)
    if path is None:
        raise Http404("Dit PDF-bestand is er niet (meer).")
    return _attachment(job.filename or path.name, pdf.PDF_MIME, path.read_bytes())


def _is_staff(request: HttpRequest) -> bool:
    return bool(may_see_drafts(request.user))


def _attachment(filename: str, mime: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response
