"""Hostile inputs to the steps over all documents (issue 13, case 6): many claims of one event.

Grouping claims into facts and flagging conflicts compared every pair of claims (4,000 claims of one
event took 10.8 s, in the single writer). They are checked here against that all-pairs definition on
random small inputs, and timed out on large generated ones.
"""
from __future__ import annotations

import datetime
import random

import pytest

from pipeline.corpus import facts

# --- the definition: every pair compared ----------------------------------------------------------


def reference_groups(refs):
    """A claim joins the first group whose every member reports the same event (all pairs)."""
    groups = []
    for ref in refs:
        if facts.family_of(ref) is None or not (ref.actors or ref.things):
            continue
        for group in groups:
            if all(facts.same_event(ref, other) for other in group):
                group.append(ref)
                break
        else:
            groups.append([ref])
    return groups


def reference_conflicting(group):
    return {i for i, a in enumerate(group) for j, b in enumerate(group)
            if i != j and a.document != b.document
            and not (facts._dates_agree(a.dates, b.dates) and facts._amounts_agree(a.amounts, b.amounts))}


KINDS = ["agreement", "launch", "funding", "plan", "event", "quote", "assessment", "statement", "recommendation"]
MODALITIES = [None, "asserted", "asserted", "predicted", "hedged"]
PREDICATES = [None, "sign", "sign", "not sign", "fail", "say", "pledge", "highlight"]
ACTORS = ["United States", "Japan", "IBM", "Google", "UChicago"]
THINGS = ["Tokyo Statement", "CHIPS Act", "Quantum Initiative"]
OBJECTS = ["partnership", "statement", None]
DATES = ["2019", "2019-12", "2019-12-05", "2019-1", "2020", "2020-01", ""]
AMOUNTS = [1.0, 1.005, 1.02, 2.0, 0.0, -1.0, 100.0, 101.0, 99.5, 5e6, float("inf"), float("-inf"), float("nan")]


def random_refs(rng: random.Random, n: int, templates: int = 0) -> list[facts.ClaimRef]:
    """n claims from small vocabularies (so many share actors, things, dates and amounts); with
    templates, most are one of a few events with small changes."""
    shapes = [dict(kind=rng.choice(KINDS[:3]), actors=rng.sample(ACTORS, rng.randrange(1, 4)),
                   things=rng.sample(THINGS, rng.choice([0, 1])), object_head=rng.choice(OBJECTS[:2]))
              for _ in range(templates)]
    refs = []
    for i in range(n):
        if shapes:
            shape = dict(rng.choice(shapes))
            shape["actors"] = shape["actors"] + ([rng.choice(ACTORS)] if rng.random() < 0.2 else [])
            shape["things"] = shape["things"] + ([rng.choice(THINGS)] if rng.random() < 0.1 else [])
        else:
            shape = dict(kind=rng.choice(KINDS), actors=rng.sample(ACTORS, rng.randrange(4)),
                         things=rng.sample(THINGS, rng.choice([0, 0, 0, 1, 2])), object_head=rng.choice(OBJECTS))
        refs.append(facts.ClaimRef(row={"i": i}, document=f"doc{rng.randrange(5)}",
                                   dates=rng.sample(DATES, rng.choice([0, 1, 1, 2])),
                                   amounts=rng.sample(AMOUNTS, rng.choice([0, 1, 1, 2])),
                                   modality=rng.choice(MODALITIES), predicate=rng.choice(PREDICATES), **shape))
    return refs


def _ids(groups):
    return [[ref.row["i"] for ref in group] for group in groups]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("templates", [0, 3])
def test_facts_are_those_of_comparing_every_pair(seed, templates):
    rng = random.Random(seed)
    refs = random_refs(rng, rng.randrange(1, 120), templates)
    groups = facts.group_claims(refs)
    assert _ids(groups) == _ids(reference_groups(refs))
    for group in groups:
        assert facts.conflicting(group) == reference_conflicting(group)
    assert facts.conflicting(refs) == reference_conflicting(refs)  # any list, not only a fact's


# --- many claims: a hang guard (the old code took minutes on these) -----------------------------

N = 10_000
DAY = datetime.date(1900, 1, 1)


def _ref(i, **fields):
    return facts.ClaimRef(row={"id": f"c{i}"}, **{"document": f"doc{i}", "dates": [], "amounts": [], **fields})


MANY = {
    # one named agreement in 500 documents, amounts all different: one fact, every claim conflicts
    "named event, conflicting amounts": (
        lambda i: _ref(i, document=f"doc{i % 500}", kind="agreement", actors=["Japan", "United States"],
                       things=["Tokyo Statement"], object_head="statement", dates=["2019-12"], amounts=[1.0 + i]),
        1, N),
    # one pledge by two actors, dates of one year at three precisions, one amount: one fact, no conflict
    "actors and object, agreeing dates": (
        lambda i: _ref(i, kind="funding", actors=["Google", "IBM"], object_head="support",
                       dates=[("2021", "2021-05", "2021-05-03")[i % 3]], amounts=[150e6]),
        1, 0),
    # two actors in common and one of their own each; seven amounts a few documents apart
    "a coalition": (
        lambda i: _ref(i, kind="agreement", actors=["Google", "IBM", f"University {i}"], object_head="partnership",
                       dates=["2021"], amounts=[5e6 * (1 + i % 7)]),
        1, N),
    # one actor and object on a different day each: that many facts
    "one actor, a different day each": (
        lambda i: _ref(i, kind="plan", actors=["Federal Reserve"], object_head="rates",
                       dates=[(DAY + datetime.timedelta(days=i)).isoformat()]),
        N, 0),
    # one actor, a different object each: that many facts
    "one actor, many events": (
        lambda i: _ref(i, kind="launch", actors=["United States"], object_head=f"programme {i}"),
        N, 0),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", MANY)
def test_many_claims_of_one_event(name):
    make, n_facts, n_conflicts = MANY[name]
    refs = [make(i) for i in range(N)]
    ids = iter(range(1, 10 ** 9))
    rows = [row for row in facts.iter_facts(refs, lambda members: next(ids)) if "summary" in row]
    assert len(rows) == n_facts
    assert sum(row["n_claims"] for row in rows) == N
    assert sum(ref.row["conflict"] for ref in refs) == n_conflicts
