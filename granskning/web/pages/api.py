"""``/api/...``: the ``--json`` shapes of the CLI for the same objects, under the same access
rules as the pages (a session cookie; a POST also needs the ``X-CSRF-Token`` header).

Each route returns exactly what the CLI command prints with ``--json``, from the same
service function; a blocking rule is 409 with the CLI's sentence as ``{"error": ...}``,
bad input 422, a review that is not the user's 404, no login 401.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from granskning.domain.access import Do
from granskning.domain.i18n import _
from granskning.services import access, followup, interviews, reviews, sessions
from granskning.web.http import Ctx, Routes, query_int

routes = Routes()


# markup in user text never leaves as markup, even where a JSON body ends up in a page
_MARKUP = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def as_json(data: Any, status: int = 200) -> Response:
    """``data`` serialised as the CLI's ``--json`` prints it (dates as their text), with
    ``<``, ``>`` and ``&`` written as JSON escapes (the same data once parsed)."""
    body = json.dumps(data, ensure_ascii=False, default=str).translate(_MARKUP)
    return Response(body, status_code=status, media_type="application/json")


@routes.get("/api/reviews", api=True)
def my_reviews(ctx: Ctx) -> Response:
    """The user's reviews (a coordinator's: every review), a page at a time (``?page=``)."""
    found = access.my_reviews(
        ctx.store, ctx.viewer, page=query_int(ctx.request.query_params, "page", 1)
    )
    return as_json(
        {"reviews": found.rows, "total": found.total, "page": found.page, "pages": found.pages}
    )


@routes.get("/api/reviews/{review_id:int}", needs=Do.see, api=True)
def review_show(ctx: Ctx, review_id: int) -> Response:
    """= ``review show --json``."""
    return as_json(reviews.show(ctx.store, review_id))


@routes.get("/api/reviews/{review_id:int}/actions", needs=Do.see, api=True)
def review_actions(ctx: Ctx, review_id: int) -> Response:
    """= ``review actions --json``."""
    return as_json(reviews.actions(ctx.store, review_id))


@routes.get("/api/reviews/{review_id:int}/interviews", needs=Do.see, api=True)
def review_interviews(ctx: Ctx, review_id: int) -> Response:
    """= ``interview list --json``."""
    return as_json(interviews.list_interviews(ctx.store, review_id))


@routes.get("/api/interviews/{interview_id:int}/notes", needs=Do.see_notes, api=True)
def interview_notes(ctx: Ctx, interview_id: int) -> Response:
    """= ``note list --json`` (``?question=`` for one question's notes)."""
    question = ctx.request.query_params.get("question") or None
    return as_json(sessions.list_notes(ctx.store, interview_id, question))


@routes.get("/api/reviews/{review_id:int}/items", needs=Do.see_checklist, api=True)
def review_items(ctx: Ctx, review_id: int) -> Response:
    """= ``seminar items --json``."""
    return as_json(followup.items(ctx.store, review_id))


@routes.post("/api/reviews/{review_id:int}/advance", needs=Do.advance, api=True)
def review_advance(ctx: Ctx, review_id: int) -> Response:
    """= ``review advance``: JSON ``{"action": ..., "reason": ..., "date": ...}``; answers
    with the review as ``review show --json`` shows it after the action."""
    action = ctx.text("action", label=_("Action")) or ""
    # what each action needs besides is the service's to say, in the CLI's words
    reason = ctx.text("reason", required=False, label=_("Reason"))
    day = ctx.day("date", required=False, label=_("Date"))
    ctx.checked()
    reviews.advance(ctx.store, review_id, action, reason=reason, on=day)
    return as_json(reviews.show(ctx.store, review_id))
