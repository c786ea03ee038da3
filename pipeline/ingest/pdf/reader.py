"""PDF files through pdfplumber: the page laid out in reading order, as classified blocks.

The only module of the project that imports pdfplumber. For each page:
1. words with their size (pdfplumber splits a word where the size changes, so a superscript `1`
   after `decade.` is a word of its own);
2. running headers and footers (lines in the top or bottom margin that repeat across pages, page
   numbers) taken out as `header` / `footer` blocks; tables (pdfplumber's table finder) taken out as
   `table` blocks, cells separated by tabs, rows by newlines;
3. superscript footnote markers (smaller than their line and raised above its baseline) written as
   Unicode superscript digits after the word they follow, which clean detaches into citation markers;
4. lines grouped by baseline and cut where the gap between words is a gutter; columns found from the
   x positions where consecutive lines all have a gap (never a fixed fraction of the page), and read
   column by column, each column searched for columns of its own, so a sentence never takes words
   from two columns;
5. lines grouped into paragraphs (spacing, indent, short last lines, size or weight changes), and
   footnotes (small type opening with a number at the foot of the page) as `note` blocks.
Lines stay separated by newlines with their line-end hyphens: clean decides, with the whole
document as evidence, which hyphens split a word.
"""
from __future__ import annotations

import bisect
import io
import logging
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from ... import lexicon
from ...types import InputError, Metadata, Page, PageRead, PageWord
from ...lexicon import clean_whitespace
from ..limits import DEFAULT_MAX_PAGE_CHARS, DEFAULT_MAX_PAGES, OcrUnavailable, OverLimit
from . import ocr as ocr_stage

# pdfminer logs a warning for every font with a damaged descriptor; the text still reads, and the
# user cannot act on it, so only its errors are shown.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
MARKER_TEXT = re.compile(r"^\d{1,3}(?:,\d{1,3})*$")
PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
SENTENCE_END = ".!?:;”\"’)"
# Share of the page height at the top and bottom where running headers and footers live, and how
# many rows at each end of a page can be one (a body line near the margin cannot).
MARGIN_BAND = 0.15
MARGIN_ROWS = 3
# A running header/footer repeats on at least this share of the pages (and on two of them at least).
REPEAT_SHARE = 0.4
# A superscript is at most this share of its line's size and raised by this share of its own size.
SUPERSCRIPT_SIZE = 0.85
SUPERSCRIPT_RAISE = 0.15
# A superscript marks the word it touches: at most this many ems from it.
MARKER_REACH_EM = 1.0
# A gap between words of one line wider than this many times the line's size is a gutter (ordinary
# spaces, even stretched in justified text, stay well under one em).
GUTTER_EM = 1.2
# Once a run of rows has a gutter, a row whose gap there is only this many ems wide still belongs to
# the columns (a line ending in a long phone number or URL), not a line across them.
SNUG_GUTTER_EM = 0.8
# A column is at least this many ems wide: a gap after bullets or list numbers (`1.`, `•`) set in a
# hanging indent is no gutter, the list is read row by row.
MIN_COLUMN_EM = 6
# Words closer than this share of their size were split only by a change of size or font (small
# capitals `T` `HE`, an italic title after its quote mark): they are one word.
GLUE_EM = 0.1
# What the layout reads of each word besides its position.
WORD_ATTRS = ["size", "fontname"]
# Fonts of pictures, not letters: their glyphs carry arbitrary codes (WordPerfect's bullet reads `!`,
# Wingdings' `l`), so a lone character set in one is a bullet.
DINGBAT_FONT = re.compile(r"dingbat|wingding|typographicsymbols", re.I)
# A column of this many lines or more can be told justified or ragged right; fewer count as justified.
RAGGED_MIN_LINES = 6
# Lines further apart than this many times the column's usual line pitch start a new paragraph.
PARAGRAPH_PITCH = 1.35
# Footnotes are set smaller than the body: at most this share of the body size.
FOOTNOTE_SIZE = 0.92


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    table: bool = False  # a whole table standing in the flow as one word
    label: bool = False  # opens with a superscript label (a footnote's number)
    # Where the word stands on the PDF page (x0, top, x1, bottom), when not where the layout reads it
    # (an OCRed page turned upright and straightened); Tesseract's confidence (0-1) for OCR words.
    box: Optional[tuple] = None
    confidence: Optional[float] = None


@dataclass
class Line:
    """Words of one line of one column, or a table."""
    words: list[Word]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    text: str
    table: Optional[str] = None
    column: int = 0
    # Consecutive runs of rows without columns form one region, a run with columns its own: a
    # column is (region, column), so a short line is short against its own column's width.
    region: int = 0
    # The line's place inside its column when that column holds columns of its own (a title block
    # over two columns, beside a third column): (region, column, ...) within the column.
    inner: tuple = ()

    @property
    def place(self) -> tuple:
        return (self.region, self.column) + self.inner

    @classmethod
    def of(cls, words: list[Word]) -> "Line":
        bold = sum(len(w.text) for w in words if w.bold) > 0.6 * sum(len(w.text) for w in words)
        text = words[0].text
        for prev, word in zip(words, words[1:]):
            glued = word.x0 - prev.x1 < GLUE_EM * min(prev.size, word.size) and not (prev.table or word.table)
            text += ("" if glued else " ") + word.text
        return cls(words, min(w.x0 for w in words), max(w.x1 for w in words), min(w.top for w in words),
                   max(w.bottom for w in words), _common_size(words), bold, text,
                   table=text if words[0].table else None)

    @property
    def labelled(self) -> bool:
        return self.words[0].label


