"""The seed reports, pinned: counts per level and a hand-checked sample of every table.

Every expected value below was read off seed 002 / 003 by hand, so a broken
fixture or a broken loader cannot pass.
"""

from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command

from diemen_sociaal.lib.costs import THOUSANDS
from diemen_sociaal.seed import FIXTURES_DIR, load_report, read_seed
from indicators.models import (
    Footnote,
    Indicator,
    IndicatorComponent,
    IndicatorTable,
    IndicatorValue,
    TableFootnote,
)
from investments.models import BudgetLine, CarryOver, Investment, program_cost_table
from programs.models import Activity, DevelopmentSection, Goal, Program, Report, Subgoal

pytestmark = pytest.mark.django_db


def cell(report: Report, code: str, year: int, kind: str, component: str | None = None) -> str:
    value = IndicatorValue.objects.get(
        indicator__table__program__report=report,
        indicator__code=code,
        year=year,
        kind=kind,
        component__label=component,
    )
    return value.display


def marks(report: Report, code: str, year: int, kind: str, component: str | None = None) -> list:
    value = IndicatorValue.objects.get(
        indicator__table__program__report=report,
        indicator__code=code,
        year=year,
        kind=kind,
        component__label=component,
    )
    return sorted(value.footnotes.values_list("number", flat=True))


def test_the_2023_chapter_has_every_level_complete(report_2023: Report) -> None:
    program = Program.objects.get(report=report_2023)
    assert (program.name, program.slug) == ("Sociaal", "sociaal")
    assert DevelopmentSection.objects.filter(program=program).count() == 13
    assert Goal.objects.filter(program=program).count() == 6
    assert Subgoal.objects.filter(goal__program=program).count() == 17
    assert Activity.objects.filter(subgoal__goal__program=program).count() == 31
    assert IndicatorTable.objects.filter(goal__program=program).count() == 7
    indicators = Indicator.objects.filter(table__program=program)
    assert indicators.count() == 44
    assert indicators.filter(table__kind="effect").count() == 1
    assert Footnote.objects.filter(program=program).count() == 16
    assert BudgetLine.objects.filter(program=program).count() == 8
    assert CarryOver.objects.filter(program=program).count() == 4
    assert Investment.objects.filter(program=program).count() == 3


def test_every_value_component_and_column_mark_of_both_reports_is_loaded(
    seeded: dict[int, Report],
) -> None:
    """Counted by hand in fixtures/jaarstukken-2023.yaml and -2020.yaml.

    2023: 44 indicators with three columns each, less the missing "begroot" of 3.3.3, is
    131 cells; a cell split into components holds one value per component: 3.1.9 (2
    components, in 2 columns), 5.3.1 (3, in 3 columns), 6.1.3 (3, in 1) and 6.1.7 (5, in
    1) add 2 + 6 + 2 + 4, so 145 values. Components: 2 + 3 + 3 + 5 = 13. Column-heading
    marks: footnote 10 and 11 on the headings of goal 5's tables, 12 on goal 6's
    "Realisatie 2022". The 2020 part has no indicator tables at all.
    """
    expected = {2023: (145, 13, 3), 2020: (0, 0, 0)}
    for year, report in seeded.items():
        found = (
            IndicatorValue.objects.filter(indicator__table__program__report=report).count(),
            IndicatorComponent.objects.filter(indicator__table__program__report=report).count(),
            TableFootnote.objects.filter(table__program__report=report).count(),
        )
        assert found == expected[year], year
    values = IndicatorValue.objects.filter(indicator__table__program__report=seeded[2023])
    assert values.filter(component__isnull=False).count() == 2 * 2 + 3 * 3 + 3 + 5
    assert not values.filter(indicator__code="3.3.3", kind="begroot").exists()
    assert IndicatorTable.objects.filter(goal__program__report=seeded[2020]).count() == 0


def test_the_effect_indicator_table_of_goal_3_follows_the_source(report_2023: Report) -> None:
    """Seed 002: "Indicator maatschappelijk effect | Realisatie 2022 | Begroting 2023 |
    Realisatie 2023" and "3.1 - Aantal mensen dat uitstroomt naar werk 54 60 45"."""
    table = IndicatorTable.objects.get(goal__program__report=report_2023, kind="effect")
    assert table.goal is not None and table.goal.code == "3"
    assert table.budget_label == "Begroting"
    assert [(i.code, i.name) for i in table.indicators.all()] == [
        ("3.1", "Aantal mensen dat uitstroomt naar werk")
    ]
    r = report_2023
    assert cell(r, "3.1", 2022, "realisatie") == "54"
    assert cell(r, "3.1", 2023, "begroot") == "60"
    assert cell(r, "3.1", 2023, "realisatie") == "45"
    assert marks(r, "3.1", 2023, "realisatie") == []
    assert not table.marks.exists()
    # Goal 3's performance table comes after it, as in the source.
    kinds = IndicatorTable.objects.filter(goal=table.goal).values_list("kind", flat=True)
    assert list(kinds) == ["effect", "prestatie"]


