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


# ----------------------------------------------------------------------------------------------
# Issue 16: trafilatura's main text read as it stands, nothing of the article lost to boilerplate.
# Each page is an article of a few paragraphs (so trafilatura finds it) with page furniture around it.

LEAD = ("The city council voted on Tuesday to approve a new budget for public transport, officials said after "
        "a long meeting that ran late into the night.")
SECOND = ("The town council of the neighbouring district voted the same way a week earlier, according to the "
          "minutes of its meeting published on Friday.")
LAST = ("The city assembly will meet again in March to review the first months of the plan, the council's "
        "spokesman said on Wednesday.")


def web_page(article: str, head: str = "", before: str = "", after: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>Council approves transport budget</title>{head}</head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
            f"{before}<article><h1>Council approves transport budget</h1><p>{LEAD}</p><p>{SECOND}</p>{article}"
            f"<p>{LAST}</p></article>{after}<footer><p>© 2023 Example News. All rights reserved.</p></footer></body></html>")


def read_page(tmp_path, source: str):
    path = tmp_path / "page.html"
    path.write_text(source, encoding="utf-8")
    return clean.clean_document(parse_file(path, tmp_path))


def kind_of(doc, text: str):
    found = [p.kind for p in doc.paragraphs if p.text == text]
    assert found, [(p.kind, p.text) for p in doc.paragraphs]
    return found[0]


# Cause 1: the cue words of boilerplate (instagram, share, subscribe) are never read inside the main text,
# and a main-text paragraph between two boilerplate blocks is not absorbed by them.
CUE_WORDS = [
    "Veteran actress Jane Doe has taken to her Instagram page to share some stunning photos of her family on "
    "holiday in Lagos, weeks after her new film opened.",
    "Investors subscribing for shares in the offer will pay 120 pence each, the company said in a filing.",
    "Share prices fell on Monday.",
]


@pytest.mark.parametrize("text", CUE_WORDS)
def test_cue_words_do_not_demote_the_main_text(tmp_path, text):
    source = web_page(f"<p>{text}</p>", before="<div><p>Share on Facebook</p><p>Subscribe to our newsletter</p></div>")
    assert kind_of(read_page(tmp_path, source), text) == "body"


# Cause 2: text trafilatura leaves as the tail of a heading (no <p> around it) is a paragraph of its own.
TAIL = ("Bus fares will fall by ten percent next year and three new tram lines will open, the mayor said in a "
        "statement on Wednesday morning.")


def test_text_after_a_subheading_is_read(tmp_path):
    source = web_page(f"<div><h2>What changes</h2>{TAIL}<br>The plan also funds new cycle lanes across the city "
                      "centre, which campaigners have sought for a decade.</div>")
    doc = read_page(tmp_path, source)
    assert kind_of(doc, "What changes") == "heading"
    assert kind_of(doc, TAIL) == "body"


# Cause 3: a page laid out with a table is read block by block (a data table stays a table), and no
# script text in a cell is kept anywhere.
LAYOUT = (f"<html><head><title>Council approves transport budget</title></head><body><table><tr>"
          "<td><a href='/'>Home</a><br><a href='/news'>News</a></td>"
          f"<td><h1>Council approves transport budget</h1><p>{LEAD}</p><p>{SECOND}</p>"
          "<script>googletag.cmd.push(function() { googletag.display('ad-1'); });</script>"
          f"<table><tr><th>Line</th><th>Opens</th></tr><tr><td>Tram 1</td><td>2025</td></tr>"
          f"<tr><td>Tram 2</td><td>2026</td></tr></table><p>{LAST}</p></td></tr></table></body></html>")


@pytest.mark.parametrize("text,kind", [
    (LEAD, "body"), (SECOND, "body"), (LAST, "body"),
    ("Council approves transport budget", "heading"),
    ("Line\tOpens\nTram 1\t2025\nTram 2\t2026", "table"),
])
def test_layout_table_is_read_as_blocks(tmp_path, text, kind):
    doc = read_page(tmp_path, LAYOUT)
    assert kind_of(doc, text) == kind
    assert "googletag" not in doc.text


@pytest.mark.parametrize("html,layout", [
    ("<table><tr><td>Tram 1</td><td>2025</td></tr><tr><td>Tram 2</td><td>2026</td></tr></table>", False),
    (f"<table><tr><td>Menu</td><td><p>{LEAD}</p><p>{SECOND}</p></td></tr></table>", True),
    ("<table><tr><td><p>Tram 1</p></td><td><p>2025</p></td></tr></table>", False),
    ("<table><tr><td>Menu</td><td><h2>Title</h2></td></tr></table>", True),
    (f"<table><tr><td>Menu</td><td>{LEAD} {SECOND}</td></tr></table>", True),
    ("<table><tr><td>Only cell</td></tr></table>", True),
])
def test_layout_or_data_table(html, layout):
    from lxml import html as lxml_html

    from pipeline.ingest.html import is_layout_table

    assert is_layout_table(lxml_html.fromstring(html)) is layout


