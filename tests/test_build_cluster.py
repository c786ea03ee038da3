"""The build on a real Dask cluster (`build --cluster`): a LocalCluster of 2 worker processes started
here, the real model, real SQLite, real PDFs. The database is the one a local build makes, every
table and row (the runs row but its timing and jobs); a worker killed mid-build loses nothing; bad
files are rejected by name and the others stored.

The corpus is raw/ with a few generated documents (bench's generator), a small PDF and a corrupt
one; tasks are cut small (TASK_BYTES) so that several are in flight when a worker is killed.
"""
import os
import random
import shutil
import signal
import sqlite3

import pytest
from click.testing import CliRunner
from distributed import Client

from bench import corpus as bench_corpus
from pipeline.build import cluster as cluster_stage
from pipeline.build import run as build
from pipeline.build import worker as worker_stage
from pipeline.cli import cli
from pipeline.ingest import sha256_file

from .conftest import RAW, copy_small_corpus, dump_database
from .pdf_fixtures import make_page_of_lines, make_simple_pdf

pytestmark = pytest.mark.timeout(600)

CORRUPT_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n"
SMALL_TASK_BYTES = 16_000
N_GENERATED = 12


def write_corpus(base):
    """base/raw: raw/'s documents, N_GENERATED generated ones, a small PDF and a corrupt one."""
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    rng, pools = random.Random(19), bench_corpus.read_pools(RAW)
    for n in range(N_GENERATED):
        title, blocks = bench_corpus.make_document(rng, pools, rng.randint(3_000, 9_000))
        bench_corpus.write_text(raw / f"gen_{n:02d}.txt", "txt", title, blocks)
    make_simple_pdf(raw / "memo.pdf", "The ministry said on May 4, 2023 that it had approved $12 million "
                                      "for the new quantum centre in Daejeon.")
    (raw / "corrupt.pdf").write_bytes(CORRUPT_PDF)
    return base


@pytest.fixture(scope="module")
def small_tasks():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "TASK_BYTES", SMALL_TASK_BYTES)
        yield


@pytest.fixture(scope="module")
def local_build(tmp_path_factory, small_tasks):
    """The corpus built by the local pool: what every cluster build must equal."""
    base = write_corpus(tmp_path_factory.mktemp("local"))
    report = build.build(base / "raw", base / "claims.db", jobs=2)
    return base, report


@pytest.fixture(scope="module")
def dask_cluster():
    """A LocalCluster of 2 worker processes (a nanny each: a killed worker is started again)."""
    cluster = cluster_stage.start_local_cluster(2, worker_stage.DEFAULT_DOC_MEMORY_MB)
    client = Client(cluster.scheduler_address, set_as_default=False)
    client.wait_for_workers(2)
    yield cluster, client
    client.close()
    cluster.close()


def cluster_build(tmp_path, local_build, address, **options):
    base = tmp_path / "p"
    shutil.copytree(local_build[0] / "raw", base / "raw")
    report = build.build(base / "raw", base / "claims.db", cluster=address, **options)
    return base / "claims.db", report


def test_a_cluster_build_is_the_local_build(tmp_path, local_build, dask_cluster):
    db, report = cluster_build(tmp_path, local_build, dask_cluster[0].scheduler_address)
    local = local_build[1]
    assert (report.documents, report.processed, report.cached) == (local.documents, local.processed, 0)
    assert report.documents == len(list(RAW.iterdir())) + N_GENERATED + 1
    assert dump_database(db) == dump_database(local_build[0] / "claims.db")


def test_a_corrupt_pdf_on_the_cluster_is_rejected_by_name_and_the_others_stored(tmp_path, local_build, dask_cluster):
    db, report = cluster_build(tmp_path, local_build, dask_cluster[0].scheduler_address)
    assert len(report.rejected) == 1 and report.rejected[0].startswith("raw/corrupt.pdf: ")
    assert report.rejected == local_build[1].rejected
    conn = sqlite3.connect(db)
    stored = {row[0] for row in conn.execute("select path from documents")}
    conn.close()
    assert "raw/memo.pdf" in stored and "raw/corrupt.pdf" not in stored
    assert len(stored) == report.documents


