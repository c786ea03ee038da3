"""Money figures as a reader says them: `$52 billion`, `€3.5 million`, `¥1.2 trillion`, `£1,250`.

Built from money.amount (currency units) and money.currency (ISO 4217) with Babel's English number
names and currency symbols, so the words and symbols are CLDR's, not a table of our own.
"""
from __future__ import annotations

from typing import Optional

from babel.numbers import format_compact_decimal, format_decimal, get_currency_symbol

LOCALE = "en"
# From a million up the amount is said in words (52 billion); below it, every digit is shown
COMPACT_FROM = 1_000_000
FRACTION_DIGITS = 2  # $52.35 billion: the exact figure is in the cell's title


def currency_symbol(currency: Optional[str]) -> str:
    """$, €, ¥, ₩, CN¥ for codes that have one in English; the code itself otherwise (CHF)."""
    if not currency:
        return ""
    return get_currency_symbol(currency.upper(), locale=LOCALE)


def format_amount(amount: Optional[float], currency: Optional[str] = None) -> Optional[str]:
    """`$52 billion` for (52000000000, USD); `CHF 3 million` when the currency has no symbol;
    the number alone without a currency; None without an amount."""
    if amount is None:
        return None
    if abs(amount) >= COMPACT_FROM:
        number = format_compact_decimal(amount, format_type="long", locale=LOCALE, fraction_digits=FRACTION_DIGITS)
    else:
        number = format_decimal(amount, locale=LOCALE)
    symbol = currency_symbol(currency)
    if not symbol:
        return number
    # a symbol sits against the digits ($52 billion); a code is a word of its own (CHF 3 million)
    return f"{symbol}{number}" if symbol != currency.upper() else f"{symbol} {number}"


def format_exact(amount: Optional[float], currency: Optional[str] = None) -> Optional[str]:
    """Every digit, with the ISO code: `USD 52,000,000,000` (for titles and tooltips)."""
    if amount is None:
        return None
    return f"{(currency or '').upper()} {format_decimal(amount, locale=LOCALE)}".strip()
