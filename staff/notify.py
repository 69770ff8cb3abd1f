"""Mail to staff: a note given to someone, at once; and a digest of what is waiting.

A mail is sent only after the transaction that made the note commits, and only to someone
who wants mail (accounts.models.wants_mail). Links are absolute, on settings.SITE_URL,
because the digest is sent by a command that has no request.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import MailSettings, wants_mail
from diemen_sociaal.lib.dutch import format_date
from programs.models import OPEN_STATUSES, Note, NoteState, Report, ReportStatus

# A digest mentions the notes due within this many days, and every overdue one.
DUE_SOON_DAYS = 2


def note_url(note: Note) -> str:
    report = note.program.report
    path = reverse("staff:notes", args=[report.kind, report.year, note.program.slug])
    return f"{settings.SITE_URL.rstrip('/')}{path}#opmerking-{note.pk}"


def _about(note: Note) -> str:
    where = f"{note.program.report.title}, {note.program.in_sentence}"
    return f"{where}: {note.item_label}" if note.item_label else where


def _settings_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('staff:mail-settings')}"


def _footer() -> str:
    return (
        "\n\nU krijgt deze mail omdat u in de planning & control van het sociaal domein werkt. "
        f"Geen mail meer ontvangen? Zet het uit op {_settings_url()}\n"
    )


def note_assigned(note: Note) -> None:
    """Mail the person a note was given to, once the note is stored (not to its own writer)."""
    assignee = note.assignee
    if assignee is None or assignee.pk == note.author_id:
        return

    def send() -> None:
        if not wants_mail(assignee):
            return
        author = (note.author.get_full_name() or note.author.get_username()) if note.author else ""
        due = f"\nGraag uiterlijk {format_date(note.due_date)}." if note.due_date else ""
        send_mail(
            # One line: a header with a line break is refused.
            " ".join(f"Opmerking voor u: {_about(note)}".split())[:200],
            f"{author or 'Een collega'} plaatste een opmerking voor u bij {_about(note)}:\n\n"
            f"{note.text}\n{due}\n\nBeantwoorden: {note_url(note)}" + _footer(),
            None,
            [assignee.email],
        )

    transaction.on_commit(send)


def note_reopened(note: Note, by: User) -> None:
    """Mail the person a note was given to when it comes back to them (reopened after their
    answer: returned for changes), once it is stored; not when they reopen it themselves."""
    assignee = note.assignee
    if assignee is None or assignee.pk == by.pk:
        return

    def send() -> None:
        if not wants_mail(assignee):
            return
        who = by.get_full_name() or by.get_username()
        due = f"\nGraag uiterlijk {format_date(note.due_date)}." if note.due_date else ""
        send_mail(
            " ".join(f"Opmerking terug naar u: {_about(note)}".split())[:200],
            f"{who} heeft de opmerking bij {_about(note)} opnieuw geopend: uw antwoord is nog "
            f"niet genoeg.\n\nDe opmerking:\n{note.text}\n\nUw antwoord:\n{note.answer}\n"
            f"{due}\n\nBekijken: {note_url(note)}" + _footer(),
            None,
            [assignee.email],
        )

    transaction.on_commit(send)


@dataclass
class Digest:
    user: User
    due: list[Note] = field(default_factory=list)  # for them, due soon or overdue
    answered: list[Note] = field(default_factory=list)  # theirs, answered, to settle
    offered: list[Report] = field(default_factory=list)  # offered to the council yesterday

    def __bool__(self) -> bool:
        return bool(self.due or self.answered or self.offered)

    def text(self, today: date) -> str:
        lines = [f"Goedemorgen {self.user.get_full_name() or self.user.get_username()},", ""]
        if self.due:
            lines.append("Opmerkingen voor u die binnenkort of al verlopen zijn:")
            for note in self.due:
                assert note.due_date is not None
                late = " (te laat)" if note.due_date < today else ""
                lines.append(
                    f"- {_about(note)} — uiterlijk {format_date(note.due_date)}{late}\n"
                    f"  {note.text[:200]}\n  {note_url(note)}"
                )
            lines.append("")
        if self.answered:
            lines.append("Beantwoord, af te handelen door u:")
            for note in self.answered:
                lines.append(f"- {_about(note)}\n  {note.text[:200]}\n  {note_url(note)}")
            lines.append("")
        if self.offered:
            lines.append(
                "Aan de raad aangeboden (gewone wijzigingen kunnen niet meer; een correctie is "
                "een nota van wijziging):"
            )
            for report in self.offered:
                college = (
                    f", collegebesluit van {format_date(report.offered_on)}"
                    if report.offered_on
                    else ""
                )
                lines.append(f"- {report.title}{college}\n  {report_url(report)}")
            lines.append("")
        return "\n".join(lines) + _footer()


def report_url(report: Report) -> str:
    path = reverse("programs:report", args=[report.kind, report.year])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def offered_on_day(day: date) -> list[Report]:
    """The reports offered to the council on `day` (by the status change's record) that
    are still offered or since adopted: a digest tells the day after."""
    records = Report.history.filter(status=ReportStatus.OFFERED, history_date__date=day)
    offered = set()
    for record in records.order_by("history_date"):
        before = record.prev_record
        if before is None or before.status != ReportStatus.OFFERED:
            offered.add(record.id)
    return list(
        Report.objects.filter(
            pk__in=offered, status__in=[ReportStatus.OFFERED, ReportStatus.ADOPTED]
        ).order_by("kind", "year")
    )


def digests(today: date | None = None) -> list[Digest]:
    """Per person who wants mail, what waits for them; people with nothing are left out.

    Only notes of reports still open for ordinary edits: once offered, notes are closed.
    The reports offered to the council the day before go to every member of staff.
    """
    today = today or timezone.localdate()
    open_notes = Note.objects.filter(program__report__status__in=OPEN_STATUSES).select_related(
        "program__report", "author"
    )
    switched_off = MailSettings.objects.filter(enabled=False).values("user")
    offered = offered_on_day(today - timedelta(days=1))
    waiting = Q(notes_assigned__state=NoteState.OPEN) | Q(notes_written__state=NoteState.ANSWERED)
    people = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=switched_off)
        # Every member of staff hears of an offered report: their edits are closed now.
        .filter(waiting | Q(is_staff=True) if offered else waiting)
        .distinct()
        .order_by("pk")
    )
    by_user = {
        user.pk: Digest(user, offered=list(offered) if user.is_staff else []) for user in people
    }
    soon = today + timedelta(days=DUE_SOON_DAYS)
    due = open_notes.filter(
        assignee__in=list(by_user), state=NoteState.OPEN, due_date__lte=soon
    ).order_by(F("due_date").asc(), "pk")
    for note in due:
        by_user[note.assignee_id].due.append(note)  # type: ignore[index]
    answered = open_notes.filter(author__in=list(by_user), state=NoteState.ANSWERED).order_by("pk")
    for note in answered:
        by_user[note.author_id].answered.append(note)  # type: ignore[index]
    return [digest for digest in by_user.values() if digest]


def send_digests(today: date | None = None, *, again: bool = False) -> int:
    """One mail per person with something waiting, once a day; returns how many were sent.

    Who already had today's digest gets none (a second cron run, a retry after a failure
    halfway), unless `again`. The day is recorded per person after their mail went out."""
    today = today or timezone.localdate()
    done = set(MailSettings.objects.filter(digest_sent_on=today).values_list("user_id", flat=True))
    sent = 0
    for digest in digests(today):
        if digest.user.pk in done and not again:
            continue
        sent += send_mail(
            f"Wat voor u klaarligt — {format_date(today)}",
            digest.text(today),
            None,
            [digest.user.email],
        )
        MailSettings.objects.update_or_create(user=digest.user, defaults={"digest_sent_on": today})
    return sent
