"""The shared vocabulary of the stages: words and patterns that more than one stage reads.

- month and weekday names (the date rules in extract/dates.py and a document's DATELINE);
- clean_whitespace, used by the readers (table cells, web-page blocks) and by clean;
- the cues that tell a paragraph's kind from its own text whatever the section it sits in
  (metadata lines, datelines, bylines, captions, boilerplate, number tables, list items): the
  HTML and PDF readers use them while reading, clean/classify.py when classifying;
- URL_START, the opening of a URL, and PROSE_KINDS, the paragraph kinds that have sentences.

A module of its own, below every stage, so that a reader does not depend on clean and an edit of
the date rules does not re-parse every document (see build/cache.py).
"""
from __future__ import annotations

import re

WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
              r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# Every name MONTH_NAME matches starts with its month's three letters.
MONTH_PREFIXES = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def month_number(name: str) -> int:
    """1 to 12 for a month name MONTH_NAME matched: `Sept` -> 9, `august` -> 8."""
    return MONTH_PREFIXES.index(name[:3].lower()) + 1


def clean_whitespace(text: str) -> str:
    """Every run of whitespace (no-break and thin spaces, tabs, form feeds, line separators) -> one space."""
    return re.sub(r"\s+", " ", text).strip()


# ----------------------------------------------------------------------------------------------
# Paragraph cues

# One of these alone makes a short paragraph boilerplate.
BOILERPLATE_STRONG_CUES = [  # regular-expression fragments, as whole words
    r"subscrib\w*", r"unsubscrib\w*", r"newsletter", r"privacy policy", r"terms of (use|service)",
    r"cookies? (policy|settings)", r"all rights reserved", r"views expressed", r"sign up for", r"sign-up", r"follow us",
    r"share (this|on)", r"click here", r"advertisement", r"sponsored content", r"registered trademark",
    r"for more information(?: on [\w ]{1,40})?, (?:visit|see|contact)",
]
BOILERPLATE_STRONG = re.compile(r"\b(" + "|".join(BOILERPLATE_STRONG_CUES) + r")\b|©", re.I)
# Two of these make a short paragraph boilerplate.
BOILERPLATE_WEAK_CUES = [
    "free", "weekly", "daily", "email", "inbox", "twitter", "facebook", "linkedin", "instagram", "share",
    "your information", "third parties", "anytime", "download", "print", "reprint", "permissions?",
]
BOILERPLATE_WEAK = re.compile(r"\b(" + "|".join(BOILERPLATE_WEAK_CUES) + r")\b", re.I)
# Distinct weak cues that make a short paragraph boilerplate (one `share` button is not a sign-up block).
BOILERPLATE_WEAK_MIN = 2
# A figure (`132.8 million`, `22.6%`, `$4.5`): a paragraph reporting one is prose, whatever weak cues it has
# (`The average daily share turnover ... is almost 148 million shares`); sign-up blocks report none.
FIGURE = re.compile(r"\d\.\d|\d\s*(?:%|percent\b)|\b\d[\d,.]*\s+(?:million|billion|trillion)\b|[$€£¥]\s?\d", re.I)
# `NOTE: The assessments in this table ...`, `SOURCE: Author's analysis.` under a table or figure.
TABLE_NOTE = re.compile(r"^(NOTES?|SOURCES?)\s*:\s+(?!https?://|www\.)\S")
# Picture agencies and credit lines, and a numbered figure or table label.
CAPTION_CUE_WORDS = ["shutterstock", "getty images", "istock", "ap photo", "reuters", "afp", "photo:", "image:",
                     "credit:", "photograph by", "illustration by"]
