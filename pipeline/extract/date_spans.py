"""Date spans: where the date expressions of a text are, before dates.py reads their values.

- In prose: spaCy's DATE entities (and TIMEs that name a day, holidays it calls EVENTs), split where the
  model joined two expressions (`the quarter ended Sept. 30`, `since 1994 this week`, a list), widened
  where it stopped short (`the year-ago period`, `2022 Q4`, `later in the day`, `1–30 September 2023`),
  plus what it leaves untagged (explicit dates, `Aug. 7`, a capitalised weekday, `in Q4`, `on the 20th`,
  `in the fall`).
- `trim_span` puts the span at TimeML's extent (prepositions and signals out, determiners in);
  `iter_pieces` offers the parts of a span that reads as a date without a value.
- `is_not_a_date_here` is what the span alone cannot tell: a duration (`over the next decade`), the
  present (`today's world`), a count (`1900 people`), a name (`VOA Today`, `the March for Life`), a
  frequency (`each Thursday`), a label (`Figure 2020-3`).
- `iter_rule_dates`: dates in notes, bibliography entries and headings, which spaCy does not see.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:  # annotations only: the spans come from spaCy Docs made in extract/document.py
    from spacy.tokens import Doc

from ..lexicon import MONTH_NAME, WEEKDAYS
from . import durations, periods
from .dates import (
    CLOCK, DASH_RX, DAY_NUMBER, DAY_RX, DECADE_RX, DateValue, MONTH_RX, NUMBER_WORD, PART_OF_DAY, THE_YEAR_END,
    WEEKDAY_ALONE, YEAR_RX)


ABBREVIATED_MONTH_END = re.compile(rf"\b{MONTH_NAME}\.$", re.I)
# Words before a date that are not part of it (TimeML's extent): prepositions and signals, and `just`.
LEADING_WORD = re.compile(r"^(?:(?:in|on|during|at|by|before|after|until|till|since|through|thru|from|of|for|to"
                          r"|throughout|just|both|either|as\s+(?:early|soon|late)\s+as|no\s+later\s+than)\s+)+(?=\S)",
                          re.I)  # `both 1990 and 1991`: a list's
# `the` before an explicit date is the noun phrase's, not the date's (`the Aug. 7, 1998, bombings`);
# before a decade, a quarter, a year that qualifies a period or a relative phrase it is the date's own
# (`the 1990s`, `the third quarter`, `the 1988 quarter`, `the June quarter`).
# Possessives before a period are the noun phrase's (`its fourth quarter`), and so is an article before
# an ordinal one (`a fourth-quarter charge`, `a 20th century democrat`); `a year ago` keeps its `a`, a count.
OWNER_BEFORE = re.compile(r"(?:its|their|his|her|our|my|your|a|an)\s+(?=(?:first|second|third|fourth|fiscal)\b"
                          r"|\d{1,2}(?:st|nd|rd|th)[-\s]century\b)"
                          r"|(?:its|their|his|her|our|my|your)\s+(?=\S)", re.I)
THE_BEFORE_EXPLICIT = re.compile(rf"(?:the|an?)\s+(?=(?:{MONTH_NAME})\b(?!\.?(?:\s+{YEAR_RX})?[-\s]quarter\b)|{YEAR_RX}(?![’'\d]|s\b)"
                                 rf"(?!\s+(?:(?:first|second|third|fourth|final)[-\s]+)?(?:period|quarter|half)\b))",
                                 re.I)
# Explicit dates, ranges, decades: what the rule pass finds (and what supplements spaCy in prose).
_EXPLICIT = (
    rf"{YEAR_RX}-[01]\d-[0-3]\d"
    rf"|{MONTH_RX}\s+{DAY_RX}(?:{DASH_RX}{DAY_RX})?,?\s+{YEAR_RX}"
    rf"|{DAY_RX}(?:{DASH_RX}{DAY_RX})?\s+{MONTH_RX},?\s+{YEAR_RX}"
    rf"|{MONTH_RX}(?:{DASH_RX}{MONTH_RX})?,?\s+{YEAR_RX}"
    rf"|{DECADE_RX}"
)
EXPLICIT_DATE = re.compile(rf"(?<![\w/.-])(?:{_EXPLICIT})(?![\w/])", re.I)
YEAR_RANGE = rf"{YEAR_RX}(?:{DASH_RX}|/)(?:{YEAR_RX}|\d\d)(?!\d)"
# Bare years (and year ranges) only in notes and bibliography, never after `No.`, `pp.` or inside a number.
RULE_DATE = re.compile(
    rf"(?<![\w/.#:-])(?<!No\. )(?<!pp\. )(?<!p\. )(?:{_EXPLICIT}|{YEAR_RANGE}|{YEAR_RX})(?![\w/]|[-–]\d|\.\d)", re.I)
URL_RX = re.compile(r"<?(?:https?://|www\.)[^\s>]+>?", re.I)
DEICTIC_DAY_END = re.compile(r"\b(?:today|tomorrow|yesterday)$", re.I)
# A part of the day right after a weekday (`Tuesday morning`): one expression, though spaCy makes the
# second word a TIME of its own.
PART_OF_DAY_AFTER = re.compile(rf"\s+{PART_OF_DAY}\b", re.I)
YEAR_AGO_END = re.compile(r"\byear[-\s](?:ago|earlier)$", re.I)
PERIOD_NOUN_AFTER = re.compile(r"\s+(?:period|quarter|half)\b", re.I)
WEEKDAY_END = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")$", re.I)
# A clock time just before a day (`9 a.m. Tuesday`, `5 p.m. EST, Nov. 6`), which spaCy makes a TIME of its own.
CLOCK_BEFORE = re.compile(rf"(?<![\w:.])(?:{CLOCK.pattern}|noon|midday|midnight),?\s+(?:on\s+)?$", re.I)


def iter_date_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of date candidates in a spaCy Doc: DATE entities (lists split into their items)
    plus explicit dates the model missed."""
    spans = []
    text = doc.text
    for ent in doc.ents:
        if ent.label_ == "DATE" or ent.label_ == "TIME" and TIME_WITH_DATE.search(ent.text) \
                or ent.label_ == "EVENT" and periods.HOLIDAY_RX.fullmatch(re.sub(r"^(?:the|on)\s+", "", ent.text, flags=re.I)):
            for start, end in _split_period(text, ent.start_char, ent.end_char):
                spans += _split_list(text, start, end)
    # what the model missed: explicit dates, a month and day (`the Aug. 7 bombings`), a weekday, a
    # report's `latest period`
    for rx in (EXPLICIT_DATE, MONTH_DAY_RX, CAPITALISED_WEEKDAY, LATEST_PERIOD, DEICTIC_DAY, ORDINAL_QUARTER,
               ORDINAL_CENTURY, POINTED_HOLIDAY, NEXT_PART_OF_DAY, PREFIXED_YEAR, LATER_IN_THE_UNIT, FISCAL_TOKEN,
               PROSE_YEAR_RANGE, DAY_OF_MONTH_AFTER_PREPOSITION, SEASON_AFTER_PREPOSITION,
               BARE_PART_AFTER_PREPOSITION):
        for match in rx.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e in spans):
                spans.append((match.start(), match.end()))
    for i, (start, end) in enumerate(spans):
        if (WEEKDAY_END.search(text, start, end) or DEICTIC_DAY_END.search(text, start, end)) \
                and (after := PART_OF_DAY_AFTER.match(text, end)):
            spans[i] = (start, after.end())
        elif (YEAR_AGO_END.search(text, start, end) or BARE_YEAR.fullmatch(text, start, end)) \
                and (after := PERIOD_NOUN_AFTER.match(text, end)):
            # `the year-ago period`, `the 1988 period`: spaCy stops before the noun
            before = THE_BEFORE.search(text, max(0, start - 4), start)
            spans[i] = (before.start() if before else start, after.end())
        elif DAY_FIRST.match(text, start, end) and (clock := CLOCK_BEFORE.search(text, max(0, start - 24), start)):
            spans[i] = (clock.start(), end)  # `until 9 a.m. Tuesday`: spaCy's TIME and DATE are one time
        elif WEEKDAY_ALONE.fullmatch(text, start, end) \
                and (before := STEP_BEFORE.search(text, max(0, start - 24), start)):
            spans[i] = (before.start(), end)  # `The following Monday`: spaCy leaves the pointer out
        elif PART_END.search(text, start, end) and (after := OF_YEAR_AFTER.match(text, end)):
            # `the third quarter of 2022`, `the same period of 2021`: spaCy stops before (or at) `of`, or
            # takes the year for a number
            spans[i] = (start, after.end())
        elif (after := FROM_NOW_AFTER.match(text, end)) and durations.is_duration(text[start:end]):
            spans[i] = (start, after.end())  # `two weeks from today`: spaCy makes the length and `today` two DATEs
        elif MONTH_FIRST.match(text, start, end) and (before := DAYS_BEFORE_MONTH.search(text, max(0, start - 16), start)):
            spans[i] = (before.start(), end)  # `1–30 September 2023`: spaCy's DATE starts at the month
        elif YEAR_AT_END.search(text, start, end) and (after := PART_AFTER_YEAR.match(text, end)):
            spans[i] = (start, after.end())  # `2022 Q4`: spaCy's DATE is `2022`
        elif YEAR_AT_END.search(text, start, end) and (after := YEAR_AFTER_CONNECTOR.match(text, end)) \
                and not any(s < after.end() and end < e for s, e in spans):
            spans[i] = (start, after.end())  # `from 1990 to 1995`: spaCy's DATE is `1990`
        elif THE_UNIT.fullmatch(text, start, end) and (before := LATER_IN_BEFORE.search(text, max(0, start - 16), start)):
            spans[i] = (before.start(), end)  # `later in the day`: spaCy's DATE is `the day`
        elif (BARE_UNIT.fullmatch(text, start, end) or periods.HOLIDAY_RX.fullmatch(text, start, end)) \
                and (before := DEICTIC_BEFORE.search(text, max(0, start - 8), start)):
            spans[i] = (before.start(), end)  # `this year's election`, `last Thanksgiving`: spaCy leaves `this` out
    return _drop_covered(sorted(spans))


