"""The originals in a real browser (Playwright driving Debian's Chromium against `claims-pipeline serve
--raw`): a PDF claim's page shows the thumbnail of its page with its words boxed, the thumbnail leads
to the page view, and every box drawn lies where the boxes table puts the word; the files
themselves, a saved web page sandboxed, and the refusals over HTTP. Opt out like the other browser
tests: CLAIMS_SKIP_BROWSER=1."""
from __future__ import annotations

import sqlite3
import urllib.error
import urllib.request

import pytest

from pipeline.ingest.pdf.render import parse_page_frames

from .serving import running_server
from .test_serve_browser import _screenshot, browser, page  # noqa: F401  (fixtures, served by `server` below)
from .test_serve_originals import build_project

DB = "originals"  # the database's name in URLs
# JavaScript: where the browser drew each box of an overlay, and the picture under it
DRAWN = """figure => { const img = figure.querySelector('img').getBoundingClientRect();
  return {img: {left: img.left, top: img.top, width: img.width, height: img.height},
          loaded: figure.querySelector('img').complete && figure.querySelector('img').naturalWidth,
          boxes: [...figure.querySelectorAll('rect.claim-box')].map(r => { const b = r.getBoundingClientRect();
            return {start: +r.dataset.start, left: b.left, top: b.top, width: b.width, height: b.height}; })}; }"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("originals-browser"))


@pytest.fixture(scope="module")
def server(project):
    raw, db = project
    with running_server(db, db.parent / "serve.log", "--raw", str(raw)) as base:
        yield base


def _sql(project, sql, params=()):
    conn = sqlite3.connect(project[1])
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _document(project, name):
    (doc_id,), = _sql(project, "select id from documents where path = ?", [f"raw/{name}"])
    return doc_id


def _get(url):
    """(status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _assert_drawn_over_boxes(drawn, rows, frame):
    """Each rectangle the browser drew is its boxes row, scaled from the page frame to the picture."""
    assert drawn["loaded"], "the page picture did not load"
    img, scale = drawn["img"], drawn["img"]["width"] / frame.width
    assert drawn["img"]["height"] == pytest.approx(frame.height * scale, abs=1.5)
    assert [b["start"] for b in drawn["boxes"]] == [row[0] for row in rows]
    for box, (_, x0, top, x1, bottom) in zip(drawn["boxes"], rows):
        assert box["left"] == pytest.approx(img["left"] + (x0 - frame.x0) * scale, abs=1)
        assert box["top"] == pytest.approx(img["top"] + (top - frame.top) * scale, abs=1)
        assert box["width"] == pytest.approx((x1 - x0) * scale, abs=1)
        assert box["height"] == pytest.approx((bottom - top) * scale, abs=1)


def test_a_pdf_claim_shows_its_page_with_its_words_boxed(page, project):
    raw, _ = project
    doc_id = _document(project, "report.pdf")
    frames = parse_page_frames((raw / "report.pdf").read_bytes(), "raw/report.pdf")
    # the claim cut by the page break: begins on page 1, ends on page 2
    claim_id, start, end = _sql(project, 'select c.id, c.start, c."end" from claims c where c.document_id = ? and '
                                         'exists (select 1 from boxes b where b.document_id = c.document_id and '
                                         'b.page = 2 and b.start >= c.start and b."end" <= c."end") and '
                                         'exists (select 1 from boxes b where b.document_id = c.document_id and '
                                         'b.page = 1 and b.start >= c.start and b."end" <= c."end")', [doc_id])[0]

    def rows(number):
        return _sql(project, 'select start, x0, top, x1, bottom from boxes where document_id = ? and page = ? and '
                             'start < ? and "end" > ? order by start', [doc_id, number, end, start])

    page.goto(f"{page.base}/{DB}/claims/{claim_id}")
    thumbnail = page.locator("figure.page-thumbnail")
    thumbnail.locator("img").wait_for()
    page.wait_for_function("() => document.querySelector('figure.page-thumbnail img').complete")
    _assert_drawn_over_boxes(thumbnail.evaluate(DRAWN), rows(1), frames[0])
    assert "Page 1 of 3" in thumbnail.locator("figcaption").inner_text()
    assert thumbnail.locator("a.pdf-page-link").get_attribute("href") == f"/-/original/{DB}/{doc_id}#page=1"
    assert thumbnail.locator("a.continued-page").inner_text() == "continues on page 2"
    _screenshot(page, "claim-page-thumbnail.png")

    thumbnail.locator("a.page-view-link").click()
    page.wait_for_url(f"**/-/page/{DB}/{doc_id}/1?start={start}&end={end}")
    assert page.locator("h1").inner_text() == "Page 1 of 3"
    full = page.locator("div.page-full")
    page.wait_for_function("() => document.querySelector('div.page-full img').complete")
    _assert_drawn_over_boxes(full.evaluate(DRAWN), rows(1), frames[0])
    assert drawn_width(full) > 600  # the page at a readable size, not the thumbnail's
    _screenshot(page, "page-view.png")

    page.locator("a.next-page").click()  # the rest of the claim, on page 2
    page.wait_for_url(f"**/-/page/{DB}/{doc_id}/2?start={start}&end={end}")
    page.wait_for_function("() => document.querySelector('div.page-full img').complete")
    _assert_drawn_over_boxes(full.evaluate(DRAWN), rows(2), frames[1])
    assert page.locator("a.pdf-page-link").get_attribute("href") == f"/-/original/{DB}/{doc_id}#page=2"
    page.locator("a.claim-link").click()
    page.wait_for_url(f"**/{DB}/claims/{claim_id}")


def drawn_width(locator) -> float:
    return locator.evaluate("e => e.querySelector('img').getBoundingClientRect().width")


def test_the_pdf_link_opens_the_file_itself(page, project):
    raw, _ = project
    doc_id = _document(project, "report.pdf")
    page.goto(f"{page.base}/{DB}/documents/{doc_id}")
    link = page.locator("a.original-link")
    assert link.inner_text() == "Open the original"
    status, headers, body = _get(page.base + link.get_attribute("href"))
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", (raw / "report.pdf").read_bytes())
    assert headers["Content-Disposition"].startswith('inline; filename="report.pdf"')
    assert page.locator("a.original-pages").get_attribute("href") == f"/-/page/{DB}/{doc_id}/1"
    # each page break of the text leads to the picture of that page
    page.locator(".page-break a.page-view-link", has_text="page 2").click()
    page.wait_for_url(f"**/-/page/{DB}/{doc_id}/2")
    assert page.locator("h1").inner_text() == "Page 2 of 3"
    assert page.locator("rect.claim-box").count() == 0 and page.locator("p.boxed-text").count() == 0


def test_a_saved_web_page_opens_sandboxed_and_fetches_nothing(page, project):
    """The saved page is shown, but its script does not run and its stylesheet and picture are not
    fetched from its site (the `page` fixture fails on any request outside the server)."""
    doc_id = _document(project, "saved.html")
    page.goto(f"{page.base}/{DB}/documents/{doc_id}")
    assert page.locator("a.original-source-url").get_attribute("href") == "https://news.example.org/quantum-exchanges"
    page.locator("a.original-link").click()
    page.wait_for_url(f"**/-/original/{DB}/{doc_id}")
    assert page.locator("h1").inner_text() == "Ministry funds quantum exchanges"
    assert page.title() == "Ministry funds quantum exchanges"
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_a_non_pdf_claim_has_the_original_link_and_no_thumbnail(page, project):
    doc_id = _document(project, "note.txt")
    (claim_id,), = _sql(project, "select id from claims where document_id = ? limit 1", [doc_id])
    page.goto(f"{page.base}/{DB}/claims/{claim_id}")
    assert page.locator("a.original-link").get_attribute("href") == f"/-/original/{DB}/{doc_id}"
    assert page.locator("figure.page-thumbnail").count() == 0


def _refusals(project):
    pdf, html = _document(project, "report.pdf"), _document(project, "saved.html")
    return [  # path, status
        ("/-/original/originals/nosuch", 404),
        ("/-/original/originals/..%2F..%2Fetc%2Fpasswd", 404),
        ("/-/original/originals/../../etc/passwd", 404),
        (f"/-/original/nosuchdb/{pdf}", 404),
        (f"/-/original/reviews/{pdf}", 404),  # the verdicts file: no documents
        (f"/-/page-image/originals/{pdf}/4.png", 404),
        (f"/-/page-image/originals/{pdf}/1.png?dpi=5000", 404),
        (f"/-/page-image/originals/{pdf}/1.png?dpi=many", 400),
        (f"/-/page-image/originals/{html}/1.png", 404),
        (f"/-/page/originals/{pdf}/9", 404),
        (f"/-/page/originals/{pdf}/1?start=3", 400),
        (f"/-/page/originals/{pdf}/1?start=9&end=3", 400),
        (f"/-/page/originals/{pdf}/1?start=-1&end=3", 400),
        (f"/-/page/originals/{pdf}/1?start=0&end=x", 400),
        (f"/-/page/originals/{html}/1", 404),
    ]


def test_http_refusals(server, project):
    answers = [(path, _get(server + path)[0]) for path, _ in _refusals(project)]
    assert answers == _refusals(project)


def test_http_picture_is_a_png_cached_beside_the_database(server, project):
    raw, db = project
    pdf = _document(project, "report.pdf")
    status, headers, body = _get(f"{server}/-/page-image/{DB}/{pdf}/3.png?dpi=48")
    assert (status, headers["Content-Type"], body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    (sha,), = _sql(project, "select sha256 from documents where id = ?", [pdf])
    assert (db.parent / "page-images" / sha / "3-48.png").read_bytes() == body


def test_http_a_changed_file_is_refused_with_a_page_that_says_so(server, project):
    raw, _ = project
    spare = _document(project, "spare.pdf")
    (raw / "spare.pdf").write_bytes((raw / "spare.pdf").read_bytes() + b"\n% edited")
    status, headers, body = _get(f"{server}/-/original/{DB}/{spare}")
    assert status == 409 and headers["Content-Type"].startswith("text/html")
    assert "raw/spare.pdf changed since the build" in body.decode()
    (raw / "spare.pdf").unlink()
    status, _, body = _get(f"{server}/-/original/{DB}/{spare}")
    assert status == 410 and "raw/spare.pdf is no longer in" in body.decode()
