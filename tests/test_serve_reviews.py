"""Reviewers' verdicts: the form's checks, and what the "changed since review" query says became of
each reviewed claim after the database changed under it. Real SQLite, the corpus build."""
import shutil
import sqlite3

import pytest

from pipeline.serve.datasette import reviews


@pytest.mark.parametrize("form,expected", [
    ({"verdict": "verified", "reviewer": "Ana"}, {"verdict": "verified", "reviewer": "Ana", "note": None, "evidence_url": None}),
    ({"verdict": "needs source", "reviewer": " Bo ", "note": " see p. 4 ", "evidence_url": "https://x.org/a"},
     {"verdict": "needs source", "reviewer": "Bo", "note": "see p. 4", "evidence_url": "https://x.org/a"}),
    ({"verdict": "disputed"}, {"verdict": "disputed", "reviewer": "os-user", "note": None, "evidence_url": None}),
])
def test_a_verdict_form_is_cleaned(form, expected):
    assert reviews.clean_verdict(form, fallback_reviewer="os-user") == expected


@pytest.mark.parametrize("form,message", [
    ({"verdict": "true", "reviewer": "Ana"}, "choose a verdict"),
    ({"reviewer": "Ana"}, "choose a verdict"),
    ({"verdict": "verified"}, "give your name"),
    ({"verdict": "verified", "reviewer": "Ana", "evidence_url": "javascript:alert(1)"}, "must start with http"),
])
def test_a_verdict_form_that_cannot_be_stored_says_why(form, message):
    with pytest.raises(reviews.InvalidVerdict, match=message):
        reviews.clean_verdict(form)


def _review(claims_db, reviews_db, claim_id):
    conn = sqlite3.connect(claims_db)
    conn.row_factory = sqlite3.Row
    snapshot = dict(conn.execute(reviews.SNAPSHOT_SQL, [claim_id]).fetchone())
    conn.close()
    fields = reviews.clean_verdict({"verdict": "verified", "reviewer": "t", "note": claim_id})
    conn = sqlite3.connect(reviews_db)
    conn.execute(reviews.INSERT_SQL, reviews.verdict_params(claim_id, fields, snapshot, "claims"))
    conn.commit()
    conn.close()


# change -> (SQL making it on a copy of the database, given the reviewed claim as :claim, what the query says)
CHANGES = {
    "unchanged": ("select 1", None),
    "claim no longer extracted": ("delete from claims where id = :claim",
                                  "no longer extracted (document unchanged; the pipeline changed)"),
    "text changed": ("update claims set text = text || ' (corrected)' where id = :claim", "claim text changed"),
    "document removed": ("delete from documents where id = (select document_id from claims where id = :claim); "
                         "delete from claims where id = :claim", "document removed"),
    "document changed, the same text still a claim": (
        "update documents set sha256 = 'ff' || sha256 where id = (select document_id from claims where id = :claim); "
        "update claims set id = 'ffffffffffff' where id = :claim",
        "document changed; the same text is still a claim in it"),
    "document changed, the claim gone": (
        "update documents set sha256 = 'ff' || sha256 where id = (select document_id from claims where id = :claim); "
        "delete from claims where id = :claim", "document changed; the claim is no longer in it"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changed_since_review_says_what_became_of_a_reviewed_claim(corpus_db, tmp_path, change):
    db, reviews_db = tmp_path / "claims.db", tmp_path / "reviews.db"
    shutil.copy(corpus_db, db)
    reviews.ensure_reviews_db(reviews_db)
    conn = sqlite3.connect(db)
    claim_id, = conn.execute("select id from claims order by position limit 1 offset 4").fetchone()
    conn.close()
    _review(db, reviews_db, claim_id)
    sql, expected = CHANGES[change]
    conn = sqlite3.connect(db)
    for statement in sql.split("; "):
        conn.execute(statement, {"claim": claim_id} if ":claim" in statement else {})
    conn.commit()
    conn.execute("attach database ? as reviews", [str(reviews_db)])
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(reviews.changed_since_review_sql())]
    conn.close()
    assert [r["what_changed"] for r in rows] == ([expected] if expected else [])
    if expected == "document changed; the same text is still a claim in it":
        assert rows[0]["claim_id"] == "ffffffffffff" and rows[0]["text_now"] == rows[0]["reviewed_text"]
    if rows:
        assert rows[0]["reviewed_claim_id"] == claim_id
