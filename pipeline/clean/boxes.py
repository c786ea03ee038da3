"""Word boxes: each word a PDF page shows (its text layer's or OCR's, RawDocument.words) tied to
the span of documents.text it became (types.WordBox), so a claim can be shown on its page.

Cleaning changes the words (a line-end hyphen dropped, `manu-` `facturing` one word; a marker
detached from `decade.¹`; paragraphs cut by a page break joined), so a word is not found by its
offset but by matching: page by page, the words in the order the reader laid the page out against
the tokens of the text on that page, compared by their letters and digits alone (difflib finds the
longest common runs). A run of words the text joined into fewer tokens (a hyphenated word) is
matched letter by letter, each word given its part of the token. A word matched nowhere (a running
head the text moved, OCR noise) has no box.
"""
from __future__ import annotations

import bisect
import difflib
import re
from collections import defaultdict

from ..types import CleanDocument, PageWord, WordBox

TOKEN = re.compile(r"\S+")
# Pages with more words than this are matched with difflib's junk heuristic on (a page of tens of
# thousands of repeated short words would otherwise take quadratic time).
AUTOJUNK_WORDS = 5000


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() and not "⁰" <= ch <= "⁹" and ch not in "¹²³")


def _page_tokens(doc: CleanDocument) -> dict[int, list[tuple[int, int, str]]]:
    """page -> (start, end, key) of the text's tokens on that page, in text order."""
    out: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for para in doc.paragraphs:
        if para.page is None:
            continue
        breaks = [(para.start, para.page)] + list(para.page_breaks)
        starts = [offset for offset, _ in breaks]
        for match in TOKEN.finditer(doc.text, para.start, para.end):
            page = breaks[bisect.bisect_right(starts, match.start()) - 1][1]
            key = _key(match.group())
            if key:
                out[page].append((match.start(), match.end(), key))
    return out


def align_boxes(doc: CleanDocument, words: list[PageWord]) -> list[WordBox]:
    """The WordBoxes of the words found in the document's text, in text order."""
    if not words:
        return []
    tokens_of = _page_tokens(doc)
    by_page: dict[int, list[PageWord]] = defaultdict(list)
    for word in words:
        if _key(word.text):
            by_page[word.page].append(word)
    boxes: list[WordBox] = []
    for page, page_words in by_page.items():
        tokens = tokens_of.get(page, [])
        if tokens:
            boxes += _align_page(doc.text, page, page_words, tokens)
    boxes.sort(key=lambda b: (b.start, b.end))
    for box in boxes:
        del box.word  # type: ignore[attr-defined]
    return boxes


def _box(word: PageWord, start: int, end: int) -> WordBox:
    box = WordBox(word.page, start, end, word.x0, word.top, word.x1, word.bottom, word.confidence)
    box.word = word  # type: ignore[attr-defined]  (read by _align_page, dropped by align_boxes)
    return box


def _align_page(text: str, page: int, words: list[PageWord], tokens, again: bool = True) -> list[WordBox]:
    """Boxes of the page's words matched to its tokens; the words and tokens left over are matched
    once more among themselves (a running head the text put after a paragraph's continuation)."""
    keys = [_key(w.text) for w in words]
    token_keys = [key for _, _, key in tokens]
    matcher = difflib.SequenceMatcher(a=keys, b=token_keys, autojunk=len(keys) > AUTOJUNK_WORDS)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [_box(words[i], tokens[j][0], tokens[j][1]) for i, j in zip(range(i1, i2), range(j1, j2))]
        elif op == "replace":
            out += _align_letters(text, words[i1:i2], keys[i1:i2], tokens[j1:j2])
    if again and len(out) < len(words):
        used_words, used_tokens = {id(b.word) for b in out}, {b.start for b in out}
        rest_words = [w for w in words if id(w) not in used_words]
        rest_tokens = [t for t in tokens if t[0] not in used_tokens]
        if rest_words and rest_tokens:
            out += _align_page(text, page, rest_words, rest_tokens, again=False)
    return out


def _align_letters(text: str, words, keys, tokens) -> list[WordBox]:
    """Words and tokens with the same letters in all (`manu-` `facturing` / `manufacturing`): each
    word the span of its letters. Anything else is left unmatched."""
    if len(words) > 50 or "".join(keys) != "".join(k for _, _, k in tokens):
        return []
    # offsets in the text of each letter of the tokens' keys
    places = []
    for start, end, _ in tokens:
        places += [start + i for i, ch in enumerate(text[start:end]) if _key(ch)]
    out, pos = [], 0
    for word, key in zip(words, keys):
        first, last = places[pos], places[pos + len(key) - 1]
        out.append(_box(word, first, last + 1))
        pos += len(key)
    return out
