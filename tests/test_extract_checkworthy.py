"""The check-worthiness model: its features, the trained model's judgement, training itself."""
import json
import pathlib

import pytest

from pipeline.extract.claims import checkworthy, train

MODEL_DIR = train.DEFAULT_MODEL_DIR


@pytest.fixture(scope="module")
def scorer():
    if not (MODEL_DIR / "meta.json").exists():
        pytest.fail(f"no check-worthiness model in {MODEL_DIR}: run `make model` (make test does)")
    return checkworthy.CheckworthinessModel(MODEL_DIR)


@pytest.mark.parametrize("text, present, absent", [
    ("We cut taxes by 40 percent in 1981.", ["E:PERCENT", "E:DATE", "subj:we", "root:cut", "e:PERCENT"], ["40", "question"]),
    ("Will you raise taxes?", ["question", "aux:will", "subj:you"], ["neg"]),
    ("The senator did not vote for the bill.", ["neg", "root:vote", "t:VBD"], ["question"]),
    ("It costs $3 billion.", ["E:MONEY", "e:MONEY"], ["3", "billion"]),
])
def test_sentence_features(nlp, text, present, absent):
    features = checkworthy.sentence_features(nlp(text)[:])
    assert set(present) <= set(features), features
    assert not set(absent) & set(features), features
    assert features.count(checkworthy.SEPARATOR) == 3  # words | tags | entities | clause


# Sentences written for this test (not in the training data): plain statements of fact and figures
# against greetings, opinions, questions and promises.
CHECK_WORTHY = [
    "Unemployment rose to 9 percent last year, the highest rate since 1982.",
    "The administration cut the education budget by $4 billion in 1991.",
    "The city council voted 7 to 2 last March to close three hospitals.",
    "Exports to Canada fell by a third between 2001 and 2003.",
]
NOT_CHECK_WORTHY = [
    "Thank you very much, and good evening.",
    "I think we can do better than that.",
    "What would you do about it?",
    "I love this country and I love its people.",
]


def test_model_separates_facts_from_opinions(scorer, nlp):
    threshold = scorer.threshold
    worthy = scorer.score([nlp(t)[:] for t in CHECK_WORTHY])
    other = scorer.score([nlp(t)[:] for t in NOT_CHECK_WORTHY])
    assert all(s >= threshold for s in worthy), list(zip(CHECK_WORTHY, worthy))
    assert all(s < threshold for s in other), list(zip(NOT_CHECK_WORTHY, other))
    assert all(0.0 <= s <= 1.0 for s in worthy + other)


def test_model_metrics_recorded(scorer):
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    assert 0 < metrics["threshold"] < 1 and metrics["threshold"] == scorer.threshold
    assert metrics["held_out"]["nfs_rate"] <= train.MAX_NFS_RATE
    assert metrics["held_out_groups"], "the threshold must be chosen on held-out debates"


def _rows(groups):
    return [{"text": f"s{g}{i}", "label": "CFS" if i % 2 else "NFS", "source": "claimbuster", "group": g}
            for g in groups for i in range(4)]


def test_held_out_is_the_latest_debates():
    rows = _rows(["1960-09-26", "1976-10-06", "1988-10-13", "2004-10-13"]) + [
        {"text": "x", "label": "CFS", "source": "dev-gold", "group": "000"}]
    trained, held = train.split_held_out(rows)
    assert {r["group"] for r in held} == {"2004-10-13"}
    assert {r["group"] for r in trained} == {"1960-09-26", "1976-10-06", "1988-10-13", "000"}


@pytest.mark.parametrize("table, expected", [
    # the best F1 among thresholds marking at most MAX_NFS_RATE of NFS sentences
    ({0.3: {"f1": 0.7, "nfs_rate": 0.09}, 0.4: {"f1": 0.65, "nfs_rate": 0.05}, 0.5: {"f1": 0.6, "nfs_rate": 0.02}}, 0.4),
    ({0.3: {"f1": 0.5, "nfs_rate": 0.01}, 0.4: {"f1": 0.6, "nfs_rate": 0.01}}, 0.4),
    # none allowed: the best F1 overall
    ({0.3: {"f1": 0.5, "nfs_rate": 0.2}, 0.4: {"f1": 0.6, "nfs_rate": 0.1}}, 0.4),
])
def test_choose_threshold(table, expected):
    assert train.choose_threshold(table) == expected


