"""``review export`` / ``review import``: round trips between backends, idempotence, offline
additions, fast-forward, conflicts listed with nothing changed, forgotten people stay
forgotten, bad files refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _world import comparable_show, notes_of, populated
from sqlalchemy import select

from granskning.services import exchange, reviews
from granskning.storage.model import Note
from granskning.storage.store import Store, metadata
from tests.conftest import Cli, FakeClock


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    with store.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in metadata().sorted_tables
        }


def without_import_events(doc: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(doc))
    out.pop("exported_at")
    out["audit"] = [e for e in out["audit"] if e["action"] not in ("import",)]
    return out


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    """The export document of a populated review (made once: populating takes a while)."""
    st = Store.memory(clock=FakeClock())
    world = populated(st)
    doc = exchange.export_review(st, world.review)
    st.dispose()
    return doc


@pytest.fixture
def offline(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    """A second database, SQLite, as on a review team's laptop."""
    st = Store(f"sqlite:///{tmp_path / 'laptop.db'}", clock=clock, actor="laptop")
    yield st
    st.dispose()


def add_note(store: Store, interview_id: int, text: str) -> None:
    with store.atomic() as s:
        s.add(
            Note(interview_id=interview_id, question_id="styr-1", text=text, created_at=store.now())
        )


@pytest.mark.slow
def test_round_trip_sqlite_to_the_backend_and_back(
    store: Store, offline: Store, tmp_path: Path, clock: FakeClock
) -> None:
    world = populated(offline)
    first = tmp_path / "first.json"
    Cli(offline).ok("review", "export", world.review, "-o", first)
    doc1 = json.loads(first.read_text("utf-8"))
    assert doc1["format"] == "granskning-review" and doc1["format_version"] == 1
    clock.advance(minutes=1)
    data = Cli(store).json("review", "import", first)
    assert data["new"] is True and data["changed"] is True
    assert data["added"]["notes"] == 4 and data["added"]["report_versions"] == 1
    rid = data["id"]
    assert comparable_show(reviews.show(store, rid)) == comparable_show(
        reviews.show(offline, world.review)
    )
    assert notes_of(store, rid) == notes_of(offline, world.review)
    second = tmp_path / "second.json"
    Cli(store).ok("review", "export", rid, "-o", second)
    doc2 = json.loads(second.read_text("utf-8"))
    assert without_import_events(doc2) == without_import_events(doc1)
    # and back: the laptop already has it all (the import event belongs to the importing
    # database's own log and does not travel)
    before = snapshot(offline)
    back = Cli(offline).json("review", "import", second)
    assert back["new"] is False and back["added"] == {}
    after = snapshot(offline)
    assert after["note"] == before["note"] and after["review"] == before["review"]
    again = Cli(offline).json("review", "import", second)
    assert again["changed"] is False and again["added"] == {}
    assert snapshot(offline) == after