CAPTION_CUES = re.compile(r"(" + "|".join(CAPTION_CUE_WORDS) + r"|^(figure|fig\.|table|chart|exhibit) \d+)", re.I)
# A caption is short: a longer paragraph naming an agency is prose about it.
CAPTION_MAX_WORDS = 12
# A line that is only a date, perhaps labelled and with a weekday or a time: `August 18, 2023`,
# `Published: Tuesday, 18 Aug. 2023`, `Updated March 3, 2024, 9:30 a.m. EST`, `March 2024` (a cover).
# docmeta reads the publication date from its groups. A run of whitespace is taken whole (`\s++`): what
# follows it never starts with whitespace, and giving a run back character by character made a line of
# `Published` and many tabs cost cubic time.
DATELINE = re.compile(r"""
    ^(?:(?:published|posted|updated|date)\s*+:?\s*+)?      # an optional label: `Published:`
    (?:on\s++)?
    (?:(?:""" + "|".join(WEEKDAYS) + r"""),?\s++)?          # an optional weekday: `Tuesday,`
    (?:(?P<day_first>\d{1,2})(?:st|nd|rd|th)?\s++)?        # a day before the month: `18 Aug.`
    (?P<month>""" + MONTH_NAME + r""")\.?\s++
    (?:(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s++)?            # or after it: `August 18,`
    (?P<year>(?:19|20)\d\d)
    (?:,?\s++(?:at\s++)?\d{1,2}                            # an optional time: `, 9:30 a.m. EST`
       (?::\d\d\s*+(?:[ap]\.?m\.?)?|\s*+[ap]\.?m\.?)
       (?:\s*+(?<=\s)(?-i:[A-Z]{2,4}))?                     # a time zone, in capitals, after a space
    )?
    \.?$""", re.I | re.X)
METADATA_LINE = re.compile(r"^(source|url|link|published|updated|posted|date|doi)\s*:\s*\S|^(https?://|www\.)\S+$", re.I)
# `By Jane Doe`, `By Jane Doe, John Roe and Ann Poe`: up to four names a group, groups joined by `,`, `&` or
# `and`, which may touch a name (`DoeandRoe`). Where `and` inside a run of name characters may be a joint or
# part of a name, the pattern decides at once, never by trying both (which doubled its time per `and`): at the
# start of a run it parts at a trailing `and` when a name follows the run, else at the first `and` with a name
# after it, else not at all; the first that applies accepts whatever the others would, so the language is
# that of the plain pattern
# `^[Bb]y\s+NAME(\s+NAME){0,3}(\s*(,|and|&)\s*NAME(\s+NAME){0,3})*$`, NAME = `[A-Z][\w.'’-]+`.
_NAME_CHAR = r"[\w.'’-]"
_NAME = (rf"(?>(?:(?<!{_NAME_CHAR})|(?<=\sand))[A-Z]{_NAME_CHAR}(?:(?!and\s){_NAME_CHAR})*+(?=and\s++[A-Z]{_NAME_CHAR})"  # `Doeand Roe`
         rf"|[A-Z]{_NAME_CHAR}(?:(?!and[A-Z]{_NAME_CHAR}){_NAME_CHAR})*+(?=and[A-Z]{_NAME_CHAR})"  # `DoeandRoe`
         rf"|[A-Z]{_NAME_CHAR}++)")
_NAME_GROUP = rf"{_NAME}(?:\s++{_NAME}){{0,3}}+"
BYLINE = re.compile(rf"^[Bb]y\s++{_NAME_GROUP}(?:\s*+(?:,|and|&)\s*+{_NAME_GROUP})*+$")
CAPS_NAME = re.compile(r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){1,3}$")
# `Jane Q. Doe is a senior fellow at ...`: an author's biography names a role.
BIO_ROLES = ["researcher", "fellow", "professor", "student", "scientist", "director", "analyst", "journalist",
             "reporter", "editor", "writer", "author", "correspondent", "contributor", "lecturer", "candidate",
             "associate", "consultant", "economist", "columnist"]
BIO = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w.'’-]+){1,2}) (is|was|serves as) (a|an|the) [^.]*\b"
    r"(" + "|".join(BIO_ROLES) + r")\b")
