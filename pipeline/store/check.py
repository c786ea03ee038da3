"""Invariants of a built database, checked after every build (before the new database replaces the
old one) and by `claims-pipeline check`.

- every stored span's text equals documents.text[start:end];
- every foreign key resolves, and a row's sentence belongs to the row's own document;
- every claim lies inside one document and inside its sentence;
- a note and the work it cites belong to one document;
- no two documents share a sha256 or a path, and a document's id is the start of its sha256
  (the stable id scheme, corpus/ids.py: a link to a document names its file's content);
- runs records the build (a finished run counting the documents stored).

Span tables (those with document_id, start, end and text columns) are read document by document,
one document's text in memory at a time.
"""
from __future__ import annotations

import collections
import json
import pathlib
import sqlite3

# A table whose rows have these columns holds spans of documents.text; one with these, rows
# pointing at a sentence of their own document.
SPAN_COLUMNS = {"document_id", "start", "end", "text"}
SENTENCE_COLUMNS = {"document_id", "sentence_id"}
MAX_LISTED = 20  # per kind of violation; the rest are counted


class _Problems:
    """Violation lines, at most MAX_LISTED of each kind; the rest counted."""

    def __init__(self):
        self.lines: list[str] = []
        self.listed: collections.Counter = collections.Counter()
        self.more: collections.Counter = collections.Counter()

    def add(self, kind: str, line: str) -> None:
        if self.listed[kind] < MAX_LISTED:
            self.listed[kind] += 1
            self.lines.append(line)
        else:
            self.more[kind] += 1

    def result(self) -> list[str]:
        return self.lines + [f"{kind}: {n} more" for kind, n in self.more.items()]


class UnreadableDatabase(Exception):
    """A database file that cannot be read: missing, empty, not SQLite, truncated or damaged."""

    def __init__(self, path: pathlib.Path, reason: str):
        super().__init__(f"{path} {reason}")
        self.path, self.reason = path, reason


SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100