@dataclass
class PageLayout:
    number: int
    height: float
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    blocks: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind, text, open) in reading order
    # The words of the page in the order of its text (headers, blocks, footers): their boxes.
    header_words: list[Word] = field(default_factory=list)
    footer_words: list[Word] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)


def parse_pdf(data: bytes, rel: str, max_pages: int = DEFAULT_MAX_PAGES, max_page_chars: int = DEFAULT_MAX_PAGE_CHARS,
              ocr: bool = True) -> "PdfRead":
    """Pages (their text in reading order), the info dictionary, the classified blocks, and the
    indices of the blocks that end at the foot of their column (open: a column or page break may
    have cut them) of the PDF file whose bytes are `data` (read once by the caller, which also
    hashed them); the words with their boxes and how each page was read.

    A page with no text layer that shows an image (a scan) is read by OCR (ocr.py) when `ocr` is on
    and Tesseract is installed; otherwise it is left out, and said so (PdfRead.warnings), and a PDF
    all of whose pages are such scans is rejected naming the fix (limits.OcrUnavailable).

    Pages are read one at a time: each page's characters (pdfplumber holds ~2 KB a character)
    are let go once its words are taken, so memory grows with the words of the document, not with
    its characters. A PDF of more than `max_pages` pages, or with a page of more than
    `max_page_chars` characters, is rejected (limits.OverLimit) naming the option that raises the
    limit."""
    _check_bytes(data, rel)
    import pdfplumber

    engine, why_not = ocr_stage.ocr_engine() if ocr else (None, OCR_OFF)
    reads: list[PageRead] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise InputError(rel, "PDF has no pages")
            if len(pdf.pages) > max_pages:
                raise OverLimit(rel, f"PDF has {len(pdf.pages):,} pages, over the limit of {max_pages:,}; not read "
                                     f"(split the file, or raise the limit with --max-pages)")
            raw_pages = []
            for number, page in enumerate(pdf.pages, start=1):
                n_chars = _count_chars(page.layout)
                if n_chars > max_page_chars:
                    raise OverLimit(rel, f"page {number} holds {n_chars:,} characters, over the limit of "
                                         f"{max_page_chars:,} a page; not read (raise the limit with --max-page-chars)")
                read = _read_page(page)
                if not read[0] and read[2][1]:  # no text, an image: a scan
                    if engine is not None:
                        read, page_read = _ocr_page(page, engine, number)
                    else:
                        page_read = PageRead(number, "none")
                else:
                    page_read = PageRead(number, "text", n_words=len(read[0]))
                raw_pages.append(read)
                reads.append(page_read)
                page.close()  # its characters and layout: only the words taken from them are kept
            info = pdf.metadata or {}
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on broken files; pdfplumber wraps them
        raise _read_error(rel, exc) from exc
    unread = [r.page for r in reads if r.source == "none"]
    if not any(words for words, _, _ in raw_pages):
        if unread and len(unread) == len(reads):
            raise OcrUnavailable(rel, f"PDF has no text layer, only images (a scan?); not read: {why_not}")
        if any(r.source == "ocr" for r in reads):
            raise InputError(rel, "PDF has no text layer, only images (a scan?), and OCR found no text in them")
        raise InputError(rel, "PDF has no text on any page")
    warnings = [unread_warning(reads, why_not)] if unread else []
    layouts = lay_out_pages(raw_pages)
    pages, blocks, open_blocks, words = [], [], set(), []
    for layout in layouts:
        page_blocks = ([("header", text, False) for text in layout.header] + layout.blocks
                       + [("footer", text, False) for text in layout.footer])
        open_blocks.update(len(blocks) + i for i, (_, _, is_open) in enumerate(page_blocks) if is_open)
        blocks += [(layout.number, kind, text) for kind, text, _ in page_blocks]
        pages.append(Page(layout.number, "\n\n".join(text for _, text, _ in page_blocks)))
        for word in layout.header_words + layout.words + layout.footer_words:
            x0, top, x1, bottom = word.box or (word.x0, word.top, word.x1, word.bottom)
            words.append(PageWord(layout.number, word.text, round(x0, 2), round(top, 2), round(x1, 2),
                                  round(bottom, 2), None if word.confidence is None else round(word.confidence, 3)))
    # The info dictionary's title and author are the publisher's as a rule (a placeholder, a file
    # name, is left to the text); its dates are the file's: the text's date wins over them.
    metadata = Metadata(title=_pdf_title(info), author=_pdf_info(info, "Author"))
    properties = pdf_properties(info)
    return PdfRead(pages, metadata, blocks, open_blocks, words, reads, warnings, properties)


OCR_OFF = "OCR is off (--no-ocr); build without --no-ocr to read it"


def unread_warning(reads: list[PageRead], why_not: str) -> str:
    """What is said of a PDF some of whose pages are scans left unread (PageRead source none)."""
    unread = [r.page for r in reads if r.source == "none"]
    shown = ", ".join(map(str, unread[:10])) + (", ..." if len(unread) > 10 else "")
    return (f"page{'s' if len(unread) > 1 else ''} {shown} of {len(reads)} "
            f"{'are scans' if len(unread) > 1 else 'is a scan'}, not read: {why_not}")


