"""Scheduling interviews: roles, conflicts, changes, cancelling; and the CLI wiring."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from granskning.domain.errors import FrozenError, InputError, NotFoundError, RuleError
from granskning.services import interviews, registry, reviews
from granskning.storage.model import Interview, ReviewState
from granskning.storage.store import Store


def staff(store: Store, sample: Any) -> None:
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    reviews.assign(store, sample.review, sample.reviewer, "reviewer")


@pytest.fixture
def team(store: Store, sample: Any) -> Any:
    staff(store, sample)
    return sample


def add(store: Store, team: Any, **kw: Any) -> Interview:
    args: dict[str, Any] = {
        "group": "fortroendevalda",
        "start": "2026-03-10 09:00",
        "minutes": 90,
        "place": "Stadshuset, rum 3",
        "interviewees": ["Cia Dahl, Kommunalråd"],
        "moderator": team.lead,
        "note_taker": team.secretary,
    }
    args.update(kw)
    return interviews.add_interview(store, team.review, **args)


# -- scheduling ------------------------------------------------------------------------------


@pytest.mark.slow
def test_add_stores_the_interview_in_utc_with_audit(store: Store, team: Any) -> None:
    iv = add(store, team, timekeeper=team.reviewer)
    assert iv.start == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # 09:00 CET
    data = interviews.show_interview(store, iv.id)  # type: ignore[arg-type]
    assert data["start"] == "2026-03-10 09:00"
    assert data["end"] == "2026-03-10 10:30"
    assert data["moderator"]["id"] == team.lead
    assert data["timekeeper"]["id"] == team.reviewer
    assert data["interviewees"] == [
        {
            "name": "Cia Dahl",
            "title": "Kommunalråd",
            "organisation": None,
            "person": team.host_person,
            "head_count": None,
        }
    ]
    assert data["questions"] == 12  # the group's questions in the pinned template
    from granskning.storage.audit import history

    assert [(e.entity, e.action) for e in history(store, team.review)][-1] == ("interview", "add")


@pytest.mark.slow
def test_interviewee_links_to_a_unique_host_person_only(store: Store, team: Any) -> None:
    registry.add_person(store, "Ulla Ny", "Gävle")
    registry.add_person(store, "Ulla Ny", "Gävle", allow_duplicate=True)
    iv = add(store, team, interviewees=["Ulla Ny, Förvaltningschef", "Okänd Person"])
    people = interviews.show_interview(store, iv.id)["interviewees"]  # type: ignore[arg-type]
    assert [(p["name"], p["title"], p["person"]) for p in people] == [
        ("Ulla Ny", "Förvaltningschef", None),  # two namesakes: not guessed
        ("Okänd Person", None, None),
    ]


@pytest.mark.slow
def test_team_member_double_booked_names_the_clash(store: Store, team: Any) -> None:
    first = add(store, team)
    with pytest.raises(RuleError) as err:
        add(store, team, start="2026-03-10 10:00", place="Annat rum", note_taker=team.reviewer)
    assert f"Anna Berg is already booked at that time: interview {first.id}" in str(err.value)
    assert "2026-03-10 09:00–10:30" in str(err.value)


@pytest.mark.slow
def test_back_to_back_is_not_a_clash(store: Store, team: Any) -> None:
    add(store, team)
    add(store, team, start="2026-03-10 10:30")


@pytest.mark.slow
def test_double_booking_across_reviews(store: Store, team: Any) -> None:
    registry.add_municipality(store, "Luleå")
    other = reviews.create_review(
        store, host="Luleå", reviewing=["Uppsala"], template="kollegial-granskning-2013"
    )
    reviews.assign(store, other.id, team.lead, "lead")
    reviews.assign(store, other.id, team.reviewer, "secretary")
    first = add(store, team)
    with pytest.raises(RuleError, match=f"interview {first.id} .*review {team.review}"):
        interviews.add_interview(
            store,
            other.id,  # type: ignore[arg-type]
            group="ledande",
            start="2026-03-10 09:30",
            minutes=30,
            moderator=team.lead,
            note_taker=team.reviewer,
        )


@pytest.mark.slow
def test_place_double_booked(store: Store, team: Any) -> None:
    first = add(store, team)
    with pytest.raises(RuleError) as err:
        add(
            store,
            team,
            start="2026-03-10 10:00",
            place="  stadshuset,   RUM 3 ",
            moderator=team.reviewer,
            note_taker=None,
        )
    assert str(err.value) == (
        f"stadshuset, RUM 3 is already booked at that time: interview {first.id} "
        "(2026-03-10 09:00–10:30)"
    )


@pytest.mark.slow
def test_cancelled_interviews_free_their_time(store: Store, team: Any) -> None:
    first = add(store, team)
    interviews.cancel_interview(store, first.id, "Sjukdom")  # type: ignore[arg-type]
    add(store, team)


def test_interviewee_on_the_review_team_is_refused(store: Store, team: Any) -> None:
    with pytest.raises(RuleError, match="Eva Lind is on the review team"):
        add(store, team, interviewees=["eva lind, Barnrättsstrateg"])


def test_staff_must_be_on_the_team(store: Store, team: Any) -> None:
    with pytest.raises(RuleError, match=r"Dan Holm \(person \d+\) is not on the team"):
        add(store, team, timekeeper=team.host_contact)
    with pytest.raises(NotFoundError, match="person 999 does not exist"):
        add(store, team, moderator=999)


def test_moderator_and_note_taker_are_two_people(store: Store, team: Any) -> None:
    with pytest.raises(RuleError, match="both moderator and note-taker"):
        add(store, team, note_taker=team.lead)


@pytest.mark.slow
def test_a_confirmed_schedule_needs_moderator_and_note_taker(store: Store, team: Any) -> None:
    add(store, team)
    reviews.advance(store, team.review, "confirm_schedule")
    with pytest.raises(RuleError, match="needs a note-taker"):
        add(store, team, start="2026-03-11 09:00", note_taker=None)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"start": "2026-13-40 25:00"}, "is not a time of the form YYYY-MM-DD HH:MM"),
        ({"start": "2026-03-29 02:30"}, "does not exist in Europe/Stockholm"),
        ({"minutes": 0}, "--minutes must be between 1 and 480 (got 0)"),
        ({"minutes": -5}, "got -5"),
        ({"minutes": 481}, "got 481"),
        ({"group": "pensionarer"}, "group pensionarer is not in template"),
        ({"interviewees": [" , Titel"]}, "give a name"),
        ({"interviewees": ["Ann A", "ann a, Chef"]}, "named twice"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    store: Store, team: Any, kw: dict[str, Any], message: str, snapshot: Any
) -> None:
    before = snapshot()
    with pytest.raises(InputError) as err:
        add(store, team, **kw)
    assert message in str(err.value)
    assert snapshot() == before


def test_unknown_review(store: Store) -> None:
    with pytest.raises(NotFoundError):
        interviews.add_interview(store, 42, group="x", start="2026-03-10 09:00", minutes=10)


@pytest.mark.slow
def test_frozen_review_refuses_new_interviews(store: Store, team: Any) -> None:
    reviews.advance(store, team.review, "cancel", reason="Avbruten")
    with pytest.raises(FrozenError):
        add(store, team)


# -- changing ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_edit_raises_the_sequence_and_keeps_the_rules(
    store: Store, team: Any, snapshot: Any
) -> None:
    a = add(store, team)
    b = add(store, team, start="2026-03-10 13:00", place="Annat rum")
    moved = interviews.edit_interview(store, b.id, start="2026-03-10 14:00")  # type: ignore[arg-type]
    assert moved.sequence == 1
    assert interviews.show_interview(store, b.id)["start"] == "2026-03-10 14:00"  # type: ignore[arg-type]
    # no change, no new sequence
    same = interviews.edit_interview(store, b.id, start="2026-03-10 14:00")  # type: ignore[arg-type]
    assert same.sequence == 1
    before = snapshot()
    with pytest.raises(RuleError, match=f"interview {a.id}"):
        interviews.edit_interview(store, b.id, start="2026-03-10 09:30")  # type: ignore[arg-type]
    assert snapshot() == before
    # an interview does not clash with itself
    interviews.edit_interview(store, a.id, minutes=100)  # type: ignore[arg-type]
    again = interviews.edit_interview(
        store,
        a.id,  # type: ignore[arg-type]
        place="",
        interviewees=["Ny Person, Chef"],
        timekeeper=team.reviewer,
    )
    assert again.sequence == 2
    data = interviews.show_interview(store, a.id)  # type: ignore[arg-type]
    assert data["place"] is None
    assert [p["name"] for p in data["interviewees"]] == ["Ny Person"]
    assert data["minutes"] == 100


@pytest.mark.slow
def test_completed_interview_cannot_be_edited(store: Store, team: Any, snapshot: Any) -> None:
    from granskning.services import sessions

    iv = add(store, team)
    reviews.advance(store, team.review, "confirm_schedule")
    sessions.start(store, iv.id)  # type: ignore[arg-type]
    sessions.end(store, iv.id)  # type: ignore[arg-type]
    before = snapshot()
    with pytest.raises(RuleError, match="is completed and can no longer be changed"):
        interviews.edit_interview(store, iv.id, place="Annat rum")  # type: ignore[arg-type]
    assert snapshot() == before


@pytest.mark.slow
def test_group_change_must_fit_the_notes(store: Store, team: Any) -> None:
    from granskning.storage.model import Note

    iv = add(store, team)
    # notes open with the session: a note on a scheduled interview came by an import
    with store.atomic() as s:
        s.add(Note(interview_id=iv.id, question_id="styr-3", text="x", created_at=store.now()))
    with pytest.raises(RuleError, match="styr-3"):
        interviews.edit_interview(store, iv.id, group="medarbetare")  # type: ignore[arg-type]
    moved = interviews.edit_interview(store, iv.id, group="ledande")  # type: ignore[arg-type]
    assert moved.group_id == "ledande"


@pytest.mark.slow
def test_cancel_needs_a_reason_and_raises_the_sequence(store: Store, team: Any) -> None:
    iv = add(store, team)
    with pytest.raises(RuleError, match="reason"):
        interviews.cancel_interview(store, iv.id, "  ")  # type: ignore[arg-type]
    done = interviews.cancel_interview(store, iv.id, "Kommunalrådet är sjukt")  # type: ignore[arg-type]
    assert done.state == "cancelled"
    assert done.sequence == 1
    with pytest.raises(RuleError, match="cancelled"):
        interviews.cancel_interview(store, iv.id, "igen")  # type: ignore[arg-type]


@pytest.mark.slow
def test_list_is_by_start(store: Store, team: Any) -> None:
    late = add(store, team, start="2026-03-11 09:00")
    early = add(store, team, start="2026-03-10 09:00")
    assert [r["id"] for r in interviews.list_interviews(store, team.review)] == [early.id, late.id]


# -- the CLI ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_add_list_edit_cancel(cli: Any, team: Any) -> None:
    data = cli.json(
        "interview",
        "add",
        team.review,
        "--group",
        "ledande",
        "--start",
        "2026-03-10 09:00",
        "--minutes",
        "60",
        "--place",
        "Stadshuset",
        "--interviewee",
        "Ulla Ny, Förvaltningschef",
        "--interviewee",
        "Per Ek, Skolchef",
        "--moderator",
        team.lead,
        "--note-taker",
        team.secretary,
    )
    assert data["id"] == 1
    assert data["group"] == "ledande"
    assert [p["name"] for p in data["interviewees"]] == ["Ulla Ny", "Per Ek"]
    rows = cli.json("interview", "list", team.review)
    assert [r["id"] for r in rows] == [1]
    edited = cli.json("interview", "edit", 1, "--start", "2026-03-10 10:00", "--no-timekeeper")
    assert edited["sequence"] == 1 and edited["start"] == "2026-03-10 10:00"
    result = cli.ok("interview", "cancel", 1, "--reason", "Krock med fullmäktige")
    assert "cancelled" in result.stderr
    assert cli.json("interview", "show", 1)["state"] == "cancelled"
    assert "Krock med fullmäktige" in cli.ok("interview", "show", 1).stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--start", "2026-13-40 25:00"], 2, "is not a time of the form"),
        (["--minutes", "0"], 2, "--minutes must be between 1 and 480"),
        (["--group", "okand"], 2, "group okand is not in template"),
        (["--start", "2026-03-10 09:30"], 1, "already booked at that time: interview 1"),
    ],
)
def test_cli_bad_input_exit_codes(
    cli: Any, store: Store, team: Any, args: list[str], code: int, message: str, snapshot: Any
) -> None:
    base = {
        "--group": "fortroendevalda",
        "--start": "2026-03-10 09:00",
        "--minutes": "90",
        "--place": "Stadshuset",
        "--moderator": str(team.lead),
        "--note-taker": str(team.secretary),
    }
    cli.ok("interview", "add", team.review, *[x for kv in base.items() for x in kv])
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    before = snapshot()
    result = cli("interview", "add", team.review, *[x for kv in base.items() for x in kv])
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert snapshot() == before


def test_cli_unknown_ids_exit_2(cli: Any, team: Any) -> None:
    assert cli("interview", "list", 99).exit_code == 2
    assert cli("interview", "cancel", 99, "--reason", "x").exit_code == 2
    assert cli("interview", "edit", 99, "--minutes", "5").exit_code == 2


def test_review_state_is_untouched_by_scheduling(store: Store, team: Any) -> None:
    add(store, team)
    assert reviews.show(store, team.review)["state"] == ReviewState.planned.value


@pytest.mark.slow
def test_no_new_interviews_after_the_visit(store: Store, team: Any, snapshot: Any) -> None:
    from granskning.services import sessions

    iv = add(store, team)
    reviews.advance(store, team.review, "confirm_schedule")
    sessions.start(store, iv.id)  # type: ignore[arg-type]
    late = add(store, team, start="2026-03-11 09:00")  # during the visit: fine
    interviews.cancel_interview(store, late.id, "Hann inte")  # type: ignore[arg-type]
    sessions.end(store, iv.id)  # type: ignore[arg-type]
    reviews.advance(store, team.review, "finish_visit")
    before = snapshot()
    with pytest.raises(RuleError, match="is drafting: interviews are scheduled before or during"):
        add(store, team, start="2026-03-20 09:00")
    assert snapshot() == before
