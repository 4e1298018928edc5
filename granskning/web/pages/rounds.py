"""``/rounds`` (coordinators only): the rounds; ``/rounds/{id}``: a round's members and
reviews, its plan as a preview (nothing written) and the form that carries it out, and the
round's compilation as a Word document (the same as ``granskning round ...``)."""

from __future__ import annotations

from starlette.responses import Response

from granskning.documents import compilation
from granskning.domain.errors import GranskningError
from granskning.domain.i18n import _
from granskning.services import rounds
from granskning.web.http import Ctx, Routes, written

routes = Routes()


@routes.get("/rounds", coordinator=True)
def rounds_page(ctx: Ctx) -> Response:
    return ctx.page("rounds.html", rounds=rounds.list_rounds(ctx.store))


def _per_host(ctx: Ctx) -> int | None:
    """The reviewing municipalities per host asked for (``?per_host=``, or the plan's form
    shown again); None: the default."""
    raw = ctx.request.query_params.get("per_host") or ctx.raw("per_host")
    try:
        return int(raw.strip())
    except ValueError:
        return None


@routes.get("/rounds/{round_id:int}", coordinator=True)
def round_page(ctx: Ctx, round_id: int) -> Response:
    shown = rounds.show(ctx.store, round_id)
    per_host = _per_host(ctx)
    preview = None
    refused = None
    try:
        preview = rounds.plan(ctx.store, round_id, per_host, dry_run=True)
    except GranskningError as exc:
        refused = str(exc)
    return ctx.page(
        "round.html",
        round=shown,
        preview=preview,
        refused=refused,
        per_host=per_host or (preview.per_host if preview else rounds.DEFAULT_REVIEWERS_PER_HOST),
    )


@routes.post("/rounds/{round_id:int}/plan", coordinator=True, again=round_page)
def plan(ctx: Ctx, round_id: int) -> Response:
    per_host = ctx.number("per_host", label=_("Reviewing municipalities per host"))
    ctx.checked()
    result = rounds.plan(ctx.store, round_id, per_host)
    if result.stored:
        message = _("Round {id} is under way: nothing was changed").format(id=round_id)
    else:
        message = _(
            "Round {id} planned; reviews created: {created}, changed: {changed}, kept: {kept}"
        ).format(id=round_id, created=result.created, changed=result.changed, kept=result.kept)
    return ctx.done(f"/rounds/{round_id}", message)


@routes.document("/rounds/{round_id:int}/compilation", coordinator=True)
def compilation_document(ctx: Ctx, round_id: int, pdf: bool) -> Response:
    rounds.show(ctx.store, round_id)  # an unknown round: 404 before any file is made
    return written(
        lambda out: compilation.build_report(ctx.store, round_id, out),
        f"sammanstallning-{round_id}.docx",
        pdf=pdf,
    )
