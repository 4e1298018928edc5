"""The audit log as a hash chain: ``review verify`` finds what was changed, removed or cut
off even by someone who bypasses the database's refusals; the database refuses REPLACE and
TRUNCATE; an import must extend the local chain and name its actors; events are stored as
data and shown in the reader's language; forgetting a person redacts every free text, and
an old export never brings the name back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _world import populated
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from granskning.domain.i18n import set_language
from granskning.services import exchange as transfer
from granskning.storage.model import AuditDetail, AuditEvent, Person, Review
from granskning.storage.store import Store, metadata
from tests.conftest import Cli


def as_superuser(store: Store, *statements: str) -> None:
    """Run SQL the way a database superuser could: with the audit log's refusals off."""
    with store.engine.begin() as conn:
        if store.is_sqlite:
            triggers = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'"
            ).all()
            for (name,) in triggers:
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for sql in statements:
            conn.execute(text(sql))


def chain_of(store: Store, review_id: int) -> list[AuditEvent]:
    with store.read() as s:
        review = s.get(Review, review_id)
        assert review is not None
        return list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.chain == review.uid)
                .order_by(col(AuditEvent.seq))
            ).all()
        )


def everything(store: Store) -> str:
    """Every string stored in any table, casefolded."""
    parts: list[str] = []
    with store.engine.connect() as conn:
        for table in metadata().sorted_tables:
            for row in conn.execute(table.select()):
                parts.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(parts).casefold()


# -- review verify -------------------------------------------------------------------------------


@pytest.mark.slow
def test_review_verify_passes_and_then_names_an_event_changed_behind_the_triggers(
    store: Store, cli: Cli
) -> None:
    world = populated(store, until="handed_over")
    good = cli("--lang", "en", "review", "verify", world.review)
    assert good.exit_code == 0, good.stderr
    assert "audit log: " in good.stderr and "events verified" in good.stderr
    assert "report version 1: the frozen document matches its SHA-256" in good.stderr
    data = cli.json("review", "verify", world.review)
    events = chain_of(store, world.review)
    assert data["ok"] is True and data["audit"]["events"] == len(events) >= 5
    assert data["audit"]["head"] == events[-1].hash
    assert [r["status"] for r in data["reports"]] == ["ok"]

    third = events[2]
    as_superuser(store, f"UPDATE audit_event SET to_state = 'closed' WHERE id = {third.id}")
    bad = cli("--lang", "en", "review", "verify", world.review)
    assert bad.exit_code == 1
    assert f"event 3 ({third.uid}, {third.entity}.{third.action}) was changed" in bad.stderr
    as_json = cli("review", "verify", world.review, "--json")
    assert as_json.exit_code == 1
    first_bad = json.loads(as_json.stdout)
    assert first_bad["ok"] is False
    assert first_bad["audit"]["first_bad"]["uid"] == third.uid


def test_review_verify_finds_a_removed_event_and_a_removed_tail(store: Store, cli: Cli) -> None:
    world = populated(store, until="visiting")
    events = chain_of(store, world.review)
    middle, last = events[1], events[-1]
    as_superuser(
        store,
        f"DELETE FROM audit_detail WHERE event_uid = '{last.uid}'",
        f"DELETE FROM audit_event WHERE id = {last.id}",
    )
    cut = cli("--lang", "en", "review", "verify", world.review)
    assert cut.exit_code == 1
    n = len(events)
    assert f"events {n} to {n} are missing (removed from the end of the log)" in cut.stderr
    as_superuser(
        store,
        f"DELETE FROM audit_detail WHERE event_uid = '{middle.uid}'",
        f"DELETE FROM audit_event WHERE id = {middle.id}",
    )
    gap = cli("--lang", "en", "review", "verify", world.review)
    assert gap.exit_code == 1 and "event 2 is missing (removed from the log)" in gap.stderr


def test_review_verify_finds_a_changed_actor_or_text(store: Store, cli: Cli) -> None:
    world = populated(store, until="visiting")
    first = chain_of(store, world.review)[0]
    # audit_detail may be updated (a redaction does it); its SHA-256 is in the chain
    with store.atomic() as s:
        detail = s.get(AuditDetail, first.uid)
        assert detail is not None
        detail.actor = "someone else"
        s.add(detail)
    result = cli("--lang", "en", "review", "verify", world.review)
    assert result.exit_code == 1
    assert f"event 1 ({first.uid}): who acted or its text was changed" in result.stderr


