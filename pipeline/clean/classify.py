"""Paragraph kinds: body, heading, list, table, pullquote, note, bibliography, boilerplate, caption,
byline, metadata; and header, footer (running heads, running feet and page numbers of a PDF, which
the PDF reader recognises from their position and repetition across pages).

Rules look at a paragraph's own shape (length, punctuation, bullets, tabs, cue words) and at the
section it sits in (after a `Notes` heading, after `References`, after `About the Author`).
Word lists are UPPER_CASE constants so they can be tuned without touching the logic.
"""
from __future__ import annotations

import re

from ..lexicon import BULLET, NUMBERED, SHORT_WORDS, classify_by_cues
from .blocks import Block

NOTES_HEADINGS = re.compile(r"^(end ?notes|foot ?notes|notes)$", re.I)
BIBLIOGRAPHY_HEADINGS = re.compile(r"^(references|bibliography|works cited|sources|literature cited)$", re.I)
# Headings after which the rest of a document is about it, not in it (authors, rights, related links);
# regular-expression fragments, matched as the whole heading, case aside.
CLOSING_HEADING_NAMES = [
    r"about (this|the) (author|authors|perspective|report|study|series|paper|brief)", r"about the authors?",
    r"acknowledge?ments?", r"research integrity", r"limited print and electronic distribution rights",
    r"disclaimer", r"copyright", r"about us", r"comments", r"related (articles|stories|content|reading)", r"share this",
    r"more from .*", r"recommended", r"read more",
]
CLOSING_HEADINGS = re.compile(r"^(" + "|".join(CLOSING_HEADING_NAMES) + r")$", re.I)
# Section names that head a part of a document but are never its title.
GENERIC_HEADING_NAMES = [
    "key findings", "summary", "executive summary", "abstract", "introduction", "overview", "background", "contents",
    "table of contents", "highlights", "key points", "key takeaways", "abbreviations", "preface", "foreword",
]
GENERIC_HEADINGS = re.compile(r"^(" + "|".join(GENERIC_HEADING_NAMES) + r")$", re.I)
RUN_IN_LABEL = re.compile(r"^([A-Z][\w&/()'’ -]{1,60}?):\s+(?=\S)")
RUNNING_KINDS = {"header", "footer"}
# Kinds a paragraph cut by a page break may have between its two halves.
SKIPPABLE_BETWEEN_PAGES = {"heading", "table", "pullquote", "caption", "boilerplate", "metadata"} | RUNNING_KINDS
HEADING_MAX_WORDS = 20
# A paragraph ending in one of these ends a sentence or a clause: never a heading. With the full stops,
# commas and marks of Chinese and Japanese (`。`, `、`, `！`, `？`), whose text has no spaces to count words by.
SENTENCE_END_CHARS = ".;,”\"’。．、！？」』"
# A heading ending in a colon is short (`Key findings:`); a longer line ending so introduces a list.
COLON_HEADING_MAX_WORDS = 6
# A run-in label (`Investment Scale:`) is a few words; more before the colon is a sentence.
RUN_IN_LABEL_MAX_WORDS = 6
# A pull quote repeats a phrase of the body; shorter text than this (folded) repeats by chance.
PULL_QUOTE_MIN_CHARS = 20
# Words a heading cannot end on (document.CONTINUATION_WORDS, the words a sentence cannot end on, has more).
HEADING_CANNOT_END = frozenset({"a", "an", "the", "of", "and", "or", "to", "in", "for", "with", "by", "on",
                                "including", "namely", "than", "whether"})


