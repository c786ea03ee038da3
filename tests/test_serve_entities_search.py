"""Entity pages and the one search across the corpus, read from a real database (the corpus plus a
document naming South Korea three ways) through a real in-process Datasette. Every expectation is
computed from the database itself with plain SQL, not written down from a past run."""
from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
import sqlite3
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from pipeline.serve.datasette import entity_page, search

from .conftest import build_corpus_with
from .test_serve_serve import _datasette_get

# A document naming one country as "the Republic of Korea (ROK)", then "South Korea" and "ROK", with
# markup in a sentence that names it (shown, never run)
ALIAS_DOCUMENT = """Seoul and Washington expand quantum cooperation

Seoul, 4 May 2023. The Republic of Korea (ROK) signed a quantum research agreement with the United States on 4 May 2023, pledging $20 million for joint laboratories.

Officials said South Korea would open two centres in Daejeon in 2024 with <script>alert(1)</script> partners from Japan, and the ROK would fund them.
"""
DB = "search"  # served as search.db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_corpus_with(tmp_path_factory.mktemp("search"), {"korea_alias.txt": ALIAS_DOCUMENT}, DB)


@pytest.fixture(scope="module")
def datasette(db):
    """run(function) -> function(the Datasette instance) run to its end, in-process; get(path) -> response."""
    from datasette.app import Datasette

    from pipeline.serve import serve
    from pipeline.serve.datasette import PLUGINS, TEMPLATES

    ds = Datasette(immutables=[str(db)], metadata=serve.build_metadata(db), template_dir=str(TEMPLATES),
                   plugins_dir=str(PLUGINS))

    async def call(function):
        await ds.invoke_startup()
        return await function(ds)

    return lambda function: asyncio.run(call(function))


@pytest.fixture(scope="module")
def get(db):
    return _datasette_get(db)


def _sql(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _entity_id(db, name):
    (entity_id,), = _sql(db, "select id from entities where name = ?", [name])
    return entity_id


NAMED = """select distinct c.id from claims c join mentions m on m.document_id = c.document_id
  and m.start >= c.start and m."end" <= c."end" join entities e on e.id = m.entity_id where e.name = ?"""


def _text(markup) -> str:
    """What a reader sees of escaped HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup)))


def test_the_alias_document_names_one_entity_three_ways(db):
    """What the entity merger (corpus/entities.py, data/aliases.json) does with the document: the
    search's alias tests below rest on it."""
    forms = _sql(db, "select m.text, e.name from mentions m join entities e on e.id = m.entity_id "
                     "join documents d on d.id = m.document_id where d.path like '%korea_alias.txt' order by m.start")
    assert {form: name for form, name in forms if "Korea" in form or form == "ROK"} == {
        "Republic of Korea": "South Korea", "ROK": "South Korea", "South Korea": "South Korea"}
    (aliases,), = _sql(db, "select aliases from entities where name = 'South Korea'")
    assert {"ROK", "Republic of Korea"} <= set(json.loads(aliases))


# --- the query --------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,expression", [
    ("ROK", "ROK"),
    ("Republic of Korea", "Republic of Korea"),
    ('"Tokyo Statement"', '"Tokyo Statement"'),
    ("quantum*", "quantum*"),
    ("Japan OR Korea", "Japan OR Korea"),
    ("(Japan OR Korea) NOT China", "( Japan OR Korea ) NOT China"),
    ("U.S.", '"U.S."'),  # FTS5 rejects the dots of a bare word: searched as a phrase of its parts
    ("R&D funding", '"R&D" funding'),
    ("U.S*", '"U.S"*'),
    ("  spaced   out ", "spaced out"),
    ('"Republic\x00 of Korea"', '"Republic  of Korea"'),  # a NUL would end the FTS5 string early
])
def test_parse_query(typed, expression):
    assert search.parse_query(typed) == expression


