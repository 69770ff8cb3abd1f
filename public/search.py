"""Full-text search across reports, for the public search page.

One query per searched model (goals, subgoals, activities, indicators and
"Belangrijke ontwikkelingen"), each cut to `limit` rows in the final order, so
the number of queries does not grow with the number of hits.

On PostgreSQL the search uses the Dutch text-search configuration, so
"vrijwilligers" also finds "vrijwilliger", and hits are ranked by relevance.
SQLite has no stemming: there every word must occur in one of an item's
searched fields, and hits follow the reports, newest first, in source order.
"""

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import OrderBy
from django.urls import reverse

from indicators.models import Indicator
from programs.models import Activity, DevelopmentSection, Goal, Program, Report, Subgoal

MAX_QUERY_LENGTH = 200
SNIPPET_LENGTH = 200
ELLIPSIS = "…"
# An exact code ("3.1.4") outranks any text match, which scores at most 1.0.
CODE_MATCH_BONUS = 1.0


@dataclass(frozen=True)
class SearchHit:
    report: str
    kind: str
    code: str
    title: str
    snippet: str
    url: str
    is_draft: bool


@dataclass(frozen=True)
class _Item:
    """What a hit needs from one matched row, whatever its model."""

    kind: str
    code: str
    title: str
    texts: tuple[str, ...]  # where a snippet may come from, most telling first
    url: str
    program: Program
    position: tuple[int, ...]  # place within its program's chapter


@dataclass(frozen=True)
class _Source:
    model: type[models.Model]
    program: str  # lookup path from the model to its program
    fields: tuple[tuple[str, str], ...]  # searched fields with their PostgreSQL weight
    has_code: bool
    order: tuple[str | OrderBy, ...]  # chapter order in a program; agrees with _Item.position
    to_item: Callable[[Any], _Item]
    related: tuple[str, ...] = ()  # what to_item reads besides the program and report


def _permalink(name: str, program: Program, code: str | None = None) -> str:
    report = program.report
    kwargs = {"kind": report.kind, "year": report.year, "program": program.slug}
    if code is not None:
        kwargs["code"] = code
    return reverse(name, kwargs=kwargs)


def _development_item(section: DevelopmentSection) -> _Item:
    program = section.program
    return _Item(
        kind="Belangrijke ontwikkeling",
        code="",
        title=str(section),
        texts=(section.body, section.title),
        url=_permalink("programs:chapter", program) + f"#ontwikkeling-{section.order}",
        program=program,
        position=(0, section.order, section.pk),
    )


def _goal_item(goal: Goal) -> _Item:
    return _Item(
        kind="Doelstelling",
        code=goal.code,
        title=goal.title,
        texts=(goal.title,),
        url=_permalink("programs:goal", goal.program, goal.code),
        program=goal.program,
        position=(1, goal.order, goal.pk, 0),
    )


def _subgoal_item(subgoal: Subgoal) -> _Item:
    goal = subgoal.goal
    return _Item(
        kind="Subdoel",
        code=subgoal.code,
        title=subgoal.title,
        texts=(subgoal.title, subgoal.activity_heading),
        url=_permalink("programs:goal", goal.program, goal.code) + f"#subdoel-{subgoal.code}",
        program=goal.program,
        position=(1, goal.order, goal.pk, 1, subgoal.order, subgoal.pk, 0),
    )


def _activity_item(activity: Activity) -> _Item:
    subgoal = activity.subgoal
    goal = subgoal.goal
    return _Item(
        kind="Activiteit",
        code=activity.code,
        title=activity.plan,
        texts=(activity.realisation, activity.plan),
        url=_permalink("programs:activity", goal.program, activity.code),
        program=goal.program,
        position=(
            1,
            goal.order,
            goal.pk,
            1,
            subgoal.order,
            subgoal.pk,
            1,
            activity.order,
            activity.pk,
        ),
    )


def _indicator_item(indicator: Indicator) -> _Item:
    table = indicator.table
    goal = table.goal
    # A table directly under the program (the BBV's) follows the goals in the chapter.
    place = (1, goal.order, goal.pk, 2) if goal is not None else (2,)
    return _Item(
        kind="Indicator",
        code=indicator.code,
        title=indicator.name,
        texts=(indicator.name,),
        url=_permalink("programs:indicator", table.program, indicator.code),
        program=table.program,
        position=(*place, table.order, table.pk, indicator.order, indicator.pk),
    )


# In the order a chapter prints them: developments, then per goal its subgoals
# with their activities, then its indicator tables.
_SOURCES = (
    _Source(
        model=DevelopmentSection,
        program="program",
        fields=(("title", "A"), ("body", "B")),
        has_code=False,
        order=("order", "pk"),
        to_item=_development_item,
    ),
    _Source(
        model=Goal,
        program="program",
        fields=(("title", "A"),),
        has_code=False,
        order=("order", "pk"),
        to_item=_goal_item,
    ),
    _Source(
        model=Subgoal,
        program="goal__program",
        fields=(("title", "A"), ("activity_heading", "A")),
        has_code=False,
        order=("goal__order", "goal__pk", "order", "pk"),
        to_item=_subgoal_item,
    ),
    _Source(
        model=Activity,
        program="subgoal__goal__program",
        fields=(("code", "A"), ("plan", "A"), ("realisation", "B")),
        has_code=True,
        order=(
            "subgoal__goal__order",
            "subgoal__goal__pk",
            "subgoal__order",
            "subgoal__pk",
            "order",
            "pk",
        ),
        to_item=_activity_item,
    ),
    _Source(
        model=Indicator,
        program="table__program",
        fields=(("code", "A"), ("name", "A")),
        has_code=True,
        order=(
            F("table__goal__order").asc(nulls_last=True),
            F("table__goal__pk").asc(nulls_last=True),
            "table__order",
            "table__pk",
            "order",
            "pk",
        ),
        to_item=_indicator_item,
        related=("table__goal",),
    ),
)


