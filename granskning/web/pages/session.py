"""``/interviews/{id}/session``: the live session of an interview.

The block, the question and its follow-up prompts, the countdowns of the session and the
block, the notes on the question and a note box; the clock's buttons for those who run it
(the timekeeper, the lead, the interview's moderator). Server-rendered and usable without
JavaScript; ``session.js`` keeps it live from ``/interviews/{id}/events`` (server-sent
events: :mod:`granskning.web.live`) and keeps notes written offline until they are sent.
Every form also answers JSON (``Accept: application/json``) for the script.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from granskning.domain.access import Do, Viewer
from granskning.domain.enums import InterviewState
from granskning.domain.errors import GranskningError
from granskning.domain.i18n import _
from granskning.domain.labels import interview_state, session_done
from granskning.services import access, accounts, session_live, sessions
from granskning.web import live
from granskning.web.http import Ctx, Forbidden, Routes, session_token, status_of

routes = Routes()

# The clock's buttons: what each does, and what it says it did.
_CLOCK: dict[str, Callable[[Any, int], dict[str, Any]]] = {
    "start": sessions.start,
    "pause": sessions.pause,
    "resume": sessions.resume,
    "end": sessions.end,
    "next": sessions.next_question,
    "previous": sessions.previous_question,
}


_LIVE = ("running", "paused")


def _buttons() -> list[tuple[str, str, tuple[str, ...], str]]:
    """The clock's buttons: action, label, the interview states it is shown in, and its
    key (``aria-keyshortcuts``: the keys of ``session run``)."""
    return [
        ("start", _("Start"), ("scheduled",), "Space"),
        ("pause", _("Pause"), ("running",), "Space"),
        ("resume", _("Resume"), ("paused",), "Space"),
        ("previous", _("Previous question"), _LIVE, "P"),
        ("next", _("Next question"), _LIVE, "N"),
        ("end", _("End the session"), _LIVE, "E"),
    ]


def _shortcuts(may_clock: bool, may_note: bool) -> list[tuple[tuple[str, ...], str]]:
    """The page's keyboard shortcuts for someone who may or may not run the clock and write
    notes: the keys, and what they do."""
    keys: list[tuple[tuple[str, ...], str]] = []
    if may_clock:
        keys += [
            (("Space",), _("start, pause or resume the clock")),
            (("N",), _("next question")),
            (("P",), _("previous question")),
            (("B",), _("choose a block to go to")),
            (("E",), _("end the session (asks first)")),
        ]
    if may_note:
        keys += [
            (("A",), _("write a note")),
            (("1", "4"), _("rate, on a rating question")),
            (("Ctrl", "Enter"), _("save the note (in the note box)")),
        ]
    return keys


def _moved() -> dict[str, str]:
    return {
        "next": _("moved to the next question"),
        "previous": _("moved to the previous question"),
        "jump": _("moved to the block's first question"),
    }


def _words() -> dict[str, Any]:
    """What session.js writes on the page, in the page's language."""
    return {
        "ok": _("on time"),
        "near": _("near the budget"),
        "over": _("past the budget"),
        "waiting": _("waiting for the connection"),
        "offline": _(
            "Offline: notes are kept on this device and sent when the connection returns."
        ),
        "online": _("Connected: the page follows the session live."),
        "no_notes": _("No notes on this question yet."),
        "rating": _("rating {value}"),
        "block": _("Block {number} of {count}: {title}"),
        "question": _("question {number} of {count}"),
        "saved": _("note saved"),
        "end_confirm": _("End the interview now?"),
        "none": _("none"),
        "states": {state.value: interview_state(state.value) for state in InterviewState},
    }


def _url(interview_id: int) -> str:
    return f"/interviews/{interview_id}/session"


def _wants_json(ctx: Ctx) -> bool:
    return "application/json" in ctx.request.headers.get("accept", "")


def _may_run_clock(ctx: Ctx, interview_id: int) -> bool:
    return session_live.may_run_clock(ctx.store, ctx.viewer.person_id, ctx.granted, interview_id)


@routes.get("/interviews/{interview_id:int}/session", needs=Do.see_notes)
def session_page(ctx: Ctx, interview_id: int) -> Response:
    state = session_live.state(ctx.store, interview_id)
    status = state["status"]
    plan = sessions.load_plan(ctx.store, interview_id)
    may_clock, may_note = _may_run_clock(ctx, interview_id), Do.notes in ctx.granted
    return ctx.page(
        "session.html",
        interview_id=interview_id,
        review_id=status["review"],
        rights=ctx.granted,
        Do=Do,
        s=status,
        state=state,
        notes=state["notes"],
        may_clock=may_clock,
        may_note=may_note,
        shortcuts=_shortcuts(may_clock, may_note),
        blocks=[(b.id, b.title) for b in plan.blocks],
        note_uuid=str(uuid.uuid4()),
        scale=status["scale"] or [{"value": v, "label": ""} for v in range(1, 5)],
        words=_words(),
        buttons=_buttons(),
        live_states=_LIVE,
        clock_text=sessions.clock_text,
    )


