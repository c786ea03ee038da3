"""The database contract of SPEC.md: every table and column users query is present."""
import sqlite3

import pytest

CONTRACT = {
    "documents": "id path sha256 format title author publisher published source_url n_pages text",
    "paragraphs": "id document_id seq kind page start end text",
    "sentences": "id document_id paragraph_id page start end text",
    "entities": "id name label",
    "mentions": "id document_id sentence_id entity_id start end text label",
    "dates": "id document_id sentence_id start end text value granularity is_relative",
    "durations": "id document_id sentence_id start end text value approximate",
    "money": "id document_id sentence_id start end text amount currency qualifier period duration_id",
    "claims": "id document_id sentence_id start end text kind modality speaker note_id fact_id",
    "notes": "id document_id number start end text",
    "bibliography": "id document_id start end text url",
    "note_bibliography": "note_id bibliography_id",
    "facts": "id summary n_documents",
    "runs": "id started finished pipeline_version spacy_model n_documents",
}


@pytest.mark.parametrize("table,columns", sorted(CONTRACT.items()))
def test_contract_table_has_its_columns(corpus_db, table, columns):
    conn = sqlite3.connect(corpus_db)
    present = {row[1] for row in conn.execute(f"pragma table_info({table})")}
    assert set(columns.split()) <= present, f"{table} lacks {set(columns.split()) - present}"


def test_document_paths_are_relative_to_the_project(corpus_db):
    conn = sqlite3.connect(corpus_db)
    paths = [row[0] for row in conn.execute("select path from documents")]
    assert paths and all(p.startswith("raw/") for p in paths)


def test_money_amount_is_real_and_currency_iso(corpus_db):
    conn = sqlite3.connect(corpus_db)
    rows = conn.execute("select amount, currency from money").fetchall()
    # amount is NULL only for a sum the text does not quantify (`billions of dollars`)
    assert rows and all((a is None or isinstance(a, float)) and len(c) == 3 and c.isupper() for a, c in rows)
