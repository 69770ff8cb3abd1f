"""Open data downloads: public, with the same visibility as the pages.

/jaarstukken/2023/data.csv and /jaarstukken/2023/sociaal/data.xlsx: every
published report and chapter as CSV (?tabel=indicatoren|begroting|begrotingswijzigingen|
investeringen|voetnoten), XLSX and JSON. Nothing for staff: the import lives in
staff/urls.py, under /beheer/.
"""

from django.urls import path

from readmodel import converters  # noqa: F401 - registers <kind:…> and <datafmt:…>

from . import exports

app_name = "data"

_report = "<kind:kind>/<int:year>/"

urlpatterns = [
    path(_report + "data.<datafmt:fmt>", exports.report_data, name="report"),
    path(_report + "datapackage.json", exports.fiscal_data_package, name="fiscal"),
    path(_report + "<slug:program>/data.<datafmt:fmt>", exports.chapter_data, name="chapter"),
]
