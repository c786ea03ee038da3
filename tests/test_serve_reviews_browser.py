"""An audit trail that lasts, in a real browser (Playwright driving Debian's Chromium against
`claims-pipeline serve`): a verdict entered on a claim page, rebuilds that add and remove
documents while the server runs, the verdict still on the same claim at the same URL, new
documents served without a restart, and the reviewed claims of a removed document listed by the
"changed since review" query. Opt out like the other browser tests: CLAIMS_SKIP_BROWSER=1."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .conftest import ROOT, copy_small_corpus
from .test_serve_browser import STARTUP_SECONDS, _free_port, _sql, browser  # noqa: F401  (the browser fixture)

NEW_DOCUMENT = ("Published: 3 March 2024\n\nSeoul signs quantum accord\n\nThe Republic of Korea and Japan signed "
                "the Seoul Quantum Accord on 3 March 2024, pledging $40 million to joint research.\n")
FRESH_SECONDS = 15  # a rebuilt database is served within this


def _build(raw, db):
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", str(raw), "--db", str(db), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _status(url) -> int:
    try:
        return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = copy_small_corpus(tmp_path_factory.mktemp("reviews"))
    db = base / "extracted" / "claims.db"
    db.parent.mkdir()
    _build(base / "raw", db)
    return base, db


@pytest.fixture(scope="module")
def server(project):
    base, db = project
    port = _free_port()
    log = base / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while _status_or_none(f"{url}/-/versions.json") != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"serve did not start:\n{log.read_text()}")
        time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=20)


def _status_or_none(url):
    try:
        return _status(url)
    except OSError:
        return None


@pytest.fixture
def page(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server + "/")
                  else route.abort())
    tab = context.new_page()
    tab.base = server
    yield tab
    context.close()


def _review(page, claim_id, verdict, note, reviewer=None):
    page.goto(f"{page.base}/claims/claims/{claim_id}")
    page.locator(f"input[name=verdict][value='{verdict}']").check()
    page.locator("#review-note").fill(note)
    if reviewer:
        page.locator("#review-reviewer").fill(reviewer)
    page.locator(".review-form input[type=submit]").click()
    page.wait_for_url(re.compile(r"[?&](reviewed|review_error)="))
    assert page.locator(".review-error").count() == 0, page.locator(".review-error").inner_text()


def _wait_until_served(url, status=200):
    deadline = time.monotonic() + FRESH_SECONDS
    while _status(url) != status:
        assert time.monotonic() < deadline, f"{url} was not {status} within {FRESH_SECONDS} s of the rebuild"
        time.sleep(0.5)


def test_a_verdict_survives_a_rebuild_that_adds_a_document_sorting_first(page, project):
    base, db = project
    (claim_id, text), = _sql(db, "select id, text from claims order by position limit 1")
    _review(page, claim_id, "disputed", "The cited figure is from 2019.", reviewer="Ana Reviewer")
    assert page.locator(".verdicts .verdict-name").first.inner_text() == "disputed"
    assert "Ana Reviewer" in page.locator(".verdicts").inner_text()
    # a second verdict: the reviewer's name is remembered (cookie), the history keeps both
    _review(page, claim_id, "verified", "Checked against the source.")
    assert page.locator("#review-reviewer").input_value() == "Ana Reviewer"
    assert page.locator(".verdicts .verdict-name").all_inner_texts() == ["verified", "disputed"]

    (base / "raw" / "0000_new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    _build(base / "raw", db)
    (new_doc,), = _sql(db, "select id from documents where path like '%0000_new.txt'")
    assert _sql(db, "select path from documents order by path limit 1")[0][0].endswith("0000_new.txt")
    _wait_until_served(f"{page.base}/claims/documents/{new_doc}")  # no restart
    page.goto(f"{page.base}/claims/claims/{claim_id}")
    assert page.locator("blockquote.claim-text").inner_text() == text
    assert page.locator(".verdicts .verdict-name").all_inner_texts() == ["verified", "disputed"]
    footer = page.locator(".build-info").inner_text()
    assert "from 4 documents" in footer, footer

    # verdicts are searchable and faceted by verdict, and export with their claims' text and source
    page.goto(f"{page.base}/claims/reviewed_claims?verdict=verified&search=")
    assert page.locator(f"a[href='/claims/claims/{claim_id}']").count() >= 1
    exported = urllib.request.urlopen(f"{page.base}/reviews/verdicts.csv?_size=max").read().decode()
    assert text.replace('"', '""') in exported and "document_path" in exported
    page.goto(f"{page.base}/reviews/latest_verdicts?_facet=verdict")
    assert "verified" in page.locator(".facet-info").first.inner_text()


def test_a_removed_documents_reviewed_claims_are_listed_as_changed(page, project):
    base, db = project
    (claim_id, path), = _sql(db, "select c.id, d.path from claims c join documents d on d.id = c.document_id "
                                 "where d.path not like '%0000_new.txt' order by d.path desc, c.position limit 1")
    _review(page, claim_id, "needs source", "Find the report it quotes.", reviewer="Bo")
    (base / path).unlink()  # documents.path is relative to the folder holding raw/
    _build(base / "raw", db)
    _wait_until_served(f"{page.base}/claims/claims/{claim_id}", status=404)
    page.goto(f"{page.base}/claims/changed_since_review")
    row = page.locator("table.rows-and-columns tbody tr", has_text="Find the report it quotes.")
    assert row.count() == 1
    assert "document removed" in row.inner_text()
    # the claims of documents still there are not listed
    assert page.locator("table.rows-and-columns tbody tr", has_text="Checked against the source.").count() == 0


def test_verdicts_are_refused_without_the_pages_token_or_from_another_site(server, project):
    _, db = project
    (claim_id,), = _sql(db, "select id from claims order by position limit 1")
    before = _sql(db.with_name("reviews.db"), "select count(*) from verdicts")[0][0]
    form = urllib.parse.urlencode({"verdict": "verified", "reviewer": "x"}).encode()
    for headers in ({}, {"Origin": "http://evil.example", "Cookie": "ds_csrftoken=abc"}):
        request = urllib.request.Request(f"{server}/-/review/{claim_id}", data=form, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403
    assert _sql(db.with_name("reviews.db"), "select count(*) from verdicts")[0][0] == before
