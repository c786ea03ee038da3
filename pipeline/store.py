"""Stage 4, store: the SQLite schema (the database contract of SPEC.md) and writing DocResults into it.

The only module that imports sqlite_utils. Cross-document steps happen here, over all documents'
rows: one entities row per canonical name, facts grouping claims that report the same event.
"""
from __future__ import annotations

import collections
import json
import re

import sqlite_utils

from . import entities as entity_rules
from . import facts as fact_rules
from .types import DocResult

# table -> (columns with types, primary key, foreign keys). The first columns of each table are the
# contract users query; later ones are extensions.
SCHEMA = {
    "documents": ({"id": int, "path": str, "sha256": str, "format": str, "title": str, "author": str,
                   "publisher": str, "published": str, "source_url": str, "n_pages": int, "text": str,
                   "paths": str, "n_claims": int}, []),
    "paragraphs": ({"id": int, "document_id": int, "seq": int, "kind": str, "page": int, "start": int,
                    "end": int, "text": str}, [("document_id", "documents", "id")]),
    "sentences": ({"id": int, "document_id": int, "paragraph_id": int, "page": int, "start": int, "end": int,
                   "text": str}, [("document_id", "documents", "id"), ("paragraph_id", "paragraphs", "id")]),
    "entities": ({"id": int, "name": str, "label": str, "n_mentions": int, "n_documents": int, "aliases": str,
                  "long_form": str}, []),
    "mentions": ({"id": int, "document_id": int, "sentence_id": int, "entity_id": int, "start": int,
                  "end": int, "text": str, "label": str},
                 [("document_id", "documents", "id"), ("sentence_id", "sentences", "id"),
                  ("entity_id", "entities", "id")]),
    "dates": ({"id": int, "document_id": int, "sentence_id": int, "start": int, "end": int, "text": str,
               "value": str, "granularity": str, "is_relative": int, "value_end": str, "fuzzy": str,
               "context": str},
              [("document_id", "documents", "id"), ("sentence_id", "sentences", "id")]),
    "money": ({"id": int, "document_id": int, "sentence_id": int, "start": int, "end": int, "text": str,
               "amount": float, "currency": str, "qualifier": str, "period": str},
              [("document_id", "documents", "id"), ("sentence_id", "sentences", "id")]),
    "percentages": ({"id": int, "document_id": int, "sentence_id": int, "start": int, "end": int, "text": str,
                     "value": float, "unit": str, "value_end": float, "qualifier": str},
                    [("document_id", "documents", "id"), ("sentence_id", "sentences", "id")]),
    "facts": ({"id": int, "summary": str, "n_documents": int, "kind": str, "n_claims": int, "conflict": int}, []),
    "notes": ({"id": int, "document_id": int, "number": int, "start": int, "end": int, "text": str},
              [("document_id", "documents", "id")]),
    "claims": ({"id": int, "document_id": int, "sentence_id": int, "start": int, "end": int, "text": str,
                "kind": str, "modality": str, "speaker": str, "note_id": int, "fact_id": int,
                "subject": str, "predicate": str, "object": str,
                "unsourced": int, "single_source": int, "conflict": int},
               [("document_id", "documents", "id"), ("sentence_id", "sentences", "id"),
                ("note_id", "notes", "id"), ("fact_id", "facts", "id")]),
    "bibliography": ({"id": int, "document_id": int, "start": int, "end": int, "text": str, "url": str},
                     [("document_id", "documents", "id")]),
    "note_bibliography": ({"note_id": int, "bibliography_id": int},
                          [("note_id", "notes", "id"), ("bibliography_id", "bibliography", "id")]),
    "markers": ({"id": int, "document_id": int, "paragraph_id": int, "start": int, "number": int,
                 "note_id": int, "raw": str, "role": str},
                [("document_id", "documents", "id"), ("paragraph_id", "paragraphs", "id"),
                 ("note_id", "notes", "id")]),
    "runs": ({"id": int, "started": str, "finished": str, "pipeline_version": str, "spacy_model": str,
              "n_documents": int, "n_rejected": int, "rejected": str}, []),
}
URL = re.compile(r"https?://|www\.")
PRIMARY_KEYS = {"note_bibliography": ("note_id", "bibliography_id")}
INDEXES = {
    "paragraphs": [["document_id", "seq"]], "sentences": [["document_id", "start"]],
    "mentions": [["entity_id"], ["document_id", "start"]], "dates": [["document_id", "start"], ["value"]],
    "money": [["document_id", "start"], ["amount"]], "claims": [["document_id", "start"], ["fact_id"], ["kind"]],
    "percentages": [["document_id", "start"]],
    "notes": [["document_id", "number"]], "markers": [["document_id", "start"]],
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    for table, (columns, foreign_keys) in SCHEMA.items():
        if table not in db.table_names():
            db[table].create(columns, pk=PRIMARY_KEYS.get(table, "id"), foreign_keys=foreign_keys)


def ensure_indexes(db: sqlite_utils.Database) -> None:
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(columns, if_not_exists=True)


# table -> columns indexed for full-text search (when the table has them); Datasette shows a search box
SEARCH_COLUMNS = {"claims": ["text", "speaker", "subject", "predicate", "object"], "sentences": ["text"]}


def ensure_search(db: sqlite_utils.Database) -> None:
    """FTS5 indexes (porter stemming) over claims and sentences, built from the rows already loaded;
    triggers keep them in sync with any rows written later."""
    for table, wanted in SEARCH_COLUMNS.items():
        columns = [c for c in wanted if c in db[table].columns_dict]
        if columns and not db[table].detect_fts():
            db[table].enable_fts(columns, fts_version="FTS5", tokenize="porter", create_triggers=True)


class _Ids:
    """Hands out database ids table by table."""

    def __init__(self):
        self.next = collections.Counter()

    def __call__(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]


def save_database(db_path: str, results: list[DocResult], run: dict) -> dict[str, int]:
    """Write a complete database at db_path (which must not exist yet). Returns row counts."""
    db = sqlite_utils.Database(db_path)
    ensure_schema(db)
    ids = _Ids()
    rows: dict[str, list[dict]] = collections.defaultdict(list)
    entity_ids = _entity_rows(results, rows, ids)
    claim_refs = []  # (claim row, canonical actor names, date values, amounts, document id)
    for result in results:
        claim_refs += _document_rows(result, rows, ids, entity_ids)
    _fact_rows(claim_refs, rows, ids)
    with db.conn:
        for table in SCHEMA:
            if table != "runs" and rows.get(table):
                db[table].insert_all(rows[table], batch_size=1000)
        run = dict(run, n_documents=len(results))
        db["runs"].insert(run)
    ensure_indexes(db)
    ensure_search(db)
    counts = {table: len(rows.get(table, [])) for table in SCHEMA}
    db.close()
    return counts


def _entity_rows(results, rows, ids) -> dict[str, int]:
    """One row per canonical name, across documents; its label is the label most of its mentions
    carry. Names that differ only by a national qualifier are one entity (entities.merge_variants);
    an acronym another document defines gets that long form in `long_form`."""
    labels = collections.defaultdict(collections.Counter)
    docs = collections.defaultdict(set)
    forms = collections.defaultdict(set)
    merged = entity_rules.merge_variants({m.name for result in results for m in result.mentions})
    definitions = {short: long for result in results for short, long in result.acronyms.items()}
    for result in results:
        for mention in result.mentions:
            mention.name = merged.get(mention.name, mention.name)
            labels[mention.name][mention.label] += 1
            docs[mention.name].add(result.sha256)
            forms[mention.name].add(mention.text)
    entity_ids = {}
    for name in sorted(labels):
        entity_ids[name] = ids("entities")
        rows["entities"].append({
            "id": entity_ids[name], "name": name, "label": labels[name].most_common(1)[0][0],
            "n_mentions": sum(labels[name].values()), "n_documents": len(docs[name]),
            "aliases": json.dumps(sorted(forms[name] - {name}), ensure_ascii=False),
            "long_form": definitions.get(name),
        })
    return entity_ids


def _document_rows(result: DocResult, rows, ids, entity_ids) -> list:
    doc_id = ids("documents")
    meta = result.metadata
    rows["documents"].append({
        "id": doc_id, "path": result.path, "sha256": result.sha256, "format": result.format,
        "title": meta.title, "author": meta.author, "publisher": meta.publisher, "published": meta.published,
        "source_url": meta.source_url, "n_pages": result.n_pages, "text": result.text,
        "paths": json.dumps([result.path]), "n_claims": len(result.claims),
    })
    para_ids = []
    for para in result.paragraphs:
        para_ids.append(ids("paragraphs"))
        rows["paragraphs"].append({"id": para_ids[-1], "document_id": doc_id, "seq": para.seq, "kind": para.kind,
                                   "page": para.page, "start": para.start, "end": para.end, "text": para.text})
    sent_ids = []
    for sent in result.sentences:
        sent_ids.append(ids("sentences"))
        rows["sentences"].append({"id": sent_ids[-1], "document_id": doc_id, "paragraph_id": para_ids[sent.paragraph],
                                  "page": sent.page, "start": sent.start, "end": sent.end, "text": sent.text})

    def sentence_id(index):
        return sent_ids[index] if index is not None else None

    for m in result.mentions:
        rows["mentions"].append({"id": ids("mentions"), "document_id": doc_id, "sentence_id": sentence_id(m.sentence),
                                 "entity_id": entity_ids[m.name], "start": m.start, "end": m.end, "text": m.text,
                                 "label": m.label})
    for d in result.dates:
        rows["dates"].append({"id": ids("dates"), "document_id": doc_id, "sentence_id": sentence_id(d.sentence),
                              "start": d.start, "end": d.end, "text": d.text, "value": d.value,
                              "granularity": d.granularity, "is_relative": int(d.is_relative),
                              "value_end": d.value_end, "fuzzy": d.fuzzy, "context": d.context})
    for m in result.money:
        rows["money"].append({"id": ids("money"), "document_id": doc_id, "sentence_id": sentence_id(m.sentence),
                              "start": m.start, "end": m.end, "text": m.text, "amount": m.amount,
                              "currency": m.currency, "qualifier": m.qualifier, "period": m.period})
    for p in result.percentages:
        rows["percentages"].append({"id": ids("percentages"), "document_id": doc_id,
                                    "sentence_id": sentence_id(p.sentence), "start": p.start, "end": p.end,
                                    "text": p.text, "value": p.value, "unit": p.unit, "value_end": p.value_end,
                                    "qualifier": p.qualifier})
    note_ids = {}
    note_id_list = []
    for note in result.notes:
        note_id_list.append(ids("notes"))
        note_ids.setdefault(note.number, note_id_list[-1])
        rows["notes"].append({"id": note_id_list[-1], "document_id": doc_id, "number": note.number,
                              "start": note.start, "end": note.end, "text": note.text})
    bib_ids = []
    for entry in result.bibliography:
        bib_ids.append(ids("bibliography"))
        rows["bibliography"].append({"id": bib_ids[-1], "document_id": doc_id, "start": entry.start,
                                     "end": entry.end, "text": entry.text, "url": entry.url})
    for note_index, bib_index in result.note_bibliography:
        rows["note_bibliography"].append({"note_id": note_id_list[note_index], "bibliography_id": bib_ids[bib_index]})
    for marker in result.markers:
        rows["markers"].append({"id": ids("markers"), "document_id": doc_id, "paragraph_id": para_ids[marker.paragraph],
                                "start": marker.start, "number": marker.number, "note_id": note_ids.get(marker.number),
                                "raw": marker.raw, "role": marker.role})
    refs = []
    for claim in result.claims:
        note_id = note_ids.get(claim.note)
        row = {"id": ids("claims"), "document_id": doc_id, "sentence_id": sent_ids[claim.sentence],
               "start": claim.start, "end": claim.end, "text": claim.text, "kind": claim.kind,
               "modality": claim.modality, "speaker": claim.speaker, "note_id": note_id,
               "fact_id": None, "subject": claim.subject, "predicate": claim.predicate, "object": claim.object,
               "unsourced": int(note_id is None and not claim.speaker and not URL.search(claim.text)),
               "single_source": 1, "conflict": 0}
        rows["claims"].append(row)
        refs.append(_claim_ref(result, claim, row))
    return refs


def _claim_ref(result: DocResult, claim, row) -> "fact_rules.ClaimRef":
    """What the fact grouping needs to know of a claim: its actors, named things, object, dates, amounts."""
    inside = [m for m in result.mentions if claim.start <= m.start and m.end <= claim.end]
    return fact_rules.ClaimRef(
        row=row, document=result.sha256, kind=claim.kind,
        actors=sorted({m.name for m in inside if m.label in fact_rules.ACTOR_LABELS}),
        things=sorted({m.name for m in inside if m.label in fact_rules.THING_LABELS}),
        object_head=claim.object_head,
        dates=[d.value for d in result.dates if claim.start <= d.start and d.end <= claim.end and d.value],
        amounts=[m.amount for m in result.money if claim.start <= m.start and m.end <= claim.end and m.amount],
    )


def _fact_rows(refs, rows, ids) -> None:
    """Facts from claims across documents, and the flags single_source and conflict on each claim."""
    for group in fact_rules.group_claims(refs):
        fact_id = ids("facts")
        n_documents = len({ref.document for ref in group})
        conflicts = fact_rules.conflicting(group)
        rows["facts"].append({"id": fact_id, "summary": fact_rules.summarize(group), "kind": group[0].kind,
                              "n_documents": n_documents, "n_claims": len(group), "conflict": int(bool(conflicts))})
        for i, ref in enumerate(group):
            ref.row.update(fact_id=fact_id, single_source=int(n_documents == 1), conflict=int(i in conflicts))
