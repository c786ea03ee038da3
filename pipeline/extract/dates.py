"""Dates: normalise date expressions to ISO 8601 at the precision the text gives.

Where the work is done:
- Where the expressions are (spaCy's DATE spans, split, widened and supplemented; the rule pass for
  notes, bibliography entries and headings) is date_spans.py; what each one means is here.
- dateparser reads single points (`December 19, 2019`, `19 Dec. 2019`, `this week`, `two weeks ago`) and
  tells their precision (its `period`). It is always given an explicit RELATIVE_BASE, never today:
  an expression is *relative* when its reading changes with the base, and a relative one is resolved
  only against the document's own date (`anchor`, its publication date). Otherwise value is None.
- A weekday or a month (and day) without a year is resolved here, in the direction of the verb that
  governs it (tense.py) and of the signal word before it (`until`, `since`, `by`): the document's own
  weekday is the document's date; `said Monday` is this week's Monday, `will meet Monday` next week's;
  `in April` written in December is next April after `expects to`, last April after `rose`.
- Spans follow TimeML's extent: determiners and modifiers in (`the late 1970s`, `about two years ago`),
  prepositions and signals out (`by Wednesday` is `Wednesday`, its bound noted in `fuzzy`).
- Rules, because dateparser gets these wrong or not at all (tests/test_dates.py shows each):
  durations (it reads `five years` as five years ago), decades and centuries (`the 2010s` becomes a
  time of day), fuzzy words (`late 2025`, `by around 2039` fail), ranges (`2014–2017`,
  `from 2021 to 2023`), fiscal years, quarters and halves, and bare years.

Values (all ISO 8601 at their own precision, so they sort and prefix-match as strings):
  day `2019-12-19`, ISO week `2019-W51`, month `2019-12`, year `2019`; a quarter or half is a month
  range (`2022-07` .. `2022-09`); a decade is ISO 8601-2's three-digit decade (`201` = the 2010s),
  a century its two-digit form (`20` = 2000-2099). Ranges put their end in value_end. Fuzziness and
  bounds (`early`, `mid`, `late`, `around`, `by`, `since`, `summer`, `fiscal year`) go to `fuzzy`.
  A season is its year with granularity `season` and the season in fuzzy (`this summer` = `1998`,
  `summer`); a weekend its ISO week plus `-WE` (`1998-W32-WE`, granularity `weekend`); a part of a named
  day its day (`Friday night` = `1998-10-23`, fuzzy `night`); a clock time on a named day
  `1998-02-11T22:00` (granularity `time`). Relative periods (quarters without a year, `last
  June`, `a year earlier`, the year-ago quarter of a quarterly report) are read in periods.py; years
  read aloud (`nineteen ninety-six`) in numbers.py.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Optional

from ..lexicon import MONTH_NAME, WEEKDAYS, month_number
from . import durations, numbers, periods
from .periods import Reference

MONTH_RX = MONTH_NAME + r"\.?"
YEAR_RX = r"(?:1[5-9]\d\d|20\d\d|2100)"
DECADE_RX = r"(?:(?:early|mid|late)[-\s]?)?(?:1[5-9]\d0|20\d0)['’]?s"
DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])"
DAY_RX = rf"{DAY_NUMBER}(?:st|nd|rd|th)?"
DASH_RX = r"\s*[-–—]\s*"
UNIT = r"(?:years?|decades?|months?|weeks?|days?|quarters?|centur(?:y|ies)|hours?)"
NUMBER_WORD = (r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
               r"|forty|fifty|hundred|several|many|few|couple\s+of|some|(?!(?:1[5-9]\d\d|20\d\d)\b)\d+)")  # `the 1988 quarter`: a year
# A stretch of time rather than a point in it: `the next decade`, `over five years`, `a six-year term`,
# and frequencies (`annually`, `every year`). These are not dates.
DURATION_CUES = re.compile(
    rf"\bthe\s+(?!(?:following|previous|preceding)\s+(?:year|month|day)\b)"
    rf"(next|past|last|previous|coming|following|first|final|ensuing|subsequent)\s+([\w-]+\s+)?"
    rf"(?!quarter\b){UNIT}\b(?!\s+of\b)"
    rf"|\b(over|within|for|during|after|in|across)\s+(the\s+)?(next\s+|past\s+|coming\s+)?{NUMBER_WORD}[-\s]{UNIT}"
    rf"|\b(next|past|last|coming)\s+{NUMBER_WORD}\s+{UNIT}"
    rf"|^(the\s+)?(first\s+|last\s+)?{NUMBER_WORD}([-\s]+(or|to)[-\s]+{NUMBER_WORD})?[-\s]+{UNIT}"
    rf"(\s+(period|term|span|window|horizon|plan|programme|program|long))?$"
    rf"|^(recent|coming|past|the\s+coming|the\s+past|the\s+last|several|many|these|those)\s+{UNIT}$|^{UNIT}$"
    rf"|\b{UNIT}\s+(old|long|to\s+come)\b"
    r"|^(annual(ly)?|yearly|monthly|weekly|daily|quarterly|biannual(ly)?|every\s+\w+|each\s+\w+|per\s+\w+)$"
    r"|\bdecades\b|^(?:next|past|last|coming)\s+decade$"
    r"|^(?:this|the\s+(?:past|last|next|current|present|coming)|last|next)\s+century$",
    re.I)
SEASON_WORD_RX = re.compile(r"spring|summer|autumn|fall|winter")
# Words around a date that make it approximate or a bound; kept, longest first, as `fuzzy`.
FUZZY_WORDS = [
    "by around", "by about", "no later than", "as early as", "as soon as", "as late as", "sometime in", "some time in",
    "the end of", "the beginning of", "the start of", "the middle of", "the turn of", "end of", "beginning of",
    "the week of", "week of",
    "start of", "middle of", "around", "about", "circa", "c.", "approximately", "roughly", "nearly", "almost",
    "sometime", "early", "mid",
    "late", "earlier", "later", "by", "before", "after", "until", "till", "since", "through",
    "spring", "summer", "autumn", "fall", "winter",
]
# A season before a year is a note on the year (`summer 2021`); a season alone is the date (`the summer`).
FUZZY_RX = re.compile(r"^(?:(?:" + "|".join(re.escape(w) for w in FUZZY_WORDS if not SEASON_WORD_RX.fullmatch(w))
                      + r")(?:\s+|$)|(?:" + SEASON_WORD_RX.pattern + r")\s+(?=\S)|(?:early|mid|late)-"
                      r"|(?:pre|post|end|start)-(?=\d))", re.I)
SEASON_WORD = re.compile(r"\b(?:spring|summer|autumn|fall|winter)\b", re.I)
# Trailing words that name a kind of year (`the 2023–24 academic year`): kept as a note.
YEAR_KIND_RX = re.compile(r"(?<=\d)\s+(academic|fiscal|financial|school|calendar|budget|tax)\s+year$", re.I)
OPEN_OFFSET = re.compile(r"(?:(?:just|only|a\s+few|few|several|many|some)\s+)?(?:years|months|weeks|days|decades)"
                         r"\s+(?:ago|earlier|before|later)", re.I)
THE_YEAR_END = re.compile(r"\bthe\s+(?:(full|whole|entire|calendar|fiscal)\s+)?year$", re.I)
OPEN_END_RX = re.compile(r"^(?:present|now|today|date|the present)$", re.I)
LEAD_RX = re.compile(r"^(?:in|on|during|at|of|the|from|(?:calendar\s+)?year(?=\s+\d))\s+", re.I)  # `year 2019`, not `year end`
# Bound words before a date that are kept as its `fuzzy` note (`by around 2039`, `since 2019`), though,
# as in TimeML, the row's span leaves them out, as it does every preposition.
BOUND_WORDS = {"by", "before", "after", "until", "since", "through"}
# Words that make an expression depend on when it was written (for those dateparser cannot read).
RELATIVE_CUES = re.compile(
    r"\b(today|yesterday|tomorrow|tonight|now|this|last|next|ago|recently|current|previous|same|that|"
    r"following|present)\b|\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
            "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
            "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty-second": 22}
RANGE_CONNECTOR = r"(?:\s*[-–—]\s*|\s+(?:to|through|thru|until|till)\s+)"

# Patterns the readers below use, compiled once (they embed the month and year patterns above).
ISO_DAY = re.compile(rf"{YEAR_RX}-\d\d-\d\d")
DAYS_OF_ONE_MONTH = re.compile(
    rf"({MONTH_RX})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:{DASH_RX}|\s+(?:and|to|through)\s+)(\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+({YEAR_RX}))?", re.I)
BETWEEN_AND = re.compile(r"(?:between\s+)?(.+?)\s+and\s+(.+)", re.I)
CONNECTED_RANGE = re.compile(rf"(.+?){RANGE_CONNECTOR}(.+)", re.I)
SPLIT_YEAR = re.compile(rf"({YEAR_RX})/(\d\d|{YEAR_RX})")
MONTH_WORD = re.compile(rf"\b{MONTH_NAME}\b", re.I)
YEAR = re.compile(YEAR_RX)
PLAIN_YEAR = re.compile(rf"(?:the\s+)?(?:year\s+)?({YEAR_RX})", re.I)
FISCAL_YEAR = re.compile(rf"(?:fy|fiscal(?:\s+year)?|financial\s+year)\s*['’]?({YEAR_RX}|\d\d)", re.I)
QUARTER = re.compile(rf"(?:the\s+)?Q([1-4])\s*(?:of\s+)?({YEAR_RX})", re.I)
YEAR_FIRST_PART = re.compile(rf"({YEAR_RX})\s*[-\s]?([QH])([1-4])", re.I)  # `2022 Q4`, `2022-Q3`, `2023 H1`
BARE_PART = re.compile(r"(?:the\s+)?([QH])([1-4])", re.I)  # `in Q2`: the second quarter, of the year it points to
NAMED_QUARTER = re.compile(rf"(?:the\s+)?(first|second|third|fourth|final|last)\s+quarter\s+of\s+({YEAR_RX})", re.I)
HALF = re.compile(rf"(?:the\s+)?(?:H([12])\s*|(first|second|last)\s+half\s+of\s+)({YEAR_RX})", re.I)


# Two fixed, unrelated bases: an expression whose reading differs between them is relative.
PROBE_BASES = (dt.datetime(2001, 3, 14), dt.datetime(2013, 10, 7))
PRECISION = {"year": 1, "month": 2, "week": 3, "day": 3}


@dataclass
class DateValue:
    value: Optional[str]
    granularity: Optional[str]
    is_relative: bool = False
    value_end: Optional[str] = None
    fuzzy: Optional[str] = None


def parse_date(text: str, anchor: Optional[str] = None, prefer: Optional[str] = "past",
               signal: Optional[str] = None, reference: Optional["Reference"] = None) -> Optional[DateValue]:
    """Normalise a date expression; None when it is not a date (a duration, a frequency, a number).

    `anchor` is an ISO date the document provides (its publication date), used only for relative
    expressions. `prefer` is the tense of the verb governing the expression ('past', 'present',
    'future' or None: tense.py), `signal` the word just before it (`until`, `since`, `by`, `to`): they
    decide which `Thursday` or `November` is meant. `reference` is what the document spoke of last
    (its latest quarter or half), for `the quarter`, `the year-ago period`, `a year earlier`.
    """
    raw = re.sub(r"\s+", " ", text).strip().strip(",;:()[]")
    if OPEN_OFFSET.fullmatch(raw):
        return None  # `months ago`, `several years earlier`: only `the past` (TimeML's PAST_REF), as `recently`
    pointer = periods.NEXT_TO_RX.fullmatch(raw)  # `the previous day`: a date, one day before the one named
    if not raw or len(raw) > 80 or re.search(r"\btoday['’]s\b", raw, re.I) \
            or not pointer and (DURATION_CUES.search(raw) or durations.is_duration(raw)):
        return None
    # `the year`, `the full year`, `the end of the year`: nothing names another, so the document's own
    # (as `the quarter` is its latest quarter); `that year` points back instead (periods.py)
    raw = THE_YEAR_END.sub(lambda m: "this fiscal year" if m[1] and m[1].lower() == "fiscal" else "this year", raw)
    if m := IN_THE_UNIT.fullmatch(raw):  # `later in the day`: the day the text spoke of last, else the document's
        unit = m[2].lower()
        named_day = reference is not None and reference.day
        raw = f"{m[1]} " + (f"this {unit}" if unit != "day" else "that day" if named_day else "today")
    core, fuzzy = _split_fuzzy(numbers.digits_for_spoken_dates(raw))
    if not core:
        return None
    if fuzzy and EDGE_OF.search(fuzzy) and (unit := THE_MONTH_OR_WEEK.fullmatch(core)):
        core = f"this {unit[1].lower()}"  # `by the end of the month`: the document's own, as `the year` is
    first = (fuzzy or "").split(" ")[0]
    prefer = _direction(prefer, first if first in SIGNALS else signal, fuzzy)
    if (signal in BOUND_WORDS or signal in PHRASE_BOUNDS) and first not in BOUND_WORDS:
        fuzzy = f"{signal} {fuzzy}" if fuzzy else signal  # `by Wednesday`: the bound is noted, not spanned
    found = _parse_range(core, anchor, prefer) or _parse_point(core, anchor, prefer, reference)
    if found and fuzzy:
        found.fuzzy = " ".join(x for x in (fuzzy, found.fuzzy) if x)
    if found and found.granularity == "year" and found.fuzzy and SEASON_WORD.search(found.fuzzy):
        found.granularity = "season"  # `summer 2021`: the year, and the season in fuzzy
    if found and found.granularity == "day" and found.fuzzy and WEEK_OF.search(found.fuzzy) and not found.value_end:
        # `the week of March 6`: the ISO week that day is in (as `Easter week` is), not the day
        year, week, _ = dt.date.fromisoformat(found.value).isocalendar()
        found.value, found.granularity = f"{year}-W{week:02d}", "week"
        found.fuzzy = WEEK_OF.sub("", found.fuzzy).strip() or None
    return found


WEEK_OF = re.compile(r"\bweek of\b")
IN_THE_UNIT = re.compile(r"(earlier|later)\s+in\s+the\s+(day|week|month|year)", re.I)
EDGE_OF = re.compile(r"\b(?:end|beginning|start|middle) of$")
THE_MONTH_OR_WEEK = re.compile(r"(?:the\s+)?(month|week|decade|century)", re.I)


# Signal words before a date that say on which side of the clause's time it lies.
AFTER_SIGNALS = {"until", "till", "til", "pending"}  # `postponed until Tuesday`: after the event
ENDPOINT_SIGNALS = {"by", "through", "thru", "to"}  # `extended to Nov. 20`, `had filed by Wednesday`: either side
SINCE_SIGNALS = {"since"}
SIGNALS = AFTER_SIGNALS | ENDPOINT_SIGNALS | SINCE_SIGNALS | {"from", "before", "after", "in", "on", "during", "at"}


def _direction(tense: Optional[str], signal: Optional[str], fuzzy: Optional[str] = None) -> Optional[str]:
    """The way to look from the document's date: the governing verb's tense, bent by a signal word
    (`since`, `until`, `by`) or a bound (`as early as Tuesday`)."""
    signal = "by" if (signal or "").lower() == "no later than" else (signal or "").lower()
    if signal in SINCE_SIGNALS:
        return "past"
    if signal in AFTER_SIGNALS or re.match(r"as (early|soon) as\b", signal or fuzzy or ""):
        return "future"
    if signal in ENDPOINT_SIGNALS:
        # a deadline with no tense to go by (`plans for more flights by August`) lies ahead; after a
        # past verb it may lie on either side (`had filed by Wednesday`, `extended to Nov. 20`)
        return {"past": "present", "past?": "present", None: "future" if signal == "by" else "present"}.get(tense, tense)
    return tense


def signal_before(text: str, start: int) -> Optional[str]:
    """The signal word just before a date (`until`, `since`, `by`, `to`, `from`), lower-cased, if any."""
    before = text[max(0, start - 16):start]
    if m := PHRASE_SIGNAL_BEFORE.search(before):
        return re.sub(r"\s+", " ", m[0].strip().lower())
    m = re.search(r"\b([A-Za-z]+)\s+$", before)
    if m and m[1].lower() == "to" and STRETCH_BEFORE_TO.search(text, max(0, start - 24), start):
        return None  # `the three months to September`: the end of a stretch, not a deadline (`extended to`)
    return m[1].lower() if m and m[1].lower() in SIGNALS else None


# Bounds of more than a word: noted in `fuzzy` like `by`, and left out of the span (TimeML's signals).
PHRASE_BOUNDS = {"as early as", "as soon as", "as late as", "no later than"}
PHRASE_SIGNAL_BEFORE = re.compile(r"\b(?:as\s+(?:early|soon|late)\s+as|no\s+later\s+than)\s+$", re.I)
STRETCH_BEFORE_TO = re.compile(r"\b(?:months|weeks|quarters|days|years|year|quarter|half|week|month)\s+to\s+$", re.I)


def _split_fuzzy(raw: str) -> tuple[str, Optional[str]]:
    """Peel leading prepositions and fuzzy/bound words: `by around 2039` -> ('2039', 'by around')."""
    notes, core = [], raw
    while True:
        if m := FUZZY_RX.match(core):
            word = m.group(0).strip(" -").lower()
            notes.append({"c.": "circa", "the end of": "end of", "the beginning of": "beginning of",
                          "the start of": "start of", "the middle of": "middle of", "the week of": "week of",
                          "pre": "before", "post": "after", "end": "end of", "start": "start of"}.get(word, word))
            # `post-1959`: after 1959; `end-2022`: the end of 2022
        elif m := LEAD_RX.match(core):
            pass
        else:
            break
        core = core[m.end():]
    core = core.strip(" ,.")
    if kind := YEAR_KIND_RX.search(core):
        notes.append(f"{kind[1].lower()} year")
        core = core[:kind.start()]
    return core, (" ".join(notes) or None)


def _parse_range(core: str, anchor, prefer) -> Optional[DateValue]:
    """`2014–2017`, `2014-17`, `from 2021 to 2023`, `between 2021 and 2023`, `June–August 2023`,
    `19–21 December 2019`, `December 19–21, 2019`, `December 2019 to March 2020`."""
    if ISO_DAY.fullmatch(core):
        return None
    if m := DAYS_OF_ONE_MONTH.fullmatch(core):  # `December 19–21, 2019`, `April 24 and 25`
        year = f", {m[4]}" if m[4] else ""
        left, right = f"{m[1]} {m[2]}{year}", f"{m[1]} {m[3]}{year}"
    elif m := BETWEEN_AND.fullmatch(core):
        if not core.lower().startswith("between"):
            return None
        left, right = m[1], m[2]
    elif m := CONNECTED_RANGE.fullmatch(core):
        left, right = m[1], m[2]
    elif m := SPLIT_YEAR.fullmatch(core):
        left, right = m[1], m[2]  # 2023/24: an academic or fiscal year across two calendar years
    else:
        return None
    if OPEN_END_RX.match(right.strip()):  # 2019–present: open-ended, the end is noted, not guessed
        start = _parse_point(re.sub(r"^(from|since)\s+", "", left.strip(), flags=re.I), anchor, prefer)
        if start is None or start.value is None or start.value_end:
            return None
        start.fuzzy = "to present"
        return start
    left = re.sub(r"^(from|between)\s+", "", left.strip(), flags=re.I)
    if re.fullmatch(r"\d\d", right) and re.fullmatch(YEAR_RX, left):
        right = left[:2] + right  # 2014-17
    end = _parse_point(right, anchor, prefer)
    if end is None or end.value is None or end.value_end:
        return None
    if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", left) and not re.search(YEAR_RX, right) \
            and (month := re.search(MONTH_RX, right, re.I)):
        left = f"{left} {month[0]}"  # `3 to 14 April`: the days of one month
    if not re.search(YEAR_RX, left) and (year := re.search(YEAR_RX, right)):
        left = f"{left} {year[0]}"  # June–August 2023, 19–21 December 2019
        if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)? \d{4}", left) and (month := re.search(MONTH_RX, right, re.I)):
            left = f"{month[0]} {left.split()[0]}, {year[0]}"
    start = _parse_point(left, anchor, prefer)
    if start is None or start.value is None or start.value_end or start.value > end.value:
        return None
    return DateValue(start.value, start.granularity, start.is_relative or end.is_relative,
                     end.value_end or end.value, start.fuzzy or end.fuzzy)


def _parse_point(core: str, anchor, prefer, reference: Optional["Reference"] = None) -> Optional[DateValue]:
    for rule in (_rule_year, _rule_decade, _rule_century, _rule_fiscal, _rule_part_of_year, _rule_half_of_era):
        if (found := rule(core)) is not None:
            return found
    if m := POINTED_WEEKDAY.fullmatch(core):  # `this coming Sunday(, March 8)`: the pointer is the direction
        back = m["which"].lower().endswith("past")
        found = _parse_point(m["day"], anchor, "past" if back else "future", reference)
        if found and found.value and found.value == anchor and WEEKDAY_ALONE.fullmatch(m["day"]):
            # the document's own weekday, pointed at, is a week away (`this coming Thursday` on a Thursday)
            found.value = (dt.date.fromisoformat(anchor) + dt.timedelta(days=-7 if back else 7)).isoformat()
        return found
    if (m := BARE_PART.fullmatch(core)) and (m[1].upper() == "Q" or m[2] in "12"):
        core = f"the {('first', 'second', 'third', 'fourth')[int(m[2]) - 1]} {'quarter' if m[1].upper() == 'Q' else 'half'}"
    if (found := periods.read_period(core, anchor, prefer, reference)) is not None:
        return DateValue(*found) if found else None
    if m := DEICTIC_PART.fullmatch(core):  # `tonight`, `last night`, `tomorrow morning`: the day, as `Friday night` is
        day = (m["day"] or {"last": "yesterday"}.get((m["which"] or "").lower(), "today")).lower()
        found = _read_with_dateparser(day, anchor, prefer)
        return found and DateValue(found.value, found.granularity, True, fuzzy=(m["part"] or m["part2"] or "night").lower())
    for relative_rule in (_rule_weekday, _rule_month_day, _rule_day_of_month, _rule_time_of_day):
        if (found := relative_rule(core, anchor, prefer)) is not None:
            return found
    if m := YEAR_AND_PART.fullmatch(core):  # `the 1988 period` with no quarter to point at: its year
        return DateValue(m[1], "year")
    if not (MONTH_WORD.search(core) or YEAR.search(core) or RELATIVE_CUES.search(core)):
        return None  # dateparser reads some plain words as dates; a date needs one of these
    return _read_with_dateparser(core, anchor, prefer)


# A year that qualifies a report's period (`the 1988 period`, `the 1989 quarter`): the quarter or half the
# document reports, in that year (periods.py), or else the year.
YEAR_AND_PART = re.compile(rf"(?:the\s+)?({YEAR_RX})\s+(?:period|quarter|half)", re.I)


def _rule_year(core: str) -> Optional[DateValue]:
    if m := PLAIN_YEAR.fullmatch(core):
        return DateValue(m[1], "year")
    return None


DECADE_WORD_DIGIT = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                     "eighties": 8, "nineties": 9}
DECADE_WORDS = re.compile(rf"(?:the\s+)?(?:(early|mid|late)[-\s]?)?({'|'.join(DECADE_WORD_DIGIT)})", re.I)


def _rule_decade(core: str) -> Optional[DateValue]:
    """`the 2010s`, `mid-2010s`, `the ’90s`: ISO 8601-2 decade, the first three digits of its years."""
    if m := re.fullmatch(r"(?:the\s+)?(?:(early|mid|late)[-\s]?)?(1[5-9]\d0|20\d0)['’]?s", core, re.I):
        return DateValue(m[2][:3], "decade", fuzzy=m[1] and m[1].lower())
    if m := re.fullmatch(r"(?:the\s+)?(?:(early|mid|late)[-\s]?)?['’]([0-9])0s", core, re.I):
        century = "20" if m[2] in "01" else "19"
        return DateValue(century + m[2], "decade", fuzzy=m[1] and m[1].lower())
    if m := DECADE_WORDS.fullmatch(core):  # `the nineties`: the twentieth century's
        return DateValue(f"19{DECADE_WORD_DIGIT[m[2].lower()]}", "decade", fuzzy=m[1] and m[1].lower())
    return None


def _rule_century(core: str) -> Optional[DateValue]:
    """`the 21st century` -> `20` (ISO 8601 century: the first two digits of its years)."""
    m = re.fullmatch(r"(?:the\s+)?(?:(early|mid|late)[-\s]?)?(\d{1,2})(?:st|nd|rd|th)[-\s]century", core, re.I) or \
        re.fullmatch(r"(?:the\s+)?(?:(early|mid|late)[-\s]?)?([a-z]+(?:-[a-z]+)?)[-\s]century", core, re.I)
    if not m:
        return None
    number = int(m[2]) if m[2].isdigit() else ORDINALS.get(m[2].lower())
    if not number or not 1 <= number <= 22:
        return None
    return DateValue(f"{number - 1:02d}", "century", fuzzy=m[1] and m[1].lower())


HALF_OF_ERA = re.compile(r"(?:the\s+)?(first|second|last|latter)\s+half\s+of\s+(.+)", re.I)
HALF_NAME = {"first": "first half", "second": "second half", "last": "second half", "latter": "second half"}


def _rule_half_of_era(core: str) -> Optional[DateValue]:
    """`the first half of the 1980s`, `the last half of the '80s`: the decade (or century), its half noted
    in fuzzy (ISO 8601 has no half-decade; a year's half is a month range: _rule_part_of_year)."""
    if not (m := HALF_OF_ERA.fullmatch(core)):
        return None
    era = _rule_decade(m[2]) or _rule_century(m[2])
    if era is None or era.fuzzy:
        return None  # `the first half of the early 1980s` is not a period anyone writes
    era.fuzzy = HALF_NAME[m[1].lower()]
    return era


def _rule_fiscal(core: str) -> Optional[DateValue]:
    """`FY2023`, `fiscal 1989`: the year it is named by, noted as fiscal; `FY 2024-25` and `fiscal years 2024
    through 2028` a range of them; `Q3 FY24`, `the first half of FY2024` the fiscal year, the part noted
    (which months a fiscal quarter covers depends on when that year starts, which the text rarely says)."""
    part = None
    if m := FISCAL_PART.fullmatch(core):
        n = m["q"] or m["h"] or m["word"]
        part = (f"Q{n}" if m["q"] else f"H{n}" if m["h"] else f"{n.lower()} {m['unit'].lower()}")
        core = m["fiscal"]
    if m := FISCAL_YEAR.fullmatch(core):
        return DateValue(_full_year(m[1]), "year", fuzzy="fiscal year" + (f", {part}" if part else ""))
    if (m := FISCAL_RANGE.fullmatch(core)) and not part:
        first = _full_year(m[1])
        last = first[:2] + m[2] if len(m[2]) == 2 else m[2]
        if last > first:
            return DateValue(first, "year", value_end=last, fuzzy="fiscal year")
    return None


def _full_year(digits: str) -> str:
    return digits if len(digits) == 4 else "20" + digits  # `FY24`


FISCAL_WORD = r"(?:fy|fiscal(?:\s+years?)?|financial\s+years?)\s*['’]?"
FISCAL_RANGE = re.compile(rf"{FISCAL_WORD}({YEAR_RX}|\d\d)\s*(?:[-–/]|\s+(?:to|through|thru)\s+)\s*({YEAR_RX}|\d\d)", re.I)
FISCAL_PART = re.compile(rf"(?:the\s+)?(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<word>first|second|third|fourth|final|last)\s+"
                         rf"(?P<unit>quarter|half)\s+of)\s+(?:the\s+)?(?P<fiscal>{FISCAL_WORD}(?:{YEAR_RX}|\d\d))", re.I)


def _rule_part_of_year(core: str) -> Optional[DateValue]:
    """Quarters and halves as month ranges: `Q3 2022`, `2022 Q3`, `the third quarter of 2022`, `the first
    half of 2023`."""
    quarter = half = None
    if (m := YEAR_FIRST_PART.fullmatch(core)) and (m[2].upper() == "Q" or m[3] in "12"):
        core = f"{m[2]}{m[3]} {m[1]}"
    if m := QUARTER.fullmatch(core):
        quarter, year = int(m[1]), m[2]
    elif m := NAMED_QUARTER.fullmatch(core):
        quarter, year = {"final": 4, "last": 4}.get(m[1].lower()) or ORDINALS[m[1].lower()], m[2]
    elif m := HALF.fullmatch(core):
        half, year = int(m[1] or {"last": 2}.get(m[2].lower()) or ORDINALS[m[2].lower()]), m[3]
    else:
        return None
    first, last = ((quarter - 1) * 3 + 1, quarter * 3) if quarter else ((half - 1) * 6 + 1, half * 6)
    return DateValue(f"{year}-{first:02d}", "quarter" if quarter else "half", value_end=f"{year}-{last:02d}")


PART_OF_DAY = r"(?:morning|afternoon|evening|night)"
# A part of the document's day or the one next to it: `tonight`, `last night`, `this morning`, `tomorrow evening`.
DEICTIC_PART = re.compile(rf"tonight|(?P<day>today|tomorrow|yesterday)\s+(?P<part>{PART_OF_DAY})"
                          rf"|(?P<which>last|this)\s+(?P<part2>{PART_OF_DAY})", re.I)
POINTED_WEEKDAY = re.compile(r"(?P<which>this\s+coming|this\s+past|coming|past)\s+(?P<day>(?:" + "|".join(WEEKDAYS)
                             + r")\b.*)", re.I)
WEEKDAY_ALONE = re.compile(r"(" + "|".join(WEEKDAYS) + rf")(?:\s+({PART_OF_DAY}))?", re.I)
MONTH_AND_DAY = re.compile(
    rf"(?:(?P<weekday>{'|'.join(WEEKDAYS)}),?\s+)?(?:"
    rf"(?P<month>{MONTH_NAME})\.?(?:\s+(?P<day>{DAY_RX}))?"
    rf"|(?:the\s+)?(?P<day_first>{DAY_RX})(?:\s+of)?\s+(?P<month_after>{MONTH_NAME})\.?)", re.I)


CLOCK = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<ap>[ap])\.?\s?m\.?(?:\s+(?:[A-Z]{2,4}T|GMT|UTC))?", re.I)
# `noon Thursday`, `midnight Friday` (the end of Friday: ISO 8601's 24:00, as TimeML writes it)
NAMED_CLOCK_AND_DAY = re.compile(r"(?P<clock>noon|midday|midnight),?\s+(?:on\s+)?(?P<day>.+)", re.I)
NAMED_CLOCKS = {"noon": "12:00", "midday": "12:00", "midnight": "24:00"}
TIME_AND_DAY = re.compile(rf"(?:{CLOCK.pattern}),?\s+(?:on\s+)?(?P<day>.+)|(?P<day2>.+?),?\s+at\s+{CLOCK.pattern.replace('?P<', '?P<x')}",
                          re.I)


