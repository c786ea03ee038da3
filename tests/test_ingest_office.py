"""Word documents: .docx files made with python-docx in the test (footnotes and endnotes added to the
saved package's XML as Word writes them), built end to end with the CLI and the real spaCy model,
read back from the database's rows; old .doc files and damaged ones rejected naming the fix."""
from __future__ import annotations

import datetime
import io
import re
import sqlite3
import zipfile

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.cli import cli
from pipeline.ingest import parse_file
from pipeline.types import InputError
from .test_build_robustness import _rejections

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CLAIM = "The United States and Japan signed a $1 billion agreement on April 10, 2024."
SECOND_CLAIM = "South Korea announced a $250 million fund for chip research on May 3, 2024."
ENDNOTE_CLAIM = "Canada will invest $40 million in the program in 2025."
FOOTNOTES = {2: "White House, “Joint Statement on the Trade Agreement,” April 10, 2024.",
             1: "Ministry of Trade, Industry and Energy, press release, May 3, 2024."}
ENDNOTES = {1: "Government of Canada, Budget 2025, p. 12."}


def _note_reference(paragraph, kind: str, note_id: int) -> None:
    """A footnote or endnote reference run at the end of the paragraph, as Word writes it."""
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), f"{kind.capitalize()}Reference")
    properties.append(style)
    run.append(properties)
    reference = OxmlElement(f"w:{kind}Reference")
    reference.set(qn("w:id"), str(note_id))
    run.append(reference)
    paragraph._p.append(run)