@pytest.mark.parametrize("typed,message", [
    ('"Republic of', "quotation mark is not closed"),
    ("", "Type a word"),
    ('""', "Type a word"),
])
def test_parse_query_rejects(typed, message):
    with pytest.raises(search.SearchError, match=message):
        search.parse_query(typed)


@pytest.mark.parametrize("typed,name", [
    ("Republic of Korea", "Republic of Korea"), ('"Republic of Korea"', "Republic of Korea"),
    ("  South   Korea ", "South Korea"), ("Korea*", None), ("Japan OR Korea", None), ('"a" "b"', None),
])
def test_plain_name(typed, name):
    assert search.plain_name(typed) == name


# --- the search -------------------------------------------------------------------------------------

def _search(datasette, query, shown=100000):
    return datasette(lambda ds: search.search(ds, DB, query, shown=shown))


def _fts(db, table, expression):
    return {r[0] for r in _sql(db, f"select x.id from {table}_fts join [{table}] x on x.rowid = {table}_fts.rowid "
                                   f"where {table}_fts match ?", [expression])}


@pytest.mark.parametrize("query,entity", [
    ("ROK", "South Korea"), ("Republic of Korea", "South Korea"), ('"Republic of Korea"', "South Korea"),
    ("South Korea", "South Korea"), ("south korea", "South Korea"),
    ("R.O.K.", "South Korea"),  # in data/aliases.json, in no document
    ("America", "United States"), ("U.S.", "United States"),
    ("rok", None), ("us", None),  # an acronym is matched in capitals only: the word "us" is no country
    ("Korea*", None), ("quantum", None),
])
def test_a_name_finds_its_entitys_claims_under_every_alias(db, datasette, query, entity):
    found = _search(datasette, query)
    claims = next(g for g in found["groups"] if g["table"] == "claims")
    ids = {r["id"] for r in claims["results"]}
    expected = _fts(db, "claims", search.parse_query(query))
    if entity:
        assert [e["name"] for e in found["entities"]] == [entity]
        expected |= {r[0] for r in _sql(db, NAMED, [entity])}
    else:
        assert found["entities"] == []
    assert ids == expected and claims["total"] == len(expected) and expected


def test_rok_republic_of_korea_and_south_korea_find_the_same_claims_of_the_entity(db, datasette):
    named = {r[0] for r in _sql(db, NAMED, ["South Korea"])}
    for query in ("ROK", "Republic of Korea", "South Korea"):
        results = next(g for g in _search(datasette, query)["groups"] if g["table"] == "claims")["results"]
        assert named <= {r["id"] for r in results}, query
    # the claim of the new document that says only "Republic of Korea (ROK)" is found by "South Korea"
    (claim_id,), = _sql(db, "select c.id from claims c join documents d on d.id = c.document_id "
                            "where d.path like '%korea_alias.txt' and c.text like 'The Republic of Korea (ROK)%'")
    results = next(g for g in _search(datasette, "South Korea")["groups"] if g["table"] == "claims")["results"]
    found = next(r for r in results if r["id"] == claim_id)
    assert not found["matched"]  # not by its words: by naming the entity
    assert re.findall(r'<mark class="match alias-match"[^>]*>([^<]*)</mark>', found["html"]) == ["Republic of Korea", "ROK"]


@pytest.mark.parametrize("table", ["claims", "entities", "sentences", "notes", "bibliography"])
@pytest.mark.parametrize("query", ['"Tokyo Statement"', "pledg*", "KAIST", "quantum AND Japan"])
def test_every_group_counts_what_its_table_search_finds(db, datasette, table, query):
    found = _search(datasette, query, shown=5)
    group = next(g for g in found["groups"] if g["table"] == table)
    expected = _fts(db, table, search.parse_query(query))
    if table == "claims" and found["entities"]:
        expected |= {r[0] for e in found["entities"] for r in _sql(db, NAMED, [e["name"]])}
    assert group["total"] == len(expected)
    assert len(group["results"]) == min(5, len(expected)) and {r["id"] for r in group["results"]} <= expected
    assert (group["more_url"] is not None) == (len(expected) > 5)
    if group["more_url"]:
        assert group["more_url"].startswith(f"/{DB}/{table}?_search=") and "_searchmode=raw" in group["more_url"]


