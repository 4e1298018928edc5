"""``/reviews/{id}/report``: what the team writes for the report (findings per block,
recommendations, the report's texts), the draft to download, the handover, and the
handed-over versions.

The host contact sees only the handed-over versions here; everything else needs
``Do.see_notes`` and is checked again on every route. The forms call the same services as
``granskning finding``, ``recommendation`` and ``report text``, so a frozen review refuses
with the CLI's sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from granskning.documents import reports
from granskning.domain.access import Do
from granskning.domain.enums import FindingKind, ReportSection, ReviewState
from granskning.domain.errors import InputError, NotFoundError
from granskning.domain.i18n import _
from granskning.domain.labels import action_done, state as state_label
from granskning.domain.workflow import FROZEN_STATES
from granskning.services import findings, reviews, sessions
from granskning.web.http import Ctx, Handler, Routes, sent

routes = Routes()

# the report's texts in the order the page shows them
SECTIONS = (ReportSection.summary, ReportSection.introduction, ReportSection.reflections)
KINDS = (FindingKind.strength, FindingKind.development)
# states in which nothing the team wrote can change any more
LOCKED = FROZEN_STATES | {ReviewState.closed, ReviewState.cancelled}
SHA_SHOWN = 12


def _url(review_id: int) -> str:
    return f"/reviews/{review_id}/report"


@routes.get("/reviews/{review_id:int}/report", needs=Do.see_report)
def report_page(ctx: Ctx, review_id: int, **_path: Any) -> Response:
    """The page; its forms' ``again`` page too (their extra path parameters are ignored)."""
    shown, action_rows = reviews.overview(ctx.store, review_id)
    hand_over = next(a for a in action_rows if a["action"] == "hand_over")
    versions = reports.versions(ctx.store, review_id)
    for v in versions:
        v["short"] = v["sha256"][:SHA_SHOWN]
    team = _team_view(ctx, review_id) if Do.see_notes in ctx.granted else {}
    return ctx.page(
        "report.html",
        review=shown,
        rights=ctx.granted,
        Do=Do,
        editable=ReviewState(shown["state"]) not in LOCKED,
        hand_over=hand_over,
        versions=versions,
        **team,
    )


def _team_view(ctx: Ctx, review_id: int) -> dict[str, Any]:
    """What only the team sees: findings per block, recommendations and the texts."""
    with ctx.store.read() as s:
        template = reviews.pinned_template(reviews.get_review(s, review_id))
    titles = {b.id: b.title for b in template.blocks}
    recommendations = findings.list_recommendations(ctx.store, review_id)
    for r in recommendations:
        r["block_title"] = titles.get(r["block"], r["block"]) if r["block"] else None
    analyses = findings.block_texts(ctx.store, review_id)
    notes = sessions.review_notes(ctx.store, review_id)
    blocks = _blocks(titles, findings.list_findings(ctx.store, review_id))
    for b in blocks:
        b["analysis"] = analyses.get(b["id"], "")
        b["notes"] = [n for n in notes if n["block"] == b["id"]]
    return {
        "blocks": blocks,
        "options": findings.report_options(ctx.store, review_id),
        "recommendations": recommendations,
        "texts": [
            (s.value, _(findings.SECTION_LABELS[s]), findings.get_text(ctx.store, review_id, s))
            for s in SECTIONS
        ],
        "kind_labels": {k.value: _(label) for k, label in findings.KIND_LABELS.items()},
        "kind_options": [(k.value, _(findings.KIND_LABELS[k]).capitalize()) for k in KINDS],
        "block_options": [("", _("(no particular block)")), *titles.items()],
    }


