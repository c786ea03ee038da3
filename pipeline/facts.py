"""Facts: claims in different documents that report the same event.

Two claims report the same event when they are of the same kind, name the same canonical actors
(one's actors contain the other's, at least two shared, or one shared for single-actor events), and
their dates and amounts do not contradict each other (same year-month where both give one).
"""
from __future__ import annotations

from dataclasses import dataclass, field

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
# Kinds that describe a datable event; assessments and quotes are compared by other means.
EVENT_KINDS = {"agreement", "funding", "launch", "plan", "action", "statistic"}


@dataclass
class ClaimRef:
    row: dict
    document: str
    kind: str
    actors: list[str]
    dates: list[str] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)


def _compatible_dates(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def same_event(a: ClaimRef, b: ClaimRef) -> bool:
    if a.kind != b.kind or a.kind not in EVENT_KINDS or not a.actors or not b.actors:
        return False
    shared = set(a.actors) & set(b.actors)
    if not shared or (len(shared) < 2 and not (len(a.actors) == 1 or len(b.actors) == 1)):
        return False
    if not (a.dates or a.amounts) and not (b.dates or b.amounts) and len(shared) < 2:
        return False
    return _compatible_dates(a.dates, b.dates)


def group_claims(refs: list[ClaimRef]) -> list[list[ClaimRef]]:
    """Groups of claims that report one event; every claim of an event kind gets a group."""
    groups: list[list[ClaimRef]] = []
    for ref in refs:
        if ref.kind not in EVENT_KINDS or not ref.actors:
            continue
        for group in groups:
            if any(same_event(ref, other) and other.document != ref.document for other in group):
                group.append(ref)
                break
        else:
            groups.append([ref])
    return groups


def summarize(group: list[ClaimRef]) -> str:
    first = group[0]
    actors = ", ".join(sorted({a for ref in group for a in ref.actors}))
    when = min((d for ref in group for d in ref.dates), default="")
    verb = first.row.get("predicate") or first.kind
    what = first.row.get("object") or ""
    return " ".join(part for part in (actors, verb, what, f"({when})" if when else "") if part)
