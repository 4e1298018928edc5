"""What the review team writes for the report: findings, recommendations and report texts.

Findings belong to a block of the pinned question template and are strengths (styrkor),
development areas (utvecklingsområden), or an explicit "no findings" for the block.
Recommendations may point at a block. The report texts are the summary, the reviewers'
reflections and the introduction. Every change is one transaction with its audit event,
and none is possible once the review has been handed over (:func:`reviews.ensure_editable`).

Texts are stored as the team typed them, tidied: line ends unified, trailing spaces and
characters that cannot appear in a Word document removed. Paragraphs (blank lines) and
simple lists ("- ", "* ", "1. ") are turned into Word paragraphs when the report is built.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from granskning.domain import text as text_
from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.domain.i18n import N_, _
from granskning.domain.timefmt import format_local
from granskning.services.reviews import ensure_editable, get_review, pinned_template
from granskning.storage.audit import record
from granskning.storage.model import (
    Finding,
    FindingKind,
    Recommendation,
    ReportSection,
    ReportText,
    Review,
)
from granskning.storage.store import Store

FINDING_LIMIT = 10_000
TEXT_LIMIT = 200_000

KIND_LABELS = {
    FindingKind.strength: N_("strength"),
    FindingKind.development: N_("development area"),
    FindingKind.none: N_("no findings"),
}
SECTION_LABELS = {
    ReportSection.summary: N_("summary"),
    ReportSection.reflections: N_("the reviewers' reflections"),
    ReportSection.introduction: N_("introduction"),
}


def clean_text(text: str, what: str, limit: int) -> str:
    """``text`` tidied for storing, its lines kept (see :func:`granskning.domain.text.clean_text`)."""
    return text_.clean_text(text, what, limit, lines=True)


def _excerpt(text: str, n: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def _editable_review(session: Session, review_id: int) -> Review:
    review = get_review(session, review_id)
    ensure_editable(review)
    return review


def _check_block(review: Review, block_id: str) -> str:
    return pinned_template(review).block(block_id).id


# -- findings -------------------------------------------------------------------------------


def _block_findings(session: Session, review_id: int, block_id: str) -> list[Finding]:
    return list(
        session.exec(
            select(Finding)
            .where(Finding.review_id == review_id, Finding.block_id == block_id)
            .order_by(col(Finding.id))
        ).all()
    )


def add_finding(store: Store, review_id: int, block: str, kind: str, text: str) -> Finding:
    """Add a strength or development area to a block of the review's template.

    :param block: the block id in the review's pinned template.
    :param kind: ``strength`` or ``development``.
    """
    if kind not in (FindingKind.strength.value, FindingKind.development.value):
        raise InputError(_("unknown kind {kind} (one of: strength, development)").format(kind=kind))
    body = clean_text(text, _("the finding"), FINDING_LIMIT)
    with store.atomic() as s:
        review = _editable_review(s, review_id)
        block_id = _check_block(review, block)
        for f in _block_findings(s, review_id, block_id):
            if f.kind == FindingKind.none.value:
                raise RuleError(
                    _(
                        'block {block} is marked "no findings" (finding {id}); '
                        "remove that first: finding remove {id}"
                    ).format(block=block_id, id=f.id)
                )
        row = Finding(
            review_id=review_id, block_id=block_id, kind=kind, text=body, created_at=store.now()
        )
        s.add(row)
        s.flush()
        record(
            s,
            store,
            entity="finding",
            action="add",
            review_id=review_id,
            data={"finding": row.uid, "block": block_id, "kind": kind},
            comment=_excerpt(body),
        )
        return row


def mark_no_findings(store: Store, review_id: int, block: str) -> Finding:
    """Record that the team has no findings for ``block`` (the handover needs one or the other)."""
    with store.atomic() as s:
        review = _editable_review(s, review_id)
        block_id = _check_block(review, block)
        existing = _block_findings(s, review_id, block_id)
        if any(f.kind == FindingKind.none.value for f in existing):
            raise RuleError(
                _('block {block} is already marked "no findings"').format(block=block_id)
            )
        if existing:
            raise RuleError(
                _(
                    "block {block} already has {n} finding(s); remove them first to mark it "
                    '"no findings"'
                ).format(block=block_id, n=len(existing))
            )
        row = Finding(
            review_id=review_id,
            block_id=block_id,
            kind=FindingKind.none.value,
            text="",
            created_at=store.now(),
        )
        s.add(row)
        s.flush()
        record(
            s,
            store,
            entity="finding",
            action="none",
            review_id=review_id,
            data={"finding": row.uid, "block": block_id},
        )
        return row


def _get_finding(session: Session, finding_id: int) -> Finding:
    row = session.get(Finding, finding_id)
    if row is None:
        raise NotFoundError(_("finding {id} does not exist").format(id=finding_id))
    return row


def edit_finding(store: Store, finding_id: int, text: str) -> Finding:
    """Replace the text of a finding."""
    body = clean_text(text, _("the finding"), FINDING_LIMIT)
    with store.atomic() as s:
        row = _get_finding(s, finding_id)
        _editable_review(s, row.review_id)
        if row.kind == FindingKind.none.value:
            raise RuleError(
                _('finding {id} is a "no findings" mark and has no text').format(id=finding_id)
            )
        row.text = body
        s.add(row)
        record(
            s,
            store,
            entity="finding",
            action="edit",
            review_id=row.review_id,
            data={"finding": row.uid, "block": row.block_id, "kind": row.kind},
            comment=_excerpt(body),
        )
        return row


def remove_finding(store: Store, finding_id: int) -> Finding:
    """Delete a finding (or a "no findings" mark)."""
    with store.atomic() as s:
        row = _get_finding(s, finding_id)
        _editable_review(s, row.review_id)
        s.delete(row)
        record(
            s,
            store,
            entity="finding",
            action="remove",
            review_id=row.review_id,
            data={"finding": row.uid, "block": row.block_id, "kind": row.kind},
            comment=_excerpt(row.text) or None,
        )
        return row


def finding_dict(row: Finding) -> dict[str, Any]:
    """A finding as JSON."""
    return {
        "id": row.id,
        "review": row.review_id,
        "block": row.block_id,
        "kind": row.kind,
        "text": row.text,
        "created": format_local(row.created_at),
    }


def list_findings(store: Store, review_id: int, block: str | None = None) -> list[dict[str, Any]]:
    """The review's findings in template block order, then as entered."""
    with store.read() as s:
        review = get_review(s, review_id)
        template = pinned_template(review)
        if block is not None:
            block = template.block(block).id
        query = select(Finding).where(Finding.review_id == review_id)
        if block is not None:
            query = query.where(Finding.block_id == block)
        rows = list(s.exec(query.order_by(col(Finding.id))).all())
    order = {b.id: i for i, b in enumerate(template.blocks)}
    rows.sort(key=lambda f: (order.get(f.block_id, len(order)), f.id or 0))
    return [finding_dict(r) for r in rows]