def test_activities_per_goal_follow_the_source(report_2023: Report) -> None:
    per_goal = {
        goal.code: Activity.objects.filter(subgoal__goal=goal).count()
        for goal in Goal.objects.filter(program__report=report_2023)
    }
    assert per_goal == {"1": 9, "2": 4, "3": 5, "4": 5, "5": 8, "6": 0}


def test_the_2020_part_is_a_report_of_its_own(report_2020: Report) -> None:
    program = Program.objects.get(report=report_2020)
    assert DevelopmentSection.objects.filter(program=program).count() == 5
    goal = Goal.objects.get(program=program)
    assert goal.title.startswith("Uniforme en integrale klantbenadering")
    assert Subgoal.objects.filter(goal=goal).count() == 4
    assert list(Activity.objects.filter(subgoal__goal=goal).values_list("code", flat=True)) == [
        "1.1.1",
        "1.1.2",
        "1.2.1",
        "1.2.2",
    ]
    activity = Activity.objects.get(subgoal__goal=goal, code="1.2.1")
    assert "In 2020 hebben verschillende organisaties" in activity.realisation


def test_both_reports_are_adopted_and_only_2023_has_a_known_date(seeded: dict[int, Report]) -> None:
    assert seeded[2023].is_adopted and seeded[2023].is_published
    assert seeded[2023].adopted_on == date(2024, 6, 27)
    assert seeded[2023].version_label == "Vastgesteld door Raad op 27 juni 2024"
    assert seeded[2020].is_adopted
    assert seeded[2020].adopted_on is None
    assert seeded[2020].version_label == "Vastgesteld door Raad"


def test_goal_wording_changes_between_years_but_codes_tie_them(seeded: dict[int, Report]) -> None:
    titles = dict(Goal.objects.filter(code="1").values_list("program__report__year", "title"))
    assert titles[2023].startswith("Uniforme (werkend volgens dezelfde uitgangspunten)")
    assert titles[2020] == (
        "Uniforme en integrale klantbenadering en -ondersteuning door de gemeente en haar partners"
    )


def test_subgoal_headings_that_differ_from_the_list_are_kept(report_2023: Report) -> None:
    subgoal = Subgoal.objects.get(goal__program__report=report_2023, code="3.1")
    assert subgoal.title == "Bemiddeling naar werk of sociale activering"
    assert subgoal.heading.startswith("Bemiddeling naar werk voor mensen die dat kunnen")
    same = Subgoal.objects.get(goal__program__report=report_2023, code="1.1")
    assert same.heading == same.title


def test_activities_separate_plan_from_realisation(report_2023: Report) -> None:
    activity = Activity.objects.get(subgoal__goal__program__report=report_2023, code="1.3.2")
    assert activity.plan == "Het ontwikkelen van een uniforme vragenlijst."
    assert activity.realisation.startswith("Er is gewerkt met een integraal perspectiefplan")
    activity = Activity.objects.get(subgoal__goal__program__report=report_2023, code="4.2.3")
    assert "School’s Cool in Diemen 24 kinderen" in activity.realisation


def test_performance_values_are_read_with_their_footnote_markers_apart(
    report_2023: Report,
) -> None:
    r = report_2023
    assert cell(r, "2.1.1", 2022, "realisatie") == "70"
    assert cell(r, "2.2.1", 2023, "realisatie") == "80"
    assert marks(r, "2.2.1", 2023, "realisatie") == [2]
    assert cell(r, "2.3.1", 2023, "realisatie") == "NB"
    assert cell(r, "3.1.1", 2023, "realisatie") == "776,8"
    assert marks(r, "3.1.1", 2023, "realisatie") == [3]
    assert cell(r, "3.1.3", 2022, "realisatie") == "70,9%"
    assert cell(r, "3.1.3", 2023, "realisatie") == "73,6%"
    assert cell(r, "3.1.4", 2023, "begroot") == "400"
    assert cell(r, "3.1.6", 2022, "realisatie") == "157"
    assert marks(r, "3.1.6", 2022, "realisatie") == [4]
    assert cell(r, "3.3.6", 2022, "realisatie") == "7,2%"
    assert marks(r, "3.3.6", 2023, "realisatie") == [8]
    assert cell(r, "4.2.3", 2023, "realisatie") == "62"
    assert cell(r, "5.1.3", 2023, "realisatie") == "55"
    assert cell(r, "5.2.4", 2022, "realisatie") == "495"
    assert cell(r, "6.2.1", 2023, "realisatie") == "55"
    assert marks(r, "6.2.1", 2023, "realisatie") == [15]
    assert cell(r, "6.2.2", 2023, "realisatie") == "NB"
    assert marks(r, "6.2.2", 2023, "realisatie") == [16]


