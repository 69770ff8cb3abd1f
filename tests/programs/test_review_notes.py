"""Review: a reviewer comments on an item, the author answers, the reviewer settles it."""

import html
import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from programs.models import Activity, Note, NoteState, Report, ReportStatus
from staff import worklist
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

NOTES = "/beheer/jaarstukken/2024/sociaal/opmerkingen/"


def text_of(response: ClientResponse) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def test_a_note_is_written_answered_and_settled_and_counts_as_missing_until_then(
    client: Client, controller: User, policy_officer: User, concept_2024: Report
) -> None:
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.IN_REVIEW)
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    reviewer, author = Client(), Client()
    reviewer.force_login(controller)
    author.force_login(policy_officer)

    empty = reviewer.post(NOTES, {"item": f"activiteit-{activity.pk}", "text": ""})
    assert empty.status_code == 400 and "Niet geplaatst" in text_of(empty)
    response = reviewer.post(
        NOTES,
        {
            "item": f"activiteit-{activity.pk}",
            "text": "Noem hoeveel jongeren bereikt zijn.",
            "assignee": str(policy_officer.pk),
            "due_date": "2025-03-01",
        },
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert (note.item_id, note.author, note.assignee) == (activity.pk, controller, policy_officer)
    assert note.due_date == date(2025, 3, 1) and note.is_overdue
    page = text_of(author.get(NOTES))
    assert "Open · Activiteit 1.1.1" in page and "(te laat)" in page
    assert "Noem hoeveel jongeren bereikt zijn." in page
    dashboard = text_of(author.get("/beheer/"))
    assert (
        "Opmerkingen voor u Jaarstukken 2024, Sociaal: Activiteit 1.1.1" in dashboard
        and "— open, uiterlijk 1 maart 2025 (te laat)" in dashboard
    )
    (gap,) = [g for g in worklist.gaps(concept_2024) if g["program"].slug == "sociaal"]
    assert "1 opmerking nog niet afgehandeld" in gap["missing"]

    # The author answers; only the writer (or the controller) settles it.
    author.post(NOTES + f"{note.pk}/", {"action": "answer", "answer": "Toegevoegd: 212."})
    note.refresh_from_db()
    assert (note.state, note.answer) == (NoteState.ANSWERED, "Toegevoegd: 212.")
    assert author.post(NOTES + f"{note.pk}/", {"action": "resolve"}).status_code == 403
    reviewer.post(NOTES + f"{note.pk}/", {"action": "resolve"})
    note.refresh_from_db()
    assert note.state == NoteState.RESOLVED
    assert "Opmerkingen voor u" not in text_of(author.get("/beheer/"))
    gaps = [g for g in worklist.gaps(concept_2024) if g["program"].slug == "sociaal"]
    assert not any("opmerking" in line for g in gaps for line in g["missing"])

    # Never public: not in the chapter, the activity page or the open data.
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    reader = Client()
    for url in ["/jaarstukken/2024/sociaal/", "/jaarstukken/2024/sociaal/data.csv"]:
        assert "jongeren bereikt" not in reader.get(url).content.decode()


def test_notes_are_closed_once_the_report_is_offered_and_hidden_from_other_programs(
    client: Client,
    controller: User,
    other_policy_officer: User,
    concept_2024: Report,
) -> None:
    client.force_login(other_policy_officer)
    assert client.get(NOTES).status_code == 403
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    client.force_login(controller)
    page = client.get(NOTES)
    assert "opmerkingen plaatsen of beantwoorden kan alleen in een concept" in text_of(page)
    refused = client.post(NOTES, {"text": "Te laat."})
    assert refused.status_code == 403
    assert "aangeboden aan de raad" in text_of(refused)
    assert not Note.objects.exists()


def test_the_dashboard_links_only_the_notes_a_person_may_read(
    client: Client, policy_officer: User, other_policy_officer: User, concept_2024: Report
) -> None:
    client.force_login(policy_officer)
    assert (
        'href="/beheer/jaarstukken/2024/sociaal/opmerkingen/"'
        in client.get("/beheer/").content.decode()
    )
    client.force_login(other_policy_officer)
    assert "/sociaal/opmerkingen/" not in client.get("/beheer/").content.decode()


def test_the_notes_page_shows_all_the_open_mine_or_the_overdue(
    client: Client, controller: User, policy_officer: User, concept_2024: Report
) -> None:
    from programs.models import Program

    program = Program.objects.get(report=concept_2024, slug="sociaal")

    def note(text: str, **fields: object) -> None:
        Note.objects.create(program=program, author=controller, text=text, **fields)

    note("Voor beleid, te laat", assignee=policy_officer, due_date=date(2020, 1, 1))
    note("Voor beleid, later", assignee=policy_officer, due_date=date(2999, 1, 1))
    note("Voor niemand, te laat", due_date=date(2020, 1, 1))
    note(
        "Afgehandeld", assignee=policy_officer, due_date=date(2020, 1, 1), state=NoteState.RESOLVED
    )
    client.force_login(policy_officer)

    def shown(query: str) -> list[str]:
        page = text_of(client.get(NOTES + query))
        texts = [
            "Voor beleid, te laat",
            "Voor beleid, later",
            "Voor niemand, te laat",
            "Afgehandeld",
        ]
        return [t for t in texts if t in page]

    assert shown("") == [
        "Voor beleid, te laat",
        "Voor beleid, later",
        "Voor niemand, te laat",
        "Afgehandeld",
    ]
    assert shown("?toon=open") == [
        "Voor beleid, te laat",
        "Voor beleid, later",
        "Voor niemand, te laat",
    ]
    assert shown("?toon=voor-mij") == ["Voor beleid, te laat", "Voor beleid, later"]
    assert shown("?toon=te-laat") == ["Voor beleid, te laat", "Voor niemand, te laat"]
    assert shown("?toon=onzin") == shown("")  # an unknown filter shows all
    # Answered notes wait for who wrote them: the controller reviews the answer.
    Note.objects.filter(text="Voor beleid, later").update(
        state=NoteState.ANSWERED, answer="Gedaan."
    )
    assert shown("?toon=te-beoordelen") == []  # not the policy officer's to review
    client.force_login(controller)
    assert shown("?toon=te-beoordelen") == ["Voor beleid, later"]
    client.force_login(policy_officer)
    page = client.get(NOTES + "?toon=voor-mij").content.decode()
    assert '<a class="utrecht-link" href="?toon=voor-mij" aria-current="page">Voor mij</a>' in page
    Note.objects.all().delete()
    assert "Geen opmerkingen: te laat." in text_of(client.get(NOTES + "?toon=te-laat"))
