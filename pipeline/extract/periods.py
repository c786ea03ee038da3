"""Relative periods a date expression names without its year: quarters and halves (`the third
quarter`, `third-quarter`, `the latest quarter`, `the year-ago period`), seasons (`this summer`,
`last fall`), weekends, fiscal years (`the current fiscal year`), months named from the document's
date (`last June`, `January this year`), offsets from it (`a year earlier`, `two months ago`) and
holidays (`Thanksgiving Day`, `last Easter`).

Each is resolved against the document's date (`anchor`) in the direction of its governing verb
(`prefer`, tense.py), and against what the document last spoke of (`Reference`): in a quarterly
report `a year earlier` and `the year-ago period` are the reported quarter, one year back.

`read_period` returns None when the expression is none of these (the caller tries other readers),
an empty tuple when it is one but names no date (`the period` with nothing to refer to), else the
fields of a DateValue: (value, granularity, is_relative, value_end, fuzzy).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from ..lexicon import MONTH_NAME, WEEKDAYS, month_number
from .numbers import cardinal

YEAR_RX = r"(?:1[5-9]\d\d|20\d\d|2100)"
# How much farther a candidate may be when it agrees with the tense than one on the wrong side of the
# document's date: a tense is nearly a rule, a hint (a past clause around a noun phrase) much less.
TENSE_WEIGHT = 40
HINT_WEIGHT = 4
# Quarters are reported after they end: `will report third-quarter results` written in October is the
# quarter just ended, so for them a tense counts only three to one.
PART_WEIGHT = 3
PART_SIZE = {"quarter": 3, "half": 6}
ORDINAL_PART = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
                "final": -1}
# Words that point from the document's own quarter: `this quarter`, `the latest quarter`, `next quarter`.
PART_STEP = {"this": 0, "current": 0, "present": 0, "latest": -1, "last": -1, "past": -1, "previous": -1,
             "prior": -1, "preceding": -1, "recent": -1, "most recent": -1, "next": 1, "coming": 1, "following": 1}
# Words that put a quarter a year before the one the document reports: `the year-ago quarter`.
YEAR_BACK = {"year-ago", "year-earlier", "year ago", "year earlier", "last year's", "prior-year", "prior year",
             "previous year's", "year-before"}
# Words a quarter's noun phrase may carry that change nothing: `its fiscal third quarter`.
PART_FILLERS = {"the", "a", "an", "that", "its", "their", "his", "her", "our", "fiscal", "calendar", "same",
                "comparable", "corresponding", "full", "entire", "whole", "year's", "financial"}
PART_RX = re.compile(
    r"(?P<pre>(?:[\w'’.-]+\s+)*?)(?:(?P<n>first|second|third|fourth|final|1st|2nd|3rd|4th)[-\s]+)?"
    r"(?P<unit>quarter|half|period)", re.I)
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
SEASON_RX = re.compile(
    r"(?:(?P<which>this(?:\s+(?:coming|past))?|last|next|the\s+coming|the\s+past|the)\s+)?"
    r"(?P<season>spring|summer|autumn|fall|winter)(?:\s+of\s+(?P<when>this|last|next)\s+year)?", re.I)
WEEKEND_RX = re.compile(r"(?:(?P<which>this(?:\s+past|\s+coming)?|last|next|the\s+past|the\s+coming|the)\s+)?"
                        r"(?:long\s+)?weekend", re.I)
NAMED_MONTH_RX = re.compile(
    rf"(?:(?P<which>last|this(?:\s+past|\s+coming)?|next|the\s+coming|the\s+past|past|coming)\s+(?P<m1>{MONTH_NAME})\.?"
    rf"(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"|(?P<m2>{MONTH_NAME})\.?(?:\s+of)?\s+(?P<when>this|last|next)\s+year)", re.I)
CURRENT_YEAR_RX = re.compile(r"(?:the\s+)?current\s+year", re.I)
FISCAL_RX = re.compile(r"(?:the\s+)?(?P<which>current|this|last|next|coming|past|previous|prior|latest)\s+(?:fiscal"
                       r"(?:\s+year)?|financial\s+year)|(?:fiscal|financial)\s+(?P<which2>this|last|next)\s+year", re.I)
OFFSET_RX = re.compile(
    r"(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty"
    r"|a\s+couple\s+of|\d+)\s+(?P<unit>year|month|week|day|decade|quarter)s?(?:\s+or\s+so)?\s+"
    r"(?P<dir>ago|earlier|before|from\s+(?:now|today)|hence)",
    re.I)
# (`year-before` only hyphenated: `the year before` steps back from the latest year named, NEXT_TO_RX)
YEAR_AGO_RX = re.compile(r"(?:the\s+)?(?:year[-\s]ago|year[-\s]earlier|prior[-\s]year|year-before)", re.I)
NAMES_PART = re.compile(r"\b(?:first|second|third|fourth|final|1st|2nd|3rd|4th|Q[1-4]|H[12]|latest|current"
                        rf"|most\s+recent|this)\b|\b(?:{MONTH_NAME})\.?(?:\s+{YEAR_RX})?[-\s]quarter\b", re.I)
# A year back from the quarter before it: `the quarter a year ago`, `the same period last year`.
YEAR_BACK_AFTER = re.compile(r"\s+(?:a\s+year\s+(?:ago|earlier|before)|(?:of\s+)?last\s+year"
                             r"|the\s+(?:previous|prior)\s+year)$", re.I)
# The year a part is of, named from the document's date: `the first quarter of this year`, `of next year`,
# `of the year` (nothing names another: the document's own, as `the year` is: dates.THE_YEAR_END).
YEAR_OF_AFTER = re.compile(r"\s+of\s+(this|next|the|the\s+current)\s+year$", re.I)
OF_NAMED_YEAR = re.compile(rf"\s+of\s+({YEAR_RX})$")
STEP = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "prior": -1, "latest": -1, "next": 1,
        "coming": 1}


@dataclass
class Reference:
    """What a document spoke of last, for the expressions that point back at it: its latest
    quarter or half (`the quarter`, `the year-ago period`, `a year earlier` in a quarterly report)."""
    part: Optional[tuple[str, int, int]] = None  # (unit, year, n): ('quarter', 1989, 3)
    # the latest year, month and day the document named, for `that year`, `later that day`
    year: Optional[str] = None
    month: Optional[str] = None
    day: Optional[str] = None

    def note_part(self, granularity: str, value: str) -> None:
        """Remember the quarter or half starting in `value`'s month as the one the document reports."""
        self.part = (granularity, int(value[:4]), (int(value[5:7]) - 1) // PART_SIZE[granularity] + 1)

    def note(self, text: str, granularity: Optional[str], value: Optional[str]) -> None:
        """Remember a quarter or half the text names (`the third quarter`, `Q3 2022`, `the latest
        quarter`), not one it points back to (`a year earlier`, `the quarter`); and the year, month
        and day of any date (`that year` points back to them)."""
        if not value or THAT_RX.fullmatch(text.strip()):
            return
        if granularity in PART_SIZE and re.fullmatch(r"\d{4}-\d\d", value) and NAMES_PART.search(text):
            self.note_part(granularity, value)
        if re.match(r"\d{4}\b", value):
            self.year = value[:4]
            self.month = value[:7] if re.match(r"\d{4}-\d\d(?:-|$)", value) else None
            self.day = value[:10] if re.match(r"\d{4}-\d\d-\d\d", value) else None


# `that year`, `the same day`, `later that month`: the latest year, day or month the document named
THAT_RX = re.compile(r"(?:(?:earlier|later)\s+)?(?:that|the\s+same|that\s+same)\s+(year|month|day)", re.I)


# `the following year`, `the previous day`: one step on from (back from) the latest the document named
# (`the next day`, `the next morning`: the day after; a part of the day is noted, as in `Friday night`)
# (`the year before`, `the day after`, at the end of a clause: date_spans.is_not_a_date_here leaves the ones
# before an event, `the day before the vote`, to it)
NEXT_TO_RX = re.compile(r"(?:the\s+)?(?P<step>following|previous|preceding)\s+(?P<unit>year|month|day|morning|afternoon"
                        r"|evening|night)|(?:the\s+)?(?P<next>next)\s+(?P<unit2>day|morning|afternoon|evening|night)"
                        r"|(?:the\s+)?(?P<unit3>year|month|day|night)\s+(?P<step3>before|after)", re.I)


def _step(value: str, unit: str, steps: int) -> Optional[str]:
    """A year (`1998`), month (`1998-03`) or day (`1998-03-31`) `steps` of its unit away."""
    if unit == "year":
        return f"{int(value[:4]) + steps:04d}"
    if unit == "month":
        index = int(value[:4]) * 12 + int(value[5:7]) - 1 + steps
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    try:
        return (dt.date.fromisoformat(value) + dt.timedelta(days=steps)).isoformat()
    except ValueError:
        return None


# `the previous Friday`, `the following Monday`: the nearest such weekday before (after) the latest day
# the document named, or its own date when it named none
WEEKDAY_NEXT_TO_RX = re.compile(r"(?:the\s+)?(?P<step>following|previous|preceding)\s+(?P<weekday>"
                                + "|".join(WEEKDAYS) + ")", re.I)


def _read_weekday_next_to(core: str, parts: list[int], reference: Optional[Reference]):
    if not (m := WEEKDAY_NEXT_TO_RX.fullmatch(core)):
        return None
    named = reference.day if reference is not None and reference.day else None
    try:
        day = dt.date.fromisoformat(named) if named else dt.date(*parts) if len(parts) == 3 else None
    except ValueError:
        day = None
    if day is None:
        return (None, None, True, None, None)
    weekday = WEEKDAYS.index(m["weekday"].lower())
    if m["step"].lower() == "following":
        day += dt.timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)
    else:
        day -= dt.timedelta(days=(day.weekday() - weekday - 1) % 7 + 1)
    return (day.isoformat(), "day", True, None, None)


