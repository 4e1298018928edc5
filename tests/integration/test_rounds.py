"""Rounds: members, planning into reviews, re-planning, the previous round."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import select

from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.services import registry, reviews, rounds
from granskning.storage.model import Review, ReviewingMunicipality, Round
from granskning.storage.store import Store

TEMPLATE = "kollegial-granskning-2013"
NAMES = [
    "Gävle", "Uppsala", "Örebro", "Östersund", "Trelleborg", "Umeå", "Karlstad", "Luleå",
    "Malmö", "Borås",
]  # fmt: skip


def _municipalities(store: Any, names: list[str] = NAMES) -> None:
    for name in names:
        registry.add_municipality(store, name)


def _pairs(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r, row["host"]) for row in rows for r in row["reviewing"]}


@pytest.mark.slow
def test_create_round_checks_its_input(store: Any) -> None:
    _municipalities(store)
    with pytest.raises(InputError, match="at least 3"):
        rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=NAMES[:2])
    with pytest.raises(InputError, match="named twice"):
        rounds.create_round(
            store, year=2026, theme="T", template=TEMPLATE, members=[*NAMES[:3], "gävle"]
        )
    with pytest.raises(NotFoundError, match="Kiruna"):
        rounds.create_round(
            store, year=2026, theme="T", template=TEMPLATE, members=[*NAMES[:3], "Kiruna"]
        )
    with pytest.raises(NotFoundError, match="template"):
        rounds.create_round(store, year=2026, theme="T", template="nope", members=NAMES[:3])
    with pytest.raises(InputError, match="year"):
        rounds.create_round(store, year=26, theme="T", template=TEMPLATE, members=NAMES[:3])
    with pytest.raises(InputError, match="empty"):
        rounds.create_round(store, year=2026, theme="  ", template=TEMPLATE, members=NAMES[:3])
    with store.read() as s:
        assert s.exec(select(Round)).all() == []
    r = rounds.create_round(
        store, year=2026, theme=" Barnets  bästa ", template=TEMPLATE, members=NAMES[:4]
    )
    shown = rounds.show(store, r.id)  # type: ignore[arg-type]
    assert shown["theme"] == "Barnets bästa"
    assert shown["members"] == ["Gävle", "Uppsala", "Örebro", "Östersund"]


@pytest.mark.slow
def test_plan_creates_the_rounds_reviews(store: Any) -> None:
    _municipalities(store)
    r = rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=NAMES)
    result = rounds.plan(store, r.id, 3)  # type: ignore[arg-type]
    assert (result.created, result.changed, result.kept, result.problems) == (10, 0, 0, [])
    names = {m.id: m.name for m in registry.list_municipalities(store)}
    with store.read() as s:
        made = s.exec(select(Review).where(Review.round_id == r.id)).all()
        stored = {
            (rm.municipality_id, rv.host_id)
            for rv in made
            for rm in s.exec(
                select(ReviewingMunicipality).where(ReviewingMunicipality.review_id == rv.id)
            ).all()
        }
    assert len(made) == 10 and {rv.state for rv in made} == {"planned"}
    assert {(names[a], names[b]) for a, b in stored} == _pairs(result.rows)
    assert all(rv.template_id == TEMPLATE for rv in made)
    assert {row["id"] for row in result.rows} == {rv.id for rv in made}


@pytest.mark.slow
def test_replanning_keeps_or_changes_planned_reviews(store: Any) -> None:
    _municipalities(store)
    r = rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=NAMES[:7])
    rid: int = r.id  # type: ignore[assignment]
    first = rounds.plan(store, rid, 2)
    again = rounds.plan(store, rid, 2)
    assert (again.created, again.changed, again.kept) == (0, 0, 7)
    assert again.rows == first.rows
    bigger = rounds.plan(store, rid, 3)
    assert (bigger.created, bigger.kept) == (0, 0) and bigger.changed == 7
    assert [row["id"] for row in bigger.rows] == [row["id"] for row in first.rows]
    assert all(len(row["reviewing"]) == 3 for row in rounds.show(store, rid)["reviews"])


@pytest.mark.slow
def test_replanning_is_refused_once_a_review_has_moved_on(store: Any) -> None:
    _municipalities(store)
    r = rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=NAMES[:5])
    rid: int = r.id  # type: ignore[assignment]
    rows = rounds.plan(store, rid, 2).rows
    review = rows[0]["id"]
    reviews.advance(store, review, "cancel", reason="Kommunen hoppade av")
    # a cancelled review does not block; its host gets a new one
    result = rounds.plan(store, rid, 2)
    assert result.created == 1
    with store.atomic() as s:
        row = s.get(Review, rows[1]["id"])
        row.state = "scheduled"  # type: ignore[union-attr]
        s.add(row)
    before = rounds.show(store, rid)
    with pytest.raises(RuleError, match="past planned"):
        rounds.plan(store, rid, 1)
    assert rounds.show(store, rid) == before


@pytest.mark.slow
def test_previous_round_pairs_are_avoided(store: Any) -> None:
    _municipalities(store)
    old = rounds.create_round(store, year=2013, theme="A", template=TEMPLATE, members=NAMES[:8])
    older = rounds.create_round(store, year=2009, theme="B", template=TEMPLATE, members=NAMES[:8])
    new = rounds.create_round(store, year=2015, theme="C", template=TEMPLATE, members=NAMES[:8])
    with store.read() as s:
        assert rounds.previous_round(s, new).id == old.id  # type: ignore[union-attr]
        assert rounds.previous_round(s, older) is None
    before = _pairs(rounds.plan(store, old.id, 3).rows)  # type: ignore[arg-type]
    result = rounds.plan(store, new.id, 3)  # type: ignore[arg-type]
    assert result.previous_round == old.id
    assert result.problems == []
    assert not before & _pairs(result.rows)


@pytest.mark.slow
def test_a_round_without_shared_members_is_not_the_previous_one(store: Any) -> None:
    _municipalities(store)
    rounds.create_round(store, year=2013, theme="A", template=TEMPLATE, members=NAMES[:3])
    new = rounds.create_round(store, year=2015, theme="C", template=TEMPLATE, members=NAMES[5:9])
    with store.read() as s:
        assert rounds.previous_round(s, new) is None


@pytest.mark.slow
def test_unmeetable_rules_are_explained(store: Any) -> None:
    _municipalities(store)
    r = rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=NAMES[:3])
    result = rounds.plan(store, r.id, 2)  # type: ignore[arg-type]
    assert len(result.problems) == 1
    assert "3 pairs have to review each other" in result.problems[0]
    assert "at most 1 per host" in result.problems[0]
    with pytest.raises(InputError, match="between 1 and 2"):
        rounds.plan(store, r.id, 3)  # type: ignore[arg-type]


@pytest.mark.slow
def test_repeats_that_cannot_be_avoided_are_explained(store: Any) -> None:
    _municipalities(store)
    a = rounds.create_round(store, year=2013, theme="A", template=TEMPLATE, members=NAMES[:4])
    b = rounds.create_round(store, year=2015, theme="B", template=TEMPLATE, members=NAMES[:4])
    rounds.plan(store, a.id, 3)  # type: ignore[arg-type]  (every pair, both ways)
    result = rounds.plan(store, b.id, 1)  # type: ignore[arg-type]
    assert any(
        "pairs from the previous round (2013) could not be avoided" in p for p in result.problems
    )


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(n=st.integers(min_value=3, max_value=40), k=st.integers(min_value=1, max_value=3))
def test_the_same_round_plans_the_same_in_any_database(n: int, k: int) -> None:
    plans = []
    for _ in range(2):
        store = Store.memory()
        names = [f"Kommun {i:02d}" for i in range(n)]
        _municipalities(store, names[::-1] if plans else names)
        r = rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=names)
        if k > n - 1:
            with pytest.raises(InputError):
                rounds.plan(store, r.id, k)  # type: ignore[arg-type]
            return
        plans.append([(row["host"], row["reviewing"]) for row in rounds.plan(store, r.id, k).rows])  # type: ignore[arg-type]
        store.dispose()
    assert plans[0] == plans[1]


# -- through the command line ---------------------------------------------------------------


@pytest.mark.slow
def test_round_commands(cli: Any, store: Any) -> None:
    _municipalities(store, NAMES[:6])
    members = [a for name in NAMES[:6] for a in ("--member", name)]
    created = cli.json(
        "round",
        "create",
        "--year",
        2026,
        "--theme",
        "Barnets bästa",
        "--template",
        TEMPLATE,
        *members,
    )
    assert created["id"] == 1 and len(created["members"]) == 6
    result = cli.ok("round", "plan", 1, "--reviewers-per-host", 2, "--json")
    plan = json.loads(result.stdout)
    assert [set(row) for row in plan] == [{"id", "host", "reviewing"}] * 6
    assert all(len(row["reviewing"]) == 2 for row in plan)
    assert [r["id"] for r in cli.json("round", "list")] == [1]
    shown = cli.json("round", "show", 1)
    assert len(shown["reviews"]) == 6
    table = cli.ok("round", "plan", 1).stdout
    assert "Gävle" in table


@pytest.mark.slow
def test_round_cli_bad_input(cli: Any, store: Any) -> None:
    _municipalities(store, NAMES[:3])
    members = [a for name in NAMES[:3] for a in ("--member", name)]
    bad = cli(
        "round",
        "create",
        "--year",
        2026,
        "--theme",
        "T",
        "--template",
        TEMPLATE,
        "--member",
        "Gävle",
    )
    assert bad.exit_code == 2 and "at least 3" in bad.stderr
    cli.ok("round", "create", "--year", 2026, "--theme", "T", "--template", TEMPLATE, *members)
    assert cli("round", "plan", 9).exit_code == 2
    assert cli("round", "plan", 1, "--reviewers-per-host", 5).exit_code == 2
    noted = cli("round", "plan", 1, "--reviewers-per-host", 2, "--json")
    assert noted.exit_code == 0
    assert "note:" in noted.stderr and "review each other" in noted.stderr
    assert len(json.loads(noted.stdout)) == 3
    with store.atomic() as s:
        review = s.exec(select(Review)).first()
        review.state = "visiting"  # type: ignore[union-attr]
        s.add(review)
    refused = cli("round", "plan", 1, "--reviewers-per-host", 1)
    assert refused.exit_code == 1 and "past planned" in refused.stderr
    assert cli("round", "report", 1).exit_code == 2  # neither -o nor --json


@pytest.mark.parametrize("noun", ["round", "seminar"])
def test_every_command_has_help_with_an_example(noun: str) -> None:
    from click.testing import CliRunner

    from granskning.cli import cli as root
    from granskning.domain.i18n import set_language

    group = root.get_command(None, noun)  # type: ignore[arg-type]
    assert group is not None
    for name in [None, *group.list_commands(None)]:  # type: ignore[attr-defined, arg-type]
        args = [noun] if name is None else [noun, name]
        for lang, word in (("en", "Example:"), ("sv", "Exempel:")):
            set_language(lang)
            result = CliRunner().invoke(root, ["--lang", lang, *args, "--help"])
            assert result.exit_code == 0, (args, result.output)
            assert word in result.output, (args, lang)
    set_language("en")
