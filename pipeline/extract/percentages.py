"""Percentages: `22.6 percent`, `40%`, `3 percentage points`; kept in their own table, never as money.

A range (`20–30 percent`) is one row with value and value_end. Qualifiers (`about`, `more than`) are
read as for money.
"""
from __future__ import annotations

import re
from typing import Iterator

from .money import parse_number, read_qualifiers
from ..types import PercentRow

_NUM = r"\d+(?:\.\d+)?"
PERCENT_RX = re.compile(
    rf"(?<![\w.,$€£¥₩])(?:(?P<low>{_NUM})\s*(?:[-–—]|\sto\s)\s*)?(?P<num>{_NUM})"
    r"\s?(?P<unit>%|(?i:percentage\s+points?|per\s?cent|pct)\b)")

# Of the money qualifiers, those that make sense for a share.
PERCENT_QUALIFIERS = {"approximately", "about", "around", "roughly", "nearly", "almost", "some", "up to",
                      "more than", "over", "at least", "less than", "under", "as much as", "an estimated",
                      "estimated", "just over", "just under", "upwards of", "close to", "no more than",
                      "no less than", "a maximum of", "a minimum of", "or more", "or less", "or so", "per year",
                      "a year", "annually", "per annum"}


def iter_percentages(text: str) -> Iterator[PercentRow]:
    """Yield a PercentRow (sentence None, offsets relative to text) for each percentage, in text order."""
    for match in PERCENT_RX.finditer(text):
        unit = "percentage points" if match["unit"].lower().startswith("percentage") else "percent"
        value, end_value = parse_number(match["num"]), None
        if match["low"]:
            value, end_value = parse_number(match["low"]), value
        qualifiers = read_qualifiers(text, match.start(), match.end(), allowed=PERCENT_QUALIFIERS)
        yield PercentRow(None, match.start(), match.end(), match.group(0), value, unit, end_value,
                         ", ".join(qualifiers) or None)