# Cause 4: what trafilatura calls a paragraph is one, whatever it ends in; prose in Japanese is prose.
@pytest.mark.parametrize("text", [
    "Why would the council pay for trams when buses cost less?",
    "Nobody expected the vote to pass so easily!",
    "市議会は火曜日、公共交通の新しい予算を承認した。",
])
def test_sentences_ending_in_question_exclamation_or_cjk_stops_are_body(tmp_path, text):
    assert kind_of(read_page(tmp_path, web_page(f"<p>{text}</p>")), text) == "body"


@pytest.mark.parametrize("text,heading", [
    ("市議会は火曜日、公共交通の新しい予算を承認した。", False),  # plain text too: a Japanese sentence
    ("新しい予算", True),
    ("Funding", True),
])
def test_plain_text_heading_shape_knows_cjk_full_stops(text, heading):
    from pipeline.clean.classify import looks_like_heading

    assert looks_like_heading(text) is heading


def test_a_long_heading_element_is_a_paragraph(tmp_path):
    question = ("Q: When you woke up that first morning and you were officially in charge of the council, what "
                "were the two words that came to your mind about the job ahead?")
    doc = read_page(tmp_path, web_page(f"<h3>{question}</h3><p>A: Inspired and humbled.</p>"))
    assert kind_of(doc, question) == "body"


# Cause 5: a line break separates words: never `FLJune`.
def test_line_breaks_keep_words_apart(tmp_path):
    doc = read_page(tmp_path, web_page("<p>The tour opens at Coral Sky Amphitheatre, West Palm Beach, FL<br>June 10"
                                       " and closes at the Hollywood Bowl, Los Angeles, CA<br/>July 2, the band said.</p>"))
    assert "FLJune" not in doc.text and "CAJuly" not in doc.text
    assert "West Palm Beach, FL June 10 and closes" in doc.text


def test_line_breaks_and_paragraphs_in_table_cells_keep_words_apart(tmp_path):
    table = ("<table><tr><th>Venue</th><th>Date</th></tr><tr><td>Coral Sky<br>West Palm Beach, FL</td><td>June 10</td></tr>"
             "<tr><td><p>Hollywood Bowl</p>Los Angeles, CA</td><td>July 2</td></tr></table>")
    doc = read_page(tmp_path, web_page(table))
    assert "SkyWest" not in doc.text and "BowlLos" not in doc.text
    assert "Venue\tDate\nCoral Sky West Palm Beach, FL\tJune 10\nHollywood Bowl Los Angeles, CA\tJuly 2" in doc.text


# Cause 6 (smaller). A main-text block keeps its place in the page: a menu entry repeating a subheading
# does not pull the article up to the menu, nor is the subheading moved to the end.
def test_main_text_keeps_its_place(tmp_path):
    source = web_page(f"<h2>Funding</h2><p>{TAIL}</p>", before="<ul><li><a href='/funding'>Funding</a></li></ul>")
    paragraphs = [(p.kind, p.text) for p in read_page(tmp_path, source).paragraphs]
    assert [kind for kind, text in paragraphs if text == "Funding"] == ["boilerplate", "heading"]
    texts = [text for _, text in paragraphs]
    assert texts.index("Funding") < texts.index(LEAD) < texts.index("Funding", texts.index(LEAD)) < texts.index(TAIL)
    assert texts[-1] == "© 2023 Example News. All rights reserved."


@pytest.mark.parametrize("page_keys,main_keys,covers", [
    (["home", "funding", "lead" * 6, "funding", "tail" * 6], ["lead" * 6, "funding", "tail" * 6],
     {2: [0], 3: [1], 4: [2]}),  # the menu's `funding` is not the subheading
    (["first" * 5, "second" * 5], ["first" * 5 + "second" * 5], {0: [0], 1: [0]}),  # one main block, two on the page
    (["first" * 5 + "second" * 5], ["first" * 5, "second" * 5], {0: [1, 0]}),  # two main blocks in one page block
    (["abcdefghij" * 3 + "advert" + "klmnopqrst" * 3], ["abcdefghij" * 3 + "klmnopqrst" * 3], {0: [0]}),
])
def test_align_blocks(page_keys, main_keys, covers):
    from pipeline.ingest.html import align_blocks

    assert align_blocks(page_keys, main_keys) == covers


# Credit lines are bylines, not claims.
@pytest.mark.parametrize("text", [
    "Keith Bradsher contributed reporting from Hong Kong.",
    "Associated Press writers Alan Fram and Zeke Miller contributed to this report.",
    "Reporting by Rodrigo Campos; additional reporting by Stephanie Kelly; Editing by Nick Zieminski",
])
def test_credit_lines_are_bylines(tmp_path, text):
    assert kind_of(read_page(tmp_path, web_page(f"<p>{text}</p>")), text) == "byline"