def why_no_ocr(ocr: bool) -> str:
    """Why scans are not read in this build ("" when they are)."""
    return ocr_stage.ocr_engine()[1] if ocr else OCR_OFF


@dataclass
class PdfRead:
    pages: list[Page]
    metadata: Metadata
    blocks: list[tuple[int, str, str]]
    open_blocks: set[int]
    words: list[PageWord]
    page_reads: list[PageRead]
    warnings: list[str]
    properties: Metadata

    def __iter__(self):  # pages, metadata, blocks, open_blocks = parse_pdf(...), as before
        return iter((self.pages, self.metadata, self.blocks, self.open_blocks))


def _ocr_page(page, engine, number: int):
    """A scanned page read by Tesseract, as _read_page gives a text page: (words, tables, (height,
    n_images)), and how it was read."""
    read = ocr_stage.ocr_pdf_page(page, engine)
    words = [Word(w.text, w.x0, w.x1, w.top, w.bottom, w.size, box=w.box, confidence=w.confidence)
             for w in read.words]
    page_read = PageRead(number, "ocr", None if read.confidence is None else round(read.confidence, 3),
                         len(words), round(read.angle, 2))
    return (words, [], (read.height, len(page.images))), page_read


def _count_chars(layout) -> int:
    """Characters of a page's layout (pdfminer's), those inside figures (form XObjects) included:
    counted before pdfplumber makes a dictionary of each."""
    from pdfminer.layout import LTChar, LTContainer

    n, containers = 0, [layout]
    while containers:
        for obj in containers.pop():
            if isinstance(obj, LTChar):
                n += 1
            elif isinstance(obj, LTContainer):
                containers.append(obj)
    return n


def _check_bytes(data: bytes, rel: str) -> None:
    if not data:
        raise InputError(rel, "empty file")
    if b"%PDF-" not in data[:1024]:
        raise InputError(rel, "not a PDF (no %PDF- header); is the extension right?")
    if b"%%EOF" not in data[-2048:]:
        raise InputError(rel, "PDF is truncated (no %%EOF at its end); download or export it again")


def _read_error(rel: str, exc: Exception) -> InputError:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if name == "PDFPasswordIncorrect":
        return InputError(rel, "PDF is encrypted with a password; decrypt it first (for example qpdf --decrypt)")
    if "Encryption" in name:
        return InputError(rel, f"PDF uses an encryption pdfminer cannot open ({inner}); decrypt it first")
    if name in ("PSEOF",) or "EOF" in str(inner):
        return InputError(rel, f"PDF is truncated or damaged ({name}: {inner}); download or export it again")
    return InputError(rel, f"PDF is corrupt and cannot be read ({name}: {inner})")


def _read_page(page):
    """(words, tables, (height, n_images)) of one pdfplumber page: everything layout needs, read
    once. A page whose text is mostly turned a quarter (a landscape page) is turned back and read
    upright, without its tables; a few turned words on an upright page (a side label) are left out."""
    found = [w for w in page.extract_words(extra_attrs=WORD_ATTRS, keep_blank_chars=False) if w["text"].strip()]
    upright = [w for w in found if w.get("upright", True)]
    turned = len(upright) < len(found) / 2
    if turned:
        found = upright = [w for w in _turned_upright(page) if w["text"].strip()]
    words = [
        Word(_word_text(w), w["x0"], w["x1"], w["top"], w["bottom"], w["size"], "bold" in w["fontname"].lower())
        for w in upright
    ]
    tables = []
    if not turned and (page.lines or page.rects):  # the lines strategy needs ruling
        for table in page.find_tables():
            rows = table.extract()
            cells = [["" if c is None else clean_whitespace(c) for c in row] for row in rows]
            cells = [row for row in cells if any(row)]
            if len(cells) >= 2 and max(len(row) for row in cells) >= 2:
                tables.append((table.bbox, "\n".join("\t".join(row) for row in cells)))
    return words, tables, (page.width if turned else page.height, len(page.images))


def _turned_upright(page) -> list[dict]:
    """The words of a page's turned text, read in the frame where that text stands upright: text
    running down the page (a page turned clockwise) or up it (counter-clockwise)."""
    from pdfplumber.utils import extract_words

    chars = [c for c in page.chars if not c.get("upright", True)]
    down = statistics.median(c["matrix"][1] for c in chars) < 0
    width, height = page.width, page.height
    turned = []
    for c in chars:
        if down:
            box = (c["top"], c["bottom"], width - c["x1"], width - c["x0"])
        else:
            box = (height - c["bottom"], height - c["top"], c["x0"], c["x1"])
        x0, x1, top, bottom = box
        turned.append({**c, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "upright": True})
    return extract_words(turned, extra_attrs=WORD_ATTRS, keep_blank_chars=False)


def _word_text(word: dict) -> str:
    return "•" if len(word["text"]) == 1 and DINGBAT_FONT.search(word["fontname"]) else word["text"]


