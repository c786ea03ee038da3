"""PDF ingestion on real PDFs generated with fpdf2 (tests/pdf_fixtures.py): column order, running
headers and footers, page numbers, hyphenation, superscript markers, footnotes, tables, bad files."""
from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.clean import document as clean
from pipeline.extract import notes
from pipeline.cli import cli
from pipeline.ingest import parse_file
from pipeline.ingest.pdf.reader import Word, reading_order
from pipeline.types import InputError

from . import pdf_fixtures as fx


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    fx.make_report_pdf(path)
    raw = parse_file(path, path.parent)
    return raw, clean.clean_document(raw)


def _para(doc, fragment):
    return next(p for p in doc.paragraphs if fragment in p.text)


def test_every_paragraph_reads_whole_in_column_order(report):
    _, doc = report
    texts = [p.text for p in doc.paragraphs]
    for expected in fx.REPORT.paragraphs:
        assert any(expected in text for text in texts), expected


def test_two_column_page_reads_left_column_before_right(report):
    _, doc = report
    order = [doc.text.index(fragment) for fragment in
             ("The United States and its allies", "Officials describe", "Funding and Industry", "Private investment")]
    assert order == sorted(order)


def test_paragraph_cut_by_page_break_is_rejoined_and_keeps_both_pages(report):
    _, doc = report
    para = _para(doc, "The review recommends")
    assert para.text == fx.REPORT.cut_paragraph
    assert para.page == 1
    assert [page for _, page in para.page_breaks] == [2]
    offset = para.page_breaks[0][0]
    assert doc.text[offset:].startswith("prototype devices")


@pytest.mark.parametrize("fragment,page", [
    ("Graduate programs in the three countries", 2),
    ("Technical standards for quantum networks", 2),
    ("The next review will measure", 3),
    ("Funding doubled between 2019 and 2022.", 3),
])
def test_paragraphs_keep_their_page(report, fragment, page):
    _, doc = report
    assert _para(doc, fragment).page == page


def test_running_headers_footers_and_page_numbers_are_classified(report):
    _, doc = report
    headers = [p for p in doc.paragraphs if p.kind == "header"]
    footers = [p for p in doc.paragraphs if p.kind == "footer"]
    assert [p.text for p in headers] == [fx.HEADER] * 3
    assert [(p.text, p.page) for p in footers] == [(f"{fx.FOOTER} {n}", n) for n in (1, 2, 3)]
    prose = " ".join(p.text for p in doc.paragraphs if p.kind in ("body", "list", "heading"))
    assert "QUANTUM PARTNERSHIPS" not in prose and fx.FOOTER not in prose


@pytest.mark.parametrize("kept", ["international programs", "manufacturing of", "long-term investment",
                                  "U.S.-Japan dialogue", "2014–2017", "self-sufficient approach"])
def test_line_end_hyphens_rejoined_real_hyphens_kept(report, kept):
    _, doc = report
    assert kept in doc.text


@pytest.mark.parametrize("broken", ["inter-national", "inter- national", "manu-facturing", "long- term",
                                    "U.S.- Japan", "2014– 2017", "self- sufficient", "selfsufficient", "longterm"])
def test_no_broken_words_left(report, broken):
    _, doc = report
    assert broken not in doc.text


def test_superscripts_become_citation_markers_not_digits(report):
    _, doc = report
    citations = [m for m in doc.markers if m.role == "citation"]
    assert [m.number for m in citations] == [1, 2, 3]
    assert [doc.text[m.start - 9:m.start] for m in citations] == ["students.", "ork plan.", "mponents."]
    body = " ".join(p.text for p in doc.paragraphs if p.kind == "body")
    assert not re.search(r"[A-Za-z][.,”]?\d", body), "a marker digit glued to a word"


def test_footnotes_at_the_foot_of_the_page_are_labelled_notes(report):
    _, doc = report
    note_paras = [p for p in doc.paragraphs if p.kind == "note"]
    assert [p.text for p in note_paras] == fx.REPORT.notes
    assert [m.number for m in doc.markers if m.role == "label"] == [1, 2, 3]
    parsed, bibliography, links = notes.parse_notes(doc)
    assert [n.number for n in parsed] == [1, 2, 3]
    assert len(links) == 3  # no bibliography section: each complete reference is its own entry