def _blocks(titles: dict[str, str], found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The template's blocks in order, each with its findings and whether it is marked
    as having none."""
    out = []
    for block, title in titles.items():
        rows = [f for f in found if f["block"] == block]
        marked = any(f["kind"] == FindingKind.none for f in rows)
        out.append({"id": block, "title": title, "findings": rows, "marked_none": marked})
    return out


def _team_form(path: str) -> Callable[[Handler], Handler]:
    """A form of the team's writers (``Do.findings``), shown again on this page when refused."""
    return routes.post(path, needs=Do.findings, again=report_page)


def _one_of(rows: list[dict[str, Any]], ident: int) -> dict[str, Any]:
    """The row ``ident`` of the review's rows; a row of another review does not exist here."""
    for row in rows:
        if row["id"] == ident:
            return row
    raise NotFoundError(_("the page does not exist"))


# -- findings ---------------------------------------------------------------------------------


@_team_form("/reviews/{review_id:int}/report/blocks/{block}/findings")
def add_finding(ctx: Ctx, review_id: int, block: str) -> Response:
    kind = ctx.text(f"kind-{block}", label=_("Kind")) or ""
    body = ctx.text(f"new-{block}", label=_("Finding"))
    ctx.checked()
    assert body is not None
    row = findings.add_finding(ctx.store, review_id, block, kind, body)
    return ctx.done(
        _url(review_id),
        _("finding {id} added to {block}").format(id=row.id, block=row.block_id),
    )


@_team_form("/reviews/{review_id:int}/report/blocks/{block}/none")
def mark_none(ctx: Ctx, review_id: int, block: str) -> Response:
    row = findings.mark_no_findings(ctx.store, review_id, block)
    return ctx.done(
        _url(review_id),
        _('block {block} marked "no findings" (finding {id})').format(
            block=row.block_id, id=row.id
        ),
    )


def _edit_entry(
    ctx: Ctx,
    review_id: int,
    ident: int,
    prefix: str,
    rows: Callable[[], list[dict[str, Any]]],
    edit: Callable[[Any, int, str], Any],
    changed: str,
) -> Response:
    """Replace the text of a finding or recommendation of this review."""
    _one_of(rows(), ident)
    body = ctx.text(f"{prefix}-{ident}", label=_("Text"))
    ctx.checked()
    assert body is not None
    edit(ctx.store, ident, body)
    return ctx.done(_url(review_id), changed.format(id=ident))


@_team_form("/reviews/{review_id:int}/report/findings/{finding_id:int}")
def edit_finding(ctx: Ctx, review_id: int, finding_id: int) -> Response:
    return _edit_entry(
        ctx,
        review_id,
        finding_id,
        "finding",
        lambda: findings.list_findings(ctx.store, review_id),
        findings.edit_finding,
        _("finding {id} changed"),
    )


@_team_form("/reviews/{review_id:int}/report/findings/{finding_id:int}/remove")
def remove_finding(ctx: Ctx, review_id: int, finding_id: int) -> Response:
    _one_of(findings.list_findings(ctx.store, review_id), finding_id)
    findings.remove_finding(ctx.store, finding_id)
    return ctx.done(_url(review_id), _("finding {id} removed").format(id=finding_id))


# -- recommendations --------------------------------------------------------------------------


@_team_form("/reviews/{review_id:int}/report/recommendations")
def add_recommendation(ctx: Ctx, review_id: int) -> Response:
    body = ctx.text("rec-new", label=_("Recommendation"))
    block = ctx.text("rec-block", required=False, label=_("Block"))
    ctx.checked()
    assert body is not None
    row = findings.add_recommendation(ctx.store, review_id, body, block)
    return ctx.done(_url(review_id), _("recommendation {id} added").format(id=row.id))


@_team_form("/reviews/{review_id:int}/report/recommendations/{recommendation_id:int}")
def edit_recommendation(ctx: Ctx, review_id: int, recommendation_id: int) -> Response:
    return _edit_entry(
        ctx,
        review_id,
        recommendation_id,
        "rec",
        lambda: findings.list_recommendations(ctx.store, review_id),
        findings.edit_recommendation,
        _("recommendation {id} changed"),
    )


@_team_form("/reviews/{review_id:int}/report/recommendations/{recommendation_id:int}/remove")
def remove_recommendation(ctx: Ctx, review_id: int, recommendation_id: int) -> Response:
    _one_of(findings.list_recommendations(ctx.store, review_id), recommendation_id)
    findings.remove_recommendation(ctx.store, recommendation_id)
    return ctx.done(_url(review_id), _("recommendation {id} removed").format(id=recommendation_id))


# -- the report's texts -----------------------------------------------------------------------


@_team_form("/reviews/{review_id:int}/report/texts/{section}")
def set_text(ctx: Ctx, review_id: int, section: str) -> Response:
    body = ctx.text(f"text-{section}", label=_("Text"))
    ctx.checked()
    assert body is not None
    findings.set_text(ctx.store, review_id, section, body)
    label = _(findings.SECTION_LABELS[ReportSection(section)])
    return ctx.done(
        _url(review_id), _("{section} of review {id} saved").format(section=label, id=review_id)
    )


@_team_form("/reviews/{review_id:int}/report/blocks/{block}/analysis")
def set_analysis(ctx: Ctx, review_id: int, block: str) -> Response:
    """The team's analysis of a block, which leads the block's chapter."""
    body = ctx.text(f"analysis-{block}", label=_("Text"))
    ctx.checked()
    assert body is not None
    findings.set_text(ctx.store, review_id, findings.BLOCK_SECTION, body, block)
    label = findings.text_label(findings.text_key(findings.BLOCK_SECTION, block))
    return ctx.done(
        _url(review_id), _("{section} of review {id} saved").format(section=label, id=review_id)
    )


@_team_form("/reviews/{review_id:int}/report/notes/{note_id:int}/quote")
def quote_note(ctx: Ctx, review_id: int, note_id: int) -> Response:
    """Choose a note of this review as a quote for the report's body, or no longer."""
    row = _one_of(sessions.review_notes(ctx.store, review_id), note_id)
    quoted = not row["quoted"]
    sessions.quote_note(ctx.store, note_id, quoted)
    done = (
        _("note {id} is quoted in the report")
        if quoted
        else _("note {id} is no longer quoted in the report")
    )
    return ctx.done(_url(review_id), done.format(id=note_id))


@_team_form("/reviews/{review_id:int}/report/options")
def set_options(ctx: Ctx, review_id: int) -> Response:
    """Whether the report carries the appendix of all notes."""
    choice = ctx.text("notes-appendix", label=_("Appendix of all notes"))
    ctx.checked()
    if choice not in ("yes", "no"):
        raise InputError(_("--notes-appendix is yes or no"))
    findings.set_report_options(ctx.store, review_id, notes_appendix=choice == "yes")
    return ctx.done(_url(review_id), _("report options of review {id} saved").format(id=review_id))


# -- the handover -----------------------------------------------------------------------------


@routes.post("/reviews/{review_id:int}/report/hand-over", needs=Do.advance, again=report_page)
def hand_over(ctx: Ctx, review_id: int) -> Response:
    row = reviews.advance(ctx.store, review_id, "hand_over")
    return ctx.done(
        _url(review_id),
        _("{done}; now {state}").format(
            done=action_done("hand_over"), state=state_label(row.state)
        ),
    )


# -- downloads --------------------------------------------------------------------------------


def _name(review_id: int, built: reports.Built) -> str:
    """The download's file name: a draft, or the handed-over version it is."""
    which = "utkast" if built.version is None else f"v{built.version}"
    return f"granskningsrapport-{review_id}-{which}.docx"


@routes.document("/reviews/{review_id:int}/report/draft", needs=Do.see_notes)
def draft(ctx: Ctx, review_id: int, pdf: bool) -> Response:
    """The report as ``granskning report build`` makes it now (a draft before the handover)."""
    built = reports.build(ctx.store, review_id)
    return sent(built.content, _name(review_id, built), pdf=pdf)


@routes.document("/reviews/{review_id:int}/report/versions/{number:int}", needs=Do.see_report)
def version(ctx: Ctx, review_id: int, number: int, pdf: bool) -> Response:
    """A handed-over version, byte for byte as it was stored (or that, as a PDF)."""
    built = reports.build(ctx.store, review_id, version=number)
    return sent(built.content, _name(review_id, built), pdf=pdf)
