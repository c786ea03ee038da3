"""Fuzzing the cleaners and the money, percentage and date readers with hostile text: random
unicode mixed with footnote markers (superscripts, U+FFFD), hyphens and dashes at line ends, page
breaks, markdown escapes and emphasis, tables, odd whitespace. Properties: nothing raises, every
offset stays inside its text and every span's text is text[start:end], and cleaning is idempotent
where it should be."""
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import document as clean
from pipeline.extract import date_spans, dates, money, percentages
from pipeline.types import Page, RawDocument

PIECES = ["¹", "²³", "⁴⁵", "\ufffd", "-\n", "–\n", "—", "-", "\n", "\n\n", "\f", "\t", " ", "\u00a0", "\u2009",
          "\u200b", "\r\n", "\\$", "\\*", "**", "*", "_", "# ", "• ", "1. ", "(", ")", "“", "”", "’s", "U.S.", "Dr.",
          "The ", "quantum ", "agreement", "signed ", "in 2023", "$1.2 billion", "€5m", "20 percent", "5–10%",
          "Notes", "1 Smith, J. “Title,” 2020.", "https://example.org/a", "e\u0301", "ﬁ", "İ", "ß", "Σ", "😀",
          "\u202e", "\x0b", "\x1c", "\u2028", "\u0000"]
TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=40).map("".join),
)
PAGES = st.lists(TEXTS, min_size=1, max_size=4)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(PAGES)
def test_clean_document_offsets_hold_whatever_the_text(pages):
    raw = RawDocument("raw/x.txt", "0" * 64, "txt", [Page(i + 1, text) for i, text in enumerate(pages)])
    cleaned = clean.clean_document(raw)
    text = cleaned.text
    end = 0
    for seq, para in enumerate(cleaned.paragraphs):
        assert para.seq == seq
        assert end <= para.start <= para.end <= len(text)
        assert text[para.start:para.end] == para.text and para.text
        assert para.page is None or 1 <= para.page <= len(pages)
        for offset, page in para.page_breaks:
            assert para.start <= offset <= para.end and 1 <= page <= len(pages)
        end = para.end
    for marker in cleaned.markers:
        para = cleaned.paragraphs[marker.paragraph]
        assert para.start <= marker.start <= para.end


@SETTINGS
@given(TEXTS.map(lambda text: text.replace("\t", " ").replace("\\", "/")))
def test_paragraph_cleaning_is_idempotent(text):
    """Prose paragraphs. Not for tabs (a table row, whose empty cells are kept on purpose) nor
    backslashes: undoing escapes cannot be idempotent (`\\\\$` is an escaped backslash before `$`)."""
    once, _ = clean.clean_paragraph_text(text)
    twice, markers = clean.clean_paragraph_text(once)
    assert twice == once and markers == []


@SETTINGS
@given(TEXTS)
def test_whitespace_cleaning_is_idempotent_and_leaves_no_runs(text):
    once = clean.clean_whitespace(text)
    assert clean.clean_whitespace(once) == once
    assert "  " not in once and once == once.strip()


@SETTINGS
@given(TEXTS)
def test_detached_markers_sit_inside_the_text_and_leave_none_behind(text):
    out, found = clean.detach_markers(text)
    positions = [pos for pos, _, _ in found]
    assert positions == sorted(positions) and all(0 <= pos <= len(out) for pos in positions)
    again, more = clean.detach_markers(out)
    assert again == out and more == []


@SETTINGS
@given(st.lists(TEXTS, min_size=1, max_size=6))
def test_joined_lines_keep_every_word(lines):
    joined = clean.join_lines(lines)
    squeeze = re.compile(r"[\s\-–—]+")
    assert squeeze.sub("", joined) == squeeze.sub("", "".join(line.strip() for line in lines))


@SETTINGS
@given(TEXTS)
def test_split_blocks_never_raises_and_keeps_text(text):
    for block in clean.split_blocks(text):
        assert block.strip()


@SETTINGS
@given(TEXTS)
def test_money_spans_are_their_text(text):
    starts = [0] + [m.end() for m in re.finditer(r"[.!?] ", text)]
    for found in money.iter_money(text, starts):
        assert 0 <= found.start < found.end <= len(text) and text[found.start:found.end] == found.text
        assert found.amount is None or found.amount >= 0


@SETTINGS
@given(TEXTS)
def test_percentage_spans_are_their_text(text):
    for found in percentages.iter_percentages(text):
        assert 0 <= found.start < found.end <= len(text) and text[found.start:found.end] == found.text


@SETTINGS
@given(TEXTS)
def test_rule_dates_and_trimmed_spans_stay_inside(text):
    for start, end, _ in date_spans.iter_rule_dates(text):
        assert 0 <= start < end <= len(text)
        s, e = date_spans.trim_span(text, start, end)
        assert start <= s <= e <= end
        date_spans.is_not_a_date_here(text, s, e)
        dates.parse_date(text[s:e], "2020-05-01")
