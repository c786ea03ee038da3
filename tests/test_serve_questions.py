"""Pages laid out for the questions, served by a real in-process Datasette over the corpus database:
amounts in words, the actor of each money figure, the home page's counts read at request time, the
documents list, hidden SQL, document outlines, claim headings, the charts' time axis and the
accessible page frame (lang, <main>, skip link)."""
from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3

import pytest

from pipeline.serve import serve
from pipeline.serve.datasette import PLUGINS, TEMPLATES, charts, frame, queries
from pipeline.serve.datasette.amounts import format_amount, format_exact


@pytest.mark.parametrize("amount,currency,said,exact", [
    (52_000_000_000, "USD", "$52 billion", "USD 52,000,000,000"),
    (3_500_000, "EUR", "€3.5 million", "EUR 3,500,000"),
    (1_200_000_000_000, "JPY", "¥1.2 trillion", "JPY 1,200,000,000,000"),
    (33_800_000, "USD", "$33.8 million", "USD 33,800,000"),
    (52_345_678_901, "USD", "$52.35 billion", "USD 52,345,678,901"),
    (1_000_000_000, "KRW", "₩1 billion", "KRW 1,000,000,000"),
    (2_000_000, "CHF", "CHF 2 million", "CHF 2,000,000"),  # no symbol in English: the code, spaced
    (1_250, "GBP", "£1,250", "GBP 1,250"),  # under a million: every digit
    (999.5, "usd", "$999.5", "USD 999.5"),
    (5_000_000, None, "5 million", "5,000,000"),
    (None, "USD", None, None),
])
def test_amounts_are_said_as_a_reader_says_them(amount, currency, said, exact):
    assert format_amount(amount, currency) == said
    assert format_exact(amount, currency) == exact


def _rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _canned(db, name):
    return queries.canned_queries(serve.read_columns(db))[name]["sql"]


# figure as written -> its actor by the rule of queries.money_actor_sql, and where the actor came from
ACTORS = {
    "$52 billion": ("Congress", "subject of the claim"),  # not also United States, named after the figure
    "$150 million": ("IBM, Google", "subject of the claim"),
    "USD 505 million": ("Ministry of Trade, Industry and Energy", "subject of the claim"),  # MOTIE, by its canonical name
    "$500 million": ("United States, Japan", "named before the figure"),  # "both the U.S. and Japan contributing"
    "USD 33.8 million": ("Ministry of Science and ICT", "named before the figure"),  # "funded by MSIT (USD 33.8 million)"
    "USD 31.5 million": ("NYU", "named before the figure"),  # "... and NYU (USD 31.5 million)", not MSIT too
}


@pytest.mark.parametrize("figure", sorted(ACTORS))
def test_each_money_figure_has_one_actor(corpus_db, figure):
    rows = [r for r in _rows(corpus_db, _canned(corpus_db, "money_by_actor")) if r["figure"] == figure]
    assert len(rows) == 1, rows
    assert (rows[0]["actor"], rows[0]["actor_from"]) == ACTORS[figure]


def test_money_by_actor_lists_every_figure_once_largest_first(corpus_db):
    rows = _rows(corpus_db, _canned(corpus_db, "money_by_actor"))
    money = _rows(corpus_db, "select m.id, exists (select 1 from claims c where c.document_id = m.document_id and "
                             "m.start >= c.start and m.\"end\" <= c.\"end\") as in_claim from money m")
    assert sorted(r["money_id"] for r in rows) == sorted(m["id"] for m in money)  # outside claims too
    outside = {m["id"] for m in money if not m["in_claim"]}
    assert outside and all(r["claim_id"] is None and r["kind"] == "outside claims" and r["text"]
                           for r in rows if r["money_id"] in outside)
    amounts = [r["amount"] for r in rows]
    known = [a for a in amounts if a is not None]
    assert amounts == sorted(known, reverse=True) + [None] * (len(amounts) - len(known))
    assert all(r["figure"] in r["text"] for r in rows)
    flagged = [r for r in rows if r["claim_id"]]
    flags = {r["claim_id"]: r for r in _rows(corpus_db, "select id as claim_id, unsourced, single_source, conflict from claims")}
    for row in flagged:
        expected = [f.replace("_", " ") for f in queries.FLAG_COLUMNS if flags[row["claim_id"]][f] == 1]
        assert (row["flags"] or "") == ", ".join(expected)


