"""Stable row ids: derived from what a row is, not from the order rows were written, so a claim,
a document or an entity keeps its id (and its URL) in every build, however many documents are
added or removed.

An id is the first ID_DIGITS hex digits of a sha256 over the row's table and its key:
- documents: the file's sha256 itself (its first digits: the id says which file it is);
- rows of one document (paragraphs, sentences, mentions, dates, money, notes, ...): the
  document's sha256 and the row's offsets in the document text;
- claims: the document's sha256 and the claim's text with its whitespace collapsed, and which
  occurrence of that text it is (so an offset shifted by a change of the cleaning rules does not
  orphan a reviewer's verdict);
- entities: the canonical name (not the label: that is a vote of the mentions, which may change
  as the corpus grows);
- facts: their member claims' ids.

Keys that repeat within a batch are told apart by their occurrence (`#2`, `#3`). Two different
keys whose first ID_DIGITS digits agree (a collision: about one in 10^7 at a million rows) are
handled explicitly: the key written second gets LONGER_DIGITS more digits, and so on.
"""
from __future__ import annotations

import collections
import hashlib
from typing import Callable, Iterable, Sequence

ID_DIGITS = 12
LONGER_DIGITS = 4
MAX_PARAMS = 900  # below SQLite's default limit of bound parameters per statement


def digest(table: str, key: Sequence) -> str:
    """The full sha256 (hex) of a row's table and key."""
    text = "\x1f".join([table, *("" if part is None else str(part) for part in key)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_text(text: str) -> str:
    """A claim's text as its id reads it: whitespace runs are one space."""
    return " ".join(text.split())


def with_occurrences(keys: Iterable[tuple]) -> list[tuple]:
    """keys, each repeated key made distinct by its occurrence number (the first stays as it is)."""
    seen: collections.Counter = collections.Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(key if seen[key] == 1 else (*key, f"#{seen[key]}"))
    return out


def short_ids(digests: Sequence[str], taken: Callable[[list[str]], set[str]]) -> list[str]:
    """The short id of each digest: its first ID_DIGITS digits, longer where those are already
    used by another row (`taken(candidates)` names the candidates already stored) or by an
    earlier digest of this batch."""
    width = {d: ID_DIGITS for d in digests}
    while True:
        candidates = [d[:width[d]] for d in digests]
        stored = taken(candidates)
        owner: dict[str, str] = {}
        clash = False
        for d, cid in zip(digests, candidates):
            if cid in stored or owner.setdefault(cid, d) != d:
                width[d] += LONGER_DIGITS
                clash = True
        if not clash:
            return candidates
        if any(w > len(d) for d, w in width.items()):
            raise ValueError("two rows have the same key; their ids cannot be told apart")


def stored_ids(conn, table: str) -> Callable[[list[str]], set[str]]:
    """`taken` for short_ids: which of some ids rows of `table` already have in the database."""
    def taken(candidates: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(candidates), MAX_PARAMS):
            chunk = candidates[i:i + MAX_PARAMS]
            found.update(r[0] for r in conn.execute(
                f'select id from "{table}" where id in ({", ".join("?" * len(chunk))})', chunk))
        return found
    return taken