@pytest.mark.parametrize("table", ["claims", "sentences", "notes", "bibliography"])
@pytest.mark.parametrize("query", ["quantum", '"U.S."', "pledg*"])
def test_a_groups_more_link_is_datasettes_search_of_the_same_rows(datasette, get, table, query):
    found = _search(datasette, query, shown=1)
    group = next(g for g in found["groups"] if g["table"] == table)
    if group["total"] <= 1:
        assert group["more_url"] is None
        return
    path, _, params = group["more_url"].partition("?")
    count = get(f"{path}.json?{params}").json()["filtered_table_rows_count"]
    if table == "claims" and found["entities"]:  # the claims naming the entity only are not in the table search
        assert 0 < count <= group["total"]
    else:
        assert count == group["total"]


@pytest.mark.parametrize("query,words", [
    ('"Tokyo Statement"', re.compile(r"tokyo\W+statement", re.I)),
    ("pledg*", re.compile(r"\bpledg\w*", re.I)),
    ("KAIST", re.compile(r"\bKAIST\b", re.I)),  # a web address's kaist too
])
def test_results_show_the_match_highlighted_and_escaped(db, datasette, query, words):
    found = _search(datasette, query)
    forms = {form for e in found["entities"] for form in [e["name"], *json.loads(e["aliases"] or "[]")]}
    shown = 0
    for group in found["groups"]:
        for r in group["results"]:
            marks = re.findall(r'<mark class="(match[^"]*)"[^>]*>(.*?)</mark>', str(r["html"]))
            if group["table"] == "entities" and not marks:  # the match is in an alias
                marks = [m for a in r["aliases_html"] for m in re.findall(r'<mark class="(match)">(.*?)</mark>', str(a))]
            assert marks, (group["table"], r["html"])
            for kind, text in marks:  # the words searched for, or (alias-aware) a name of the entity found
                assert words.fullmatch(html.unescape(text)) or (kind == "match alias-match" and html.unescape(text) in forms)
            shown += 1
    assert shown


def test_results_link_to_their_claim_entity_and_document(db, datasette):
    found = _search(datasette, "ROK")
    groups = {g["table"]: g for g in found["groups"]}
    claim = groups["claims"]["results"][0]
    assert claim["url"] == f"/{DB}/claims/{claim['id']}" and claim["document_url"] == f"/{DB}/documents/{claim['document_id']}"
    assert groups["entities"]["results"][0]["url"] == f"/{DB}/entities/{_entity_id(db, 'South Korea')}"
    holding = dict(_sql(db, "select sentence_id, min(id) from claims group by sentence_id"))
    for s in groups["sentences"]["results"]:  # a sentence that is a claim leads to the claim
        assert s.get("claim_url") == (f"/{DB}/claims/{holding[s['id']]}" if s["id"] in holding else None)


def test_markup_in_a_result_is_shown_not_run(datasette):
    results = [r for g in _search(datasette, "Daejeon")["groups"] for r in g["results"]]
    texts = [str(r["html"]) for r in results if "alert(1)" in str(r["html"])]
    assert texts and all("&lt;script&gt;alert(1)&lt;/script&gt;" in t and "<script>" not in t for t in texts)


@pytest.mark.parametrize("query", ["AND", "Japan AND", "NOT", "(Japan", '"open'])
def test_a_query_fts5_cannot_read_is_a_message(datasette, get, query):
    with pytest.raises(search.SearchError) as error:
        _search(datasette, query)
    response = get("/-/search?" + urllib.parse.urlencode({"q": query}))
    assert response.status_code == 400
    shown, = re.findall(r'<p class="search-error[^>]*>(.*?)</p>', response.text, re.S)
    assert html.unescape(shown) == str(error.value)


