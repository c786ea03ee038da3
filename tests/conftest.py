"""Shared fixtures: the real spaCy model and one database built from the project's corpus."""
from __future__ import annotations

import pathlib
import sqlite3

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from pipeline import nlp as nlp_stage

    return nlp_stage.load_model()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    """extracted/claims.db built from raw/ by the CLI, once per test session."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    db = tmp_path_factory.mktemp("corpus") / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(RAW), "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db


def build_corpus_with(base: pathlib.Path, extra: dict, db_name: str, make=None) -> pathlib.Path:
    """base/raw: the corpus plus `extra` (file name -> text), `make(raw)` writing more (a PDF), built
    by the CLI into base/<db_name>.db; returns the database's path."""
    import shutil

    from click.testing import CliRunner

    from pipeline.cli import cli

    raw = base / "raw"
    shutil.copytree(RAW, raw)
    for name, text in extra.items():
        (raw / name).write_text(text, encoding="utf-8")
    if make is not None:
        make(raw)
    db = base / f"{db_name}.db"
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return db


def copy_small_corpus(base: pathlib.Path, n: int = 3) -> pathlib.Path:
    """A project folder with base/raw/ holding the n smallest text documents of raw/ (quick builds)."""
    import shutil

    (base / "raw").mkdir(parents=True)
    for path in sorted(RAW.glob("*.txt"), key=lambda p: p.stat().st_size)[:n]:
        shutil.copy(path, base / "raw" / path.name)
    return base


# The runs row's columns that say when and how a build ran, not what it stored.
RUN_TIMING = {"started", "finished", "seconds", "jobs"}


def dump_database(db) -> dict:
    """Every table (full-text indexes and their shadow tables too) as its rows in rowid order; the
    runs table without RUN_TIMING. Equal dumps: the same database."""
    conn = sqlite3.connect(db)
    tables = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table' "
                                             "and name not like 'sqlite_%' order by name")]
    out = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f'pragma table_info("{table}")')]
        kept = [c for c in columns if not (table == "runs" and c in RUN_TIMING)]
        select = ", ".join(f'"{c}"' for c in kept)
        try:
            out[table] = (kept, conn.execute(f'select {select} from "{table}" order by rowid').fetchall())
        except sqlite3.OperationalError:  # a table without rowid: its rows in key order
            out[table] = (kept, conn.execute(f'select {select} from "{table}" order by 1, 2').fetchall())
    conn.close()
    return out
