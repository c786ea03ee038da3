"""Money figures, table-driven: text -> (amount, currency, qualifier); and what is not money."""
import pytest

from pipeline.money import iter_money


@pytest.mark.parametrize("text,expected", [
    ("IBM and Google pledged $150 million in support", [(150e6, "USD", None)]),
    ("invests \\$52 billion to promote", [(52e9, "USD", None)]),
    ("authorized up to \\$1.2 billion in R&D", [(1.2e9, "USD", "up to")]),
    ("with the U.S. and Japan contributing $500 million each.", [(500e6, "USD", "each")]),
    ("cost \\$3 billion, €100 billion, and \\$5 billion, respectively", [(3e9, "USD", None), (100e9, "EUR", None), (5e9, "USD", None)]),
    ("an investment of USD 505 million over five years", [(505e6, "USD", None)]),
    ("funding of approximately USD 4.5 million in 2022", [(4.5e6, "USD", "approximately")]),
    ("KRW 1.2 trillion", [(1.2e12, "KRW", None)]),
    ("3 billion yen", [(3e9, "JPY", None)]),
])
def test_money_found(text, expected):
    assert [(m.amount, m.currency, m.qualifier) for m in iter_money(text)] == expected


@pytest.mark.parametrize("text", [
    "20 million noisy qubits", "40,000 students", "45 projects", "a 100-qubit machine", "22.6 percent",
])
def test_not_money(text):
    assert list(iter_money(text)) == []
