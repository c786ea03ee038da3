"""PDF pages as pictures with a span's words boxed: the word boxes of a span, the page frames and
the page pictures, cached on disk.

The picture is always the plain page; the boxes are drawn over it by the browser (an SVG whose
viewBox is the page's frame, so each word's rectangle is its boxes row as stored, at any size):
one cached picture serves every claim of the page, and the boxes stay exact, selectable and
described in text rather than burnt into pixels.

Cache: `<cache dir>/<sha256>/<page>-<dpi>.png` and `frames.json`, keyed by the file's sha256 (a
rebuilt file gets new pictures) and written atomically (a reader never sees half a PNG). A cached
picture is served without reading the PDF again: it is the page of the bytes the database
records, whatever happened to the file since; a picture not yet made is rendered only from bytes
whose sha256 is still documents.sha256 (originals.read_original).
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import sqlite3
import tempfile
from dataclasses import asdict, dataclass
from typing import Callable, Optional

from ...ingest.pdf.render import PageFrame, parse_page_frames, render_page
from .originals import Original, OriginalUnavailable

# Dots per inch a picture may be asked at: a thumbnail, and the page view (sharp on a 2x screen)
THUMBNAIL_DPI = 48
PAGE_DPI = 144
RESOLUTIONS = (THUMBNAIL_DPI, 96, PAGE_DPI)
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class WordBox:
    """One word of a span on its page, in PDF points from the page's top left (a boxes row)."""
    page: int
    start: int
    end: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str


def span_boxes(conn: sqlite3.Connection, document_id: str, start: int, end: int,
               page: Optional[int] = None) -> list[WordBox]:
    """The boxes of the words of documents.text[start:end] (a word partly inside counts), in text
    order; only those on `page` when given. Empty for a document with no boxes (not a PDF)."""
    if not _has_boxes(conn):
        return []
    sql = ('select page, start, "end", x0, top, x1, bottom, text from boxes '
           'where document_id = ? and start < ? and "end" > ?')
    params: list = [document_id, end, start]
    if page is not None:
        sql += " and page = ?"
        params.append(page)
    return [WordBox(*row) for row in conn.execute(sql + " order by start, page", params)]


def span_pages(boxes: list[WordBox]) -> list[int]:
    """The pages a span's words are on, in the order it reads (a claim cut by a page break: two)."""
    return list(dict.fromkeys(box.page for box in boxes))


def _has_boxes(conn) -> bool:
    return conn.execute("select 1 from sqlite_master where type = 'table' and name = 'boxes'").fetchone() is not None


class PageImages:
    """The page pictures and frames of the PDFs of one database, cached under `cache_dir`."""

    def __init__(self, cache_dir: pathlib.Path):
        self.cache_dir = pathlib.Path(cache_dir)

    def _folder(self, original: Original) -> pathlib.Path:
        if not SHA256.fullmatch(original.sha256 or ""):  # the folder name comes from the database
            raise OriginalUnavailable(404, f"{original.rel}: the database records no sha256 for it")
        return self.cache_dir / original.sha256

    def picture_path(self, original: Original, page: int, dpi: int) -> pathlib.Path:
        return self._folder(original) / f"{page}-{dpi}.png"

    def ensure_frames(self, original: Original, read: Callable[[], bytes]) -> list[PageFrame]:
        """Every page's frame; from the cache, else read (read() gives the verified bytes) and cached."""
        _check_pdf(original)
        path = self._folder(original) / "frames.json"
        try:
            return [PageFrame(**f) for f in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            pass
        frames = parse_page_frames(read(), original.rel)
        _write_atomic(path, json.dumps([asdict(f) for f in frames]).encode())
        return frames

    def ensure_picture(self, original: Original, page: int, dpi: int, read: Callable[[], bytes]) -> tuple[bytes, bool]:
        """(PNG bytes of the page at dpi, whether they came from the cache); rendered and cached when missing."""
        _check_pdf(original)
        if dpi not in RESOLUTIONS:
            raise OriginalUnavailable(404, f"pictures are made at {', '.join(map(str, RESOLUTIONS))} dpi, not {dpi}")
        if original.n_pages is not None and not 1 <= page <= original.n_pages:
            raise OriginalUnavailable(404, f"{original.rel} has no page {page} (it has {original.n_pages})")
        path = self.picture_path(original, page, dpi)
        try:
            return path.read_bytes(), True
        except OSError:
            pass
        png = render_page(read(), original.rel, page, dpi)
        _write_atomic(path, png)
        return png, False


def _check_pdf(original: Original) -> None:
    if original.format != "pdf":
        raise OriginalUnavailable(404, f"{original.rel} is not a PDF: it has no page pictures")


def _write_atomic(path: pathlib.Path, data: bytes) -> None:
    """Write data to path through a temporary file in its folder, renamed into place. A cache that
    cannot be written (read-only disk) is skipped: the picture is still served."""
    written = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
            written = tmp.name
            tmp.write(data)
        os.replace(written, path)
    except OSError:
        if written:
            with contextlib.suppress(OSError):
                os.unlink(written)