def search_reports(query: str, *, include_drafts: bool = False, limit: int = 50) -> list[SearchHit]:
    """Hits for `query` in published reports (and drafts if asked), best first."""
    query = _clean(query)
    terms = _terms(query)
    if not terms or limit <= 0:
        return []
    reports = Report.objects.all() if include_drafts else Report.objects.published()
    found: list[tuple[tuple[Any, ...], SearchHit]] = []
    for source in _SOURCES:
        found += _search_source(source, query, terms, reports, limit)
    found.sort(key=operator.itemgetter(0))
    return [hit for _, hit in found[:limit]]


def _clean(query: str) -> str:
    # PostgreSQL refuses NUL characters in text; a long query is noise, and slow.
    return query.replace("\x00", "")[:MAX_QUERY_LENGTH].strip()


def _terms(query: str) -> list[str]:
    """The words of a query without surrounding punctuation: '"School’s' -> 'School’s'."""
    words = (re.sub(r"^\W+|\W+$", "", word) for word in query.split())
    return list(dict.fromkeys(word for word in words if word))


def _search_source(
    source: _Source, query: str, terms: Sequence[str], reports: models.QuerySet[Report], limit: int
) -> list[tuple[tuple[Any, ...], SearchHit]]:
    rows = source.model._default_manager.select_related(
        f"{source.program}__report", *source.related
    ).filter(**{f"{source.program}__report__in": reports})
    if connection.vendor == "postgresql":
        rows = _ranked_matches(rows, source, query)
    else:
        rows = _word_matches(rows, source, terms).annotate(rank=Value(0.0))
    report = f"{source.program}__report"
    rows = rows.order_by(
        "-rank",
        f"-{report}__year",
        f"{report}__kind",
        f"{source.program}__order",
        f"{source.program}__pk",
        *source.order,
    )
    found = []
    for row in rows[:limit]:
        item = source.to_item(row)
        found.append((_sort_key(item, row.rank), _hit(item, terms)))  # type: ignore[union-attr]  # annotated
    return found


def _ranked_matches(rows: models.QuerySet, source: _Source, query: str) -> models.QuerySet:
    """PostgreSQL: Dutch stemming via websearch syntax, which never fails to parse."""
    search_query = SearchQuery(query, config="dutch", search_type="websearch")
    vectors = (SearchVector(name, config="dutch", weight=weight) for name, weight in source.fields)
    rows = rows.alias(document=reduce(operator.add, vectors))
    rank: Any = SearchRank(F("document"), search_query)
    matches = Q(document=search_query)
    if source.has_code:
        rank += Case(When(code=query, then=Value(CODE_MATCH_BONUS)), default=Value(0.0))
        matches |= Q(code=query)
    return rows.annotate(rank=rank).filter(matches)


def _word_matches(rows: models.QuerySet, source: _Source, terms: Sequence[str]) -> models.QuerySet:
    """SQLite: every word occurs in one of the fields; a code is just one more field."""
    for term in terms:
        rows = rows.filter(
            reduce(
                operator.or_,
                (
                    Q(**{f"{name}__icontains": variant})
                    for name, _ in source.fields
                    for variant in _apostrophes(term)
                ),
            )
        )
    return rows


def _apostrophes(term: str) -> set[str]:
    """A typed ' also finds the source's typographic ’ (School's, School’s), and back."""
    if "'" not in term and "’" not in term:
        return {term}
    return {term.replace("’", "'"), term.replace("'", "’")}


def _sort_key(item: _Item, rank: float) -> tuple[Any, ...]:
    # Must agree with the order_by of _search_source, so that each query's first
    # `limit` rows hold all of the overall first `limit` hits.
    program = item.program
    report = program.report
    return (-rank, -report.year, report.kind, program.order, program.pk, item.position)


def _hit(item: _Item, terms: Sequence[str]) -> SearchHit:
    report = item.program.report
    return SearchHit(
        report=report.title,
        kind=item.kind,
        code=item.code,
        title=item.title,
        snippet=_snippet(item.texts, terms),
        url=item.url,
        is_draft=not report.is_published,
    )


def _snippet(texts: Iterable[str], terms: Sequence[str]) -> str:
    """About SNIPPET_LENGTH characters of plain text around the first term found."""
    texts = [" ".join(text.split()) for text in texts if text and not text.isspace()]
    if not texts:
        return ""
    for term in terms:
        for needle in _needles(term):
            for text in texts:
                found = re.search(re.escape(needle), text, re.IGNORECASE)
                if found:
                    return _window(text, found.start())
    # Matched on its code or on a stem we could not trace: show the start.
    return _window(texts[0], 0)


def _needles(term: str) -> Iterable[str]:
    """The term, then ever shorter prefixes of it, to find a stemmed match in the text.

    "vrijwilligers" matches "vrijwilliger" in PostgreSQL; the prefix finds it here.
    """
    yield term
    shortest = max(4, (len(term) * 2 + 2) // 3)
    for length in range(len(term) - 1, shortest - 1, -1):
        yield term[:length]


def _window(text: str, position: int) -> str:
    if len(text) <= SNIPPET_LENGTH:
        return text
    room = SNIPPET_LENGTH - 2 * len(ELLIPSIS)
    # Some words before the match give context; the rest of the room goes after it.
    start = max(0, min(position - room // 3, len(text) - room))
    end = start + room
    if start > 0:
        start = text.find(" ", start, position) + 1 or start
    if end < len(text):
        cut = text.rfind(" ", position, end)
        end = cut if cut > position else end
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return prefix + text[start:end].strip() + suffix
