"""Hostile and random input: parsers never crash, forms and pages never answer 5xx.

Property-based (hypothesis) where the input space is large; example counts are
kept modest so CI stays fast (200 for pure functions, 30 for views).
"""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from diemen_sociaal.lib.dutch import DutchNumberError, format_number, parse_number
from diemen_sociaal.lib.values import InvalidValue, Value, ValueState, format_value, parse_value
from indicators.models import Indicator
from programs.models import Report
from tests.client import ClientResponse

PURE = hypothesis_settings(max_examples=200, deadline=None)
VIEWS = hypothesis_settings(
    max_examples=30,
    deadline=None,
    # The database fixture is shared by all examples on purpose: each example reads the
    # current version before it posts, so earlier saves do not matter.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text people type or paste, plus markup, SQL and control characters.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "1; DROP TABLE programs_report; --",
    "%00",
    "\x00",
    "a\x00b",
    "9" * 400,
    "-" + "9" * 60,
    "1e999999",
    "x" * 10_000,
    "../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "\u202e\u200b\ufeff",
    "😀" * 50,
    "NaN",
    "Infinity",
    "12.345.678,901234567890123456789",
]
MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']

# Numbers as people write them: a sign, up to what a value may hold, up to 6 decimals.
decimals = st.integers(min_value=0, max_value=6)


@st.composite
def number_with_decimals(draw: st.DrawFn) -> tuple[Decimal, int]:
    places = draw(decimals)
    whole = draw(st.integers(min_value=0, max_value=10**14 - 1))
    fraction = draw(st.integers(min_value=0, max_value=10**places - 1))
    sign = -1 if draw(st.booleans()) else 1
    value = sign * (Decimal(whole) + Decimal(fraction).scaleb(-places))
    return value.quantize(Decimal(1).scaleb(-places)), places


# --- the pure parsers -----------------------------------------------------------------------


@PURE
@given(number_with_decimals())
def test_a_formatted_number_reads_back_as_itself(item: tuple[Decimal, int]) -> None:
    number, places = item
    text = format_number(number, places)
    assert parse_number(text) == (number, places)


@PURE
@given(st.integers(min_value=-(10**40), max_value=10**40), decimals)
def test_any_number_can_be_formatted_and_read_back(whole: int, places: int) -> None:
    """Also beyond the 28 digits of Python's default decimal precision."""
    text = format_number(Decimal(whole), places)
    number, read_places = parse_number(text)
    assert number == whole and read_places == places


@PURE
@given(st.text())
@example("9" * 400)
@example("1.2.3")
@example("٣٤")  # Arabic-Indic digits are digits to Python, not to a Dutch reader
@example("\x00")
def test_any_text_is_a_number_or_a_dutch_number_error(text: str) -> None:
    try:
        number, places = parse_number(text)
    except DutchNumberError as error:
        assert "geen geldig getal" in str(error)
    else:
        assert isinstance(number, Decimal) and places >= 0
        format_number(number, places)


@PURE
@given(st.text())
@example("10000000000000000000000000000")
@example("1,1234567")
@example("14/" + "9" * 40 + " per week")
@example("-0")
def test_any_text_is_a_value_or_a_dutch_invalid_value(text: str) -> None:
    try:
        value = parse_value(text)
    except InvalidValue as error:
        assert str(error) and not str(error).startswith("[")  # a sentence, not an exception repr
        return
    canonical = format_value(value)
    # The canonical notation is a fixed point: reading it again changes nothing.
    assert format_value(parse_value(canonical)) == canonical


@PURE
@given(
    number_with_decimals(),
    st.booleans(),
    st.one_of(st.none(), number_with_decimals()),
    st.sampled_from(["", "per week", "corona jeugdmonitor 2021-2022"]),
)
def test_a_number_value_round_trips(
    first: tuple[Decimal, int],
    percent: bool,
    second: tuple[Decimal, int] | None,
    qualifier: str,
) -> None:
    if second is not None and second[0] < 0:
        second = (-second[0], second[1])  # the second number of "14/215" has no sign
    value = Value(
        ValueState.NUMBER,
        number=first[0],
        decimals=first[1],
        percent=percent,
        number_2=second[0] if second else None,
        decimals_2=second[1] if second else 0,
        qualifier=qualifier,
    )
    assert parse_value(format_value(value)) == value


def test_a_value_that_does_not_fit_is_refused_in_dutch() -> None:
    for text in ("123.456.789.012.345", "1,1234567", "99999999999999999999999999999"):
        with pytest.raises(InvalidValue, match="hoogstens 14 cijfers"):
            parse_value(text)
    assert format_value(parse_value("12.345.678.901.234,123456")) == "12.345.678.901.234,123456"


# --- the staff value form, through the view --------------------------------------------------

INDICATOR_URL = "/beheer/jaarstukken/2024/sociaal/indicator/5.3.1/"
cell_text = st.one_of(
    st.text(max_size=600),
    st.sampled_from(HOSTILE),
    st.from_regex(r"-?[0-9.,]{1,40}%?( per week)?", fullmatch=True),
)


