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

from ..corpus import facts as fact_rules
from ..corpus import flags
from ..corpus import ids
from ..extract.entities import qualified_base
from ..types import DocResult
from . import cross
from .cross import CLAIM_REF_COLUMNS
from .pages import save_pages
from .remove import delete_documents
from .schema import SCHEMA, ensure_indexes, ensure_schema, ensure_search
# Rows buffered before a bulk insert: bounds memory, keeps inserts large.
FLUSH_ROWS = 20_000
# Page cache of an update in place (KB): its changed pages stay in memory until it commits, so the
# database file, which readers are reading, is written only then.
UPDATE_CACHE_KB = 256_000


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
        ensure_indexes(db)  # the cross-document steps join on them
        cross.save_cross_document(loader, cross.Reach(everything=True))
        runs = [dict(r) for r in previous_runs]
        run = dict(run, **(finish() if finish else {}))
        run.update(id=max((r["id"] for r in runs), default=0) + 1, finished=now(),
                   n_documents=loader.counts["documents"])
        db["runs"].insert_all(runs + [run])
    ensure_search(db)
    counts = count_rows(db.conn)
    db.close()
    return counts


class UpdateRefused(Exception):
    """The updated database would fail its checks: the update was rolled back, the database is as it was."""

    def __init__(self, violations: list[str]):
        super().__init__(f"the update fails {len(violations)} check(s); the database was left as it was")
        self.violations = violations