@pytest.mark.slow
def test_importing_the_same_file_twice_changes_nothing(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(offline)
    path = tmp_path / "r.json"
    exchange.export_review(offline, world.review, path)
    exchange.import_review(store, path)
    before = snapshot(store)
    result = Cli(store)("review", "import", path)
    assert result.exit_code == 0
    assert "already up to date" in result.stderr
    assert snapshot(store) == before


@pytest.mark.slow
def test_notes_taken_offline_are_added(store: Store, offline: Store, tmp_path: Path) -> None:
    world = populated(store, until="visiting")
    out = tmp_path / "out.json"
    exchange.export_review(store, world.review, out)
    exchange.import_review(offline, out)
    with offline.read() as s:
        iv = s.execute(select(Note.interview_id)).scalar()
    assert iv is not None
    add_note(offline, iv, "Anteckning gjord offline 1")
    add_note(offline, iv, "Anteckning gjord offline 2")
    home = tmp_path / "home.json"
    exchange.export_review(offline, reviews.list_reviews(offline)[0]["id"], home)
    result = exchange.import_review(store, home)
    assert result["added"] == {"notes": 2}
    texts = [n["text"] for n in notes_of(store, world.review)]
    assert len(texts) == 6
    assert {"Anteckning gjord offline 1", "Anteckning gjord offline 2"} <= set(texts)
    assert exchange.import_review(store, home)["changed"] is False


@pytest.mark.slow
def test_a_conflicting_file_is_refused_listing_the_conflicts(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(store)
    path = tmp_path / "r.json"
    doc = exchange.export_review(store, world.review, path)
    # the same records, changed elsewhere
    doc["notes"][0]["text"] = "Ändrad på annat håll"
    doc["findings"][0]["kind"] = "development"
    doc["review"]["state"] = "closed"
    doc["report_texts"][0]["text"] = "Annan sammanfattning"
    # and something new, which must not be added either
    doc["notes"].append({**doc["notes"][1], "uid": "f" * 32, "text": "Ny"})
    path.write_text(json.dumps(doc), "utf-8")
    before = snapshot(store)
    result = Cli(store)("review", "import", path)
    assert result.exit_code == 1
    err = result.stderr
    assert "conflicts with review 1 in this database (5 conflicts); nothing was imported" in err
    assert f"note {doc['notes'][0]['uid']}: text is Barnbokslut varje år. here" in err
    assert "in the file" in err and "Ändrad på annat håll" in err
    assert "state is follow_up_scheduled here, closed in the file" in err
    assert "its content is frozen, but the file adds note" in err
    assert "report text introduction: text is" in err
    assert "Traceback" not in result.output + err
    assert snapshot(store) == before


@pytest.mark.slow
def test_a_file_that_is_ahead_brings_the_life_cycle_forward(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(store)
    path = tmp_path / "r.json"
    exchange.export_review(store, world.review, path)
    offline_id = exchange.import_review(offline, path)["review"]
    reviews.advance(offline, offline_id, "cancel", reason="Inställd")
    back = tmp_path / "back.json"
    exchange.export_review(offline, offline_id, back)
    result = exchange.import_review(store, back)
    assert result["added"]["reviews_updated"] == 1
    shown = reviews.show(store, world.review)
    assert shown["state"] == "cancelled"
    assert shown["version"] == reviews.show(offline, offline_id)["version"]
    # the old file is now behind: importing it changes nothing
    before = snapshot(store)
    assert exchange.import_review(store, path)["changed"] is False
    assert snapshot(store) == before


@pytest.mark.slow
def test_a_review_changed_on_both_sides_is_a_conflict(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    from datetime import date

    world = populated(store, until="handed_over")
    path = tmp_path / "r.json"
    exchange.export_review(store, world.review, path)
    offline_id = exchange.import_review(offline, path)["review"]
    reviews.advance(offline, offline_id, "schedule_seminar", on=date(2026, 9, 1))
    reviews.advance(store, world.review, "reopen", reason="Fel i sammanfattningen")
    back = tmp_path / "back.json"
    exchange.export_review(offline, offline_id, back)
    before = snapshot(store)
    result = Cli(store)("review", "import", back)
    assert result.exit_code == 1
    assert "state is drafting here, follow_up_scheduled in the file" in result.stderr
    assert "audit event" not in result.stderr  # new events on both sides are no conflict
    assert snapshot(store) == before


@pytest.mark.slow
def test_a_forgotten_person_stays_forgotten_after_importing_an_old_file(
    store: Store, tmp_path: Path
) -> None:
    from granskning.services import privacy

    world = populated(store)
    path = tmp_path / "r.json"
    exchange.export_review(store, world.review, path)
    privacy.forget(store, world.politician)
    before = snapshot(store)
    result = exchange.import_review(store, path)
    assert result["changed"] is False
    assert snapshot(store) == before
    assert "cia dahl" not in json.dumps(snapshot(store), default=str).casefold()


@pytest.mark.slow
@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.update(format="other"), "not a granskning review export"),
        (lambda d: d.update(format_version=2), "export format version 2"),
        (lambda d: d["review"].pop("state"), "review.state: Field required"),
        (lambda d: d["review"].update(state="dancing"), "review.state: Input should be"),
        (lambda d: d["notes"][0].update(interview="x" * 32), "which is not in the file"),
        (lambda d: d["report_versions"][0].update(content="!!"), "content is not base64"),
        (lambda d: d["report_versions"][0].update(sha256="0" * 64), "does not match its SHA-256"),
        (lambda d: d["review"]["template"].update(content="x"), "pinned template"),
        (lambda d: d["notes"][0].update(text="nul \x00 char"), "cannot be stored"),
        (lambda d: d["interviews"][0].update(minutes=2**40), "minutes"),
        (lambda d: d["notes"].append(d["notes"][0]), "appears twice"),
        (lambda d: d["review"].update(created_at="2026-01-01T10:00:00"), "timezone"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    store: Store, exported: dict[str, Any], tmp_path: Path, edit: Any, message: str
) -> None:
    doc = json.loads(json.dumps(exported))
    edit(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), "utf-8")
    before = snapshot(store)
    result = Cli(store)("review", "import", path)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert snapshot(store) == before


def test_files_that_are_not_json(store: Store, tmp_path: Path) -> None:
    for content in (b"", b"\xff\xfe", b"[1, 2]", b"{", b'{"format": "granskning-review"}'):
        path = tmp_path / "x.json"
        path.write_bytes(content)
        result = Cli(store)("review", "import", path)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ")
    result = Cli(store)("review", "import", tmp_path / "missing.json")
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_export_of_an_unknown_review(store: Store, tmp_path: Path) -> None:
    result = Cli(store)("review", "export", 99, "-o", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "review 99 does not exist" in result.stderr
    assert not (tmp_path / "x.json").exists()


@pytest.mark.slow
def test_new_content_for_a_frozen_review_is_a_conflict(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(store)  # follow_up_scheduled: the content is frozen
    doc = exchange.export_review(store, world.review)
    doc["findings"].append({**doc["findings"][0], "uid": "e" * 32, "text": "Sent fynd"})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc), "utf-8")
    result = Cli(store)("review", "import", path)
    assert result.exit_code == 1
    assert "its content is frozen, but the file adds finding" in result.stderr


@pytest.mark.slow
def test_an_edit_made_offline_is_brought_in_and_one_made_on_both_sides_is_a_conflict(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(store, until="visiting")
    central, laptop = Cli(store), Cli(offline)
    central.ok("review", "advance", world.review, "finish_visit")
    central.ok("finding", "add", world.review, "--block", "styrprocesser", "--kind", "strength",
               "--text", "Barnbokslut finns")  # fmt: skip
    central.ok("report", "text", world.review, "--section", "summary", "--text", "Utkast")
    path = tmp_path / "r.json"
    central.ok("review", "export", world.review, "-o", path)
    rid = laptop.json("review", "import", path)["id"]
    finding = laptop.json("finding", "list", rid)[0]["id"]
    laptop.ok("finding", "edit", finding, "--text", "Barnbokslut finns sedan 2019")
    laptop.ok("report", "text", rid, "--section", "summary", "--text", "Sammanfattning klar")
    back = tmp_path / "back.json"
    laptop.ok("review", "export", rid, "-o", back)
    result = central.json("review", "import", back)
    assert result["added"]["findings_updated"] == 1
    assert result["added"]["report_texts_updated"] == 1
    assert [f["text"] for f in central.json("finding", "list", world.review)] == [
        "Barnbokslut finns sedan 2019"
    ]
    # now both sides change the same finding: refused, listed, nothing changed
    central_finding = central.json("finding", "list", world.review)[0]["id"]
    central.ok("finding", "edit", central_finding, "--text", "Centralt ändrad")
    laptop.ok("finding", "edit", finding, "--text", "Ändrad på datorn")
    laptop.ok("review", "export", rid, "-o", back)
    before = snapshot(store)
    refused = central("review", "import", back)
    assert refused.exit_code == 1
    assert "text is Centralt ändrad here, Ändrad på datorn in the file" in refused.stderr
    assert snapshot(store) == before


@pytest.mark.slow
def test_a_record_removed_here_is_not_brought_back_by_an_older_file(
    store: Store, tmp_path: Path
) -> None:
    world = populated(store, until="visiting")
    central = Cli(store)
    central.ok("review", "advance", world.review, "finish_visit")
    central.ok("finding", "add", world.review, "--block", "styrprocesser", "--kind", "strength",
               "--text", "Ska bort")  # fmt: skip
    path = tmp_path / "r.json"
    central.ok("review", "export", world.review, "-o", path)
    central.ok("finding", "remove", central.json("finding", "list", world.review)[0]["id"])
    before = snapshot(store)
    assert exchange.import_review(store, path)["changed"] is False
    assert snapshot(store) == before


@pytest.mark.slow
def test_a_laptop_and_the_central_database_keep_in_step_over_several_trips(
    store: Store, offline: Store, tmp_path: Path
) -> None:
    world = populated(store, until="visiting")
    path = tmp_path / "r.json"
    exchange.export_review(store, world.review, path)
    rid = exchange.import_review(offline, path)["review"]
    for trip in range(3):
        add_note(offline, world.interviews[0], f"Resa {trip}")
        exchange.export_review(offline, rid, path)
        result = exchange.import_review(store, path)
        assert result["added"].get("notes") == 1, result
        exchange.export_review(store, world.review, path)
        back = exchange.import_review(offline, path)
        assert back["added"].get("notes") is None
    texts = [n["text"] for n in notes_of(store, world.review)]
    assert sorted(t for t in texts if t.startswith("Resa")) == ["Resa 0", "Resa 1", "Resa 2"]
    assert notes_of(store, world.review) == notes_of(offline, rid)
