"""Stage 3, extract: from a CleanDocument and the spaCy Docs of its prose paragraphs, the rows of a
DocResult: sentences, entity mentions, dates, money, claims, notes and bibliography.

Offsets in spaCy Docs are relative to their paragraph; everything stored is made absolute here
(paragraph.start + offset), so `documents.text[start:end] == text` holds for every row.
"""
from __future__ import annotations

import bisect
import collections
import dataclasses
import itertools
import re

from .claims import rules as claim_rules
from .claims.checkworthy import CheckworthinessModel
from .claims import speakers as speaker_rules
from . import date_spans, dates, durations, entities, money, notes, percentages, tense
from ..types import Claim, CleanDocument, DateRow, DocResult, DurationRow, Mention, Sentence, Source

# Paragraph kinds whose text goes through spaCy (the rest is classified away or parsed by rules).
PROSE_KINDS = {"body", "list"}
# Entity labels that make a sentence specific enough to check (ORDINAL alone does not: `the first country`).
NUMBER_LABELS = {"CARDINAL", "PERCENT", "QUANTITY", "MONEY"}


def iter_prose(clean: CleanDocument):
    """(paragraph index, text) for every paragraph the NLP stage must see."""
    for para in clean.paragraphs:
        if para.kind in PROSE_KINDS:
            yield para.seq, para.text


def abbreviations(clean: CleanDocument) -> dict[str, str]:
    """Acronyms defined in the text (`Long Form (LF)`) and in two-column abbreviation tables."""
    found = entities.find_acronyms(clean.text)
    for para in clean.paragraphs:
        if para.kind != "table":
            continue
        for row in para.text.split("\n"):
            cells = [c.strip() for c in row.split("\t") if c.strip()]
            if len(cells) == 2 and re.fullmatch(r"[A-Z][A-Z&.\-]{1,9}", cells[0]):
                found.setdefault(cells[0], cells[1])
    return found


def extract_document(source: Source, clean: CleanDocument, docs: dict[int, object],
                     scorer: CheckworthinessModel) -> DocResult:
    """Build the DocResult of one document; `docs` maps paragraph index -> spaCy Doc, `scorer`
    scores each sentence's check-worthiness (claims/checkworthy.py)."""
    result = DocResult(
        path=source.path, sha256=source.sha256, format=source.format, n_pages=source.n_pages,
        metadata=clean.metadata, text=clean.text, paragraphs=clean.paragraphs, markers=clean.markers,
        encoding=source.encoding, paths=list(source.paths or [source.path]),
        boxes=clean.boxes, page_reads=clean.page_reads,
    )
    acronyms = entities.Acronyms(abbreviations(clean))
    result.acronyms = dict(acronyms)
    # dates.parse_date itself decides whether the document's date is precise enough for an expression
    anchor = clean.metadata.published
    citations = [m for m in clean.markers if m.role == "citation"]
    marker_starts = [m.start for m in citations]
    # what the document spoke of last, read by `the quarter`, `the year-ago period`, `a year earlier`
    reference = dates.Reference()
    for pidx in sorted(docs):
        _extract_paragraph(result, clean.paragraphs[pidx], docs[pidx], acronyms, anchor, citations, marker_starts,
                           scorer, reference)
    _inherit_list_notes(result, clean.paragraphs, citations)
    _extract_rule_dates(result, clean, anchor)
    result.notes, result.bibliography, result.note_bibliography = notes.parse_notes(clean)
    return result


def _placed(row, sentence, base: int):
    """A row found in a paragraph's text, placed in the document: its sentence, absolute offsets."""
    return dataclasses.replace(row, sentence=sentence, start=base + row.start, end=base + row.end)


def _page_at(para, offset: int):
    page = para.page
    for start, number in para.page_breaks:
        if offset >= start:
            page = number
    return page


