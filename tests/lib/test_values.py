from decimal import Decimal

import pytest

from diemen_sociaal.lib.values import (
    Assessment,
    InvalidValue,
    Value,
    ValueState,
    assess,
    format_value,
    parse_value,
    why_not_judged,
)


def test_a_percentage_keeps_its_decimals() -> None:
    value = parse_value("73,6%")
    assert value == Value(ValueState.NUMBER, number=Decimal("73.6"), decimals=1, percent=True)
    assert format_value(value) == "73,6%"


@pytest.mark.parametrize(
    ("text", "label"),
    [("NB", "NB"), ("nb", "nb"), ("N.n.b.", "N.n.b."), ("n.n.b.", "n.n.b."), ("-", "-")],
)
def test_not_known_markers_are_kept_as_the_source_writes_them(text: str, label: str) -> None:
    value = parse_value(text)
    assert value.state == ValueState.NOT_KNOWN
    assert not value.is_known
    assert format_value(value) == label


def test_a_text_target_stays_text() -> None:
    text = "Minimaal 90% voor alle vaccinaties, HPV uitgezonderd"
    value = parse_value(text)
    assert value.state == ValueState.TEXT
    assert format_value(value) == text


def test_a_number_with_a_qualifier_keeps_both() -> None:
    value = parse_value("18% corona jeugdmonitor 2021-2022")
    assert value.number == Decimal("18")
    assert value.percent
    assert value.qualifier == "corona jeugdmonitor 2021-2022"
    assert format_value(value) == "18% corona jeugdmonitor 2021-2022"


def test_a_compound_value_holds_two_numbers() -> None:
    value = parse_value("14/215 per week")
    assert (value.number, value.number_2, value.qualifier) == (
        Decimal(14),
        Decimal(215),
        "per week",
    )
    assert format_value(value) == "14/215 per week"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("14 %", "14%"),
        ("11 /100 per week", "11/100 per week"),
        ("1.141", "1.141"),
        ("3200", "3.200"),
        ("-23.175", "-23.175"),
        ("  776,8 ", "776,8"),
    ],
)
def test_spacing_and_grouping_are_normalised(text: str, canonical: str) -> None:
    assert format_value(parse_value(text)) == canonical


@pytest.mark.parametrize("text", ["5,9%.", "1.14", "12abc", "1,234.56", "3,2 %%"])
def test_something_that_starts_like_a_number_but_is_not_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match="geen geldig"):
        parse_value(text)


def test_an_empty_value_asks_for_input() -> None:
    with pytest.raises(InvalidValue, match="Vul een waarde in"):
        parse_value("   ")


def test_a_very_long_value_is_refused() -> None:
    with pytest.raises(InvalidValue, match="hoogstens 500 tekens"):
        parse_value("x" * 501)


@pytest.mark.parametrize(
    ("target", "actual", "direction", "expected"),
    [
        ("65", "80", "hoger", Assessment.MET),
        ("35", "62", "lager", Assessment.SHORT),
        ("900", "776,8", "hoger", Assessment.SHORT),
        ("1%", "1%", "lager", Assessment.MET),
        ("190", "NB", "hoger", Assessment.UNKNOWN),
        ("Minimaal 90% voor alle vaccinaties", "N.n.b.", "hoger", Assessment.UNKNOWN),
        ("11/100 per week", "15/240 per week", "hoger", Assessment.UNKNOWN),
        # Like with like only: a percentage is no count, a rate no number of clients.
        ("70%", "73,6", "hoger", Assessment.OTHER_MEASURE),
        ("35", "12,3 per 10.000 inwoners", "hoger", Assessment.OTHER_MEASURE),
        ("15%", "18% corona jeugdmonitor 2021-2022", "lager", Assessment.OTHER_MEASURE),
        ("12 per 10.000", "11 Per  10.000", "lager", Assessment.MET),
        ("60", "45", "", Assessment.UNKNOWN),
    ],
)
def test_a_realisation_is_judged_against_its_target_only_when_it_can_be(
    target: str, actual: str, direction: str, expected: Assessment
) -> None:
    assert assess(parse_value(target), parse_value(actual), direction) == expected