def _read_that(core: str, reference: Optional[Reference], parts: list[int]):
    if m := THAT_RX.fullmatch(core):
        unit, steps = m[1].lower(), 0
    elif m := NEXT_TO_RX.fullmatch(core):
        unit = (m["unit"] or m["unit2"] or m["unit3"]).lower()
        steps = 1 if (m["step"] or m["next"] or m["step3"]).lower() in ("following", "next", "after") else -1
    else:
        return None
    part = unit if unit not in ("year", "month", "day") else None
    unit = "day" if part else unit
    value = getattr(reference, unit, None) if reference is not None else None
    depth = ("year", "month", "day").index(unit) + 1
    if value is None and m.re is NEXT_TO_RX and m["unit3"] and len(parts) >= depth:
        value = "-".join(f"{p:02d}" for p in parts[:depth])  # `the year before`, no year named: the document's
    value = value and _step(value, unit, steps)
    return (value, unit if value else None, True, None, part)


def anchor_parts(anchor: Optional[str]) -> list[int]:
    """The document's date as [year, month, day] at its own precision ([] when there is none)."""
    if not anchor or not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", anchor):
        return []
    return [int(p) for p in anchor.split("-")]


def choose(offsets: dict, prefer: Optional[str], weight: Optional[int] = None):
    """The candidate (key of `offsets`, its signed distance from the document's date) the tense
    points to: on its side of the date unless the other side's is `weight` times nearer; a tie goes
    to the earlier candidate (the smaller key)."""
    direction = (prefer or "").rstrip("?")
    against = 1 if prefer not in ("past", "future", "past?") else \
        weight or (TENSE_WEIGHT if prefer in ("past", "future") else HINT_WEIGHT)

    def cost(key):
        offset = offsets[key]
        agrees = direction not in ("past", "future") or offset == 0 or (offset < 0) == (direction == "past")
        return abs(offset) * (1 if agrees else against), key

    return min(offsets, key=cost)


