"""Notes and bibliography: parse note and bibliography paragraphs and link each note to the works it
cites.

A note is cut into citations (at semicolons and sentence ends outside quotation marks). A citation
cites a bibliography entry when it names the entry's author (in either `Surname, First` or `First
Surname` order, or through a `NSA—See National Security Agency` cross-reference) and carries the
entry's title: its quoted title, or, for titles that were italic and lost their markup, most of the
citation's words are in the entry's head. `Ibid.` cites what the previous note cited. A citation
with its own URL that matches no entry is its own bibliography entry; so is a complete reference
(author, title, year) in a document that has no bibliography section.
"""
from __future__ import annotations

import re

from ..types import BibEntry, CleanDocument, Note

URL = re.compile(r"<(https?://[^>\s]+)>|(?<![<\w])(https?://[^\s<>]+[^\s<>.,;)])")
STOPWORDS = set("""a an and the of for to in on at by with from as is are be or not its their our this that
these those into over under between about et al vol no pp webpage undated homepage fact sheet press release
see also january february march april may june july august september october november december""".split())
QUOTED = re.compile(r"[“\"]([^”\"]{4,}?)[,.]?[”\"]")
# `DARPA—See Defense Advanced Research Projects Agency.`: not a work, a pointer to one.
CROSS_REFERENCE = re.compile(r"^(?P<alias>[^,.—–]{2,60}?)\s*(?:—|–|-{1,2}|,)\s*[Ss]ee\s+(?P<target>[^.]{3,120})\.?$")
PARENTHESIS = re.compile(r"\(([^()]*,[^()]*)\)")
IBID = re.compile(r"^(?:ibid|ibidem|id)\b\.?", re.I)
YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# The opening of a reference: `Author Name,` / `Organisation of Things,` / `“Title`.
CITATION_HEAD = re.compile(r"^(?:[“\"]|(?:[A-Z][\w.'’&-]*|of|and|for|the|on|et al\.)(?:\s+(?:[A-Z][\w.'’&-]*|of|and|for|the|on|et al\.))*,)")
# Tokens whose period does not end a sentence inside a note.
NO_SENTENCE_END = set("al jr sr vol no nos pp p ed eds inc co corp ltd st dr mr ms mrs prof gen rev fig".split())
QUOTED_TITLE_MATCH = 0.8  # Dice overlap of a citation's quoted title and an entry's
TITLE_COVERAGE = 0.8  # share of an entry's quoted title found in the citation
HEAD_COVERAGE = 0.75  # share of the citation's words found in the head of an entry with no quoted title
DISTINCT_TITLE_WORDS = 4  # a quoted title this long identifies a work even when the author is spelled otherwise


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in STOPWORDS}


def find_urls(text: str) -> list[str]:
    return [(m.group(1) or m.group(2)).rstrip(".") for m in URL.finditer(text)]


def find_url(text: str):
    """The first URL of the text, or None."""
    urls = find_urls(text)
    return urls[0] if urls else None


def parse_notes(clean: CleanDocument) -> tuple[list[Note], list[BibEntry], list[tuple[int, int]]]:
    labels = {m.paragraph: m.number for m in clean.markers if m.role == "label"}
    notes, bibliography, aliases = [], [], {}
    for para in clean.paragraphs:
        if para.kind == "note" and labels.get(para.seq) is not None:
            notes.append(Note(labels[para.seq], para.start, para.end, para.text))
        elif para.kind == "bibliography" and words(para.text):
            ref = CROSS_REFERENCE.match(para.text)
            if ref and not URL.search(para.text):
                aliases[ref.group("alias").strip().lower()] = ref.group("target").strip()
            else:
                bibliography.append(BibEntry(para.start, para.end, para.text, find_url(para.text)))
    has_bibliography = bool(bibliography)
    works = [Work.of(entry.text) for entry in bibliography]
    by_url = {entry.url: i for i, entry in enumerate(bibliography) if entry.url}
    links: list[tuple[int, int]] = []
    previous: list[int] = []
    for n, note in enumerate(notes):
        cited: list[int] = []
        spans = split_citations(note.text)
        for k, (start, end) in enumerate(spans):
            segment = note.text[start:end]
            if IBID.match(segment):
                cited += previous
                continue
            best = best_work(expand_alias(segment, aliases), works)
            urls = find_urls(segment)
            if best is None and not urls:
                # A citation in parentheses inside a sentence: `... principles (World Economic Forum,
                # Quantum Computing Governance Principles).`
                for inner in PARENTHESIS.findall(segment):
                    found = best_work(expand_alias(inner, aliases), works)
                    if found is not None:
                        cited.append(found)
            if best is not None:
                if urls and not bibliography[best].url:
                    bibliography[best].url = urls[0]
                cited.append(best)
                continue
            own = urls or ([None] if not has_bibliography and looks_like_reference(segment) else [])
            for url in own:
                index = by_url.get(url) if url else _same_title(works, segment)
                if index is None:
                    # A citation that is only a URL (`...; <https://...>`) takes the one before it along.
                    span_start = spans[k - 1][0] if k and not words(URL.sub("", segment)) else start
                    text = note.text[span_start:end]
                    bibliography.append(BibEntry(note.start + span_start, note.start + end, text, url))
                    works.append(Work.of(text) if url is None else Work("", set(), set()))
                    index = len(bibliography) - 1
                    if url:
                        by_url[url] = index
                cited.append(index)
        previous = list(dict.fromkeys(cited))  # each work once, in citation order
        links += [(n, index) for index in previous]
    return notes, bibliography, links


