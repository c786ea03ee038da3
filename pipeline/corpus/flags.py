"""Flags on each claim. `unsourced` is decided here once: by the build for claims.unsourced, and
by the canned query for a database built without the column (serve/datasette/queries.py)."""
from __future__ import annotations

from typing import Optional

# A claim whose text contains one of these cites a web address (case matters, as in the text).
URL_MARKERS = ("http://", "https://", "www.")


def is_unsourced(note_id: Optional[int], speaker: Optional[str], text: str) -> bool:
    """No footnote, no named speaker, no web address in the claim's text."""
    return note_id is None and not speaker and not any(marker in text for marker in URL_MARKERS)


def unsourced_sql(alias: str = "c") -> str:
    """is_unsourced as an SQL condition on a claims row (GLOB, like `in`, tells case apart)."""
    return " and ".join([f"{alias}.note_id is null", f"coalesce({alias}.speaker, '') = ''",
                         *(f"{alias}.text not glob '*{marker}*'" for marker in URL_MARKERS)])