FISCAL_JOINED = re.compile(r"\bfiscal-(?=(?:first|second|third|fourth|1st|2nd|3rd|4th)\b)", re.I)


def _part_value(unit: str, year: int, n: int, is_relative: bool = True, fuzzy: Optional[str] = None) -> tuple:
    size = PART_SIZE[unit]
    return (f"{year:04d}-{(n - 1) * size + 1:02d}", unit, is_relative, f"{year:04d}-{n * size:02d}", fuzzy)


def _shift_part(unit: str, year: int, n: int, steps: int) -> tuple[int, int]:
    per_year = 12 // PART_SIZE[unit]
    index = year * per_year + (n - 1) + steps
    return index // per_year, index % per_year + 1


def _months_ending(last: int, size: int) -> tuple[str, str]:
    """The first and last month (`1989-07`, `1989-09`) of `size` months ending with month index `last`
    (year * 12 + month - 1)."""
    first = last - size + 1
    return f"{first // 12:04d}-{first % 12 + 1:02d}", f"{last // 12:04d}-{last % 12 + 1:02d}"


def part_ending(unit: str, day: str) -> tuple[str, str]:
    """The first and last month of a quarter or half that ends on `day` (`the quarter ended Sept. 30`:
    1989-07 to 1989-09, `the quarter ended July 31`: May to July). One that ends early in a month ends
    with the month before (`the quarter ended Jan. 2`, a retailer's: October to December)."""
    year, month, date = (int(x) for x in day[:10].split("-"))
    return _months_ending(year * 12 + month - 1 - (1 if date < 15 else 0), PART_SIZE[unit])


