"""One search across a claims database: claims, entities, sentences, notes and works cited.

The reader's query is FTS5 syntax made forgiving: "quoted phrases", prefix* words, AND / OR / NOT
and parentheses keep their meaning; a word FTS5 would reject (`U.S.`, `R&D`, `e-mail`) is searched
as a phrase of its parts. What FTS5 still cannot read (an unclosed quote, `AND` alone) is a
SearchError with a message for the reader, never a server error.

Alias-aware: a query that is an entity's name or one of its aliases (entities.aliases, or
data/aliases.json, the table the build resolved names with) finds the claims naming that entity in
any form, so `ROK`, `Republic of Korea` and `South Korea` find the same claims.

Matches are shown highlighted: FTS5's highlight()/snippet() wrap them in private-use markers,
which are turned into Spans, and the text is rendered escaped by spans.render_spans.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
import sqlite3
import urllib.parse
from typing import Optional

from datasette.database import QueryInterrupted
from markupsafe import Markup

from ...extract.entities import alias_table
from .claim_spans import inside_claim, longest_claim
from .spans import Span, render_spans, safe_url, span

# Results shown per group; the rest are behind the group's "more" link
SHOWN = 10
# Private-use characters FTS5 puts around each match (never in the text a reader typed)
OPEN, CLOSE = "\ue000", "\ue001"
# Tokens of words in a snippet of a long text (sentences, notes, works cited)
SNIPPET_TOKENS = 40
OPERATORS = {"AND", "OR", "NOT"}
# What SQLite says of an FTS5 query it cannot read
QUERY_ERRORS = ("fts5", "no such column", "unterminated string")
# What a query is split into: a "phrase" (maybe with *), a parenthesis, a run of other characters
# up to a space, parenthesis or quote, or a quote that is never closed
_TOKEN = re.compile(r'"[^"]*"\*?|[()]|[^\s()"]+|"')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# An FTS5 bareword: letters, digits, underscore and any non-ASCII character, optionally prefix*
_BAREWORD = re.compile(r"[\w\u0080-\U0010ffff]+\*?")


class SearchError(ValueError):
    """A query the search cannot run; the message says why and what to type instead."""


@dataclasses.dataclass(frozen=True)
class Group:
    """One kind of result: its table, the FTS5 column shown highlighted, and whether to show the
    whole text (short texts) or a snippet around the matches (long ones)."""
    table: str
    title: str
    column: str
    snippet: bool = False


GROUPS = (Group("claims", "Claims", "text"), Group("entities", "Entities", "name"),
          Group("sentences", "Sentences", "text", snippet=True), Group("notes", "Notes", "text", snippet=True),
          Group("bibliography", "Works cited", "text", snippet=True))


def parse_query(query: str) -> str:
    """The FTS5 expression for what the reader typed; SearchError when it is empty or a quotation
    mark is left open."""
    parts = []
    # control characters (NUL ends an FTS5 string early) are no part of a search: spaces
    query = _CONTROL.sub(" ", query or "")
    for token in _TOKEN.findall(query):
        if token == '"':
            raise SearchError('A quotation mark is not closed: put a phrase between two " marks, '
                              'e.g. "Republic of Korea"')
        if token.startswith('"') or token in "()" or token in OPERATORS or _BAREWORD.fullmatch(token):
            parts.append(token)
        elif token.endswith("*"):  # U.S* : the phrase of its parts, the last one a prefix
            parts.append(f'"{token[:-1]}"*')
        else:
            parts.append(f'"{token}"')
    if not parts or all(p.strip('"*') == "" for p in parts):
        raise SearchError("Type a word or a phrase to search for")
    return " ".join(parts)


def plain_name(query: str) -> Optional[str]:
    """The name the query spells when it is one (a phrase, or words without operators), else None:
    `"Republic of Korea"` and `Republic of Korea` -> `Republic of Korea`; `Korea*`, `US OR Japan` -> None."""
    text = query.strip()
    if len(text) > 1 and text.startswith('"') and text.endswith('"') and text.count('"') == 2:
        text = text[1:-1]
    if not text or any(c in text for c in '"*()') or set(text.split()) & OPERATORS:
        return None
    return " ".join(text.split())


def _is_acronym(form: str) -> bool:
    """`US`, `ROK`, `U.S.`: matched only in capitals, so a search for the word `us` is not United States."""
    return not any(c.islower() for c in form)


def same_name(form: str, name: str) -> bool:
    return form == name or (not _is_acronym(form) and form.lower() == name.lower())


async def alias_entities(db, query: str) -> list[dict]:
    """The entities the query names: by canonical name, by an alias the documents use, or by a form
    the alias table gives for it (data/aliases.json)."""
    name = plain_name(query)
    if name is None:
        return []
    canonical = {target for form, target in alias_table().items() if same_name(form, name)}
    columns = await db.table_columns("entities")
    by_alias = (" or exists (select 1 from json_each(e.aliases) a where a.value = :name collate nocase)"
                if "aliases" in columns else "")
    rows = [dict(r) for r in await db.execute(
        f"select e.id, e.name, e.label, {'e.aliases' if 'aliases' in columns else 'null'} as aliases "
        f"from entities e where e.name = :name collate nocase "
        f"or e.name in (select value from json_each(:canonical)){by_alias} order by e.name",
        {"name": name, "canonical": json.dumps(sorted(canonical))})]
    found = []
    for row in rows:
        forms = [row["name"], *json.loads(row["aliases"] or "[]")]
        if row["name"] in canonical or any(same_name(form, name) for form in forms):
            found.append(row)
    return found


def marked_spans(marked: str) -> tuple[str, list[Span]]:
    """(text, spans of the matches) from FTS5's output with OPEN/CLOSE around each match."""
    text, spans, start = [], [], None
    pos = 0
    for char in marked:
        if char == OPEN:
            start = pos
        elif char == CLOSE:
            if start is not None and pos > start:
                spans.append(span(start, pos, "mark", class_="match"))
            start = None
        else:
            text.append(char)
            pos += 1
    return "".join(text), spans


