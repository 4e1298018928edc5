"""Matching reviewers to hosts for a round: pure functions, no database.

The rules, in order of weight:

1. nobody reviews itself (always met);
2. each municipality reviews as many as it is reviewed (met exactly: k and k);
3. no pair reviews each other in the same round (possible while k <= (n - 1) / 2);
4. no reviewer reviews the same host as in the previous round, where possible.

The plan starts from a circulant assignment: members in a seeded order, the host at
position p reviewed by the members at p + o for each offset o in 1..k. Rules 1-3 hold by
construction (o and n - o are never both offsets while k <= (n - 1) / 2). Rule 4 is then
sought by local search: swapping two members' positions, then exchanging reviewers between
two hosts or turning a directed triangle around, moves that keep rules 1-3. Everything is
seeded from the input, so the same input always gives the same plan.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

RESTARTS = 12


@dataclass
class Plan:
    """Who reviews whom, and which rules could not be met."""

    members: list[str]
    per_host: int
    # host -> its reviewing municipalities, both in member order
    reviewers: dict[str, list[str]]
    # unordered pairs that review each other (only when unavoidable)
    mutual: list[tuple[str, str]] = field(default_factory=list)
    # (reviewer, host) pairs repeated from the previous round
    repeated: list[tuple[str, str]] = field(default_factory=list)

    @property
    def max_without_mutual(self) -> int:
        return (len(self.members) - 1) // 2

    def rows(self) -> list[dict[str, object]]:
        """``[{"host": NAME, "reviewing": [NAME, ...]}]`` by host name."""
        return [{"host": h, "reviewing": list(self.reviewers[h])} for h in self.members]


def _key(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def seed_of(
    members: Iterable[str], per_host: int, previous: Iterable[tuple[str, str]], salt: str
) -> int:
    """A seed from the whole input: the same input plans the same way, any change reshuffles."""
    digest = hashlib.sha256()
    digest.update(salt.encode())
    digest.update(f"|{per_host}|".encode())
    for name in sorted(members, key=_key):
        digest.update(name.encode() + b"\x00")
    digest.update(b"|")
    for r, h in sorted(previous):
        digest.update(r.encode() + b"\x01" + h.encode() + b"\x00")
    return int(digest.hexdigest()[:16], 16)


def assign(
    members: Sequence[str],
    per_host: int,
    previous: Iterable[tuple[str, str]] = (),
    *,
    salt: str = "",
) -> Plan:
    """Plan who reviews whom.

    :param members: distinct municipality names (the order does not matter).
    :param per_host: reviewing municipalities per host, 1 to len(members) - 1.
    :param previous: (reviewer, host) pairs of the previous round to avoid.
    :param salt: more input for the seed (e.g. the round's year).
    """
    names = _checked_names(members, per_host)
    index = {name: i for i, name in enumerate(names)}
    prev = {(index[r], index[h]) for r, h in previous if r in index and h in index and r != h}
    rng = random.Random(
        seed_of(names, per_host, sorted({(names[r], names[h]) for r, h in prev}), salt)
    )
    reviewers = _best_attempt(len(names), list(range(1, per_host + 1)), prev, rng)
    return _plan(names, per_host, reviewers, prev)


def _checked_names(members: Sequence[str], per_host: int) -> list[str]:
    """The members in name order, refused unless distinct and ``per_host`` fits."""
    names = sorted(members, key=_key)
    n = len(names)
    if len(set(names)) != n:
        raise ValueError("members must be distinct")
    if n < 2 or not 1 <= per_host <= n - 1:
        raise ValueError("per_host must be between 1 and len(members) - 1")
    return names


def _best_attempt(
    n: int, offsets: list[int], prev: set[tuple[int, int]], rng: random.Random
) -> list[set[int]]:
    """The reviewers of each host with the fewest repeated pairs over a few fresh starts
    (a local search can get stuck where a plan without repeats exists)."""
    best: list[set[int]] | None = None
    best_repeats = -1
    for _attempt in range(max(1, min(RESTARTS, 600 // n)) if prev else 1):
        reviewers = _attempt_plan(n, offsets, prev, rng)
        repeats = len(_repeats(reviewers, prev))
        if best is None or repeats < best_repeats:
            best, best_repeats = reviewers, repeats
        if repeats == 0:
            break
    assert best is not None
    return best


def _attempt_plan(
    n: int, offsets: list[int], prev: set[tuple[int, int]], rng: random.Random
) -> list[set[int]]:
    """One start: a shuffled circulant order, searched for fewer repeats."""
    order = list(range(n))
    rng.shuffle(order)
    if prev:
        _search_order(order, offsets, prev, rng)
    reviewers: list[set[int]] = [set() for _ in range(n)]
    for p in range(n):
        for o in offsets:
            reviewers[order[p]].add(order[(p + o) % n])
    if prev and _repeats(reviewers, prev):
        _EdgeSearch(reviewers, prev, rng).run()
    return reviewers


def _plan(
    names: list[str], per_host: int, reviewers: list[set[int]], prev: set[tuple[int, int]]
) -> Plan:
    """The plan by name, with the rules it could not meet."""
    n = len(names)
    plan = Plan(
        members=names,
        per_host=per_host,
        reviewers={names[h]: [names[r] for r in sorted(reviewers[h])] for h in range(n)},
    )
    plan.mutual = sorted(
        (names[a], names[b]) for a in range(n) for b in reviewers[a] if a < b and a in reviewers[b]
    )
    plan.repeated = sorted((names[r], names[h]) for r, h in _repeats(reviewers, prev))
    return plan


def _repeats(reviewers: list[set[int]], prev: set[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(r, h) for h in range(len(reviewers)) for r in sorted(reviewers[h]) if (r, h) in prev]


def _search_order(
    order: list[int], offsets: list[int], prev: set[tuple[int, int]], rng: random.Random
) -> None:
    """Swap positions in the circulant order until no previous pair repeats (or give up)."""
    n = len(order)

    def touched(a: int, b: int) -> set[tuple[int, int]]:
        # the (host position, offset) edges with an end at position a or b
        out = set()
        for x in (a, b):
            for o in offsets:
                out.add((x, o))
                out.add(((x - o) % n, o))
        return out

    def conflicts(edges: Iterable[tuple[int, int]]) -> int:
        return sum((order[(p + o) % n], order[p]) in prev for p, o in edges)

    def all_conflicts() -> list[int]:
        return [p for p in range(n) for o in offsets if (order[(p + o) % n], order[p]) in prev] + [
            (p + o) % n for p in range(n) for o in offsets if (order[(p + o) % n], order[p]) in prev
        ]

    budget = 20 * n + 1000
    stale = 0
    while budget > 0:
        bad = all_conflicts()
        if not bad:
            return
        # a few moves per recount: recounting is O(n k)
        for _ in range(16):
            budget -= 1
            a = rng.choice(bad)
            b = rng.randrange(n)
            if a == b:
                continue
            edges = touched(a, b)
            before = conflicts(edges)
            order[a], order[b] = order[b], order[a]
            after = conflicts(edges)
            if after > before:
                order[a], order[b] = order[b], order[a]
            elif after < before:
                stale = 0
                break
            else:
                stale += 1
        if stale > 20 * n + 200:
            return


class _EdgeSearch:
    """Exchange reviewers between hosts, or turn triangles around, to drop repeated pairs.

    Both moves keep every in- and out-degree, never create a self-review, and are taken only
    when they make no new mutual pair: the earlier rules keep their weight.
    """

    def __init__(
        self, reviewers: list[set[int]], prev: set[tuple[int, int]], rng: random.Random
    ) -> None:
        self.reviewers = reviewers
        self.prev = prev
        self.rng = rng
        self.n = len(reviewers)
        self.reviews: list[set[int]] = [set() for _ in range(self.n)]
        for h in range(self.n):
            for r in reviewers[h]:
                self.reviews[r].add(h)
        self.budget = 30 * self.n + 2000

    def run(self) -> None:
        """Move until no previous pair repeats, no move helps, or the budget is spent."""
        while self.budget > 0:
            bad = _repeats(self.reviewers, self.prev)
            if not bad:
                return
            self.rng.shuffle(bad)
            if not any(self._improve(r, h) for r, h in bad):
                return

    def _improve(self, r: int, h: int) -> bool:
        """Drop the repeated pair r -> h by a triangle, else by an exchange."""
        if not self.has(r, h):
            return False
        return self._turn_triangle(r, h) or self._exchange(r, h)

    def _turn_triangle(self, r: int, h: int) -> bool:
        """Turn a triangle r -> h -> c -> r around: r reviews h, h reviews c, c reviews r."""
        for c in sorted(self.reviews[h] & self.reviewers[r]):
            self.budget -= 1
            if self._try([(r, h), (h, c), (c, r)], [(h, r), (c, h), (r, c)]):
                return True
        return False

    def _exchange(self, r: int, h: int) -> bool:
        """Exchange: r takes another host h2 of r2, r2 takes h."""
        for h2 in self.rng.sample(range(self.n), min(self.n, 40)):
            if h2 == h:
                continue
            for r2 in sorted(self.reviewers[h2]):
                self.budget -= 1
                if r2 == r:
                    continue
                if self._try([(r, h), (r2, h2)], [(r2, h), (r, h2)]):
                    return True
        return False

    def has(self, r: int, h: int) -> bool:
        return r in self.reviewers[h]

    def _move(self, removed: list[tuple[int, int]], added: list[tuple[int, int]]) -> None:
        for r, h in removed:
            self.reviewers[h].discard(r)
            self.reviews[r].discard(h)
        for r, h in added:
            self.reviewers[h].add(r)
            self.reviews[r].add(h)

    def _mutual(self, pairs: Iterable[tuple[int, int]]) -> int:
        return sum(1 for r, h in pairs if self.has(r, h) and self.has(h, r))

    def _try(self, removed: list[tuple[int, int]], added: list[tuple[int, int]]) -> bool:
        """Make the move if it makes fewer mutual pairs, or as many and fewer repeats."""
        if any(r == h or self.has(r, h) for r, h in added):
            return False
        if len(set(added)) != len(added):
            return False
        around = {*removed, *added, *[(h, r) for r, h in removed], *[(h, r) for r, h in added]}
        before_m = self._mutual(around)
        before_p = sum(p in self.prev for p in removed)
        self._move(removed, added)
        after_m = self._mutual(around)
        after_p = sum(p in self.prev for p in added)
        if after_m < before_m or (after_m == before_m and after_p < before_p):
            return True
        self._move(added, removed)
        return False