def test_headings_and_title(report):
    raw, doc = report
    headings = [p.text for p in doc.paragraphs if p.kind == "heading"]
    for heading in fx.REPORT.headings:
        assert heading in headings
    assert doc.metadata.title == fx.TITLE
    assert doc.metadata.author == "Jane Q. Analyst"


def test_table_is_one_table_paragraph_and_its_cells_are_not_prose(report):
    _, doc = report
    tables = [p for p in doc.paragraphs if p.kind == "table"]
    assert len(tables) == 1
    rows = [row.split("\t") for row in tables[0].text.split("\n")]
    assert rows == [list(row) for row in fx.TABLE]
    prose = " ".join(p.text for p in doc.paragraphs if p.kind in ("body", "list"))
    for cell in ("Testbed exchange", "Student fellowships", "$12 million"):
        assert cell not in prose


def _line(words, x0, x1, top, size=10.0):
    """Words set as one justified line from x0 to x1 (5 pt per character, spaces stretched)."""
    widths = [5 * len(w) for w in words]
    space = (x1 - x0 - sum(widths)) / max(1, len(words) - 1)
    out, x = [], x0
    for word, width in zip(words, widths):
        out.append(Word(word, x, x + width, top, top + size, size))
        x += width + space
    return out


PROSE = ("partners agreed to fund shared testbeds and exchanges of graduate students while agencies "
         "publish common lists of critical components so that allies can plan investments together").split()


def _justified(n_lines, x0, x1, top, pitch=12.0, offset=0):
    """Lines filled with words as a typesetter would (natural spaces 3 pt), then justified."""
    lines, i = [], offset
    for n in range(n_lines):
        words = []
        while sum(5 * len(w) + 3 for w in words + [PROSE[i % len(PROSE)]]) - 3 <= x1 - x0:
            words.append(PROSE[i % len(PROSE)])
            i += 1
        lines.append(_line(words, x0, x1, top + pitch * n))
    return lines


def test_columns_with_misaligned_baselines_are_not_interleaved():
    left = _justified(8, 50, 290, 100)
    right = _justified(8, 310, 550, 106, offset=3)  # baselines 6 pt lower: no row holds both columns
    rows = sorted(left + right, key=lambda row: row[0].top)
    lines = reading_order(rows, 10.0)
    assert [line.top for line in lines] == [row[0].top for row in left] + [row[0].top for row in right]
    assert [line.column for line in lines] == [0] * 8 + [1] * 8


def test_aligned_columns_are_split_at_the_gutter():
    left, right = _justified(6, 50, 290, 100), _justified(6, 310, 550, 100, offset=2)
    rows = [l + r for l, r in zip(left, right)]
    lines = reading_order(rows, 10.0)
    assert [line.text for line in lines] == [" ".join(w.text for w in row) for row in left + right]


@pytest.mark.parametrize("gap,columns", [(9.0, True), (5.0, False)])
def test_a_row_set_tighter_across_an_established_gutter_stays_in_its_columns(gap, columns):
    left, right = _justified(8, 50, 290, 100), _justified(8, 310, 550, 100, offset=2)
    # Row 5 of the left column ends in a long number reaching `gap` points short of the right column
    left[5] = _ragged(["call", "1-800-272-9829"], 310 - gap - 5 * 18 - 3, 160)
    rows = [l + r for l, r in zip(left, right)]
    lines = reading_order(rows, 10.0)
    in_order = [" ".join(w.text for w in row) for row in left + right]
    assert ([line.text for line in lines] == in_order) is columns


def test_single_column_justified_text_is_not_split():
    rows = _justified(10, 50, 550, 100)
    lines = reading_order(rows, 10.0)
    assert [line.text for line in lines] == [" ".join(w.text for w in row) for row in rows]


def _ragged(words, x0, top, size=10.0):
    """Words set from x0 with ordinary 3 pt spaces (a title, a heading)."""
    out, x = [], x0
    for word in words:
        out.append(Word(word, x, x + 5 * len(word), top, top + size, size))
        x += 5 * len(word) + 3
    return out


