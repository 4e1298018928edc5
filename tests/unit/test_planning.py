"""Who reviews whom: the rules of a round's plan, on random member sets."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from granskning.domain.planning import Plan, assign


def _names(n: int, tag: int) -> list[str]:
    # a mix of Swedish letters and cases: the order must not come from the input's order
    stems = ["Åre", "ale", "Örebro", "Eda", "Kil", "Mora", "Nora", "Sala", "Tibro", "Umeå"]
    return [f"{stems[(i * 7 + tag) % len(stems)]} {i}" for i in range(n)]


def _edges(plan: Plan) -> list[tuple[str, str]]:
    return [(r, h) for h, rs in plan.reviewers.items() for r in rs]


def check_rules(plan: Plan, members: list[str], k: int, previous: set[tuple[str, str]]) -> None:
    """Every rule holds, or the plan reports exactly where it does not."""
    n = len(members)
    assert sorted(plan.reviewers) == sorted(members)
    edges = _edges(plan)
    assert len(edges) == len(set(edges)) == n * k
    for host, reviewers in plan.reviewers.items():
        assert host not in reviewers  # nobody reviews itself
        assert len(reviewers) == k
    given = Counter(r for r, _h in edges)
    taken = Counter(h for _r, h in edges)
    for m in members:
        assert abs(given[m] - taken[m]) <= 1  # reviews as many as it is reviewed
    edge_set = set(edges)
    mutual = sorted({tuple(sorted((r, h))) for r, h in edges if (h, r) in edge_set})
    assert sorted(tuple(sorted(p)) for p in plan.mutual) == mutual
    if 2 * k <= n - 1:
        assert mutual == []
    else:  # unavoidable: no more than the pigeonhole minimum
        assert len(mutual) == n * k - n * (n - 1) // 2
    assert sorted(plan.repeated) == sorted(edge_set & previous)


def _previous(rnd: random.Random, members: list[str], kind: str) -> set[tuple[str, str]]:
    if kind == "none":
        return set()
    if kind == "plan":  # the realistic case: last round's plan, with its own size
        n = len(members)
        pk = rnd.randint(1, min(3, n - 1))
        return set(_edges(assign(members, pk, salt=str(rnd.random()))))
    # arbitrary pairs, some naming municipalities that are not members any more
    pool = members + ["Utanför 1", "Utanför 2"]
    count = rnd.randint(0, 4 * len(members))
    return {(a, b) for a, b in (rnd.sample(pool, 2) for _ in range(count))}


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    n=st.integers(min_value=3, max_value=300),
    k=st.integers(min_value=1, max_value=3),
    tag=st.integers(min_value=0, max_value=9),
    kind=st.sampled_from(["none", "plan", "pairs"]),
    rnd=st.randoms(use_true_random=False),
)
def test_every_rule_holds_or_is_reported(
    n: int, k: int, tag: int, kind: str, rnd: random.Random
) -> None:
    members = _names(n, tag)
    if k > n - 1:
        with pytest.raises(ValueError):
            assign(members, k)
        return
    previous = _previous(rnd, members, kind)
    plan = assign(members, k, previous, salt="2026")
    check_rules(plan, members, k, previous & {(a, b) for a in members for b in members})
    # the same input, in another order, gives the same plan
    shuffled = members[:]
    rnd.shuffle(shuffled)
    again = assign(shuffled, k, sorted(previous, reverse=True), salt="2026")
    assert again.reviewers == plan.reviewers
    assert again.rows() == plan.rows()


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=5, max_value=120),
    k=st.integers(min_value=1, max_value=3),
    pk=st.integers(min_value=1, max_value=3),
    salt=st.integers(min_value=0, max_value=10_000),
)
def test_last_rounds_pairs_are_avoided_when_there_is_room(
    n: int, k: int, pk: int, salt: int
) -> None:
    members = _names(n, salt % 10)
    if 2 * max(k, pk) > n - 1:
        return
    previous = set(_edges(assign(members, pk, salt=f"prev{salt}")))
    plan = assign(members, k, previous, salt=str(salt))
    assert plan.repeated == []


def test_three_members_two_reviewers_each_must_review_each_other() -> None:
    plan = assign(["Gävle", "Uppsala", "Örebro"], 2)
    assert sorted(plan.mutual) == [("Gävle", "Uppsala"), ("Gävle", "Örebro"), ("Uppsala", "Örebro")]
    assert plan.max_without_mutual == 1


def test_a_different_year_may_plan_differently_but_the_same_year_never() -> None:
    members = _names(30, 1)
    a = assign(members, 2, salt="2026")
    assert assign(members, 2, salt="2026").reviewers == a.reviewers
    assert any(assign(members, 2, salt=str(y)).reviewers != a.reviewers for y in range(2027, 2031))


@pytest.mark.parametrize(("n", "k"), [(3, 3), (2, 0), (10, 0)])
def test_impossible_sizes_are_refused(n: int, k: int) -> None:
    with pytest.raises(ValueError):
        assign(_names(n, 0), k)


def test_duplicate_members_are_refused() -> None:
    with pytest.raises(ValueError):
        assign(["A", "B", "A"], 1)
