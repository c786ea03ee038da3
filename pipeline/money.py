"""Money: find money figures in text and normalise them to an amount in currency units and ISO 4217.

Found by pattern over the paragraph text (a currency symbol, code or word is required, so counts
like `20 million qubits` never match); qualifiers (`about`, `up to`, `each`) and stated periods
(`over five years`) are read from the words around the figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

SYMBOLS = {"US$": "USD", "U.S.$": "USD", "$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD", "NZ$": "NZD",
           "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR", "元": "CNY"}
CODES = {"USD", "EUR", "GBP", "JPY", "KRW", "CNY", "RMB", "AUD", "CAD", "CHF", "INR", "HKD", "NZD", "SGD", "TWD"}
CODE_ALIASES = {"RMB": "CNY"}
WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "yen": "JPY", "won": "KRW",
         "yuan": "CNY", "renminbi": "CNY", "pounds sterling": "GBP", "pounds": "GBP", "rupees": "INR",
         "swiss francs": "CHF", "francs": "CHF"}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "tr": 1e12}
# Read before the figure, nearest first; the first that ends right before the figure wins.
QUALIFIERS_BEFORE = ["approximately", "about", "around", "roughly", "nearly", "almost", "some", "up to",
                     "more than", "over", "at least", "less than", "under", "as much as", "as little as",
                     "an estimated", "estimated", "just over", "just under", "upwards of", "a total of", "in excess of"]
QUALIFIERS_AFTER = ["each", "apiece", "per year", "a year", "per annum", "annually", "per month", "a month",
                    "monthly", "per capita", "per person", "or more", "or less"]
PERIOD = re.compile(r"^\s*,?\s*(over|across|during|within|for)\s+(the\s+next\s+|the\s+)?((a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)[-\s](year|month|week|day|decade)s?(\s+(period|term|span))?)", re.I)

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?P<scale>trillion|billion|million|thousand|bn|mn|mln|tn|[mkb])\b)?"
_SYM = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_CODE = "|".join(sorted(CODES))
_WORD = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))
MONEY_RX = re.compile(
    rf"(?:(?P<sym>\\?(?:{_SYM}))\s?(?P<num1>{_NUM}){_SCALE.replace('scale', 'scale1')}"
    rf"|\b(?P<code>{_CODE})\s?(?P<num2>{_NUM}){_SCALE.replace('scale', 'scale2')}"
    rf"|(?P<num3>{_NUM}){_SCALE.replace('scale', 'scale3')}\s?(?P<code3>{_CODE})\b"
    rf"|(?P<num4>{_NUM}){_SCALE.replace('scale', 'scale4')}\s(?P<word>{_WORD})\b)")


@dataclass
class MoneyMatch:
    start: int
    end: int
    text: str
    amount: Optional[float]
    currency: Optional[str]
    qualifier: Optional[str] = None
    period: Optional[str] = None


def parse_amount(number: str, scale: Optional[str]) -> Optional[float]:
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return None
    return value * SCALES.get((scale or "").lower(), 1.0)


def iter_money(text: str):
    """Yield MoneyMatch for each money figure in text (offsets relative to text)."""
    for match in MONEY_RX.finditer(text):
        groups = match.groupdict()
        number = groups["num1"] or groups["num2"] or groups["num3"] or groups["num4"]
        scale = groups["scale1"] or groups["scale2"] or groups["scale3"] or groups["scale4"]
        if groups["sym"]:
            currency = SYMBOLS[groups["sym"].lstrip("\\")]
        elif groups["code"] or groups["code3"]:
            code = (groups["code"] or groups["code3"]).upper()
            currency = CODE_ALIASES.get(code, code)
        else:
            currency = WORDS[groups["word"].lower()]
        start, end = match.start(), match.end()
        yield MoneyMatch(start, end, text[start:end], parse_amount(number, scale), currency,
                         read_qualifier(text, start, end), read_period(text, end))


def read_qualifier(text: str, start: int, end: int) -> Optional[str]:
    before = text[max(0, start - 30):start].lower().rstrip()
    for word in QUALIFIERS_BEFORE:
        if before.endswith(word) and (len(before) == len(word) or not before[-len(word) - 1].isalnum()):
            return word
    after = text[end:end + 20].lower()
    for word in QUALIFIERS_AFTER:
        if re.match(rf"^\s*,?\s*{re.escape(word)}\b", after):
            return word
    return None


def read_period(text: str, end: int) -> Optional[str]:
    match = PERIOD.match(text[end:end + 60])
    return match.group(3) if match else None