def test_search_page_has_a_language_one_heading_and_a_labelled_box(get):
    page = get("/-/search?q=ROK").text
    assert re.search(r'<html lang="en">', page)
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    assert re.search(r'<label for="search-q">', page) and re.search(r'<input id="search-q"[^>]*name="q"[^>]*value="ROK"', page)
    assert '<mark class="match">ROK</mark>' in page
    assert get("/-/search").status_code == 200 and "<h1>Search the corpus</h1>" in get("/-/search").text


# --- the entity page --------------------------------------------------------------------------------

def _page(datasette, db, name, show_all=None):
    entity_id = _entity_id(db, name)
    return datasette(lambda ds: entity_page.entity_page(ds, DB, entity_id, show_all))


ENTITIES = ["South Korea", "United States", "Japan", "Korea Advanced Institute of Science and Technology", "Daejeon"]
MENTIONS = "select count(*), count(distinct m.document_id) from mentions m join entities e on e.id = m.entity_id where e.name = ?"


@pytest.mark.parametrize("name", ENTITIES)
def test_entity_page_counts_its_documents_mentions_and_claims(db, datasette, name):
    shown = _page(datasette, db, name)
    lists = shown["lists"]
    (n_mentions, n_documents), = _sql(db, MENTIONS, [name])
    assert (lists["mentions"]["total"], lists["documents"]["total"]) == (n_mentions, n_documents)
    per_document = dict(_sql(db, "select m.document_id, count(*) from mentions m join entities e on e.id = m.entity_id "
                                 "where e.name = ? group by m.document_id", [name]))
    assert {d["id"]: d["n"] for d in lists["documents"]["rows"]}.items() <= per_document.items()
    claims = {r[0] for r in _sql(db, NAMED, [name])}
    assert lists["claims"]["total"] == len(claims) and {c["id"] for c in lists["claims"]["rows"]} <= claims
    for which in lists.values():  # bounded, and saying how many more
        assert len(which["rows"]) == min(which["total"], entity_page.SHOWN[which["name"]])
        assert which["more"] == which["total"] - len(which["rows"])
        assert (which["more_url"] is not None) == (which["more"] > 0)


@pytest.mark.parametrize("name", ENTITIES)
def test_mentions_in_context_are_their_sentences_words(db, datasette, name):
    for m in _page(datasette, db, name, show_all="mentions")["lists"]["mentions"]["rows"]:
        (sentence, doc_text), = _sql(db, "select s.text, d.text from mentions m join documents d on d.id = m.document_id "
                                         "left join sentences s on s.id = m.sentence_id where m.id = ?", [m["id"]])
        left, right = _text(m["left"]).removeprefix("… "), _text(m["right"]).removesuffix(" …")
        assert doc_text[m["start"]:m["end"]] == m["text"]
        assert left + m["text"] + right in (sentence or doc_text)
        in_claim = _sql(db, 'select id from claims where document_id = ? and start <= ? and "end" >= ? '
                            'order by start limit 1', [m["document_id"], m["start"], m["end"]])
        assert m["url"] == (f"/{DB}/claims/{in_claim[0][0]}" if in_claim else f"/{DB}/sentences/{m['sentence_id']}")


def test_a_mention_among_markup_is_escaped(db, datasette):
    lines = [m for m in _page(datasette, db, "Daejeon")["lists"]["mentions"]["rows"] if "alert" in _text(m["right"])]
    assert lines and all(isinstance(m["right"], Markup) and "&lt;script&gt;" in m["right"] for m in lines)


