"""The steps across documents, done on the stored rows for the documents a build added or removed:
entities (one row per canonical name, merged across documents), citations (works cited that are
other documents of the corpus) and facts (claims of one event, and their flags).

A cold build is the case where every document was added: the same code, over everything. An
update touches what its documents reach: the entity names they mention (and names merged with
those), the URLs they give or cite, and the claims connected to theirs through a grouping key
(facts.component_keys). What the steps need is kept in the database by the per-document load
(write.Loader), so nothing is recomputed from the source files:

- `entity_names`: every name mentions carry (mentions.name), its own id and the name a national
  qualifier stands in front of (`base`, extract/entities.qualified_base), to find merges;
- `acronyms`: the long forms each document defines (entities.long_form: the first document by path);
- `claim_refs`: what fact grouping reads of a claim besides its row (its actors and named things as
  its document names them, what was done to, its dates and amounts, as JSON);
- `claim_names`: the names of each claim's actors and things (claims to regroup when a merge changes);
- `fact_keys`: each claim's grouping keys under the canonical names (facts.component_keys);
- `url_keys`: the normalised URL of each document's source_url and of each work cited.
"""
from __future__ import annotations

import collections
import dataclasses
import json
from typing import Iterable, Optional

from ..corpus import citations as citation_rules
from ..corpus import facts as fact_rules
from ..corpus import ids
from ..extract.entities import qualified_base

CROSS_SCHEMA = {
    "entity_names": ({"name": str, "id": str, "base": str}, []),
    "acronyms": ({"document_id": str, "short": str, "long": str}, [("document_id", "documents", "id")]),
    "claim_refs": ({"claim_id": str, "document_id": str, "ref": str},
                   [("claim_id", "claims", "id"), ("document_id", "documents", "id")]),
    "claim_names": ({"claim_id": str, "document_id": str, "name": str}, [("claim_id", "claims", "id")]),
    "fact_keys": ({"claim_id": str, "key": str}, [("claim_id", "claims", "id")]),
    "url_keys": ({"key": str, "document_id": str, "bibliography_id": str},
                 [("document_id", "documents", "id"), ("bibliography_id", "bibliography", "id")]),
}
CROSS_PRIMARY_KEYS = {"entity_names": "name", "acronyms": ("document_id", "short"), "claim_refs": "claim_id",
                      "claim_names": ("claim_id", "name"), "fact_keys": ("claim_id", "key"),
                      "url_keys": ("key", "document_id", "bibliography_id")}
CROSS_INDEXES = {"entity_names": [["base"]], "acronyms": [["short"]], "claim_refs": [["document_id"]],
                 "claim_names": [["name"], ["document_id"]], "fact_keys": [["key"]],
                 "url_keys": [["document_id"], ["bibliography_id"]]}
# Columns of a claims row a ClaimRef carries (facts.py reads and sets them).
CLAIM_REF_COLUMNS = ("id", "document_id", "kind", "modality", "speaker", "subject", "predicate", "object", "fact_id",
                     "single_source", "conflict")
# Claim columns the facts step sets.
FACT_COLUMNS = ("fact_id", "single_source", "conflict")
CHUNK = ids.MAX_PARAMS


@dataclasses.dataclass
class Reach:
    """What the added or removed documents reach across the corpus. `everything`: a cold build."""
    names: set = dataclasses.field(default_factory=set)       # entity names their mentions carry
    url_keys: set = dataclasses.field(default_factory=set)    # normalised URLs they give or cite
    fact_keys: set = dataclasses.field(default_factory=set)   # grouping keys of their claims
    claims: set = dataclasses.field(default_factory=set)      # their claims' ids (added documents)
    facts: set = dataclasses.field(default_factory=set)       # the facts of their claims (removed documents)
    everything: bool = False

    def __ior__(self, other: "Reach") -> "Reach":
        self.names |= other.names
        self.url_keys |= other.url_keys
        self.fact_keys |= other.fact_keys
        self.claims |= other.claims
        self.facts |= other.facts
        self.everything |= other.everything
        return self


def reach_of(conn, document_ids: list[str], with_claims: bool) -> Reach:
    """The reach of some stored documents (read before removing them, or after adding them)."""
    reach = Reach()
    for chunk in chunks(document_ids):
        marks = placeholders(chunk)
        reach.names.update(r[0] for r in conn.execute(
            f"select distinct name from mentions where document_id in ({marks})", chunk))
        reach.url_keys.update(r[0] for r in conn.execute(
            f"select distinct key from url_keys where document_id in ({marks})", chunk))
        reach.fact_keys.update(r[0] for r in conn.execute(
            f"select distinct k.key from fact_keys k join claims c on c.id = k.claim_id "
            f"where c.document_id in ({marks})", chunk))
        if with_claims:
            reach.claims.update(r[0] for r in conn.execute(
                f"select id from claims where document_id in ({marks})", chunk))
        else:
            reach.facts.update(r[0] for r in conn.execute(
                f"select distinct fact_id from claims where document_id in ({marks}) and fact_id is not null", chunk))
    return reach


