"""Facts: claims that report the same event, within and across documents, and the flags a user
facets on (`unsourced`, `single_source`, `conflict`).

Two claims report the same event when
- they report the same sort of event (family_of): by their kind (an agreement and a launch both found
  something), or, for a quote or statement (`..., according to the State Department`), by what its
  verb (EVENT_VERBS) or its event noun (`the joint statement ... highlights`) says was done;
- both report a completed act, or both something not done yet (a plan, a prediction, a hedge), and
  both affirm it or both deny it (`did not sign`);
- and either name the same thing (`Tokyo Statement on Quantum Cooperation`), or name no different
  thing and share at least two actors (one, when each names only one) and what was done to
  (`a partnership`; an event noun of either subject or object, synonyms merged: `deal` = `agreement`),
  with dates that do not contradict each other (`2019-12` agrees with `2019-12-19`) and, for money,
  headline figures within a factor of AMOUNT_RATIO (`$150 million` is not the `$1 billion` pledge).
Claims grouped on a shared named thing or on actors and object may still disagree on the date or
amount: that is a conflict, flagged on both, with the values shown (conflict_values).
"""
from __future__ import annotations

import bisect
import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from ..extract.claims.rules import EVENT_VERBS, NOUN_KINDS, REPORTING_VERBS
from ..extract.entities import ACTOR_LABELS  # noqa: F401  (store groups claims' actors by it)

# Labels of named things an event is about (an agreement, a law, a programme).
THING_LABELS = {"LAW", "WORK_OF_ART", "EVENT", "PRODUCT"}
# Kinds that report the same sort of event; quotes and recommendations are not grouped.
# Assessments and statistics are states, not events: they are compared by the claims' own figures.
FAMILIES = {"agreement": "formation", "launch": "formation", "funding": "funding", "plan": "plan",
            "event": "event"}
AMOUNT_TOLERANCE = 0.01
# Funding figures further apart than this factor are two events (`$1 billion` and `$20 million`);
# closer, one event reported with different figures: a conflict (`$100 million` and `$150 million`).
AMOUNT_RATIO = 2.0
# Nouns that name an event or its instrument, and the one each stands for (synonyms merged): a claim's
# `what` when its object or subject holds one (`signed a deal`, `the joint statement ... highlights`).
EVENT_NOUNS = {
    **{n: n for n in NOUN_KINDS if NOUN_KINDS[n] != "funding"},
    **dict.fromkeys("agreement accord pact deal treaty".split(), "agreement"),
    **dict.fromkeys("statement declaration communique".split(), "statement"),
    **dict.fromkeys("memorandum mou".split(), "memorandum"),
    **dict.fromkeys((n for n in NOUN_KINDS if NOUN_KINDS[n] == "funding"), "money"),
    **{n: n for n in "summit meeting visit talks conference".split()},
}
EVENT_NOUN_KINDS = {**NOUN_KINDS, "summit": "event", "meeting": "event", "visit": "event", "talks": "event",
                    "conference": "event", "money": "funding", "communique": "agreement", "pact": "agreement",
                    "accord": "agreement", "deal": "agreement"}
# Kinds whose claims may still report an event (`X signed Y, according to Z`, `"X signed Y," he said`):
# grouped by what their verb, or the event noun of what was said, tells.
REPORTED_KINDS = {"quote", "statement"}
# Predicates that deny the event their complement names (`failed to sign`).
DENYING_VERBS = {"fail", "refuse", "decline", "reject"}
# Share of the two claims' actors that must be common (`UChicago and UTokyo announced a partnership` is
# not the partnership of nine universities and IBM that also includes them).
MIN_ACTOR_OVERLAP = 0.5


