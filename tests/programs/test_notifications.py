"""Mail: a note given to someone reaches them at once; a daily digest says what waits."""

import html
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.models import MailSettings
from programs.models import Activity, Note, NoteState, Program, Report, ReportStatus
from staff.notify import digests, send_digests

pytestmark = pytest.mark.django_db

NOTES = "/beheer/jaarstukken/2024/sociaal/opmerkingen/"


def text_of(response: object) -> str:
    content = response.content.decode()  # type: ignore[attr-defined]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", content).split()))


@pytest.fixture
def addressed(policy_officer: User, controller: User, finance: User) -> None:
    for user, address in (
        (policy_officer, "beleid@example.nl"),
        (controller, "control@example.nl"),
        (finance, "financien@example.nl"),
    ):
        user.email, user.first_name = address, user.username.title()
        user.save()


def test_a_note_given_to_someone_mails_them_once_after_it_is_stored(
    client: Client,
    controller: User,
    policy_officer: User,
    concept_2024: Report,
    addressed: None,
    django_capture_on_commit_callbacks: object,
) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report=concept_2024, code="1.1.1")
    client.force_login(controller)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(
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
    [message] = mail.outbox
    assert message.to == ["beleid@example.nl"]
    assert message.subject.startswith(
        "Opmerking voor u: Jaarstukken 2024, programma Sociaal: Activiteit 1.1.1"
    )
    assert "Noem hoeveel jongeren bereikt zijn." in message.body
    assert "Graag uiterlijk 1 maart 2025." in message.body
    assert f"/beheer/jaarstukken/2024/sociaal/opmerkingen/#opmerking-{note.pk}" in message.body
    assert "/beheer/mail/" in message.body  # how to switch it off

    # A note for oneself, or for nobody, mails nobody.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(
            NOTES, {"item": "", "text": "Zelf nog nakijken.", "assignee": str(controller.pk)}
        )
        client.post(NOTES, {"item": "", "text": "Algemeen."})
    assert Note.objects.count() == 3 and len(mail.outbox) == 1


def test_who_switched_mail_off_gets_none_and_can_switch_it_on_again(
    client: Client,
    controller: User,
    policy_officer: User,
    concept_2024: Report,
    addressed: None,
    django_capture_on_commit_callbacks: object,
) -> None:
    officer = Client()
    officer.force_login(policy_officer)
    page = officer.get("/beheer/mail/")
    assert "Mail gaat naar beleid@example.nl" in text_of(page)
    response = officer.post("/beheer/mail/", {})  # the box unticked
    assert response.status_code == 302
    assert "U krijgt geen mail meer." in text_of(officer.get("/beheer/mail/"))
    assert MailSettings.objects.get(user=policy_officer).enabled is False

    client.force_login(controller)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(
            NOTES, {"item": "", "text": "Kijk hiernaar.", "assignee": str(policy_officer.pk)}
        )
    assert Note.objects.count() == 1 and mail.outbox == []
    # Nor a digest, though a note waits for them.
    Note.objects.update(due_date=date(2025, 1, 1))
    assert policy_officer not in [digest.user for digest in digests(date(2025, 1, 1))]
    assert send_digests(date(2025, 1, 1)) == 0 and mail.outbox == []

    officer.post("/beheer/mail/", {"enabled": "on"})
    assert MailSettings.objects.get(user=policy_officer).enabled is True


def _note(program: Program, author: User, assignee: User | None, **fields: object) -> Note:
    return Note.objects.create(
        program=program, author=author, assignee=assignee, text=str(fields.pop("text")), **fields
    )


def test_the_digest_sends_one_mail_per_person_with_what_is_due_overdue_or_answered(
    controller: User, policy_officer: User, finance: User, concept_2024: Report, addressed: None
) -> None:
    program = Program.objects.get(report=concept_2024, slug="sociaal")
    today = date(2025, 3, 10)
    _note(program, controller, policy_officer, text="Te laat", due_date=date(2025, 3, 7))
    _note(program, controller, policy_officer, text="Overmorgen", due_date=date(2025, 3, 12))
    _note(program, controller, policy_officer, text="Volgende week", due_date=date(2025, 3, 17))
    _note(program, controller, policy_officer, text="Zonder datum")
    _note(
        program,
        controller,
        policy_officer,
        text="Al afgehandeld",
        due_date=date(2025, 3, 1),
        state=NoteState.RESOLVED,
    )
    _note(
        program, controller, finance, text="Bedrag klopt?", answer="Ja.", state=NoteState.ANSWERED
    )
    # A note of an offered report is closed: the digest leaves it alone.
    other = Report.objects.create(kind="jaarstukken", year=2031, status=ReportStatus.OFFERED)
    closed = Program.objects.create(report=other, slug="sociaal", name="Sociaal", order=1)
    _note(closed, controller, policy_officer, text="Gesloten", due_date=date(2025, 3, 1))

    found = {digest.user: digest for digest in digests(today)}
    assert set(found) == {policy_officer, controller}  # finance: nothing due of theirs
    assert [n.text for n in found[policy_officer].due] == ["Te laat", "Overmorgen"]
    assert [n.text for n in found[controller].answered] == ["Bedrag klopt?"]

    call_command("send_digest", "--datum", "2025-03-10", stdout=open("/dev/null", "w"))
    assert sorted(m.to[0] for m in mail.outbox) == ["beleid@example.nl", "control@example.nl"]
    to_officer = next(m for m in mail.outbox if m.to == ["beleid@example.nl"])
    assert to_officer.subject == "Wat voor u klaarligt — 10 maart 2025"
    assert "uiterlijk 7 maart 2025 (te laat)" in to_officer.body
    assert "uiterlijk 12 maart 2025\n" in to_officer.body
    assert "Volgende week" not in to_officer.body and "Gesloten" not in to_officer.body
    to_controller = next(m for m in mail.outbox if m.to == ["control@example.nl"])
    assert "Beantwoord, af te handelen door u:" in to_controller.body
    assert "Bedrag klopt?" in to_controller.body

    # A second run on the same day (cron twice, a retry) mails nobody again; the next day does.
    assert send_digests(today) == 0 and len(mail.outbox) == 2
    assert send_digests(today, again=True) == 2
    assert send_digests(date(2025, 3, 11)) == 2 and len(mail.outbox) == 6


