"""Hostile inputs to clean (issue 13, cases 1-5, and the DATELINE pattern found beside them).

Each case was a pattern or a loop whose time grew exponentially or quadratically in its input. Each is
run here on the issue's input size (generated, never a file) under a timeout that the old code blows by
far, and checked against its plain definition (the old pattern or loop, kept here as the reference) on
random small inputs, so the fast version is the same function.
"""
from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from pipeline import lexicon
from pipeline.clean import clean_document, classify, markup
from pipeline.clean.blocks import Block
from pipeline.clean.document import join_lines
from pipeline.ingest import parse_file
from pipeline.types import Metadata, Page, RawDocument


def raw_text(text: str) -> RawDocument:
    return RawDocument("raw/hostile.txt", "0" * 64, "txt", [Page(1, text)], Metadata())


# --- the definitions: the plain patterns and loops, fine on small inputs ---------------------------

PLAIN_BYLINE = re.compile(r"^[Bb]y\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}"
                          r"(\s*(,|and|&)\s*[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3})*$")
PLAIN_DATELINE = re.compile(r"""
    ^(?:(?:published|posted|updated|date)\s*:?\s*)?
    (?:on\s+)?
    (?:(?:""" + "|".join(lexicon.WEEKDAYS) + r"""),?\s+)?
    (?:(?P<day_first>\d{1,2})(?:st|nd|rd|th)?\s+)?
    (?P<month>""" + lexicon.MONTH_NAME + r""")\.?\s+
    (?:(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+)?
    (?P<year>(?:19|20)\d\d)
    (?:,?\s+(?:at\s+)?\d{1,2}
       (?::\d\d\s*(?:[ap]\.?m\.?)?|\s*[ap]\.?m\.?)
       (?:\s+(?-i:[A-Z]{2,4}))?
    )?
    \.?$""", re.I | re.X)
PLAIN_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def plain_emphasis(text: str):
    """(clean_emphasis by its definition: both patterns until nothing changes, passes it took)."""
    for passes in range(1, 100):
        cleaned = markup.EMPHASIS.sub(r"\1", PLAIN_STRONG.sub(r"\1", text))
        if cleaned == text:
            return cleaned, passes
        text = cleaned
    raise AssertionError("no fixed point")


def plain_resolve(numbers):
    """resolve_mangled_markers by its definition: scan out from each mangled marker to its neighbours."""
    resolved = list(numbers)
    for i, value in enumerate(resolved):
        if value is not None:
            continue
        before = next((resolved[j] for j in range(i - 1, -1, -1) if resolved[j] is not None), None)
        after_index = next((j for j in range(i + 1, len(resolved)) if resolved[j] is not None), None)
        after = resolved[after_index] if after_index is not None else None
        if before is not None and (after is None or after - before == after_index - i + 1):
            resolved[i] = before + 1
        elif before is None and after is not None and after - (after_index - i) >= 1:
            resolved[i] = after - (after_index - i)
    return resolved


def plain_pull_quotes(texts_kinds):
    """mark_pull_quotes by its definition: each short paragraph against every other."""
    folded = [classify._fold(text) for text, _ in texts_kinds]
    bodies = [i for i, (_, kind) in enumerate(texts_kinds) if kind in ("body", "list")]
    return {i for i in bodies if len(texts_kinds[i][0].split()) <= lexicon.SHORT_WORDS
            and len(folded[i]) >= classify.PULL_QUOTE_MIN_CHARS
            and any(folded[i] in folded[j] for j in bodies if j != i and len(folded[j]) > len(folded[i]))}


# --- case 1: BYLINE, exponential in the `and`s that may be part of a name or join two --------------

BYLINE_PIECES = ["Ab", "Cd", "X", "Xand", "Xa", "andY", "Yand", "Q.", "O’Neil", "A-B", "É", "Zz1", "and", "Y",
                 "XaandYb", "andand"]
BYLINE_JOINTS = [" ", " ", " ", "and", " and ", ", ", " & ", ",", "&", "  ", "\n", " ,", "and ", ""]


