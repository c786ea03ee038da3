"""Web pages: the main text found by trafilatura, everything else on the page kept as boilerplate.

trafilatura (a maintained, benchmarked main-text extractor) decides what the article is and reads the
page's metadata (title, author, publication date, canonical URL, site name). Its structure is kept:
`head` a heading, `p`, `quote` and loose text (a heading's tail) body, list items list, a data table a
table, a layout table's cells and `div`s walked as blocks, `<lb/>` a line break; clean keeps these kinds
(no cue words re-read inside the main text; only a byline, dateline or credit line by its whole shape).
The page itself is also walked block by block in document order, so navigation, share buttons, sign-up
forms and footers stay in the document as `boilerplate` paragraphs instead of vanishing: nothing is
dropped silently. The two are aligned (align_blocks), and the page's markup has a say on the main text:
a paragraph that is all link is a teaser, one in a figure (or an image's alt text) a caption, one in
another <article> another article's; a prose paragraph trafilatura left out between two of its own is
the article's. A byline, dateline or the title outside trafilatura's main text keep their own kind.
"""
from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from typing import NamedTuple

from .. import lexicon
from ..types import Metadata
from ..lexicon import clean_whitespace

SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "select",
             "option", "button", "input", "textarea"}
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "caption", "dt",
              "dd", "address", "div", "section", "article", "main", "header", "footer", "nav", "aside", "form",
              "ul", "ol", "dl", "figure", "details", "summary", "body", "html", "fieldset", "legend", "hr",
              "table", "tr", "td", "th", "label"}
# A page block matches a main-text block it contains or is contained in when both are this long
# (shorter text repeats by chance) and the shorter is this share of the longer (a caption is not its paragraph).
NEAR_MATCH_MIN_CHARS = 20
NEAR_MATCH_SHARE = 0.8
# A page block's text found this many times in the main text is matched with these places only.
MAX_MATCHES_PER_BLOCK = 8
# trafilatura's main text: the kind of a block element's text (what else holds text is a container,
# its loose text body), and the elements read for no text.
MAIN_BLOCK_KINDS = {"p": "body", "head": "heading", "quote": "body", "code": ""}
MAIN_CONTAINERS = {"div", "row", "cell"}
MAIN_SKIP = {"graphic", "fw"}
LINE_BREAK = "\x00"  # stands for <lb/> while a block's text is gathered (lxml text never holds NUL)
# A table cell holding one of these, two of these paragraphs, or more words than this, is a page's layout,
# not a table's data.
LAYOUT_CELL_BLOCKS = {"table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "head", "list"}
LAYOUT_CELL_PARAGRAPHS = {"p", "div", "blockquote", "section", "article", "quote"}
LAYOUT_CELL_WORDS = 40
# The most words a heading has (clean's classify.HEADING_MAX_WORDS): a longer `head` is a paragraph.
HEADING_MAX_WORDS = 20
# A block this share of whose words are a link's text is a link (a teaser for another page), not prose.
LINK_SHARE = 0.8
LINK_LABEL_WORDS = 3
# A page block between two blocks of the main text, outside it, this many words long and ending as a
# sentence does, that no cue calls anything else and that the page does not repeat, is the article's too.
GAP_MIN_WORDS = 12
GAP_SENTENCE_END = ".!?\"”’)"
GAP_POSITION = 100  # read as a paragraph well into the page (no byline-by-position cue)
# What a page's author field holds that is no name: form and page labels, and the words of a date or a
# label a name runs into (`Malcolm Owen Monday`, `Detroit News wire services Published`; not `May`, a name too).
AUTHOR_UI_LABELS = {"username", "user name", "user", "admin", "administrator", "authority control", "author",
                    "authors", "staff", "staff writer", "editor", "editors", "contributor", "contributors",
                    "posted by", "written by", "by", "guest", "anonymous", "webmaster", "login", "log in",
                    "sign in", "password", "email", "search", "menu", "home", "share", "comments"}
AUTHOR_CREDENTIALS = {"ms", "ma", "msc", "mba", "mph", "phd", "ph.d", "md", "rn", "rd", "rdn", "cpt", "jd", "dds",
                      "cpa", "cfa", "cfp", "esq"}
AUTHOR_TRAILING_WORDS = set(lexicon.WEEKDAYS) | {"published", "updated", "posted", "on", "by", "and"} | {
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december"}
# libxml2 (lxml, and trafilatura through it) stops building a page 256 elements deep: the rest of the page,
# text after the nesting too, is lost. Such a page is read again with the elements nested deeper than
# this flattened into their ancestor at this depth (their tags dropped, their text kept); if it is still too
# deep (tags this reader miscounts), deeper than the next depth.
FLATTEN_DEPTHS = (200, 50)
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
             "wbr", "keygen", "basefont", "frame", "isindex"}
RAW_TEXT_TAGS = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}
# A comment (to its end, or the page's), a doctype or processing instruction, or a start or end tag.
# Each runs to the page's end when unclosed, so no part of the page is scanned twice.
MARKUP = re.compile(r"<!--.*?(?:-->|\Z)|<[!?][^>]*+(?:>|\Z)|<(/?)([A-Za-z][^\s/>]*)[^>]*+(?:>|\Z)", re.S)