def _rule_time_of_day(core: str, anchor: Optional[str], prefer: Optional[str]) -> Optional[DateValue]:
    """A clock time on a named day (`10 p.m. Wednesday`, `Friday at 9:30 a.m.`): the day's value with
    the time, `1998-02-11T22:00`, granularity `time`."""
    if named := NAMED_CLOCK_AND_DAY.fullmatch(core):
        day = _parse_point(named["day"].strip(), anchor, prefer)
        if day is None or day.value is None or day.granularity != "day":
            return day and DateValue(None, None, is_relative=day.is_relative)
        return DateValue(f"{day.value}T{NAMED_CLOCKS[named['clock'].lower()]}", "time", is_relative=day.is_relative)
    m = TIME_AND_DAY.fullmatch(core)
    if not m:
        return None
    hour, minute, half, day_text = (m["h"], m["m"], m["ap"], m["day"]) if m["h"] else \
        (m["xh"], m["xm"], m["xap"], m["day2"])
    day = _parse_point(day_text.strip(), anchor, prefer)
    if day is None or day.value is None or day.granularity != "day":
        return day and DateValue(None, None, is_relative=day.is_relative)
    hour = int(hour) % 12 + (12 if half.lower() == "p" else 0)
    if hour > 23 or int(minute or 0) > 59:
        return None
    return DateValue(f"{day.value}T{hour:02d}:{int(minute or 0):02d}", "time", is_relative=day.is_relative)


