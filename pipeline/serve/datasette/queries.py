"""Canned queries: the questions users come with, as SQL that Datasette shows as pages.

Each query is written against the columns the database actually has: where the build records a flag
(claims.unsourced, claims.conflict) the query uses it, else it computes the same question from the rows,
and says which it did in its description. Queries name their link columns claim_id, document_id, ...
(and row_table/row_id) so the plugin's render_cell turns them into links to those rows.
"""
from __future__ import annotations

from ...corpus.flags import unsourced_sql
from . import reviews as reviews_file

# The claim flags the claims stage records (0/1), and the facet/queries that use them
FLAG_COLUMNS = ("unsourced", "single_source", "conflict")

_CLAIM_PLACE = """coalesce(d.title, d.path) as document, s.page"""
_CLAIM_JOINS = """join documents d on d.id = c.document_id
left join sentences s on s.id = c.sentence_id"""


def inside(inner: str, outer: str) -> str:
    """SQL: row `inner` lies inside the span of row `outer` (same document)."""
    return (f'{inner}.document_id = {outer}.document_id and {inner}.start >= {outer}.start '
            f'and {inner}."end" <= {outer}."end"')


# Entity labels that can pledge or spend money: organisations, countries and cities, groups, people
ACTOR_LABELS = ("ORG", "GPE", "NORP", "PERSON")
# Words that join two actors named before a figure into one ("the U.S. and Japan contributing $500 million")
ACTOR_JOINERS = (" and ", ", ", " & ", ", and ")
# The year of a money figure: the first date of its claim (of its sentence outside claims), else the document's
_MONEY_YEAR = """coalesce((select min(substr(dt.value, 1, 4)) from dates dt where dt.document_id = m.document_id
      and dt.start >= coalesce(c.start, s.start) and dt."end" <= coalesce(c."end", s."end")
      and dt.granularity in ('day', 'month', 'year')), substr(d.published, 1, 4))"""


def money_actor_sql() -> str:
    """SQL: one row per money figure with `actor` (canonical names, comma-separated) and `actor_from`.

    The rule, the same for every figure: the entities named in the subject of the claim holding the
    figure (IBM and Google pledged ...); when its subject names none, or the figure is in no claim, the
    organisation, place, group or person named last before the figure in its sentence, with the one
    before that when only "and" or a comma stands between them (the U.S. and Japan contributing ...);
    failing both, the claim's speaker. One actor (or one pair) per figure, never every name of its
    sentence."""
    labels = ", ".join(f"'{label}'" for label in ACTOR_LABELS)
    joiners = ", ".join(f"'{j}'" for j in ACTOR_JOINERS)
    return f"""named as (
  select m.id as money_id, mn.start, mn."end", e.name,
    c.subject is not null and instr(' ' || c.subject || ' ', ' ' || mn.text || ' ') > 0 as in_subject
  from money m
  join sentences s on s.id = m.sentence_id
  join mentions mn on mn.document_id = m.document_id and mn.start >= s.start and mn."end" <= s."end"
  join entities e on e.id = mn.entity_id
  left join claims c on {inside('m', 'c')}
  where mn.label in ({labels})),
nearest as (
  select n.money_id, max(n.start) as start from named n join money m on m.id = n.money_id
  where n."end" <= m.start and n.money_id not in (select money_id from named where in_subject)
  group by n.money_id),
chosen as (
  select money_id, name, min(start) as start, 'subject of the claim' as actor_from
  from named where in_subject group by money_id, name
  union all
  select n.money_id, n.name, n.start, 'named before the figure'
  from named n join nearest x on x.money_id = n.money_id
  join money m on m.id = n.money_id join documents d on d.id = m.document_id
  where n.start = x.start or (n."end" <= x.start
    and substr(d.text, n."end" + 1, x.start - n."end") in ({joiners})
    and not exists (select 1 from named o where o.money_id = n.money_id and o.start > n.start and o.start < x.start))),
actors as (
  select money_id, group_concat(name, ', ') as actor, min(actor_from) as actor_from
  from (select * from chosen order by money_id, start) group by money_id)"""


