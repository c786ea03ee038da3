"""What an entity's page shows: its names, the documents naming it, each mention in context, its
claims and facts, the entities named beside it, and the first and last dates of its sentences.

Read through Datasette's own read-only connections, like pages.py. Every list is bounded (SHOWN
rows) and says how many more there are: `?all=<list>` shows up to ALL rows of one list, and a
Datasette table or query holds the rest when there is one. Text from the documents is rendered
escaped by spans.py.

Each list gets at most the plugin setting `list_time_limit_ms` (metadata: plugins ->
claims-entities), by default the server's own sql_time_limit_ms: a list that runs out of time is
said so and the rest of the page is still shown, so one slow list cannot hold the whole page.
"""
from __future__ import annotations

import functools
import json
import urllib.parse
from typing import Optional

from datasette.database import QueryInterrupted
from markupsafe import Markup

from .claim_spans import inside_claim, longest_claim
from .spans import escape_text, render_spans, span

# Rows shown of each list, and of the one list asked for in full (?all=<list>)
SHOWN = {"documents": 15, "mentions": 25, "claims": 25, "facts": 15, "co_mentioned": 20}
ALL = 1000
PLUGIN = "claims-entities"
# Characters of context either side of a mention, within its sentence
CONTEXT = 70


async def _rows(db, sql: str, params) -> list[dict]:
    return [dict(r) for r in await db.execute(sql, params)]


async def _count(db, sql: str, params) -> int:
    (n,), = (await db.execute(sql, params)).rows
    return n


async def entity_page(datasette, database: str, entity_id, show_all: Optional[str] = None) -> Optional[dict]:
    """Everything the entity page shows, or None when there is no such entity. show_all names the
    one list shown in full (up to ALL rows). A list whose query runs out of time (Datasette's SQL
    time limit) is shown as such; the others are still shown."""
    db = datasette.get_database(database)
    found = await _rows(db, "select * from entities where id = ?", [entity_id])
    if not found:
        return None
    entity = found[0]
    entity["aliases_list"] = json.loads(entity.get("aliases") or "[]")
    reader = _Reader(datasette, database, entity, await longest_claim(db), _list_time_limit(datasette))
    lists = {}
    for name in SHOWN:
        limit = ALL if show_all == name else SHOWN[name]
        try:
            rows, total, table_url = await getattr(reader, name)(limit)
        except QueryInterrupted:
            lists[name] = {"name": name, "rows": [], "total": None, "more": 0, "more_url": None,
                           "table_url": None, "too_slow": True}
            continue
        lists[name] = {"name": name, "rows": rows, "total": total, "more": max(0, total - len(rows)),
                       "more_url": f"{reader.page_url}?all={name}#{name}" if total > len(rows) and limit < ALL else None,
                       "table_url": table_url}
    try:
        dates = await reader.dates()
    except QueryInterrupted:
        dates = {"n": None, "too_slow": True}
    return {"entity": entity, "claims_url": reader.claims_url, "lists": lists, "dates": dates}


def _list_time_limit(datasette) -> Optional[int]:
    """The plugin's list_time_limit_ms, or None for the server's sql_time_limit_ms."""
    limit = (datasette.plugin_config(PLUGIN) or {}).get("list_time_limit_ms")
    return int(limit) if limit else None


class _TimeLimited:
    """A database whose queries each run under time_limit_ms (None: the server's limit)."""

    def __init__(self, db, time_limit_ms: Optional[int]):
        self.db, self.time_limit_ms = db, time_limit_ms

    async def execute(self, sql: str, params=None):
        return await self.db.execute(sql, params, custom_time_limit=self.time_limit_ms)


class _Reader:
    """The lists of one entity's page: each method (limit) -> (rows shown, how many in all, the
    Datasette table or query holding them all, or None)."""

    def __init__(self, datasette, database: str, entity: dict, longest: int, time_limit_ms: Optional[int] = None):
        self.db = _TimeLimited(datasette.get_database(database), time_limit_ms)
        self.entity, self.key = entity, [entity["id"]]
        self.row = functools.partial(datasette.urls.row, database)
        self.inside = functools.partial(inside_claim, longest=longest)
        self.page_url = self.row("entities", entity["id"])
        self.mentions_url = datasette.urls.table(database, "mentions") + "?" + urllib.parse.urlencode(
            {"entity_id": entity["id"]})
        self.claims_url = datasette.urls.query(database, "claims_mentioning") + "?" + urllib.parse.urlencode(
            {"entity": entity["name"]})

    async def documents(self, limit: int):
        rows = await _rows(self.db, "select d.id, coalesce(d.title, d.path) as document, d.published, count(*) as n "
                                    "from mentions m join documents d on d.id = m.document_id where m.entity_id = ? "
                                    "group by d.id order by n desc, d.path limit ?", self.key + [limit])
        for d in rows:
            d["url"] = self.row("documents", d["id"])
        total = await _count(self.db, "select count(distinct document_id) from mentions where entity_id = ?", self.key)
        return rows, total, None

    async def mentions(self, limit: int):
        rows = await _mentions(self.db, self.entity["id"], limit, self.inside)
        for m in rows:
            m["url"] = self.row("claims", m["claim_id"]) if m["claim_id"] else \
                self.row("sentences", m["sentence_id"]) if m["sentence_id"] else self.row("mentions", m["id"])
            m["document_url"] = self.row("documents", m["document_id"])
        total = await _count(self.db, "select count(*) from mentions where entity_id = ?", self.key)
        return rows, total, self.mentions_url

    async def claims(self, limit: int):
        rows = await _claims(self.db, self.entity["id"], limit, self.inside)
        for c in rows:
            c["url"], c["document_url"] = self.row("claims", c["id"]), self.row("documents", c["document_id"])
        total = await _count(self.db, f"select count(distinct c.id) from mentions m join claims c on "
                                      f"{self.inside('m', 'c')} where m.entity_id = ?", self.key)
        return rows, total, self.claims_url

    async def facts(self, limit: int):
        rows = await _rows(self.db, f"""select f.id, f.summary, f.n_documents, count(distinct c.id) as n
from mentions m join claims c on {self.inside('m', 'c')} join facts f on f.id = c.fact_id
where m.entity_id = ? group by f.id order by f.n_documents desc, n desc, f.id limit ?""", self.key + [limit])
        for f in rows:
            f["url"] = self.row("facts", f["id"])
        total = await _count(self.db, f"select count(distinct c.fact_id) from mentions m join claims c on "
                                      f"{self.inside('m', 'c')} where m.entity_id = ?", self.key)
        return rows, total, None

    async def co_mentioned(self, limit: int):
        # total: the number of entities before the limit (the window runs after group by), one pass not two
        rows = await _rows(self.db, f"""{_CO_MENTIONS} select e.id, e.name, e.label, count(distinct o.sentence_id) as n,
  count(*) over () as total from co o join entities e on e.id = o.entity_id group by e.id order by n desc, e.name limit ?""",
                           self.key + [limit])
        for e in rows:
            e["url"] = self.row("entities", e["id"])
        return rows, rows[0]["total"] if rows else 0, None

    async def dates(self) -> dict:
        return await _first_and_last_dates(self.db, self.entity["id"], self.row, self.inside)


