"""The language a document is written in, detected cheaply (documents.language).

The pipeline's spaCy model reads English: another language's prose stays prose, but its sentences,
entities and claims may be poor, and documents.language says so. Detection looks at a sample of the
prose: its script first (kana is Japanese, hangul Korean, other Han characters Chinese; Cyrillic, Greek,
Arabic ... narrow the candidates), then the share of its words that are the function words of each
candidate language (jusText's stop lists, the ones trafilatura's own reader uses; for a language other
than English, only the words English's list lacks). No model, no download.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# ISO 639-1 code -> jusText stop list. Languages this pipeline is likely to meet; the others are None.
# (Finnish is left out: its list is mostly English names, `bay`, `jordan`, `davis`.)
STOPLISTS = {
    "en": "English", "pt": "Portuguese", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal", "pl": "Polish",
    "cs": "Czech", "ro": "Romanian", "hu": "Hungarian", "tr": "Turkish", "id": "Indonesian", "ca": "Catalan",
    "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian", "el": "Greek", "ar": "Arabic", "fa": "Persian",
    "he": "Hebrew", "hi": "Hindi", "vi": "Vietnamese",
}
# The script a language is written in, for the stop lists worth trying on a text in that script.
SCRIPT_LANGUAGES = {
    "CYRILLIC": ("ru", "uk", "bg"), "GREEK": ("el",), "ARABIC": ("ar", "fa"), "HEBREW": ("he",),
    "DEVANAGARI": ("hi",),
}
SAMPLE_CHARS = 20_000  # detection reads this much prose at most
# A share of the letters this high in kana / hangul / Han characters names the language by script alone.
KANA_SHARE, HANGUL_SHARE, HAN_SHARE = 0.05, 0.3, 0.3
# Fewer words than this, or a best share of function words below this: no language is named.
MIN_WORDS = 5
MIN_STOPWORD_SHARE = 0.08
# Prose uses many function words; a list of names may hit one of a language's again and again (`Palm Bay`).
MIN_DISTINCT_STOPWORDS = 3


@functools.lru_cache(maxsize=None)
def _stoplist(code: str) -> frozenset:
    import justext

    return frozenset(justext.get_stoplist(STOPLISTS[code]))


@functools.lru_cache(maxsize=None)
def _distinct(code: str) -> frozenset:
    """A stop list without English's words (jusText's lists, made from Wikipedia, hold English words
    and names): what tells that language from English. English's is whole."""
    return _stoplist(code) if code == "en" else _stoplist(code) - _stoplist("en")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (`en`, `pt`, `ja`, ...), None when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    scripts: dict[str, int] = {}
    letters = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0]
            if script in ("HIRAGANA", "KATAKANA"):
                script = "KANA"
            elif script == "CJK":
                script = "HAN"
            scripts[script] = scripts.get(script, 0) + 1
    if not letters:
        return None
    if scripts.get("KANA", 0) >= KANA_SHARE * letters:
        return "ja"
    if scripts.get("HANGUL", 0) >= HANGUL_SHARE * letters:
        return "ko"
    if scripts.get("HAN", 0) >= HAN_SHARE * letters:
        return "zh"
    main_script = max(scripts, key=scripts.get)
    candidates = SCRIPT_LANGUAGES.get(main_script, tuple(code for code in STOPLISTS
                                                         if not any(code in c for c in SCRIPT_LANGUAGES.values())))
    words = [word for word in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", sample.lower()) if len(word) > 1]
    if len(words) < MIN_WORDS:
        return None
    shares = {code: sum(word in _distinct(code) for word in words) / len(words) for code in candidates}
    best = max(shares, key=shares.get)
    distinct = len(set(words) & _distinct(best))
    return best if shares[best] >= MIN_STOPWORD_SHARE and distinct >= MIN_DISTINCT_STOPWORDS else None
