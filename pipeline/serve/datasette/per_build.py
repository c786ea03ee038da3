"""Values computed once per served build: a rebuilt file is served as a new Database object
(fresh.py), and an update in place adds a runs row, so a value is kept by Database object and build
(the last runs id), which is asked for at most once a second."""
from __future__ import annotations

import time
import weakref
from typing import Awaitable, Callable

CHECK_EVERY_S = 1.0

# Database -> (build, when the build was asked for, {name: value})
_kept: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


async def per_build(db, name: str, compute: Callable[[], Awaitable]):
    """`await compute()` for this database's current build, computed once per build."""
    entry, now = _kept.get(db), time.monotonic()
    if entry is None or now - entry[1] > CHECK_EVERY_S:
        (build,), = (await db.execute("select max(id) from runs")).rows
        values = entry[2] if entry is not None and entry[0] == build else {}
        entry = _kept[db] = (build, now, values)
    values = entry[2]
    if name not in values:
        values[name] = await compute()
    return values[name]
