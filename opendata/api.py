"""Read API: the published reports as JSON, addressed by the same codes as the permalinks.

/api/jaarstukken/2023/sociaal/indicatoren/3.1.4/ is indicator 3.1.4 of
/jaarstukken/2023/sociaal/indicator/3.1.4/. Plain Django views returning
JSON; no framework. Only published reports are ever served, also to staff
who are logged in: drafts give the same 404 as a report that does not exist.

Lists are paginated with ?pagina= (a fixed page size) and carry a count and
next/previous links. Every answer has an ETag and a Cache-Control header:
an adopted report never changes, so it may be cached for a day; an offered
report (published, not yet adopted) for five minutes.

The OpenAPI 3.1 description at /api/openapi.json is written by hand below;
the tests check every response against it.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt

from diemen_sociaal.lib.costs import EUROS as EURO_UNIT
from diemen_sociaal.lib.costs import (
    MEANINGS,
    SHOWN,
    UNITS,
    VARIANCES,
    CostRow,
    MoneyUnit,
    VarianceRule,
)
from diemen_sociaal.validators import ITEM_CODE
from indicators.models import DirectionChoices, FootnoteKind, Indicator, IndicatorKind
from investments.models import (
    BudgetChange,
    BudgetKind,
    BudgetLine,
    BudgetNature,
    Investment,
    InvestmentStatus,
    program_cost_table,
)
from programs.models import (
    Activity,
    DocumentKind,
    Goal,
    Program,
    Report,
    ReportKind,
    ReportStatus,
    Subgoal,
)
from readmodel import datarows, pages, withdrawn

from . import exports

PAGE_SIZE = 20
# The lists of a program: key in "links" (and last part of the address) -> URL name.
LIST_URLS = {
    "doelstellingen": "goals",
    "activiteiten": "activities",
    "indicatoren": "indicators",
    "begroting": "budget-lines",
    "investeringen": "investments",
}
LIST_CACHE = "public, max-age=300"
JSON_MIME = "application/json"

Json = dict[str, Any]


class NotFound(Exception):
    """Anything the API does not serve: answered with 404 and a Dutch message."""


class BadRequest(Exception):
    """A query parameter that is not what the description says: 400 and a Dutch message."""


READ_METHODS = ("GET", "HEAD")


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only; any other method gets 405 in JSON with an Allow header.

    Exempt from CSRF: nothing here changes anything or reads a cookie, and without the
    exemption a POST would get the HTML "form expired" page instead of its 405.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in READ_METHODS:
            response = _json_response(
                request,
                {"fout": f"De API kan alleen lezen (GET of HEAD), niet {request.method}."},
                "no-store",
                status=405,
            )
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def api_view(view: Callable[..., tuple[Json, Report | None]]) -> Callable[..., HttpResponse]:
    """A view that returns (data, report): JSON out, caching headers, 404s as JSON."""

    @read_only
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            data, report = view(request, *args, **kwargs)
        except (NotFound, Http404) as error:
            gone = withdrawn.withdrawn_report(request)
            if gone is not None:
                notice = withdrawn.notice(gone)
                return _json_response(request, {"fout": notice}, "no-store", status=410)
            message = str(error) or "Niet gevonden."
            return _json_response(request, {"fout": message}, "no-store", status=404)
        except BadRequest as error:
            return _json_response(request, {"fout": str(error)}, "no-store", status=400)
        return _json_response(
            request, data, exports.cache_control(report) if report else LIST_CACHE
        )

    return wrapper


def _json_response(request: HttpRequest, data: Json, cache: str, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, default=exports.json_default).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    if status == 200 and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=JSON_MIME, status=status)
    if status == 200:
        response["ETag"] = etag
    response["Cache-Control"] = cache
    # Published open data, no cookies involved: any website may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Finding what is asked for: published reports only --------------------------------------


def _report(kind: str, year: int) -> Report:
    report = Report.objects.published().filter(kind=kind, year=year).first()
    if report is None:
        raise NotFound("Dit verslag bestaat niet of is niet gepubliceerd.")
    return report


def _program(kind: str, year: int, slug: str) -> Program:
    program = (
        Program.objects.at(kind, year, slug).filter(report__in=Report.objects.published()).first()
    )
    if program is None:
        raise NotFound("Dit programma bestaat niet of is niet gepubliceerd.")
    return program


def _page(request: HttpRequest, items: Sequence[Any], serialize: Callable[[Any], Json]) -> Json:
    raw = request.GET.get("pagina", "1")
    pages_count = max(1, -(-len(items) // PAGE_SIZE))
    # ASCII digits only: "²" and "٣" are digits to str.isdigit, and int() fails on the first.
    if not (raw.isascii() and raw.isdigit()):
        raise BadRequest(f"?pagina= is een paginanummer, zoals 1; niet {raw[:20]!r}.")
    number = int(raw)
    if not 1 <= number <= pages_count:
        raise NotFound(f"Deze pagina bestaat niet; kies een pagina van 1 tot en met {pages_count}.")
    base = request.build_absolute_uri(request.path)
    start = (number - 1) * PAGE_SIZE
    return {
        "aantal": len(items),
        "pagina": number,
        "paginas": pages_count,
        "volgende": f"{base}?pagina={number + 1}" if number < pages_count else None,
        "vorige": f"{base}?pagina={number - 1}" if number > 1 else None,
        "resultaten": [serialize(item) for item in items[start : start + PAGE_SIZE]],
    }


# What each thing looks like ---------------------------------------------------------------


class Shapes:
    """Turns report objects into the JSON the OpenAPI description promises."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def url(self, name: str, *args: Any) -> str:
        return self.request.build_absolute_uri(reverse(name, args=args))

    def report_summary(self, report: Report) -> Json:
        return {
            "soort": report.kind,
            "jaar": report.year,
            "titel": report.title,
            "status": report.status,
            "versie": report.version_label,
            "aangeboden_op": report.offered_on.isoformat() if report.offered_on else None,
            "vastgesteld_op": report.adopted_on.isoformat() if report.adopted_on else None,
            "url": self.url("api:report", report.kind, report.year),
            "pagina": self.url("programs:report", report.kind, report.year),
        }

    def program_summary(self, program: Program) -> Json:
        report = program.report
        return {
            "code": program.slug,
            "naam": program.name,
            "portefeuillehouder": program.portfolio_holder,
            "url": self.url("api:program", report.kind, report.year, program.slug),
            "pagina": self.url("programs:chapter", report.kind, report.year, program.slug),
        }

    def in_program(self, name: str, program: Program, *args: Any) -> str:
        return self.url(name, program.report.kind, program.report.year, program.slug, *args)

    @staticmethod
    def balance(row: CostRow, unit: MoneyUnit) -> Json:
        return (
            {"omschrijving": row.label, "eenheid": unit.code}
            | {column: unit.of(row[column].value) for column in SHOWN}
            | {"lege_regels": {column: row[column].empty for column in SHOWN}}
        )

    def goal(self, program: Program, view: pages.GoalView) -> Json:
        goal = view.goal
        return {
            "code": goal.code,
            "titel": goal.title,
            "url": self.in_program("api:goal", program, goal.code),
            "pagina": self.in_program("programs:goal", program, goal.code),
            "subdoelen": [self.subgoal(s) for s in view.subgoals],
            "indicatoren": [row.indicator.code for row in view.rows],
        }

    @staticmethod
    def subgoal(subgoal: Subgoal) -> Json:
        return {
            "code": subgoal.code,
            "titel": subgoal.title,
            "activiteiten": [a.code for a in subgoal.activities.all()],
        }

    def activity(self, program: Program, goal: Goal, subgoal: Subgoal, activity: Activity) -> Json:
        return {
            "code": activity.code,
            "plan": activity.plan,
            "realisatie": activity.realisation,
            "subdoel": subgoal.code,
            "doelstelling": goal.code,
            "url": self.in_program("api:activity", program, activity.code),
            "pagina": self.in_program("programs:activity", program, activity.code),
        }

    def indicator(
        self, program: Program, goal: Goal | None, table: pages.TableView, row: Any
    ) -> Json:
        indicator: Indicator = row.indicator
        values = []
        parts = [(None, row.cells)] + [(c.label, c.cells) for c in row.components]
        for label, cells in parts:
            for column, cell in zip(table.columns, cells, strict=True):
                if cell is not None:
                    values.append(
                        {
                            "onderdeel": label,
                            "kolom": column.key,
                            "kolomkop": column.label,
                            "jaar": column.year,
                            "gebied": column.spec.area or None,
                        }
                        | datarows.value_fields(cell.value, cell.footnotes, indicator.source)
                    )
        used = pages.footnote_marks(row)
        return {
            "code": indicator.code,
            "naam": indicator.name,
            "eenheid": indicator.unit or None,
            "verplicht": indicator.mandatory,
            "bbv": indicator.bbv.number if indicator.bbv else None,
            "richting": indicator.direction,
            "bron": indicator.source,
            "doelstelling": goal.code if goal else None,
            "tabel": table.table.kind,
            "url": self.in_program("api:indicator", program, indicator.code),
            "pagina": self.in_program("programs:indicator", program, indicator.code),
            "onderdelen": [c.label for c in indicator.components.all()],
            "waarden": values,
            "voetnoten_bij_naam": row.footnotes,
            # The texts behind every mark of this indicator: its name's and its values'.
            "voetnoten": [
                {"teken": note.mark, "soort": note.kind, "tekst": note.text}
                for note in table.footnotes
                if note.mark in used
            ],
        }

    @staticmethod
    def budget_line(
        row: CostRow, unit: MoneyUnit, rule: VarianceRule, changes: Sequence[BudgetChange] = ()
    ) -> Json:
        line = row.source
        assert isinstance(line, BudgetLine)
        variance = line.variance(rule)
        return (
            {
                "aard": line.nature,
                "soort": line.kind,
                "omschrijving": line.label,
                "taakveld": line.taakveld.code if line.taakveld else None,
                "eenheid": unit.code,
            }
            | {column: unit.of(row[column].value) for column in SHOWN}
            | {
                "afwijking": variance.key if variance else None,
                "toelichting": line.explanation,
                "wijzigingen": [Shapes.budget_change(change) for change in changes],
            }
        )

    @staticmethod
    def budget_change(change: BudgetChange) -> Json:
        document = change.document
        return {
            "omschrijving": change.description,
            "eenheid": EURO_UNIT.code,
            "bedrag": change.amount,
            "besluit": {
                "code": document.slug,
                "soort": document.kind,
                "onderwerp": document.subject,
                "datum": document.date.isoformat() if document.date else None,
                "jaar": document.date.year if document.date else document.year,
            },
        }

    def investment(self, program: Program, item: Investment) -> Json:
        unit = program.report.unit
        return {
            "kredietnummer": item.number,
            "naam": item.name,
            "eenheid": unit.code,
            "budget": unit.of(item.budget),
            "realisatie": unit.of(item.realised),
            "vrije_ruimte": unit.of(item.free_room),
            "status": item.status,
            "status_omschrijving": item.get_status_display(),
            "toelichting": item.explanation,
            "url": self.in_program("api:investment", program, item.number),
        }