def test_the_database_refuses_replace_and_truncate(store: Store) -> None:
    from granskning.services import registry

    registry.add_municipality(store, "Gävle")
    with store.read() as s:
        before = s.execute(text("SELECT id, uid, action FROM audit_event")).all()
    if store.is_sqlite:
        attempts = [
            "INSERT OR REPLACE INTO audit_event (id, uid, entity, action, data, detail_sha256, "
            "at, chain, seq, hash) SELECT id, uid, entity, 'rewritten', data, detail_sha256, "
            "at, chain, seq, hash FROM audit_event",
            "REPLACE INTO audit_detail (event_uid, actor) SELECT event_uid, 'x' FROM audit_detail",
            "DELETE FROM audit_detail",
            "DELETE FROM audit_chain",
        ]
    else:
        attempts = [
            "TRUNCATE audit_event CASCADE",
            "TRUNCATE audit_detail, audit_chain",
            "TRUNCATE review CASCADE",
            "DELETE FROM audit_chain",
        ]
    for sql in attempts:
        with pytest.raises(DBAPIError, match="append-only|never deleted"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    with store.read() as s:
        assert s.execute(text("SELECT id, uid, action FROM audit_event")).all() == before


# -- import ----------------------------------------------------------------------------------------


@pytest.fixture
def other(empty_db: Any, clock: Any) -> Any:
    st = Store(empty_db("other"), clock=clock, actor="laptop")
    yield st
    st.dispose()


@pytest.mark.slow
def test_an_import_whose_chain_does_not_extend_the_local_one_is_refused(
    store: Store, cli: Cli, other: Store, tmp_path: Path, snapshot: Any
) -> None:
    world = populated(store, until="visiting")
    shared = tmp_path / "shared.json"
    cli.ok("review", "export", world.review, "-o", shared)
    there = Cli(other)
    rid_there = there.json("review", "import", shared)["id"]
    cli.ok("review", "assign", world.review, "--person", world.reviewer, "--role", "timekeeper")
    there.ok("review", "advance", rid_there, "finish_visit")
    ours = chain_of(store, world.review)
    changed = tmp_path / "changed.json"
    there.ok("review", "export", rid_there, "-o", changed)
    before = snapshot()
    result = cli("--lang", "en", "review", "import", changed)
    assert result.exit_code == 1
    assert (
        f"does not extend this database's log of review {world.review}: they differ from "
        f"event {ours[-1].seq} on (here {ours[-1].uid} review.assign" in result.stderr
    )
    assert snapshot() == before
    # a file that only lags behind is no conflict
    again = cli("--lang", "en", "review", "import", shared)
    assert again.exit_code == 0 and "already up to date" in again.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(to_state="closed"), "was changed after it was written"),
        (lambda e: e.update(actor="nobody"), "'nobody' names nobody"),
        (lambda e: e.update(actor=" "), "who acts must be named"),
    ],
)
def test_an_import_checks_the_files_chain_and_its_actors(
    store: Store, cli: Cli, other: Store, tmp_path: Path, change: Any, message: str
) -> None:
    world = populated(store, until="visiting")
    doc = transfer.export_review(store, world.review)
    change(doc["audit"][2])
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = Cli(other)("--lang", "en", "review", "import", path)
    assert result.exit_code == 2
    assert message in result.stderr and doc["audit"][2]["uid"] in result.stderr
    with other.read() as s:
        assert s.exec(select(Review)).all() == []


def test_as_must_name_someone(store: Store, cli: Cli) -> None:
    for who in ("nobody", "  ", "Anna\u202eBerg"):
        result = cli("--as", who, "municipality", "add", "Gävle")
        assert result.exit_code == 2, who
        assert "--as" in result.stderr
    with store.read() as s:
        assert s.exec(select(AuditDetail)).all() == []
    cli.ok("--as", "Anna Berg", "municipality", "add", "Gävle")


# -- structured events in the reader's language ------------------------------------------------------