def _json_refusal(exc: GranskningError, ctx: Ctx) -> JSONResponse:
    payload: dict[str, Any] = {"error": str(exc)}
    if ctx.errors:
        payload["fields"] = ctx.errors
    return JSONResponse(payload, status_code=status_of(exc))


def _done(ctx: Ctx, interview_id: int, act: Callable[[], Any], message: str) -> Response:
    """Do ``act``; then the page again (a form) or the session's state (JSON: 200, or the
    error with its status)."""
    if not _wants_json(ctx):
        act()
        return ctx.done(_url(interview_id), message)
    try:
        act()
    except GranskningError as exc:
        return _json_refusal(exc, ctx)
    return JSONResponse(session_live.state(ctx.store, interview_id) | {"done": message})


def _run_clock(ctx: Ctx, interview_id: int, action: str) -> Response:
    """One of the clock's buttons, for those who may run the clock: the right to (the
    timekeeper, the lead) or being the interview's moderator. Checked here, not declared
    on the route: the moderator's right is the interview's, not a role's."""
    ctx.granted = ctx.require(Do.see_notes, interview_id=interview_id)
    if not _may_run_clock(ctx, interview_id):
        raise Forbidden(_("your role in this review may not do this"))
    if action == "jump":
        block = ctx.text("block", label=_("Block")) or ""
        ctx.checked()
        return _done(
            ctx,
            interview_id,
            lambda: sessions.goto_block(ctx.store, interview_id, block),
            _moved()["jump"],
        )
    message = _moved().get(action) or session_done(action)
    return _done(ctx, interview_id, lambda: _CLOCK[action](ctx.store, interview_id), message)


def _clock_route(action: str) -> None:
    """Declare ``POST /interviews/{id}/session/{action}``."""

    def clock(ctx: Ctx, interview_id: int) -> Response:
        return _run_clock(ctx, interview_id, action)

    clock.__name__ = f"session_{action}"
    routes.post(f"/interviews/{{interview_id:int}}/session/{action}", again=session_page)(clock)


for _action in (*_CLOCK, "jump"):
    _clock_route(_action)


def _rating(ctx: Ctx) -> int | None:
    return ctx.number("rating", label=_("Rating"), required=False)


@routes.post("/interviews/{interview_id:int}/notes", needs=Do.notes, again=session_page)
def add_note(ctx: Ctx, interview_id: int) -> Response:
    question = ctx.text("question", required=False)
    rating = _rating(ctx)
    text = ctx.text("text", required=rating is None, label=_("Note"))
    uid = ctx.text("uuid", required=False)
    if not _wants_json(ctx):
        ctx.checked()
        sessions.add_note(ctx.store, interview_id, question, text or "", rating, uid=uid)
        return ctx.done(_url(interview_id), _("note saved"))
    try:
        ctx.checked()
        taken = sessions.take_note(ctx.store, interview_id, question, text or "", rating, uid=uid)
    except GranskningError as exc:
        return _json_refusal(exc, ctx)
    # one transaction: 201 for a note stored now, 200 for one stored before under its UUID
    return JSONResponse(
        sessions.note_dict(taken.note, taken.plan), status_code=201 if taken.new else 200
    )


def _still_allowed(ctx: Ctx, review_id: int) -> Callable[[], bool]:
    """Whether the stream's reader is still logged in and may still see the notes."""
    store, token = ctx.store, session_token(ctx.request)

    def check() -> bool:
        user = accounts.session_user(store, token)
        if user is None:
            return False
        viewer = Viewer(person_id=user.person_id, coordinator=user.coordinator)
        try:
            return Do.see_notes in access.review_rights(store, viewer, review_id)
        except GranskningError:
            return False

    return check


@routes.get("/interviews/{interview_id:int}/events", needs=Do.see_notes)
def events(ctx: Ctx, interview_id: int) -> Response:
    """The session's server-sent events (:func:`granskning.web.live.follow`)."""
    last = ctx.request.headers.get("last-event-id") or ctx.request.query_params.get("after")
    assert ctx.review_id is not None  # the route's guard checked the rights in it
    allowed = _still_allowed(ctx, ctx.review_id)
    return StreamingResponse(
        live.follow(ctx.store, interview_id, last, ctx.lang, allowed),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


__all__ = ["routes"]