@dataclass
class ClaimRef:
    row: dict
    document: str
    kind: str
    actors: list[str]
    things: list[str] = field(default_factory=list)
    object_head: Optional[str] = None
    dates: list[str] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)
    modality: Optional[str] = None   # asserted, predicted, hedged, prescriptive (claims.modality)
    predicate: Optional[str] = None  # the main verb's lemma (`not sign` when negated)
    path: Optional[str] = None  # its document's path, to name it to a reader

    @property
    def done(self) -> bool:
        """Reports a completed act (asserted), not a plan, prediction or hedge."""
        return self.modality in (None, "", "asserted")

    @property
    def negated(self) -> bool:
        words = (self.predicate or "").split()
        return bool(words) and (words[0] == "not" or words[0] in DENYING_VERBS)


def event_noun(*phrases: Optional[str]) -> Optional[str]:
    """The event noun (EVENT_NOUNS, as the one it stands for) first found in these phrases."""
    for text in phrases:
        for word in (text or "").lower().replace("-", " ").split():
            word = word.strip(".,;:'\"()")
            noun = EVENT_NOUNS.get(word) or (EVENT_NOUNS.get(word[:-1]) if word.endswith("s") else None)
            if noun:
                return noun
    return None


def family_of(ref: ClaimRef) -> Optional[str]:
    """The sort of event a claim reports (FAMILIES), None when it reports none: by its kind, else (a
    quote, a statement) by its event verb (`signed ..., according to`), or for reported speech by the
    event noun of what was said (`"... signed the agreement," he said`)."""
    if ref.kind not in REPORTED_KINDS:
        return FAMILIES.get(ref.kind)
    lemma = predicate_lemma(ref.predicate)
    if lemma in REPORTING_VERBS:
        return FAMILIES.get(EVENT_NOUN_KINDS.get(ref.object_head or ""))
    return FAMILIES.get(EVENT_VERBS.get(lemma))


def predicate_lemma(predicate: Optional[str]) -> str:
    """`sign` of `sign`, `not sign`; `put` of `put up`."""
    words = [w for w in (predicate or "").split() if w != "not"]
    return words[0] if words else ""


def _headline(amounts: list[float]) -> Optional[float]:
    """The largest finite positive figure of a claim, the one its event is known by."""
    return max((a for a in amounts if 0 < a < math.inf), default=None)


def _headlines_agree(a: list[float], b: list[float]) -> bool:
    x, y = _headline(a), _headline(b)
    return x is None or y is None or max(x, y) < AMOUNT_RATIO * min(x, y)


