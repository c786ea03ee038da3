"""Hostile inputs to serving (issue 13): huge document pages, bidirectional control characters, broken
database files, a port in use, and 404s. Every database is generated in the test.

The pages are rendered by a real Datasette, in-process through its test client or as
`claims-pipeline serve` on a free port. (The bidi case is checked on the HTML, not in a browser:
Chromium is not installed where this was written; see tests/test_serve_browser.py for browser tests.)
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlite_utils

from pipeline.serve import serve
from pipeline.serve.datasette import PLUGINS
from pipeline.serve.datasette.spans import SortedSpans, render_spans, span
from pipeline.store.schema import ensure_indexes, ensure_schema, ensure_search

from ..conftest import ROOT

STARTUP_SECONDS = 60


def make_db(path, paragraphs: list[str], title: str = "Generated report", speaker: str | None = None):
    """A claims database of one document made of these paragraphs, each one sentence and one claim
    (ids are text, as in a build: "1", "2", ...)."""
    text = "\n\n".join(paragraphs)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    db["documents"].insert({"id": 1, "path": "raw/generated.txt", "sha256": hashlib.sha256(text.encode()).hexdigest(),
                            "format": "txt", "title": title, "n_pages": 1, "text": text,
                            "paths": json.dumps(["raw/generated.txt"]), "n_claims": len(paragraphs)})
    rows: dict[str, list[dict]] = {"paragraphs": [], "sentences": [], "claims": []}
    pos = 0
    for i, para in enumerate(paragraphs, 1):
        where = {"document_id": 1, "start": pos, "end": pos + len(para), "text": para}
        rows["paragraphs"].append(dict(where, id=i, seq=i, kind="prose", page=1))
        rows["sentences"].append(dict(where, id=i, paragraph_id=i, page=1, score=0.9))
        rows["claims"].append(dict(where, id=i, sentence_id=i, kind="launch", modality="asserted", score=0.9,
                                   speaker=speaker))
        pos += len(para) + 2
    for table, items in rows.items():
        db[table].insert_all(items, batch_size=1000)
    db["runs"].insert({"id": 1, "started": "2024-01-01T00:00:00", "finished": "2024-01-01T00:01:00",
                       "pipeline_version": "test", "spacy_model": "test", "n_documents": 1, "claim_threshold": 0.5})
    ensure_indexes(db)
    ensure_search(db)
    db.conn.commit()
    db.conn.close()
    return path


def datasette_client(db):
    """get(path) -> response of a real in-process Datasette serving db as `claims-pipeline serve` does."""
    from ..test_serve_serve import _datasette_get

    return _datasette_get(db)


# --- case 9: a document page of many paragraphs and claims ----------------------------------------

@pytest.mark.parametrize("seed", range(30))
def test_a_paragraph_gets_the_highlights_it_would_get_from_all_of_them(seed):
    """SortedSpans.starting_in(lo, hi) renders a stretch exactly as the document's every span would:
    crossing spans, insertions, equal starts, spans out of the stretch."""
    rng = random.Random(seed)
    text = "".join(rng.choice("ab <&>\n") for _ in range(200))
    spans = []
    for _ in range(rng.randrange(60)):
        start = rng.randrange(len(text) + 1)
        end = start if rng.random() < 0.2 else rng.randrange(start, min(len(text), start + 40) + 1)
        spans.append(span(start, end, rng.choice(["a", "mark", "sup"]), content=str(rng.randrange(9)) if start == end else "",
                          class_=f"c{rng.randrange(3)}", title="t<\"'>"))
    index = SortedSpans(spans)
    for _ in range(20):
        lo = rng.randrange(len(text) + 1)
        hi = rng.randrange(lo, len(text) + 1)
        assert render_spans(text[lo:hi], lo, index.starting_in(lo, hi)) == render_spans(text[lo:hi], lo, spans)


N_PARAGRAPHS = 30_000  # with a claim each; 8,000 took 2.0 s (4.2 s here) when each paragraph scanned every claim


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("big") / "big.db",
                   [f"The agency launched programme {i} in 2021." for i in range(N_PARAGRAPHS)])


@pytest.mark.timeout(40)
def test_document_page_of_many_paragraphs_and_claims(big_db):
    response = datasette_client(big_db)("/big/documents/1")
    assert response.status_code == 200
    linked = [int(i) for i in re.findall(r'<a class="claim" id="claim-(\d+)" href="/big/claims/\d+"', response.text)]
    assert linked == list(range(1, N_PARAGRAPHS + 1))  # every claim, in its paragraph, in order
    assert f">The agency launched programme {N_PARAGRAPHS - 1} in 2021.</a>" in response.text


# --- case 14: bidirectional control characters ----------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
RAW_BIDI = re.compile(f"[{BIDI}]")
MARKER = re.compile(r"\u27e8U\+([0-9A-F]{4})\u27e9")


def _shown_text(html_fragment: str) -> str:
    """What a fragment of a page says, with each marker turned back into its character."""
    import html

    return MARKER.sub(lambda m: chr(int(m.group(1), 16)), html.unescape(re.sub(r"<[^>]+>", "", html_fragment)))


@pytest.fixture(scope="module")
def bidi_db(tmp_path_factory):
    paragraphs = [f"The agency pledged {c}$5 million{c} to the fund." for c in BIDI]
    paragraphs.append("\u202eThe ministry signed the accord in 2021, said \u2067\u0627\u0644\u0648\u0632\u064a\u0631\u2069.")
    return make_db(tmp_path_factory.mktemp("bidi") / "bidi.db", paragraphs,
                   title="Annual \u202etroper\u202c 2021", speaker="Dr\u202e Who")


@pytest.fixture(scope="module")
def bidi_get(bidi_db):
    return datasette_client(bidi_db)


BIDI_PAGES = ["/bidi/documents/1", "/bidi/claims/1", "/bidi/claims/13", "/bidi/claims", "/bidi/claims?_facet=speaker",
              "/bidi/sentences", "/bidi/sentences/5", "/bidi/paragraphs", "/bidi/paragraphs/13", "/bidi/documents",
              "/bidi/documents?_search=x", "/bidi/claims?_search=%E2%80%AEministry"]


@pytest.mark.parametrize("path", BIDI_PAGES)
def test_pages_show_bidi_controls_as_markers_never_raw(bidi_get, path):
    html = bidi_get(path).text
    assert bidi_get(path).status_code == 200
    assert not RAW_BIDI.search(html), f"a raw bidi control on {path}"
    assert MARKER.search(html), f"no marker on {path}"


@pytest.mark.parametrize("char", BIDI)
def test_the_document_page_marks_each_control_with_its_name(bidi_get, char):
    html = bidi_get("/bidi/documents/1").text
    import unicodedata

    assert (f'<span class="bidi-control" title="U+{ord(char):04X} {unicodedata.name(char)}: an invisible control '
            f'character that reorders the text around it; shown here, not applied (the stored text keeps it)">'
            f'\u27e8U+{ord(char):04X}\u27e9</span>') in html


def test_highlights_stay_on_the_stored_offsets(bidi_db, bidi_get):
    """The stored text keeps its controls (offsets exact); each claim highlighted says exactly its text."""
    conn = sqlite3.connect(bidi_db)
    claims = dict(conn.execute("select id, text from claims"))
    text, = conn.execute("select text from documents").fetchone()
    assert all(RAW_BIDI.search(t) for t in claims.values())
    assert all(text[s:e] == t for s, e, t in conn.execute('select start, "end", text from claims'))
    html = bidi_get("/bidi/documents/1").text
    shown = dict(re.findall(r'<a class="claim" id="claim-(\d+)"[^>]*>(.*?)</a>', html))
    assert {i: _shown_text(t) for i, t in shown.items()} == claims
    page = bidi_get("/bidi/claims/13").text
    quote = re.search(r'<blockquote class="claim-text">(.*?)</blockquote>', page).group(1)
    assert _shown_text(quote) == claims["13"]
    assert bidi_get("/bidi/claims/13.json?_shape=objects").json()["rows"][0]["text"] == claims["13"]  # data as stored


def test_stored_text_is_isolated_on_the_pages():
    css = (PLUGINS.parent / "static" / "audit.css").read_text(encoding="utf-8")
    rule = re.search(r"([^{}]*)\{\s*unicode-bidi:\s*isolate;\s*\}", css)
    assert rule and all(s in rule.group(1) for s in ("mark", "a", "span", ".bidi-control", "td"))


# --- case 16: a database file that is no database ------------------------------------------------

def _corrupt(kind: str, good, path):
    data = good.read_bytes()
    if kind == "garbage":
        path.write_bytes(random.Random(1).randbytes(5000))
    elif kind == "text":
        path.write_text("id,text\n1,not a database\n" * 50)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "half a header":
        path.write_bytes(data[:50])
    elif kind == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif kind == "missing":
        pass
    return path


DAMAGE = {  # kind -> what the message says (after "<db> ")
    "garbage": "is not a SQLite database (it does not start with 'SQLite format 3'); rebuild it: claims-pipeline build raw/ --db ",
    "text": "is not a SQLite database (it does not start with 'SQLite format 3'); rebuild it: claims-pipeline build raw/ --db ",
    "empty": "is empty (0 bytes), not a SQLite database; rebuild it: claims-pipeline build raw/ --db ",
    "half a header": "is truncated (50 bytes, shorter than a SQLite header); rebuild it: claims-pipeline build raw/ --db ",
    "truncated": "is truncated (",
    "missing": "does not exist; build it first: claims-pipeline build raw/ --db ",
}


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    return make_db(tmp_path_factory.mktemp("small") / "hostile.db",
                   [f"The agency launched programme {i} in 2021." for i in range(200)])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["check", "serve"])
@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_database_is_one_line_naming_the_fix(small_db, tmp_path, command, kind):
    db = _corrupt(kind, small_db, tmp_path / "claims.db")
    result = subprocess.run([sys.executable, "-m", "pipeline", command, "--db", str(db), "--port", str(_free_port())]
                            if command == "serve" else [sys.executable, "-m", "pipeline", command, "--db", str(db)],
                            capture_output=True, text=True, cwd=ROOT, timeout=50)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"Error: {db} {DAMAGE[kind]}")
    assert result.stderr.rstrip().endswith(f"--db {db}")


def test_check_names_damage_past_the_schema(small_db, tmp_path):
    """Pages overwritten in the middle: the header and schema read, the check meets the damage."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    db = tmp_path / "claims.db"
    data = bytearray(small_db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    conn = sqlite3.connect(small_db)
    schema = {n for (n,) in conn.execute("select pageno from dbstat where name = 'sqlite_schema'")}
    rows = sorted(n for (n,) in conn.execute("select pageno from dbstat where name = 'claims'"))
    conn.close()
    for number in rows[len(rows) // 4:]:  # pages of rows, not of the schema
        if number not in schema:
            data[(number - 1) * page:number * page] = random.Random(number).randbytes(page)
    db.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["check", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {db} is damaged (database disk image is malformed); "
                             f"rebuild it: claims-pipeline build raw/ --db {db}\n")


def test_serve_serves_a_database_without_the_claims_tables(tmp_path):
    """Another SQLite database is served as it is (no canned queries), not a traceback."""
    db = tmp_path / "other.db"
    sqlite_utils.Database(db)["things"].insert({"id": 1, "name": "x"}, pk="id")
    metadata = serve.build_metadata(db)
    assert metadata["databases"]["other"]["queries"] == {}
    assert datasette_client(db)("/other/things/1").status_code == 200


# --- case 18: a port in use -----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_on_a_port_in_use_is_one_line_naming_another(small_db, host):
    with socket.socket() as busy:
        busy.bind((host, 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "pipeline", "serve", "--db", str(small_db), "--host", host,
                                 "--port", str(port)], capture_output=True, text=True, cwd=ROOT, timeout=50)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"Error: port {port} on {host} is in use (another server is listening on it); serve on "
                             f"another: claims-pipeline serve --port {port + 1}, or make serve PORT={port + 1}\n")


@pytest.mark.parametrize("host,says", [
    ("10.255.255.1", "(Cannot assign requested address: not an address of this machine); check --host"),
    ("no-such-host.invalid", "; check --host (127.0.0.1 serves this machine)"),
])
def test_serve_on_an_address_not_this_machines(small_db, host, says):
    with pytest.raises(serve.PortUnavailable, match=re.escape(says)):
        serve.ensure_port_free(host, _free_port())


def test_a_free_port_is_free_and_stays_free():
    port = _free_port()
    serve.ensure_port_free("127.0.0.1", port)
    serve.ensure_port_free("127.0.0.1", port)  # released: a second look finds it free too
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


# --- case 19: 404s are 404s, quietly --------------------------------------------------------------

NOT_FOUND = [
    "/hostile/sqlite_master/1",        # was a 500: KeyError in Datasette's row page
    "/hostile/sqlite_master/1.json",
    "/hostile/nosuch/1",               # was a 400
    "/hostile/claims/1/more",          # was a 500: rich raised outside an except block
    "/hostile/claims/999999",          # was a 404 with a screen of traceback
    "/hostile/claims/999999.json",
    "/hostile/nosuch",
    "/nosuch",
    "/nosuch/claims/1",
    "/-/claim/999999",                 # redirects to /hostile/claims/999999
    "/claims-static/nosuch.css",
]
FOUND = ["/hostile/claims/1", "/hostile/claims/1.json", "/hostile/claims_fts/1", "/-/static/app.css",
         "/claims-static/audit.css", "/hostile/documents/1"]


@pytest.fixture(scope="module")
def server(small_db):
    """`claims-pipeline serve` on a free port; yields (base URL, its console log file)."""
    import os

    port, log = _free_port(), small_db.parent / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(small_db), "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env=dict(os.environ, PYTHONUNBUFFERED="1"))
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"datasette did not start on {base}:\n{log.read_text()}")
            time.sleep(0.3)
    yield base, log
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _console_after(log, path, before: int) -> str:
    """The console output from offset before up to the access line of the request for path."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = log.read_text()[before:]
        if f'"GET {path.split("?")[0]}' in text:
            return text
        time.sleep(0.1)
    return log.read_text()[before:]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", NOT_FOUND)
def test_a_404_is_a_404_with_a_clean_page_and_no_traceback(server, path):
    base, log = server
    before = len(log.read_text())
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(base + path, timeout=20)
    assert error.value.code == 404
    body = error.value.read().decode()
    if path.endswith(".json"):
        assert json.loads(body)["status"] == 404
    elif not path.startswith("/claims-static/"):
        assert "<h1>Error 404</h1>" in body and "Traceback" not in body
    console = _console_after(log, urllib.parse.urlsplit(error.value.url).path, before)
    lines = [line for line in console.splitlines() if line.strip()]
    assert all(line.startswith("INFO:") and '" 40' in line or "302" in line for line in lines), console


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", FOUND)
def test_pages_that_exist_are_still_served(server, path):
    base, _ = server
    assert urllib.request.urlopen(base + path, timeout=20).status == 200


@pytest.mark.parametrize("path", NOT_FOUND[:-1])
def test_a_404_in_process_prints_nothing(small_db, capfd, path):
    response = datasette_client(small_db)(path)
    if path.startswith("/-/claim/"):
        assert response.status_code == 302
        response = datasette_client(small_db)(response.headers["location"])
    assert response.status_code == 404
    out, err = capfd.readouterr()
    assert out == "" and err == ""
