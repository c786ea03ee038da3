"""Stage 5, store: the SQLite schema (the database contract of SPEC.md) and writing DocResults into it.

The only module that imports sqlite_utils.

Writing streams: `save_database` takes an iterable of DocResults and inserts each document's rows
as it arrives (in bulk, inside one transaction), so memory is bounded by a batch of rows, not by
the corpus. What needs every document is done after the load, from lightweight rows kept while
loading (`CrossDocument`): one entities row per canonical name, and facts grouping claims that
report the same event; corpus/ computes them (entities.py, facts.py, flags.py), this module writes
them. Indexes are created after the load.
"""
from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime as dt
import functools
import json
import operator
import os
import sqlite3
from typing import Callable, Iterable, Optional

import sqlite_utils

from ..corpus import citations
from ..corpus import entities as corpus_entities
from ..corpus import facts as fact_rules
from ..corpus import flags
from ..types import DocResult
from ..corpus import ids
from .pages import save_pages
from .schema import SCHEMA, ensure_indexes, ensure_schema, ensure_search

# Claim columns the cross-document step computes; written back after the load.
CROSS_DOCUMENT_CLAIM_COLUMNS = ["fact_id", "single_source", "conflict"]
# The claim columns a ClaimRef's row carries for the cross-document steps (facts.py) to read.
CLAIM_REF_COLUMNS = ("id", "document_id", "kind", "modality", "speaker", "subject", "predicate", "object", "fact_id",
                     "single_source", "conflict")
# Rows buffered before a bulk insert: bounds memory, keeps inserts large.
FLUSH_ROWS = 20_000


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def read_runs(db_path: str) -> list[dict]:
    """The runs rows of an existing database (the build history carried into the next build);
    empty when there is no readable database."""
    if not os.path.exists(db_path):
        return []
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            rows = [dict(row) for row in conn.execute("select * from runs order by id")]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []
    columns = SCHEMA["runs"][0]
    return [{k: v for k, v in row.items() if k in columns} for row in rows]


def save_database(db_path: str, results: Iterable[DocResult], run: dict, previous_runs: Iterable[dict] = (),
                  finish: Optional[Callable[[], dict]] = None) -> dict[str, int]:
    """Write a complete database at db_path (which must not exist yet) from DocResults as they
    come. `run` describes this build (its runs row, after `previous_runs`, the history); `finish()`
    adds what is known only once every result was read. Returns row counts."""
    db = sqlite_utils.Database(db_path)
    # A fresh file renamed into place only when complete: a crash loses nothing worth a journal.
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    ensure_schema(db)
    loader = Loader(db)
    with db.atomic():
        for result in results:
            loader.add(result)
        loader.flush()
        loader.cross_document.save(loader)
        runs = [dict(r) for r in previous_runs]
        run = dict(run, **(finish() if finish else {}))
        run.update(id=max((r["id"] for r in runs), default=0) + 1, finished=now(),
                   n_documents=loader.counts["documents"])
        db["runs"].insert_all(runs + [run])
    ensure_indexes(db)
    ensure_search(db)
    counts = {table: loader.counts.get(table, 0) for table in SCHEMA}
    db.close()
    return counts


@functools.lru_cache(maxsize=None)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f'insert into "{table}" ({quoted}) values ({", ".join("?" * len(columns))})'


