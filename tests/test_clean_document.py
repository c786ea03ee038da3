"""Cleaning rules, table-driven: each row is input -> expected, including cases that must not change."""
import pytest

from pipeline.clean import document as clean
from pipeline.types import Page, RawDocument


@pytest.mark.parametrize("text,expected", [
    ("invests \\$52 billion", "invests $52 billion"),
    ("no escapes here", "no escapes here"),
    ("a \\* b", "a * b"),
])
def test_clean_escapes(text, expected):
    assert clean.clean_escapes(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("engage in *industrial policy*: targeted", "engage in industrial policy: targeted"),
    ("**RAND**[®] is a registered trademark", "RAND[®] is a registered trademark"),
    ("2 * 3 = 6", "2 * 3 = 6"),
    ("@Sam_Howell15", "@Sam_Howell15"),
])
def test_clean_emphasis(text, expected):
    assert clean.clean_emphasis(text) == expected


@pytest.mark.parametrize("text,expected_text,expected_markers", [
    ("the coming decade.”¹ Most", "the coming decade.” Most", [(19, 1)]),
    ("R&D cooperation.⁵ But", "R&D cooperation. But", [(16, 5)]),
    ("the literature.¹⁰⁴", "the literature.", [(15, 104)]),
    ("¹⁷ “ISO/IEC 5259-1:2024,”", "“ISO/IEC 5259-1:2024,”", [(0, 17)]),
    ("a mangled one.\ufffd Next", "a mangled one. Next", [(14, None)]),
    ("cited together.¹,² Next", "cited together. Next", [(15, 1), (15, 2)]),
    ("a 100 m² office", "a 100 m² office", []),
    ("growth of 10⁶", "growth of 10⁶", []),
    ("by 2035¹ the plan", "by 2035 the plan", [(7, 1)]),
    ("no markers, 2014–2017", "no markers, 2014–2017", []),
])
def test_detach_markers(text, expected_text, expected_markers):
    out, markers = clean.detach_markers(text)
    assert out == expected_text
    assert [(pos, num) for pos, _, num in markers] == expected_markers


@pytest.mark.parametrize("numbers,expected", [
    ([1, None, 3], [1, 2, 3]),
    ([None, 2, 3], [1, 2, 3]),
    ([4, 5, None], [4, 5, 6]),
    ([1, 2, 3], [1, 2, 3]),
])
def test_resolve_mangled_markers(numbers, expected):
    assert clean.resolve_mangled_markers(numbers) == expected


@pytest.mark.parametrize("lines,expected", [
    (["semiconductor manu-", "facturing in the"], "semiconductor manufacturing in the"),
    (["the U.S.-", "Japan alliance"], "the U.S.-Japan alliance"),
    (["from 2014-", "2017 onwards"], "from 2014-2017 onwards"),
    (["from 2014–", "2017 onwards"], "from 2014–2017 onwards"),
    (["cooperation with—", "or dependency on"], "cooperation with—or dependency on"),
    (["a long-", "term plan"], "a long-term plan"),
    (["a self-", "sufficient capacity"], "a self-sufficient capacity"),
    (["the Korea-", "US dialogue"], "the Korea-US dialogue"),
    (["COVID-", "19 response"], "COVID-19 response"),
    (["inter-", "national"], "international"),
    (["a long", "line"], "a long line"),
    (["ends with a dash -", "and more"], "ends with a dash - and more"),
])
def test_join_lines(lines, expected):
    assert clean.join_lines(lines) == expected


@pytest.mark.parametrize("left,right,document,expected", [
    # The document's own spelling elsewhere decides.
    ("post-", "quantum", "post-quantum cryptography is near", "-"),
    ("decision-", "making", "decisionmaking through research", ""),
    ("decision-", "making", "decision-making matters", "-"),
    ("co-", "operation", "", ""),
    ("manu-", "facturing", "", ""),
    ("no hyphen", "here", "", None),
])
def test_join_hyphenated_uses_evidence(left, right, document, expected):
    assert clean.join_hyphenated(left, right, clean.count_words(document)) == expected