def test_values_that_are_not_plain_numbers_keep_their_meaning(report_2023: Report) -> None:
    r = report_2023
    assert cell(r, "3.3.9", 2023, "begroot") == (
        "Minimaal 90% voor alle vaccinaties, HPV uitgezonderd"
    )
    assert cell(r, "3.3.9", 2023, "realisatie") == "N.n.b."
    assert cell(r, "3.3.4", 2022, "realisatie") == "-"
    assert cell(r, "3.3.4", 2023, "realisatie") == "14%"
    assert cell(r, "5.2.1", 2023, "realisatie") == "18% corona jeugdmonitor 2021-2022"
    assert cell(r, "5.2.7", 2022, "realisatie") == "14/215 per week"
    assert cell(r, "5.2.7", 2023, "begroot") == "11/100 per week"


def test_breakdowns_hold_a_value_per_component(report_2023: Report) -> None:
    r = report_2023
    assert cell(r, "5.3.1", 2023, "realisatie", "Roken") == "17%"
    assert cell(r, "5.3.1", 2023, "begroot", "Alcohol") == "13%"
    assert cell(r, "5.3.1", 2022, "realisatie", "Drugs") == "40%"
    assert cell(r, "3.1.9", 2023, "realisatie", "Diemen") == "3,1%"
    assert cell(r, "3.1.9", 2023, "realisatie", "Metropoolregio Amsterdam") == "5,4%"
    assert cell(r, "3.1.9", 2023, "begroot") == "5,9%"
    assert cell(r, "6.1.7", 2023, "begroot", "Hulpmiddelen") == "2.500"
    assert cell(r, "6.1.7", 2022, "realisatie") == "NB"
    labels = Indicator.objects.get(table__program__report=r, code="6.1.3").components
    assert [c.label for c in labels.all()] == [
        "Beschermd Wonen (BW)",
        "Maatschappelijke Opvang (MO)",
        "Noodopvang (NO)",
    ]


def test_footnotes_sit_on_names_headings_and_columns(report_2023: Report) -> None:
    r = report_2023
    stadspas = Indicator.objects.get(table__program__report=r, code="3.1.7")
    assert stadspas.name == "aantal inwoners met Stadspas"
    assert list(stadspas.footnotes.values_list("number", flat=True)) == [5]
    goal5 = IndicatorTable.objects.filter(goal__program__report=r, goal__code="5")
    heading_marks = [
        list(t.marks.filter(column="heading").values_list("footnote__number", flat=True))
        for t in goal5
    ]
    assert heading_marks == [[10], [11]]
    goal6 = IndicatorTable.objects.get(goal__program__report=r, goal__code="6")
    assert list(goal6.marks.values_list("column", "footnote__number")) == [("realisatie_vorig", 12)]


def test_the_correction_of_a_published_value_is_recorded_as_such(report_2023: Report) -> None:
    correction = Footnote.objects.get(program__report=report_2023, number=6)
    assert correction.kind == "correctie"
    assert correction.text.startswith("Realisatie 2022 stond verkeerd in jaarstukken 2022")
    corrected = IndicatorValue.objects.filter(footnotes=correction)
    assert {(v.indicator.code, v.display) for v in corrected} == {
        ("3.1.8", "3,2%"),
        ("3.1.9", "3,2%"),
    }


def test_mandatory_indicators_are_flagged_without_the_marker_in_their_name(
    report_2023: Report,
) -> None:
    indicators = Indicator.objects.filter(table__program__report=report_2023)
    assert not indicators.filter(name__icontains="verplicht").exists()
    assert indicators.get(code="3.1.1").mandatory
    assert not indicators.get(code="3.1.2").mandatory
    assert indicators.filter(mandatory=True).count() == 12