@functools.lru_cache(maxsize=None)
def _shared_fields(table: str, cls: type, given: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of `table`, other than those `given`, filled from the same-named fields of dataclass `cls`."""
    names = {f.name for f in dataclasses.fields(cls)}
    return tuple(c for c in SCHEMA[table][0] if c in names and c not in given)


@functools.lru_cache(maxsize=None)
def _insert_plan(table: str, cls: type, given: tuple[str, ...]):
    """(INSERT statement, getter) for rows of `table` made of the values `given` (ids, in that
    order) followed by the same-named fields of dataclass `cls`, read with one attrgetter call."""
    shared = _shared_fields(table, cls, given)
    sql = _insert_sql(table, given + shared)
    if not shared:
        return sql, lambda item: ()
    getter = operator.attrgetter(*shared)
    return sql, (getter if len(shared) > 1 else lambda item: (getter(item),))


class Loader:
    """Inserts the rows of one document after another, giving each its stable id (ids.py). Rows
    are tuples buffered per INSERT statement and written with executemany: building sqlite-utils'
    per-row queries cost more than the rest of a cached rebuild (profiled, bench/)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.counts: collections.Counter = collections.Counter()
        self.buffer: dict[str, list[tuple]] = collections.defaultdict(list)
        self.buffered = 0
        self.pending: dict[str, set[str]] = collections.defaultdict(set)  # table -> ids buffered, not yet written
        self.cross_document = CrossDocument()

    def ids(self, table: str, keys: list[tuple]) -> list[str]:
        """The stable ids of rows of `table` with these keys (ids.py), counted as rows of it."""
        if not keys:
            return []
        return self.short_ids(table, [ids.digest(table, key) for key in ids.with_occurrences(keys)])

    def short_ids(self, table: str, digests: list[str]) -> list[str]:
        """The short ids of these digests, unused by rows of `table` written or buffered."""
        in_db = ids.stored_ids(self.db.conn, table)
        pending = self.pending[table]
        chosen = ids.short_ids(digests, lambda candidates: in_db(candidates) | (pending & set(candidates)))
        pending.update(chosen)
        self.counts[table] += len(chosen)
        return chosen

    def put(self, table: str, row: dict) -> None:
        """Queue one row given as a dict."""
        self.buffer[_insert_sql(table, tuple(row))].append(tuple(row.values()))
        self.buffered += 1

    def put_items(self, table: str, items: list, given: tuple[str, ...], values) -> None:
        """Queue one row per dataclass item: the `given` columns from `values` (one tuple per item),
        the rest from the item's same-named fields."""
        if not items:
            return
        sql, getter = _insert_plan(table, type(items[0]), given)
        self.buffer[sql].extend(v + getter(item) for item, v in zip(items, values))
        self.buffered += len(items)

    def flush(self) -> None:
        for sql, rows in self.buffer.items():
            self.db.conn.executemany(sql, rows)
        self.buffer.clear()
        self.pending.clear()
        self.buffered = 0

    def span_ids(self, table: str, sha256: str, items: list) -> list[str]:
        """Stable ids of a document's rows that are spans of its text: its sha256 and their offsets."""
        return self.ids(table, [(sha256, x.start, x.end) for x in items])

    def add(self, result: DocResult) -> None:
        sha = result.sha256
        doc_id = self.short_ids("documents", [sha])[0]  # the start of the file's own sha256
        meta = result.metadata
        self.put("documents", {
            "id": doc_id, "path": result.path, "sha256": result.sha256, "format": result.format,
            "title": meta.title, "author": meta.author, "publisher": meta.publisher, "published": meta.published,
            "source_url": meta.source_url, "n_pages": result.n_pages, "text": result.text,
            "paths": json.dumps(result.paths or [result.path], ensure_ascii=False), "n_claims": len(result.claims),
            "encoding": result.encoding, "published_from": meta.published_from, "language": meta.language})
        para_ids = self.span_ids("paragraphs", sha, result.paragraphs)
        self.put_items("paragraphs", result.paragraphs, ("id", "document_id"),
                       ((pid, doc_id) for pid in para_ids))
        sent_ids = self.span_ids("sentences", sha, result.sentences)
        self.put_items("sentences", result.sentences, ("id", "document_id", "paragraph_id"),
                       ((sid, doc_id, para_ids[s.paragraph]) for s, sid in zip(result.sentences, sent_ids)))

        def sentence_id(index):
            return sent_ids[index] if index is not None else None

        entity_id = self.cross_document.entities.add_document(doc_id, result.mentions, result.acronyms)
        self.put_items("mentions", result.mentions, ("id", "document_id", "sentence_id", "entity_id"),
                       ((i, doc_id, sentence_id(m.sentence), entity_id[m.name])
                        for m, i in zip(result.mentions, self.span_ids("mentions", sha, result.mentions))))
        self.put_items("dates", result.dates, ("id", "document_id", "sentence_id"),
                       ((i, doc_id, sentence_id(d.sentence))
                        for d, i in zip(result.dates, self.span_ids("dates", sha, result.dates))))
        duration_ids = self.span_ids("durations", sha, result.durations)
        self.put_items("durations", result.durations, ("id", "document_id", "sentence_id"),
                       ((i, doc_id, sentence_id(d.sentence)) for d, i in zip(result.durations, duration_ids)))
        self.put_items("money", result.money, ("id", "document_id", "sentence_id", "duration_id"),
                       ((i, doc_id, sentence_id(m.sentence), duration_ids[m.duration] if m.duration is not None else None)
                        for m, i in zip(result.money, self.span_ids("money", sha, result.money))))
        self.put_items("percentages", result.percentages, ("id", "document_id", "sentence_id"),
                       ((i, doc_id, sentence_id(p.sentence))
                        for p, i in zip(result.percentages, self.span_ids("percentages", sha, result.percentages))))
        note_ids = self.ids("notes", [(sha, n.number, n.start, n.end) for n in result.notes])
        note_by_number: dict = {}
        for note, nid in zip(result.notes, note_ids):
            note_by_number.setdefault(note.number, nid)
        self.put_items("notes", result.notes, ("id", "document_id"), ((nid, doc_id) for nid in note_ids))
        bib_ids = self.span_ids("bibliography", sha, result.bibliography)
        self.put_items("bibliography", result.bibliography, ("id", "document_id"), ((b, doc_id) for b in bib_ids))
        cited_by: dict[int, list[str]] = collections.defaultdict(list)  # bibliography index -> note ids
        for note_index, bib_index in result.note_bibliography:
            self.put("note_bibliography", {"note_id": note_ids[note_index], "bibliography_id": bib_ids[bib_index]})
            cited_by[bib_index].append(note_ids[note_index])
        self.cross_document.source_urls[doc_id] = (result.path, meta.source_url)
        self.cross_document.works += [
            citations.CitedWork(doc_id, bib_ids[i], entry.url, tuple(cited_by[i]))
            for i, entry in enumerate(result.bibliography) if entry.url]
        self.counts["note_bibliography"] += len(result.note_bibliography)
        marker_ids = self.ids("markers", [(sha, mk.start, mk.raw) for mk in result.markers])
        self.put_items("markers", result.markers, ("id", "document_id", "paragraph_id", "note_id"),
                       ((i, doc_id, para_ids[mk.paragraph], note_by_number.get(mk.number))
                        for mk, i in zip(result.markers, marker_ids)))
        spans = SpanIndex(result)
        first_position = self.counts["claims"] + 1
        claim_ids = self.ids("claims", [(sha, ids.normalise_text(c.text)) for c in result.claims])
        for position, (claim, claim_id) in enumerate(zip(result.claims, claim_ids), start=first_position):
            own_note = note_by_number.get(claim.note)
            listed = [note_by_number[n] for n in claim.list_notes if n in note_by_number and note_by_number[n] != own_note]
            note_id = own_note if own_note is not None else (listed[0] if listed else None)
            sourced_by = flags.sourced_by(note_id, claim.speaker, claim.text)
            row = _row("claims", claim, id=claim_id, document_id=doc_id,
                       sentence_id=sent_ids[claim.sentence], note_id=note_id, fact_id=None,
                       sourced_by=sourced_by, unsourced=int(sourced_by is None),
                       single_source=None, conflict=None,  # set on the claims of a fact (save_facts)
                       position=position)
            self.put("claims", row)
            backing = [(own_note, "sentence")] if own_note is not None else []
            backing += [(nid, "list item") for nid in listed]
            for nid, via in backing:
                self.put("claim_notes", {"claim_id": row["id"], "note_id": nid, "via": via})
            self.counts["claim_notes"] += len(backing)
            self.cross_document.claims.append(claim_ref(result, claim, row, spans))
        save_pages(self, doc_id, result)
        if self.buffered >= FLUSH_ROWS:
            self.flush()


def _row(table: str, item, **values) -> dict:
    """A row of `table` as a dict: `values`, then the item's fields named like the table's columns."""
    return dict(values, **{name: getattr(item, name) for name in _shared_fields(table, type(item), tuple(values))})


def save_entities(loader: "Loader", index: corpus_entities.EntityIndex) -> dict[str, str]:
    """The entities rows (corpus/entities.py merges them), and the mentions of a merged name
    given its target's entity id in one statement. Returns the merges (name -> canonical)."""
    rows, remap, merges = index.canonical()
    for row in rows:
        loader.put("entities", row)
    loader.counts["entities"] = len(rows)
    loader.flush()
    if remap:
        conn = loader.db.conn
        conn.execute("create temp table entity_remap (provisional text primary key, final text)")
        conn.executemany("insert into entity_remap values (?, ?)", remap)
        conn.execute("update mentions set entity_id = (select final from entity_remap "
                     "where provisional = mentions.entity_id) "
                     "where entity_id in (select provisional from entity_remap)")
        conn.execute("drop table entity_remap")
    return merges


class SpanIndex:
    """A document's mentions, dates and money sorted by start, to find those inside a span quickly."""

    def __init__(self, result: DocResult):
        self.rows = {}
        for name in ("mentions", "dates", "money"):
            items = sorted(getattr(result, name), key=operator.attrgetter("start"))
            self.rows[name] = ([x.start for x in items], items)

    def inside(self, name: str, start: int, end: int) -> list:
        starts, items = self.rows[name]
        return [x for x in items[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)] if x.end <= end]


