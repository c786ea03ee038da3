"""The paragraph being cleaned (Block), shared by the steps of clean."""
from __future__ import annotations


class Block:
    """A paragraph while it is being cleaned: text, markers relative to it, kind, page.

    What the steps of clean hand each other: document.py makes them from the reader's blocks,
    classify.py sets their kind (and a note's label), splits run-in labels off list items and
    returns the new list, rejoin (document.py) appends a paragraph's other half."""

    def __init__(self, text, markers, page, kind=None, is_open=True):
        self.text, self.markers, self.page, self.kind = text, markers, page, kind
        self.given = kind is not None  # its reader said what it is: classify keeps the kind
        self.bullet = self.continues = False
        self.open = is_open  # may continue in a later paragraph (False: its reader saw its column go on)
        self.footnote = kind == "note"  # a reader found it at the foot of its page
        self.label: int | None = None  # a note's number
        self.label_raw: str | None = None
        self.page_breaks: list[tuple[int, int]] = []  # (offset in text, page number)

    def append(self, other: "Block", how: str | None):
        """Append the paragraph's other half; `how` as join_hyphenated says ("", "-" or None)."""
        if how == "":
            self.text = self.text[:-1]
        sep = " " if how is None else ""
        shift = len(self.text) + len(sep)
        self.text = self.text + sep + other.text
        self.markers += [(pos + shift, raw, num) for pos, raw, num in other.markers]
        if other.page != self.page or other.page_breaks:
            self.page_breaks.append((shift, other.page))
        self.page_breaks += [(pos + shift, page) for pos, page in other.page_breaks]