def lay_out_pages(raw_pages) -> list[PageLayout]:
    """Reading-order blocks of every page; running headers and footers found across pages."""
    body_size = _common_size([w for words, _, _ in raw_pages for w in words])
    pages = []  # (number, height, words outside tables, tables, rows in the margins)
    for number, (words, tables, (height, _)) in enumerate(raw_pages, start=1):
        flow = [w for w in words if not any(_inside(w, bbox) for bbox, _ in tables)]
        pages.append((number, height, flow, tables, words, _band_rows(flow, height)))
    running = _running_lines([band_rows for *_, band_rows in pages])
    layouts = []
    for number, height, flow, tables, words, band_rows in pages:
        layout = PageLayout(number, height)
        flow = _take_running(flow, band_rows, running, layout)
        rows = attach_superscripts(flow)
        rows += [[Word(text, bbox[0], bbox[2], bbox[1], bbox[3], body_size, table=True)] for bbox, text in tables]
        rows.sort(key=lambda row: min(w.top for w in row))
        lines = reading_order(rows, body_size)
        layout.blocks = _blocks(lines, body_size)
        for line in lines:  # the words in the order of the page's blocks; a table's, row by row
            if line.table is None:
                layout.words += line.words
            else:
                bbox = next((bbox for bbox, text in tables if text == line.table), None)
                inside = [w for w in words if bbox is not None and _inside(w, bbox)]
                layout.words += [w for row in _rows(inside) for w in row]
        layouts.append(layout)
    return layouts


