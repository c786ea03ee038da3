"""Every row of every table of a database, for comparing two builds of the same sources."""
from __future__ import annotations

import pathlib
import sqlite3

# Columns that say when and how a build ran, not what it built.
RUN_COLUMNS = {"runs"}


def dump_tables(db: pathlib.Path, skip: set[str] = RUN_COLUMNS) -> dict[str, list[tuple]]:
    """table -> its rows, sorted (row order on disk is not part of the contract), `skip` left out.
    A full-text index is not compared by its shadow tables (keyed by rowids, which follow the order
    rows were written in): SQLite's integrity-check verifies it indexes exactly its table's rows."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like '%_fts%' "
            "and name not like 'sqlite_%' order by name")]
        dumped = {t: sorted(conn.execute(f'select * from "{t}"'), key=repr) for t in tables if t not in skip}
        for (fts,) in conn.execute("select name from sqlite_master where type = 'table' and name like '%_fts' "
                                   "and sql like 'create virtual table%'").fetchall():
            try:
                conn.execute(f'insert into "{fts}"("{fts}") values (\'integrity-check\')')
                dumped[fts] = [("consistent",)]
            except sqlite3.DatabaseError as exc:
                dumped[fts] = [(f"inconsistent: {exc}",)]
        return dumped
    finally:
        conn.close()


def differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]], shown: int = 3) -> list[str]:
    """Lines saying which tables differ, with a few rows only one side has."""
    lines = []
    for table in sorted(set(a) | set(b)):
        rows_a, rows_b = set(a.get(table, [])), set(b.get(table, []))
        if rows_a != rows_b:
            only_a, only_b = sorted(rows_a - rows_b, key=repr), sorted(rows_b - rows_a, key=repr)
            lines.append(f"{table}: {len(only_a)} rows only in the first, {len(only_b)} only in the second; "
                         f"first {only_a[:shown]}; second {only_b[:shown]}")
    return lines
