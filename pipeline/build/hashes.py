"""The sha256 of each source file, remembered by what `stat` says of it, so that planning a build
reads only the files that changed (hashing every file was most of an update's cost at 20,000
documents).

A file's remembered hash is used while its size, modification time, change time, inode and device
are the ones it had when it was hashed. The change time cannot be set back by a user (`touch -d`,
`cp -p` and a rename-over all change it), and a new file in the same place has a new inode. A
hash is remembered only when the file had not changed for RACY_SECONDS before it was read (as git
does for its index): a file written again within the file system's timestamp granularity after
it was hashed could otherwise keep every stat field.

The hashes live in one SQLite file in the build's cache folder (`file-hashes.sqlite`), keyed by
the file's absolute path. It is a cache: one that cannot be read is started again, and any error
writing it is ignored (the next build hashes those files again).
"""
from __future__ import annotations

import os
import pathlib
import sqlite3
import time
from typing import Optional

from .. import ingest

FILE_NAME = "file-hashes.sqlite"
# A file changed less than this long before it was hashed is hashed again next time.
RACY_SECONDS = 2.0
_SCHEMA = ("create table if not exists hashes (path text primary key, size integer, mtime_ns integer, "
           "ctime_ns integer, inode integer, device integer, sha256 text)")


def stat_key(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class FileHashes:
    """sha256 of local files, remembered in `directory/file-hashes.sqlite` (see the module)."""

    def __init__(self, directory: pathlib.Path, racy_seconds: Optional[float] = None):
        self.file = pathlib.Path(directory) / FILE_NAME
        self.racy_ns = (RACY_SECONDS if racy_seconds is None else racy_seconds) * 1e9
        self.known: dict[str, tuple] = {}  # absolute path -> (stat_key, sha256)
        self.seen: dict[str, Optional[tuple]] = {}  # paths looked up by this build -> what to remember
        try:
            with sqlite3.connect(self.file, timeout=5) as conn:
                conn.execute(_SCHEMA)
                for path, *key, sha in conn.execute("select path, size, mtime_ns, ctime_ns, inode, device, sha256 "
                                                    "from hashes"):
                    self.known[path] = (tuple(key), sha)
        except sqlite3.Error:  # not SQLite, damaged, locked for too long: start again
            self.known = {}
            self._remove()

    def sha256(self, path: str, st: os.stat_result) -> str:
        """The sha256 of the local file at absolute `path`, whose os.stat is `st`."""
        key = stat_key(st)
        known = self.known.get(path)
        if known is not None and known[0] == key:
            self.seen[path] = known
            return known[1]
        hashed_at = time.time_ns()
        sha = ingest.sha256_file(pathlib.Path(path))
        settled = hashed_at - max(st.st_mtime_ns, st.st_ctime_ns) > self.racy_ns
        self.seen[path] = (key, sha) if settled and stat_key(os.stat(path)) == key else None
        return sha

    def save(self) -> None:
        """Remember the hashes of the files this build looked up, and forget the others."""
        keep = {path: value for path, value in self.seen.items() if value is not None}
        if keep == self.known:
            return
        gone = [(path,) for path in self.known if path not in keep]
        new = [(path, *key, sha) for path, (key, sha) in keep.items() if self.known.get(path) != (key, sha)]
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(self.file, timeout=5) as conn:
                conn.execute(_SCHEMA)
                conn.executemany("delete from hashes where path = ?", gone)
                conn.executemany("insert or replace into hashes values (?, ?, ?, ?, ?, ?, ?)", new)
            self.known = keep
        except (sqlite3.Error, OSError):  # a cache: the next build hashes these files again
            pass

    def _remove(self) -> None:
        for suffix in ("", "-journal"):
            try:
                os.unlink(f"{self.file}{suffix}")
            except OSError:
                pass
