"""Around the numbers: policy notes, council documents and projects, linked both ways."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from diemen_sociaal.seed import FIXTURES_DIR, load_report, read_seed
from policy.models import (
    DocumentGoal,
    PhaseStatus,
    PolicyNote,
    Project,
    ProjectPhase,
)
from policy.seed import load_all
from programs.models import CouncilDocument, DevelopmentSection, Report, ReportStatus
from readmodel.demo import ensure_role_groups
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

NOTE = "/beleid/nota/samen-diemen/"
PROJECT = "/beleid/projecten/organisatorische-borging-ontheemden/"
LETTER = "/beleid/raadsstukken/2023-09-12-inbedding-ontheemden-asielzoekers/"
PROPOSAL = "/beleid/raadsstukken/2024-02-13-verlenging-samen-diemen/"
DECISION = "/beleid/raadsstukken/2024-04-25-besluit-verlenging-samen-diemen/"
CHAPTER = "/jaarstukken/2023/sociaal/"
PROJECT_SECTION = 'Project "Organisatorische borging van ontheemden"'


@pytest.fixture
def policy(report_2023: Report) -> Report:
    load_all()
    return report_2023


def text(response: ClientResponse) -> str:
    """The page as a reader sees it: tags out, white space folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&quot;", '"').split())


def test_the_seed_holds_seeds_001_and_004(policy: Report) -> None:
    note = PolicyNote.objects.get(slug="samen-diemen")
    assert note.period == "2020-2023, verlengd tot en met 2027"
    assert [g.numeral for g in note.central_goals.all()] == ["I", "II", "III", "IV", "V"]
    assert [t.letter for t in note.themes.all()] == ["A", "B", "C"]
    decision = CouncilDocument.objects.get(kind="raadsbesluit")
    assert (decision.college_date, decision.council_date) == (date(2024, 2, 13), date(2024, 4, 25))
    assert decision.responds_to is not None
    assert decision.responds_to.kind == "raadsvoorstel"
    assert [p.text for p in decision.decision_points.all()] == [
        "Kennis te nemen van de (tussen)evaluatie Samen Diemen 2020-2023",
        "In te stemmen met verlenging van de nota Samen Diemen 2024-2027",
    ]
    letter = CouncilDocument.objects.get(kind="raadsinformatiebrief")
    assert letter.college_date == date(2023, 9, 12)
    project = Project.objects.get()
    assert [t.number for t in project.tracks.all()] == [1, 2, 3]
    assert project.phases.count() == 5
    assert [s.title for s in project.reported_in.all()] == [PROJECT_SECTION]
    # Loading again changes nothing.
    documents = CouncilDocument.objects.count()
    assert all(written is False for _, written in load_all())
    assert CouncilDocument.objects.count() == documents


def test_make_run_loads_the_policy_seed_after_the_reports(db: None) -> None:
    call_command("load_seed", verbosity=0)
    call_command("load_policy_seed", verbosity=0)
    assert Project.objects.get().reported_in.get().program.report.year == 2023


def test_the_note_shows_its_goals_themes_financing_and_the_goals_that_serve_it(
    client: Client, policy: Report
) -> None:
    page = text(client.get(NOTE))
    assert "Looptijd 2020-2023, verlengd tot en met 2027." in page
    assert "II. Een gezonde leefstijl is de basis voor een goed leven (gezondheid)" in page
    assert "Hieraan werken: Jaarstukken 2023, doelstelling 5" in page
    assert "€ 35.000 per jaar (2024-2025), POK-middelen." in page
    assert "geen extra kosten, Bestaande capaciteit." in page
    assert "Raadsbesluit: Verlenging van het beleidsplan sociaal domein" in page
    html = client.get(NOTE).content.decode()
    assert 'href="/jaarstukken/2023/sociaal/doelstelling/5/"' in html


