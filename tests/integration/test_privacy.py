"""``person export`` (access request) and ``person forget`` (erasure), ``review purge-report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _world import docx_bytes, populated
from sqlalchemy import func, select as sa_select
from sqlmodel import select

from granskning.services import exchange as transfer, privacy, registry
from granskning.storage.model import (
    AuditEvent,
    Interview,
    Interviewee,
    Note,
    Person,
    ReportVersion,
)
from granskning.storage.store import Store, metadata


def texts_in_database(store: Store) -> str:
    """Every string stored in any table, casefolded, to search for a name."""
    parts: list[str] = []
    with store.engine.connect() as conn:
        for table in metadata().sorted_tables:
            for row in conn.execute(sa_select(table)):
                parts.extend(str(v) for v in row if isinstance(v, str))
    return "\n".join(parts).casefold()


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            m.__tablename__: conn.execute(sa_select(func.count()).select_from(m)).scalar_one()  # type: ignore[attr-defined]
            for m in (Note, Interviewee, Interview, Person, ReportVersion)
        }


def test_person_export_holds_everything_about_the_person(store: Store, cli: Any) -> None:
    world = populated(store)
    data = cli.json("person", "export", world.politician)
    assert data["id"] == world.politician
    assert data["person"]["name"] == "Cia Dahl"
    assert data["person"]["email"] == "cia.dahl@gavle.example"
    assert data["person"]["municipality"] == "Gävle"
    assert [(a["interview"], a["matched_by"]) for a in data["interviewee_appearances"]] == [
        (world.interviews[0], "person"),
        (world.interviews[1], "name"),
    ]
    kinds = sorted(m["kind"] for m in data["texts_mentioning"])
    # the development finding naming her became a follow-up item at handover
    assert kinds == ["finding", "follow_up_item", "note", "report_text"]
    assert data["follow_up_responsible"][0]["text"] == "Gör barnbokslut."
    assert [(v["review"], v["version"]) for v in data["report_versions_holding_name"]] == [
        (world.review, 1)
    ]
    assert any(e["action"] == "add" and e["entity"] == "person" for e in data["audit_events"])
    lead = cli.json("person", "export", world.lead)
    assert [a["role"] for a in lead["assignments"]] == ["lead"]
    assert [j["job"] for j in lead["interview_jobs"]] == ["moderator", "moderator"]
    secretary = cli.json("person", "export", world.secretary)
    assert len(secretary["notes_authored"]) == 3
    assert [j["job"] for j in secretary["interview_jobs"]] == ["note_taker", "note_taker"]


@pytest.mark.slow
def test_person_export_to_a_file(store: Store, cli: Any, tmp_path: Path) -> None:
    world = populated(store, until="visiting")
    out = tmp_path / "cia.json"
    result = cli.ok("person", "export", world.politician, "-o", out)
    assert result.stdout == ""
    assert json.loads(out.read_text("utf-8"))["person"]["name"] == "Cia Dahl"
    assert cli("person", "export", 999).exit_code == 2


@pytest.mark.slow
def test_forgetting_replaces_the_identity_everywhere_and_keeps_the_notes(
    store: Store, cli: Any
) -> None:
    world = populated(store)
    before = counts(store)
    result = cli.ok("person", "forget", world.politician)
    pseudonym = privacy.pseudonym_for(_person(store, world.politician))
    assert pseudonym.startswith("Person ") and "dahl" not in pseudonym.casefold()
    assert f"person {world.politician} is forgotten: now {pseudonym}" in result.stderr
    assert "1 frozen report version still holds the name" in result.stderr
    assert f"granskning review purge-report {world.review} --version 1" in result.stderr
    person = _person(store, world.politician)
    assert (person.name, person.title, person.email) == (pseudonym, None, None)
    assert person.forgotten_at is not None
    assert counts(store) == before  # notes and statistics stay
    everything = texts_in_database(store)
    assert "cia dahl" not in everything and "cia.dahl@" not in everything
    assert "kommunalråd" not in everything.replace("barnrättssamordnare", "")
    with store.read() as s:
        names = sorted(r.name for r in s.exec(select(Interviewee)).all())
        forget_events = s.exec(select(AuditEvent).where(AuditEvent.action == "forget")).all()
        version = s.exec(select(ReportVersion)).one()
    assert names == ["Olle Ström", pseudonym, pseudonym]
    assert [(e.entity, json.loads(e.data)) for e in forget_events] == [
        ("person", {"person": person.uid})
    ]
    # the frozen report still holds the name until it is purged
    assert version.content is not None
    assert any("Cia Dahl" in p for p in privacy.docx_paragraphs(version.content))
    cli.ok("review", "purge-report", world.review, "--version", 1)
    with store.read() as s:
        version = s.exec(select(ReportVersion)).one()
        purges = s.exec(select(AuditEvent).where(AuditEvent.action == "purge")).all()
    assert version.content is None and version.purged_at is not None
    assert len(version.sha256) == 64
    assert [e.review_id for e in purges] == [world.review]
    # what is built later shows the pseudonym only
    doc = json.dumps(transfer.export_review(store, world.review), ensure_ascii=False)
    assert "Cia Dahl" not in doc and pseudonym in doc
    shown = cli.json("person", "export", world.politician)
    assert shown["person"]["name"] == pseudonym
    assert shown["report_versions_holding_name"] == []


@pytest.mark.slow
def test_a_report_built_after_forgetting_shows_the_pseudonym(
    store: Store, cli: Any, tmp_path: Path
) -> None:
    world = populated(store, until="handed_over")
    cli.ok("person", "forget", world.politician, "--purge-reports")
    pseudonym = _person(store, world.politician).name
    cli.ok("review", "advance", world.review, "reopen", "--reason", "Ny version utan namnet")
    cli.ok("review", "advance", world.review, "hand_over")
    out = tmp_path / "rapport.docx"
    cli.ok("report", "build", world.review, "-o", out)
    content = out.read_bytes()
    text = "\n".join(privacy.docx_paragraphs(content))
    assert pseudonym in text
    assert not privacy.report_holds(content, ["Cia Dahl", "cia.dahl@gavle.example"])
    versions = cli.json("report", "versions", world.review)
    assert [(v["number"], v["purged"] is not None) for v in versions] == [(1, True), (2, False)]


def test_forget_with_purge_reports_and_forgetting_twice(store: Store, cli: Any) -> None:
    world = populated(store)
    data = cli.json("person", "forget", world.politician, "--purge-reports")
    assert data["report_versions"] == [
        {
            "review": world.review,
            "version": 1,
            "sha256": data["report_versions"][0]["sha256"],
            "purged": True,
        }
    ]
    assert data["changed"]["interviewees"] == 2
    assert data["changed"]["notes"] == 1
    with store.read() as s:
        assert s.exec(select(ReportVersion)).one().content is None
    snapshot = texts_in_database(store)
    again = cli.ok("person", "forget", world.politician)
    assert "was already forgotten" in again.stderr
    assert texts_in_database(store) == snapshot
    result = cli("review", "purge-report", world.review, "--version", 1)
    assert result.exit_code == 1 and "already purged" in result.stderr


def test_forgetting_the_note_taker_keeps_their_notes(store: Store, cli: Any) -> None:
    world = populated(store, until="visiting")
    cli.ok("person", "forget", world.secretary)
    pseudonym = _person(store, world.secretary).name
    with store.read() as s:
        authors = [n.author for n in s.exec(select(Note)).all()]
    assert authors.count(pseudonym) == 3 and "Bo Ek" not in authors


def test_an_other_person_of_the_same_name_keeps_their_rows(store: Store) -> None:
    world = populated(store, until="visiting")
    namesake = registry.add_person(store, "Cia Dahl", "Örebro")
    with store.atomic() as s:
        s.add(Interviewee(interview_id=world.interviews[1], person_id=namesake.id, name="Cia Dahl"))
    privacy.forget(store, world.politician)
    with store.read() as s:
        kept = s.exec(select(Interviewee).where(Interviewee.person_id == namesake.id)).one()
        assert kept.name == "Cia Dahl"
        assert s.get(Person, namesake.id).name == "Cia Dahl"  # type: ignore[union-attr]


def test_purge_report_errors(store: Store, cli: Any) -> None:
    world = populated(store, until="visiting")
    result = cli("review", "purge-report", world.review, "--version", 7)
    assert result.exit_code == 2 and "has no report version 7" in result.stderr
    result = cli("review", "purge-report", 99, "--version", 1)
    assert result.exit_code == 2 and "review 99 does not exist" in result.stderr
    assert cli("person", "forget", 99).exit_code == 2


@pytest.mark.parametrize(
    "paragraphs, holds",
    [
        (["Intervju med Cia Dahl"], True),
        (["Intervju med", "Cia Dahl Kommunalråd"], True),  # split over runs
        (["CIA  DAHL sade"], True),
        (["Ciadahl", "Cia Dahlberg"], False),
        (["mejla cia.dahl@gavle.example"], True),
    ],
)
def test_finding_a_name_in_a_word_document(paragraphs: list[str], holds: bool) -> None:
    content = docx_bytes(*paragraphs)
    assert privacy.report_holds(content, ["Cia Dahl", "cia.dahl@gavle.example"]) is holds


def test_a_report_that_cannot_be_read_counts_as_holding_the_name() -> None:
    assert privacy.report_holds(b"PK\x03\x04 broken", ["Cia Dahl"]) is True


def _person(store: Store, person_id: int) -> Person:
    with store.read() as s:
        row = s.get(Person, person_id)
        assert row is not None
        return row
