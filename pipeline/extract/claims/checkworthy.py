"""Check-worthiness: the probability that a sentence states a fact worth checking.

A bag-of-n-grams classifier (spaCy's `textcat`, TextCatBOW) trained by `make model` on the
ClaimBuster debate sentences and the project's own labelled sentences (pipeline/data/train/).
It does not read words alone: each sentence becomes a sequence of *feature words* taken from the
parse the pipeline already has — its words (numbers and numeric entities folded to a label, so
`cut taxes by 40 percent` and `cut taxes by a third` share `E:PERCENT`-style n-grams), its
part-of-speech tags, its entity labels, and its main clause (root verb, subject, auxiliaries,
negation). A linear model over those is cheap enough to run on every sentence of prose
(about 2% of the parse's time) and needs no vectors or downloads.

The model decides *whether* a sentence is check-worthy; the rules in rules.py decide what kind of
claim it is, its modality, actor and speaker.
"""
from __future__ import annotations

import json
import pathlib
from typing import TYPE_CHECKING, Optional, Sequence

if TYPE_CHECKING:  # spaCy is imported where it is used: a build with every result cached never loads it
    from spacy.tokens import Span

# Where `make model` puts the trained classifier: models/checkworthy/ in the checkout (gitignored).
DEFAULT_MODEL_DIR = pathlib.Path(__file__).resolve().parents[3] / "models" / "checkworthy"
# The label the classifier is trained on; its complement is OTHER.
POSITIVE = "CHECKWORTHY"
NEGATIVE = "OTHER"
# Entity labels whose words are folded into one feature word: the kind of figure matters, not its value.
NUMERIC_ENTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"})
# Subject dependencies read for the main clause's `subj:` feature.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Sentence length in words is told in buckets of this many words, the last bucket open-ended.
LENGTH_BUCKET_WORDS = 5
LENGTH_BUCKETS = 8
# What train.py writes beside the model: its threshold and held-out figures.
METRICS = "metrics.json"
# Separates the feature sequences, so that no n-gram spans two of them.
SEPARATOR = "|"


def _word(token) -> str:
    if token.like_num and not token.is_alpha:
        return "<num>"
    if token.is_currency:
        return "<cur>"
    return token.lower_


def sentence_features(sent: Span) -> list[str]:
    """The feature words of a parsed sentence (see the module's docstring)."""
    words, tags = [], []
    for token in sent:
        if token.is_space:
            continue
        tags.append("t:" + token.tag_)
        if token.ent_type_ in NUMERIC_ENTS:
            if token.ent_iob_ == "B" or not words or words[-1] != "E:" + token.ent_type_:
                words.append("E:" + token.ent_type_)
            continue
        words.append(_word(token))
    ents = ["e:" + e.label_ for e in sent.ents]
    clause = []
    root = sent.root
    clause += ["root:" + root.lemma_.lower(), "roottag:" + root.tag_]
    for child in root.children:
        if child.dep_ in SUBJECT_DEPS:
            clause.append("subj:" + (child.lower_ if child.tag_ == "PRP" else child.ent_type_ or child.tag_))
        elif child.dep_ in ("aux", "auxpass") or child.tag_ == "MD":
            clause.append("aux:" + child.lower_)
        elif child.dep_ == "neg":
            clause.append("neg")
    clause.append("len:%d" % min(len(words) // LENGTH_BUCKET_WORDS, LENGTH_BUCKETS))
    if sent.text.rstrip().endswith("?"):
        clause.append("question")
    return words + [SEPARATOR] + tags + [SEPARATOR] + ents + [SEPARATOR] + clause


class ModelMissing(Exception):
    """No trained classifier where one was expected."""


class CheckworthinessModel:
    """A trained check-worthiness classifier, loaded once per process."""

    def __init__(self, path: pathlib.Path, threshold: Optional[float] = None):
        """`threshold`: None takes the one chosen when the model was trained (metrics.json);
        train.py, still choosing it, loads its checkpoints with one of its own."""
        import spacy  # the classifier is a spaCy pipeline of one textcat component

        self.path = pathlib.Path(path)
        if threshold is None:
            ensure_model(self.path)
            threshold = read_threshold(self.path)
        self.threshold = threshold
        self.nlp = spacy.load(self.path)
        self.textcat = self.nlp.get_pipe("textcat")
        self.column = list(self.textcat.labels).index(POSITIVE)

    def score(self, sents: Sequence[Span]) -> list[float]:
        """The probability that each sentence is check-worthy, in order."""
        return self.score_features([sentence_features(s) for s in sents])

    def score_features(self, features: Sequence[list[str]]) -> list[float]:
        """The same, from sentences' feature words (sentence_features)."""
        from spacy.tokens import Doc

        if not features:
            return []
        docs = [Doc(self.nlp.vocab, words=words) for words in features]
        scores = self.textcat.predict(docs)
        return [round(float(row[self.column]), 4) for row in self.textcat.model.ops.to_numpy(scores)]


def read_threshold(path: pathlib.Path) -> float:
    """The threshold chosen on the held-out debates when the model was trained (train.py)."""
    return json.loads((pathlib.Path(path) / METRICS).read_text())["threshold"]


def ensure_model(path: pathlib.Path) -> None:
    """Raise ModelMissing, naming the fix, when path holds no trained classifier (a spaCy pipeline
    and the metrics.json train.py writes beside it)."""
    if not all((pathlib.Path(path) / name).is_file() for name in ("meta.json", METRICS)):
        raise ModelMissing(f"no check-worthiness model in {path}: train it with `make model` "
                           f"(claims-pipeline train-model --out {path}), or pass --claim-model DIR")