@pytest.mark.parametrize("pages,blocks,expected", [
    # Plain text: the pages are the document.
    (["Long-term plans.\n\nA long-term view"], [], {"long-term": 2, "plans": 1, "a": 1, "view": 1}),
    # A reader's blocks: the pages hold the same text, so every word counts once, not twice.
    (["Long-term plans.\n\nA long-term view"], [(1, "", "Long-term plans."), (1, "", "A long-term view")],
     {"long-term": 2, "plans": 1, "a": 1, "view": 1}),
    (["Page one text", "Page two text"], [(1, "", "Page one text"), (2, "footer", "Page two text")],
     {"page": 2, "one": 1, "two": 1, "text": 2}),
])
def test_count_document_words_counts_each_word_once(pages, blocks, expected):
    raw = RawDocument("raw/t.pdf", "0" * 64, "pdf", [Page(i + 1, t) for i, t in enumerate(pages)], blocks=blocks)
    assert clean.count_document_words(raw) == expected


@pytest.mark.parametrize("text,expected", [
    ("National Institute of Standards and Technology (NIST). NIST has selected", True),
    ("Department of Commerce, which set the rule.", False),
    ("The rule changed.", False),
    ("lower case start.", False),
])
def test_starts_with_name(text, expected):
    assert clean.starts_with_name(text) is expected


def _doc(text):
    return clean.clean_document(RawDocument("raw/t.txt", "0" * 64, "txt", [Page(1, text)]))


def test_paragraph_cut_by_page_break_is_rejoined():
    doc = _doc("In June 2021 the United States and European Union formed\n\n"
               "The global ecosystem is growing.\n\n"
               "a Trade and Technology Council to promote R&D cooperation. The global ecosystem is growing.")
    bodies = [p.text for p in doc.paragraphs if p.kind == "body"]
    assert "European Union formed a Trade and Technology Council" in bodies[0]
    assert [p.kind for p in doc.paragraphs].count("pullquote") == 1


def test_word_split_across_page_break_is_rejoined():
    doc = _doc("which invests $52 billion to promote U.S. semiconductor manu-\n\nfacturing. This law followed.")
    assert "semiconductor manufacturing. This law" in doc.text


@pytest.mark.parametrize("text,kind", [
    ("Key Findings", "heading"),
    ("The views expressed by contributors are their own and not the view of The Hill", "boilerplate"),
    ("See our Privacy Policy for details.", "boilerplate"),
    # Two weak cues make a sign-up block; a paragraph reporting figures with them is prose.
    ("Get our weekly technology intelligence, free", "boilerplate"),
    ("The average daily share turnover for October is almost 148 million shares.", "body"),
    ("Daily volume was 132.8 million shares; the free float is 22% of the stock.", "body"),
    ("ESB Professional/Shutterstock.com", "caption"),
    ("Source: https://example.com/story", "metadata"),
    ("By Sanghyun Han", "byline"),
    ("The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.", "body"),
    # A line that is only a date is metadata in a text file as on a web page (it was a heading, and could
    # become the title).
    ("March 3, 2023", "metadata"),
    ("Published: 18 August 2023", "metadata"),
    ("Updated Aug. 18, 2023 at 9:30 EDT", "metadata"),
    ("Tuesday, August 18, 2023", "metadata"),
    ("March 2024", "metadata"),
    # Prose that opens with a date stays prose; a heading with a month stays a heading.
    ("March 2020 saw the first lockdowns across the region, and budgets were cut.", "body"),
    ("March 3, 2023 at 10:00 was the deadline.", "body"),
    ("Budget Plans for May", "heading"),
    # A sentence that a list finishes, or two sentences the first of which ends on a year, is prose.
    ("The U.S. government has signed several joint statements on quantum technology with its allies, including",
     "body"),
    ("The United States and Japan signed the statement in December 2019. The two countries", "body"),
])
def test_paragraph_kinds(text, kind):
    doc = _doc("Intro paragraph that is long enough to be body text, with a verb and an ending.\n\n" + text)
    assert doc.paragraphs[-1].kind == kind


def test_notes_section_labels_and_offsets():
    doc = _doc("Body text cites a source.¹\n\nNotes\n\n¹ Jane Roe, “A Title of a Work.”\n\n- ² Ann Lee, “Other.”")
    labels = [(m.number, doc.text[m.start:m.start + 4]) for m in doc.markers if m.role == "label"]
    assert labels == [(1, "Jane"), (2, "Ann ")]
    assert [p.kind for p in doc.paragraphs] == ["body", "heading", "note", "note"]
    for para in doc.paragraphs:
        assert doc.text[para.start:para.end] == para.text


BODY = "An opening paragraph that is long enough to be body text, with a verb and an ending."


