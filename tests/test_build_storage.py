"""Source files and the cache at fsspec URLs (pipeline/build/storage.py): the local filesystem
(file://) and the memory one (memory://, which the build's forked workers see as it was when they
started). A build from URLs is the build from the folder, every table and row; its cache entries,
written and read through fsspec, serve the next build. Real model, real SQLite."""
import shutil
import uuid

import pytest
from click.testing import CliRunner
from upath import UPath

from pipeline.build import cache as cache_stage
from pipeline.build import run as build
from pipeline.cli import cli

from .conftest import copy_small_corpus, dump_database


@pytest.fixture(scope="module")
def folder_build(tmp_path_factory):
    """Two small documents built from a plain folder: what every URL build must equal."""
    base = copy_small_corpus(tmp_path_factory.mktemp("folder"), n=2)
    report = build.build(base / "raw", base / "claims.db", jobs=1)
    assert report.documents == 2 and not report.rejected
    return base


def memory_copy(folder) -> str:
    """The files of `folder` copied into the memory filesystem under a fresh name; its URL."""
    url = f"memory://{uuid.uuid4().hex}/raw"
    for path in sorted(folder.iterdir()):
        (UPath(url) / path.name).write_bytes(path.read_bytes())
    return url


# (where the raw files are, where the cache is): "folder" a local path
PLACES = [("file", "file"), ("memory", "file"), ("folder", "file"), ("file", "folder")]


@pytest.mark.parametrize("raw_at,cache_at", PLACES, ids=[f"raw={r},cache={c}" for r, c in PLACES])
def test_a_build_from_urls_is_the_build_from_the_folder_and_its_cache_serves_the_next(
        tmp_path, folder_build, raw_at, cache_at):
    shutil.copytree(folder_build / "raw", tmp_path / "raw")
    raw = {"file": (tmp_path / "raw").as_uri(), "memory": memory_copy(tmp_path / "raw"),
           "folder": tmp_path / "raw"}[raw_at]
    cache = {"file": (tmp_path / "cache").as_uri(), "folder": tmp_path / "cache"}[cache_at]
    first = build.build(raw, tmp_path / "claims.db", cache_dir=cache, jobs=1)
    assert (first.documents, first.processed, first.rejected) == (2, 2, [])
    assert dump_database(tmp_path / "claims.db") == dump_database(folder_build / "claims.db")
    again = build.build(raw, tmp_path / "claims.db", cache_dir=cache, jobs=1, update=False)  # built anew: from the cache
    assert (again.cached, again.processed) == (2, 0)
    rebuilt, cold = dump_database(tmp_path / "claims.db"), dump_database(folder_build / "claims.db")
    assert len(rebuilt.pop("runs")[1]) == 2  # one row a build
    assert rebuilt == {table: rows for table, rows in cold.items() if table != "runs"}


def test_a_url_file_over_the_size_limit_is_rejected_unread_as_a_local_one(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "big.txt").write_text("The ministry approved $12 million. " * 100, encoding="utf-8")
    local = build.build(tmp_path / "raw", tmp_path / "local.db", max_file_mb=0.001, jobs=1)
    remote = build.build(memory_copy(tmp_path / "raw"), tmp_path / "url.db", max_file_mb=0.001, jobs=1)
    assert local.rejected == remote.rejected
    assert remote.rejected[0].startswith("raw/big.txt: 0.0 MB is over the 0.001 MB limit for text files")


def test_cache_entries_in_memory_are_written_read_checked_and_pruned(tmp_path):
    cache = cache_stage.open_cache(f"memory://{uuid.uuid4().hex}/cache")
    assert isinstance(cache, cache_stage.FsspecCache)
    kept, dropped = cache.path("parse", "a" * 64, "k1"), cache.path("result", "b" * 64, "k2")
    cache.write(kept, [b"first part", b"second"], meta={"format": "txt"}, compress=[True, False])
    cache.write(dropped, [b"x"])
    assert cache.read(kept) == ([b"first part", b"second"], {"format": "txt"})
    body = dropped.read_bytes()
    dropped.write_bytes(body[:-1] + bytes([body[-1] ^ 1]))  # one bit flipped: not trusted
    with pytest.raises(cache_stage.CorruptEntry, match="checksum mismatch"):
        cache.read(dropped)
    assert cache.prune({("parse", kept.name)}) == 1
    assert kept.exists() and not dropped.exists()
    assert cache.read(dropped) is None


def test_the_cli_builds_from_a_file_url(tmp_path, folder_build):
    shutil.copytree(folder_build / "raw", tmp_path / "raw")
    result = CliRunner().invoke(cli, ["build", (tmp_path / "raw").as_uri(), "--db", str(tmp_path / "claims.db"),
                                      "--cache-dir", (tmp_path / "cache").as_uri(), "--quiet"])
    assert result.exit_code == 0, result.output
    assert dump_database(tmp_path / "claims.db") == dump_database(folder_build / "claims.db")


@pytest.mark.parametrize("raw,message", [
    ("nope://bucket/raw", "Unsupported filesystem: 'nope'"),
    ("memory://no-such-folder/raw", "is not a folder"),
])
def test_a_bad_raw_url_is_refused_with_the_reason(tmp_path, raw, message):
    result = CliRunner().invoke(cli, ["build", raw, "--db", str(tmp_path / "claims.db"), "--quiet"])
    assert result.exit_code != 0 and message in result.output, result.output
