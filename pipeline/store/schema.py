"""The database's tables (the contract of SPEC.md, and the columns added since), their keys,
indexes and full-text search."""
from __future__ import annotations

import sqlite_utils

from .cross import CROSS_INDEXES, CROSS_PRIMARY_KEYS, CROSS_SCHEMA
from .pages import PAGE_INDEXES, PAGE_SCHEMA

# table -> (columns with types, foreign keys). Ids are text: stable ids derived from content (ids.py);
# runs alone are numbered, in build order. The first columns of each table are the contract
# users query; later ones are extensions. A column whose name equals a field of the row's dataclass
# (types.py) is filled from it without further code.
SCHEMA = {
    "documents": ({"id": str, "path": str, "sha256": str, "format": str, "title": str, "author": str,
                   "publisher": str, "published": str, "source_url": str, "n_pages": int, "text": str,
                   "paths": str, "n_claims": int, "encoding": str, "published_from": str,
                   "language": str}, []),
    "paragraphs": ({"id": str, "document_id": str, "seq": int, "kind": str, "page": int, "start": int,
                    "end": int, "text": str}, [("document_id", "documents", "id")]),
    "sentences": ({"id": str, "document_id": str, "paragraph_id": str, "page": int, "start": int, "end": int,
                   "text": str, "score": float},
                  [("document_id", "documents", "id"), ("paragraph_id", "paragraphs", "id")]),
    "entities": ({"id": str, "name": str, "label": str, "n_mentions": int, "n_documents": int, "aliases": str,
                  "long_form": str}, []),
    "mentions": ({"id": str, "document_id": str, "sentence_id": str, "entity_id": str, "start": int,
                  "end": int, "text": str, "label": str, "name": str},
                 [("document_id", "documents", "id"), ("sentence_id", "sentences", "id"),
                  ("entity_id", "entities", "id")]),
    "dates": ({"id": str, "document_id": str, "sentence_id": str, "start": int, "end": int, "text": str,
               "value": str, "granularity": str, "is_relative": int, "value_end": str, "fuzzy": str,
               "context": str},
              [("document_id", "documents", "id"), ("sentence_id", "sentences", "id")]),
    "durations": ({"id": str, "document_id": str, "sentence_id": str, "start": int, "end": int, "text": str,
                   "value": str, "approximate": int},
                  [("document_id", "documents", "id"), ("sentence_id", "sentences", "id")]),
    "money": ({"id": str, "document_id": str, "sentence_id": str, "start": int, "end": int, "text": str,
               "amount": float, "currency": str, "qualifier": str, "period": str, "duration_id": str},
              [("document_id", "documents", "id"), ("sentence_id", "sentences", "id"),
               ("duration_id", "durations", "id")]),
    "percentages": ({"id": str, "document_id": str, "sentence_id": str, "start": int, "end": int, "text": str,
                     "value": float, "unit": str, "value_end": float, "qualifier": str},
                    [("document_id", "documents", "id"), ("sentence_id", "sentences", "id")]),
    "facts": ({"id": str, "summary": str, "n_documents": int, "kind": str, "n_claims": int, "conflict": int,
               "conflict_values": str}, []),
    "notes": ({"id": str, "document_id": str, "number": int, "start": int, "end": int, "text": str},
              [("document_id", "documents", "id")]),
    "claims": ({"id": str, "document_id": str, "sentence_id": str, "start": int, "end": int, "text": str,
                "kind": str, "modality": str, "speaker": str, "note_id": str, "fact_id": str,
                "subject": str, "predicate": str, "object": str,
                "unsourced": int, "single_source": int, "conflict": int, "score": float, "sourced_by": str,
                "position": int, "reading_order": str},
               [("document_id", "documents", "id"), ("sentence_id", "sentences", "id"),
                ("note_id", "notes", "id"), ("fact_id", "facts", "id")]),
    "bibliography": ({"id": str, "document_id": str, "start": int, "end": int, "text": str, "url": str},
                     [("document_id", "documents", "id")]),
    "claim_notes": ({"claim_id": str, "note_id": str, "via": str},
                    [("claim_id", "claims", "id"), ("note_id", "notes", "id")]),
    "citations": ({"id": str, "document_id": str, "note_id": str, "bibliography_id": str, "url": str,
                   "cited_document_id": str},
                  [("document_id", "documents", "id"), ("note_id", "notes", "id"),
                   ("bibliography_id", "bibliography", "id"), ("cited_document_id", "documents", "id")]),
    "note_bibliography": ({"note_id": str, "bibliography_id": str},
                          [("note_id", "notes", "id"), ("bibliography_id", "bibliography", "id")]),
    "markers": ({"id": str, "document_id": str, "paragraph_id": str, "start": int, "number": int,
                 "note_id": str, "raw": str, "role": str},
                [("document_id", "documents", "id"), ("paragraph_id", "paragraphs", "id"),
                 ("note_id", "notes", "id")]),
    "runs": ({"id": int, "started": str, "finished": str, "pipeline_version": str, "spacy_model": str,
              "n_documents": int, "n_rejected": int, "rejected": str, "n_files": int, "n_cached": int,
              "n_processed": int, "jobs": int, "seconds": float, "fingerprints": str,
              "claim_model": str, "claim_threshold": float}, []),
}
PRIMARY_KEYS = {"note_bibliography": ("note_id", "bibliography_id"), "claim_notes": ("claim_id", "note_id")}
INDEXES = {
    "paragraphs": [["document_id", "seq"]], "sentences": [["document_id", "start"], ["score"]],
    "mentions": [["entity_id"], ["document_id", "start"], ["name"]], "dates": [["document_id", "start"], ["value"]],
    "durations": [["document_id", "start"], ["value"]],
    "money": [["document_id", "start"], ["amount"]], "claims": [["document_id", "start"], ["fact_id"], ["kind"], ["score"], ["reading_order"]],
    "percentages": [["document_id", "start"]],
    "notes": [["document_id", "number"]], "markers": [["document_id", "start"]],
    "bibliography": [["document_id", "start"]],
}

