"""Read API under /api/: published reports as JSON, by the same codes as the permalinks."""

from django.urls import path, re_path

from readmodel import converters  # noqa: F401 - registers <kind:…> and <code:…>

from . import api

app_name = "api"

_report = "<kind:kind>/<int:year>/"
_program = _report + "<slug:program>/"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("verslagen/", api.report_list, name="reports"),
    path(_report, api.report_detail, name="report"),
    path(_program, api.program_detail, name="program"),
    path(_program + "doelstellingen/", api.goal_list, name="goals"),
    path(_program + "doelstellingen/<code:code>/", api.goal_detail, name="goal"),
    path(_program + "activiteiten/", api.activity_list, name="activities"),
    path(_program + "activiteiten/<code:code>/", api.activity_detail, name="activity"),
    path(_program + "indicatoren/", api.indicator_list, name="indicators"),
    path(_program + "indicatoren/<code:code>/", api.indicator_detail, name="indicator"),
    path(_program + "begroting/", api.budget_list, name="budget-lines"),
    path(_program + "investeringen/", api.investment_list, name="investments"),
    path(_program + "investeringen/<str:number>/", api.investment_detail, name="investment"),
    # Last: every other address under /api/ answers 404 in JSON, not the site's HTML page.
    re_path(r"^(?P<rest>[\s\S]*)$", api.not_found, name="not-found"),
]
