"""The originals (pipeline/serve/datasette/originals.py, page_images.py, original_pages.py) on a real
database built by the CLI from a PDF generated with fpdf2 (tests/pdf_fixtures.py), a saved web
page and a text file: the bytes served are the file's, a changed or moved file is refused, nothing
outside the database's record is ever served, a claim's boxes are its words and lie on its ink in
the page picture, and pictures are cached.
"""
from __future__ import annotations

import hashlib
import io
import os
import pathlib
import re
import shutil
import socket
import sqlite3

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import cli
from pipeline.ingest.pdf.render import MAX_SIDE_PX, render_page
from pipeline.serve import serve
from pipeline.serve.datasette import original_pages, originals
from pipeline.serve.datasette.originals import OriginalUnavailable, find_original, load_original, locate
from pipeline.serve.datasette.page_images import RESOLUTIONS, PageImages, span_boxes, span_pages

from . import pdf_fixtures

SAVED_PAGE = """<!doctype html><html><head><title>Ministry funds quantum exchanges</title>
<link rel="canonical" href="https://news.example.org/quantum-exchanges">
<script>window.__pwned = 1; document.title = "pwned";</script>
<link rel="stylesheet" href="https://news.example.org/site.css"></head>
<body><article><h1>Ministry funds quantum exchanges</h1>
<p>The ministry said on 3 March 2021 that it would spend $5 million on exchanges of graduate students with Japan.</p>
<img src="https://news.example.org/pixel.png" alt=""></article></body></html>
"""
NOTE = "Tokyo, 4 May 2022\n\nThe agency said it signed an agreement with three partners worth $12 million in 2022.\n"
INK = 160  # a pixel darker than this is ink (the pictures are black type on white)


def build_project(base: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """base/raw/ holding report.pdf (three pages, a paragraph cut by the page break), spare.pdf,
    saved.html and note.txt, built by the CLI into base/extracted/originals.db; (raw, db)."""
    raw = base / "raw"
    raw.mkdir(parents=True)
    pdf_fixtures.make_report_pdf(raw / "report.pdf")
    pdf_fixtures.make_simple_pdf(raw / "spare.pdf", "The agency said it launched a fund worth $3 million in 2021.")
    (raw / "saved.html").write_text(SAVED_PAGE, encoding="utf-8")
    (raw / "note.txt").write_text(NOTE, encoding="utf-8")
    db = base / "extracted" / "originals.db"
    db.parent.mkdir()
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return raw, db


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("originals"))


@pytest.fixture
def conn(project):
    connection = sqlite3.connect(project[1])
    yield connection
    connection.close()


def _document(conn, name: str) -> str:
    (doc_id,), = conn.execute("select id from documents where path = ?", [f"raw/{name}"]).fetchall()
    return doc_id


def _pdf_claims(conn) -> list[tuple]:
    return conn.execute('select c.id, c.start, c."end", c.text from claims c join documents d on d.id = c.document_id '
                        "where d.path = 'raw/report.pdf' order by c.start").fetchall()


@pytest.mark.parametrize("name,content_type,sandboxed", [
    ("report.pdf", "application/pdf", False),
    ("saved.html", "text/html; charset=utf-8", True),
    ("note.txt", "text/plain; charset=utf-8", True),
])
def test_the_original_is_the_file_byte_for_byte(project, conn, name, content_type, sandboxed):
    raw, _ = project
    original, data = load_original(conn, raw, _document(conn, name))
    assert data == (raw / name).read_bytes()
    assert original.content_type == content_type
    headers = original.headers()
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"].startswith(f'inline; filename="{name}"')
    assert ("Content-Security-Policy" in headers) == sandboxed
    if sandboxed:  # no script runs on our origin, nothing is fetched from the page's site
        assert headers["Content-Security-Policy"].split(";")[0] == "sandbox"
        assert "default-src 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("fmt,encoding,content_type", [
    ("txt", "windows-1252", "text/plain; charset=windows-1252"),
    ("md", "utf-16-le", "text/plain; charset=utf-16-le"),
    ("html", "utf-8+windows-1252", "text/html; charset=utf-8"),
    ("txt", None, "text/plain; charset=utf-8"),
    ("docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("pdf", None, "application/pdf"),
])
def test_a_file_is_served_as_the_type_and_encoding_it_was_read_in(fmt, encoding, content_type):
    original = originals.Original("0" * 12, f"raw/r\u00e9sum\u00e9 \"1\".{fmt}", pathlib.Path("unused"), "0" * 64, fmt,
                                  encoding, None, 1)
    assert original.content_type == content_type
    assert original.headers()["Content-Disposition"] == \
        f"inline; filename=\"r?sum? _1_.{fmt}\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.{fmt}"


