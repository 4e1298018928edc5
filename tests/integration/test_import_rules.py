"""``review import`` follows the same rules as the commands and the review's life cycle:
a file that breaks a rule is refused whole, every problem listed with its JSON path; a
file cannot move a review along a transition the machine does not allow, past a guard,
or add a report version without a handover; people are matched by uid, then by name,
municipality and e-mail. Every refusal leaves the database exactly as it was."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _forge import rechain
from _world import World, populated
from sqlalchemy import func, select

from granskning.services import exchange, reviews
from granskning.storage.model import Person
from granskning.storage.store import Store, metadata
from tests.conftest import Cli, FakeClock

Doc = dict[str, Any]


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in metadata().sorted_tables
        }


def write(tmp_path: Path, doc: Doc, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), "utf-8")
    return path


def refused(store: Store, path: Path, code: int) -> str:
    """Import ``path``: refused with ``code``, no traceback, nothing changed; the message."""
    before = snapshot(store)
    result = Cli(store)("review", "import", path)
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output + result.stderr
    assert snapshot(store) == before
    return result.stderr


def forged_event(doc: Doc, action: str, was: str, to: str, **extra: Any) -> Doc:
    """An audit event as a review action writes it, appended to ``doc``."""
    last = doc["audit"][-1]
    event = {
        **last,
        "uid": hashlib.sha256(f"{action}{was}{to}{len(doc['audit'])}".encode()).hexdigest()[:32],
        "interview": None,
        "entity": "review",
        "action": action,
        "from_state": was,
        "to_state": to,
        "data": extra.get("data", {}),
        "text": extra.get("comment"),
    }
    doc["audit"].append(event)
    rechain(doc)
    return event


@pytest.fixture
def offline(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    st = Store(f"sqlite:///{tmp_path / 'laptop.db'}", clock=clock, actor="laptop")
    yield st
    st.dispose()


@pytest.fixture(scope="module")
def exported() -> Doc:
    """The export of a review at follow_up_scheduled (made once)."""
    st = Store.memory(clock=FakeClock())
    world = populated(st)
    doc = exchange.export_review(st, world.review)
    st.dispose()
    return doc


def close(store: Store, clock: FakeClock, world: World) -> None:
    """Hold the seminar of a populated review and close it."""
    from granskning.services import followup

    for item in followup.items(store, world.review):
        if item["status"] is None and item["merged_into"] is None:
            followup.record_status(store, world.review, item["id"], "done")
    clock.now = clock.now.replace(year=2026, month=10, day=1)
    reviews.advance(store, world.review, "hold_seminar")
    reviews.advance(store, world.review, "close")


# -- issue 11.2: the life cycle -------------------------------------------------------------


@pytest.mark.slow
def test_a_closed_review_cannot_be_moved_back_to_drafting(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    world = populated(store)
    close(store, clock, world)
    doc = exchange.export_review(store, world.review)
    assert doc["review"]["state"] == "closed"
    doc["review"]["state"] = "drafting"
    doc["review"]["version"] += 1
    forged_event(doc, "reopen", "closed", "drafting", comment="igen")
    err = refused(store, write(tmp_path, doc), 1)
    assert "does not follow its life cycle" in err
    assert "reopen is not possible while the review is closed" in err
    assert reviews.show(store, world.review)["state"] == "closed"


@pytest.mark.slow
def test_a_drafting_review_cannot_jump_to_closed_without_a_report(
    store: Store, tmp_path: Path
) -> None:
    world = populated(store, until="visiting")
    reviews.advance(store, world.review, "finish_visit")
    doc = exchange.export_review(store, world.review)
    doc["review"]["state"] = "closed"
    doc["review"]["version"] += 1
    forged_event(doc, "close", "drafting", "closed")
    err = refused(store, write(tmp_path, doc), 1)
    assert "close is not possible while the review is drafting" in err
    # and no state change without an audit event of it either
    doc["audit"].pop()
    err = refused(store, write(tmp_path, doc), 1)
    assert "state is drafting here, closed in the file" in err


@pytest.mark.slow
def test_a_new_review_must_be_reachable_with_its_content(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    """Imported into a database that does not have it: closed needs a handed-over report."""
    world = populated(offline, until="visiting")
    reviews.advance(offline, world.review, "finish_visit")
    doc = exchange.export_review(offline, world.review)
    doc["review"]["state"] = "closed"
    doc["review"]["version"] += 4
    for action, was, to in (
        ("hand_over", "drafting", "handed_over"),
        ("schedule_seminar", "handed_over", "follow_up_scheduled"),
        ("hold_seminar", "follow_up_scheduled", "followed_up"),
        ("close", "followed_up", "closed"),
    ):
        forged_event(doc, action, was, to)
    err = refused(store, write(tmp_path, doc), 1)
    assert "hand_over is blocked: the summary (sammanfattning) is not written" in err
    assert "the file adds report versions -, but its audit events hand the report over 1" in err
    assert "schedule_seminar is blocked" in err
    # the state alone, with no history at all
    doc = exchange.export_review(offline, world.review)
    doc["review"]["state"] = "closed"
    err = refused(store, write(tmp_path, doc), 1)
    assert "closed in the file, but its audit events take it from planned only to drafting" in err


@pytest.mark.slow
def test_a_handed_over_report_cannot_be_added_to_a_frozen_review(
    store: Store, tmp_path: Path
) -> None:
    world = populated(store)  # follow_up_scheduled, report version 1
    doc = exchange.export_review(store, world.review)
    forged = b"PK forged report"
    doc["report_versions"].append(
        {
            **doc["report_versions"][0],
            "number": 2,
            "sha256": hashlib.sha256(forged).hexdigest(),
            "content": base64.b64encode(forged).decode(),
        }
    )
    err = refused(store, write(tmp_path, doc), 1)
    assert "adds report versions 2, but its audit events hand the report over 0 times" in err
    # nor with a forged handover: the review is not drafting
    forged_event(doc, "hand_over", "follow_up_scheduled", "handed_over")
    doc["review"]["version"] += 1
    doc["review"]["state"] = "handed_over"
    err = refused(store, write(tmp_path, doc), 1)
    assert "hand_over from follow_up_scheduled to handed_over, but" not in err
    assert "hand_over is not possible while the review is follow-up scheduled" in err


def test_frozen_content_is_not_changed_by_an_import(store: Store, tmp_path: Path) -> None:
    world = populated(store, until="handed_over")
    doc = exchange.export_review(store, world.review)
    doc["findings"][0]["text"] = "Ändrad i efterhand"
    doc["report_texts"][0]["text"] = "Ny sammanfattning"
    event = forged_event(doc, "edit", "", "")
    event.update(entity="finding", from_state=None, to_state=None)
    rechain(doc)
    err = refused(store, write(tmp_path, doc), 1)
    assert "its content is frozen, but the file changes findings" in err
    assert "its content is frozen, but the file changes report texts" in err


@pytest.mark.slow
def test_a_review_written_and_handed_over_offline_comes_home(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    """The legitimate path: drafting at home, written and handed over on the laptop."""
    world = populated(store, until="visiting")
    central, laptop = Cli(store), Cli(offline)
    central.ok("review", "advance", world.review, "finish_visit")
    path = tmp_path / "r.json"
    central.ok("review", "export", world.review, "-o", path)
    rid = laptop.json("review", "import", path)["id"]
    for block in ("styrprocesser", "inflytande", "framtid"):
        laptop.ok("finding", "add", rid, "--block", block, "--kind", "strength", "--text", "Bra")
    laptop.ok("report", "text", rid, "--section", "summary", "--text", "Sammanfattning")
    laptop.ok("report", "text", rid, "--section", "reflections", "--text", "Reflektioner")
    laptop.ok("review", "advance", rid, "hand_over")
    laptop.ok("review", "export", rid, "-o", path)
    result = central.json("review", "import", path)
    assert result["added"]["report_versions"] == 1 and result["added"]["findings"] == 3
    assert reviews.show(store, world.review)["state"] == "handed_over"
    central.ok("report", "verify", world.review)


# -- issue 11.3: the commands' rules ---------------------------------------------------------


def _uid(doc: Doc, name: str) -> str:
    return next(p["uid"] for p in doc["people"] if p["name"] == name)


def _item(doc: Doc, i: int) -> Doc:
    return doc["follow_up_items"][i]  # type: ignore[no-any-return]


EDITS: list[tuple[str, Callable[[Doc], Any], str]] = [
    ("rating 99", lambda d: d["notes"][3].update(rating=99), "notes.3: a rating is 1, 2, 3 or 4"),
    (
        "rating on an open question",
        lambda d: d["notes"][0].update(rating=2),
        "notes.0.question: styr-1 is not a rating question",
    ),
    (
        "unknown question",
        lambda d: d["notes"][0].update(question="nope-1"),
        "notes.0.question: question nope-1 is not in the template pinned",
    ),
    (
        "unknown question of a session event",
        lambda d: d["interviews"][0]["events"][0].update(question="nope-1"),
        "interviews.0.events.0.question: question nope-1 is not in the template",
    ),
    ("unknown block", lambda d: d["findings"][0].update(block="nope"), "findings.0.block:"),
    ("unknown group", lambda d: d["interviews"][0].update(group="nope"), "interviews.0.group:"),
    (
        "2^31 minutes",
        lambda d: d["interviews"][0].update(minutes=2**31 - 1),
        "interviews.0.minutes: --minutes must be between 1 and 480",
    ),
    (
        "a 5 MB note",
        lambda d: d["notes"][0].update(text="x" * 5_000_000),
        "notes.0: the note is longer than 100000 characters",
    ),
    (
        "a host person as lead",
        lambda d: d["assignments"][0].update(person=_uid(d, "Cia Dahl")),
        "assignments.0.role: Cia Dahl works for Gävle, the municipality under review, and "
        "cannot be review lead",
    ),
    (
        "control characters in a name",
        lambda d: d["people"][0].update(name="Anna \x1b[2JBerg"),
        "people.0.name: the person's name contains a control character (U+001B)",
    ),
    (
        "control characters in a note",
        lambda d: d["notes"][1].update(text="ok\x07\x1b]0;title\x07"),
        "notes.1: the note contains a control character (U+0007)",
    ),
    (
        "an item merged into itself",
        lambda d: _item(d, 1).update(merged_into=_item(d, 1)["uid"]),
        "follow_up_items.1.merged_into: an item cannot be merged into itself",
    ),
    (
        "an e-mail with a CRLF",
        lambda d: d["people"][0].update(email="a@x.se\r\nATTENDEE:mailto:evil@x.se"),
        "people.0.email: not an e-mail address: a@x.se\\x0d\\x0aATTENDEE",
    ),
    (
        "a year-1 start",
        lambda d: d["interviews"][0].update(start="0001-01-01T00:00:00+01:00"),
        "interviews.0.start: Value error, the time: 0001-01-01T00:00:00+01:00 is outside",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("edit, message", [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_a_file_that_breaks_a_rule_is_refused(
    store: Store, exported: Doc, tmp_path: Path, edit: Any, message: str
) -> None:
    doc = json.loads(json.dumps(exported))
    edit(doc)
    err = refused(store, write(tmp_path, doc), 2)
    assert "not a valid review export" in err
    assert message in err


def test_every_problem_is_listed_with_its_path(store: Store, exported: Doc, tmp_path: Path) -> None:
    doc = json.loads(json.dumps(exported))
    for edit, _message in [e[1:] for e in EDITS if e[0] != "a year-1 start"]:
        edit(doc)
    err = refused(store, write(tmp_path, doc), 2)
    # the questions of interview 0 cannot be checked once its group is unknown
    unchecked = {"a year-1 start", "rating on an open question", "unknown question",
                 "unknown question of a session event"}  # fmt: skip
    for name, _edit, message in EDITS:
        if name not in unchecked:
            assert message in err, name
    assert err.count("\n") >= len(EDITS) - len(unchecked)


def test_the_commands_refuse_the_same(cli: Cli, sample: Any) -> None:
    """The shared rules, through the commands (each of these was accepted or crashed)."""
    result = cli("person", "add", "Eve", "--municipality", "Gävle",
                 "--email", "e@x.se\r\nATTENDEE:mailto:x@y.se")  # fmt: skip
    assert result.exit_code == 2 and "not an e-mail address" in result.stderr
    result = cli("person", "add", "Eve \x1b[2J", "--municipality", "Gävle")
    assert result.exit_code == 2 and "control character (U+001B)" in result.stderr
    result = cli("interview", "add", sample.review, "--group", "ledande",
                 "--start", "0001-01-01 00:30", "--minutes", "60")  # fmt: skip
    assert result.exit_code == 2 and "outside the years" in result.stderr
    assert "Traceback" not in result.output


# -- issue 10.9: people matched by name, municipality and e-mail -------------------------------


@pytest.mark.slow
def test_people_are_matched_by_name_municipality_and_email(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(offline)
    path = tmp_path / "r.json"
    Cli(offline).ok("review", "export", world.review, "-o", path)
    central = Cli(store)
    for name in ("Gävle", "Uppsala", "Örebro"):
        central.ok("municipality", "add", name)
    central.ok("person", "add", "anna  BERG", "--municipality", "uppsala", "--email", "A@x.se")
    central.ok("person", "add", "Bo Ek", "--municipality", "Örebro", "--email", "bo@x.se")
    result = central("review", "import", path)
    assert result.exit_code == 0, result.output
    assert "anna BERG in the file is person 1 here" in result.stderr
    assert "Bo Ek" not in result.stderr  # an e-mail here, none in the file: someone else
    with store.read() as s:
        names = sorted(s.execute(select(Person.name)).scalars())
        count = s.execute(select(func.count()).select_from(Person)).scalar_one()
    assert names.count("anna BERG") == 1 and "Anna Berg" not in names
    assert count == 6  # Bo Ek twice
    rid = reviews.list_reviews(store)[0]["id"]
    lead = [m for m in reviews.show(store, rid)["team"] if m["role"] == "lead"]
    assert lead[0]["person"] == 1
    # idempotent: the same file again finds the same person and changes nothing
    before = snapshot(store)
    again = central.json("review", "import", path)
    assert again["changed"] is False and again["matched"][0]["person"] == 1
    assert snapshot(store) == before


def test_the_team_rules_hold_for_a_file(store: Store, exported: Doc, tmp_path: Path) -> None:
    """One lead and one secretary; an interview's staff from the team; a moderator who is
    not also the note-taker: the commands' rules, through the same functions."""
    doc = json.loads(json.dumps(exported))
    lead = next(a for a in doc["assignments"] if a["role"] == "lead")
    other = next(a["person"] for a in doc["assignments"] if a["role"] == "secretary")
    doc["assignments"].append({**lead, "person": other})
    err = refused(store, write(tmp_path, doc), 2)
    assert f"assignments.{len(doc['assignments']) - 1}.role: review Gävle already has a" in err

    doc = json.loads(json.dumps(exported))
    doc["interviews"][0]["moderator"] = _uid(doc, "Cia Dahl")
    err = refused(store, write(tmp_path, doc), 2)
    assert "interviews.0: Cia Dahl (person" in err and "is not on the team" in err

    doc = json.loads(json.dumps(exported))
    doc["interviews"][0]["note_taker"] = doc["interviews"][0]["moderator"]
    err = refused(store, write(tmp_path, doc), 2)
    assert "interviews.0: " in err and "cannot be both moderator and note-taker" in err
