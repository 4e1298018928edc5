"""``/reviews/{id}/seminar``: the follow-up seminar: its schedule, the checklist's items
with their status, comment and responsible person, the forms that record them, and the
checklist as a Word document (the same as ``granskning seminar ...``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from granskning.domain import seminar
from granskning.domain.access import Do
from granskning.domain.enums import FollowUpStatus, ReviewState
from granskning.domain.errors import RuleError
from granskning.domain.i18n import _
from granskning.domain.labels import colour, status as status_label
from granskning.domain.seminar import BEFORE_SEMINAR, SEMINAR_HELD
from granskning.services import followup, seminar_record
from granskning.storage.queries import get_review, pinned_template
from granskning.web.http import Ctx, Forbidden, Routes, written

routes = Routes()

SHORT = 60  # characters of an item's text where a list names it


def _blocks(ctx: Ctx, review_id: int) -> list[tuple[str, str]]:
    """(id, title) of the blocks of the review's pinned template, for the item forms."""
    with ctx.store.read() as s:
        template = pinned_template(get_review(s, review_id))
    return [(b.id, b.title) for b in template.blocks]


def _short(item: dict[str, Any]) -> str:
    """An item as a choice in a list: its number and the start of its text."""
    text = " ".join(item["text"].split())
    if len(text) > SHORT:
        text = text[: SHORT - 1] + "…"
    return _("Item {id}: {text}").format(id=item["id"], text=text)


def _local_input(start: str | None) -> str:
    """A "YYYY-MM-DD HH:MM" time as a datetime-local field's value."""
    return (start or "")[:16].replace(" ", "T")


def _schedule(ctx: Ctx, review_id: int, info: dict[str, Any]) -> dict[str, Any]:
    """The schedule section: the seminar, and the suggested time while it may be set."""
    state = ReviewState(info["state"])
    open_ = state in BEFORE_SEMINAR
    suggested = None
    if open_ and Do.advance in ctx.granted:
        try:
            suggested = followup.suggestion(ctx.store, review_id)
        except RuleError:
            suggested = None
    return {
        "info": info,
        "may_schedule": open_ and Do.advance in ctx.granted,
        "suggested": suggested,
        "start_value": _local_input(info["start"] or (suggested or {}).get("start")),
    }


def _forms(
    ctx: Ctx, review_id: int, state: ReviewState, live: list[dict[str, Any]]
) -> dict[str, Any]:
    """Which checklist forms the reader gets now, and their choices."""
    may_edit = Do.edit_checklist in ctx.granted and state in BEFORE_SEMINAR
    return {
        "may_record": Do.checklist in ctx.granted and state == ReviewState.follow_up_scheduled,
        # a status recorded at a seminar already held is corrected with a reason, by those
        # who keep the checklist (the host records before and at the seminar only)
        "may_correct": Do.edit_checklist in ctx.granted and state in SEMINAR_HELD,
        "may_edit": may_edit,
        "block_options": [("", _("General (no block)")), *_blocks(ctx, review_id)]
        if may_edit
        else [],
        "merge_options": {
            i["id"]: [(o["id"], _short(o)) for o in live if o["id"] != i["id"]] for i in live
        },
        "status_options": [
            (s.value, f"{status_label(s.value)} ({colour(s.value)})") for s in FollowUpStatus
        ],
    }


@routes.get("/reviews/{review_id:int}/seminar", needs=Do.see_checklist)
def seminar_page(ctx: Ctx, review_id: int, item_id: int | None = None) -> Response:
    """The page; shown again (``item_id``: the item whose form was sent) on a refusal."""
    info = followup.seminar_info(ctx.store, review_id)
    state = ReviewState(info["state"])
    items = followup.items(ctx.store, review_id)
    for item in items:
        item["colour_class"] = item["colour"] or "none"
    live = [i for i in items if i["merged_into"] is None]
    return ctx.page(
        "seminar.html",
        review_id=review_id,
        rights=ctx.granted,
        Do=Do,
        state=state,
        items=items,
        live=live,
        schedule=_schedule(ctx, review_id, info),
        record=_record(ctx, review_id, state),
        **_forms(ctx, review_id, state, live),
    )


def _record(ctx: Ctx, review_id: int, state: ReviewState) -> dict[str, Any]:
    """The seminar record's section: what it holds and whether the reader may write it."""
    data = seminar_record.record(ctx.store, review_id)
    people = "\n".join(
        f"{p['name']}, {p['municipality']}" if p["municipality"] else p["name"]
        for p in data["participants"]
    )
    return {
        **data,
        "people_text": people,
        "may_write": Do.checklist in ctx.granted
        and not seminar.record_state_reasons(review_id, state),
        "may_download": state not in (ReviewState.handed_over,) and bool(data["items"]),
    }


