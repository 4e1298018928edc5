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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlmodel import Session, col, func, select

from granskning.domain import events, finding_rules, text as text_
from granskning.domain.errors import InputError, refuse
from granskning.domain.i18n import N_, _
from granskning.domain.timefmt import format_local
from granskning.services.reviews import ensure_editable, get_review, pinned_template
from granskning.storage.model import (
    Finding,
    FindingKind,
    Recommendation,
    ReportSection,
    ReportText,
    Review,
)
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

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
# The report's texts by name.
_SECTIONS = {s.value: s for s in ReportSection}
# The team's analysis of a block: section "block" with a block id, stored as "block:<id>".
BLOCK_SECTION = "block"
BLOCK_PREFIX = "block:"


def clean_text(text: str, what: str, limit: int) -> str:
    """``text`` tidied for storing, its lines kept (see :func:`granskning.domain.text.clean_text`)."""
    return text_.clean_text(text, what, limit, lines=True)


def _excerpt(text: str, n: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def _editable_review(work: Work, review_id: int) -> Review:
    review = work.get(Review, review_id)
    ensure_editable(review)
    return review


def _check_block(review: Review, block_id: str) -> str:
    return pinned_template(review).block(block_id).id


# -- what the team writes, entry by entry: findings and recommendations ----------------------

Row = TypeVar("Row", Finding, Recommendation)


@dataclass(frozen=True)
class _Entries(Generic[Row]):
    """What editing and removing an entry of one kind needs: its table, what it is called
    in messages, the event of a change (from the row, the act and the excerpt), and why
    its text cannot be changed."""

    model: type[Row]
    what: str
    event: Callable[[Row, str, str], events.Event]
    edit_reasons: Callable[[Row], list[str]]


def _finding_event(row: Finding, act: str, excerpt: str) -> events.Event:
    return events.FindingChanged(
        act=act,
        review_id=row.review_id,
        finding=row.uid,
        block=row.block_id,
        kind=row.kind,
        comment=excerpt or None,  # a "no findings" mark has no text
    )


def _recommendation_event(row: Recommendation, act: str, excerpt: str) -> events.Event:
    return events.RecommendationChanged(
        act=act, review_id=row.review_id, recommendation=row.uid, comment=excerpt
    )


FINDINGS = _Entries(
    Finding,
    N_("the finding"),
    _finding_event,
    lambda row: finding_rules.edit_reasons(row.id, row.kind),
)
RECOMMENDATIONS = _Entries(
    Recommendation, N_("the recommendation"), _recommendation_event, lambda _row: []
)


def _edit(work: Work, entries: _Entries[Row], ident: int, text: str) -> Row:
    """Replace the text of an entry."""
    body = clean_text(text, _(entries.what), FINDING_LIMIT)
    row = work.get(entries.model, ident)
    _editable_review(work, row.review_id)
    refuse(entries.edit_reasons(row))
    row.text = body
    work.session.add(row)
    work.emit(entries.event(row, "edit", _excerpt(body)))
    return row


def _remove(work: Work, entries: _Entries[Row], ident: int) -> Row:
    """Delete an entry."""
    row = work.get(entries.model, ident)
    _editable_review(work, row.review_id)
    work.session.delete(row)
    work.emit(entries.event(row, "remove", _excerpt(row.text)))
    return row


@writes
def edit_finding(work: Work, finding_id: int, text: str) -> Finding:
    """Replace the text of a finding."""
    return _edit(work, FINDINGS, finding_id, text)


@writes
def edit_recommendation(work: Work, rec_id: int, text: str) -> Recommendation:
    """Replace the text of a recommendation."""
    return _edit(work, RECOMMENDATIONS, rec_id, text)


@writes
def remove_finding(work: Work, finding_id: int) -> Finding:
    """Delete a finding (or a "no findings" mark)."""
    return _remove(work, FINDINGS, finding_id)


@writes
def remove_recommendation(work: Work, rec_id: int) -> Recommendation:
    """Delete a recommendation."""
    return _remove(work, RECOMMENDATIONS, rec_id)


# -- findings -------------------------------------------------------------------------------


def _block_findings(
    session: Session, review_id: int, block_id: str
) -> list[tuple[int | None, str]]:
    """The findings of a block, as (id, kind) in the order they were entered."""
    rows = session.exec(
        select(Finding)
        .where(Finding.review_id == review_id, Finding.block_id == block_id)
        .order_by(col(Finding.id))
    ).all()
    return [(f.id, f.kind) for f in rows]


@writes
def add_finding(work: Work, review_id: int, block: str, kind: str, text: str) -> Finding:
    """Add a strength or development area to a block of the review's template.

    :param block: the block id in the review's pinned template.
    :param kind: ``strength`` or ``development``.
    """
    if kind not in (FindingKind.strength.value, FindingKind.development.value):
        raise InputError(_("unknown kind {kind} (one of: strength, development)").format(kind=kind))
    body = clean_text(text, _("the finding"), FINDING_LIMIT)
    review = _editable_review(work, review_id)
    block_id = _check_block(review, block)
    refuse(finding_rules.add_reasons(block_id, _block_findings(work.session, review_id, block_id)))
    row = work.add(
        Finding(review_id=review_id, block_id=block_id, kind=kind, text=body, created_at=work.now())
    )
    work.emit(_finding_event(row, "add", _excerpt(body)))
    return row


@writes
def mark_no_findings(work: Work, review_id: int, block: str) -> Finding:
    """Record that the team has no findings for ``block`` (the handover needs one or the other)."""
    review = _editable_review(work, review_id)
    block_id = _check_block(review, block)
    existing = _block_findings(work.session, review_id, block_id)
    refuse(finding_rules.mark_none_reasons(block_id, existing))
    row = work.add(
        Finding(
            review_id=review_id,
            block_id=block_id,
            kind=FindingKind.none.value,
            text="",
            created_at=work.now(),
        )
    )
    work.emit(events.NoFindings(review_id=review_id, finding=row.uid, block=block_id))
    return row


def _entry_dict(row: Finding | Recommendation, **own: Any) -> dict[str, Any]:
    """An entry as JSON: its id, review and block, the fields of its kind, text and date."""
    return {
        "id": row.id,
        "review": row.review_id,
        "block": row.block_id,
        **own,
        "text": row.text,
        "created": format_local(row.created_at),
    }


def finding_dict(row: Finding) -> dict[str, Any]:
    """A finding as JSON."""
    return _entry_dict(row, kind=row.kind)


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


@writes
def add_recommendation(
    work: Work, review_id: int, text: str, block: str | None = None
) -> Recommendation:
    """Add a recommendation to the host, optionally about one block of the template."""
    body = clean_text(text, _("the recommendation"), FINDING_LIMIT)
    review = _editable_review(work, review_id)
    block_id = _check_block(review, block) if block is not None else None
    # the next number of the review's thread; one removed is never given again
    review.recommendations_issued = next_number(work.session, review)
    work.session.add(review)
    row = work.add(
        Recommendation(
            review_id=review_id,
            block_id=block_id,
            number=review.recommendations_issued,
            text=body,
            created_at=work.now(),
        )
    )
    work.emit(_recommendation_event(row, "add", _excerpt(body)))
    return row


def next_number(session: Session, review: Review) -> int:
    """The number the review's next recommendation gets (R1, R2, ...)."""
    highest = session.exec(
        select(func.max(Recommendation.number)).where(Recommendation.review_id == review.id)
    ).one()
    return max(review.recommendations_issued, highest or 0) + 1


def number_unnumbered(session: Session, review_id: int) -> int:
    """Number the review's recommendations that have no number yet (rows from a file made
    before numbering), after the highest, in the order they were made; how many."""
    review = session.get(Review, review_id)
    if review is None:
        return 0
    rows = session.exec(
        select(Recommendation)
        .where(Recommendation.review_id == review_id, col(Recommendation.number).is_(None))
        .order_by(col(Recommendation.created_at), col(Recommendation.id))
    ).all()
    for row in rows:
        review.recommendations_issued = next_number(session, review)
        row.number = review.recommendations_issued
        session.add(row)
        session.flush()
    if rows:
        session.add(review)
    return len(rows)


def code(number: int | None) -> str:
    """A recommendation's number as it is shown: "R3"."""
    return f"R{number}" if number else ""


def recommendation_dict(row: Recommendation) -> dict[str, Any]:
    """A recommendation as JSON, with its number ("R3" is ``code``)."""
    return _entry_dict(row, number=row.number, code=code(row.number))


def list_recommendations(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The review's recommendations in the order they were entered."""
    with store.read() as s:
        get_review(s, review_id)
        rows = s.exec(
            select(Recommendation)
            .where(Recommendation.review_id == review_id)
            .order_by(col(Recommendation.number), col(Recommendation.id))
        ).all()
        return [recommendation_dict(r) for r in rows]


# -- report texts ---------------------------------------------------------------------------


def _section(section: str) -> ReportSection:
    which = _SECTIONS.get(section)
    if which is None:
        raise InputError(
            _("unknown section {section} (one of: {sections})").format(
                section=section, sections=", ".join([*_SECTIONS, BLOCK_SECTION])
            )
        )
    return which


def text_key(section: str, block: str | None = None) -> str:
    """The stored key of a report text: the section's name, or "block:<id>" for the team's
    analysis of a block (the block's id is checked against the template by the caller)."""
    if section == BLOCK_SECTION:
        if not block:
            raise InputError(_("--section block needs --block BLOCK"))
        return BLOCK_PREFIX + block
    if block is not None:
        raise InputError(_("--block goes only with --section block"))
    return _section(section).value


def text_label(key: str) -> str:
    """What a report text is called in messages ("summary", "the analysis of block styr")."""
    if key.startswith(BLOCK_PREFIX):
        return _("the analysis of block {block}").format(block=key[len(BLOCK_PREFIX) :])
    return _(SECTION_LABELS[ReportSection(key)])


def _checked_key(review: Review, section: str, block: str | None) -> str:
    key = text_key(section, block)
    if block is not None:
        _check_block(review, block)
    return key


@writes
def set_text(
    work: Work, review_id: int, section: str, text: str, block: str | None = None
) -> ReportText:
    """Write (or replace) one of the report's texts.

    :param section: ``summary``, ``reflections``, ``introduction`` or ``block`` (the
        team's analysis of ``block``, which leads that block's chapter).
    """
    key = text_key(section, block)
    body = clean_text(text, text_label(key), TEXT_LIMIT)
    review = _editable_review(work, review_id)
    _checked_key(review, section, block)
    row = work.session.get(ReportText, (review_id, key))
    act = "text_replace" if row is not None else "text_add"
    if row is None:
        row = ReportText(review_id=review_id, section=key, text=body, updated_at=work.now())
    else:
        row.text = body
        row.updated_at = work.now()
    work.session.add(row)
    work.emit(events.ReportTextSet(act=act, review_id=review_id, section=key, characters=len(body)))
    return row


def get_text(store: Store, review_id: int, section: str, block: str | None = None) -> str:
    """The current text of a report section ("" when not written yet)."""
    with store.read() as s:
        key = _checked_key(get_review(s, review_id), section, block)
        row = s.get(ReportText, (review_id, key))
        return row.text if row is not None else ""


def block_texts(store: Store, review_id: int) -> dict[str, str]:
    """The team's analysis of each block that has one, by block id."""
    with store.read() as s:
        get_review(s, review_id)
        rows = s.exec(
            select(ReportText).where(
                ReportText.review_id == review_id,
                col(ReportText.section).startswith(BLOCK_PREFIX),
            )
        ).all()
        return {r.section[len(BLOCK_PREFIX) :]: r.text for r in rows}


# -- what the report carries -----------------------------------------------------------------


def options_dict(review: Review) -> dict[str, Any]:
    """The review's report options as ``report options --json`` shows them."""
    return {
        "id": review.id,
        "review": review.id,
        # not chosen: included (a draft shows everything; the team leaves it out for the handover)
        "notes_appendix": review.notes_appendix is not False,
        "notes_appendix_chosen": review.notes_appendix is not None,
    }


def report_options(store: Store, review_id: int) -> dict[str, Any]:
    """What the review's report carries (see :func:`set_report_options`)."""
    with store.read() as s:
        return options_dict(get_review(s, review_id))


@writes
def set_report_options(work: Work, review_id: int, *, notes_appendix: bool) -> dict[str, Any]:
    """Choose whether the report carries the appendix of all notes, by question and group.

    Not chosen, it does. Setting what is set already changes nothing; a handed-over review
    cannot change.
    """
    review = _editable_review(work, review_id)
    before = review.notes_appendix
    if before is not notes_appendix:
        review.notes_appendix = notes_appendix
        work.session.add(review)
        work.emit(
            events.ReportOptionsSet(
                review_id=review_id, notes_appendix=notes_appendix, before=before
            )
        )
    return options_dict(review)


__all__ = [
    "BLOCK_PREFIX",
    "BLOCK_SECTION",
    "add_finding",
    "block_texts",
    "add_recommendation",
    "clean_text",
    "code",
    "edit_finding",
    "edit_recommendation",
    "get_text",
    "text_key",
    "text_label",
    "list_findings",
    "list_recommendations",
    "options_dict",
    "report_options",
    "set_report_options",
    "mark_no_findings",
    "next_number",
    "number_unnumbered",
    "remove_finding",
    "remove_recommendation",
    "set_text",
]
