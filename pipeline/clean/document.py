"""Stage 2, clean: pure functions from a RawDocument to a CleanDocument.

Cleaning never deletes silently: text that is not prose (headings, notes, boilerplate, ...) stays
in the document as a paragraph of its kind; only markup is removed (escapes, emphasis) and footnote
markers are detached into Marker rows that remember where they were.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..lexicon import NUMBERED, SHORT_WORDS, clean_whitespace, is_list_item
from ..types import CleanDocument, Marker, Paragraph, RawDocument
from . import classify
from . import metadata as docmeta
from .blocks import Block
from .boxes import align_boxes
from .language import detect_language
from .markup import (clean_emphasis, clean_escapes, detach_markers,  # noqa: F401  (the clean stage's names)
                     resolve_mangled_markers)

# A paragraph ending in one of these is complete; anything else may continue after a page break.
TERMINAL_CHARS = ".!?:;”\"’'…)]"
# Words a sentence cannot end on: a paragraph ending on one continues, whatever case follows (those
# a heading cannot end on, and more).
CONTINUATION_WORDS = classify.HEADING_CANNOT_END | {
    "at", "from", "as", "that", "which", "its", "their", "his", "her", "our", "is", "are", "was", "were", "be",
    "than", "into", "between", "such"}
# How many classified-away paragraphs (pull quotes, tables, headings) a page-break join may skip.
JOIN_LOOKAHEAD = 25
FRAGMENT_MIN_WORDS = 5
# Lower-case words (other than NAME_FUNCTION_WORDS) that tell a sentence fragment from a heading.
PROSE_WORDS_MIN = 2
# First parts of compounds that keep their hyphen when a line or page break falls after it
# (`long-` / `term` -> `long-term`); other line-end hyphens split one word (`manu-` / `facturing`).
# Only prefixes that are hardly ever typeset as one word: `semi`, `co`, `non`, `multi` are not here.
HYPHEN_PREFIXES = frozenset("self well ex all quasi long short high low full half cross".split())
# Abbreviations that stand before a name: a paragraph ending on one was cut before the name
# (`... developed by the U.S.` / `National Institute of Standards and Technology (NIST). NIST ...`).
TITLES_BEFORE_NAMES = ("Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Gen.", "Sen.", "Rep.", "Gov.", "St.")
NAME_ABBREVIATIONS = ("U.S.", "U.K.", "E.U.", "U.N.") + TITLES_BEFORE_NAMES
# Lower-case words allowed inside a name (`National Institute of Standards and Technology`).
NAME_FUNCTION_WORDS = frozenset("of and for the on in de la du von van der".split())
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")
# The longest word before a line-end hyphen that join_hyphenated weighs whole: it reads no further back,
# so joining n lines costs O(n). A longer run of word characters is not looked up in the document's
# words (its shape rules read its last MAX_WORD_CHARS characters).
MAX_WORD_CHARS = 256
# The word before a line-end hyphen (`long-term-`), matched backwards from the hyphen in the reversed
# text: anchored at the hyphen, not searched for from every position of the text before it.
HEAD_REVERSED = re.compile(r"-([\w.'’]++(?:-[\w.'’]++)*+)")


def count_words(text: str) -> Counter:
    """Lower-cased words of a document, hyphenated compounds as one word: the evidence
    `join_hyphenated` weighs (`long-term` seen elsewhere keeps its hyphen at a line end)."""
    return Counter(word.lower() for word in WORD_RE.findall(text))


def count_document_words(raw: RawDocument) -> Counter:
    """count_words of a whole document, each word once: a reader's blocks hold the text of its pages
    (a PDF's or web page's page text is its blocks joined), so they are counted instead, not as well."""
    return count_words("\n".join([text for _, _, text in raw.blocks] or [page.text for page in raw.pages]))


def join_hyphenated(left: str, right: str, vocab: Counter | None = None) -> str | None:
    """How a line or page break after a hyphen or dash joins: "" drops the hyphen (one word split by
    the break), "-" keeps it with no space (a real hyphen or dash), None: `left` does not end in one.

    Decided on evidence: the document's own spelling elsewhere (`vocab`), then the shape of the two
    halves (`U.S.-` / `Japan`, `2014-` / `2017`), then HYPHEN_PREFIXES; otherwise the word was split.
    """
    if left.endswith(("–", "—")):
        return "-"
    if not left.endswith("-") or left.endswith(("--", " -")):
        return None
    window = left[-(MAX_WORD_CHARS + 1):]
    head = HEAD_REVERSED.match(window[::-1])
    tail = re.match(r"[\w'’]+", right)
    if not head or not tail:
        return "-"
    first, second = head.group(1)[::-1], tail.group()
    whole = head.end() < len(window) or len(window) == len(left)  # the word starts inside the window
    last_part = first.rsplit("-", 1)[-1]
    if last_part[-1:].isdigit() or second[0].isdigit() or second[0].isupper():
        return "-"
    if "." in last_part or (last_part.isupper() and len(last_part) > 1):
        return "-"
    if vocab and whole:
        joined, hyphenated = (first + second).lower(), (first + "-" + second).lower()
        if vocab[hyphenated] > vocab[joined]:
            return "-"
        if vocab[joined]:
            return ""
    return "-" if last_part.lower() in HYPHEN_PREFIXES else ""


def join_lines(lines: list[str], vocab: Counter | None = None) -> str:
    """Join hard-wrapped lines; a word hyphenated at a line end is rejoined, a real hyphen kept.
    Lines are collected and joined once; join_hyphenated is shown the end of the text so far."""
    parts: list[str] = []
    tail = ""  # the last characters joined so far: more than join_hyphenated reads
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if parts:
            how = join_hyphenated(tail, line, vocab)
            if how == "":
                parts[-1] = parts[-1][:-1]
                tail = tail[:-1]
            elif how is None:
                parts.append(" ")
                tail += " "
        parts.append(line)
        tail = (tail + line)[-(MAX_WORD_CHARS + 2):]
    return "".join(parts)


def split_blocks(text: str, vocab: Counter | None = None) -> list[str]:
    """Split page text into paragraph candidates: blank lines separate; within a block, lines that
    are list items, table rows, or already complete paragraphs are kept apart, hard-wrapped lines
    are joined."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all("\t" in line for line in lines) or len(lines) == 1:
            paragraphs.append("\n".join(lines) if len(lines) > 1 else lines[0])
            continue
        if _is_hard_wrapped(lines):
            paragraphs.append(join_lines(lines, vocab))
            continue
        current: list[str] = []
        for line in lines:
            if "\t" in line:
                if current and not all("\t" in c for c in current):
                    paragraphs.append(join_lines(current, vocab))
                    current = []
                current.append(line)
                continue
            if current and all("\t" in c for c in current):
                paragraphs.append("\n".join(current))
                current = []
            paragraphs.append(line)
        if current:
            paragraphs.append("\n".join(current) if all("\t" in c for c in current) else join_lines(current, vocab))
    return paragraphs


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines of similar width, not list items, most not ending a sentence: one wrapped paragraph."""
    if any(is_list_item(line) for line in lines[1:]):
        return False
    widths = [len(line) for line in lines[:-1]]
    ends = sum(1 for line in lines[:-1] if line.rstrip()[-1:] in ".!?:")
    return max(widths) <= 100 and min(widths) >= 0.6 * max(widths) and ends <= len(widths) // 2


def clean_paragraph_text(text: str) -> tuple[str, list[tuple[int, str, int | None]]]:
    """Markup and whitespace out, markers detached. Table rows keep their line and cell breaks."""
    text = unicodedata.normalize("NFC", text)
    text = clean_escapes(text)
    if "\t" in text:
        text = clean_emphasis("\n".join(re.sub(r"[ ]+", " ", line).strip() for line in text.split("\n")))
    else:  # whitespace first: emphasis may span a line break (`*the quantum\nleap*`)
        text = clean_emphasis(clean_whitespace(text))
    return detach_markers(text)


def clean_document(raw: RawDocument) -> CleanDocument:
    """Turn pages of raw text into classified paragraphs over one cleaned text."""
    vocab = count_document_words(raw)
    paras: list[Block] = []
    for page, kind, text, is_open in iter_raw_paragraphs(raw, vocab):
        cleaned, markers = clean_paragraph_text(text)
        if cleaned:
            paras.append(Block(cleaned, markers, page, kind or None, is_open))
    paras = classify.classify_paragraphs(paras)
    classify.mark_pull_quotes(paras)
    paras = rejoin_split_paragraphs(paras, vocab)
    doc = assemble(paras, raw)
    doc.boxes = align_boxes(doc, raw.words)
    doc.page_reads, doc.warnings = list(raw.page_reads), list(raw.warnings)
    return doc


def iter_raw_paragraphs(raw: RawDocument, vocab: Counter):
    """(page, kind or "", text, open) of each paragraph candidate, in reading order; `open` is false
    when the reader knows the paragraph was not cut by a column or page break (RawDocument.open_blocks).

    A format-aware reader (PDF, HTML) lays the document out as blocks, one paragraph each, lines
    separated by newlines (table rows keep theirs); plain text is split into blocks here.
    """
    if raw.blocks:
        for i, (page, kind, text) in enumerate(raw.blocks):
            is_open = raw.open_blocks is None or i in raw.open_blocks
            yield page, kind, text if kind == "table" else join_lines(text.split("\n"), vocab), is_open
        return
    for page in raw.pages:
        for block in split_blocks(page.text, vocab):
            yield page.number, "", block, True


def rejoin_split_paragraphs(paras: list[Block], vocab: Counter | None = None) -> list[Block]:
    """Rejoin paragraphs cut by a page or column break (possibly with a pull quote, heading, table or
    running header between).

    Body paragraph P continues into a later prose paragraph Q when P does not end a sentence (no
    final punctuation, a line-end hyphen, or an abbreviation that stands before a name followed by
    the rest of the name). Notes and bibliography entries continue into the following paragraph of
    their section that does not start a new entry.
    """
    out: list[Block] = []
    consumed = set()
    for i, para in enumerate(paras):
        if i in consumed:
            continue
        out.append(para)
        while True:
            j = _continuation_of(paras, i, consumed)
            if j is None:
                break
            nxt = paras[j]
            para.append(nxt, join_hyphenated(para.text, nxt.text, vocab))
            consumed.add(j)
    return out


def _continuation_of(paras: list[Block], i: int, consumed: set) -> int | None:
    para = paras[i]
    if para.kind in ("note", "bibliography"):
        j = i + 1
        while j < len(paras) and (j in consumed or paras[j].kind in classify.RUNNING_KINDS):
            j += 1
        if j < len(paras) and paras[j].kind == para.kind and paras[j].continues:
            return j
        return None
    if not para.open:  # its reader saw more of its column below it: nothing cut it
        return None
    cut_before_name = para.text.endswith(NAME_ABBREVIATIONS)
    if para.text[-1:] in TERMINAL_CHARS and not cut_before_name:
        return None
    if para.kind == "heading":
        # A short paragraph cut by a page break looks like a heading until its other half shows up.
        if len(para.text.split()) < FRAGMENT_MIN_WORDS or classify.is_section_heading(para.text):
            return None
        j = _next_prose(paras, i, consumed)
        if j is None or paras[j].bullet or NUMBERED.match(paras[j].text):
            return None
        j = _lower_case_half(paras, j, consumed)
        if paras[j].text[:1].islower() or _unbalanced(para.text):
            para.kind = "body"
            return j
        return None
    if para.kind not in ("body", "list"):
        return None
    j = _next_prose(paras, i, consumed)
    if j is None:
        return None
    nxt = paras[j]
    if nxt.bullet or NUMBERED.match(nxt.text):
        return None
    if cut_before_name:
        return j if para.text.endswith(TITLES_BEFORE_NAMES) or starts_with_name(nxt.text) else None
    last_word = para.text.rsplit(" ", 1)[-1].lower()
    if nxt.text[:1].islower() or last_word in CONTINUATION_WORDS or para.text.endswith("-"):
        return _lower_case_half(paras, j, consumed) if not nxt.text[:1].islower() else j
    # A body paragraph without final punctuation is unfinished, whatever case the next one starts in
    # (`... suggesting that “the United` / `States must be ...`).
    if para.kind == "body" and nxt.kind == "body" and len(para.text.split()) >= FRAGMENT_MIN_WORDS:
        return _lower_case_half(paras, j, consumed)
    return None


def _unbalanced(text: str) -> bool:
    """An opening quotation mark or parenthesis left open: the text stops mid-phrase."""
    return text.count("“") > text.count("”") or text.count("(") > text.count(")")


def _lower_case_half(paras: list[Block], j: int, consumed: set) -> int:
    """The continuation is paragraph j, unless j is a short complete paragraph (a pull quote the
    classifier could not match) and a paragraph starting in lower case follows within reach."""
    k = j
    while k < len(paras) and k - j < JOIN_LOOKAHEAD:
        para = paras[k]
        if k in consumed or para.kind in classify.SKIPPABLE_BETWEEN_PAGES or para.footnote:
            k += 1
            continue
        if para.kind in ("body", "list") and para.text[:1].islower() and k != j:
            return k
        if para.kind != "body" or len(para.text.split()) > SHORT_WORDS or para.text[-1:] not in ".!?”\"’":
            break
        k += 1
    return j


def starts_with_name(text: str) -> bool:
    """True when the text opens with a name standing as a sentence of its own, the tail of a name cut
    from the paragraph before: `National Institute of Standards and Technology (NIST). NIST has ...`.
    A sentence has a verb, and verbs are lower case: a first sentence with no lower-case word but
    NAME_FUNCTION_WORDS is a name."""
    first = re.match(r"(.+?[.!?])(\s|$)", text)
    if not first or not text[:1].isupper():
        return False
    words = re.findall(r"[A-Za-z][\w'’-]*", first.group(1))
    return bool(words) and all(w[0].isupper() or w in NAME_FUNCTION_WORDS for w in words)


def _next_prose(paras: list[Block], i: int, consumed: set) -> int | None:
    """Index of the next body/list paragraph, skipping what a page break may put in between; None
    when what lies between is itself an unfinished paragraph (a long `heading` with no final
    punctuation): the continuation is that one's, the nearer."""
    for j in range(i + 1, min(len(paras), i + 1 + JOIN_LOOKAHEAD)):
        if j in consumed:
            continue
        if paras[j].kind in ("body", "list"):
            return j
        if paras[j].kind not in classify.SKIPPABLE_BETWEEN_PAGES and not paras[j].footnote:
            return None
        if _unfinished_fragment(paras[j]):
            return None
    return None