def test_the_cost_table_shows_every_published_figure_as_printed(report_2023: Report) -> None:
    program = report_2023.programs.get()
    seed = read_seed(FIXTURES_DIR / "jaarstukken-2023.yaml")["programs"][0]
    rows = program_cost_table(program)
    shown = {row.label: [THOUSANDS.show(f.value) for f in row.account_figures] for row in rows}
    printed = seed["printed_balances"]
    assert shown["Saldo Structureel"] == _thousands(printed["structureel"])
    assert shown["Saldo Incidenteel"] == _thousands(printed["incidenteel"])
    assert shown["Saldo van de baten en lasten"] == [
        "-23.186",
        "-23.540",
        "-25.037",
        "-24.009",
        "1.028",
    ]
    results = [THOUSANDS.show(row["budgetresultaat"].value) for row in rows if not row.is_total]
    assert results == [
        THOUSANDS.show(line["budgetresultaat"] * 1000) for line in seed["budget_lines"]
    ]
    assert shown["Structurele lasten"] == ["-23.175", "-23.974", "-25.414", "-24.273", "1.141"]
    # Printed -32 although 1.516 − 1.549 = -33: the print came from unrounded euros.
    assert shown["Structurele baten"][4] == "-32"
    assert not any(row.deviations for row in rows)


def test_the_seed_stores_the_printed_thousands_and_no_invented_euros(report_2023: Report) -> None:
    assert report_2023.money_unit == 1000
    for line in BudgetLine.objects.filter(program__report=report_2023):
        for amount in line.amounts.columns()[:4]:
            assert amount is not None and amount % 1000 == 0, line
    structural_income = BudgetLine.objects.get(
        program__report=report_2023, nature="structureel", kind="baten"
    )
    assert structural_income.begroting_totaal == 1_549_000
    assert structural_income.rekening == 1_516_000


def _thousands(row: dict) -> list[str]:
    keys = [
        "rekening_vorig",
        "begroting_primitief",
        "begroting_totaal",
        "rekening",
        "budgetresultaat",
    ]
    return [THOUSANDS.show(row[k] * 1000) for k in keys]


def test_investments_compute_their_free_room(report_2023: Report) -> None:
    rows = [
        (i.number, THOUSANDS.show(i.budget), THOUSANDS.show(i.free_room), i.status)
        for i in Investment.objects.filter(program__report=report_2023)
    ]
    assert rows == [
        ("760117", "7.400", "27", "A"),
        ("760123", "4.400", "338", "I"),
        ("760124", "2.400", "2.238", "I"),
    ]
    assert "vinden in 2024 plaats" in Investment.objects.get(number="760124").explanation


def test_carry_overs_keep_amounts_and_a_missing_amount_stays_missing(report_2023: Report) -> None:
    amounts = list(CarryOver.objects.values_list("title", "amount"))
    assert amounts == [
        ("Transformatiemiddelen jeugdhulp", 100_000),
        ("Gezond in de Stad (GIDS) en versterking van de sociale basis", None),
        ("Woonzorgvisie", 20_000),
        ("Inburgering ondertussengroep", None),
    ]


def test_no_pdf_ligature_survives_in_any_text(seeded: dict[int, Report]) -> None:
    for model in apps.get_models():
        if model._meta.app_label not in {"programs", "indicators", "investments"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        text_fields = [
            f.name
            for f in model._meta.fields
            if f.get_internal_type() in {"CharField", "TextField"}
        ]
        for row in model._default_manager.values(*text_fields):
            for value in row.values():
                assert "ĳ" not in value and "Ĳ" not in value, (model, value[:60])


def test_loading_again_changes_nothing(seeded: dict[int, Report]) -> None:
    counts = _counts()
    report, written = load_report(read_seed(FIXTURES_DIR / "jaarstukken-2023.yaml"))
    assert not written
    assert report == seeded[2023]
    assert _counts() == counts
    call_command("load_seed", verbosity=0)  # adds what the fixture leaves out: the budget
    counts = _counts()
    assert counts["Report"] == 3
    call_command("load_seed", verbosity=0)
    assert _counts() == counts


def test_replace_reloads_a_report_from_its_file(seeded: dict[int, Report]) -> None:
    counts = _counts()
    Activity.objects.filter(code="1.1.1").update(realisation="overschreven")
    call_command("load_seed", FIXTURES_DIR / "jaarstukken-2023.yaml", "--replace")
    assert _counts() == counts
    activity = Activity.objects.get(subgoal__goal__program__report__year=2023, code="1.1.1")
    assert activity.realisation.startswith("In 2023 is voor Jeugd en Wmo")


def _counts() -> dict[str, int]:
    models = [Report, Program, Goal, Subgoal, Activity, Indicator, IndicatorValue, BudgetLine]
    return {m.__name__: m._default_manager.count() for m in models}
