"""Serving: metadata generated for the database served, canned queries, escaped highlights, and the
claim and document pages rendered by a real in-process Datasette over a real database."""
import asyncio
import re
import shutil
import sqlite3

import pytest
from markupsafe import Markup

from pipeline.serve import serve
from pipeline.serve.datasette import PLUGINS, TEMPLATES, queries
from pipeline.serve.datasette.spans import render_spans, safe_url, span

FLAGS = queries.FLAG_COLUMNS


def _copy(corpus_db, tmp_path, name="claims.db"):
    target = tmp_path / name
    shutil.copy(corpus_db, target)
    return target


def _nth(db, table: str, n: int) -> str:
    """The stable id of the n-th row (1-based) of claims in reading order, or of documents by path."""
    order = "position" if table == "claims" else "path"
    conn = sqlite3.connect(db)
    (row_id,), = conn.execute(f"select id from {table} order by {order} limit 1 offset ?", [n - 1]).fetchall()
    conn.close()
    return row_id


def _drop_flags(db):
    """The database as built before the claims stage wrote flags: the queries must compute them."""
    conn = sqlite3.connect(db)
    present = {row[1] for row in conn.execute("pragma table_info(claims)")}
    for flag in FLAGS:
        if flag in present:
            conn.execute(f"alter table claims drop column {flag}")
    conn.commit()
    conn.close()


def _add_flags(db, values: dict[str, dict[str, int]] = {}):
    """The claim flag columns (added when the build did not write them), all 0 but these rows' values."""
    conn = sqlite3.connect(db)
    present = {row[1] for row in conn.execute("pragma table_info(claims)")}
    for flag in FLAGS:
        if flag not in present:
            conn.execute(f"alter table claims add column {flag} integer")
        conn.execute(f"update claims set {flag} = 0")
    for claim_id, flags in values.items():
        for flag, value in flags.items():
            conn.execute(f"update claims set {flag} = ? where id = ?", [value, claim_id])
    conn.commit()
    conn.close()


def _run(db, name, **params):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    sql = queries.canned_queries(serve.read_columns(db))[name]["sql"]
    return [dict(row) for row in conn.execute(sql, params)]


# --- metadata -------------------------------------------------------------------------------------

@pytest.mark.parametrize("filename,name", [("claims.db", "claims"), ("other.db", "other"),
                                           ("audit-2024.db", "audit-2024")])
def test_metadata_is_keyed_by_the_served_database(corpus_db, tmp_path, filename, name):
    metadata = serve.build_metadata(_copy(corpus_db, tmp_path, filename))
    assert list(metadata["databases"]) == [name]
    tables = metadata["databases"][name]["tables"]
    assert tables["claims"]["description"] and tables["money"]["sort_desc"] == "amount"
    charts = metadata["plugins"]["datasette-dashboards"]["pictures"]["charts"]
    assert charts and {chart["db"] for chart in charts.values()} == {name}
    assert f"(/{name}/picture_timeline)" in charts["timeline_table"]["display"]  # its marks as a table
    assert set(metadata["databases"][name]["queries"]) == {
        "money_by_actor", "documents_overview", "claims_mentioning", "unsourced_claims",
        "facts_in_several_documents", "conflicting_figures", "document_in_reading_order", "near_misses",
        "picture_timeline", "picture_actors", "picture_money"}


