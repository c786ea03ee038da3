"""Claims: check-worthy sentences, with kind, modality, speaker and subject/predicate/object.

A sentence is a claim when it reports something that happened or was said, planned, recommended or
measured: an event or assertion verb (EVENT_VERBS) with an actor, date, money figure or number; an
assessment of a named actor (`X is the global leader in ...`); a recommendation addressed to an actor;
or a quotation attributed to someone. Questions and fragments without a verb are not claims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Verb lemma -> claim kind. Tuned on reports and news; extend here, not in the rules.
EVENT_VERBS = {
    **dict.fromkeys("sign agree ratify conclude renew amend formalize formalise".split(), "agreement"),
    **dict.fromkeys("fund pledge invest allocate contribute designate award grant finance donate spend "
                    "raise budget appropriate authorize authorise commit earmark".split(), "funding"),
    **dict.fromkeys("launch establish unveil open found create form inaugurate introduce release "
                    "start begin deploy host keynote join partner convene".split(), "launch"),
    **dict.fromkeys("rank lead lag trail dominate surpass outpace overtake top score".split(), "assessment"),
    **dict.fromkeys("measure count total grow rise fall increase decrease decline double triple reach "
                    "employ".split(), "statistic"),
    **dict.fromkeys("plan aim intend propose seek project expect target".split(), "plan"),
    **dict.fromkeys("recommend urge call advise".split(), "recommendation"),
    **dict.fromkeys("say state tell announce add note argue claim report warn affirm reaffirm declare "
                    "confirm stress emphasize emphasise acknowledge write testify".split(), "quote"),
    **dict.fromkeys("implement impose adopt pass enact approve ban restrict expand strengthen publish "
                    "develop produce build acquire complete achieve identify assess find "
                    "collaborate cooperate".split(), "action"),
}
SPEECH_VERBS = {"say", "state", "tell", "add", "note", "argue", "claim", "warn", "affirm", "reaffirm",
                "declare", "confirm", "stress", "emphasize", "emphasise", "acknowledge", "write", "testify",
                "announce", "explain", "comment", "remark", "insist"}
ASSESSMENT_NOUNS = {"leader", "front-runner", "frontrunner", "source", "producer", "first", "largest",
                    "biggest", "top", "second", "third", "home", "hub", "member", "partner", "player",
                    "ahead", "behind", "laggard", "pioneer", "supplier", "exporter", "importer"}
ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
PRESCRIPTIVE = {"should", "must", "ought", "shall"}
HEDGED = {"could", "may", "might", "would", "can"}
HEDGE_WORDS = {"likely", "possibly", "perhaps", "probably", "potentially", "arguably", "reportedly"}
PREDICTED_PHRASES = re.compile(
    r"\b(will|is|are|was|were)\s+(expected|projected|poised|set|slated|scheduled|likely|due)\s+to\b"
    r"|\b(plans?|planned|intends?|aims?)\s+to\b", re.I)
NEED_TO = re.compile(r"\b(needs?|has|have) to\b", re.I)
QUOTES = re.compile(r"“[^”]*”?|\"[^\"]*\"?")


@dataclass
class ClaimInfo:
    kind: str
    modality: str
    subject: Optional[str]
    predicate: Optional[str]
    object: Optional[str]


def main_verb(sent):
    """The sentence's root, or the first verb when the parser rooted it on a noun."""
    root = sent.root
    if root.pos_ in ("VERB", "AUX"):
        return root
    return next((t for t in sent if t.pos_ == "VERB"), root)


def modality_of(sent) -> str:
    verb = main_verb(sent)
    auxes = {t.lower_ for t in verb.children if t.dep_ in ("aux", "auxpass")}
    text = sent.text
    if auxes & PRESCRIPTIVE or NEED_TO.search(text) and any(t.lower_ in ("need", "needs") for t in verb.children):
        return "prescriptive"
    if "will" in auxes or PREDICTED_PHRASES.search(text):
        return "predicted"
    if auxes & HEDGED or any(t.lower_ in HEDGE_WORDS for t in verb.children):
        return "hedged"
    if any(t.lower_ in PRESCRIPTIVE for t in sent if t.tag_ == "MD"):
        return "prescriptive"
    return "asserted"


def _phrase(token) -> str:
    words = list(token.subtree)
    return " ".join(w.text for w in words if not w.is_punct or w.text in "-&.").strip() if words else ""


def svo(sent) -> tuple[Optional[str], Optional[str], Optional[str]]:
    verb = main_verb(sent)
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd", "dative")), None)
    if obj is None:
        prep = next((c for c in verb.children if c.dep_ == "prep"), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    predicate = verb.lemma_ or verb.lower_
    particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    if particle:
        predicate += " " + particle
    return (_phrase(subject) if subject is not None else None, predicate,
            _phrase(obj) if obj is not None else None)


def classify_sentence(sent, has_actor: bool, has_anchor: bool, quoted: bool) -> Optional[ClaimInfo]:
    """ClaimInfo when the sentence is a claim, else None.

    has_actor: a named actor (person, organisation, place) is mentioned;
    has_anchor: an actor, date, money figure or number is mentioned;
    quoted: the sentence is (part of) a quotation attributed to someone.
    """
    text = sent.text.strip()
    if not text or text.endswith("?") or not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return None
    if len([t for t in sent if t.is_alpha]) < 4:
        return None
    modality = modality_of(sent)
    subject, predicate, obj = svo(sent)
    verb = main_verb(sent)
    kinds = [EVENT_VERBS[t.lemma_.lower()] for t in sent if t.pos_ == "VERB" and t.lemma_.lower() in EVENT_VERBS]
    kind = None
    if EVENT_VERBS.get(verb.lemma_.lower()):
        kind = EVENT_VERBS[verb.lemma_.lower()]
    elif kinds:
        kind = kinds[0]
    if quoted:
        return ClaimInfo("quote", modality, subject, predicate, obj)
    if kind and has_anchor:
        if modality == "prescriptive":
            kind = "recommendation"
        return ClaimInfo(kind, modality, subject, predicate, obj)
    if modality == "prescriptive" and has_actor and _has_actor_subject(verb):
        return ClaimInfo("recommendation", modality, subject, predicate, obj)
    if verb.lemma_ == "be" and _has_actor_subject(verb) and modality == "asserted":
        attrs = [c for c in verb.children if c.dep_ in ("attr", "acomp", "advmod", "prep")]
        words = {w.lower_ for a in attrs for w in a.subtree}
        if words & ASSESSMENT_NOUNS or any(w.like_num for a in attrs for w in a.subtree):
            return ClaimInfo("assessment", modality, subject, predicate, obj)
    return None


def _has_actor_subject(verb) -> bool:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if any(t.ent_type_ in ACTOR_LABELS for t in child.subtree):
                return True
            if child.lower_ in ("it", "they", "we") or child.lemma_ in ("country", "nation", "government", "partner"):
                return True
    return False


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (curly or straight quotes); an unclosed quote runs to the end."""
    return [(m.start(), m.end()) for m in QUOTES.finditer(text) if m.end() - m.start() > 25]


def find_speaker(sent) -> Optional[object]:
    """The token heading who said it: subject of a speech verb, or the object of `according to`."""
    for token in sent:
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None and subject.lower_ not in ("it", "this", "that", "which"):
                return subject
        if token.lower_ == "according" and token.nbor(1).lower_ == "to" if token.i + 1 < len(token.doc) else False:
            pobj = next((c for c in token.nbor(1).children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    return None
