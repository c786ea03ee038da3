"""What the pages show of a document's original: the link to the file, and for a PDF the page
picture with a span's words boxed (the claim page's thumbnail, the page view).

Functions take a sqlite3 connection (run through Datasette's execute_fn) and return plain values
for the templates (Jinja escapes them); they raise OriginalUnavailable for what cannot be shown.
"""
from __future__ import annotations

import pathlib
import sqlite3
import urllib.parse
from dataclasses import dataclass
from typing import Callable, Optional

from datasette.utils import tilde_encode

from .originals import Original, OriginalUnavailable, find_original, read_original
from .page_images import PAGE_DPI, THUMBNAIL_DPI, PageImages, WordBox, span_boxes, span_pages
from .spans import safe_url


@dataclass(frozen=True)
class Links:
    """URLs of the original's pages for one database: `path` prefixes the server's base URL
    (datasette.urls.path), `row` gives a row's page (datasette.urls.row bound to the database)."""
    path: Callable[[str], str]
    row: Callable[[str, str], str]
    database: str  # the database's route, as in its URLs

    def _under(self, kind: str, document_id: str) -> str:
        return self.path(f"/-/{kind}/{tilde_encode(self.database)}/{urllib.parse.quote(document_id)}")

    def original(self, document_id: str, page: Optional[int] = None) -> str:
        return self._under("original", document_id) + (f"#page={page}" if page else "")

    def picture(self, document_id: str, page: int, dpi: int) -> str:
        return self._under("page-image", document_id) + f"/{page}.png?dpi={dpi}"

    def page(self, document_id: str, page: int, start: Optional[int] = None, end: Optional[int] = None) -> str:
        query = f"?start={start}&end={end}" if start is not None and end is not None else ""
        return self.pages_base(document_id) + f"{page}{query}"

    def pages_base(self, document_id: str) -> str:
        """The page view's URL but the page number (the document page links each page break)."""
        return self._under("page", document_id) + "/"


@dataclass
class Services:
    """Where the originals are (the raw folder the build read) and their page pictures' cache."""
    raw_dir: pathlib.Path
    images: PageImages


def document_original(conn: sqlite3.Connection, services: Services, links: Links, document_id: str) -> dict:
    """The original's link for a document page: {"url", "format", "rel", "source_link", "problem", ...};
    `problem` says why the file cannot be opened (then there is no url)."""
    return _document_original(conn, services, links, document_id)[1]


def _document_original(conn, services: Services, links: Links, document_id: str) -> tuple[Optional[Original], dict]:
    try:
        original = find_original(conn, services.raw_dir, document_id)
    except OriginalUnavailable as exc:
        if exc.status == 404:
            raise
        source = conn.execute("select source_url from documents where id = ?", [document_id]).fetchone()
        return None, {"url": None, "problem": str(exc), "source_link": safe_url(source[0] if source else None)}
    is_pdf = original.format == "pdf"
    return original, {"url": links.original(document_id), "format": original.format, "rel": original.rel,
                      "problem": None, "source_link": safe_url(original.source_url), "n_pages": original.n_pages,
                      "pages_url": links.page(document_id, 1) if is_pdf else None,
                      "pages_base": links.pages_base(document_id) if is_pdf else None}


def claim_original(conn: sqlite3.Connection, services: Services, links: Links, claim_id: str) -> Optional[dict]:
    """The claim page's view of its original: the document's link, and for a PDF the thumbnail of
    the claim's first page with its words boxed ("thumbnail"; None when the file cannot be opened
    or the claim's page is unknown)."""
    claim = conn.execute('select document_id, start, "end", sentence_id from claims where id = ?', [claim_id]).fetchone()
    if claim is None:
        return None
    document_id, start, end, sentence_id = claim
    original, found = _document_original(conn, services, links, document_id)
    found["thumbnail"] = None
    if original is None or original.format != "pdf":
        return found
    boxes = span_boxes(conn, document_id, start, end)
    pages = span_pages(boxes) or _sentence_page(conn, sentence_id)
    if not pages:
        return found
    try:
        frames = services.images.ensure_frames(original, lambda: read_original(original))
    except OriginalUnavailable as exc:
        found["problem"] = str(exc)
        return found
    page = pages[0]
    found["thumbnail"] = _picture(links, original, frames, page, THUMBNAIL_DPI, boxes, start, end) | {
        "page_url": links.page(document_id, page, start, end),
        "pdf_page_url": links.original(document_id, page),
        "other_pages": [(p, links.page(document_id, p, start, end)) for p in pages[1:]],
    }
    return found


def page_view(conn: sqlite3.Connection, services: Services, links: Links, document_id: str, page: int,
              start: Optional[int] = None, end: Optional[int] = None) -> dict:
    """The page view: page `page` of a PDF at PAGE_DPI, the span start:end boxed when it is on
    the page, links to the pages before and after, to the PDF at that page, to the document and
    to the claim whose span it is."""
    original = find_original(conn, services.raw_dir, document_id)
    frames = services.images.ensure_frames(original, lambda: read_original(original))
    if not 1 <= page <= len(frames):
        raise OriginalUnavailable(404, f"{original.rel} has no page {page} (it has {len(frames)})")
    has_span = start is not None and end is not None
    boxes = span_boxes(conn, document_id, start, end) if has_span else []
    title, text = conn.execute("select coalesce(title, path), substr(text, ? + 1, ? - ?) from documents "
                               "where id = ?", [start or 0, end or 0, start or 0, document_id]).fetchone()
    claim = conn.execute('select id from claims where document_id = ? and start = ? and "end" = ?',
                         [document_id, start, end]).fetchone() if has_span else None
    step = (lambda p: links.page(document_id, p, start, end) if 1 <= p <= len(frames) else None)
    return _picture(links, original, frames, page, PAGE_DPI, boxes, start, end) | {
        "title": title, "document_url": links.row("documents", document_id),
        "claim_url": links.row("claims", claim[0]) if claim else None,
        "span_text": text if has_span else None,
        "span_pages": [(p, links.page(document_id, p, start, end)) for p in span_pages(boxes)],
        "previous_url": step(page - 1), "next_url": step(page + 1),
        "pdf_page_url": links.original(document_id, page),
    }


def _picture(links: Links, original: Original, frames, page: int, dpi: int, boxes: list[WordBox], start, end) -> dict:
    """A page picture and the span's boxes on it, in the frame's coordinates (the SVG's viewBox)."""
    frame = frames[page - 1]
    scale = dpi / 72
    return {"page": page, "n_pages": len(frames), "picture_url": links.picture(original.document_id, page, dpi),
            "width": round(frame.width * scale), "height": round(frame.height * scale),
            "css_width": round(frame.width * 96 / 72),  # the page at its printed size on a 96-dpi screen
            "view_box": f"{frame.x0:g} {frame.top:g} {frame.width:g} {frame.height:g}",
            "boxes": [_rect(b) for b in boxes if b.page == page], "start": start, "end": end}


def _rect(box: WordBox) -> dict:
    """An SVG rectangle for a word box (in points, as stored), and the word's span and text."""
    return {"start": box.start, "end": box.end, "text": box.text, "x": round(box.x0, 2), "y": round(box.top, 2),
            "width": round(box.x1 - box.x0, 2), "height": round(box.bottom - box.top, 2)}


def _sentence_page(conn, sentence_id) -> list[int]:
    """A claim with no word boxes (a page left unread): the page its sentence was on, if known."""
    row = conn.execute("select page from sentences where id = ?", [sentence_id]).fetchone()
    return [row[0]] if row and row[0] else []
