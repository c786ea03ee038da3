"""Stage 1, ingest: read a source file into a RawDocument (text per page plus metadata).

The only module that touches file formats (and the only one that imports pdfplumber).
Every failure is an InputError naming the file and the reason, so a build can report it and go on.
"""
from __future__ import annotations

import hashlib
import html
import html.parser
import pathlib
import re

from .types import InputError, Metadata, Page, RawDocument

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
# Bytes that never appear in text files; a few of them in the first block means binary.
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


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


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes of a text file: BOMs first, then UTF-8, then Windows-1252."""
    if not data.strip():
        raise InputError(name, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"has a UTF-16 byte-order mark but does not decode as UTF-16 ({exc.reason})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if len(BINARY_BYTES.findall(data[:4096])) > 2:
        raise InputError(name, "binary content in a text file (control bytes found); is the extension right?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is a superset of Latin-1 for printable text and the usual legacy encoding.
        return data.decode("cp1252", errors="replace")


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
        pages, metadata = parse_pdf(path, rel)
        return RawDocument(rel, digest, fmt, pages, metadata)
    text = decode_text(data, rel)
    if fmt == "html":
        text, metadata = parse_html(text)
        if not text.strip():
            raise InputError(rel, "HTML page has no text")
        return RawDocument(rel, digest, fmt, [Page(1, text)], metadata)
    return RawDocument(rel, digest, fmt, [Page(1, text)], Metadata())


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