# A quarter named by the month it ends in, as reports name it: `the June quarter` (April to June),
# `the December 1997 quarter`, `the September quarter of 1998`.
MONTH_QUARTER_RX = re.compile(rf"(?:the\s+|its\s+|their\s+)?(?P<month>{MONTH_NAME})\.?(?:\s+(?P<year>{YEAR_RX}))?"
                              rf"[-\s]quarter(?:\s+of\s+(?P<year2>{YEAR_RX}))?", re.I)


def _read_month_quarter(core: str, parts: list[int], prefer):
    if not (m := MONTH_QUARTER_RX.fullmatch(core)):
        return None
    last = month_number(m["month"])
    year = m["year"] or m["year2"]
    if year is None:
        if len(parts) < 2:
            return (None, None, True, None, None)
        here = parts[0] * 12 + parts[1]
        offsets = {y: (y * 12 + last) - here for y in (parts[0] - 1, parts[0], parts[0] + 1)}
        year = choose(offsets, prefer, PART_WEIGHT)  # reported after it ends, as an ordinal quarter is
    first, end = _months_ending(int(year) * 12 + last - 1, PART_SIZE["quarter"])
    return (first, "quarter", not (m["year"] or m["year2"]), end, None)


def _read_part(core: str, parts: list[int], prefer, reference: Optional[Reference]):
    core = FISCAL_JOINED.sub("fiscal ", core)  # `the fiscal-first quarter`
    after = YEAR_BACK_AFTER.search(core)
    of_year = None if after else YEAR_OF_AFTER.search(core)  # `the first quarter of the year`
    of_named = None if after or of_year else OF_NAMED_YEAR.search(core)  # `the same quarter of 2022`
    cut = after or of_year or of_named
    m = PART_RX.fullmatch(core[:cut.start()] if cut else core)
    if not m:
        return None
    unit, ordinal = m["unit"].lower(), (m["n"] or "").lower()
    pre = re.sub(r"\s+", " ", m["pre"].lower()).strip()
    words = pre.split()
    year = int(of_named[1]) if of_named else \
        next((int(w[:4]) for w in words if re.fullmatch(rf"{YEAR_RX}(?:['’]s)?", w)), None)
    owner = re.search(r"\b(this|next|last) year['’]s\b", pre)  # `this year's third quarter`
    if of_year and not ordinal:
        return None  # `the quarter of the year` names no quarter
    back = bool(after) or any(phrase in pre for phrase in YEAR_BACK) and not (owner and ordinal)
    if owner and ordinal and len(parts) >= 1:
        year = parts[0] + STEP[owner[1]]
    elif of_year:
        if not parts:
            return (None, None, True, None, None)
        year = parts[0] + (1 if of_year[1].lower() == "next" else 0)  # `of the year`: the document's own
    rest = re.sub(r"\b(?:this|next|last) year['’]s\b|year[-\s](?:ago|earlier|before)|prior[-\s]year", " ", pre)
    steps = [PART_STEP[w] for w in re.findall(r"most recent|[\w-]+", rest) if w in PART_STEP]
    known = PART_FILLERS | set(PART_STEP) | {"most"}
    unknown = [w for w in rest.split() if w not in known and not re.fullmatch(rf"{YEAR_RX}(?:['’]s)?", w)]
    if unknown and not ordinal:
        return None  # `the French Quarter`, `the top half`
    if unit == "period" and steps and not ordinal and not unknown and year is None \
            and (reference is None or reference.part is None):
        unit = "quarter"  # `the latest period` with no quarter named yet: a report's period is its quarter
    if unit == "period":
        if ordinal or reference is None or reference.part is None:
            # `the year-ago period` with no quarter to point at names none; `the 1988 period`, its year (dates.py)
            return None if ordinal or unknown or year is not None else ()
        unit = reference.part[0]
    per_year = 12 // PART_SIZE[unit]
    if ordinal:
        n = per_year if ordinal == "final" else ORDINAL_PART[ordinal]
        if n > per_year:
            return None
        if year is not None:
            return _part_value(unit, year - (1 if back else 0), n,
                               is_relative=back or owner is not None or of_year is not None)
        if len(parts) < 2:
            return (None, None, True, None, None)
        if back:
            return _part_value(unit, parts[0] - 1, n)
        here = parts[0] * per_year + (parts[1] - 1) // PART_SIZE[unit]
        offsets = {y: (y * per_year + n - 1) - here for y in (parts[0] - 1, parts[0], parts[0] + 1)}
        return _part_value(unit, choose(offsets, prefer, PART_WEIGHT), n)
    if of_named and not (reference and reference.part):
        return (f"{year:04d}", "year", False, None, None)  # `the same quarter of 2022`, none named: its year
    if year is not None and not (reference and reference.part):
        return None  # `the 1988 period` with no quarter to point at: the year rule reads `1988`
    if reference is not None and reference.part is not None and reference.part[0] == unit and not steps:
        # `the quarter`, `the year-ago quarter`, `the 1988 period`: the quarter the document reports
        ref_year, ref_n = reference.part[1], reference.part[2]
        return _part_value(unit, year if year is not None else ref_year - (1 if back else 0), ref_n)
    if len(parts) < 2:
        return (None, None, True, None, None)
    here_n = (parts[1] - 1) // PART_SIZE[unit] + 1
    y, n = _shift_part(unit, parts[0], here_n, steps[0] if steps else -1)  # `the quarter`: the latest ended
    return _part_value(unit, y - (1 if back else 0), n)


