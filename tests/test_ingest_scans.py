"""Scanned PDFs read by the real Tesseract (tests/scan_fixtures.py makes them: text drawn with Pillow
at 200-300 dpi, turned a little and speckled, saved as image-only PDFs), and what happens without it.

Tesseract is part of the test set-up (`make tesseract`; CI installs it): these tests fail, never
skip, when it is missing. Missing Tesseract is simulated the way a user meets it: a PATH without the
`tesseract` program and no TESSDATA_PREFIX.
"""
from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.build import cache as cache_stage
from pipeline.clean import document as clean
from pipeline.cli import cli
from pipeline.ingest import OcrUnavailable, parse_file
from pipeline.ingest.pdf import ocr

from . import scan_fixtures as sf
from .conftest import ROOT


@pytest.fixture(scope="module", autouse=True)
def tesseract_installed():
    engine, why_not = ocr.ocr_engine()
    if engine is None:
        pytest.fail(f"these tests need Tesseract: {why_not}")


def _no_tesseract(monkeypatch, tmp_path):
    """A PATH with python but no tesseract (the build's workers inherit it)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("TESSDATA_PREFIX", raising=False)


def _scan(tmp_path, name="scan.pdf", dpi=300, angle=0.0, noise=0.0, pages=1):
    drawn = [sf.draw_page(dpi=dpi, page_number=n, paragraphs=sf.PARAGRAPHS if n == 1 else sf.MORE_PARAGRAPHS,
                          notes=sf.NOTES if n == 1 else []) for n in range(1, pages + 1)]
    images = [sf.degrade(d.image, angle, noise, seed=n) for n, d in enumerate(drawn)]
    path = tmp_path / name
    path.write_bytes(sf.image_pdf(images, dpi))
    return path, drawn


def _body_words(doc):
    return sf.words_of(" ".join(p.text for p in doc.paragraphs if p.kind not in ("header", "footer")))


@pytest.mark.parametrize("dpi,angle,noise,least", [
    (300, 0.0, 0.0, 0.98),     # a clean 300 dpi scan
    (200, 0.0, 0.0, 0.98),     # a clean fax-quality one
    (300, 1.5, 0.005, 0.95),   # turned a little, speckled, blurred
    (300, -2.0, 0.005, 0.95),
    (250, 1.0, 0.004, 0.95),
    (200, -1.2, 0.003, 0.95),
])
def test_word_accuracy_on_scanned_pages(tmp_path, dpi, angle, noise, least):
    path, (drawn,) = _scan(tmp_path, dpi=dpi, angle=angle, noise=noise)
    raw = parse_file(path, tmp_path)
    doc = clean.clean_document(raw)
    accuracy = sf.word_accuracy(drawn.words, _body_words(doc))
    assert accuracy >= least, (accuracy, doc.text)
    (read,) = raw.page_reads
    assert read.source == "ocr" and 0.5 < read.confidence <= 1
    assert read.angle == pytest.approx(angle, abs=0.3)  # the skew found, and taken out for the layout


def test_markers_notes_running_heads_and_page_numbers_as_for_a_text_pdf(tmp_path):
    path, drawn = _scan(tmp_path, pages=2)
    doc = clean.clean_document(parse_file(path, tmp_path))
    kinds = [(p.kind, p.page, p.text) for p in doc.paragraphs]
    headers = [text for kind, _, text in kinds if kind == "header"]
    footers = [text for kind, _, text in kinds if kind == "footer"]
    assert len(headers) == 2 and all("PROGRAM REVIEW" in text for text in headers), kinds
    assert [text for text in footers] == ["1", "2"], kinds
    citations = [m.number for m in doc.markers if m.role == "citation"]
    assert citations[:2] == [1, 2], doc.markers
    # the marker is detached where it stood: after `networking.`, not left as a digit or a quote mark
    first = next(m for m in doc.markers if m.role == "citation")
    assert doc.text[:first.start].endswith("networking.")
    assert "networking.1" not in doc.text and "networking.’" not in doc.text
    pages = {p.page for p in doc.paragraphs if "Private investment" in p.text}
    assert pages == {2}


def test_a_pdf_of_text_pages_and_scanned_pages_reads_both(tmp_path):
    drawn = sf.draw_page(paragraphs=sf.MORE_PARAGRAPHS, notes=[], page_number=2)
    path = tmp_path / "mixed.pdf"
    path.write_bytes(sf.mixed_pdf(sf.PARAGRAPHS[:1], sf.degrade(drawn.image, 1.0, 0.003), 300))
    raw = parse_file(path, tmp_path)
    assert [(r.page, r.source) for r in raw.page_reads] == [(1, "text"), (2, "ocr")]
    doc = clean.clean_document(raw)
    assert "The Department of Energy awarded $625 million" in doc.text
    assert "Private investment in quantum firms reached a record in 2022" in doc.text
    assert {p.page for p in doc.paragraphs if "Private investment" in p.text} == {2}
    # boxes of both: the text layer's without a confidence, OCR's with one
    conf = {b.page: b.confidence for b in doc.boxes}
    assert conf[1] is None and 0 < conf[2] <= 1


def test_ocr_boxes_are_on_the_page_and_cover_their_words(tmp_path):
    path, (drawn,) = _scan(tmp_path, angle=1.5, noise=0.003)
    doc = clean.clean_document(parse_file(path, tmp_path))
    width, height = 8.5 * 72, 11 * 72
    words = [w for w in doc.text.split() if any(ch.isalnum() for ch in w)]
    assert len(doc.boxes) >= 0.95 * len(words)
    for box in doc.boxes:
        assert 0 <= box.x0 < box.x1 <= width and 0 <= box.top < box.bottom <= height
        assert 0 <= box.confidence <= 1
    # `Tokyo` is drawn in the second paragraph, left of the page's middle: its box says so
    tokyo = next(b for b in doc.boxes if doc.text[b.start:b.end].startswith("Tokyo"))
    assert tokyo.x0 < width / 2 and 72 < tokyo.top < height / 2


@pytest.mark.parametrize("how", ["--no-ocr", "no tesseract"])
def test_a_scan_without_ocr_is_reported_in_one_line_and_the_build_goes_on(tmp_path, monkeypatch, how):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    _scan(raw_dir, name="scan.pdf")
    drawn = sf.draw_page(paragraphs=sf.MORE_PARAGRAPHS, notes=[], page_number=2)
    (raw_dir / "mixed.pdf").write_bytes(sf.mixed_pdf(sf.PARAGRAPHS[:1], drawn.image, 300))
    (raw_dir / "note.txt").write_text("The agency signed the agreement on May 3, 2021.\n", encoding="utf-8")
    args = ["build", str(raw_dir), "--db", str(tmp_path / "claims.db"), "-j", "1",
            "--claim-model", str(ROOT / "models" / "checkworthy")]
    if how == "--no-ocr":
        args.append("--no-ocr")
        why = "OCR is off (--no-ocr); build without --no-ocr to read it"
    else:
        _no_tesseract(monkeypatch, tmp_path)
        why = "Tesseract is not installed; install Tesseract (make tesseract"
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rejected = [line for line in lines if line.startswith("rejected: raw/scan.pdf")]
    assert len(rejected) == 1 and "only images (a scan?); not read: " + why in rejected[0], result.output
    noted = [line for line in lines if line.startswith("note: raw/mixed.pdf")]
    assert len(noted) == 1 and "page 2 of 2 is a scan, not read: " + why in noted[0], result.output
    conn = sqlite3.connect(tmp_path / "claims.db")
    stored = dict(conn.execute("select path, text from documents"))
    assert set(stored) == {"raw/mixed.pdf", "raw/note.txt"}
    assert "Private investment" not in stored["raw/mixed.pdf"]
    assert conn.execute("select page, source from pages order by page").fetchall() == [(1, "text"), (2, "none")]
    # said again when the next build takes the document from the cache (built anew: an update in
    # place keeps the stored document without reading it)
    again = CliRunner().invoke(cli, args + ["--rebuild"], catch_exceptions=False)
    assert "2 from cache" in again.output, again.output
    noted = [line for line in again.output.splitlines() if line.startswith("note: raw/mixed.pdf")]
    assert len(noted) == 1 and "page 2 of 2 is a scan, not read: " + why in noted[0], again.output


def test_missing_tesseract_is_said_with_the_fix(tmp_path, monkeypatch):
    _no_tesseract(monkeypatch, tmp_path)
    path, _ = _scan(tmp_path)
    with pytest.raises(OcrUnavailable) as caught:
        parse_file(path, tmp_path)
    assert str(caught.value) == ("scan.pdf: PDF has no text layer, only images (a scan?); not read: Tesseract is not "
                                 "installed; install Tesseract (make tesseract, or: apt-get install tesseract-ocr "
                                 "tesseract-ocr-eng)")


@pytest.mark.parametrize("fmt,changes", [("pdf", True), ("txt", False), ("docx", False)])
def test_the_parse_key_of_a_pdf_changes_with_ocr(fmt, changes):
    on = cache_stage.document_keys("0" * 64, fmt, "en_core_web_sm", "", cache_stage.ocr_fingerprint(True))
    off = cache_stage.document_keys("0" * 64, fmt, "en_core_web_sm", "", cache_stage.ocr_fingerprint(False))
    assert (on != off) == changes
    assert cache_stage.ocr_fingerprint(True).startswith("ocr=tesserocr:")
    assert cache_stage.ocr_fingerprint(False) == "ocr=off"


def test_a_scanned_pdf_builds_into_claims_with_word_boxes(tmp_path):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    _scan(raw_dir, name="scan.pdf", angle=1.0, noise=0.003, pages=2)
    db = tmp_path / "claims.db"
    args = ["build", str(raw_dir), "--db", str(db), "-j", "1", "--claim-model", str(ROOT / "models" / "checkworthy")]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0 and "rejected" not in result.output, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select page, source from pages order by page").fetchall() == [(1, "ocr"), (2, "ocr")]
    assert all(0.5 < c <= 1 for (c,) in conn.execute("select confidence from pages"))
    claims = conn.execute('select id, start, "end", text from claims').fetchall()
    assert any("$625 million" in text for _, _, _, text in claims), claims
    text = conn.execute("select text from documents").fetchone()[0]
    for claim_id, start, end, claim_text in claims:
        boxes = conn.execute('select start, "end", text, confidence from boxes where start >= ? and "end" <= ?',
                             [start, end]).fetchall()
        words = [w for w in claim_text.split() if any(ch.isalnum() for ch in w)]
        assert len(boxes) >= 0.9 * len(words), (claim_text, boxes)
        assert all(text[s:e] == t and 0 <= c <= 1 for s, e, t, c in boxes)
    # a rebuild reads the scan from the cache
    again = CliRunner().invoke(cli, args + ["--rebuild"], catch_exceptions=False)
    assert "1 from cache" in again.output, again.output
    assert conn.execute("select count(*) from boxes").fetchone()[0] > 100


def test_the_claim_page_says_read_by_ocr(tmp_path):
    import re

    from .test_serve_serve import _datasette_get

    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    _scan(raw_dir, name="scan.pdf")
    (raw_dir / "note.txt").write_text("The agency signed the agreement on May 3, 2021, in Tokyo.\n", encoding="utf-8")
    db = tmp_path / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(raw_dir), "--db", str(db), "-j", "1",
                                      "--claim-model", str(ROOT / "models" / "checkworthy")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    claim_of = dict(conn.execute("select d.path, min(c.id) from claims c join documents d on d.id = c.document_id "
                                 "group by d.path"))
    get = _datasette_get(db)
    scanned = get(f"/claims/claims/{claim_of['raw/scan.pdf']}").text
    found = re.search(r"read by OCR, confidence (\d\.\d\d)", scanned)
    assert found and 0.5 < float(found.group(1)) <= 1, scanned
    assert "read by OCR" not in get(f"/claims/claims/{claim_of['raw/note.txt']}").text


def test_the_time_budget_stops_a_long_ocr_and_the_build_goes_on(tmp_path):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    _scan(raw_dir, name="long-scan.pdf", pages=4)  # ~1.5 s a page here
    (raw_dir / "note.txt").write_text("The agency signed the agreement on May 3, 2021.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(raw_dir), "--db", str(tmp_path / "claims.db"), "-j", "1",
                                      "--doc-timeout", "1", "--claim-model", str(ROOT / "models" / "checkworthy")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "rejected: raw/long-scan.pdf: took over 1 s (stopped while reading and cleaning); raise --doc-timeout" \
        in result.output, result.output
    conn = sqlite3.connect(tmp_path / "claims.db")
    assert [p for (p,) in conn.execute("select path from documents")] == ["raw/note.txt"]


def _box_of(doc, word):
    box = next(b for b in doc.boxes if doc.text[b.start:b.end].startswith(word))
    return box.x0, box.top, box.x1, box.bottom


@pytest.mark.parametrize("turn", [90, 180, 270])  # degrees the scanner turned the page, counter-clockwise
def test_a_page_scanned_sideways_or_upside_down_is_read_upright_with_its_boxes_where_the_words_are(tmp_path, turn):
    drawn = sf.draw_page(dpi=300)
    upright_image = sf.degrade(drawn.image, 0.8, 0.002)
    (tmp_path / "upright.pdf").write_bytes(sf.image_pdf([upright_image], 300))
    (tmp_path / "turned.pdf").write_bytes(sf.image_pdf([upright_image.rotate(turn, expand=True)], 300))
    upright = clean.clean_document(parse_file(tmp_path / "upright.pdf", tmp_path))
    raw = parse_file(tmp_path / "turned.pdf", tmp_path)
    turned = clean.clean_document(raw)
    assert sf.word_accuracy(drawn.words, _body_words(turned)) >= 0.95
    assert raw.page_reads[0].angle == pytest.approx((360 - turn) % 360 + 0.8, abs=0.5)
    w, h = 8.5 * 72, 11 * 72
    x0, top, x1, bottom = _box_of(upright, "Tokyo")
    expected = {90: (top, w - x1, bottom, w - x0), 180: (w - x1, h - bottom, w - x0, h - top),
                270: (h - bottom, x0, h - top, x1)}[turn]
    assert _box_of(turned, "Tokyo") == pytest.approx(expected, abs=3)