@routes.post("/reviews/{review_id:int}/seminar/record", needs=Do.checklist, again=seminar_page)
def write_record(ctx: Ctx, review_id: int) -> Response:
    """The seminar record's participants (one a line), next steps and next follow-up."""
    people = ctx.text("participants", required=False) or ""
    steps = ctx.text("next_steps", required=False) or ""
    nxt = ctx.day("next_follow_up", label=_("Next follow-up"), required=False)
    ctx.checked()
    seminar_record.save_record(
        ctx.store,
        review_id,
        [line for line in people.splitlines() if line.strip()],
        steps,
        nxt.isoformat() if nxt else "",
    )
    return ctx.done(f"/reviews/{review_id}/seminar", _("The seminar record was saved"))


@routes.document("/reviews/{review_id:int}/seminar/minnesanteckningar", needs=Do.see_checklist)
def minutes(ctx: Ctx, review_id: int, pdf: bool) -> Response:
    return written(
        lambda out: seminar_record.build_minutes(ctx.store, review_id, out),
        f"minnesanteckningar-{review_id}.docx",
        pdf=pdf,
    )


@routes.post("/reviews/{review_id:int}/seminar/schedule", needs=Do.advance, again=seminar_page)
def schedule(ctx: Ctx, review_id: int) -> Response:
    start = ctx.when("start", label=_("Start"), required=False)
    place = ctx.text("place", required=False, label=_("Place")) or ""
    ctx.checked()
    info = followup.schedule(ctx.store, review_id, start, place)
    where = f", {info['place']}" if info["place"] else ""
    return ctx.done(
        f"/reviews/{review_id}/seminar",
        _("Seminar scheduled: {start}{place}").format(start=info["start"], place=where),
    )


@routes.post(
    "/reviews/{review_id:int}/seminar/items/{item_id:int}/status",
    needs=Do.checklist,
    again=seminar_page,
)
def record(ctx: Ctx, review_id: int, item_id: int) -> Response:
    # each item's form has fields of its own (``status-3``), so that a form shown again
    # with its errors shows them at that item only
    chosen = ctx.text(f"status-{item_id}", label=_("Status")) or ""
    comment = ctx.text(f"comment-{item_id}", required=False) or ""
    responsible = ctx.text(f"responsible-{item_id}", required=False) or ""
    deadline = ctx.day(f"deadline-{item_id}", label=_("Done by"), required=False)
    reason = ctx.text(f"reason-{item_id}", required=False)
    ctx.checked()
    if reason is not None and Do.edit_checklist not in ctx.granted:
        raise Forbidden(_("your role in this review may not correct a status after the seminar"))
    followup.record_status(
        ctx.store,
        review_id,
        item_id,
        chosen,
        comment=comment,
        responsible=responsible,
        reason=reason,
        deadline=deadline.isoformat() if deadline else "",
    )
    return ctx.done(
        f"/reviews/{review_id}/seminar",
        _("Item {item}: {status} ({colour})").format(
            item=item_id, status=status_label(chosen), colour=colour(chosen)
        ),
    )


@routes.post("/reviews/{review_id:int}/seminar/items", needs=Do.edit_checklist, again=seminar_page)
def add_item(ctx: Ctx, review_id: int) -> Response:
    text = ctx.text("text", label=_("Text"))
    block = ctx.text("block", required=False)
    ctx.checked()
    assert text is not None
    item = followup.add_item(ctx.store, review_id, text, block)
    return ctx.done(
        f"/reviews/{review_id}/seminar", _("Checklist item {item} added").format(item=item.id)
    )


@routes.post(
    "/reviews/{review_id:int}/seminar/items/{item_id:int}/edit",
    needs=Do.edit_checklist,
    again=seminar_page,
)
def edit_item(ctx: Ctx, review_id: int, item_id: int) -> Response:
    text = ctx.text(f"text-{item_id}", label=_("Text"))
    block = ctx.text(f"block-{item_id}", required=False) or ""
    ctx.checked()
    followup.edit_item(ctx.store, review_id, item_id, text=text, block=block)
    return ctx.done(
        f"/reviews/{review_id}/seminar", _("Checklist item {item} updated").format(item=item_id)
    )


@routes.post(
    "/reviews/{review_id:int}/seminar/items/{item_id:int}/merge",
    needs=Do.edit_checklist,
    again=seminar_page,
)
def merge(ctx: Ctx, review_id: int, item_id: int) -> Response:
    into = ctx.number(f"into-{item_id}", label=_("Merge into item"))
    ctx.checked()
    assert into is not None
    followup.merge(ctx.store, review_id, item_id, into)
    return ctx.done(
        f"/reviews/{review_id}/seminar",
        _("Item {item} merged into item {into}").format(item=item_id, into=into),
    )


@routes.document("/reviews/{review_id:int}/seminar/checklist", needs=Do.see_checklist)
def checklist(ctx: Ctx, review_id: int, pdf: bool) -> Response:
    return written(
        lambda out: followup.build_checklist(ctx.store, review_id, out),
        f"uppfoljning-{review_id}.docx",
        pdf=pdf,
    )
