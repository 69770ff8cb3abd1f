"""Public pages: read-only, published reports only (staff also see drafts, marked as such).

Permalinks are built from report kind, year, program and code, never database ids,
so "indicator 3.1.4 in Jaarstukken 2023" is /jaarstukken/2023/sociaal/indicator/3.1.4/.
The PDF addresses beside them are publishing's (publishing/urls.py), in the same namespace.
"""

from django.urls import path

from readmodel import converters  # noqa: F401 - registers <kind:…> and <code:…>

from . import views

_chapter = "<kind:kind>/<int:year>/<slug:program>/"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("huisstijl.css", views.house_style, name="house-style"),
    path("zoeken/", views.search, name="search"),
    path("<kind:kind>/<int:year>/", views.report_detail, name="report"),
    path(_chapter, views.chapter, name="chapter"),
    path(_chapter + "overzicht/", views.overview, name="overview"),
    path(_chapter + "doelstelling/<code:code>/", views.goal, name="goal"),
    path(_chapter + "activiteit/<code:code>/", views.activity, name="activity"),
    path(_chapter + "indicator/<code:code>/", views.indicator, name="indicator"),
]
