"""Document metadata read from the document's own text: title, author, publisher, date, source URL.

What a reader found in the file's own metadata (HTML meta tags, PDF info) wins; the text fills gaps;
the file's properties (a Word document's core properties, RawDocument.properties) fill what is left.
Metadata.published_from says which of these gave the date.
"""
from __future__ import annotations

import datetime
import re

from ..lexicon import CAPS_NAME, DATELINE, MONTH_NAME, WEEKDAYS, match_bio, month_number
from ..types import Metadata, Paragraph
from .classify import GENERIC_HEADINGS

COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?P<year>(?:19|20)\d\d)(?:\s*[-–]\s*\d{2,4})?,?\s*(?P<owner>[A-Z][^.\n]{1,80})?", re.I)
VIEWS_OF = re.compile(r"not (?:necessarily )?(?:the|those of|the views? of) (?:view|views|opinion)?\s*(?:of\s+)?(?P<pub>(?:The )?[A-Z][\w&]*(?: [A-Z][\w&]*){0,4})\s*\.?$")
SOURCE_URL = re.compile(r"^(?:source|url|link)\s*:\s*(?P<url>(?:https?://|www\.)\S+)", re.I)
# `For more information on this publication, visit www.rand.org/t/PEA1874-1.`: the publication's own page.
PUBLICATION_URL = re.compile(
    r"\b(?:this|the) (?:publication|report|document|article|paper|brief|perspective)\b[^.]{0,40}?"
    r"\b(?:visit|see|at|available at|online at)\s+(?P<url>(?:https?://|www\.)\S+?)\.?$", re.I)
TITLE_MIN_WORDS = 3
# A full date inside a running head (`Federal Register / Vol. 85, No. 152 / Thursday, August 6, 2020`,
# `Daily Report - June 3, 2021 - Page 2`): the date of the issue the page belongs to.
RUNNING_HEAD_DATE = re.compile(r"\b(?:(?:" + "|".join(WEEKDAYS) + r"),?\s+)?(?P<month>" + MONTH_NAME
                               + r")\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
# A dateline is near the top: a date line further down dates something else.
DATELINE_MAX_SEQ = 8


def extract_metadata(paragraphs: list[Paragraph], found: Metadata, properties: Metadata | None = None) -> Metadata:
    meta = Metadata(**vars(found))
    meta.title = meta.title or _title(paragraphs)
    meta.author = meta.author or _author(paragraphs)
    for para in paragraphs:
        text = para.text
        match = COPYRIGHT.search(text) if para.kind in ("boilerplate", "metadata", "byline") else None
        if match:
            meta.published = meta.published or match.group("year")
            owner = (match.group("owner") or "").strip()
            if owner and not meta.publisher and not owner.lower().startswith("all rights"):
                meta.publisher = owner
        match = VIEWS_OF.search(text) if para.kind == "boilerplate" else None
        if match and not meta.publisher:
            meta.publisher = match.group("pub")
        if not meta.source_url:  # PUBLICATION_URL searches the whole paragraph: only while one is needed
            match = (SOURCE_URL.match(text) if para.kind == "metadata" else None) or PUBLICATION_URL.search(text)
            if match:
                url = match.group("url").rstrip(".,;)")
                meta.source_url = "https://" + url if url.lower().startswith("www.") else url
        match = DATELINE.match(text) if para.seq < DATELINE_MAX_SEQ and not meta.published else None
        if match:
            meta.published = _dateline_date(match)
    if not meta.published:
        meta.published = _running_head_date(paragraphs)
    if meta.published and not meta.published_from:
        meta.published_from = "metadata" if found.published else "text"
    for name, value in vars(properties or Metadata()).items():
        if value and not getattr(meta, name) and name != "published_from":
            setattr(meta, name, value)
            if name == "published":
                meta.published_from = properties.published_from or "properties"
    return meta


def _running_head_date(paragraphs: list[Paragraph]):
    """The date a running head (a page's `header` paragraph) names in full, the first one's."""
    for para in paragraphs:
        if para.kind == "header":
            match = RUNNING_HEAD_DATE.search(para.text)
            if match:
                date = _dateline_date(match)
                if date:
                    return date
    return None


def _dateline_date(dateline: re.Match):
    """ISO date of a DATELINE match: `2023-08-18`, `2024-03` when it names no day, None
    for a day the month does not have."""
    year, month = int(dateline.group("year")), month_number(dateline.group("month"))
    day = dateline.group("day") or dateline.group("day_first")
    if day is None:
        return f"{year}-{month:02d}"
    try:
        return datetime.date(year, month, int(day)).isoformat()
    except ValueError:
        return None


def _title(paragraphs: list[Paragraph]):
    """The first heading before the body starts, unless it is a generic section name."""
    for para in paragraphs:
        if para.kind in ("body", "list"):
            return None
        if para.kind == "heading" and not GENERIC_HEADINGS.match(para.text.rstrip(":")):
            if len(para.text.split()) >= TITLE_MIN_WORDS:
                return para.text
    return None


def _author(paragraphs: list[Paragraph]):
    for para in paragraphs:
        if para.kind != "byline":
            continue
        text = para.text
        if text.lower().startswith("by "):
            return text[3:].strip()
        if CAPS_NAME.match(text):
            return " ".join(word.capitalize() for word in text.split())
        match = match_bio(text)
        if match:
            return text[match.start("name"):match.end("name")]
    return None
