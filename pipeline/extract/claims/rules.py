"""Claims: check-worthy sentences, with kind, modality, speaker and subject/predicate/object.

Whether a sentence is a claim is decided with the check-worthiness model (checkworthy.py):
`decide` takes a sentence the model scores at or above its threshold, and a sentence the rules
below take when the model gives it at least RULE_SCORE_FLOOR. The rules give every claim its kind,
modality and speaker, including the claims only the model found (`describe_unruled`).

The rules take a sentence when its main clause reports something that happened or was said, planned,
recommended, ranked or measured, about something specific:
- a quotation or reported speech with an identifiable speaker (`X said`, `according to X`);
- an event verb (EVENT_VERBS) in the main clause with an actor, date, money figure or number;
- a recommendation (should, must, need to) addressed to a named actor;
- an assessment or statistic about a named actor (`X is the global leader in ...`, `X ranks ninth`,
  `... (22.6 percent)`).
Generic statements (`Quantum systems could unlock new discoveries`), definitions, questions and
verbless fragments are not claims; boilerplate never reaches this module (see clean/classify.py).
Only the main clause counts: `The first country to scale quantum technologies will gain an upper
hand` mentions no actor, and its `scale` sits in a relative clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # annotations only: the rules get spaCy objects from extract/document.py
    from spacy.tokens import Span, Token


# Verb lemma -> claim kind. Tuned on reports and news; extend here, not in the rules.
EVENT_VERBS = {
    **dict.fromkeys("sign ink seal agree ratify conclude renew amend formalize formalise finalize finalise "
                    "countersign".split(), "agreement"),
    **dict.fromkeys("fund pledge invest allocate contribute designate award grant finance donate spend "
                    "raise budget appropriate authorize authorise commit earmark".split(), "funding"),
    **dict.fromkeys("launch establish unveil open found create form inaugurate introduce release "
                    "start begin deploy host keynote join partner convene".split(), "launch"),
    **dict.fromkeys("rank lead lag trail dominate surpass outpace overtake top score".split(), "assessment"),
    **dict.fromkeys("measure count total grow rise fall increase decrease decline double triple reach "
                    "account".split(), "statistic"),
    **dict.fromkeys("plan aim intend propose seek project expect target".split(), "plan"),
    **dict.fromkeys("recommend urge call advise".split(), "recommendation"),
    **dict.fromkeys("implement impose adopt pass enact approve ban restrict expand strengthen publish "
                    "develop produce build acquire complete achieve collaborate cooperate "
                    "visit attend".split(), "event"),
}
# Verbs that report what someone said; their subject is the speaker, whoever or whatever it is
# (`Officials said`, `the agreement said`).
SPEECH_VERBS = {"say", "state", "tell", "add", "note", "argue", "claim", "warn", "affirm", "reaffirm",
                "declare", "confirm", "acknowledge", "write", "testify", "announce", "explain", "comment",
                "remark", "insist", "assert", "predict", "pledge", "vow", "promise"}
# Speech acts that are events in themselves, with or without a clause: `X announced a partnership`.
# Their default kind applies when nothing more specific is said.
ANNOUNCE_VERBS = {"announce": "launch", "unveil": "launch", "declare": "quote", "pledge": "plan", "vow": "plan",
                  "promise": "plan"}
# Verbs that report a finding or a stress; their subject is a speaker only when it names an actor
# (`RAND researchers found`, `MSIT emphasized`), not `their strategies indicate`, `this trend highlights`.
FINDING_VERBS = {"find", "conclude", "estimate", "report", "highlight", "reveal", "show", "indicate",
                 "suggest", "assess", "calculate", "emphasize", "emphasise", "stress", "underscore", "document"}
# Nouns that tell what kind of thing was announced or agreed: `announced a partnership`.
NOUN_KINDS = {
    **dict.fromkeys("agreement statement memorandum treaty accord partnership alliance framework declaration "
                    "deal pact mou".split(), "agreement"),
    **dict.fromkeys("investment funding fund grant budget financing loan pledge contribution".split(), "funding"),
    **dict.fromkeys("launch program programme initiative center centre lab laboratory platform network "
                    "committee group dialogue forum".split(), "launch"),
    **dict.fromkeys("plan vision strategy roadmap".split(), "plan"),
}
# Words in a copular predicate that make it an assessment of the subject.
ASSESSMENT_WORDS = {"leader", "front-runner", "frontrunner", "source", "producer", "first", "last", "largest",
                    "biggest", "top", "home", "hub", "pioneer", "supplier", "exporter", "importer", "ahead",
                    "behind", "laggard", "dominant", "leading", "only", "member", "founder", "host", "world",
                    "ranked", "strongest", "weakest", "best", "worst", "second", "third", "fourth", "fifth"}
# Subject nouns that stand for money already mentioned (`These funds are designated for ...`).
MONEY_NOUNS = {"fund", "funds", "funding", "investment", "investments", "grant", "grants", "budget", "money",
               "financing", "capital", "contribution", "contributions"}
# Common nouns that stand for actors a recommendation can be addressed to (`the three partners should`).
ACTOR_NOUNS = {"partner", "country", "nation", "government", "state", "policymaker", "leader", "official",
               "ally", "administration", "agency", "company", "firm", "university", "congress", "lawmaker",
               "regulator", "ministry", "department", "institution", "industry", "side", "party", "member"}
PRONOUNS = {"it", "they", "he", "she", "we"}
# Nouns for people whose findings or words are reported (`researchers found`, `officials said`).
PERSON_NOUNS = {"researcher", "expert", "analyst", "official", "scientist", "economist", "spokesperson",
                "spokesman", "spokeswoman", "minister", "secretary", "director", "president", "leader"}
# The document talking about itself (`In this Perspective, I consider ...`, `This article outlines ...`):
# a reading guide, not a claim about the world.
SELF_REFERENCE = re.compile(
    r"\b(this|the present|our|the following)\s+(article|paper|perspective|report|section|chapter|study|brief|"
    r"analysis|essay|table|figure|volume|piece|post|memo|note)\b", re.I)
AUTHOR_PRONOUNS = {"i", "we"}
PRESCRIPTIVE = {"should", "must", "ought", "shall"}
HEDGED = {"could", "may", "might", "would", "can"}
NOT_ASSERTING = HEDGED | PRESCRIPTIVE
HEDGE_WORDS = {"likely", "possibly", "perhaps", "probably", "potentially", "arguably", "reportedly"}
# Verbs that announce the future when a to-infinitive follows: `plans to`, `is expected to`, `is poised to`.
PREDICTIVE_VERBS = {"expect", "project", "poise", "set", "slate", "schedule", "plan", "intend", "aim", "go",
                    "forecast", "predict", "anticipate", "target"}
QUOTES = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
MIN_QUOTE_CHARS = 25
# A sentence with fewer words than this is a fragment (`Source: MSIT.`), never a claim.
MIN_WORDS = 3


# A sentence the rules take is still dropped when the model gives it less than this: measured on
# the held-out debates, the rules alone are right about half the time (precision 0.48), and the
# ones the model scores this low are mostly opinions and paraphrases with an event verb.
RULE_SCORE_FLOOR = 0.3
# The kind of a claim only the model found, when neither its verbs nor its figures tell one.
STATEMENT = "statement"


# Unions the rules test against, made once.
REPORTING_VERBS = SPEECH_VERBS | FINDING_VERBS
ADDRESSEE_NOUNS = ACTOR_NOUNS | PERSON_NOUNS


@dataclass
class SentenceFacts:
    """What the extractors found inside one sentence, for the claim rules."""
    actors: list[str] = field(default_factory=list)  # canonical names of actor mentions
    has_date: bool = False
    has_money: bool = False
    has_number: bool = False
    has_percent: bool = False
    future_bound: bool = False  # a date like `by 2030`
    quote_speaker: Optional[str] = None  # speaker of a quotation this sentence is part of
    antecedent: Optional[str] = None  # actor a pronoun subject refers to (previous sentence's subject)
    # indexes of the tokens that belong to actor mentions (the model's own entity tags are not trusted:
    # the extractors drop `Quantum`-as-ORG and relabel topics)
    actor_tokens: frozenset = frozenset()


@dataclass
class ClaimInfo:
    kind: str
    modality: str
    subject: Optional[str]
    predicate: Optional[str]
    object: Optional[str]
    speaker_token: object = None  # token heading the speaker phrase of reported speech
    object_head: Optional[str] = None


def main_verb(sent: Span) -> Token:
    """The sentence's root, or the first verb when the parser rooted it on a noun."""
    root = sent.root
    if root.pos_ in ("VERB", "AUX"):
        return root
    return next((t for t in sent if t.pos_ == "VERB"), root)