def money_by_actor(columns: dict[str, set[str]]) -> dict:
    flags = [f for f in FLAG_COLUMNS if f in columns["claims"]]
    flag_list = " || ".join(f"case when c.{f} = 1 then '{f.replace('_', ' ')}, ' else '' end" for f in flags)
    return {
        "title": "Money by actor: who pledged or spent what, largest first",
        "description": "Every money figure, in a claim or not, largest amount first (amounts are compared as numbers "
                       "whatever their currency: read the currency column). The actor is who the text says "
                       "pledged or spent it: the entities named in the claim's subject; else the organisation, "
                       "country, group or person named last before the figure in its sentence (with the one before "
                       "it when joined by \"and\" or a comma); else the claim's speaker. year: the claim's own "
                       "date, else the document's. Figures outside any claim have no claim_id and show their sentence.",
        "sql": f"""with {money_actor_sql()}
select m.amount, m.currency, m.qualifier, coalesce(a.actor, c.speaker) as actor,
  case when a.actor is not null then a.actor_from when c.speaker is not null then 'speaker of the claim' end
    as actor_from,
  {_MONEY_YEAR} as year,
  {("rtrim(" + flag_list + ", ', ')") if flags else "null"} as flags,
  m.text as figure, c.id as claim_id, case when c.id is null then 'outside claims' else c.kind end as kind,
  coalesce(c.text, s.text) as text, m.sentence_id, coalesce(d.title, d.path) as document, s.page, m.id as money_id
from money m
join documents d on d.id = m.document_id
left join claims c on {inside('m', 'c')}
left join sentences s on s.id = m.sentence_id
left join actors a on a.money_id = m.id
order by m.amount is null, m.amount desc, d.path, m.start""",
    }


def documents_overview(columns: dict[str, set[str]]) -> dict:
    unsourced = "c.unsourced = 1" if "unsourced" in columns["claims"] else unsourced_sql("c")
    return {
        "title": "Documents: title, publisher, date, format, pages and claims",
        "description": "Every document of the corpus with what a reader asks of it first; open one to read it with "
                       "its claims highlighted. unsourced: its claims that nothing in the document backs.",
        "sql": f"""select d.id as document_id, coalesce(d.title, d.path) as title, d.publisher, d.published, d.format,
  d.n_pages as pages, (select count(*) from claims c where c.document_id = d.id) as claims,
  (select count(*) from claims c where c.document_id = d.id and {unsourced}) as unsourced,
  (select count(*) from money m where m.document_id = d.id) as money_figures, d.path
from documents d
order by d.published is null, d.published desc, d.path""",
    }


def claims_mentioning(columns: dict[str, set[str]]) -> dict:
    alias = (" or exists (select 1 from json_each(e.aliases) a where a.value = :entity collate nocase)"
             if "aliases" in columns.get("entities", ()) else "")
    return {
        "title": "Claims mentioning an entity",
        "description": "Claims that name an entity, by its canonical name or any alias "
                       "(US, U.S. and America all find United States). Case does not matter.",
        "sql": f"""select c.id as claim_id, e.name as entity, group_concat(distinct m.text) as named_as,
  c.text as claim, c.kind, c.modality, {_CLAIM_PLACE}
from entities e
join mentions m on m.entity_id = e.id
join claims c on {inside('m', 'c')}
{_CLAIM_JOINS}
where :entity != '' and (e.name = :entity collate nocase{alias})
group by c.id, e.id
order by d.path, c.start""",
    }


