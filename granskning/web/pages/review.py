"""``/reviews/{id}``: the review's state, every action (allowed, or why not), its team,
interview schedule and history; the forms that take an action and change the team."""

from __future__ import annotations

from starlette.responses import Response

from granskning.domain.access import Do
from granskning.domain.enums import Role
from granskning.domain.i18n import _
from granskning.domain.labels import action_done, role, state as state_label
from granskning.services import access, registry, reviews
from granskning.storage import audit
from granskning.web.http import Ctx, Routes

routes = Routes()

HISTORY_SHOWN = 50
# actions whose form asks for more than a click
NEEDS_REASON = frozenset({"cancel", "reopen"})
NEEDS_DAY = frozenset({"schedule_seminar"})


@routes.get("/reviews/{review_id:int}", needs=Do.see)
def review_page(ctx: Ctx, review_id: int) -> Response:
    rights = ctx.granted
    shown, action_rows = reviews.overview(ctx.store, review_id)
    history = (
        audit.recent_history(ctx.store, review_id, HISTORY_SHOWN)
        if Do.see_history in rights
        else []
    )
    # the team comes from the reviewing municipalities, the host's contact from the host
    towns = [shown["host"], *shown["reviewing"]]
    people = registry.person_choices(ctx.store, towns) if Do.team in rights else []
    return ctx.page(
        "review.html",
        host_history=access.reads_host_history(ctx.store, ctx.viewer, review_id),
        review=shown,
        rights=rights,
        Do=Do,
        actions=action_rows,
        history=history,
        history_shown=HISTORY_SHOWN,
        person_options=[(pid, f"{name} ({town})") for pid, name, town in people],
        role_options=[(r.value, role(r.value)) for r in Role],
        needs_reason=NEEDS_REASON,
        needs_day=NEEDS_DAY,
    )


@routes.post("/reviews/{review_id:int}/advance", needs=Do.advance, again=review_page)
def advance(ctx: Ctx, review_id: int) -> Response:
    action = ctx.text("action", label=_("Action")) or ""
    reason = ctx.text("reason", required=action in NEEDS_REASON, label=_("Reason"))
    day = ctx.day("on", required=action in NEEDS_DAY, label=_("Date"))
    ctx.checked()
    row = reviews.advance(ctx.store, review_id, action, reason=reason, on=day)
    return ctx.done(
        f"/reviews/{review_id}",
        _("{done}; now {state}").format(done=action_done(action), state=state_label(row.state)),
    )


@routes.post("/reviews/{review_id:int}/team", needs=Do.team, again=review_page)
def assign(ctx: Ctx, review_id: int) -> Response:
    person = ctx.number("person", label=_("Person"))
    chosen = ctx.text("role", label=_("Role")) or ""
    ctx.checked()
    assert person is not None
    reviews.assign(ctx.store, review_id, person, chosen)
    return ctx.done(f"/reviews/{review_id}", _("{role} assigned").format(role=role(chosen)))


@routes.post("/reviews/{review_id:int}/team/remove", needs=Do.team, again=review_page)
def unassign(ctx: Ctx, review_id: int) -> Response:
    person = ctx.number("person", label=_("Person"))
    chosen = ctx.text("role", label=_("Role")) or ""
    ctx.checked()
    assert person is not None
    reviews.unassign(ctx.store, review_id, person, chosen)
    return ctx.done(f"/reviews/{review_id}", _("{role} removed").format(role=role(chosen)))