def _read_season(core: str, parts: list[int], prefer):
    m = SEASON_RX.fullmatch(core)
    if not m:
        return None
    season = m["season"].lower()
    if len(parts) < 2:
        return (None, None, True, None, season)
    which = re.sub(r"\s+", " ", (m["which"] or "").lower())
    first = SEASONS[season][0]
    here = parts[0] * 12 + parts[1]
    spans = {y: (y * 12 + first, y * 12 + first + 2) for y in range(parts[0] - 2, parts[0] + 2)}
    if m["when"]:
        year = parts[0] + STEP[m["when"].lower()]
    elif which in ("last", "this past", "the past"):
        year = max(y for y, (_, end) in spans.items() if end < here)
    elif which in ("next", "the coming", "this coming"):
        year = min(y for y, (start, _) in spans.items() if start > here)
    elif which == "this":
        year = parts[0]
    else:  # `the summer`, `in the spring`: the one the tense points to (the current one is at 0)
        offsets = {y: 0 if start <= here <= end else start - here if start > here else end - here
                   for y, (start, end) in spans.items()}
        year = choose(offsets, prefer)
    return (f"{year:04d}", "season", True, None, season)


def _read_weekend(core: str, parts: list[int], prefer):
    m = WEEKEND_RX.fullmatch(core)
    if not m:
        return None
    if len(parts) < 3:
        return (None, None, True, None, None)
    which = re.sub(r"\s+", " ", (m["which"] or "the").lower())
    base = dt.date(*parts)
    saturday = base + dt.timedelta(days=5 - base.weekday())  # the Saturday of the document's week
    in_weekend = base.weekday() >= 5
    if which in ("last", "the past", "this past"):
        saturday -= dt.timedelta(days=7)
    elif which in ("next", "this coming") and in_weekend:
        saturday += dt.timedelta(days=7)
    elif which == "the" and not in_weekend and prefer in ("past", "past?", None):
        saturday -= dt.timedelta(days=7)  # `over the weekend`, told on a weekday: the one just gone
    year, week, _ = saturday.isocalendar()
    return (f"{year}-W{week:02d}-WE", "weekend", True, None, None)


