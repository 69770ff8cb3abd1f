"""Public pages: read-only, published reports only (staff also see drafts, marked as such).

Permalinks are built from report kind, year, program and code, never database ids,
so "indicator 3.1.4 in Jaarstukken 2023" is /jaarstukken/2023/sociaal/indicator/3.1.4/.
"""

from django.urls import path

from . import (
    converters,  # noqa: F401 - registers <kind:…> and <code:…>
    views,
)

app_name = "programs"

_chapter = "<kind:kind>/<int:year>/<slug:program>/"
_job = "<kind:kind>/<int:year>/pdf/taak/<uuid:job>/"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("zoeken/", views.search, name="search"),
    path("<kind:kind>/<int:year>/", views.report_detail, name="report"),
    path("<kind:kind>/<int:year>/pdf/", views.report_pdf, name="report-pdf"),
    path("<kind:kind>/<int:year>/pdf/maken/", views.report_pdf_start, name="report-pdf-start"),
    path(_job, views.pdf_job, name="pdf-job"),
    path(_job + "status/", views.pdf_job_status, name="pdf-job-status"),
    path(_job + "bestand/", views.pdf_job_file, name="pdf-job-file"),
    path(_job + "opnieuw/", views.pdf_job_retry, name="pdf-job-retry"),
    path(_chapter, views.chapter, name="chapter"),
    path(_chapter + "pdf/", views.chapter_pdf, name="chapter-pdf"),
    path(_chapter + "overzicht/", views.overview, name="overview"),
    path(_chapter + "doelstelling/<code:code>/", views.goal, name="goal"),
    path(_chapter + "activiteit/<code:code>/", views.activity, name="activity"),
    path(_chapter + "indicator/<code:code>/", views.indicator, name="indicator"),
]
