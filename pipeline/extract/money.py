"""Money: find money figures in text and normalise them to an amount in currency units and ISO 4217.

Where the work is done, and why:
- Finding figures is a pattern (`MONEY_RX`) that requires a currency marker (symbol, ISO code or
  currency word), so counts and quantities (`20 million qubits`, `40,000 students`) never match.
  spaCy's MONEY spans are not used to find them: the small model misses figures in lists
  (`€100 billion` between two dollar figures) and tags bare numbers; quantulum3 was measured too and
  reads `USD 33.8 million` as a dimensionless number, `in 2019 won a contract` as 2019 Korean won and
  `£2bn` as a unit of area (tests/test_money.py keeps those cases).
- Reading the number is price-parser's job (`parse_number`): it knows thousands and decimal separators
  in their English and European forms (`1,234.5`, `1.234,5`, `1 234,5`). One rule overrides it: a single
  dot before three digits (`$1.234 billion`) is a decimal point in English prose, not a thousands dot.
- Scale words (`million`, `bn`, `m`, `k`), ISO codes for symbols and words, qualifiers, periods, and
  shared scales in ranges and lists (`$1.2 to $1.5 billion`, `between 3 and 5 billion yen`) are rules:
  no maintained parser handles them.

Decisions users rely on:
- A range is two rows, each with its own span and amount; the first's qualifier says `range start`
  and the second's `range end` (after any qualifier written in the text, comma-separated), in text
  order, so `fell from $5 million to $2 million` reads true too.
- A sum without an amount (`billions of dollars`, `tens of millions of euros`) is kept with amount
  NULL, so it can be found but never sorts or sums as a figure.
- `$` alone is read as US dollars; qualifiers are kept as written (`about`, `up to`, `each`).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from price_parser import Price

from ..types import MoneyRow

SYMBOLS = {"US$": "USD", "U.S.$": "USD", "USD$": "USD", "$US": "USD", "$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD",
           "CA$": "CAD", "HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "NT$": "TWD", "R$": "BRL", "MX$": "MXN",
           "€": "EUR", "£": "GBP", "¥": "JPY", "JP¥": "JPY", "CN¥": "CNY", "RMB¥": "CNY", "₩": "KRW", "₹": "INR",
           "₽": "RUB", "₺": "TRY", "₪": "ILS", "₫": "VND", "₱": "PHP", "฿": "THB"}
CODES = {"USD", "EUR", "GBP", "JPY", "KRW", "CNY", "RMB", "AUD", "CAD", "CHF", "INR", "HKD", "NZD", "SGD", "TWD",
         "RUB", "BRL", "MXN", "SEK", "NOK", "DKK", "ILS", "TRY", "ZAR", "SAR", "AED", "THB", "VND", "PHP", "IDR"}
CODE_ALIASES = {"RMB": "CNY"}
# Currency nouns (singular and plural) and the adjectives that pick a dollar; `won` and `pounds` are
# also a verb and a weight, so they count only with a scale word or their adjective (see _is_money).
NOUNS = {"dollar": "USD", "euro": "EUR", "yen": "JPY", "won": "KRW", "yuan": "CNY", "renminbi": "CNY",
         "pound": "GBP", "rupee": "INR", "franc": "CHF", "ruble": "RUB", "rouble": "RUB"}
ADJECTIVES = {"us": "USD", "u.s.": "USD", "american": "USD", "australian": "AUD", "canadian": "CAD",
              "hong kong": "HKD", "new zealand": "NZD", "singapore": "SGD", "taiwan": "TWD", "new taiwan": "TWD",
              "korean": "KRW", "south korean": "KRW", "japanese": "JPY", "chinese": "CNY", "british": "GBP",
              "swiss": "CHF", "indian": "INR", "russian": "RUB"}
AMBIGUOUS_NOUNS = {"won", "pound"}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
          "bn": 1e9, "bln": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "tr": 1e12, "t": 1e12, "lakh": 1e5, "crore": 1e7}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "one hundred": 100,
                "several hundred": None, "half a": 0.5, "a half": 0.5, "a quarter": 0.25}
# Read before the figure; the longest that ends right before it wins.
QUALIFIERS_BEFORE = ["approximately", "about", "around", "roughly", "nearly", "almost", "some", "up to",
                     "more than", "over", "at least", "less than", "under", "as much as", "as little as",
                     "an estimated", "estimated", "just over", "just under", "upwards of", "a total of",
                     "in excess of", "close to", "no more than", "no less than", "a further", "an additional",
                     "another", "a maximum of", "a minimum of", "below", "above", "exceeding", "~"]
# Read right after the figure, in any order (`$5 million each per year`).
QUALIFIERS_AFTER = ["each", "apiece", "per year", "a year", "per annum", "annually", "per month", "a month",
                    "monthly", "per capita", "per person", "per head", "or more", "or less", "or so", "-plus"]
_QUALIFIERS_BEFORE_LONGEST_FIRST = sorted(QUALIFIERS_BEFORE, key=len, reverse=True)
QUALIFIER_AFTER_RX = re.compile(
    r"^[\s,]*(" + "|".join(re.escape(w) for w in sorted(QUALIFIERS_AFTER, key=len, reverse=True))
    + r")\b(?!\s+(?:ago|earlier|later|before))", re.I)
_DURATION = (r"(?:(?:a|an|the)\s+)?(?:(?:next|coming|following|first|last|past)\s+)?(?:a|an|one|two|three|four|five|six|seven|eight"
             r"|nine|ten|eleven|twelve|fifteen|twenty|several|\d+)[-\s](?:year|month|week|day|decade)s?"
             r"(?:\s+(?:period|term|span|plan|programme|program|window|horizon))?"
             r"|the\s+(?:next|coming|following|past)\s+(?:decade|year|month)"
             r"|(?:fiscal\s+years?\s+|FY\s?)?(?:19|20)\d\d\s*(?:[-–—]|to|through)\s*(?:FY\s?)?(?:(?:19|20)\d\d|\d\d)\b")
# A stated period after the figure, a few words on (`$1.2 billion in quantum R&D over a five-year period`)
# but not past a comma, a clause break or another figure.
PERIOD_AFTER = re.compile(
    rf"^(?:(?![,;:.()!?]|\s(?:which|that|who|while|whereas|but)\s)[^,;:.()!?$€£¥₩]){{0,80}}?"
    rf"\b(?:over|across|during|within|for|in|between|from)\s+({_DURATION})", re.I)
# A period that opens the sentence (`Over the next five years, ... $1 billion`) covers its figures.
PERIOD_BEFORE = re.compile(
    rf"(?:^|[.!?:]\s+)(?i:over|across|during|within|in)\s+((?i:{_DURATION})),(?:(?![.!?]\s+[A-Z“\"]).)*$")

_NUM = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:[\u00a0\u202f]\d{3})+(?:[.,]\d+)?"
        r"|\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?|\.\d+")
_SCALE_WORD = r"trillion|billion|million|thousand|crore|lakh|bn|bln|mn|mln|tn"
# A scale word may touch a leftover footnote number (`$52 billion2`): not a letter may follow, digits may.
_SCALE = rf"(?:[-\s]?(?i:{_SCALE_WORD})(?![A-Za-z])|(?:[mkbMKBT]|tr)\b(?!['’.]\w))"
_SUFFIX_SYM = "|".join(re.escape(s) for s in SYMBOLS if "$" not in s and len(s) == 1)
_SYM = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_CODE = "|".join(sorted(CODES))
_ADJ = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in sorted(ADJECTIVES, key=len, reverse=True))
_NOUN = r"(?:dollar|euro|pound|rupee|franc|ruble|rouble)s?(?:\s+sterling)?|yen|won|yuan|renminbi"
_WORD = rf"(?i:(?:(?:{_ADJ})\s+)?(?:{_NOUN}))"
_NUMWORD = "|".join(re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True))
MONEY_RX = re.compile(
    rf"(?P<sym>\\?(?<![\w$])(?:{_SYM}))\s?(?P<num1>{_NUM})(?P<scale1>{_SCALE})?"
    rf"|(?<![\w$])(?P<code>{_CODE})\s?\$?(?P<num2>{_NUM})(?P<scale2>{_SCALE})?"
    rf"|(?<![\w.,])(?P<num3>{_NUM})(?P<scale3>{_SCALE})?\s?(?P<code3>{_CODE})(?!\w)"
    rf"|(?<![\w.,])(?P<num4>{_NUM})(?P<scale4>{_SCALE})?\s(?P<word4>{_WORD})\b"
    rf"|(?<![\w.,])(?P<num7>{_NUM})(?P<scale7>{_SCALE})?\s?(?P<sym7>{_SUFFIX_SYM})"
    rf"|\b(?P<numword>(?i:{_NUMWORD}))[-\s](?P<scale5>(?i:{_SCALE_WORD}))\s(?P<word5>{_WORD})\b"
    rf"|\b(?P<vague>(?i:(?:(?:tens|hundreds)\s+of\s+)?(?:thousands|millions|billions|trillions)\s+of))\s(?P<word6>{_WORD})\b")
# Between two figures of one range or list: `$1.2 to $1.5 billion`, `$3, $4 and $5 billion`.
RANGE_GAP = re.compile(r"\s*(?:[-–—]|to|through)\s*", re.I)
LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)", re.I)
# A bare number just before a figure whose currency and scale it shares (`between 3 and 5 billion yen`).
BARE_BEFORE = re.compile(rf"(?<![\w.,$€£¥₩])(?P<num>{_NUM})\s*(?:[-–—]|\s(?:to|and|or)\s)\s*$", re.I)
# A bare number just after a prefix-currency figure (`$1.2-1.5 billion`, `USD 3 to 5 million`).
BARE_AFTER = re.compile(rf"^\s*(?:[-–—]|\s(?:to|and|or)\s)\s*(?P<num>{_NUM})(?P<scale>{_SCALE})?(?![\w$€£¥₩])", re.I)


@dataclass
class _Figure:
    """A money figure while its neighbours are read: the number and scale as written are kept because a
    figure may borrow its scale from the next one (`$1.2 to $1.5 billion`). Becomes a MoneyRow."""
    start: int
    end: int
    number: Optional[str]
    amount: Optional[float]
    currency: Optional[str]
    scale: Optional[str] = None  # as written; None when the figure borrows its scale from a neighbour
    prefix_currency: bool = True  # the currency marker comes before the number


def _is_year(number: Optional[str]) -> bool:
    return bool(number) and re.fullmatch(r"(?:19|20)\d\d", number) is not None


def parse_number(number: str) -> Optional[float]:
    """The value of a written number (`1,234.5`, `1.234,5`, `33.8`), or None."""
    number = number.strip()
    decimal = "." if re.fullmatch(r"\d+\.\d{3}", number) else None  # `$1.234 billion` is 1.234, not 1234
    try:
        price = Price.fromstring(number, decimal_separator=decimal)
    except Exception:  # price-parser raises on some odd strings; an unreadable number is no figure
        return None
    return float(price.amount) if price.amount is not None else None


def parse_amount(number: Optional[str], scale: Optional[str]) -> Optional[float]:
    if number is None:
        return None
    value = parse_number(number) if re.match(r"[\d.]", number) else NUMBER_WORDS.get(number.lower())
    if value is None:
        return None
    return value * SCALES.get((scale or "").strip(" -").lower(), 1.0)


def _currency(groups: dict) -> Optional[str]:
    if groups["sym"] or groups["sym7"]:
        return SYMBOLS[(groups["sym"] or groups["sym7"]).lstrip("\\")]
    if code := groups["code"] or groups["code3"]:
        return CODE_ALIASES.get(code, code)
    words = re.sub(r"\s+", " ", (groups["word4"] or groups["word5"] or groups["word6"]).lower()).split()
    if words[-1] == "sterling":
        return "GBP"
    noun, adjective = words[-1], " ".join(words[:-1])
    noun = noun if noun in NOUNS else noun[:-1]  # plural
    if noun == "dollar" and adjective:
        return ADJECTIVES.get(adjective, "USD")
    return NOUNS.get(noun)


def _is_money(groups: dict, number: Optional[str], scale: Optional[str]) -> bool:
    """`won` and `pounds` are money only with a scale word, their adjective or a thousands separator
    (`1.2 trillion won`, `500 Korean won`, `£`); never a year (`in 2019 won a contract`)."""
    word = (groups["word4"] or "").lower().split()
    if not word:
        return True
    noun = word[-1].rstrip("s") if word[-1] != "sterling" else "sterling"
    if noun not in AMBIGUOUS_NOUNS:
        return True
    return bool(scale) or len(word) > 1 or bool(number and re.search(r"[,.]", number))


def iter_money(text: str, sentence_starts: Optional[list[int]] = None) -> Iterator[MoneyRow]:
    """Yield a MoneyRow (sentence None, offsets relative to text) for each money figure, in text order.

    `sentence_starts` (sorted offsets in text, e.g. from spaCy) bound the search for a period stated at
    the start of a sentence (`Over the next five years, ... $1 billion`).
    """
    found: list[_Figure] = []
    for match in MONEY_RX.finditer(text):
        groups = match.groupdict()
        number = next((groups[k] for k in ("num1", "num2", "num3", "num4", "numword", "num7") if groups[k]), None)
        scale = next((groups[k] for k in ("scale1", "scale2", "scale3", "scale4", "scale5", "scale7") if groups[k]),
                     None)
        if not _is_money(groups, number, scale):
            continue
        if (groups["num3"] or groups["num4"] or groups["num7"]) and not scale and _is_year(number):
            continue  # `in 2019 dollars` is a price base, not a figure
        vague = groups["vague"] or (groups["numword"] and NUMBER_WORDS.get(number.lower()) is None)
        amount = None if vague else parse_amount(number, scale)
        if amount is None and not vague:
            continue
        found.append(_Figure(match.start(), match.end(), number, amount, _currency(groups), scale=scale,
                             prefix_currency=bool(groups["sym"] or groups["code"])))
    found = _add_bare_neighbours(text, found)
    _share_scales(text, found)
    ranges = _mark_ranges(text, found)
    starts = sentence_starts or [0]
    for item in found:
        qualifiers = read_qualifiers(text, item.start, item.end) + ranges.get(id(item), [])
        sentence_start = starts[max(0, bisect.bisect_right(starts, item.start) - 1)]
        yield MoneyRow(None, item.start, item.end, text[item.start:item.end], item.amount, item.currency,
                       ", ".join(qualifiers) or None, read_period(text, item.start, item.end, sentence_start))


def _add_bare_neighbours(text: str, found: list[_Figure]) -> list[_Figure]:
    """Numbers that borrow a neighbour's currency: `between 3 and 5 billion yen`, `$1.2-1.5 billion`."""
    extra = []
    for item in found:
        if item.amount is None:
            continue
        if item.prefix_currency:
            after = BARE_AFTER.match(text[item.end:item.end + 40])
            # only a bare number with its own scale (`$1.2-1.5 billion`) or after a dash (`$300-400`):
            # `gave $5 million to 30 universities` has no second figure
            if after and (after["scale"] or re.match(r"\s*[-–—]", after.group(0))) and not _is_year(after["num"]):
                s, e = item.end + after.start("num"), item.end + after.end()
                value = parse_amount(after["num"], after["scale"] or item.scale)
                if value is not None:
                    extra.append(_Figure(s, e, after["num"], value, item.currency, scale=after["scale"] or item.scale))
                    if not item.scale and after["scale"]:
                        item.amount = parse_amount(item.number, after["scale"])
                        item.scale = after["scale"]
        else:
            window = text[max(0, item.start - 40):item.start]
            before = BARE_BEFORE.search(window)
            if before and not _is_year(before["num"]):
                s = item.start - (len(window) - before.start("num"))
                value = parse_amount(before["num"], item.scale)
                if value is not None:
                    extra.append(_Figure(s, s + len(before["num"]), before["num"], value, item.currency,
                                         scale=item.scale, prefix_currency=False))
    taken = [(m.start, m.end) for m in found]
    extra = [m for m in extra if not any(s < m.end and m.start < e for s, e in taken)]
    return sorted(found + extra, key=lambda m: m.start)