def save_cross_document(loader, reach: Reach) -> None:
    """Entities, citations and facts brought up to date with what `reach` covers."""
    changed_names = save_entities(loader, reach)
    save_citations(loader, reach)
    save_facts(loader, reach, changed_names)


# --- entities -----------------------------------------------------------------------------------

def save_entities(loader, reach: Reach) -> set[str]:
    """The entities rows of every canonical name the reach's names belong to, and their mentions'
    entity_id. Returns the names whose mentions changed entity (their claims are regrouped)."""
    conn = loader.db.conn
    if reach.everything:
        names = {r[0] for r in conn.execute("select name from entity_names")}
        old_ids: set[str] = set()
    else:
        names = set(reach.names)
        stored = _select(conn, "select name, id from entity_names where name in ({})", names)
        present = set(_select_one(conn, "select distinct name from mentions where name in ({})", names))
        gone = {name: entity_id for name, entity_id in stored if name not in present}
        old_ids = set(gone.values())
        _execute(conn, "delete from entity_names where name in ({})", list(gone))
        names = present
        # names a merge joins to these (or joined to the names gone): their bases, and the names based on them
        names |= {base for base in map(qualified_base, list(names | set(gone))) if base is not None}
        names |= set(_select_one(conn, "select name from entity_names where base in ({})", names | set(gone)))
    rows = dict((name, (entity_id, base)) for name, entity_id, base in
                _select(conn, "select name, id, base from entity_names where name in ({})", names))
    target = {name: (base if base is not None and (base in rows or _exists(conn, base)) else name)
              for name, (_, base) in rows.items()}
    # every member of those targets: the targets themselves and the names based on them
    for name, entity_id, base in _select(conn, "select name, id, base from entity_names where base in ({})",
                                         set(target.values())):
        rows[name] = (entity_id, base)
        target[name] = base
    for name in set(target.values()) - set(rows):
        rows[name] = tuple(_select(conn, "select id, base from entity_names where name in ({})", {name})[0])
        target[name] = name
    old_ids |= {entity_id for entity_id, _ in rows.values()}
    _execute(conn, "delete from entities where id in ({})", list(old_ids))
    members: dict[str, list[str]] = collections.defaultdict(list)
    for name, canonical in target.items():
        members[canonical].append(name)
    _entity_rows(loader, members, {name: entity_id for name, (entity_id, _) in rows.items()})
    conn.execute("create temp table if not exists entity_final (name text primary key, final text)")
    conn.execute("delete from entity_final")
    conn.executemany("insert into entity_final values (?, ?)",
                     [(name, rows[canonical][0]) for name, canonical in target.items()])
    # names whose mentions change entity: their claims' actors change (the facts step regroups them)
    changed = {r[0] for r in conn.execute("select distinct m.name from entity_final f join mentions m "
                                          "on m.name = f.name where m.entity_id is not f.final")}
    conn.execute("update mentions set entity_id = f.final from entity_final f "
                 "where mentions.name = f.name and mentions.entity_id is not f.final")
    conn.execute("delete from entity_final")
    return changed


def _exists(conn, name: str) -> bool:
    return conn.execute("select 1 from entity_names where name = ?", (name,)).fetchone() is not None


def _entity_rows(loader, members: dict[str, list[str]], id_of: dict[str, str]) -> None:
    """One entities row per canonical name, from its members' mentions: the label most of them
    carry (ties: the first alphabetically), counts, surface forms, the long form the first document
    (by path) defining it gives."""
    conn = loader.db.conn
    conn.execute("create temp table if not exists entity_members (name text primary key, canonical text)")
    conn.execute("delete from entity_members")
    conn.executemany("insert into entity_members values (?, ?)",
                     [(name, canonical) for canonical, names in members.items() for name in names])
    labels: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for canonical, label, n in conn.execute(
            "select e.canonical, m.label, count(*) from mentions m join entity_members e on e.name = m.name "
            "group by e.canonical, m.label"):
        labels[canonical][label] = n
    documents = dict(conn.execute(
        "select e.canonical, count(distinct m.document_id) from mentions m "
        "join entity_members e on e.name = m.name group by e.canonical"))
    forms: dict[str, set] = collections.defaultdict(set)
    for canonical, text in conn.execute(
            "select distinct e.canonical, m.text from mentions m join entity_members e on e.name = m.name"):
        forms[canonical].add(text)
    long_forms: dict[str, str] = {}
    for short, long in conn.execute(
            "select a.short, a.long from acronyms a join documents d on d.id = a.document_id "
            "where a.short in (select canonical from entity_members) order by d.path, a.rowid"):
        long_forms.setdefault(short, long)
    conn.execute("delete from entity_members")
    for canonical in sorted(labels):
        counts = labels[canonical]
        loader.put("entities", {
            "id": id_of[canonical], "name": canonical,
            "label": min(counts, key=lambda label: (-counts[label], label)),
            "n_mentions": sum(counts.values()), "n_documents": documents.get(canonical, 0),
            "aliases": json.dumps(sorted(forms[canonical] - {canonical}), ensure_ascii=False),
            "long_form": long_forms.get(canonical)})
    loader.flush()


