"""Places where apps built on programs add to its report pages.

programs sits at the bottom: it imports none of the apps built on it. Those
apps (policy: notes, council documents, projects) register here, in their
AppConfig.ready, functions that give "see also" links for a chapter's
development sections and for a goal. Each function must cost a constant number
of queries, whatever the size of the chapter.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import DevelopmentSection, Program


@dataclass(frozen=True)
class SeeAlso:
    kind: str  # what it is, in Dutch: "Project", "Raadsinformatiebrief", ...
    title: str
    url: str
    detail: str = ""


DevelopmentLinks = Callable[[list[DevelopmentSection]], dict[int, list[SeeAlso]]]
GoalLinks = Callable[[Program, str], list[SeeAlso]]

_development_links: list[DevelopmentLinks] = []
_goal_links: list[GoalLinks] = []


def register(
    *, developments: DevelopmentLinks | None = None, goal: GoalLinks | None = None
) -> None:
    if developments and developments not in _development_links:
        _development_links.append(developments)
    if goal and goal not in _goal_links:
        _goal_links.append(goal)


def development_links(sections: list[DevelopmentSection]) -> dict[int, list[SeeAlso]]:
    """Links per development section (by pk); nothing is asked when there are no sections."""
    found: dict[int, list[SeeAlso]] = {}
    if not sections:
        return found
    for provider in _development_links:
        for pk, links in provider(sections).items():
            found.setdefault(pk, []).extend(links)
    return found


def goal_links(program: Program, code: str) -> list[SeeAlso]:
    return [link for provider in _goal_links for link in provider(program, code)]
