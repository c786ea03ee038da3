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


LISTED = """Quantum agreements

The United States has deepened its quantum ties with its allies since 2019. The U.S. government has signed several joint statements on quantum technology with them, including

- the Tokyo Statement on Quantum Cooperation with Japan;¹
- a joint statement with South Korea on quantum science;²
- the AUKUS Quantum Arrangement with Australia and the United Kingdom.³

The statements are broad and high-level.

Notes

¹ US Department of State, “Tokyo Statement on Quantum Cooperation,” December 19, 2019.
² US Department of State, “Joint Statement of the United States and Korea,” April 26, 2023.
³ White House, “AUKUS Quantum Arrangement,” 2022.
"""


def test_a_sentence_finished_by_a_list_is_backed_by_the_items_notes(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "listed.txt").write_text(LISTED, encoding="utf-8")
    db_path = tmp_path / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(db_path), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(db_path)
    rows = db.execute("""select n.number, cn.via, k.note_id = n.id from claims k
                         join claim_notes cn on cn.claim_id = k.id join notes n on n.id = cn.note_id
                         where k.text like 'The U.S. government has signed%' order by n.number""").fetchall()
    assert rows == [(1, "list item", 1), (2, "list item", 0), (3, "list item", 0)]
    # a sentence that ends complete takes no list's notes
    assert db.execute("select count(*) from claim_notes cn join claims k on k.id = cn.claim_id "
                      "where k.text like 'The statements are broad%'").fetchone()[0] == 0
