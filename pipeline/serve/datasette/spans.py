"""Escaped document text with nested highlights and links.

Document text is data, never markup: every character of it goes through markupsafe.escape, and only the
tags built here (mark, a, span with escaped attributes) are live. A document containing <script> shows
the text and runs nothing.

Bidirectional control characters (a right-to-left override, U+202E, shows `pledged $1 million` as
`noillim 1$ degdelp`) are shown as visible markers, `⟨U+202E⟩`, never applied: in text with a title
saying what each is (escape_text), in attributes and everywhere else as plain text (neutralise_bidi,
which the plugin applies to every value Datasette's templates print). The stored text keeps them, so
offsets stay exact.
"""
from __future__ import annotations

import bisect
import dataclasses
import operator
import re
import unicodedata
import urllib.parse

from markupsafe import Markup, escape

# Embeddings and overrides (U+202A-E), isolates (U+2066-9), the implicit marks (LRM, RLM, ALM)
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def bidi_marker(char: str) -> str:
    """The visible stand-in for a bidi control character: ⟨U+202E⟩."""
    return f"\u27e8U+{ord(char):04X}\u27e9"


def neutralise_bidi(value):
    """value with each bidi control replaced by its marker (plain text, so safe in an attribute);
    Markup stays Markup, anything but text is returned as it is."""
    if not isinstance(value, str) or not _BIDI.search(value):
        return value
    text = _BIDI.sub(lambda m: bidi_marker(m.group()), value)
    return Markup(text) if isinstance(value, Markup) else text


def _marker_html(match: re.Match) -> str:
    char = match.group()
    title = (f"U+{ord(char):04X} {unicodedata.name(char)}: an invisible control character that reorders "
             f"the text around it; shown here, not applied (the stored text keeps it)")
    return f'<span class="bidi-control" title="{escape(title)}">{bidi_marker(char)}</span>'


def escape_text(text) -> Markup:
    """text escaped for HTML content, each bidi control shown as a marker with a title. (Markup
    already built gets plain markers: it may hold attributes.)"""
    if isinstance(text, Markup):
        return neutralise_bidi(text)
    escaped = escape(text)
    return Markup(_BIDI.sub(_marker_html, escaped)) if _BIDI.search(escaped) else escaped

# Only these URL schemes become live links; anything else (javascript:, data:, ...) is shown as text
LINK_SCHEMES = ("http", "https")


@dataclasses.dataclass(frozen=True)
class Span:
    """A highlight over text[start:end] (offsets into the same text as the rows: documents.text).
    A span with start == end is an insertion: its element, holding `content`, is placed at start
    (a footnote marker that the cleaning detached from the text)."""
    start: int
    end: int
    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    content: str = ""

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end

    def open(self) -> Markup:
        attrs = "".join(f' {escape(name)}="{escape(neutralise_bidi(value))}"'
                        for name, value in self.attrs if value is not None)
        return Markup(f"<{self.tag}{attrs}>")

    def close(self) -> Markup:
        return Markup(f"</{self.tag}>")


def span(start: int, end: int, tag: str, content: str = "", **attrs) -> Span:
    """Span(start, end, "a", href=...); class_ stands for class."""
    return Span(start, end, tag, tuple((name.rstrip("_"), str(value)) for name, value in attrs.items()
                                       if value is not None), content)


class SortedSpans:
    """Spans sorted by start, to take those starting in one stretch of text (a paragraph) without
    scanning them all: a document page of 8,000 paragraphs and 8,000 claims scanned 64 million.
    The sort is stable, so spans of equal start keep the order given (nested_spans' priority)."""

    def __init__(self, spans: list[Span]):
        self.spans = sorted(spans, key=operator.attrgetter("start"))
        self.starts = [s.start for s in self.spans]

    def starting_in(self, lo: int, hi: int) -> list[Span]:
        """The spans with lo <= start <= hi, in the order given."""
        return self.spans[bisect.bisect_left(self.starts, lo):bisect.bisect_right(self.starts, hi)]


def nested_spans(spans: list[Span], lo: int, hi: int) -> list[Span]:
    """The spans inside [lo, hi) that nest properly, outer first. Given in priority order: of two spans
    that cross, the one met first (by start, longer first, then given order) is kept."""
    candidates = sorted((s for s in spans if lo <= s.start <= s.end <= hi and (s.is_insertion or s.start < hi)),
                        key=lambda s: (s.start, not s.is_insertion, -s.end))
    kept, open_ends = [], []
    for s in candidates:
        while open_ends and open_ends[-1] <= s.start:
            open_ends.pop()
        if open_ends and s.end > open_ends[-1]:
            continue  # crosses an enclosing span
        kept.append(s)
        if not s.is_insertion:
            open_ends.append(s.end)
    return kept


def render_spans(text: str, base: int, spans: list[Span]) -> Markup:
    """text (which starts at offset base) escaped, with the spans that nest properly as live tags."""
    out: list[str] = []
    pos = base
    stack: list[Span] = []

    def emit_to(offset):
        nonlocal pos
        out.append(escape_text(text[pos - base:offset - base]))
        pos = offset

    for s in nested_spans(spans, base, base + len(text)):
        while stack and stack[-1].end <= s.start:
            emit_to(stack[-1].end)
            out.append(stack.pop().close())
        emit_to(s.start)
        out.append(s.open())
        if s.is_insertion:
            out += [escape_text(s.content), s.close()]
        else:
            stack.append(s)
    while stack:
        emit_to(stack[-1].end)
        out.append(stack.pop().close())
    emit_to(base + len(text))
    return Markup("".join(out))


def safe_url(url: str | None) -> str | None:
    """url when it is an http(s) link a reader may follow, else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None
