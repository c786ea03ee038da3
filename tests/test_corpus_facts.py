"""Facts across documents: the same event reported twice is one fact; flags a user can facet on."""
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.cli import cli


def build(tmp_path, docs: dict[str, str]):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in docs.items():
        (raw / name).write_text(text, encoding="utf-8")
    db = tmp_path / "claims.db"
    result = CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def claim(conn, doc, anchor):
    return conn.execute("select c.* from claims c join documents d on d.id = c.document_id "
                        "where d.path like ? and c.text like ?", (f"%{doc}", f"%{anchor}%")).fetchone()


def test_two_documents_reporting_the_same_signing_share_a_fact(tmp_path):
    conn = build(tmp_path, {
        "a.txt": "The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.",
        "b.txt": "Officials from Japan and the U.S. signed the Tokyo Statement on Quantum Cooperation on Thursday.",
        "c.txt": "The United States and Japan signed a memorandum on semiconductor supply chains in May 2023.",
    })
    a, b, c = claim(conn, "a.txt", "signed"), claim(conn, "b.txt", "signed"), claim(conn, "c.txt", "signed")
    assert a["fact_id"] is not None and a["fact_id"] == b["fact_id"] != c["fact_id"]
    fact = conn.execute("select n_documents, n_claims from facts where id = ?", (a["fact_id"],)).fetchone()
    assert tuple(fact) == (2, 2)
    assert (a["single_source"], b["single_source"], c["single_source"]) == (0, 0, 1)
    assert (a["conflict"], b["conflict"]) == (0, 0)


@pytest.mark.parametrize("second,conflict", [
    ("IBM and Google pledged $100 million in support to the universities.", 1),
    ("Google and IBM pledged $150 million in support of the two universities.", 0),
])
def test_different_amounts_for_the_same_fact_conflict(tmp_path, second, conflict):
    conn = build(tmp_path, {"a.txt": "IBM and Google pledged $150 million in support to the universities.",
                            "b.txt": second})
    a, b = claim(conn, "a.txt", "pledged"), claim(conn, "b.txt", "pledged")
    assert a["fact_id"] == b["fact_id"]
    assert (a["conflict"], b["conflict"]) == (conflict, conflict)


def test_same_named_agreement_with_different_dates_conflicts(tmp_path):
    conn = build(tmp_path, {
        "a.txt": "The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.",
        "b.txt": "The United States and Japan signed the Tokyo Statement on Quantum Cooperation in March 2021.",
    })
    a, b = claim(conn, "a.txt", "signed"), claim(conn, "b.txt", "signed")
    assert a["fact_id"] == b["fact_id"] and a["conflict"] == b["conflict"] == 1


@pytest.mark.parametrize("text,unsourced", [
    ("The United States and Japan signed the Tokyo Statement in December 2019.", 1),
    ("The United States and Japan signed the Tokyo Statement in December 2019.¹\n\nNotes\n\n¹ U.S. Department of State, “Tokyo Statement.”", 0),
    ("Officials said the United States and Japan signed the Tokyo Statement in December 2019.", 0),
    ("The United States and Japan signed the Tokyo Statement in December 2019 (https://www.state.gov/tokyo).", 0),
])
def test_unsourced_flag(tmp_path, text, unsourced):
    conn = build(tmp_path, {"a.txt": text})
    assert claim(conn, "a.txt", "signed")["unsourced"] == unsourced


@pytest.mark.parametrize("actors,expected", [
    # the actors two claims agree on; a place one claim names on the way is not one of them
    ([["Japan", "United States"], ["Japan", "Tokyo", "U.S. Embassy", "United States"]], ["Japan", "United States"]),
    ([["Japan", "United States"], ["Japan", "Tokyo"], ["Kelvin Droegemeier", "United States"]], ["Japan", "United States"]),
    # claims agreeing on no actor, or a claim alone: the first claim's
    ([["South Korea", "United States"], ["Ministry of Science and ICT", "OSTP"]], ["South Korea", "United States"]),
    ([["IBM", "Google"]], ["Google", "IBM"]),
    ([[], ["Japan"]], []),
])
def test_the_summary_names_the_actors_the_claims_agree_on(actors, expected):
    from pipeline.corpus import facts

    group = [facts.ClaimRef(row={}, document=str(i), kind="agreement", actors=a) for i, a in enumerate(actors)]
    assert facts.summary_actors(group) == expected