def update_database(db_path: str, results: Iterable[DocResult], removed: list[str], run: dict,
                    finish: Optional[Callable[[], dict]] = None,
                    check: Optional[Callable[[sqlite3.Connection, list[str]], list[str]]] = None) -> dict[str, int]:
    """Bring the database at db_path up to date in place, in one transaction: every row of the
    `removed` documents (ids) deleted, the rows of `results` inserted, and entities, citations and
    facts redone for what those documents reach (cross.py): the same rows a cold build of the new
    set of documents writes, at a cost that follows the change, not the corpus.

    Crash safety is SQLite's: a killed update leaves the previous state (the rollback journal).
    Readers go on reading the previous state while the update runs, and wait (their busy timeout)
    only while it commits; its pages stay in memory until then (cache_size below). `check(conn,
    added ids)` lists violations before the commit: any, and the update is rolled back (UpdateRefused).
    Returns row counts of the whole database."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=60)
    conn.execute("pragma journal_mode = delete")
    conn.execute(f"pragma cache_size = -{UPDATE_CACHE_KB}")
    db = sqlite_utils.Database(conn)
    conn.execute("begin immediate")
    try:
        reach = cross.reach_of(conn, removed, with_claims=False)
        delete_documents(conn, removed)
        loader = Loader(db)
        added = [loader.add(result) for result in results]
        loader.flush()
        reach |= cross.reach_of(conn, added, with_claims=True)
        cross.save_cross_document(loader, reach)
        run = dict(run, **(finish() if finish else {}))
        previous = conn.execute("select coalesce(max(id), 0) from runs").fetchone()[0]
        n_documents = conn.execute("select count(*) from documents").fetchone()[0]
        db["runs"].insert(dict(run, id=previous + 1, finished=now(), n_documents=n_documents))
        violations = check(conn, added) if check else []
        if violations:
            raise UpdateRefused(violations)
        counts = count_rows(conn)
        conn.execute("commit")
    except BaseException:
        if conn.in_transaction:  # SQLite ends it itself on some errors (a full disk)
            conn.execute("rollback")
        raise
    finally:
        conn.close()
    return counts


def count_rows(conn) -> dict[str, int]:
    """Rows of each table of the contract."""
    return {table: conn.execute(f'select count(*) from "{table}"').fetchone()[0] for table in SCHEMA}


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
        self.entity_ids: dict[str, str] = {}  # entity name -> its id, for names stored or buffered

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
        self.entity_ids.clear()
        self.buffered = 0

    def name_ids(self, names: set[str]) -> dict[str, str]:
        """The id of each entity name (its own, before merges across documents: store/cross.py),
        queuing an entity_names row for each name new to the database."""
        conn = self.db.conn
        unknown = sorted(names - set(self.entity_ids))
        for chunk in (unknown[i:i + ids.MAX_PARAMS] for i in range(0, len(unknown), ids.MAX_PARAMS)):
            self.entity_ids.update(conn.execute(
                f"select name, id from entity_names where name in ({', '.join('?' * len(chunk))})", chunk))
        new = sorted(names - set(self.entity_ids))
        if new:
            in_db = ids.stored_ids(conn, "entity_names")
            taken = set(self.entity_ids.values())
            chosen = ids.short_ids([ids.digest("entities", (name,)) for name in new],
                                   lambda candidates: in_db(candidates) | (taken & set(candidates)))
            for name, entity_id in zip(new, chosen):
                self.entity_ids[name] = entity_id
                self.put("entity_names", {"name": name, "id": entity_id, "base": qualified_base(name)})
        return {name: self.entity_ids[name] for name in names}

    def span_ids(self, table: str, sha256: str, items: list) -> list[str]:
        """Stable ids of a document's rows that are spans of its text: its sha256 and their offsets."""
        return self.ids(table, [(sha256, x.start, x.end) for x in items])

    def add(self, result: DocResult) -> str:
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

        entity_id = self.name_ids({m.name for m in result.mentions})
        for short, long in result.acronyms.items():
            self.put("acronyms", {"document_id": doc_id, "short": short, "long": long})
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
        for note_index, bib_index in result.note_bibliography:
            self.put("note_bibliography", {"note_id": note_ids[note_index], "bibliography_id": bib_ids[bib_index]})
        for row in cross.url_key_rows(doc_id, meta.source_url, ((bib_ids[i], entry.url)
                                                             for i, entry in enumerate(result.bibliography))):
            self.put("url_keys", row)
        self.counts["note_bibliography"] += len(result.note_bibliography)
        marker_ids = self.ids("markers", [(sha, mk.start, mk.raw) for mk in result.markers])
        self.put_items("markers", result.markers, ("id", "document_id", "paragraph_id", "note_id"),
                       ((i, doc_id, para_ids[mk.paragraph], note_by_number.get(mk.number))
                        for mk, i in zip(result.markers, marker_ids)))
        spans = SpanIndex(result)
        claim_ids = self.ids("claims", [(sha, ids.normalise_text(c.text)) for c in result.claims])
        for position, (claim, claim_id) in enumerate(zip(result.claims, claim_ids), start=1):
            own_note = note_by_number.get(claim.note)
            listed = [note_by_number[n] for n in claim.list_notes if n in note_by_number and note_by_number[n] != own_note]
            note_id = own_note if own_note is not None else (listed[0] if listed else None)
            sourced_by = flags.sourced_by(note_id, claim.speaker, claim.text)
            row = _row("claims", claim, id=claim_id, document_id=doc_id,
                       sentence_id=sent_ids[claim.sentence], note_id=note_id, fact_id=None,
                       sourced_by=sourced_by, unsourced=int(sourced_by is None),
                       single_source=None, conflict=None,  # set on the claims of a fact (save_facts)
                       position=position, reading_order=f"{result.path}#{position:05d}")
            self.put("claims", row)
            backing = [(own_note, "sentence")] if own_note is not None else []
            backing += [(nid, "list item") for nid in listed]
            for nid, via in backing:
                self.put("claim_notes", {"claim_id": row["id"], "note_id": nid, "via": via})
            self.counts["claim_notes"] += len(backing)
            ref = claim_ref(result, claim, row, spans)
            self.put("claim_refs", {"claim_id": claim_id, "document_id": doc_id, "ref": cross.ref_json(ref)})
            for name in sorted(set(ref.actors) | set(ref.things)):
                self.put("claim_names", {"claim_id": claim_id, "document_id": doc_id, "name": name})
        save_pages(self, doc_id, result)
        if self.buffered >= FLUSH_ROWS:
            self.flush()
        return doc_id


def _row(table: str, item, **values) -> dict:
    """A row of `table` as a dict: `values`, then the item's fields named like the table's columns."""
    return dict(values, **{name: getattr(item, name) for name in _shared_fields(table, type(item), tuple(values))})


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
