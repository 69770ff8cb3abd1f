from datetime import date
from decimal import Decimal

import pytest

from diemen_sociaal.lib.costs import THOUSANDS
from diemen_sociaal.lib.dutch import (
    DutchDateError,
    DutchNumberError,
    format_date,
    format_euros,
    format_number,
    parse_date,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "number", "decimals"),
    [
        ("776,8", Decimal("776.8"), 1),
        ("1.141", Decimal("1141"), 0),
        ("-23.175", Decimal("-23175"), 0),
        ("3200", Decimal("3200"), 0),
        ("12.345.678,90", Decimal("12345678.90"), 2),
        ("0,5", Decimal("0.5"), 1),
        (" 42 ", Decimal("42"), 0),
        ("−20", Decimal("-20"), 0),  # a typographic minus from a word processor
    ],
)
def test_it_reads_dutch_numbers(text: str, number: Decimal, decimals: int) -> None:
    assert parse_number(text) == (number, decimals)


def test_it_reads_a_point_as_thousands_never_as_decimals() -> None:
    assert parse_number("1.234") == (Decimal("1234"), 0)


@pytest.mark.parametrize("text", ["1.14", "1,234.56", "12a", "", "1.2345", ",5", "1,", "--3"])
def test_it_refuses_malformed_numbers_with_a_dutch_message(text: str) -> None:
    with pytest.raises(DutchNumberError, match="geen geldig getal"):
        parse_number(text)


@pytest.mark.parametrize(
    ("number", "decimals", "text"),
    [
        (Decimal("1141"), 0, "1.141"),
        (Decimal("-24009"), 0, "-24.009"),
        (Decimal("73.6"), 1, "73,6"),
        (Decimal("776.8"), 1, "776,8"),
        (Decimal("0.5"), 1, "0,5"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("-0.4"), 0, "0"),
    ],
)
def test_it_formats_numbers_the_dutch_way(number: Decimal, decimals: int, text: str) -> None:
    assert format_number(number, decimals) == text


def test_thousands_round_half_away_from_zero() -> None:
    assert THOUSANDS.of(-23_865_800) == -23_866
    assert THOUSANDS.of(1_500) == 2
    assert THOUSANDS.of(-1_500) == -2
    assert THOUSANDS.of(1_499) == 1


def test_amounts_show_in_thousands_with_a_dash_for_nil() -> None:
    assert THOUSANDS.show(-23_175_000) == "-23.175"
    assert THOUSANDS.show(0) == "-"
    # Not entered is not nil.
    assert THOUSANDS.show(None) == "nog niet ingevuld"
    assert format_euros(100_000) == "€ 100.000"


def test_dates_read_as_dutch_readers_write_them() -> None:
    assert format_date(date(2024, 6, 27)) == "27 juni 2024"
    assert format_date(date(2023, 9, 12)) == "12 september 2023"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 maart 2024", date(2024, 3, 1)),
        ("peildatum 1 maart 2024", date(2024, 3, 1)),
        ("Peildatum 15 sept. 2023", date(2023, 9, 15)),
        ("1 mrt 2024", date(2024, 3, 1)),
        ("01-03-2024", date(2024, 3, 1)),
        ("1/3/2024", date(2024, 3, 1)),
        ("2024-03-01", date(2024, 3, 1)),
    ],
)
def test_dates_are_read_as_people_write_them(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31 februari 2024", "1 ma 2024", "2023", "3-1", "maart 2024"])
def test_a_text_that_is_not_one_day_is_refused_in_dutch(text: str) -> None:
    with pytest.raises(DutchDateError, match="is geen datum. Schrijf bijvoorbeeld 1 maart 2024"):
        parse_date(text)
