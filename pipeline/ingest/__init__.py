"""Stage 1, ingest: read a source file into a RawDocument (text per page plus metadata).

One module per format (text.py, html.py, pdf.py); only pdf.py imports pdfplumber.
Every failure is an InputError naming the file and the reason, so a build can report it and go on.
"""
from __future__ import annotations

import hashlib
import pathlib
from typing import Optional

from ..types import InputError, Metadata, Page, RawDocument
from .html import parse_html
from .pdf import parse_pdf
from .text import decode_text

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
# Text files over this size are rejected unread. A document is held whole while it is cleaned and
# extracted: measured, a 4 MB all-prose text file peaks at 530 MB in its worker (model included),
# about 65 bytes per byte of text, so 10 MB stays under 1 GB. Reports of 500 pages are ~2 MB of text.
DEFAULT_MAX_TEXT_BYTES = 10_000_000


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


def relative_name(path: pathlib.Path, root: pathlib.Path) -> str:
    """The path as stored in the database: relative to `root` (the project), POSIX separators."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def parse_file(path: pathlib.Path, root: pathlib.Path, max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES, *,
               rel: Optional[str] = None, sha256: Optional[str] = None) -> RawDocument:
    """Read one source file. `root` is the directory paths are made relative to. Text files
    (.txt .md .html) larger than `max_text_bytes` are rejected before they are read.

    A build has already named and hashed the file while planning: it passes `rel` and `sha256`
    so the file is not hashed again; without them (the CLI's stage commands) they are computed."""
    if rel is None:
        rel = relative_name(path, root)
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(rel, f"unsupported file type {path.suffix!r}")
    try:
        size = path.stat().st_size
        if fmt != "pdf" and size > max_text_bytes:
            raise InputError(rel, f"{size / 1e6:.1f} MB is over the {max_text_bytes / 1e6:g} MB limit for text files; "
                                  f"not read (split the file, or raise the limit with --max-file-mb)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(rel, f"cannot be read ({exc.strerror or exc})") from None
    digest = sha256 or hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        pages, metadata, blocks, open_blocks = parse_pdf(data, rel)
        return RawDocument(rel, digest, fmt, pages, metadata, blocks, open_blocks)
    text, encoding = decode_text(data, rel)
    del data
    if fmt == "html":
        text, metadata, blocks = parse_html(text)
        if not text.strip():
            raise InputError(rel, "HTML page has no text")
        return RawDocument(rel, digest, fmt, [Page(1, text)], metadata, blocks, encoding=encoding)
    return RawDocument(rel, digest, fmt, [Page(1, text)], Metadata(), encoding=encoding)
