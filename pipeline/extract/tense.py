"""The tense of the verb that governs a date expression, read from spaCy's parse.

A relative date (`Thursday`, `in April`, `Nov. 21`) is resolved against the document's date in the
direction its clause points: `will meet Thursday` looks forward, `met Thursday` back, `said Thursday`
(a reporting verb) back into the document's own week, `expire Nov. 21` (present) to the nearest
one. The governing verb is found by climbing the dependency tree from the expression, so a `will`
elsewhere in the sentence (inside a quotation, in another clause) does not flip it.

`governing_tense(span)` returns 'past', 'present', 'future', 'past?' (a noun phrase's date in a past
clause: `the Oct. 23 slaying`, a hint, not a rule) or None (no verb governs the expression, it is the
verb's argument, or it modifies a noun in a clause that is not past: `will appeal Wednesday's ruling`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Auxiliaries and modals that put their verb after the time of speaking.
FUTURE_AUX = {"will", "shall", "'ll", "wo", "would", "may", "might", "should", "must", "ca"}
# Verbs and adjectives whose infinitive complement happens later than they do: `planned to leave
# Thursday`, `is expected to join in April`, `agreed to meet Monday`.
PROSPECTIVE = {
    "plan", "expect", "schedule", "set", "due", "intend", "hope", "aim", "want", "seek", "propose", "prepare",
    "agree", "decide", "promise", "threaten", "vow", "pledge", "likely", "unlikely", "ready", "go", "about",
    "slate", "anticipate", "suppose", "wish", "poise", "offer", "ask", "urge", "invite", "bound", "able",
    "vote", "opt", "elect", "choose", "resolve", "order", "instruct", "commit", "arrange",
}
# Participles and adjectives that themselves point forward: `is scheduled for Monday`, `due Monday`.
PROSPECTIVE_FORMS = {"scheduled", "expected", "due", "slated", "supposed", "poised", "going", "likely", "unlikely",
                     "ready", "bound", "upcoming", "coming", "pending", "effective", "payable", "starting",
                     "beginning", "expiring"}
# Verbs whose object is an event still to come when they happen: `planned a rally for Saturday`.
PLANNING = {"plan", "schedule", "slate", "propose", "arrange"}
# Verbs of saying: in the present (`says Monday`) they still report what was said in the document's week.
REPORTING = {
    "say", "tell", "announce", "report", "state", "add", "claim", "confirm", "deny", "note", "insist", "warn",
    "predict", "declare", "disclose", "indicate", "write", "suggest", "argue", "explain", "acknowledge",
    "admit", "estimate", "reply", "respond", "comment", "quote", "accuse", "charge", "assert", "concede",
}
# Participles that point forward only as a passive (`was planned for March`, `is set for Monday`), not
# as a bare modifier (`a rally planned for Saturday was cancelled`, `the record set on Aug. 6`).
PROSPECTIVE_PASSIVES = {"planned", "set", "timed", "fixed", "penciled", "pencilled", "booked"}
# Past-tense forms of the auxiliaries `be`, `have` and `do`.
PAST_AUX = {"was", "were", "had", "did", "'d"}
# Dependency labels through which a date attaches to a verb or to a preposition that does.
CLIMB_DEPS = {"pobj", "npadvmod", "prep", "advmod", "nummod", "appos", "conj", "cc", "dobj", "attr", "pcomp",
              "tmod", "obl", "nmod:tmod", "dep", "compound", "amod", "quantmod", "punct", "det", "case"}
MAX_CLIMB = 8


def _is_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") or token.tag_ == "MD"


def _climb(token: Token, through_nouns: bool) -> tuple[Optional[Token], bool]:
    """(the first verb or predicative adjective above token, whether the way passed a noun)."""
    via_noun = False
    for _ in range(MAX_CLIMB):
        head = token.head
        if head is token or head.i == token.i:
            return None, via_noun
        if _is_verb(head):
            return head, via_noun
        if head.pos_ == "ADJ" and head.dep_ in ("acomp", "ROOT", "xcomp", "ccomp", "conj", "amod", "advcl", "acl"):
            return head, via_noun  # `is payable Jan. 2`, `due Monday`
        if head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            if not through_nouns:
                return None, True
            via_noun = True
        elif head.pos_ not in ("ADP", "ADV", "SCONJ", "PART", "CCONJ", "PUNCT", "DET") and token.dep_ not in CLIMB_DEPS:
            return None, via_noun
        token = head
    return None, via_noun


# A date that is the verb's argument, not its time: `set Nov. 10 as the deadline`, `Friday is the day`.
ARGUMENT_DEPS = {"dobj", "nsubj", "nsubjpass", "attr", "oprd", "dative"}


def governing_verb(span: Span) -> Optional[Token]:
    """The verb (or predicative adjective) a date expression hangs from as its time; None when it
    modifies a noun (`Wednesday's ruling`, `a mission in December`), is the verb's argument, or hangs
    from nothing."""
    if span.root.dep_ in ARGUMENT_DEPS:
        return None
    verb, via_noun = _climb(span.root, through_nouns=False)
    return None if via_noun else verb


def _auxiliaries(verb: Token) -> list[Token]:
    """The verb's own auxiliaries; a conjunct without any shares its head's (`will meet and talk`)."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if not auxes and verb.dep_ == "conj" and verb.tag_ in ("VB", "VBN", "VBG") and _is_verb(verb.head):
        auxes = [c for c in verb.head.children if c.dep_ in ("aux", "auxpass")]
    return auxes