def _read_named_month(core: str, parts: list[int]):
    m = NAMED_MONTH_RX.fullmatch(core)
    if not m:
        return None
    if len(parts) < 2:
        return (None, None, True, None, None)
    month = month_number(m["m1"] or m["m2"])
    day = int(m["day"]) if m["day"] else 0
    if day and len(parts) < 3 or day > 31:
        return (None, None, True, None, None) if day <= 31 else None
    here = (parts[1], parts[2] if day else 0)
    if m["when"]:
        year = parts[0] + STEP[m["when"].lower()]
    else:
        which = re.sub(r"\s+", " ", m["which"].lower())
        if which in ("last", "past", "the past", "this past"):  # the latest one before the document's
            year = parts[0] if (month, day) < here else parts[0] - 1
        elif which in ("next", "coming", "the coming", "this coming"):
            year = parts[0] if (month, day) > here else parts[0] + 1
        else:
            year = parts[0]
    if day:
        try:
            return (dt.date(year, month, day).isoformat(), "day", True, None, None)
        except ValueError:
            return None
    return (f"{year:04d}-{month:02d}", "month", True, None, None)


def _read_fiscal(core: str, parts: list[int]):
    if CURRENT_YEAR_RX.fullmatch(core):  # `the current year`, as `this year`
        return (f"{parts[0]:04d}", "year", True, None, None) if parts else (None, None, True, None, None)
    m = FISCAL_RX.fullmatch(core)
    if not m:
        return None
    if not parts:
        return (None, None, True, None, "fiscal year")
    year = parts[0] + STEP[(m["which"] or m["which2"]).lower()]
    return (f"{year:04d}", "year", True, None, "fiscal year")


def _read_offset(core: str, parts: list[int], reference: Optional[Reference]):
    """`a year earlier`, `two months ago`, `the year-ago` (as a modifier: `year-earlier profit`)."""
    if m := OFFSET_RX.fullmatch(core):
        n, unit = cardinal(m["n"]), m["unit"].lower()
    elif YEAR_AGO_RX.fullmatch(core):
        n, unit = 1, "year"
    else:
        return None
    if n is None:
        return None
    direction = re.sub(r"\s+", " ", m["dir"].lower()) if m else "ago"
    if direction.startswith("from") or direction == "hence":
        n = -n  # `two weeks from today`, `a year hence`: forward from the document's date
    elif unit == "year" and n == 1 and reference is not None and reference.part is not None:
        kind, year, part = reference.part
        return _part_value(kind, year - 1, part)  # a quarterly report's `a year earlier`: that quarter
    need = {"year": 1, "decade": 1, "quarter": 2, "month": 2, "week": 3, "day": 3}[unit]
    if direction in ("earlier", "before") and reference is not None and unit in ("month", "week", "day"):
        # `earlier` and `before` count from the time the text speaks of (`closed at 2645 on Oct. 27, down from
        # 2659 a week earlier`: the week before Oct. 27); `ago` from the document's date
        named = reference.day if unit in ("week", "day") else reference.month or reference.day
        if named:
            parts = [int(p) for p in named.split("-")]
    if len(parts) < need:
        return (None, None, True, None, None)
    if unit in ("year", "decade"):
        return (f"{parts[0] - n * (10 if unit == 'decade' else 1):04d}", "year", True, None, None)
    if unit == "quarter":
        y, q = _shift_part("quarter", parts[0], (parts[1] - 1) // 3 + 1, -n)
        return _part_value("quarter", y, q)
    if unit == "month":
        index = parts[0] * 12 + parts[1] - 1 - n
        return (f"{index // 12:04d}-{index % 12 + 1:02d}", "month", True, None, None)
    when = dt.date(*parts) - dt.timedelta(days=n * (7 if unit == "week" else 1))
    if unit == "week":
        year, week, _ = when.isocalendar()
        return (f"{year}-W{week:02d}", "week", True, None, None)
    return (when.isoformat(), "day", True, None, None)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 the last) weekday (0 = Monday) of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


# Holidays by the rule that dates them (the U.S. federal ones and a few the news names most).
HOLIDAYS = {
    "new year's day": lambda y: dt.date(y, 1, 1), "new year's eve": lambda y: dt.date(y, 12, 31),
    "christmas day": lambda y: dt.date(y, 12, 25), "christmas": lambda y: dt.date(y, 12, 25),
    "christmas eve": lambda y: dt.date(y, 12, 24), "independence day": lambda y: dt.date(y, 7, 4),
    "fourth of july": lambda y: dt.date(y, 7, 4), "july fourth": lambda y: dt.date(y, 7, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4), "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1), "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1),
    "easter": _easter, "easter sunday": _easter, "halloween": lambda y: dt.date(y, 10, 31),
    "valentine's day": lambda y: dt.date(y, 2, 14), "veterans day": lambda y: dt.date(y, 11, 11),
}
HOLIDAY_NAMES = "|".join(re.escape(n).replace("'", "['’]").replace(r"\ ", r"\s+")
                         for n in sorted(HOLIDAYS, key=len, reverse=True))
