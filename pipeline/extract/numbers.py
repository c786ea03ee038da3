"""Numbers written in words, as dates and durations need them: `five`, `twenty four`, `a couple of`,
ordinals (`eighth`, `twenty-first`), and years read aloud in broadcast transcripts (`nineteen
ninety-six`, `the year two thousand`)."""
from __future__ import annotations

import re
from typing import Optional

from ..lexicon import MONTH_NAME

UNITS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
         "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
ORDINAL_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                 "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                 "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                 "nineteenth": 19}
ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30}
# `a`, `a couple of`: counts in words that are not numerals.
ARTICLE_COUNTS = {"a": 1, "an": 1, "one": 1, "a couple of": 2, "a pair of": 2, "couple of": 2}
# Counts that say only `more than one`: their durations are underspecified (`several years` = PXY).
VAGUE_COUNTS = {"several", "a few", "few", "some", "many", "a number of", "numerous", "a couple", "recent",
                "the past few", "the last few", "the next few"}

_UNIT = "|".join(UNITS)
_TENS = "|".join(TENS)
CARDINAL_WORDS = rf"(?:(?:{_TENS})(?:[-\s](?:{_UNIT}))?|{_UNIT}|hundred|a\s+hundred|one\s+hundred)"
ORDINAL_WORDS = (rf"(?:(?:{_TENS})[-\s](?:{'|'.join(ORDINAL_UNITS)})|{'|'.join(ORDINAL_TENS)}"
                 rf"|{'|'.join(ORDINAL_UNITS)})")
# `nineteen ninety-six`, `nineteen oh five`, `nineteen hundred`, `twenty ten`
SPOKEN_YEAR = re.compile(
    rf"\b(eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s+"
    rf"(hundred|oh[-\s](?:{_UNIT})|(?:{_TENS})(?:[-\s](?:{_UNIT}))?|ten|eleven|twelve|thirteen|fourteen|fifteen"
    rf"|sixteen|seventeen|eighteen|nineteen)\b", re.I)
# `two thousand`, `two thousand and one`, `two thousand ten`
THOUSAND_YEAR = re.compile(rf"\btwo\s+thousand(?:\s+(?:and\s+)?({CARDINAL_WORDS}))?\b", re.I)
# `March eighth`: a day read aloud after its month
SPOKEN_DAY = re.compile(rf"\b({MONTH_NAME}\.?)\s+({ORDINAL_WORDS})\b", re.I)
SPOKEN_DAY_FIRST = re.compile(rf"\b(?:the\s+)?({ORDINAL_WORDS})\s+of\s+({MONTH_NAME}\.?)", re.I)  # `the first of April`


def cardinal(words: str) -> Optional[int]:
    """`twenty four` -> 24, `five` -> 5, `a hundred` -> 100, `12` -> 12; None for anything else."""
    words = re.sub(r"[\s-]+", " ", words.strip().lower())
    if re.fullmatch(r"\d+(?:,\d{3})*", words):
        return int(words.replace(",", ""))
    if words in ARTICLE_COUNTS:
        return ARTICLE_COUNTS[words]
    if words in ("hundred", "a hundred", "one hundred"):
        return 100
    if words in ("thousand", "a thousand", "one thousand"):
        return 1000
    parts = words.split(" ")
    if len(parts) == 1:
        return UNITS.get(parts[0], TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in TENS and parts[1] in UNITS and UNITS[parts[1]] < 10:
        return TENS[parts[0]] + UNITS[parts[1]]
    return None


def ordinal(word: str) -> Optional[int]:
    """`eighth` -> 8, `twenty-first` -> 21, `3rd` -> 3."""
    word = re.sub(r"[\s-]+", " ", word.strip().lower())
    if m := re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word):
        return int(m[1])
    if word in ORDINAL_UNITS:
        return ORDINAL_UNITS[word]
    if word in ORDINAL_TENS:
        return ORDINAL_TENS[word]
    parts = word.split(" ")
    if len(parts) == 2 and parts[0] in TENS and parts[1] in ORDINAL_UNITS and ORDINAL_UNITS[parts[1]] < 10:
        return TENS[parts[0]] + ORDINAL_UNITS[parts[1]]
    return None


def _spoken_year(m: re.Match) -> str:
    century, rest = UNITS.get(m[1].lower(), TENS.get(m[1].lower())), m[2].lower()
    if rest == "hundred":
        return str(century * 100)
    rest = re.sub(r"^oh[-\s]", "", rest)
    value = cardinal(rest)
    return m[0] if value is None else str(century * 100 + value)


def digits_for_spoken_dates(text: str) -> str:
    """Years and day ordinals read aloud, in digits: `January nineteen ninety-seven` -> `January 1997`,
    `March eighth` -> `March 8th`, `the first of April` -> `April 1`, `the year two thousand` -> `the year 2000`. Other words are kept."""
    if not re.search(r"[a-z]", text, re.I):
        return text
    text = SPOKEN_YEAR.sub(_spoken_year, text)
    text = THOUSAND_YEAR.sub(lambda m: str(2000 + (cardinal(m[1]) or 0) if m[1] else 2000), text)
    text = SPOKEN_DAY_FIRST.sub(lambda m: f"{m[2]} {ordinal(m[1])}" if (ordinal(m[1]) or 99) <= 31 else m[0], text)
    return SPOKEN_DAY.sub(lambda m: f"{m[1]} {ordinal(m[2])}" if (ordinal(m[2]) or 99) <= 31 else m[0], text)