def _common_size(words: list[Word]) -> float:
    """The size most of the words' characters are set in (a line's, or the body's over all pages)."""
    sizes = Counter()
    for word in words:
        sizes[round(word.size, 1)] += len(word.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _inside(word: Word, bbox) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


# --- running headers, footers and page numbers ------------------------------------------------

def _band_rows(words: list[Word], height: float):
    """(band, line, edge) of the rows of words in the top and bottom margins of a page: among the
    first and last MARGIN_ROWS rows, those inside the MARGIN_BAND; `edge` is true for the page's
    first and last row, the only places a bare number is a page number (not a footnote's label)."""
    rows = _rows(words)
    out = []
    for i, row in enumerate(rows):
        top, bottom = min(w.top for w in row), max(w.bottom for w in row)
        if i < MARGIN_ROWS and bottom <= height * MARGIN_BAND:
            band = "header"
        elif i >= len(rows) - MARGIN_ROWS and top >= height * (1 - MARGIN_BAND):
            band = "footer"
        else:
            continue
        out.append((band, Line.of(row), i in (0, len(rows) - 1)))
    return out


def _signature(text: str, bold: bool = False) -> str:
    """A running line's letters and weight only, so the page number, its dashes and spacing, and the
    side it is printed on do not count: `Report title | 3`, `- 14 - Report title` and `Report title
    -15-` match; a bold title on page 1 and the plain running head repeating it do not. A line of
    no letters (a bare page number) has none."""
    letters = re.sub(r"[^\w]|[\d_]", "", text.lower())
    return f"{letters}{'+bold' if bold else ''}" if letters else ""


def _running_lines(band_rows_of_pages) -> set[str]:
    """Signatures of the margin lines that repeat across pages (each page's _band_rows given)."""
    counts = Counter()
    for band_rows in band_rows_of_pages:
        counts.update({_signature(line.text, line.bold) for _, line, _ in band_rows})
    needed = max(2, REPEAT_SHARE * len(band_rows_of_pages))
    return {sig for sig, n in counts.items() if n >= needed and sig}


def _take_running(words: list[Word], band_rows, running: set[str], layout: PageLayout) -> list[Word]:
    """Move the page's running header/footer lines and page numbers (among its margin rows,
    `band_rows`) out of the flow of text."""
    taken = set()
    for band, line, edge in band_rows:
        if _signature(line.text, line.bold) in running or (edge and PAGE_NUMBER.match(line.text)):
            (layout.header if band == "header" else layout.footer).append(line.text)
            (layout.header_words if band == "header" else layout.footer_words).extend(line.words)
            taken.update(id(w) for w in line.words)
    return [w for w in words if id(w) not in taken]


# --- rows, superscripts, columns ---------------------------------------------------------------

def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped by baseline (their bottoms agree within a third of their size), top to bottom,
    each row left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if rows and not word.table and not rows[-1][0].table and \
                abs(word.bottom - rows[-1][0].bottom) <= 0.35 * max(word.size, rows[-1][0].size):
            rows[-1].append(word)
        else:
            rows.append([word])
    for row in rows:
        row.sort(key=lambda w: w.x0)
    return rows


def attach_superscripts(words: list[Word]) -> list[list[Word]]:
    """The words in rows (_rows), superscript numbers (smaller than their line, raised above its
    baseline) made Unicode superscripts at the end of the word before them (`decade.¹`), or,
    opening a line, a label before the word after them (`¹ Jane Roe, ...`). Other small numbers
    stay words."""
    candidates = [w for w in words if MARKER_TEXT.match(w.text)]
    if not candidates:
        return _rows(words)
    others = [w for w in words if not MARKER_TEXT.match(w.text)]
    rows = _rows(others)
    index = _RowIndex(rows)
    kept: list[Word] = []
    for cand in candidates:
        k = index.row_of(cand)
        if k is None or not index.is_superscript(cand, k):
            kept.append(cand)
            continue
        mark = cand.text.translate(SUPERSCRIPT)
        # Only a word right beside it: a raised number across a gutter (a check's `XX/100`) marks
        # nothing in the next column.
        reach = MARKER_REACH_EM * index.size[k]
        word = index.ending_in(k, cand.x0 - reach, cand.x0 + 1)
        if word is not None:
            word.text += mark
            continue
        word = index.starting_in(k, cand.x1 - 1, cand.x1 + reach)
        if word is not None:
            word.text = mark + " " + word.text
            if cand.x0 < word.x0:
                word.x0 = cand.x0
                index.moved[k].append(word)
            word.label = True
        else:
            kept.append(cand)
    if kept:  # numbers that stay words take their place among the rows
        return _rows(others + kept)
    for row in rows:  # a label's word now starts where its label did
        row.sort(key=lambda w: w.x0)
    return rows


def _near_row(word: Word, row: list[Word], ends: Optional[list[float]] = None) -> bool:
    """A candidate narrower than three of its ems is near any row it overlaps; a wider one must start
    within three ems of where a word of the row ends. (Written before as the distance to the nearest
    word end with the candidate itself among the words: its own width. Requiring every candidate to
    start near a word's end would lose the labels opening footnotes, which have no word before them.)
    `ends`: the row's word ends sorted, when the caller has them."""
    if word.x1 - word.x0 < 3 * word.size:
        return True
    ends = ends if ends is not None else sorted(w.x1 for w in row)
    pos = bisect.bisect_left(ends, word.x0)  # the nearest end is on one side of it or the other
    return min(abs(ends[p] - word.x0) for p in (pos - 1, pos) if 0 <= p < len(ends)) < 3 * word.size


class _RowIndex:
    """What placing a raised number asks of the rows, computed once and searched by bisection: a
    page of many numbers costs their number times a logarithm, not their number times the rows
    (a 10,000-line page took 13 s here, its 1,000 numbers each measuring every row anew).

    Row k's vertical extent, median size and baseline, its words' right ends sorted, and its words
    in left-to-right order with their starts as they were: a label attached to a word moves that
    word's start left, so the words moved are kept aside (`moved`) and always looked at."""

    def __init__(self, rows: list[list[Word]]):
        self.rows = rows
        self.tops = [min(w.top for w in row) for row in rows]
        bottoms = [max(w.bottom for w in row) for row in rows]
        self.by_bottom = sorted(range(len(rows)), key=lambda k: bottoms[k])
        self.bottoms = [bottoms[k] for k in self.by_bottom]
        self.tallest = max((b - t for t, b in zip(self.tops, bottoms)), default=0.0)
        self.size = [statistics.median(w.size for w in row) for row in rows]
        self.baseline = [statistics.median(w.bottom for w in row) for row in rows]
        self.ends = []  # per row: (x1, position in the row), sorted
        for row in rows:
            self.ends.append(sorted((w.x1, j) for j, w in enumerate(row)))
        self.end_values = [[x1 for x1, _ in ends] for ends in self.ends]
        self.starts = [[w.x0 for w in row] for row in rows]  # rows are sorted by x0 (_rows)
        self.moved: list[list[Word]] = [[] for _ in rows]

    def row_of(self, word: Word) -> Optional[int]:
        """The row the word's middle lies in (from half its size above the row's top to the row's
        bottom) and that it is near, overlapping the word most; the first such row on a tie."""
        middle = (word.top + word.bottom) / 2
        # A row whose bottom is further below than this has its top below middle + size / 2.
        last = middle + 0.5 * word.size + self.tallest
        best, best_overlap = None, 0.0
        for pos in range(bisect.bisect_left(self.bottoms, middle), len(self.bottoms)):
            bottom = self.bottoms[pos]
            if bottom > last:
                break
            k = self.by_bottom[pos]
            top = self.tops[k]
            if top - 0.5 * word.size <= middle <= bottom and self._near(word, k):
                overlap = min(bottom, word.bottom) - max(top, word.top)
                if best is None or overlap > best_overlap or (overlap == best_overlap and k < best):
                    best, best_overlap = k, overlap
        return best

    def _near(self, word: Word, k: int) -> bool:
        return _near_row(word, self.rows[k], self.end_values[k])

    def is_superscript(self, word: Word, k: int) -> bool:
        return word.size <= SUPERSCRIPT_SIZE * self.size[k] and \
            word.bottom < self.baseline[k] - SUPERSCRIPT_RAISE * word.size

    def ending_in(self, k: int, lo: float, hi: float) -> Optional[Word]:
        """The word of row k ending furthest right with its end in [lo, hi] (the first of the row on
        a tie), or None."""
        values = self.end_values[k]
        pos = bisect.bisect_right(values, hi) - 1
        if pos < 0 or values[pos] < lo:
            return None
        return self.rows[k][self.ends[k][bisect.bisect_left(values, values[pos])][1]]

    def starting_in(self, k: int, lo: float, hi: float) -> Optional[Word]:
        """The word of row k starting furthest left with its start in [lo, hi] (the first of the
        row on a tie), or None."""
        row, starts = self.rows[k], self.starts[k]
        found = [j for j in range(bisect.bisect_left(starts, lo), bisect.bisect_right(starts, hi))]
        found += [row.index(w) for w in self.moved[k]]
        found = [j for j in found if lo <= row[j].x0 <= hi]
        return row[min(found, key=lambda j: (row[j].x0, j))] if found else None


def reading_order(rows: list[list[Word]], body_size: float) -> list[Line]:
    """Lines in reading order: runs of rows that share a gutter are read column by column.

    Rows are taken top to bottom. A run of rows stays together while some x-interval at least a
    gutter wide is free of words in every row of the run (the intersection of their gaps): that
    interval is a gutter between columns. A row with words across it (a title, a full-width table)
    ends the run. A gutter counts only when the run has words on both sides of it in four lines or
    more; a run that ends without one gives its last rows, when they fit, to the next run (two
    headings side by side belong to the columns below them, not to the title above).
    Inside a run, columns are read left to right, and each column is read as a page of its own, so
    columns inside a column are found too (an XY cut): a title set over the first two of three
    columns hides their gutter from the run, not from the column under the title.
    """
    if not rows:
        return []
    left = min(w.x0 for row in rows for w in row)
    right = max(w.x1 for row in rows for w in row)
    width = GUTTER_EM * body_size
    gaps_of = [_gaps(row, left, right, width) for row in rows]
    spans = [_RowSpan(row) for row in rows]
    ordered: list[Line] = []
    regions = {"region": 0, "columnar": True}

    def emit(run_rows, run_free):
        lines = _read_run(rows, spans, run_rows, run_free, body_size)
        columnar = any(line.column for line in lines)
        if columnar or regions["columnar"]:
            regions["region"] += 1
        regions["columnar"] = columnar
        for line in lines:
            line.region = regions["region"]
        ordered.extend(lines)

    run: list[int] = []
    free: list[tuple[float, float]] = []
    for i in range(len(rows)):
        if run:
            narrowed = _intersect(free, gaps_of[i], width, (left, right))
            if narrowed:
                run.append(i)
                free = narrowed
                continue
            gutters = _gutters(spans, run, free, body_size)
            if gutters and _clear_of(_gaps(rows[i], left, right, 0), gutters, SNUG_GUTTER_EM * body_size):
                run.append(i)  # set tighter across an established gutter (a long phone number): still columns
                continue
            moved, free_next = [], gaps_of[i]
            if not gutters:
                while run:
                    fit = _intersect(free_next, gaps_of[run[-1]], width, (left, right))
                    if not fit:
                        break
                    moved.insert(0, run.pop())
                    free_next = fit
            if run:
                emit(run, _free_of(run, gaps_of, width, (left, right)) if moved else free)
            run, free = moved + [i], free_next
        else:
            run, free = [i], gaps_of[i]
    emit(run, free)
    return ordered


def _clear_of(gaps, gutters: list[tuple[float, float]], snug: float) -> bool:
    """The row's gaps leave at least `snug` of every gutter free."""
    return all(any(min(hi, g1) - max(lo, g0) >= snug for lo, hi in gaps) for g0, g1 in gutters)


def _gaps(row: list[Word], left: float, right: float, width: float) -> list[tuple[float, float]]:
    """Stretches of the row's width free of words: between words (when at least `width` wide) and
    before its first word and after its last."""
    gaps, x = [], left
    for word in row:
        if word.x0 - x >= width or (x == left and word.x0 > left):
            gaps.append((x, word.x0))
        x = max(x, word.x1)
    if right > x:
        gaps.append((x, right))
    return gaps


def _intersect(a, b, width: float, bounds: tuple[float, float]):
    """Common free stretches at least `width` wide that touch neither side of the text area: a
    stretch open to the margin (a short line's end) is no gutter. Both lists are sorted and do not
    overlap (a row's gaps, or stretches found so far), so one pass over both finds every common
    stretch, in order."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        (a0, a1), (b0, b1) = a[i], b[j]
        lo, hi = max(a0, b0), min(a1, b1)
        if hi - lo >= width and lo > bounds[0] + 0.5 and hi < bounds[1] - 0.5:
            out.append((lo, hi))
        if a1 < b1:
            i += 1
        else:
            j += 1
    return out


def _free_of(run: list[int], gaps_of, width: float, bounds):
    free = gaps_of[run[0]]
    for i in run[1:]:
        free = _intersect(free, gaps_of[i], width, bounds)
    return free


def _gutters(spans: list["_RowSpan"], run: list[int], free, body_size: float) -> list[tuple[float, float]]:
    """The free intervals with words on both sides in four lines or more, and columns at least
    MIN_COLUMN_EM wide on both sides (the width of the words left of the gutter, and of those right
    of it, over the run's rows)."""
    gutters = []
    for g0, g1 in free:
        lines = 0
        left_x0 = right_x0 = math.inf
        left_x1 = right_x1 = -math.inf
        for i in run:
            left = spans[i].ending_by(g0 + 0.5)
            if left is not None:
                lines += 1
                left_x0, left_x1 = min(left_x0, left[0]), max(left_x1, left[1])
            right = spans[i].starting_from(g1 - 0.5)
            if right is not None:
                lines += 1
                right_x0, right_x1 = min(right_x0, right[0]), max(right_x1, right[1])
        extents = [x1 - x0 if x1 >= x0 else 0.0 for x0, x1 in ((left_x0, left_x1), (right_x0, right_x1))]
        if lines >= 4 and min(extents) >= MIN_COLUMN_EM * body_size:
            gutters.append((g0, g1))
    return gutters


class _RowSpan:
    """A row's words as a gutter asks about them, sorted once: by start, with the furthest end of
    the words from each on, and by end, with the leftmost start of the words up to each. So the
    words left or right of a gutter are found by bisection, not by reading the row for every
    gutter (a page of 40 columns read every word 40 times)."""

    __slots__ = ("starts", "reach_from", "ends", "start_upto")

    def __init__(self, row: list[Word]):
        by_start = sorted(row, key=lambda w: w.x0)
        self.starts = [w.x0 for w in by_start]
        self.reach_from = [0.0] * len(by_start)
        reach = -math.inf
        for k in range(len(by_start) - 1, -1, -1):
            reach = max(reach, by_start[k].x1)
            self.reach_from[k] = reach
        by_end = sorted(row, key=lambda w: w.x1)
        self.ends = [w.x1 for w in by_end]
        self.start_upto, start = [], math.inf
        for word in by_end:
            start = min(start, word.x0)
            self.start_upto.append(start)

    def ending_by(self, x: float) -> Optional[tuple[float, float]]:
        """(leftmost start, furthest end) of the words ending at x or before, None if there are none."""
        k = bisect.bisect_right(self.ends, x)
        return (self.start_upto[k - 1], self.ends[k - 1]) if k else None

    def starting_from(self, x: float) -> Optional[tuple[float, float]]:
        """(leftmost start, furthest end) of the words starting at x or after, None if there are none."""
        k = bisect.bisect_left(self.starts, x)
        return (self.starts[k], self.reach_from[k]) if k < len(self.starts) else None


def _read_run(rows, spans, run: list[int], free, body_size: float) -> list[Line]:
    gutters = [(g0 + g1) / 2 for g0, g1 in _gutters(spans, run, free, body_size)]  # ascending
    lines = []
    for i in run:
        pieces: dict[int, list[Word]] = {}
        for word in rows[i]:  # its column: the number of gutters left of its middle
            pieces.setdefault(bisect.bisect_left(gutters, (word.x0 + word.x1) / 2), []).append(word)
        for column, words in pieces.items():
            line = Line.of(words)
            line.column = column
            lines.append(line)
    if not gutters:
        return sorted(lines, key=lambda l: (l.top, l.x0))
    _defer_trailing_lines(lines)
    ordered = []
    for column in sorted({line.column for line in lines}):
        # Each column is narrower than the run (words lie beyond its gutter), so this ends. Its
        # words are grouped in rows again: baselines are compared within the column, not across
        # the page, where a neighbour's line can pull a bullet away from the text it opens.
        column_rows = _rows([w for line in lines if line.column == column for w in line.words])
        column_rows.sort(key=lambda row: min(w.top for w in row))
        for line in reading_order(column_rows, body_size):
            line.inner, line.region, line.column = line.place, 0, column
            ordered.append(line)
    return ordered


def _defer_trailing_lines(lines: list[Line]) -> None:
    """Lines under every column's text and set apart from the first column by a wider space or a
    change of size (footnotes, a heading opening a full-width section) are read after the columns,
    not as the end of the first column."""
    if not any(line.column for line in lines):
        return
    others_bottom = max(line.bottom for line in lines if line.column)
    first = sorted((l for l in lines if l.column == 0), key=lambda l: l.top)
    # Steps smaller than a line are no pitch: a first column holding columns of its own (read
    # again later) interleaves their baselines.
    pitches = [b.top - a.top for a, b in zip(first, first[1:]) if b.top - a.top >= 0.9 * a.size]
    pitch = statistics.median(pitches) if pitches else 0
    for prev, line in zip(first, first[1:]):
        if line.top >= others_bottom and (line.top - prev.top > PARAGRAPH_PITCH * pitch
                                          or abs(line.size - prev.size) > 0.1 * prev.size):
            for later in first[first.index(line):]:
                later.column = max(l.column for l in lines) + 1
            return


# --- paragraphs and footnotes ------------------------------------------------------------------

def _blocks(lines: list[Line], body_size: float) -> list[tuple[str, str, bool]]:
    """Group lines in reading order into paragraphs, (kind, text, open); footnotes at the foot of the
    page as notes. A paragraph is open when no text of the page but tables and footnotes lies below
    it in its column: only there can a column or page break have cut it."""
    paragraphs: list[list[Line]] = []
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:])
               if a.place == b.place and a.table is None and b.table is None and 0 < b.top - a.top < 3 * a.size]
    pitch = statistics.median(pitches) if pitches else 1.2 * body_size
    columns = _columns(lines)
    for line in lines:
        prev = paragraphs[-1][-1] if paragraphs else None
        if prev is None or _starts_paragraph(prev, line, pitch, columns):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    blocks = []
    foot = _footnote_start(paragraphs, body_size)
    flow = [line for para in paragraphs[:foot] for line in para if line.table is None]
    at_foot = iter(_at_column_feet([para[-1] for para in paragraphs if para[0].table is None], flow, columns))
    for i, para in enumerate(paragraphs):
        if para[0].table is not None:
            blocks.append(("table", para[0].table, False))
            continue
        kind = "note" if foot is not None and i >= foot else ""
        blocks.append((kind, "\n".join(line.text for line in para), next(at_foot)))
    return blocks


