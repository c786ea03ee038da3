"""The source files a database was built from, served read-only from the database's own record of them.

A document is found by its id in `documents` (never by a path from the request): its stored paths
(documents.path and documents.paths, relative to the raw folder's parent, ingest.relative_name)
are looked for under the raw folder the server was given, and its bytes are served only when
their sha256 is still documents.sha256, so what a reader opens is the file the claims were read
from. Functions take a sqlite3 connection (Datasette's execute_fn gives one) and raise
OriginalUnavailable with the HTTP status and a message naming the file.
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import posixpath
import sqlite3
import urllib.parse
from dataclasses import dataclass
from typing import Optional

# documents.format -> the content type it is served with; text ones get the encoding read at build
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html", "txt": "text/plain", "md": "text/plain",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
TEXT_FORMATS = {"html", "txt", "md"}
# Every file: never sniffed into another type. A saved web page (and any text) is sandboxed, runs no
# script on this origin and loads nothing from the network (its site would learn who reads it);
# a PDF is left to the browser's viewer, which a sandbox would block.
BASE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                "Cache-Control": "private, no-cache"}
SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class OriginalUnavailable(Exception):
    """The original cannot be served: `status` 404 (no such document), 410 (the file is gone),
    409 (the file changed since the build)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Original:
    """A source file as the database records it, and where it is on disk now."""
    document_id: str
    rel: str  # as stored: raw/x.pdf
    file: pathlib.Path
    sha256: str
    format: str
    encoding: Optional[str]
    source_url: Optional[str]
    n_pages: Optional[int]

    @property
    def content_type(self) -> str:
        kind = CONTENT_TYPES.get(self.format, "application/octet-stream")
        if self.format in TEXT_FORMATS:  # mostly UTF-8 with some Windows-1252 bytes: declared UTF-8
            kind += f"; charset={(self.encoding or 'utf-8').split('+')[0]}"
        return kind

    def headers(self) -> dict:
        """The headers the file is served with: inline under its own name, not sniffed, sandboxed
        unless a PDF."""
        name = posixpath.basename(self.rel)
        ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("\\", "_")
        headers = dict(BASE_HEADERS)
        headers["Content-Disposition"] = f"inline; filename=\"{ascii_name}\"; " \
                                         f"filename*=UTF-8''{urllib.parse.quote(name)}"
        if self.format != "pdf":
            headers["Content-Security-Policy"] = SANDBOX
        return headers


def find_original(conn: sqlite3.Connection, raw_dir: pathlib.Path, document_id: str) -> Original:
    """The document `document_id` and the first of its stored paths that is a file under raw_dir.
    A stored path that is absolute, climbs out with `..`, or resolves outside raw_dir is never used."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row  # this cursor's rows only: the connection may be Datasette's
    row = cursor.execute("select * from documents where id = ?", [document_id]).fetchone()
    if row is None:
        raise OriginalUnavailable(404, f"no document {document_id} in this database")
    row = dict(row)
    rels = [row["path"]] + [p for p in _stored_paths(row.get("paths")) if p != row["path"]]
    raw_dir = pathlib.Path(raw_dir).resolve()
    for rel in rels:
        file = locate(raw_dir, rel)
        if file is not None:
            return Original(row["id"], rel, file, row["sha256"], row["format"], row.get("encoding"),
                            row.get("source_url"), row.get("n_pages"))
    raise OriginalUnavailable(410, f"{row['path']} is no longer in {raw_dir} (the raw folder this server was "
                                   f"given with --raw): it was moved or deleted since the build")


def locate(raw_dir: pathlib.Path, rel: str) -> Optional[pathlib.Path]:
    """The file a stored path names under raw_dir (resolved), or None when it is not a file there.
    Stored paths are relative to raw_dir's parent (the build's root)."""
    parts = pathlib.PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or ".." in parts or "\\" in rel:
        return None
    file = raw_dir.parent.joinpath(*parts)
    try:  # the build read a link by its name (ingest.relative_name): its folders must be inside raw_dir
        file.parent.resolve().relative_to(raw_dir)
    except ValueError:
        return None
    return file if file.is_file() else None


def read_original(original: Original) -> bytes:
    """The file's bytes, only if they are still those the database was built from."""
    try:
        data = original.file.read_bytes()
    except OSError as exc:
        raise OriginalUnavailable(410, f"{original.rel} cannot be read ({exc.strerror})") from None
    if hashlib.sha256(data).hexdigest() != original.sha256:
        raise OriginalUnavailable(409, f"{original.rel} changed since the build: its content is no longer the one "
                                       f"the claims were read from (rebuild the database to serve the new file)")
    return data


def load_original(conn: sqlite3.Connection, raw_dir: pathlib.Path, document_id: str) -> tuple[Original, bytes]:
    original = find_original(conn, raw_dir, document_id)
    return original, read_original(original)


def _stored_paths(paths: Optional[str]) -> list[str]:
    try:
        found = json.loads(paths) if paths else []
    except ValueError:
        return []
    return [p for p in found if isinstance(p, str)] if isinstance(found, list) else []