def test_near_misses_are_sentences_just_below_the_threshold(corpus_db):
    import sqlite3

    from pipeline.serve.datasette import queries

    conn = sqlite3.connect(corpus_db)
    (threshold,) = conn.execute("select claim_threshold from runs order by id desc limit 1").fetchone()
    rows = conn.execute(queries.near_misses()["sql"]).fetchall()
    assert rows, "the corpus has sentences just below the threshold"
    scores = [r[0] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(threshold - queries.NEAR_MISS_MARGIN - 1e-9 <= s < threshold for s in scores)
    claimed = {r[0] for r in conn.execute("select sentence_id from claims")}
    assert not claimed & {r[2] for r in rows}


@pytest.mark.parametrize("with_flags,expected", [
    (False, ["kind", "modality", "sourced_by", "document_id"]),
    (True, ["kind", "modality", "sourced_by", "unsourced", "single_source", "conflict", "document_id"]),
])
def test_claim_facets_follow_the_columns_present(corpus_db, tmp_path, with_flags, expected):
    db = _copy(corpus_db, tmp_path)
    _add_flags(db) if with_flags else _drop_flags(db)
    claims = serve.build_metadata(db)["databases"]["claims"]["tables"]["claims"]
    assert claims["facets"] == expected
    assert ("unsourced" in claims["columns"]) == with_flags


@pytest.mark.parametrize("table,facets", [("money", ["currency"]), ("mentions", ["label"]),
                                          ("paragraphs", ["kind"]), ("dates", ["granularity"])])
def test_facets_users_come_for(corpus_db, tmp_path, table, facets):
    metadata = serve.build_metadata(_copy(corpus_db, tmp_path))
    assert set(facets) <= set(metadata["databases"]["claims"]["tables"][table]["facets"])


def test_every_table_has_a_description(corpus_db):
    metadata = serve.build_metadata(corpus_db)
    tables = metadata["databases"]["claims"]["tables"]
    stored = set(serve.read_columns(corpus_db)) - {t for t in serve.read_columns(corpus_db) if "_fts" in t}
    assert stored <= set(tables)
    assert all(tables[t].get("description") for t in stored)
    assert metadata["title"] and metadata["source"] and metadata["license"]


@pytest.mark.parametrize("host,port", [("127.0.0.1", 8001), ("0.0.0.0", 9000)])
def test_datasette_is_read_only_and_loopback_by_default(tmp_path, host, port):
    args = serve.datasette_args(tmp_path / "x.db", tmp_path / "m.json", host=host, port=port)
    assert "-i" not in args and str(tmp_path / "x.db") in args  # read-only (mode=ro): builds update it in place
    assert args[args.index("--host") + 1] == host and args[args.index("--port") + 1] == str(port)
    assert serve.datasette_args(tmp_path / "x.db", tmp_path / "m.json")[
        serve.datasette_args(tmp_path / "x.db", tmp_path / "m.json").index("--host") + 1] == "127.0.0.1"


def test_no_write_or_upload_plugin_is_installed():
    from importlib.metadata import distributions

    names = {d.metadata["Name"].lower() for d in distributions()}
    writers = {n for n in names if n.startswith("datasette-") and re.search(r"upload|write|insert|edit|import", n)}
    assert not writers


# --- canned queries -------------------------------------------------------------------------------

@pytest.mark.parametrize("entity", ["United States", "united states", "US", "U.S."])
def test_claims_mentioning_an_entity_by_name_or_alias(corpus_db, entity):
    rows = _run(corpus_db, "claims_mentioning", entity=entity)
    assert {r["entity"] for r in rows} == {"United States"}
    assert any("Tokyo Statement" in r["claim"] for r in rows)


@pytest.mark.parametrize("entity", ["", "No Such Entity", "United"])
def test_claims_mentioning_needs_a_whole_name(corpus_db, entity):
    assert _run(corpus_db, "claims_mentioning", entity=entity) == []


def test_unsourced_claims_computed_without_the_flag(corpus_db, tmp_path):
    db = _copy(corpus_db, tmp_path)
    _drop_flags(db)
    conn = sqlite3.connect(db)
    expected = {r[0] for r in conn.execute("select id from claims where note_id is null and speaker is null")}
    assert expected and {r["claim_id"] for r in _run(db, "unsourced_claims")} == expected


# change to a claim with no note and no speaker -> unsourced by the build's rule (as test_facts checks the flag)
UNSOURCED_RULE = [
    ("speaker = null", True),
    ("speaker = ''", True),  # an empty speaker is none
    ("speaker = 'the ministry'", False),
    ("text = text || ' (https://example.org/report)'", False),
    ("text = text || ' (http://example.org)'", False),
    ("text = text || ' see www.example.org'", False),
    ("text = text || ' see the ministry website'", True),
]


@pytest.mark.parametrize("change,unsourced", UNSOURCED_RULE)
def test_unsourced_claims_computed_by_the_builds_rule(corpus_db, tmp_path, change, unsourced):
    db = _copy(corpus_db, tmp_path)
    _drop_flags(db)
    conn = sqlite3.connect(db)
    claim_id = conn.execute("select min(id) from claims where note_id is null and speaker is null").fetchone()[0]
    conn.execute(f"update claims set {change} where id = ?", [claim_id])
    conn.commit()
    conn.close()
    assert (claim_id in {r["claim_id"] for r in _run(db, "unsourced_claims")}) == unsourced


def test_unsourced_claims_use_the_flag_when_present(corpus_db, tmp_path):
    db = _copy(corpus_db, tmp_path)
    third, fifth = _nth(db, "claims", 3), _nth(db, "claims", 5)
    _add_flags(db, {third: {"unsourced": 1}, fifth: {"unsourced": 0}})
    assert [r["claim_id"] for r in _run(db, "unsourced_claims")] == [third]
    assert "claims.unsourced" in queries.canned_queries(serve.read_columns(db))["unsourced_claims"]["description"]


def test_facts_reported_by_several_documents(corpus_db):
    rows = _run(corpus_db, "facts_in_several_documents")
    conn = sqlite3.connect(corpus_db)
    expected = {r[0] for r in conn.execute("select id from facts where n_documents >= 2")}
    assert {r["fact_id"] for r in rows} == expected
    for fact_id in expected:
        documents = {r["document"] for r in rows if r["fact_id"] == fact_id}
        assert len(documents) >= 2


def _make_conflict(db):
    """Give two claims of a fact reported by two documents different money figures (as a build would)."""
    conn = sqlite3.connect(db)
    (fact_id, doc_a, doc_b), = conn.execute(
        "select f.id, min(c.document_id), max(c.document_id) from facts f join claims c on c.fact_id = f.id "
        "where f.n_documents >= 2 group by f.id order by f.id limit 1").fetchall()
    claims = []
    for doc, amount in [(doc_a, 1e9), (doc_b, 2e9)]:
        claim_id, start = conn.execute("select id, start from claims where fact_id = ? and document_id = ? "
                                       "order by id limit 1", [fact_id, doc]).fetchone()
        text = conn.execute("select substr(text, ?, 1) from documents where id = ?", [start + 1, doc]).fetchone()[0]
        conn.execute('insert into money (document_id, sentence_id, start, "end", text, amount, currency) '
                     "select document_id, sentence_id, start, start + 1, ?, ?, 'USD' from claims where id = ?",
                     [text, amount, claim_id])
        claims.append(claim_id)
    conn.commit()
    return fact_id, claims


def test_conflicting_figures_computed_without_the_flag(corpus_db, tmp_path):
    db = _copy(corpus_db, tmp_path)
    _drop_flags(db)
    before = {r["fact_id"] for r in _run(db, "conflicting_figures")}
    fact_id, claims = _make_conflict(db)
    rows = _run(db, "conflicting_figures")
    assert fact_id not in before and fact_id in {r["fact_id"] for r in rows}
    assert set(claims) <= {r["claim_id"] for r in rows}


def test_agreeing_figures_are_no_conflict(corpus_db, tmp_path):
    db = _copy(corpus_db, tmp_path)
    _drop_flags(db)
    fact_id, claims = _make_conflict(db)
    conn = sqlite3.connect(db)
    conn.execute("update money set amount = 1e9 where amount = 2e9 and length(text) = 1")
    conn.commit()
    assert fact_id not in {r["fact_id"] for r in _run(db, "conflicting_figures")}


def test_conflicting_figures_use_the_flag_when_present(corpus_db, tmp_path):
    db = _copy(corpus_db, tmp_path)
    fact_id, claims = _make_conflict(db)
    _add_flags(db, {claims[0]: {"conflict": 1}})
    assert {r["claim_id"] for r in _run(db, "conflicting_figures")} == {claims[0]}


@pytest.mark.parametrize("document", ["id", "raw/000_751e3ecfe89666c2.txt"])
def test_document_in_reading_order(corpus_db, document):
    first = _nth(corpus_db, "documents", 1)
    rows = _run(corpus_db, "document_in_reading_order", document=first if document == "id" else document)
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    tables = {r["row_table"] for r in rows}
    assert {"paragraphs", "claims", "mentions", "dates"} <= tables
    conn = sqlite3.connect(corpus_db)
    n_claims = conn.execute("select count(*) from claims where document_id = ?", [first]).fetchone()[0]
    assert sum(r["row_table"] == "claims" for r in rows) == n_claims


@pytest.mark.parametrize("document", ["", "99", "raw/"])
def test_document_in_reading_order_needs_one_document(corpus_db, document):
    assert _run(corpus_db, "document_in_reading_order", document=document) == []


# --- escaped highlights ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,base,spans,expected", [
    ("abc def", 0, [], "abc def"),
    ("abc def", 10, [span(14, 17, "mark")], "abc <mark>def</mark>"),
    ("abc def", 0, [span(0, 7, "mark", class_="s"), span(4, 7, "a", href="/x")],
     '<mark class="s">abc <a href="/x">def</a></mark>'),
    # crossing spans: the first met is kept, the other dropped
    ("abc def", 0, [span(0, 5, "b"), span(4, 7, "i")], "<b>abc d</b>ef"),
    # a span outside the text is ignored
    ("abc", 0, [span(2, 9, "b")], "abc"),
    # a footnote marker inserted after a closing span, escaped
    ("abc.", 0, [span(0, 4, "mark"), span(4, 4, "sup", content="<1>")], "<mark>abc.</mark><sup>&lt;1&gt;</sup>"),
    # document text is escaped, markup in it never becomes live
    ("<script>alert(1)</script> & co", 0, [span(0, 8, "b")], "<b>&lt;script&gt;</b>alert(1)&lt;/script&gt; &amp; co"),
    # attribute values are escaped too
    ("x", 0, [span(0, 1, "a", title='" onmouseover="evil()')],
     '<a title="&#34; onmouseover=&#34;evil()">x</a>'),
])
def test_render_spans(text, base, spans, expected):
    html = render_spans(text, base, spans)
    assert isinstance(html, Markup) and str(html) == expected


