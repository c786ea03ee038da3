"""Cited works as links between documents: URL normalisation, and a citations row from a real build
of two documents, one citing the other in a footnote."""
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.corpus.citations import normalise_url

SAME_PAGE = [
    ("https://www.state.gov/tokyo-statement/", "http://state.gov/tokyo-statement"),
    ("HTTPS://WWW.State.gov/tokyo-statement", "https://state.gov/tokyo-statement/#section-2"),
    ("https://state.gov/tokyo-statement?utm_source=twitter&utm_medium=social", "https://state.gov/tokyo-statement"),
    ("https://example.org/view.do?seq=3&lang=en", "https://example.org/view.do?lang=en&seq=3&fbclid=abc"),
    ("www.rand.org/t/PEA1874-1", "https://www.rand.org/t/PEA1874-1"),
]
OTHER_PAGE = [
    ("https://state.gov/tokyo-statement", "https://state.gov/tokyo-statement-2"),
    ("https://example.org/view.do?seq=3", "https://example.org/view.do?seq=4"),
    ("https://rand.org/t/PEA1874-1", "https://rand.org/t/pea1874-1"),  # a path's case counts
    ("https://state.gov/a", "https://state.gov.evil.example/a"),
]


@pytest.mark.parametrize("a,b", SAME_PAGE)
def test_forms_of_one_page_are_one(a, b):
    assert normalise_url(a) == normalise_url(b)


@pytest.mark.parametrize("a,b", OTHER_PAGE)
def test_other_pages_stay_apart(a, b):
    assert normalise_url(a) != normalise_url(b)


@pytest.mark.parametrize("text", ["", "mailto:press@state.gov", "ftp://files.example.org/x", "not a url"])
def test_not_a_web_address(text):
    assert normalise_url(text) is None


CITED = """Source: https://www.example.gov/tokyo-statement/

Tokyo Statement on Quantum Cooperation

The United States and Japan signed the Tokyo Statement on Quantum Cooperation on December 19, 2019.
"""
CITING = """Quantum cooperation in the Indo-Pacific

The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.¹ The two countries have expanded their research partnership every year since then.

Notes

¹ US Department of State, “Tokyo Statement on Quantum Cooperation,” December 19, 2019, <https://example.gov/tokyo-statement?utm_source=newsletter>.
"""


def test_a_footnote_citing_another_document_links_them(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "cited.txt").write_text(CITED, encoding="utf-8")
    (raw / "citing.txt").write_text(CITING, encoding="utf-8")
    db_path = tmp_path / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(db_path), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(db_path)
    rows = db.execute("""select citing.path, n.number, cited.path from citations c
                         join documents citing on citing.id = c.document_id
                         join documents cited on cited.id = c.cited_document_id
                         left join notes n on n.id = c.note_id""").fetchall()
    assert rows == [("raw/citing.txt", 1, "raw/cited.txt")]
    # the claim the note marks reaches the cited document through its note
    reached = db.execute("""select count(*) from claims k join citations c on c.note_id = k.note_id
                            where k.text like '%signed the Tokyo Statement%'""").fetchone()[0]
    assert reached == 1
