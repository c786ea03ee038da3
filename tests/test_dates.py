"""Date normalisation, table-driven: text -> (value, granularity, is_relative)."""
import pytest

from pipeline.dates import parse_date


@pytest.mark.parametrize("text,anchor,expected", [
    ("December 2019", None, ("2019-12", "month", False)),
    ("December 19, 2019", None, ("2019-12-19", "day", False)),
    ("19 December 2019", None, ("2019-12-19", "day", False)),
    ("2022", None, ("2022", "year", False)),
    ("around 2039", None, ("2039", "year", False)),
    ("Thursday", None, (None, None, True)),
    ("In November", None, (None, None, True)),
    ("Thursday", "2019-12-20", ("2019-12-19", "day", True)),
    ("November", "2019-12-20", ("2019-11", "month", True)),
])
def test_dates(text, anchor, expected):
    value = parse_date(text, anchor)
    assert (value.value, value.granularity, value.is_relative) == expected


@pytest.mark.parametrize("text", ["the next decade", "the next five years", "five years", "a five-year period", "recent years"])
def test_durations_are_not_dates(text):
    assert parse_date(text) is None
