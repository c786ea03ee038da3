"""`claims-pipeline serve` run for a test: on a free loopback port, waited for, stopped afterwards
(the browser tests' servers, tests/test_serve_browser.py and others)."""
from __future__ import annotations

import contextlib
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(db: pathlib.Path, log: pathlib.Path, *options: str):
    """`claims-pipeline serve --db db [options]` until the block ends; yields its base URL. Fails
    the test with the server's log when it does not start; checks that datasette itself stopped."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(db), "--port", str(port),
                                    *options], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"datasette did not start on {base}:\n{log.read_text()}")
            time.sleep(0.3)
    try:
        yield base
    finally:
        process.terminate()  # serve forwards SIGTERM to datasette and waits for it
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with pytest.raises(OSError):  # datasette itself stopped too
        urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