def _is_pluperfect(word: Token) -> bool:
    """Whether a verb, or the copula of a predicative adjective, is pluperfect (`had been scheduled`,
    `had been due`)."""
    if any(a.lower_ == "had" for a in _auxiliaries(word)):
        return True
    head = word.head
    return head is not word and head.lemma_ == "be" and any(a.lower_ == "had" for a in _auxiliaries(head))


def verb_tense(verb: Token, depth: int = 0) -> Optional[str]:
    """'past', 'present' or 'future' for a verb (or a predicative adjective), from its form and its
    auxiliaries; an infinitive takes the time of the verb it completes."""
    auxes = _auxiliaries(verb)
    words = [a.lower_ for a in auxes]
    if any(w in FUTURE_AUX for w in words):
        # `would have met` is a past counterfactual; `will`, `may`, `would meet` look forward
        return "past" if "have" in words and "would" in words else "future"
    if verb.lower_ in PROSPECTIVE_FORMS and (verb.tag_ in ("VBN", "VBG", "JJ") or verb.pos_ == "ADJ") or \
            verb.lower_ in PROSPECTIVE_PASSIVES and any(a.dep_ == "auxpass" for a in auxes):
        if _is_pluperfect(verb):
            return "present"  # `had been scheduled for Monday`: a plan made before, for a day on either side
        return "future"  # `is scheduled for Monday`, `is going to`, `due Monday`, `was planned for March`
    if "to" in words:  # an infinitive: `planned to leave Thursday`, `began to fall Monday`
        matrix = verb.head
        if matrix is verb or depth > 3:
            return None
        if matrix.lemma_.lower() in PROSPECTIVE or matrix.lemma_ == "be" and verb.dep_ != "csubj":
            if _is_pluperfect(matrix):
                return "present"  # `had been due to expire Friday`: planned before, on either side, the nearer
            return "future"  # `planned to leave Thursday`, `is to resume Tuesday`; not `to join ... was`
        outer = verb_tense(matrix, depth + 1) if _is_verb(matrix) or matrix.pos_ == "ADJ" else None
        if verb.dep_ == "advcl" and outer == "past":
            return "present"  # a purpose comes after its past verb, on either side of the document's date
        return outer
    if any(w in PAST_AUX for w in words) or verb.tag_ == "VBD":
        if verb.lemma_.lower() in PLANNING and any(c.dep_ == "dobj" for c in verb.children):
            return "present"  # `planned a rally on Saturday`: the rally, on either side of the story's date
        return "past"
    if any(a.lemma_ == "have" for a in auxes) and verb.tag_ in ("VBN", "VBG"):
        return "past"  # present perfect: `has been on patrol since March`, `have been searching since`
    if verb.tag_ in ("VBZ", "VBP") or any(w in ("is", "are", "am", "'s", "'re", "do", "does") for w in words):
        return "past" if verb.lemma_.lower() in REPORTING else "present"
    if verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl") and verb.lower_ in PROSPECTIVE_PASSIVES \
            and any(c.dep_ == "prep" and c.lower_ == "for" for c in verb.children) and depth <= 3:
        # `a summit set for April`: the time of the clause its noun is in (`is expected to dominate a
        # summit set for April` ahead, `a rally planned for Saturday drew crowds` behind), else the nearer
        outer, _ = _climb(verb.head, through_nouns=True)
        outer_tense = verb_tense(outer, depth + 1) if outer is not None else None
        return outer_tense if outer_tense in ("past", "future") else "present"
    if verb.tag_ == "VBN" and verb.dep_ in ("ROOT", "conj", "ccomp", "relcl", "advcl", "acl"):
        return "past"  # a reduced passive or a headline: `killed Monday`, `the record set on Aug. 6`
    if verb.pos_ == "ADJ":  # the copula's tense: `is payable Jan. 2`; else unknown (`a dividend payable ...`)
        head = verb.head
        if head is not verb and head.lemma_ == "be" and depth <= 3:
            return verb_tense(head, depth + 1)
        return None
    if verb.tag_ == "VBG" and depth <= 3 and verb.head is not verb and _is_verb(verb.head):
        return verb_tense(verb.head, depth + 1)  # `said Monday before leaving`
    return None


def governing_tense(span: Span) -> Optional[str]:
    """The tense of the verb governing a date expression. For one inside a noun phrase (`the Oct. 23
    slaying`), the clause's verb tells only when it is past (the noun names an event already reported);
    a future or present clause says nothing of when its noun's event is (`will appeal Wednesday's ruling`)."""
    verb = governing_verb(span)
    if verb is not None:
        return verb_tense(verb)
    if span.root.dep_ in ARGUMENT_DEPS:
        return None
    verb, via_noun = _climb(span.root, through_nouns=True)
    if verb is not None and via_noun and verb_tense(verb) == "past":
        return "past?"
    return None


def is_negated(span: Span) -> bool:
    """Whether the verb governing a date expression is negated (`had not called him a suspect until
    Thursday`): `not ... until` says when the event happens, in the verb's own tense."""
    verb = governing_verb(span)
    return verb is not None and any(c.dep_ == "neg" for c in verb.children)
