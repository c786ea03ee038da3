"""Hostile inputs to serving (issue 13): huge document pages, bidirectional control characters, broken
database files, a port in use, and 404s. Every database is generated in the test.

The pages are rendered by a real Datasette, in-process through its test client or as
`claims-pipeline serve` on a free port. (The bidi case is checked on the HTML, not in a browser:
Chromium is not installed where this was written; see tests/test_serve_browser.py for browser tests.)
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import sqlite_utils

from pipeline.serve import serve
from pipeline.serve.datasette import PLUGINS, TEMPLATES
from pipeline.serve.datasette.spans import SortedSpans, render_spans, span
from pipeline.store.schema import ensure_schema

from ..conftest import ROOT

STARTUP_SECONDS = 60


def make_db(path, paragraphs: list[str], title: str = "Generated report", speaker: str | None = None):
    """A claims database of one document made of these paragraphs, each one sentence and one claim."""
    text = "\n\n".join(paragraphs)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    db["documents"].insert({"id": 1, "path": "raw/generated.txt", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                            "format": "txt", "title": title, "n_pages": 1, "text": text,
                            "paths": json.dumps(["raw/generated.txt"]), "n_claims": len(paragraphs)})
    rows: dict[str, list[dict]] = {"paragraphs": [], "sentences": [], "claims": []}
    pos = 0
    for i, para in enumerate(paragraphs, 1):
        where = {"document_id": 1, "start": pos, "end": pos + len(para), "text": para}
        rows["paragraphs"].append(dict(where, id=i, seq=i, kind="prose", page=1))
        rows["sentences"].append(dict(where, id=i, paragraph_id=i, page=1, score=0.9))
        rows["claims"].append(dict(where, id=i, sentence_id=i, kind="launch", modality="asserted", score=0.9,
                                   speaker=speaker))
        pos += len(para) + 2
    for table, items in rows.items():
        db[table].insert_all(items, batch_size=1000)
    db["runs"].insert({"id": 1, "started": "2024-01-01T00:00:00", "finished": "2024-01-01T00:01:00",
                       "pipeline_version": "test", "spacy_model": "test", "n_documents": 1, "claim_threshold": 0.5})
    db.conn.commit()
    db.conn.close()
    return path


def datasette_client(db):
    """get(path) -> response of a real in-process Datasette serving db as `claims-pipeline serve` does."""
    from datasette.app import Datasette

    ds = Datasette(immutables=[str(db)], metadata=serve.build_metadata(db),
                   template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS))

    async def get(path):
        await ds.invoke_startup()
        return await ds.client.get(path)

    return lambda path: asyncio.run(get(path))


# --- case 9: a document page of many paragraphs and claims ----------------------------------------

@pytest.mark.parametrize("seed", range(30))
def test_a_paragraph_gets_the_highlights_it_would_get_from_all_of_them(seed):
    """SortedSpans.starting_in(lo, hi) renders a stretch exactly as the document's every span would:
    crossing spans, insertions, equal starts, spans out of the stretch."""
    rng = random.Random(seed)
    text = "".join(rng.choice("ab <&>\n") for _ in range(200))
    spans = []
    for _ in range(rng.randrange(60)):
        start = rng.randrange(len(text) + 1)
        end = start if rng.random() < 0.2 else rng.randrange(start, min(len(text), start + 40) + 1)
        spans.append(span(start, end, rng.choice(["a", "mark", "sup"]), content=str(rng.randrange(9)) if start == end else "",
                          class_=f"c{rng.randrange(3)}", title="t<\"'>"))
    index = SortedSpans(spans)
    for _ in range(20):
        lo = rng.randrange(len(text) + 1)
        hi = rng.randrange(lo, len(text) + 1)
        assert render_spans(text[lo:hi], lo, index.starting_in(lo, hi)) == render_spans(text[lo:hi], lo, spans)


N_PARAGRAPHS = 30_000  # with a claim each; 8,000 took 2.0 s (4.2 s here) when each paragraph scanned every claim


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("big") / "big.db",
                   [f"The agency launched programme {i} in 2021." for i in range(N_PARAGRAPHS)])


@pytest.mark.timeout(40)
def test_document_page_of_many_paragraphs_and_claims(big_db):
    response = datasette_client(big_db)("/big/documents/1")
    assert response.status_code == 200
    linked = [int(i) for i in re.findall(r'<a class="claim" id="claim-(\d+)" href="/big/claims/\d+"', response.text)]
    assert linked == list(range(1, N_PARAGRAPHS + 1))  # every claim, in its paragraph, in order
    assert f">The agency launched programme {N_PARAGRAPHS - 1} in 2021.</a>" in response.text