class Work:
    """What identifies a bibliography entry: author words, quoted title words, head words."""

    def __init__(self, author: str, title: set[str], head: set[str]):
        self.author, self.title, self.head = author, title, head
        self.author_words = words(author)  # read for every citation of every note: computed once

    @classmethod
    def of(cls, entry: str) -> "Work":
        head = re.split(r"\.\s+As of|<|https?://", entry)[0]
        author = "" if entry[:1] in "“\"" else entry.split(",", 1)[0].strip()
        quoted = QUOTED.search(head)
        return cls(author, words(quoted.group(1)) if quoted else set(), words(head))


def best_work(segment: str, works: list[Work]) -> int | None:
    """Index of the work a citation cites, or None."""
    seg_words = words(segment)
    if not seg_words:
        return None
    quoted = QUOTED.search(segment)
    seg_title = words(quoted.group(1)) if quoted else set()
    best, best_score = None, 0.0
    for index, work in enumerate(works):
        author_words = work.author_words
        author_ok = bool(author_words) and author_words <= seg_words
        if work.title and seg_title:
            score = 2 * len(work.title & seg_title) / (len(work.title) + len(seg_title))
            ok = score >= QUOTED_TITLE_MATCH and (author_ok or not work.author
                                                 or (score >= 0.95 and len(work.title) >= DISTINCT_TITLE_WORDS))
        elif work.title:
            score = len(work.title & seg_words) / len(work.title)
            ok = score >= TITLE_COVERAGE and (author_ok or not work.author)
        elif work.head and author_ok and not seg_title:
            score = len(seg_words & work.head) / len(seg_words)
            # More than the author's name must match, unless the citation is the whole head
            # (`Discretion, homepage.`).
            ok = score >= HEAD_COVERAGE and (len(seg_words & work.head) > len(author_words) or seg_words == work.head)
        else:
            continue
        if ok and score > best_score:
            best, best_score = index, score
    return best


def expand_alias(segment: str, aliases: dict[str, str]) -> str:
    """`NSA, “Post-Quantum ...”` -> `National Security Agency, “Post-Quantum ...”` when the
    bibliography says `NSA—See National Security Agency`."""
    head = segment.split(",", 1)[0].strip().lower()
    target = aliases.get(head)
    return target + segment[len(segment.split(",", 1)[0]):] if target else segment


def split_citations(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the citations and sentences of a note: cut at semicolons and sentence
    ends that stand outside quotation marks (`“Entity List; and Addition ...”` is one title)."""
    spans, start, depth = [], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = 0 if depth else 1
        cut = None
        if depth == 0 and ch == ";":
            cut = i + 1
        elif depth == 0 and ch in ".?!" and _sentence_ends(text, i):
            cut = i + 1
            while cut < len(text) and text[cut] in "”\"’)":
                cut += 1
        if cut is not None:
            _add_span(text, start, cut, spans)
            start = i = cut
            continue
        i += 1
    _add_span(text, start, len(text), spans)
    return spans


def _sentence_ends(text: str, i: int) -> bool:
    after = text[i + 1:].lstrip("”\"’)")
    if not after.startswith(" ") or not re.match(r"\s+[A-Z“\"‘(]", after):
        return False
    token = re.search(r"([\w’'-]+)$", text[:i])
    if not token:
        return True
    word = token.group(1)
    if word.lower() in NO_SENTENCE_END:
        return False
    # Initials and dotted abbreviations: `Michael J. D. Vermeer`, `U.S. Department`.
    return not (len(word) <= 2 and word[0].isupper()) and not re.search(r"\.\w$", text[max(0, i - 3):i])


def _add_span(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    lead = re.match(r"(?:[Ss]ee(?: also)?|[Cc]f\.)\s+(?=[A-Z“\"])", text[start:end])
    if lead:
        start += lead.end()
    while end > start and (text[end - 1].isspace() or text[end - 1] == ";"):
        end -= 1
    if end > start:
        spans.append((start, end))


def looks_like_reference(segment: str) -> bool:
    """A complete reference: an author or a quoted title first, a title, a year."""
    if not CITATION_HEAD.match(segment) or not YEAR.search(segment):
        return False
    return bool(QUOTED.search(segment)) or bool(re.search(r"\([^()]*\b(?:1[89]|20)\d\d\)", segment))


def _same_title(works: list[Work], segment: str) -> int | None:
    """A reference with no URL already made an entry from an earlier note (same author and head)."""
    target = words(segment)
    for index, work in enumerate(works):
        if work.head and work.head == target:
            return index
    return None
