"""Stable ids: a row's id comes from what it is, so it survives rebuilds that add or remove other
documents. Real builds of the four smallest corpus documents (real model, real SQLite)."""
import sqlite3

import pytest

from pipeline.build import run as build
from pipeline.corpus import ids

from .conftest import copy_small_corpus

# table -> the columns that say what a row is (its id must keep pointing at the same thing)
CONTENT = {
    "documents": "sha256", "claims": "document_id, start, \"end\", text", "entities": "name",
    "sentences": "document_id, start, \"end\"", "mentions": "document_id, start, \"end\", entity_id",
    "dates": "document_id, start, \"end\", value", "money": "document_id, start, \"end\", amount",
    "notes": "document_id, number, text", "bibliography": "document_id, text", "paragraphs": "document_id, start, kind",
}
NEW_DOCUMENT = ("Published: 3 March 2024\n\nThe Republic of Korea and Japan signed the Seoul Quantum Accord on "
                "3 March 2024, pledging $40 million to joint research.\n")


def rows(db, table: str) -> dict:
    conn = sqlite3.connect(db)
    out = {r[0]: r[1:] for r in conn.execute(f'select id, {CONTENT[table]} from "{table}"')}
    conn.close()
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(the first build, a rebuild with a document added that sorts first, a rebuild without the
    original first document) of three corpus documents: each a database path."""
    base = copy_small_corpus(tmp_path_factory.mktemp("ids"), n=4)  # the fourth has notes and works cited
    raw, cache = base / "raw", base / "cache"
    first = base / "first.db"
    build.build(raw, first, cache_dir=cache, jobs=1)
    (raw / "0000_new.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    added = base / "added.db"
    build.build(raw, added, cache_dir=cache, jobs=1)
    removed_path = sorted(p for p in raw.iterdir() if p.name != "0000_new.txt")[0]
    removed_path.unlink()
    removed = base / "removed.db"
    build.build(raw, removed, cache_dir=cache, jobs=1)
    return first, added, removed, f"raw/{removed_path.name}"


@pytest.mark.parametrize("table", sorted(CONTENT))
def test_a_document_added_first_changes_no_id(built, table):
    first, added, _, _ = built
    before, after = rows(first, table), rows(added, table)
    assert before
    assert {i: after.get(i) for i in before} == before  # every old id is there, meaning the same row
    if table in ("documents", "claims", "sentences", "mentions", "dates", "money", "paragraphs"):
        assert len(after) > len(before)  # and the new document's rows are new ids


@pytest.mark.parametrize("table", ["documents", "claims", "entities", "sentences", "mentions"])
def test_a_document_removed_changes_no_other_id(built, table):
    first, _, removed, removed_path = built
    before, after = rows(first, table), rows(removed, table)
    kept = {i: v for i, v in after.items() if i in before}
    assert kept and all(before[i] == v for i, v in kept.items())


def test_the_removed_documents_claims_are_gone_and_only_they(built):
    first, _, removed, removed_path = built
    conn = sqlite3.connect(first)
    gone = {r[0] for r in conn.execute("select c.id from claims c join documents d on d.id = c.document_id "
                                       "where d.path = ?", [removed_path])}
    conn.close()
    assert gone and set(rows(first, "claims")) - set(rows(removed, "claims")) == gone


def test_facts_keep_their_id_while_their_claims_do(built):
    first, added, _, _ = built
    conn_a, conn_b = sqlite3.connect(first), sqlite3.connect(added)
    members = {}
    for db, conn in ((first, conn_a), (added, conn_b)):
        members[db] = {}
        for fact_id, claim_id in conn.execute("select fact_id, id from claims where fact_id is not null"):
            members[db].setdefault(fact_id, set()).add(claim_id)
    same = [f for f, claims in members[first].items() if members[added].get(f) == claims]
    assert same and len(same) == len(members[first])  # the new document joins none of these facts


def test_document_ids_are_their_sha256s_first_digits(built):
    conn = sqlite3.connect(built[0])
    for doc_id, sha in conn.execute("select id, sha256 from documents"):
        assert sha.startswith(doc_id) and len(doc_id) == ids.ID_DIGITS


@pytest.mark.parametrize("keys,expected", [
    ([("a",), ("b",)], [("a",), ("b",)]),
    ([("a",), ("a",), ("a",)], [("a",), ("a", "#2"), ("a", "#3")]),
    ([("x", 1), ("y", 1), ("x", 1)], [("x", 1), ("y", 1), ("x", 1, "#2")]),
])
def test_repeated_keys_are_told_apart_by_occurrence(keys, expected):
    assert ids.with_occurrences(keys) == expected


@pytest.mark.parametrize("digests,stored,expected", [
    # no clash: the first twelve digits
    (["a" * 64, "b" * 64], set(), ["a" * 12, "b" * 12]),
    # two digests agreeing on twelve digits: the second gets four more
    (["abc" + "0" * 61, "abc" + "0" * 12 + "1" * 49], set(), ["abc" + "0" * 9, "abc" + "0" * 12 + "1"]),
    # the short id is already a stored row's: this one is longer
    (["c" * 64], {"c" * 12}, ["c" * 16]),
    (["c" * 64], {"c" * 12, "c" * 16}, ["c" * 20]),
])
def test_a_collision_lengthens_the_later_id(digests, stored, expected):
    assert ids.short_ids(digests, lambda candidates: stored & set(candidates)) == expected


def test_the_same_key_twice_cannot_be_given_two_ids():
    with pytest.raises(ValueError, match="same key"):
        ids.short_ids(["d" * 64], lambda candidates: set(candidates))


def test_a_claims_id_ignores_whitespace_but_not_words():
    key = lambda text: ids.digest("claims", ("sha", ids.normalise_text(text)))  # noqa: E731
    assert key("Japan  signed\nthe accord.") == key("Japan signed the accord.")
    assert key("Japan signed the accord.") != key("Korea signed the accord.")