def test_byline_is_the_plain_pattern():
    rng = random.Random(13)
    texts = ["By " + "".join(rng.choice(BYLINE_PIECES) + rng.choice(BYLINE_JOINTS) for _ in range(rng.randint(1, 8)))
             + rng.choice(BYLINE_PIECES + [""]) + rng.choice(["", "", "\n", "!", " "]) for _ in range(30_000)]
    texts += ["By Jane Doe", "By Jane Q. Doe, John Roe and Ann Poe", "by A Bb Cc Dd Ee", "By Ab Cd Ef GhandIj Kl Mn Op"]
    differ = [text for text in texts if bool(lexicon.BYLINE.match(text)) != bool(PLAIN_BYLINE.match(text))]
    assert not differ, differ[:5]
    assert 2_000 < sum(bool(lexicon.BYLINE.match(text)) for text in texts) < 28_000  # both answers are tried


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text", [
    "By Xa" + "andXa" * 40 + "!",  # the 206 bytes: the plain pattern doubles its time per `andXa`
    "By Xa" + "andXa" * 200_000 + "!",
    "By Xa" + "Xaand " * 200_000 + "!",
    "By Xa" + " and Xa" * 200_000 + "!",
    "By Xa" + "XaandXaand " * 100_000 + "!",
], ids=["issue", "glued", "trailing", "spaced", "both"])
def test_byline_near_miss_is_linear(text):
    assert lexicon.BYLINE.match(text) is None
    assert lexicon.BYLINE.match(text[:-1].rstrip())  # without the `!` it is a byline of many groups


@pytest.mark.timeout(10)
def test_byline_near_miss_file_is_cleaned(tmp_path):
    """The issue's 206-byte .txt, through ingest and clean."""
    (tmp_path / "raw").mkdir()
    path = tmp_path / "raw" / "byline.txt"
    path.write_text("By Xa" + "andXa" * 40 + "!")
    doc = clean_document(parse_file(path, tmp_path))
    assert [p.kind for p in doc.paragraphs] != ["byline"] and doc.text == path.read_text()


# --- DATELINE: a run of whitespace after a label was given back character by character (cubic) ------

DATELINE_PARTS = ["published", "Posted", "date", "updated", ":", " ", "  ", "\t", "\n", "on", "Tuesday", ",", "18", "3",
                  "th", "Aug", ".", "August", "March", "2023", "1999", "9", ":30", "a", ".m.", "m", "pm", "at", "EST",
                  "est", "X", "sept"]


def test_dateline_is_the_plain_pattern():
    rng = random.Random(17)
    texts = []
    for _ in range(30_000):
        texts.append(rng.choice(["", "Published: ", "Updated ", "on ", "Tuesday, "]) + rng.choice(["", "18 ", "3rd "])
                     + rng.choice(["Aug. ", "March ", "sept "]) + rng.choice(["", "18, ", "3 "])
                     + rng.choice(["2023", "1999"]) + "".join(rng.choice(DATELINE_PARTS) for _ in range(rng.randint(0, 6))))
        texts.append("".join(rng.choice(DATELINE_PARTS) for _ in range(rng.randint(1, 12))))

    def groups(match):
        return match and match.groupdict()
    differ = [text for text in texts if groups(lexicon.DATELINE.match(text)) != groups(PLAIN_DATELINE.match(text))]
    assert not differ, differ[:5]
    assert sum(bool(lexicon.DATELINE.match(text)) for text in texts) > 3_000


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text", [
    "published" + "\t" * 100_000 + "!",  # a table row of empty cells: the plain pattern took ~50 s at 16k tabs
    "Published" + " " * 50_000 + "\n" * 50_000 + "!",
    "Updated March 3, 2024, 9:30" + "\t" * 100_000 + "x",
])
def test_dateline_near_miss_is_linear(text):
    assert lexicon.DATELINE.match(text) is None
    assert lexicon.classify_by_cues(text, 0) != "metadata"


# --- case 2: clean_emphasis ------------------------------------------------------------------------

EMPHASIS_ALPHABETS = [["*", "*", "a", " ", "¹", ".", "\n", "b"], ["*", "a", " "], ["**", "a", " ", "*", "x y", "\n"]]


def test_emphasis_is_the_plain_patterns():
    rng = random.Random(19)
    checked = 0
    for _ in range(30_000):
        text = "".join(rng.choice(rng.choice(EMPHASIS_ALPHABETS)) for _ in range(rng.randint(0, 30)))
        assert markup._strip_strong(text) == PLAIN_STRONG.sub(r"\1", text), text
        expected, passes = plain_emphasis(text)
        if passes <= markup.MAX_EMPHASIS_PASSES:
            assert markup.clean_emphasis(text) == expected, text
            checked += expected != text
    assert checked > 5_000


@pytest.mark.timeout(30)
def test_emphasis_openers_without_closers_are_linear():
    """1 MB of `**a `: every opening `**` scanned the rest of the line for a closing one (>120 s)."""
    text = "**a " * (1 << 18)
    assert markup.clean_emphasis(text) == text
    doc = clean_document(raw_text(text))
    assert doc.text == text.strip()


