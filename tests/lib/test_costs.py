from diemen_sociaal.lib.costs import EUROS, THOUSANDS, Amounts, Figure, cost_table


def test_balances_and_budget_result_are_computed() -> None:
    rows = cost_table(
        [
            ("structureel", "Structurele lasten", Amounts(-100, -110, -120, -90), None),
            ("structureel", "Structurele baten", Amounts(10, 20, 30, 25), None),
            ("incidenteel", "Incidentele lasten", Amounts(-5, 0, -8, -6), None),
        ]
    )
    labels = [row.label for row in rows]
    assert labels == [
        "Structurele lasten",
        "Structurele baten",
        "Saldo Structureel",
        "Incidentele lasten",
        "Saldo Incidenteel",
        "Saldo van de baten en lasten",
    ]
    # The account's columns and the budget result; no line has a multi-year estimate.
    assert rows[2].values == [-90, -90, -90, -65, 25, None, None, None, None]
    assert _shown(rows[0]["budgetresultaat"]) == (30, 0)
    assert rows[-1].values[:5] == [-95, -90, -98, -71, 27]
    assert [row.is_total for row in rows] == [False, False, True, False, True, True]
    assert all(row.is_complete for row in rows)


def test_an_empty_table_still_has_its_nil_balances() -> None:
    rows = cost_table([])
    assert [row.label for row in rows] == [
        "Saldo Structureel",
        "Saldo Incidenteel",
        "Saldo van de baten en lasten",
    ]
    assert rows[-1].values == [0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert rows[-1].is_complete


def test_an_empty_amount_is_not_zero_and_the_balances_count_it() -> None:
    # Finance entered the budget of the year, and one realisation so far.
    rows = cost_table(
        [
            ("structureel", "Lasten", Amounts(-100, -110, -120, None), None),
            ("structureel", "Baten", Amounts(10, 20, 30, 25), None),
            ("incidenteel", "Lasten", Amounts(None, None, None, None), None),
        ]
    )
    lasten, baten, structural, incidental, incidental_balance, total = rows
    # No result against an empty realisation (it is not the whole budget).
    assert _shown(lasten["budgetresultaat"]) == (None, 1)
    assert _shown(baten["budgetresultaat"]) == (-5, 0)
    # A balance adds what is there and says how many lines are still empty.
    assert _shown(structural["rekening"]) == (25, 1)
    assert _shown(structural["budgetresultaat"]) == (-5, 1)
    assert _shown(structural["begroting_totaal"]) == (-90, 0)
    # Nothing entered at all is not a nil balance.
    assert _shown(incidental_balance["rekening"]) == (None, 1)
    assert _shown(total["rekening"]) == (25, 2)
    assert _shown(total["rekening_vorig"]) == (-90, 1)
    assert not total.is_complete


def test_a_nil_amount_is_complete() -> None:
    rows = cost_table([("structureel", "Lasten", Amounts(0, 0, 0, 0), None)])
    assert rows[-1].values[:5] == [0, 0, 0, 0, 0]
    assert rows[-1].is_complete


def _shown(figure: Figure) -> tuple[int | None, int]:
    """A figure as a reader sees it: its value and how many lines are still empty."""
    return figure.value, figure.empty


def _in_thousands(*lines: tuple[str, str, Amounts]) -> list[tuple[str, str, Amounts, str]]:
    return [(nature, label, amounts, label) for nature, label, amounts in lines]


LINES = _in_thousands(
    ("structureel", "Lasten", Amounts(rekening=-25_414_000, begroting_totaal=-25_414_000)),
    ("structureel", "Baten", Amounts(rekening=1_516_000, begroting_totaal=1_549_000)),
)


def test_a_printed_subtotal_within_half_a_unit_per_term_is_shown_as_printed() -> None:
    # Rounded lines add up to -23.865; the unrounded euros behind them gave -23.866.
    printed = {"structureel": {"rekening": -23_900_000, "begroting_totaal": -23_866_000}}
    rows = cost_table(LINES, printed, THOUSANDS)
    balance = next(row for row in rows if row.label == "Saldo Structureel")
    assert THOUSANDS.show(balance["begroting_totaal"].value) == "-23.866"
    assert THOUSANDS.show(balance["rekening"].value) == "-23.898", "beyond 2 x 500: computed"
    assert balance["rekening"].printed == -23_900_000
    assert balance["rekening"].deviation == -2000
    assert [column for column, _ in balance.deviations] == ["rekening"]


def test_a_printed_line_result_may_differ_by_one_unit_and_no_more() -> None:
    rows = cost_table(LINES, {"Baten": {"budgetresultaat": -32_000}}, THOUSANDS)
    assert rows[1]["budgetresultaat"].value == -32_000  # 1.516 - 1.549 = -33, printed -32
    rows = cost_table(LINES, {"Baten": {"budgetresultaat": -31_000}}, THOUSANDS)
    assert rows[1]["budgetresultaat"].value == -33_000
    assert rows[1]["budgetresultaat"].deviation == 2000


def test_in_whole_euros_a_printed_figure_must_equal_the_sum() -> None:
    printed = {"structureel": {"begroting_totaal": -23_866_000}}
    balance = cost_table(LINES, printed, EUROS)[2]
    assert balance["begroting_totaal"].value == -23_865_000
    assert balance["begroting_totaal"].deviation == -1000


def test_a_half_filled_balance_is_not_replaced_by_its_print() -> None:
    lines = _in_thousands(("structureel", "Lasten", Amounts(begroting_totaal=-1000)))
    lines += _in_thousands(("structureel", "Baten", Amounts()))
    balance = cost_table(lines, {"structureel": {"begroting_totaal": -2000}}, THOUSANDS)[2]
    assert _shown(balance["begroting_totaal"]) == (-1000, 1)
    assert balance["begroting_totaal"].deviation is None


def test_a_unit_gives_amounts_as_they_were_given() -> None:
    assert THOUSANDS.of(-25_414_000) == -25_414
    assert THOUSANDS.of(1500) == 2 and THOUSANDS.of(-1500) == -2  # halves away from zero
    assert THOUSANDS.of(None) is None
    assert EUROS.of(-25_414_400) == -25_414_400
    assert (THOUSANDS.show(0), THOUSANDS.show(None)) == ("-", "nog niet ingevuld")
    assert EUROS.show(1_548_600) == "1.548.600"
