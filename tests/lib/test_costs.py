from diemen_sociaal.lib.costs import Amounts, Figure, cost_table


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
    assert rows[2].values == [-90, -90, -90, -65, 25]
    assert rows[0]["budgetresultaat"] == Figure(30)
    assert rows[-1].values == [-95, -90, -98, -71, 27]
    assert [row.is_total for row in rows] == [False, False, True, False, True, True]
    assert all(row.is_complete for row in rows)


def test_an_empty_table_still_has_its_nil_balances() -> None:
    rows = cost_table([])
    assert [row.label for row in rows] == [
        "Saldo Structureel",
        "Saldo Incidenteel",
        "Saldo van de baten en lasten",
    ]
    assert rows[-1].values == [0, 0, 0, 0, 0]
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
    assert lasten["budgetresultaat"] == Figure(None, 1)
    assert baten["budgetresultaat"] == Figure(-5)
    # A balance adds what is there and says how many lines are still empty.
    assert structural["rekening"] == Figure(25, 1)
    assert structural["budgetresultaat"] == Figure(-5, 1)
    assert structural["begroting_totaal"] == Figure(-90)
    # Nothing entered at all is not a nil balance.
    assert incidental_balance["rekening"] == Figure(None, 1)
    assert total["rekening"] == Figure(25, 2)
    assert total["rekening_vorig"] == Figure(-90, 1)
    assert not total.is_complete


def test_a_nil_amount_is_complete() -> None:
    rows = cost_table([("structureel", "Lasten", Amounts(0, 0, 0, 0), None)])
    assert rows[-1].values == [0, 0, 0, 0, 0]
    assert rows[-1].is_complete
