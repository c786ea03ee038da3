"""Entities across documents: every canonical name the documents' mentions carry, merged where two
names are one entity (a national qualifier, extract/entities.merge_variants), counted and numbered."""
from __future__ import annotations

import collections
import json

from ..extract import entities as entity_rules


class EntityIndex:
    """Canonical names seen so far, each with a provisional id (order of first sight) and what its
    entities row needs: the label most mentions carry, mention and document counts, surface forms,
    the long form some document defines for it. `canonical` merges names that are one entity
    across documents (extract/entities.merge_variants) and numbers the entities alphabetically."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.labels: dict[str, collections.Counter] = {}
        self.documents: dict[str, set] = {}  # name -> ids of the documents naming it
        self.forms: dict[str, set] = {}
        self.definitions: dict[str, str] = {}  # acronym -> long form, first document defining it wins

    def add_document(self, doc_id: int, mentions, acronyms: dict[str, str]) -> dict[str, int]:
        for short, long in acronyms.items():
            self.definitions.setdefault(short, long)
        for name in {m.name for m in mentions}:
            if name not in self.ids:
                self.ids[name] = len(self.ids) + 1
                self.labels[name], self.forms[name], self.documents[name] = collections.Counter(), set(), set()
            self.documents[name].add(doc_id)
        for m in mentions:
            self.labels[m.name][m.label] += 1
            self.forms[m.name].add(m.text)
        return self.ids

    def canonical(self) -> tuple[list[dict], list[tuple[int, int]], dict[str, str]]:
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
        final = {name: i for i, name in enumerate(sorted(labels), start=1)}
        rows = [{"id": entity_id, "name": name, "label": labels[name].most_common(1)[0][0],
                 "n_mentions": sum(labels[name].values()), "n_documents": len(documents[name]),
                 "aliases": json.dumps(sorted(forms[name] - {name}), ensure_ascii=False),
                 "long_form": self.definitions.get(name)}
                for name, entity_id in final.items()]
        remap = [(provisional, final[merges.get(name, name)]) for name, provisional in self.ids.items()
                 if provisional != final[merges.get(name, name)]]
        return rows, remap, merges
