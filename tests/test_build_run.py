"""Incremental, parallel builds: only what changed is processed, and the result is the database a
cold build makes. Real model, real SQLite; a small corpus (the three smallest documents of raw/)."""
import multiprocessing
import os
import shutil
import sqlite3

import pytest

from pipeline import nlp
from pipeline.build import run as build
from pipeline.build import pool
from pipeline.build import worker as process
from pipeline import extract

from .conftest import copy_small_corpus
from .db_dump import dump_tables


def dump(db) -> dict:
    """Every table but runs: equal dumps mean equal databases."""
    return dump_tables(db)


def run(project, **options):
    return build.build(project / "raw", project / "extracted" / "claims.db", **options)


@pytest.fixture(scope="session")
def warm(tmp_path_factory):
    """A project with three documents, built once: its cache is warm."""
    base = copy_small_corpus(tmp_path_factory.mktemp("warm"))
    report = run(base, jobs=1)
    assert report.processed == 3 and not report.rejected
    return base


@pytest.fixture
def project(warm, tmp_path):
    shutil.copytree(warm, tmp_path / "p")
    return tmp_path / "p"


def test_nothing_changed_nothing_processed_same_database(project):
    before = dump(project / "extracted" / "claims.db")
    report = run(project)
    assert (report.updated, report.processed, report.cached, report.unchanged, report.documents) == (True, 0, 0, 3, 3)
    assert dump(project / "extracted" / "claims.db") == before
    assert not multiprocessing.active_children()  # the worker started to load the model while planning is gone
    report = run(project, update=False)  # built anew: every document from the cache
    assert (report.updated, report.processed, report.cached, report.documents) == (False, 0, 3, 3)
    assert dump(project / "extracted" / "claims.db") == before


def _remove(raw):
    sorted(raw.iterdir())[0].unlink()


def _rename(raw):
    first = sorted(raw.iterdir())[0]
    first.rename(first.with_name("renamed-" + first.name))


def _edit(raw):
    with open(sorted(raw.iterdir())[1], "a", encoding="utf-8") as handle:
        handle.write("\nThe agency said on Friday it had spent $3 million on the survey.\n")


@pytest.mark.parametrize("change, workers_started", [
    (lambda raw: None, 0),  # nothing changed
    (_remove, 0),
    (_rename, 0),  # same content under a new name: its result comes from the cache
    (_edit, 1),  # the worker warmed while planning is the one that produces it
])
def test_an_update_starts_a_worker_only_for_content_it_has_to_produce(project, monkeypatch, change, workers_started):
    started, start = [], pool.WorkerPool._start
    monkeypatch.setattr(pool.WorkerPool, "_start", lambda self: started.append(1) or start(self))
    change(project / "raw")
    report = run(project)
    assert report.updated and report.processed == workers_started
    assert len(started) == workers_started
    assert not multiprocessing.active_children()


def test_one_changed_document_alone_is_processed_and_equals_a_cold_build(project, tmp_path):
    changed = sorted((project / "raw").iterdir())[1]
    with open(changed, "a", encoding="utf-8") as handle:
        handle.write("\nThe ministry said on Tuesday it had approved $12 million for a new quantum centre.\n")
    report = run(project)
    assert (report.processed, report.cached, report.unchanged) == (1, 0, 2)
    cold = build.build(project / "raw", tmp_path / "cold.db", use_cache=False, jobs=1)
    assert cold.processed == 3
    assert dump(project / "extracted" / "claims.db") == dump(tmp_path / "cold.db")
    conn = sqlite3.connect(project / "extracted" / "claims.db")
    assert conn.execute("select count(*) from money where amount = 12000000").fetchone()[0] == 1


def test_a_rule_change_reuses_the_parses_without_loading_spacy(project, monkeypatch):
    """Editing extract/claims/ or aliases.json changes every result key, not the parse keys: what an
    extraction-rule change costs is extraction alone."""
    before = dump(project / "extracted" / "claims.db")
    shutil.rmtree(project / "extracted" / "cache" / "result")
    monkeypatch.setattr(process, "_MODEL", {})
    report = run(project, jobs=1, update=False)  # as after a rule change: the database is built anew
    assert report.processed == 3
    assert nlp.DEFAULT_MODEL not in process._MODEL, "spaCy model loaded although every parse was cached"
    assert dump(project / "extracted" / "claims.db") == before