def _rule_weekday(core: str, anchor: Optional[str], prefer: Optional[str]) -> Optional[DateValue]:
    """A weekday alone (`Thursday`), in the document's week: the document's own weekday is the
    document's date; otherwise the one before it (past tense, reporting verbs, no verb), the one after
    it (future), or the nearer one (present: `the offer expires Thursday`)."""
    if not (m := WEEKDAY_ALONE.fullmatch(core)):
        return None
    part = m[2] and m[2].lower()
    parts = periods.anchor_parts(anchor)
    if len(parts) < 3:
        return DateValue(None, None, is_relative=True)
    try:
        base = dt.date(*parts)
    except ValueError:
        return DateValue(None, None, is_relative=True)
    ahead = (WEEKDAYS.index(m[1].lower()) - base.weekday()) % 7
    if ahead and (prefer == "future" or prefer == "present" and ahead <= 3):  # else past, past? or none
        day = base + dt.timedelta(days=ahead)
    else:
        day = base - dt.timedelta(days=(7 - ahead) % 7)
    # `Friday night`: the day, the part of it noted in fuzzy (TimeBank's annotators give such a DATE
    # the day's value more often than TimeML's `1998-10-23TNI`, and a day is what a user filters on)
    return DateValue(day.isoformat(), "day", is_relative=True, fuzzy=part or None)