def test_columns_under_a_title_beside_a_third_column_are_found():
    # A title over the first two of three columns: the run from the top shares only the second
    # gutter; the first is found inside the column the title sits in.
    title = [_ragged("Allied cooperation on quantum research and its open questions".split(), 50, 100),
             _ragged("progress since the first joint statement of the partners".split(), 50, 112)]
    first, second = _justified(8, 50, 200, 136), _justified(8, 215, 365, 136, offset=4)
    third = _justified(12, 380, 530, 100, offset=9)
    rows = sorted(title + first + second + third, key=lambda row: row[0].top)
    rows = [[w for row in rows if row[0].top == top for w in row] for top in sorted({r[0].top for r in rows})]
    lines = reading_order(rows, 10.0)
    expected = title + first + second + third
    assert [line.text for line in lines] == [" ".join(w.text for w in row) for row in expected]
    assert len({line.place for line in lines}) == 4  # title, two columns under it, the third column


@pytest.mark.parametrize("label", ["1.", "12)", "•", "(a)"])
def test_hanging_labels_are_not_a_column(label):
    rows = [[Word(label, 50, 50 + 5 * len(label), top, top + 10, 10.0)] + line[0:]
            for top, line in ((row[0].top, row) for row in _justified(6, 80, 290, 100))]
    lines = reading_order(rows, 10.0)
    assert [line.text for line in lines] == [" ".join(w.text for w in row) for row in rows]


@pytest.mark.parametrize("pieces,text", [
    ([("T", 0, 10, 15), ("HE", 10, 30, 12), ("D", 33, 43, 15), ("IGITAL", 43, 90, 12)], "THE DIGITAL"),  # small caps
    ([("\u201c", 0, 5, 12), ("WIPO", 5.5, 40, 12), ("Act,\u201d", 43, 70, 12)], "\u201cWIPO Act,\u201d"),  # font change
    ([("two", 0, 20, 12), ("words", 23, 50, 12)], "two words"),  # an ordinary space
])
def test_words_split_only_by_a_change_of_size_or_font_are_one_word(pieces, text):
    from pipeline.ingest.pdf.reader import Line

    words = [Word(t, x0, x1, 100 - size, 100, size) for t, x0, x1, size in pieces]
    assert Line.of(words).text == text


@pytest.mark.parametrize("a,b,same", [
    ("-6- Instructions for Form 1040NR", "Instructions for Form 1040NR -7-", True),  # verso and recto
    ("- 12 - Instructions for Form 1040NR", "-6- Instructions for Form 1040NR", True),
    ("Report title | 3", "Report title | 4", True),
    ("Report title", "Another title", False),
    ("The Digital Millennium Copyright Act of 1998", "THE DIGITAL MILLENNIUM COPYRIGHT ACT OF 1998", True),
])
def test_running_line_signature(a, b, same):
    from pipeline.ingest.pdf.reader import _signature

    assert (_signature(a) == _signature(b)) is same
    assert _signature(a) != _signature(b, bold=True)  # a bold page-1 title is not the running head repeating it


def test_bare_page_number_has_no_signature():
    from pipeline.ingest.pdf.reader import _signature

    assert _signature("- 12 -") == ""


@pytest.mark.parametrize("text,font,expected", [
    ("!", "ELCKGH+WPTypographicSymbols", "•"),  # WordPerfect's bullet
    ("l", "ABCDEF+Wingdings-Regular", "•"),
    ("4", "ZapfDingbats", "•"),
    ("!", "Helvetica-Bold", "!"),
    ("•", "PDDJDF+Symbol", "•"),
    ("±", "Symbol", "±"),  # a symbol font's letters and signs are text
])
def test_lone_dingbat_is_a_bullet(text, font, expected):
    from pipeline.ingest.pdf.reader import _word_text

    assert _word_text({"text": text, "fontname": font}) == expected


def _bold_line(spec, top):
    """A line from `word*` pieces: a trailing * sets the word in bold."""
    words = _ragged([w.rstrip("*") for w in spec.split()], 50, top)
    for word, piece in zip(words, spec.split()):
        word.bold = piece.endswith("*")
    return words


