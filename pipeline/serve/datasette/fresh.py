"""A server that is never stale. A build updates a served database in place, in one transaction
(readers see it committed, SQLite's locking), or, when it builds anew, renames a finished new file
over it: then the next request is answered from the new file.

The old file (its inode) stays whole for requests already reading it. `refresh` notices a new inode
at the path, swaps in a fresh Database object for the same name (one assignment: a request sees the
old one or the new one, never neither), and closes the old one's connections once the requests that
might still use it have had time to finish.
"""
from __future__ import annotations

import asyncio
import os
import time
from typing import Optional

from datasette import database as datasette_database
from datasette.database import Database

from ...store.check import UnreadableDatabase, ensure_readable

CHECK_EVERY_S = 1.0  # at most one stat() per served file per second
CLOSE_OLD_AFTER_S = 60.0  # longer than the SQL time limit: requests on the old file are done

_seen: dict[str, tuple] = {}  # database name -> (inode, device) of the file it was opened from
_last_check = 0.0


class FollowedDatabase(Database):
    """A database opened again after its file was replaced. Datasette keeps one connection per
    thread under the database's name, so a thread would go on reading the old file: each query
    first trades such a connection for one of this database's own."""

    async def execute_fn(self, fn):
        def on_own_connection(conn):
            if conn not in self._all_file_connections:  # the replaced file's, left in this thread
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(datasette_database.connections, self.name, conn)
            return fn(conn)
        return await super().execute_fn(on_own_connection)


def _identity(path: str) -> Optional[tuple]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_dev


def _is_database(path: str) -> bool:
    """The new file is a whole database (a half-copied file is left for the next check)."""
    try:
        ensure_readable(path)
        return True
    except UnreadableDatabase:
        return False


def remember(datasette) -> None:
    """Note the file each database was opened from (at start-up)."""
    for name, db in datasette.databases.items():
        if db.path and name not in _seen:
            _seen[name] = _identity(db.path)


async def refresh(datasette, now: Optional[float] = None) -> list[str]:
    """Swap in the new file of every database whose path now names another file;
    returns the names swapped. Cheap when nothing changed (a stat per file, once a second)."""
    global _last_check
    now = time.monotonic() if now is None else now
    if now - _last_check < CHECK_EVERY_S:
        return []
    _last_check = now
    remember(datasette)
    swapped = []
    for name, db in list(datasette.databases.items()):
        if not db.path:
            continue
        identity = _identity(db.path)
        if identity is None or identity == _seen.get(name) or not _is_database(db.path):
            continue
        fresh = FollowedDatabase(datasette, path=db.path, is_mutable=db.is_mutable)
        fresh.name, fresh.route = db.name, db.route
        databases = dict(datasette.databases)
        databases[name] = fresh
        datasette.databases = databases  # one assignment: never a moment without the database
        _seen[name] = identity
        swapped.append(name)
        asyncio.get_running_loop().call_later(CLOSE_OLD_AFTER_S, db.close)
    return swapped