def _rule_month_day(core: str, anchor: Optional[str], prefer: Optional[str]) -> Optional[DateValue]:
    """A month, or a month and day, without a year (`in April`, `Nov. 21`, `Saturday, April 25`): the
    year is the one that puts it before the document's date (past), after it (future) or nearest to it
    (present, none); a weekday given with the day picks the year it falls on."""
    m = MONTH_AND_DAY.fullmatch(core)
    if not m:
        return None
    month = month_number(m["month"] or m["month_after"])
    day_text = m["day"] or m["day_first"]
    day = int(re.match(r"\d+", day_text)[0]) if day_text else None
    parts = periods.anchor_parts(anchor)
    if len(parts) < (3 if day else 2):
        return DateValue(None, None, is_relative=True)
    candidates = []
    for year in (parts[0] - 1, parts[0], parts[0] + 1):
        try:
            when = dt.date(year, month, day or 1)
        except ValueError:
            continue
        candidates.append((year, when))
    if not candidates:
        return None
    if day and m["weekday"]:
        fitting = [c for c in candidates if c[1].weekday() == WEEKDAYS.index(m["weekday"].lower())]
        if fitting:
            candidates = fitting

    # the tense is nearly a rule (`In November, Japan unveiled` written in October is last November,
    # though next November is nearer), a hint much less (`the Oct. 23 slaying`): periods.choose
    here = dt.date(*parts) if day else None
    year = periods.choose({y: (when - here).days if day else (y * 12 + month) - (parts[0] * 12 + parts[1])
                           for y, when in candidates}, prefer)
    if day:
        return DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day", is_relative=True)
    return DateValue(f"{year:04d}-{month:02d}", "month", is_relative=True)