def highlighted(marked: Optional[str], extra: list[Span] = ()) -> Markup:
    """Escaped HTML of FTS5's marked text, each match in <mark class="match">, extra spans (offsets
    into the unmarked text) too: an extra span over the same words as a match takes its place."""
    text, spans = marked_spans(marked or "")
    covered = {(s.start, s.end) for s in extra}
    return render_spans(text, 0, list(extra) + [s for s in spans if (s.start, s.end) not in covered])


async def _fts_rows(db, group: Group, expression: str, limit: int) -> tuple[int, list[dict]]:
    """(number of rows matching, the best `limit` of them with `marked`: the shown column marked)."""
    fts = f"{group.table}_fts"
    columns = await db.table_columns(fts)
    index = columns.index(group.column)
    shown = (f"snippet({fts}, {index}, '{OPEN}', '{CLOSE}', '…', {SNIPPET_TOKENS})" if group.snippet
             else f"highlight({fts}, {index}, '{OPEN}', '{CLOSE}')")
    extra = f", highlight({fts}, {columns.index('aliases')}, '{OPEN}', '{CLOSE}') as marked_aliases" \
        if group.table == "entities" and "aliases" in columns else ""
    (total,), = (await db.execute(f"select count(*) from {fts} where {fts} match ?", [expression])).rows
    rows = await db.execute(f"select x.*, {shown} as marked{extra} from {fts} join [{group.table}] x "
                            f"on x.rowid = {fts}.rowid where {fts} match ? order by rank limit ?", [expression, limit])
    return total, [dict(r) for r in rows]


async def _claims(db, expression: str, entities: list[dict], limit: int) -> tuple[int, list[dict]]:
    """Claims matching the expression (best first), then claims naming one of `entities` in any form
    that do not match it (in document order): the count of both and the first `limit`, each with its
    text marked (matches and the entities' mentions)."""
    ids = json.dumps([e["id"] for e in entities])
    inside = functools.partial(inside_claim, longest=await longest_claim(db))
    found = f"""with hits as (select rowid as rid, rank from claims_fts where claims_fts match :q),
named as (select distinct c.rowid as rid from mentions m join claims c on {inside('m', 'c')}
          where m.entity_id in (select value from json_each(:entities))),
found as (select rid, rank from hits union all select rid, null from named where rid not in (select rid from hits))"""
    params = {"q": expression, "entities": ids}
    (total,), = (await db.execute(f"{found} select count(*) from found", params)).rows
    rows = [dict(r) for r in await db.execute(
        f"""{found} select c.rowid as rid, c.id, c.document_id, c.start, c."end", c.text, c.kind, c.modality,
  coalesce(d.title, d.path) as document, f.rank is not null as matched
from found f join claims c on c.rowid = f.rid join documents d on d.id = c.document_id
order by f.rank is null, f.rank, d.path, c.start limit :limit""", dict(params, limit=limit))]
    if not rows:
        return total, rows
    shown = json.dumps([r["rid"] for r in rows])
    marked = dict((await db.execute(
        f"select rowid, highlight(claims_fts, 0, '{OPEN}', '{CLOSE}') from claims_fts where claims_fts match ? "
        f"and rowid in (select value from json_each(?))", [expression, shown])).rows)
    mentions = await db.execute(
        f"""select c.rowid as rid, m.start - c.start as start, m."end" - c.start as "end", m.entity_id
from mentions m join claims c on {inside('m', 'c')}
where c.rowid in (select value from json_each(:shown)) and m.entity_id in (select value from json_each(:entities))""",
        {"shown": shown, "entities": ids})
    names = {e["id"]: e["name"] for e in entities}
    spans: dict[int, list[Span]] = {}
    for m in mentions:
        spans.setdefault(m["rid"], []).append(span(m["start"], m["end"], "mark", class_="match alias-match",
                                                    title=f"names {names[m['entity_id']]}"))
    for row in rows:
        row["html"] = highlighted(marked.get(row["rid"], row["text"]), spans.get(row["rid"], []))
    return total, rows


