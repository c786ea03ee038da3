"""Pages laid out for the questions, the pictures and accessibility, in a real browser (Playwright driving
Debian's Chromium against `claims-pipeline serve`, the fixtures of test_serve_browser.py): the money
question from the home page in two clicks, the document outline, claim headings, the charts' time axis,
tooltips and tables, and axe-core on every kind of page. Screenshots go to test-artifacts/.
Opt out like the other browser tests: CLAIMS_SKIP_BROWSER=1."""
from __future__ import annotations

import re

import pytest

from .accessibility import FAILING_IMPACTS, describe, run_axe
from .test_serve_browser import (DB_NAME, _screenshot, _sql, audit_db, browser, page,  # noqa: F401  (fixtures)
                                 server)

# A "$52 billion"-style amount: a currency symbol or code, a number, a scale word
AMOUNT_IN_WORDS = re.compile(r"^(?:[$€¥£₩]|[A-Z]{2,3}[$¥]?|[A-Z]{3} )\d[\d.,]* (?:thousand|million|billion|trillion)$")
CHART_WAIT_MS = 20000


def _one(db, sql, params=()):
    rows = _sql(db, sql, params)
    assert rows, sql
    return rows[0][0]


# page kind -> SQL giving the path of one such page of the test database (the first row of its result);
# a page another branch adds (entity pages, /-/search) is one more line here
AXE_PAGES = {
    "home": "select '/'",
    "claim": f"""select '/{DB_NAME}/claims/' || c.id from claims c join money m on m.document_id = c.document_id
                 and m.start >= c.start and m."end" <= c."end" order by m.amount desc limit 1""",
    "document": f"""select '/{DB_NAME}/documents/' || document_id from paragraphs where kind = 'heading'
                    group by document_id order by count(*) desc limit 1""",
    "entity": f"select '/{DB_NAME}/entities/' || id from entities order by n_mentions desc limit 1",
    "fact": f"select '/{DB_NAME}/facts/' || id from facts order by n_documents desc, id limit 1",
    "money question": f"select '/{DB_NAME}/money_by_actor'",
    "documents list": f"select '/{DB_NAME}/documents_overview'",
    "claims table": f"select '/{DB_NAME}/claims?_search=quantum'",
    "pictures": "select '/-/dashboards/pictures'",
    "search": "select '/-/search?q=Korea'",
}