@pytest.mark.parametrize("name", ENTITIES)
def test_co_mentioned_entities_are_those_of_its_sentences(db, datasette, name):
    co = _page(datasette, db, name, show_all="co_mentioned")["lists"]["co_mentioned"]
    expected = dict(_sql(db, """select o.entity_id, count(distinct o.sentence_id) from mentions m
        join mentions o on o.sentence_id = m.sentence_id and o.entity_id != m.entity_id
        join entities e on e.id = m.entity_id where e.name = ? group by o.entity_id""", [name]))
    assert {e["id"]: e["n"] for e in co["rows"]} == expected and co["total"] == len(expected)
    assert all(e["url"] == f"/{DB}/entities/{e['id']}" for e in co["rows"])
    assert [e["n"] for e in co["rows"]] == sorted((e["n"] for e in co["rows"]), reverse=True)


@pytest.mark.parametrize("name", ENTITIES)
def test_first_and_last_dates_of_its_sentences(db, datasette, name):
    dates = _page(datasette, db, name)["dates"]
    values = _sql(db, """select d.value, coalesce(d.value_end, d.value) from dates d where d.value is not null
        and d.sentence_id in (select m.sentence_id from mentions m join entities e on e.id = m.entity_id where e.name = ?)""",
                  [name])
    assert dates["n"] == len(values)
    if values:
        assert dates["first"]["value"] == min(v for v, _ in values)
        assert (dates["last"]["value_end"] or dates["last"]["value"]) == max(v for _, v in values)


@pytest.mark.parametrize("name", ENTITIES)
def test_facts_are_those_its_claims_report(db, datasette, name):
    facts = _page(datasette, db, name, show_all="facts")["lists"]["facts"]
    expected = {r[0] for r in _sql(db, f"select distinct c.fact_id from claims c where c.fact_id is not null "
                                       f"and c.id in ({NAMED})", [name])}
    assert {f["id"] for f in facts["rows"]} == expected and facts["total"] == len(expected)


def test_a_list_shown_in_full_and_its_more_link(db, datasette):
    bounded = _page(datasette, db, "South Korea")["lists"]["mentions"]
    assert bounded["more"] > 0 and bounded["more_url"] == f"/{DB}/entities/{_entity_id(db, 'South Korea')}?all=mentions#mentions"
    full = _page(datasette, db, "South Korea", show_all="mentions")["lists"]["mentions"]
    assert len(full["rows"]) == full["total"] == bounded["total"] and full["more_url"] is None


def test_entity_page_renders(db, get):
    page = get(f"/{DB}/entities/{_entity_id(db, 'South Korea')}").text
    assert '<strong>South Korea</strong>' in page and '<span class="alias">ROK</span>' in page
    assert page.count('<tr class="kwic-line">') == entity_page.SHOWN["mentions"]
    assert re.search(r'more-link" href="/search/entities/\w+\?all=mentions#mentions"', page)
    assert f'href="/{DB}/entities/{_entity_id(db, "United States")}">United States</a>' in page
    assert get(f"/{DB}/entities/{_entity_id(db, 'South Korea')}?all=mentions").text.count('<tr class="kwic-line">') \
        == _sql(db, MENTIONS, ["South Korea"])[0][0]


# --- entity names are links everywhere --------------------------------------------------------------

def _link(db, name):
    return f'<a class="entity-link" href="/{DB}/entities/{_entity_id(db, name)}">{escape(name)}</a>'


def test_entity_names_are_links(db, get):
    (claim_id, speaker), = _sql(db, "select c.id, c.speaker from claims c join entities e on e.name = c.speaker "
                                    "order by c.id limit 1")
    (fact_id, named), = _sql(db, f"""select c.fact_id, e.name from claims c join mentions m on m.document_id = c.document_id
        and m.start >= c.start and m."end" <= c."end" join entities e on e.id = m.entity_id
        where c.fact_id is not null order by c.fact_id, e.name limit 1""")
    pages = [  # page, a name it must show as a link to the entity's page
        (f"/{DB}/claims/{claim_id}", speaker),  # the claim's speaker
        (f"/{DB}/facts/{fact_id}", named),  # the entities its claims name
        (f"/{DB}/entities?_sort_desc=n_mentions", "United States"),  # the entities table
        (f"/{DB}/claims?speaker={speaker.replace(' ', '+')}", speaker),  # claims.speaker in the claims table
        (f"/{DB}/claims_mentioning?entity=Japan", "Japan"),  # a query's entity column
    ]
    for path, name in pages:
        response = get(path)
        assert response.status_code == 200 and _link(db, name) in response.text, path