def claim_ref(result: DocResult, claim, row: dict, spans: SpanIndex) -> fact_rules.ClaimRef:
    """What the cross-document steps need to know of a claim: its ids and rule outputs (not its
    text), and the canonical actors, named things, what was done to (an event noun of its object or
    subject, else its object's head), dates and amounts inside it."""
    mentions = spans.inside("mentions", claim.start, claim.end)
    if fact_rules.predicate_lemma(row.get("predicate")) in fact_rules.REPORTING_VERBS:
        # the text that says (`the joint statement ... highlights`), else what was said
        what = fact_rules.event_noun(row.get("subject")) or fact_rules.EVENT_NOUNS.get(
            claim.object_head or "", claim.object_head)
    else:
        what = fact_rules.event_noun(row.get("object"), row.get("subject"))
        if what is None or claim.object_head == "money":
            what = claim.object_head
    return fact_rules.ClaimRef(
        row={k: row.get(k) for k in CLAIM_REF_COLUMNS}, document=result.sha256, kind=claim.kind,
        actors=sorted({m.name for m in mentions if m.label in fact_rules.ACTOR_LABELS}),
        things=sorted({m.name for m in mentions if m.label in fact_rules.THING_LABELS}),
        object_head=what, modality=row.get("modality"), predicate=row.get("predicate"), path=result.path,
        dates=[d.value for d in spans.inside("dates", claim.start, claim.end) if d.value],
        amounts=[m.amount for m in spans.inside("money", claim.start, claim.end) if m.amount],
    )


