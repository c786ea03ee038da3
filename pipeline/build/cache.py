"""The per-document cache in extracted/cache/: what lets a rebuild skip work already done.

Two levels, so that a change invalidates exactly what depends on it:

- **parse** entries hold a document after ingest, clean and spaCy: the CleanDocument plus the
  spaCy Docs of its prose paragraphs (a DocBin). Key: the file's sha256 and format, the files of
  types.py, lexicon.py, ingest/, clean/ and nlp.py, the entity patterns, the spaCy version and the
  model's name and version.
- **result** entries hold the DocResult (what the database rows are made from). Key: the parse key
  plus the files of extract/ and its data files (aliases.json, topics.txt).

So editing extract/claims/ or aliases.json re-runs only the extraction rules over cached parses (no
spaCy); editing clean/ or the model re-parses; editing corpus/ or store/ invalidates nothing,
because the cross-document steps are recomputed from the cached rows on every build.
Bump PIPELINE_VERSION to invalidate everything.

Each stage names the files it depends on in STAGE_FILES (packages, modules, data files); its
fingerprint hashes those files' bytes, the pipeline version and the versions of its libraries.

Entries are written to a temporary file and renamed into place (a killed build leaves either the
old entry or the new one), and carry a checksum of their payload: an entry that is truncated,
corrupt or written by another version is reported as a miss and rebuilt, never trusted. So is one
that cannot be read at all (a folder or a link where the entry should be, no permission): it is
reported, removed and written again, never a traceback on every build.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import os
import pathlib
import shutil
import sys
import time
import zlib
from dataclasses import fields, is_dataclass
from typing import Optional, Sequence

from .. import PIPELINE_VERSION, nlp
from ..types import CleanDocument, DocResult

PACKAGE_DIR = pathlib.Path(__file__).parents[1]
MAGIC = b"claims-pipeline-cache 2\n"
# What each stage's output depends on, relative to pipeline/: a folder stands for every file in it.
# Declared, not discovered: a stage may import only itself and earlier stages (tests/test_layering.py),
# and tests/test_build_cache.py checks that every module those stages can import is named here.
STAGE_FILES = {
    "ingest": ["__init__.py", "types.py", "lexicon.py", "ingest/"],
    "clean": ["clean/"],
    "nlp": ["nlp.py", "data/entity_patterns.jsonl"],
    "extract": ["extract/", "data/aliases.json", "data/topics.txt"],
    # not a cache level: the runs row records it, and a database is updated in place only by the
    # code that wrote it (store/, corpus/ across documents)
    "store": ["store/", "corpus/"],
}
# The cache levels: a parse entry holds what ingest, clean and nlp made; a result entry adds extract.
PARSE_STAGES = ("ingest", "clean", "nlp")
RESULT_STAGES = PARSE_STAGES + ("extract",)
# Libraries whose version changes what a stage produces.
STAGE_LIBRARIES = {"ingest": ["pdfplumber", "pdfminer.six", "python-docx", "trafilatura", "tesserocr", "pypdfium2"],
                   "clean": ["jusText"], "nlp": ["spacy"]}
COMPRESSION_LEVEL = 1  # zlib: fast; entries are mostly text and compress ~4x
STALE_TMP_SECONDS = 3600


class CorruptEntry(Exception):
    """A cache entry that cannot be trusted: truncated, altered, or from another format version."""


# ----------------------------------------------------------------------------------------------
# Keys


@functools.lru_cache(maxsize=None)
def _read(path: pathlib.Path) -> bytes:
    """A pipeline source or data file, read once per process."""
    return path.read_bytes()


def stage_files(stage: str) -> list[pathlib.Path]:
    """The source and data files STAGE_FILES names for a stage (folders expanded, caches skipped)."""
    files: set[pathlib.Path] = set()
    for name in STAGE_FILES[stage]:
        path = PACKAGE_DIR / name
        if name.endswith("/"):
            files.update(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        else:
            files.add(path)
    return sorted(files)


def _library_versions(stage: str) -> list[str]:
    versions = []
    for name in STAGE_LIBRARIES.get(stage, []):
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}==none")
    return versions


def _hash_files(digest, files, base: pathlib.Path, read=_read):
    """Add each file's name (relative to base) and bytes to digest."""
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + read(path) + b"\0")
    return digest


