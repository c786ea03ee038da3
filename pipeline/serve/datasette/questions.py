"""The questions the home page lists, each a canned query (queries.py) with a count read when the page
is asked for: the counts are the database's as served now, never numbers written at build time.

A question's count is an aggregate over its canned query's own rows (so the count and the page it
links to cannot disagree), or, for a question that needs a parameter, its own SQL.
"""
from __future__ import annotations

import dataclasses
import urllib.parse
from typing import Optional

from datasette.database import QueryInterrupted

# How many entities the "claims by entity" question offers as links
TOP_ENTITIES = 8


@dataclasses.dataclass(frozen=True)
class Question:
    query: str  # the canned query that answers it
    title: str
    unit: str  # what the count counts, plural ("money figures")
    count: str = "count(*)"  # aggregate over the query's rows
    count_sql: Optional[str] = None  # else this SQL (no parameters), for a query that needs one

    def sql(self, query_sql: str) -> str:
        return self.count_sql or f"select {self.count} from (\n{query_sql}\n)"


QUESTIONS = (
    Question("money_by_actor", "Money by actor: who pledged or spent what", "money figures"),
    Question("unsourced_claims", "Unsourced claims: what nothing in the document backs", "claims"),
    Question("facts_in_several_documents", "Facts reported by several documents", "events",
             count="count(distinct fact_id)"),
    Question("conflicting_figures", "Conflicts: documents that disagree on a date or amount", "claims"),
    Question("near_misses", "Near misses: sentences just below the check-worthiness threshold", "sentences"),
    Question("claims_mentioning", "Claims by entity", "entities named in claims",
             count_sql="""select count(distinct m.entity_id) from mentions m
join claims c on m.document_id = c.document_id and m.start >= c.start and m."end" <= c."end\""""),
    Question("documents_overview", "Documents: title, publisher, date, format, pages and claims", "documents"),
)

ENTITIES_IN_CLAIMS = f"""select e.name, count(distinct c.id) as n_claims
from entities e join mentions m on m.entity_id = e.id
join claims c on m.document_id = c.document_id and m.start >= c.start and m."end" <= c."end"
group by e.id order by n_claims desc, e.name limit {TOP_ENTITIES}"""


async def read_questions(datasette, database: str, canned: dict[str, dict]) -> list[dict]:
    """[{query, title, unit, count, url}] for the questions whose canned query the database has
    (canned: name -> {sql, ...}); count is None when counting takes longer than the server allows a
    query. The claims-by-entity question also lists the entities named in most claims, each with the
    URL of its claims."""
    db = datasette.get_database(database)
    found = []
    for question in QUESTIONS:
        if question.query not in canned:
            continue
        count = await _first_or_none(db, question.sql(canned[question.query]["sql"]))
        item = dataclasses.asdict(question) | {"count": count, "url": datasette.urls.query(database, question.query)}
        if question.query == "claims_mentioning":
            try:
                top = await db.execute(ENTITIES_IN_CLAIMS)
            except QueryInterrupted:
                top = []
            item["entities"] = [{"name": row["name"], "n_claims": row["n_claims"],
                                 "url": item["url"] + "?" + urllib.parse.urlencode({"entity": row["name"]})}
                                for row in top]
        found.append(item)
    return found


async def _first_or_none(db, sql: str):
    """The first value of sql's first row; None when the query runs past the server's sql_time_limit_ms
    (the home page is served without that count, not as an error)."""
    try:
        return (await db.execute(sql)).first()[0]
    except QueryInterrupted:
        return None