# A biography longer than this is a paragraph about a person, not an author's note.
BIO_MAX_WORDS = 80
# A name in capitals among a document's first paragraphs is its byline (later, a heading).
BYLINE_MAX_POSITION = 6
# A list item opens with a bullet or a number; the PDF reader and clean's line joining use these too.
BULLET = re.compile(r"^\s*[-•*▪◦●■–]\s+")
NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
# A number as tables print it: `1,250`, `$782.50`, `22.6%`, `(3)`, `2014–2017`.
NUMBER_TOKEN = re.compile(r"^[-+(\$€£¥]*\d[\d.,:%)–-]*$")
# A paragraph of this many words or more, this share of them numbers, is a table's rows.
NUMBER_TABLE_WORDS, NUMBER_TABLE_SHARE = 8, 0.6
# Dots inside these do not end a phrase (`is a Ph.D. student`): masked before BIO is matched.
INNER_ABBREVIATIONS = re.compile(r"\b(?:Ph\.D|M\.[AS]c?|B\.[AS]c?|M\.B\.A|J\.D|U\.S|U\.K|Dr|Mr|Ms|Mrs|Jr|Sr|St|Prof)\.")
SHORT_WORDS = 40


def is_list_item(text: str) -> bool:
    """The text opens with a bullet or a number (`• item`, `2) item`)."""
    return bool(BULLET.match(text) or NUMBERED.match(text))


# `Keith Bradsher contributed reporting from Hong Kong.`, `Reporting by A; additional reporting by B; Editing by
# C`: the people who helped write a piece, a credit line (a byline), not a sentence of it.
CREDIT_LINE = re.compile(r"^(?:(?:additional |further )?(?:reporting|writing|editing|research) by\b"
                         r"|[^.]{0,200}?\bcontributed (?:reporting|research|to this (?:report|story|article))\b)", re.I)
CREDIT_MAX_WORDS = 40


def classify_main_text_by_cues(text: str):
    """The kinds a paragraph of an article's own text (a web page's main text) may have by its whole
    shape, never by a cue word inside it: a date or labelled line (metadata), a byline or a credit line
    (byline). None: it is what its markup says."""
    if METADATA_LINE.match(text) or DATELINE.match(text):
        return "metadata"
    if BYLINE.match(text) or is_credit_line(text):
        return "byline"
    return None


def is_credit_line(text: str) -> bool:
    return len(text.split()) <= CREDIT_MAX_WORDS and bool(CREDIT_LINE.match(text))


def classify_by_cues(text: str, position: int):
    """Kinds told by cue words or shape whatever the section: metadata, boilerplate, caption, byline."""
    words = len(text.split())
    if TABLE_NOTE.match(text):
        return "caption"
    if METADATA_LINE.match(text) or DATELINE.match(text):
        return "metadata"
    if is_number_table(text):
        return "table"
    if words <= SHORT_WORDS and BOILERPLATE_STRONG.search(text):
        return "boilerplate"
    if words <= SHORT_WORDS and len(set(m.lower() for m in BOILERPLATE_WEAK.findall(text))) >= BOILERPLATE_WEAK_MIN \
            and not FIGURE.search(text):
        return "boilerplate"
    if words <= CAPTION_MAX_WORDS and CAPTION_CUES.search(text):
        return "caption"
    if BYLINE.match(text) or (position < BYLINE_MAX_POSITION and CAPS_NAME.match(text)) or is_credit_line(text):
        return "byline"
    if match_bio(text) and words <= BIO_MAX_WORDS:
        return "byline"
    return None


def is_number_table(text: str) -> bool:
    """Cells of a table printed without rules (a tax table, a column of figures), which a reader
    cannot tell from prose by layout: numbers and no letters, or mostly numbers. Never sentences."""
    if not re.search(r"[^\W\d_]", text):
        return any(ch.isdigit() for ch in text)
    tokens = text.split()
    numbers = sum(1 for token in tokens if NUMBER_TOKEN.match(token))
    return len(tokens) >= NUMBER_TABLE_WORDS and numbers >= NUMBER_TABLE_SHARE * len(tokens)


def match_bio(text: str):
    """BIO matched with the dots of abbreviations (`Ph.D.`) masked, so the match stays in the sentence."""
    masked = INNER_ABBREVIATIONS.sub(lambda m: m.group().replace(".", "_"), text)
    return BIO.match(masked)