def test_every_canned_query_hides_its_sql(corpus_db, datasette_page):
    canned = queries.canned_queries(serve.read_columns(corpus_db))
    assert all(query["hide_sql"] for query in canned.values())
    html = datasette_page("/claims/money_by_actor")
    assert 'id="sql-query"' not in html and "_show_sql=1" in html
    assert re.search(r'<span class="amount" title="USD 52,000,000,000">\$52 billion</span>', html)


def test_documents_overview_has_title_publisher_date_pages_and_claims(corpus_db):
    rows = _rows(corpus_db, _canned(corpus_db, "documents_overview"))
    documents = _rows(corpus_db, "select d.*, (select count(*) from claims c where c.document_id = d.id) as claims "
                                 "from documents d")
    assert len(rows) == len(documents)
    by_id = {d["id"]: d for d in documents}
    for row in rows:
        doc = by_id[row["document_id"]]
        assert row["title"] == (doc["title"] or doc["path"]) and row["publisher"] == doc["publisher"]
        assert (row["published"], row["format"], row["pages"], row["claims"]) == \
            (doc["published"], doc["format"], doc["n_pages"], doc["claims"])
    assert "sha256" not in rows[0]


def _datasette(db, immutable=True):
    from datasette.app import Datasette

    return Datasette(**({"immutables": [str(db)]} if immutable else {"files": [str(db)]}),
                     metadata=serve.build_metadata(db), template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS))


def _get(ds, path):
    async def get():
        await ds.invoke_startup()
        return await ds.client.get(path)
    response = asyncio.run(get())
    assert response.status_code == 200, (path, response.status_code)
    return response.text


@pytest.fixture(scope="module")
def datasette_page(corpus_db):
    ds = _datasette(corpus_db)
    return lambda path: _get(ds, path)


def _question_count(html, query):
    found = re.search(rf'question-{query}">.*?<span class="question-count">([\d,]+) ', html, re.S)
    return int(found.group(1).replace(",", ""))


def test_home_page_counts_are_read_when_it_is_asked_for(corpus_db, tmp_path):
    db = tmp_path / "claims.db"
    shutil.copy(corpus_db, db)
    ds = _datasette(db, immutable=False)  # a file that may change under the server
    (n_money,), = sqlite3.connect(db).execute("select count(*) from money").fetchall()
    assert _question_count(_get(ds, "/"), "money_by_actor") == n_money
    conn = sqlite3.connect(db)
    conn.execute("delete from money where id in (select id from money order by amount desc limit 2)")
    conn.commit()
    conn.close()
    assert _question_count(_get(ds, "/"), "money_by_actor") == n_money - 2


# SQL that counts for longer than any time limit a server sets
SLOW = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) select count(*) from n"


def test_a_count_too_slow_for_the_server_is_left_out_not_an_error(corpus_db):
    from datasette.app import Datasette

    from pipeline.serve.datasette.questions import read_questions

    ds = Datasette(immutables=[str(corpus_db)], settings={"sql_time_limit_ms": 50})
    canned = {"money_by_actor": {"sql": SLOW}, "unsourced_claims": {"sql": "select 1"}}

    async def read():
        await ds.invoke_startup()
        return await read_questions(ds, "claims", canned)
    counts = {q["query"]: q["count"] for q in asyncio.run(read())}
    assert counts == {"money_by_actor": None, "unsourced_claims": 1}


def test_home_page_lists_every_question_with_its_count(corpus_db, datasette_page):
    from pipeline.serve.datasette.questions import QUESTIONS

    html = datasette_page("/")
    canned = queries.canned_queries(serve.read_columns(corpus_db))
    for question in QUESTIONS:
        (expected,), = sqlite3.connect(corpus_db).execute(question.sql(canned[question.query]["sql"])).fetchall()
        assert _question_count(html, question.query) == expected, question.query
        assert f'href="/claims/{question.query}"' in html
    assert re.search(r'<form class="site-search" action="/-/search" method="get" role="search">', html)
    assert 'name="q"' in html


@pytest.mark.parametrize("path", ["/", "/claims", "/claims/claims", "/claims/money_by_actor", "/-/dashboards/pictures"])
def test_every_page_has_lang_main_and_a_skip_link(datasette_page, path):
    html = datasette_page(path)
    assert '<html lang="en">' in html
    assert html.count('<main id="main"') == 1 and html.count("</main>") == 1 and "<section class=\"content\">" not in html
    assert '<a class="skip-link" href="#main">' in html