def _activities(program: Program) -> list[tuple[Goal, Subgoal, Activity]]:
    return [
        (view.goal, subgoal, activity)
        for view in pages.goal_views(program)
        for subgoal in view.subgoals
        for activity in subgoal.activities.all()
    ]


def _indicators(program: Program) -> list[tuple[Goal | None, pages.TableView, Any]]:
    return list(pages.indicator_rows(program))


# Views ------------------------------------------------------------------------------------


@api_view
def index(request: HttpRequest) -> tuple[Json, None]:
    shapes = Shapes(request)
    return {"verslagen": shapes.url("api:reports"), "openapi": shapes.url("api:openapi")}, None


@api_view
def report_list(request: HttpRequest) -> tuple[Json, None]:
    reports = list(Report.objects.published().order_by("-year", "kind"))
    return _page(request, reports, Shapes(request).report_summary), None


@api_view
def report_detail(request: HttpRequest, kind: str, year: int) -> tuple[Json, Report]:
    report = _report(kind, year)
    shapes = Shapes(request)
    programs = list(report.programs.all())
    for program in programs:
        program.report = report
    data = shapes.report_summary(report) | {
        "programmas": [shapes.program_summary(p) for p in programs]
    }
    return data, report


@api_view
def program_detail(request: HttpRequest, kind: str, year: int, program: str) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    shapes = Shapes(request)
    links = {key: shapes.in_program(f"api:{name}", found) for key, name in LIST_URLS.items()}
    rows = program_cost_table(found)
    data = shapes.program_summary(found) | {
        "verslag": shapes.url("api:report", kind, year),
        "links": links,
        "saldi": [shapes.balance(row, found.report.unit) for row in rows if row.is_total],
    }
    return data, found.report


