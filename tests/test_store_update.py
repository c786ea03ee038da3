"""Updates in place: a database updated with what changed in raw/ holds exactly the rows a cold
build of the same raw/ writes (every table), over random sequences of additions, removals, edits
and renames; a killed update leaves the previous database, readable all along."""
from __future__ import annotations

import os
import pathlib
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from pipeline.build import run as build_run

from .conftest import RAW, ROOT
from .db_dump import differences, dump_tables
from .test_corpus_citations import CITED, CITING, LISTED

# Documents that meet across documents: one entity under a national qualifier and an acronym, one
# funding event told by three documents (two figures: a conflict), a page cited by another and a
# second document giving the same page as its source.
FUNDING_A = """Quantum funding in Chicago

The National Science Foundation (NSF) announced a $20 million quantum programme in 2023. IBM and Google pledged $150 million in support to the University of Chicago in May 2023. The NSF said the programme would run for five years.
"""
FUNDING_B = """Partnerships across the Pacific

The US National Science Foundation launched a partnership with Japan in 2022. IBM and Google pledged $150 million to the University of Chicago and the University of Tokyo in May 2023.
"""
FUNDING_C = """A smaller pledge

IBM and Google pledged $100 million to the University of Chicago in May 2023, according to the university. The US National Science Foundation welcomed the gift.
"""
CITED_AGAIN = CITED.replace("signed the Tokyo Statement", "agreed the Tokyo Statement")
POOL = {"a_cited.txt": CITED, "b_citing.txt": CITING, "c_listed.txt": LISTED, "d_funding.txt": FUNDING_A,
        "e_funding.txt": FUNDING_B, "f_funding.txt": FUNDING_C, "g_cited_again.txt": CITED_AGAIN,
        "h_tokyo.txt": (RAW / "001_7fdc4a5a97e6d64f.txt").read_text(encoding="utf-8"),
        "i_ibm.txt": (RAW / "004_575518a86cfd2b6d.txt").read_text(encoding="utf-8")}


def _build(raw: pathlib.Path, db: pathlib.Path, cache: pathlib.Path, update: bool) -> build_run.BuildReport:
    return build_run.build(raw, db, cache_dir=cache, update=update, jobs=1)


