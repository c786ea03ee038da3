"""Canonical names for entity mentions.

A mention's surface form is trimmed (determiners, possessives, dangling function words), then
resolved, in order:
1. acronyms the document defines, in the text (`Ministry of Science and ICT (MSIT)`, found with the
   Schwartz–Hearst algorithm) or in an abbreviation table, resolve to their long form, and the long
   form with a national qualifier (`ROK Ministry of Science and ICT`) to the same name;
2. the alias table (data/aliases.json: countries and other names with many forms), so `U.S.`,
   `America` and `United States` are one entity; it applies to long forms too (`PRC` -> `People's
   Republic of China` -> `China`).
Acronyms whose long form is a common-noun phrase (`quantum key distribution (QKD)`) name topics, not
actors: their mentions get the label TOPIC.
"""
from __future__ import annotations

import functools
import json
import pathlib
import re
from typing import Optional

ALIASES_FILE = pathlib.Path(__file__).parents[1] / "data" / "aliases.json"
TOPICS_FILE = pathlib.Path(__file__).parents[1] / "data" / "topics.txt"
# Labels that name actors or things a claim can be about; numbers and dates have their own tables.
MENTION_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART"}
# Labels of those who do, say, pledge or sign things (claims' actors and speakers, facts' actors).
ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
TOPIC = "TOPIC"
# Last words of job titles, which the small model tags ORG (`National Security Advisor Jake Sullivan`).
TITLE_WORDS = {"advisor", "adviser", "director", "secretary", "officer", "minister", "envoy", "ambassador",
               "president", "chair", "chairman", "chairwoman", "spokesperson", "spokesman", "spokeswoman",
               "commissioner", "administrator", "governor", "senator", "undersecretary", "deputy"}
LEADING_DETERMINERS = re.compile(r"^(the|The|a|an|An|A|this|This|these|These)\s+")
POSSESSIVE = re.compile(r"(['’]s|['’])$")
FUNCTION_WORDS = {"the", "a", "an", "and", "of", "for", "on", "in", "to", "by", "with", "at", "or"}
TRAILING_FUNCTION_WORDS = re.compile(r"(\s+(on|of|for|and|the|in|at|to|with|by|&))+$")
# Characters before `(ACR)` searched for its long form: a long form is a phrase, not a paragraph.
LONG_FORM_WINDOW = 200
PAREN_ACRONYM = re.compile(r"\(\s*(?P<short>[A-Za-z][\w&./-]{0,9}[A-Za-z0-9])\s*\)")
# Words that may stand before a name without being part of it: `ROK Ministry ...`, `US National ...`.
QUALIFIERS = [r"U\.S\.", "US", "USA", "ROK", "PRC", "UK", "EU", "Korean", "Japanese", "American", "Chinese",
              "South Korean", "White House", "federal", "Federal"]
QUALIFIER_PREFIX = re.compile(r"^((the|The)\s+)?((" + "|".join(QUALIFIERS) + r")\s+)+")


@functools.lru_cache(maxsize=1)
def alias_table() -> dict[str, str]:
    data = json.loads(ALIASES_FILE.read_text(encoding="utf-8"))
    table = {}
    for canonical, forms in data.items():
        if canonical.startswith("_"):
            continue
        for form in forms + [canonical]:
            table[form] = canonical
    return table


@functools.lru_cache(maxsize=1)
def topic_table() -> tuple[frozenset, dict]:
    """(acronyms, lower-cased long forms -> themselves) of fields and technologies (data/topics.txt)."""
    lines = [line.strip() for line in TOPICS_FILE.read_text(encoding="utf-8").splitlines()]
    names = [line for line in lines if line and not line.startswith("#")]
    acronyms = frozenset(n for n in names if n.upper() == n)
    return acronyms, {n.lower(): n for n in names if n.upper() != n}


def trim_mention(text: str) -> tuple[int, int]:
    """Offsets (relative to text) of the name inside a mention: `the University of Chicago` ->
    `University of Chicago`, `Japan’s` -> `Japan`, `the Tokyo Statement on` -> `Tokyo Statement`."""
    start, end = 0, len(text.rstrip(" ([{,;:-–—"))
    match = LEADING_DETERMINERS.match(text)
    if match and end - match.end() > 1:
        start = match.end()
    match = TRAILING_FUNCTION_WORDS.search(text[start:end])
    if match and match.start() > 0:
        end = start + match.start()
        end = start + len(text[start:end].rstrip(" ([{,;:-–—"))
    match = POSSESSIVE.search(text[start:end])
    if match and end - start - len(match.group()) > 1:
        end -= len(match.group())
    return start, end


def schwartz_hearst(short: str, long: str) -> str | None:
    """The long form of `short` at the end of `long` (Schwartz & Hearst 2003), or None.

    Every letter/digit of the short form must appear, in order, in the long form; its first one must
    start a word of the long form. Unlike the original, a long form may not start on a function word
    (`of Science and Technology Policy` for OSTP): the search goes on leftwards.
    """
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    i = len(long) - 1
    for c in reversed(chars[1:]):
        while i >= 0 and long[i].lower() != c:
            i -= 1
        if i < 0:
            return None
        i -= 1
    while i >= 0:
        if long[i].lower() == chars[0] and (i == 0 or not long[i - 1].isalnum()):
            found = long[i:].strip()
            words = found.split()
            if words[0].lower() not in FUNCTION_WORDS:
                return found if len(words) <= len(short) + 5 else None
        i -= 1
    return None