def test_a_goal_page_shows_the_policy_and_documents_it_serves(
    client: Client, policy: Report
) -> None:
    page = text(client.get(CHAPTER + "doelstelling/5/"))
    assert "Beleid en raadsstukken" in page
    assert (
        "Beleidsnota Samen Diemen: centrale doelstelling II. Een gezonde leefstijl is de basis "
        "voor een goed leven (2020-2023, verlengd tot en met 2027)" in page
    )
    assert "Raadsbesluit: Verlenging van het beleidsplan sociaal domein" in page
    assert "raadsvergadering 25 april 2024" in page
    # A goal no central goal names shows no such section.
    assert "Beleid en raadsstukken" not in text(client.get(CHAPTER + "doelstelling/1/"))


def test_a_document_linked_to_a_goal_directly_shows_on_that_goal(
    client: Client, policy: Report
) -> None:
    letter = CouncilDocument.objects.get(kind="raadsinformatiebrief")
    DocumentGoal.objects.create(document=letter, program_slug="sociaal", goal_code="1")
    assert "Raadsinformatiebrief: Structurele inbedding" in text(
        client.get(CHAPTER + "doelstelling/1/")
    )
    assert "Jaarstukken 2023, doelstelling 1" in text(client.get(LETTER))


def test_the_chapter_links_the_development_section_to_its_project_and_letter(
    client: Client, policy: Report
) -> None:
    html = client.get(CHAPTER).content.decode()
    section = html[html.index(PROJECT_SECTION.replace('"', "&quot;")) :]
    section = section[: section.index("</section>")]
    assert f'href="{PROJECT}"' in section
    assert f'href="{LETTER}"' in section
    assert "(collegebesluit 12 september 2023)" in section
    # The other sections have no such links.
    assert html.count('class="see-also"') == 1


def test_the_project_and_letter_link_back_to_the_chapter(client: Client, policy: Report) -> None:
    order = DevelopmentSection.objects.get(title=PROJECT_SECTION).order
    anchor = f'href="/jaarstukken/2023/sociaal/#ontwikkeling-{order}"'
    assert anchor in client.get(PROJECT).content.decode()
    assert anchor in client.get(LETTER).content.decode()
    # And the chapter has that anchor.
    assert f'id="ontwikkeling-{order}"' in client.get(CHAPTER).content.decode()


def test_the_project_shows_tracks_phases_and_a_timeline_in_date_order(
    client: Client, policy: Report
) -> None:
    page = text(client.get(PROJECT))
    assert "Plaatsing flexwoningen" in page
    assert "Fase 1 1 Opstellen van het voorstel over de inbedding" in page
    timeline = page[page.index("Tijdlijn") :]
    expected = [
        "3e en 4e kwartaal 2023 — Fase 2 (gepland)",
        "12 september 2023 — Raadsinformatiebrief (collegebesluit)",
        "4e kwartaal 2023 — Fase 3 (gepland)",
        "begin 2024 — Fase 4 (gepland): Overdracht taken crisisorganisatie",
        "1e kwartaal 2024 — Fase 4 (gepland): Aanhaken zorg/ondersteuning",
        f"27 juni 2024 — Jaarstukken 2023: {PROJECT_SECTION} (Vastgesteld door Raad op 27 juni 2024)",
    ]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)


def test_the_note_timeline_runs_from_the_start_through_the_decision_to_the_report(
    client: Client, policy: Report
) -> None:
    page = text(client.get(NOTE))
    timeline = page[page.index("Tijdlijn") :]
    expected = [
        "1 januari 2020 — Begin looptijd",
        "13 februari 2024 — Raadsvoorstel (collegebesluit)",
        "25 april 2024 — Raadsbesluit (raadsvergadering)",
        "27 juni 2024 — Jaarstukken 2023: verantwoordt de doelstellingen 3, 4, 5, 6",
    ]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)


def test_the_register_lists_every_document_with_its_dates(client: Client, policy: Report) -> None:
    page = text(client.get("/beleid/"))
    assert (
        "Raadsbesluit Verlenging van het beleidsplan sociaal domein, de nota ‘Samen Diemen’ "
        "2024-2027 13 februari 2024 25 april 2024" in page
    )
    assert "Raadsinformatiebrief Structurele inbedding" in page
    decision = text(client.get(DECISION))
    assert "Besluit op het raadsvoorstel van 13 februari 2024" in decision
    assert "Hierover besloot de raad" in text(client.get(PROPOSAL))