def unsourced_claims(columns: dict[str, set[str]]) -> dict:
    if "unsourced" in columns["claims"]:
        where, how = "c.unsourced = 1", "Claims the build flagged unsourced (claims.unsourced = 1)."
    else:
        where = unsourced_sql("c")  # the build's rule (corpus/flags.py), computed from the rows
        how = ("Claims with no footnote, no named speaker and no web address in their text (this database has "
               "no claims.unsourced flag, so the query computes it as the build does).")
    return {
        "title": "Unsourced claims",
        "description": how + " Nothing in the document backs them: check them elsewhere.",
        "sql": f"""select c.id as claim_id, c.text as claim, c.kind, c.modality, {_CLAIM_PLACE}
from claims c
{_CLAIM_JOINS}
where {where}
order by d.path, c.start""",
    }


def facts_in_several_documents() -> dict:
    return {
        "title": "Facts reported by two or more documents",
        "description": "Events more than one document reports, each with the claims that report it.",
        "sql": f"""select f.id as fact_id, f.n_documents, f.summary, c.id as claim_id, c.text as claim, {_CLAIM_PLACE}
from facts f
join claims c on c.fact_id = f.id
{_CLAIM_JOINS}
where f.n_documents >= 2
order by f.n_documents desc, f.id, d.path, c.start""",
    }


def conflicting_figures(columns: dict[str, set[str]]) -> dict:
    listed = "(select group_concat({expr}, '; ') from {table} x where " + inside("x", "c") + ") as {name}"
    select = f"""select c.fact_id, f.summary, c.id as claim_id,
  {listed.format(expr="x.text", table="money", name="money")},
  {listed.format(expr="coalesce(x.value, x.text)", table="dates", name="dates")},
  c.text as claim, {_CLAIM_PLACE}
from claims c
join facts f on f.id = c.fact_id
{_CLAIM_JOINS}"""
    if "conflict" in columns["claims"]:
        how = ("Claims the build flagged as conflicting (claims.conflict = 1): they report the same event as a "
               "claim of another document with a different date or amount.")
        sql = f"""{select}
where c.conflict = 1
order by c.fact_id, d.path, c.start"""
    else:
        how = ("Events whose documents give different money figures (this database has no claims.conflict "
               "flag, so the query compares the figures of each fact's claims across documents).")
        sql = f"""with figures as (
  select c.fact_id, c.document_id, m.amount, m.currency
  from claims c join money m on {inside('m', 'c')}
  where c.fact_id is not null),
per_document as (
  select fact_id, document_id, group_concat(currency || ' ' || amount, ', ') as amounts
  from (select distinct fact_id, document_id, currency, amount from figures order by currency, amount)
  group by fact_id, document_id),
conflicts as (
  select fact_id from per_document group by fact_id having count(*) >= 2 and count(distinct amounts) >= 2)
{select}
where c.fact_id in (select fact_id from conflicts) and exists (select 1 from money m where {inside('m', 'c')})
order by c.fact_id, d.path, c.start"""
    return {"title": "Conflicting figures", "description": how, "sql": sql}


def document_in_reading_order() -> dict:
    page = "(select page from sentences where id = {t}.sentence_id)"
    return {
        "title": "Everything from one document, in reading order",
        "description": "Paragraphs (with their kind), claims, entity mentions, dates, money figures and notes "
                       "of one document, by position. document: its id (3ebe2727786e), its path (raw/report.pdf) or its "
                       "exact title.",
        "sql": f"""with doc as (
  select id from documents
  where :document != '' and (id = :document or path = :document or title = :document collate nocase)),
items as (
  select p.start, p."end", 0 as rank, 'paragraphs' as row_table, p.id as row_id, p.page,
    'paragraph: ' || p.kind as what, p.text
  from paragraphs p where p.document_id in doc
  union all
  select c.start, c."end", 1, 'claims', c.id, {page.format(t='c')}, 'claim: ' || coalesce(c.kind, ''), c.text
  from claims c where c.document_id in doc
  union all
  select m.start, m."end", 2, 'mentions', m.id, {page.format(t='m')}, 'entity: ' || e.name || ' (' || m.label || ')',
    m.text
  from mentions m join entities e on e.id = m.entity_id where m.document_id in doc
  union all
  select t.start, t."end", 2, 'dates', t.id, {page.format(t='t')}, 'date: ' || coalesce(t.value, 'unresolved'), t.text
  from dates t where t.document_id in doc
  union all
  select y.start, y."end", 2, 'money', y.id, {page.format(t='y')},
    'money: ' || coalesce(y.currency, '?') || ' ' || coalesce(y.amount, '?'), y.text
  from money y where y.document_id in doc
  union all
  select n.start, n."end", 1, 'notes', n.id, null, 'note ' || n.number, n.text
  from notes n where n.document_id in doc)
select row_table, row_id, what, text, page, start, "end"
from items
order by start, rank, "end" desc""",
    }