def ensure_readable(db_path: pathlib.Path) -> None:
    """Raise UnreadableDatabase unless db_path is a whole SQLite database whose schema reads: the
    header is SQLite's, the file holds every page the header counts, and sqlite_master reads."""
    path = pathlib.Path(db_path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(HEADER_BYTES)
    except FileNotFoundError:
        raise UnreadableDatabase(path, "does not exist") from None
    except OSError as exc:
        raise UnreadableDatabase(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise UnreadableDatabase(path, "is empty (0 bytes), not a SQLite database")
    if not header.startswith(SQLITE_MAGIC) and not SQLITE_MAGIC.startswith(header):
        raise UnreadableDatabase(path, "is not a SQLite database (it does not start with 'SQLite format 3')")
    if len(header) < HEADER_BYTES:
        raise UnreadableDatabase(path, f"is truncated ({size:,} bytes, shorter than a SQLite header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")  # valid when "version-valid-for" equals the change counter
    if pages and header[92:96] == header[24:28] and size < pages * page_size:
        raise UnreadableDatabase(path, f"is truncated ({size:,} bytes of the {pages * page_size:,} its header counts)")
    try:
        read_columns(path)
    except sqlite3.DatabaseError as exc:
        raise UnreadableDatabase(path, f"is not a readable SQLite database ({exc})") from None


def read_columns(db: pathlib.Path) -> dict[str, set[str]]:
    """table -> column names of a database file, read without writing anything to it."""
    conn = sqlite3.connect(f"file:{pathlib.Path(db).resolve()}?mode=ro&immutable=1", uri=True)
    try:
        return _columns(conn)
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [row[0] for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
    return {table: {row[1] for row in conn.execute(f'pragma table_info("{table}")')} for table in tables}


def check_database(db_path: pathlib.Path) -> list[str]:
    """Return one line per violation (empty when the database is consistent); raise
    UnreadableDatabase when it is no database or a damaged one (ensure_readable)."""
    ensure_readable(db_path)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return _check(conn)
    except sqlite3.DatabaseError as exc:  # damage further in than the schema
        raise UnreadableDatabase(pathlib.Path(db_path), f"is damaged ({exc})") from None
    finally:
        conn.close()


def check_update(conn: sqlite3.Connection, document_ids: list[str]) -> list[str]:
    """The invariants an update in place (store.update_database) could break, on its open
    connection before it commits: those of the rows of the documents it added (spans, sentences,
    claims, notes), and the cheap ones of the whole database (documents, paths, runs). Foreign keys
    are checked by `claims-pipeline check`, which reads every row."""
    conn.execute("create temp table if not exists checked_documents (id text primary key)")
    conn.execute("delete from checked_documents")
    conn.executemany("insert or ignore into checked_documents values (?)", [(d,) for d in document_ids])
    try:
        return _check(conn, only_added=True)
    finally:
        conn.execute("delete from checked_documents")


def _check(conn: sqlite3.Connection, only_added: bool = False) -> list[str]:
    problems = _Problems()
    columns = _columns(conn)
    missing = {"documents", "runs"} - set(columns)
    if missing:
        return [f"{table}: table missing" for table in sorted(missing)]
    # the rows checked: all, or those of the documents an update added
    scope = " and t.document_id in (select id from temp.checked_documents)" if only_added else ""
    _check_spans(conn, sorted(t for t, names in columns.items() if SPAN_COLUMNS <= names), problems, only_added)
    if not only_added:
        for table, row_id, parent, _ in conn.execute("pragma foreign_key_check"):
            problems.add(f"{table} foreign keys", f"{table} {row_id}: foreign key to {parent} does not resolve")
    # Claims are held to more below: inside their sentence (so in its document too), reported there once.
    for table in sorted(t for t, names in columns.items() if SENTENCE_COLUMNS <= names and t != "claims"):
        if "sentences" in columns:
            for (row_id,) in conn.execute(
                    f'select t.id from "{table}" t join sentences s on s.id = t.sentence_id '
                    f'where s.document_id != t.document_id{scope}'):
                problems.add(f"{table} sentences", f"{table} {row_id}: its sentence is in another document")
    if "claims" in columns:
        for (claim_id,) in conn.execute(
                'select t.id from claims t left join sentences s on s.id = t.sentence_id '
                'where (s.id is null or s.document_id != t.document_id or t.start < s.start or t."end" > s."end")'
                + scope):
            problems.add("claims in sentences", f"claims {claim_id}: not inside its sentence")
    if {"note_bibliography", "notes", "bibliography"} <= set(columns):
        for note_id, bib_id in conn.execute(
                "select nb.note_id, nb.bibliography_id from note_bibliography nb "
                "join notes n on n.id = nb.note_id join bibliography b on b.id = nb.bibliography_id "
                "where n.document_id != b.document_id"
                + (" and n.document_id in (select id from temp.checked_documents)" if only_added else "")):
            problems.add("note_bibliography", f"note_bibliography ({note_id}, {bib_id}): note and work in different documents")
    for sha, n in conn.execute("select sha256, count(*) from documents group by sha256 having count(*) > 1"):
        problems.add("documents sha256", f"documents: {n} rows share sha256 {sha}")
    for doc_id, sha in conn.execute("select id, sha256 from documents where sha256 is null "
                                    "or substr(sha256, 1, length(id)) != id"):
        problems.add("documents ids", f"documents {doc_id}: its id is not the start of its sha256 {sha}")
    _check_paths(conn, "paths" in columns["documents"], problems)
    _check_runs(conn, problems)
    return problems.result()


def _check_spans(conn, tables: list[str], problems: _Problems, only_added: bool = False) -> None:
    """Every span of every table (of the documents checked), document by document: each
    document's text is read once."""
    scope = " where id in (select id from temp.checked_documents)" if only_added else ""
    for doc_id, text in conn.execute(f"select id, text from documents{scope} order by id"):
        text = text or ""
        for table in tables:
            for row_id, start, end, stored in conn.execute(
                    f'select id, start, "end", text from "{table}" where document_id = ? order by id', (doc_id,)):
                if start is None or end is None or not 0 <= start <= end <= len(text):
                    problems.add(f"{table} spans", f"{table} {row_id}: span [{start}:{end}] outside its document")
                elif text[start:end] != stored:
                    problems.add(f"{table} spans", f"{table} {row_id}: text does not equal documents.text[{start}:{end}]")
    for table in ([] if only_added else tables):
        for row_id, row_doc in conn.execute(
                f'select id, document_id from "{table}" where document_id is null '
                f'or document_id not in (select id from documents) order by id'):
            problems.add(f"{table} spans", f"{table} {row_id}: document {row_doc} does not exist")


def _check_paths(conn, has_paths: bool, problems: _Problems) -> None:
    owner: dict[str, int] = {}
    query = "select id, path, paths from documents" if has_paths else "select id, path, null from documents"
    for doc_id, path, paths in conn.execute(query):
        try:
            names = json.loads(paths) if paths else [path]
        except ValueError:
            problems.add("documents paths", f"documents {doc_id}: paths is not a JSON list")
            continue
        if path not in names:
            problems.add("documents paths", f"documents {doc_id}: path {path!r} missing from paths")
        for name in names:
            if name in owner:
                problems.add("documents paths", f"documents {doc_id}: path {name!r} also belongs to document {owner[name]}")
            owner[name] = doc_id


def _check_runs(conn, problems: _Problems) -> None:
    last = conn.execute("select id, n_documents from runs where finished is not null order by id desc limit 1").fetchone()
    if last is None:
        problems.add("runs", "runs: no finished build recorded")
        return
    stored = conn.execute("select count(*) from documents").fetchone()[0]
    if last[1] != stored:
        problems.add("runs", f"runs {last[0]}: records {last[1]} documents, the database holds {stored}")