def test_training_is_deterministic(tmp_path):
    """Two trainings on the same small sample give byte-identical weights."""
    rows = train.read_examples(train.DEFAULT_DATA_DIR)
    # two debates: the later one is held out, the earlier one trained on
    sample = [r for g in ("1960-09-26", "2004-10-13") for r in [r for r in rows if r["group"] == g][:200]]
    data = tmp_path / "data"
    data.mkdir()
    (data / "sample.jsonl").write_text("".join(json.dumps(r) + "\n" for r in sample))
    weights = []
    for run in ("a", "b"):
        train.train_model(data, tmp_path / run, overrides={"training.max_epochs": 1}, say=lambda *_: None)
        weights.append((tmp_path / run / "textcat" / "model").read_bytes())
    assert weights[0] == weights[1]


def _facts(sent, **flags):
    from pipeline.extract.claims.rules import SentenceFacts

    return SentenceFacts(**flags)


# Sentences no rule takes, read when the model finds them check-worthy: kind, modality, speaker.
UNRULED = [
    ("We have 14 million unemployed in this country.", {"has_number": True}, "statistic", "asserted"),
    ("I voted against that bill in 1985.", {"has_date": True}, "statement", "asserted"),
    ("The deficit is the largest in our history.", {}, "statement", "asserted"),
    ("We cut taxes for every family in America.", {}, "statement", "asserted"),
    ("Inflation was 12 percent when they left office.", {"has_percent": True}, "statistic", "asserted"),
    ("The governor signed the budget last spring.", {"has_date": True}, "agreement", "asserted"),
    ("We should spend more on schools.", {}, "recommendation", "prescriptive"),
    ("Taxes will go up by $2,000 for the average family.", {"has_money": True}, "statistic", "predicted"),
]


@pytest.mark.parametrize("text, flags, kind, modality", UNRULED, ids=[u[0][:30] for u in UNRULED])
def test_describe_unruled(nlp, text, flags, kind, modality):
    from pipeline.extract.claims import rules

    sent = nlp(text)[:]
    info = rules.describe_unruled(sent, _facts(sent, **flags))
    assert info is not None
    assert (info.kind, info.modality) == (kind, modality)


@pytest.mark.parametrize("text", [
    "What would you do about the deficit?",  # a question
    "Thank you.",  # a fragment
    "In this paper, we measure the cost of the program in 1990.",  # the document about itself
])
def test_never_a_claim_whatever_the_score(nlp, text):
    from pipeline.extract.claims import rules

    sent = nlp(text)[:]
    assert rules.decide(sent, _facts(sent, has_date=True), [], score=1.0, threshold=0.5) is None


@pytest.mark.parametrize("score, threshold, expected", [
    (0.9, 0.5, "agreement"),  # the rules take it and the model agrees
    (0.35, 0.5, "agreement"),  # below the threshold but above the rules' floor: the rules decide
    (0.1, 0.5, None),  # the model rejects what the rules took
])
def test_decide_weighs_rules_and_model(nlp, score, threshold, expected):
    from pipeline.extract.claims import rules

    text = "The United States and Japan signed the agreement in December 2019."
    doc = nlp(text)
    sent = doc[:]
    actor_tokens = frozenset(t.i for ent in doc.ents if ent.label_ == "GPE" for t in ent)
    facts = _facts(sent, actors=["United States", "Japan"], has_date=True, actor_tokens=actor_tokens)
    info = rules.decide(sent, facts, [], score=score, threshold=threshold)
    assert (info.kind if info else None) == expected


def test_scores_are_stored(corpus_db):
    import sqlite3

    conn = sqlite3.connect(corpus_db)
    threshold, model = conn.execute("select claim_threshold, claim_model from runs order by id desc").fetchone()
    assert model.startswith("checkworthy@") and 0 < threshold < 1
    assert conn.execute("select count(*) from sentences where score is null or score < 0 or score > 1").fetchone() == (0,)
    # every claim carries its sentence's score; one below the rules' floor is never a claim
    rows = conn.execute("select c.score, s.score from claims c join sentences s on s.id = c.sentence_id").fetchall()
    assert rows and all(c == s for c, s in rows)
    from pipeline.extract.claims.rules import RULE_SCORE_FLOOR

    assert min(c for c, _ in rows) >= min(RULE_SCORE_FLOOR, threshold)
    assert conn.execute("select count(*) from claims where kind = 'statement'").fetchone()[0] > 0