def test_links_into_a_draft_report_stay_hidden_from_anonymous_readers(
    client: Client, policy: Report, staff_reader: User
) -> None:
    Report.objects.filter(pk=policy.pk).update(status=ReportStatus.CONCEPT, adopted_on=None)
    page = client.get(PROJECT).content.decode()
    assert "/jaarstukken/2023/" not in page
    assert "/jaarstukken/2023/" not in client.get(NOTE).content.decode()
    staff = Client()
    staff.force_login(staff_reader)
    assert "/jaarstukken/2023/sociaal/#ontwikkeling-" in staff.get(PROJECT).content.decode()


def test_unknown_pages_are_404(client: Client, policy: Report) -> None:
    for url in ("/beleid/nota/bestaat-niet/", "/beleid/projecten/x/", "/beleid/raadsstukken/x/"):
        assert client.get(url).status_code == 404


def _staff(username: str, group: str) -> Client:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(ensure_role_groups()[group])
    client = Client()
    client.force_login(user)
    return client


def test_policy_staff_update_a_phase_in_the_admin_and_history_keeps_who_did_it(
    client: Client, policy: Report
) -> None:
    phase = ProjectPhase.objects.get(label="Fase 3")
    url = reverse("admin:policy_projectphase_change", args=[phase.pk])
    beleid = _staff("beleid-test", "Beleid")
    form = {
        "project": phase.project_id,
        "track": phase.track_id,
        "label": phase.label,
        "order": phase.order,
        "planned": phase.planned,
        "planned_year": phase.planned_year,
        "planned_quarter": phase.planned_quarter,
        "description": phase.description,
        "status": PhaseStatus.DONE,
        "done": "Teamplan vastgesteld.",
    }
    response = beleid.post(url, form)
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.DONE
    latest = phase.history.first()
    assert latest.history_user.username == "beleid-test"
    assert "Teamplan vastgesteld." in text(client.get(PROJECT))
    # Finance looks but does not change projects; the griffie keeps the register.
    financien = _staff("financien-test", "Financiën")
    assert financien.post(url, form).status_code == 403
    griffie = _staff("griffie-test", "Griffie")
    add_document = reverse("admin:programs_councildocument_add")
    assert griffie.get(add_document).status_code == 200
    assert beleid.get(add_document).status_code == 403


def test_the_note_timeline_places_the_budget_before_its_year(
    client: Client, policy: Report
) -> None:
    load_report(read_seed(FIXTURES_DIR / "programmabegroting-2023.yaml"))
    page = text(client.get(NOTE))
    timeline = page[page.index("Tijdlijn") :]
    expected = [
        "1 januari 2020 — Begin looptijd",
        "vóór 2023 — Programmabegroting 2023: plant de doelstellingen 3, 4, 5, 6",
        "13 februari 2024 — Raadsvoorstel (collegebesluit)",
        "27 juni 2024 — Jaarstukken 2023: verantwoordt de doelstellingen 3, 4, 5, 6",
    ]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)
    assert "Programmabegroting 2023, doelstelling 5" in page


# --- A timeline per subject ---------------------------------------------------------------------

REFUGEES = "/beleid/onderwerpen/opvang-ontheemden-en-asielzoekers/"
SAMEN_DIEMEN = "/beleid/onderwerpen/samen-diemen/"


def test_a_subject_gathers_the_project_its_letter_phases_and_report_in_date_order(
    client: Client, policy: Report
) -> None:
    page = text(client.get(REFUGEES))
    assert "Opvang van ontheemden en asielzoekers" in page
    timeline = page[page.index("Tijdlijn") :]
    expected = [
        # A planned quarter stands at its first day: phase 2 began before the letter's date.
        "3e en 4e kwartaal 2023 — Fase 2 (gepland)",
        "12 september 2023 — Raadsinformatiebrief (collegebesluit): Structurele inbedding",
        "4e kwartaal 2023 — Fase 3 (gepland)",
        "begin 2024 — Fase 4 (gepland)",
        f"27 juni 2024 — Jaarstukken 2023: {PROJECT_SECTION}",
    ]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)
    # The letter is about the project, not linked to the subject itself, and shows once.
    assert timeline.count("Raadsinformatiebrief (collegebesluit)") == 1
    html = client.get(REFUGEES).content.decode()
    assert f'href="{PROJECT}"' in html and f'href="{LETTER}"' in html