@pytest.mark.parametrize("prev,line,starts", [
    ("Items* to* Note*", "Form 1040NR-EZ. You may be able to use", True),              # a heading line
    ("Tax* benefits* extended.* The following", "tax benefits were extended through", False),  # run-in
    ("the amount of the reduction that would", "IRA* deduction* expanded.* If you were", True),
    ("the amount of the reduction that would", "otherwise have applied in the year", False),
])
def test_a_change_of_weight_starts_a_paragraph_unless_the_text_runs_on(prev, line, starts):
    from pipeline.ingest.pdf.reader import Column, Line, _starts_paragraph

    a, b = Line.of(_bold_line(prev, 100)), Line.of(_bold_line(line, 112))
    assert _starts_paragraph(a, b, 12.0, {a.place: Column(50, 300)}) is starts


RAGGED = ["The expatriation tax provisions provide", "an alternative tax regime for certain",
          "nonresident aliens who lost U.S.", "citizenship or terminated U.S. long-term",
          "resident status. In 2004, the", "expatriation rules that determine",
          "whether you are subject to this", "alternative tax regime changed."]


@pytest.mark.parametrize("pitches,paragraphs", [
    ([12] * 7, [8]),                     # ragged right: a short line ending `U.S.` ends nothing
    ([12, 12, 20, 12, 12, 12, 12], [3, 5]),  # the extra space between paragraphs does
])
def test_ragged_right_paragraphs_end_by_spacing_not_by_short_lines(pitches, paragraphs):
    from pipeline.ingest.pdf.reader import Line, _blocks

    tops = [100 + sum(pitches[:i]) for i in range(len(RAGGED))]
    lines = [Line.of(_ragged(text.split(), 50, top)) for text, top in zip(RAGGED, tops)]
    blocks = _blocks(lines, 10.0)
    assert [len(text.split("\n")) for _, text, _ in blocks] == paragraphs


def test_a_paragraph_is_open_only_at_its_columns_foot():
    from pipeline.ingest.pdf.reader import Line, _blocks

    # Two paragraphs in the left column, one in the right, a footnote in small type below both
    left = [Line.of(_ragged(t.split(), 50, top)) for t, top in (
        ("The partners signed", 100), ("the agreement in", 112), ("Tokyo last year.", 124),
        ("It took effect in", 148), ("2022 and", 160))]
    right = [Line.of(_ragged("Funding rose again".split(), 320, 100))]
    note = [Line.of([Word("¹", 50, 53, 200, 206, 6.0, label=True)] + _ragged("Jane Roe, 2021.".split(), 54, 200, 8.0))]
    for line in right:
        line.column = 1
    note[0].region = 1
    blocks = _blocks(left + right + note, 10.0)
    assert [(kind, is_open) for kind, _, is_open in blocks] == [("", False), ("", True), ("", True), ("note", True)]


def test_a_raised_number_marks_only_the_word_it_touches():
    from pipeline.ingest.pdf.reader import attach_superscripts

    words = _ragged("enter the amount".split(), 50, 100) + _ragged("farmers and fishermen.".split(), 320, 100)
    words.append(Word("100", 150, 159, 97, 103, 5.6))  # raised small type 60 pt from any word
    words.append(Word("2", 134, 137, 97, 103, 5.6))    # a marker right after `amount`
    rows = attach_superscripts(words)
    texts = [w.text for row in rows for w in row]
    assert "amount²" in texts and "fishermen." in texts and "100" in texts


@pytest.mark.parametrize("angle", [90, -90])  # text running up the page, and down it
def test_a_turned_page_is_read_upright(tmp_path, angle):
    from fpdf import FPDF

    lines = ["The ministry signed an agreement", "worth $5 million with partners in", "Tokyo on 3 March 2021."]
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for i, line in enumerate(lines):
        # Up the page, the next line stands to the right of this one; down the page, to its left
        x, y = (60 + 5 * i, 250) if angle == 90 else (150 - 5 * i, 30)
        with pdf.rotation(angle, x=x, y=y):
            pdf.text(x, y, line)
    path = tmp_path / "turned.pdf"
    pdf.output(str(path))
    doc = clean.clean_document(parse_file(path, tmp_path))
    assert [p.text for p in doc.paragraphs] == [" ".join(lines)]


@pytest.mark.parametrize("x0,x1,row_ends,near", [
    (100, 104, [60], True),          # a one-digit marker is near any row it overlaps (a footnote's label)
    (100, 104, [99.5], True),
    (100, 124, [60], False),         # a candidate over three ems wide must start where a word ends
    (100, 124, [99.5], True),
])
def test_superscript_candidate_near_its_row(x0, x1, row_ends, near):
    from pipeline.ingest.pdf.reader import _near_row

    row = [Word("word", end - 20, end, 100, 110, 10.0) for end in row_ends]
    assert _near_row(Word("12", x0, x1, 98, 104, 6.0), row) is near


