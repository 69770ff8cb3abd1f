"""The PDF addresses of the public pages, in the public namespace ("programs:").

diemen_sociaal/urls.py puts them before the public pages (public/urls.py): "<kind>/<year>/pdf/"
would otherwise be read as the chapter of a program called "pdf".
"""

from django.urls import path

from readmodel import converters  # noqa: F401 - registers <kind:…>

from . import views

_chapter = "<kind:kind>/<int:year>/<slug:program>/"
_job = "<kind:kind>/<int:year>/pdf/taak/<uuid:job>/"

urlpatterns = [
    path("<kind:kind>/<int:year>/pdf/", views.report_pdf, name="report-pdf"),
    path("<kind:kind>/<int:year>/pdf/maken/", views.report_pdf_start, name="report-pdf-start"),
    path(_job, views.pdf_job, name="pdf-job"),
    path(_job + "status/", views.pdf_job_status, name="pdf-job-status"),
    path(_job + "bestand/", views.pdf_job_file, name="pdf-job-file"),
    path(_job + "opnieuw/", views.pdf_job_retry, name="pdf-job-retry"),
    path(_chapter + "pdf/", views.chapter_pdf, name="chapter-pdf"),
]
