"""The dev scorer (../shared/eval/score.py) on a build of the corpus: floors we have reached.

Raise a floor when the pipeline improves; never lower one to make a change pass.
"""
import json
import subprocess
import sys

import pytest

from .conftest import SHARED

SCORER = SHARED / "eval" / "score.py"
FLOORS = {
    "documents_found": 1.0,
    "money_recall": 1.0,
    "money_precision": 0.95,
    "money_qualifier_accuracy": 1.0,
    "date_recall": 0.95,
    "claim_recall": 0.95,
    "claim_attr_accuracy": 0.95,
    "claim_precision": 0.95,
    "alias_accuracy": 0.98,
}
CEILINGS = {"noise_claims": 0, "relative_date_errors": 0, "duration_errors": 0, "duplicate_claims": 0}


@pytest.fixture(scope="module")
def scores(corpus_db):
    if not SCORER.exists():
        pytest.skip(f"the dev scorer is not at {SCORER} (../shared must sit beside the project)")
    out = subprocess.run([sys.executable, str(SCORER), str(corpus_db), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("metric,floor", sorted(FLOORS.items()))
def test_metric_reaches_floor(scores, metric, floor):
    assert scores["metrics"][metric] >= floor, scores["misses"]


@pytest.mark.parametrize("metric,ceiling", sorted(CEILINGS.items()))
def test_error_count_within_ceiling(scores, metric, ceiling):
    assert scores["metrics"][metric] <= ceiling, scores["misses"]
