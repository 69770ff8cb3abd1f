"""Full-text search over the seed reports, on SQLite and on PostgreSQL alike."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from programs.models import Report, ReportStatus
from public.search import SNIPPET_LENGTH, SearchHit, search_reports

pytestmark = pytest.mark.django_db

# Subgoal 1.1 is worded the same in 2020 and 2023, so both hits rank alike on PostgreSQL.
SUBGOAL_IN_BOTH_YEARS = "Meting en verantwoording van de uniforme en integrale klantbenadering"


def urls(hits: list[SearchHit]) -> list[str]:
    return [hit.url for hit in hits]


@pytest.mark.parametrize("word", ["mentoraatsprogramma", "School’s Cool"])
def test_a_word_from_a_realisation_finds_its_activity(report_2023: Report, word: str) -> None:
    hits = search_reports(word)

    activity = next(hit for hit in hits if hit.kind == "Activiteit")
    assert activity.url == "/jaarstukken/2023/sociaal/activiteit/4.2.3/"
    assert activity.code == "4.2.3"
    assert activity.report == "Jaarstukken 2023"
    assert activity.title.startswith("Inzetten van mentoraats- en/of vrijwilligersprogramma")
    assert word.split()[0] in activity.snippet
    assert not activity.is_draft


@pytest.mark.parametrize("typed", ["School's Cool", "school's"])
def test_a_typed_apostrophe_finds_the_sources_typographic_one(
    report_2023: Report, typed: str
) -> None:
    hits = search_reports(typed)
    assert "/jaarstukken/2023/sociaal/activiteit/4.2.3/" in urls(hits)


def test_an_indicator_is_found_by_its_code(report_2023: Report) -> None:
    hits = search_reports("3.1.4")

    assert hits[0].kind == "Indicator"
    assert hits[0].code == "3.1.4"
    assert hits[0].title == "Aantal personen met een bijstandsuitkering per 10.000 inwoners"
    assert hits[0].url == "/jaarstukken/2023/sociaal/indicator/3.1.4/"


def test_a_development_is_found_by_a_word_from_its_body(report_2023: Report) -> None:
    hits = search_reports("voedseltuin")

    assert len(hits) == 1
    assert hits[0].kind == "Belangrijke ontwikkeling"
    assert hits[0].code == ""
    assert hits[0].title == "Vervolg actieplan eenzaamheid"
    assert hits[0].url == "/jaarstukken/2023/sociaal/#ontwikkeling-3"


def test_a_subgoal_links_to_its_place_on_the_goal_page(report_2023: Report) -> None:
    hits = search_reports(SUBGOAL_IN_BOTH_YEARS)

    assert hits[0].kind == "Subdoel"
    assert hits[0].url == "/jaarstukken/2023/sociaal/doelstelling/1/#subdoel-1.1"


def test_snippets_are_short_plain_text_cut_with_an_ellipsis(report_2023: Report) -> None:
    snippet = search_reports("voedseltuin")[0].snippet

    assert "voedseltuin" in snippet
    assert len(snippet) <= SNIPPET_LENGTH
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<" not in snippet
    assert "\n" not in snippet


def test_a_term_in_both_years_finds_both_reports_newest_first(
    seeded: dict[int, Report],
) -> None:
    hits = search_reports(SUBGOAL_IN_BOTH_YEARS)

    subgoals = [hit for hit in hits if hit.kind == "Subdoel"]
    assert [hit.report for hit in subgoals] == ["Jaarstukken 2023", "Jaarstukken 2020"]
    assert subgoals[1].url == "/jaarstukken/2020/sociaal/doelstelling/1/#subdoel-1.1"


def test_drafts_are_hidden_unless_asked_for_and_then_marked(
    seeded: dict[int, Report],
) -> None:
    draft = seeded[2020]
    draft.status = ReportStatus.CONCEPT
    draft.save()

    public = search_reports(SUBGOAL_IN_BOTH_YEARS)
    staff = search_reports(SUBGOAL_IN_BOTH_YEARS, include_drafts=True)

    assert {hit.report for hit in public} == {"Jaarstukken 2023"}
    assert {(hit.report, hit.is_draft) for hit in staff} == {
        ("Jaarstukken 2023", False),
        ("Jaarstukken 2020", True),
    }


def test_the_search_page_shows_a_draft_to_staff_only(
    client: Client, seeded: dict[int, Report], staff_reader: User
) -> None:
    # "Mensenrechtenvlag" occurs only in the 2020 development "Diversiteit en inclusie".
    published = client.get("/zoeken/", {"q": "Mensenrechtenvlag"}).content.decode()
    assert published.count('class="search-results__item"') == 1
    assert "1 resultaat voor ‘Mensenrechtenvlag’" in published
    assert 'href="/jaarstukken/2020/sociaal/#ontwikkeling-5"' in published

    Report.objects.filter(pk=seeded[2020].pk).update(status="concept", adopted_on=None)

    response = client.get("/zoeken/", {"q": "Mensenrechtenvlag"})
    assert response.status_code == 200
    anonymous = response.content.decode()
    assert "0 resultaten voor ‘Mensenrechtenvlag’" in anonymous
    assert "Niets gevonden." in anonymous
    assert "Jaarstukken 2020" not in anonymous
    assert "/jaarstukken/2020/" not in anonymous

    # Django's is_staff flag alone (the admin site's door) is not a role: no drafts.
    client.force_login(User.objects.create_user("alleen-vlag", is_staff=True))
    assert (
        "Jaarstukken 2020"
        not in client.get("/zoeken/", {"q": "Mensenrechtenvlag"}).content.decode()
    )
    client.force_login(staff_reader)
    staff = client.get("/zoeken/", {"q": "Mensenrechtenvlag"}).content.decode()
    assert staff.count('class="search-results__item"') == 1
    assert "Jaarstukken 2020 · Belangrijke ontwikkeling · <strong>concept</strong>" in staff
    assert 'href="/jaarstukken/2020/sociaal/#ontwikkeling-5">Diversiteit en inclusie</a>' in staff


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00"])
def test_an_empty_query_finds_nothing(seeded: dict[int, Report], query: str) -> None:
    assert search_reports(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "'); DROP TABLE programs_goal; --",
        '"&|!:*',
        "jeugd & (zorg | !hulp):*",
        '"School’s',
        "\x00jeugd\x00hulp",
        "%_%",
        "a" * 10_000,
        "jeugdhulp " * 1_000,
    ],
)
def test_hostile_input_returns_a_list_without_raising(
    seeded: dict[int, Report], query: str
) -> None:
    assert isinstance(search_reports(query), list)
    # The connection is still usable afterwards, and nothing was dropped.
    assert search_reports("voedseltuin")


def test_a_long_query_is_cut_to_200_characters(seeded: dict[int, Report]) -> None:
    # The nonsense word past the cut would otherwise leave no hits at all.
    query = "voedseltuin" + " " * 200 + "onvindbaarwoord"

    assert search_reports(query) == search_reports("voedseltuin") != []


def test_the_limit_caps_the_number_of_hits_keeping_the_best(seeded: dict[int, Report]) -> None:
    hits = search_reports("Diemen")

    assert search_reports("Diemen", limit=3) == hits[:3]
    assert search_reports("Diemen", limit=0) == []


def test_the_number_of_queries_does_not_depend_on_the_number_of_hits(
    seeded: dict[int, Report], django_assert_num_queries
) -> None:
    # One query per searched model: developments, goals, subgoals, activities,
    # indicators; each joins its program and report.
    with django_assert_num_queries(5):
        many = search_reports("Diemen", include_drafts=True)
    with django_assert_num_queries(5):
        few = search_reports("mentoraatsprogramma")

    assert len(many) >= 20
    assert len(few) <= 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming needs PostgreSQL")
def test_dutch_stemming_finds_a_plural_from_a_singular(report_2023: Report) -> None:
    # "basisschool" is no substring of "basisscholen"; only the stemmer joins them.
    hits = search_reports("basisschool")

    assert hits
    assert all("basisscholen" in hit.snippet.lower() for hit in hits)