@api_view
def goal_list(request: HttpRequest, kind: str, year: int, program: str) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    shapes = Shapes(request)
    views = pages.goal_views(found)
    return _page(request, views, lambda view: shapes.goal(found, view)), found.report


@api_view
def goal_detail(
    request: HttpRequest, kind: str, year: int, program: str, code: str
) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    views = pages.goal_views(found, {"code": code})
    if not views:
        raise NotFound("Deze doelstelling bestaat niet in dit programma.")
    return Shapes(request).goal(found, views[0]), found.report


@api_view
def activity_list(request: HttpRequest, kind: str, year: int, program: str) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    shapes = Shapes(request)
    return _page(request, _activities(found), lambda t: shapes.activity(found, *t)), found.report


@api_view
def activity_detail(
    request: HttpRequest, kind: str, year: int, program: str, code: str
) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    match = next((t for t in _activities(found) if t[2].code == code), None)
    if match is None:
        raise NotFound("Deze activiteit bestaat niet in dit programma.")
    return Shapes(request).activity(found, *match), found.report


@api_view
def indicator_list(request: HttpRequest, kind: str, year: int, program: str) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    shapes = Shapes(request)
    return _page(request, _indicators(found), lambda t: shapes.indicator(found, *t)), found.report


@api_view
def indicator_detail(
    request: HttpRequest, kind: str, year: int, program: str, code: str
) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    match = next((t for t in _indicators(found) if t[2].indicator.code == code), None)
    if match is None:
        raise NotFound("Deze indicator bestaat niet in dit programma.")
    return Shapes(request).indicator(found, *match), found.report


