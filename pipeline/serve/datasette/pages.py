"""What the claim page and the document page show, read from a claims database through Datasette.

Each function takes the Datasette instance and the database name, reads with Datasette's own
connections (read-only, immutable) and returns plain values and escaped Markup for the templates.
Optional columns (claim flags, subject/predicate/object, ...) are shown when the database has them.
"""
from __future__ import annotations

import functools
from typing import Optional

from markupsafe import Markup

from . import REQUIRED_TABLES
from .queries import FLAG_COLUMNS, inside
from .spans import SortedSpans, Span, escape_text, render_spans, safe_url, span

# A document with at least this many headings gets an outline of them at the top of its page
OUTLINE_FROM = 2
# Claim columns shown as "what the claim says", in this order, when present and not empty
CLAIM_FIELDS = ("kind", "modality", "speaker", "subject", "predicate", "object")


async def is_claims_database(datasette, database: str) -> bool:
    db = datasette.get_database(database)
    return all([await db.table_exists(table) for table in REQUIRED_TABLES])


async def _rows(db, sql: str, params=None) -> list[dict]:
    return [dict(row) for row in (await db.execute(sql, params or []))]


async def _threshold(db) -> Optional[float]:
    """The check-worthiness threshold of the build that made the database (None before scores)."""
    try:
        run = await _one(db, "select claim_threshold from runs order by id desc limit 1", [])
    except Exception:  # a database built before the column existed
        return None
    return run.get("claim_threshold") if run else None


async def _one(db, sql: str, params=None) -> Optional[dict]:
    rows = await _rows(db, sql, params)
    return rows[0] if rows else None


def _open(datasette, database: str):
    """The database, and a function (table, id) -> URL of that row's page."""
    return datasette.get_database(database), functools.partial(datasette.urls.row, database)


def _inside_claim(table: str, columns: str = "x.*", join: str = "") -> str:
    """SQL: the rows of `table` (as x) inside the claim whose id is the one parameter, in order."""
    return f'select {columns} from claims c join {table} x on {inside("x", "c")} {join} where c.id = ? order by x.start'


async def claim_page(datasette, database: str, claim_id) -> Optional[dict]:
    """Everything the claim page shows about one claim, or None when there is no such claim."""
    db, row = _open(datasette, database)
    claim = await _one(db, "select * from claims where id = ?", [claim_id])
    if claim is None:
        return None
    doc = await _one(db, "select id, path, title, author, publisher, published, source_url, format, n_pages "
                         "from documents where id = ?", [claim["document_id"]])
    sentence = await _one(db, "select * from sentences where id = ?", [claim.get("sentence_id")])
    if sentence:
        paragraph = await _one(db, "select * from paragraphs where id = ?", [sentence["paragraph_id"]])
    else:
        paragraph = await _one(db, f'select p.* from claims c join paragraphs p on {inside("c", "p")} where c.id = ?',
                               [claim["id"]])
    mentions = await _rows(db, _inside_claim("mentions", "x.*, e.name, e.label as entity_label",
                                             "join entities e on e.id = x.entity_id"), [claim["id"]])
    dates = await _rows(db, _inside_claim("dates"), [claim["id"]])
    money = await _rows(db, _inside_claim("money"), [claim["id"]])
    for item, table in [(m, "mentions") for m in mentions] + [(d, "dates") for d in dates] + \
                       [(m, "money") for m in money]:
        item["url"] = row(table, item["id"])
    for m in mentions:
        m["entity_url"] = row("entities", m["entity_id"])

    note, works = None, []
    if claim.get("note_id") is not None:
        note = await _one(db, "select * from notes where id = ?", [claim["note_id"]])
    if note:
        note["url"] = row("notes", note["id"])
        works = await _rows(db, "select b.* from note_bibliography nb join bibliography b on b.id = nb.bibliography_id "
                                "where nb.note_id = ? order by b.id", [note["id"]])
        for work in works:
            work["url_link"] = safe_url(work.get("url"))
            work["row_url"] = row("bibliography", work["id"])

    citations = await _citations(db, row, "x.note_id = ?", note["id"]) if note else []
    fact, others = None, []
    if claim.get("fact_id") is not None:
        fact = await _one(db, "select * from facts where id = ?", [claim["fact_id"]])
        others = await _rows(db, "select c.id, c.text, coalesce(d.title, d.path) as document from claims c "
                                 "join documents d on d.id = c.document_id "
                                 "where c.fact_id = ? and c.id != ? order by d.path, c.start",
                             [claim["fact_id"], claim["id"]])
        fact["url"] = row("facts", fact["id"])
        for other in others:
            other["url"] = row("claims", other["id"])

    paragraph_html = None
    if paragraph:
        markers = await _rows(db, "select * from markers where paragraph_id = ? and role = 'citation' order by start",
                              [paragraph["id"]])
        spans = _claim_spans(claim, sentence, mentions, dates, money, markers, row)
        paragraph_html = render_spans(paragraph["text"], paragraph["start"], spans)

    return {
        "claim": claim,
        "speaker_url": await _entity_url(db, row, claim.get("speaker")),
        "ocr": await _ocr_read(db, claim),
        "fields": [(name, claim[name]) for name in CLAIM_FIELDS if claim.get(name) not in (None, "")],
        "flags": [(name, claim[name]) for name in FLAG_COLUMNS if name in claim],
        "score": claim.get("score"),
        "threshold": await _threshold(db),
        "document": dict(doc, url=row("documents", doc["id"]), source_link=safe_url(doc.get("source_url")),
                         claim_anchor=f"{row('documents', doc['id'])}#claim-{claim['id']}"),
        "page": (sentence or paragraph or {}).get("page"),
        "paragraph": paragraph,
        "paragraph_html": paragraph_html,
        "sentence": sentence,
        "mentions": mentions,
        "dates": dates,
        "money": money,
        "note": note,
        "works": works,
        "fact": fact,
        "other_claims": others,
        "citations": citations,
    }


