"""Train the check-worthiness classifier (checkworthy.py) from pipeline/data/train/: `make model`.

The training sentences are parsed with the build's spaCy pipeline, turned into feature words
(checkworthy.sentence_features) and fed to `spacy train` with textcat.cfg beside this file. The
most recent debates (HELD_OUT_SHARE of the ClaimBuster sentences, whole debates, latest first) are
held out: spaCy picks its best checkpoint on them and the threshold is chosen on them, so the
figures written to metrics.json are measured on sentences the model never saw. Seeded and
single-threaded on CPU, so the same data and code give the same model.
"""
from __future__ import annotations

import collections
import contextlib
import json
import os
import pathlib
import shutil
import tempfile
import time
from typing import Callable, Optional

from ...nlp import DEFAULT_MODEL
from .checkworthy import DEFAULT_MODEL_DIR, NEGATIVE, POSITIVE, CheckworthinessModel, sentence_features

HERE = pathlib.Path(__file__).resolve().parent
CONFIG = HERE / "textcat.cfg"
# The training sentences, with their licence and provenance (README.md there).
DEFAULT_DATA_DIR = HERE.parents[1] / "data" / "train"
# Share of the ClaimBuster sentences held out for checkpoint and threshold choice: the latest
# debates, like the benchmark's own held-out part (later years than the training ones).
HELD_OUT_SHARE = 0.25
# The project's own labelled sentences are few (tens against thousands); each is repeated so that
# the classifier fits the genre the pipeline is for (reports and news), not only debate speech.
OWN_SENTENCE_WEIGHT = 5
# The threshold is the one with the best F1 on the held-out debates among those that mark at most
# this share of non-factual sentences as check-worthy.
MAX_NFS_RATE = 0.05
THRESHOLDS = [round(0.05 * i, 2) for i in range(4, 17)]


@contextlib.contextmanager
def _quiet_unless(loud: bool):
    """spaCy's training table goes to stdout; a caller with its own reporting gets it silenced."""
    if loud:
        yield
        return
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def read_examples(folder: pathlib.Path) -> list[dict]:
    """Every jsonl row of the training folder: text, label (CFS/UFS/NFS), source, group."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines if line.strip()]
    return rows


def split_held_out(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(train, held out): the latest ClaimBuster groups (debates) up to HELD_OUT_SHARE of its rows."""
    debates = collections.Counter(r["group"] for r in rows if r["source"] == "claimbuster")
    total, held, taken = sum(debates.values()), set(), 0
    for group in sorted(debates, reverse=True):
        if taken >= HELD_OUT_SHARE * total:
            break
        held.add(group)
        taken += debates[group]
    train = [r for r in rows if r["group"] not in held]
    return train, [r for r in rows if r["group"] in held]


def _features(nlp, rows: list[dict]) -> list[list[str]]:
    """The feature words of each row's sentence, parsed once for training and for measuring."""
    return [sentence_features(doc[:]) for doc in nlp.pipe((r["text"] for r in rows), batch_size=256)]


def _to_docbin(blank_vocab, rows: list[dict], features: list[list[str]], path: pathlib.Path,
               weight: Callable[[dict], int]):
    from spacy.tokens import Doc, DocBin

    docbin = DocBin()
    for row, words in zip(rows, features):
        example = Doc(blank_vocab, words=words)
        positive = row["label"] == "CFS"
        example.cats = {POSITIVE: float(positive), NEGATIVE: float(not positive)}
        for _ in range(weight(row)):
            docbin.add(example)
    docbin.to_disk(path)


def measure(model: CheckworthinessModel, rows: list[dict], features: list[list[str]]) -> dict:
    """Precision, recall, F1 (CFS positive) and NFS/UFS rates at each threshold on rows."""
    scores = model.score_features(features)
    counts = collections.Counter(r["label"] for r in rows)
    table = {}
    for threshold in THRESHOLDS:
        marked = collections.Counter(r["label"] for r, s in zip(rows, scores) if s >= threshold)
        predicted = sum(marked.values())
        p = marked["CFS"] / predicted if predicted else 0.0
        r = marked["CFS"] / counts["CFS"] if counts["CFS"] else 0.0
        table[threshold] = {
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "nfs_rate": round(marked["NFS"] / counts["NFS"], 4) if counts["NFS"] else 0.0,
            "ufs_rate": round(marked["UFS"] / counts["UFS"], 4) if counts["UFS"] else 0.0,
        }
    return table


def choose_threshold(table: dict) -> float:
    allowed = [t for t, m in table.items() if m["nfs_rate"] <= MAX_NFS_RATE] or list(table)
    return max(allowed, key=lambda t: (table[t]["f1"], t))


def train_model(data: pathlib.Path = DEFAULT_DATA_DIR, output: pathlib.Path = DEFAULT_MODEL_DIR, model_name: str = DEFAULT_MODEL,
                overrides: Optional[dict] = None, say: Callable[[str], None] = print) -> dict:
    """Train into output (a spaCy pipeline directory with metrics.json); returns the metrics.
    `overrides`: settings of textcat.cfg to change (`{"training.max_epochs": 1}` in tests)."""
    import spacy
    from spacy.cli.train import train as spacy_train

    started = time.time()
    rows = read_examples(data)
    if not rows:
        raise ValueError(f"no training sentences in {data}")
    train_rows, held_rows = split_held_out(rows)
    say(f"training on {len(train_rows)} sentences, {len(held_rows)} held out "
        f"({', '.join(sorted({r['group'] for r in held_rows}))})")
    nlp = spacy.load(model_name)  # the build's pipeline: the features come from its parse
    blank = spacy.blank("en")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        weight = lambda r: 1 if r["source"] == "claimbuster" else OWN_SENTENCE_WEIGHT
        held_features = _features(nlp, held_rows)
        _to_docbin(blank.vocab, train_rows, _features(nlp, train_rows), tmp / "train.spacy", weight)
        _to_docbin(blank.vocab, held_rows, held_features, tmp / "dev.spacy", lambda r: 1)
        settings = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy"), **(overrides or {})}
        with _quiet_unless(say is print):
            spacy_train(CONFIG, tmp / "out", overrides=settings)
        best = tmp / "out" / "model-best"
        table = measure(CheckworthinessModel(best, threshold=0.0), held_rows, held_features)
        threshold = choose_threshold(table)
        metrics = {
            "threshold": threshold, "held_out": table[threshold], "held_out_groups": sorted({r["group"] for r in held_rows}),
            "n_train": len(train_rows), "n_held_out": len(held_rows), "base_model": model_name,
            "seconds": round(time.time() - started, 1), "by_threshold": {str(k): v for k, v in table.items()},
        }
        (best / "metrics.json").write_text(json.dumps(metrics, indent=1))
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(best, output)
    return metrics