# How far below the threshold a sentence may score and still be listed as a near miss.
NEAR_MISS_MARGIN = 0.15


def near_misses() -> dict:
    threshold = "(select claim_threshold from runs order by id desc limit 1)"
    return {
        "title": "Near misses: sentences just below the check-worthiness threshold",
        "description": f"Prose sentences the model scored up to {NEAR_MISS_MARGIN} below the build's threshold "
                       "and that are not claims, highest score first: where to look for what the model dropped.",
        "sql": f"""select round(s.score, 3) as score, {threshold} as threshold, s.id as sentence_id, s.text as sentence,
  coalesce(d.title, d.path) as document, s.page
from sentences s
join documents d on d.id = s.document_id
where s.score < {threshold} and s.score >= {threshold} - {NEAR_MISS_MARGIN}
  and not exists (select 1 from claims c where c.sentence_id = s.id)
order by s.score desc, d.path, s.start""",
    }


def reviewed_claims() -> dict:
    return {
        "title": "Reviewed claims, by verdict",
        "description": "Each claim's latest verdict with the claim as it is now. verdict: verified, disputed, "
                       "needs source or wrong extraction (empty: all); search: words of the claim (empty: all).",
        "sql": f"""select v.verdict, v.reviewer, v.reviewed_at, c.id as claim_id, c.text as claim, v.note, v.evidence_url,
  {_CLAIM_PLACE}
from reviews.latest_verdicts v
join claims c on c.id = v.claim_id
{_CLAIM_JOINS}
where (:verdict = '' or v.verdict = :verdict)
  and (:search = '' or c.rowid in (select rowid from claims_fts where claims_fts match :search))
order by v.reviewed_at desc""",
    }


def changed_since_review() -> dict:
    return {
        "title": "Claims changed since they were reviewed",
        "description": "Claims whose latest verdict was given to something the database no longer holds: the "
                       "claim id is gone (its document removed, its document changed, or no longer extracted) or "
                       "its text changed; what_changed says which, text_now and claim_id what is there now.",
        "sql": reviews_file.changed_since_review_sql(),
    }


def canned_queries(columns: dict[str, set[str]], reviews: bool = False) -> dict[str, dict]:
    """name -> {title, description, sql, hide_sql} for a database whose tables have these columns; with
    reviews, the queries over the reviewers' verdicts (attached as schema `reviews`) too. The SQL is
    hidden on the query's page (a reader comes for the answer; "show SQL" reveals it)."""
    found = {
        **({"reviewed_claims": reviewed_claims(), "changed_since_review": changed_since_review()} if reviews else {}),
        "money_by_actor": money_by_actor(columns),
        "documents_overview": documents_overview(columns),
        "claims_mentioning": claims_mentioning(columns),
        "unsourced_claims": unsourced_claims(columns),
        "facts_in_several_documents": facts_in_several_documents(),
        "conflicting_figures": conflicting_figures(columns),
        "document_in_reading_order": document_in_reading_order(),
        **({"near_misses": near_misses()}
           if "score" in columns.get("sentences", set()) and "claim_threshold" in columns.get("runs", set()) else {}),
    }
    return {name: dict(query, hide_sql=True) for name, query in found.items()}
