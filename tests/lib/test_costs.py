from diemen_sociaal.lib.costs import Amounts, cost_table


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
    structural = rows[2].amounts
    assert structural == Amounts(-90, -90, -90, -65)
    assert structural.budgetresultaat == 25
    assert rows[0].amounts.budgetresultaat == 30
    assert rows[-1].amounts.columns() == [-95, -90, -98, -71, 27]
    assert [row.is_total for row in rows] == [False, False, True, False, True, True]


def test_an_empty_table_still_has_its_balances() -> None:
    rows = cost_table([])
    assert [row.label for row in rows] == [
        "Saldo Structureel",
        "Saldo Incidenteel",
        "Saldo van de baten en lasten",
    ]
    assert rows[-1].amounts.columns() == [0, 0, 0, 0, 0]
