"""Where a build's source files and cache live: a local folder (pathlib, as always), or an fsspec
URL (`file:///data/raw`, `memory://raw`, `s3://bucket/raw` where its fsspec package and
credentials are installed), reached through universal-pathlib's UPath, pathlib's interface over
fsspec.

A URL's files are listed (every file below it of a supported type, in name order; object stores
have no links to follow) and read through fsspec: hashed while the build plans, and copied to a
temporary local file for the worker that reads it (the PDF, Word and HTML readers want a file).
The path a document is stored under is the folder's name and the file's path inside it
(`raw/report.pdf`), as for a local folder.

`memory://` is the memory of one process: the build's worker processes, forked when they start,
see the files written before, and what they write (cache entries) stays theirs. A cluster needs
storage every worker reaches.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
import shutil
import tempfile
from typing import Iterator, Union

from .. import ingest

READ_BLOCK = 1 << 20


def is_url(location) -> bool:
    """True for an fsspec URL (`proto://...`, or a UPath), False for a local path."""
    return _is_upath(location) or (isinstance(location, str) and "://" in location)


def _is_upath(location) -> bool:
    if isinstance(location, str) or type(location).__module__ == "pathlib":
        return False  # the common case, without an import statement run per file
    try:
        from upath import UPath
    except ImportError:
        return False
    return isinstance(location, UPath)


def location(text) -> Union[pathlib.Path, "UPath"]:  # noqa: F821
    """A local path as a pathlib.Path, a URL as a UPath (fsspec)."""
    if _is_upath(text):
        return text
    if is_url(text):
        try:
            from upath import UPath
        except ImportError:
            raise ValueError(f"{text}: a URL needs universal-pathlib (a dependency: pip install -e .)") from None
        try:
            return UPath(str(text))
        except (ValueError, ImportError) as exc:  # an unknown protocol, or its fsspec package missing
            raise ValueError(f"{text}: {exc}") from None
    return pathlib.Path(text)


def iter_source_files(raw, on_skip=None):
    """ingest.iter_source_files for a local folder; list_source_files for a URL."""
    if is_url(raw):
        return iter(list_source_files(raw))
    return ingest.iter_source_files(raw, on_skip=on_skip)


def list_source_files(raw) -> list:
    """Every file of a supported type below the URL `raw`, in path order."""
    found = [path for path in raw.rglob("*")
             if path.suffix.lower() in ingest.SUPPORTED_SUFFIXES and path.is_file()]
    return sorted(found, key=lambda path: path.relative_to(raw).as_posix())


def relative_name(path, root) -> str:
    """The path a file is stored under: relative to `root` (the folder holding the raw folder)."""
    if _is_upath(path):
        return path.relative_to(root).as_posix()
    return ingest.relative_name(path, root)


def sha256_file(path) -> str:
    if not _is_upath(path):
        return ingest.sha256_file(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(READ_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def file_name(path) -> str:
    """What a worker is told to read: a local file's absolute path, or the URL."""
    return str(path) if _is_upath(path) else ingest.absolute_name(path)


@contextlib.contextmanager
def local_file(name: str, max_text_bytes: int) -> Iterator[pathlib.Path]:
    """A local path holding the file `name` (file_name's): the path itself, or, for a URL, a
    temporary copy with its suffix. No more than ingest would read of it is copied: a larger one
    is copied as a file of its size without its bytes, which ingest rejects unread, as it would
    the original."""
    if not is_url(name):
        yield pathlib.Path(name)
        return
    source = location(name)
    fmt = ingest.SUPPORTED_SUFFIXES.get(source.suffix.lower())
    limit = max_text_bytes * (ingest.PDF_SIZE_FACTOR if fmt in ingest.PACKED_FORMATS else 1)
    with tempfile.TemporaryDirectory(prefix="claims-pipeline-") as folder:
        copy = pathlib.Path(folder) / f"copy{source.suffix}"
        try:
            with source.open("rb") as remote, open(copy, "wb") as handle:
                size = source.stat().st_size
                if size <= limit:
                    shutil.copyfileobj(remote, handle, READ_BLOCK)
                else:
                    handle.truncate(size)
        except (OSError, ValueError):  # ingest reports it, naming the file: the copy is missing
            copy.unlink(missing_ok=True)
        yield copy


def write_atomically(path, data: bytes) -> None:
    """Write a URL's bytes through a temporary name beside it, moved into place (on an object
    store the move is a copy: its writes are whole anyway)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.fs.mv(tmp.path, path.path)