@api_view
def budget_list(request: HttpRequest, kind: str, year: int, program: str) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    lines = [row for row in program_cost_table(found) if not row.is_total]
    unit = found.report.unit
    changes: dict[int, list[BudgetChange]] = {}
    for change in BudgetChange.objects.filter(program=found).select_related("document"):
        changes.setdefault(change.line_id, []).append(change)
    return _page(
        request,
        lines,
        lambda row: Shapes.budget_line(
            row, unit, found.report.variance_rule, changes.get(row.source.pk, [])
        ),
    ), found.report


@api_view
def investment_list(
    request: HttpRequest, kind: str, year: int, program: str
) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    shapes = Shapes(request)
    items = list(Investment.objects.filter(program=found))
    return _page(request, items, lambda item: shapes.investment(found, item)), found.report


@api_view
def investment_detail(
    request: HttpRequest, kind: str, year: int, program: str, number: str
) -> tuple[Json, Report]:
    found = _program(kind, year, program)
    item = Investment.objects.filter(program=found, number=number).first()
    if item is None:
        raise NotFound("Deze investering bestaat niet in dit programma.")
    return Shapes(request).investment(found, item), found.report


@read_only
def openapi(request: HttpRequest) -> HttpResponse:
    return _json_response(request, openapi_document(), "public, max-age=3600")


