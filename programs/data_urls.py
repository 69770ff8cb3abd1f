"""Open data downloads (public, same visibility as the pages) and the staff import.

/jaarstukken/2023/data.csv and /jaarstukken/2023/sociaal/data.xlsx: every
published report and chapter as CSV (?tabel=indicatoren|begroting|investeringen),
XLSX and JSON. /beheer/jaarstukken/2024/import/: staff upload spreadsheets.
"""

from django.urls import path, register_converter

from . import exports, import_views
from . import urls as _public_urls  # noqa: F401 - registers the kind converter used below


class DataFormatConverter:
    regex = "csv|xlsx|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SheetFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DataFormatConverter, "datafmt")
register_converter(SheetFormatConverter, "sheetfmt")

app_name = "data"

_report = "<kind:kind>/<int:year>/"

urlpatterns = [
    path(_report + "data.<datafmt:fmt>", exports.report_data, name="report"),
    path(_report + "<slug:program>/data.<datafmt:fmt>", exports.chapter_data, name="chapter"),
    path("beheer/" + _report + "import/", import_views.import_view, name="import"),
    path(
        "beheer/" + _report + "import/sjabloon-<slug:soort>.<sheetfmt:fmt>",
        import_views.template_download,
        name="import-template",
    ),
]