def _drop_covered(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans, less those inside another (a year a span was extended over: `of 2021`)."""
    return [(s, e) for s, e in spans if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2 in spans)]


FROM_NOW_AFTER = re.compile(r"\s+from\s+(?:today|now)\b", re.I)
MONTH_FIRST = re.compile(rf"{MONTH_NAME}\b", re.I)
DAYS_BEFORE_MONTH = re.compile(rf"(?<![\w.,/-]){DAY_RX}(?:{DASH_RX}|\s+(?:to|and)\s+){DAY_RX}\s+$")
PART_END = re.compile(r"\b(?:quarter|half|period)(?:\s+of)?$", re.I)
OF_YEAR_AFTER = re.compile(rf"(?:\s+of)?\s+{YEAR_RX}\b(?![\d,.]\d|\s*%)", re.I)
BARE_YEAR = re.compile(rf"(?:the\s+)?{YEAR_RX}", re.I)
# A day of the month the model takes for an ordinal (`set for the 3rd`): after a preposition of time and
# before no noun (`on the 3rd floor`, `for the 3rd time` are ordinals).
def _after_one_of(*words: str) -> str:
    """A look-behind for any of `words` and a space (Python's look-behinds are fixed-width: one each)."""
    return "(?:" + "|".join(rf"(?<=\b{word} )" for word in words) + ")"


DAY_OF_MONTH_AFTER_PREPOSITION = re.compile(
    _after_one_of("on", "by", "until", "till", "since", "before", "after", "from", "for", "to")
    + rf"the\s+{DAY_NUMBER}(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[a-z]|[\w-])", re.I)
# A quarter or half written short that the model leaves untagged (`5.25% in Q4`), after a preposition of time.
BARE_PART_AFTER_PREPOSITION = re.compile(
    _after_one_of("in", "during", "by", "until", "since", "through", "for", "from", "to")
    + r"(?-i:[QH])(?:[1-4](?<!H[34]))(?![\w-])", re.I)
# A season the model leaves untagged (`broke down in the fall`), not a fall or a spring of something
# (`the fall of the Wall`, `the fall in prices`; `the fall of 1998` is the season).
SEASON_AFTER_PREPOSITION = re.compile(
    _after_one_of("in", "during", "by", "until", "since", "through", "over")  # `after the fall`: an event
    + rf"the\s+(?:spring|summer|autumn|fall|winter)\b(?![-\w]|\s+(?:in|to|from)\b|\s+of\s+(?!{YEAR_RX}\b))",
    re.I)
THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
DAY_FIRST = re.compile(rf"(?:{'|'.join(WEEKDAYS)}|today|tomorrow|yesterday|{MONTH_NAME}\.?\s+\d)\b", re.I)
PART_AFTER_YEAR = re.compile(r"\s*[-\s]?(?:Q[1-4]|H[12])\b")
YEAR_AT_END = re.compile(rf"(?<![\d,.$])\b{YEAR_RX}$")
YEAR_AFTER_CONNECTOR = re.compile(rf"\s+(?:to|through|until|till)\s+{YEAR_RX}\b(?![\d,.]\d|\s*%)", re.I)
THE_UNIT = re.compile(r"the\s+(?:day|week|month|year)", re.I)
LATER_IN_BEFORE = re.compile(r"\b(?:earlier|later)\s+in\s+$", re.I)
BARE_UNIT = re.compile(r"(?:year|month|week|quarter)", re.I)
STEP_BEFORE = re.compile(r"\b(?:[Tt]he\s+)?(?:following|previous|preceding)\s+$", re.I)
DEICTIC_BEFORE = re.compile(r"\b(?:this|last|next)\s+$", re.I)
# A month and day without a year (`the Aug. 7 bombings`, a dateline's `August 8`), the month capitalised.
MONTH_DAY_RX = re.compile(rf"(?<![\w.-])(?-i:(?=[A-Z]))(?:{MONTH_RX})\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
                          rf"(?![\w,:]|\.\d|,\s*{YEAR_RX})", re.I)
# A quarter the model leaves untagged (`after a flat second quarter`, `the fiscal second-quarter`).
ORDINAL_QUARTER = re.compile(r"\b(?:fiscal[-\s])?(?:first|second|third|fourth)[-\s]quarter\b(?!-)", re.I)
ORDINAL_CENTURY = re.compile(r"\b(?:1\d|2[0-2]|[1-9])(?:st|nd|rd|th)[-\s]century\b", re.I)  # `a 20th century democrat`
# A holiday the model leaves untagged, after a word that makes it a time (`last Thanksgiving`, `on
# Christmas Eve`): the pointer kept, the preposition trimmed later.
POINTED_HOLIDAY = re.compile(r"\b(?:last|this|next|on|at|by|since|before|after|until)\s+(?-i:(?=[A-Z]))(?:"
                             + periods.HOLIDAY_NAMES + r")\b(?-i:(?![-\s]+[A-Z]))", re.I)  # not `Easter Island`
PREFIXED_YEAR = re.compile(rf"\b(?:pre|post)-{YEAR_RX}\b", re.I)  # `the post-1959 politics`: after 1959
# `the next morning`, `the previous night`, which the model makes a TIME: the day after (before) the one named.
NEXT_PART_OF_DAY = re.compile(rf"\b[Tt]he\s+(?:next|following|previous|preceding)\s+{PART_OF_DAY}\b")
# Fiscal years the model leaves untagged (`in FY2023`, `Q3 FY24`), and ranges of years it takes for a number
# (`the 2021–2025 period`, `in 2023/24`); a range whose end is before its start is left (`1995-1990`).
FISCAL_TOKEN = re.compile(rf"(?-i:\b(?:(?:Q[1-4]|H[12])\s+)?FY\s?['’]?(?:{YEAR_RX}|\d\d)(?:\s*[-–/]\s*(?:{YEAR_RX}|\d\d))?)\b")
PROSE_YEAR_RANGE = re.compile(rf"(?<![\w/.$£€#:-]){YEAR_RX}(?:\s*[-–]\s*|/)(?:{YEAR_RX}|\d\d)(?![\w/%]|[-–.]\d|,\d)")
# `later in the day`, `earlier in the week`, which the model makes a TIME or leaves untagged
LATER_IN_THE_UNIT = re.compile(r"\b(?:[Ee]arlier|[Ll]ater)\s+in\s+the\s+(?:day|week|month|year)\b")
LATEST_PERIOD = re.compile(r"\b[Tt]he\s+(?:latest|most\s+recent|current)\s+(?:period|quarter)\b")
# `today`, `tonight`, `yesterday`, `tomorrow` that the model leaves untagged (`apply for visas today`,
# a quotation's `Today, ...`): lower-case, or capitalised where a sentence or quotation begins (`VOA
# Today` mid-sentence is a name); `today's` is left to is_not_a_date_here.
DEICTIC_DAY = re.compile(r"(?-i:\b(?:today|tonight|yesterday|tomorrow)|(?:(?<=^)|(?<=[.!?]\s)|(?<=[\"`'‘“]))"
                         r"(?:Today|Tonight|Yesterday|Tomorrow))\b(?![-'’])")
CAPITALISED_WEEKDAY = re.compile(r"\b(?:" + "|".join(w.capitalize() for w in WEEKDAYS) + r")\b")
# A TIME entity that names its day (`Friday night`, `10 p.m. Wednesday`): a date with a time of day.
TIME_WITH_DATE = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + rf"|today|yesterday|tomorrow|tonight|{MONTH_NAME}\.?\s+\d"
                            rf"|(?:last|this)\s+{PART_OF_DAY})", re.I)
# Inside one spaCy span, a period and the date it ends on (`the quarter ended Sept. 30`, `its fourth
# quarter ended yesterday`) or a stretch and the year it is part of (`the first nine months of 1997`).
PERIOD_ENDED = re.compile(r"\s+(?:ended|ending|ends|that\s+ended)\s+", re.I)
# A period named by nothing but its end (`the quarter ended Sept. 30`, not `the third quarter ended ...`,
# whose number is the company's fiscal one and stays what the text says).
UNNUMBERED_PART = re.compile(r"(?:the|its|their|that)\s+(?:(?:fiscal|latest|most\s+recent|latest\s+fiscal)\s+)?"
                             r"(?:quarter|half|three\s+months|six\s+months)", re.I)


def ended_part(part_text: str, granularity: Optional[str], between: str, end: DateValue) -> Optional[tuple[str, str]]:
    """The first and last month of a quarter or half (`part_text`) read from the day it ended on (`end`,
    after the words `between`): `the quarter ended July 31` is May to July. None when `between` is not
    `ended` or the part carries its own number."""
    if granularity not in periods.PART_SIZE or end.granularity != "day" or not end.value \
            or not PERIOD_ENDED.fullmatch(between) or not UNNUMBERED_PART.fullmatch(part_text.strip()):
        return None
    return periods.part_ending(granularity, end.value)


STRETCH_OF = re.compile(rf"^(?:(?:at\s+least|about|nearly|almost|more\s+than|less\s+than|only|just)\s+)?"
                        rf"(?:the\s+)?(?:first|last|past|next|final|latest)\s+(?:[\w-]+\s+)?"
                        rf"(?:months|weeks|quarters|days|years)\s+of\s+"
                        rf"(?=(?:the\s+)?{YEAR_RX}\b|(?:this|last|next|the)\s+year\b)",
                        re.I)


# A stretch up to a date, as reports write it (`the three months to September`, `the year to March 31`):
# the date it ends on; the stretch is a length (durations.py).
STRETCH_TO = re.compile(rf"^(?:the\s+)?(?:[\w-]+\s+)?(?:months|weeks|quarters|days|years|year|quarter|half|week|month)"
                        rf"\s+(?:to|through)\s+(?=(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{MONTH_NAME})\b|{YEAR_RX}\b)", re.I)
YEAR_NOUN = re.compile(r"(?:the\s+|its\s+)?(?:fiscal\s+)?year", re.I)


def _split_period(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`the quarter ended Sept. 30` is two expressions, `the quarter` and `Sept. 30`; `the first nine
    months of 1997` keeps its date, `1997`, and `the three months to September` its `September` (the
    stretch is a duration: durations.py)."""
    piece = text[start:end]
    if m := PERIOD_ENDED.search(piece):
        if YEAR_NOUN.fullmatch(piece[:m.start()]):
            return [(start + m.end(), end)]  # `the year ended Sept. 30`: a length (durations.py) and its end
        return [(start, start + m.start()), (start + m.end(), end)]
    if m := STRETCH_OF.match(piece) or STRETCH_TO.match(piece):
        return [(start + m.end(), end)]
    if (m := LENGTH_FROM.match(piece)) and durations.is_duration(m[1]):
        return [(start + m.end(), end)]  # `three years from 2024`: a length (durations.py) and when it starts
    if m := APPOSED_UNIT.search(piece):  # `March 10, the day before the report`: the date, and a phrase about it
        return [(start, start + m.start()), (start + m.end(), end)]
    if m := YEAR_THEN_DEICTIC.fullmatch(piece):  # `since 1994 this week`: two dates the model made one
        return [(start + m.start(1), start + m.end(1)), (start + m.start(2), end)]
    return [(start, end)]


APPOSED_UNIT = re.compile(r",\s+(?=(?:the|a|that)\s+(?:day|week|month|year|night|morning|evening|date)\b)", re.I)
LENGTH_FROM = re.compile(rf"(.+?)\s+(?:from|starting|beginning)\s+(?:in\s+)?(?=(?:{MONTH_NAME})\b|{YEAR_RX}\b)", re.I)
YEAR_THEN_DEICTIC = re.compile(rf"({YEAR_RX})\s+((?:this|last|next)\s+(?:week|month|year|quarter)|today|yesterday"
                               r"|tomorrow)", re.I)


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`2022 and 2023`, `May 2022, June 2023` are two dates; `between 2021 and 2023` is one range."""
    piece = text[start:end]
    if re.match(r"\s*between\b", piece, re.I) or not re.search(r",|\band\b|\bor\b", piece):
        return [(start, end)]
    items = [m.span() for m in RULE_DATE.finditer(piece)]
    if len(items) >= 2 and re.fullmatch(r"[\s,]*(?:(?:and|or)\s*)?", piece[items[0][1]:items[1][0]]):
        return [(start + s, start + e) for s, e in items]
    return [(start, end)]


# A count spaCy took in before an offset (`up from seven a year ago`): the count's, not the date's.
COUNT_BEFORE_OFFSET = re.compile(rf"(?:\d[\d,.]*|{NUMBER_WORD})\s+(?=an?\s+(?:year|month|week|day|decade)\s+"
                                 r"(?:ago|earlier|before|later)\b)", re.I)
TRAILING_CONJUNCTION = re.compile(r"\s+(?:and|or)$", re.I)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Tidy a date span to TimeML's extent: drop leading prepositions and signal words (`in December
    2019` -> `December 2019`, `by Wednesday` -> `Wednesday`; signal_before tells what they were) and
    trailing punctuation; keep determiners and modifiers (`the late 1970s`, `about two years ago`)."""
    piece = text[start:end]
    if match := LEADING_WORD.match(piece):
        start += match.end()
    if match := THE_BEFORE_EXPLICIT.match(text, start, end) or OWNER_BEFORE.match(text, start, end) \
            or COUNT_BEFORE_OFFSET.match(text, start, end):
        start = match.end()
    if re.search(r"\d['’]s$|[a-z]['’]s$", text[start:end]) and not re.search(r"\d0['’]s$", text[start:end]):
        end -= 2  # `December 2019's` -> `December 2019`; `the 1990's` is a decade
    if match := TRAILING_CONJUNCTION.search(text, start, end):
        end = match.start()  # spaCy's `both 2006 and` of `both 2006 and 2007`
    while end > start and text[end - 1] in " ,;:.":
        if text[end - 1] == "." and ABBREVIATED_MONTH_END.search(text[start:end]):
            break  # keep the dot of an abbreviated month (`Dec.`)
        end -= 1
    return start, end


POINTING_WORD = re.compile(r"\b(?:previous|preceding|prior|following|next|last|this|coming|past|same|that)\b", re.I)
RANGE_WORD = re.compile(r"\s+(?:to|through|thru|until|till)\s+", re.I)


def iter_pieces(text: str, start: int, end: int) -> Iterator[list[tuple[int, int]]]:
    """What to try, best first, when a span reads as a date without a value (`Friday to December`,
    `d'etat last year`, `the day Friday`): its two sides around `to`/`through`, then each shorter end of
    it, word by word (spaCy's span took in words before the date)."""
    piece = text[start:end]
    if m := RANGE_WORD.search(piece):
        yield [trim_span(text, start, start + m.start()), trim_span(text, start + m.end(), end)]
    for word in re.finditer(r"(?<=\s)\S", piece):
        if POINTING_WORD.search(piece, 0, word.start()):
            break  # `the previous Friday` is not `Friday`
        yield [trim_span(text, start + word.start(), end)]


# After a bare number, nouns that make it a count (`2048 Bit RSA`, `1600 students`), not a year.
COUNT_NOUNS = re.compile(r"^\s+(?:bits?|bytes?|qubits?|people|persons|students|researchers|employees|units|pages"
                         r"|projects|km|miles|kg|tons|tonnes|[kmg]w|hours|times|members|companies|words|votes"
                         r"|cases|jobs|homes|households|patients|children|workers)\b", re.I)
FREQUENCY_BEFORE = re.compile(r"\b(?:each|every)\s+$", re.I)
PLURAL_PARTS_AFTER = re.compile(r"(?:\s+(?:and|or)\s+(?:" + "|".join(WEEKDAYS) + r"))?"
                                r"\s+(?:mornings|afternoons|evenings|nights)\b", re.I)
# a decade or century one can go through
STRETCHED_PERIOD = re.compile(rf"(?:the\s+)?(?:(?:early|mid|late)[-\s]?)?"
                              rf"(?:{DECADE_RX}|\d{{1,2}}(?:st|nd|rd|th)\s+century)", re.I)
STRETCH_BEFORE = re.compile(r"\b(?:throughout|across|all)\s+$", re.I)
DURATION_BEFORE = re.compile(r"\b(?:over|within|in|during|for|throughout|across|into)\s+(?:the\s+)?$", re.I)


LABEL_BEFORE = re.compile(r"\b(?:Figure|Fig\.|Table|Section|Chapter|Annex|Appendix|Box|Article|Art\.|No\.|Nos\."
                          r"|Number|Regulation(?:\s+\(\w+\))?|Directive(?:\s+\(\w+\))?|Resolution|Case|Docket)\s+$")
UNIT_BEFORE_AFTER = re.compile(r"the\s+(?:year|month|day|night)\s+(?:before|after)", re.I)
CLAUSE_END = re.compile(r"\s*(?:[.,;:!?)\"”’'—–]|-- |$)")
BARE_NUMBERS = re.compile(r"(?:about\s+|some\s+)?\d{4}(?:\s*[-–/]\s*\d{2,4})?")
GENERIC_OF_BEFORE = re.compile(r"\b[a-z]+\s+of\s+$")
# What happens or appears on one day, so that `today's` before it is that day: `today's vote`, `today's editions`.
DATED_THING_AFTER = re.compile(
    r"['’]s\s+(?:[\w-]+\s+)?(?:editions?|papers?|newspapers?|issue|meeting|session|vote|election|hearing|talks"
    r"|summit|game|match|race|show|broadcast|program(?:me)?|quiz|announcement|decision|ruling|statement|speech"
    r"|trading|sale|auction|deadline|visit|rally|march|protest|debate|briefing|conference|ceremony|funeral"
    r"|service|attack|strike|raid|launch|news|headlines|report|close|opening)\b", re.I)
MONTH_ALONE = re.compile(rf"{MONTH_NAME}", re.I)
# `the annual March for Life`: a month after an article, before `for`/`of`/`on` and a name (`in March for
# London` is a date)
NAME_AFTER_MONTH = re.compile(r"\s+(?:for|of|on|to)\s+(?:the\s+)?(?-i:[A-Z][a-z])", re.I)
ARTICLE_BEFORE = re.compile(r"\b(?:the|an?)\s+(?:[a-z]+\s+)?$", re.I)
# A capitalised deictic after a name (`VOA Today`, `USA Today`), or a capitalised date that is all of a
# quotation (`ABC News' "This Week,"`): a programme's or a paper's name.
DEICTIC_NAME = re.compile(r"(?:Today|Tonight|Tomorrow|Yesterday|This\s+(?:Week|Morning|Evening))")
TITLE_CASE = re.compile(r"(?:[A-Z][a-z]*\s+)*[A-Z][a-z]*")
QUOTE_OPEN = re.compile(r"[\"“‘`']\s*$")
QUOTE_CLOSE = re.compile(r"[,.!?]?\s*[\"”’']")
# a capitalised word before, itself mid-sentence (`is VOA `), so a name, not a sentence's first word
NAME_BEFORE = re.compile(r"(?<![.!?:;\"“‘`'])\s+[A-Z][\w&-]*\s+$")


def is_a_title(text: str, start: int, end: int) -> bool:
    """A date-like name: `This is VOA Today.`, `speaking on ABC News' "This Week," said ...`."""
    span = text[start:end]
    if not TITLE_CASE.fullmatch(span):
        return False
    quoted = QUOTE_OPEN.search(text, max(0, start - 2), start) and QUOTE_CLOSE.match(text, end)
    if quoted and (" " in span or DEICTIC_NAME.fullmatch(span)):
        return True
    return bool(DEICTIC_NAME.fullmatch(span) and NAME_BEFORE.search(text, max(0, start - 30), start))


def is_not_a_date_here(text: str, start: int, end: int) -> bool:
    """What the span alone cannot tell: `(over the) next decade` is a duration and `today('s)` means
    the present in general."""
    span = text[start:end].lower()
    if re.match(r"(?:the\s+)?(?:next|past|coming|last|following)\s", span) and \
            re.search(r"\b(?:decade|years|months|weeks)\b", span) and DURATION_BEFORE.search(text[max(0, start - 25):start]):
        return True
    if span == "today" and re.match(r"['’]s\b", text[end:end + 3]) and not DATED_THING_AFTER.match(text, end):
        return True  # `today's world`, `today's youth`: the present; `today's vote`, `today's editions`: the day
    if UNIT_BEFORE_AFTER.fullmatch(span) and not CLAUSE_END.match(text, end):
        return True  # `the day before the vote`: a day next to an event, not to the latest date named
    if LABEL_BEFORE.search(text, max(0, start - 24), start):
        return True  # `Figure 2020-3`, `Section 1983`, `Regulation (EU) 2016/679`: a label, not a date
    if BARE_NUMBERS.fullmatch(span) and COUNT_NOUNS.match(text[end:end + 24]):
        return True  # `1500-2000 words`, `1900 people`: a count, not years
    if span in ("today", "tomorrow") and GENERIC_OF_BEFORE.search(text[max(0, start - 24):start]):
        return True  # `the people of tomorrow`, `the world of today`: the future, the present (no day)
    if MONTH_ALONE.fullmatch(span) and NAME_AFTER_MONTH.match(text, end) \
            and ARTICLE_BEFORE.search(text, max(0, start - 24), start):
        return True  # `the annual March for Life`, `the March on Washington`: an event's name
    if is_a_title(text, start, end):
        return True
    if FREQUENCY_BEFORE.search(text[max(0, start - 8):start]) \
            or WEEKDAY_END.search(span) and PLURAL_PARTS_AFTER.match(text, end, end + 40):
        return True  # `each Thursday`, `every July`, `Monday and Tuesday nights`: frequencies (TimeML's SETs)
    if (THE_YEAR_END.fullmatch(span) or STRETCHED_PERIOD.fullmatch(span)) \
            and STRETCH_BEFORE.search(text[max(0, start - 12):start]):
        return True  # `throughout the year`, `throughout the 1990s`: its length, not the year or decade
    return False




def iter_rule_dates(text: str, days_without_year: bool = False) -> Iterator[tuple[int, int, str]]:
    """Dates in text that spaCy does not see (notes, bibliography, headings): (start, end, text),
    skipping URLs and counts (`2048 Bit RSA`); with `days_without_year`, a month and day too (a
    dateline's `August 8`)."""
    urls = [m.span() for m in URL_RX.finditer(text)]
    found = []
    for match in RULE_DATE.finditer(text):
        if any(s <= match.start() < e for s, e in urls):
            continue
        if match.group(0).isdigit() and COUNT_NOUNS.match(text[match.end():match.end() + 20]):
            continue
        found.append((match.start(), match.end(), match.group(0)))
    if days_without_year:
        found += [(m.start(), m.end(), m.group(0)) for m in MONTH_DAY_RX.finditer(text)
                  if not any(s < m.end() and m.start() < e for s, e, _ in found)]
    yield from sorted(found)