# --- a big corpus: a list that runs out of time ----------------------------------------------------

COPIES = 60  # the corpus 60 times over: 55,000 mentions, 15,000 claims
REKEYED = {"id", "document_id", "sentence_id", "paragraph_id"}


@pytest.fixture(scope="module")
def big_db(db, tmp_path_factory):
    """The database with every document copied COPIES times (new ids, the same entities)."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    shutil.copy(db, path)
    conn = sqlite3.connect(path)
    conn.execute("create temp table copies(n integer)")
    conn.executemany("insert into copies values (?)", [(n,) for n in range(1, COPIES)])
    for table in ("documents", "paragraphs", "sentences", "mentions", "dates", "claims"):
        columns = [r[1] for r in conn.execute(f"pragma table_info({table})")]
        values = [f"x.[{c}] || '_' || copies.n" if c in REKEYED or (table, c) == ("documents", "path") else f"x.[{c}]"
                  for c in columns]
        conn.execute(f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                     f"select {', '.join(values)} from [{table}] x, copies")
    conn.commit()
    conn.close()
    return path


def test_a_list_too_slow_for_the_time_limit_is_said_so_and_the_page_still_shown(big_db):
    from datasette.app import Datasette

    from pipeline.serve import serve
    from pipeline.serve.datasette import PLUGINS, TEMPLATES

    metadata = serve.build_metadata(big_db)
    # each list gets 1 ms (the lookups around them the server's default): joining thousands of
    # sentences with their mentions takes tens of milliseconds on any machine
    metadata.setdefault("plugins", {})[entity_page.PLUGIN] = {"list_time_limit_ms": 1}
    ds = Datasette(immutables=[str(big_db)], metadata=metadata, template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS))
    entity_id = _entity_id(big_db, "United States")

    async def read():
        await ds.invoke_startup()
        return await entity_page.entity_page(ds, "big", entity_id), await ds.client.get(f"/big/entities/{entity_id}")

    shown, response = asyncio.run(read())
    slow = [name for name, which in shown["lists"].items() if which.get("too_slow")]
    assert "co_mentioned" in slow
    (n_mentions, n_documents), = _sql(big_db, MENTIONS, ["United States"])
    for name, total in (("mentions", n_mentions), ("documents", n_documents)):
        assert name in slow or shown["lists"][name]["total"] == total
    assert response.status_code == 200 and 'class="too-slow"' in response.text


# --- whatever is typed ------------------------------------------------------------------------------

QUERY_PIECES = ['"', "*", "(", ")", " ", "AND", "OR", "NOT", "NEAR(", "NEAR", "^", ":", "-", "+", ",", "ROK", "U.S.",
                "text:", "speaker:", "Korea", "quantum", "'", "\\", "\u0000", "\u202e", "é", "😀", "R&D", "{", "}"]
QUERIES = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(QUERY_PIECES), max_size=12).map("".join),
                    st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(max_size=4)), max_size=12).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_whatever_is_typed_is_results_or_a_message(datasette, get, query):
    status = get("/-/search?" + urllib.parse.urlencode({"q": query})).status_code
    try:
        found = _search(datasette, query, shown=3)
    except search.SearchError as exc:
        assert str(exc) and status == (400 if query.strip() else 200)  # an empty box is the empty search page
        return
    assert status == 200
    for group in found["groups"]:
        assert group["total"] >= len(group["results"])
        for r in group["results"]:
            assert isinstance(r["html"], Markup) and "<script" not in r["html"]