def _at_column_feet(lasts: list[Line], flow: list[Line], columns: dict[tuple, "Column"]) -> list[bool]:
    """For the last line of each paragraph, whether no other line of the flow lies below it (its top
    under the last line's bottom, less a point) and across its column's width.

    One sweep up the page: the lines below the current threshold are kept in a tree by where they
    start, each node holding the two that reach furthest right, so each paragraph asks "a line
    starting left of my column's right edge and ending right of its left edge?" in a logarithm
    (testing every line for every paragraph took minutes on a page of 40,000 short paragraphs)."""
    starts = sorted({line.x0 for line in flow})
    tree = _ReachTree(len(starts))
    below = sorted(flow, key=lambda line: line.top, reverse=True)
    answers = [True] * len(lasts)
    n = 0
    for q in sorted(range(len(lasts)), key=lambda q: lasts[q].bottom - 1, reverse=True):
        last = lasts[q]
        while n < len(below) and below[n].top > last.bottom - 1:
            tree.add(bisect.bisect_left(starts, below[n].x0), below[n].x1, id(below[n]))
            n += 1
        column = columns[last.place]
        reach = tree.furthest(bisect.bisect_left(starts, column.x1), but=id(last))
        answers[q] = reach is None or reach <= column.x0
    return answers


class _ReachTree:
    """A Fenwick tree over line starts (their rank): the two lines reaching furthest right among
    those starting in a prefix of the ranks."""

    def __init__(self, n: int):
        self.nodes: list[tuple] = [()] * (n + 1)

    @staticmethod
    def _two(items) -> tuple:
        return tuple(sorted(items, key=lambda item: item[0], reverse=True)[:2])

    def add(self, rank: int, x1: float, ident: int) -> None:
        i = rank + 1
        while i < len(self.nodes):
            self.nodes[i] = self._two(self.nodes[i] + ((x1, ident),))
            i += i & -i

    def furthest(self, count: int, but: int) -> Optional[float]:
        """The furthest right end of a line among the first `count` ranks, line `but` left out."""
        best: tuple = ()
        i = count
        while i > 0:
            best = self._two(best + self.nodes[i])
            i -= i & -i
        return next((x1 for x1, ident in best if ident != but), None)


