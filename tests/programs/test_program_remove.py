"""The controller removes a program from a concept, after being told what goes with it."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from investments.models import BudgetLine
from programs.models import Program, Report
from programs.services import change_status
from tests.client import ClientResponse
from tests.factories import build_program

pytestmark = pytest.mark.django_db

PROGRAMS = "/beheer/jaarstukken/2024/programmas/"


def text_of(response: ClientResponse) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_removing_a_program_says_what_goes_with_it_then_removes_it_all(
    client: Client, controller: User, concept_2024: Report
) -> None:
    build_program(concept_2024, slug="wonen", goals=1, subgoals=1, activities=2, indicators=1)
    client.force_login(controller)
    assert f'href="{PROGRAMS}wonen/verwijder/"' in client.get(PROGRAMS).content.decode()
    url = PROGRAMS + "sociaal/verwijder/"
    page = text_of(client.get(url))
    assert "Programma Sociaal verwijderen?" in page
    assert "6 doelstellingen" in page and "31 activiteiten" in page and "44 indicatoren" in page
    assert "8 begrotingsregels" in page and "2 investeringen" in page

    program = Program.objects.get(report=concept_2024, slug="sociaal")
    # A page opened before someone changed the program removes nothing.
    Program.objects.filter(pk=program.pk).update(version=program.version + 1)
    response = client.post(url, {"version": program.version})
    assert response.status_code == 302 and response["Location"] == url
    assert Program.objects.filter(pk=program.pk).exists()

    response = client.post(url, {"version": program.version + 1})
    assert response.status_code == 302 and response["Location"] == PROGRAMS
    assert not Program.objects.filter(pk=program.pk).exists()
    assert not BudgetLine.objects.filter(program__report=concept_2024, program__slug="sociaal")
    assert "Programma Sociaal is verwijderd uit Jaarstukken 2024." in text_of(client.get(PROGRAMS))
    # The adopted 2023 keeps its own.
    assert Program.objects.filter(report__year=2023, slug="sociaal").exists()


def test_a_program_is_removed_only_from_a_concept(
    client: Client, controller: User, policy_officer: User, concept_2024: Report
) -> None:
    url = PROGRAMS + "sociaal/verwijder/"
    client.force_login(policy_officer)
    assert client.get(url).status_code == 403
    client.force_login(controller)
    change_status(report=concept_2024, transition="submit_for_review")
    response = client.post(url, {"version": 1})
    assert response.status_code == 403
    assert "worden alleen in een concept toegevoegd" in text_of(response)
    assert Program.objects.filter(report=concept_2024, slug="sociaal").exists()