# -- recommendations ------------------------------------------------------------------------


def add_recommendation(
    store: Store, review_id: int, text: str, block: str | None = None
) -> Recommendation:
    """Add a recommendation to the host, optionally about one block of the template."""
    body = clean_text(text, _("the recommendation"), FINDING_LIMIT)
    with store.atomic() as s:
        review = _editable_review(s, review_id)
        block_id = _check_block(review, block) if block is not None else None
        row = Recommendation(
            review_id=review_id, block_id=block_id, text=body, created_at=store.now()
        )
        s.add(row)
        s.flush()
        record(
            s,
            store,
            entity="recommendation",
            action="add",
            review_id=review_id,
            data={"recommendation": row.uid},
            comment=_excerpt(body),
        )
        return row


def _get_recommendation(session: Session, rec_id: int) -> Recommendation:
    row = session.get(Recommendation, rec_id)
    if row is None:
        raise NotFoundError(_("recommendation {id} does not exist").format(id=rec_id))
    return row


def edit_recommendation(store: Store, rec_id: int, text: str) -> Recommendation:
    """Replace the text of a recommendation."""
    body = clean_text(text, _("the recommendation"), FINDING_LIMIT)
    with store.atomic() as s:
        row = _get_recommendation(s, rec_id)
        _editable_review(s, row.review_id)
        row.text = body
        s.add(row)
        record(
            s,
            store,
            entity="recommendation",
            action="edit",
            review_id=row.review_id,
            data={"recommendation": row.uid},
            comment=_excerpt(body),
        )
        return row


def remove_recommendation(store: Store, rec_id: int) -> Recommendation:
    """Delete a recommendation."""
    with store.atomic() as s:
        row = _get_recommendation(s, rec_id)
        _editable_review(s, row.review_id)
        s.delete(row)
        record(
            s,
            store,
            entity="recommendation",
            action="remove",
            review_id=row.review_id,
            data={"recommendation": row.uid},
            comment=_excerpt(row.text),
        )
        return row


def recommendation_dict(row: Recommendation) -> dict[str, Any]:
    """A recommendation as JSON."""
    return {
        "id": row.id,
        "review": row.review_id,
        "block": row.block_id,
        "text": row.text,
        "created": format_local(row.created_at),
    }


def list_recommendations(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The review's recommendations in the order they were entered."""
    with store.read() as s:
        get_review(s, review_id)
        rows = s.exec(
            select(Recommendation)
            .where(Recommendation.review_id == review_id)
            .order_by(col(Recommendation.id))
        ).all()
        return [recommendation_dict(r) for r in rows]


# -- report texts ---------------------------------------------------------------------------


def _section(section: str) -> ReportSection:
    try:
        return ReportSection(section)
    except ValueError:
        raise InputError(
            _("unknown section {section} (one of: {sections})").format(
                section=section, sections=", ".join(s.value for s in ReportSection)
            )
        ) from None


def set_text(store: Store, review_id: int, section: str, text: str) -> ReportText:
    """Write (or replace) one of the report's texts.

    :param section: ``summary``, ``reflections`` or ``introduction``.
    """
    which = _section(section)
    body = clean_text(text, _(SECTION_LABELS[which]), TEXT_LIMIT)
    with store.atomic() as s:
        _editable_review(s, review_id)
        row = s.get(ReportText, (review_id, which.value))
        action = "text_replace" if row is not None else "text_add"
        if row is None:
            row = ReportText(
                review_id=review_id, section=which.value, text=body, updated_at=store.now()
            )
        else:
            row.text = body
            row.updated_at = store.now()
        s.add(row)
        record(
            s,
            store,
            entity="report",
            action=action,
            review_id=review_id,
            data={"section": which.value, "characters": len(body)},
        )
        return row


def get_text(store: Store, review_id: int, section: str) -> str:
    """The current text of a report section ("" when not written yet)."""
    which = _section(section)
    with store.read() as s:
        get_review(s, review_id)
        row = s.get(ReportText, (review_id, which.value))
        return row.text if row is not None else ""


__all__ = [
    "add_finding",
    "add_recommendation",
    "clean_text",
    "edit_finding",
    "edit_recommendation",
    "get_text",
    "list_findings",
    "list_recommendations",
    "mark_no_findings",
    "remove_finding",
    "remove_recommendation",
    "set_text",
]