@pytest.mark.parametrize("first,between,second,joined", [
    # Joined: no final punctuation, whatever case the other half starts in.
    ("It might be read as suggesting that “the United", [], "States must lead in every area.”", True),
    ("In June 2021 the United States and European Union formed", ["The global ecosystem is growing fast."],
     "a Trade and Technology Council. The global ecosystem is growing fast.", True),
    # A short complete paragraph the pull-quote rule cannot match is stepped over to the lower-case half.
    ("In June 2021 the United States and European Union formed", ["A quoted remark from a minister."],
     "a Trade and Technology Council.", True),
    ("which invests $52 billion to promote semiconductor manu-", [], "facturing. This law followed.", True),
    # Joined: an abbreviation that stands before a name, the name's tail standing as a sentence.
    ("The standards are being developed by the U.S.", [],
     "National Institute of Standards and Technology (NIST). NIST has selected algorithms.", True),
    ("The meeting was chaired by Dr.", [], "Jane Roe, who opened it with a speech.", True),
    # Kept apart: a complete sentence ends the first; a list item follows; the name test fails.
    ("The partners signed the agreement in 2021.", [], "Funding followed in the next year.", False),
    ("Policymakers could decide whether the appropriate goal is", [], "- a self-sufficient capacity", False),
    ("The rule was set by the U.S.", [], "Department officials objected to it at once, saying it was late.", False),
])
def test_paragraph_rejoin_rules(first, between, second, joined):
    doc = _doc("\n\n".join([BODY, first] + between + [second]))
    texts = [p.text for p in doc.paragraphs]
    if joined:
        expected = clean.join_lines([first, second]) if first.endswith("-") else first + " " + second
        assert expected in texts, texts
    else:
        assert first in texts, texts


@pytest.mark.parametrize("text,kind", [
    ("NOTE: The assessments in this table are not intended to be quantitatively precise.", "caption"),
    ("SOURCE: Author's analysis of agency budgets.", "caption"),
    ("Source: https://example.com/report", "metadata"),
    ("Sanghyun Han is a Ph.D. student in International Affairs at Georgia Tech.", "byline"),
    ("Edward Parker is a physical scientist at the RAND Corporation.", "byline"),
    ("EDWARD PARKER", "byline"),
    ("Parker argued that the program is a physical necessity for the alliance, and others agreed with him.", "body"),
    # Tables printed without rules: numbers and no letters, or mostly numbers
    ("47,000", "table"),
    ("25,300 25,350 3,373 2,991 3,373 3,143 25,350 25,400 3,380 2,999", "table"),
    ("Single 0 5 0 0 0 5 15 1 1 1 15 25 2 2 2", "table"),
    ("$782.50 +15% 4,386.25 +25% 12,486.25 +28% 21,915.25 +33%", "table"),
    ("Funding rose from $1.2 million in 2019 to $3.4 million in 2021, 2022 and 2023.", "body"),
    ("In 2021, 2022, 2023 and 2024 the agency spent 10, 12, 15 and 19 percent more.", "body"),
])
def test_more_paragraph_kinds(text, kind):
    doc = _doc(text + "\n\n" + BODY)
    assert doc.paragraphs[0].kind == kind


@pytest.mark.parametrize("block,kind,text", [
    # A PDF's bullets: the reader starts a paragraph at them, clean must read them as list items (a
    # `●` item used to be a heading, even the document's title).
    ("● item text", "list", "item text"),
    ("■ another item", "list", "another item"),
    ("• item text", "list", "item text"),
    ("- item text", "list", "item text"),
    ("2) item text", "list", "2) item text"),
    ("●item text", "heading", "●item text"),  # no space after the mark: not a bullet
])
def test_bullets_of_every_reader_make_list_items(block, kind, text):
    raw = RawDocument("raw/t.pdf", "0" * 64, "pdf", [Page(1, "")], blocks=[
        (1, "", block), (1, "", "The partners agreed to share their testbeds and to fund exchanges of students.")])
    doc = clean.clean_document(raw)
    assert (doc.paragraphs[0].kind, doc.paragraphs[0].text) == (kind, text)


@pytest.mark.parametrize("lines", [
    ["The first line of a paragraph here", "● a bullet item of similar width"],
    ["The first line of a paragraph here", "■ a bullet item of similar width"],
])
def test_lines_with_bullets_are_not_one_wrapped_paragraph(lines):
    assert clean.split_blocks("\n".join(lines)) == lines