@pytest.mark.parametrize(
    ("target", "actual", "unit", "expected"),
    [
        # The figure in the indicator's unit is judged, the other is read and kept.
        ("12", "35 trajecten, 12,3 per 10.000", "per 10.000 inwoners", Assessment.MET),
        ("13", "35 trajecten, 12,3 per 10.000", "per 10.000 inwoners", Assessment.SHORT),
        ("30", "35 trajecten, 12,3 per 10.000", "aantal trajecten", Assessment.MET),
        ("70%", "1.200 jongeren; 73,6%", "% jongeren", Assessment.MET),
        # A bare number is in the indicator's unit; a target that names clients is not.
        ("13", "12,3 per 10.000", "per 10.000 inwoners", Assessment.SHORT),
        ("35 cliënten", "12,3 per 10.000", "per 10.000 inwoners", Assessment.OTHER_MEASURE),
        # Neither figure, or both, in the indicator's unit: no guess.
        ("12", "35 trajecten, 12,3 per 10.000", "", Assessment.UNKNOWN),
        ("12", "35 personen, 12 personen per 10.000", "personen", Assessment.UNKNOWN),
    ],
)
def test_a_cell_with_two_figures_is_judged_by_the_one_in_the_indicators_unit(
    target: str, actual: str, unit: str, expected: Assessment
) -> None:
    assert assess(parse_value(target), parse_value(actual), "hoger", unit) == expected


@pytest.mark.parametrize(
    ("typed", "canonical", "first", "second"),
    [
        ("35 trajecten, 12,3 per 10.000", "35 trajecten, 12,3 per 10.000", "35", "12.3"),
        ("35, 12,3 per 10.000", "35, 12,3 per 10.000", "35", "12.3"),
        ("1.200 jongeren;  73,6%", "1.200 jongeren, 73,6%", "1200", "73.6"),
    ],
)
def test_two_figures_each_with_its_unit_are_read_as_two_and_written_back(
    typed: str, canonical: str, first: str, second: str
) -> None:
    value = parse_value(typed)
    assert value.two_figures
    assert (value.number, value.number_2) == (Decimal(first), Decimal(second))
    assert format_value(value) == canonical
    assert parse_value(canonical) == value


@pytest.mark.parametrize("typed", ["12 per week, gemiddeld", "35 trajecten,", "5 per 1.000"])
def test_words_with_a_comma_but_no_second_figure_stay_words(typed: str) -> None:
    value = parse_value(typed)
    assert not value.two_figures and value.number_2 is None
    assert format_value(value) == typed


def test_a_comma_without_a_second_figure_is_refused_in_dutch() -> None:
    with pytest.raises(InvalidValue, match="Na de komma hoort een tweede getal met zijn eenheid"):
        parse_value("35, ongeveer")


@pytest.mark.parametrize(
    ("target", "actual", "direction", "unit", "reason"),
    [
        ("70%", "73,6%", "hoger", "%", ""),
        ("70%", "73,6%", "", "%", "er is niet vastgelegd of hoger of lager beter is"),
        ("190", "NB", "hoger", "", "de realisatie is niet bekend (NB)"),
        ("Minimaal 90%", "91%", "hoger", "%", "de streefwaarde is een tekst, geen getal"),
        (
            "11/100 per week",
            "15/240 per week",
            "hoger",
            "",
            "de streefwaarde is een verhouding (11/100 per week), geen enkel getal",
        ),
        (
            "35",
            "73,6%",
            "hoger",
            "",
            "de streefwaarde is een getal zonder eenheid, de realisatie een percentage",
        ),
        (
            "35 cliënten",
            "12,3 per 10.000",
            "lager",
            "per 10.000 inwoners",
            "de streefwaarde is een getal ‘cliënten’, de realisatie een getal in de eenheid van "
            "de indicator",
        ),
        (
            "12",
            "35 trajecten, 12,3 per 10.000",
            "lager",
            "",
            "de realisatie heeft twee cijfers en geen ervan is in de eenheid van de indicator",
        ),
    ],
)
def test_the_site_says_why_it_gives_no_verdict(
    target: str, actual: str, direction: str, unit: str, reason: str
) -> None:
    pair = parse_value(target), parse_value(actual)
    assert why_not_judged(*pair, direction, unit) == reason
    # A reason exactly when there is no verdict.
    verdict = assess(*pair, direction, unit)
    assert (verdict in (Assessment.MET, Assessment.SHORT)) == (reason == "")


def test_a_missing_value_cannot_be_judged() -> None:
    assert assess(None, parse_value("5"), "hoger") == Assessment.UNKNOWN