# The PDF page tables (pages.py): how each page was read, and the word boxes.
SCHEMA.update(PAGE_SCHEMA)
INDEXES.update(PAGE_INDEXES)
# What the steps across documents read to update only what a build changed (cross.py).
SCHEMA.update(CROSS_SCHEMA)
INDEXES.update(CROSS_INDEXES)
PRIMARY_KEYS.update(CROSS_PRIMARY_KEYS)


def ensure_schema(db: sqlite_utils.Database) -> None:
    for table, (columns, foreign_keys) in SCHEMA.items():
        if table not in db.table_names():
            db[table].create(columns, pk=PRIMARY_KEYS.get(table, "id"), foreign_keys=foreign_keys)


def ensure_indexes(db: sqlite_utils.Database) -> None:
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(columns, if_not_exists=True)


# table -> columns indexed for full-text search (when the table has them); Datasette shows a search box
SEARCH_COLUMNS = {"claims": ["text", "speaker", "subject", "predicate", "object"], "sentences": ["text"],
                  "entities": ["name", "aliases", "long_form"], "notes": ["text"], "bibliography": ["text", "url"]}


def ensure_search(db: sqlite_utils.Database) -> None:
    """FTS5 indexes (porter stemming) over claims, sentences, entities (names, aliases, long forms),
    notes and works cited, built from the rows already loaded;
    triggers keep them in sync with any rows written later."""
    for table, wanted in SEARCH_COLUMNS.items():
        columns = [c for c in wanted if c in db[table].columns_dict]
        if columns and not db[table].detect_fts():
            db[table].enable_fts(columns, fts_version="FTS5", tokenize="porter", create_triggers=True)
