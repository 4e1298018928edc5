"""A municipality's history: its reviews across rounds, side by side, as JSON and Word."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers_followup import add_interview, write_report
from sqlmodel import col, select

from granskning.services import history, registry, reviews, rounds
from granskning.storage.model import FollowUpItem, Recommendation, Review

TEMPLATE = "kollegial-granskning-2013"
MEMBERS = ["Gävle", "Uppsala", "Örebro", "Umeå"]


def _set_state(store: Any, review_id: int, state: str) -> None:
    with store.atomic() as s:
        row = s.get(Review, review_id)
        row.state = state  # type: ignore[union-attr]
        if state == "handed_over":
            row.handed_over_on = date(2026, 5, 5)  # type: ignore[union-attr]
        s.add(row)


def _items(store: Any, review_id: int, statuses: list[tuple[str | None, str | None]]) -> list[int]:
    """A checklist item per recommendation (in order) with its status and comment."""
    with store.atomic() as s:
        recs = s.exec(
            select(Recommendation)
            .where(Recommendation.review_id == review_id)
            .order_by(col(Recommendation.id))
        ).all()
        rows = [
            FollowUpItem(
                review_id=review_id,
                source="recommendation",
                source_uid=rec.uid,
                block_id=rec.block_id,
                text=rec.text,
                status=status,
                comment=comment,
                created_at=store.now(),
                updated_at=store.now(),
            )
            for rec, (status, comment) in zip(recs, statuses, strict=True)
        ]
        for row in rows:
            s.add(row)
        s.flush()
        return [int(row.id or 0) for row in rows]


def _merge(store: Any, item: int, into: int) -> None:
    with store.atomic() as s:
        row = s.get(FollowUpItem, item)
        row.merged_into_id = into  # type: ignore[union-attr]
        row.status = None  # type: ignore[union-attr]
        s.add(row)


@pytest.fixture
def two_rounds(store: Any) -> dict[str, int]:
    """Gävle reviewed in 2009 and in 2013, and reviewing Umeå in 2009."""
    for name in MEMBERS:
        registry.add_municipality(store, name)
    r09 = rounds.create_round(
        store, year=2009, theme="Genomförande", template=TEMPLATE, members=MEMBERS
    )
    r13 = rounds.create_round(
        store, year=2013, theme="Trygga uppväxtvillkor", template=TEMPLATE, members=MEMBERS
    )
    first = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template=TEMPLATE, round_id=r09.id
    ).id
    umea = reviews.create_review(
        store, host="Umeå", reviewing=["Gävle", "Örebro"], template=TEMPLATE, round_id=r09.id
    ).id
    second = reviews.create_review(
        store, host="Gävle", reviewing=["Umeå", "Uppsala"], template=TEMPLATE, round_id=r13.id
    ).id
    add_interview(store, first, "fortroendevalda", ratings=[3, 4, 4])
    add_interview(store, first, "ledande", ratings=[2])
    add_interview(store, second, "fortroendevalda", ratings=[2, 2, 3, 3])
    add_interview(store, second, "ledande", ratings=[3, 4])
    write_report(
        store,
        first,
        strengths=[("styrprocesser", "Tydlig vision")],
        developments=[("styrprocesser", "Svag röd tråd")],
        recommendations=[
            ("styrprocesser", "Ta fram en röd tråd"),
            ("inflytande", "Låt barn svara"),
            (None, "Utbilda politiker"),
        ],
    )
    write_report(
        store,
        second,
        strengths=[("styrprocesser", "Barnbokslut införs")],
        developments=[("styrprocesser", "Röd tråd saknas fortfarande")],
        none_blocks=["inflytande"],
        recommendations=[("framtid", "Följ upp åtagandena")],
    )
    done, _progress, merged = _items(
        store, first, [("done", "Klart 2010"), ("in_progress", None), (None, None)]
    )
    _merge(store, merged, done)
    _items(store, second, [(None, None)])
    _set_state(store, first, "followed_up")
    _set_state(store, umea, "handed_over")
    _set_state(store, second, "handed_over")
    return {"first": first, "second": second, "umea": umea, "done_item": done}


@pytest.mark.slow
def test_both_rounds_side_by_side(cli: Any, two_rounds: dict[str, int]) -> None:
    data = cli.json("municipality", "history", "gävle")
    assert data["municipality"] == "Gävle" and data["min_answers"] == 3
    assert [(r["year"], r["theme"]) for r in data["rounds"]] == [
        (2009, "Genomförande"),
        (2013, "Trygga uppväxtvillkor"),
    ]
    r09, r13 = data["rounds"]
    assert [h["review"] for h in r09["hosted"]] == [two_rounds["first"]]
    assert [h["review"] for h in r13["hosted"]] == [two_rounds["second"]]
    assert [(v["review"], v["host"]) for v in r09["reviewed"]] == [(two_rounds["umea"], "Umeå")]
    assert r13["reviewed"] == []
    assert r09["hosted"][0]["reviewing"] == ["Uppsala", "Örebro"]
    assert r09["hosted"][0]["state"] == "followed_up"

    (question,) = data["ratings"]
    assert question["question"] == "infl-6"
    by_group = {g["group"]: g["rounds"] for g in question["groups"]}
    assert by_group["fortroendevalda"] == [
        {"round": r09["round"], "year": 2009, "n": 3, "mean": 3.67},
        {"round": r13["round"], "year": 2013, "n": 4, "mean": 2.5},
    ]
    # one and two answers: counted, never averaged
    assert [(c["n"], c["mean"]) for c in by_group["ledande"]] == [(1, None), (2, None)]


@pytest.mark.slow
def test_findings_and_recommendations_with_follow_up_and_what_came_next(
    store: Any, two_rounds: dict[str, int]
) -> None:
    data = history.history(store, "Gävle")
    first, second = (r["hosted"][0] for r in data["rounds"])
    styr = {b["block"]: b for b in first["findings"]}["styrprocesser"]
    assert (styr["strengths"], styr["development"]) == (["Tydlig vision"], ["Svag röd tråd"])
    assert {b["block"]: b for b in second["findings"]}["inflytande"]["no_findings"] is True

    r1, r2, r3 = first["recommendations"]
    assert [r["number"] for r in (r1, r2, r3)] == [1, 2, 3]
    assert r1["follow_up"]["status"] == "done" and r1["follow_up"]["comment"] == "Klart 2010"
    assert r1["follow_up"]["status_label"] == "done"
    assert r1["next"] == {
        "review": two_rounds["second"],
        "year": 2013,
        "round": data["rounds"][1]["round"],
        "strengths": ["Barnbokslut införs"],
        "development": ["Röd tråd saknas fortfarande"],
        "no_findings": False,
    }
    assert r2["follow_up"]["status"] == "in_progress" and r2["next"]["no_findings"] is True
    # merged into R1's item: that item's status is its status
    assert r3["follow_up"]["merged_into"] == two_rounds["done_item"]
    assert r3["follow_up"]["status"] == "done"
    assert r3["next"]["strengths"] == [] and r3["block"] is None
    (last,) = second["recommendations"]
    assert last["next"] is None and last["follow_up"]["status"] is None


@pytest.mark.slow
def test_the_word_document_holds_the_headings_and_the_tables(
    cli: Any, two_rounds: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "gavle.docx"
    result = cli.ok("municipality", "history", "Gävle", "--docx", "-o", out)
    assert "history written" in result.stderr and result.stdout == ""
    doc = Document(str(out))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Head", "Title"))
    ]
    assert ("Title", "History of the peer reviews") in headings
    for heading in [
        ("Heading 1", "Reviews per round"),
        ("Heading 1", "Rating questions across the rounds"),
        ("Heading 1", "2009 – Genomförande"),
        ("Heading 1", "2013 – Trygga uppväxtvillkor"),
        ("Heading 2", f"Review {two_rounds['first']}"),
        ("Heading 3", "Recommendations and follow-up"),
    ]:
        assert heading in headings
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    per_group: dict[str, list[list[str]]] = {}
    group = ""
    for row in (r for r in cells if len(r) == 4 and r[1] in ("2009", "2013")):
        group = row[0] or group  # the group is named on its first row
        per_group.setdefault(group, []).append(row[1:])
    assert list(per_group.values())[:2] == [
        [["2009", "3", "3.67"], ["2013", "4", "2.50"]],
        [["2009", "1", "–"], ["2013", "2", "–"]],
    ]
    recs = [row for row in cells if row[0] == "R1"]
    assert recs and "Ta fram en röd tråd" in recs[0][1] and recs[0][2] == "Done\nKlart 2010"
    assert "Development area: Röd tråd saknas fortfarande" in recs[0][3]
    # dates in the house style, as in every other document ("5 May 2010"), never ISO
    texts = [p.text for p in doc.paragraphs] + [c for row in cells for c in row]
    handed = [text for text in texts if "handed over on" in text]
    assert handed and not any(re.search(r"\d{4}-\d{2}-\d{2}", line) for line in handed)


def test_an_unknown_municipality_is_one_line_exit_2(cli: Any, store: Any) -> None:
    registry.add_municipality(store, "Gävle")
    result = cli("municipality", "history", "Visby", "--json")
    assert result.exit_code == 2
    assert result.stderr == "error: municipality Visby does not exist\n" and result.stdout == ""
    result = cli("municipality", "history", "Gävle", "--docx")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_a_municipality_without_reviews(cli: Any, store: Any) -> None:
    registry.add_municipality(store, "Gävle")
    assert cli.json("municipality", "history", "Gävle")["rounds"] == []
    assert "no reviews" in cli.ok("municipality", "history", "Gävle").stdout


@pytest.mark.slow
def test_text_for_people(cli: Any, two_rounds: dict[str, int]) -> None:
    out = cli.ok("municipality", "history", "Gävle").stdout
    assert "2009 – Genomförande" in out and "R1 [done] Ta fram en röd tråd" in out
    assert f"reviewed Umeå (review {two_rounds['umea']}, handed over)" in out


@pytest.mark.slow
def test_statements_do_not_grow_with_the_reviews(store: Any, two_rounds: dict[str, int]) -> None:
    def statements() -> int:
        with store.counting_statements() as count:
            history.history(store, "Gävle")
        return int(count[0])

    before = statements()
    r20 = rounds.create_round(
        store, year=2020, theme="Barnrättslagen", template=TEMPLATE, members=MEMBERS
    )
    third = reviews.create_review(
        store, host="Gävle", reviewing=["Örebro", "Umeå"], template=TEMPLATE, round_id=r20.id
    ).id
    add_interview(store, third, "medarbetare", ratings=[1, 2, 3, 4])
    write_report(
        store,
        third,
        strengths=[("inflytande", "Barnråd")],
        recommendations=[("styrprocesser", "Budget"), (None, "Utbildning")],
    )
    _items(store, third, [("done", None), ("not_started", "Väntar")])
    after = statements()
    assert before == after and after < 15
    years = [r["year"] for r in history.history(store, "Gävle")["rounds"]]
    assert years == [2009, 2013, 2020]