def test_parallel_build_equals_serial_build(project, monkeypatch, tmp_path):
    monkeypatch.setattr(build, "TASK_BYTES", 1)  # one document per task: three tasks over two workers
    report = build.build(project / "raw", tmp_path / "parallel.db", jobs=2, use_cache=False)
    assert report.processed == 3
    assert dump(tmp_path / "parallel.db") == dump(project / "extracted" / "claims.db")


def test_a_removed_file_disappears_with_its_cache_entries(project):
    gone = sorted((project / "raw").iterdir())[0]
    cache_dir = project / "extracted" / "cache"
    entries_before = {p.name for level in ("parse", "result") for p in (cache_dir / level).iterdir()}
    gone.unlink()
    report = run(project)
    assert report.documents == 2
    conn = sqlite3.connect(project / "extracted" / "claims.db")
    assert f"raw/{gone.name}" not in {r[0] for r in conn.execute("select path from documents")}
    entries_after = {p.name for level in ("parse", "result") for p in (cache_dir / level).iterdir()}
    assert len(entries_after) == len(entries_before) - 2  # its parse and result entries


def test_the_same_content_under_two_names_is_one_document_with_both_paths(project):
    original = sorted((project / "raw").iterdir())[0]
    shutil.copy(original, project / "raw" / "zz copy of the same report.txt")
    report = run(project)
    assert report.documents == 3
    assert report.duplicates == [("raw/zz copy of the same report.txt", f"raw/{original.name}")]
    conn = sqlite3.connect(project / "extracted" / "claims.db")
    paths = conn.execute("select paths from documents where path = ?", (f"raw/{original.name}",)).fetchone()[0]
    assert paths == f'["raw/{original.name}", "raw/zz copy of the same report.txt"]'


def test_runs_keep_the_history_of_builds(project):
    run(project)
    conn = sqlite3.connect(project / "extracted" / "claims.db")
    rows = conn.execute("select id, n_documents, n_processed, n_cached, finished from runs order by id").fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(1, 3, 3, 0), (2, 3, 0, 0)]  # the second: nothing to do
    assert all(r[4] for r in rows)


@pytest.mark.parametrize("update", [False, True])
def test_a_database_failing_its_checks_does_not_replace_the_old_one(project, monkeypatch, update):
    db = project / "extracted" / "claims.db"
    if update:  # a new document, whose rows fail the checks before the update commits
        (project / "raw" / "new.txt").write_text("The agency said it signed a deal with Japan in 2021.\n",
                                                 encoding="utf-8")
    before = db.read_bytes()
    real = extract.extract_document

    def off_by_one(*args):
        result = real(*args)
        result.sentences[0].start += 1  # a span that no longer matches its text
        return result

    monkeypatch.setattr(extract, "extract_document", off_by_one)
    shutil.rmtree(project / "extracted" / "cache" / "result")
    with pytest.raises(build.BuildFailed) as failure:
        run(project, jobs=1, update=update)
    assert any("sentences" in line and "does not equal" in line for line in failure.value.violations)
    assert db.read_bytes() == before
    assert not list(db.parent.glob(".claims.db.*.tmp")) and not db.with_name("claims.db-journal").exists()


@pytest.mark.parametrize("text,limit", [
    ("One. Two. Three. Four. Five.", 10),
    ("word " * 50, 32),
    ("x" * 100, 30),  # no space at all: cut hard
    ("Short enough.", 100),
    ("A sentence here. " + "b" * 40 + " tail", 25),
])
def test_split_for_nlp_pieces_are_bounded_and_rejoin(text, limit):
    pieces = process.split_for_nlp(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= limit for p in pieces)