@pytest.mark.parametrize("url,expected", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    (" http://example.org ", "http://example.org"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//example.org", None),
    ("www.example.org", None),
    ("", None),
    (None, None),
])
def test_only_http_urls_become_links(url, expected):
    assert safe_url(url) == expected


# --- the pages, rendered by Datasette in-process ---------------------------------------------------

def _datasette_get(db):
    """get(path) -> response from a real Datasette serving db as `claims-pipeline serve` would."""
    from datasette.app import Datasette

    ds = Datasette(immutables=[str(db)], metadata=serve.build_metadata(db),
                   template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS))

    async def get(path):
        await ds.invoke_startup()
        return await ds.client.get(path)

    return lambda path: asyncio.run(get(path))


@pytest.fixture(scope="module")
def datasette_get(corpus_db):
    return _datasette_get(corpus_db)


def test_claim_page_shows_sentence_in_paragraph_footnote_and_cited_url(corpus_db, datasette_get):
    conn = sqlite3.connect(corpus_db)
    claim_id, sentence, note, url = conn.execute(
        "select c.id, s.text, n.text, b.url from claims c join sentences s on s.id = c.sentence_id "
        "join notes n on n.id = c.note_id join note_bibliography nb on nb.note_id = n.id "
        "join bibliography b on b.id = nb.bibliography_id where b.url like 'http%' order by c.id limit 1").fetchone()
    response = datasette_get(f"/claims/claims/{claim_id}")
    assert response.status_code == 200
    html = response.text
    marked = re.search(r'<mark class="sentence[^"]*">(.*?)</mark>', html, re.S).group(1)
    marked = re.sub(r'<a class="marker"[^>]*>\d+</a>', "", marked)  # footnote markers shown in place
    assert re.sub(r"<[^>]+>", "", marked) == str(Markup.escape(sentence))
    assert f'class="cited-url" href="{Markup.escape(url)}"' in html
    assert str(Markup.escape(note)) in html
    assert re.search(r'class="document-link" href="/claims/documents/[0-9a-f]{12}"', html)
    assert 'class="page-number">' in html
    score, threshold = conn.execute("select c.score, r.claim_threshold from claims c, runs r where c.id = ? "
                                    "order by r.id desc limit 1", [claim_id]).fetchone()
    assert f'class="field-score"' in html and f"{score:.2f}" in html and f"(threshold {threshold:.2f})" in html