def find_acronyms(text: str) -> dict[str, str]:
    """Acronyms a text defines as `long form (ACR)`, proper names and common-noun phrases alike."""
    found: dict[str, str] = {}
    for match in PAREN_ACRONYM.finditer(text):
        short = match.group("short")
        if not any(c.isupper() for c in short) or short.lower() == short or len(short) < 2:
            continue
        before = text[max(0, match.start() - LONG_FORM_WINDOW):match.start()]
        before = re.split(r"[.;:()\[\]“”\"]", before)[-1].rstrip(" ,")
        words = before.split()
        window = " ".join(words[-min(len(short) + 5, 2 * len(short) + 1):])
        long = schwartz_hearst(short, window)
        if not long:
            continue
        # A long form the text also writes in lower case is a common-noun phrase (a topic).
        if long.lower() != long and occurs_as_words(long.lower(), text):
            long = long.lower()
        if short not in found or (is_topic(long) and not is_topic(found[short])):
            found[short] = long
    return found


def is_topic(long_form: str) -> bool:
    """A long form in lower case (`quantum key distribution`) names a topic, not an actor."""
    return long_form[:1].islower()


class Acronyms(dict):
    """A document's acronyms (short -> long form), with the lookups canonical_name needs made once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_forms = {v for v in self.values() if not is_topic(v)}
        self.topic_forms = {v.lower(): v for v in self.values() if is_topic(v)}


def canonical_name(text: str, label: str, acronyms: dict[str, str] | None = None) -> tuple[str, str]:
    """(canonical name, label) for a trimmed mention; `acronyms` are the document's (an Acronyms, or a
    plain dict for a one-off lookup)."""
    text = re.sub(r"\s+", " ", text).strip()
    table = alias_table()
    acronyms = acronyms if isinstance(acronyms, Acronyms) else Acronyms(acronyms or {})
    topic_acronyms, topic_names = topic_table()
    if text in acronyms:
        long = acronyms[text]
        if is_topic(long) or text in topic_acronyms or long.lower() in topic_names:
            return long.lower(), TOPIC
        return table.get(long, long), label
    if text in topic_acronyms or text.lower() in topic_names:
        return text if text in topic_acronyms else text.lower(), TOPIC
    if text in table:
        return table[text], label
    match = QUALIFIER_PREFIX.match(text)
    if match and text[match.end():] in acronyms.name_forms:
        return text[match.end():], label
    if text.lower() in acronyms.topic_forms:
        return acronyms.topic_forms[text.lower()], TOPIC
    return text, label


def is_not_a_name(text: str, document_text: str) -> bool:
    """Mentions the small model tags that name nothing: all lower case (`quantum computing`), a job
    title (`National Security Advisor`, `Chief Technology Officer`), or one word the document also
    writes in lower case (`Quantum` opening a sentence, `Perspective`)."""
    if not any(c.isupper() or c.isdigit() for c in text):
        return True
    if text.split()[-1].lower() in TITLE_WORDS:
        return True
    if " " in text or not text[:1].isupper() or text.isupper():
        return False
    if WORD_RUN.fullmatch(text):
        return text.lower() in _words_of(document_text)
    return occurs_as_words(text.lower(), document_text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def occurs_as_words(phrase: str, text: str) -> bool:
    """`phrase` occurs in `text` with no word character or hyphen right before or after it (the
    regex `(?<![\\w-])phrase(?![\\w-])`, found with str.find: a regex with a look-behind scans the
    whole text character by character, once per mention, which made long documents quadratic)."""
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if (start == 0 or not _is_word_char(text[start - 1])) and (end == len(text) or not _is_word_char(text[end])):
            return True
        start = text.find(phrase, start + 1)
    return False


WORD_RUN = re.compile(r"[\w-]+")


@functools.lru_cache(maxsize=4)
def _words_of(text: str) -> frozenset:
    """Every maximal run of word characters and hyphens in a document: a one-word mention occurs as a
    word exactly when it is one of them."""
    return frozenset(WORD_RUN.findall(text))


def qualified_base(name: str) -> Optional[str]:
    """The name a national qualifier stands in front of (`US National Science Foundation` ->
    `National Science Foundation`), None when none does."""
    match = QUALIFIER_PREFIX.match(name)
    return name[match.end():] if match and match.end() < len(name) else None


def merge_variants(names: set[str]) -> dict[str, str]:
    """Across documents: a name that is another name with a national qualifier in front
    (`White House Office of Science and Technology Policy`, `US National Science Foundation`) is
    that other name. Returns {variant: name}."""
    merged = {}
    for name in names:
        base = qualified_base(name)
        if base is not None and base in names:
            merged[name] = base
    return merged