@pytest.mark.parametrize("middle,kind", [
    (["Get the week's news on Fridays."], ["boilerplate"]),  # between two boilerplate paragraphs
    (["Weekly Digest", "Get the week's news on Fridays."], ["heading", "boilerplate"]),  # headings skipped
    # Two short paragraphs: neither stands between two boilerplate paragraphs (kinds read before any change).
    (["Get the week's news on Fridays.", "It is read by many."], ["body", "body"]),
    ([BODY + " " + BODY + " " + BODY], ["body"]),  # a long paragraph stays body
])
def test_short_paragraphs_inside_a_boilerplate_run_are_boilerplate(middle, kind):
    doc = _doc("\n\n".join([BODY, "Sign up for our newsletter", *middle, "Privacy Policy | Terms of Use", BODY]))
    assert [p.kind for p in doc.paragraphs[2:-2]] == kind


@pytest.mark.parametrize("open_blocks,joined", [
    (None, True),    # a reader that cannot tell: the text decides (no final stop, lower case follows)
    ({1, 2}, True),  # the block ends at its column's foot: a break may have cut it
    ({2}, False),    # more of its column lies below it: nothing cut it (a contact list, a label)
])
def test_only_a_block_at_its_columns_foot_continues(open_blocks, joined):
    raw = RawDocument("raw/t.pdf", "0" * 64, "pdf", [Page(1, "")], blocks=[
        (1, "", "Payments by telephone are taken by the service providers listed"),
        (1, "", "Official Payments Corporation 1-800-272-9829 www.officialpayments.com"),
        (1, "", "before requesting an installment agreement, consider other alternatives."),
    ], open_blocks=open_blocks)
    texts = [p.text for p in clean.clean_document(raw).paragraphs]
    assert (len(texts) < 3) is joined


def test_reader_blocks_keep_their_kind_and_order():
    raw = RawDocument("raw/t.pdf", "0" * 64, "pdf", [Page(1, ""), Page(2, "")], blocks=[
        (1, "header", "REPORT TITLE"),
        (1, "", "The partners agreed to share their testbeds and to fund exchanges while the\nlaboratories continue to"),
        (1, "note", "¹ Jane Roe, “A Work,” 2021."),
        (1, "footer", "1"),
        (2, "header", "REPORT TITLE"),
        (2, "", "test prototype devices under com-\nmon benchmarks."),
        (2, "table", "Program\tBudget\nTestbeds\t$40 million"),
    ])
    doc = clean.clean_document(raw)
    assert [(p.kind, p.page) for p in doc.paragraphs] == [
        ("header", 1), ("body", 1), ("note", 1), ("footer", 1), ("header", 2), ("table", 2)]
    body = doc.paragraphs[1]
    assert body.text.endswith("laboratories continue to test prototype devices under common benchmarks.")
    assert body.page_breaks == [(body.start + body.text.index("test prototype"), 2)]
    assert [(m.role, m.number) for m in doc.markers] == [("label", 1)]


@pytest.mark.parametrize("text,field,value", [
    ("By Sanghyun Han", "author", "Sanghyun Han"),
    ("EDWARD PARKER", "author", "Edward Parker"),
    ("Sam Howell is a researcher with the Technology program at the Center.", "author", "Sam Howell"),
    ("© 2023 RAND Corporation", "published", "2023"),
    ("© 2023 RAND Corporation", "publisher", "RAND Corporation"),
    ("Source: https://example.com/story", "source_url", "https://example.com/story"),
    ("For more information on this publication, visit www.rand.org/t/PEA1874-1.", "source_url",
     "https://www.rand.org/t/PEA1874-1"),
    ("March 3, 2024", "published", "2024-03-03"),
    # One dateline pattern (classify.DATELINE) for web pages and text: day first, abbreviations, a cover date.
    ("Published: Tuesday, 18 Aug. 2023", "published", "2023-08-18"),
    ("Updated March 3, 2024, 9:30 a.m. EST", "published", "2024-03-03"),
    ("Posted on Sept. 3rd, 2021", "published", "2021-09-03"),
    ("March 2024", "published", "2024-03"),
    ("February 30, 2024", "published", None),  # no such day
    ("May 2023 was a hard month for the program.", "published", None),
])
def test_document_metadata_from_text(text, field, value):
    doc = _doc(text + "\n\n" + BODY)
    assert getattr(doc.metadata, field) == value


def test_a_continuation_joins_the_nearer_unfinished_paragraph_not_the_title():
    """The lower-case half belongs to the open paragraph right above it; the title above that one
    (also without final punctuation) must not take it, which would reorder the text."""
    title = "Quantum cooperation in the Indo-Pacific"
    first = ("The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December "
             "2019. The two countries")
    second = "have expanded their research partnership every year since then."
    doc = _doc("\n\n".join([title, first + "\n" + second, "Their ministers meet every spring."]))
    assert [p.text for p in doc.paragraphs] == [title, first + " " + second, "Their ministers meet every spring."]