def test_the_digest_tells_every_member_of_staff_the_day_after_a_report_was_offered(
    controller: User, policy_officer: User, finance: User, concept_2024: Report, addressed: None
) -> None:
    from django.utils import timezone

    from programs.services import change_status

    change_status(report=concept_2024, transition="submit_for_review")
    report = Report.objects.get(pk=concept_2024.pk)
    change_status(report=report, transition="offer_to_council", college_on=date(2025, 6, 10))
    offered_today = timezone.localdate()
    # Nothing to tell on the day itself: the digest of a day tells what the day before did.
    assert not digests(offered_today)

    found = {d.user: d for d in digests(offered_today + timedelta(days=1))}
    assert set(found) == {controller, policy_officer, finance}
    assert all(d.offered == [report] for d in found.values())
    assert send_digests(offered_today + timedelta(days=1)) == 3
    body = mail.outbox[0].body
    assert "Aan de raad aangeboden" in body
    assert "- Jaarstukken 2024, collegebesluit van 10 juni 2025\n" in body
    assert "http://" in body and "/jaarstukken/2024/" in body
    # Told once: the day after that it is no news.
    assert not digests(offered_today + timedelta(days=2))


def test_the_controller_sees_per_person_how_far_their_programs_are_and_their_notes(
    client: Client, controller: User, policy_officer: User, finance: User, concept_2024: Report
) -> None:
    from programs.models import Activity

    program = Program.objects.get(report=concept_2024, slug="sociaal")
    activities = Activity.objects.filter(subgoal__goal__program=program).order_by("pk")
    total = activities.count()
    for activity in activities[:3]:
        activity.realisation = "Gedaan."
        activity.save()
    _note(program, controller, policy_officer, text="Te laat", due_date=date(2020, 1, 1))
    _note(program, controller, policy_officer, text="Later", due_date=date(2099, 1, 1))
    _note(program, controller, finance, text="Beantwoord", answer="Ja.", state=NoteState.ANSWERED)

    client.force_login(controller)
    text = text_of(client.get("/beheer/"))
    assert "Per medewerker: hoe ver hun programma's zijn, en hun opmerkingen" in text
    # The policy officer works on Sociaal: its activities, and two notes, one overdue.
    assert f"beleid-sociaal Sociaal 3 van {total} " in text
    assert "2 (1 te laat)" in text
    # Finance's only note is answered: it waits for its author, not for finance.
    assert "financien-sociaal" not in text

    # Policy staff see their own notes, not everyone's progress.
    client.force_login(policy_officer)
    assert "Per medewerker" not in text_of(client.get("/beheer/"))


def test_a_note_returned_for_changes_mails_its_assignee_once(
    client: Client,
    controller: User,
    policy_officer: User,
    concept_2024: Report,
    addressed: None,
    django_capture_on_commit_callbacks: object,
) -> None:
    program = Program.objects.get(report=concept_2024, slug="sociaal")
    note = _note(
        program,
        controller,
        policy_officer,
        text="Noem het aantal.",
        answer="Het zijn er veel.",
        state=NoteState.ANSWERED,
    )
    client.force_login(controller)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(NOTES + f"{note.pk}/", {"action": "reopen"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.state == NoteState.OPEN
    [message] = mail.outbox
    assert message.to == ["beleid@example.nl"]
    assert message.subject.startswith("Opmerking terug naar u: Jaarstukken 2024, programma Sociaal")
    assert "uw antwoord is nog niet genoeg" in message.body
    assert "Het zijn er veel." in message.body

    # Settling it mails nobody.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(NOTES + f"{note.pk}/", {"action": "resolve"})
    assert len(mail.outbox) == 1