def main_predicates(sent: Span) -> list[Token]:
    """The main clause's verbs: the root, verbs coordinated with it, and their open complements
    (`agreed to provide`, `plans to launch`)."""
    root = main_verb(sent)
    verbs = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    for verb in list(verbs):
        if verb.lemma_ != "be":  # `is important to build trust`: the complement is not an event
            verbs += [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
    return verbs


def subject_of(verb: Token) -> Optional[Token]:
    """The subject of a verb; coordinated verbs share their head's subject."""
    while verb is not None:
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl")), None)
        if subject is not None:
            return subject
        verb = verb.head if verb.dep_ in ("conj", "xcomp") and verb.head is not verb else None
    return None


def modality_of(verbs: list[Token], future_bound: bool = False) -> str:
    """Modality of the main clause, given its predicates (main_predicates): words inside an embedded
    clause or a quotation's own relative clause (`technologies that are set to play`) do not count.
    `future_bound`: the sentence has a date like `by 2030`."""
    root = verbs[0]
    heads = [root] + [v for v in verbs[1:] if v.dep_ == "conj"]
    auxes = {c.lower_ for v in heads for c in v.children if c.dep_ in ("aux", "auxpass")}
    if auxes & PRESCRIPTIVE or any(v.lemma_ in ("need", "have") and _has_to_complement(v) for v in heads):
        return "prescriptive"
    if auxes & {"will", "'ll"} or any(v.lemma_.lower() in PREDICTIVE_VERBS and _has_to_complement(v) for v in heads):
        return "predicted"
    if auxes & HEDGED or any(t.lower_ in HEDGE_WORDS for t in [root, *(c for v in heads for c in v.children)]):
        return "hedged"
    if future_bound and not _is_past(root):
        return "predicted"  # `... to cut emissions by 2030`
    return "asserted"


def _has_to_complement(verb) -> bool:
    """`plans to release`, `is expected to rise`, `needs to decide`."""
    return any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in verb.children)


