"""Hostile web pages (issue 13, case 12): elements nested 254 or more levels deep.

libxml2, under lxml and trafilatura, stops building a page 256 elements deep and drops the rest of the page,
the text after the nesting too: a page whose text all came at or after such nesting was rejected as "HTML
page has no text". The reader now reads such a page again with the deepest elements flattened. Pages are
generated here, never committed as files.
"""
from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pipeline.clean import clean_document
from pipeline.ingest import parse_file
from pipeline.ingest.html import flatten_nesting, parse_html

BEFORE = "Before the nesting comes a paragraph of plain text."
DEEP = "Deep inside the nesting there is a sentence too."
AFTER = "After the nesting the page goes on with more text."


def divs(depth: int) -> str:
    return ("<html><body>" + "<div>" * depth + f"<p>{DEEP}</p>" + "</div>" * depth + f"<p>{AFTER}</p></body></html>")


def spans(depth: int) -> str:
    return (f"<html><body><p>{BEFORE}</p><p>" + "<span>" * depth + DEEP + "</span>" * depth
            + f"</p><p>{AFTER}</p></body></html>")


def unclosed(depth: int) -> str:
    return f"<html><body><p>{BEFORE}</p>" + "<b>" * depth + DEEP + f"<p>{AFTER}</p></body></html>"


def paragraph_each_level(depth: int) -> str:
    return ("<html><body>" + "".join(f"<div><p>Level {i} of the page.</p>" for i in range(depth))
            + "</div>" * depth + f"<p>{AFTER}</p></body></html>")


def depth_of(tree) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


@pytest.mark.timeout(60)
@pytest.mark.parametrize("depth", [254, 300, 2_100, 100_000])  # 2,048: the limit even with huge_tree
@pytest.mark.parametrize("page", [divs, spans, unclosed, paragraph_each_level])
def test_text_around_and_inside_deep_nesting_is_kept(page, depth):
    text, _, blocks = parse_html(page(depth))
    assert AFTER in text
    assert (DEEP in text) if page is not paragraph_each_level else (f"Level {depth - 1} of the page." in text)
    if page in (spans, unclosed):
        assert text.startswith(BEFORE)


@pytest.mark.timeout(60)
def test_deep_page_is_ingested_and_cleaned(tmp_path):
    """The whole path: a page whose text all comes inside and after 300 nested divs is a document,
    not `rejected: ...: HTML page has no text`."""
    (tmp_path / "raw").mkdir()
    path = tmp_path / "raw" / "deep.html"
    path.write_text(divs(300))
    doc = clean_document(parse_file(path, tmp_path))
    assert DEEP in doc.text and AFTER in doc.text


@pytest.mark.parametrize("page", [divs(100), spans(100), paragraph_each_level(100),
                                  "<p>a <!-- <div> --> b<script>if (a<b) x = '<div>';</script><br/><img src=x></p>"])
def test_shallow_pages_are_not_flattened(page):
    """Below the limit flattening changes nothing (and a page within libxml2's limit is never flattened)."""
    assert flatten_nesting(page, 200) == page


@pytest.mark.timeout(60)
@pytest.mark.parametrize("page", [divs(100_000), spans(5_000), unclosed(5_000), paragraph_each_level(5_000)])
def test_flattened_pages_fit_the_parser(page):
    flat = flatten_nesting(page, 200)
    parser = lxml_html.HTMLParser()
    tree = lxml_html.fromstring(flat, parser=parser)
    assert not [error for error in parser.error_log if "depth" in error.message.lower()]
    assert depth_of(tree) <= 203  # html, body, and implied elements above the 200 kept
    assert AFTER in tree.text_content()
