"""Remembered file hashes (build/hashes.py): a file is read again whenever it may have changed,
and only then; a build never keeps an edited file's old document. Real files, real SQLite."""
import hashlib
import os
import sqlite3
import time

import pytest

from pipeline.build import hashes as hashes_stage
from pipeline.build import run as build

from .conftest import copy_small_corpus


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remember(folder, path, racy_seconds=0.0):
    """A FileHashes that has looked `path` up and saved, and a fresh one reading what it saved."""
    first = hashes_stage.FileHashes(folder, racy_seconds=racy_seconds)
    first.sha256(str(path), os.stat(path))
    first.save()
    return hashes_stage.FileHashes(folder, racy_seconds=racy_seconds)


def keep_times(path, write):
    """Run write(path), then put the file's size-independent times back (as `touch -r` would)."""
    before = os.stat(path)
    write(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def overwrite_same_size(path):
    path.write_bytes(b"B" * len(path.read_bytes()))


def replace_by_rename(path):
    other = path.with_name("other.txt")
    other.write_bytes(b"B" * len(path.read_bytes()))
    os.replace(other, path)


@pytest.mark.parametrize("change", [overwrite_same_size, replace_by_rename], ids=["edited in place", "renamed over"])
def test_a_changed_file_is_hashed_again_even_with_its_size_and_mtime_kept(tmp_path, change):
    path = tmp_path / "a.txt"
    path.write_bytes(b"A" * 100)
    remembered = remember(tmp_path / "cache", path)
    keep_times(path, change)
    assert remembered.sha256(str(path), os.stat(path)) == sha(b"B" * 100)


def test_an_unchanged_file_is_not_read_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"A" * 100)
    remember(tmp_path / "cache", path)
    with sqlite3.connect(tmp_path / "cache" / hashes_stage.FILE_NAME) as conn:  # a hash only the cache has
        conn.execute("update hashes set sha256 = 'remembered'")
    assert hashes_stage.FileHashes(tmp_path / "cache", racy_seconds=0).sha256(str(path), os.stat(path)) == "remembered"


def test_a_file_changed_just_before_it_was_hashed_is_not_remembered(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"A" * 100)  # within RACY_SECONDS: a write in the same timestamp tick could follow
    remembered = remember(tmp_path / "cache", path, racy_seconds=hashes_stage.RACY_SECONDS)
    assert str(path) not in remembered.known


def whole_second_mtime(path):
    os.utime(path, ns=(os.stat(path).st_atime_ns, 1_600_000_000 * 10**9))


@pytest.mark.parametrize("times, remembered", [
    (lambda path: None, True),  # nanosecond times, unchanged for longer than FINE_RACY_SECONDS
    (whole_second_mtime, False),  # whole seconds: RACY_SECONDS from its change time (the utime), not yet
])
def test_how_long_a_file_must_rest_follows_its_timestamps_granularity(tmp_path, times, remembered):
    path = tmp_path / "a.txt"
    path.write_bytes(b"A" * 100)
    times(path)
    if os.stat(path).st_ctime_ns % 10**9 == 0:
        pytest.skip("this file system keeps whole-second times")
    time.sleep(hashes_stage.FINE_RACY_SECONDS * 3)
    assert (str(path) in remember(tmp_path / "cache", path, racy_seconds=None).known) is remembered


@pytest.mark.parametrize("mtime_ns, ctime_ns, seconds", [
    (1_600_000_000_123_456_789, 1_600_000_000_223_456_789, hashes_stage.FINE_RACY_SECONDS),
    (1_600_000_000_000_000_000, 1_600_000_000_223_456_789, hashes_stage.RACY_SECONDS),
    (1_600_000_000_123_456_789, 1_600_000_001_000_000_000, hashes_stage.RACY_SECONDS),
])
def test_the_racy_window_is_read_from_the_file_times(mtime_ns, ctime_ns, seconds):
    st = os.stat_result((0o100644, 1, 1, 1, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, mtime_ns, ctime_ns))
    assert hashes_stage.racy_seconds_of(st) == seconds


@pytest.mark.parametrize("content", [b"", b"not sqlite at all", b"SQLite format 3\x00" + b"\xff" * 200],
                         ids=["empty", "text", "damaged"])
def test_an_unreadable_hash_file_is_started_again(tmp_path, content):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / hashes_stage.FILE_NAME).write_bytes(content)
    path = tmp_path / "a.txt"
    path.write_bytes(b"A")
    again = remember(tmp_path / "cache", path)
    assert again.known == {str(path): (hashes_stage.stat_key(os.stat(path)), sha(b"A"))}


def test_files_no_longer_listed_are_forgotten(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"A")
    b.write_bytes(b"B")
    both = hashes_stage.FileHashes(tmp_path / "cache", racy_seconds=0)
    for path in (a, b):
        both.sha256(str(path), os.stat(path))
    both.save()
    later = hashes_stage.FileHashes(tmp_path / "cache", racy_seconds=0)
    later.sha256(str(a), os.stat(a))
    later.save()
    assert set(hashes_stage.FileHashes(tmp_path / "cache").known) == {str(a)}


def test_a_build_keeps_no_old_document_of_a_file_edited_with_its_times_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(hashes_stage, "RACY_SECONDS", 0.0)  # every file remembered at once
    project = copy_small_corpus(tmp_path)
    db = project / "extracted" / "claims.db"
    assert build.build(project / "raw", db, jobs=1).processed == 3
    edited = sorted((project / "raw").iterdir())[0]
    text = edited.read_text(encoding="utf-8")
    keep_times(edited, lambda p: p.write_text(text.replace("the", "The", 1) if "the" in text else text + " ",
                                              encoding="utf-8"))
    report = build.build(project / "raw", db, jobs=1)
    assert (report.updated, report.processed, report.unchanged) == (True, 1, 2)
    (stored,), = sqlite3.connect(db).execute("select sha256 from documents where path = ?",
                                             [f"raw/{edited.name}"])
    assert stored == sha(edited.read_bytes())
