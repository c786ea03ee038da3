"""Canonical names for entity mentions.

A mention's surface form is trimmed (determiners, possessives), then resolved: first through the
alias table (data/aliases.json: countries and other names with many forms), then through acronyms
the document defines (`Ministry of Science and ICT (MSIT)`, an abbreviation table).
"""
from __future__ import annotations

import functools
import json
import pathlib
import re

ALIASES_FILE = pathlib.Path(__file__).parent / "data" / "aliases.json"
# Labels that name actors or things a claim can be about; numbers and dates have their own tables.
MENTION_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART"}
LEADING_DETERMINERS = re.compile(r"^(the|The|a|an|An|A)\s+")
POSSESSIVE = re.compile(r"(['’]s|['’])$")
ACRONYM_DEFINITION = re.compile(r"(?P<long>(?:[A-Z][\w&'’.-]*|and|of|for|the|on|in|&)(?:\s+(?:[A-Z][\w&'’.-]*|and|of|for|the|on|in|&))*)\s+\((?P<short>[A-Z][A-Za-z&-]{1,9})\)")


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


def trim_mention(text: str) -> tuple[int, int]:
    """Offsets (relative to text) of the name inside a mention: `the University of Chicago` ->
    `University of Chicago`, `Japan’s` -> `Japan`."""
    start, end = 0, len(text)
    match = LEADING_DETERMINERS.match(text)
    if match and end - match.end() > 1:
        start = match.end()
    match = POSSESSIVE.search(text[start:end])
    if match and end - start - len(match.group()) > 1:
        end -= len(match.group())
    return start, end


def find_acronyms(text: str) -> dict[str, str]:
    """Acronyms a text defines as `Long Form (ACR)`, when the capitals of the long form fit."""
    found = {}
    for match in ACRONYM_DEFINITION.finditer(text):
        short, words = match.group("short"), match.group("long").split()
        letters = [c for c in short.upper() if c.isalpha()]
        # Walk back from the parenthesis until the long form has as many capitals as the acronym.
        for i in range(len(words) - 1, -1, -1):
            tail = words[i:]
            capitals = sum(1 for w in tail if w[:1].isupper())
            if capitals >= len(letters) - 1 and tail[0][:1].upper() == letters[0] and tail[0][:1].isupper():
                found[short] = " ".join(tail)
                break
    return found


def canonical_name(text: str, label: str, acronyms: dict[str, str] | None = None) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    table = alias_table()
    if text in table:
        return table[text]
    if acronyms and text in acronyms:
        long = acronyms[text]
        return table.get(long, long)
    return text
