"""The read API: published data as JSON, true to its own OpenAPI description."""

import re
from collections import deque
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate as validate_openapi

from indicators.models import DirectionChoices, Indicator, IndicatorKind
from investments.models import BudgetKind, BudgetNature, InvestmentStatus
from opendata.api import PAGE_SIZE
from programs.models import Activity, Report, ReportStatus

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
PROGRAM = "/api/jaarstukken/2023/sociaal/"


def check(document: dict, schema: dict, value: Any) -> list[str]:
    """Problems of value against a schema of the description, by the OpenAPI 3.1 dialect of
    JSON Schema (openapi-schema-validator on jsonschema); "#/components/..." refs resolve
    against the description itself."""
    rooted = {**schema, "components": document.get("components", {})}
    validator = OAS31Validator(rooted, format_checker=oas31_format_checker)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
        for e in validator.iter_errors(value)
    ]


def operation_for(document: dict, path: str) -> tuple[str, dict]:
    """The path template of the description that this request path falls under."""
    templates = sorted(document["paths"], key=lambda t: t.count("{"))
    for template in templates:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return template, document["paths"][template]["get"]
    raise AssertionError(f"{path} is not in the OpenAPI description")


def checked(client: Client, document: dict, url: str, status: int = 200) -> dict:
    """GET url and check the response, status and body, against the description."""
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    path = url.removeprefix(BASE).split("?")[0]
    template, operation = operation_for(document, path)
    described = operation["responses"][str(status)]
    assert response["Content-Type"] == "application/json"
    schema = described["content"]["application/json"]["schema"]
    body = response.json()
    assert check(document, schema, body) == [], (url, template)
    return body


def links_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [link for item in value.values() for link in links_in(item)]
    if isinstance(value, list):
        return [link for item in value for link in links_in(item)]
    if isinstance(value, str) and value.startswith(BASE + "/api/"):
        return [value]
    return []


@pytest.fixture
def openapi(client: Client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_descriptions_word_lists_are_the_models_choices(openapi: dict) -> None:
    """A choice added to a model is in the description at once, never typed twice."""
    schemas = openapi["components"]["schemas"]

    def enum(schema: str, field: str) -> list[str]:
        return schemas[schema]["properties"][field]["enum"]

    assert enum("Indicator", "richting") == list(DirectionChoices.values)
    assert (
        enum("Indicator", "tabel") == ["effect", "prestatie", "bbv"] == list(IndicatorKind.values)
    )
    # A table defines its columns: the description names the fixed keys and the pattern.
    kolom = schemas["Waarde"]["properties"]["kolom"]
    assert kolom["pattern"] == "^[a-z0-9_]+$"
    assert all(key in kolom["description"] for key in ["realisatie_vorig", "begroot"])
    assert enum("Begrotingsregel", "aard") == list(BudgetNature.values)
    assert enum("Begrotingsregel", "soort") == list(BudgetKind.values)
    assert enum("Investering", "status") == list(InvestmentStatus.values)


def test_the_description_is_openapi_3_1_and_covers_every_api_url(openapi: dict) -> None:
    assert openapi["openapi"] == "3.1.0"
    validate_openapi(openapi)  # against the OpenAPI 3.1 meta-schema; raises on any fault
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "api")
    assert isinstance(api, URLResolver)
    routes = []
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "not-found":  # the JSON 404 for every address not described
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        routes.append("/api/" + route)
    names = {"kind": "soort", "year": "jaar", "program": "programma", "number": "kredietnummer"}
    expected = {
        re.sub(r"\{(\w+)\}", lambda m: "{" + names.get(m[1], m[1]) + "}", r) for r in routes
    }
    assert expected == set(openapi["paths"])


def test_every_api_response_matches_the_openapi_description(
    client: Client, seeded: dict[int, Report], budget_2023: Report, openapi: dict
) -> None:
    """Follow every link from the entrance, through reports of both kinds, and check each
    answer against the description."""
    seen: set[str] = set()
    queue = deque([BASE + "/api/"])
    while queue:
        url = queue.popleft()
        if url in seen or url.endswith("openapi.json"):
            continue
        seen.add(url)
        queue.extend(links_in(checked(client, openapi, url)))
    paths = {url.removeprefix(BASE).split("?")[0] for url in seen}
    templates = {operation_for(openapi, path)[0] for path in paths}
    assert templates == set(openapi["paths"]) - {"/api/openapi.json"}
    assert BASE + PROGRAM + "indicatoren/?pagina=3" in seen
    assert BASE + PROGRAM + "indicatoren/3.1.4/" in seen
    assert BASE + "/api/jaarstukken/2020/sociaal/" in seen
    assert BASE + "/api/programmabegroting/2023/sociaal/indicatoren/3.1.4/" in seen
    for indicator in Indicator.objects.filter(table__program__report__year=2023):
        assert f"{BASE}{PROGRAM}indicatoren/{indicator.code}/" in seen
    for activity in Activity.objects.filter(subgoal__goal__program__report__year=2023):
        assert f"{BASE}{PROGRAM}activiteiten/{activity.code}/" in seen