@functools.lru_cache(maxsize=None)
def stage_fingerprint(stage: str) -> str:
    """A short hash of everything a stage's output depends on (its code, data and libraries)."""
    digest = _hash_files(hashlib.sha256(PIPELINE_VERSION.encode()), stage_files(stage), PACKAGE_DIR)
    digest.update("\n".join(_library_versions(stage)).encode())
    return digest.hexdigest()[:16]


def classifier_fingerprint(folder: pathlib.Path) -> str:
    """A short hash of every file of the check-worthiness classifier: a retrained one re-extracts."""
    folder = pathlib.Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    # read afresh, not through _read's per-process memo: a model retrained in this process must show
    return _hash_files(hashlib.sha256(), files, folder, read=pathlib.Path.read_bytes).hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def model_fingerprint(model: str) -> str:
    """Name and version of a spaCy pipeline, read from its meta.json without importing spaCy
    (once per process: every document's keys include it)."""
    folder = nlp.model_folder(model)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8")) if folder else None
    except (OSError, ValueError):
        meta = None
    if meta is None:
        return model  # not installed: loading it fails later with a clear message
    return f"{meta.get('lang', 'xx')}_{meta.get('name', model)}-{meta.get('version', '0')}"


def ocr_fingerprint(ocr: bool) -> str:
    """What reads a PDF's scanned pages in this build: the OCR engine and its language data, or
    why nothing does (OCR off, Tesseract missing). Part of a PDF's parse key, so turning OCR on or
    off, or installing Tesseract, reads scans again, and only PDFs."""
    if not ocr:
        return "ocr=off"
    from ..ingest.pdf import ocr as ocr_stage

    engine, _ = ocr_stage.ocr_engine()
    return f"ocr={engine.fingerprint}" if engine else "ocr=missing"


def document_keys(sha256: str, fmt: str, model: str, claim_model: str = "", ocr: str = "") -> tuple[str, str]:
    """(parse key, result key) of one document's cache entries. `claim_model` is the fingerprint
    of the check-worthiness model extraction scores sentences with (a retrained one re-extracts);
    `ocr` the OCR's (ocr_fingerprint), counted for PDFs only."""
    parts = [sha256, fmt, *(stage_fingerprint(stage) for stage in PARSE_STAGES),
             model_fingerprint(model), f"py{sys.version_info[0]}.{sys.version_info[1]}"]
    if fmt == "pdf" and ocr:
        parts.append(ocr)
    parse = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    later = [stage_fingerprint(stage) for stage in RESULT_STAGES[len(PARSE_STAGES):]]
    result = hashlib.sha256("\0".join([parse, *later, claim_model]).encode()).hexdigest()[:16]
    return parse, result


# ----------------------------------------------------------------------------------------------
# Dataclasses <-> JSON, compactly: a list of rows is stored as field names plus value lists.


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    import typing

    return typing.get_type_hints(cls)


def _row_class(hint):
    """The dataclass of `list[SomeDataclass]`, else None."""
    import typing

    args = typing.get_args(hint)
    if typing.get_origin(hint) is list and args and is_dataclass(args[0]):
        return args[0]
    return None


def _is_tuple_list(hint) -> bool:
    import typing

    args = typing.get_args(hint)
    return typing.get_origin(hint) is list and bool(args) and typing.get_origin(args[0]) is tuple


def encode_dataclass(obj) -> dict:
    data = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        row_class = _row_class(_hints(type(obj))[f.name])
        if row_class is not None:
            names = [g.name for g in fields(row_class)]
            data[f.name] = {"fields": names, "rows": [[getattr(item, n) for n in names] for item in value]}
        elif is_dataclass(value):
            data[f.name] = encode_dataclass(value)
        else:
            data[f.name] = value
    return data


def decode_dataclass(cls, data: dict):
    hints = _hints(cls)
    kwargs = {}
    for name, value in data.items():
        if name not in hints:
            raise CorruptEntry(f"unknown field {cls.__name__}.{name}")
        hint = hints[name]
        row_class = _row_class(hint)
        if row_class is not None:
            kwargs[name] = _decode_rows(row_class, value)
        elif is_dataclass(hint):
            kwargs[name] = decode_dataclass(hint, value)
        elif _is_tuple_list(hint):
            kwargs[name] = [tuple(item) for item in value]
        else:
            kwargs[name] = value
    return cls(**kwargs)


@functools.lru_cache(maxsize=None)
def _row_layout(cls) -> tuple[list[str], list[int]]:
    """A row dataclass's field names, and the positions of its list-of-tuples fields."""
    names = [f.name for f in fields(cls)]
    hints = _hints(cls)
    return names, [i for i, name in enumerate(names) if _is_tuple_list(hints[name])]