def _unfinished_fragment(para: Block) -> bool:
    """A paragraph taken for a heading that is the first half of a sentence (`... in December 2019.
    The two countries`): unfinished, long, and written as prose (lower-case words other than the
    function words a title-case heading keeps small, as in `Export Controls on Categories of ...`)."""
    words = para.text.split()
    prose_words = sum(1 for w in words if w[:1].islower() and w not in NAME_FUNCTION_WORDS)
    return (para.kind == "heading" and para.open and para.text[-1:] not in TERMINAL_CHARS
            and len(words) >= FRAGMENT_MIN_WORDS and prose_words >= PROSE_WORDS_MIN
            and not classify.is_section_heading(para.text))


def assemble(paras: list[Block], raw: RawDocument) -> CleanDocument:
    """Lay the paragraphs end to end (blank line between) and make offsets absolute."""
    paragraphs, markers, parts = [], [], []
    offset = 0
    # Citation markers and note labels are two numbered sequences; a mangled one is resolved
    # from its neighbours in its own sequence.
    citations = iter(resolve_mangled_markers([num for para in paras for (_, _, num) in para.markers]))
    labels = iter(resolve_mangled_markers([para.label for para in paras if para.label_raw]))
    for seq, para in enumerate(paras):
        if parts:
            parts.append("\n\n")
            offset += 2
        parts.append(para.text)
        paragraphs.append(Paragraph(seq, para.kind, para.page, offset, offset + len(para.text), para.text))
        if para.label_raw:
            markers.append(Marker(seq, offset, next(labels), para.label_raw, role="label"))
        for pos, raw_marker, _ in para.markers:
            markers.append(Marker(seq, offset + pos, next(citations), raw_marker))
        paragraphs[-1].page_breaks = [(offset + pos, page) for pos, page in para.page_breaks]
        offset += len(para.text)
    text = "".join(parts)
    metadata = docmeta.extract_metadata(paragraphs, raw.metadata, raw.properties)
    # The prose's own words first; what the reader found declared (a web page's <html lang>) where they cannot tell.
    metadata.language = detect_language("\n".join(p.text for p in paragraphs if p.kind in ("body", "list"))) or (
        raw.metadata.language)
    return CleanDocument(text, paragraphs, markers, metadata)