def classify_paragraphs(paras: list[Block]) -> list[Block]:
    """The paragraphs with run-in labels split off list items, each with its .kind (unless a reader
    set it already) and .continues (for notes/bibliography) set."""
    _split_bullets(paras)
    paras = _split_run_in_labels(paras)
    section = "body"
    n = len(paras)
    for i, para in enumerate(paras):
        if para.kind:
            if para.kind == "note" and para.label_raw is None:
                _label_note(para)  # a footnote a PDF reader found at the foot of its page
            continue
        text = para.text
        cue = classify_by_cues(text, i) if section in ("body", "closing") else None
        if cue:
            para.kind = cue
            continue
        if looks_like_heading(text, para.bullet) and (section in ("body", "closing") or is_section_heading(text)):
            if NOTES_HEADINGS.match(text):
                section = "note"
            elif BIBLIOGRAPHY_HEADINGS.match(text):
                section = "bibliography"
            elif CLOSING_HEADINGS.match(text):
                section = "closing"
            elif section == "closing" and i < n / 2:
                section = "body"
            para.kind = "boilerplate" if section == "closing" else "heading"
            continue
        if section == "note":
            para.kind = "note"
            _label_note(para)
            continue
        if section == "bibliography":
            para.kind = "bibliography"
            para.continues = bool(re.match(r"^(<?https?://|www\.|[a-z])", text))
            continue
        para.kind = "boilerplate" if section == "closing" else classify_paragraph(text, para.bullet)
    _absorb_boilerplate_runs(paras)
    return paras


def is_section_heading(text: str) -> bool:
    return any(rx.match(text) for rx in (NOTES_HEADINGS, BIBLIOGRAPHY_HEADINGS, CLOSING_HEADINGS))


def looks_like_heading(text: str, bullet: bool = False) -> bool:
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or "\n" in text or bullet:
        return False
    if text[-1] in SENTENCE_END_CHARS or text[0].islower() or NUMBERED.match(text):
        return False
    # two sentences (`... in quantum. The ...`, `... in December 2019. The ...`): a short paragraph, not a heading
    if re.search(r"(?:[a-z]{2}|\d{4})[.!?] +\S", text):
        return False
    if text.endswith(":") and len(words) > COLON_HEADING_MAX_WORDS:
        return False
    if words[-1].lower() in HEADING_CANNOT_END:
        return False
    return True


def classify_paragraph(text: str, bullet: bool) -> str:
    if "\t" in text or "\n" in text:
        return "table"
    if bullet or NUMBERED.match(text):
        return "list"
    return "body"


def _label_note(para) -> None:
    """The marker (or plain number) opening a note is its label, not a citation."""
    if para.markers and para.markers[0][0] == 0:
        pos, raw, number = para.markers[0]
        para.label = number
        para.label_raw = raw
        para.markers = para.markers[1:]
        para.continues = False
        return
    match = re.match(r"^(\d{1,3})[.)]?\s+(?=\S)", para.text)
    if match:
        para.label = int(match.group(1))
        para.label_raw = match.group(1)
        para.continues = False
        return
    para.continues = True


def _split_bullets(paras) -> None:
    for para in paras:
        match = BULLET.match(para.text)
        if match and not para.kind and para.text[match.end():].strip():  # a bullet alone stays text
            _drop_prefix(para, match.end())
            para.bullet = True


def _split_run_in_labels(paras: list[Block]) -> list[Block]:
    """`- Investment Scale: Over the next ...` -> heading `Investment Scale:` + list item."""
    out = []
    for para in paras:
        match = RUN_IN_LABEL.match(para.text) if para.bullet else None
        if match and len(match.group(1).split()) <= RUN_IN_LABEL_MAX_WORDS and not para.kind:
            out.append(Block(para.text[:match.end()].rstrip(), [], para.page, "heading"))
            _drop_prefix(para, match.end())
        elif para.bullet and not para.kind and RUN_IN_LABEL.match(para.text + " x") and para.text.endswith(":"):
            para.bullet = False  # `- Focus Areas:` alone is a heading
        out.append(para)
    return out


def _drop_prefix(para, n: int) -> None:
    para.text = para.text[n:]
    para.markers = [(pos - n, raw, num) for pos, raw, num in para.markers if pos >= n]


def _absorb_boilerplate_runs(paras) -> None:
    """A short paragraph between two boilerplate paragraphs (sign-up blocks) is boilerplate too, unless
    its reader gave its kind (a web page's main text)."""
    kinds = [p.kind for p in paras]
    before = _nearest_kinds_not_heading(kinds)  # for each paragraph, the kind of the one before it
    after = _nearest_kinds_not_heading(kinds[::-1])[::-1]
    for i, para in enumerate(paras):
        if para.kind not in ("body", "list") or para.given or len(para.text.split()) > SHORT_WORDS:
            continue
        if before[i] == "boilerplate" and after[i] == "boilerplate":
            para.kind = "boilerplate"


