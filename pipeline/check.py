"""Invariants of a built database, checked after every build and by `claims-pipeline check`."""
from __future__ import annotations

import pathlib
import sqlite3

SPAN_TABLES = ["paragraphs", "sentences", "mentions", "dates", "money", "claims", "notes", "bibliography"]
MAX_LISTED = 20


def check_database(db_path: pathlib.Path) -> list[str]:
    """Return one line per violation (empty when the database is consistent)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    problems: list[str] = []
    texts = dict(conn.execute("select id, text from documents"))
    for table in SPAN_TABLES:
        bad = 0
        for row_id, doc_id, start, end, text in conn.execute(
                f'select id, document_id, start, "end", text from {table}'):
            source = texts.get(doc_id)
            if source is None or source[start:end] != text:
                bad += 1
                if bad <= MAX_LISTED:
                    problems.append(f"{table} {row_id}: text does not equal documents.text[{start}:{end}]")
        if bad > MAX_LISTED:
            problems.append(f"{table}: {bad - MAX_LISTED} more span mismatches")
    for table, row_id, parent, _ in conn.execute("pragma foreign_key_check"):
        problems.append(f"{table} {row_id}: foreign key to {parent} does not resolve")
    for (claim_id,) in conn.execute(
            'select c.id from claims c left join sentences s on s.id = c.sentence_id '
            'where s.id is null or s.document_id != c.document_id or c.start < s.start or c."end" > s."end"'):
        problems.append(f"claims {claim_id}: not inside its sentence")
    for sha, n in conn.execute("select sha256, count(*) from documents group by sha256 having count(*) > 1"):
        problems.append(f"documents: {n} rows share sha256 {sha}")
    if not conn.execute("select count(*) from runs where finished is not null").fetchone()[0]:
        problems.append("runs: no finished build recorded")
    conn.close()
    return problems
