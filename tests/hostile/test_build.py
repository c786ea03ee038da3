"""Hostile events around a build (issue 13): a document over its time or memory budget, a hang in C
code, a file rewritten while the build runs, links out of raw/, broken links and loops, two builds
of one database at once, a full disk, and a cache entry replaced by a folder.

Real builds through the command line (click's CliRunner in-process, or `python -m pipeline` in a
subprocess) into tmp_path, with the real spaCy model and real worker processes; every input is
generated in the test.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from pipeline import ingest
from pipeline.cli import cli
from pipeline.store import check

from ..conftest import ROOT
from ..pdf_fixtures import make_page_of_lines
from ..test_build_interrupted import _children

SENTENCE = "The ministry signed an agreement with {} on May 4, 2023, worth $12 million. It will fund research."
# Whole builds of a few small documents take ~10 s here (the model loads in each worker).
BUILD_SECONDS = 120


def _raw(base, files: dict[str, str]):
    raw = base / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (raw / name).write_text(text, encoding="utf-8")
    return raw


def _build(raw, db, *extra):
    return CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "--quiet", *extra], catch_exceptions=False)


def _command(raw, db, *extra):
    return [sys.executable, "-m", "pipeline", "build", str(raw), "--db", str(db), "--quiet", *extra]


def _lines(output: str, prefix: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(prefix)]


def _stored(db) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("select path, text from documents"))
    finally:
        conn.close()


def _runs(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select id, n_documents, n_rejected, rejected from runs order by id").fetchall()
    finally:
        conn.close()


# --- the per-document budget ------------------------------------------------------------------

# A real document that takes spaCy far longer than the budget the test sets: ~300 KB of prose
# (about a minute here), beside small documents that take well under a second each. It sorts first,
# so it is a task of its own: documents of one task share spaCy's batches (worker.py), and a small
# one parsed in a batch with the start of the slow one is charged for that batch (a second or two,
# nothing against the default budget of 120 s, but not nothing against 2 s).
SLOW_TEXT = (SENTENCE.format("Japan") + "\n\n") * 2800


@pytest.mark.timeout(BUILD_SECONDS)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_document_over_the_time_budget_is_rejected_and_the_build_goes_on(tmp_path, jobs):
    raw = _raw(tmp_path, {"slow.txt": SLOW_TEXT, "x.txt": SENTENCE.format("Korea"), "z.txt": SENTENCE.format("Peru")})
    db = tmp_path / "claims.db"
    started = time.monotonic()
    result = _build(raw, db, "--doc-timeout", "2", "--jobs", jobs)
    seconds = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert _lines(result.output, "rejected:") == [
        "rejected: raw/slow.txt: took over 2 s (stopped while parsing and extracting); raise --doc-timeout"]
    assert set(_stored(db)) == {"raw/x.txt", "raw/z.txt"}
    assert check.check_database(db) == []
    (run,) = _runs(db)
    assert run[1:3] == (2, 1) and json.loads(run[3]) == [
        "raw/slow.txt: took over 2 s (stopped while parsing and extracting); raise --doc-timeout"]
    assert seconds < 60, f"the build took {seconds:.0f} s: the slow document was not stopped"

    # Nothing of it was cached: with a budget it fits in, the next build reads it (the others from the cache).
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()
                and p.name.startswith(ingest.sha256_file(raw / "slow.txt"))]


@pytest.mark.timeout(BUILD_SECONDS)
def test_a_document_over_a_mb_has_the_budget_a_mb(tmp_path):
    """A 3 MB report must not be stopped at the budget of a 200-byte file: it has --doc-timeout a MB."""
    big = (SENTENCE.format("Japan") + "\n\n") * 28_000
    raw = _raw(tmp_path, {"big.txt": big, "x.txt": SENTENCE.format("Korea")})
    started = time.monotonic()
    result = _build(raw, tmp_path / "claims.db", "--doc-timeout", "2", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (line,) = _lines(result.output, "rejected:")
    megabytes = len(big.encode()) / 1e6
    assert re.fullmatch(rf"rejected: raw/big.txt: took over {2 * megabytes:.0f} s \(2 s a MB of its {megabytes:.1f} "
                        rf"MB; stopped while (reading and cleaning|parsing and extracting)\); raise --doc-timeout", line)
    assert time.monotonic() - started > 2 * megabytes
    assert set(_stored(tmp_path / "claims.db")) == {"raw/x.txt"}


def _private_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as report:
            return sum(int(line.split()[1]) for line in report if line.startswith("Private_")) / 1024
    except OSError:
        return 0.0




@pytest.mark.timeout(BUILD_SECONDS)
def test_a_worker_killed_by_the_system_costs_its_document_only(tmp_path):
    """As the kernel's out-of-memory killer would: SIGKILL to the worker while it parses the slow
    document. That document is rejected saying so; the others are stored; the build exits 0."""
    raw = _raw(tmp_path, {"slow.txt": SLOW_TEXT, "x.txt": SENTENCE.format("Korea"), "z.txt": SENTENCE.format("Peru")})
    db = tmp_path / "claims.db"
    build = subprocess.Popen(_command(raw, db, "--jobs", "1", "--doc-timeout", "600"), cwd=ROOT,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(_private_mb(pid) > 120 for pid in _children(build.pid)):  # the model is loaded: parsing
        assert build.poll() is None and time.monotonic() < deadline, "no worker loaded the model"
        time.sleep(0.05)
    time.sleep(1.0)
    (worker,) = _children(build.pid)
    os.kill(worker, signal.SIGKILL)
    _, stderr = build.communicate(timeout=BUILD_SECONDS)
    assert build.returncode == 0, stderr
    assert _lines(stderr, "rejected:") == [
        "rejected: raw/slow.txt: its worker process died (killed by SIGKILL, by the system: out of memory? lower "
        "--doc-memory-mb or --jobs) while parsing and extracting; the other documents went on"], stderr
    assert set(_stored(db)) == {"raw/x.txt", "raw/z.txt"}


def _hang_in_c(original):
    """clean_document, but a document saying HANG runs a regular expression that backtracks for ever
    inside the C regex engine first (exponential in 40 characters): no Python signal handler or
    timer runs until it returns. Only a kill stops it."""
    def clean_document(raw):
        if "HANG" in raw.pages[0].text:
            re.match(r"(x+x+)+y", "x" * 40)
        return original(raw)
    return clean_document


@pytest.mark.timeout(BUILD_SECONDS)
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hang_inside_c_code_is_stopped_too(tmp_path, monkeypatch, jobs):
    """The pipeline's own regular expressions are linear now (the other hostile tests); this puts a
    catastrophic one back, in the worker processes (forked from this one), to show the budget stops
    work no signal can interrupt."""
    from pipeline import clean
    from pipeline.build import run as build_stage

    monkeypatch.setattr(clean, "clean_document", _hang_in_c(clean.clean_document))
    raw = _raw(tmp_path, {"a.txt": SENTENCE.format("Korea"), "hang.txt": "HANG. " + SENTENCE.format("Chile"),
                          "z.txt": SENTENCE.format("Peru")})
    started = time.monotonic()
    report = build_stage.build(raw, tmp_path / "claims.db", jobs=jobs, doc_timeout=2)
    assert time.monotonic() - started < 60
    assert report.rejected == ["raw/hang.txt: took over 2 s (stopped while reading and cleaning); raise --doc-timeout"]
    assert set(_stored(tmp_path / "claims.db")) == {"raw/a.txt", "raw/z.txt"}



# The memory tests run the command in a subprocess, as a user does: a worker's memory is its own
# pages, and a worker forked from the test process would copy pages of pytest's as they are touched.

@pytest.mark.timeout(BUILD_SECONDS)
def test_a_document_over_the_memory_budget_is_rejected_and_the_build_goes_on(tmp_path):
    """A page of 20,000 lines (440,000 characters; the page limit raised for it) makes pdfplumber
    hold ~1 GB while it is read; a budget of 700 MB stops it, the small documents (a worker with the
    model loaded holds ~300 MB) are stored."""
    raw = _raw(tmp_path, {"a.txt": SENTENCE.format("Korea"), "z.txt": SENTENCE.format("Peru")})
    make_page_of_lines(raw / "poster.pdf", 20_000)
    db = tmp_path / "claims.db"
    done = subprocess.run(_command(raw, db, "--doc-memory-mb", "700", "--max-page-chars", "10000000", "--jobs", "1"),
                          cwd=ROOT, capture_output=True, text=True, timeout=BUILD_SECONDS)
    assert done.returncode == 0, done.stderr
    assert _lines(done.stderr, "rejected:") == [
        "rejected: raw/poster.pdf: needed over 700 MB of memory (stopped while reading and cleaning); "
        "raise --doc-memory-mb"], done.stderr
    assert set(_stored(db)) == {"raw/a.txt", "raw/z.txt"}


@pytest.mark.timeout(BUILD_SECONDS * 2)
@pytest.mark.parametrize("update", [False, True], ids=["new database", "update (the model loaded while planning)"])
def test_a_memory_budget_too_small_for_the_model_is_one_clear_error(tmp_path, update):
    raw = _raw(tmp_path, {"a.txt": SENTENCE.format("Korea")})
    db = tmp_path / "claims.db"
    if update:
        assert _build(raw, db).exit_code == 0
        (raw / "b.txt").write_text(SENTENCE.format("Peru"), encoding="utf-8")
    before = db.read_bytes() if update else None
    done = subprocess.run(_command(raw, db, "--doc-memory-mb", "100", "--jobs", "1"), cwd=ROOT, capture_output=True,
                          text=True, timeout=BUILD_SECONDS)
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if line.strip()]
    assert re.fullmatch(r"Error: a worker process needed \d+ MB loading the spaCy model, over the --doc-memory-mb "
                        r"budget of 100 MB; raise --doc-memory-mb", line), done.stderr
    assert (db.read_bytes() == before) if update else not db.exists()


# --- a file changed while the build runs ------------------------------------------------------

@pytest.mark.timeout(BUILD_SECONDS)
def test_a_file_rewritten_after_planning_is_rejected_and_never_stored_under_its_old_hash(tmp_path, monkeypatch):
    """The build hashes every file while it plans; a file rewritten after that and before its worker
    reads it (here: just after it is hashed) must not be stored with the old hash and the new text,
    nor cached under the old hash."""
    old, new = SENTENCE.format("Japan"), SENTENCE.format("Brazil")
    raw = _raw(tmp_path, {"a.txt": SENTENCE.format("Korea"), "x.txt": old})
    old_sha = hashlib.sha256(old.encode()).hexdigest()
    planned_hash = ingest.sha256_file

    def hash_then_rewrite(path):
        digest = planned_hash(path)
        if path.name == "x.txt":
            path.write_text(new, encoding="utf-8")
        return digest

    monkeypatch.setattr(ingest, "sha256_file", hash_then_rewrite)
    db = tmp_path / "claims.db"
    result = _build(raw, db, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert _lines(result.output, "rejected:") == [
        "rejected: raw/x.txt: changed during the build (its content is not what the build hashed before); "
        "not stored: the next build reads it again"]
    assert set(_stored(db)) == {"raw/a.txt"}
    assert not [p for p in (tmp_path / "cache").rglob(f"{old_sha}-*")], "something was cached under the old hash"
    monkeypatch.undo()

    # The next build reads the new text under its own hash; putting the old text back serves the old text.
    assert _build(raw, db, "--jobs", "1").exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("select sha256, text from documents where path = 'raw/x.txt'").fetchone() == (
        hashlib.sha256(new.encode()).hexdigest(), new)
    conn.close()
    (raw / "x.txt").write_text(old, encoding="utf-8")
    assert _build(raw, db, "--jobs", "1").exit_code == 0
    assert _stored(db)["raw/x.txt"] == old
    assert check.check_database(db) == []


# --- links in raw/ ----------------------------------------------------------------------------

@pytest.mark.timeout(BUILD_SECONDS)
def test_links_out_of_raw_are_refused_and_broken_links_reported(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("The secret password is swordfish. " + SENTENCE.format("Mali"), encoding="utf-8")
    raw = _raw(tmp_path / "project", {"good.txt": SENTENCE.format("Korea")})
    links = {  # name -> (target, message after "skipped: raw/<name>: ")
        "secret.txt": (outside / "secret.txt", f"a link to a file outside raw/ ({outside / 'secret.txt'}); not read: "
                                               f"copy the file into raw/ to include it"),
        "folder": (outside, f"a link to a folder outside raw/ ({outside}); not followed: copy its files into raw/ "
                            f"to include them"),
        "dangling.txt": ("missing.txt", "a broken link (to missing.txt, which does not exist); fix its target or remove it"),
        "loop.md": ("loop.md", "a link loop (following it leads back to it); remove it"),
    }
    for name, (target, _) in links.items():
        os.symlink(target, raw / name)
    os.symlink("good.txt", raw / "alias.txt")  # a link inside raw/: read, one document with both names
    db = tmp_path / "claims.db"
    result = _build(raw, db, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert sorted(_lines(result.output, "skipped:")) == sorted(
        f"skipped: raw/{name}: {message}" for name, (_, message) in links.items())
    stored = _stored(db)
    assert set(stored) == {"raw/alias.txt"}  # the first name of good.txt's content
    assert not any("swordfish" in text for text in stored.values())
    conn = sqlite3.connect(db)
    assert json.loads(conn.execute("select paths from documents").fetchone()[0]) == ["raw/alias.txt", "raw/good.txt"]
    conn.close()


# --- two builds of one database at once -------------------------------------------------------

@pytest.mark.timeout(2 * BUILD_SECONDS)
def test_a_second_build_of_the_same_database_waits_and_no_runs_row_is_lost(tmp_path):
    raw = _raw(tmp_path, {f"d{i}.txt": SENTENCE.format(country) for i, country in enumerate(["Chad", "Fiji", "Oman"])})
    db = tmp_path / "claims.db"
    lock = tmp_path / "claims.db.lock"
    first = subprocess.Popen(_command(raw, db, "--no-cache"), cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):  # the first holds the lock
        assert first.poll() is None and time.monotonic() < deadline, "the first build did not take the lock"
        time.sleep(0.05)
    second = subprocess.run(_command(raw, db, "--no-cache"), cwd=ROOT, capture_output=True, text=True,
                            timeout=2 * BUILD_SECONDS)
    _, first_err = first.communicate(timeout=BUILD_SECONDS)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert f"note: waiting for the build of PID {first.pid} to finish ({lock} is locked; at most 600 s, " \
           f"see --lock-timeout)…" in second.stderr.splitlines()
    assert [run[:3] for run in _runs(db)] == [(1, 3, 0), (2, 3, 0)]
    assert check.check_database(db) == []


@pytest.mark.timeout(BUILD_SECONDS)
def test_a_build_refuses_when_the_lock_is_held_past_its_timeout(tmp_path):
    raw = _raw(tmp_path, {"a.txt": SENTENCE.format("Korea")})
    db = tmp_path / "claims.db"
    with open(tmp_path / "claims.db.lock", "w") as held:  # held by this process, as a running build holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()
        result = _build(raw, db, "--lock-timeout", "0.5")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: cannot build {db}: the build of PID {os.getpid()} still holds {db}.lock after 0.5 s; "
        f"let it finish (or stop it), or raise --lock-timeout")
    assert not db.exists()


# --- a full disk --------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 20 MB tmpfs (needs root, as the issue's test did); skipped where it cannot be mounted."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.timeout(BUILD_SECONDS)
def test_a_full_disk_is_one_line_naming_the_fix_and_the_old_database_survives(tmp_path, small_disk):
    raw = _raw(tmp_path, {f"d{i}.txt": (SENTENCE.format(country) + "\n\n") * 40
                          for i, country in enumerate(["Chad", "Fiji", "Oman", "Peru", "Togo"])})
    db = small_disk / "claims.db"
    assert _build(raw, db, "--jobs", "1", "--no-cache").exit_code == 0  # the old database, on the small disk
    before = db.read_bytes()
    (raw / "more.txt").write_text((SENTENCE.format("Laos") + "\n\n") * 400, encoding="utf-8")
    stat = os.statvfs(small_disk)
    with open(small_disk / "filler", "wb") as filler:  # leave less free space than the new database needs
        filler.write(b"\0" * (stat.f_bavail * stat.f_frsize - len(before) // 2))
    result = _build(raw, db, "--jobs", "1")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.strip() and not line.startswith("note: ")]
    assert errors == [f"Error: cannot write {db}: disk full (database or disk is full); free space or use --db "
                      f"elsewhere"], result.output
    assert "Traceback" not in result.output
    assert db.read_bytes() == before
    assert not list(small_disk.glob(".claims.db.*.tmp"))


# --- a damaged cache ------------------------------------------------------------------------------

def _replace_with_folder(path):
    path.unlink()
    (path / "inside").mkdir(parents=True)


def _level_folder_a_file(path):
    shutil.rmtree(path.parent)
    path.parent.write_text("not a folder")


# what is done to the document's cache entries -> the note the next build gives
DAMAGE = {
    "result entry a folder": ("result", _replace_with_folder, "cache entry not trusted ({}: cannot be read "
                                                              "(Is a directory)); produced again"),
    "parse entry a folder": ("parse", _replace_with_folder, "cache entry not trusted ({}: cannot be read "
                                                            "(Is a directory)); parsed again"),
    "result folder a file": ("result", _level_folder_a_file, None),
}


@pytest.mark.timeout(BUILD_SECONDS)
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_cache_entry_that_cannot_be_read_is_a_miss_with_a_note_and_is_written_again(tmp_path, damage):
    level, harm, note = DAMAGE[damage]
    raw = _raw(tmp_path, {"a.txt": SENTENCE.format("Korea")})
    db = tmp_path / "claims.db"
    assert _build(raw, db, "--jobs", "1").exit_code == 0
    (entry,) = (tmp_path / "cache" / level).iterdir()
    if level == "parse":  # the parse level is read only when the result is not cached
        for result in (tmp_path / "cache" / "result").iterdir():
            result.unlink()
    before = _stored(db)
    harm(entry)

    result = _build(raw, db, "--jobs", "1", "--rebuild")  # read from the cache, not kept as stored
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Error" not in result.output
    notes = _lines(result.output, "note:")
    assert notes == ([f"note: raw/a.txt: {note.format(entry.name)}"] if note else []), result.output
    assert _stored(db) == before
    assert entry.is_file()  # written again, as an entry

    again = _build(raw, db, "--jobs", "1", "--rebuild")  # and the next build reads it without a word
    assert again.exit_code == 0 and _lines(again.output, "note:") == []
