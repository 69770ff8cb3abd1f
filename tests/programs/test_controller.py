"""The P&C controller: a report from nothing, its programs, who works on them, to the council."""

import html
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from indicators.models import Indicator
from programs.models import Goal, Program, ProgramAssignment, Report, Subgoal
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db


def text_of(response: ClientResponse) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


@pytest.fixture
def control(client: Client, controller: User) -> Client:
    client.force_login(controller)
    return client


def test_the_controller_builds_a_budget_from_nothing_and_offers_it_to_the_council(
    control: Client, policy_officer: User
) -> None:
    # A report of any kind and year, empty.
    response = control.post("/beheer/verslag/nieuw/", {"kind": "programmabegroting", "year": 2025})
    assert response["Location"] == "/beheer/programmabegroting/2025/programmas/"
    report = Report.objects.get(kind="programmabegroting", year=2025)
    assert report.status == "concept" and not report.programs.exists()
    assert report.money_unit == 1000, "amounts x € 1.000 unless the controller says otherwise"

    # A program with its portfolio holder; policy staff of "sociaal" (by code, every year)
    # find it in their worklist.
    control.post(
        "/beheer/programmabegroting/2025/programmas/",
        {"slug": "sociaal", "name": "Sociaal", "portfolio_holder": "Wethouder A. Jansen"},
    )
    program = Program.objects.get(report=report, slug="sociaal")
    assert program.portfolio_holder == "Wethouder A. Jansen"

    # Its structure: a goal, a subgoal, two activities, a table and an indicator with a letter.
    base = "/beheer/programmabegroting/2025/sociaal/opbouw/"
    control.post(base + "nieuw/doelstelling/", {"code": "1", "title": "Iedereen doet mee."})
    goal = Goal.objects.get(program=program)
    control.post(f"{base}nieuw/subdoel/onder/{goal.pk}/", {"code": "1.1", "title": "Werk."})
    subgoal = Subgoal.objects.get(goal=goal)
    for code in ("1.1.1", "1.1.2"):
        control.post(
            f"{base}nieuw/activiteit/onder/{subgoal.pk}/", {"code": code, "plan": f"Plan {code}."}
        )
    control.post(
        f"{base}nieuw/tabel/onder/{goal.pk}/", {"kind": "effect", "budget_label": "Begroot"}
    )
    table = goal.indicator_tables.get()
    response = control.post(
        f"{base}nieuw/indicator/onder/{table.pk}/",
        {"code": "20.a", "name": "Banen per 1.000 inwoners", "unit": "per 1.000 inwoners"},
    )
    assert response.status_code == 302
    assert Indicator.objects.filter(table=table, code="20.a").exists()
    # A table directly under the program, as the BBV's policy indicators are.
    control.post(f"{base}nieuw/tabel/", {"kind": "bbv", "budget_label": "Begroot"})
    program_table = program.indicator_tables.get(goal=None)
    control.post(
        f"{base}nieuw/indicator/onder/{program_table.pk}/",
        {"code": "21.b", "name": "Jongeren met jeugdhulp", "unit": "%"},
    )

    # Policy staff fill in the target.
    staff = Client()
    staff.force_login(policy_officer)
    worklist = text_of(staff.get("/beheer/programmabegroting/2025/werklijst/"))
    assert "2 van 2 activiteiten met een plan, 0 van 2 indicatoren met een streefwaarde" in worklist
    url = "/beheer/programmabegroting/2025/sociaal/indicator/20.a/"
    assert staff.post(url, {"begroot__totaal": "712,5", "version": 1}).status_code == 302
    url = "/beheer/programmabegroting/2025/sociaal/indicator/21.b/"
    assert staff.post(url, {"begroot__totaal": "11,2%", "version": 1}).status_code == 302

    # Through review to the council: public pages, PDF and downloads show it.
    status = "/beheer/programmabegroting/2025/status/"
    control.post(status, {"transition": "submit_for_review", "seen_status": "concept"})
    control.post(
        status,
        {"transition": "offer_to_council", "seen_status": "in_review", "offered_on": "2024-10-01"},
    )
    reader = Client()
    chapter = reader.get("/programmabegroting/2025/sociaal/")
    assert chapter.status_code == 200
    assert "Iedereen doet mee." in text_of(chapter) and "Wethouder A. Jansen" in text_of(chapter)
    indicator = reader.get("/programmabegroting/2025/sociaal/indicator/20.a/")
    assert indicator.status_code == 200 and "712,5" in text_of(indicator)
    assert "Beleidsindicatoren" in text_of(chapter) and "11,2%" in text_of(chapter)
    pdf = reader.get("/programmabegroting/2025/sociaal/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    printed = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    for figure in ("Iedereen doet mee.", "20.a", "712,5", "21.b", "11,2%"):
        assert figure in printed, figure
    data = reader.get("/programmabegroting/2025/sociaal/data.csv")
    assert data.status_code == 200 and "20.a" in data.content.decode()
    assert "21.b" in data.content.decode() and "11,2%" in data.content.decode()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"kind": "jaarstukken", "year": 2023}, "Jaarstukken 2023 bestaat al."),
        ({"kind": "jaarstukken", "year": 25}, "Vul een jaar tussen 1990 en 2100 in."),
        ({"kind": "jaarstukken", "year": "twee"}, "Voer een geheel getal in."),
        ({"kind": "begroting", "year": 2025}, "Selecteer een geldige keuze."),
    ],
)
def test_a_report_that_exists_or_makes_no_sense_is_refused_in_dutch(
    control: Client, report_2023: Report, posted: dict[str, object], message: str
) -> None:
    before = Report.objects.count()
    response = control.post("/beheer/verslag/nieuw/", posted)
    assert response.status_code == 400
    assert message in text_of(response)
    assert Report.objects.count() == before


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("sociaal", "Jaarstukken 2024 heeft al een programma met code sociaal."),
        ("pdf", "De code pdf is al in gebruik door de site zelf."),
        ("zorg en welzijn", "Gebruik alleen letters, cijfers en streepjes, zonder spaties"),
    ],
)
def test_a_program_code_that_is_taken_or_belongs_to_the_site_is_refused(
    control: Client, concept_2024: Report, slug: str, message: str
) -> None:
    before = Program.objects.count()
    response = control.post(
        "/beheer/jaarstukken/2024/programmas/", {"slug": slug, "name": "Nieuw programma"}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'value="Nieuw programma"' in response.content.decode()  # what was typed stays
    assert Program.objects.count() == before


def test_the_controller_assigns_policy_staff_to_a_program_for_every_year(
    control: Client, concept_2024: Report, policy_officer: User, finance: User
) -> None:
    newcomer = User.objects.create_user("beleid-nieuw", first_name="Nieuwe", last_name="Collega")
    newcomer.groups.add(*policy_officer.groups.all())
    program = concept_2024.programs.get(slug="sociaal")
    url = "/beheer/jaarstukken/2024/programmas/sociaal/toewijzen/"
    field = f"p{program.pk}-users"

    control.post(url, {field: [newcomer.pk]})
    assigned = set(
        ProgramAssignment.objects.filter(program_slug="sociaal").values_list(
            "user__username", flat=True
        )
    )
    assert assigned == {"beleid-nieuw"}  # policy_officer unchecked: no longer on it
    page = text_of(control.get("/beheer/jaarstukken/2024/programmas/"))
    assert "Werkt eraan: Nieuwe Collega." in page
    newcomer_client = Client()
    newcomer_client.force_login(newcomer)
    assert (
        newcomer_client.get("/beheer/jaarstukken/2024/sociaal/activiteit/1.1.1/").status_code == 200
    )

    # Only policy staff can be chosen: nothing changes, and the page says why.
    response = control.post(url, {field: [finance.pk]}, follow=True)
    assert "Niet opgeslagen: kies medewerkers uit de lijst." in text_of(response)
    assert ProgramAssignment.objects.filter(program_slug="sociaal").count() == 1


def test_programs_change_only_in_a_concept_and_only_by_the_controller(
    client: Client,
    controller: User,
    administrator: User,
    finance: User,
    policy_officer: User,
    report_2023: Report,
) -> None:
    for user in (administrator, finance, policy_officer):
        client.force_login(user)
        assert client.get("/beheer/verslag/nieuw/").status_code == 403
        assert client.post("/beheer/jaarstukken/2023/programmas/").status_code == 403
    client.force_login(controller)
    response = client.post(
        "/beheer/jaarstukken/2023/programmas/", {"slug": "nieuw", "name": "Nieuw"}
    )
    assert response.status_code == 403
    assert "De programma's van Jaarstukken 2023 liggen vast" in text_of(response)
    edit = client.get("/beheer/jaarstukken/2023/programmas/sociaal/")
    assert edit.status_code == 403
    assert not Program.objects.filter(slug="nieuw").exists()


def test_a_report_can_be_given_in_whole_euros(control: Client) -> None:
    form = control.get("/beheer/verslag/nieuw/").content.decode()
    assert "Bedragen in" in form and "hele euro" in form
    control.post("/beheer/verslag/nieuw/", {"kind": "jaarstukken", "year": 2026, "money_unit": "1"})
    assert Report.objects.get(kind="jaarstukken", year=2026).unit.code == "euro"