def _project(tmp_path: pathlib.Path, names) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    """(raw/ holding these documents of the pool, the database, the cache) under tmp_path."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in names:
        (raw / name).write_text(POOL[name], encoding="utf-8")
    return raw, tmp_path / "claims.db", tmp_path / "cache"


def _step(rng: random.Random, raw: pathlib.Path, n: int) -> str:
    """One random change to raw/: add a document of the pool, remove, edit or rename one."""
    present = sorted(p.name for p in raw.iterdir())
    absent = sorted(set(POOL) - set(present))
    moves = (["add"] * 2 if absent else []) + (["remove", "edit", "rename"] if len(present) > 1 else [])
    move = rng.choice(moves)
    if move == "add":
        name = rng.choice(absent)
        (raw / name).write_text(POOL[name], encoding="utf-8")
    elif move == "remove":
        name = rng.choice(present)
        (raw / name).unlink()
    elif move == "edit":
        name = rng.choice(present)
        path = raw / name
        path.write_text(path.read_text(encoding="utf-8") + f"\nThe ministry opened a new office in Osaka in 20{10 + n}.\n",
                        encoding="utf-8")
    else:
        name = rng.choice(present)
        (raw / name).rename(raw / ("z_" + name))
    return f"{move} {name}"


@pytest.mark.parametrize("seed", [1, 2])
def test_updates_equal_cold_builds(tmp_path, seed):
    rng = random.Random(seed)
    raw = tmp_path / "raw"
    raw.mkdir()
    others = sorted(set(POOL) - {"d_funding.txt", "e_funding.txt"})
    for name in ["d_funding.txt", "e_funding.txt", *rng.sample(others, 2)]:  # a merge to undo or keep
        (raw / name).write_text(POOL[name], encoding="utf-8")
    cache, updated, cold = tmp_path / "cache", tmp_path / "updated.db", tmp_path / "cold.db"
    first = _build(raw, updated, cache, update=True)
    assert not first.updated  # nothing to update yet: built anew
    history, seen = [], set()
    for n in range(6):
        history.append(_step(rng, raw, n))
        report = _build(raw, updated, cache, update=True)
        assert report.updated, history
        cold.unlink(missing_ok=True)
        _build(raw, cold, cache, update=False)
        assert differences(dump_tables(updated), dump_tables(cold)) == [], history
        seen |= _across_documents(updated)
    # the sequences met what the steps across documents follow
    assert seen == {"citation", "fact of several documents", "merged name"}, history
    conn = sqlite3.connect(updated)
    assert conn.execute("select count(*) from runs").fetchone()[0] == 7


def _across_documents(db: pathlib.Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        found = {"citation": "select count(*) from citations",
                 "fact of several documents": "select count(*) from facts where n_documents > 1",
                 "merged name": "select count(*) from mentions m join entity_names n on n.name = m.name "
                                "where m.entity_id != n.id"}
        return {what for what, sql in found.items() if conn.execute(sql).fetchone()[0]}
    finally:
        conn.close()


def test_nothing_changed_touches_no_row(tmp_path):
    raw, db, cache = _project(tmp_path, ("d_funding.txt", "e_funding.txt"))
    _build(raw, db, cache, update=True)
    before = dump_tables(db)
    report = _build(raw, db, cache, update=True)
    assert (report.updated, report.unchanged, report.processed, report.cached) == (True, 2, 0, 0)
    assert differences(dump_tables(db), before) == []


def test_a_merge_across_documents_follows_the_corpus(tmp_path):
    """`US National Science Foundation` is the `National Science Foundation` while a document names
    the latter; removing that document parts them again, as a cold build would."""
    raw, db, cache = _project(tmp_path, ("d_funding.txt", "e_funding.txt", "f_funding.txt"))
    _build(raw, db, cache, update=True)

    def entity_of(name):
        conn = sqlite3.connect(db)
        try:
            return conn.execute("select e.name from mentions m join entities e on e.id = m.entity_id "
                                "where m.name = ?", (name,)).fetchone()
        finally:
            conn.close()

    assert entity_of("US National Science Foundation") == ("National Science Foundation",)
    (raw / "d_funding.txt").unlink()
    _build(raw, db, cache, update=True)
    assert entity_of("US National Science Foundation") == ("US National Science Foundation",)


KILLED_BUILD = """
import pathlib, sys
from pipeline.build import run
run.build(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), cache_dir=pathlib.Path(sys.argv[3]), jobs=1)
"""


def test_a_killed_update_leaves_the_previous_database(tmp_path):
    raw, db, cache = _project(tmp_path, ("a_cited.txt", "b_citing.txt", "d_funding.txt"))
    _build(raw, db, cache, update=True)
    before = dump_tables(db, skip=set())
    (raw / "b_citing.txt").unlink()  # deleted first, inside the transaction
    (raw / "new.txt").write_text(FUNDING_B + "\nA wholly new sentence about Kyoto in 2024.\n", encoding="utf-8")
    journal = db.with_name(db.name + "-journal")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(raw), str(db), str(cache)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not journal.exists():
            assert proc.poll() is None, "the update finished before it could be stopped"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # mid-update, a reader still reads the previous state
        reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        assert reader.execute("select count(*) from documents").fetchone()[0] == 3
        reader.close()
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert journal.exists()  # what the killed update had begun, waiting to be rolled back
    conn = sqlite3.connect(db)  # a writer's connection rolls the journal back
    conn.execute("select count(*) from documents").fetchone()
    conn.close()
    assert differences(dump_tables(db, skip=set()), before) == []
    report = _build(raw, db, cache, update=True)  # and the next build goes on from there
    assert report.updated and report.documents == 3