# A paragraph that is all link (but for a short label) is a teaser for another page; a figure's caption,
# or an image's alt text written out beside it, is a caption; a paragraph of another <article> is its own.
RELATED = "Related: The 15 Weirdest Galaxies in Our Universe"
CAPTION = "Commuters wait for a tram at the central station in the morning rush hour"
OTHER = ("Another story entirely about the weather, which was warm for the time of year across the whole "
         "region on Sunday, forecasters said.")


@pytest.mark.parametrize("text,kind", [
    (RELATED, "boilerplate"),
    ("READ MORE: Why the council voted against the new trams last year", "boilerplate"),
    (CAPTION, "caption"),
    (OTHER, "boilerplate"),
    (TAIL, "body"),  # a paragraph with a link in it is prose
])
def test_markup_tells_teasers_captions_and_other_articles(tmp_path, text, kind):
    article = (f"<p><strong>Related: </strong><a href='/galaxies'>The 15 Weirdest Galaxies in Our Universe</a></p>"
               f"<p><strong>READ MORE: </strong><a href='/x'>Why the council voted against the new trams last year</a></p>"
               f"<div><img src='tram.jpg' alt='{CAPTION}'><p>{CAPTION}</p></div>"
               f"<p>Bus fares will fall by <a href='/fares'>ten percent</a> next year and three new tram lines will "
               f"open, the mayor said in a statement on Wednesday morning.</p>")
    source = web_page(article).replace("</article>", f"</article><article><p>{OTHER}</p></article>")
    doc = read_page(tmp_path, source)
    if kind == "boilerplate" and text == OTHER and OTHER not in doc.text:
        pytest.fail("the other article's paragraph was dropped instead of kept as boilerplate")
    assert kind_of(doc, text) == kind


def test_title_is_one_heading(tmp_path):
    """A page repeating its title keeps every copy, the title once as a heading, the others boilerplate."""
    source = web_page("", before="<div><h2>Council approves transport budget</h2></div>",
                      after="<div><h2>Council approves transport budget</h2></div>")
    doc = read_page(tmp_path, source)
    assert sorted(p.kind for p in doc.paragraphs if p.text == "Council approves transport budget") == [
        "boilerplate", "boilerplate", "heading"]


@pytest.mark.parametrize("author,names", [
    ("Username", None), ("Authority control", None), ("Admin", None),
    ("Mike Wuerthele; Malcolm Owen Monday; November", "Mike Wuerthele; Malcolm Owen"),
    ("Ilana Muhlstein; MS; RDN", "Ilana Muhlstein"),
    ("Detroit News wire services Published", "Detroit News wire services"),
    ("Sandee LaMotte; CNN", "Sandee LaMotte; CNN"),
    ("Theresa May", "Theresa May"),
])
def test_author_is_not_a_label(author, names):
    from pipeline.ingest.html import author_names

    assert author_names(author) == names


@pytest.mark.parametrize("tags,url", [
    ("<meta property='og:url' content='https://news.example.com/a/budget'>", "https://news.example.com/a/budget"),
    ("<link rel='canonical' href='https://news.example.com/b/budget'>", "https://news.example.com/b/budget"),
    ("<link rel='canonical' href='/relative/budget'>", None),
])
def test_source_url_is_the_page_s_own(tmp_path, tags, url):
    """Where the page names itself, even when its markup puts the tags in the body (where a stray element
    closed <head> early, and trafilatura, which looks in <head>, finds none)."""
    assert read_page(tmp_path, web_page("", head=tags)).metadata.source_url == url
    assert read_page(tmp_path, web_page("", before=tags)).metadata.source_url == url


@pytest.mark.parametrize("paragraphs,language", [
    ([LEAD, SECOND], "en"),
    (["A prefeitura registrou nesta manhã o arrombamento de dois dos cinco automóveis da unidade, que estavam "
      "sem as baterias e com marcas de depredação.",
      "Foi feito boletim de ocorrência e a polícia foi até o local para verificar os danos nos veículos."], "pt"),
    (["市議会は火曜日、公共交通の新しい予算を承認した。", "バスの運賃は来年一割下がる見込みだと市長は述べた。"], "ja"),
])
def test_language_of_the_prose(tmp_path, paragraphs, language):
    """Told from the prose, whatever the page declares (templates often say `en`)."""
    source = (f"<html lang='en'><head><title>T</title></head><body><article><h1>Title of the page</h1>"
              + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    doc = read_page(tmp_path, source)
    assert doc.metadata.language == language
    assert {p.kind for p in doc.paragraphs if p.text in paragraphs} == {"body"}


@pytest.mark.parametrize("declared,language", [("en-US", "en"), ("pt_BR", "pt"), ("", None)])
def test_language_declared_by_the_page_where_the_text_cannot_tell(tmp_path, declared, language):
    scores = "".join(f"<p>Palm Bay 18 22 13 17 — 70. Rockledge 14 11 6 15 — {n}.</p>" for n in range(40, 48))
    source = (f"<html lang='{declared}'><head><title>Scores</title></head><body><article><h1>Scores of the week</h1>"
              f"{scores}</article></body></html>")
    assert read_page(tmp_path, source).metadata.language == language