def test_a_subject_follows_a_note_from_decision_through_budget_to_annual_report(
    client: Client, policy: Report
) -> None:
    load_report(read_seed(FIXTURES_DIR / "programmabegroting-2023.yaml"))
    page = text(client.get(SAMEN_DIEMEN))
    timeline = page[page.index("Tijdlijn") :]
    expected = [
        "1 januari 2020 — Begin looptijd: Samen Diemen 2020-2023, verlengd tot en met 2027",
        "vóór 2023 — Programmabegroting 2023: plant de doelstellingen 3, 4, 5, 6",
        "13 februari 2024 — Raadsvoorstel (collegebesluit)",
        "25 april 2024 — Raadsbesluit (raadsvergadering)",
        "27 juni 2024 — Jaarstukken 2023: verantwoordt de doelstellingen 3, 4, 5, 6",
    ]
    positions = [timeline.index(item) for item in expected]
    assert positions == sorted(positions)
    assert "Jaarstukken 2023, programma Sociaal: doelstelling 5" in page
    assert "/jaarstukken/2023/sociaal/doelstelling/5/" in client.get(SAMEN_DIEMEN).content.decode()


def test_subjects_are_listed_and_linked_from_what_they_gather(
    client: Client, policy: Report
) -> None:
    index = client.get("/beleid/").content.decode()
    assert f'href="{REFUGEES}"' in index and f'href="{SAMEN_DIEMEN}"' in index
    assert f'href="{REFUGEES}"' in client.get(PROJECT).content.decode()
    assert f'href="{SAMEN_DIEMEN}"' in client.get(NOTE).content.decode()
    assert client.get("/beleid/onderwerpen/bestaat-niet/").status_code == 404


def test_a_subject_keeps_a_draft_report_from_anonymous_readers(
    client: Client, policy: Report, staff_reader: User
) -> None:
    from policy.models import Subject

    subject = Subject.objects.get(slug="opvang-ontheemden-en-asielzoekers")
    subject.goal_refs.create(program_slug="sociaal", goal_code="1")
    Report.objects.filter(pk=policy.pk).update(status=ReportStatus.CONCEPT, adopted_on=None)
    page = client.get(REFUGEES).content.decode()
    assert "/jaarstukken/2023/" not in page and "Jaarstukken 2023" not in page
    staff = Client()
    staff.force_login(staff_reader)
    page = text(staff.get(REFUGEES))
    assert "Jaarstukken 2023: verantwoordt de doelstellingen 1" in page
    assert "Jaarstukken 2023, programma Sociaal: doelstelling 1" in page


def test_policy_staff_edit_a_subject_in_the_admin_with_history(policy: Report) -> None:
    from policy.models import Subject

    beleid = _staff("beleid-onderwerp", "Beleid")
    subject = Subject.objects.get(slug="samen-diemen")
    url = reverse("admin:policy_subject_change", args=[subject.pk])
    assert beleid.get(url).status_code == 200
    response = beleid.post(
        url,
        {
            "slug": subject.slug,
            "title": "Samen Diemen",
            "description": subject.description,
            "policy_notes": [n.pk for n in subject.policy_notes.all()],
            "goal_refs-TOTAL_FORMS": "1",
            "goal_refs-INITIAL_FORMS": "0",
            "goal_refs-0-program_slug": "sociaal",
            "goal_refs-0-goal_code": "2",
        },
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.title == "Samen Diemen"
    assert subject.history.first().history_user.username == "beleid-onderwerp"
    assert subject.history.first().prev_record.title.startswith("Samen Diemen, het beleid")
    assert list(subject.goal_refs.values_list("goal_code", flat=True)) == ["2"]
    griffie = _staff("griffie-onderwerp", "Griffie")
    assert griffie.post(url, {"title": "Anders"}).status_code == 403