def _more_url(datasette, database: str, table: str, expression: str) -> str:
    """Datasette's own search of the table, with the same FTS5 expression (raw search mode)."""
    return datasette.urls.table(database, table) + "?" + urllib.parse.urlencode(
        {"_search": expression, "_searchmode": "raw"})


async def search(datasette, database: str, query: str, shown: int = SHOWN) -> dict:
    """The results page for query: {"query", "expression", "entities" (those it names), "groups":
    [{"table", "title", "total", "results": [{"html", "url", "document", ...}], "more_url"}]}.
    Raises SearchError for a query the search cannot run (the message is for the reader)."""
    db = datasette.get_database(database)
    expression = parse_query(query)

    def row(table, value):
        return datasette.urls.row(database, table, value)

    try:
        entities = await alias_entities(db, query)
        groups = []
        for group in GROUPS:
            if not await db.table_exists(f"{group.table}_fts"):
                continue
            if group.table == "claims":
                total, rows = await _claims(db, expression, entities, shown)
            else:
                total, rows = await _fts_rows(db, group, expression, shown)
                for r in rows:
                    r["html"] = highlighted(r["marked"])
            for r in rows:
                _add_links(group.table, r, row)
            if group.table == "sentences":
                await _sentence_claims(db, rows, row)
            if group.table in ("sentences", "notes", "bibliography", "claims"):
                await _documents(db, rows, row)
            groups.append({"table": group.table, "title": group.title, "total": total, "results": rows,
                           "more_url": _more_url(datasette, database, group.table, expression)
                           if total > len(rows) else None})
    except sqlite3.OperationalError as exc:
        if any(what in str(exc) for what in QUERY_ERRORS):
            raise SearchError(f"The search cannot read {query!r} ({exc}). Search for words, "
                              f'"a phrase in quotes" or a prefix* ; AND, OR and NOT need a word on each side') from None
        raise
    except QueryInterrupted:
        raise SearchError(f"The search for {query!r} took too long: add words, or put a phrase in quotes") from None
    for entity in entities:
        entity["url"] = row("entities", entity["id"])
        entity["claims_url"] = datasette.urls.query(database, "claims_mentioning") + "?" + urllib.parse.urlencode(
            {"entity": entity["name"]})
    return {"query": query, "expression": expression, "entities": entities, "groups": groups,
            "total": sum(g["total"] for g in groups)}


def _add_links(table: str, r: dict, row) -> None:
    """The result's own page, and what else it links: an entity's aliases, a work's web address."""
    r["url"] = row(table, r["id"])
    if table == "entities":
        r["aliases_html"] = _aliases_html(r.get("marked_aliases"))
    if table == "bibliography":
        r["url_link"] = safe_url(r.get("url"))


def _aliases_html(marked: Optional[str]) -> list[Markup]:
    """Each alias of an entity (the JSON list, marked by FTS5), escaped, its matches highlighted."""
    try:
        return [highlighted(alias) for alias in json.loads(marked or "[]")]
    except ValueError:  # not a JSON list after all: show it as it is
        return [highlighted(marked)]


async def _sentence_claims(db, rows: list[dict], row) -> None:
    """A sentence that holds a claim links to the claim's page, else to the sentence's row."""
    ids = json.dumps([r["id"] for r in rows])
    claims = dict((await db.execute("select sentence_id, min(id) from claims where sentence_id in "
                                    "(select value from json_each(?)) group by sentence_id", [ids])).rows)
    for r in rows:
        if r["id"] in claims:
            r["claim_url"] = row("claims", claims[r["id"]])


async def _documents(db, rows: list[dict], row) -> None:
    ids = json.dumps(sorted({r["document_id"] for r in rows}))
    names = dict((await db.execute("select id, coalesce(title, path) from documents where id in "
                                   "(select value from json_each(?))", [ids])).rows)
    for r in rows:
        r["document"] = names.get(r["document_id"])
        r["document_url"] = row("documents", r["document_id"])

