"""Search and entity pages in a real browser (Playwright driving Debian's Chromium against
`claims-pipeline serve`, with the fixtures of test_serve_browser.py): search "ROK", open a claim that
names South Korea, go to its entity page, then to an entity named beside it.
Opt out like the other browser tests: CLAIMS_SKIP_BROWSER=1."""
from __future__ import annotations

from .test_serve_browser import DB_NAME, _screenshot, _sql, audit_db, browser, page, server  # noqa: F401  (fixtures)


def _entity_shown(page) -> str:
    return page.locator(".entity-audit .entity-name strong").inner_text()


def test_search_rok_to_a_south_korea_claim_to_its_entity_to_a_co_mentioned_one(page, audit_db):
    page.goto(page.base + "/-/search")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_label("Search claims, entities, sentences, notes and works cited").fill("ROK")
    page.keyboard.press("Enter")
    page.wait_for_url("**/-/search?q=ROK")
    assert page.locator("h1").count() == 1 and page.locator("h1").inner_text() == "Search: ROK"
    assert page.locator(".search-aliases a.entity-link").inner_text() == "South Korea"
    (n_named,), = _sql(audit_db, """select count(distinct c.id) from claims c join mentions m on m.document_id = c.document_id
        and m.start >= c.start and m."end" <= c."end" join entities e on e.id = m.entity_id where e.name = 'South Korea'""")
    total = int(page.locator("#heading-claims .count").inner_text().strip("()").replace(",", ""))
    assert total >= n_named > 0
    _screenshot(page, "search.png")

    # a claim naming South Korea (its mention highlighted as the entity searched for)
    result = page.locator("#results-claims li:has(mark.alias-match) a.claim-link").first
    text = result.inner_text()
    result.click()
    page.wait_for_url(f"**/{DB_NAME}/claims/*")
    assert page.locator("blockquote.claim-text").inner_text() == text
    page.locator("table.inside-claim a.entity-link", has_text="South Korea").first.click()

    page.wait_for_url(f"**/{DB_NAME}/entities/*")
    assert _entity_shown(page) == "South Korea"
    assert "ROK" in page.locator(".entity-aliases").inner_text()
    lines = page.locator("table.kwic tr.kwic-line")
    assert lines.count() > 0 and lines.first.locator("mark.kwic-mention").count() == 1
    _screenshot(page, "entity-page.png")

    # the entity named most often beside it
    other = page.locator("ul.co-mentioned a.entity-link").first
    name = other.inner_text()
    assert name != "South Korea"
    other.click()
    page.wait_for_url(f"**/{DB_NAME}/entities/*")
    assert _entity_shown(page) == name
    assert "South Korea" in page.locator("ul.co-mentioned").inner_text()  # named beside each other both ways
    _screenshot(page, "co-mentioned-entity-page.png")


def test_a_mention_in_context_opens_its_claim_or_sentence(page, audit_db):
    (entity_id,), = _sql(audit_db, "select id from entities where name = 'South Korea'")
    page.goto(f"{page.base}/{DB_NAME}/entities/{entity_id}")
    link = page.locator("table.kwic td.kwic-keyword a").first
    mention = link.inner_text()
    link.click()
    page.wait_for_url(f"**/{DB_NAME}/*/*")
    if "/claims/" in page.url:
        assert mention in page.locator("blockquote.claim-text").inner_text()
    else:
        assert "/sentences/" in page.url and mention in page.locator("td.col-text").inner_text()


def test_a_query_the_search_cannot_read_is_a_message(page):
    page.goto(page.base + '/-/search?q=%22Republic+of')
    assert page.locator("p.search-error[role=alert]").inner_text().startswith("A quotation mark is not closed")
    page.goto(page.base + "/-/search?q=Japan+AND")
    assert "cannot read" in page.locator("p.search-error").inner_text()