HOLIDAY_RX = re.compile(r"(?:(?P<which>last|this|next|this\s+past|this\s+coming)\s+)?(?:the\s+)?(?P<name>" + HOLIDAY_NAMES
                        + r")(?P<week>\s+week)?(?:,?\s+(?P<year>" + YEAR_RX + r"))?", re.I)


def _read_holiday(core: str, parts: list[int], prefer):
    """`Thanksgiving Day`, `last Thanksgiving`, `Easter 1998`: the day, in the year the tense points to;
    `Easter week` the ISO week of the day."""
    m = HOLIDAY_RX.fullmatch(core)
    if not m:
        return None
    found = _read_holiday_day(m, parts, prefer)
    if m["week"] and found[0]:
        year, week, _ = dt.date.fromisoformat(found[0]).isocalendar()
        return (f"{year}-W{week:02d}", "week", found[2], None, None)
    return found


def _read_holiday_day(m: re.Match, parts: list[int], prefer):
    rule = HOLIDAYS[re.sub(r"\s+", " ", re.sub(r"[’]", "'", m["name"].lower()))]
    if m["year"]:
        return (rule(int(m["year"])).isoformat(), "day", False, None, None)
    if len(parts) < 3:
        return (None, None, True, None, None)
    here = dt.date(*parts)
    which = re.sub(r"\s+", " ", (m["which"] or "").lower())
    days = {y: (rule(y) - here).days for y in (parts[0] - 1, parts[0], parts[0] + 1)}
    if which in ("last", "this past"):
        year = max(y for y, d in days.items() if d < 0)
    elif which in ("next", "this coming"):
        year = min(y for y, d in days.items() if d > 0)
    elif which == "this":
        year = parts[0]
    else:
        year = choose(days, prefer)
    return (rule(year).isoformat(), "day", True, None, None)


CURRENT_ERA_RX = re.compile(r"(?:this|(?:the\s+)?current|(?:the\s+)?present)\s+(decade|century)", re.I)


def _read_current_era(core: str, parts: list[int]):
    """`this decade`, `the end of this century`: the document's decade (`199`) or century (`19`); alone,
    `this century` is a stretch of time (dates.DURATION_CUES), as TimeML reads it."""
    if not (m := CURRENT_ERA_RX.fullmatch(core)):
        return None
    if not parts:
        return (None, None, True, None, None)
    decade = m[1].lower() == "decade"
    return (f"{parts[0]:04d}"[:3 if decade else 2], "decade" if decade else "century", True, None, None)


YEAR_END_RX = re.compile(r"(?:the\s+)?(?:end\s+of\s+(?:the|this)\s+year|year[-\s]end|year['’]s\s+end)", re.I)


def _read_year_end(core: str, parts: list[int], prefer):
    """`year-end`, `the end of the year`: the document's year, or the one before in the past tense
    (`since year-end`), its end noted in fuzzy."""
    if not YEAR_END_RX.fullmatch(core):
        return None
    if not parts:
        return (None, None, True, None, "end of")
    year = parts[0] - 1 if prefer == "past" else parts[0]  # a year's end already past is last year's
    return (f"{year:04d}", "year", True, None, "end of")


def read_period(core: str, anchor: Optional[str], prefer: Optional[str] = None,
                reference: Optional[Reference] = None):
    """The value of a relative period (see the module's docstring); None when `core` is not one."""
    parts = anchor_parts(anchor)
    for found in (_read_part(core, parts, prefer, reference), _read_month_quarter(core, parts, prefer),
                  _read_season(core, parts, prefer),
                  _read_weekend(core, parts, prefer), _read_named_month(core, parts), _read_fiscal(core, parts),
                  _read_offset(core, parts, reference), _read_holiday(core, parts, prefer),
                  _read_year_end(core, parts, prefer), _read_current_era(core, parts), _read_that(core, reference, parts),
                  _read_weekday_next_to(core, parts, reference)):
        if found is not None:
            return found
    return None