@dataclass
class Column:
    """Where a column's lines start and end, and whether they are justified (most lines reach the
    right edge) or set ragged right, where a short line says nothing about a paragraph's end."""
    x0: float
    x1: float
    justified: bool = True


def _columns(lines: list[Line]) -> dict[tuple, Column]:
    by_place: dict[tuple, list[Line]] = {}
    for line in lines:
        if line.table is None:
            by_place.setdefault(line.place, []).append(line)
    columns = {}
    for place, members in by_place.items():
        column = Column(min(l.x0 for l in members), max(l.x1 for l in members))
        if len(members) >= RAGGED_MIN_LINES:
            full = sum(1 for l in members if l.x1 >= column.x1 - 0.5 * l.size)
            column.justified = full >= 0.5 * len(members)
        columns[place] = column
    return columns


def _starts_paragraph(prev: Line, line: Line, pitch: float, columns: dict[tuple, Column]) -> bool:
    if prev.table is not None or line.table is not None or prev.place != line.place:
        return True
    # The usual pitch of the body, or of this line's own type when it is larger (a title's lines).
    if line.top - prev.top > PARAGRAPH_PITCH * max(pitch, 1.25 * line.size) or line.top < prev.top:
        return True
    if abs(line.size - prev.size) > 0.1 * prev.size:
        return True
    # A change of weight, unless the text runs on across it in one weight: a bold run-in heading
    # (`Tax benefits extended. The following` / `tax benefits were ...`) opens its paragraph.
    if line.bold != prev.bold and prev.words[-1].bold != line.words[0].bold:
        return True
    if lexicon.is_list_item(line.text) or line.labelled:
        return True
    ends_sentence = prev.text.rstrip()[-1:] in SENTENCE_END
    column = columns[prev.place]
    short = column.justified and prev.x1 < column.x1 - 3 * prev.size
    indented = line.x0 > column.x0 + 0.8 * line.size and prev.x0 <= column.x0 + 0.8 * prev.size
    return ends_sentence and (short or indented)


