"""Workflows that write several rows at once: saving with a version check,
changing a report's status, starting a new year.

Keyword-only, typed, atomic; every row goes through save() so the change
history records who changed what (never a bulk update on a tracked model).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from diemen_sociaal.lib.dutch import format_date

from .models import CouncilDocument, DocumentKind, Program, Report, Versioned
from .signals import report_adopted


@dataclass
class Conflict(Exception):
    """Someone else saved the same item since this form was opened."""

    current: Any  # the row as it is now stored


@transaction.atomic
def save_versioned[M: Versioned](
    *, model: type[M], pk: int, version: int, apply: Callable[[M], None]
) -> M:
    """Apply a change to the stored row, but only if nobody saved it since `version`.

    The row is locked (select_for_update) so two saves cannot both pass the
    check; the loser gets Conflict with the row as the winner left it.
    """
    current = model._default_manager.select_for_update(of=("self",)).get(pk=pk)
    if current.version != version:
        raise Conflict(current)
    apply(current)
    current.version += 1
    current.full_clean()
    current.save()
    return current


class StatusChangeRefused(Exception):
    """A transition that is not allowed now; the message is Dutch, for the user."""


TRANSITIONS: dict[str, tuple[str, str]] = {
    # name: (method on Report, button text)
    "submit_for_review": ("submit_for_review", "Ter review aanbieden"),
    "reopen": ("reopen", "Terug naar concept"),
    "offer_to_council": ("offer_to_council", "Aanbieden aan de raad (publiceren)"),
    "withdraw": ("withdraw", "Terugtrekken van de agenda (terug naar review)"),
    "adopt": ("adopt", "Vastgesteld door de raad"),
}


@transaction.atomic
def change_status(
    *,
    report: Report,
    transition: str,
    adopted_on: date | None = None,
    adopted_by: str = "Raad",
    decision: CouncilDocument | None = None,
    college_on: date | None = None,
    reason: str = "",
) -> Report:
    """Move a report one step through concept → in review → offered → adopted.

    `report` must be the row as the user saw it: if someone else changed the
    status in between, ConcurrentTransitionMixin makes the save fail and
    nothing is changed.
    """
    if transition not in TRANSITIONS:
        raise StatusChangeRefused("Onbekende statuswijziging.")
    method = getattr(report, TRANSITIONS[transition][0])
    try:
        if transition == "adopt":
            if adopted_on is None:
                raise StatusChangeRefused("Vul de datum in waarop de raad het verslag vaststelde.")
            if decision is not None and decision.kind != DocumentKind.DECISION:
                raise StatusChangeRefused("Kies het raadsbesluit waarmee de raad vaststelde.")
            if decision is not None and decision.council_date not in (None, adopted_on):
                raise StatusChangeRefused(
                    f"Het gekozen raadsbesluit is van {format_date(decision.council_date)}, "
                    f"niet van {format_date(adopted_on)}."
                )
            method(on=adopted_on, by=adopted_by or "Raad", decision=decision)
        elif transition == "offer_to_council":
            method(college_on=college_on)
        elif transition == "withdraw":
            if not reason.strip():
                raise StatusChangeRefused(
                    "Geef de reden van het terugtrekken; de openbare pagina's tonen die."
                )
            method(reason=reason.strip())
            reason = reason.strip()[:100]
        else:
            method()
        if reason:
            report._change_reason = reason  # type: ignore[attr-defined]  # simple_history
        report.save()
    except TransitionNotAllowed as error:
        raise StatusChangeRefused(
            f"Dit kan niet vanuit de status ‘{report.get_status_display()}’."
        ) from error
    except ConcurrentTransition as error:
        raise StatusChangeRefused(
            "Iemand anders heeft de status intussen gewijzigd. Bekijk de huidige status en "
            "probeer het opnieuw."
        ) from error
    if transition == "adopt":
        transaction.on_commit(lambda: report_adopted.send(sender=Report, report=report))
    return report


def available_transitions(report: Report) -> list[tuple[str, str]]:
    allowed = {t.name for t in report.get_available_status_transitions()}  # type: ignore[attr-defined]  # django-fsm
    return [(name, label) for name, (method, label) in TRANSITIONS.items() if method in allowed]


@transaction.atomic
def move_section(*, program: Program, pk: int, up: bool) -> None:
    """Swap a development section with its neighbour above or below."""
    move_within(program.developments.all(), pk=pk, up=up)


@transaction.atomic
def move_within(siblings: QuerySet[Any], *, pk: int, up: bool) -> bool:
    """Swap one row with its neighbour above or below among `siblings`; False if it cannot.

    The rows are numbered 1, 2, 3 … afterwards; each row whose place changes gets a new
    version, so a form opened before the move knows it is stale. Codes never change.
    """
    rows = list(siblings.select_for_update(of=("self",)).order_by("order", "pk"))
    index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
    other = None if index is None else index + (-1 if up else 1)
    if index is None or other is None or not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.order != position:
            row.order = position
            row.version += 1
            row.save()
    return True
