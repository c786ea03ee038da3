"""Bad input, checked invariants: every bad file gets one clear line naming it and the reason, and
the build goes on with the rest; `check` finds every kind of inconsistency."""
import codecs
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.store import check
from pipeline.cli import cli
from pipeline.ingest.text import decode_text
from pipeline.types import InputError

SENTENCE = "The ministry signed an agreement with {} on May 4, 2023, worth $12 million. It will fund research."

# bytes -> (text expected inside the decoded text, encoding reported)
DECODED = [
    ("plain UTF-8", "Café in São Paulo “quoted”".encode("utf-8"), "Café in São Paulo “quoted”", "utf-8"),
    ("UTF-8 with a byte-order mark", codecs.BOM_UTF8 + "Señor".encode("utf-8"), "Señor", "utf-8"),
    ("Latin-1", "Café in São Paulo, 5 °C".encode("latin-1"), "Café in São Paulo, 5 °C", "windows-1252"),
    ("Windows-1252 quotes, dash, euro", "“Quoted” – €5".encode("cp1252"), "“Quoted” – €5", "windows-1252"),
    ("UTF-16 LE with a mark", codecs.BOM_UTF16_LE + "Tōkyō agreement".encode("utf-16-le"), "Tōkyō agreement", "utf-16"),
    ("UTF-16 BE with a mark", codecs.BOM_UTF16_BE + "Tōkyō agreement".encode("utf-16-be"), "Tōkyō agreement", "utf-16"),
    ("UTF-16 LE without a mark", "An agreement was signed in Seoul.".encode("utf-16-le"),
     "An agreement was signed in Seoul.", "utf-16-le"),
    ("UTF-32 with a mark", codecs.BOM_UTF32_LE + "Zürich".encode("utf-32-le"), "Zürich", "utf-32"),
    ("UTF-8 with a stray Windows-1252 byte", "Café “x”".encode("utf-8") + b" and caf\xe9", "Café “x” and café",
     "utf-8+windows-1252"),
    ("form feeds and tabs are text", b"Page one\x0c\tPage two", "Page one\x0c\tPage two", "utf-8"),
    # Vertical tabs (Word's manual line break) are text whatever the encoding: one check for bytes and
    # decoded text (the check after UTF-16 decoding used to reject them).
    ("vertical tabs are text", b"Line one\x0bline two. " * 20, "Line one\x0bline two.", "utf-8"),
    ("vertical tabs are text in UTF-16", codecs.BOM_UTF16_LE + ("Line one\x0bline two. " * 20).encode("utf-16-le"),
     "Line one\x0bline two.", "utf-16"),
]


@pytest.mark.parametrize("name,data,expected,encoding", DECODED, ids=[d[0] for d in DECODED])
def test_text_is_decoded_with_its_encoding(name, data, expected, encoding):
    text, found = decode_text(data, "raw/x.txt")
    assert expected in text and found == encoding


# Legacy bytes only (no UTF-8 sequence): one pass of the cp1252 codec, which must read every byte as
# the per-byte handler of mixed files does, the five bytes cp1252 leaves undefined as Latin-1.
LEGACY = [
    ("accents", b"caf\xe9 na\xefve", "café naïve"),
    ("quotes, dash, euro", b"\x93Quoted\x94 \x96 \x805", "“Quoted” – €5"),
    ("undefined 0x81", b"a\x81b", "a\x81b"),
    ("all five undefined", b"x \x81\x8d\x8f\x90\x9d y", "x \x81\x8d\x8f\x90\x9d y"),
    ("undefined next to defined", b"\x81\xe9 \x9d\x99 end", "\x81é \x9d™ end"),
    ("a UTF-8 lead byte cut short", b"dash \xe2\x80 here", "dash â€ here"),
]


@pytest.mark.parametrize("name,data,expected", LEGACY, ids=[d[0] for d in LEGACY])
def test_legacy_text_reads_as_the_per_byte_handler_reads_it(name, data, expected):
    assert decode_text(data, "raw/x.txt") == (expected, "windows-1252")
    assert data.decode("utf-8", errors="claims-pipeline-cp1252") == expected  # the mixed files' handler