class PageBlock(NamedTuple):
    """A block of the page as _iter_page_blocks reads it."""
    tag: str  # the element holding the text (`table` for a data table's rows)
    text: str
    context: str  # `caption`, `link` or ""
    articles: tuple  # the numbers of the <article> elements holding it, outermost first


def parse_html(source: str) -> tuple[str, Metadata, list[tuple[int, str, str]]]:
    """Text, metadata and classified blocks of a web page."""
    import trafilatura

    tree, too_deep = _parse_tree(source)
    for depth in FLATTEN_DEPTHS if too_deep else ():
        source = flatten_nesting(source, depth)
        tree, too_deep = _parse_tree(source)
        if not too_deep:
            break
    if tree is None:  # lxml refuses documents it cannot make a tree of (empty, only a comment)
        return "", Metadata(), []
    page_blocks = list(_iter_page_blocks(tree))
    found = trafilatura.bare_extraction(source, include_tables=True, include_comments=False,
                                        include_formatting=False, with_metadata=True)
    main = list(_iter_main_blocks(found.body)) if found is not None and found.body is not None else []
    metadata = _metadata(found, tree, {_key(block.text) for block in page_blocks})
    blocks = _merge(page_blocks, main, metadata)
    text = "\n\n".join(text for _, text in blocks)
    return text, metadata, [(1, kind, text) for kind, text in blocks]


