"""The live session page: who sees and runs what, the clock's forms against the stored
events, idempotent notes from the browser, and the event stream of a session."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import uuid
from collections.abc import AsyncGenerator, Callable
from typing import Any

import pytest
from sqlalchemy import text
from textual.widgets import Static

from granskning.services import accounts, interviews, session_live, sessions
from granskning.services.session_live import Cursor
from granskning.storage.store import Store
from granskning.tui.session_screen import SessionApp
from granskning.web import live
from tests.conftest import FakeClock
from tests.web.conftest import Client, Web

pytestmark = pytest.mark.slow  # each test makes the review world and logs in

QUESTION_1 = "Hur säkrar kommunens styrdokument barns trygga uppväxtvillkor?"


def _as(w: Web, role: str) -> Client:
    client = w.client(role)
    client.headers["accept-language"] = "en"
    return client


def _interview(w: Web, moderator: str = "lead", day: int = 20) -> int:
    """A new interview with Elected representatives on the visiting review, not started."""
    row = interviews.add_interview(
        w.store,
        w.world.review,
        group="fortroendevalda",
        start=f"2026-03-{day} 09:00",
        minutes=90,
        moderator=w.people[moderator],
        note_taker=w.world.secretary,
    )
    assert row.id is not None
    return row.id


def _url(iv: int, tail: str = "") -> str:
    return f"/interviews/{iv}/session{tail}"


def _json(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.submit(url, data, headers={"accept": "application/json"})


def test_the_team_sees_the_session_the_host_and_strangers_do_not(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    iv = w.world.interviews[0]  # held: notes on styr-1 among others
    for role in ("coordinator", "lead", "secretary", "reviewer", "timekeeper"):
        r = _as(w, role).get(_url(iv))
        assert r.status_code == 200, role
        assert "Session: interview" in r.text and "completed" in r.text
    for role in ("host_contact", "stranger"):
        r = _as(w, role).get(_url(iv))
        assert r.status_code in (403, 404), role
        assert "Barnbokslut" not in r.text  # never the notes
        assert _as(w, role).get(f"/interviews/{iv}/events").status_code in (403, 404)
    assert _as(w, "stranger").get(_url(9999)).status_code == 404


def test_the_page_shows_question_prompts_countdowns_in_words_and_the_forms(
    web: Callable[[str], Web], clock: FakeClock
) -> None:
    w = web("visiting")
    iv = _interview(w)
    sessions.start(w.store, iv)
    sessions.add_note(w.store, iv, "styr-1", "Budgeten <styr>")
    clock.advance(minutes=28)  # the first block has 30 minutes: 2 left, near its budget
    page = _as(w, "timekeeper").get(_url(iv)).text
    assert QUESTION_1 in page
    assert "Kan du ge ett exempel från det senaste året?" in page
    assert "Block 1 of 3: Styrprocesser" in page and "question 1 of 12" in page
    assert '<span data-part="remaining">62:00</span>' in page  # the session: 90 - 28
    assert '<div class="countdown level-near" data-clock="block">' in page
    assert '<span data-part="level">near the budget</span>' in page  # the word, not colour alone
    assert "Budgeten &lt;styr&gt;" in page  # escaped
    assert f'action="/interviews/{iv}/notes"' in page
    assert f'action="/interviews/{iv}/session/pause"' in page
    assert page.count("<h1>") == 1
    assert '<script src="/static/session.js" defer></script>' in page
    assert f'data-cursor="{session_live.latest(w.store, iv)}"' in page
    # the shortcuts of session run: listed, and on the buttons
    assert "<summary>Keyboard shortcuts</summary>" in page
    assert 'data-action="pause" aria-keyshortcuts="Space"' in page
    assert 'data-action="next" aria-keyshortcuts="N"' in page
    assert "<dt><kbd>E</kbd></dt><dd>end the session (asks first)</dd>" in page
    # the secretary writes notes but does not run the clock
    secretary = _as(w, "secretary").get(_url(iv)).text
    assert 'id="note-form"' in secretary and "/session/pause" not in secretary
    assert "<dt><kbd>A</kbd></dt>" in secretary and "<kbd>N</kbd>" not in secretary
    clock.advance(minutes=5)
    over = _as(w, "lead").get(_url(iv)).text
    assert '<span data-part="level">past the budget</span>' in over
    assert "block Styrprocesser is 3:00 past its budget" in over


def test_the_clock_forms_store_the_events_the_status_engine_reads(
    web: Callable[[str], Web], clock: FakeClock
) -> None:
    w = web("visiting")
    iv = _interview(w)
    tk = _as(w, "timekeeper")
    r = tk.submit(_url(iv, "/start"))
    assert r.status_code == 303 and "session%20started" in r.headers["location"]
    clock.advance(minutes=3)
    assert tk.submit(_url(iv, "/next")).status_code == 303
    assert tk.submit(_url(iv, "/pause")).status_code == 303
    clock.advance(minutes=10)
    status = sessions.status(w.store, iv)
    assert (status["state"], status["question"], status["elapsed_s"]) == ("paused", "styr-2", 180)
    assert tk.submit(_url(iv, "/resume")).status_code == 303
    assert tk.submit(_url(iv, "/jump"), {"block": "inflytande"}).status_code == 303
    assert sessions.status(w.store, iv)["block"] == "inflytande"
    answer = _json(tk, _url(iv, "/previous"))
    assert answer.status_code == 200
    assert answer.json()["status"] == sessions.status(w.store, iv)
    # with its place among the changes, as the event stream's ids give it
    assert Cursor.parse(answer.json()["cursor"]) == session_live.latest(w.store, iv)
    assert answer.json()["status"]["block"] == "styrprocesser"
    assert tk.submit(_url(iv, "/end")).status_code == 303
    assert sessions.status(w.store, iv)["state"] == "completed"
    # a rule that blocks: the page again with the CLI's sentence (409), or JSON
    again = tk.submit(_url(iv, "/next"))
    assert (
        again.status_code == 409
        and "moving between questions needs a running session" in again.text
    )
    refused = _json(tk, _url(iv, "/next"))
    assert refused.status_code == 409 and "running session" in refused.json()["error"]
    assert tk.submit(_url(iv, "/fly")).status_code == 404


def test_only_the_clock_roles_and_the_moderator_run_the_clock(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    iv = _interview(w)
    for role in ("secretary", "reviewer"):
        assert _as(w, role).submit(_url(iv, "/start")).status_code == 403, role
    assert _as(w, "host_contact").submit(_url(iv, "/start")).status_code in (403, 404)
    assert sessions.status(w.store, iv)["state"] == "scheduled"  # nothing stored
    moderated = _interview(w, moderator="reviewer", day=21)
    reviewer = _as(w, "reviewer")
    assert "/session/start" in reviewer.get(_url(moderated)).text
    assert reviewer.submit(_url(moderated, "/start")).status_code == 303
    assert sessions.status(w.store, moderated)["state"] == "running"
    assert _as(w, "lead").submit(_url(iv, "/start")).status_code == 303


def test_a_note_sent_twice_with_its_uuid_is_stored_once(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    iv = _interview(w)
    sessions.start(w.store, iv)
    secretary = _as(w, "secretary")
    key = str(uuid.uuid4())
    fields = {"question": "styr-1", "text": "Skrivet offline", "uuid": key}
    first = _json(secretary, f"/interviews/{iv}/notes", fields)
    again = _json(secretary, f"/interviews/{iv}/notes", fields)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["uid"] == key.replace("-", "") and first.json()["author"]
    assert [n["text"] for n in sessions.list_notes(w.store, iv)] == ["Skrivet offline"]
    # the form without the script carries a UUID made with the page: sent twice (a double
    # click, a resent form), one note; a redirect, the note on the page
    page = secretary.get(_url(iv)).text
    form_uuid = re.search(r'name="uuid" value="([0-9a-f-]{36})"', page)
    assert form_uuid is not None
    form = {"question": "styr-1", "rating": "", "text": "Form", "uuid": form_uuid.group(1)}
    for _twice in range(2):
        assert secretary.submit(f"/interviews/{iv}/notes", form).status_code == 303
    assert [n["text"] for n in sessions.list_notes(w.store, iv)].count("Form") == 1
    assert "Form" in secretary.get(_url(iv)).text
    # a rating alone, on the rating question
    rating = _json(secretary, f"/interviews/{iv}/notes", {"question": "infl-6", "rating": "3"})
    assert rating.status_code == 201 and rating.json()["rating"] == 3
    bad = _json(secretary, f"/interviews/{iv}/notes", {"question": "styr-1", "text": ""})
    assert bad.status_code == 422 and "Note" in bad.json()["fields"]["text"]
    host = _as(w, "host_contact")
    assert host.submit(f"/interviews/{iv}/notes", fields).status_code in (403, 404)


def test_a_note_before_the_start_is_refused_with_the_cli_sentence(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    iv = _interview(w)
    r = _as(w, "secretary").submit(f"/interviews/{iv}/notes", {"question": "styr-1", "text": "x"})
    assert r.status_code == 409 and "has not started" in r.text
    assert sessions.list_notes(w.store, iv) == []


# -- the event stream --------------------------------------------------------------------------


async def _take(messages: AsyncGenerator[str, None], count: int) -> list[str]:
    """The next ``count`` events of a stream (one text written may hold several)."""
    got: list[str] = []
    while len(got) < count:
        got += [f"{m}\n\n" for m in (await anext(messages)).split("\n\n") if m]
    assert len(got) == count, got
    return got


def _parse(message: str) -> tuple[str | None, str, dict[str, Any]]:
    """The id, event and data of a server-sent event."""
    fields = dict(line.split(": ", 1) for line in message.strip().split("\n"))
    return fields.get("id"), fields["event"], json.loads(fields["data"])


def test_the_stream_sends_the_state_then_each_change_with_an_ordered_id(
    web: Callable[[str], Web], clock: FakeClock
) -> None:
    w = web("visiting")
    iv = _interview(w)
    sessions.start(w.store, iv)

    async def scenario() -> list[str]:
        messages = live.stream(w.store, iv, None, "en")
        first = await _take(messages, 1)
        clock.advance(seconds=1)
        await asyncio.to_thread(sessions.add_note, w.store, iv, "styr-1", "Live")
        clock.advance(seconds=1)
        await asyncio.to_thread(sessions.next_question, w.store, iv)
        rest = await _take(messages, 2)
        await messages.aclose()
        return first + rest

    (id0, kind0, state), (id1, kind1, note), (id2, kind2, move) = [
        _parse(m) for m in asyncio.run(scenario())
    ]
    assert kind0 == "state" and state["status"]["state"] == "running"
    assert (kind1, note["kind"], kind2, move["kind"], move["what"]) == (
        "change",
        "note",
        "change",
        "session",
        "goto",
    )
    cursors = [Cursor.parse(i) for i in (id0, id1, id2)]
    assert None not in cursors and cursors == sorted(cursors)  # type: ignore[type-var]
    assert len(set(cursors)) == 3
    # a note's change carries the note; a move, the state: at the second question, the note
    # on the first not among its notes
    assert (note["note"]["text"], note["note"]["question"], note["note"]["removed"]) == (
        "Live",
        "styr-1",
        False,
    )
    assert "state" not in note
    assert move["state"]["status"]["question"] == "styr-2" and move["state"]["notes"] == []


def test_last_event_id_replays_what_was_missed(web: Callable[[str], Web], clock: FakeClock) -> None:
    w = web("visiting")
    iv = _interview(w)
    sessions.start(w.store, iv)
    seen = session_live.latest(w.store, iv)
    clock.advance(seconds=1)
    note = sessions.add_note(w.store, iv, "styr-1", "Medan sidan var borta")
    clock.advance(seconds=1)
    sessions.pause(w.store, iv)
    clock.advance(seconds=1)
    sessions.edit_note(w.store, note.id, "Rättad")  # type: ignore[arg-type]

    async def replay() -> list[str]:
        messages = live.stream(w.store, iv, str(seen), "en")
        got = await _take(messages, 3)
        await messages.aclose()
        return got

    parsed = [_parse(m) for m in asyncio.run(replay())]
    assert [(e, d["kind"]) for _i, e, d in parsed] == [
        ("change", "note"),
        ("change", "session"),
        ("change", "note_edit"),
    ]
    assert parsed[0][2]["what"] == parsed[2][2]["what"] == note.uid
    assert Cursor.parse(parsed[-1][0]) == session_live.latest(w.store, iv)
    assert parsed[1][2]["state"]["status"]["state"] == "paused"
    assert parsed[-1][2]["note"]["text"] == "Rättad" and "state" not in parsed[-1][2]
    # nothing after the latest: a page that saw everything gets nothing again
    assert session_live.changes_since(w.store, iv, session_live.latest(w.store, iv)) == []


def test_an_idle_stream_sends_a_keep_alive_comment(
    web: Callable[[str], Web], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = web("visiting")
    if not w.store.is_sqlite:
        # the same code on both; on PostgreSQL closing the test's event loop mid-stream left a
        # pooled connection to the garbage collector (a ResourceWarning in a later test)
        pytest.skip("the keep-alive is the same on both databases: tested on SQLite")
    iv = _interview(w)
    at = str(session_live.latest(w.store, iv))
    monkeypatch.setattr(live, "POLL_S", 0.01)

    async def idle() -> str:
        messages = live.stream(w.store, iv, at, "en")
        comment = await anext(messages)
        await messages.aclose()
        return comment

    assert asyncio.run(idle()) == ": keep-alive\n\n"

    async def ended() -> list[str]:
        messages = live.stream(w.store, iv, at, "en", allowed=lambda: False)
        return [m async for m in messages]

    assert asyncio.run(ended()) == []  # logged out or no longer on the team: the stream ends


def test_a_committed_change_wakes_the_streams_of_its_interview(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    iv = _interview(w)
    other = w.world.interviews[1]
    sessions.start(w.store, iv)
    broker = live.Broker()

    async def woken() -> tuple[bool, bool]:
        mine, theirs = broker.subscribe(iv), broker.subscribe(other)
        writer = threading.Thread(target=sessions.add_note, args=(w.store, iv, None, "x"))
        writer.start()
        await asyncio.to_thread(writer.join)
        got = await mine.wait(5), await theirs.wait(0)
        broker.close()
        return got

    assert asyncio.run(woken()) == (True, False)


def test_the_events_route_streams_with_the_last_event_id(
    web: Callable[[str], Web], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = web("visiting")
    iv = _interview(w)
    asked: list[Any] = []
    checks: list[Callable[[], bool]] = []

    async def once(
        store: Store, interview_id: int, last: str | None, lang: str, allowed: Any
    ) -> Any:
        asked.append((interview_id, last, lang, await asyncio.to_thread(allowed)))
        checks.append(allowed)
        yield "event: state\ndata: {}\n\n"

    monkeypatch.setattr(live, "follow", once)
    r = _as(w, "reviewer").get(f"/interviews/{iv}/events", headers={"last-event-id": "1.2.3"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert r.text == "event: state\ndata: {}\n\n"
    assert asked == [(iv, "1.2.3", "en", True)]
    # once the account is disabled, the open stream's next check ends it
    accounts.disable_user(w.store, w.email("reviewer"))
    assert checks[0]() is False


def test_on_postgresql_a_notify_from_another_process_wakes_the_stream(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    if w.store.is_sqlite:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    iv = _interview(w)

    def notify_as_another_process() -> None:
        # straight to the database: no follower of this process hears of it
        with w.store.engine.begin() as conn:
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": sessions.CHANNEL, "payload": str(iv)},
            )

    async def heard() -> bool:
        broker = live.Broker()
        waiter = broker.subscribe(iv)
        broker.listen(w.store)
        assert await broker.listening(10)
        await asyncio.to_thread(notify_as_another_process)
        woken = await waiter.wait(10)
        broker.close()
        return woken

    assert asyncio.run(heard()) is True


def test_the_full_screen_session_and_the_page_follow_the_same_interview(
    web: Callable[[str], Web], clock: FakeClock
) -> None:
    w = web("visiting")
    iv = _interview(w)
    sessions.start(w.store, iv)
    secretary = _as(w, "secretary")
    seen = str(session_live.latest(w.store, iv))

    async def scenario() -> list[str]:
        app = SessionApp(w.store, iv, tick=3600)  # redrawn by hand below, not by a timer
        async with app.run_test(size=(110, 36)) as pilot:
            clock.advance(seconds=1)
            sent = {"question": "styr-1", "text": "Från webben", "uuid": str(uuid.uuid4())}
            answer = await asyncio.to_thread(_json, secretary, f"/interviews/{iv}/notes", sent)
            assert answer.status_code == 201
            app.refresh_status()  # what its timer does every second
            assert "Från webben" in str(app.query_one("#notes-body", Static).content)
            clock.advance(seconds=1)
            await pilot.press("a", *"Från terminalen", "ctrl+s")
            await pilot.pause()
        messages = live.stream(w.store, iv, seen, "en")
        got = await _take(messages, 2)
        await messages.aclose()
        return got

    (_i1, _e1, web_note), (_i2, _e2, tui_note) = [_parse(m) for m in asyncio.run(scenario())]
    assert (web_note["kind"], tui_note["kind"]) == ("note", "note")
    assert (web_note["note"]["text"], tui_note["note"]["text"]) == (
        "Från webben",
        "Från terminalen",
    )
    assert "Från terminalen" in secretary.get(_url(iv)).text


def test_a_note_post_takes_three_transactions(web: Callable[[str], Web]) -> None:
    """The most frequent request of a live session: the login, the rights in the review
    (read in one go from the interview) and the note with its plan, each one transaction
    (it was six: the rights in two reads, the UUID and the plan read apart)."""
    from sqlalchemy import event

    w = web("visiting")
    iv = _interview(w)
    sessions.start(w.store, iv)
    secretary = _as(w, "secretary")
    begins: list[object] = []
    statements: list[str] = []

    def on_begin(conn: object) -> None:
        begins.append(conn)

    def on_statement(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(w.store.engine, "begin", on_begin)
    event.listen(w.store.engine, "before_cursor_execute", on_statement)
    try:
        fields = {"question": "styr-1", "text": "Budgeten styr", "uuid": str(uuid.uuid4())}
        r = _json(secretary, f"/interviews/{iv}/notes", fields)
    finally:
        event.remove(w.store.engine, "begin", on_begin)
        event.remove(w.store.engine, "before_cursor_execute", on_statement)
    assert r.status_code == 201
    assert len(begins) == 3, statements
    assert sum(s.lstrip().upper().startswith("INSERT") for s in statements) == 1
    said = [s for s in statements if not s.lstrip().upper().startswith("BEGIN")]  # SQLite's
    assert len(said) <= 7, said
