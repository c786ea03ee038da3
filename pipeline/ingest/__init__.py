"""Stage 1, ingest: read a source file into a RawDocument (text per page plus metadata).

One module per format (text.py, html.py, pdf/, office.py); only pdf/ imports pdfplumber, only office.py python-docx.
Every failure is an InputError naming the file and the reason, so a build can report it and go on.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pathlib
from typing import Callable, Optional

from ..types import InputError, Metadata, Page, RawDocument
from .html import parse_html
from .office import UNPACKED_FACTOR, parse_docx, reject_unread
from .limits import (DEFAULT_MAX_PAGE_CHARS, DEFAULT_MAX_PAGES, DEFAULT_MAX_TEXT_BYTES, PDF_SIZE_FACTOR,  # noqa: F401
                     FileChanged, OcrUnavailable, OverLimit, Uncached, Unreadable)
from .pdf import parse_pdf, unread_warning, why_no_ocr  # noqa: F401  (build: scans left unread)
from .text import decode_text

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
                      ".doc": "doc", ".odt": "odt"}  # .doc, .odt: rejected naming the fix (unless a .docx renamed)
# Formats most of whose bytes are not text (fonts, images, compression): PDF_SIZE_FACTOR times the text limit.
PACKED_FORMATS = {"pdf": "PDF", "docx": "Word", "doc": "Word", "odt": "OpenDocument"}


def iter_source_files(raw_dir: pathlib.Path, on_skip: Optional[Callable[[InputError], None]] = None):
    """Yield the supported files under raw_dir in a stable order (hidden files skipped).

    A link is followed only to a file inside raw_dir: one to a file outside it (`raw/x.txt ->
    /etc/passwd`) would put a file nobody chose into the database and on the web pages. Links out,
    links to folders (never followed), broken links and link loops are skipped, each given to
    `on_skip` as an InputError naming the link and why (those whose names a source file could
    have: a supported extension, or none)."""
    raw_dir = pathlib.Path(raw_dir)
    _resolved.cache_clear()  # folders may have moved or become links since the last listing
    _relative_folder.cache_clear()
    inside = raw_dir.resolve()
    for entry, path in _walk(raw_dir):
        suffix = path.suffix.lower()
        if entry.is_symlink():
            reason = _link_problem(path, inside)
            if reason is not None:
                if on_skip is not None and (suffix in SUPPORTED_SUFFIXES or not suffix or "folder" in reason):
                    on_skip(InputError(relative_name(path, inside.parent), reason))
                continue
        if suffix in SUPPORTED_SUFFIXES and entry.is_file():
            yield path


def _walk(folder: pathlib.Path):
    """(os.DirEntry, path) of everything below `folder` but hidden names and what is below them, in
    name order, each folder's contents where the folder sorts (the order of sorted(rglob('*'))).
    Links to folders are listed, not followed; folders that cannot be listed are passed over.
    scandir's entries know their type without a stat: listing 20,000 files took a second with
    rglob and pathlib."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = folder / entry.name
        yield entry, path
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)


def _link_problem(link: pathlib.Path, inside: pathlib.Path) -> Optional[str]:
    """Why a link under the folder `inside` (resolved) is not read, or None for a link to a file in it."""
    shown = f"{inside.name}/"
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return f"a broken link (to {os.readlink(link)}, which does not exist); fix its target or remove it"
    except (RuntimeError, OSError):  # a loop: RuntimeError before Python 3.13, OSError (ELOOP) after
        return "a link loop (following it leads back to it); remove it"
    within = target == inside or inside in target.parents
    if target.is_dir():
        if within:
            return (f"a link to a folder ({target.relative_to(inside.parent).as_posix()}); links to folders are "
                    f"not followed, its files are read where they are")
        return f"a link to a folder outside {shown} ({target}); not followed: copy its files into {shown} to include them"
    if not within:
        return f"a link to a file outside {shown} ({target}); not read: copy the file into {shown} to include it"
    return None


