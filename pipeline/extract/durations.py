"""Durations: stretches of time (`five years`, `over the next five years`, `a 10-year plan`, `the past
decade`, `24 hours`), as ISO 8601 durations (`P5Y`, `P10Y`, `PT24H`). They are never dates: a date is
a point or a period on the calendar (`1998`, `the third quarter`), a duration a length.

Values: `P<n>Y`, `P<n>M`, `P<n>W`, `P<n>D`, `PT<n>H`, `PT<n>M`, `PT<n>S`. A decade is `P10Y`, a century
`P100Y`, a quarter `P3M`, a fortnight `P2W`; a half goes down a unit (`a year and a half` = `P18M`,
`2 1/2 hours` = `PT150M`). A count the text leaves open is TimeML's `X` (`several years` = `PXY`,
`recent months` = `PXM`, `decades` = `PXY`). `approximate` is 1 for `about`, `nearly`, `more than`,
`or so`, a range of counts (`two to three years`: its first) and open counts.

Left out: ages (`a 6-year-old`, `52 years old`), frequencies (`every two years`, `twice a year`:
TimeML's SETs), fractions (`three-quarters`) and offsets from the document's date, which name a date
(`two years ago`, `a year earlier`: dates.py); `three days later` is a duration and its signal. The span follows TimeML: modifiers in (`about two years`, `the next five years`),
prepositions out (`over`, `for`, `within`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from .numbers import CARDINAL_WORDS, VAGUE_COUNTS, cardinal

# unit word -> (ISO designator, multiple, whether it is a time designator after `T`)
UNITS = {
    "year": ("Y", 1, False), "yr": ("Y", 1, False), "decade": ("Y", 10, False), "century": ("Y", 100, False),
    "centurie": ("Y", 100, False), "millennium": ("Y", 1000, False), "millennia": ("Y", 1000, False),
    "quarter": ("M", 3, False), "month": ("M", 1, False), "fortnight": ("W", 2, False), "week": ("W", 1, False),
    "day": ("D", 1, False), "hour": ("H", 1, True), "hr": ("H", 1, True), "minute": ("M", 1, True),
    "min": ("M", 1, True), "second": ("S", 1, True),
}
# The next unit down, to write a half as a whole number: 1.5 years = 18 months.
SMALLER = {"Y": ("M", 12, False), "W": ("D", 7, False), "D": ("H", 24, True), "H": ("M", 60, True),
           "TM": ("S", 60, True)}
UNIT_RX = (r"(?:years?|yrs?|decades?|centur(?:y|ies)|millenni(?:um|a)|quarters?|months?|fortnights?|weeks?"
           r"|days?|hours?|hrs?|minutes?|mins?|seconds?)")
COUNT_RX = (rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}})(?:\.\d+)?(?:\s+1/2)?|{CARDINAL_WORDS}(?:\s+and\s+a\s+half)?|half\s+an?|a|an|a\s+couple\s+of|couple\s+of"
            r"|a\s+few|few|several|many|some|a\s+number\s+of|a\s+dozen|dozens\s+of)")
APPROXIMATE_LEAD = r"(?:about|around|nearly|almost|roughly|approximately|some|more\s+than|less\s+than|fewer\s+than" \
                   r"|at\s+least|up\s+to|close\s+to|upwards\s+of|just\s+over|just\s+under|well\s+over|under)"
WHICH = r"(?:next|past|last|previous|coming|first|final|latest|remaining|preceding|ensuing|subsequent|initial|recent)"
DURATION_RX = re.compile(
    rf"(?<![\w-])(?P<lead>{APPROXIMATE_LEAD}\s+)?(?P<det>(?:the|a|an|its|their|his|her|our|these|those)\s+)?"
    rf"(?P<which>{WHICH}\s+)?"
    rf"(?:(?P<count>{COUNT_RX})(?:[-\s]+(?:or|to|and)[-\s]+(?P<count2>{COUNT_RX}))?(?:\s+(?:more|additional|full|straight"
    rf"|consecutive|long|trading|business|working|calendar|school))?[-\s]+(?P<unit>{UNIT_RX})(?P<half>\s+and\s+a\s+half)?"
    rf"|(?P<bare>years|decades|centuries|months|weeks|days|hours|minutes)"
    rf"|(?P<ended>year|fiscal\s+year)(?=\s+(?:ended|ending)\b)"
    rf"|(?P<single>year|decade|century|millennium|month|week|fortnight|day|hour|minute)(?P<half2>\s+and\s+a\s+half)?"
    rf"|(?P<this>this|the\s+current)\s+(?P<age>century|millennium))"
    rf"(?P<tail>-long|\s+or\s+so|\s+(?:period|term|span|stretch|ahead))?(?!\w|-(?!old\b))", re.I)
# After a duration: an offset that makes it a date (`two years ago`), a frequency (`a year` in `twice a
# year`), an age (`old`).
# (`three days later`, `30 days before closing` stay durations: TimeML's length and its signal.)
DATE_AFTER = re.compile(r"^\s+(?:ago|earlier|from\s+now|hence|back)\b", re.I)
AGE_AFTER = re.compile(r"^(?:-|\s+)old\b", re.I)  # `a 6-year-old`, `52 years old`: ages
RATE_BEFORE = re.compile(r"(?:\d|\b(?:million|billion|trillion|thousand|percent|cents?|dollars?|times|twice|once"
                         r"|thrice|per|each|every|a|an))[\s%$]*$", re.I)
# A plural noun just before `a day` makes a rate (`24 hours a day`, `four flights a week`, `700 seats a
# week`); words ending in s that are no plural nouns do not (`was a week`, `gave us a week`).
PLURAL_BEFORE = re.compile(r"\b(?!(?:is|was|has|his|its|this|us|as|does|thus|plus|less|unless|across|always|perhaps"
                           r"|whereas|towards|afterwards|besides|sometimes|yes|news)\s)[a-z]+[a-rt-z]s\s+$", re.I)
# `will one day be`, `he one day follows`: someday (TimeML's FUTURE_REF), not a length
SOMEDAY_BEFORE = re.compile(r"\b(?:will|would|could|might|may|can|shall|should|must|to|i|you|he|she|we|they|it)\s+$",
                            re.I)
FREQUENCY_BEFORE = re.compile(r"\b(?:every|each|per|once|twice|thrice|times)\s+(?:(?:other|few|several)\s+)?$", re.I)


@dataclass
class DurationValue:
    value: Optional[str]
    approximate: bool


def _iso(amount: float, unit: str, is_time: bool) -> str:
    """`P5Y`, `PT2H`; a fraction's remainder goes down a unit when that makes it whole
    (2.5 years = `P2Y6M`, 1.5 minutes = `PT1M30S`)."""
    key = ("T" + unit) if is_time and unit == "M" else unit
    whole = int(amount)
    if amount != whole and key in SMALLER:
        smaller, factor, smaller_is_time = SMALLER[key]
        rest = (amount - whole) * factor
        if rest == int(rest):
            first = f"{whole}{unit}" if whole else ""
            if is_time or not smaller_is_time:
                return ("PT" if is_time else "P") + first + f"{int(rest)}{smaller}"
            return f"P{first}T{int(rest)}{smaller}"  # 1.5 days = P1DT12H
    number = str(whole) if amount == whole else f"{amount:g}"
    return f"PT{number}{unit}" if is_time else f"P{number}{unit}"


def is_duration(text: str) -> bool:
    """Whether the whole of `text` is a duration (`at least 30 days`, `the last twenty four hours`), so
    not a date."""
    text = re.sub(r"\s+", " ", text).strip()
    m = DURATION_RX.fullmatch(text)
    return bool(m) and _keep(m, "", "") is not None


def _count(words: Optional[str]) -> Optional[float]:
    """The number a count names; None when it names none (`several`)."""
    if not words:
        return None
    words = re.sub(r"\s+", " ", words.strip().lower())
    half = 0.0
    if words.endswith(" and a half"):
        words, half = words[: -len(" and a half")], 0.5
    if m := re.fullmatch(r"(\d+)\s+1/2", words):
        return int(m[1]) + 0.5
    if re.fullmatch(r"\d+\.\d+", words):
        return float(words)
    if words in ("a dozen",):
        return 12.0
    if words in ("half a", "half an"):
        return 0.5  # `half a century`: P50Y
    value = cardinal(words)
    return None if value is None else value + half


def _unit(word: str) -> tuple[str, int, bool]:
    word = word.lower()
    for name in (word, word[:-1] if word.endswith("s") else word, word[:-3] + "y" if word.endswith("ies") else word):
        if name in UNITS:
            return UNITS[name]
    if word.startswith("centur"):
        return UNITS["century"]
    raise KeyError(word)


def read_duration(m: re.Match) -> DurationValue:
    """The ISO 8601 value of a DURATION_RX match."""
    approximate = bool(m["lead"] or m["tail"] and "or so" in m["tail"].lower() or m["count2"])
    if m["age"]:  # `this century`: TimeML counts it a length, P100Y
        designator, multiple, is_time = _unit(m["age"])
        return DurationValue(_iso(multiple, designator, is_time), False)
    if m["ended"]:  # `the year ended Sept. 30`: twelve months, told by the day they end on
        return DurationValue("P1Y", False)
    if m["bare"] or m["single"]:
        designator, multiple, is_time = _unit(m["bare"] or m["single"])
        if m["bare"]:  # `years`, `recent months`: an open count
            return DurationValue(f"PTX{designator}" if is_time else f"PX{designator}", True)
        return DurationValue(_iso(multiple * (1.5 if m["half2"] else 1), designator, is_time), approximate)
    designator, multiple, is_time = _unit(m["unit"])
    count_words = m["count"]
    if re.sub(r"\s+", " ", count_words.lower()) in VAGUE_COUNTS or count_words.lower() in ("some",):
        return DurationValue(f"PTX{designator}" if is_time else f"PX{designator}", True)
    amount = _count(count_words)
    if amount is None:
        return DurationValue(None, True)
    if m["half"]:
        amount += 0.5
    return DurationValue(_iso(amount * multiple, designator, is_time), approximate)


def _keep(m: re.Match, before: str, after: str) -> Optional[int]:
    """Where the duration a DURATION_RX match names starts (its own start, or past an article that
    is its noun's), or None when the match is no duration: a date offset, a frequency, a rate, an
    age, a fraction."""
    if DATE_AFTER.match(after) or FREQUENCY_BEFORE.search(before) or AGE_AFTER.match(after):
        return None
    det = (m["det"] or "").strip().lower()
    unit = (m["unit"] or m["single"] or "").lower()
    if det in ("these", "those") and m["bare"] and not m["which"]:
        return None  # `these days`, `in those days`: now and then (TimeML's PRESENT_REF, PAST_REF), not lengths
    if m["unit"] and m["unit"][0].isupper() and not m["unit"].isupper() and m["count"] and m["count"][0].isdigit():
        return None  # `60 Minutes`, `48 Hours`: a title
    if m["single"] and (m["tail"] or "").lower() == "-long":
        return m.start() + len(m["det"] or "")  # `a day-long meeting`, `year-long`: a length; the article is the noun's
    if m["single"]:
        if det in ("a", "an"):
            if RATE_BEFORE.search(before) or m["which"]:
                return None  # `$5 million a year`, `twice a year`: a rate
        elif not m["which"] or not det or m["which"].strip().lower() in ("first", "final", "initial", "latest"):
            return None  # `the year`, `next year`: dates; `the first year` of something: a date relative to it
    count = (m["count"] or "").lower()
    if (count in ("a", "an") or det in ("a", "an") and m["single"]) and PLURAL_BEFORE.search(before):
        return None  # `24 hours a day`, `four flights a week`: a rate
    if count == "one" and unit == "day" and not m["det"] and SOMEDAY_BEFORE.search(before):
        return None  # `will one day be`: someday
    if count in ("a", "an") and (RATE_BEFORE.search(before) or m["det"]):
        return None  # `$5 million a year`, `twice a year`: a rate
    if unit.startswith("quarter") and (count in ("a", "an") or det in ("a", "an") and m["single"]
                                       or re.search(r"\w-quarters\b", m.group(0), re.I)):
        return None  # `a quarter of the vote`, `three-quarters`: fractions
    if count == "some" and not m["which"]:
        return None  # `some years` is too loose to be worth a row
    if unit.startswith("second") and (count in ("a", "an") or det in ("a", "an")):
        return None  # `a second explosion`: an ordinal
    if m["ended"] and det not in ("the", "its", "their", "his", "her", "our"):
        return None
    start = m.start()
    if det and not m["which"] and not m["lead"] and _is_adjectival(m):
        start += len(m["det"])  # `a 10-year plan`, `the two day talks`: the article is the noun's, the length `10-year`
    return start


def _is_adjectival(m: re.Match) -> bool:
    """Whether the length is a modifier of a noun (`10-year`, `30-day`, `six year`): a unit joined by a
    hyphen, or a unit left singular after a count above one."""
    if not m["unit"]:
        return False
    if m.string[m.start("unit") - 1] == "-":
        return True
    count = _count(m["count"])
    return count is not None and count > 1 and not m["unit"].lower().endswith("s")


def iter_durations(text: str, taken: list[tuple[int, int]]) -> Iterator[tuple[int, int, DurationValue]]:
    """(start, end, value) of each duration in `text` that overlaps none of the spans `taken` (the
    dates found there)."""
    for m in DURATION_RX.finditer(text):
        start, end = m.span()
        if any(s < end and start < e for s, e in taken):
            continue
        start = _keep(m, text[max(0, start - 24):start], text[end:end + 12])
        if start is not None:
            yield start, end, read_duration(m)