def test_a_saved_page_keeps_its_source_url(project, conn):
    original = find_original(conn, project[0], _document(conn, "saved.html"))
    assert original.source_url == "https://news.example.org/quantum-exchanges"


@pytest.fixture
def copy(project, tmp_path):
    """A copy of the project (raw files and database) a test may change."""
    raw, db = project
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copy(db, tmp_path / "originals.db")
    connection = sqlite3.connect(tmp_path / "originals.db")
    yield tmp_path / "raw", connection
    connection.close()


@pytest.mark.parametrize("change,status,says", [
    (lambda f: f.write_bytes(f.read_bytes() + b"\n% appended"), 409, "changed since the build"),
    (lambda f: f.write_bytes(f.read_bytes().replace(b"Quantum", b"Quantun")), 409, "changed since the build"),
    (lambda f: f.unlink(), 410, "moved or deleted since the build"),
    (lambda f: f.rename(f.with_name("renamed.pdf")), 410, "moved or deleted since the build"),
])
def test_a_changed_or_missing_file_is_refused(copy, change, status, says):
    raw, conn = copy
    doc_id = _document(conn, "report.pdf")
    change(raw / "report.pdf")
    with pytest.raises(OriginalUnavailable) as refused:
        load_original(conn, raw, doc_id)
    assert refused.value.status == status
    assert "raw/report.pdf" in str(refused.value) and says in str(refused.value)


def test_a_file_found_under_another_of_its_stored_paths(copy):
    raw, conn = copy
    doc_id = _document(conn, "note.txt")
    conn.execute("update documents set paths = ? where id = ?", ['["raw/note.txt", "raw/copy/note.txt"]', doc_id])
    (raw / "copy").mkdir()
    (raw / "note.txt").rename(raw / "copy" / "note.txt")
    original, data = load_original(conn, raw, doc_id)
    assert original.rel == "raw/copy/note.txt" and data == NOTE.encode()


@pytest.mark.parametrize("document_id", ["nosuch", "../raw/report.pdf", "raw/report.pdf", "", "' or 1=1 --"])
def test_an_id_not_in_the_database_is_not_found(project, conn, document_id):
    with pytest.raises(OriginalUnavailable) as refused:
        find_original(conn, project[0], document_id)
    assert refused.value.status == 404


@pytest.mark.parametrize("stored", ["../secret.txt", "raw/../../secret.txt", "raw/../secret.txt", "/etc/hostname",
                                    "raw\\..\\secret.txt", "raw/outside/secret.txt", "secret.txt"])
def test_a_stored_path_outside_the_raw_folder_is_never_served(copy, stored):
    """Even a database whose paths were edited to point outside raw/ (with the right sha256) serves
    nothing but files under raw/; a folder link out of raw/ does not count as inside."""
    raw, conn = copy
    secret = raw.parent / "secret.txt"
    secret.write_text("not for the web", encoding="utf-8")
    (raw / "outside").symlink_to(raw.parent, target_is_directory=True)
    doc_id = _document(conn, "note.txt")
    conn.execute("update documents set path = ?, paths = ?, sha256 = ? where id = ?",
                 [stored, f'["{stored}"]'.replace("\\", "\\\\"), hashlib.sha256(secret.read_bytes()).hexdigest(), doc_id])
    assert locate(raw.resolve(), stored) is None
    with pytest.raises(OriginalUnavailable) as refused:
        load_original(conn, raw, doc_id)
    assert refused.value.status == 410