class CrossDocument:
    """What the steps over all documents need, kept small while documents stream past: the
    canonical entities, and a ClaimRef per claim."""

    def __init__(self):
        self.entities = corpus_entities.EntityIndex(lambda name: ids.digest("entities", (name,)))
        self.claims: list[fact_rules.ClaimRef] = []
        self.source_urls: dict[str, tuple[str, Optional[str]]] = {}  # document id -> (its path, its source_url)
        self.works: list[citations.CitedWork] = []  # the works cited, with URLs

    def save(self, loader: Loader) -> None:
        merges = save_entities(loader, self.entities)
        if merges:  # claims name entities as merged across documents
            for ref in self.claims:
                ref.actors = sorted({merges.get(a, a) for a in ref.actors})
                ref.things = sorted({merges.get(t, t) for t in ref.things})
        save_facts(loader, self.claims)
        rows = list(citations.iter_citations(self.source_urls, self.works))
        keys = [(r["document_id"], r["note_id"], r["bibliography_id"], r["cited_document_id"]) for r in rows]
        for row, citation_id in zip(rows, loader.ids("citations", keys)):
            loader.put("citations", {"id": citation_id, **row})
        loader.flush()


def save_facts(loader: Loader, refs: list[fact_rules.ClaimRef]) -> None:
    """Facts from claims across documents (facts.py), and on each claim its fact_id and the flags
    single_source and conflict."""
    for row in fact_rules.iter_facts(refs, lambda members: loader.ids("facts", [tuple(sorted(members))])[0]):
        loader.put("facts", row)
    loader.flush()
    update_rows(loader.db, "claims", [ref.row for ref in refs if ref.row["fact_id"] is not None],
                CROSS_DOCUMENT_CLAIM_COLUMNS)


def update_rows(db: sqlite_utils.Database, table: str, rows: list[dict], columns: list[str]) -> None:
    """Set `columns` of many rows (by id) in one statement."""
    if not rows:
        return
    assignments = ", ".join(f'"{c}" = ?' for c in columns)
    db.conn.executemany(f'update "{table}" set {assignments} where id = ?',
                        [[row.get(c) for c in columns] + [row["id"]] for row in rows])

