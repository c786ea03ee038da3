"""SQL for the rows (mentions, dates) that lie inside claims, fast in long documents.

queries.inside() says "inside" as start/end comparisons; with the index on claims (document_id,
start), SQLite then reads every claim of the document that starts before the row, once per row: an
entity named 15,000 times in long documents took seconds. Bounding the claim's start from below by
the longest claim's length gives the same rows from a short range of the index.
"""
from __future__ import annotations

from .per_build import per_build
from .queries import inside


async def longest_claim(db) -> int:
    """The length of the database's longest claim, in characters (0 when it has none)."""
    async def compute():
        (n,), = (await db.execute('select coalesce(max("end" - start), 0) from claims')).rows
        return int(n)
    return await per_build(db, "longest claim", compute)


def inside_claim(inner: str, claim: str, longest: int) -> str:
    """SQL: row `inner` lies inside claim `claim` (queries.inside), with the bound that lets the
    index find the claim; longest is longest_claim(db)."""
    return f"{inside(inner, claim)} and {claim}.start >= {inner}.start - {int(longest)}"
