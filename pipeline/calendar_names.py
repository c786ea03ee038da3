"""Names of months and weekdays: for the date rules (dates.py) and for a document's dateline
(classify.DATELINE, read by docmeta for the publication date).

A module of its own so that the ingest and clean stages, which need only the names, do not depend
on dates.py: an edit of the date rules then re-runs extraction over the cached parses instead of
parsing every document again (see cache.py).
"""
from __future__ import annotations

WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# Every name MONTH_NAME matches starts with its month's three letters.
MONTH_PREFIXES = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def month_number(name: str) -> int:
    """1 to 12 for a month name MONTH_NAME matched: `Sept` -> 9, `august` -> 8."""
    return MONTH_PREFIXES.index(name[:3].lower()) + 1
