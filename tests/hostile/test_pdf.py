"""Hostile PDFs (issue 13, cases 7 and 8): a 3,000-page PDF, one maximum-size page of 40,000 lines, and
the limits on pages, characters a page and file size, each rejection naming the option to raise.

PDFs are generated with fpdf2 in the test; builds run the command line into tmp_path.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest.pdf import reader
from pipeline.ingest.pdf.reader import Word

from ..conftest import ROOT
from ..pdf_fixtures import make_page_of_lines

PAGE_TEXT = ("Page {}. The ministry signed an agreement with Japan on May 4, 2023, worth $12 million. "
             "It will fund research into quantum computing over the next five years, the minister said.")


def _many_pages(path, n_pages: int, paragraphs: int = 1) -> None:
    """n_pages pages of `paragraphs` paragraphs of PAGE_TEXT each."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for i in range(n_pages):
        pdf.add_page()
        for _ in range(paragraphs):
            pdf.multi_cell(0, 6, PAGE_TEXT.format(i + 1))
            pdf.ln(6)
    pdf.output(str(path))



def _rejections(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("rejected:")]


# Peak memory of the whole build, measured by a process of its own whose only children are the
# build and its workers: RUSAGE_CHILDREN's ru_maxrss is the largest of them (KB on Linux).
PEAK_SCRIPT = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, repr(done.stderr))
"""


@pytest.mark.timeout(500)
def test_a_3000_page_pdf_builds_in_under_1_gb(tmp_path):
    """Every page's characters were held at once (2.3 GB for the issue's 1.8 MB file, 3.3 GB here
    for this one): now each page is let go once its words are read. ~45 s here; the time budget is
    raised because this machine's two cores are shared (the default 120 s is for one document of
    an ordinary corpus, and this one is not)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    _many_pages(raw / "long.pdf", 3000, paragraphs=2)  # 1.9 MB, as the 1.8 MB
    db = tmp_path / "claims.db"
    build = [sys.executable, "-m", "pipeline", "build", str(raw), "--db", str(db), "--quiet", "--jobs", "1",
             "--doc-timeout", "900"]
    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, *build], cwd=ROOT, capture_output=True, text=True)
    code, peak_kb, stderr = done.stdout.split(" ", 2)
    assert code == "0", stderr
    assert int(peak_kb) < 1_000_000, f"peak {int(peak_kb) / 1024:.0f} MB"
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("select n_pages from documents").fetchone() == (3000,)
    assert conn.execute("select count(*) from paragraphs where page = 3000 and text like 'Page 3000.%'").fetchone() == (2,)
    conn.close()


@pytest.mark.timeout(120)
def test_a_page_of_40000_lines_is_rejected_over_the_character_limit(tmp_path):
    """The issue's page (a 230 KB file): pdfplumber makes a ~2 KB dictionary of each of its 909,000
    characters (2 GB) before a word is seen, and the old build took 221 s. Its characters are
    counted from pdfminer's layout first (~11 s, 680 MB), and the page rejected naming the limit."""
    raw = tmp_path / "raw"
    raw.mkdir()
    make_page_of_lines(raw / "poster.pdf", 40_000)
    (raw / "note.txt").write_text("The ministry signed an agreement with Chile on May 4, 2023.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(tmp_path / "claims.db"), "--quiet",
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (line,) = _rejections(result.output)
    assert line.startswith("rejected: raw/poster.pdf: page 1 holds ") and line.endswith(
        " characters, over the limit of 200,000 a page; not read (raise the limit with --max-page-chars)"), line
    assert int(line.split(" holds ")[1].split()[0].replace(",", "")) > 900_000


def _numbered_lines(n_columns: int = 40, n_rows: int = 1000, pitch: float = 14, two_line_paragraphs: bool = False):
    """The words of one maximum-size page as pdfplumber gives them: n_columns columns of n_rows
    lines `Line <n> of the page.`, numbered from 0 in each column (each number a candidate
    superscript); with `two_line_paragraphs`, lines in pairs with a wider space between pairs."""
    words, width = [], 14400 / n_columns
    for column in range(n_columns):
        for row in range(n_rows):
            top = 30 + (row // 2 * 2.6 + row % 2) * pitch if two_line_paragraphs else 30 + row * pitch
            x = 20 + column * width
            for text in ("Line", str(row), "of", "the", "page."):
                w = 5.0 * len(text)
                words.append(Word(text, x, x + w, top, top + 10, 10.0))
                x += w + 2.5
    return [(words, [], (14400.0, 0))]


@pytest.mark.timeout(40)
@pytest.mark.parametrize("two_line_paragraphs", [False, True], ids=["40,000 numbered lines", "20,000 paragraphs"])
def test_the_layout_of_a_huge_page_is_linear(two_line_paragraphs):
    """Under a raised --max-page-chars, a page of 40 columns of 1,000 lines is laid out in seconds
    (the old code placed each of its 40,000 numbers by measuring every row, read every word once
    per gutter, and tested every line below every paragraph: minutes). pdfplumber left out: its
    share is linear, and is the previous test's."""
    (layout,) = reader.lay_out_pages(_numbered_lines(two_line_paragraphs=two_line_paragraphs))
    texts = [text for _, text, _ in layout.blocks]
    assert len(texts) == (20_000 if two_line_paragraphs else 40)
    assert texts[0].startswith("Line 0 of the page.") and texts[-1].endswith("Line 999 of the page.")
    # read column by column: column 2's lines after column 1's
    joined = "\n".join(texts)
    assert joined.count("Line 999 of the page.") == 40


# option -> (file name, make the file, the rejection, after "rejected: raw/<name>: ")
LIMITS = {
    "--max-pages": (["--max-pages", "2"], lambda path: _many_pages(path, 3),
                    "PDF has 3 pages, over the limit of 2; not read (split the file, or raise the limit with --max-pages)"),
    "--max-page-chars": (["--max-page-chars", "100"], lambda path: _many_pages(path, 1),
                         "page 1 holds 175 characters, over the limit of 100 a page; not read "
                         "(raise the limit with --max-page-chars)"),
    "--max-file-mb": (["--max-file-mb", "0.001"], lambda path: _many_pages(path, 30),  # a 16 KB PDF
                      "0.0 MB is over the 0.01 MB limit for PDF files (10 times --max-file-mb); not read "
                      "(split the file, or raise the limit with --max-file-mb)"),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("option", sorted(LIMITS))
def test_each_pdf_limit_rejects_naming_its_option_and_raising_it_takes_effect(tmp_path, option):
    args, make, message = LIMITS[option]
    raw = tmp_path / "raw"
    raw.mkdir()
    make(raw / "doc.pdf")
    db = tmp_path / "claims.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(raw), "--db", str(db), "--quiet", "--jobs", "1", *args],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (line,) = _rejections(result.output)
    assert line.startswith("rejected: raw/doc.pdf: ") and line.endswith(message), line
    # A rejection for a limit is not cached: the same file under the default limits is read.
    again = runner.invoke(cli, ["build", str(raw), "--db", str(db), "--quiet", "--jobs", "1"], catch_exceptions=False)
    assert again.exit_code == 0 and _rejections(again.output) == [], again.output
    import sqlite3

    conn = sqlite3.connect(db)
    assert json.loads(conn.execute("select rejected from runs order by id desc").fetchone()[0]) == []
    assert conn.execute("select path from documents").fetchall() == [("raw/doc.pdf",)]
    conn.close()