def phrase(token: Token) -> str:
    words = [w for w in token.subtree]
    return " ".join(w.text for w in words if not w.is_punct or w.text in "-&.").strip()


def object_of(verb: Token) -> Optional[Token]:
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd", "dative", "acomp")), None)
    if obj is None:
        prep = next((c for c in verb.children if c.dep_ in ("prep", "agent")), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    return obj


def svo(verb: Token) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """Subject, predicate (lemma, with its particle; `not sign` when negated) and object of the main
    verb, as text."""
    subject, obj = subject_of(verb), object_of(verb)
    predicate = verb.lemma_ or verb.lower_
    particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    if particle:
        predicate += " " + particle
    if any(c.dep_ == "neg" for c in verb.children):
        predicate = "not " + predicate  # `did not sign`, `never signed`: the event is denied
    return (phrase(subject) if subject is not None else None, predicate,
            phrase(obj) if obj is not None else None)


def _is_actor_phrase(token, facts: SentenceFacts) -> bool:
    """A subject phrase that names an actor, or a pronoun standing for one."""
    if token is None:
        return False
    if any(t.i in facts.actor_tokens for t in token.subtree):
        return True
    return token.lower_ in PRONOUNS and facts.antecedent is not None


def _event_kind(verbs) -> Optional[str]:
    for verb in verbs:
        kind = EVENT_VERBS.get(verb.lemma_.lower())
        if kind:
            return kind
    return None


def _noun_kind(*verbs) -> Optional[str]:
    """The kind told by what the verbs act on: `announced a partnership` -> agreement."""
    for verb in verbs:
        for child in verb.children:
            if child.dep_ in ("dobj", "nsubjpass", "attr", "nsubj"):
                kind = NOUN_KINDS.get(child.lemma_.lower())
                if kind:
                    return kind
    return None


def speaker_of(verb: Token) -> Optional[Token]:
    """Who performs a speech verb: its active subject, or the agent of a passive (`was found by X`)."""
    if any(c.dep_ == "auxpass" for c in verb.children):
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    subject = subject_of(verb)
    return subject if subject is not None and subject.dep_ != "nsubjpass" else None


def names_actor(token: Token, actor_tokens: frozenset[int]) -> bool:
    """The phrase's head (or a head coordinated with it) is part of an actor's name, or is a person noun."""
    heads = [token] + [c for c in token.children if c.dep_ == "conj"]
    return any(h.i in actor_tokens or h.lemma_.lower() in ADDRESSEE_NOUNS for h in heads)


def reported_speech(sent: Span, quotes: list[tuple[int, int]] = (), actor_tokens=frozenset()):
    """(speech verb, speaker token) for `X said ...`, `X announced ...`, `according to X`; the verb and
    speaker must stand outside any quotation."""
    def outside(token):
        offset = token.idx - sent.doc[0].idx
        return not any(qs <= offset < qe for qs, qe in quotes)

    for token in sent:
        lemma = token.lemma_.lower()
        if lemma in REPORTING_VERBS and token.pos_ == "VERB" and outside(token):
            subject = speaker_of(token)
            if subject is None or subject.lower_ in ("it", "this", "that", "which", "i", "we") or not outside(subject):
                continue
            # A finding needs a finder: `MSIT emphasized`, not `this trend highlights`.
            if lemma in SPEECH_VERBS or names_actor(subject, actor_tokens):
                return token, subject
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to":
            pobj = next((c for c in token.nbor(1).children if c.dep_ == "pobj"), None)
            if pobj is not None and outside(pobj):
                return token, pobj
    return None, None


def source_of_statement(speech_verb: Optional[Token], speaker: Optional[Token]) -> Optional[Token]:
    """The speaker when the sentence reports what they said or found (`X said (that) ...`, `X found
    that ...`, `according to X`), not when their speech act is the event itself: in `IBM and Google
    pledged $150 million` or `X announced a partnership`, X is the actor of the claim, and no one is
    its source."""
    if speech_verb is None or speaker is None:
        return None
    if speech_verb.lower_ == "according" or any(_is_finite_clause(c) for c in speech_verb.children):
        return speaker
    return None


def _is_finite_clause(token: Token) -> bool:
    """A clausal complement with a tense of its own (`said the deal was signed`), not an infinitive
    the parser took for one (`announced a partnership to advance ...`)."""
    return token.dep_ == "ccomp" and not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _is_statement(sent: Span) -> bool:
    """Not a question, not a verbless fragment."""
    text = sent.text.strip()
    if not text or text.endswith("?") or not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return False
    return sum(1 for t in sent if t.is_alpha) >= MIN_WORDS


def decide(sent: Span, facts: SentenceFacts, quotes: list[tuple[int, int]], score: float,
           threshold: float) -> Optional[ClaimInfo]:
    """ClaimInfo when the sentence is a claim, given the model's check-worthiness score: the rules'
    reading when they take it and the model does not reject it, else the model's verdict alone."""
    info = classify_sentence(sent, facts, quotes)
    if info is not None:
        return info if score >= min(RULE_SCORE_FLOOR, threshold) else None
    return describe_unruled(sent, facts, quotes) if score >= threshold else None


def classify_sentence(sent: Span, facts: SentenceFacts, quotes: list[tuple[int, int]] = ()) -> Optional[ClaimInfo]:
    """ClaimInfo when the rules take the sentence as a claim, else None. `quotes` are the
    paragraph's quotation spans (offsets into sent.doc.text)."""
    if not _is_statement(sent):
        return None
    verbs = main_predicates(sent)
    modality = modality_of(verbs, facts.future_bound)
    kind, speaker = _kind_of(sent, verbs, modality, facts, quotes)
    if kind is None:
        return None
    subject, predicate, obj = svo(verbs[0])
    return ClaimInfo(kind, modality, subject, predicate, obj, speaker, _object_head(verbs))


def _object_head(verbs) -> Optional[str]:
    """What was done to, for grouping claims into facts: `pledged $150 million` -> money (the amount is
    compared, not the word), `announced a partnership` -> partnership."""
    if verbs and verbs[0].lemma_.lower() in SPEECH_VERBS:  # `"X signed Y," he said`: what was reported
        inner = [c for c in verbs[0].children if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX")]
        verbs = inner + list(verbs) if inner else verbs
    heads = [h for h in (object_of(v) for v in verbs) if h is not None]
    if any(h.ent_type_ == "MONEY" for h in heads):
        return "money"
    head = next((h for h in heads if h.pos_ in ("NOUN", "PROPN")), None)
    return head.lemma_.lower() if head is not None else None


def _unless_unfunded(kind: Optional[str], instead: str, money_evidence: bool) -> Optional[str]:
    """Funding needs money in the sentence: `committed to integrating AI` is not funding."""
    return instead if kind == "funding" and not money_evidence else kind


def _kind_of(sent, verbs, modality: str, facts: SentenceFacts, quotes):
    """(kind, speaker token) of a claim, or (None, None) when the sentence is not one."""
    root = verbs[0]
    root_subject = subject_of(root)
    actor_subject = _is_actor_phrase(root_subject, facts)
    has_actor = bool(facts.actors) or actor_subject
    has_anchor = has_actor or facts.has_date or facts.has_money or facts.has_number
    money_words = any(t.lower_ in MONEY_NOUNS for t in sent)
    money_evidence = facts.has_money or money_words

    if facts.quote_speaker:
        return "quote", None
    if root_subject is not None and (root_subject.lower_ in AUTHOR_PRONOUNS or SELF_REFERENCE.search(phrase(root_subject))):
        return None, None
    if root_subject is not None and root_subject.lower_ == "it" and SELF_REFERENCE.search(sent.text.strip()[:60]):
        return None, None
    speech_verb, speaker = reported_speech(sent, quotes, facts.actor_tokens)
    if speech_verb is not None and (speech_verb in verbs or speech_verb.lower_ == "according"):
        lemma = speech_verb.lemma_.lower()
        inner = [c for c in speech_verb.children if c.dep_ in ("ccomp", "xcomp")]
        kind = None
        if inner and (lemma in SPEECH_VERBS or any(c.dep_ == "ccomp" for c in inner)):
            # reported speech, `X said (that) ...`: its kind is what was reported
            kind = _event_kind(inner) or _noun_kind(*inner) or ANNOUNCE_VERBS.get(lemma) or "quote"
        elif lemma in ANNOUNCE_VERBS or speech_verb.lower_ == "according":
            # `X announced a partnership`, `X pledged $150 million`: an event X made public
            kind = EVENT_VERBS.get(lemma) or _noun_kind(speech_verb) or ANNOUNCE_VERBS.get(lemma, "quote")
        if kind:
            return _unless_unfunded(kind, "plan", money_evidence), source_of_statement(speech_verb, speaker)
    if speech_verb is not None and speech_verb.lower_ == "according":
        return _event_kind(verbs) or "quote", speaker

    kind = _unless_unfunded(_event_kind(verbs), "event", money_evidence)
    if kind and facts.has_percent:
        kind = "statistic"
    elif kind in ("plan", "event") and facts.has_money:
        kind = "funding"  # `is projected to involve a total investment of $1 billion`: the figure is the news
    # Speculation about nobody in particular is not check-worthy; a projection with a figure or a date is.
    speculative = modality == "hedged" or (
        modality == "predicted" and not (has_actor or facts.has_date or facts.has_money))
    if kind and (has_anchor or money_words) and not (speculative and not actor_subject):
        return ("recommendation" if modality == "prescriptive" else kind), None
    if modality == "prescriptive" and (actor_subject or (root_subject is not None and root_subject.lemma_.lower() in ACTOR_NOUNS)):
        return "recommendation", None
    if actor_subject and modality == "asserted" and root.lemma_ in ("be", "have", "remain", "become", "hold"):
        words = [w for c in root.children if c.dep_ in ("attr", "acomp", "advmod", "prep", "dobj") for w in c.subtree]
        if {w.lower_ for w in words} & ASSESSMENT_WORDS or any(w.tag_ == "JJS" for w in words):
            return "assessment", None
        if any(w.like_num or w.ent_type_ in ("CARDINAL", "PERCENT", "MONEY", "QUANTITY") for w in words):
            return "statistic", None
    if facts.has_percent and has_actor and modality == "asserted":
        return "statistic", None
    if modality in ("asserted", "predicted"):
        # Fallbacks for events outside the main clause or without a listed verb.
        embedded = _embedded_event(sent, facts, money_evidence)
        if embedded:
            return embedded, None
        if actor_subject and facts.has_date and _is_past(root):
            return kind or "event", None  # `In 2024, X assumed the chair`
        if facts.has_money and has_actor:
            return ("funding" if money_words or _event_kind(list(sent)) == "funding" else "statistic"), None
    return None, None


def _is_past(verb) -> bool:
    """Simple past, or a perfect (`has established`)."""
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and any(c.lemma_ == "have" for c in verb.children))


def _in_condition(token) -> bool:
    """The token sits in an `if`/`unless`/`whether` clause, or a question."""
    for node in [token, *token.ancestors]:
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in node.children):
            return True
    return False