def sha256_file(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative_name(path: pathlib.Path, root: pathlib.Path) -> str:
    """The path as stored in the database: relative to `root` (the project), POSIX separators. A
    link keeps its own name (its folders are resolved, not the link itself)."""
    text = os.fspath(path)  # strings, not pathlib: this runs twice per file of every build
    folder = _relative_folder(os.path.dirname(text) or ".", os.fspath(root))
    if folder is None:
        return pathlib.Path(text).as_posix()
    name = os.path.basename(text)
    return name if folder == "." else f"{folder}/{name}"


def absolute_name(path: pathlib.Path) -> str:
    """The file's absolute path, resolved (a link: its target, checked to be inside raw/ when
    listed; other files: only their folder is resolved, once per folder)."""
    text = os.fspath(path)
    if os.path.islink(text):
        return str(pathlib.Path(text).resolve())
    return os.path.join(str(_resolved(os.path.dirname(text) or ".")), os.path.basename(text))


@functools.lru_cache(maxsize=4096)
def _resolved(folder: str) -> pathlib.Path:
    """A folder resolved once per listing of raw/ (iter_source_files clears this): resolving each
    file's folder again took most of a rebuild's planning at 1,000 documents."""
    return pathlib.Path(folder).resolve()


@functools.lru_cache(maxsize=4096)
def _relative_folder(folder: str, root: str) -> Optional[str]:
    try:
        return _resolved(folder).relative_to(_resolved(root)).as_posix()
    except ValueError:
        return None


def parse_file(path: pathlib.Path, root: pathlib.Path, max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES, *,
               rel: Optional[str] = None, sha256: Optional[str] = None, max_pages: int = DEFAULT_MAX_PAGES,
               max_page_chars: int = DEFAULT_MAX_PAGE_CHARS, ocr: bool = True) -> RawDocument:
    """Read one source file. `root` is the directory paths are made relative to. Text files
    (.txt .md .html) larger than `max_text_bytes`, PDFs and Word files larger than PDF_SIZE_FACTOR times that, are
    rejected before they are read; PDFs of more than `max_pages` pages or with a page of more than
    `max_page_chars` characters when their pages are counted (limits.OverLimit).

    The bytes read are hashed, and the document carries that hash. A build has already named and
    hashed the file while planning and passes `rel` and `sha256`: when the bytes read are not those
    (the file changed since), limits.FileChanged is raised, so new text is never stored under the
    old hash. Without them (the CLI's stage commands) the name is computed. `ocr`: read a PDF's
    scanned pages with Tesseract when it is installed (pdf/ocr.py)."""
    if rel is None:
        rel = relative_name(path, root)
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(rel, f"unsupported file type {path.suffix!r}")
    limit = max_text_bytes * (PDF_SIZE_FACTOR if fmt in PACKED_FORMATS else 1)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size <= limit:
                data = handle.read(limit + 1)  # a file growing while it is read stops at the limit
                size = len(data)
    except OSError as exc:
        raise Unreadable(rel, f"cannot be read ({exc.strerror or exc})") from None
    if size > limit:
        kind = (f"{PACKED_FORMATS[fmt]} files ({PDF_SIZE_FACTOR} times --max-file-mb)" if fmt in PACKED_FORMATS
                else "text files")
        raise OverLimit(rel, f"{size / 1e6:.1f} MB is over the {limit / 1e6:g} MB limit for {kind}; "
                             f"not read (split the file, or raise the limit with --max-file-mb)")
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256:
        raise FileChanged(rel, "changed during the build (its content is not what the build hashed before); "
                               "not stored: the next build reads it again")
    if fmt == "pdf":
        read = parse_pdf(data, rel, max_pages, max_page_chars, ocr=ocr)
        return RawDocument(rel, digest, fmt, read.pages, read.metadata, read.blocks, read.open_blocks,
                           properties=read.properties, words=read.words, page_reads=read.page_reads,
                           warnings=read.warnings)
    if fmt in ("docx", "doc", "odt"):
        if fmt != "docx":
            reject_unread(fmt, data, rel)
        pages, properties, blocks, open_blocks = parse_docx(data, rel, max_text_bytes * UNPACKED_FACTOR)
        return RawDocument(rel, digest, "docx", pages, Metadata(), blocks, open_blocks, properties=properties)
    text, encoding = decode_text(data, rel)
    del data
    if fmt == "html":
        text, metadata, blocks = parse_html(text)
        if not text.strip():
            raise InputError(rel, "HTML page has no text")
        # A web page has no page or column breaks: none of its blocks was cut (open_blocks empty).
        return RawDocument(rel, digest, fmt, [Page(1, text)], metadata, blocks, set(), encoding=encoding)
    return RawDocument(rel, digest, fmt, [Page(1, text)], Metadata(), encoding=encoding)