async def _entity_url(db, row, name: Optional[str]) -> Optional[str]:
    """The page of the entity with this canonical name (a claim's speaker), None when there is none."""
    found = await _one(db, "select id from entities where name = ?", [name]) if name else None
    return row("entities", found["id"]) if found else None


async def _ocr_read(db, claim) -> Optional[dict]:
    """{"confidence": mean} of the claim's words read by OCR (boxes with a confidence), None when
    its words came from a text layer (or the database has no boxes table)."""
    if not await _has_table(db, "boxes"):
        return None
    found = await _one(db, 'select count(*) as n, avg(confidence) as confidence from boxes where document_id = ? '
                           'and start >= ? and "end" <= ? and confidence is not null',
                       [claim["document_id"], claim["start"], claim["end"]])
    return {"confidence": found["confidence"]} if found and found["n"] else None


async def _has_table(db, table: str) -> bool:
    return await db.table_exists(table)


async def _citations(db, row, where: str, param) -> list[dict]:
    """citations rows (a work cited that is a document of the corpus) with both documents' names
    and links; empty for a database built before the table existed."""
    if not await _has_table(db, "citations"):
        return []
    found = await _rows(db, "select x.*, coalesce(a.title, a.path) as citing, coalesce(b.title, b.path) as cited, "
                            "n.number as note_number from citations x join documents a on a.id = x.document_id "
                            "join documents b on b.id = x.cited_document_id left join notes n on n.id = x.note_id "
                            f"where {where} order by x.id", [param])
    for item in found:
        item.update(citing_url=row("documents", item["document_id"]), cited_url=row("documents", item["cited_document_id"]),
                    url_link=safe_url(item.get("url")))
    return found


async def fact_page(datasette, database: str, fact_id) -> Optional[dict]:
    """A fact: its summary, every claim reporting it beside its document, date and source, what the
    documents disagree on, and the works of the corpus its claims' notes cite."""
    db, row = _open(datasette, database)
    fact = await _one(db, "select * from facts where id = ?", [fact_id])
    if fact is None:
        return None
    members = await _rows(db, "select c.*, coalesce(d.title, d.path) as document, d.published, d.path, n.number as note_number, "
                              "n.text as note_text from claims c join documents d on d.id = c.document_id "
                              "left join notes n on n.id = c.note_id where c.fact_id = ? order by d.path, c.start",
                          [fact["id"]])
    for claim in members:
        claim["url"] = row("claims", claim["id"])
        claim["document_url"] = row("documents", claim["document_id"])
        claim["dates"] = [d["value"] or d["text"] for d in await _rows(db, _inside_claim("dates"), [claim["id"]])]
        claim["money"] = [m["text"] for m in await _rows(db, _inside_claim("money"), [claim["id"]])]
        claim["citations"] = await _citations(db, row, "x.note_id = ?", claim["note_id"]) \
            if claim.get("note_id") is not None else []
    named = await _rows(db, f"""select e.id, e.name, e.label, count(distinct c.id) as n from claims c
join mentions m on {inside("m", "c")} join entities e on e.id = m.entity_id
where c.fact_id = ? group by e.id order by n desc, e.name""", [fact["id"]])
    for entity in named:
        entity["url"] = row("entities", entity["id"])
    return {
        "fact": fact,
        "claims": members,
        "entities": named,
        "n_documents": len({c["document_id"] for c in members}),
        "conflict_values": fact.get("conflict_values"),
    }