def _footnote_start(paragraphs: list[list[Line]], body_size: float) -> Optional[int]:
    """Index of the first footnote: the trailing paragraphs set smaller than the body, the first of
    them opening with a number (a superscript label or a plain `1` / `1.`)."""
    start = None
    for i in range(len(paragraphs) - 1, -1, -1):
        para = paragraphs[i]
        if para[0].table is not None or para[0].size > FOOTNOTE_SIZE * body_size:
            break
        if para[0].labelled or re.match(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s|^\d{1,3}\.?\s", para[0].text):
            start = i
    return start


# --- metadata ----------------------------------------------------------------------------------

def _pdf_info(info: dict, key: str):
    value = info.get(key)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return value.strip() if isinstance(value, str) and value.strip() else None


# Titles a program writes, not an author: the file's name (`Microsoft Word - draft7.docx`, `report.pdf`).
PLACEHOLDER_TITLE = re.compile(r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b)|\.(?:docx?|pdf|rtf|odt|indd|qxd|tex|dvi|e?ps)$",
                               re.I)
PDF_DATE = re.compile(r"^(?:D:)?(?P<year>(?:19|20)\d\d)(?P<month>0[1-9]|1[0-2])?(?P<day>0[1-9]|[12]\d|3[01])?")


def _pdf_title(info: dict) -> Optional[str]:
    title = _pdf_info(info, "Title")
    return None if title is None or PLACEHOLDER_TITLE.search(title) else title


def pdf_properties(info: dict) -> Metadata:
    """What the info dictionary says that the text overrides (clean/metadata.py): the creation date
    (`D:20200805...` -> 2020-08-05), the publication date only when the text gives none, flagged as
    the properties'."""
    created = _pdf_date(_pdf_info(info, "CreationDate"))
    return Metadata(published=created, published_from="properties" if created else None)


def _pdf_date(value: Optional[str]) -> Optional[str]:
    match = PDF_DATE.match(value or "")
    if not match:
        return None
    return "-".join(part for part in (match.group("year"), match.group("month"),
                                      match.group("month") and match.group("day")) if part)
