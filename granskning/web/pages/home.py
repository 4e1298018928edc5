"""``/`` "Mina granskningar": the user's reviews with their state and next step; a
coordinator sees every review, grouped by round."""

from __future__ import annotations

from itertools import groupby

from starlette.responses import Response

from granskning.services import access
from granskning.web.http import Ctx, Routes, query_int

routes = Routes()


@routes.get("/")
def my_reviews(ctx: Ctx) -> Response:
    found = access.my_reviews(
        ctx.store, ctx.viewer, page=query_int(ctx.request.query_params, "page", 1)
    )
    rounds = [
        (key, list(rows))
        for key, rows in groupby(found.rows, key=lambda r: (r["round"], r["year"]))
    ]
    return ctx.page("home.html", found=found, rounds=rounds)
