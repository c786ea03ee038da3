"""The journalist's walk of issue 18, in a real browser (Playwright driving Debian's Chromium against
`claims-pipeline serve --raw`): search "ROK", open a South Korea claim of a PDF, see its page with the
claim's words boxed, go to the South Korea entity page, then to an entity named beside it.
The corpus is raw/ and a PDF that names South Korea as ROK. Opt out: CLAIMS_SKIP_BROWSER=1."""
from __future__ import annotations

import sqlite3

import pytest

from . import pdf_fixtures
from .conftest import build_corpus_with
from .serving import running_server
from .test_serve_browser import _screenshot, browser, page  # noqa: F401  (fixtures, served by `server` below)

DB = "walk"
PDF_TEXT = ("The Republic of Korea (ROK) and the United States signed a quantum research agreement in Seoul "
            "on May 4, 2023. The ROK pledged $40 million to the joint centre.")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    db = build_corpus_with(tmp_path_factory.mktemp("walk"), {}, DB,
                           make=lambda raw: pdf_fixtures.make_simple_pdf(raw / "seoul.pdf", PDF_TEXT))
    return db.parent / "raw", db


@pytest.fixture(scope="module")
def server(project):
    raw, db = project
    with running_server(db, db.parent / "serve.log", "--raw", str(raw)) as base:
        yield base


def _one(project, sql):
    conn = sqlite3.connect(project[1])
    try:
        (row,) = conn.execute(sql).fetchall()
        return row
    finally:
        conn.close()


def test_rok_to_a_pdf_claim_to_its_boxed_page_to_the_entity_to_a_co_mentioned_one(page, project):
    claim_id, n_words = _one(project, """
        select c.id, (select count(*) from boxes b where b.document_id = c.document_id
                      and b.start >= c.start and b."end" <= c."end")
        from claims c join documents d on d.id = c.document_id
        where d.path = 'raw/seoul.pdf' and c.text like '%signed a quantum research agreement%'""")
    assert n_words > 5
    page.goto(page.base + "/")
    page.locator("input[name=q]").first.fill("ROK")
    page.keyboard.press("Enter")
    page.wait_for_url("**/-/search?q=ROK")
    assert page.locator(".search-aliases a.entity-link").inner_text() == "South Korea"
    _screenshot(page, "walk-search.png")

    page.locator(f"#results-claims a.claim-link[href$='/claims/{claim_id}']").click()
    page.wait_for_url(f"**/{DB}/claims/{claim_id}")
    thumbnail = page.locator("figure.page-thumbnail")
    assert thumbnail.locator("rect.claim-box").count() == n_words  # every word of the claim boxed
    thumbnail.locator("img").evaluate("img => img.decode()")
    _screenshot(page, "walk-claim.png")

    thumbnail.locator("a.page-view-link").click()
    page.wait_for_url(f"**/-/page/{DB}/*/1?*")
    assert page.locator("rect.claim-box").count() == n_words
    assert "signed a quantum research agreement" in page.locator("body").inner_text()
    _screenshot(page, "walk-page-view.png")

    page.go_back()
    page.wait_for_url(f"**/{DB}/claims/{claim_id}")
    page.locator("table.inside-claim a.entity-link", has_text="South Korea").first.click()
    page.wait_for_url(f"**/{DB}/entities/*")
    assert page.locator(".entity-audit .entity-name strong").inner_text() == "South Korea"
    assert "ROK" in page.locator(".entity-aliases").inner_text()
    _screenshot(page, "walk-entity.png")

    other = page.locator("ul.co-mentioned a.entity-link").first
    name = other.inner_text()
    other.click()
    page.wait_for_url(f"**/{DB}/entities/*")
    assert page.locator(".entity-audit .entity-name strong").inner_text() == name != "South Korea"
    _screenshot(page, "walk-co-mentioned.png")
