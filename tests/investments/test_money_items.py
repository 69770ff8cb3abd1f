"""Finance adds and removes budget lines, carry-overs and investments in a concept."""

import html
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from investments.models import BudgetLine, CarryOver, Investment
from programs.models import Report, ReportStatus
from tests.client import ClientResponse

pytestmark = pytest.mark.django_db

MONEY = "/beheer/jaarstukken/2024/sociaal/financien/"


def text_of(response: ClientResponse) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


@pytest.fixture
def money(client: Client, finance: User, concept_2024: Report) -> Client:
    client.force_login(finance)
    return client


def test_finance_adds_a_carry_over_and_an_investment_that_the_chapter_and_data_show(
    money: Client, controller: User, concept_2024: Report
) -> None:
    page = text_of(money.get(MONEY))
    assert "Geen voorgestelde overhevelingen." in page
    assert "Voorgestelde overheveling toevoegen" in page

    response = money.post(
        MONEY + "nieuw/overheveling/",
        {
            "title": "Uitvoering Wet inburgering",
            "amount": "125.000",
            "reasoning": "De trajecten lopen door in 2025.",
        },
    )
    assert response.status_code == 302 and response["Location"] == MONEY
    item = CarryOver.objects.get(program__report=concept_2024)
    assert (item.amount, item.order) == (125_000, 1)

    money.post(
        MONEY + "nieuw/investering/",
        {
            "number": "760200",
            "name": "Inrichting jongerenhuis",
            "budget": "450",  # x € 1.000, the report's unit
            "realised": "0",
            "status": "I",
            "explanation": "",
        },
    )
    investment = Investment.objects.get(program__report=concept_2024, number="760200")
    assert investment.budget == 450_000
    # A carry-over names its amount in euros, as the text around it does.
    page = text_of(money.get(MONEY))
    assert "Uitvoering Wet inburgering — € 125.000" in page
    assert "760200 Inrichting jongerenhuis" in page

    # The staff preview shows both; once offered, the public chapter and the open data do.
    preview = text_of(money.get("/jaarstukken/2024/sociaal/"))
    assert "Uitvoering Wet inburgering" in preview and "Inrichting jongerenhuis" in preview
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.OFFERED)
    reader = Client()
    chapter = text_of(reader.get("/jaarstukken/2024/sociaal/"))
    assert "Uitvoering Wet inburgering" in chapter and "Inrichting jongerenhuis" in chapter
    data = reader.get("/jaarstukken/2024/sociaal/data.csv?tabel=investeringen").content.decode()
    assert "760200" in data and "duizend_euro,450," in data
    pdf = reader.get("/jaarstukken/2024/sociaal/pdf/")
    assert pdf.status_code == 200
    printed = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Uitvoering Wet inburgering" in printed and "760200 Inrichting jongerenhuis" in printed


@pytest.mark.parametrize(
    ("soort", "posted", "field_message"),
    [
        (
            "investering",
            {"number": "760124", "name": "Dubbel", "budget": "1", "realised": "0", "status": "I"},
            "heeft al een investering met kredietnummer 760124.",
        ),
        (
            "investering",
            {"number": "76/01", "name": "Schuin", "budget": "1", "realised": "0", "status": "I"},
            "Een kredietnummer bestaat uit cijfers, letters, punten en streepjes.",
        ),
        (
            "investering",
            {
                "number": "760300",
                "name": "Centen",
                "budget": "1,50",
                "realised": "0",
                "status": "I",
            },
            "vul een heel getal in, bijvoorbeeld 1.234 voor € 1.234.000",
        ),
        (
            "begrotingsregel",
            {"nature": "structureel", "kind": "lasten", "label": "Structurele lasten"},
            "Deze regel bestaat al (zelfde aard, soort en omschrijving).",
        ),
        (
            "overheveling",
            {"title": "", "amount": "abc", "reasoning": "x"},
            "Dit veld is verplicht.",
        ),
    ],
)
def test_a_money_item_that_is_double_or_malformed_is_refused_in_dutch_and_nothing_is_stored(
    money: Client, concept_2024: Report, soort: str, posted: dict[str, str], field_message: str
) -> None:
    counts = (BudgetLine.objects.count(), CarryOver.objects.count(), Investment.objects.count())
    response = money.post(MONEY + f"nieuw/{soort}/", posted)
    assert response.status_code == 400
    text = text_of(response)
    assert "Niet toegevoegd: verbeter de velden met een melding." in text
    assert field_message in text
    assert counts == (
        BudgetLine.objects.count(),
        CarryOver.objects.count(),
        Investment.objects.count(),
    )