REJECTED = [
    ("empty", b"", "empty file (0 bytes)"),
    ("whitespace only", b" \n\n\t \r\n", "no text (only whitespace)"),
    ("NUL bytes", b"text\x00\x00with zeros", "binary content, not text"),
    ("control bytes", bytes(range(1, 32)) * 20, "binary content, not text"),
    ("control characters in UTF-16", codecs.BOM_UTF16_LE + ("ab\x01\x02" * 50).encode("utf-16-le"),
     "binary content, not text (NUL or control characters after decoding)"),
    ("a PNG image", b"\x89PNG\r\n\x1a\n" + bytes(200), "is a PNG image, not text; run OCR on it to get its text"),
    ("a .docx", b"PK\x03\x04" + bytes(200), "is a ZIP archive (.docx, .xlsx, .epub, ...), not text; convert it to PDF or text"),
    ("a PDF named .txt", b"%PDF-1.4\n%...", "is a PDF file, not text; give it the .pdf extension"),
    ("UTF-16 mark, odd length", codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"\x00",
     "starts with a UTF-16 byte-order mark but is not valid UTF-16 (truncated data at byte 8)"),
    ("UTF-16 mark, lone surrogate", codecs.BOM_UTF16_LE + b"\x00\xd8a\x00",
     "starts with a UTF-16 byte-order mark but is not valid UTF-16"),
]


@pytest.mark.parametrize("name,data,message", REJECTED, ids=[r[0] for r in REJECTED])
def test_what_is_not_text_is_rejected_with_the_reason(name, data, message):
    with pytest.raises(InputError) as error:
        decode_text(data, "raw/x.txt")
    assert str(error.value).startswith("raw/x.txt: ") and message in str(error.value)


def _pdf(text=None, image_only=False, password=None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    if image_only:
        pdf.set_fill_color(40, 40, 40)
        pdf.rect(20, 20, 100, 60, style="F")
    else:
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


# file name -> (content, expected message after "rejected: raw/<name>: "); None: accepted
INPUTS = {
    "good one.txt": (SENTENCE.format("Japan").encode(), None),
    "résumé – 東京 report.md": (SENTENCE.format("Korea").encode("utf-8"), None),
    "latin1 report.txt": (SENTENCE.format("São Tomé").encode("latin-1"), None),
    "windows 1252.txt": (("“" + SENTENCE.format("France") + "” – €5").encode("cp1252"), None),
    "utf16 with bom.txt": (codecs.BOM_UTF16_LE + SENTENCE.format("Germany").encode("utf-16-le"), None),
    "good.pdf": (None, None),
    "empty.txt": (b"", "empty file"),  # the same (no) content as empty.pdf: one message each
    "binary.txt": (bytes(range(256)) * 8, "binary content, not text (NUL or control bytes); is the extension right?"),
    "broken utf16.txt": (codecs.BOM_UTF16_LE + b"a\x00b", "starts with a UTF-16 byte-order mark but is not valid UTF-16"),
    "image.md": (b"\x89PNG\r\n\x1a\n" + bytes(64), "is a PNG image, not text"),
    "empty.pdf": (b"", "empty"),
    "truncated.pdf": ("truncate", "truncated"),
    "corrupt.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n", "PDF"),
    "encrypted.pdf": ("encrypted", "encrypted"),
    "scan.pdf": ("image-only", "no text"),
}
BIG_FILE = "huge.txt"


@pytest.fixture(scope="module")
def bad_input_build(tmp_path_factory):
    """One build over good files and every kind of bad one (and a 50 MB text file)."""
    base = tmp_path_factory.mktemp("badinput")
    raw = base / "raw"
    raw.mkdir()
    good_pdf = _pdf(SENTENCE.format("Canada") + " " + SENTENCE.format("Mexico"))
    for name, (content, _) in INPUTS.items():
        if content is None:
            content = good_pdf
        elif content == "truncate":
            content = good_pdf[: len(good_pdf) // 2]
        elif content == "encrypted":
            content = _pdf(SENTENCE.format("Chile"), password="secret")
        elif content == "image-only":
            content = _pdf(image_only=True)
        (raw / name).write_bytes(content)
    with open(raw / BIG_FILE, "wb") as handle:  # 50 MB of real text, written in blocks
        block = (SENTENCE.format("Italy") + "\n\n").encode() * 1000
        while handle.tell() < 50_000_000:
            handle.write(block)
        handle.truncate(50_000_000)
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(base / "claims.db"), "--jobs", "1"])
    return base, result