DAY_OF_MONTH = re.compile(rf"(?:the\s+)?({DAY_NUMBER})(?:st|nd|rd|th)")


def _rule_day_of_month(core: str, anchor: Optional[str], prefer: Optional[str]) -> Optional[DateValue]:
    """A day of the month alone (`on the 20th`): in the document's month, or the month before or after
    it that the tense points to (`met on the 28th` written on the 3rd is last month's)."""
    if not (m := DAY_OF_MONTH.fullmatch(core)):
        return None
    parts = periods.anchor_parts(anchor)
    if len(parts) < 3:
        return DateValue(None, None, is_relative=True)
    here, day = dt.date(*parts), int(m[1])
    candidates = {}
    for step in (-1, 0, 1):
        index = parts[0] * 12 + parts[1] - 1 + step
        try:
            candidates[index] = dt.date(index // 12, index % 12 + 1, day)
        except ValueError:
            continue  # `the 31st` in a 30-day month
    if not candidates:
        return None
    when = candidates[periods.choose({k: (d - here).days for k, d in candidates.items()}, prefer)]
    return DateValue(when.isoformat(), "day", is_relative=True)


@functools.lru_cache(maxsize=None)
def _parser(base: dt.datetime, prefer: str):
    from dateparser.date import DateDataParser  # imported here: loading its language data takes a moment

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True,
        "PARSERS": ["relative-time", "absolute-time"], "DATE_ORDER": "MDY",
    })


