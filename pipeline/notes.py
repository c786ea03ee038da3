"""Notes and bibliography: parse note and bibliography paragraphs and link each note to the works it
cites.

A note cites a work when the note names the work's author (either `Surname, First` or
`First Surname` order) and most of the words of its title; a note that carries its own URL is its
own bibliography entry.
"""
from __future__ import annotations

import re

from .types import BibEntry, CleanDocument, Note

URL = re.compile(r"<(https?://[^>\s]+)>|(?<![<\w])(https?://[^\s<>]+[^\s<>.,;)])")
STOPWORDS = set("""a an and the of for to in on at by with from as is are be or not its their our this that
these those into over under between about et al vol no pp webpage undated homepage fact sheet press release
january february march april may june july august september october november december""".split())
TITLE = re.compile(r"[“\"]([^”\"]{6,})[”\"]")
MATCH_THRESHOLD = 0.6


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in STOPWORDS}


def find_url(text: str):
    match = URL.search(text)
    if not match:
        return None
    return (match.group(1) or match.group(2)).rstrip(".")


def parse_notes(clean: CleanDocument) -> tuple[list[Note], list[BibEntry], list[tuple[int, int]]]:
    labels = {m.paragraph: m.number for m in clean.markers if m.role == "label"}
    notes, bibliography, links = [], [], []
    for para in clean.paragraphs:
        if para.kind == "note" and labels.get(para.seq) is not None:
            notes.append(Note(labels[para.seq], para.start, para.end, para.text))
        elif para.kind == "bibliography" and words(para.text):
            bibliography.append(BibEntry(para.start, para.end, para.text, find_url(para.text)))
    heads = [_head(entry.text) for entry in bibliography]
    for n, note in enumerate(notes):
        for segment in re.split(r";\s+", note.text):
            best = _best_entry(segment, heads)
            if best is not None and (n, best) not in links:
                links.append((n, best))
        url = find_url(note.text)
        if url:
            bibliography.append(BibEntry(note.start, note.end, note.text, url))
            links.append((n, len(bibliography) - 1))
            heads.append(("", set()))
    return notes, bibliography, links


def _head(entry: str) -> tuple[str, set[str]]:
    """(author surname, title words) of a bibliography entry: `Surname, First, "Title," ...`."""
    author = entry.split(",", 1)[0].strip().lower()
    match = TITLE.search(entry)
    title = match.group(1) if match else re.split(r"\. As of|<|https?://", entry)[0]
    return author, words(title)


def _best_entry(segment: str, heads) -> int | None:
    seg_words = words(segment)
    match = TITLE.search(segment)
    title_words = words(match.group(1)) if match else seg_words
    best, best_score = None, 0.0
    for index, (author, entry_words) in enumerate(heads):
        if not entry_words or not title_words:
            continue
        surname_ok = bool(words(author) & seg_words)
        score = len(title_words & entry_words) / len(title_words)
        if surname_ok and score >= MATCH_THRESHOLD and score > best_score:
            best, best_score = index, score
    return best