def test_the_boxes_of_each_claim_are_exactly_its_words(conn):
    """Every word of the claim has a box (a word broken across lines: two), every box is of a word
    inside the claim, in text order, and the words on either side have theirs outside."""
    doc_id = _document(conn, "report.pdf")
    (text,), = conn.execute("select text from documents where id = ?", [doc_id]).fetchall()
    claims = _pdf_claims(conn)
    assert len(claims) >= 5
    for claim_id, start, end, _ in claims:
        boxes = span_boxes(conn, doc_id, start, end)
        words = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
        assert all(any(b.start < w_end and b.end > w_start for b in boxes) for w_start, w_end in words), claim_id
        assert all(start <= b.start < b.end <= end for b in boxes), claim_id
        assert all(b.text == text[b.start:b.end] for b in boxes)
        assert [b.start for b in boxes] == sorted(b.start for b in boxes)
        before = conn.execute('select max("end") from boxes where document_id = ? and start < ?', [doc_id, start]).fetchone()[0]
        after = conn.execute('select min(start) from boxes where document_id = ? and "end" > ?', [doc_id, end]).fetchone()[0]
        assert (before is None or before <= start) and (after is None or after >= end)


def test_a_claim_cut_by_the_page_break_has_boxes_on_both_pages(conn):
    doc_id = _document(conn, "report.pdf")
    cut = pdf_fixtures.REPORT.cut_paragraph
    (start, end), = conn.execute('select start, "end" from claims where document_id = ? and text = ?',
                                 [doc_id, cut]).fetchall()
    boxes = span_boxes(conn, doc_id, start, end)
    assert span_pages(boxes) == [1, 2]
    on_two = span_boxes(conn, doc_id, start, end, page=2)
    assert " ".join(b.text for b in on_two) == pdf_fixtures.plain(pdf_fixtures.P2_COLUMNS[0][0])


