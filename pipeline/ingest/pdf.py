"""PDF files through pdfplumber: text per page and the document info dictionary.

The only module of the project that imports pdfplumber.
"""
from __future__ import annotations

import pathlib

from ..types import InputError, Metadata, Page


def parse_pdf(path: pathlib.Path, rel: str) -> tuple[list[Page], Metadata]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if path.stat().st_size == 0:
        raise InputError(rel, "empty file")
    try:
        with pdfplumber.open(path) as pdf:
            pages = [Page(i + 1, page.extract_text() or "") for i, page in enumerate(pdf.pages)]
            info = pdf.metadata or {}
    except PDFPasswordIncorrect:
        raise InputError(rel, "PDF is encrypted (password-protected); decrypt it first")
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on broken files
        raise InputError(rel, f"PDF cannot be read ({type(exc).__name__}: {exc}); is it corrupt or truncated?")
    if not pages:
        raise InputError(rel, "PDF has no pages")
    if not any(page.text.strip() for page in pages):
        raise InputError(rel, "PDF has no text layer (image-only?); run OCR first")
    metadata = Metadata(
        title=_pdf_info(info, "Title"), author=_pdf_info(info, "Author"), publisher=None,
        published=None, source_url=None,
    )
    return pages, metadata


def _pdf_info(info: dict, key: str):
    value = info.get(key)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return value.strip() if isinstance(value, str) and value.strip() else None
