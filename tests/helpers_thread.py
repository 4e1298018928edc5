"""A review driven to its follow-up seminar with numbered recommendations, for the tests of
the thread of recommendations, the seminar record and the documents' pages."""

from __future__ import annotations

from typing import Any

from helpers_followup import add_interview, drive_to_drafting, write_report

from granskning.domain.timefmt import parse_local
from granskning.services import findings, followup, reviews, seminar_record

SEMINAR = "2026-09-15 13:00"


def drafting(store: Any, sample: Any) -> int:
    """The sample review being drafted; four groups made the same commitment."""
    rid = sample.review
    same = "… att barnkonsekvensanalyser görs före varje beslut."
    drive_to_drafting(store, rid, sample.lead, sample.secretary, commitments=[same])
    for group in ("ledande", "medarbetare"):
        add_interview(store, rid, group, commitments=[same.upper() + "  "], state="completed")
    write_report(
        store,
        rid,
        developments=[("inflytande", "Barn hörs sällan")],
        strengths=[("styrprocesser", "Tydlig vision")],
        none_blocks=["framtid"],
    )
    return rid


def recommend(store: Any, rid: int) -> list[int]:
    """Three recommendations added and the second removed: R1 and R3 remain."""
    ids = [
        findings.add_recommendation(store, rid, text, block=block).id
        for block, text in [
            (None, "Inför barnbokslut"),
            ("inflytande", "Tas bort"),
            ("inflytande", "Återkoppla till barnen"),
        ]
    ]
    findings.remove_recommendation(store, ids[1])
    return [ids[0], ids[2]]


def seminar(store: Any, sample: Any, clock: Any) -> int:
    """Handed over, the seminar scheduled; one status recorded before the seminar."""
    rid = drafting(store, sample)
    recommend(store, rid)
    reviews.advance(store, rid, "hand_over")
    followup.schedule(store, rid, parse_local(SEMINAR), "Stadshuset")
    first = live(store, rid)[0]
    followup.record_status(store, rid, first["id"], "not_started")
    return rid


def live(store: Any, rid: int) -> list[dict[str, Any]]:
    return [i for i in followup.items(store, rid) if i["merged_into"] is None]


def hold(store: Any, rid: int, clock: Any) -> None:
    """At the seminar: every item a status, owner and deadline; the record's inputs."""
    clock.now = parse_local(SEMINAR)
    for n, item in enumerate(live(store, rid)):
        followup.record_status(
            store, rid, item["id"], "in_progress", responsible=f"Chef {n}", deadline="2026-12-31"
        )
    seminar_record.set_participants(store, rid, ["Maria Lind, Gävle", "Anna Berg"])
    seminar_record.set_next_steps(store, rid, "- Redovisa i nämnden\n- Nytt seminarium")
    seminar_record.set_next_follow_up(store, rid, "2027-03-15")
    reviews.advance(store, rid, "hold_seminar")


def in_a_round(store: Any, rid: int) -> int:
    """A 2026 round of Gävle, Uppsala and Örebro with the review ``rid`` in it; its id."""
    from granskning.services import rounds
    from granskning.storage.model import Review

    r = rounds.create_round(
        store, year=2026, theme="Tema", template="kollegial-granskning-2013",
        members=["Gävle", "Uppsala", "Örebro"],
    )  # fmt: skip
    assert r.id is not None
    with store.atomic() as s:
        review = s.get(Review, rid)
        assert review is not None
        review.round_id = r.id
        s.add(review)
    return r.id
