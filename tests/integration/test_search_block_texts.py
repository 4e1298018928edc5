"""The team's block analyses in full-text search, on both backends: found as report texts
with their block, narrowed by ``--block``, followed through edits and a rebuilt index."""

from __future__ import annotations

from typing import Any

import pytest
from _world import World, populated
from sqlmodel import select

from granskning.services import findings, reviews, search as lib
from granskning.storage.model import Review
from granskning.storage.store import Store

ANALYSIS = "Barnrättsombudet samordnar arbetet, men återkopplingen till skolråden brister."
OTHER = "Nämnden följer upp barnbokslutet varje vår tillsammans med ungdomsrådet."


@pytest.fixture
def world(store: Store) -> World:
    return populated(store, until="visiting")


def _blocks(store: Store, world: World) -> list[str]:
    with store.read() as s:
        review = s.exec(select(Review).where(Review.id == world.review)).one()
        return [b.id for b in reviews.pinned_template(review).blocks]


def _texts(store: Store, query: str, **scope: Any) -> list[tuple[str | None, str | None]]:
    hits = lib.search(store, query, lib.Scope(kind="text", **scope))
    return [(h["section"], h["block"]) for h in hits]


def test_a_block_analysis_is_found_with_its_block(store: Store, world: World) -> None:
    first, second = _blocks(store, world)[:2]
    findings.set_text(store, world.review, "block", ANALYSIS, block=first)
    findings.set_text(store, world.review, "block", OTHER, block=second)
    [hit] = lib.search(store, "skolråden")
    assert (hit["kind"], hit["review"], hit["municipality"]) == ("text", world.review, "Gävle")
    assert (hit["section"], hit["block"], hit["id"]) == (f"block:{first}", first, None)
    assert "[skolråden]" in lib.marked(hit["snippet"], "[", "]")
    assert _texts(store, "barnbokslutet") == [(f"block:{second}", second)]


def test_the_block_filter_keeps_that_blocks_analysis_only(store: Store, world: World) -> None:
    first, second = _blocks(store, world)[:2]
    findings.set_text(store, world.review, "block", ANALYSIS, block=first)
    findings.set_text(store, world.review, "block", OTHER, block=second)
    findings.set_text(store, world.review, "summary", "Skolråden och ungdomsrådet hördes.")
    assert sorted(_texts(store, "ungdomsrådet")) == [
        (f"block:{second}", second),
        ("summary", None),
    ]
    assert _texts(store, "ungdomsrådet", block=second) == [(f"block:{second}", second)]
    assert _texts(store, "ungdomsrådet", block=first) == []
    assert _texts(store, "skolråden", block=first) == [(f"block:{first}", first)]
    # every kind together under the filter: the analysis among the block's own hits
    kinds = {h["kind"] for h in lib.search(store, "skolråden", lib.Scope(block=first))}
    assert kinds == {"text"}
    # a text without a block (the summary) is no block's, nor is a group's
    assert _texts(store, "skolråden", group="fortroendevalda") == []


def test_an_edited_analysis_is_found_by_its_new_text_and_after_a_reindex(
    store: Store, world: World
) -> None:
    first = _blocks(store, world)[0]
    findings.set_text(store, world.review, "block", ANALYSIS, block=first)
    findings.set_text(store, world.review, "block", OTHER, block=first)
    assert _texts(store, "skolråden") == []
    assert _texts(store, "barnbokslutet", block=first) == [(f"block:{first}", first)]
    lib.reindex(store)
    assert _texts(store, "skolråden") == []
    assert _texts(store, "barnbokslutet", block=first) == [(f"block:{first}", first)]


def test_the_command_line_names_the_block(store: Store, world: World, cli: Any) -> None:
    first = _blocks(store, world)[0]
    findings.set_text(store, world.review, "block", ANALYSIS, block=first)
    [hit] = cli.json("search", "skolråden", "--block", first)
    assert (hit["kind"], hit["block"], hit["section"]) == ("text", first, f"block:{first}")
    plain = cli.ok("search", "skolråden", "--block", first)
    assert f"report text block:{first}" in plain.stdout and f"· {first}" in plain.stdout