def test_claim_page_links_what_is_inside_the_claim(corpus_db, datasette_get):
    conn = sqlite3.connect(corpus_db)
    inside = 'x.document_id = c.document_id and x.start >= c.start and x."end" <= c."end"'
    claim_ids = [r[0] for r in conn.execute(f"select c.id from claims c where exists "
                                             f"(select 1 from money x where {inside}) order by c.id")]
    assert claim_ids
    for claim_id in claim_ids:
        html = datasette_get(f"/claims/claims/{claim_id}").text
        for table, column in [("money", "id"), ("dates", "id"), ("mentions", "entity_id")]:
            target = "entities" if table == "mentions" else table
            for (row_id,) in conn.execute(f"select x.{column} from {table} x join claims c on {inside} "
                                          "where c.id = ?", [claim_id]):
                assert f'href="/claims/{target}/{row_id}"' in html, (claim_id, table)


def test_document_page_highlights_every_claim(corpus_db, datasette_get):
    conn = sqlite3.connect(corpus_db)
    second = _nth(corpus_db, "documents", 2)
    claim_ids = [r[0] for r in conn.execute("select id from claims where document_id = ?", [second])]
    html = datasette_get(f"/claims/documents/{second}").text
    linked = re.findall(r'<a class="claim" id="claim-[0-9a-f]+" href="/claims/claims/([0-9a-f]+)"', html)
    assert claim_ids and sorted(linked) == sorted(claim_ids)


