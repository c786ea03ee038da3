"""What the claim flags mean: `sourced_by` (how the document supports a claim) and `unsourced`."""
import sqlite3

import pytest

from pipeline.corpus import flags

SOURCED_BY = [
    # note_id, speaker, text, sourced_by
    (7, None, "Japan signed the statement in 2019.", "note"),
    (7, "Michael Kratsios", "“This is a landmark,” Kratsios said.", "note"),  # the note is the stronger support
    (None, "Michael Kratsios", "“This is a landmark,” Kratsios said.", "speaker"),
    (None, None, "The text is at https://www.state.gov/tokyo-statement.", "link"),
    (None, None, "See www.state.gov for the statement.", "link"),
    (None, "", "IBM and Google pledged $150 million.", None),  # an actor is not a source
    (None, None, "The deficit is the largest in history.", None),
    (None, None, "WWW.EXAMPLE.COM in capitals is not read as an address.", None),
]


@pytest.mark.parametrize("note_id,speaker,text,expected", SOURCED_BY, ids=[row[2][:30] for row in SOURCED_BY])
def test_sourced_by(note_id, speaker, text, expected):
    assert flags.sourced_by(note_id, speaker, text) == expected
    assert flags.is_unsourced(note_id, speaker, text) == (expected is None)


def test_built_flags_agree_with_each_other(corpus_db):
    db = sqlite3.connect(corpus_db)
    rows = db.execute("select sourced_by, unsourced, note_id, speaker from claims").fetchall()
    assert rows
    for sourced_by, unsourced, note_id, speaker in rows:
        assert unsourced == (sourced_by is None)
        assert (sourced_by == "note") == (note_id is not None)
        if sourced_by == "speaker":
            assert speaker
    # the canned query's SQL reading of `unsourced` agrees with the column
    by_sql = db.execute(f"select count(*) from claims c where {flags.unsourced_sql('c')}").fetchone()[0]
    assert by_sql == sum(1 for row in rows if row[1])


def test_an_actor_is_not_the_source_of_its_own_pledge(corpus_db):
    db = sqlite3.connect(corpus_db)
    pledge = db.execute("select speaker, sourced_by from claims where text like 'IBM and Google pledged%'").fetchone()
    assert pledge == (None, None)
