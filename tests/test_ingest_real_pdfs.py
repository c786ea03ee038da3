"""Ingestion of two real US government PDFs (tests/real_pdfs.py; `make test` fetches them).

The IRS booklet is the multi-column case: three ragged-right columns, a title over two of them,
rows where a long phone number nearly closes the gutter. A sentence read whole proves its lines
came from one column in order (a reader that interleaves columns cuts every one of them).
The DMCA summary is the one-column report with small capitals, symbol-font bullets, running
heads and superscript footnote markers, built end to end into a database.

Opt out (developers only; CI runs these): CLAIMS_SKIP_REAL_PDFS=1.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.clean import document as clean
from pipeline.cli import cli
from pipeline.ingest import parse_file

from .real_pdfs import real_pdf_paths

if os.environ.get("CLAIMS_SKIP_REAL_PDFS") == "1":
    pytest.skip("real-PDF tests skipped: CLAIMS_SKIP_REAL_PDFS=1 was set", allow_module_level=True)


@pytest.fixture(scope="module")
def paths():
    found = real_pdf_paths()
    missing = [name for name, path in found.items() if not path.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: `make test` fetches them, or run `python -m tests.real_pdfs`")
    return found


def _read(path):
    doc = clean.clean_document(parse_file(path, path.parent))
    return doc, " ".join(doc.text.split())


@pytest.fixture(scope="module")
def irs(paths):
    return _read(paths["i1040nr.pdf"])


@pytest.fixture(scope="module")
def dmca(paths):
    return _read(paths["dmca.pdf"])


def _paragraph_with(doc, text):
    return next(p for p in doc.paragraphs if text in " ".join(p.text.split()))


@pytest.mark.parametrize("page,sentence", [
    (1, "Section references are to the Internal Revenue Code unless otherwise noted."),  # under the title
    (1, "The deduction rate for 2007 is increased to 6%."),                                # second column
    (1, "Taxpayers with adjusted gross income above a certain amount may lose part of their deduction "
        "for personal exemptions and itemized deductions."),                              # third column
    (2, "You may be able to use Form 1040NR-EZ if your only income from U.S. sources is wages, salaries, "
        "tips, taxable refunds of state and local income taxes, and scholarship or fellowship grants."),
    (4, "If you file for a nonresident alien estate or trust that has an office in the United States, "
        "file the return by the 15th day of the 4th month after the tax year ends."),
    (6, "The expatriation tax provisions provide an alternative tax regime for certain nonresident aliens "
        "who lost U.S. citizenship or terminated U.S. long-term resident status."),   # ragged `U.S.` line end
    (10, "If you performed services as an employee both inside and outside the United States, you must "
         "allocate your compensation between U.S. and non-U.S. sources."),
    (25, "Also, subtract from line 58 any tax on an excess parachute payment, any excise tax on insider "
         "stock compensation of an expatriated corporation, and any uncollected social security and "
         "Medicare or RRTA tax on tips or group-term life insurance."),  # beside a phone number at the gutter
    (25, "When figuring the amount on line 58, include the amount on line 57 only if line 59 is more than "
         "zero or you would owe the penalty even if you did not include those taxes."),  # column 2 into 3
])
def test_three_column_booklet_reads_in_column_order(irs, page, sentence):
    doc, text = irs
    assert sentence in text
    assert _paragraph_with(doc, sentence).page == page


def test_booklet_recto_and_verso_footers_are_running_lines(irs):
    doc, _ = irs
    footers = {p.page for p in doc.paragraphs if p.kind == "footer" and "Instructions for Form 1040NR" in p.text}
    assert len(footers) >= 45  # every page but a few whose foot is a table or a form
    prose = [p for p in doc.paragraphs if p.kind in ("body", "list")]
    assert not [p.text for p in prose if re.search(r"Instructions for Form 1040NR\s*-\s*\d+\s*-", p.text)]


def test_booklet_run_in_headings_stay_with_their_paragraph(irs):
    doc, _ = irs
    para = _paragraph_with(doc, "Tax benefits extended.")
    assert " ".join(para.text.split()).startswith("Tax benefits extended. The following tax benefits were extended")


def test_summary_small_capitals_bullets_and_running_lines(dmca):
    doc, text = dmca
    assert _paragraph_with(doc, "THE DIGITAL MILLENNIUM COPYRIGHT ACT OF 1998").kind == "heading"
    titles = [p for p in doc.paragraphs if re.match(r"Title (I|II|III|IV|V)\b", p.text) and p.page == 1]
    assert [p.kind for p in titles] == ["list"] * 5  # WordPerfect's bullet glyph reads `!`
    assert "!" not in " ".join(p.text for p in titles)
    pages = max(p.page for p in doc.paragraphs)
    assert {p.page for p in doc.paragraphs if p.kind == "footer"} == set(range(1, pages + 1))
    assert {p.page for p in doc.paragraphs if p.kind == "header"} >= set(range(2, pages + 1))
    assert "Copyright Office Summary December 1998 Page" not in " ".join(
        p.text for p in doc.paragraphs if p.kind not in ("header", "footer"))


def test_summary_built_end_to_end_links_claim_to_its_footnote(paths, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(paths["dmca.pdf"], raw / "dmca.pdf")
    db = tmp_path / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # the build's own check passed too
    con = sqlite3.connect(db)
    (claim_text, page, note_number, note_text), = con.execute("""
        select c.text, s.page, n.number, n.text from claims c join sentences s on s.id = c.sentence_id
        join notes n on n.id = c.note_id where c.text like 'The Digital Millennium Copyright Act (DMCA)%'""")
    assert claim_text.endswith("was signed into law by President Clinton on October 28, 1998.")
    assert (page, note_number) == (1, 1)
    assert note_text.startswith("Pub. L. No. 105-304")
    assert ("1998-10-28", "day") in con.execute("select value, granularity from dates").fetchall()