def _decode_rows(cls, table: dict) -> list:
    names, tuple_columns = _row_layout(cls)
    if table["fields"] != names:
        raise CorruptEntry(f"{cls.__name__} rows have other fields than this version's")
    rows = table["rows"]
    if tuple_columns:
        for values in rows:
            for i in tuple_columns:
                values[i] = [tuple(item) for item in values[i]]
    return [cls(*values) for values in rows]


def encode_result(result: DocResult) -> bytes:
    return json.dumps(encode_dataclass(result), ensure_ascii=False, separators=(",", ":")).encode()


def decode_result(payload: bytes) -> DocResult:
    return decode_dataclass(DocResult, json.loads(payload))


# ----------------------------------------------------------------------------------------------
# Entries on disk


class Cache:
    """Entries under `directory/parse/` and `directory/result/`, named `<sha256>-<key>`, in a local
    folder (FsspecCache: at a URL; open_cache picks)."""

    LEVELS = ("parse", "result")

    def __init__(self, directory: pathlib.Path):
        self.directory = pathlib.Path(directory)

    def path(self, level: str, sha256: str, key: str) -> pathlib.Path:
        return self.directory / level / entry_name(sha256, key)

    def write(self, path: pathlib.Path, parts: list[bytes], meta: Optional[dict] = None,
              compress: Optional[list[bool]] = None) -> None:
        """Write an entry atomically: a temporary file beside it, renamed into place. Parts are
        zlib-compressed unless `compress` says otherwise (a DocBin is compressed already). Whatever
        stands in the entry's place (a folder) is removed first; a file where its level's folder
        should be, too."""
        if path.parent.is_file() or path.parent.is_symlink() and not path.parent.is_dir():
            path.parent.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        header, parts = entry_parts(path.name, parts, meta, compress)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as handle:
                handle.write(header)
                for part in parts:
                    handle.write(part)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()

    def read(self, path: pathlib.Path) -> Optional[tuple[list[bytes], dict]]:
        """(parts, meta) of an entry; None when there is none; CorruptEntry when it cannot be trusted."""
        checked = self._read_checked(path)
        if checked is None:
            return None
        header, body = checked
        parts, offset = [], 0
        try:
            for size, z in zip(header["sizes"], header["compressed"]):
                part = body[offset:offset + size]
                parts.append(zlib.decompress(part) if z else part)
                offset += size
        except zlib.error as exc:
            raise CorruptEntry(f"{path.name}: {exc}") from None
        return parts, header.get("meta") or {}

    def _read_checked(self, path: pathlib.Path) -> Optional[tuple[dict, bytes]]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:  # a folder in its place, no permission, a broken disk block
            raise CorruptEntry(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
        if not data.startswith(MAGIC):
            raise CorruptEntry(f"{path.name}: not a cache entry of this version")
        newline = data.find(b"\n", len(MAGIC))
        try:
            header = json.loads(data[len(MAGIC):newline])
            sizes, expected, compressed = header["sizes"], header["checksum"], header["compressed"]
        except (ValueError, KeyError, TypeError):
            raise CorruptEntry(f"{path.name}: unreadable header") from None
        body = data[newline + 1:]
        if header.get("name") != path.name or len(body) != sum(sizes) or len(compressed) != len(sizes):
            raise CorruptEntry(f"{path.name}: truncated or misplaced ({len(body)} of {sum(sizes)} bytes)")
        if hashlib.blake2b(body, digest_size=16).hexdigest() != expected:
            raise CorruptEntry(f"{path.name}: checksum mismatch")
        return header, body

    def discard(self, path: pathlib.Path) -> None:
        """Remove an entry, or whatever stands in its place (a folder)."""
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass

    def prune(self, keep: set[tuple[str, str]]) -> int:
        """Delete entries not in `keep` ((level, entry_name) pairs: the entries of the documents
        planned; the others are from removed files, older code or another model) and temporary
        files left by killed builds. Returns how many were deleted."""
        deleted = 0
        for level in self.LEVELS:
            folder = self.directory / level
            if not folder.is_dir():
                continue
            for name in self._names(folder):
                if name.endswith(".tmp") and not is_stale_temporary(folder / name):
                    continue  # being written by a build running now
                if (level, name) in keep:
                    continue
                self.discard(folder / name)
                deleted += 1
        return deleted

    def _names(self, folder) -> list[str]:
        """The names in a level's folder (scandir: no path object per entry, 40,000 of them at
        20,000 documents)."""
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries]


