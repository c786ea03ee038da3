"""The claim rules: detection, kind, modality and speaker, table-driven, with the real spaCy model.

Each case is a short text; the row names a piece of one sentence and what the claim made of that
sentence must be (None: the sentence must not be a claim). These tests read the rules alone: the
check-worthiness model's say is kept out by RulesOnly (its own tests are in test_extract_checkworthy.py,
and the two together are scored on the corpus in test_scores.py).
"""
import pytest

from pipeline.build import run as build
from pipeline.types import Page, RawDocument


class RulesOnly:
    """A check-worthiness scorer that supports every sentence the rules take and nothing else:
    score 1 everywhere, and a threshold no score reaches (no claim on the model's word alone)."""
    threshold = 1.01

    def score(self, sents):
        return [1.0] * len(sents)


def extract(nlp, text):
    return build.process_document(RawDocument("raw/t.txt", "0" * 64, "txt", [Page(1, text)]), nlp, RulesOnly())


def claim_for(result, anchor):
    matches = [c for c in result.claims if anchor in c.text]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


CLAIMS = [
    # text, anchor, kind (None: not a claim), modality, speaker
    ("The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.",
     "signed the Tokyo Statement", "agreement", "asserted", None),
    ("IBM and Google pledged $150 million in support to the universities.", "pledged", "funding", "asserted", None),  # actors, not a source
    ("Japan already commercially deployed quantum key distribution across its networks.", "deployed", "launch", "asserted", None),
    ("In May 2023, the University of Chicago and the University of Tokyo announced a partnership to advance quantum computing.",
     "announced a partnership", "agreement", "asserted", None),  # the announcement is the event
    ("These funds are designated for the establishment and operation of a frontier research platform.",
     "designated", "funding", "asserted", None),
    ("The Ministry of Trade, Industry and Energy (MOTIE) announced an investment of USD 505 million over five years.",
     "announced an investment", "funding", "asserted", None),
    # A speech verb with a clause of its own reports what its subject said: that subject is the source.
    ("Tech-giant IBM on Wednesday also announced it is taking a quantum computer to Japan.",
     "taking a quantum computer", "launch", "asserted", "IBM"),
    ("The Ministry of Trade, Industry and Energy said that it had invested USD 505 million over five years.",
     "had invested", "funding", "asserted", "Ministry of Trade, Industry and Energy"),
    ("South Korea ranks ninth out of 25 leading AI nations.", "ranks ninth", "assessment", "asserted", None),
    ("The United States is the global leader in quantum sensing.", "global leader", "assessment", "asserted", None),
    ("Japan is a critical source of quantum components and materials.", "critical source", "assessment", "asserted", None),
    ("Japan is good at basic research. It was the first country to develop superconducting qubits.",
     "first country to develop", "assessment", "asserted", None),
    ("The three partners should prioritize joint research on quantum sensing.", "should prioritize", "recommendation", "prescriptive", None),
    ("Over the next five years, the partnership is projected to involve a total investment of $1 billion.",
     "projected to involve", "funding", "predicted", None),
    ("“This landmark statement demonstrates our commitment to engaging with like-minded nations,” "
     "U.S. Chief Technology Officer Michael Kratsios said in a statement.",
     "demonstrates our commitment", "quote", "asserted", "Michael Kratsios"),
    ("“The agreement affirms our strong alliance with Japan,” OSTP Director Kelvin Droegemeier said this week. "
     "“Importantly, this is the first statement to reflect the core pillars of our research policy.”",
     "Importantly, this is the first statement", "quote", "asserted", "Kelvin Droegemeier"),
    ("Officials said the signing follows a series of quantum-related engagements in Japan.",
     "the signing follows", "quote", "asserted", "Officials"),
    ("According to a press briefing by the National Science Foundation, the committee will prioritize joint research.",
     "the committee will prioritize", "quote", "predicted", "National Science Foundation"),
    ("In a 2022 report, RAND researchers found that China gained significant ground in quantum computing.",
     "RAND researchers found", "quote", "asserted", "RAND"),
    # not claims
    ("Quantum systems could unlock new discoveries in areas like drug design and supply chain management.",
     "unlock new discoveries", None, None, None),
    ("The first country to scale quantum technologies will gain an upper hand in setting standards.",
     "The first country", None, None, None),
    ("In this Perspective, I consider some of the many challenges for collaboration with allied nations.",
     "I consider", None, None, None),
    ("This article outlines the landscape of technology cooperation between the United States and South Korea.",
     "This article outlines", None, None, None),
    ("Could these big-science projects serve as a model for future quantum projects in Europe?",
     "serve as a model", None, None, None),
    ("Expanding these efforts to government-level collaborations would help strengthen joint programs.",
     "Expanding these efforts", None, None, None),
    ("This trend highlights the ability of the United States to attract international researchers.",
     "This trend highlights", None, None, None),
    ("Prioritizing areas of common interest between South Korea and Japan is particularly important to build trust.",
     "Prioritizing areas", None, None, None),
]