def _claim_spans(claim, sentence, mentions, dates, money, markers, row) -> list[Span]:
    """Outer first: the sentence, the claim when narrower, then entities, dates and money as links."""
    spans = []
    if sentence and (sentence["start"], sentence["end"]) != (claim["start"], claim["end"]):
        spans.append(span(sentence["start"], sentence["end"], "mark", class_="sentence"))
        spans.append(span(claim["start"], claim["end"], "strong", class_="claim-span"))
    else:
        spans.append(span(claim["start"], claim["end"], "mark", class_="sentence claim-span"))
    for item in money:
        spans.append(span(item["start"], item["end"], "a", class_="money", href=item["url"],
                          title=f"{item.get('currency') or ''} {item.get('amount') or ''}".strip()))
    for item in dates:
        spans.append(span(item["start"], item["end"], "a", class_="date", href=item["url"],
                          title=item.get("value") or "unresolved"))
    for item in mentions:
        spans.append(span(item["start"], item["end"], "a", class_="entity", href=item["entity_url"],
                          title=f"{item['name']} ({item['entity_label']})"))
    for marker in markers:
        target = row("notes", marker["note_id"]) if marker.get("note_id") else None
        spans.append(span(marker["start"], marker["start"], "a" if target else "span", content=str(marker["number"]),
                          class_="marker", href=target, title=f"note {marker['number']}"))
    return spans


async def document_page(datasette, database: str, document_id) -> Optional[dict]:
    """The cleaned text of a document, paragraph by paragraph, with every claim highlighted."""
    db, row = _open(datasette, database)
    doc = await _one(db, "select * from documents where id = ?", [document_id])
    if doc is None:
        return None
    text = doc["text"] or ""
    paragraphs = await _rows(db, "select * from paragraphs where document_id = ? order by start, seq", [doc["id"]])
    claims = await _rows(db, "select * from claims where document_id = ? order by start", [doc["id"]])
    markers = await _rows(db, "select * from markers where document_id = ? and role = 'citation'", [doc["id"]])
    # paragraphs the language stage read (those with sentences); the others were kept, never searched
    read = {r["paragraph_id"] for r in await _rows(db, "select distinct paragraph_id from sentences "
                                                       "where document_id = ?", [doc["id"]])}
    spans = [span(c["start"], c["end"], "a", class_="claim", id=f"claim-{c['id']}", href=row("claims", c["id"]),
                  title=f"claim {c['id']}: {c.get('kind') or ''}") for c in claims]
    spans += [span(m["start"], m["start"], "sup", content=str(m["number"]), class_="marker") for m in markers]
    spans = SortedSpans(spans)  # each block takes its own: linear in paragraphs and claims, not their product
    blocks, pos, page = [], 0, None
    for para in paragraphs:
        if para["start"] > pos and text[pos:para["start"]].strip():
            blocks.append(_block(text, pos, para["start"], "unclassified", None, spans))
        new_page = para.get("page") if para.get("page") != page else None
        page = para.get("page", page)
        blocks.append(_block(text, para["start"], para["end"], para["kind"], new_page, spans,
                             seq=para.get("seq"), url=row("paragraphs", para["id"]), read=para["id"] in read,
                             anchor=_anchor(para) if para["kind"] == "heading" else None))
        pos = max(pos, para["end"])
    if text[pos:].strip():
        blocks.append(_block(text, pos, len(text), "unclassified", None, spans))
    outline = [{"text": text[p["start"]:p["end"]].strip(), "anchor": _anchor(p), "page": p.get("page")}
               for p in paragraphs if p["kind"] == "heading"]
    return {
        "outline": outline if len(outline) >= OUTLINE_FROM else [],
        "document": dict(doc, source_link=safe_url(doc.get("source_url"))),
        "blocks": blocks,
        "n_claims": len(claims),
        "unread_kinds": sorted({b["kind"] for b in blocks if not b["read"]}),
        "reading_order_url": datasette.urls.query(database, "document_in_reading_order") + f"?document={doc['id']}",
        "claims_url": datasette.urls.table(database, "claims") + f"?document_id={doc['id']}",
        "cites": await _citations(db, row, "x.document_id = ?", doc["id"]),
        "cited_by": await _citations(db, row, "x.cited_document_id = ?", doc["id"]),
    }


def _anchor(paragraph: dict) -> str:
    """The id of a heading on the document page, for its outline's link (paragraph ids are stable)."""
    return f"section-{paragraph['id']}"


def _block(text, start, end, kind, new_page, spans: SortedSpans, seq=None, url=None, read=False,
           anchor=None) -> dict:
    return {"kind": kind, "page": new_page, "seq": seq, "url": url, "read": read, "anchor": anchor,
            "html": render_spans(text[start:end], start, spans.starting_in(start, end))}


def text_preview(text: Optional[str], limit: int = 240) -> Optional[Markup]:
    """The start of a long text, escaped, with its length: for documents.text in tables."""
    if text is None or len(text) <= limit:
        return None
    return Markup('{}… <span class="text-length">({:,} characters)</span>').format(escape_text(text[:limit]), len(text))
