"""Entities across documents: every canonical name the documents' mentions carry, merged where two
names are one entity (a national qualifier, extract/entities.merge_variants), counted, each with a
stable id from its canonical name."""
from __future__ import annotations

import collections
import json
from typing import Callable

from ..extract import entities as entity_rules
from . import ids


class EntityIndex:
    """Canonical names seen so far, each with its id (`id_of(name)`, made unique among the names
    seen: a clash of two names' ids gives the later one a longer id) and what its entities row
    needs: the label most mentions carry, mention and document counts, surface forms, the long form
    some document defines for it. `canonical` merges names that are one entity across documents
    (extract/entities.merge_variants): a merged name's mentions take its target's id."""

    def __init__(self, digest_of: Callable[[str], str]):
        self.digest_of = digest_of  # name -> the full digest its id is the start of (ids.py)
        self.ids: dict[str, str] = {}
        self.taken: set[str] = set()
        self.labels: dict[str, collections.Counter] = {}
        self.documents: dict[str, set] = {}  # name -> ids of the documents naming it
        self.forms: dict[str, set] = {}
        self.definitions: dict[str, str] = {}  # acronym -> long form, first document defining it wins

    def new_id(self, name: str) -> str:
        candidate, = ids.short_ids([self.digest_of(name)], lambda candidates: self.taken & set(candidates))
        self.taken.add(candidate)
        return candidate

    def add_document(self, doc_id: str, mentions, acronyms: dict[str, str]) -> dict[str, str]:
        for short, long in acronyms.items():
            self.definitions.setdefault(short, long)
        for name in {m.name for m in mentions}:
            if name not in self.ids:
                self.ids[name] = self.new_id(name)
                self.labels[name], self.forms[name], self.documents[name] = collections.Counter(), set(), set()
            self.documents[name].add(doc_id)
        for m in mentions:
            self.labels[m.name][m.label] += 1
            self.forms[m.name].add(m.text)
        return self.ids

    def canonical(self) -> tuple[list[dict], list[tuple[str, str]], dict[str, str]]:
        """(entities rows, (provisional id, final id) for each mention id that changes, merges
        name -> canonical name)."""
        merges = entity_rules.merge_variants(set(self.ids))
        labels: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        forms: dict[str, set] = collections.defaultdict(set)
        documents: dict[str, set] = collections.defaultdict(set)
        for name in self.ids:
            target = merges.get(name, name)
            labels[target].update(self.labels[name])
            forms[target] |= self.forms[name]
            documents[target] |= self.documents[name]
        final = {name: self.ids[name] for name in sorted(labels)}
        rows = [{"id": entity_id, "name": name, "label": labels[name].most_common(1)[0][0],
                 "n_mentions": sum(labels[name].values()), "n_documents": len(documents[name]),
                 "aliases": json.dumps(sorted(forms[name] - {name}), ensure_ascii=False),
                 "long_form": self.definitions.get(name)}
                for name, entity_id in final.items()]
        remap = [(provisional, final[merges.get(name, name)]) for name, provisional in self.ids.items()
                 if provisional != final[merges.get(name, name)]]
        return rows, remap, merges