def _embedded_event(sent, facts: SentenceFacts, money_evidence: bool) -> Optional[str]:
    """Kind of an event verb anywhere in the sentence whose own doer is an actor: `the Lab, jointly
    funded by MSIT`, `when Washington and Seoul opened a new chapter in 2021`."""
    for token in sent:
        kind = EVENT_VERBS.get(token.lemma_.lower())
        if not kind or token.pos_ != "VERB" or _in_condition(token):
            continue
        if any(c.lower_ in NOT_ASSERTING for c in token.children if c.dep_ == "aux"):
            continue
        doer = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if doer is None:
            agent = next((c for c in token.children if c.dep_ == "agent"), None)
            doer = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if doer is None and token.dep_ == "advcl" and token.tag_ == "VBG":
            doer = subject_of(token.head)  # `..., announcing the launch of`: the main subject announces
        if doer is not None and any(t.i in facts.actor_tokens for t in doer.subtree):
            kind = _unless_unfunded(kind, "event", money_evidence)
            if kind == "assessment" and doer.head.dep_ == "agent":
                kind = "event"  # `a forum led by the Ambassador` organises, it does not rank
            return kind
    return None


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (curly or straight quotes); an unclosed quote runs to the end of the text.
    Short quotations (a scare-quoted phrase) are not speech."""
    return [(m.start(), m.end()) for m in QUOTES.finditer(text) if m.end() - m.start() > MIN_QUOTE_CHARS]


def describe_unruled(sent: Span, facts: SentenceFacts, quotes: list[tuple[int, int]] = ()) -> Optional[ClaimInfo]:
    """ClaimInfo of a sentence the model found check-worthy and no rule took (`We have 14 million
    unemployed`, `I voted against that bill in 1985`): kind from its verbs (EVENT_VERBS, NOUN_KINDS)
    or its figures (statistic, funding), `statement` otherwise; modality and speaker as for the
    rules. None for what is never a claim: a question, a fragment, the document about itself."""
    if not _is_statement(sent) or SELF_REFERENCE.search(sent.text):
        return None
    verbs = main_predicates(sent)
    modality = modality_of(verbs, facts.future_bound)
    speech_verb, speaker = reported_speech(sent, quotes, facts.actor_tokens)
    if speech_verb is None or not (speech_verb in verbs or speech_verb.lower_ == "according"):
        speaker = None
    speaker = source_of_statement(speech_verb, speaker)
    money_evidence = facts.has_money or any(t.lower_ in MONEY_NOUNS for t in sent)
    kind = _unless_unfunded(_event_kind(verbs) or _noun_kind(*verbs), "event", money_evidence)
    if facts.quote_speaker:
        kind = "quote"
    elif modality == "prescriptive":
        kind = "recommendation"
    elif facts.has_percent:
        kind = "statistic"
    elif kind is None and facts.has_money:
        kind = "funding" if money_evidence and _event_kind(list(sent)) == "funding" else "statistic"
    elif kind is None and facts.has_number:
        kind = "statistic"
    subject, predicate, obj = svo(verbs[0])
    return ClaimInfo(kind or STATEMENT, modality, subject, predicate, obj, speaker, _object_head(verbs))