def _dates_agree(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def _amounts_agree(a: list[float], b: list[float]) -> bool:
    if not a or not b:
        return True
    return any(abs(x - y) <= AMOUNT_TOLERANCE * max(abs(x), abs(y)) for x in a for y in b)


def _actors_match(a_actors: set, a_len: int, b_actors: set, b_len: int) -> bool:
    """Enough actors in common: two (one, when each names only one), and half of all the actors named."""
    shared = a_actors & b_actors
    overlap = len(shared) / len(a_actors | b_actors) if shared else 0.0
    return (len(shared) >= 2 or (a_len == 1 and b_len == 1)) and overlap >= MIN_ACTOR_OVERLAP


def same_event(a: ClaimRef, b: ClaimRef) -> bool:
    family = family_of(a)
    if family is None or family != family_of(b) or a.done != b.done or a.negated != b.negated:
        return False
    if set(a.things) & set(b.things):
        return True
    if a.things and b.things:
        return False  # another named agreement
    if family == "funding" and not _headlines_agree(a.amounts, b.amounts):
        return False
    if not _actors_match(set(a.actors), len(a.actors), set(b.actors), len(b.actors)):
        return False
    if not a.object_head or a.object_head != b.object_head:
        return False
    return _dates_agree(a.dates, b.dates)


class _Group:
    """The claims of one event so far, with what lets a newcomer be compared to all of them at once:
    how many name each thing, actor and object, and each distinct profile once (claims alike in all
    that same_event reads are compared once, however many there are)."""

    def __init__(self, ref: ClaimRef):
        self.family = family_of(ref)
        self.done, self.negated = ref.done, ref.negated  # the same for every member
        self.named = 0                     # members naming a thing
        self.headlines: list[float] = []   # smallest and largest headline figure of the members
        self.members: list[ClaimRef] = []
        self.things: Counter = Counter()   # thing -> members naming it
        self.actors: Counter = Counter()   # actor -> members naming it
        self.objects: Counter = Counter()  # object head -> members with it
        self.max_actors = 0                # most distinct actors of one member
        self.undated = 0                   # members without a date
        self.profiles: dict[tuple, ClaimRef] = {}       # all that same_event reads -> one such member
        self.actor_profiles: set[tuple[frozenset, int]] = set()
        self.date_profiles: set[frozenset] = set()
        self.add(ref)

    def add(self, ref: ClaimRef) -> None:
        self.members.append(ref)
        actors = frozenset(ref.actors)
        self.things.update(set(ref.things))
        self.named += bool(ref.things)
        headline = _headline(ref.amounts)
        if headline is not None:
            self.headlines = [min(self.headlines[0], headline), max(self.headlines[1], headline)] \
                if self.headlines else [headline, headline]
        self.actors.update(actors)
        self.objects[ref.object_head] += 1
        self.max_actors = max(self.max_actors, len(actors))
        self.undated += not ref.dates
        self.profiles.setdefault((family_of(ref), frozenset(ref.things), actors, len(ref.actors),
                                  ref.object_head, frozenset(ref.dates), _headline(ref.amounts)), ref)
        self.actor_profiles.add((actors, len(ref.actors)))
        if ref.dates:
            self.date_profiles.add(frozenset(ref.dates))

    def accepts(self, ref: ClaimRef) -> bool:
        """all(same_event(ref, member) for member in self.members), without comparing each member."""
        if family_of(ref) != self.family or (ref.done, ref.negated) != (self.done, self.negated):
            return False
        n, things = len(self.members), set(ref.things)
        if any(self.things[t] == n for t in things):
            return True  # every member names a thing ref names
        if any(self.things[t] for t in things):  # some members do, some not: compare each profile
            return all(same_event(ref, other) for other in self.profiles.values())
        # no member shares a thing: none may name another, and every member must share actors, object and dates
        if things and self.named:
            return False
        headline = _headline(ref.amounts)
        if self.family == "funding" and headline is not None and self.headlines and not (
                headline < AMOUNT_RATIO * self.headlines[0] and self.headlines[1] < AMOUNT_RATIO * headline):
            return False
        if not ref.object_head or self.objects[ref.object_head] != n:
            return False
        actors = set(ref.actors)
        # every member shares at least the actors all of them name, so its overlap is at least this
        core = sum(1 for a in actors if self.actors[a] == n)
        surely = core >= 2 and core / (len(actors) + self.max_actors - core) >= MIN_ACTOR_OVERLAP
        if not surely and not all(_actors_match(actors, len(ref.actors), other, length)
                                  for other, length in self.actor_profiles):
            return False
        return not ref.dates or self.undated == n or all(_dates_agree(ref.dates, d) for d in self.date_profiles)


# Above this many (actor, date prefix) pairs a claim's groups are found by actor and object alone
DATE_KEY_LIMIT = 1024


def _prefixes(value: str) -> list[str]:
    return [value[:k] for k in range(len(value) + 1)]


def _date_keyed(ref: ClaimRef) -> bool:
    dates = set(ref.dates)
    return bool(dates) and len(set(ref.actors)) * sum(len(d) + 2 for d in dates) <= DATE_KEY_LIMIT


def _group_keys(ref: ClaimRef, family: str) -> Iterator[tuple]:
    """Keys of the group ref founds. A claim joins a group only if it reports the same event as its
    first claim, so by these: a named thing, or an actor with the object and a date that agrees."""
    for thing in set(ref.things):
        yield "thing", family, thing
    if not ref.object_head:
        return
    for actor in set(ref.actors):
        key = (family, actor, ref.object_head)
        yield ("actor", *key)
        if not _date_keyed(ref):
            yield ("any date", *key)
            continue
        for date in set(ref.dates):
            yield ("date", *key, date)
            for prefix in _prefixes(date):
                yield ("date prefix", *key, prefix)


def _lookup_keys(ref: ClaimRef, family: str) -> Iterator[tuple]:
    """Keys under which every group ref could join is found (a few more, never fewer)."""
    for thing in set(ref.things):
        yield "thing", family, thing
    if not ref.object_head:
        return
    for actor in set(ref.actors):
        key = (family, actor, ref.object_head)
        if not _date_keyed(ref):
            yield ("actor", *key)
            continue
        yield ("any date", *key)
        for date in set(ref.dates):
            yield ("date prefix", *key, date)    # the group's date starts with ref's
            for prefix in _prefixes(date):
                yield ("date", *key, prefix)      # ref's date starts with the group's


def component_keys(ref: ClaimRef) -> set[str]:
    """What a claim can be grouped by, coarsely: the (family, thing) of each thing it names and the
    (family, actor, object) of each actor. Every key of _group_keys and _lookup_keys refines one of
    these, so claims sharing none never meet in group_claims: a change to some claims regroups only
    the claims connected to them through these keys (store/cross.py), not the corpus."""
    family = family_of(ref)
    if family is None or not (ref.actors or ref.things):
        return set()
    keys = {f"thing\x1f{family}\x1f{thing}" for thing in ref.things}
    if ref.object_head:
        keys |= {f"actor\x1f{family}\x1f{actor}\x1f{ref.object_head}" for actor in ref.actors}
    return keys


def group_claims(refs: list[ClaimRef]) -> list[list[ClaimRef]]:
    """Groups of claims reporting one event; every claim of a grouped kind with an actor or a named
    thing gets a group, most of them of one claim.

    A claim joins the first group (in order of creation) whose every member reports the same event
    (every member, not just one: reports of one event must all agree, or groups chain together
    events that merely share an actor). Groups are found by the keys of their first claim and
    compared with a claim through their counts and distinct profiles (_Group.accepts): near-linear
    in the claims, where comparing all pairs took 10.8 s on 4,000 claims of one event."""
    groups: list[_Group] = []
    by_key: dict[tuple, list[int]] = {}  # key -> indexes of the groups with it, ascending
    for ref in refs:
        family = family_of(ref)
        if family is None or not (ref.actors or ref.things):
            continue
        lists = [by_key[key] for key in set(_lookup_keys(ref, family)) if key in by_key]
        last = None
        for index in heapq.merge(*lists):
            if index != last and groups[index].accepts(ref):
                groups[index].add(ref)
                break
            last = index
        else:
            for key in _group_keys(ref, family):
                by_key.setdefault(key, []).append(len(groups))
            groups.append(_Group(ref))
    return [group.members for group in groups]


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _agreeing_dates(x: str, values: list[str], position: dict) -> list[tuple[int, int]]:
    """Where in the sorted distinct values are those agreeing with x (one starts with the other):
    x's shorter prefixes, one by one, and the run of values starting with x."""
    intervals = [(position[p], position[p] + 1) for p in _prefixes(x)[:-1] if p in position]
    lo = bisect.bisect_left(values, x)
    hi = bisect.bisect_left(values, True, lo, key=lambda v: not v.startswith(x))
    return intervals + [(lo, hi)]


def _agreeing_amounts(x: float, values: list[float], position: dict) -> list[tuple[int, int]]:
    """Where in the sorted distinct values (no NaN) are those within AMOUNT_TOLERANCE of x: a run of
    finite values around x, and the infinities (_amounts_agree calls those close to everything finite)."""
    first = bisect.bisect_right(values, -math.inf)
    last = bisect.bisect_left(values, math.inf)  # values[first:last] are finite
    infinities = [(k, k + 1) for k in (*range(first), *range(last, len(values)))]  # -inf, +inf (each once)
    if not math.isfinite(x):  # close to everything finite and to the other infinity, not to itself
        return [(first, last)] + [(k, k + 1) for k, _ in infinities if _amounts_agree([x], [values[k]])]
    # |x - y| <= t * max(|x|, |y|) implies |x - y| <= t |x| / (1 - t); searched twice that wide, for
    # rounding, then narrowed to where the test holds (it holds on a run: less and less as y moves away)
    radius = abs(x) * 2 * AMOUNT_TOLERANCE / (1 - AMOUNT_TOLERANCE) if AMOUNT_TOLERANCE < 0.5 else math.inf
    at = position[x]
    lo = bisect.bisect_left(values, x - radius, first, at)
    hi = bisect.bisect_right(values, x + radius, at, last)
    lo = bisect.bisect_left(values, True, lo, at, key=lambda y: _amounts_agree([x], [y]))
    hi = bisect.bisect_left(values, True, at, hi, key=lambda y: not _amounts_agree([x], [y]))
    return [(lo, hi)] + infinities


def _disagreeing(documents: list[str], values: list[list], agreeing: Callable) -> set[int]:
    """Indexes of the claims (documents[i], values[i]) that disagree with a claim of another document:
    both have values, and no value of one agrees with a value of the other.

    Counted, not paired: for each distinct set of values, the claims holding a value that agrees
    with one of it are counted over runs of the sorted values (claims of one value by prefix sums,
    claims of several one by one); every other claim with values disagrees with it."""
    holding = [i for i, v in enumerate(values) if v]
    sets = {i: frozenset(v for v in values[i] if v == v) for i in holding}  # NaN (v != v) agrees with nothing
    ordered = sorted(set().union(*sets.values()))
    position = {v: k for k, v in enumerate(ordered)}
    per_document = Counter(documents[i] for i in holding)
    singles = [0] * (len(ordered) + 1)            # claims of one value, by its position (prefix sums below)
    singles_in: dict[str, list[int]] = {}         # document -> sorted positions of its claims of one value
    several: dict[frozenset, Counter] = {}        # a set of two or more values -> documents of its claims
    several_at: dict[int, list[frozenset]] = {}   # position -> the sets of several values holding it
    profiles: dict[frozenset, list[int]] = {}
    for i in holding:
        profiles.setdefault(sets[i], []).append(i)
        if len(sets[i]) == 1:
            (k,) = (position[v] for v in sets[i])
            singles[k + 1] += 1
            singles_in.setdefault(documents[i], []).append(k)
        elif sets[i]:
            if sets[i] not in several:
                several[sets[i]] = Counter()
                for v in sets[i]:
                    several_at.setdefault(position[v], []).append(sets[i])
            several[sets[i]][documents[i]] += 1
    for k in range(len(ordered)):
        singles[k + 1] += singles[k]
    for positions in singles_in.values():
        positions.sort()
    several_positions = sorted(several_at)

    flagged, total = set(), len(holding)
    for profile, indexes in profiles.items():
        runs = _merge([run for x in profile for run in agreeing(x, ordered, position)])
        agree = sum(singles[hi] - singles[lo] for lo, hi in runs)
        agreeing_sets = {found for lo, hi in runs
                         for k in several_positions[bisect.bisect_left(several_positions, lo):
                                                    bisect.bisect_left(several_positions, hi)]
                         for found in several_at[k]}
        agree_per_document: Counter = Counter()
        for found in agreeing_sets:
            agree += sum(several[found].values())
            agree_per_document.update(several[found])
        by_document: dict[str, list[int]] = {}
        for i in indexes:
            by_document.setdefault(documents[i], []).append(i)
        for document, claims in by_document.items():
            mine = singles_in.get(document, [])
            agree_here = agree_per_document[document] + sum(
                bisect.bisect_left(mine, hi) - bisect.bisect_left(mine, lo) for lo, hi in runs)
            if (total - per_document[document]) - (agree - agree_here) > 0:  # one in another document disagrees
                flagged.update(claims)
    return flagged


def conflicting(group: list[ClaimRef]) -> set[int]:
    """Indexes (in group) of claims whose date or amount disagrees with a claim of another document."""
    dates, amounts = _conflicts(group)
    return dates | amounts


def _conflicts(group: list[ClaimRef]) -> tuple[set[int], set[int]]:
    documents = [ref.document for ref in group]
    return (_disagreeing(documents, [ref.dates for ref in group], _agreeing_dates),
            _disagreeing(documents, [ref.amounts for ref in group], _agreeing_amounts))


# Values a conflict shows, at most (the rest are counted).
SHOWN_VALUES = 10


def conflict_values(group: list[ClaimRef], dates: set[int], amounts: set[int]) -> Optional[str]:
    """The values the documents disagree on, each with the documents giving it:
    `date 2019-12 (raw/a.txt), 2021-03 (raw/b.txt, raw/c.txt)` (documents by path, else id); None
    without a conflict."""
    parts = []
    for label, indexes, values_of, show in (("date", dates, lambda r: r.dates, str),
                                             ("amount", amounts, lambda r: r.amounts, lambda v: f"{v:,.0f}")):
        by_value: dict = {}
        for i in sorted(indexes):
            for value in values_of(group[i]):
                by_value.setdefault(value, set()).add(group[i].path or group[i].row.get("document_id"))
        if not by_value:
            continue
        ordered = sorted(by_value, key=lambda v: (v != v, v))  # NaN last
        shown = [f"{show(v)} ({', '.join(str(d) for d in sorted(by_value[v], key=str))})"
                 for v in ordered[:SHOWN_VALUES]]
        more = f" and {len(ordered) - SHOWN_VALUES} more" if len(ordered) > SHOWN_VALUES else ""
        parts.append(f"{label} " + ", ".join(shown) + more)
    return "; ".join(parts) or None


def summary_actors(group: list[ClaimRef]) -> list[str]:
    """Who did it, as the claims agree: the actors at least two of them name (`Tokyo`, named only
    where one claim says `the U.S. Embassy in Tokyo`, is where, not who); a claim alone, or claims
    that agree on none, give the first claim's actors."""
    counts = Counter(a for ref in group for a in set(ref.actors))
    agreed = sorted(a for a, n in counts.items() if n >= 2)
    return agreed or sorted(set(group[0].actors))


def summarize(group: list[ClaimRef]) -> str:
    first = group[0]
    actors = ", ".join(summary_actors(group))
    when = min((d for ref in group for d in ref.dates), default="")
    verb = first.row.get("predicate") or first.kind
    what = next((t for ref in group for t in ref.things), None) or first.row.get("object") or ""
    return " ".join(part for part in (actors, verb, what, f"({when})" if when else "") if part)


def iter_facts(refs: list[ClaimRef], fact_id_of: Callable[[list[str]], str]) -> Iterator[dict]:
    """The facts rows of claims across documents (each id from its member claims' ids), setting on each claim's row
    its fact_id and the flags single_source (its fact is in one document) and conflict. Claims of no
    fact keep NULL in both: they report no event to corroborate."""
    for group in group_claims(refs):
        fact_id = fact_id_of([ref.row["id"] for ref in group])
        n_documents = len({ref.document for ref in group})
        dates, amounts = _conflicts(group)
        conflicts = dates | amounts
        yield {"id": fact_id, "summary": summarize(group), "kind": group[0].kind,
               "n_documents": n_documents, "n_claims": len(group), "conflict": int(bool(conflicts)),
               "conflict_values": conflict_values(group, dates, amounts)}
        for i, ref in enumerate(group):
            ref.row.update(fact_id=fact_id, single_source=int(n_documents == 1), conflict=int(i in conflicts))