def _rejections(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        if line.startswith("rejected: raw/"):
            name, _, reason = line[len("rejected: raw/"):].partition(": ")
            found[name] = reason
    return found


def test_the_build_goes_on_and_writes_the_good_files(bad_input_build):
    base, result = bad_input_build
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(base / "claims.db")
    stored = {row[0] for row in conn.execute("select path from documents")}
    assert stored == {f"raw/{name}" for name, (_, message) in INPUTS.items() if message is None}
    assert check.check_database(base / "claims.db") == []
    run = conn.execute("select n_rejected, rejected from runs").fetchone()
    assert run[0] == len(json.loads(run[1])) == sum(1 for _, m in INPUTS.values() if m) + 1


@pytest.mark.parametrize("name", sorted(n for n, (_, m) in INPUTS.items() if m))
def test_each_bad_file_gets_one_line_naming_it_and_the_reason(bad_input_build, name):
    _, result = bad_input_build
    rejections = _rejections(result.output)
    assert name in rejections, result.output
    assert INPUTS[name][1] in rejections[name]
    assert sum(1 for line in result.output.splitlines() if f"raw/{name}:" in line) == 1


def test_a_50_mb_text_file_is_rejected_unread(bad_input_build):
    _, result = bad_input_build
    assert _rejections(result.output)[BIG_FILE] == (
        "50.0 MB is over the 10 MB limit for text files; not read (split the file, or raise the limit with --max-file-mb)")


def test_legacy_and_utf16_text_is_stored_decoded(bad_input_build):
    base, _ = bad_input_build
    conn = sqlite3.connect(base / "claims.db")
    rows = dict(conn.execute("select path, encoding from documents"))
    assert rows["raw/latin1 report.txt"] == "windows-1252"
    assert rows["raw/utf16 with bom.txt"] == "utf-16"
    text = conn.execute("select text from documents where path = 'raw/latin1 report.txt'").fetchone()[0]
    assert "São Tomé" in text
    text = conn.execute("select text from documents where path = 'raw/windows 1252.txt'").fetchone()[0]
    assert text.startswith("“") and "–" in text


def test_names_with_spaces_and_non_ascii_are_kept_exactly(bad_input_build):
    base, _ = bad_input_build
    conn = sqlite3.connect(base / "claims.db")
    paths = {row[0] for row in conn.execute("select path from documents")}
    assert "raw/résumé – 東京 report.md" in paths and "raw/good one.txt" in paths


def test_a_size_limit_can_be_raised_or_lowered(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(SENTENCE.format("Japan"), encoding="utf-8")
    (raw / "b.txt").write_text(SENTENCE.format("Korea") * 40, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(tmp_path / "c.db"), "--max-file-mb", "0.001",
                                      "--jobs", "1"])
    assert result.exit_code == 0
    assert "rejected: raw/b.txt: 0.0 MB is over the 0.001 MB limit" in result.output
    assert "raw/a.txt" not in _rejections(result.output)


def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "ok.txt").write_text(SENTENCE.format("Japan"), encoding="utf-8")
    (raw / "two\nlines.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(tmp_path / "c.db"), "--jobs", "1"])
    assert result.exit_code == 0
    assert "rejected: raw/two\\nlines.txt: empty file (0 bytes)" in result.output.splitlines()


# file -> (content, rejected): a full disk while the cache is written must not end the build
FULL_DISK = [
    ("empty.pdf", b"", True),  # its rejection is cached too
    ("good.txt", SENTENCE.format("Norway").encode(), False),
]


@pytest.mark.parametrize("name,content,rejected", FULL_DISK, ids=[f[0] for f in FULL_DISK])
def test_a_full_disk_while_caching_is_a_note_and_the_build_goes_on(tmp_path, monkeypatch, name, content, rejected):
    import errno

    from pipeline.build import cache
    from pipeline.build import run as build

    def disk_full(self, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache.Cache, "write", disk_full)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_bytes(content)
    (raw / "other.txt").write_text(SENTENCE.format("Peru"), encoding="utf-8")
    report = build.build(raw, tmp_path / "claims.db", jobs=1)
    assert [r.startswith(f"raw/{name}: ") for r in report.rejected] == ([True] if rejected else [])
    assert report.documents == (1 if rejected else 2)
    assert any(note.startswith(f"raw/{name}: cache entry not written") and "No space left" in note
               for note in report.notes), report.notes
    assert check.check_database(tmp_path / "claims.db") == []


# --- check ------------------------------------------------------------------------------------

VIOLATIONS = [
    ("claim span moved", "update claims set start = start + 1 where id = (select min(id) from claims)",
     "does not equal documents.text"),
    ("sentence beyond its document", 'update sentences set "end" = 10000000 where id = (select min(id) from sentences)', "outside its document"),
    ("mention of a missing entity", "update mentions set entity_id = '999999' where id = (select min(id) from mentions)",
     "foreign key to entities does not resolve"),
    ("claim in another document's sentence",
     "update claims set sentence_id = (select min(s.id) from sentences s where s.document_id != claims.document_id) "
     "where id = (select min(id) from claims)", "not inside its sentence"),
    ("mention in another document's sentence",
     "update mentions set sentence_id = (select min(s.id) from sentences s where s.document_id != mentions.document_id) "
     "where id = (select min(id) from mentions)", "its sentence is in another document"),
    ("two documents with one sha256", "update documents set sha256 = (select sha256 from documents order by id limit 1) "
     "where id = (select max(id) from documents)",
     "share sha256"),
    ("two documents with one path",
     "update documents set paths = json_array(path, (select path from documents order by id limit 1)) "
     "where id = (select max(id) from documents)",
     "also belongs to document"),
    ("document id not its sha256's start", "update documents set id = 'ffffffffffff' "
     "where id = (select min(id) from documents)", "its id is not the start of its sha256"),
    ("no build recorded", "delete from runs", "runs: no finished build recorded"),
    ("run miscounts documents", "update runs set n_documents = 99", "records 99 documents"),
    ("note citing another document's work",
     "update notes set document_id = (select max(id) from documents) "
     "where id = (select min(note_id) from note_bibliography)", "note and work in different documents"),
]


@pytest.mark.parametrize("name,sql,message", VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_check_lists_each_kind_of_violation_and_exits_1(corpus_db, tmp_path, name, sql, message):
    broken = tmp_path / "broken.db"
    shutil.copy(corpus_db, broken)
    conn = sqlite3.connect(broken)
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["check", "--db", str(broken)])
    assert result.exit_code == 1
    assert message in result.output, result.output


# violation -> the row it breaks: that row gets exactly one line
ONCE = [
    ("claim in another document's sentence", "claims", "select min(id) from claims"),
    ("mention in another document's sentence", "mentions", "select min(id) from mentions"),
    ("claim span moved", "claims", "select min(id) from claims"),
]


@pytest.mark.parametrize("name,table,row_sql", ONCE, ids=[o[0] for o in ONCE])
def test_check_reports_a_broken_row_once(corpus_db, tmp_path, name, table, row_sql):
    broken = tmp_path / "broken.db"
    shutil.copy(corpus_db, broken)
    conn = sqlite3.connect(broken)
    conn.execute(dict((v[0], v[1]) for v in VIOLATIONS)[name])
    row_id = conn.execute(row_sql).fetchone()[0]
    conn.commit()
    conn.close()
    lines = check.check_database(broken)
    assert [line for line in lines if line.startswith(f"{table} {row_id}:")] == lines and len(lines) == 1, lines


def test_check_counts_what_it_does_not_list(corpus_db, tmp_path):
    broken = tmp_path / "broken.db"
    shutil.copy(corpus_db, broken)
    conn = sqlite3.connect(broken)
    conn.execute("update sentences set text = 'x'")
    conn.commit()
    conn.close()
    lines = check.check_database(broken)
    assert len(lines) == check.MAX_LISTED + 1 and lines[-1].startswith("sentences spans: ") and "more" in lines[-1]
