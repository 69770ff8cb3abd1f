"""A report's money as a Fiscal Data Package (the format openspending.nl reads).

The descriptor (datapackage.json) describes the open-data table "begroting" of the whole
report, which stays the one source of the figures: its CSV is the package's resource,
by its address. The model maps the CSV's columns: each amount column is a measure in
euros with the report's unit as its factor (a report in thousands gives factor 1000, so
no digit is invented), and with the budget phase it holds; program, nature, kind, line,
taakveld and year are the dimensions. Amounts are signed as everywhere in the product:
negative is a cost.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import slugify

from diemen_sociaal.lib.costs import MEANINGS, SHOWN
from programs.models import Report
from readmodel import datarows

# The phase of the budget each amount column holds, as the specification names them.
PHASES = {
    "rekening_vorig": "executed",
    "begroting_primitief": "approved",
    "begroting_totaal": "adjusted",
    "rekening": "executed",
    "raming_vorig": "proposed",
    "raming_1": "proposed",
    "raming_2": "proposed",
    "raming_3": "proposed",
}
INTEGER_COLUMNS = {"verslagjaar", *SHOWN}


def _dimension(source: str, kind: str, classification: str = "") -> dict[str, Any]:
    dimension: dict[str, Any] = {
        "attributes": {"code": {"source": source}},
        "primaryKey": "code",
        "dimensionType": kind,
    }
    if classification:
        dimension["classificationType"] = classification
    return dimension


def descriptor(request: HttpRequest, report: Report) -> dict[str, Any]:
    """The datapackage.json of a report's money."""
    csv_url = request.build_absolute_uri(
        reverse("data:report", args=[report.kind, report.year, "csv"])
    )
    columns = datarows.COLUMNS[datarows.BUDGET]
    unit = report.unit
    measures = {
        column: {
            "source": column,
            "currency": "EUR",
            "factor": unit.euros,
            **({"phase": PHASES[column]} if column in PHASES else {}),
            "description": MEANINGS[column],
        }
        for column in SHOWN
    }
    return {
        "profile": "fiscal-data-package",
        "profiles": {"fiscal": "*", "tabular": "*"},
        "name": slugify(f"{settings.MUNICIPALITY_NAME} {report.kind} {report.year}"),
        "title": f"{report.title} — {settings.MUNICIPALITY_NAME}: lasten, baten en reserves "
        "per programma",
        "description": "Per begrotingsregel de bedragen zoals het verslag ze geeft, in de "
        f"eenheid die factor noemt (hier {unit.words}); negatief is een last. Een lege cel is "
        "nog niet ingevuld, niet nul.",
        "homepage": request.build_absolute_uri(
            reverse("programs:report", args=[report.kind, report.year])
        ),
        "version": report.version_label,
        "countryCode": "nl",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{report.year}-01-01", "end": f"{report.year}-12-31"},
        "resources": [
            {
                "name": datarows.BUDGET,
                "path": f"{csv_url}?tabel={datarows.BUDGET}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {
                            "name": column,
                            "type": "integer" if column in INTEGER_COLUMNS else "string",
                        }
                        for column in columns
                    ]
                },
            }
        ],
        "model": {
            "measures": measures,
            "dimensions": {
                "programma": _dimension("programma", "activity"),
                "aard": _dimension("aard", "classification", "economic"),
                "soort": _dimension("soort", "classification", "economic"),
                "regel": _dimension("omschrijving", "fact"),
                "taakveld": _dimension("taakveld", "classification", "functional"),
                "jaar": {
                    "attributes": {"year": {"source": "verslagjaar"}},
                    "primaryKey": "year",
                    "dimensionType": "datetime",
                },
            },
        },
    }
