"""``/municipalities/{name}/history``: a municipality's reviews across rounds, and the same
as a Word document (the same as ``granskning municipality history``).

Coordinators see everything; the municipality's own host contacts see its handed-over
reviews only; anyone else gets 404, as for a municipality that does not exist.
"""

from __future__ import annotations

from starlette.responses import Response

from granskning.documents.style import STATUS_COLOURS
from granskning.services import history
from granskning.web.http import Ctx, Routes, written

routes = Routes()


@routes.get("/municipalities/{name}/history")
def history_page(ctx: Ctx, name: str) -> Response:
    data = history.history(ctx.store, name, ctx.viewer)
    return ctx.page("history.html", h=data, colours=STATUS_COLOURS)


@routes.document("/municipalities/{name}/history")
def history_document(ctx: Ctx, name: str, pdf: bool) -> Response:
    # checked (404) before any file is made
    found = history.history(ctx.store, name, ctx.viewer)
    return written(
        lambda out: history.build_docx(ctx.store, name, out, ctx.lang, ctx.viewer),
        f"kommunhistorik-{found['id']}.docx",
        pdf=pdf,
    )