def _format(date: dt.datetime, period: str) -> Optional[str]:
    if period == "day":
        return date.date().isoformat()
    if period == "week":
        year, week, _ = date.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if period == "year":
        return f"{date.year:04d}"
    return None  # times of day and anything else: not a date at a precision we store


@functools.lru_cache(maxsize=4096)
def _read(core: str, base: dt.datetime, prefer: str) -> tuple[Optional[str], Optional[str]]:
    try:
        data = _parser(base, prefer).get_date_data(core)
    except Exception:  # dateparser raises on some odd input; an unreadable expression is not a date
        return None, None
    if data is None or data.date_obj is None:
        return None, None
    return _format(data.date_obj, data.period), data.period


def _read_with_dateparser(core: str, anchor: Optional[str], prefer: Optional[str]) -> Optional[DateValue]:
    prefer = "future" if prefer == "future" else "past"  # dateparser knows these two
    readings = {_read(core, base, prefer) for base in PROBE_BASES}
    if len(readings) == 1:
        value, period = readings.pop()
        if value is not None:
            return DateValue(value, period)
        # dateparser cannot read it: keep it as an unresolved relative date when it is one
        return DateValue(None, None, is_relative=True) if RELATIVE_CUES.search(core) else None
    if any(value is None for value, _ in readings):
        return None
    period = next(iter(readings))[1]
    base = _anchor_base(anchor, period)
    if base is None:
        return DateValue(None, None, is_relative=True)
    value, period = _read(core, base, prefer)
    return DateValue(value, period if value else None, is_relative=True)


def _anchor_base(anchor: Optional[str], period: str) -> Optional[dt.datetime]:
    """The document's date as a dateparser base, when it is at least as precise as the expression."""
    if not anchor or not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", anchor):
        return None
    parts = [int(p) for p in anchor.split("-")]
    if len(parts) < PRECISION.get(period, 9):
        return None
    try:
        return dt.datetime(parts[0], *(parts[1:] + [1, 1][len(parts) - 1:]))
    except ValueError:
        return None