def test_query_results_link_their_rows(corpus_db, datasette_get):
    html = datasette_get("/claims/money_by_actor").text
    assert re.search(r'<a href="/claims/claims/([0-9a-f]{12})">\1</a>', html)
    html = datasette_get(f"/claims/document_in_reading_order?document={_nth(corpus_db, 'documents', 1)}").text
    assert re.search(r'<a href="/claims/paragraphs/([0-9a-f]{12})">\1</a>', html)


def test_chart_links_redirect_to_the_claim(corpus_db, datasette_get):
    claim_id = _nth(corpus_db, "claims", 3)
    response = datasette_get(f"/-/claim/{claim_id}")
    assert response.status_code == 302 and response.headers["location"] == f"/claims/claims/{claim_id}"


# table -> (a search, the columns of which one must hold it in every row found)
SEARCHES = {
    "claims": ("Tokyo Statement", ["text"]), "sentences": ("Tokyo Statement", ["text"]),
    "notes": ("Tokyo Statement", ["text"]), "bibliography": ("Tokyo Statement", ["text", "url"]),
    "entities": ("KAIST", ["name", "aliases", "long_form"]),  # an entity is found by its alias too
}


@pytest.mark.parametrize("table", sorted(SEARCHES))
def test_search_finds_rows_of_each_searchable_table(datasette_get, table):
    query, columns = SEARCHES[table]
    data = datasette_get(f"/claims/{table}.json?_search={query.replace(' ', '+')}&_shape=objects").json()
    assert data["rows"] and all(any(query.lower() in (r[c] or "").lower() for c in columns) for r in data["rows"])


def test_entity_page_links_the_claims_mentioning_it(corpus_db, datasette_get):
    (entity_id,), = sqlite3.connect(corpus_db).execute("select id from entities where name = 'United States'")
    html = datasette_get(f"/claims/entities/{entity_id}").text
    assert 'href="/claims/claims_mentioning?entity=United+States"' in html


@pytest.mark.parametrize("flags,shown", [
    (None, {}),
    ({"unsourced": 1, "single_source": 0, "conflict": None},
     {"unsourced": "yes", "single source": "no", "conflict": "not computed"}),
])
def test_claim_page_shows_the_flags_the_database_has(corpus_db, tmp_path, flags, shown):
    db = _copy(corpus_db, tmp_path, "flagged.db")
    seventh = _nth(db, "claims", 7)
    _add_flags(db, {seventh: flags}) if flags else _drop_flags(db)
    html = _datasette_get(db)(f"/flagged/claims/{seventh}").text
    found = dict(re.findall(r"<dt>([^<]+)</dt><dd class=\"flag [^\"]*\">([^<]+)</dd>", html))
    assert found == shown


def test_fact_page_sets_its_claims_side_by_side(corpus_db, datasette_get):
    conn = sqlite3.connect(corpus_db)
    fact_id, summary, n_documents = conn.execute(
        "select id, summary, n_documents from facts where n_documents >= 2 order by n_claims desc, id limit 1").fetchone()
    html = datasette_get(f"/claims/facts/{fact_id}").text
    assert str(Markup.escape(summary)) in html
    assert f"{n_documents} documents" in html
    for claim_id, document_id in conn.execute("select id, document_id from claims where fact_id = ?", [fact_id]):
        row = re.search(rf'<tr class="fact-claim">\s*<td><a class="claim-link" href="/claims/claims/{claim_id}">.*?</tr>',
                        html, re.S)
        assert row, claim_id
        assert f'class="document-link" href="/claims/documents/{document_id}"' in row.group(0)


def test_pages_show_a_cited_work_that_is_in_the_corpus(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import cli
    from tests.test_corpus_citations import CITED, CITING

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "cited.txt").write_text(CITED, encoding="utf-8")
    (raw / "citing.txt").write_text(CITING, encoding="utf-8")
    db = tmp_path / "claims.db"
    assert CliRunner().invoke(cli, ["build", str(raw), "--db", str(db), "-q"]).exit_code == 0
    conn = sqlite3.connect(db)
    citing, cited = (conn.execute("select id from documents where path like ?", [f"%{name}"]).fetchone()[0]
                     for name in ("citing.txt", "cited.txt"))
    claim_id = conn.execute("select c.id from claims c join citations x on x.note_id = c.note_id").fetchone()[0]
    get = _datasette_get(db)
    assert f'class="cited-document" href="/claims/documents/{cited}"' in get(f"/claims/documents/{citing}").text
    assert f'class="citing-document" href="/claims/documents/{citing}"' in get(f"/claims/documents/{cited}").text
    assert f'class="cited-document" href="/claims/documents/{cited}"' in get(f"/claims/claims/{claim_id}").text
