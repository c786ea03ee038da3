"""Flags on each claim. `unsourced` is decided here once: by the build for claims.unsourced, and
by the canned query for a database built without the column (serve/datasette/queries.py)."""
from __future__ import annotations

from typing import Optional

# A claim whose text contains one of these cites a web address (case matters, as in the text).
URL_MARKERS = ("http://", "https://", "www.")


# How a document supports a claim (claims.sourced_by), strongest first; NULL when it does not: unsourced.
NOTE, SPEAKER, LINK = "note", "speaker", "link"


def sourced_by(note_id: Optional[int], speaker: Optional[str], text: str) -> Optional[str]:
    """`note`: a footnote or cited work marks the sentence; `speaker`: the statement is attributed
    to a named source (a quotation, `X said that ...`, `according to X`); `link`: the claim's text
    gives a web address; None: nothing in the document supports it. The actor who did something
    (`IBM pledged $150 million`) is not a source of the statement (extract/claims/rules.py)."""
    if note_id is not None:
        return NOTE
    if speaker:
        return SPEAKER
    if any(marker in text for marker in URL_MARKERS):
        return LINK
    return None


def is_unsourced(note_id: Optional[int], speaker: Optional[str], text: str) -> bool:
    """No footnote, no named speaker, no web address in the claim's text."""
    return sourced_by(note_id, speaker, text) is None


def unsourced_sql(alias: str = "c") -> str:
    """is_unsourced as an SQL condition on a claims row (GLOB, like `in`, tells case apart)."""
    return " and ".join([f"{alias}.note_id is null", f"coalesce({alias}.speaker, '') = ''",
                         *(f"{alias}.text not glob '*{marker}*'" for marker in URL_MARKERS)])