def _extract_paragraph(result: DocResult, para, doc, acronyms, anchor, citations, marker_starts, scorer,
                       reference) -> None:
    doc_text = doc.text  # Doc.text re-joins every token on each read: read it once
    sents = list(doc.sents)  # doc.sents builds new spans on each pass: build them once
    base = para.start
    document_text = result.text
    sent_index = {}  # spaCy sentence start char -> index in result.sentences
    sent_starts = []
    for sent in sents:
        text = sent.text
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if not text:
            continue
        start = base + sent.start_char + lead
        sent_index[sent.start_char] = len(result.sentences)
        sent_starts.append(sent.start_char)
        result.sentences.append(Sentence(para.seq, _page_at(para, start), start, start + len(text), text))

    def sentence_of(char: int):
        i = bisect.bisect_right(sent_starts, char) - 1
        return sent_index[sent_starts[i]] if i >= 0 else None

    first = {name: len(getattr(result, name)) for name in ("mentions", "dates", "money", "percentages")}
    for ent in doc.ents:
        if ent.label_ not in entities.MENTION_LABELS:
            continue
        s, e = entities.trim_mention(ent.text)
        start, end = ent.start_char + s, ent.start_char + e
        surface = doc_text[start:end]
        if not surface.strip() or entities.is_not_a_name(surface, document_text):
            continue
        name, label = entities.canonical_name(surface, ent.label_, acronyms)
        result.mentions.append(Mention(sentence_of(start), base + start, base + end, surface, label, name))
    _extract_dates(result, doc, doc_text, base, sentence_of, anchor, reference)
    first_duration = len(result.durations)
    taken = [(d.start - base, d.end - base) for d in result.dates[first["dates"]:]]
    for start, end, found in durations.iter_durations(doc_text, taken):
        result.durations.append(DurationRow(sentence_of(start), base + start, base + end, doc_text[start:end],
                                            found.value, found.approximate))
    durations_by_sentence: dict = {}
    for i in range(first_duration, len(result.durations)):
        durations_by_sentence.setdefault(result.durations[i].sentence, []).append(i)
    for row in money.iter_money(doc_text, sent_starts):
        placed = _placed(row, sentence_of(row.start), base)
        placed.duration = _duration_named(placed, result.durations, durations_by_sentence.get(placed.sentence, ()))
        result.money.append(placed)
    for row in percentages.iter_percentages(doc_text):
        result.percentages.append(_placed(row, sentence_of(row.start), base))
    # the rows of this paragraph, by sentence (each row already knows its sentence)
    by_sentence = {name: _group_by_sentence(getattr(result, name)[n:]) for name, n in first.items()}
    _extract_claims(result, para, doc, doc_text, sents, sent_index, by_sentence, citations, marker_starts, scorer)


def _duration_named(row, found: list, in_sentence):
    """The index of the durations row (among `in_sentence`, those of the row's sentence) that a money
    row's period names (`over the next five years`), if any."""
    if not row.period:
        return None
    period = row.period.lower()
    return next((i for i in in_sentence if found[i].text.lower() in period), None)


def _group_by_sentence(rows) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row.sentence, []).append(row)
    return grouped


def _date_row(parsed, sentence, start: int, end: int, text: str, context: str = "body") -> DateRow:
    return DateRow(sentence, start, end, text, parsed.value, parsed.granularity, parsed.is_relative,
                   parsed.value_end, parsed.fuzzy, context=context)


def _extract_dates(result: DocResult, doc, doc_text: str, base: int, sentence_of, anchor, reference) -> None:
    """Dates in one prose paragraph; a relative one is read in the tense of the verb that governs it
    (`will meet Thursday`, `said Thursday`: tense.py) and after the signal word before it (`until`)."""
    def read(start: int, end: int):
        if date_spans.is_not_a_date_here(doc_text, start, end):
            return None
        when, signal = None, dates.signal_before(doc_text, start)
        if anchor:  # the tense matters only where there is a date to resolve against
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                when = tense.governing_tense(span)
                if signal in dates.AFTER_SIGNALS and tense.is_negated(span):
                    signal = None  # `had not called him a suspect until Thursday`: the verb's tense decides
        return dates.parse_date(doc_text[start:end], anchor, when, signal, reference)

    previous = None  # the row before, for `the quarter ended Sept. 30`
    for start, end in date_spans.iter_date_spans(doc):
        start, end = date_spans.trim_span(doc_text, start, end)
        found = [(start, end, read(start, end))]
        if anchor and found[0][2] is not None and found[0][2].value is None:
            # a date without a value (`Friday to December`, `d'etat last year`): its sides or its end may have one
            for pieces in date_spans.iter_pieces(doc_text, start, end):
                parsed = [(s, e, read(s, e)) for s, e in pieces if e > s]
                if parsed and all(p is not None and p.value is not None for _, _, p in parsed):
                    found = parsed
                    break
        for start, end, parsed in found:
            if parsed is None:
                continue
            if previous is not None and (months := date_spans.ended_part(
                    previous.text, previous.granularity, doc_text[previous.end - base:start], parsed)):
                # `the quarter ended Sept. 30`: the quarter is the one that day ends, not the latest before
                previous.value, previous.value_end = months
                if reference.part is None:  # a quarter already named (`the fiscal first quarter`) stays the one reported
                    reference.note_part(previous.granularity, previous.value)
            reference.note(doc_text[start:end], parsed.granularity, parsed.value)
            previous = _date_row(parsed, sentence_of(start), base + start, base + end, doc_text[start:end])
            result.dates.append(previous)


# Paragraph kinds that spaCy does not see but whose dates users may want (marked, to filter out).
RULE_DATE_KINDS = {"note", "bibliography", "heading"}