# --- citations ----------------------------------------------------------------------------------

def save_citations(loader, reach: Reach) -> None:
    """The citations of every work whose URL the reach covers (corpus/citations.py): recomputed
    from the stored bibliography, notes and documents' source URLs."""
    conn = loader.db.conn
    if reach.everything:
        keys = {r[0] for r in conn.execute("select distinct key from url_keys")}
    else:
        keys = set(reach.url_keys)
    works = _select(conn, "select u.key, u.document_id, u.bibliography_id, b.url from url_keys u "
                          "join bibliography b on b.id = u.bibliography_id where u.key in ({})", keys)
    _execute(conn, "delete from citations where bibliography_id in ({})", [w[2] for w in works])
    if not works:
        return
    cited: dict[str, str] = {}
    for key, doc_id, _path in sorted(_select(
            conn, "select u.key, u.document_id, d.path from url_keys u join documents d on d.id = u.document_id "
                  "where u.bibliography_id is null and u.key in ({})", keys), key=lambda r: (r[0], r[2])):
        cited.setdefault(key, doc_id)  # the same page under two documents: the first by path
    notes: dict[str, list[str]] = collections.defaultdict(list)
    for bib_id, note_id in _select(conn, "select bibliography_id, note_id from note_bibliography "
                                         "where bibliography_id in ({}) order by rowid", [w[2] for w in works]):
        notes[bib_id].append(note_id)
    rows = []
    for key, doc_id, bib_id, url in works:
        cited_id = cited.get(key)
        if cited_id is None or cited_id == doc_id:
            continue
        rows += [{"document_id": doc_id, "note_id": note_id, "bibliography_id": bib_id, "url": url,
                  "cited_document_id": cited_id} for note_id in notes.get(bib_id) or (None,)]
    rows.sort(key=lambda r: (r["document_id"], r["bibliography_id"], r["note_id"] or ""))
    keys_of = [(r["document_id"], r["note_id"], r["bibliography_id"], r["cited_document_id"]) for r in rows]
    for row, citation_id in zip(rows, loader.ids("citations", keys_of)):
        loader.put("citations", {"id": citation_id, **row})
    loader.flush()


def url_key_rows(doc_id: str, source_url: Optional[str], works: Iterable[tuple[str, Optional[str]]]) -> list[dict]:
    """url_keys rows of one document: its source_url's, and each (bibliography id, url) cited."""
    rows = []
    key = citation_rules.normalise_url(source_url)
    if key:
        rows.append({"key": key, "document_id": doc_id, "bibliography_id": None})
    for bib_id, url in works:
        key = citation_rules.normalise_url(url)
        if key:
            rows.append({"key": key, "document_id": doc_id, "bibliography_id": bib_id})
    return rows


# --- facts --------------------------------------------------------------------------------------

def ref_json(ref: fact_rules.ClaimRef) -> str:
    """What claim_refs keeps of a ClaimRef (the rest is in the claims and documents rows)."""
    return json.dumps({"actors": ref.actors, "things": ref.things, "object_head": ref.object_head,
                       "dates": ref.dates, "amounts": ref.amounts}, ensure_ascii=False)


