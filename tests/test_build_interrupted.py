"""Interrupted and concurrent builds: a build killed with SIGKILL at any point leaves the previous
database intact and servable and no orphan workers; readers (SQLite, Datasette) keep answering
while a rebuild runs. Real builds through the command line in subprocesses."""
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from pipeline.store import check

from .conftest import ROOT, copy_small_corpus

SLOW_SECONDS = 120
# Workers die with the build (PR_SET_PDEATHSIG), not when their task ends: a short grace only.
ORPHAN_GRACE_SECONDS = 1.0


def _command(project, *extra):
    return [sys.executable, "-m", "pipeline", "build", str(project / "raw"), "--db",
            str(project / "extracted" / "claims.db"), "--quiet", "--jobs", "2", *extra]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project with the three smallest documents of raw/, built once."""
    base = copy_small_corpus(tmp_path_factory.mktemp("interrupted"))
    subprocess.run(_command(base), cwd=ROOT, check=True, timeout=SLOW_SECONDS)
    return base


@pytest.fixture
def project(built, tmp_path):
    shutil.copytree(built, tmp_path / "p")
    return tmp_path / "p"


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    if text.encode() in handle.read():
                        found.append(int(pid))
            except OSError:
                pass
    return found


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(c) for c in handle.read().split()]
    except OSError:
        return []


def _wait_for(condition, process, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    return False


# When to kill: a condition on the running build (its pid, the project) polled every 5 ms, then a delay.
KILL_POINTS = {
    "while starting and planning": (lambda pid, p: True, 0.15),
    "while workers parse": (lambda pid, p: len(_children(pid)) >= 1, 0.4),
    "as the new database is created": (lambda pid, p: any(p.glob("extracted/.claims.db.*.tmp")), 0.0),
    "while the new database is loaded": (lambda pid, p: any(p.glob("extracted/cache/result/*")), 0.0),
}


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_sigkill_leaves_the_previous_database_intact_and_no_orphans(project, point):
    db = project / "extracted" / "claims.db"
    before = db.read_bytes()
    shutil.rmtree(project / "extracted" / "cache")  # a rebuild with real work to interrupt
    process = subprocess.Popen(_command(project), cwd=ROOT)
    condition, delay = KILL_POINTS[point]
    reached = _wait_for(lambda: condition(process.pid, project), process)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert reached or process.returncode == 0, f"the build ended before reaching {point!r}"

    deadline = time.monotonic() + ORPHAN_GRACE_SECONDS
    while _processes_mentioning(str(db)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(db)) == [], "worker processes outlived the killed build"
    if process.returncode == -signal.SIGKILL:
        assert db.read_bytes() == before, "the previous database changed"
    assert check.check_database(db) == []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("select count(*) from documents").fetchone()[0] == 3
    conn.close()

    # The next build finishes and clears what the killed one left behind.
    subprocess.run(_command(project), cwd=ROOT, check=True, timeout=SLOW_SECONDS)
    assert check.check_database(db) == []
    assert not list((project / "extracted").glob(".claims.db.*.tmp"))
    assert not list((project / "extracted" / "cache").rglob("*.tmp"))


def test_a_sqlite_reader_keeps_answering_during_a_rebuild(project):
    db = project / "extracted" / "claims.db"
    answers, errors, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                answers.append(conn.execute("select count(*) from claims").fetchone()[0])
                conn.execute("select text from documents limit 1").fetchone()
                conn.close()
            except sqlite3.Error as exc:
                errors.append(repr(exc))
            time.sleep(0.01)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        subprocess.run(_command(project, "--no-cache"), cwd=ROOT, check=True, timeout=SLOW_SECONDS)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert len(answers) > 10 and len(set(answers)) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_datasette_keeps_answering_during_a_rebuild(project):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = project / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db",
                                   str(project / "extracted" / "claims.db"), "--port", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        statuses = []
        build = subprocess.Popen(_command(project, "--no-cache"), cwd=ROOT)
        while build.poll() is None:
            with urllib.request.urlopen(f"{base}/claims/claims.json?_size=5", timeout=10) as response:
                statuses.append(response.status)
            time.sleep(0.05)
        assert build.returncode == 0
        with urllib.request.urlopen(f"{base}/claims/documents.json?_size=1", timeout=10) as response:
            statuses.append(response.status)
        assert len(statuses) > 5 and set(statuses) == {200}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


POOL_SCRIPT = """
import concurrent.futures, multiprocessing, os, sys, time
from pipeline.build.worker import init_worker
pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                              initializer=init_worker if sys.argv[1] == "on" else None)
pid = pool.submit(os.getpid).result()
pool.submit(time.sleep, 60)
print(pid, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("guard,survives", [("on", False), ("off", True)])
def test_a_busy_worker_dies_with_its_killed_build(guard, survives):
    """The case the build tests are too quick to show: a worker in the middle of a long task."""
    parent = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT, guard], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    time.sleep(0.3)  # the worker is now sleeping inside its task
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    time.sleep(ORPHAN_GRACE_SECONDS)
    try:
        with open(f"/proc/{worker}/status") as status:
            alive = "zombie" not in status.read()
    except FileNotFoundError:
        alive = False
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert alive == survives
