"""Who said it: the speaker of each quotation in a paragraph, and the canonical name a speech verb's
subject stands for (the mentions it is headed by, else the actors inside it)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ...types import Mention
from ..entities import ACTOR_LABELS
from .rules import reported_speech

if TYPE_CHECKING:  # annotations only
    from spacy.tokens import Span, Token

# Entity labels a speaker can have (a region speaks through its institutions: `Europe ... announced`).
SPEAKER_LABELS = ACTOR_LABELS | {"LOC"}


def mentions_under(token: Token, mentions: list[Mention], base: int, labels) -> list[Mention]:
    """The mentions of these labels inside the phrase a token heads."""
    sub = list(token.subtree)
    lo, hi = base + sub[0].idx, base + sub[-1].idx + len(sub[-1].text)
    return [m for m in mentions if lo <= m.start and m.end <= hi and m.label in labels]


def quote_speaker(sent: Span, quotes: list[tuple[int, int]], speakers: list[Optional[str]]) -> Optional[str]:
    """The speaker of the quotation covering most of this sentence, if any."""
    for (qs, qe), speaker in zip(quotes, speakers):
        overlap = min(qe, sent.end_char) - max(qs, sent.start_char)
        if speaker and overlap > 0.5 * len(sent.text.strip()):
            return speaker
    return None


def name_for_token(token: Token, mentions: list[Mention], base: int) -> str:
    """Canonical names of the actors a phrase is headed by (`U.S. Chief Technology Officer Michael
    Kratsios` -> Michael Kratsios; `the University of Chicago and the University of Tokyo` -> both),
    else of the actors inside it (people first), else the phrase itself."""
    heads, queue = [], [token]
    while queue:  # the head and every head coordinated with it (`Europe, Japan, and South Korea`)
        head = queue.pop(0)
        heads.append(head)
        queue += [c for c in head.children if c.dep_ == "conj"]
    headed = [m for h in heads for m in mentions
              if m.start <= base + h.idx < m.end and m.label in SPEAKER_LABELS]
    if headed:
        return ", ".join(dict.fromkeys(m.name for m in headed))
    inside = mentions_under(token, mentions, base, SPEAKER_LABELS)
    person = next((m for m in inside if m.label == "PERSON"), None)
    if person or inside:
        return (person or inside[0]).name
    words = [t.text for t in token.subtree if t.dep_ not in ("det", "poss", "case") and not t.is_punct]
    return " ".join(words) or token.text


def speakers_for_quotes(sents: list[Span], quotes: list[tuple[int, int]], mentions: list[Mention], base: int,
                        actor_tokens: frozenset[int]) -> list[Optional[str]]:
    """Who said each quotation: the speech verb's subject, outside the quotation, in the sentences it
    touches; a quotation with no attribution of its own continues the previous one's speaker within
    the paragraph (`“...,” X said. “...”`)."""
    speakers, last = [], None
    for qs, qe in quotes:
        speaker = None
        for sent in sents:
            if sent.start_char <= qe and qs < sent.end_char:
                _, token = reported_speech(sent, quotes, actor_tokens)
                if token is not None:
                    speaker = name_for_token(token, mentions, base)
                    break
        speaker = speaker or last
        speakers.append(speaker)
        last = speaker
    return speakers
