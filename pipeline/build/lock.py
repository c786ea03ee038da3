"""One build at a time per database: a lock file beside it (`claims.db.lock`, fcntl.flock).

Two builds of one database at once would each read the build history (the `runs` rows) before
either had written it, and the second to finish would drop the first's row. So a build takes the
lock before it reads anything and keeps it until the new database is in place and the cache
pruned; a second build waits for it (saying whose build it waits for), up to a timeout, then
refuses. The lock is the kernel's: it goes with the process that holds it, killed or not, so a
killed build never leaves a stale lock. The file holds the holder's PID, for the message only,
and is never deleted (deleting a lock file others may have opened breaks the lock).
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import time
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not serialised
    fcntl = None

DEFAULT_LOCK_TIMEOUT = 600.0  # seconds a build waits for another one of the same database
POLL_SECONDS = 0.2


class BuildLocked(Exception):
    """Another build of the same database held the lock for longer than the wait allowed."""


def lock_path(db_path: pathlib.Path) -> pathlib.Path:
    return db_path.with_name(db_path.name + ".lock")


@contextlib.contextmanager
def build_lock(db_path: pathlib.Path, timeout: float = DEFAULT_LOCK_TIMEOUT,
               on_wait: Callable[[str], None] = lambda text: None) -> Iterator[None]:
    """Hold the database's build lock for the block; wait up to `timeout` seconds for another
    build holding it (`on_wait` is told once), then raise BuildLocked."""
    if fcntl is None:
        yield
        return
    path = lock_path(pathlib.Path(db_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder = _holder(fd)
            on_wait(f"waiting for the build of {holder} to finish ({path} is locked; at most {timeout:g} s, "
                    f"see --lock-timeout)…")
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise BuildLocked(f"cannot build {db_path}: the build of {_holder(fd)} still holds {path} after "
                                      f"{timeout:g} s; let it finish (or stop it), or raise --lock-timeout")
                time.sleep(POLL_SECONDS)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:  # a full disk: the PID is only for the message
            pass
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)  # forked workers share the lock: release it for all of them
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(fd: int) -> str:
    """`PID n` of the build holding the lock, as its file says."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"PID {text}" if text.isdigit() else "another process"
