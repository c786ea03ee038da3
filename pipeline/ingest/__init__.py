"""Stage 1, ingest: read a source file into a RawDocument (text per page plus metadata).

One module per format (text.py, html.py, pdf.py); only pdf.py imports pdfplumber.
Every failure is an InputError naming the file and the reason, so a build can report it and go on.
"""
from __future__ import annotations

import hashlib
import pathlib

from ..types import InputError, Metadata, Page, RawDocument
from .html import parse_html
from .pdf import parse_pdf
from .text import decode_text

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def iter_source_files(raw_dir: pathlib.Path):
    """Yield the supported files under raw_dir in a stable order (hidden files skipped)."""
    for path in sorted(raw_dir.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path


def sha256_file(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_file(path: pathlib.Path, root: pathlib.Path) -> RawDocument:
    """Read one source file. `root` is the directory paths are made relative to."""
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(rel, f"unsupported file type {path.suffix!r}")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        pages, metadata, blocks = parse_pdf(path, rel)
        return RawDocument(rel, digest, fmt, pages, metadata, blocks)
    text = decode_text(data, rel)
    if fmt == "html":
        text, metadata, blocks = parse_html(text)
        if not text.strip():
            raise InputError(rel, "HTML page has no text")
        return RawDocument(rel, digest, fmt, [Page(1, text)], metadata, blocks)
    return RawDocument(rel, digest, fmt, [Page(1, text)], Metadata())