def test_a_very_long_paragraph_is_parsed_in_pieces_into_one_doc(nlp):
    sentence = "The United States and Japan signed an agreement on quantum research in Tokyo on May 4, 2023. "
    text = sentence * (process.MAX_NLP_CHARS // len(sentence) * 2 + 3)
    (doc, context), = list(process.parse_texts(nlp, [(text, "p0")]))
    assert context == "p0" and doc.text == text
    assert len(list(doc.sents)) == text.count("2023.")
    assert sum(1 for ent in doc.ents if ent.text == "Tokyo") == text.count("Tokyo")


@pytest.mark.parametrize("level", ["result", "parse"])
def test_a_corrupt_cache_entry_is_reported_rebuilt_and_not_trusted(project, level):
    from pipeline.build import cache

    db = project / "extracted" / "claims.db"
    before = dump(db)
    folder = project / "extracted" / "cache"
    if level == "parse":  # results gone (a rule change), so the parses are read
        shutil.rmtree(folder / "result")
    entry = sorted((folder / level).iterdir())[0]
    data = bytearray(entry.read_bytes())
    data[-1] ^= 0x01
    entry.write_bytes(bytes(data))
    notes = []
    report = run(project, jobs=1, on_note=notes.append, update=False)  # built anew: the cache is read
    assert len(notes) == 1 and entry.name in notes[0] and ("checksum" in notes[0])
    assert report.processed == (1 if level == "result" else 3)
    conn = sqlite3.connect(db)
    last_run = conn.execute("select n_cached, n_processed from runs order by id desc limit 1").fetchone()
    assert last_run == (report.cached, report.processed), "the runs row and the report disagree"
    conn.close()
    assert dump(db) == before
    assert cache.Cache(folder).read(entry) is not None, "the entry was not written again"  # CorruptEntry if not


def test_the_memory_budget_reads_private_pages_only_when_the_resident_set_is_over_it():
    """The budget's cheap check (statm's resident set) never hides a process over it: private pages
    are a part of the resident set, counted exactly once the resident set passes the limit."""
    pid = os.getpid()
    exact = pool.private_mb(pid)
    assert abs(pool.private_mb(pid, over=0) - exact) < 5  # over 0 MB: counted exactly
    assert pool.private_mb(pid, over=1e6) > exact + 1  # under the limit: the resident set, shared pages too


def test_a_slow_first_task_does_not_leave_the_other_worker_idle(tmp_path, monkeypatch):
    """Results are written in plan order, but the workers are not held to it: while the first
    document (long) is parsed, the other worker goes on through the short ones behind it."""
    monkeypatch.setattr(build, "TASK_BYTES", 1)  # one document per task
    raw = tmp_path / "raw"
    raw.mkdir()
    sentence = "The ministry said on Tuesday it had approved $12 million for the new quantum centre. "
    (raw / "a_long.txt").write_text("A long report\n\n" + (sentence * 8 + "\n\n") * 60, encoding="utf-8")
    for n in range(20):
        (raw / f"b_{n:02d}.txt").write_text(f"Note {n}\n\nThe council met on May {n + 1}, 2024.\n", encoding="utf-8")
    cache = tmp_path / "extracted" / "cache" / "result"
    produced_behind_it = []

    def on_file(path, error):
        if path.name == "a_long.txt":
            produced_behind_it.append(len(list(cache.iterdir())) - 1)

    report = build.build(raw, tmp_path / "extracted" / "claims.db", jobs=2, on_file=on_file)
    assert report.processed == 21 and not report.rejected
    # held to plan order, the other worker would have stopped after the tasks handed out with it
    assert produced_behind_it[0] > 2 * build.TASKS_AHEAD_PER_JOB, produced_behind_it


@pytest.mark.parametrize("weights, jobs, tasks", [
    # a long run of small documents: tasks of TASK_BYTES, then smaller ones at the end
    ([40_000] * 12, 1, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [10], [11]]),
    ([40_000] * 12, 2, [[0, 1, 2], [3, 4, 5], [6, 7], [8], [9], [10], [11]]),
    # the costly documents last (PDFs sort after .txt): each its own task, for two workers to share
    ([100_000, 100_000, 7_000, 7_000, 7_000, 7_000], 2, [[0], [1], [2], [3], [4], [5]]),
    ([1_000] * 4, 1, [[0, 1], [2], [3]]),
    ([], 2, []),
])
def test_tasks_are_smaller_towards_the_end_of_the_plan(weights, jobs, tasks):
    planned = [build.Planned(job=None, paths=[], weight=w) for w in weights]
    assert build.group_tasks(planned, jobs) == tasks


def test_cached_documents_are_in_no_task():
    planned = [build.Planned(job=None, paths=[], weight=1_000, cached=n % 2 == 0) for n in range(6)]
    assert [i for task in build.group_tasks(planned, 1) for i in task] == [1, 3, 5]
