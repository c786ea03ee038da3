"""Web pages: the main text found by trafilatura, everything else on the page kept as boilerplate.

trafilatura (a maintained, benchmarked main-text extractor) decides what the article is and reads the
page's metadata (title, author, publication date, canonical URL, site name). The page itself is
also walked block by block in document order, so navigation, share buttons, sign-up forms and
footers stay in the document as `boilerplate` paragraphs instead of vanishing: nothing is dropped
silently. A byline, dateline or the title outside trafilatura's main text keep their own kind.
"""
from __future__ import annotations

import re
from collections import Counter

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
    metadata = _metadata(found, tree)
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
    """(tag, text) of each block of the page in document order: the text a block holds outside its
    child blocks. A table is one block, rows by newlines and cells by tabs."""
    buffer: list[str] = []
    owner = [tree.tag]

    def flush():
        text = re.sub(r"[ \t\r\f\v]+", " ", "".join(buffer)).strip()
        text = re.sub(r" ?\n ?", "\n", text).strip()
        buffer.clear()
        if text:
            yield owner[-1], text

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return
        if tag == "table":
            yield from flush()
            rows = []
            for row in element.iter("tr"):
                cells = [clean_whitespace(cell.text_content()) for cell in row if cell.tag in ("td", "th")]
                if any(cells):
                    rows.append("\t".join(cells))
            if rows:
                yield "table", "\n".join(rows)
            return
        block = tag in BLOCK_TAGS
        if block:
            yield from flush()
            owner.append(tag)
        if tag == "br":
            buffer.append("\n")
        buffer.append(element.text or "")
        for child in element:
            yield from walk(child)
            buffer.append(child.tail or "")
        if block:
            yield from flush()
            owner.pop()

    yield from walk(tree)
    yield from flush()


def _iter_main_blocks(body):
    """(kind, text) of trafilatura's main text: headings, paragraphs, list items, tables, quotes."""
    for element in body:
        tag = element.tag
        if tag == "list":
            for item in element.iter("item"):
                text = clean_whitespace("".join(item.itertext()))
                if text:
                    yield "item", text
        elif tag == "table":
            rows = ["\t".join(clean_whitespace("".join(cell.itertext())) for cell in row.iter("cell"))
                    for row in element.iter("row")]
            rows = [row for row in rows if row.strip()]
            if rows:
                yield "table", "\n".join(rows)
        else:
            text = clean_whitespace("".join(element.itertext()))
            if text:
                yield ("heading" if tag == "head" else ""), text


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _merge(page_blocks, main, metadata: Metadata) -> list[tuple[str, str]]:
    """The page's blocks in document order; those that are the main text take trafilatura's kind,
    the others are boilerplate unless they are the title, a byline or a dateline."""
    main_keys = {}
    for index, (_, text) in enumerate(main):
        main_keys.setdefault(_key(text), index)
    used: set[int] = set()
    out: list[tuple[str, str]] = []
    title_key = _key(metadata.title or "")
    for tag, text in page_blocks:
        key = _key(text)
        index = main_keys.get(key)
        if index is None:
            index = next((i for k, i in main_keys.items() if i not in used and len(k) > NEAR_MATCH_MIN_CHARS
                          and (k in key or key in k)
                          and min(len(k), len(key)) > NEAR_MATCH_SHARE * max(len(k), len(key))), None)
        if index is not None and index not in used:
            # Main text the page walk had not reached yet (trafilatura reorders nothing, but it can
            # split or merge blocks): emit what comes before this one first.
            for earlier in range(index):
                if earlier not in used:
                    used.add(earlier)
                    out.append(_main_block(main[earlier]))
            used.add(index)
            out.append(_main_block(main[index]))
            continue
        if index is not None:
            continue  # the same text twice on the page: the main copy is already out
        out.append((_outside_kind(tag, text, key, title_key, len(out)), text))
    for index, block in enumerate(main):
        if index not in used:
            out.append(_main_block(block))
    return out


def _main_block(block) -> tuple[str, str]:
    kind, text = block
    if kind == "item":
        return "", "- " + text  # clean's classifier reads the bullet: a list item
    return kind, text


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


def _metadata(found, tree) -> Metadata:
    if found is None:
        title = tree.findtext(".//title")
        return Metadata(title=clean_whitespace(title) if title else None)
    published = found.date if found.date and re.match(r"^\d{4}(-\d\d){0,2}$", found.date) else None
    return Metadata(title=found.title or None, author=found.author or None, publisher=found.sitename or None,
                    published=published, source_url=found.url or None)