def _notes_part(kind: str, notes: dict[int, str]) -> str:
    """word/footnotes.xml or word/endnotes.xml: Word's two separators, then each note, whose first run
    is the reference mark (w:footnoteRef) and whose text follows."""
    Kind = kind.capitalize()
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s xmlns:w="{W_NS}">',
             f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>',
             f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             f'</w:p></w:{kind}>']
    for note_id, text in notes.items():
        parts.append(f'<w:{kind} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="{Kind}Text"/></w:pPr>'
                     f'<w:r><w:rPr><w:rStyle w:val="{Kind}Reference"/></w:rPr><w:{kind}Ref/></w:r>'
                     f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>')
    parts.append(f"</w:{kind}s>")
    return "".join(parts)


def _add_notes(data: bytes, footnotes: dict[int, str], endnotes: dict[int, str]) -> bytes:
    """The saved package with its footnotes and endnotes parts, their relationships and content types."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="/word/{kind}s.xml" ContentType="application/vnd.openxmlformats-'
                    f'officedocument.wordprocessingml.{kind}s+xml"/>' for kind in ("footnote", "endnote"))
                content = content.replace(b"</Types>", overrides.encode() + b"</Types>")
            elif item.filename == "word/_rels/document.xml.rels":
                relationships = "".join(
                    f'<Relationship Id="rIdTest{kind}" Type="http://schemas.openxmlformats.org/officeDocument/'
                    f'2006/relationships/{kind}s" Target="{kind}s.xml"/>' for kind in ("footnote", "endnote"))
                content = content.replace(b"</Relationships>", relationships.encode() + b"</Relationships>")
            package.writestr(item, content)
        package.writestr("word/footnotes.xml", _notes_part("footnote", footnotes))
        package.writestr("word/endnotes.xml", _notes_part("endnote", endnotes))
    return out.getvalue()


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_docx() -> bytes:
    """Headings, claims citing footnotes (the second footnote cited first) and an endnote, a
    bulleted and a numbered list, a table, a page break; properties give title, author, created."""
    document = docx.Document()
    properties = document.core_properties
    properties.title, properties.author = "Pacific Trade Report", "Jane Doe"
    properties.created = datetime.datetime(2024, 4, 12, 9, 30)
    properties.comments = ""
    document.add_heading("Background", level=1)
    _note_reference(document.add_paragraph(CLAIM), "footnote", 2)
    document.add_paragraph("The agreement covers two areas, listed below.")
    for item in ("Tariffs on steel and aluminum", "Export controls on chips"):
        document.add_paragraph(item, style="List Bullet")
    for item in ("Negotiators meet in Tokyo", "Ministers sign in Washington"):
        document.add_paragraph(item, style="List Number")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("Country", "Pledge"), ("Japan", "$1 billion"), ("South Korea", "$250 million")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("Research funding", level=2)
    _note_reference(document.add_paragraph(SECOND_CLAIM), "footnote", 1)
    document.add_page_break()
    document.add_heading("Outlook", level=1)
    _note_reference(document.add_paragraph(ENDNOTE_CLAIM), "endnote", 1)
    return _add_notes(_save(document), FOOTNOTES, ENDNOTES)


def titled_docx(closing: str = "") -> bytes:
    """A title, byline and dateline in the text: they win over the (stale) properties."""
    document = docx.Document()
    properties = document.core_properties
    properties.title, properties.author = "Template for memos", "jsmith"
    properties.created = datetime.datetime(2019, 1, 7)
    document.add_paragraph("Japan and Korea Expand Research Ties", style="Title")
    document.add_paragraph("By Maria Lopez")
    document.add_paragraph("March 3, 2024")
    document.add_paragraph("Japan and South Korea agreed to fund joint laboratories, officials said on Friday.")
    if closing:
        document.add_paragraph(closing)
    return _save(document)


def untouched_docx() -> bytes:
    """Properties left as python-docx's template has them (author `python-docx`, created in 2013)."""
    document = docx.Document()
    document.add_paragraph("The committee agreed to publish its findings in a short report next month.")
    return _save(document)


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for item in source.infolist():
            package.writestr(item, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return out.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
# name -> (bytes, the reason the build reports, or None: the file is read)
BAD_FILES = {
    "old.doc": (OLE2, "is a Word 97-2003 .doc file, which is not read; convert it to .docx, "
                      "e.g. libreoffice --headless --convert-to docx raw/old.doc"),
    "renamed.docx": (OLE2 + b"renamed", "is a Word 97-2003 .doc file named .docx; not read: convert it to .docx, "
                           "e.g. libreoffice --headless --convert-to docx raw/renamed.docx"),
    "locked.docx": (OLE2 + "EncryptedPackage".encode("utf-16-le"),
                    "is a password-protected Word document; not read: save an unprotected copy"),
    "truncated.docx": ("truncate", "is a damaged Word document (its ZIP archive cannot be read: File is not a "
                                   "zip file); open it in Word or LibreOffice and save it again as .docx"),
    "not zip.docx": (b"This is plain text saved under a Word name.\n",
                     "is not a Word document (a .docx is a ZIP archive, this file is not one); "
                     "open it in Word or LibreOffice and save it as .docx"),
    "other zip.docx": (_zip({"mimetype": "application/epub+zip", "content.opf": "<package/>"}),
                       "is a ZIP archive but not a Word document (it has no word/document.xml); not read"),
    "minutes.odt": (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
                    "is an OpenDocument text (.odt), which is not read; convert it to .docx, "
                    "e.g. libreoffice --headless --convert-to docx raw/minutes.odt"),
    "bad xml.docx": ("badxml", "is a damaged Word document (XMLSyntaxError: "),
    "empty.docx": ("empty", "Word document has no text"),
}


def _bad_bytes(spec) -> bytes:
    if spec == "truncate":
        data = untouched_docx()
        return data[: len(data) // 2]
    if spec == "badxml":
        return _replace_part(untouched_docx(), "word/document.xml", b"<w:document xmlns:w='x'><w:body><w:p>")
    if spec == "empty":
        return _save(docx.Document())
    return spec


@pytest.fixture(scope="module")
def office_build(tmp_path_factory):
    """One CLI build over the Word documents and the bad files."""
    base = tmp_path_factory.mktemp("office")
    raw = base / "raw"
    raw.mkdir()
    (raw / "report.docx").write_bytes(report_docx())
    (raw / "titled.docx").write_bytes(titled_docx())
    (raw / "untouched.docx").write_bytes(untouched_docx())
    (raw / "a docx named.doc").write_bytes(titled_docx("The laboratories open next year."))  # a .docx, old name
    for name, (spec, _) in BAD_FILES.items():
        (raw / name).write_bytes(_bad_bytes(spec))
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(base / "claims.db"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(base / "claims.db")
    conn.row_factory = sqlite3.Row
    return conn, result.output


def _doc_id(conn, name: str) -> int:
    return conn.execute("select id from documents where path = ?", (f"raw/{name}",)).fetchone()[0]


def test_paragraphs_keep_their_kinds_in_reading_order(office_build):
    conn, _ = office_build
    rows = [(r["kind"], r["text"], r["page"]) for r in conn.execute(
        "select kind, text, page from paragraphs where document_id = ? order by seq", (_doc_id(conn, "report.docx"),))]
    assert rows == [
        ("heading", "Background", 1),
        ("body", CLAIM, 1),
        ("body", "The agreement covers two areas, listed below.", 1),
        ("list", "Tariffs on steel and aluminum", 1),
        ("list", "Export controls on chips", 1),
        ("list", "1. Negotiators meet in Tokyo", 1),
        ("list", "2. Ministers sign in Washington", 1),
        ("table", "Country\tPledge\nJapan\t$1 billion\nSouth Korea\t$250 million", 1),
        ("heading", "Research funding", 1),
        ("body", SECOND_CLAIM, 1),
        ("heading", "Outlook", 2),
        ("body", ENDNOTE_CLAIM, 2),
        ("heading", "Notes", 2),
        ("note", FOOTNOTES[2], 2),
        ("note", FOOTNOTES[1], 2),
        ("note", ENDNOTES[1], 2),
    ]
    assert conn.execute("select n_pages from documents where path = 'raw/report.docx'").fetchone()[0] == 2


# claim sentence -> (money amount, date value, the note it cites): footnotes numbered in the order they
# are cited (the second footnote of the part first), the endnote after them.
CLAIMS = {
    CLAIM: (1e9, "2024-04-10", 1, FOOTNOTES[2]),
    SECOND_CLAIM: (2.5e8, "2024-05-03", 2, FOOTNOTES[1]),
    ENDNOTE_CLAIM: (4e7, "2025", 3, ENDNOTES[1]),
}


@pytest.mark.parametrize("sentence", CLAIMS, ids=["footnote", "footnote cited first", "endnote"])
def test_a_claim_keeps_its_money_date_and_note(office_build, sentence):
    conn, _ = office_build
    amount, date, number, note_text = CLAIMS[sentence]
    claim = conn.execute("select c.id, c.sentence_id, n.number, n.text from claims c "
                         "left join notes n on n.id = c.note_id where c.document_id = ? and c.text = ?",
                         (_doc_id(conn, "report.docx"), sentence)).fetchone()
    assert claim is not None, [r[0] for r in conn.execute("select text from claims")]
    assert (claim["number"], claim["text"]) == (number, note_text)
    money = conn.execute("select amount, currency from money where sentence_id = ?", (claim["sentence_id"],)).fetchall()
    assert [(m["amount"], m["currency"]) for m in money] == [(amount, "USD")]
    dates = [d["value"] for d in conn.execute("select value from dates where sentence_id = ?", (claim["sentence_id"],))]
    assert dates == [date]


def test_markers_stand_where_the_references_were(office_build):
    conn, _ = office_build
    doc_id = _doc_id(conn, "report.docx")
    text = conn.execute("select text from documents where id = ?", (doc_id,)).fetchone()[0]
    markers = conn.execute("select m.start, m.number, m.raw, m.role, n.number from markers m "
                           "left join notes n on n.id = m.note_id where m.document_id = ? and m.role = 'citation' "
                           "order by m.start", (doc_id,)).fetchall()
    assert [(text[:m[0]].rsplit(" ", 1)[-1], m[1], m[2], m[4]) for m in markers] == [
        ("2024.", 1, "¹", 1), ("2024.", 2, "²", 2), ("2025.", 3, "³", 3)]
    assert "¹" not in text and "³" not in text


# document -> (title, author, published, published_from): the text wins over the properties; the
# properties fill what it leaves; python-docx's placeholder author and template date are no one's.
METADATA = {
    "report.docx": ("Pacific Trade Report", "Jane Doe", "2024-04-12", "properties"),
    "titled.docx": ("Japan and Korea Expand Research Ties", "Maria Lopez", "2024-03-03", "text"),
    "a docx named.doc": ("Japan and Korea Expand Research Ties", "Maria Lopez", "2024-03-03", "text"),
    "untouched.docx": (None, None, None, None),
}


@pytest.mark.parametrize("name", METADATA)
def test_metadata_from_the_text_else_the_properties(office_build, name):
    conn, _ = office_build
    row = conn.execute("select title, author, published, published_from, format from documents where path = ?",
                       (f"raw/{name}",)).fetchone()
    assert tuple(row)[:4] == METADATA[name]
    assert row["format"] == "docx"




@pytest.mark.parametrize("name", BAD_FILES)
def test_a_file_that_cannot_be_read_gets_one_line_naming_the_fix(office_build, name):
    conn, output = office_build
    reasons = _rejections(output)
    assert name in reasons, output
    assert reasons[name].startswith(BAD_FILES[name][1])
    assert "Traceback" not in output
    assert conn.execute("select count(*) from documents where path = ?", (f"raw/{name}",)).fetchone()[0] == 0


def test_a_docx_that_unpacks_past_the_limit_is_rejected_unread(tmp_path):
    path = tmp_path / "bomb.docx"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "")
        package.writestr("word/media/filler.bin", bytes(30_000_000))  # 30 MB of zeros: 30 KB packed
    path.write_bytes(bomb.getvalue())
    with pytest.raises(InputError, match=r"unpacks to 30.0 MB, over the 20 MB limit; not read"):
        parse_file(path, tmp_path, max_text_bytes=2_000_000)


# --- structure read from the package's XML, one document per case (parse_file and clean, no build) ---

def _xml(fragment: str):
    """An element from a fragment of WordprocessingML (the w: namespace declared on its first tag)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(re.sub(r"^<([\w:]+)", lambda m: f"<{m.group(1)} {nsdecls('w')}", fragment, count=1))


def tracked_changes(document):
    p = document.add_paragraph("The fund holds ")
    p._p.append(_xml('<w:ins w:id="1" w:author="A"><w:r><w:t>$5 million</w:t></w:r></w:ins>'))
    p._p.append(_xml('<w:del w:id="2" w:author="A"><w:r><w:delText>$4 million</w:delText></w:r></w:del>'))
    p.add_run(" in reserves.")


def link_and_field(document):
    p = document.add_paragraph("See ")
    p._p.append(_xml('<w:hyperlink w:anchor="report"><w:r><w:t>the annual report</w:t></w:r></w:hyperlink>'))
    p.add_run(" on page ")
    for fragment in ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>', '<w:r><w:instrText> PAGEREF report </w:instrText></w:r>',
                     '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', '<w:r><w:t>12</w:t></w:r>',
                     '<w:r><w:fldChar w:fldCharType="end"/></w:r>'):
        p._p.append(_xml(fragment))
    p.add_run(" for the figures.")


def merged_cells(document):
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Pledges"
    table.cell(0, 2).text = "Source"
    table.cell(1, 0).text, table.cell(1, 1).text = "Japan", "$1 billion"
    table.cell(2, 0).text, table.cell(2, 1).text = "Korea", "$250 million"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Joint statement"


def boxed_text(document):
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Japan pledged $40 million over five years."


def outline_numbering(document):
    numbering = document.part.numbering_part.element
    numbering.insert(0, _xml(
        '<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>'))
    numbering.append(_xml('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in ((0, "Scope of the agreement"), (1, "Goods"), (1, "Services"), (0, "Terms"), (1, "Fees")):
        p = document.add_paragraph(text, style="List Paragraph")
        p._p.get_or_add_pPr().append(_xml(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))


def rendered_pages(document):
    document.add_paragraph("Japan pledged $1 billion in April.")
    p = document.add_paragraph("Korea pledged $250 million")
    p._p.append(_xml("<w:r><w:lastRenderedPageBreak/><w:t> in May.</w:t></w:r>"))
    document.add_page_break()  # laid out by Word: the break it rendered is the one that counts
    p = document.add_paragraph()
    p._p.append(_xml("<w:r><w:lastRenderedPageBreak/><w:t>Canada pledged $40 million in June.</w:t></w:r>"))


def styled_paragraphs(document):
    document.add_heading("Japan Will Lead the Consortium Through the Next Decade of Research.", level=1)
    document.add_paragraph("The consortium was founded in 2021 by five governments.")
    document.add_paragraph("Figure 1. Pledges by country", style="Caption")
    document.add_paragraph("Research is a marathon, not a sprint.", style="Quote")
    document.add_heading("References", level=1)
    document.add_paragraph("Ministry of Science, Annual Report 2023, Tokyo, 2024.")


# case -> (what the document is given, its paragraphs as (kind, text, page))
STRUCTURE = {
    "tracked changes: insertions kept, deletions not": (tracked_changes, [
        ("body", "The fund holds $5 million in reserves.", 1)]),
    "hyperlink text and a field's result, not its code": (link_and_field, [
        ("body", "See the annual report on page 12 for the figures.", 1)]),
    "merged cells once": (merged_cells, [
        ("table", "Pledges\t\tSource\nJapan\t$1 billion\tJoint statement\nKorea\t$250 million", 1)]),  # clean strips the row
    "a one-cell table is a box round a paragraph": (boxed_text, [
        ("body", "Japan pledged $40 million over five years.", 1)]),
    "numbering: levels, letters, restarts": (outline_numbering, [
        ("list", "1. Scope of the agreement", 1), ("list", "(a) Goods", 1), ("list", "(b) Services", 1),
        ("list", "2. Terms", 1), ("list", "(a) Fees", 1)]),
    "pages as Word last laid them out": (rendered_pages, [
        ("body", "Japan pledged $1 billion in April.", 1), ("body", "Korea pledged $250 million in May.", 1),
        ("body", "Canada pledged $40 million in June.", 3)]),
    "styles: a heading sentence, caption, quote, a section heading": (styled_paragraphs, [
        ("heading", "Japan Will Lead the Consortium Through the Next Decade of Research.", 1),
        ("body", "The consortium was founded in 2021 by five governments.", 1),
        ("caption", "Figure 1. Pledges by country", 1),
        ("body", "Research is a marathon, not a sprint.", 1),
        ("heading", "References", 1),
        ("bibliography", "Ministry of Science, Annual Report 2023, Tokyo, 2024.", 1)]),
}


@pytest.mark.parametrize("case", STRUCTURE)
def test_structure_of_the_xml_is_read(tmp_path, case):
    from pipeline.clean import clean_document

    build, expected = STRUCTURE[case]
    document = docx.Document()
    build(document)
    path = tmp_path / "case.docx"
    path.write_bytes(_save(document))
    cleaned = clean_document(parse_file(path, tmp_path))
    assert [(p.kind, p.text, p.page) for p in cleaned.paragraphs] == expected
