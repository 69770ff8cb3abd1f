"""Staff pages under /beheer/; every view here requires login and a role."""

from django.urls import path

from readmodel import converters  # noqa: F401 - registers <kind:…>, <code:…> and <sheetfmt:…>

from . import import_views, money, reports, review, structure, views

app_name = "staff"

_report = "<kind:kind>/<int:year>/"
_program = _report + "<slug:program>/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mail/", review.mail_settings, name="mail-settings"),
    path(_report + "werklijst/", views.worklist_view, name="worklist"),
    path(_report + "status/", views.report_status, name="status"),
    path(_report + "nieuw-jaar/", views.start_new_year, name="new-year"),
    path(_report + "begonnen/", views.new_year_result, name="new-year-result"),
    path(_program + "activiteit/<code:code>/", views.edit_activity, name="activity"),
    path(_program + "indicator/<code:code>/", views.edit_indicator, name="indicator"),
    path(_program + "ontwikkelingen/", views.developments, name="developments"),
    path(_program + "voetnoten/", views.footnotes, name="footnotes"),
    path(_program + "voetnoot/<int:pk>/", views.edit_footnote, name="footnote"),
    path(
        _program + "voetnoot/<int:pk>/verwijder/",
        views.remove_footnote,
        name="footnote-remove",
    ),
    path(_program + "ontwikkeling/<int:pk>/", views.edit_development, name="development"),
    path(
        _program + "ontwikkeling/<int:pk>/verplaats/",
        views.move_development,
        name="move-development",
    ),
    path(_program + "financien/", views.money, name="money"),
    path(_program + "overheveling/<int:pk>/", views.edit_carry_over, name="carry-over"),
    path(
        _program + "begrotingswijziging/<int:pk>/",
        views.edit_budget_change,
        name="budget-change",
    ),
    path(_program + "begrotingsregel/<int:pk>/", views.edit_budget_line, name="budget-line"),
    path(_program + "investering/<str:number>/", views.edit_investment, name="investment"),
    path(_report + "import/", import_views.import_view, name="import"),
    path(
        _report + "import/sjabloon-<slug:soort>.<sheetfmt:fmt>",
        import_views.template_download,
        name="import-template",
    ),
]

_structure = _program + "opbouw/"
_item = _structure + "<slug:soort>/<int:pk>/"
urlpatterns += [
    path(_structure, structure.structure, name="structure"),
    path(_structure + "nieuw/<slug:soort>/", structure.add_item, name="structure-add"),
    path(
        _structure + "nieuw/<slug:soort>/onder/<int:parent>/",
        structure.add_item,
        name="structure-add-under",
    ),
    path(_item, structure.edit_item, name="structure-edit"),
    path(_item + "verplaats/", structure.move_item, name="structure-move"),
    path(_item + "verwijder/", structure.remove_item, name="structure-remove"),
    path(_item + "nummer/", structure.renumber_item, name="structure-renumber"),
    path(_structure + "tabel/<int:pk>/kolommen/", structure.table_columns, name="table-columns"),
]

_programs = _report + "programmas/"
urlpatterns += [
    path("verslag/nieuw/", reports.new_report, name="new-report"),
    path(_programs, reports.programs, name="programs"),
    path(_report + "drempel/", reports.threshold, name="threshold"),
    path(_programs + "<slug:program>/", reports.edit_program, name="program-edit"),
    path(_programs + "<slug:program>/verplaats/", reports.move_program, name="program-move"),
    path(_programs + "<slug:program>/verwijder/", reports.remove_program, name="program-remove"),
    path(_programs + "<slug:program>/toewijzen/", reports.assign, name="program-assign"),
]

urlpatterns += [
    path(_program + "financien/nieuw/<slug:soort>/", money.add_item, name="money-add"),
    path(
        _program + "financien/<slug:soort>/<int:pk>/verwijder/",
        money.remove_item,
        name="money-remove",
    ),
]

urlpatterns += [
    path(_program + "opmerkingen/", review.notes, name="notes"),
    path(_program + "opmerkingen/<int:pk>/", review.note_action, name="note-action"),
]