def _extract_rule_dates(result: DocResult, clean: CleanDocument, anchor) -> None:
    """Dates in notes, bibliography entries and headings (a title, a dateline: `WASHINGTON, August 8
    (Xinhua) --`), by rule (no spaCy there): context says which."""
    for para in clean.paragraphs:
        if para.kind not in RULE_DATE_KINDS:
            continue
        heading = para.kind == "heading"
        for start, end, text in date_spans.iter_rule_dates(para.text, days_without_year=heading):
            parsed = dates.parse_date(text, anchor, None if heading else "past")
            if parsed is None:
                continue
            result.dates.append(_date_row(parsed, None, para.start + start, para.start + end, text, para.kind))


def _extract_claims(result, para, doc, doc_text, sents, sent_index, by_sentence, citations, marker_starts, scorer):
    base = para.start
    sents = [s for s in sents if s.start_char in sent_index]  # the stored ones (not blank)
    scores = scorer.score(sents)
    mentions = [m for rows in by_sentence["mentions"].values() for m in rows]
    quotes = claim_rules.quote_regions(doc_text)
    actor_tokens = frozenset(
        t.i for m in mentions if m.label in entities.ACTOR_LABELS
        for t in doc.char_span(m.start - base, m.end - base, alignment_mode="expand") or ())
    speakers = speaker_rules.speakers_for_quotes(sents, quotes, mentions, base, actor_tokens)
    antecedent = None
    for sent, score in zip(sents, scores):
        index = sent_index[sent.start_char]
        row = result.sentences[index]
        row.score = score
        in_sent = by_sentence["mentions"].get(index, [])
        dates_in = by_sentence["dates"].get(index, [])
        facts = claim_rules.SentenceFacts(
            actors=[m.name for m in in_sent if m.label in entities.ACTOR_LABELS],
            has_date=bool(dates_in),
            future_bound=any((d.fuzzy or "").startswith("by") for d in dates_in),
            has_money=index in by_sentence["money"],
            has_number=any(ent.label_ in NUMBER_LABELS for ent in sent.ents),
            has_percent=index in by_sentence["percentages"],
            quote_speaker=speaker_rules.quote_speaker(sent, quotes, speakers),
            antecedent=antecedent,
            actor_tokens=actor_tokens,
        )
        root_subject = claim_rules.subject_of(claim_rules.main_verb(sent))
        info = claim_rules.decide(sent, facts, quotes, score, scorer.threshold)
        if info is not None:
            speaker = facts.quote_speaker
            if speaker is None and info.speaker_token is not None:
                if info.speaker_token.lower_ in claim_rules.PRONOUNS:
                    speaker = antecedent  # `They reaffirmed ...`: whoever the previous sentence was about
                else:
                    speaker = speaker_rules.name_for_token(info.speaker_token, mentions, base)
            subject = info.subject
            if subject and subject.lower() in claim_rules.PRONOUNS and antecedent:
                subject = antecedent
            result.claims.append(Claim(
                index, row.start, row.end, row.text, info.kind, info.modality, speaker,
                subject, info.predicate, info.object, _note_for(row, para, citations, marker_starts),
                info.object_head, score,
            ))
        # A pronoun subject in the next sentence refers to this sentence's actor subject, if any.
        subject_names = [m.name for m in speaker_rules.mentions_under(root_subject, in_sent, base, entities.ACTOR_LABELS)] \
            if root_subject is not None else []
        if subject_names:
            antecedent = subject_names[0]
        elif root_subject is None or root_subject.lower_ not in claim_rules.PRONOUNS:
            antecedent = None


# A sentence ending like this is finished by the list that follows it.
OPENS_A_LIST = re.compile(r"(?:\b(?:including|include|includes|such as|namely|as follows|are|were)|[:\u2014-])\s*$", re.I)


def _inherit_list_notes(result: DocResult, paragraphs, citations) -> None:
    """A claim whose sentence ends its paragraph open (`... signed several joint statements,
    including`) is finished by the list items that follow: it is backed by their notes too, and takes
    the first as its own note when its sentence has none (store/write.py)."""
    notes_in = collections.defaultdict(list)  # paragraph index -> note numbers of its markers
    for marker in citations:
        if marker.number is not None:
            notes_in[marker.paragraph].append(marker.number)
    for claim in result.claims:
        sentence = result.sentences[claim.sentence]
        para = paragraphs[sentence.paragraph]
        ends_paragraph = not para.text[sentence.end - para.start:].strip()
        if not ends_paragraph or not OPENS_A_LIST.search(claim.text.rstrip(" ,")):
            continue
        following = itertools.takewhile(lambda p: p.kind == "list", paragraphs[sentence.paragraph + 1:])
        claim.list_notes = list(dict.fromkeys(n for item in following for n in notes_in[item.seq]))


def _note_for(row, para, citations, marker_starts):
    """The marker inside the sentence (or right after its last character), else the next one in the
    same paragraph."""
    i = bisect.bisect_left(marker_starts, row.start)
    if i < len(citations) and citations[i].paragraph == para.seq:
        return citations[i].number
    return None