def _nearest_kinds_not_heading(kinds: list) -> list:
    """For each position, the last kind before it that is not a heading (None at the start)."""
    out, last = [], None
    for kind in kinds:
        out.append(last)
        if kind != "heading":
            last = kind
    return out


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def mark_pull_quotes(paras) -> None:
    """A short body paragraph whose text also stands inside another paragraph is a pull quote."""
    bodies = [p for p in paras if p.kind in ("body", "list")]
    folded = [_fold(p.text) for p in bodies]
    candidates = [i for i, para in enumerate(bodies)
                  if len(para.text.split()) <= SHORT_WORDS and len(folded[i]) >= PULL_QUOTE_MIN_CHARS]
    if not candidates:
        return
    repeated = _inside_others(folded, {folded[i] for i in candidates})
    for i in candidates:
        if folded[i] in repeated:
            bodies[i].kind = "pullquote"


# _fold's alphabet, numbered from 1 (0 stands past the end of the text) for the suffix sort; 11 characters
# of it fit one 64-bit integer.
FOLDED_ALPHABET = b"\n 0123456789abcdefghijklmnopqrstuvwxyz"
FOLDED_PER_INT = 11


def _inside_others(texts: list[str], needles: set[str]) -> set[str]:
    """The needles (each one of `texts`, as _fold made them) that stand inside a different one of `texts`.

    Comparing each needle with each text is quadratic in the paragraphs. Instead the distinct texts are
    laid end to end and their suffixes sorted (a suffix array, by prefix doubling in numpy: sorted by
    their first 11 characters, then each round by twice as many, until the longest needle is covered):
    the suffixes that start with a needle are neighbours there, so a needle stands elsewhere exactly
    when a suffix next to its own starts with it too."""
    longest_text = max(map(len, texts))
    needles = {needle for needle in needles if len(needle) < longest_text}  # only a longer text holds one
    if not needles:
        return set()
    import numpy as np

    distinct = list(dict.fromkeys(texts))
    joined = "\n".join(distinct) + "\n"  # no needle holds a line break: a match stays in one text
    start, offset = {}, 0
    for text in distinct:
        start[text] = offset
        offset += len(text) + 1
    table = np.zeros(256, np.int64)
    table[np.frombuffer(FOLDED_ALPHABET, np.uint8)] = np.arange(1, len(FOLDED_ALPHABET) + 1)
    codes = table[np.frombuffer(joined.encode("ascii"), np.uint8)]
    n, base = len(codes), len(FOLDED_ALPHABET) + 1
    key = np.zeros(n, np.int64)
    for k in range(FOLDED_PER_INT):  # the first 11 characters of each suffix as one number
        key[:n - k] += codes[k:] * base ** (FOLDED_PER_INT - 1 - k)
    del codes
    order = np.argsort(key, kind="stable")  # stable sorts are the fast ones on these keys
    width, longest = FOLDED_PER_INT, max(map(len, needles))
    while True:
        ordered = key[order]
        steps = np.zeros(n, np.int32)
        np.cumsum(ordered[1:] != ordered[:-1], out=steps[1:])
        del ordered, key
        rank = np.empty(n, np.int32)  # equal ranks: equal first `width` characters
        rank[order] = steps
        del steps
        if width >= longest or rank[order[-1]] == n - 1:
            break
        key = rank.astype(np.int64)
        key *= n + 1
        key[:n - width] += rank[width:] + 1  # the rank of the next `width` characters; 0: past the end
        order = order[np.argsort(key[order], kind="stable")]  # by twice the characters
        width *= 2
    place = np.empty(n, np.int64)
    place[order] = np.arange(n)
    found = set()
    for needle in needles:
        at = int(place[start[needle]])
        if any(0 <= k < n and joined.startswith(needle, int(order[k])) for k in (at - 1, at + 1)):
            found.add(needle)
    return found