def test_a_worker_killed_mid_build_loses_nothing(tmp_path, local_build, dask_cluster):
    cluster, client = dask_cluster
    client.wait_for_workers(2)
    pids = client.run(os.getpid)  # worker address -> pid
    killed = {}

    def on_file(path, error):
        if killed:
            return
        # the first document is stored: tasks are in flight; kill a worker that is running one
        busy = [address for address, keys in client.processing().items() if keys]
        assert busy, "no task in flight when the first document was stored"
        killed["address"], killed["tasks"] = busy[0], list(client.processing()[busy[0]])
        os.kill(pids[busy[0]], signal.SIGKILL)

    db, report = cluster_build(tmp_path, local_build, cluster.scheduler_address, on_file=on_file)
    assert killed["tasks"]
    assert (report.documents, report.rejected) == (local_build[1].documents, local_build[1].rejected)
    assert dump_database(db) == dump_database(local_build[0] / "claims.db")
    client.wait_for_workers(2, timeout=60)  # the nanny started the killed worker again
    assert pids[killed["address"]] not in client.run(os.getpid).values()


def test_a_worker_that_cannot_read_a_file_rejects_it_naming_it_and_caches_nothing(tmp_path, dask_cluster):
    """The parent hashed the file; the worker does not find it where the parent did (no shared storage)."""
    there = tmp_path / "here.txt"
    there.write_text("The ministry said on Tuesday it had approved $12 million.\n", encoding="utf-8")
    sha = sha256_file(there)
    parse_key, result_key = "p" * 16, "r" * 16
    job = worker_stage.Job(str(tmp_path / "elsewhere" / "here.txt"), ["raw/here.txt"], sha, "txt", parse_key,
                           result_key, there.stat().st_size)
    cache = tmp_path / "cache"
    settings = worker_stage.Settings(build.nlp.DEFAULT_MODEL, str(cache), str(tmp_path), 10_000_000,
                                     str(build.checkworthy.DEFAULT_MODEL_DIR.resolve()))
    pool = cluster_stage.ClusterPool(dask_cluster[0].scheduler_address, settings)
    try:
        [outcome] = pool.result(pool.submit([job]))
    finally:
        pool.close()
    assert outcome.result is None and outcome.error == "cannot be read (No such file or directory)"
    assert not (cache / "parse" / f"{sha}-{parse_key}").exists()  # readable again once the storage is there


def test_a_document_over_its_time_budget_on_the_cluster_is_rejected_and_the_others_stored(tmp_path, dask_cluster):
    """The worker's watchdog kills its own process; Dask runs the task again, which rejects that
    document unread and produces the others."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, day in (("a.txt", "Tuesday"), ("z.txt", "Friday")):  # a moment's work each, before and after it
        (raw / name).write_text(f"The ministry said on {day} it had approved $12 million for the centre.\n")
    make_page_of_lines(raw / "dense.pdf", 8000, per_column=500)  # ~10 s of pdfplumber
    report = build.build(raw, tmp_path / "claims.db", cluster=dask_cluster[0].scheduler_address, doc_timeout=3)
    assert report.rejected == ["raw/dense.pdf: took over 3 s (stopped while reading and cleaning); raise --doc-timeout"]
    assert report.documents == 2


def test_the_cli_starts_a_local_cluster(tmp_path):
    project = copy_small_corpus(tmp_path, n=2)
    (project / "raw" / "corrupt.pdf").write_bytes(CORRUPT_PDF)
    result = CliRunner().invoke(cli, ["build", str(project / "raw"), "--db", str(project / "claims.db"),
                                      "--cluster", "local:2", "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "rejected: raw/corrupt.pdf: " in result.output
    conn = sqlite3.connect(project / "claims.db")
    assert conn.execute("select count(*) from documents").fetchone()[0] == 2
    conn.close()


@pytest.mark.parametrize("address,message", [
    ("local:0", "the number of local workers must be a whole number of at least 1"),
    ("8786", "is not a cluster address"),
    ("tcp://127.0.0.1:9", "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
])
def test_a_bad_cluster_address_is_refused_with_the_reason(tmp_path, address, message, monkeypatch):
    monkeypatch.setattr(cluster_stage, "CONNECT_SECONDS", 2)
    project = copy_small_corpus(tmp_path, n=1)
    result = CliRunner().invoke(cli, ["build", str(project / "raw"), "--db", str(project / "claims.db"),
                                      "--cluster", address, "--quiet"])
    assert result.exit_code != 0 and message in result.output, result.output
    assert not (project / "claims.db").exists()
