"""A report taken back from the council answers 410 Gone with the reason, not a bare 404.

Once offered, a report's addresses are public: readers, the press and the council
link to them. When the controller withdraws it, its pages, PDF, downloads and API
stop being readable (it is back in review), and every one of those addresses says
so in Dutch, with the date and the reason.
"""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from diemen_sociaal.lib.dutch import format_date
from programs.models import Report, ReportKind

# /jaarstukken/2024/..., /api/jaarstukken/2024/...: every address of one report.
REPORT_PATH = re.compile(r"^/(?:api/)?(" + "|".join(ReportKind.values) + r")/(\d{4})(?:/|$)")


def withdrawn_report(request: HttpRequest) -> Report | None:
    """The withdrawn report this request asked for, if the user may not read drafts."""
    match = REPORT_PATH.match(request.path)
    if match is None or request.user.has_perm("programs.view_drafts"):
        return None
    report = Report.objects.filter(kind=match[1], year=int(match[2])).first()
    return report if report is not None and report.is_withdrawn else None


def notice(report: Report) -> str:
    assert report.withdrawn_on is not None
    return (
        f"{report.title} is op {format_date(report.withdrawn_on.date())} teruggetrokken van "
        f"de agenda van de raad. Reden: {report.withdrawn_reason}"
    )


def page_not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    """handler404: 410 with the notice for a withdrawn report, else Django's 404 page."""
    report = withdrawn_report(request)
    if report is not None:
        return render(request, "410.html", {"report": report, "notice": notice(report)}, status=410)
    return defaults.page_not_found(request, exception)