# Mentions of other entities in the sentences naming the entity (the one parameter), as `co`
# (o.start < s.end is implied, and bounds the index range searched)
_CO_MENTIONS = """with co as (select o.entity_id, o.sentence_id from mentions m join sentences s on s.id = m.sentence_id
  join mentions o on o.document_id = s.document_id and o.start >= s.start and o.start < s."end" and o."end" <= s."end"
  where m.entity_id = ? and o.entity_id != m.entity_id)"""


async def _mentions(db, entity_id: str, limit: int, inside) -> list[dict]:
    """The entity's mentions in document order, each with up to CONTEXT characters either side
    within its sentence (`left`, `right`: escaped HTML, cut at a word), and the claim holding it."""
    # lo, hi: the context's bounds, offsets into documents.text (a mention outside any sentence
    # takes its context from the text around it)
    rows = await _rows(db, f"""select x.*, substr(d.text, x.lo + 1, x.hi - x.lo) as context,
  coalesce(d.title, d.path) as document,
  (select c.id from claims c where {inside('x', 'c')} order by c.start limit 1) as claim_id
from (select m.id, m.document_id, m.sentence_id, m.start, m."end", m.text, s.page,
        max(coalesce(s.start, 0), m.start - :width) as lo, min(coalesce(s."end", m."end" + :width), m."end" + :width) as hi
      from mentions m left join sentences s on s.id = m.sentence_id where m.entity_id = :entity) x
join documents d on d.id = x.document_id
order by d.path, x.start limit :limit""", {"width": CONTEXT, "entity": entity_id, "limit": limit})
    for m in rows:
        m["left"], m["right"] = _kwic(m)
    return rows


def _kwic(m: dict) -> tuple[Markup, Markup]:
    """The context left and right of the mention, escaped; a side cut short of its sentence is cut
    at a word and marked with an ellipsis."""
    context = m["context"] or ""
    left, right = context[:m["start"] - m["lo"]], context[m["end"] - m["lo"]:]
    if m["start"] - m["lo"] == CONTEXT and " " in left:
        left = "… " + left[left.index(" ") + 1:]
    if m["hi"] - m["end"] == CONTEXT and " " in right:
        right = right[:right.rindex(" ")] + " …"
    return escape_text(left), escape_text(right)


async def _claims(db, entity_id: str, limit: int, inside) -> list[dict]:
    """The claims naming the entity, in document order, each with its mentions of it highlighted."""
    claims = await _rows(db, f"""select c.id, c.document_id, c.start, c."end", c.text, c.kind, c.modality,
  coalesce(d.title, d.path) as document, group_concat(m.start || ':' || m."end") as spans
from mentions m join claims c on {inside('m', 'c')} join documents d on d.id = c.document_id
where m.entity_id = ? group by c.id order by d.path, c.start limit ?""", [entity_id, limit])
    for c in claims:
        spans = [span(int(a), int(b), "mark", class_="kwic-mention")
                 for a, b in (pair.split(":") for pair in (c["spans"] or "").split(",") if pair)]
        c["html"] = render_spans(c["text"], c["start"], spans)
    return claims


async def _first_and_last_dates(db, entity_id: str, row, inside) -> dict:
    """The earliest and the latest resolved date in the sentences naming the entity, each with the
    claim or sentence it is in, and how many such dates there are."""
    dated = """from dates dt where dt.value is not null and dt.sentence_id in
  (select sentence_id from mentions where entity_id = ? and sentence_id is not null)"""
    n = await _count(db, f"select count(*) {dated}", [entity_id])
    out = {"n": n}
    for name, order in (("first", "dt.value"), ("last", "coalesce(dt.value_end, dt.value) desc")):
        found = await _rows(db, f"""select dt.*, (select c.id from claims c where {inside('dt', 'c')} limit 1) as claim_id,
  (select coalesce(d.title, d.path) from documents d where d.id = dt.document_id) as document
{dated} order by {order}, dt.document_id, dt.start limit 1""", [entity_id])
        if found:
            date = found[0]
            date["url"] = row("claims", date["claim_id"]) if date["claim_id"] else row("sentences", date["sentence_id"])
            date["date_url"] = row("dates", date["id"])
            out[name] = date
    return out