@pytest.fixture
def policy_client(policy_officer: User, concept_2024: Report) -> Client:
    client = Client()
    client.force_login(policy_officer)
    return client


@VIEWS
@given(cells=st.lists(cell_text, min_size=12, max_size=12), footnotes=st.text(max_size=120))
@example(cells=["9" * 29] * 12, footnotes="")
@example(cells=["12345678901234567890,5"] * 12, footnotes="1, 2, 999999999999999999999")
@example(cells=["\x00"] * 12, footnotes="\x00")
def test_any_text_in_the_indicator_form_is_saved_or_refused_never_a_crash(
    policy_client: Client, cells: list[str], footnotes: str
) -> None:
    form = policy_client.get(INDICATOR_URL).content.decode()
    names = sorted(set(re.findall(r'name="((?:realisatie|begroot)[a-z_]*__(?:totaal|\d+))"', form)))
    assert len(names) == 12  # three columns for the whole and each of Roken/Alcohol/Drugs
    version = Indicator.objects.get(code="5.3.1", table__program__report__year=2024).version
    data = {"version": version, "new_footnote": footnotes}
    for name, text in zip(names, cells, strict=True):
        data[name] = text
        data[name + "__voetnoten"] = footnotes
    response = policy_client.post(INDICATOR_URL, data)
    assert response.status_code in (302, 400), response.status_code
    assert b"<script>alert(1)</script>" not in response.content


# --- public pages -----------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/zoeken/",
    "/jaarstukken/2023/",
    "/jaarstukken/2023/sociaal/",
    "/jaarstukken/2023/sociaal/overzicht/",
    "/jaarstukken/2023/sociaal/doelstelling/3/",
    "/jaarstukken/2023/sociaal/activiteit/1.1.1/",
    "/jaarstukken/2023/sociaal/indicator/3.1.4/",
]


def _assert_safe(response: ClientResponse, payloads: list[str]) -> None:
    """No 500, and no payload with markup echoed as it was sent.

    A payload that every page holds anyway ("<", "<a") proves nothing: it is compared with
    the same page asked harmlessly, fetched only then (so rarely).
    """
    assert response.status_code < 500, response.status_code
    body = response.content.decode("utf-8", errors="replace")
    for payload in payloads:
        if "<" in payload and payload in body:
            path = response.wsgi_request.path
            harmless = Client().get(path, {"q": "x"}).content.decode("utf-8", errors="replace")
            assert payload in harmless, payload


@pytest.mark.django_db
def test_public_pages_shrug_off_hostile_query_parameters(report_2023: Report) -> None:
    client = Client()
    # The public pages read only "q"; "jaar" stands for every name they ignore, and the
    # payload itself as a name for the names nobody expects. The three go in one request:
    # each name still carries the payload alone.
    for page in PUBLIC_PAGES:
        for payload in HOSTILE:
            response = client.get(page, {"q": payload, "jaar": payload, payload[:50]: payload})
            _assert_safe(response, [payload])
            assert response.status_code in (200, 400, 404), (page, payload)


@pytest.mark.django_db
@VIEWS
@given(query=st.text(max_size=300))
@example(query="<script>alert(1)</script>")
@example(query="' OR 1=1 --")
@example(query="\x00")
@example(query="a & b | !c <-> d:*")  # PostgreSQL tsquery syntax
def test_the_search_answers_any_query(query: str) -> None:
    response = Client().get("/zoeken/", {"q": query})
    assert response.status_code == 200
    _assert_safe(response, [query])


@pytest.mark.django_db
def test_hostile_paths_are_404_and_not_reflected(report_2023: Report) -> None:
    client = Client()
    for path in (
        "/jaarstukken/99999999999999999999999999/",
        "/jaarstukken/2023/sociaal/indicator/99999999999999999999.1/",
        "/jaarstukken/2023/sociaal/doelstelling/0/",
        "/jaarstukken/2023/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/jaarstukken/2023/sociaal/activiteit/1.1.1/%00/",
        "/" + "a" * 5000 + "/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"<script>alert(1)</script>" not in response.content


# --- request size limits ----------------------------------------------------------------------


def test_upload_limits_are_set_for_the_forms_we_have() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.MAX_REQUEST_BODY_SIZE <= 20 * 1024 * 1024
    # The indicator form: 6 fields for the whole and for each of up to 5 components, and 3 more.
    assert 6 * 6 + 3 < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000


def test_too_many_fields_are_refused(policy_client: Client) -> None:
    data = {f"veld{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = policy_client.post(INDICATOR_URL, data)
    assert response.status_code == 400


def test_too_much_form_data_is_refused(policy_client: Client) -> None:
    data = {"version": "1", "new_footnote": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = policy_client.post(INDICATOR_URL, data)
    assert response.status_code == 400


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(
    policy_client: Client,
) -> None:
    response = policy_client.generic(
        "POST",
        INDICATOR_URL,
        b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_SIZE + 1),
    )
    assert response.status_code == 413
    assert "te groot" in response.content.decode()
