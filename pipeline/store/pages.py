"""The PDF page tables: how each page was read (`pages`) and where each word stands on it (`boxes`).

Kept apart from schema.py and write.py, which only add these tables to theirs and call save_pages.

- `pages`: one row per page of a PDF: `source` text (its text layer), ocr (read by Tesseract) or
  none (a scan left unread: OCR off or Tesseract missing); `confidence` the mean of its OCR words'
  (0-1), `n_words`, `angle` the degrees it was turned by to be read (orientation and skew).
- `boxes`: one row per word of documents.text that came from a PDF page: its span (start, end, and
  its text, so `check` verifies it like every span), its box in PDF points from the page's top left
  (pdfplumber's x0/top/x1/bottom) and its confidence (a text layer's: NULL; OCR's: 0-1).
"""
from __future__ import annotations

PAGE_SCHEMA = {
    "pages": ({"id": str, "document_id": str, "page": int, "source": str, "confidence": float, "n_words": int,
               "angle": float}, [("document_id", "documents", "id")]),
    "boxes": ({"id": str, "document_id": str, "page": int, "start": int, "end": int, "x0": float, "top": float,
               "x1": float, "bottom": float, "confidence": float, "text": str},
              [("document_id", "documents", "id")]),
}
PAGE_INDEXES = {"pages": [["document_id", "page"]], "boxes": [["document_id", "start"], ["document_id", "page"]]}


def save_pages(loader, doc_id: str, result) -> None:
    """Queue the pages and boxes rows of one document (a DocResult) on the store's Loader, with
    stable ids: a page from its document's sha256 and number, a box from its span and page."""
    sha = result.sha256
    for read, pid in zip(result.page_reads, loader.ids("pages", [(sha, r.page) for r in result.page_reads])):
        loader.put("pages", {"id": pid, "document_id": doc_id, "page": read.page, "source": read.source,
                             "confidence": read.confidence, "n_words": read.n_words, "angle": read.angle})
    text = result.text
    for box, bid in zip(result.boxes, loader.ids("boxes", [(sha, b.page, b.start, b.end) for b in result.boxes])):
        loader.put("boxes", {"id": bid, "document_id": doc_id, "page": box.page, "start": box.start, "end": box.end,
                             "x0": box.x0, "top": box.top, "x1": box.x1, "bottom": box.bottom,
                             "confidence": box.confidence, "text": text[box.start:box.end]})
