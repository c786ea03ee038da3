"""The audit pages in a real browser: Playwright driving Debian's Chromium against `claims-pipeline serve`.

The database is built in the test from the corpus plus a document full of markup, and served under a
name other than `claims` (the metadata must follow it). The browser may reach nothing but the server:
every other request is aborted and fails the test, so pages that load JavaScript from a CDN fail here.

Opt out (developers only; CI runs these): CLAIMS_SKIP_BROWSER=1. Without the opt-out a missing Chromium
or Playwright is an error, not a skip: `make test` installs both.
"""
from __future__ import annotations

import os
import pathlib
import sqlite3
import urllib.parse

import pytest

from .conftest import ROOT, build_corpus_with
from .serving import STARTUP_SECONDS, running_server  # noqa: F401  (STARTUP_SECONDS, _free_port: for
from .serving import free_port as _free_port  # noqa: F401  tests/test_serve_reviews_browser.py)

CHROMIUM = pathlib.Path(os.environ.get("CLAIMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
DB_NAME = "audit"  # served as audit.db: not the name metadata.yml is written for
# JavaScript: an element's text without the footnote markers shown inside it
WITHOUT_MARKERS = ("e => { const c = e.cloneNode(true); c.querySelectorAll('.marker').forEach(x => x.remove()); "
                   "return c.textContent; }")
MARKUP_DOCUMENT = """Markup inside a plain text report

The ministry signed an agreement worth $5 million with <script>window.__pwned = 1; document.title = "pwned";</script> partners in Tokyo on 3 March 2021.

The agency said it launched <img src=x onerror="window.__pwned = 2"> a <b>bold</b> programme & a fund in 2022.
"""

if os.environ.get("CLAIMS_SKIP_BROWSER") == "1":
    pytest.skip("browser tests skipped: CLAIMS_SKIP_BROWSER=1 was set (unset it to run them; CI does)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def audit_db(tmp_path_factory):
    """A database built by the CLI from the corpus plus a document containing <script> and <img onerror>."""
    return build_corpus_with(tmp_path_factory.mktemp("browser"), {"markup.txt": MARKUP_DOCUMENT}, DB_NAME)


@pytest.fixture(scope="module")
def server(audit_db):
    """`claims-pipeline serve` on a free loopback port; yields its base URL, stops it afterwards."""
    with running_server(audit_db, audit_db.parent / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: run `make test` (it installs the test extras), "
                    "or set CLAIMS_SKIP_BROWSER=1 to skip the browser tests")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (make test does this as root), "
                    "or set CLAIMS_SKIP_BROWSER=1 to skip the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that may only talk to the server; fails the test on any other request, JS error,
    or dialog (alert/confirm) opened by page content."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, errors = [], []

    def only_local(route):
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda dialog: (errors.append(f"dialog opened: {dialog.message}"), dialog.dismiss()))
    tab.base = server
    yield tab
    context.close()
    assert not outside, f"the page tried to reach outside the server: {outside}"
    assert not errors, f"errors in the page: {errors}"


def _sql(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _screenshot(page, name, full_page=True):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_claim_page_highlights_the_sentence_and_links_its_footnote(page, audit_db):
    claim_id, sentence, note_number, url = _sql(audit_db, """
        select c.id, s.text, n.number, b.url from claims c join sentences s on s.id = c.sentence_id
        join notes n on n.id = c.note_id join note_bibliography nb on nb.note_id = n.id
        join bibliography b on b.id = nb.bibliography_id
        where b.url like 'http%' and exists (select 1 from mentions m where m.document_id = c.document_id
          and m.start >= c.start and m."end" <= c."end")
        order by c.id limit 1""")[0]
    page.goto(f"{page.base}/{DB_NAME}/claims/{claim_id}")
    assert page.locator("mark.sentence").evaluate(WITHOUT_MARKERS) == sentence
    assert page.locator("a.cited-url").first.get_attribute("href") == url
    assert page.locator("a.note-link").inner_text() == f"Note {note_number}"
    assert page.locator(".page-number").inner_text().isdigit()
    assert float(page.locator(".field-score").inner_text().split()[0]) > 0  # the check-worthiness score
    _screenshot(page, "claim-page.png")
    # the entities inside the claim lead to their own rows, the document link to the document page
    page.locator("mark.sentence a.entity").first.click()
    page.wait_for_url(f"**/{DB_NAME}/entities/*")
    page.go_back()
    page.locator("a.document-link").click()
    page.wait_for_url(f"**/{DB_NAME}/documents/*")
    assert page.locator(f"#claim-{claim_id}").count() == 1


def test_search_a_phrase_and_open_its_claim(page, audit_db):
    page.goto(f"{page.base}/{DB_NAME}/claims")  # the claims table's own search box
    page.fill("#_search", "Tokyo Statement")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=Tokyo+Statement*")
    results = page.locator("a.claim-link")
    assert results.count() >= 1
    assert all("tokyo statement" in text.lower() for text in results.all_inner_texts())
    first = results.first.inner_text()
    results.first.click()
    page.wait_for_url(f"**/{DB_NAME}/claims/*")
    assert page.locator("blockquote.claim-text").inner_text() == first
    assert "Tokyo Statement" in page.locator("mark.sentence").inner_text()
    assert page.locator("a.document-link").count() == 1


CANNED = [  # name, parameters
    ("money_by_actor", {}),
    ("documents_overview", {}),
    ("claims_mentioning", {"entity": "Japan"}),
    ("unsourced_claims", {}),
    ("facts_in_several_documents", {}),
    ("conflicting_figures", {}),
    ("document_in_reading_order", {"document": "1"}),
]


@pytest.mark.parametrize("name,params", CANNED)
def test_canned_query_runs(page, audit_db, name, params):
    from pipeline.serve import serve
    from pipeline.serve.datasette import queries

    sql = queries.canned_queries(serve.read_columns(audit_db))[name]["sql"]
    expected = len(_sql(audit_db, sql, params))
    page.goto(f"{page.base}/{DB_NAME}/{name}?{urllib.parse.urlencode(params)}")
    assert page.locator(".message-error").count() == 0, page.locator(".message-error").all_inner_texts()
    assert page.locator("h1").inner_text().strip()
    assert page.locator("table.rows-and-columns tbody tr").count() == expected
    if expected:  # the ids in the results are links to their rows
        link = page.locator("table.rows-and-columns tbody a").first
        href = link.get_attribute("href")
        assert href.startswith(f"/{DB_NAME}/")
        link.click()
        page.wait_for_url(f"**{href}")
    else:
        assert page.locator("p.zero-results").count() == 1


def test_markup_in_a_document_is_shown_not_run(page, audit_db):
    (doc_id,), = _sql(audit_db, "select id from documents where text like '%<script>window.__pwned%'")
    claim_ids = [r[0] for r in _sql(audit_db, "select id from claims where document_id = ?", [doc_id])]
    urls = [f"/{DB_NAME}/documents/{doc_id}", f"/{DB_NAME}/documents", f"/{DB_NAME}/claims?_search=ministry",
            f"/{DB_NAME}/sentences?_search=agency", f"/{DB_NAME}/document_in_reading_order?document={doc_id}"]
    urls += [f"/{DB_NAME}/claims/{c}" for c in claim_ids]
    assert claim_ids, "the markup document should give at least one claim"
    for url in urls:
        page.goto(page.base + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        assert page.title() != "pwned", url
        assert page.locator("img[src=x]").count() == 0, url
        assert page.locator("b:text-is('bold')").count() == 0, url
    page.goto(f"{page.base}/{DB_NAME}/documents/{doc_id}")
    assert "<script>window.__pwned = 1;" in page.locator(".document-text").inner_text()
    assert '<img src=x onerror="window.__pwned = 2">' in page.locator(".document-text").inner_text()


def test_document_page_highlights_its_claims(page, audit_db):
    doc_id, n_claims = _sql(audit_db, "select document_id, count(*) from claims group by document_id "
                                      "order by count(*) desc limit 1")[0]
    page.goto(f"{page.base}/{DB_NAME}/documents/{doc_id}")
    highlights = page.locator(".document-text a.claim")
    assert highlights.count() == n_claims
    assert page.locator(".document-text .block").count() >= n_claims
    highlights.nth(1).scroll_into_view_if_needed()
    _screenshot(page, "document-page.png", full_page=False)  # the whole text would be a 10 MB picture
    text = highlights.nth(1).evaluate(WITHOUT_MARKERS)
    highlights.nth(1).click()
    page.wait_for_url(f"**/{DB_NAME}/claims/*")
    assert page.locator("blockquote.claim-text").inner_text() == text


def test_timeline_mark_opens_its_claim(page, audit_db):
    page.goto(page.base + "/-/dashboards/pictures")
    marks = page.locator("#chart-timeline svg .mark-symbol.role-mark path")
    marks.first.wait_for(timeout=20000)
    (n_dated,), = _sql(audit_db, """select count(*) from claims c join dates d on d.document_id = c.document_id
        and d.start >= c.start and d."end" <= c."end" where d.value is not null
        and d.granularity in ('day', 'month', 'year', 'decade')""")
    assert marks.count() == n_dated
    # Each chart fetches its own rows, so the money chart may still be drawing: wait for it too
    page.locator("#chart-money svg .mark-symbol.role-mark path").first.wait_for(timeout=20000)
    _screenshot(page, "timeline.png")
    # a mark of the middle date (the far ones are off the axis until zoomed out); marks of one date overlap
    marks.nth(marks.count() // 2).click(force=True)
    page.wait_for_url(f"**/{DB_NAME}/claims/*")
    assert page.locator("mark.sentence").count() == 1


def test_metadata_applies_to_the_database_served(page):
    page.goto(f"{page.base}/{DB_NAME}/claims")
    assert "Check-worthy statements" in page.locator(".metadata-description").inner_text()
    assert page.locator("input[name=_search]").count() == 1  # full-text search box
    facets = page.locator(".facet-info").all_inner_texts()
    assert any(f.strip().startswith("kind") for f in facets), facets
    page.goto(f"{page.base}/{DB_NAME}/money")
    assert any(f.strip().startswith("currency") for f in page.locator(".facet-info").all_inner_texts())