def save_facts(loader, reach: Reach, changed_names: set[str]) -> None:
    """Regroup the claims connected to the reach's (facts.component_keys) into facts, in reading
    order (documents by path, claims by position), as group_claims over the whole corpus would:
    claims of other components never meet these. Sets fact_id, single_source, conflict on them."""
    conn = loader.db.conn
    if reach.everything:
        claim_ids = None
        old_facts = {r[0] for r in conn.execute("select id from facts")}
    else:
        seeds = set(reach.claims) | set(_select_one(
            conn, "select distinct claim_id from claim_names where name in ({})", changed_names))
        keys = set(reach.fact_keys) | set(_select_one(conn, "select key from fact_keys where claim_id in ({})", seeds))
        refs = {ref.row["id"]: ref for ref in _load_refs(conn, seeds)}
        _save_keys(conn, refs.values(), replace=True)
        keys |= {key for ref in refs.values() for key in fact_rules.component_keys(ref)}
        claim_ids = set(seeds)
        frontier = keys
        while frontier:  # the claims connected through keys, and their keys, until none are new
            found = set(_select_one(conn, "select distinct claim_id from fact_keys where key in ({})", frontier))
            found -= claim_ids
            claim_ids |= found
            new_keys = set(_select_one(conn, "select distinct key from fact_keys where claim_id in ({})", found))
            frontier = new_keys - keys
            keys |= new_keys
        old_facts = set(reach.facts) | set(_select_one(
            conn, "select distinct fact_id from claims where id in ({}) and fact_id is not null", claim_ids))
    refs = _load_refs(conn, claim_ids)
    if reach.everything:
        _save_keys(conn, refs, replace=False)
    _execute(conn, "delete from facts where id in ({})", list(old_facts))
    before = {ref.row["id"]: tuple(ref.row[c] for c in FACT_COLUMNS) for ref in refs}
    for ref in refs:
        ref.row.update(fact_id=None, single_source=None, conflict=None)
    for row in fact_rules.iter_facts(refs, lambda members: loader.ids("facts", [tuple(sorted(members))])[0]):
        loader.put("facts", row)
    loader.flush()
    # only the claims whose fact or flags changed are written: an update of a claims row also
    # rewrites its full-text index entry (the triggers), the cost of regrouping a large component
    changed = [ref for ref in refs if tuple(ref.row[c] for c in FACT_COLUMNS) != before[ref.row["id"]]]
    conn.executemany(f"update claims set {', '.join(f'{c} = ?' for c in FACT_COLUMNS)} where id = ?",
                     [[ref.row[c] for c in FACT_COLUMNS] + [ref.row["id"]] for ref in changed])


def _save_keys(conn, refs, replace: bool) -> None:
    refs = list(refs)
    if replace:
        _execute(conn, "delete from fact_keys where claim_id in ({})", [ref.row["id"] for ref in refs])
    conn.executemany("insert into fact_keys (claim_id, key) values (?, ?)",
                     [(ref.row["id"], key) for ref in refs for key in sorted(fact_rules.component_keys(ref))])


def _load_refs(conn, claim_ids: Optional[set[str]]) -> list[fact_rules.ClaimRef]:
    """ClaimRefs of these claims (None: every claim) in reading order, their names canonical."""
    columns = ", ".join(f"c.{c}" for c in CLAIM_REF_COLUMNS)
    sql = (f"select d.path, c.position, d.sha256, r.ref, {columns} from claims c "
           f"join claim_refs r on r.claim_id = c.id join documents d on d.id = c.document_id")
    if claim_ids is None:
        rows = list(conn.execute(sql))
    else:
        rows = _select(conn, sql + " where c.id in ({})", claim_ids)
    rows.sort(key=lambda r: (r[0], r[1]))  # reading order: group_claims is order-dependent
    refs, names = [], set()
    for r in rows:
        path, _, sha, stored = r[:4]
        row = dict(zip(CLAIM_REF_COLUMNS, r[4:]))
        data = json.loads(stored)
        refs.append(fact_rules.ClaimRef(row=row, document=sha, kind=row["kind"], actors=data["actors"],
                                        things=data["things"], object_head=data["object_head"],
                                        modality=row["modality"], predicate=row["predicate"], path=path,
                                        dates=data["dates"], amounts=data["amounts"]))
        names.update(data["actors"], data["things"])
    canonical = canonical_names(conn, names)
    for ref in refs:
        ref.actors = sorted({canonical.get(a, a) for a in ref.actors})
        ref.things = sorted({canonical.get(t, t) for t in ref.things})
    return refs


def canonical_names(conn, names: set[str]) -> dict[str, str]:
    """name -> the name it is merged into (only names that are merged)."""
    bases = {name: base for name, base in _select(
        conn, "select name, base from entity_names where name in ({}) and base is not null", names)}
    present = set(_select_one(conn, "select name from entity_names where name in ({})", set(bases.values())))
    return {name: base for name, base in bases.items() if base in present}


# --- SQL helpers --------------------------------------------------------------------------------

def chunks(values) -> Iterable[list]:
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def placeholders(chunk: list) -> str:
    return ", ".join("?" * len(chunk))


def _select(conn, sql: str, values) -> list[tuple]:
    """Rows of `sql` (with one `in ({})`) for all values, in chunks of bound parameters."""
    out = []
    for chunk in chunks(sorted(values, key=str)):
        out.extend(conn.execute(sql.format(placeholders(chunk)), chunk))
    return out


def _select_one(conn, sql: str, values) -> list:
    return [r[0] for r in _select(conn, sql, values)]


def _execute(conn, sql: str, values) -> None:
    for chunk in chunks(values):
        conn.execute(sql.format(placeholders(chunk)), chunk)