def _share_scales(text: str, found: list[_Figure]) -> None:
    """A figure without a scale takes the next one's across a range or list gap (`$1.2 to $1.5 billion`,
    `$3, $4, and $5 billion`): read alone, `$1.2` would be a figure read wrong by a factor of a billion."""
    for left, right in reversed(list(zip(found, found[1:]))):
        gap = text[left.end:right.start]
        if left.scale or not right.scale or left.currency != right.currency or left.amount is None:
            continue
        if RANGE_GAP.fullmatch(gap) or LIST_GAP.fullmatch(gap):
            left.amount = parse_amount(left.number, right.scale)
            left.scale = right.scale


def _mark_ranges(text: str, found: list[_Figure]) -> dict[int, list[str]]:
    marks = {}
    for left, right in zip(found, found[1:]):
        gap = text[left.end:right.start]
        between = re.search(r"\bbetween\s+$", text[max(0, left.start - 12):left.start], re.I)
        if RANGE_GAP.fullmatch(gap) or (between and re.fullmatch(r"\s+and\s+", gap)):
            marks[id(left)] = ["range start"]
            marks[id(right)] = ["range end"]
    return marks


def read_qualifiers(text: str, start: int, end: int, allowed: Optional[set[str]] = None) -> list[str]:
    """Qualifiers written around a figure: `about $5 million`, `$500 million each per year`;
    `allowed` keeps only those that make sense for the figure (percentages take fewer)."""
    found = []
    before = re.sub(r"\s+", " ", text[max(0, start - 30):start].lower()).rstrip()
    for word in _QUALIFIERS_BEFORE_LONGEST_FIRST:
        name = "approximately" if word == "~" else word
        if allowed is not None and name not in allowed:
            continue
        if before.endswith(word) and (len(before) == len(word) or not before[-len(word) - 1].isalnum()
                                      or word == "~"):
            found.append(name)
            break
    rest = text[end:end + 40]
    while match := QUALIFIER_AFTER_RX.match(rest):
        word = match.group(1).lower().lstrip("-")
        if allowed is None or word in allowed:
            found.append(word)
        rest = rest[match.end():]
    return found


def read_period(text: str, start: int, end: int, sentence_start: int = 0) -> Optional[str]:
    """The period a figure covers when the sentence states it (`over five years`, `over a five-year period`),
    after the figure or opening its sentence (`Over the next five years, ... $1 billion`)."""
    if match := PERIOD_AFTER.match(text[end:end + 140]):
        return re.sub(r"\s+", " ", match.group(1))
    head = text[sentence_start:start]
    if match := PERIOD_BEFORE.search(head):
        return re.sub(r"\s+", " ", match.group(1))
    return None
