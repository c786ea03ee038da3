"""Every stored span is exactly the text it claims to be: documents.text[start:end] == text."""
import sqlite3

import pytest

SPAN_TABLES = ["paragraphs", "sentences", "mentions", "dates", "money", "claims", "notes", "bibliography"]


@pytest.mark.parametrize("table", SPAN_TABLES)
def test_spans_hold(corpus_db, table):
    conn = sqlite3.connect(corpus_db)
    texts = dict(conn.execute("select id, text from documents"))
    rows = conn.execute(f'select document_id, start, "end", text from {table}').fetchall()
    if table not in ("notes", "bibliography"):
        assert rows, f"{table} is empty"
    for doc_id, start, end, text in rows:
        assert texts[doc_id][start:end] == text


def test_claims_lie_inside_their_sentences(corpus_db):
    conn = sqlite3.connect(corpus_db)
    rows = conn.execute('select c.start, c."end", s.start, s."end" from claims c join sentences s on s.id = c.sentence_id')
    for c_start, c_end, s_start, s_end in rows:
        assert s_start <= c_start and c_end <= s_end


def test_sentences_lie_inside_their_paragraphs(corpus_db):
    conn = sqlite3.connect(corpus_db)
    rows = conn.execute('select s.start, s."end", p.start, p."end" from sentences s join paragraphs p on p.id = s.paragraph_id')
    for s_start, s_end, p_start, p_end in rows:
        assert p_start <= s_start and s_end <= p_end
