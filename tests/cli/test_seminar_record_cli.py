"""``granskning seminar participants|next-steps|next-follow-up|minutes`` and ``seminar record
--deadline``: good input does what it says; bad input is one line, exit 2 (or 1 for a rule),
and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers_followup import drive_to_drafting, write_report

from granskning.domain.timefmt import parse_local
from granskning.services import findings, followup, reviews


@pytest.fixture
def scheduled(store: Any, sample: Any) -> int:
    """The sample review handed over with R1 and R2, its seminar scheduled."""
    rid = sample.review
    drive_to_drafting(store, rid, sample.lead, sample.secretary)
    write_report(
        store,
        rid,
        developments=[("inflytande", "Barn hörs sällan")],
        none_blocks=["styrprocesser", "framtid"],
    )
    findings.add_recommendation(store, rid, "Inför barnbokslut")
    findings.add_recommendation(store, rid, "Återkoppla till barnen", block="inflytande")
    reviews.advance(store, rid, "hand_over")
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"), "Stadshuset")
    return rid


def _one_line_error(result: Any, code: int) -> str:
    assert result.exit_code == code, (result.output, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.slow
def test_the_record_commands_write_and_show(
    cli: Any, store: Any, scheduled: int, tmp_path: Path
) -> None:
    rid = scheduled
    recs = cli.json("recommendation", "list", rid)
    assert [r["code"] for r in recs] == ["R1", "R2"]
    said = cli.ok(
        "seminar", "participants", rid, "--participant", "Maria Lind, Gävle",
        "--participant", "Anna Berg, Uppsala",
    )  # fmt: skip
    assert "2" in said.stdout + said.stderr
    assert cli.json("seminar", "participants", rid) == [
        {"name": "Maria Lind", "municipality": "Gävle"},
        {"name": "Anna Berg", "municipality": "Uppsala"},
    ]
    cli.ok("seminar", "next-steps", rid, "--text", "- Redovisa i nämnden")
    cli.ok("seminar", "next-follow-up", rid, "--date", "2027-03-15")
    item = next(i for i in cli.json("seminar", "items", rid) if i["code"] == "R2")
    done = cli.json(
        "seminar", "record", rid, "--item", item["id"], "--status", "in_progress",
        "--responsible", "Socialchef", "--deadline", "2026-12-31",
    )  # fmt: skip
    assert (done["code"], done["responsible"], done["deadline"]) == (
        "R2",
        "Socialchef",
        "2026-12-31",
    )
    target = tmp_path / "minnesanteckningar.docx"
    data = cli.json("seminar", "minutes", rid, "-o", target)
    assert target.stat().st_size > 0
    assert data["next_follow_up"] == "2027-03-15" and len(data["participants"]) == 2
    assert [i["code"] for i in data["items"] if i["code"]] == ["R1", "R2"]
    cli.ok("seminar", "participants", rid, "--clear")
    assert cli.json("seminar", "participants", rid) == []


BAD = [
    (["seminar", "record", "{rid}", "--item", "{item}", "--status", "done", "--deadline", "15/3"], 2, "--deadline"),
    (["seminar", "record", "{rid}", "--item", "{item}", "--status", "done", "--deadline", "2026-01-01"], 1, "before the seminar"),
    (["seminar", "participants", "{rid}", "--participant", " , Gävle"], 2, "name"),
    (["seminar", "participants", "{rid}", "--participant", "A", "--clear"], 2, "--clear"),
    (["seminar", "next-follow-up", "{rid}", "--date", "2026-02-30"], 2, "--date"),
    (["seminar", "next-follow-up", "{rid}", "--date", "2026-09-01"], 1, "after the seminar"),
    (["seminar", "next-steps", "{rid}"], 2, "--text"),
    (["seminar", "minutes", "{rid}"], 2, "-o"),
    (["seminar", "minutes", "{rid}", "--json", "--pdf"], 2, "--pdf"),
    (["seminar", "minutes", "999", "--json"], 2, "999"),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code", "says"),
    BAD,
    ids=[" ".join(a[:2] + a[3:4]) + f"-{i}" for i, (a, _c, _s) in enumerate(BAD)],
)
def test_bad_input_is_one_line_and_changes_nothing(
    cli: Any, snapshot: Any, scheduled: int, args: list[str], code: int, says: str
) -> None:
    item = cli.json("seminar", "items", scheduled)[0]["id"]
    before = snapshot()
    result = cli(*[a.format(rid=scheduled, item=item) for a in args])
    assert says in _one_line_error(result, code)
    assert snapshot() == before


@pytest.mark.slow
def test_the_record_is_refused_before_the_seminar_is_scheduled(
    cli: Any, store: Any, sample: Any, snapshot: Any
) -> None:
    rid = sample.review
    drive_to_drafting(store, rid, sample.lead, sample.secretary)
    write_report(store, rid, none_blocks=["styrprocesser", "inflytande", "framtid"])
    reviews.advance(store, rid, "hand_over")
    before = snapshot()
    result = cli("seminar", "participants", rid, "--participant", "Maria Lind, Gävle")
    assert "not scheduled" in _one_line_error(result, 1)
    assert snapshot() == before