@pytest.mark.timeout(30)
def test_emphasis_nested_without_end_is_linear():
    """`**a0 **a1 ... b1** b0**`: each pass of the patterns strips one level; 40,000 levels are not
    emphasis, and stop after MAX_EMPHASIS_PASSES passes instead of costing 40,000 passes."""
    def nested(n):
        return "".join(f"**a{i} " for i in range(n)) + "".join(f"b{i}** " for i in range(n))
    kept = markup.MAX_EMPHASIS_PASSES
    assert markup.clean_emphasis(nested(kept)) == plain_emphasis(nested(kept))[0] == nested(kept).replace("*", "")
    n = 40_000
    expected = ("".join(f"a{i} " for i in range(kept)) + "".join(f"**a{i} " for i in range(kept, n))
                + "".join(f"b{i} " for i in range(kept)) + "".join(f"b{i}** " for i in range(kept, n)))
    assert markup.clean_emphasis(nested(n)) == expected


# --- case 3: join_lines ----------------------------------------------------------------------------

@pytest.mark.timeout(30)
@pytest.mark.parametrize("line, vocab, joined", [
    ("abcdefghij-", None, "abcdefghij"),  # one word across every line: the hyphen decision re-read all of it
    ("some words here-", None, "some words here"),
    ("some words here-", Counter({"here-some": 2}), "some words here-"),  # spelled so elsewhere: the hyphen stays
    ("a-" * 20 + "b-", None, "a-" * 20 + "b"),
], ids=["one-word", "words", "words-kept", "hyphens"])
def test_hyphenated_lines_are_linear(line, vocab, joined):
    """50k equal-width lines ending in `-` (8k lines took 5.4 s, quadratic)."""
    lines = [line] * 50_000
    assert join_lines(lines, vocab) == joined * 49_999 + line
    if vocab is None:
        assert clean_document(raw_text("\n".join(lines))).text == joined * 49_999 + line


# --- case 4: resolve_mangled_markers ---------------------------------------------------------------

def test_resolved_markers_are_the_plain_loop():
    rng = random.Random(23)
    for _ in range(20_000):
        numbers = [rng.choice([None, None, rng.randint(0, 12)]) for _ in range(rng.randint(0, 12))]
        assert markup.resolve_mangled_markers(numbers) == plain_resolve(numbers), numbers


@pytest.mark.timeout(30)
def test_mangled_markers_are_linear():
    """200k U+FFFD (20k took 5.6 s, quadratic): each scanned out to its nearest numbered neighbours."""
    n = 200_000
    assert markup.resolve_mangled_markers([None] * n) == [None] * n
    assert markup.resolve_mangled_markers([1] + [None] * n + [n + 2]) == list(range(1, n + 3))
    doc = clean_document(raw_text("Text\ufffd " * n))
    assert len(doc.markers) == n and {m.number for m in doc.markers} == {None}


# --- case 5: mark_pull_quotes ----------------------------------------------------------------------

PULL_QUOTE_WORDS = ["the", "quantum", "leap", "a", "b", "ab", "ba", "x.", "Aa", "—", "2024", "q"]


@pytest.mark.parametrize("seed", range(4))
def test_pull_quotes_are_the_plain_loop(seed):
    rng = random.Random(seed)
    found = 0
    for _ in range(1_500):
        words = PULL_QUOTE_WORDS[:rng.randint(2, len(PULL_QUOTE_WORDS))] if seed % 2 else rng.choice([["a", "b"], ["ab", "a."]])
        texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, rng.choice([8, 30, 60])))) for _ in range(rng.randint(1, 10))]
        texts += [text[rng.randint(0, 5):rng.randint(20, 200)] for text in texts[:3] if rng.random() < 0.5]
        texts_kinds = [(text, rng.choice(["body", "body", "list", "heading"])) for text in texts]
        paras = [Block(text, [], 1, kind) for text, kind in texts_kinds]
        classify.mark_pull_quotes(paras)
        expected = plain_pull_quotes(texts_kinds)
        assert {i for i, p in enumerate(paras) if p.kind == "pullquote"} == expected, texts_kinds
        found += len(expected)
    assert found > 300


@pytest.mark.timeout(30)
def test_many_short_paragraphs_are_linear():
    """100k short paragraphs (8k took 7.4 s, quadratic): every short one was compared with every other."""
    n = 100_000
    texts = [f"Paragraph number {i} says a little." for i in range(n)]
    texts += [f"It was put plainly: paragraph number {i} says a little, and then some." for i in range(0, n, 1000)]
    paras = [Block(text, [], 1, "body") for text in texts]
    classify.mark_pull_quotes(paras)
    assert {i for i, p in enumerate(paras) if p.kind == "pullquote"} == set(range(0, n, 1000))