@pytest.mark.parametrize("kind", sorted(AXE_PAGES))
def test_pages_have_no_serious_accessibility_violations(page, audit_db, kind):
    path = _one(audit_db, AXE_PAGES[kind])
    page.goto(page.base + path)
    if kind == "pictures":  # the charts draw after the page loads: check them drawn
        page.locator("#chart-money svg .mark-symbol path").first.wait_for(timeout=CHART_WAIT_MS)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main#main").count() == 1 and page.locator("header").count() == 1
    violations = run_axe(page)
    _screenshot(page, f"axe-{kind.replace(' ', '-')}.png", full_page=kind != "document")
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{path}:\n{describe(failing)}"


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto(page.base + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to the content"]
    assert page.locator(".skip-link").is_visible()  # hidden until focused, shown when it is
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_money_question_from_the_home_page_in_two_clicks(page, audit_db):
    page.goto(page.base + "/")
    question = page.locator(".question-money_by_actor")
    (n_money,), = _sql(audit_db, "select count(*) from money")
    assert question.locator(".question-count").inner_text() == f"{n_money} money figures"
    _screenshot(page, "home.png")
    question.locator("a").first.click()  # click 1: the question
    page.wait_for_url(f"**/{DB_NAME}/money_by_actor")
    assert page.locator("#sql-query, #sql-editor").count() == 0  # the SQL is hidden
    assert page.locator(".show-hide-sql a").inner_text() == "show"
    headers = page.locator("table.rows-and-columns thead th").all_inner_texts()
    assert [h.strip() for h in headers[:7]] == ["amount", "currency", "qualifier", "actor", "actor_from", "year",
                                                "flags"]
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == n_money  # figures outside claims too
    amounts = page.locator("td.col-amount .amount").all_inner_texts()
    assert amounts and all(AMOUNT_IN_WORDS.match(a) for a in amounts), amounts
    top_amount, top_currency = _sql(audit_db, "select amount, currency from money order by amount desc limit 1")[0]
    first = rows.first
    assert first.locator(".amount").get_attribute("title") == f"{top_currency} {top_amount:,.0f}"
    actors = [a.strip() for a in page.locator("td.col-actor").all_inner_texts()]
    assert any(actors), "no figure has an actor"
    # the $52 billion of the Chips and Science Act is Congress's, not every name of its sentence
    chips = page.locator("tbody tr", has=page.locator("td.col-figure", has_text="$52 billion"))
    assert chips.locator("td.col-actor").inner_text().strip() == "Congress"
    assert chips.locator(".amount").inner_text() == "$52 billion"
    _screenshot(page, "money-by-actor.png")
    chips.locator("td.col-claim_id a").click()  # click 2: its claim
    page.wait_for_url(f"**/{DB_NAME}/claims/*")
    assert "$52 billion" in page.locator("mark.sentence").inner_text()
    assert page.locator("tr.money-row td").nth(2).inner_text() == "$52 billion"


def test_home_page_lists_the_questions_with_counts(page, audit_db):
    from pipeline.serve.datasette import queries
    from pipeline.serve.datasette.questions import QUESTIONS
    from pipeline.serve.serve import read_columns

    canned = queries.canned_queries(read_columns(audit_db))
    page.goto(page.base + "/")
    for question in QUESTIONS:
        item = page.locator(f".question-{question.query}")
        (expected,), = _sql(audit_db, question.sql(canned[question.query]["sql"]))
        assert item.locator(".question-count").inner_text() == f"{expected:,} {question.unit}"
        assert item.locator("a").first.get_attribute("href") == f"/{DB_NAME}/{question.query}"
    # claims by entity: a name or an alias, typed in
    page.fill("#question-entity", "U.S.")
    page.press("#question-entity", "Enter")
    page.wait_for_url(f"**/{DB_NAME}/claims_mentioning?entity=U.S.")
    assert set(page.locator("td.col-entity").all_inner_texts()) == {"United States"}
    # the search box asks the corpus-wide search page
    page.go_back()
    form = page.locator("form.site-search")
    assert form.get_attribute("action") == "/-/search" and form.locator("input[type=search]").get_attribute("name") == "q"


def test_documents_list_shows_what_a_reader_asks_first(page, audit_db):
    page.goto(page.base + "/")
    page.locator(".question-documents_overview a").first.click()
    page.wait_for_url(f"**/{DB_NAME}/documents_overview")
    headers = [h.strip() for h in page.locator("table.rows-and-columns thead th").all_inner_texts()]
    assert headers[:7] == ["document_id", "title", "publisher", "published", "format", "pages", "claims"]
    assert "sha256" not in headers
    (n_docs,), = _sql(audit_db, "select count(*) from documents")
    assert page.locator("table.rows-and-columns tbody tr").count() == n_docs
    title, n_claims = _sql(audit_db, "select title, (select count(*) from claims c where c.document_id = d.id) "
                                     "from documents d where publisher = 'RAND Corporation'")[0]
    row = page.locator("tbody tr", has=page.locator("td.col-title", has_text=title))
    assert row.locator("td.col-claims").inner_text().strip() == str(n_claims)


def test_long_document_has_an_outline_of_its_headings(page, audit_db):
    doc_id, n_headings = _sql(audit_db, "select document_id, count(*) from paragraphs where kind = 'heading' "
                                        "group by document_id order by count(*) desc limit 1")[0]
    page.goto(f"{page.base}/{DB_NAME}/documents/{doc_id}")
    entries = page.locator("nav.document-outline li a")
    assert entries.count() == n_headings
    _screenshot(page, "document-outline.png", full_page=False)
    last = entries.nth(n_headings - 1)
    target = last.get_attribute("href")
    heading_text = page.locator(f"{target} p").inner_text()
    assert heading_text.strip().startswith(last.inner_text().rstrip(".").strip()[:40])
    last.click()
    assert page.evaluate("() => location.hash") == target
    box = page.locator(target).bounding_box()
    assert 0 <= box["y"] < 900  # scrolled to the heading


def test_claim_page_heading_says_what_the_claim_says(page, audit_db):
    claim_id, text = _sql(audit_db, "select id, text from claims order by position limit 1 offset 2")[0]
    page.goto(f"{page.base}/{DB_NAME}/claims/{claim_id}")
    heading = page.locator("h1").inner_text()
    assert heading.startswith("Claim: ") and text.startswith(heading[len("Claim: "):].rstrip(".").strip()[:60])
    assert text[:40] in page.title()
    assert not re.search(r"claims: \w+", heading)


def _chart_query(db, chart: str) -> str:
    """The date column of a chart's marks, as served (charts.py gives the chart its axis columns)."""
    from pipeline.serve import serve

    query = serve.build_metadata(db)["plugins"]["datasette-dashboards"]["pictures"]["charts"][chart]["query"]
    return f"select date from ({query}) where julianday(date) is not null"


def _decimal_year(iso_date: str) -> float:
    year, month, day = (int(part) for part in iso_date.split("-"))
    return year + (month - 1) / 12 + (day - 1) / 365


def _svg_texts(page, selector) -> list[str]:
    return page.locator(selector).evaluate_all("es => es.map(e => e.textContent)")


def _axis_years(page, chart):
    labels = _svg_texts(page, f"#chart-{chart} svg .role-axis-label text")
    return [int(y) for y in labels if re.fullmatch(r"\d{4}", y)]


def test_timeline_axis_fits_the_dates_and_zooms(page, audit_db):
    page.goto(page.base + "/-/dashboards/pictures")
    marks = page.locator("#chart-timeline svg .mark-symbol.role-mark path")
    marks.first.wait_for(timeout=CHART_WAIT_MS)
    years = sorted(_decimal_year(r[0]) for r in _sql(audit_db, _chart_query(audit_db, "timeline")))
    q1, q3 = years[int(0.25 * (len(years) - 1))], years[int(0.75 * (len(years) - 1))]
    lo, hi = max(years[0], q1 - 1.5 * (q3 - q1)), min(years[-1], q3 + 1.5 * (q3 - q1))
    assert years[0] < lo - 1 or years[-1] > hi + 1, "the test database should have far dates"
    shown = _axis_years(page, "timeline")
    assert shown and lo - 1 <= min(shown) and max(shown) <= hi + 1, (shown, lo, hi, years[0], years[-1])
    _screenshot(page, "pictures.png")
    # scrolling on the chart zooms in: two marks of different dates end up further apart
    before = _mark_xs(marks)
    i, j = min(range(len(before)), key=lambda k: before[k]), max(range(len(before)), key=lambda k: before[k])
    page.locator("#chart-timeline svg").hover()
    for _ in range(3):
        page.mouse.wheel(0, -200)
    page.wait_for_timeout(500)
    after = _mark_xs(marks)
    assert abs(after[j] - after[i]) > abs(before[j] - before[i]) * 1.2, (before[i], before[j], after[i], after[j])


def _mark_xs(marks) -> list[float]:
    """The x of each mark (vega draws a point as a path translated to it)."""
    return marks.evaluate_all("ps => ps.map(p => parseFloat(/translate\\(([-\\d.]+)/.exec(p.getAttribute('transform'))[1]))")


def test_timeline_shows_whole_document_titles(page, audit_db):
    page.goto(page.base + "/-/dashboards/pictures")
    page.locator("#chart-timeline svg .mark-symbol.role-mark path").first.wait_for(timeout=CHART_WAIT_MS)
    labels = page.locator("#chart-timeline svg .role-axis-label text").evaluate_all(
        "ts => ts.map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') || t.textContent)")
    titles = [t for (t,) in _sql(audit_db, """select distinct coalesce(d.title, d.path) from documents d
        where exists (select 1 from claims c join dates dt on dt.document_id = c.document_id and dt.start >= c.start
          and dt."end" <= c."end" where c.document_id = d.id and dt.value is not null
          and dt.granularity in ('day', 'month', 'year', 'decade'))""")]
    assert any(len(t) > 80 for t in titles), "the test database should have a long title"
    assert sorted(t for t in titles) == sorted(label for label in labels if label in titles), (titles, labels)


def test_money_chart_has_one_mark_per_figure_with_its_actor(page, audit_db):
    page.goto(page.base + "/-/dashboards/pictures")
    marks = page.locator("#chart-money svg .mark-symbol.role-mark path")
    marks.first.wait_for(timeout=CHART_WAIT_MS)
    (n_figures,), = _sql(audit_db, "select count(*) from money where amount is not null")
    assert marks.count() == n_figures  # one mark per figure, not one per name in its sentence
    assert "Congress" in _svg_texts(page, "#chart-money svg .role-axis-label text")
    # marks are described to assistive technology
    assert marks.first.get_attribute("aria-label")


def test_tooltip_shows_the_whole_claim(page, audit_db):
    page.goto(page.base + "/-/dashboards/pictures")
    marks = page.locator("#chart-timeline svg .mark-symbol.role-mark path")
    marks.first.wait_for(timeout=CHART_WAIT_MS)
    longest = max(range(marks.count()), key=lambda i: len(marks.nth(i).get_attribute("aria-label") or ""))
    marks.nth(longest).hover(force=True)
    cell = page.locator("#vg-tooltip-element td.value").last
    cell.wait_for(timeout=5000)
    cut = page.evaluate("() => { const c = [...document.querySelectorAll('#vg-tooltip-element td.value')].pop(); "
                        "return [c.scrollWidth - c.clientWidth, c.scrollHeight - c.clientHeight]; }")
    assert max(cut) <= 1, f"the tooltip cuts the claim's text by {cut} pixels (width, height)"
    _screenshot(page, "tooltip.png", full_page=False)


def test_each_chart_has_a_keyboard_table_of_its_marks(page, audit_db):
    page.goto(page.base + "/-/dashboards/pictures")
    page.locator("#chart-timeline svg .mark-symbol.role-mark path").first.wait_for(timeout=CHART_WAIT_MS)
    n_marks = page.locator("#chart-timeline svg .mark-symbol.role-mark path").count()
    link = page.locator("#card-timeline_table a")
    for _ in range(40):  # reached by the keyboard alone
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('#card-timeline_table') !== null"):
            break
    else:
        pytest.fail("Tab never reached the timeline's table link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{DB_NAME}/picture_timeline")
    assert page.locator("table.rows-and-columns tbody tr").count() == n_marks
    assert link.count() == 0  # left the pictures page
    page.locator("td.col-claim_id a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{DB_NAME}/claims/*")
