"""``/templates``: the question templates found (title, id, version, groups, blocks,
questions), and ``/templates/{id}``: one of them in full, like ``granskning template
list`` and ``template show``. Any logged-in user may read them: they hold no one's data."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from granskning.domain import templates
from granskning.domain.errors import NotFoundError
from granskning.domain.i18n import N_, _
from granskning.web.http import Ctx, Routes

routes = Routes()

KIND_LABELS = {
    "open": N_("open question"),
    "completion": N_("sentence to complete"),
    "rating": N_("rating 1-4"),
}


def _listed(source: templates.TemplateSource) -> dict[str, Any]:
    """A template as the list shows it."""
    t = source.template
    return {
        "id": t.id,
        "version": t.version,
        "title": t.title,
        "language": t.language,
        "origin": _(templates.ORIGIN_LABELS.get(source.origin, source.origin)),
        "groups": [g.name() for g in t.groups],
        "blocks": len(t.blocks),
        "questions": sum(len(b.questions) for b in t.blocks),
    }


@routes.get("/templates")
def templates_page(ctx: Ctx) -> Response:
    found = templates.catalog().templates
    return ctx.page("templates.html", found=[_listed(s) for s in found])


@routes.get("/templates/{template_id}")
def template_page(ctx: Ctx, template_id: str) -> Response:
    # only the catalog's templates by id: never a file named in the address
    for source in templates.catalog().templates:
        if source.template.id == template_id:
            break
    else:
        raise NotFoundError(_("the page does not exist"))
    t = source.template
    return ctx.page(
        "template.html",
        source=source,
        t=t,
        origin=_(templates.ORIGIN_LABELS.get(source.origin, source.origin)),
        groups=[
            {
                "id": g.id,
                "name": g.name(),
                "questions": len(t.questions_for(g.id)),
                "minutes": t.minutes_for(g.id),
            }
            for g in t.groups
        ],
        asked_of=lambda q: ", ".join(t.group(gid).name() for gid in q.groups),
        kind_label=lambda kind: _(KIND_LABELS[kind]),
    )
