"""Cited works as links between documents: a work cited in one document (its bibliography entry's
URL, and every note citing that entry) that is another document of the corpus (its source_url).

URLs are compared normalised, so the forms one page goes by are one: the scheme, `www.`, a trailing
slash, the fragment, tracking parameters and the order of the other parameters do not count; the
path's case does (servers tell it apart)."""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Iterator, Optional

# Query parameters that say where a reader came from, not which page it is.
TRACKING_PARAMS = re.compile(r"utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|ref_src|cmpid|icid|s_cid", re.I)


def normalise_url(url: Optional[str]) -> Optional[str]:
    """`HTTPS://www.State.gov/tokyo-statement/?utm_source=x#top` -> `state.gov/tokyo-statement`;
    None for what is not a web address."""
    if not url:
        return None
    text = url.strip().strip("<>")
    if text.lower().startswith("www."):
        text = "http://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    path = parts.path.rstrip("/")
    query = sorted((k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                   if not TRACKING_PARAMS.fullmatch(k))
    return host + path + ("?" + urllib.parse.urlencode(query) if query else "")


@dataclass
class CitedWork:
    """A bibliography entry with a URL, and the notes that cite it."""
    document_id: str
    bibliography_id: str
    url: str
    note_ids: tuple[str, ...] = ()


def iter_citations(source_urls: dict[str, tuple[str, Optional[str]]], works: list[CitedWork]) -> Iterator[dict]:
    """citations rows (without ids) from document id -> (path, source_url): one per note citing a
    work that is another document of the corpus, and one with note_id NULL for a work that only the
    bibliography lists."""
    by_url: dict[str, str] = {}
    for doc_id, (_, url) in sorted(source_urls.items(), key=lambda item: item[1][0]):
        key = normalise_url(url)
        if key:
            by_url.setdefault(key, doc_id)  # the same page under two documents: the first by path
    for work in works:
        cited = by_url.get(normalise_url(work.url) or "")
        if cited is None or cited == work.document_id:
            continue
        for note_id in work.note_ids or (None,):
            yield {"document_id": work.document_id, "note_id": note_id, "bibliography_id": work.bibliography_id,
                   "url": work.url, "cited_document_id": cited}
