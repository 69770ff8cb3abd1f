"""The number of a goal, subgoal, activity or indicator: one shape, in the models and in
the addresses, so every code that can be stored has a page (never a 500)."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from indicators.models import Indicator, IndicatorTable
from programs.models import Activity, Goal, Report, Subgoal

DUTCH = "Een nummer bestaat uit cijfers of letters, gescheiden door punten"


def test_an_indicator_lettered_as_the_bbv_does_gets_a_page_of_its_own(
    client: Client, concept_2024: Report, staff_reader: User
) -> None:
    table = IndicatorTable.objects.filter(goal__program__report=concept_2024).first()
    indicator = Indicator(table=table, code="20.a", name="Banen per 1.000 inwoners", order=99)
    indicator.full_clean()
    indicator.save()
    client.force_login(staff_reader)

    chapter = client.get("/jaarstukken/2024/sociaal/")
    assert chapter.status_code == 200
    assert 'href="/jaarstukken/2024/sociaal/indicator/20.a/"' in chapter.content.decode()
    page = client.get("/jaarstukken/2024/sociaal/indicator/20.a/")
    assert page.status_code == 200
    assert "Banen per 1.000 inwoners" in page.content.decode()


@pytest.mark.parametrize("code", ["3 1", "3/1", "3..1", "3.1.", ".3", "-1", "3,1", "<b>", "é"])
def test_a_code_of_another_shape_is_refused_in_dutch_for_every_numbered_item(
    concept_2024: Report, code: str
) -> None:
    goal = Goal.objects.filter(program__report=concept_2024).first()
    assert goal is not None
    subgoal = Subgoal.objects.filter(goal=goal).first()
    items = [
        Goal(program=goal.program, code=code, title="Een doel"),
        Subgoal(goal=goal, code=code, title="Een subdoel"),
        Activity(subgoal=subgoal, code=code, plan="Een plan"),
        Indicator(table=IndicatorTable.objects.filter(goal=goal).first(), code=code, name="x"),
    ]
    for item in items:
        with pytest.raises(ValidationError) as refused:
            item.full_clean()
        assert DUTCH in str(refused.value.message_dict["code"]), type(item).__name__


def test_every_code_of_the_seed_has_the_shape(
    seeded: dict[int, Report], budget_2023: Report
) -> None:
    for model in (Goal, Subgoal, Activity, Indicator):
        for item in model.objects.all():
            item.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != "code"])