def _picture(png: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    return picture.convert("L")


@pytest.mark.parametrize("dpi", RESOLUTIONS)
def test_a_page_picture_is_a_png_of_the_page_size(project, conn, tmp_path, dpi):
    original = find_original(conn, project[0], _document(conn, "report.pdf"))
    png, cached = PageImages(tmp_path).ensure_picture(original, 1, dpi, lambda: originals.read_original(original))
    assert not cached
    assert _picture(png).size == (round(612 * dpi / 72), round(792 * dpi / 72))  # letter: 612 x 792 points


def test_the_claim_boxes_lie_on_its_ink(project, conn, tmp_path):
    """The boxes drawn over a picture are in its frame: each word's box holds ink, the space
    between two words of a line holds none, and so does the page margin."""
    doc_id = _document(conn, "report.pdf")
    original = find_original(conn, project[0], doc_id)
    images = PageImages(tmp_path)
    (frame, *_), dpi = images.ensure_frames(original, lambda: originals.read_original(original)), 144
    assert (frame.width, frame.height) == (612, 792)
    pictures = {}
    for _, start, end, _ in _pdf_claims(conn):
        boxes = span_boxes(conn, doc_id, start, end)
        for box in boxes:
            if box.page not in pictures:
                pictures[box.page] = _picture(images.ensure_picture(original, box.page, dpi, lambda: originals.read_original(original))[0])
            scaled = [round(v * dpi / 72) for v in (box.x0, box.top, box.x1, box.bottom)]
            assert pictures[box.page].crop(scaled).getextrema()[0] < INK, (box.text, box.page)
        for left, right in zip(boxes, boxes[1:]):
            if left.page == right.page and abs(left.top - right.top) < 1 and right.x0 - left.x1 > 3:
                gap = [round(v * dpi / 72) for v in (left.x1 + 1, left.top + 2, right.x0 - 1, left.bottom - 2)]
                assert pictures[left.page].crop(gap).getextrema()[0] >= INK, (left.text, right.text)
    margin = [round(v * dpi / 72) for v in (2, 100, 40, 700)]
    assert pictures[1].crop(margin).getextrema()[0] >= INK


def test_a_picture_comes_from_the_cache_the_second_time(project, conn, tmp_path):
    original = find_original(conn, project[0], _document(conn, "report.pdf"))
    images = PageImages(tmp_path)
    first, cached = images.ensure_picture(original, 2, 96, lambda: originals.read_original(original))
    assert not cached
    path = images.picture_path(original, 2, 96)
    assert path == tmp_path / original.sha256 / "2-96.png" and path.read_bytes() == first
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left

    def not_read():
        raise AssertionError("a cached picture must not read the PDF again")

    again, cached = images.ensure_picture(original, 2, 96, not_read)
    assert cached and again == first


def test_no_new_picture_of_a_changed_file(copy, tmp_path):
    raw, conn = copy
    original = find_original(conn, raw, _document(conn, "report.pdf"))
    (raw / "report.pdf").write_bytes((raw / "report.pdf").read_bytes() + b"\n")
    with pytest.raises(OriginalUnavailable) as refused:
        PageImages(tmp_path).ensure_picture(original, 1, 48, lambda: originals.read_original(original))
    assert refused.value.status == 409
    assert not (tmp_path / original.sha256 / "1-48.png").exists()


@pytest.mark.parametrize("name,page,dpi", [("report.pdf", 4, 48), ("report.pdf", 0, 48), ("report.pdf", 1, 600),
                                           ("report.pdf", 1, 47), ("saved.html", 1, 48), ("note.txt", 1, 48)])
def test_no_picture_of_a_page_that_is_not_there(project, conn, tmp_path, name, page, dpi):
    original = find_original(conn, project[0], _document(conn, name))
    with pytest.raises(OriginalUnavailable) as refused:
        PageImages(tmp_path).ensure_picture(original, page, dpi, lambda: originals.read_original(original))
    assert refused.value.status == 404
    assert not os.listdir(tmp_path)


def test_a_huge_page_is_drawn_smaller(tmp_path):
    pdf_fixtures.make_page_of_lines(tmp_path / "huge.pdf", 20)  # a 200-inch-square page
    picture = _picture(render_page((tmp_path / "huge.pdf").read_bytes(), "raw/huge.pdf", 1, 144))
    assert max(picture.size) == MAX_SIDE_PX


def test_serve_tells_the_plugin_where_the_originals_are(project):
    raw, db = project
    metadata = serve.build_metadata(db, raw_dir=raw)
    assert metadata["plugins"]["claims-original"] == {"raw_dir": str(raw.resolve()),
                                                       "cache_dir": str(db.parent.resolve() / "page-images")}


def test_serve_warns_when_the_raw_folder_is_missing(project, tmp_path):
    """The warning comes before anything is served (here the port is taken, so serve stops at once)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(project[1]), "--port", str(port),
                                          "--raw", str(tmp_path / "nosuch")])
    assert result.exit_code != 0
    assert f"warning: {tmp_path / 'nosuch'} is not a folder: the originals will not be served" in result.output
    assert f"port {port} on 127.0.0.1 is in use" in result.output


def _links():
    return original_pages.Links(path=lambda p: p, row=lambda table, pk: f"/originals/{table}/{pk}", database="originals")


def test_the_claim_page_thumbnail_is_of_the_claim_page_with_its_boxes(copy, tmp_path):
    raw, conn = copy
    services = original_pages.Services(raw.resolve(), PageImages(tmp_path / "cache"))
    doc_id = _document(conn, "report.pdf")
    (claim_id, start, end), = conn.execute('select id, start, "end" from claims where document_id = ? and text = ?',
                                           [doc_id, pdf_fixtures.REPORT.cut_paragraph]).fetchall()
    shown = original_pages.claim_original(conn, services, _links(), claim_id)
    thumbnail = shown["thumbnail"]
    assert (thumbnail["page"], thumbnail["n_pages"], thumbnail["view_box"]) == (1, 3, "0 0 612 792")
    assert [b["start"] for b in thumbnail["boxes"]] == [b.start for b in span_boxes(conn, doc_id, start, end, page=1)]
    assert thumbnail["page_url"] == f"/-/page/originals/{doc_id}/1?start={start}&end={end}"
    assert thumbnail["other_pages"] == [(2, f"/-/page/originals/{doc_id}/2?start={start}&end={end}")]
    assert thumbnail["picture_url"] == f"/-/page-image/originals/{doc_id}/1.png?dpi=48"
    (raw / "report.pdf").unlink()
    gone = original_pages.claim_original(conn, services, _links(), claim_id)
    assert gone["thumbnail"] is None and gone["url"] is None and "moved or deleted" in gone["problem"]


def test_a_text_claim_has_the_link_and_no_thumbnail(copy, tmp_path):
    raw, conn = copy
    services = original_pages.Services(raw.resolve(), PageImages(tmp_path / "cache"))
    doc_id = _document(conn, "note.txt")
    (claim_id,), = conn.execute("select id from claims where document_id = ? limit 1", [doc_id]).fetchall()
    shown = original_pages.claim_original(conn, services, _links(), claim_id)
    assert shown["url"] == f"/-/original/originals/{doc_id}" and shown["thumbnail"] is None
    assert original_pages.claim_original(conn, services, _links(), "nosuch") is None
