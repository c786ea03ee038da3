"""Percentages, table-driven: text -> [(span text, value, unit, value_end, qualifier)]; their own table, never money."""
import pytest

from pipeline.extract.money import iter_money
from pipeline.extract.percentages import iter_percentages


@pytest.mark.parametrize("text,expected", [
    ("begin their education in China (22.6 percent), but", [("22.6 percent", 22.6, "percent", None, None)]),
    ("72 percent of foreign graduate students", [("72 percent", 72.0, "percent", None, None)]),
    ("a roughly 50 percent probability", [("50 percent", 50.0, "percent", None, "roughly")]),
    ("40%", [("40%", 40.0, "percent", None, None)]),
    ("more than 10% of funds", [("10%", 10.0, "percent", None, "more than")]),
    ("about 5 per cent", [("5 per cent", 5.0, "percent", None, "about")]),
    ("rose 3 percentage points", [("3 percentage points", 3.0, "percentage points", None, None)]),
    ("20–30 percent", [("20–30 percent", 20.0, "percent", 30.0, None)]),
    ("10 to 15 percent", [("10 to 15 percent", 10.0, "percent", 15.0, None)]),
    ("a 2.5 percent rise each year", [("2.5 percent", 2.5, "percent", None, None)]),
    ("version 1.5 percentile", []),
    ("$5 million", []),
])
def test_percentages(text, expected):
    assert [(m.text, m.value, m.unit, m.value_end, m.qualifier) for m in iter_percentages(text)] == expected


@pytest.mark.parametrize("text", ["22.6 percent", "40%", "3 percentage points"])
def test_percentages_are_not_money(text):
    assert list(iter_money(text)) == [] and list(iter_percentages(text))
