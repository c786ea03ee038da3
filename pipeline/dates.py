"""Dates: find date expressions in a paragraph and normalise them to ISO 8601 at their own granularity.

Candidates come from spaCy's DATE spans plus a pattern for explicit dates the model misses.
Relative expressions (`Thursday`, `In November`, `this week`) are resolved only against a date the
document itself provides (the anchor); without one, value is None and is_relative True.
Durations (`five years`, `the next decade`) are not dates and are dropped.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

MONTHS = {name: i + 1 for i, name in enumerate(
    "january february march april may june july august september october november december".split())}
MONTHS.update({name[:3]: num for name, num in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTH_RX = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
YEAR_RX = r"(?:1[5-9]\d\d|20\d\d|2100)"
FUZZY_WORDS = re.compile(r"\b(early|mid|late|around|about|circa|c\.|approximately|roughly|by|before|after|the end of|the beginning of|the start of)\b-?", re.I)
UNIT = r"(?:years?|decades?|months?|weeks?|days?|quarters?|centur(?:y|ies))"
NUMBER_WORD = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|several|many|few|couple of|\d+)"
# A stretch of time rather than a point in it: `the next decade`, `over five years`, `a six-year term`.
DURATION_CUES = re.compile(
    rf"\bthe\s+(next|past|last|previous|coming|following|first|final)\s+(\w+[-\s])?{UNIT}\b"
    rf"|\b(over|within|for|during|after|in)\s+(the\s+)?(next\s+|past\s+|coming\s+)?{NUMBER_WORD}[-\s]{UNIT}"
    rf"|\b(next|past|last|coming)\s+{NUMBER_WORD}\s+{UNIT}"
    rf"|^(the\s+)?{NUMBER_WORD}[-\s]+{UNIT}(\s+(period|term|span|window|horizon|plan))?$"
    rf"|^(recent|coming|past|the coming|the past|the last|several|many)\s+{UNIT}$|^{UNIT}$|\b{UNIT}\s+(ago|old|long)\b",
    re.I)
RELATIVE_CUES = re.compile(
    r"\b(today|yesterday|tomorrow|tonight|this|last|next|ago|earlier|later|recently|current|previous)\b"
    r"|\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
EXPLICIT_DATE = re.compile(
    rf"\b(?:{MONTH_RX}\s+\d{{1,2}},?\s+{YEAR_RX}|\d{{1,2}}\s+{MONTH_RX}\s+{YEAR_RX}|{MONTH_RX}\s+{YEAR_RX}"
    rf"|{YEAR_RX}-\d\d-\d\d)\b", re.I)


@dataclass
class DateValue:
    value: Optional[str]
    granularity: Optional[str]
    is_relative: bool = False
    value_end: Optional[str] = None
    fuzzy: Optional[str] = None


def _month(word: str) -> Optional[int]:
    return MONTHS.get(word.lower().rstrip("."))


def parse_date(text: str, anchor: Optional[str] = None) -> Optional[DateValue]:
    """Normalise a date expression; None when it is not a date (a duration, a bare number).

    `anchor` is an ISO date the document provides (its publication date) for relative expressions.
    """
    raw = re.sub(r"\s+", " ", text.replace("–", "-").replace("—", "-")).strip()
    if not raw or DURATION_CUES.search(raw):
        return None
    fuzzy_match = FUZZY_WORDS.search(raw)
    fuzzy = fuzzy_match.group(1).lower() if fuzzy_match else None
    core = FUZZY_WORDS.sub(" ", raw)
    core = re.sub(r"^\s*(in|on|since|from|until|the|of)\s+", "", core.strip(), flags=re.I).strip(" ,.")
    if m := re.fullmatch(rf"({YEAR_RX})-(\d\d)-(\d\d)", core):
        return DateValue(f"{m[1]}-{m[2]}-{m[3]}", "day", fuzzy=fuzzy)
    if m := re.fullmatch(rf"({MONTH_RX})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({YEAR_RX})", core, re.I):
        return _day(m[3], _month(m[1]), m[2], fuzzy)
    if m := re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RX})\s+({YEAR_RX})", core, re.I):
        return _day(m[3], _month(m[2]), m[1], fuzzy)
    if m := re.fullmatch(rf"({MONTH_RX})\s+(?:of\s+)?({YEAR_RX})", core, re.I):
        return DateValue(f"{m[2]}-{_month(m[1]):02d}", "month", fuzzy=fuzzy)
    if m := re.fullmatch(rf"({YEAR_RX})\s*-\s*({YEAR_RX}|\d\d)", core):
        end = m[2] if len(m[2]) == 4 else m[1][:2] + m[2]
        return DateValue(m[1], "year", value_end=end, fuzzy=fuzzy)
    if m := re.fullmatch(rf"(?:the\s+)?(?:mid-?|early\s|late\s)?({YEAR_RX[3:-1]}|\d{{3}}0)'?s", core, re.I):
        year = m[1]
        if len(year) == 4 and year.endswith("0"):
            return DateValue(year[:3], "decade", fuzzy=fuzzy)
    if m := re.fullmatch(rf"(?:the\s+)?(?:year\s+)?({YEAR_RX})", core, re.I):
        return DateValue(m[1], "year", fuzzy=fuzzy)
    if m := re.fullmatch(rf"(?:fy|fiscal year)\s*({YEAR_RX})", core, re.I):
        return DateValue(m[1], "year", fuzzy="fiscal")
    return _relative(core, anchor, fuzzy)


def _day(year: str, month: Optional[int], day: str, fuzzy) -> Optional[DateValue]:
    try:
        value = dt.date(int(year), month or 0, int(day))
    except (TypeError, ValueError):
        return None
    return DateValue(value.isoformat(), "day", fuzzy=fuzzy)


def _relative(core: str, anchor: Optional[str], fuzzy) -> Optional[DateValue]:
    """Month names without a year, weekdays, `this week`, `last year`: resolved against the anchor."""
    lower = core.lower()
    words = lower.split()
    month = _month(words[-1]) if words and len(words) <= 2 else None
    is_month = month is not None
    if not (is_month or RELATIVE_CUES.search(lower)):
        return None
    if not anchor:
        return DateValue(None, None, is_relative=True, fuzzy=fuzzy)
    base = dt.date.fromisoformat(anchor) if len(anchor) == 10 else None
    year = int(anchor[:4])
    if lower in ("this year", "the current year"):
        return DateValue(str(year), "year", True, fuzzy=fuzzy)
    if lower in ("last year", "the previous year", "a year ago"):
        return DateValue(str(year - 1), "year", True, fuzzy=fuzzy)
    if lower in ("next year", "the following year"):
        return DateValue(str(year + 1), "year", True, fuzzy=fuzzy)
    if is_month and month:
        # A bare month in a dated document is the latest such month not after the anchor.
        if len(anchor) >= 7 and month > int(anchor[5:7]):
            year -= 1
        return DateValue(f"{year}-{month:02d}", "month", True, fuzzy=fuzzy)
    if base:
        if lower in ("today", "this week"):
            return DateValue(base.isoformat() if lower == "today" else base.isoformat()[:7], "day" if lower == "today" else "month", True)
        if lower == "yesterday":
            return DateValue((base - dt.timedelta(days=1)).isoformat(), "day", True)
        for i, name in enumerate(WEEKDAYS):
            if re.search(rf"\b{name}\b", lower):
                back = (base.weekday() - i) % 7
                return DateValue((base - dt.timedelta(days=back)).isoformat(), "day", True)
    return DateValue(None, None, is_relative=True, fuzzy=fuzzy)


def iter_date_spans(doc) -> list[tuple[int, int]]:
    """Character spans of date candidates in a spaCy Doc: DATE entities plus explicit dates."""
    spans = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "DATE"]
    for match in EXPLICIT_DATE.finditer(doc.text):
        if not any(s <= match.start() < e or match.start() <= s < match.end() for s, e in spans):
            spans.append((match.start(), match.end()))
    return sorted(spans)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading preposition or article from a date span (`in December 2019` -> `December 2019`)."""
    piece = text[start:end]
    match = re.match(r"^(in|on|since|from|by|until|during|the)\s+(?=\S)", piece, re.I)
    if match and re.search(r"\d|" + MONTH_RX, piece[match.end():], re.I):
        start += match.end()
    return start, end