@pytest.mark.parametrize("text,anchor,kind,modality,speaker", CLAIMS, ids=[row[1] for row in CLAIMS])
def test_claim(nlp, text, anchor, kind, modality, speaker):
    claim = claim_for(extract(nlp, text), anchor)
    if kind is None:
        assert claim is None, f"not a claim, got {claim}"
        return
    assert claim is not None, "expected a claim"
    assert (claim.kind, claim.modality, claim.speaker) == (kind, modality, speaker)


MODALITY = [
    ("The United States and Japan should develop metrics to assess these initiatives.", "prescriptive"),
    ("South Korea must secure competent researchers for its quantum programme.", "prescriptive"),
    ("Japan needs to expand its quantum workforce by 2030.", "prescriptive"),
    ("Japan could strengthen its ties with the United States through the partnership.", "hedged"),
    ("Japan may expand its quantum programme with South Korea next year.", "hedged"),
    ("The European Union will build a continental QKD network by 2027.", "predicted"),
    ("NIST is expected to release a full encryption standard by 2024.", "predicted"),
    ("The Commerce Department plans to add three PRC organizations to its Entity List.", "predicted"),
    ("In October 2022, the Commerce Department imposed new export controls on China.", "asserted"),
    ("In September 2022, Jake Sullivan identified quantum technology as one of “a select few technologies [that] "
     "are set to play an outsized importance over the coming decade.”", "asserted"),
    ("Japan aims to build a fault-tolerant quantum computer by 2030.", "predicted"),
    ("Japan unveiled its vision to produce a more powerful quantum computer by around 2039.", "asserted"),
    ("This $1 billion partnership is poised to be a powerful catalyst for the United States and Japan.", "predicted"),
]


@pytest.mark.parametrize("text,modality", MODALITY)
def test_modality(nlp, text, modality):
    result = extract(nlp, text)
    assert [c.modality for c in result.claims] == [modality]


def test_claim_carries_its_footnote(nlp):
    result = extract(nlp, "Congress passed the Chips and Science Act in July 2022.¹ It invests \\$52 billion.²")
    assert [c.note for c in result.claims] == [1, 2]


def test_marker_later_in_paragraph_is_the_note(nlp):
    result = extract(nlp, "The United States signed the agreement in 2019. Japan signed it in 2020.³")
    assert [c.note for c in result.claims] == [3, 3]


def test_pull_quote_never_yields_a_second_claim(nlp):
    sentence = "The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019."
    text = (f"Cooperation has a long history. {sentence} Both recognise its importance.\n\n{sentence}\n\n"
            "Other partners joined the effort later, according to officials in Tokyo.")
    result = extract(nlp, text)
    assert sum(1 for c in result.claims if "signed the Tokyo Statement" in c.text) == 1


def test_boilerplate_and_headings_are_never_claims(nlp):
    text = ("U.S., Japan Sign International Statement on Quantum Cooperation\n\n"
            "The United States and Japan signed the Tokyo Statement on Quantum Cooperation in December 2019.\n\n"
            "By subscribing, you’ll receive Troy-Technical’s weekly technology intelligence newsletter.\n\n"
            "The views expressed by contributors are their own and not the view of The Hill")
    result = extract(nlp, text)
    assert [c.text[:30] for c in result.claims] == ["The United States and Japan si"]


def test_claim_mentions_dates_money_lie_inside_it(nlp):
    result = extract(nlp, "IBM and Google pledged $150 million in June 2023 to the University of Chicago.")
    claim = result.claims[0]
    inside = lambda rows: [r.text for r in rows if claim.start <= r.start and r.end <= claim.end]  # noqa: E731
    assert inside(result.money) == ["$150 million"]
    assert inside(result.dates) == ["June 2023"]
    assert {"IBM", "Google", "University of Chicago"} <= {m.name for m in result.mentions}


EMBEDDED = [
    ("A more advanced initiative is the Global AI Frontier Lab in New York, jointly funded by MSIT (USD 33.8 million) "
     "and NYU (USD 31.5 million).", "Frontier Lab", "funding"),
    ("When Washington and Seoul opened a new chapter of their alliance in 2021, it marked the first time that AI "
     "was recognized in a joint statement.", "new chapter", "launch"),
    ("In February 2024, South Korea assumed the chair position of the Joint Technical Committee on Quantum Technologies.",
     "assumed the chair", "event"),
    ("This broad direction was reiterated in the follow-up Policy Forum led by US Ambassador Nathaniel Fick in 2023.",
     "reiterated", "event"),
    ("If China launches a quantum satellite network, other nations could fall behind.", "satellite", None),
]


@pytest.mark.parametrize("text,anchor,kind", EMBEDDED, ids=[row[1] for row in EMBEDDED])
def test_events_outside_the_main_clause(nlp, text, anchor, kind):
    claim = claim_for(extract(nlp, text), anchor)
    assert (claim.kind if claim else None) == kind