def _parse_tree(source: str):
    """(lxml tree or None, whether libxml2 stopped at its depth limit and dropped the rest of the page)."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser()
    try:
        tree = lxml_html.fromstring(source, parser=parser)
    except Exception:
        return None, False
    too_deep = any(error.type_name == "ERR_RESOURCE_LIMIT" or "excessive depth" in error.message.lower()
                   for error in parser.error_log)
    return tree, too_deep


def flatten_nesting(source: str, depth: int) -> str:
    """The page with the elements nested more than `depth` deep unwrapped: their start and end tags
    dropped (a block's replaced by a space, so words stay apart), their text and their children's
    kept in place. One pass over the tags; script, style and the like keep their content unread."""
    out, kept_to, pos = [], 0, 0
    stack: list[tuple[str, bool]] = []  # open elements: (name, whether its tags are kept)
    open_names: Counter = Counter()
    while match := MARKUP.search(source, pos):
        pos = match.end()
        name = (match.group(2) or "").lower()
        if not name:  # a comment, doctype or processing instruction
            continue
        if match.group(1):  # an end tag: closes its element and every element opened inside it
            if not open_names[name]:
                continue  # nothing to close: the parser ignores it
            while True:
                popped, kept = stack.pop()
                open_names[popped] -= 1
                if popped == name:
                    break
        else:
            if name in RAW_TEXT_TAGS:  # its content is text, never tags: skip to its end tag
                end = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(source, pos)
                pos = end.end() if end else len(source)
                continue
            kept = len(stack) < depth
            if name not in VOID_TAGS and not match.group().endswith("/>"):
                stack.append((name, kept))
                open_names[name] += 1
        if not kept:
            out.append(source[kept_to:match.start()])
            out.append(" " if name in BLOCK_TAGS or name == "br" else "")
            kept_to = match.end()
    out.append(source[kept_to:])
    return "".join(out)


def _iter_page_blocks(tree):
    """(tag, text, context, articles) of each block of the page in document order: the text a block holds outside
    its child blocks, a line break as a newline. A data table is one block, rows by newlines and cells by
    tabs; a layout table (is_layout_table) is walked as blocks like any other element. The context says
    what the markup says of the block beyond its tag: `caption` inside a figure or its caption, or the
    text of an image's `alt`; `link` when nearly all its text is a link's (LINK_SHARE), but for a label
    of a few words before it (`Related:`); else "". `articles`: the numbers of the <article> elements holding it, outermost first."""
    buffer: list[tuple[str, bool]] = []  # (text, inside a link)
    owner = [tree.tag]
    in_figure = [0]
    in_link = [0]
    articles: list[int] = []  # the <article> elements holding the walk, by their number on the page
    counted = [0]
    # An image's description (alt) repeated as text beside it is its caption.
    alts = {_key(img.get("alt") or "") for img in tree.iter("img")} - {""}

    def flush():
        joined = "".join(text for text, _ in buffer)
        text = re.sub(r"[ \t\r\f\v]+", " ", joined).strip()
        text = re.sub(r" ?\n ?", "\n", text).strip()
        words = [(word, is_link) for piece, is_link in buffer for word in piece.split()]
        buffer.clear()
        if text:
            # Words before the first link, a few, ending in a colon or in capitals, are its label
            # (`Related:`, `READ MORE:`, `DON'T MISS`).
            label = next((n for n, (_, is_link) in enumerate(words) if is_link), len(words))
            head = " ".join(word for word, _ in words[:label])
            is_label = 0 < label <= LINK_LABEL_WORDS and (head.endswith(":") or head.isupper())
            rest = words[label:] if is_label else words
            linked = sum(1 for _, is_link in rest if is_link)
            context = ("caption" if in_figure[0] or owner[-1] == "figcaption" or _key(text) in alts
                       else "link" if linked and linked >= LINK_SHARE * len(rest) else "")
            yield PageBlock(owner[-1], text, context, tuple(articles))

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return
        if tag == "table" and not is_layout_table(element):
            yield from flush()
            rows = []
            for row in element.iter("tr"):
                cells = [clean_whitespace(_visible_text(cell)) for cell in row if cell.tag in ("td", "th")]
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                yield PageBlock("table", "\n".join(rows), "", tuple(articles))
            return
        block = tag in BLOCK_TAGS
        if block:
            yield from flush()
            owner.append(tag)
        in_figure[0] += tag in ("figure", "figcaption")
        in_link[0] += tag == "a"
        if tag == "article":
            counted[0] += 1
            articles.append(counted[0])
        if tag == "br":
            buffer.append(("\n", False))
        buffer.append((element.text or "", in_link[0] > 0))
        for child in element:
            yield from walk(child)
            buffer.append((child.tail or "", in_link[0] > 0))
        in_link[0] -= tag == "a"
        if block:
            yield from flush()
            owner.pop()
        in_figure[0] -= tag in ("figure", "figcaption")
        if tag == "article":
            articles.pop()

    yield from walk(tree)
    yield from flush()


def _visible_text(element) -> str:
    """An element's text without what SKIP_TAGS hold (a table cell's script, a button's label); a line
    break or a block inside it (`<td>a<br>b</td>`, `<td><p>a</p><p>b</p></td>`) keeps words apart."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
            apart = child.tag == "br" or child.tag in BLOCK_TAGS
            parts.append(f" {_visible_text(child)} " if apart else _visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def is_layout_table(table) -> bool:
    """A table the page is laid out with, not one of data: a cell holds a heading, a list or another
    table, or more than one paragraph, or prose longer than LAYOUT_CELL_WORDS words, or the table is one
    cell. (One paragraph in a cell is how some editors write any cell.) Works on the page's <table>
    (td/th) and on trafilatura's (cell)."""
    cells = [cell for cell in table.iter("td", "th", "cell")]
    if len(cells) <= 1:
        return True
    for cell in cells:
        tags = [d.tag for d in cell.iterdescendants() if isinstance(d.tag, str)]
        if any(tag in LAYOUT_CELL_BLOCKS for tag in tags) or sum(tag in LAYOUT_CELL_PARAGRAPHS for tag in tags) > 1:
            return True
        if len(_visible_text(cell).split()) > LAYOUT_CELL_WORDS:
            return True
    return False


def _iter_main_blocks(body):
    """(kind, text) of trafilatura's main text, in its order, kinds from its structure: `head` a heading,
    `p`, `quote` and text standing loose in a container (a heading's tail, a cell's text) body, `list`
    items list items, a data table a table (rows by newlines, cells by tabs); a layout table's cells and
    `div`s are walked as containers. A line break (`lb`) is a newline, so words on either side of it stay
    apart; a body paragraph that is a byline, a dateline or a credit line takes that kind."""
    loose: list[str] = []
    kind_of_loose = ["body"]

    def flush():
        text = _lines("".join(loose))
        loose.clear()
        if text:
            kind = kind_of_loose[-1]
            if kind == "heading" and len(text.split()) > HEADING_MAX_WORDS:
                kind = "body"  # sentences set as a heading (an interview's question): a heading is short
            yield (lexicon.classify_main_text_by_cues(text) or kind) if kind == "body" else kind, text

    def walk(element, kind):
        kind_of_loose.append(kind)
        loose.append(element.text or "")
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "lb":
                loose.append(LINE_BREAK)
            elif tag in MAIN_BLOCK_KINDS or tag in MAIN_CONTAINERS or tag in ("list", "table"):
                yield from flush()
                if tag == "list":
                    yield from walk_list(child)
                elif tag == "table" and not is_layout_table(child):
                    yield from _data_table(child)
                else:  # a paragraph, heading or quote; a container: a div, a layout table
                    yield from walk(child, MAIN_BLOCK_KINDS.get(tag, "body"))
            elif tag and tag not in MAIN_SKIP:
                loose.append("".join(_iter_inline_text(child)))
            loose.append(child.tail or "")
        yield from flush()
        kind_of_loose.pop()

    def walk_list(element):
        for child in element:
            if child.tag == "item":
                yield from walk(child, "list")
            elif child.tag == "list":
                yield from walk_list(child)
            if (child.tail or "").strip():
                loose.append(child.tail)
                yield from flush()

    yield from walk(body, "body")


def _iter_inline_text(element):
    """The text of an element of trafilatura's output (its tail aside), a line break as LINE_BREAK, a
    block inside it (a table cell's paragraphs) set apart by spaces."""
    if element.tag == "lb":
        yield LINE_BREAK
        return
    if element.tag in MAIN_SKIP:
        return
    apart = element.tag in MAIN_BLOCK_KINDS or element.tag in MAIN_CONTAINERS or element.tag in ("list", "item")
    yield " " if apart else ""
    yield element.text or ""
    for child in element:
        yield from _iter_inline_text(child)
        yield child.tail or ""
    yield " " if apart else ""


def _lines(text: str) -> str:
    """Text of a block: whitespace runs to one space, each line break (LINE_BREAK) a newline, empty lines out."""
    lines = (clean_whitespace(line) for line in text.split(LINE_BREAK))
    return "\n".join(line for line in lines if line)


def _data_table(table):
    rows = []
    for row in table.iter("row"):
        cells = [clean_whitespace("".join(_iter_inline_text(cell)).replace(LINE_BREAK, " ")) for cell in row.iter("cell")]
        if any(cells):
            rows.append("\t".join(cells))
    if rows:
        yield "table", "\n".join(rows)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _merge(page_blocks, main, metadata: Metadata) -> list[tuple[str, str]]:
    """The page's blocks in document order, the main text in its place (see align_blocks): the page
    blocks it covers give way to its blocks, which keep their kinds; the other page blocks are the
    title (once), a byline, a dateline, a table or boilerplate. A main-text block no page block matched
    comes after the main-text block before it."""
    page_keys = [_key(block.text) for block in page_blocks]
    main_keys = [_key(text) for _, text in main]
    covers = align_blocks(page_keys, main_keys)
    contexts: dict[int, set] = {}
    for i, js in covers.items():
        for j in js:
            contexts.setdefault(j, set()).add(page_blocks[i].context)
    elsewhere = _in_other_articles(page_blocks, covers)
    main = [(_main_kind(kind, contexts.get(j, {""}), j in elsewhere), text) for j, (kind, text) in enumerate(main)]
    out: list[tuple[str, str]] = []
    emitted = 0  # main blocks before this one are out

    def emit_main(upto: int):
        nonlocal emitted
        while emitted <= upto:
            out.append(main[emitted])
            emitted += 1

    last_matched = max((j for js in covers.values() for j in js), default=len(main) - 1)
    inside = range(min(covers, default=0) + 1, max(covers, default=0))
    repeated = {key for key, n in Counter(page_keys).items() if n > 1}
    title_key = _key(metadata.title or "")
    title_seen = any(kind == "heading" and key == title_key for (kind, _), key in zip(main, main_keys))
    for i, (tag, text, context, _) in enumerate(page_blocks):
        matched = covers.get(i)
        if matched:
            emit_main(max(matched) if max(matched) < last_matched else len(main) - 1)
            covered = sum(len(main_keys[j]) for j in matched)
            if covered >= NEAR_MATCH_SHARE * len(page_keys[i]):
                continue  # its text is the main text's
        if i in inside and context == "" and page_keys[i] not in repeated and _is_left_out_prose(text):
            out.append(("body", text))
            continue
        kind = _outside_kind(tag, text, page_keys[i], title_key if not title_seen else "", len(out))
        title_seen = title_seen or (kind == "heading" and page_keys[i] == title_key)
        out.append((kind, text))
    emit_main(len(main) - 1)
    return out


def _in_other_articles(page_blocks, covers: dict[int, list[int]]) -> set[int]:
    """The main-text blocks that only stand in another <article> than the main text's own (the
    innermost one holding most of its words), neither inside that one nor holding it: a related post."""
    words_in: Counter = Counter()
    for i in covers:
        if page_blocks[i].articles:
            words_in[page_blocks[i].articles[-1]] += len(page_blocks[i].text.split())
    if not words_in:
        return set()
    own = words_in.most_common(1)[0][0]
    line = {own}
    for i in covers:
        if own in page_blocks[i].articles:
            line.update(page_blocks[i].articles)  # the own article's ancestors and descendants
    other = {i for i in covers if page_blocks[i].articles and page_blocks[i].articles[-1] not in line}
    return {j for i in other for j in covers[i]} - {j for i in set(covers) - other for j in covers[i]}


def _is_left_out_prose(text: str) -> bool:
    """A block between two of the main text's that reads as a paragraph of it: sentences (GAP_MIN_WORDS
    words or more, ending as a sentence ends) that no cue makes anything else. trafilatura leaves out
    such blocks where the page's markup sets them apart (a lead paragraph, an embedded post)."""
    return (len(text.split()) >= GAP_MIN_WORDS and text[-1] in GAP_SENTENCE_END and "\t" not in text
            and lexicon.classify_by_cues(text, GAP_POSITION) is None and not lexicon.CAPTION_CUES.search(text))


def _main_kind(kind: str, contexts: set, elsewhere: bool) -> str:
    """A main-text block's kind, given what the page's markup says of the page blocks that hold it: a
    paragraph inside a figure is its caption; a paragraph or list item that is nothing but a link is a
    teaser for another page (`Related: ...`, a list of other stories), and one only in another <article>
    than the main text's (`elsewhere`) is that article's: boilerplate."""
    if kind == "body" and contexts == {"caption"}:
        return "caption"
    if kind in ("body", "list") and (contexts == {"link"} or elsewhere):
        return "boilerplate"
    return kind


def align_blocks(page_keys: list[str], main_keys: list[str]) -> dict[int, list[int]]:
    """Which main-text blocks each page block holds, {page index: [main indices]}, for the alignment of
    the two sequences in order that matches the most text.

    A page block and a main-text block match when their folded text is the same, when one holds the
    other (trafilatura merges a paragraph the page splits, or splits one it holds) and the shorter is
    NEAR_MATCH_MIN_CHARS long, or when they differ by less than NEAR_MATCH_SHARE in the middle (a link
    or an ad left out). The alignment is the heaviest chain of such pairs, weakly increasing on both
    sides (several page blocks may hold one main block, one page block several): a short menu entry
    that repeats a subheading further down cannot pull the article up to it."""
    exact: dict[str, list[int]] = {}
    for j, key in enumerate(main_keys):
        exact.setdefault(key, []).append(j)
    # The main blocks long enough to be matched by containment, shortest first (a length window of them
    # is found by bisection): only page blocks with no exact match are compared with them.
    long_main = sorted((len(key), j, key) for j, key in enumerate(main_keys) if len(key) >= NEAR_MATCH_MIN_CHARS)
    long_lengths = [length for length, _, _ in long_main]
    joined = "\x00".join(main_keys)
    starts, offset = [], 0
    for key in main_keys:
        starts.append(offset)
        offset += len(key) + 1
    pairs = []  # (page index, main index, weight)
    for i, key in enumerate(page_keys):
        if not key:
            continue
        found = {j: len(key) for j in exact.get(key, ())}
        if not found and len(key) >= NEAR_MATCH_MIN_CHARS:
            at = joined.find(key)
            while at != -1 and len(found) < MAX_MATCHES_PER_BLOCK:  # a piece of a main block
                j = bisect.bisect_right(starts, at) - 1
                found.setdefault(j, len(key))
                at = joined.find(key, at + 1)
            for _, j, main_key in long_main[:bisect.bisect_left(long_lengths, len(key))]:  # a main block inside it
                if main_key in key:
                    found.setdefault(j, len(main_key))
        if not found and len(key) >= NEAR_MATCH_MIN_CHARS:
            window = long_main[bisect.bisect_left(long_lengths, NEAR_MATCH_SHARE * len(key)):
                               bisect.bisect_right(long_lengths, len(key) / NEAR_MATCH_SHARE)]
            for length, j, main_key in window:  # the same text but for a part in the middle
                longest = max(len(key), length)
                same = len(os.path.commonprefix([key, main_key])) + len(os.path.commonprefix([key[::-1], main_key[::-1]]))
                if same >= NEAR_MATCH_SHARE * longest:
                    found[j] = min(same, length)
        pairs.extend((i, j, weight) for j, weight in found.items())
    pairs.sort()
    # Heaviest weakly increasing chain: a max-Fenwick tree over main indices holds, for each prefix of
    # them, the best chain ending at a pair already seen (all of them at an earlier or the same page block).
    size = len(main_keys) + 1
    tree = [(0, -1)] * (size + 1)
    best, back = [], []
    for n, (i, j, weight) in enumerate(pairs):
        prev, k = (0, -1), j + 1
        while k > 0:
            prev = max(prev, tree[k])
            k -= k & -k
        best.append(prev[0] + weight)
        back.append(prev[1])
        k = j + 1
        while k <= size:
            tree[k] = max(tree[k], (best[n], n))
            k += k & -k
    covers: dict[int, list[int]] = {}
    n = max(range(len(pairs)), key=best.__getitem__, default=-1)
    copies: dict[int, list[int]] = {}  # main block -> the page blocks in the chain that are all of it
    while n != -1:
        i, j, _ = pairs[n]
        covers.setdefault(i, []).append(j)
        if page_keys[i] == main_keys[j]:
            copies.setdefault(j, []).append(i)
        n = back[n]
    # Several whole copies of one block (a title in the page's header and over the article): the last
    # one, nearest the text that follows it, is the main text's; the others are copies outside it.
    for j, pages in copies.items():
        for i in sorted(pages)[:-1]:
            covers[i].remove(j)
            if not covers[i]:
                del covers[i]
    return covers


def _outside_kind(tag: str, text: str, key: str, title_key: str, position: int) -> str:
    """The kind of a block outside the main text: the title, a byline or a dateline (told by the
    cues clean's classifier uses for text), a table, or boilerplate."""
    if title_key and key == title_key and tag in ("h1", "h2", "header", "div"):
        return "heading"
    cue = lexicon.classify_by_cues(text, position)
    if cue in ("byline", "metadata"):
        return cue
    if tag == "table":
        return "table"
    return "boilerplate"


def _metadata(found, tree, page_keys: set[str]) -> Metadata:
    """The page's metadata as trafilatura reads it, with what its markup says where trafilatura has
    nothing or something else: the title the page shows (trafilatura's, else og:title, else <title>,
    the first that stands as a block of the page), authors that are names (author_names), the URL the
    page names as its own (og:url, <link rel=canonical>), the language it declares (<html lang>, og:locale)."""
    titles = [found.title if found else None, _meta(tree, "og:title"), tree.findtext(".//title")]
    titles = [clean_whitespace(title) for title in titles if title and title.strip()]
    title = next((t for t in titles if _key(t) in page_keys), titles[0] if titles else None)
    url = (found.url if found else None) or _meta(tree, "og:url") or _canonical(tree)
    url = url if url and re.match(r"^https?://\S+$", url) else None
    declared = tree.get("lang") or _meta(tree, "og:locale") or _meta(tree, "content-language") or ""
    language = re.match(r"^([A-Za-z]{2,3})(?:[-_]|$)", declared.strip())
    language = language.group(1).lower() if language else None  # clean's detection from the text wins
    if found is None:
        return Metadata(title=title, source_url=url, language=language)
    published = found.date if found.date and re.match(r"^\d{4}(-\d\d){0,2}$", found.date) else None
    return Metadata(title=title, author=author_names(found.author), publisher=found.sitename or None,
                    published=published, source_url=url, language=language)


def _meta(tree, name: str) -> str | None:
    for element in tree.iter("meta"):
        if name in (element.get("property"), element.get("name")) and (element.get("content") or "").strip():
            return element.get("content").strip()
    return None


def _canonical(tree) -> str | None:
    for element in tree.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split() and (element.get("href") or "").strip():
            return element.get("href").strip()
    return None


def author_names(author: str | None) -> str | None:
    """trafilatura's author (names joined by `; `) without the parts that are not a person's or a
    newsroom's name: a form or page label (`Username`, `Authority control`, AUTHOR_UI_LABELS), a
    credential (`MS`, `RDN`), a date word run into the name (`Malcolm Owen Monday`, `November`)."""
    names = []
    for part in (author or "").split(";"):
        words = part.split()
        while words and (words[-1].lower().strip(",.") in AUTHOR_TRAILING_WORDS):
            words.pop()
        name = " ".join(words)
        if not name or name.lower().strip(".") in AUTHOR_UI_LABELS | AUTHOR_CREDENTIALS:
            continue
        if name not in names:
            names.append(name)
    return "; ".join(names) or None