@pytest.mark.slow
def test_history_is_stored_as_data_and_shown_in_the_readers_language(
    store: Store, cli: Cli, sample: Any
) -> None:
    cli.ok("review", "assign", sample.review, "--person", sample.lead, "--role", "lead")
    with store.read() as s:
        lead_uid = s.get(Person, sample.lead).uid  # type: ignore[union-attr]
        stored = [(e.data, e.action) for e in s.exec(select(AuditEvent)).all()]
        texts = [d.text for d in s.exec(select(AuditDetail)).all()]
    assert (json.dumps({"person": lead_uid, "role": "lead"}, separators=(",", ":")), "assign") in (
        stored
    )
    assert not any(t and " as " in t for t in texts)  # no English sentence stored
    english = cli.json("--lang", "en", "review", "history", sample.review)
    assign = next(e for e in english if e["action"] == "assign")
    assert assign["data"] == {"person": lead_uid, "role": "lead"}
    assert assign["message"] == "review.assign"
    assert assign["comment"] == "Anna Berg as review lead"
    set_language("sv")
    swedish = cli.json("--lang", "sv", "review", "history", sample.review)
    set_language("en")
    assert next(e for e in swedish if e["action"] == "assign")["comment"] == (
        "Anna Berg som granskningsledare"
    )


# -- forgetting ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_forgetting_redacts_every_free_text_and_an_old_export_does_not_bring_it_back(
    store: Store, cli: Cli, sample: Any, tmp_path: Path
) -> None:
    rid = sample.review
    for person, role in ((sample.lead, "lead"), (sample.secretary, "secretary")):
        cli.ok("review", "assign", rid, "--person", person, "--role", role)
    cli.ok("review", "assign", rid, "--person", sample.host_person, "--role", "host_contact")
    cli.ok(
        *("interview", "add", rid, "--group", "fortroendevalda"),
        *("--start", "2026-03-10 09:00", "--minutes", 60, "--place", "Hos Cia Dahl, plan 3"),
        *("--interviewee", "Cia Dahl, Kommunalråd", "--moderator", sample.lead),
        *("--note-taker", sample.secretary),
    )
    store.actor = "Cia Dahl"  # as --as "Cia Dahl" would
    cli.ok("interview", "cancel", 1, "--reason", "Cia Dahl är sjuk")
    store.actor = "tester"
    before = tmp_path / "before.json"
    cli.ok("review", "export", rid, "-o", before)
    assert "Cia Dahl är sjuk" in before.read_text("utf-8")

    data = cli.json("person", "forget", sample.host_person)
    fields = data["fields"]
    assert fields["interviews.place"] == 1 and fields["interviews.cancel_reason"] == 1
    assert fields["audit.text"] >= 1 and fields["audit.actor"] >= 1
    assert data["audit_events_naming"] == 0
    assert "cia dahl" not in everything(store)
    after = tmp_path / "after.json"
    cli.ok("review", "export", rid, "-o", after)
    cli.ok("calendar", rid, "-o", tmp_path / "c.ics")
    for path in (after, tmp_path / "c.ics"):
        assert "cia dahl" not in path.read_text("utf-8").casefold()
    verified = cli.json("review", "verify", rid)
    assert verified["ok"] is True and verified["audit"]["redacted"] >= 1
    history = cli.json("review", "history", rid)
    assert all(e["actor"] != "Cia Dahl" for e in history)
    assert any(e["redacted"] for e in history)

    again = cli("--lang", "en", "review", "import", before)
    assert again.exit_code == 0, again.stderr
    assert "cia dahl" not in everything(store)
    assert cli.json("review", "verify", rid)["ok"] is True


def test_report_verify_after_a_purge_says_it_was_purged(store: Store, cli: Cli) -> None:
    world = populated(store, until="handed_over")
    cli.ok("person", "forget", world.politician, "--purge-reports")
    result = cli("--lang", "en", "report", "verify", world.review, "--version", 1)
    assert result.exit_code == 1
    assert "version 1 was purged on" in result.stderr
    assert "a rebuild differs" not in result.stderr
    as_json = cli("report", "verify", world.review, "--json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["purged"] is not None
    verified = cli("--lang", "en", "review", "verify", world.review)
    assert verified.exit_code == 0 and "report version 1: purged on" in verified.stderr
