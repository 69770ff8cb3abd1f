"""Public report pages. Read-only; anonymous readers see published reports only.

Each view: access check first (a 404 for anything the reader may not see, so
drafts leave no trace), then one context builder from pages.py, then render.
"""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from diemen_sociaal.lib.charts import TrendPoint, trend_chart_svg
from diemen_sociaal.lib.colours import HEX, darker
from diemen_sociaal.lib.values import Figure, figure_in_unit
from diemen_sociaal.ops import mark_adopted, page_etag, rate_limited
from indicators.bbv import bbv_completeness
from programs.models import Report, ReportStatus
from programs.rules import may_see_drafts
from readmodel import pages

from .search import search_reports

MAX_QUERY_LENGTH = 200
# Pages of an adopted report never change, so anonymous readers get them from the cache.
ADOPTED_PAGE_SECONDS = 24 * 60 * 60


def cached_when_adopted(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an adopted report's page from the cache, keyed by the report and its adoption.

    Only for anonymous readers without a query string (staff pages say who is logged in),
    and only for pages that show nothing but that report, so a later report cannot make a
    cached page stale. The check costs one query; a hit renders nothing, and the page's
    ETag is kept with it, so a hit hashes nothing either.
    """

    @wraps(view)
    def wrapper(
        request: HttpRequest, kind: str, year: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        if request.user.is_authenticated or request.GET:
            return view(request, kind, year, *args, **kwargs)
        adopted = _adopted_report(kind, year)
        if adopted is None:
            return view(request, kind, year, *args, **kwargs)
        key = f"adopted-page:{request.path}:{adopted[0]}:{adopted[1].isoformat()}"
        cached = cache.get(key)
        if cached is None:
            response = view(request, kind, year, *args, **kwargs)
            if response.status_code != 200:
                return response
            etag = page_etag(response.content)
            cache.set(key, (response.content, etag), ADOPTED_PAGE_SECONDS)
        else:
            content, etag = cached
            response = HttpResponse(content)
        # Lets the conditional-GET middleware add Last-Modified and answer 304s.
        return mark_adopted(response, adopted[1], etag)

    return wrapper


# The one query of a cached page, on every request: written out, because building it
# with the ORM took most of the time of a cache hit (about 1 ms against 0.1 ms).
_ADOPTED_SQL = (
    f"SELECT id, adopted_on FROM {Report._meta.db_table} "
    "WHERE kind = %s AND year = %s AND status = %s"
)


def _adopted_report(kind: str, year: int) -> tuple[int, date] | None:
    """The (pk, adoption date) of the report if it is adopted, else None."""
    if not 0 < year < 10_000:  # no report; the ORM would see to this, written-out SQL must
        return None
    with connection.cursor() as cursor:
        cursor.execute(_ADOPTED_SQL, [kind, year, ReportStatus.ADOPTED.value])
        row = cursor.fetchone()
    if row is None or row[1] is None:
        return None
    adopted_on = row[1] if isinstance(row[1], date) else date.fromisoformat(str(row[1]))
    return row[0], adopted_on


@require_GET
def house_style(request: HttpRequest) -> HttpResponse:
    """The municipality's colour as CSS custom properties (settings.MUNICIPALITY_COLOUR),
    a file of our own so the Content-Security-Policy needs no inline style."""
    colour = settings.MUNICIPALITY_COLOUR
    if not colour or not HEX.match(colour):
        raise Http404("Deze installatie heeft geen eigen kleur.")
    css = f":root {{ --diemen-blue: {colour}; --diemen-blue-dark: {darker(colour)}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def report_list(request: HttpRequest) -> HttpResponse:
    reports = pages.reports_visible_to(request.user)
    return render(request, "programs/report_list.html", {"reports": reports})


@cached_when_adopted
def report_detail(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.visible_to(request.user), kind=kind, year=year)
    context = {
        "report": report,
        "programs": list(report.programs.all()),
        "errata": list(report.errata.all()),
        "bbv": bbv_completeness([report])[report.pk],
    }
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
    # A figure about another year (2022's, standing in the 2023 column) is no point of 2023.
    shown = [
        item.realisation if item.realisation and not item.realisation.value.other_year else None
        for item in context["trend"]
    ]
    indicator = context["indicator"]
    # The figure in the indicator's unit: of "412 uitkeringen, 241,5 per 10.000" the rate.
    figures = [
        figure_in_unit(cell.value.as_value(), indicator.unit or indicator.name) if cell else None
        for cell in shown
    ]
    targets = [
        figure_in_unit(item.budget.value.as_value(), indicator.unit or indicator.name)
        if item.budget
        else None
        for item in context["trend"]
    ]
    points = [
        TrendPoint(
            label=str(item.year),
            value=figure.number if figure else None,
            display=cell.display if cell else "",
            # Drawn only where it is the same measure as the realisations.
            target=target.number
            if target and (figure is None or _same_measure(target, figure))
            else None,
        )
        for item, cell, figure, target in zip(
            context["trend"], shown, figures, targets, strict=True
        )
    ]
    if sum(1 for p in points if p.value is not None) < 2:
        return ""
    known = [item.realisation.value for item in context["trend"] if item.realisation]
    has_target = any(p.target is not None for p in points)
    context["chart_has_target"] = has_target
    drawn = [n for p in points for n in (p.value, p.target) if n is not None]
    context["chart_from_zero"] = min(drawn) >= 0
    return trend_chart_svg(
        points,
        title=f"Realisatie van indicator {indicator.code} per jaar",
        description="Lijngrafiek van de realisatie per jaar"
        + (", met het doel als open rondjes en een stippellijn" if has_target else "")
        + "; "
        + "; ".join(f"{p.label}: {p.display or 'geen waarde'}" for p in points)
        + ". Dezelfde cijfers staan in de tabel.",
        percent=any(v.percent for v in known),
        decimals=max((v.decimals for v in known), default=0),
    )


def _same_measure(one: Figure, other: Figure) -> bool:
    return (one.percent, one.measure) == (other.percent, other.measure)


@rate_limited("search")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").replace("\x00", "")[:MAX_QUERY_LENGTH].strip()
    include_drafts = may_see_drafts(request.user)
    hits = search_reports(query, include_drafts=include_drafts) if query else []
    return render(request, "programs/search.html", {"query": query, "hits": hits})