def test_a_datasette_template_without_the_text_an_edit_replaces_fails_loudly():
    with pytest.raises(frame.FrameEditMissing, match="base.html.*<html>"):
        frame.edit_source("base.html", "<!DOCTYPE html><html class='x'><body></body></html>", "base.html")
    assert "index.html" not in frame.EDITS and frame.edit_source("index.html", "unchanged") == "unchanged"


def test_datasettes_templates_hold_the_text_every_edit_replaces():
    import pathlib

    import datasette

    templates = pathlib.Path(datasette.__file__).parent / "templates"
    for name, edits in frame.EDITS.items():
        edited = frame.edit_source(name, (templates / name).read_text(encoding="utf-8"), name)
        assert all(new in edited for _, new in edits), name


def test_document_page_has_an_outline_of_its_headings(corpus_db, datasette_page):
    (doc_id,), = sqlite3.connect(corpus_db).execute(
        "select document_id from paragraphs where kind = 'heading' group by document_id order by count(*) desc limit 1")
    headings = _rows(corpus_db, "select id from paragraphs where document_id = ? and kind = 'heading' order by start",
                     [doc_id])
    html = datasette_page(f"/claims/documents/{doc_id}")
    outline = re.search(r'<nav class="document-outline".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="#(section-[0-9a-f]+)"', outline) == [f"section-{h['id']}" for h in headings]
    for heading in headings:
        assert f'id="section-{heading["id"]}"' in html


def test_claim_page_heading_shows_the_claims_first_words(corpus_db, datasette_page):
    claim_id, text = sqlite3.connect(corpus_db).execute("select id, text from claims order by position limit 1").fetchone()
    html = datasette_page(f"/claims/claims/{claim_id}")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", heading).strip().startswith("Claim: " + text[:30])
    assert f"claims: {claim_id}" not in html


# dates of a chart's marks -> the span its time axis must show (at least, at most)
AXES = [
    (["2019-01-01", "2020-06-01", "2021-01-01", "2021-06-01", "2022-01-01", "1955-07-01", "2035-07-01"],
     ("2019-01-01", "2022-01-01"), ("2014-01-01", "2027-01-01")),  # stray years left out
    (["2020-01-01", "2021-01-01", "2022-01-01"], ("2020-01-01", "2022-01-01"), ("2019-06-01", "2022-07-01")),  # all in
    (["2021-03-04"], ("2021-03-04", "2021-03-04"), ("2020-11-01", "2021-07-31")),  # one date, its margin
]


@pytest.mark.parametrize("dates,inner,outer", AXES)
def test_time_axis_spans_where_most_dates_are(dates, inner, outer):
    values = " union all ".join(f"select '{d}' as date, {i} as n" for i, d in enumerate(dates))
    conn = sqlite3.connect(":memory:")
    rows = conn.execute(charts.time_axis_sql(values, "date")).fetchall()
    assert len(rows) == len(dates) and len({(r[2], r[3]) for r in rows}) == 1  # every mark, one axis
    axis_from, axis_to = rows[0][2], rows[0][3]
    assert outer[0] <= axis_from <= inner[0] and inner[1] <= axis_to <= outer[1], (axis_from, axis_to)


def test_charts_are_completed_for_the_database_served(corpus_db, tmp_path):
    db = tmp_path / "other.db"
    shutil.copy(corpus_db, db)
    metadata = serve.build_metadata(db)
    dashboard = metadata["plugins"]["datasette-dashboards"]["pictures"]
    money = dashboard["charts"]["money"]
    assert _canned(db, "money_by_actor") in money["query"] and "canned_query" not in money
    assert {"axis_from", "axis_to"} <= set(_rows(db, dashboard["charts"]["timeline"]["query"])[0])
    queries_ = metadata["databases"]["other"]["queries"]
    for slug in ("timeline", "actors", "money"):
        assert queries_[f"picture_{slug}"]["sql"] == dashboard["charts"][slug]["query"]
        assert f"(/other/picture_{slug})" in dashboard["charts"][f"{slug}_table"]["display"]
        assert dashboard["layout"].index([f"{slug}_table"]) == dashboard["layout"].index([slug]) + 1
    assert not [key for key in metadata if key.startswith("x-")]
