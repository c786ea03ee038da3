"""The sha256 of each source file, remembered by what `stat` says of it, so that planning a build
reads only the files that changed (hashing every file was most of an update's cost at 20,000
documents).

A file's remembered hash is used while its size, modification time, change time, inode and device
are the ones it had when it was hashed. The change time cannot be set back by a user (`touch -d`,
`cp -p` and a rename-over all change it), and a new file in the same place has a new inode. A
hash is remembered only when the file had not changed for a while before it was read (as git
does for its index): a file written again within the file system's timestamp granularity after
it was hashed could otherwise keep every stat field. How long is guessed from the file's own
times: whole seconds (FAT, HFS+, ext3, some network file systems) wait RACY_SECONDS; times with
nanoseconds (ext4, XFS, Btrfs, tmpfs, APFS) are stamped from a clock coarse by at most a kernel
tick (1-10 ms) and wait FINE_RACY_SECONDS, which also allows for a little clock skew. Files
written and built at once (a folder copied in, then built) are remembered on the first build.

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
# A file changed less than this long before it was hashed is hashed again next time: files whose
# times are whole seconds (FAT's are even seconds), and files whose times have nanoseconds.
RACY_SECONDS = 2.0
FINE_RACY_SECONDS = 0.1
_SCHEMA = ("create table if not exists hashes (path text primary key, size integer, mtime_ns integer, "
           "ctime_ns integer, inode integer, device integer, sha256 text)")


def stat_key(st: os.stat_result) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def racy_seconds_of(st: os.stat_result) -> float:
    """How long after a file's last change another write could leave its times unchanged: the
    timestamp granularity of its file system, as its times show it (see the module)."""
    whole = st.st_mtime_ns % 1_000_000_000 == 0 or st.st_ctime_ns % 1_000_000_000 == 0
    return RACY_SECONDS if whole else FINE_RACY_SECONDS


class FileHashes:
    """sha256 of local files, remembered in `directory/file-hashes.sqlite` (see the module)."""

    def __init__(self, directory: pathlib.Path, racy_seconds: Optional[float] = None):
        """`racy_seconds`: how long a file must have been unchanged before it was hashed for the hash
        to be remembered (None: by its timestamps' granularity)."""
        self.file = pathlib.Path(directory) / FILE_NAME
        self.racy_seconds = racy_seconds  # None: by each file's timestamps (racy_seconds_of)
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
        racy = racy_seconds_of(st) if self.racy_seconds is None else self.racy_seconds
        settled = hashed_at - max(st.st_mtime_ns, st.st_ctime_ns) > racy * 1e9
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