def test_errors_match_the_description_too(
    client: Client, seeded: dict[int, Report], openapi: dict
) -> None:
    for url in [
        "/api/jaarstukken/2019/",
        PROGRAM + "indicatoren/9.9.9/",
        PROGRAM + "investeringen/000000/",
        PROGRAM + "indicatoren/?pagina=99",
    ]:
        body = checked(client, openapi, url, status=404)
        assert body["fout"]
    body = checked(client, openapi, PROGRAM + "indicatoren/?pagina=%C2%B2", status=400)
    assert body["fout"]


def test_an_indicator_is_addressed_by_its_permalink_code(
    client: Client, report_2023: Report
) -> None:
    body = client.get(PROGRAM + "indicatoren/3.1.3/").json()
    assert body["pagina"] == BASE + "/jaarstukken/2023/sociaal/indicator/3.1.3/"
    assert body["verplicht"] is True and body["doelstelling"] == "3"
    realisation = next(v for v in body["waarden"] if v["kolom"] == "realisatie")
    assert realisation["jaar"] == 2023
    assert (realisation["getal"], realisation["procent"]) == (73.6, True)
    assert realisation["waarde"] == "73,6%"
    body = client.get(PROGRAM + "indicatoren/2.3.1/").json()
    unknown = next(v for v in body["waarden"] if v["kolom"] == "realisatie")
    assert unknown["getal"] is None
    assert (unknown["staat"], unknown["markering"], unknown["waarde"]) == (
        "niet_bekend",
        "NB",
        "NB",
    )
    body = client.get(PROGRAM + "indicatoren/5.3.1/").json()
    assert body["onderdelen"] == ["Roken", "Alcohol", "Drugs"]
    assert {v["onderdeel"] for v in body["waarden"]} == {"Roken", "Alcohol", "Drugs"}


def test_goals_and_activities_are_addressed_by_their_codes(
    client: Client, report_2023: Report
) -> None:
    goal = client.get(PROGRAM + "doelstellingen/5/").json()
    assert goal["titel"].startswith("Alle inwoners hebben gelijke kansen")
    assert "5.3.3" in [code for s in goal["subdoelen"] for code in s["activiteiten"]]
    assert "5.3.1" in goal["indicatoren"]
    activity = client.get(PROGRAM + "activiteiten/4.2.3/").json()
    assert activity["realisatie"].startswith("In 2023 heeft School’s Cool in Diemen")
    assert (activity["subdoel"], activity["doelstelling"]) == ("4.2", "4")


def test_budget_lines_and_investments_carry_their_computed_columns(
    client: Client, report_2023: Report
) -> None:
    lines = client.get(PROGRAM + "begroting/").json()["resultaten"]
    line = next(r for r in lines if r["omschrijving"] == "Structurele lasten")
    # Exactly the printed figures, in the unit they were given in: no invented euros.
    assert (line["eenheid"], line["begroting_totaal"], line["budgetresultaat"]) == (
        "duizend_euro",
        -25414,
        1141,
    )
    income = next(r for r in lines if r["omschrijving"] == "Structurele baten")
    assert income["budgetresultaat"] == -32, "as printed, not 1.516 - 1.549"
    program = client.get(PROGRAM).json()
    balances = {row["omschrijving"]: row for row in program["saldi"]}
    assert balances["Saldo Structureel"]["begroting_totaal"] == -23866
    assert balances["Saldo Structureel"]["budgetresultaat"] == 1176
    assert balances["Saldo van de baten en lasten"]["rekening"] == -24009
    item = client.get(PROGRAM + "investeringen/760124/").json()
    assert (item["eenheid"], item["budget"], item["realisatie"], item["vrije_ruimte"]) == (
        "duizend_euro",
        2400,
        162,
        2238,
    )