def _empty(path):
    path.write_bytes(b"")


def _corrupt(path):
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")


def _truncated(path):
    fx.make_simple_pdf(path, "Some text. " * 300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _encrypted(path):
    fx.make_simple_pdf(path, owner_password="owner", user_password="secret")


def _not_a_pdf(path):
    path.write_text("just some text saved with the wrong extension\n")


def _blank(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(path))


@pytest.mark.parametrize("make,reason", [
    (_empty, "empty file"),
    (_corrupt, "corrupt"),
    (_truncated, "truncated"),
    (_encrypted, "encrypted"),
    (fx.make_image_only_pdf, "only images"),
    (_not_a_pdf, "not a PDF"),
    (_blank, "no text on any page"),  # not "only images": it has none
])
def test_bad_pdf_raises_input_error_naming_file_and_reason(tmp_path, make, reason):
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(InputError) as caught:
        parse_file(path, tmp_path)
    assert caught.value.path == "bad.pdf"
    assert reason in caught.value.reason
    assert str(caught.value).startswith("bad.pdf: ")


def test_pdf_encrypted_only_against_editing_is_read(tmp_path):
    path = tmp_path / "owner.pdf"
    fx.make_simple_pdf(path, "Readable without a password.", owner_password="owner")
    raw = parse_file(path, tmp_path)
    assert "Readable without a password." in raw.pages[0].text


@pytest.mark.parametrize("name,make", [
    ("doc.pdf", lambda path: fx.make_simple_pdf(path, "A page of ordinary text for the reader.")),
    ("doc.txt", lambda path: path.write_text("A line of ordinary text for the reader.\n")),
])
def test_parse_file_takes_the_name_and_hash_a_build_already_has(tmp_path, name, make):
    """A build passes the name and sha256 it planned with; without them they are computed. The
    bytes read are hashed either way: a planned hash they do not have is a file changed since."""
    import hashlib

    from pipeline.ingest import FileChanged

    path = tmp_path / name
    make(path)
    computed = parse_file(path, tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (computed.path, computed.sha256) == (name, digest)
    given = parse_file(path, tmp_path, rel="raw/" + name, sha256=digest)
    assert (given.path, given.sha256) == ("raw/" + name, digest)
    assert [p.text for p in given.pages] == [p.text for p in computed.pages]
    assert given.blocks == computed.blocks
    with pytest.raises(FileChanged, match="^raw/.*: changed during the build"):
        parse_file(path, tmp_path, rel="raw/" + name, sha256="0" * 64)


def test_build_reads_the_report_and_reports_bad_pdfs(tmp_path):
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    fx.make_report_pdf(raw_dir / "report.pdf")
    _truncated(raw_dir / "broken.pdf")
    fx.make_image_only_pdf(raw_dir / "scan.pdf")
    db = tmp_path / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(raw_dir), "--db", str(db), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "broken.pdf" in result.output and "scan.pdf" in result.output
    conn = sqlite3.connect(db)
    pages = dict(conn.execute("select text, page from sentences where text like 'Technical standards%'"))
    assert list(pages.values()) == [2]
    cells = conn.execute("select count(*) from sentences where text like '%Student fellowships%'").fetchone()[0]
    assert cells == 0
    kinds = dict(conn.execute("select kind, count(*) from paragraphs group by kind"))
    assert kinds["header"] == 3 and kinds["footer"] == 3 and kinds["table"] == 1 and kinds["note"] == 3
    assert conn.execute("select count(*) from notes").fetchone()[0] == 3


def test_single_column_page_keeps_paragraphs_whole(tmp_path):
    first = ("The council met in March. It agreed to fund two testbeds. " * 6).strip()
    second = ("Members asked for a report by June. The secretariat will draft it. " * 5).strip()
    path = tmp_path / "single.pdf"
    fx.make_simple_pdf(path, first + "\n\n" + second)
    doc = clean.clean_document(parse_file(path, tmp_path))
    assert [(p.kind, p.text) for p in doc.paragraphs] == [("body", first), ("body", second)]
