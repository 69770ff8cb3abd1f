"""Public report pages. Read-only; anonymous readers see published reports only.

Each view: access check first (a 404 for anything the reader may not see, so
drafts leave no trace), then one context builder from pages.py, then render.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from diemen_sociaal.lib.charts import TrendPoint, trend_chart_svg
from diemen_sociaal.ops import mark_adopted

from . import pages, pdf
from .models import Report, ReportStatus
from .search import search_reports

MAX_QUERY_LENGTH = 200
# Pages of an adopted report never change, so anonymous readers get them from the cache.
ADOPTED_PAGE_SECONDS = 24 * 60 * 60


def cached_when_adopted(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an adopted report's page from the cache, keyed by the report and its adoption.

    Only for anonymous readers without a query string (staff pages say who is logged in),
    and only for pages that show nothing but that report, so a later report cannot make a
    cached page stale. The check costs one query; a hit renders nothing.
    """

    @wraps(view)
    def wrapper(
        request: HttpRequest, kind: str, year: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        if request.user.is_authenticated or request.GET:
            return view(request, kind, year, *args, **kwargs)
        adopted = (
            Report.objects.filter(kind=kind, year=year, status=ReportStatus.ADOPTED)
            .values_list("pk", "adopted_on")
            .first()
        )
        if adopted is None:
            return view(request, kind, year, *args, **kwargs)
        key = f"adopted-page:{request.path}:{adopted[0]}:{adopted[1]}"
        content = cache.get(key)
        if content is None:
            response = view(request, kind, year, *args, **kwargs)
            if response.status_code != 200:
                return response
            cache.set(key, response.content, ADOPTED_PAGE_SECONDS)
        else:
            response = HttpResponse(content)
        # Lets the conditional-GET middleware add Last-Modified and answer 304s.
        return mark_adopted(response, adopted[1])

    return wrapper


def report_list(request: HttpRequest) -> HttpResponse:
    reports = pages.reports_visible_to(request.user)
    return render(request, "programs/report_list.html", {"reports": reports})


@cached_when_adopted
def report_detail(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    context = {"report": report, "programs": list(report.programs.all())}
    return render(request, "programs/report_detail.html", context)


@cached_when_adopted
def chapter(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    return render(request, "programs/chapter.html", pages.chapter_context(found))


@cached_when_adopted
def overview(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    return render(request, "programs/overview.html", pages.overview_context(found))


@cached_when_adopted
def goal(request: HttpRequest, kind: str, year: int, program: str, code: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    return render(request, "programs/goal.html", pages.goal_context(found, code))


def activity(request: HttpRequest, kind: str, year: int, program: str, code: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    context = pages.activity_context(found, code, request.user)
    return render(request, "programs/activity.html", context)


def indicator(request: HttpRequest, kind: str, year: int, program: str, code: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    context = pages.indicator_context(found, code, request.user)
    context["chart"] = _trend_chart(context)
    return render(request, "programs/indicator.html", context)


def _trend_chart(context: dict) -> str:
    """The realisations over the years as SVG, or "" when fewer than two are numbers."""
    points = [
        TrendPoint(
            label=str(item.year),
            value=item.realisation.value.number if item.realisation else None,
            display=item.realisation.display if item.realisation else "",
        )
        for item in context["trend"]
    ]
    if sum(1 for p in points if p.value is not None) < 2:
        return ""
    known = [item.realisation.value for item in context["trend"] if item.realisation]
    indicator = context["indicator"]
    return trend_chart_svg(
        points,
        title=f"Realisatie van indicator {indicator.code} per jaar",
        description="Lijngrafiek van de realisatie per jaar; "
        + "; ".join(f"{p.label}: {p.display or 'geen waarde'}" for p in points)
        + ". Dezelfde cijfers staan in de tabel.",
        percent=any(v.percent for v in known),
        decimals=max((v.decimals for v in known), default=0),
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "")[:MAX_QUERY_LENGTH].strip()
    include_drafts = bool(request.user.is_authenticated and request.user.is_staff)
    hits = search_reports(query, include_drafts=include_drafts) if query else []
    return render(request, "programs/search.html", {"query": query, "hits": hits})


def chapter_pdf(request: HttpRequest, kind: str, year: int, program: str) -> HttpResponse:
    found = pages.get_program(kind, year, program, user=request.user)
    download = pdf.stored_or_rendered(
        found.report, pdf.chapter_filename(found), lambda: pdf.render_chapter_pdf(found)
    )
    return _attachment(*download)


def report_pdf(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    download = pdf.stored_or_rendered(
        report, pdf.report_filename(report), lambda: pdf.render_report_pdf(report)
    )
    return _attachment(*download)


def _attachment(filename: str, mime: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response