def test_lists_are_paginated_with_a_count_and_links(client: Client, report_2023: Report) -> None:
    total = Indicator.objects.filter(table__program__report=report_2023).count()
    assert total > 2 * PAGE_SIZE
    first = client.get(PROGRAM + "indicatoren/").json()
    assert first["aantal"] == total and first["pagina"] == 1 and first["paginas"] == 3
    assert len(first["resultaten"]) == PAGE_SIZE
    assert first["vorige"] is None
    assert first["volgende"] == BASE + PROGRAM + "indicatoren/?pagina=2"
    last = client.get(PROGRAM + "indicatoren/?pagina=3").json()
    assert last["volgende"] is None
    assert last["vorige"] == BASE + PROGRAM + "indicatoren/?pagina=2"
    assert len(last["resultaten"]) == total - 2 * PAGE_SIZE
    codes = [
        i["code"]
        for p in (1, 2, 3)
        for i in client.get(f"{PROGRAM}indicatoren/?pagina={p}").json()["resultaten"]
    ]
    assert len(codes) == len(set(codes)) == total
    for wrong in ["0", "4"]:  # a page number, but no such page
        response = client.get(PROGRAM + f"indicatoren/?pagina={wrong}")
        assert response.status_code == 404 and "pagina" in response.json()["fout"]
    for wrong in ["abc", "-1", "²", "٣", "1.5", ""]:  # not a page number at all
        response = client.get(PROGRAM + "indicatoren/", {"pagina": wrong})
        assert response.status_code == 400, wrong
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["fout"].startswith("?pagina= is een paginanummer, zoals 1")


def test_drafts_are_never_served_not_even_to_staff(
    client: Client, finance: User, concept_2024: Report
) -> None:
    client.force_login(finance)
    for url in ["/api/jaarstukken/2024/", "/api/jaarstukken/2024/sociaal/indicatoren/3.1.3/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "niet gepubliceerd" in response.json()["fout"]
    titles = [r["titel"] for r in client.get("/api/verslagen/").json()["resultaten"]]
    assert titles == ["Jaarstukken 2023", "Jaarstukken 2020"]  # the seed's, not the draft


def test_adopted_reports_may_be_cached_for_a_day_with_an_etag(
    client: Client, report_2023: Report
) -> None:
    response = client.get(PROGRAM + "indicatoren/3.1.3/")
    assert response["Cache-Control"] == "public, max-age=86400"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(PROGRAM + "indicatoren/3.1.3/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    other = client.get(PROGRAM + "indicatoren/3.1.4/")
    assert other["ETag"] != etag


def test_offered_reports_and_lists_are_cached_briefly(client: Client, concept_2024: Report) -> None:
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    response = client.get("/api/jaarstukken/2024/sociaal/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert client.get("/api/verslagen/")["Cache-Control"] == "public, max-age=300"
    assert client.get(PROGRAM)["Cache-Control"] == "public, max-age=86400"


def test_the_api_only_reads_and_says_so_in_json(report_2023: Report) -> None:
    # With CSRF checks on, as in production: a POST is refused as a method, not as a form.
    client = Client(enforce_csrf_checks=True)
    for method, url in [
        ("post", PROGRAM + "indicatoren/"),
        ("delete", PROGRAM),
        ("put", "/api/openapi.json"),
        ("patch", "/api/"),
        ("post", "/api/bestaat/niet/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert response["Content-Type"] == "application/json"
        assert response["Allow"] == "GET, HEAD"
        assert "alleen lezen" in response.json()["fout"]


def test_every_other_address_under_the_api_is_a_404_in_json(
    client: Client, report_2023: Report
) -> None:
    for url in [
        "/api/bestaat/niet/",
        "/api/jaarstukken/-1/",
        "/api/onbekend/2023/sociaal/",
        "/api/jaarstukken/2023/sociaal/indicatoren/%0A/",
        "/api/jaarstukken/2023/sociaal/indicatoren/3.1.4/extra/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"fout": "Dit adres bestaat niet in de API; zie /api/."}
    # An address that lacks only its closing slash is sent on, as everywhere on the site.
    response = client.get("/api/verslagen?pagina=1")
    assert (response.status_code, response["Location"]) == (301, "/api/verslagen/?pagina=1")


def test_the_checker_finds_what_does_not_match(openapi: dict) -> None:
    """A check that cannot fail proves nothing: a wrong body is caught."""
    schema = {"$ref": "#/components/schemas/" + next(iter(openapi["components"]["schemas"]))}
    assert check(openapi, schema, "geen object") != []
    assert check(openapi, {"type": "string", "format": "date"}, "27 juni 2024") != []
    assert check(openapi, {"type": "string", "format": "date"}, "2024-06-27") == []
