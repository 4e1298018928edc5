"""``/search``: full-text search across the reviews the user may see (the same service and
query syntax as ``granskning search``), each hit with its marked snippet."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.services import search as lib
from granskning.web.http import Ctx, Routes

routes = Routes()

LIMIT = 50


def _kinds() -> list[tuple[str, str]]:
    return [
        ("", _("Everything")),
        ("note", _("Notes")),
        ("finding", _("Findings")),
        ("recommendation", _("Recommendations")),
        ("text", _("Report texts")),
        ("item", _("Checklist items")),
    ]


def _parts(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, matched) pieces: the template marks the matched ones."""
    out = []
    for n, piece in enumerate(snippet.replace(lib.STOP, lib.START).split(lib.START)):
        if piece:
            out.append((piece, n % 2 == 1))
    return out


def _scope(ctx: Ctx) -> lib.Scope:
    params = ctx.request.query_params
    round_text = (params.get("round") or "").strip()
    if round_text and not round_text.isdigit():
        raise InputError(_("the round is a number"))
    return lib.Scope(
        round_id=int(round_text) if round_text else None,
        municipality=(params.get("municipality") or "").strip() or None,
        kind=params.get("kind") or None,
    )


@routes.get("/search")
def search_page(ctx: Ctx) -> Response:
    query = (ctx.request.query_params.get("q") or "").strip()
    ctx.form = ctx.request.query_params  # type: ignore[assignment]
    hits: list[dict[str, Any]] = []
    if query:
        try:
            hits = lib.search(ctx.store, query, _scope(ctx), limit=LIMIT, viewer=ctx.viewer)
        except InputError as exc:
            ctx.problem, ctx.status = str(exc), 422
    for hit in hits:
        hit["parts"] = _parts(hit["snippet"])
    return ctx.page("search.html", query=query, hits=hits, kinds=_kinds(), limit=LIMIT)
