"""HTML pages: visible text, one paragraph per block element, and metadata from meta tags."""
from __future__ import annotations

import html
import html.parser
import re

from ..types import Metadata


class _HTMLText(html.parser.HTMLParser):
    """Visible text of a page, one paragraph per block element; scripts and styles dropped."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "header", "footer", "blockquote", "title"}
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.skip += 1
        if tag == "title":
            self.in_title = True
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key and attrs.get("content"):
                self.meta[key] = attrs["content"]
        if tag == "link" and (attrs.get("rel") or "").lower() == "canonical" and attrs.get("href"):
            self.meta["canonical"] = attrs["href"]
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == "title":
            self.in_title = False
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
            return
        self.parts.append(re.sub(r"\s+", " ", data))


def parse_html(source: str) -> tuple[str, Metadata]:
    parser = _HTMLText()
    parser.feed(source)
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t\n]*\n[ \t]*", "\n\n", text).strip()
    meta = parser.meta
    title = meta.get("og:title") or html.unescape(" ".join(parser.title)).strip() or None
    metadata = Metadata(
        title=title,
        author=meta.get("author") or meta.get("article:author"),
        publisher=meta.get("og:site_name"),
        published=(meta.get("article:published_time") or meta.get("date") or "")[:10] or None,
        source_url=meta.get("canonical") or meta.get("og:url"),
    )
    return text, metadata
