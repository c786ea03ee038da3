"""Web pages: main text through trafilatura, the rest of the page kept and classified, metadata."""
from __future__ import annotations

import pytest

from pipeline.clean import document as clean
from pipeline.ingest import parse_file
from pipeline.types import InputError

ARTICLE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Allies Expand Quantum Research Pact | Example News</title>
<meta property="og:title" content="Allies Expand Quantum Research Pact">
<meta property="og:site_name" content="Example News">
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2023-08-18T09:30:00Z">
<link rel="canonical" href="https://news.example.com/2023/08/allies-quantum-pact">
<script>var tracking = "do not read me";</script>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/tech">Technology</a></li></ul></nav></header>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a> <a href="#">Email</a></div>
<main><article>
<h1>Allies Expand Quantum Research Pact</h1>
<p class="byline">By Maria Lopez</p>
<time datetime="2023-08-18">August 18, 2023</time>
<p>The United States, Japan and South Korea agreed on Friday to expand joint research on quantum computing,
officials said after a summit at Camp David.</p>
<p>The three governments will fund shared testbeds and exchanges of graduate students, according to a joint
statement released by the White House.</p>
<h2>Funding</h2>
<p>Japan pledged $40 million over five years for the testbed exchange, while South Korea committed
$12 million to student fellowships.</p>
<ul><li>Shared testbeds in Tokyo and Daejeon</li><li>Student fellowships starting in 2024</li></ul>
<table><tr><th>Program</th><th>Budget</th></tr><tr><td>Testbed exchange</td><td>$40 million</td></tr></table>
<p>“This partnership puts our researchers side by side,” the White House science adviser said in a statement.</p>
</article></main>
<aside class="newsletter"><h3>Sign up for our newsletter</h3>
<p>Get the week's technology news in your inbox every Friday. Subscribe now, it's free.</p>
<form><input type="email"><button>Subscribe</button></form></aside>
<footer><p>© 2023 Example News. All rights reserved.</p>
<p><a href="/privacy">Privacy Policy</a> | <a href="/terms">Terms of Use</a></p></footer>
</body></html>
"""

BARE = """<html><head><title>Notes on a Meeting</title></head><body>
<p>The committee met on Tuesday and agreed to publish its findings in a short report next month.</p>
<p>Members asked the secretariat to circulate a draft before the next session of the committee.</p>
</body></html>"""


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "article.html"
    path.write_text(ARTICLE, encoding="utf-8")
    raw = parse_file(path, path.parent)
    return raw, clean.clean_document(raw)


@pytest.mark.parametrize("text,kind", [
    ("Home", "boilerplate"),
    ("Technology", "boilerplate"),
    ("Share on Facebook Share on Twitter Email", "boilerplate"),
    ("Allies Expand Quantum Research Pact", "heading"),
    ("By Maria Lopez", "byline"),
    ("August 18, 2023", "metadata"),
    ("The United States, Japan and South Korea agreed on Friday to expand joint research on quantum computing, "
     "officials said after a summit at Camp David.", "body"),
    ("Funding", "heading"),
    ("Shared testbeds in Tokyo and Daejeon", "list"),
    ("Program\tBudget\nTestbed exchange\t$40 million", "table"),
    ("Sign up for our newsletter", "boilerplate"),
    ("Get the week's technology news in your inbox every Friday. Subscribe now, it's free.", "boilerplate"),
    ("© 2023 Example News. All rights reserved.", "boilerplate"),
    ("Privacy Policy | Terms of Use", "boilerplate"),
])
def test_page_blocks_are_kept_and_classified(article, text, kind):
    _, doc = article
    kinds = {p.text: p.kind for p in doc.paragraphs}
    assert kinds.get(text) == kind, kinds


OUTSIDE = """<html><head><title>Allies Expand Quantum Research Pact</title></head><body>
<div class="meta"><p>By Maria Lopez and John Smith</p><p>Updated: Aug. 19, 2023, 10:15 a.m. EDT</p>
<p>Tuesday, 18 August 2023</p><p>by the way, read this</p></div>
<main><article><h1>Allies Expand Quantum Research Pact</h1>
<p>The United States, Japan and South Korea agreed on Friday to expand joint research on quantum computing,
officials said after a summit at Camp David.</p>
<p>The three governments will fund shared testbeds and exchanges of graduate students, according to a joint
statement released by the White House.</p></article></main>
<aside><p>Maria Lopez is a reporter at Example News covering science policy.</p></aside></body></html>"""


@pytest.mark.parametrize("text,kind", [
    # Blocks outside the main text are told by clean's own cues (classify.classify_by_cues).
    ("By Maria Lopez and John Smith", "byline"),
    ("Updated: Aug. 19, 2023, 10:15 a.m. EDT", "metadata"),
    ("Tuesday, 18 August 2023", "metadata"),
    ("by the way, read this", "boilerplate"),
    ("Maria Lopez is a reporter at Example News covering science policy.", "byline"),
])
def test_blocks_outside_the_main_text_use_the_classifier_cues(tmp_path, text, kind):
    path = tmp_path / "outside.html"
    path.write_text(OUTSIDE, encoding="utf-8")
    kinds = {p.text: p.kind for p in clean.clean_document(parse_file(path, tmp_path)).paragraphs}
    assert kinds.get(text) == kind, kinds


def test_document_order_is_the_page_order(article):
    _, doc = article
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Home"
    assert texts.index("Funding") < texts.index("Shared testbeds in Tokyo and Daejeon") < texts.index(
        "Sign up for our newsletter")
    assert "do not read me" not in doc.text


@pytest.mark.parametrize("field,value", [
    ("title", "Allies Expand Quantum Research Pact"),
    ("author", "Maria Lopez"),
    ("publisher", "Example News"),
    ("published", "2023-08-18"),
    ("source_url", "https://news.example.com/2023/08/allies-quantum-pact"),
])
def test_metadata_from_the_page(article, field, value):
    _, doc = article
    assert getattr(doc.metadata, field) == value


def test_page_without_metadata(tmp_path):
    path = tmp_path / "bare.html"
    path.write_text(BARE, encoding="utf-8")
    doc = clean.clean_document(parse_file(path, tmp_path))
    assert doc.metadata.title == "Notes on a Meeting"
    assert doc.metadata.published is None and doc.metadata.source_url is None
    assert [p.kind for p in doc.paragraphs] == ["body", "body"]


@pytest.mark.parametrize("source", ["", "<html><body><script>only()</script></body></html>", "<!-- nothing -->"])
def test_page_without_text_is_an_input_error(tmp_path, source):
    path = tmp_path / "empty.html"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_file(path, tmp_path)
    assert str(caught.value).startswith("empty.html: ")