def test_a_new_budget_line_joins_the_cost_table_and_can_be_removed_again(
    money: Client, concept_2024: Report
) -> None:
    response = money.post(
        MONEY + "nieuw/begrotingsregel/",
        {
            "nature": "incidenteel",
            "kind": "lasten",
            "label": "Jongerenhuis",
            "begroting_primitief": "-50",
            "begroting_totaal": "-50",
        },
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get(program__report=concept_2024, label="Jongerenhuis")
    assert (line.begroting_primitief, line.rekening) == (-50_000, None)

    confirm = money.get(MONEY + f"begrotingsregel/{line.pk}/verwijder/")
    assert "Begrotingsregel Jongerenhuis (incidenteel) verwijderen?" in text_of(confirm)
    stale = money.post(MONEY + f"begrotingsregel/{line.pk}/verwijder/", {"version": 99})
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    assert "is niet verwijderd: iemand anders heeft het intussen gewijzigd" in text_of(
        money.get(stale["Location"])
    )
    money.post(MONEY + f"begrotingsregel/{line.pk}/verwijder/", {"version": line.version})
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_adding_and_removing_is_for_finance_and_a_concept_only(
    client: Client, policy_officer: User, finance: User, concept_2024: Report
) -> None:
    line = BudgetLine.objects.filter(program__report=concept_2024).first()
    assert line is not None
    client.force_login(policy_officer)
    assert client.post(MONEY + "nieuw/overheveling/", {"title": "x"}).status_code == 403
    assert "Voorgestelde overheveling toevoegen" not in text_of(client.get(MONEY))

    client.force_login(finance)
    Report.objects.filter(pk=concept_2024.pk).update(status=ReportStatus.IN_REVIEW)
    refused = client.post(MONEY + f"begrotingsregel/{line.pk}/verwijder/", {"version": 1})
    assert refused.status_code == 403
    assert "worden alleen in een concept toegevoegd of verwijderd" in text_of(refused)
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    # Existing amounts can still be corrected in review.
    assert (
        client.get(f"/beheer/jaarstukken/2024/sociaal/begrotingsregel/{line.pk}/").status_code
        == 200
    )


def test_a_carry_over_names_the_goal_it_was_for_and_the_chapter_links_it(
    money: Client, concept_2024: Report, report_2023: Report
) -> None:
    goal = concept_2024.programs.get(slug="sociaal").goals.get(code="3")
    elsewhere = report_2023.programs.get(slug="sociaal").goals.get(code="3")
    posted = {"title": "Re-integratie", "amount": "40.000", "reasoning": "Loopt door."}
    refused = money.post(MONEY + "nieuw/overheveling/", posted | {"goal": str(elsewhere.pk)})
    assert refused.status_code == 400
    assert not CarryOver.objects.filter(program__report=concept_2024).exists()

    money.post(MONEY + "nieuw/overheveling/", posted | {"goal": str(goal.pk)})
    item = CarryOver.objects.get(program__report=concept_2024)
    assert item.goal == goal
    chapter = money.get("/jaarstukken/2024/sociaal/").content.decode()
    assert (
        f'bij <a class="utrecht-link" href="#doelstelling-3">doelstelling 3 {goal.title}</a>'
        in (chapter)
    )