def entry_name(sha256: str, key: str) -> str:
    """The name of a document's entry in its level's folder."""
    return f"{sha256}-{key}"


def entry_parts(name: str, parts: list[bytes], meta: Optional[dict], compress: Optional[list[bool]]
                ) -> tuple[bytes, list[bytes]]:
    """(MAGIC and the header line, the parts as stored) of the entry `name`."""
    compress = compress or [True] * len(parts)
    parts = [zlib.compress(part, COMPRESSION_LEVEL) if z else part for part, z in zip(parts, compress)]
    checksum = hashlib.blake2b(digest_size=16)
    for part in parts:
        checksum.update(part)
    header = {"name": name, "sizes": [len(p) for p in parts], "compressed": compress,
              "checksum": checksum.hexdigest(), "meta": meta or {}}
    return MAGIC + json.dumps(header).encode() + b"\n", parts


class FsspecCache(Cache):
    """The cache at an fsspec URL (storage.py): entries are UPaths (pathlib's interface, so reading
    and pruning are Cache's), written under a temporary name and moved into place."""

    def __init__(self, directory):
        self.directory = directory  # a UPath

    def write(self, path, parts: list[bytes], meta: Optional[dict] = None,
              compress: Optional[list[bool]] = None) -> None:
        from . import storage

        path.parent.mkdir(parents=True, exist_ok=True)
        header, parts = entry_parts(path.name, parts, meta, compress)
        storage.write_atomically(path, b"".join([header, *parts]))

    def _names(self, folder) -> list[str]:
        return [path.name for path in folder.iterdir()]

    def discard(self, path) -> None:
        try:
            path.fs.rm(path.path, recursive=True)
        except FileNotFoundError:
            pass


def open_cache(directory) -> Cache:
    """The cache in a local folder, or at an fsspec URL (storage.location)."""
    from . import storage

    where = storage.location(directory)
    return FsspecCache(where) if storage.is_url(where) else Cache(where)


def is_stale_temporary(path: pathlib.Path) -> bool:
    """True for a temporary file `<name>.<pid>.tmp` whose writer is gone (killed), or that is old."""
    try:
        pid = int(path.name.rsplit(".", 2)[-2])
    except (ValueError, IndexError):
        pid = None
    if pid is not None and pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
    try:
        return time.time() - path.stat().st_mtime > STALE_TMP_SECONDS
    except FileNotFoundError:
        return False


# ----------------------------------------------------------------------------------------------
# What the two levels hold


def save_result(cache: Cache, path: pathlib.Path, result: DocResult) -> None:
    """An entry is keyed by content, so it keeps no file names: the same content under another name
    (a file renamed or copied) uses the same entry."""
    cache.write(path, [encode_result(dataclasses.replace(result, path="", paths=[]))])


def load_result(cache: Cache, path: pathlib.Path, paths: Sequence[str]) -> Optional[DocResult]:
    """The cached result of a document found under `paths` (the first is the one it is stored under)."""
    entry = cache.read(path)
    if entry is None:
        return None
    try:
        return dataclasses.replace(decode_result(entry[0][0]), path=paths[0], paths=list(paths))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise CorruptEntry(f"{path.name}: {type(exc).__name__}: {exc}") from None


def save_parse(cache: Cache, path: pathlib.Path, clean: Optional[CleanDocument], info: dict,
               docbin: bytes = b"") -> None:
    """A parsed document: its CleanDocument, `info` (format, n_pages, ... or the rejection reason)
    and the DocBin of its prose paragraphs."""
    clean_json = json.dumps(encode_dataclass(clean) if clean else None, ensure_ascii=False,
                            separators=(",", ":")).encode()
    cache.write(path, [clean_json, docbin], meta=info, compress=[True, False])


def load_parse(cache: Cache, path: pathlib.Path) -> Optional[tuple[Optional[CleanDocument], dict, bytes]]:
    entry = cache.read(path)
    if entry is None:
        return None
    (clean_json, docbin), info = entry
    try:
        data = json.loads(clean_json)
        clean = decode_dataclass(CleanDocument, data) if data is not None else None
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise CorruptEntry(f"{path.name}: {type(exc).__name__}: {exc}") from None
    return clean, info, docbin
