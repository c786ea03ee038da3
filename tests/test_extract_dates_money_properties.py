"""Property tests: the date and money normalisers never raise, whatever the text, and every span they
give stays inside its text, its sentence and its paragraph; plus end-to-end checks on real documents
(the real spaCy model and the corpus database)."""
import hashlib
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build import run as build
from pipeline.extract.date_spans import iter_rule_dates
from pipeline.extract.dates import parse_date
from pipeline.extract.money import iter_money, parse_number
from pipeline.types import Page, RawDocument

# Pieces that look like dates and money, to mix with arbitrary text so the interesting paths run.
PIECES = ["$", "\\$", "US$", "€", "£", "¥", "₩", "USD ", " KRW", " yen", " won", " dollars", " euros", "1.2",
          "1,234", "500", "2019", "2014–2017", " million", " billion", "bn", "m", "k", " each", " per year",
          "up to ", "about ", " over five years", " over a five-year period", "between ", " and ", " to ", "-",
          "–", ", ", ". ", "December ", "Thursday", "In November", "this week", "last year", "late ", "mid-",
          "the 2010s", "by around ", "the next decade", "Q3 ", "FY", "fiscal year ", "(", ")", "’s", "twenty "]
TEXTS = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
                  st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=14).map("".join))
ANCHORS = st.one_of(st.none(), st.sampled_from(["2019", "2019-12", "2019-12-20", "2024-02-29", "2100-12-31",
                                                "nonsense", ""]))


@settings(max_examples=300, deadline=None)
@given(TEXTS, ANCHORS, st.sampled_from(["past", "future"]))
def test_parse_date_never_raises(text, anchor, prefer):
    found = parse_date(text, anchor, prefer)
    if found is not None and found.value is not None:
        assert found.granularity is not None
        if found.value_end is not None:
            assert found.value <= found.value_end


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_money_spans_stay_inside_their_text(text):
    for m in iter_money(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.amount is None or m.amount >= 0
        assert m.currency is not None and len(m.currency) == 3


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_rule_dates_stay_inside_their_text(text):
    for start, end, found in iter_rule_dates(text):
        assert 0 <= start < end <= len(text) and text[start:end] == found
        parse_date(found)


@given(st.text(max_size=30))
def test_parse_number_never_raises(text):
    parse_number(text)


SENTENCES = st.lists(st.sampled_from([
    "The ministry pledged up to $1.2 billion over a five-year period.",
    "Japan and Korea signed the statement Thursday, officials said.",
    "In November, Japan unveiled a vision for the next decade and a computer by around 2039.",
    "The three projects cost \\$3 billion, €100 billion, and \\$5 billion, respectively.",
    "Funding rose from 2014–2017 to about USD 4.5 million in 2022.",
    "About 20 million qubits and 40,000 students are not money.",
    "This week, between 3 and 5 billion yen was committed for the mid-2010s plan.",
    "Dr. Kim said the U.S. will spend $500 million each per year.",
]), min_size=1, max_size=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SENTENCES, st.booleans())
def test_extracted_spans_stay_inside_their_sentence(nlp, sentences, dated):
    """Through the real pipeline (clean, spaCy, extract): each date and money row lies in its sentence."""
    text = ("Published: December 20, 2019\n\n" if dated else "") + " ".join(sentences) + "\n"
    raw = RawDocument("raw/t.txt", hashlib.sha256(text.encode()).hexdigest(), "txt", [Page(1, text)])
    result = build.process_document(raw, nlp)
    for row in result.dates + result.money:
        assert result.text[row.start:row.end] == row.text
        sent = result.sentences[row.sentence]
        assert sent.start <= row.start and row.end <= sent.end
        para = result.paragraphs[sent.paragraph]
        assert para.start <= row.start and row.end <= para.end
    for row in result.dates:
        if row.is_relative and row.value:
            assert dated and row.value.startswith("2019"), row


def test_relative_dates_resolve_against_the_document_date_only(nlp):
    text = ("Published: December 20, 2019\n\nJapan and the United States signed the statement Thursday. "
            "In November, Japan unveiled its plan.\n")
    raw = RawDocument("raw/t.txt", "x", "txt", [Page(1, text)])
    result = build.process_document(raw, nlp)
    assert result.metadata.published == "2019-12-20"
    values = {d.text: (d.value, d.is_relative) for d in result.dates if d.context == "body"}
    assert values["Thursday"] == ("2019-12-19", True)
    assert values["November"] == ("2019-11", True)
    undated = build.process_document(RawDocument("raw/u.txt", "y", "txt", [Page(1, text.split("\n\n", 1)[1])]), nlp)
    assert {d.text: d.value for d in undated.dates} == {"Thursday": None, "November": None}


def test_corpus_dates_are_marked_by_context(corpus_db):
    """Dates in notes and bibliography are kept, marked, without a sentence; body dates lie in theirs."""
    conn = sqlite3.connect(corpus_db)
    rows = conn.execute("""select d.context, d.sentence_id, p.kind from dates d join paragraphs p
                           on p.document_id = d.document_id and p.start <= d.start and d."end" <= p."end" """).fetchall()
    contexts = {context for context, _, _ in rows}
    assert {"body", "note", "bibliography"} <= contexts
    for context, sentence_id, kind in rows:
        if context == "body":
            assert sentence_id is not None
        else:
            assert sentence_id is None and kind == context
    outside = conn.execute("""select count(*) from dates d join sentences s on s.id = d.sentence_id
                              where d.start < s.start or d."end" > s."end" """).fetchone()[0]
    outside += conn.execute("""select count(*) from money m join sentences s on s.id = m.sentence_id
                               where m.start < s.start or m."end" > s."end" """).fetchone()[0]
    assert outside == 0


def test_corpus_percentages_hold_their_spans(corpus_db):
    conn = sqlite3.connect(corpus_db)
    texts = dict(conn.execute("select id, text from documents"))
    rows = conn.execute('select document_id, start, "end", text, value, unit from percentages').fetchall()
    assert rows
    for doc_id, start, end, text, value, unit in rows:
        assert texts[doc_id][start:end] == text and value is not None and unit in ("percent", "percentage points")


@pytest.mark.parametrize("sql,expected", [
    ("select count(*) from money where text like '%qubit%' or text like '%student%' or text like '%percent%'", 0),
    ("select count(*) from dates where text like '%next decade%' or text like '%five years%'", 0),
    ("select count(*) from dates where is_relative = 1 and value is not null and document_id in "
     "(select id from documents where published is null)", 0),
])
def test_corpus_has_no_known_wrong_rows(corpus_db, sql, expected):
    assert sqlite3.connect(corpus_db).execute(sql).fetchone()[0] == expected