@read_only
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /api/: 404 in JSON, as every API path answers.

    An address that misses only its closing slash is sent on to the one with it, as
    Django's APPEND_SLASH does for the site (this catch-all would otherwise hide it).
    """
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not-found":
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return _json_response(
        request, {"fout": "Dit adres bestaat niet in de API; zie /api/."}, "no-store", status=404
    )


# The OpenAPI 3.1 description -------------------------------------------------------------


def _object(properties: Json) -> Json:
    """An object with exactly these properties, all of them always present."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str) -> Json:
    return {"type": [kind, "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
URI = {"type": "string", "format": "uri"}
EUROS = {
    "type": ["integer", "null"],
    "description": "In de eenheid van het veld eenheid (duizend_euro: x € 1.000; euro: hele "
    "euro's), zoals het verslag ze gaf; negatief is een last; null is nog niet ingevuld "
    "(niet nul).",
}
UNIT = {
    "type": "string",
    "enum": [unit.code for unit in UNITS.values()],
    "description": "De eenheid van de bedragen: duizend_euro (x € 1.000) of euro (hele euro's).",
}


def _page_schema(item: str) -> Json:
    return _object(
        {
            "aantal": INTEGER,
            "pagina": INTEGER,
            "paginas": INTEGER,
            "volgende": _nullable("string"),
            "vorige": _nullable("string"),
            "resultaten": {"type": "array", "items": _ref(item)},
        }
    )


def _schemas() -> Json:
    report_summary = {
        "soort": {"type": "string", "enum": list(ReportKind.values)},
        "jaar": INTEGER,
        "titel": STRING,
        "status": {
            "type": "string",
            "enum": [ReportStatus.OFFERED.value, ReportStatus.ADOPTED.value],
        },
        "versie": STRING,
        "aangeboden_op": {
            "type": ["string", "null"],
            "format": "date",
            "description": "Het collegebesluit waarmee het verslag aan de raad is aangeboden.",
        },
        "vastgesteld_op": {"type": ["string", "null"], "format": "date"},
        "url": URI,
        "pagina": URI,
    }
    program_summary = {
        "code": STRING,
        "naam": STRING,
        "portefeuillehouder": STRING,
        "url": URI,
        "pagina": URI,
    }
    amounts = {
        column: {**EUROS, "description": f"{MEANINGS[column]} {EUROS['description']}"}
        for column in SHOWN
    }
    return {
        "Fout": _object({"fout": STRING}),
        "Index": _object({"verslagen": URI, "openapi": URI}),
        "VerslagKort": _object(report_summary),
        "Verslag": _object(
            report_summary | {"programmas": {"type": "array", "items": _ref("ProgrammaKort")}}
        ),
        "ProgrammaKort": _object(program_summary),
        "Programma": _object(
            program_summary
            | {
                "verslag": URI,
                "links": _object(dict.fromkeys(LIST_URLS, URI)),
                "saldi": {"type": "array", "items": _ref("Saldo")},
            }
        ),
        "Saldo": _object(
            {"omschrijving": STRING, "eenheid": UNIT}
            | amounts
            | {
                "lege_regels": {
                    **_object({column: INTEGER for column in amounts}),
                    "description": "Per kolom het aantal regels zonder bedrag; het saldo "
                    "telt alleen de ingevulde regels op.",
                }
            }
        ),
        "Doelstelling": _object(
            {
                "code": STRING,
                "titel": STRING,
                "url": URI,
                "pagina": URI,
                "subdoelen": {"type": "array", "items": _ref("Subdoel")},
                "indicatoren": {"type": "array", "items": STRING},
            }
        ),
        "Subdoel": _object(
            {"code": STRING, "titel": STRING, "activiteiten": {"type": "array", "items": STRING}}
        ),
        "Activiteit": _object(
            {
                "code": STRING,
                "plan": STRING,
                "realisatie": STRING,
                "subdoel": STRING,
                "doelstelling": STRING,
                "url": URI,
                "pagina": URI,
            }
        ),
        "Indicator": _object(
            {
                "code": STRING,
                "naam": STRING,
                "eenheid": _nullable("string"),
                "verplicht": {
                    "type": "boolean",
                    "description": "Zoals het verslag ‘(verplicht)’ drukt; of het een "
                    "BBV-beleidsindicator is, zegt bbv.",
                },
                "bbv": {
                    **_nullable("integer"),
                    "description": "Het nummer op de lijst van BBV-beleidsindicatoren "
                    "(Regeling beleidsindicatoren gemeenten), of null.",
                },
                "richting": {"type": "string", "enum": list(DirectionChoices.values)},
                "bron": STRING,
                "doelstelling": {
                    **_nullable("string"),
                    "description": "null: de tabel staat direct onder het programma (BBV).",
                },
                "tabel": {"type": "string", "enum": list(IndicatorKind.values)},
                "url": URI,
                "pagina": URI,
                "onderdelen": {"type": "array", "items": STRING},
                "waarden": {"type": "array", "items": _ref("Waarde")},
                "voetnoten_bij_naam": {
                    "type": "array",
                    "items": STRING,
                    "description": "De voetnoten bij de naam van de indicator, zoals het "
                    "verslag ze aanduidt.",
                },
                "voetnoten": {
                    "type": "array",
                    "items": _ref("Voetnoot"),
                    "description": "De tekst achter elke voetnoot die de naam of een waarde "
                    "van deze indicator noemt.",
                },
            }
        ),
        "Voetnoot": _object(
            {
                "teken": {
                    **STRING,
                    "description": "Hoe het verslag de voetnoot aanduidt: een nummer of een "
                    "letter (A).",
                },
                "soort": {"type": "string", "enum": list(FootnoteKind.values)},
                "tekst": STRING,
            }
        ),
        "Waarde": _object(
            {
                "onderdeel": _nullable("string"),
                "kolom": {
                    "type": "string",
                    "description": "De kolom van de tabel: realisatie_vorig, begroot en "
                    "realisatie voor de drie vaste kolommen; andere kolommen heten naar soort, "
                    "jaar en gebied, zoals realisatie_2021, streefwaarde_2030 of "
                    "vergelijking_2022_nederland.",
                    "pattern": "^[a-z0-9_]+$",
                },
                "kolomkop": {
                    **STRING,
                    "description": "De kop van de kolom zoals de tabel hem toont.",
                },
                "jaar": INTEGER,
                "gebied": {
                    **_nullable("string"),
                    "description": "Het gebied van een vergelijking (Nederland, de regio); null "
                    "voor de gemeente zelf.",
                },
                "staat": {"type": "string", "enum": list(datarows.STATE_NAMES.values())},
                "getal": {
                    "type": ["number", "null"],
                    "description": "Leeg (null) als de waarde geen getal is; nooit een nepgetal.",
                },
                "procent": _nullable("boolean"),
                "tweede_getal": _nullable("number"),
                "tweede_procent": _nullable("boolean"),
                "toevoeging": _nullable("string"),
                "tweede_soort": {
                    "type": ["string", "null"],
                    "enum": [*datarows.SECOND_KINDS.values(), None],
                    "description": "Hoe het tweede getal bij het eerste hoort: deel (14/215 "
                    "per week) of eigen_eenheid (35 trajecten, 12,3 per 10.000: twee cijfers, "
                    "elk met een eigen eenheid; het oordeel gebruikt het cijfer in de eenheid "
                    "van de indicator).",
                },
                "tweede_toevoeging": {
                    **_nullable("string"),
                    "description": "De eenheid van het tweede cijfer bij eigen_eenheid.",
                },
                "tekst": _nullable("string"),
                "markering": {
                    "type": ["string", "null"],
                    "description": "De markering van een onbekende waarde, zoals NB.",
                },
                "waarde": {"type": "string", "description": "Zoals het verslag de waarde toont."},
                "voetnoten": {
                    "type": "array",
                    "items": STRING,
                    "description": "De voetnoten bij het cijfer zoals het verslag ze aanduidt: "
                    'een nummer ("4") of een letter ("A"). Bij staat voetnoot staat alleen '
                    "de voetnoot in de cel, in plaats van een cijfer.",
                },
                "over_jaar": {
                    "type": ["integer", "null"],
                    "description": "Het jaar waarover het cijfer gaat, als dat niet ‘jaar’ is "
                    "(het cijfer van 2022 in de kolom van 2023, omdat dat van 2023 nog niet "
                    "bekend is). Zo'n cijfer wordt niet met de streefwaarde vergeleken.",
                },
                "peildatum": {
                    "type": ["string", "null"],
                    "format": "date",
                    "description": "De dag waarop het cijfer is gemeten, als de bron die noemt "
                    "(peildatum 1 maart 2024: 2024-03-01).",
                },
                "bron": {
                    "type": ["string", "null"],
                    "description": "Waar het cijfer vandaan komt: de eigen bron van het cijfer, "
                    "anders die van de indicator.",
                },
            }
        ),
        "Begrotingsregel": _object(
            {
                "aard": {"type": "string", "enum": list(BudgetNature.values)},
                "soort": {"type": "string", "enum": list(BudgetKind.values)},
                "omschrijving": STRING,
                "taakveld": {
                    "type": ["string", "null"],
                    "description": "De code van het taakveld (BBV, Iv3) waarop de regel is "
                    "geboekt, zoals 6.71; null als die niet is opgegeven.",
                },
                "eenheid": UNIT,
            }
            | amounts
            | {
                "afwijking": {
                    "type": ["string", "null"],
                    "enum": [*VARIANCES, None],
                    "description": "Door deze website bepaald uit het budgetresultaat en de "
                    "drempel van het verslag (niet uit het verslag zelf); null zolang de "
                    "rekening leeg is.",
                },
                "toelichting": {
                    "type": "string",
                    "description": "Waarom het budgetresultaat afwijkt; leeg als er geen is.",
                },
                "wijzigingen": {
                    "type": "array",
                    "items": _ref("Begrotingswijziging"),
                    "description": "De vastgelegde begrotingswijzigingen van de regel, met het "
                    "besluit erachter. Wat ze niet verklaren van begroting_totaal − "
                    "begroting_primitief zijn overige wijzigingen.",
                },
            }
        ),
        "Begrotingswijziging": _object(
            {
                "omschrijving": STRING,
                "eenheid": {**UNIT, "description": "Altijd euro: zoals het besluit het noemt."},
                "bedrag": {
                    "type": "integer",
                    "description": "In hele euro's; negatief is een hogere last of lagere bate.",
                },
                "besluit": _object(
                    {
                        "code": STRING,
                        "soort": {"type": "string", "enum": list(DocumentKind.values)},
                        "onderwerp": STRING,
                        "datum": {
                            "type": ["string", "null"],
                            "format": "date",
                            "description": "Raadsvergadering, anders collegebesluit; null als "
                            "alleen het jaar bekend is.",
                        },
                        "jaar": _nullable("integer"),
                    }
                ),
            }
        ),
        "Investering": _object(
            {
                "kredietnummer": STRING,
                "naam": STRING,
                "eenheid": UNIT,
                "budget": {**EUROS, "type": "integer"},
                "realisatie": EUROS,
                "vrije_ruimte": {
                    **EUROS,
                    "description": "Berekend: budget − realisatie; null zolang die leeg is.",
                },
                "status": {"type": "string", "enum": list(InvestmentStatus.values)},
                "status_omschrijving": STRING,
                "toelichting": STRING,
                "url": URI,
            }
        ),
        **{
            f"Pagina{name}": _page_schema(name)
            for name in (
                "VerslagKort",
                "Doelstelling",
                "Activiteit",
                "Indicator",
                "Begrotingsregel",
                "Investering",
            )
        },
    }


def _parameter(name: str, schema: Json, description: str, where: str = "path") -> Json:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


PARAMETERS = {
    "soort": _parameter(
        "soort", {"type": "string", "enum": list(ReportKind.values)}, "Soort verslag."
    ),
    "jaar": _parameter("jaar", INTEGER, "Jaar van het verslag."),
    "programma": _parameter("programma", STRING, "Code van het programma, zoals sociaal."),
    "code": _parameter(
        "code", {"type": "string", "pattern": f"^{ITEM_CODE}$"}, "Code, zoals 3.1.4 of 20.a."
    ),
    "kredietnummer": _parameter("kredietnummer", STRING, "Kredietnummer, zoals 760124."),
    "pagina": _parameter(
        "pagina", {"type": "integer", "minimum": 1}, "Paginanummer, vanaf 1.", where="query"
    ),
}


def _operation(summary: str, schema: str, parameters: list[str], cached: bool = True) -> Json:
    headers = {
        "Cache-Control": {
            "description": "Een vastgesteld verslag een dag, een aangeboden verslag vijf minuten.",
            "schema": STRING,
        },
        "ETag": {"description": "Voor If-None-Match.", "schema": STRING},
    }
    responses: Json = {
        "200": {
            "description": "Gevonden.",
            "headers": headers if cached else {},
            "content": {JSON_MIME: {"schema": _ref(schema)}},
        },
        "304": {"description": "Niet gewijzigd sinds de ETag in If-None-Match."},
    }
    if "pagina" in parameters:
        responses["400"] = {
            "description": "?pagina= is geen paginanummer.",
            "content": {JSON_MIME: {"schema": _ref("Fout")}},
        }
    if parameters:
        responses["404"] = {
            "description": "Bestaat niet of is niet gepubliceerd (concepten zijn nooit zichtbaar).",
            "content": {JSON_MIME: {"schema": _ref("Fout")}},
        }
    return {
        "get": {
            "summary": summary,
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
            "responses": responses,
        }
    }


def openapi_document() -> Json:
    program = ["soort", "jaar", "programma"]
    base = "/api/{soort}/{jaar}/{programma}/"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.MUNICIPALITY_NAME} — verantwoording sociaal domein",
            "version": "1.0.0",
            "description": (
                "Alleen-lezen toegang tot de gepubliceerde jaarstukken en begrotingen: "
                "programma's, doelstellingen, activiteiten, indicatoren met hun waarden, "
                "begrotingsregels en investeringen. Adressen gebruiken dezelfde codes als de "
                "webpagina's. Lijsten hebben pagina's van "
                f"{PAGE_SIZE} met ?pagina=. Bedragen in de eenheid die het verslag gaf (veld "
                "eenheid): duizend_euro of euro."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/": _operation("Ingang van de API", "Index", [], cached=False),
            "/api/openapi.json": {
                "get": {
                    "summary": "Deze beschrijving",
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
            "/api/verslagen/": _operation(
                "Gepubliceerde verslagen", "PaginaVerslagKort", ["pagina"]
            ),
            "/api/{soort}/{jaar}/": _operation("Een verslag", "Verslag", ["soort", "jaar"]),
            base: _operation("Een programma, met de saldi van zijn kosten", "Programma", program),
            base + "doelstellingen/": _operation(
                "Doelstellingen", "PaginaDoelstelling", [*program, "pagina"]
            ),
            base + "doelstellingen/{code}/": _operation(
                "Een doelstelling", "Doelstelling", [*program, "code"]
            ),
            base + "activiteiten/": _operation(
                "Activiteiten", "PaginaActiviteit", [*program, "pagina"]
            ),
            base + "activiteiten/{code}/": _operation(
                "Een activiteit", "Activiteit", [*program, "code"]
            ),
            base + "indicatoren/": _operation(
                "Indicatoren met hun waarden", "PaginaIndicator", [*program, "pagina"]
            ),
            base + "indicatoren/{code}/": _operation(
                "Een indicator met zijn waarden", "Indicator", [*program, "code"]
            ),
            base + "begroting/": _operation(
                "Begrotingsregels met budgetresultaat",
                "PaginaBegrotingsregel",
                [*program, "pagina"],
            ),
            base + "investeringen/": _operation(
                "Investeringen met vrije ruimte", "PaginaInvestering", [*program, "pagina"]
            ),
            base + "investeringen/{kredietnummer}/": _operation(
                "Een investering", "Investering", [*program, "kredietnummer"]
            ),
        },
        "components": {"schemas": _schemas(), "parameters": PARAMETERS},
    }
