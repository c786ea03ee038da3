"""The data that flows between stages, in one place.

ingest -> RawDocument; clean -> CleanDocument; extract -> DocResult; store writes DocResults.
Every offset in CleanDocument and DocResult is a character offset into CleanDocument.text
(stored as documents.text), end exclusive. Row ids inside a DocResult are local to the document
(list positions); store turns them into database ids.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class Page:
    number: int  # 1-based; text files are one page
    text: str


@dataclass
class PageWord:
    """A word as a PDF page shows it: its box in PDF points from the page's top left (pdfplumber's
    x0/top/x1/bottom) and, for a word read by OCR, Tesseract's confidence (0-1; None: a text layer's)."""
    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: Optional[float] = None


@dataclass
class PageRead:
    """How a PDF page was read: from its text layer ("text"), by OCR ("ocr"), or not at all ("none":
    a scan met with OCR off or Tesseract missing); the mean confidence of its OCR words (0-1), the
    degrees it was turned by to read it (orientation and skew)."""
    page: int
    source: str
    confidence: Optional[float] = None
    n_words: int = 0
    angle: Optional[float] = None


@dataclass
class WordBox:
    """A word of documents.text (start, end) and where it stands on its PDF page (PageWord's box)."""
    page: int
    start: int
    end: int
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: Optional[float] = None


@dataclass
class Metadata:
    title: Optional[str] = None
    author: Optional[str] = None
    publisher: Optional[str] = None
    published: Optional[str] = None  # ISO 8601 at its own granularity
    source_url: Optional[str] = None
    # Where `published` came from: text (the document's own words: a dateline, a copyright line),
    # metadata (a web page's, as its reader found it) or properties (the file's properties: the date a
    # Word document was created, which may be long before or after its publication).
    published_from: Optional[str] = None
    # The language of the document's prose, ISO 639-1 (`en`, `pt`, `ja`), None when clean cannot tell
    # (clean/language.py). The spaCy model reads English: sentences and entities of others may be poor.
    language: Optional[str] = None


@dataclass
class RawDocument:
    path: str  # relative to the project, e.g. raw/x.txt
    sha256: str
    format: str  # txt, md, html, pdf, docx
    pages: list[Page]
    metadata: Metadata = field(default_factory=Metadata)
    # A format-aware reader's layout (PDF, HTML): (page, kind, text), one paragraph per block, the
    # whole document in reading order; lines separated by newlines (table rows: cells by tabs).
    # kind "" lets clean classify the block; any other kind is kept (header, footer, note, table,
    # boilerplate, ...). When blocks are given, clean reads them instead of splitting pages' text.
    blocks: list[tuple[int, str, str]] = field(default_factory=list)
    # Indices of the blocks that end where their column or page ends, the only ones a column or page
    # break can have cut; None when the reader cannot tell (plain text, HTML): clean then decides
    # from the text alone which paragraphs continue.
    open_blocks: Optional[set[int]] = None
    encoding: Optional[str] = None  # how a text file's bytes were decoded (utf-8, windows-1252, utf-16, ...)
    # What the file's own properties say (a Word document's core properties: title, author, created).
    # Unlike `metadata`, the text wins over them: clean takes them only where the text gives nothing
    # (a property is often a template's, or another document's the file was made from).
    properties: Metadata = field(default_factory=Metadata)
    # A PDF's words with their boxes, page by page in the order of each page's text, and how each
    # page was read (its text layer or OCR); `warnings`: what the reader could not read, and why.
    words: list[PageWord] = field(default_factory=list)
    page_reads: list[PageRead] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Paragraph:
    seq: int
    kind: str  # body, heading, list, table, pullquote, note, bibliography, boilerplate, caption, byline,
    # metadata; header and footer (a PDF's running heads and feet, page numbers)
    page: Optional[int]
    start: int
    end: int
    text: str
    # (offset into documents.text, page) wherever the paragraph crosses onto another page
    page_breaks: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Marker:
    """A footnote/endnote marker detached from the text: it sits just before `start`."""
    paragraph: int  # local paragraph index
    start: int
    number: Optional[int]  # None when mangled and not yet resolved
    raw: str
    role: str = "citation"  # citation (in prose) or label (the number opening a note)


@dataclass
class CleanDocument:
    text: str
    paragraphs: list[Paragraph]
    markers: list[Marker] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    boxes: list[WordBox] = field(default_factory=list)  # the words of a PDF's pages (clean/boxes.py)
    page_reads: list[PageRead] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Sentence:
    paragraph: int  # local paragraph index
    page: Optional[int]
    start: int
    end: int
    text: str
    score: Optional[float] = None  # check-worthiness, 0-1 (extract/claims/checkworthy.py)


@dataclass
class Mention:
    sentence: int
    start: int
    end: int
    text: str
    label: str
    name: str  # canonical name, resolved to an entities row by store


@dataclass
class DateRow:
    sentence: Optional[int]
    start: int
    end: int
    text: str
    value: Optional[str]
    granularity: Optional[str]  # year, month, day, decade, ...
    is_relative: bool = False
    value_end: Optional[str] = None  # for ranges: value is the start
    fuzzy: Optional[str] = None  # note of fuzziness: early/mid/late/around
    context: str = "body"  # body, note or bibliography (notes and works cited: no sentence)


@dataclass
class DurationRow:
    """A stretch of time (`five years`, `the next decade`), never a date: extract/durations.py."""
    sentence: Optional[int]
    start: int
    end: int
    text: str
    value: Optional[str]  # ISO 8601 duration: P5Y, P3M, PT2H; X for a count the text leaves open (PXY)
    approximate: bool = False  # `about`, `nearly`, `more than`, `or so`, open counts


@dataclass
class MoneyRow:
    sentence: Optional[int]
    start: int
    end: int
    text: str
    amount: Optional[float]
    currency: Optional[str]
    qualifier: Optional[str] = None
    period: Optional[str] = None
    duration: Optional[int] = None  # the durations row (index in DocResult.durations) its period names


@dataclass
class PercentRow:
    sentence: Optional[int]
    start: int
    end: int
    text: str
    value: Optional[float]  # 22.6 for `22.6 percent`
    unit: str  # percent or percentage points
    value_end: Optional[float] = None  # for ranges (`20–30 percent`): value is the start
    qualifier: Optional[str] = None


@dataclass
class Claim:
    sentence: int
    start: int
    end: int
    text: str
    kind: str
    modality: str
    speaker: Optional[str] = None
    subject: Optional[str] = None
    predicate: Optional[str] = None
    object: Optional[str] = None
    note: Optional[int] = None  # note number (notes.number), resolved by store
    object_head: Optional[str] = None  # lemma of the object's head noun, for grouping claims into facts
    score: Optional[float] = None  # the sentence's check-worthiness, 0-1
    # Notes of the list items that finish the claim's sentence (`... agreements, including` + items)
    list_notes: list[int] = field(default_factory=list)


@dataclass
class Note:
    number: int
    start: int
    end: int
    text: str


@dataclass
class BibEntry:
    start: int
    end: int
    text: str
    url: Optional[str] = None


@dataclass
class Source:
    """What is known of a document's file before extraction (from ingest, or from the parse cache)."""
    path: str
    sha256: str
    format: str
    n_pages: int
    encoding: Optional[str] = None
    paths: Optional[list[str]] = None  # every path with this content (a build knows them all); None: [path]


@dataclass
class DocResult:
    """Everything extracted from one document; what the per-document cache holds."""
    path: str
    sha256: str
    format: str
    n_pages: int
    metadata: Metadata
    text: str
    paragraphs: list[Paragraph]
    markers: list[Marker] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateRow] = field(default_factory=list)
    durations: list[DurationRow] = field(default_factory=list)
    money: list[MoneyRow] = field(default_factory=list)
    percentages: list[PercentRow] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    bibliography: list[BibEntry] = field(default_factory=list)
    note_bibliography: list[tuple[int, int]] = field(default_factory=list)  # (note index, bib index)
    acronyms: dict[str, str] = field(default_factory=dict)  # short -> long form, as the document defines them
    encoding: Optional[str] = None
    # Every path with this content (the same file under several names is one document); path is the first.
    paths: list[str] = field(default_factory=list)
    boxes: list[WordBox] = field(default_factory=list)  # word boxes of a PDF's pages (text layer or OCR)
    page_reads: list[PageRead] = field(default_factory=list)  # how each PDF page was read

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class InputError(Exception):
    """A source file that cannot be read; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
