"""The follow-up seminar (uppföljningsseminarium): checklist items, scheduling, statuses.

On handover every recommendation, development area and Framtid commitment becomes a
checklist item. The coordinator may add and merge items until the seminar is held; at the
seminar each item gets a status (not started / in progress / done: red / amber / green), a
comment and a responsible person. ``hold_seminar`` is blocked while an item lacks a status.

Every change is one unit of work (:mod:`granskning.storage.uow`); the rules of when the
seminar and its checklist may change are in :mod:`granskning.domain.seminar`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from granskning.documents.checklist import ChecklistFacts, write_checklist
from granskning.documents.logo import SMALL_WIDTH_MM, cover_logo
from granskning.documents.style import DEFAULT_PARTNERSHIP, STATUS_COLOURS, STATUS_FILLS
from granskning.domain import events, seminar
from granskning.domain.errors import InputError, NotFoundError, refuse
from granskning.domain.events import HandedOver, SeminarScheduled
from granskning.domain.i18n import N_, _
from granskning.domain.labels import (
    COLOUR_LABELS as COLOUR_LABELS,
    STATUS_LABELS as STATUS_LABELS,
)
from granskning.domain.seminar import (
    SEMINAR_HELD,
    add_months as add_months,
    check_merge as check_merge,
    suggest_start as suggest_start,
)
from granskning.domain.templates import Template
from granskning.domain.text import REASON_LIMIT, clean_optional, clean_text
from granskning.domain.timefmt import format_local, parse_date, to_local
from granskning.services import reviews
from granskning.services.interviews import check_place
from granskning.storage.audit import utc_iso
from granskning.storage.model import (
    NAME_MAX,
    AuditEvent,
    Finding,
    FindingKind,
    FollowUpItem,
    FollowUpSource,
    FollowUpStatus,
    Interview,
    Municipality,
    Note,
    Recommendation,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Round,
    SeminarParticipant,
)
from granskning.storage.queries import get_review, pinned_template
from granskning.storage.settings import PARTNERSHIP_NAME, read_setting
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

SOURCE_LABELS = {
    FollowUpSource.recommendation: N_("recommendation"),
    FollowUpSource.development: N_("development area"),
    FollowUpSource.commitment: N_("commitment"),
    FollowUpSource.manual: N_("added"),
}
TEXT_LIMIT = 5000
FUTURE_BLOCK = "framtid"


# -- on handover -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    kind: FollowUpSource
    uid: str
    block_id: str | None
    text: str


def _sources(session: Session, review: Review) -> list[_Source]:
    """What becomes a checklist item, in report order: recommendations, development areas, commitments."""
    template = pinned_template(review)
    return [
        *_recommendations(session, review),
        *_development_areas(session, review, template),
        *_commitments(session, review, template),
    ]


def _recommendations(session: Session, review: Review) -> Iterator[_Source]:
    for rec in session.exec(
        select(Recommendation)
        .where(Recommendation.review_id == review.id)
        .order_by(col(Recommendation.id))
    ).all():
        yield _Source(FollowUpSource.recommendation, rec.uid, rec.block_id, rec.text)


def _development_areas(session: Session, review: Review, template: Template) -> Iterator[_Source]:
    """Development areas block by block in the template's order."""
    block_order = {b.id: i for i, b in enumerate(template.blocks)}
    findings = session.exec(
        select(Finding)
        .where(Finding.review_id == review.id, Finding.kind == FindingKind.development.value)
        .order_by(col(Finding.id))
    ).all()
    for f in sorted(findings, key=lambda f: (block_order.get(f.block_id, len(block_order)), f.id)):
        yield _Source(FollowUpSource.development, f.uid, f.block_id, f.text)


def commitment_block(template: Template) -> str | None:
    """The block whose answers are commitments: Framtid (``framtid``), else the last block
    with sentences to complete."""
    ids = [b.id for b in template.blocks if any(q.kind == "completion" for q in b.questions)]
    if FUTURE_BLOCK in ids:
        return FUTURE_BLOCK
    return ids[-1] if ids else None


def _commitments(session: Session, review: Review, template: Template) -> Iterator[_Source]:
    """Answers in the Framtid block (its sentences to complete), question by question."""
    future = commitment_block(template)
    completion = {
        q.id: (b.id, bi * 1000 + qi)
        for bi, b in enumerate(template.blocks)
        for qi, q in enumerate(b.questions)
        if q.kind == "completion" and b.id == future
    }
    if not completion:
        return
    notes = session.exec(
        select(Note)
        .join(Interview, Interview.id == Note.interview_id)  # type: ignore[arg-type]
        .where(
            Interview.review_id == review.id,
            col(Note.question_id).in_(completion),
            col(Note.removed_at).is_(None),
        )
        .order_by(col(Note.id))
    ).all()
    for n in sorted(notes, key=lambda n: (completion[n.question_id or ""][1], n.id)):
        if n.text.strip():
            yield _Source(
                FollowUpSource.commitment, n.uid, completion[n.question_id or ""][0], n.text
            )


def create_items(work: Work, event: HandedOver) -> None:
    """On ``hand_over``: turn the report's recommendations, development areas and
    commitments into checklist items.

    Handing over again after a reopen keeps the items already made (matched on the source's
    uid), refreshes their text, adds new ones and drops those whose source is gone.
    """
    session = work.session
    review = work.get(Review, event.review_id)
    existing = {
        i.source_uid: i
        for i in session.exec(
            select(FollowUpItem).where(
                FollowUpItem.review_id == review.id, col(FollowUpItem.source_uid).is_not(None)
            )
        ).all()
    }
    now = work.now()
    added = refreshed = 0
    for src in _sources(session, review):
        item = existing.pop(src.uid, None)
        if item is None:
            session.add(
                FollowUpItem(
                    review_id=review.id,  # type: ignore[arg-type]
                    source=src.kind.value,
                    source_uid=src.uid,
                    block_id=src.block_id,
                    text=src.text,
                    created_at=now,
                    updated_at=now,
                )
            )
            added += 1
        elif (item.text, item.block_id) != (src.text, src.block_id):
            item.text, item.block_id, item.updated_at = src.text, src.block_id, now
            session.add(item)
            refreshed += 1
    for stale in existing.values():
        _drop_item(session, stale)
    session.flush()
    merged = _merge_duplicates(session, review)
    work.emit(
        events.ItemsCreated(
            review_id=review.id,
            added=added,
            refreshed=refreshed,
            removed=len(existing),
            extra={"merged": merged} if merged else {},
        )
    )


def normalised(text: str) -> str:
    """An item's text compared for sameness: case, spacing and trailing dots ignored."""
    return " ".join(text.casefold().split()).strip(" .…")


def _merge_duplicates(session: Session, review: Review) -> int:
    """Items of the same kind with the same text become one: later ones join the first
    (a status recorded on one is never overwritten)."""
    first: dict[tuple[str, str], FollowUpItem] = {}
    merged = 0
    for item in _item_rows(session, review):
        if item.merged_into_id is not None:
            continue
        key = (item.source, normalised(item.text))
        keep = first.setdefault(key, item)
        if keep is not item and item.status is None and not _has_children(session, item):
            item.merged_into_id = keep.id
            session.add(item)
            merged += 1
    session.flush()
    return merged


def _has_children(session: Session, item: FollowUpItem) -> bool:
    return (
        session.exec(select(FollowUpItem.id).where(FollowUpItem.merged_into_id == item.id)).first()
        is not None
    )


def _drop_item(session: Session, stale: FollowUpItem) -> None:
    """Delete an item whose recommendation, finding or note was deleted while the review
    was reopened; what was merged into it stands on its own again."""
    for child in session.exec(
        select(FollowUpItem).where(FollowUpItem.merged_into_id == stale.id)
    ).all():
        child.merged_into_id = None
        session.add(child)
    session.flush()
    session.delete(stale)


# -- scheduling ------------------------------------------------------------------------------


def handed_over_on(session: Session, review: Review) -> date | None:
    """The day the report was handed over: stored on the review, else from the audit log."""
    if review.handed_over_on is not None:
        return review.handed_over_on
    at = session.exec(
        select(AuditEvent.at)
        .where(AuditEvent.review_id == review.id, AuditEvent.action == "hand_over")
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).first()
    return to_local(at).date() if at is not None else None


def suggestion(store: Store, review_id: int) -> dict[str, Any]:
    """The suggested seminar start and the 4-6 month window, for ``seminar schedule --suggest``."""
    with store.read() as s:
        review = get_review(s, review_id)
        handed = handed_over_on(s, review)
    refuse(seminar.handed_over_reasons(review_id, handed))
    assert handed is not None
    return {
        "id": review_id,
        "handed_over": handed.isoformat(),
        **seminar.window(handed),
        "start": format_local(suggest_start(handed)),
    }


def store_schedule(work: Work, event: SeminarScheduled) -> None:
    """On ``schedule_seminar``: keep the seminar's start and place on the review."""
    params = event.params
    review = work.get(Review, event.review_id)
    if params.start is not None:
        review.seminar_start = params.start
    elif params.date is not None and (
        review.seminar_start is None or to_local(review.seminar_start).date() != params.date
    ):
        review.seminar_start = seminar.start_on(params.date)
    if params.place is not None:
        review.seminar_place = params.place or None
    work.session.add(review)


@writes
def schedule(
    work: Work, review_id: int, start: datetime | None = None, place: str | None = None
) -> dict[str, Any]:
    """Schedule (or move) the follow-up seminar; without ``start``, at the suggested time.

    From ``handed_over`` this fires ``schedule_seminar``; once scheduled it reschedules,
    with an audit event.

    :param start: aware UTC; None takes :func:`suggest_start`.
    :param place: where the seminar is held (None keeps the current place).
    """
    place = None if place is None else check_place(place) or ""
    review = work.get(Review, review_id)
    state = ReviewState(review.state)
    handed = handed_over_on(work.session, review)
    refuse(seminar.seminar_state_reasons(review_id, state))
    if start is None:
        start = suggest_start(handed or to_local(work.now()).date())
    refuse(seminar.seminar_date_reasons(start, handed))
    if state == ReviewState.follow_up_scheduled:
        _reschedule(work, review, start, place)
    else:
        reviews.advance(work, review_id, "schedule_seminar", start=start, place=place)
    return seminar_info_of(work.session, review)


def _reschedule(work: Work, review: Review, start: datetime, place: str | None) -> None:
    """Move the seminar already scheduled (and perhaps its place)."""
    before = review.seminar_start
    review.seminar_start = start
    if place is not None:
        review.seminar_place = place or None
    review.updated_at = work.now()
    work.session.add(review)
    work.emit(
        events.SeminarRescheduled(
            review_id=review.id,
            before=utc_iso(before) if before else None,
            after=utc_iso(start),
            comment=review.seminar_place,
        )
    )


def seminar_info(store: Store, review_id: int) -> dict[str, Any]:
    """The seminar of a review: start, place and window, for output and the calendar."""
    with store.read() as s:
        return seminar_info_of(s, get_review(s, review_id))


def seminar_info_of(session: Session, review: Review) -> dict[str, Any]:
    """The seminar of ``review`` (see :func:`seminar_info`), read in ``session``."""
    handed = handed_over_on(session, review)
    moves = session.exec(
        select(AuditEvent.id).where(
            AuditEvent.review_id == review.id, AuditEvent.action == "reschedule_seminar"
        )
    ).all()
    host = session.get(Municipality, review.host_id)
    return {
        "id": review.id,
        "host": host.name if host else None,
        "state": review.state,
        "start": format_local(review.seminar_start),
        "place": review.seminar_place,
        "handed_over": handed.isoformat() if handed else None,
        "window": None if handed is None else seminar.window(handed),
        # a calendar event's SEQUENCE: how often the seminar was moved
        "sequence": len(moves),
        "uid": f"seminar-{review.uid}",
    }


# -- the checklist ---------------------------------------------------------------------------


def _open_for_items(work: Work, review_id: int) -> Review:
    """The review, if its checklist may still change (before the seminar)."""
    review = work.get(Review, review_id)
    refuse(seminar.seminar_state_reasons(review_id, ReviewState(review.state)))
    return review


def _clean_text(value: str, what: str, limit: int = TEXT_LIMIT) -> str:
    return clean_text(value, what, limit, lines=True)


def get_item(session: Session, review: Review, item_id: int) -> FollowUpItem:
    """The checklist item ``item_id`` of ``review``, or a NotFoundError."""
    item = session.get(FollowUpItem, item_id)
    if item is None or item.review_id != review.id:
        raise NotFoundError(
            _("checklist item {item} does not exist on review {id}").format(
                item=item_id, id=review.id
            )
        )
    return item


@writes
def add_item(work: Work, review_id: int, text: str, block: str | None = None) -> FollowUpItem:
    """Add a checklist item of the coordinator's own before the seminar."""
    clean = _clean_text(text, "--text")
    review = _open_for_items(work, review_id)
    if block is not None:
        block = pinned_template(review).block(block).id
    now = work.now()
    item = work.add(
        FollowUpItem(
            review_id=review_id,
            source=FollowUpSource.manual.value,
            block_id=block,
            text=clean,
            created_at=now,
            updated_at=now,
        )
    )
    work.emit(events.ItemAdded(review_id=review_id, item=item.uid))
    return item


@writes
def edit_item(
    work: Work,
    review_id: int,
    item_id: int,
    *,
    text: str | None = None,
    block: str | None = None,
) -> FollowUpItem:
    """Reword a checklist item, or move it to another block, before the seminar (audited,
    with the earlier text).

    :param block: a block of the pinned template; "" makes it a general item.
    """
    clean = _clean_text(text, "--text") if text is not None else None
    review = _open_for_items(work, review_id)
    item = get_item(work.session, review, item_id)
    new_block = item.block_id
    if block is not None:
        new_block = pinned_template(review).block(block).id if block.strip() else None
    new_text = item.text if clean is None else clean
    if (new_text, new_block) == (item.text, item.block_id):
        return item
    moved = {"before": item.block_id or "–", "after": new_block or "–"}
    event = events.ItemEdited(
        review_id=review_id,
        item=item.uid,
        extra=moved if new_block != item.block_id else {},
        # the earlier wording, kept redactable beside the chain
        comment=item.text if new_text != item.text else None,
    )
    item.text, item.block_id, item.updated_at = new_text, new_block, work.now()
    work.session.add(item)
    work.emit(event)
    return item


@writes
def merge(work: Work, review_id: int, item_id: int, into_id: int) -> FollowUpItem:
    """Merge item ``item_id`` into ``into_id`` before the seminar: one status covers both."""
    check_merge(item_id, into_id)
    s = work.session
    review = _open_for_items(work, review_id)
    item = get_item(s, review, item_id)
    into = get_item(s, review, into_id)
    refuse(seminar.merged_reasons(item.id, item.merged_into_id))
    check_merge(item_id, into_id, into.merged_into_id)
    now = work.now()
    # what was merged into the item follows it
    for child in s.exec(select(FollowUpItem).where(FollowUpItem.merged_into_id == item_id)).all():
        child.merged_into_id = into_id
        child.updated_at = now
        s.add(child)
    item.merged_into_id = into_id
    item.updated_at = now
    s.add(item)
    work.emit(events.ItemMerged(review_id=review_id, item=item.uid, into=into.uid))
    return into


@dataclass(frozen=True)
class _StatusInput:
    """What ``record_status`` was given, cleaned (None: keep as it is; "" for the deadline:
    clear it)."""

    status: FollowUpStatus
    comment: str | None
    responsible: str | None
    reason: str | None
    deadline: date | str | None = None


def _status_input(
    status: str,
    comment: str | None,
    responsible: str | None,
    reason: str | None,
    deadline: str | None = None,
) -> _StatusInput:
    the_status = seminar.status_of(status)
    if comment is not None:
        comment = clean_optional(comment, "--comment", TEXT_LIMIT, lines=True)
    if responsible is not None:
        responsible = clean_optional(responsible, "--responsible", NAME_MAX)
    why = clean_optional(reason, "--reason", REASON_LIMIT) if reason is not None else None
    if reason is not None and not why:
        raise InputError(_("a reason is required (--reason)"))
    day: date | str | None = None
    if deadline is not None:
        day = parse_date(deadline.strip(), "--deadline") if deadline.strip() else ""
    return _StatusInput(the_status, comment, responsible, why, day)


def _seminar_day(review: Review) -> date | None:
    return to_local(review.seminar_start).date() if review.seminar_start else None


@writes
def record_status(
    work: Work,
    review_id: int,
    item_id: int,
    status: str,
    *,
    comment: str | None = None,
    responsible: str | None = None,
    reason: str | None = None,
    deadline: str | None = None,
) -> FollowUpItem:
    """Record an item's status at the seminar, with a comment, a responsible person and a
    deadline ("klart senast").

    After the seminar a recorded status is corrected only with a ``reason``; the audit
    event keeps the status it had.

    :param status: not_started, in_progress or done.
    :param comment: None keeps the current comment; "" clears it.
    :param responsible: None keeps the current one; "" clears it.
    :param reason: why a status recorded at a seminar already held is corrected.
    :param deadline: YYYY-MM-DD, not before the seminar; None keeps it; "" clears it.
    """
    given = _status_input(status, comment, responsible, reason, deadline)
    review = work.get(Review, review_id)
    state = ReviewState(review.state)
    correcting = given.reason is not None and state in SEMINAR_HELD
    refuse(seminar.status_state_reasons(review_id, state, correcting))
    item = get_item(work.session, review, item_id)
    refuse(seminar.merged_status_reasons(item_id, item.merged_into_id))
    if isinstance(given.deadline, date):
        refuse(seminar.deadline_reasons(given.deadline, _seminar_day(review)))
    previous = item.status
    item.status = given.status.value
    if given.comment is not None:
        item.comment = given.comment or None
    if given.responsible is not None:
        item.responsible = given.responsible or None
    extra: dict[str, Any] = {"previous": previous} if correcting and previous else {}
    if given.deadline is not None:
        item.deadline = given.deadline if isinstance(given.deadline, date) else None
        extra["deadline"] = item.deadline.isoformat() if item.deadline else None
    item.updated_at = work.now()
    work.session.add(item)
    work.emit(
        events.StatusRecorded(
            review_id=review_id,
            act="correct" if correcting else "record",
            item=item.uid,
            status=given.status.value,
            extra=extra,
            comment=given.reason if correcting else None,
        )
    )
    return item


# -- reading ---------------------------------------------------------------------------------


def _item_rows(session: Session, review: Review) -> list[FollowUpItem]:
    return list(
        session.exec(
            select(FollowUpItem)
            .where(FollowUpItem.review_id == review.id)
            .order_by(col(FollowUpItem.id))
        ).all()
    )


def _commitment_groups(session: Session, items: list[FollowUpItem]) -> dict[str, str]:
    """source uid -> interviewee group id, for commitments whose note still exists."""
    uids = [i.source_uid for i in items if i.source == FollowUpSource.commitment and i.source_uid]
    if not uids:
        return {}
    rows = session.exec(
        select(Note.uid, Interview.group_id)
        .join(Interview, Interview.id == Note.interview_id)  # type: ignore[arg-type]
        .where(col(Note.uid).in_(uids))
    ).all()
    return {uid: group for uid, group in rows}


def recommendation_numbers(session: Session, review: Review) -> dict[str, int]:
    """recommendation uid -> its number (R1, R2, ...), for the items made from them."""
    rows = session.exec(
        select(Recommendation.uid, Recommendation.number).where(
            Recommendation.review_id == review.id
        )
    ).all()
    return {uid: number for uid, number in rows if number is not None}


def item_dict(
    item: FollowUpItem,
    block_titles: dict[str, str],
    group_name: str | None = None,
    number: int | None = None,
) -> dict[str, Any]:
    """A checklist item as ``seminar items --json`` shows it (``number``: the
    recommendation's, for an item made from one)."""
    status = FollowUpStatus(item.status) if item.status else None
    source = FollowUpSource(item.source)
    source_label = _(SOURCE_LABELS[source])
    if group_name:
        source_label = f"{source_label} ({group_name})"
    return {
        "id": item.id,
        "block": item.block_id,
        "block_title": block_titles.get(item.block_id or "", None),
        "source": source.value,
        "source_label": source_label,
        "group": group_name,
        "source_uid": item.source_uid,
        "text": item.text,
        "status": status.value if status else None,
        "status_label": _(STATUS_LABELS[status]) if status else None,
        "colour": STATUS_COLOURS[status.value] if status else None,
        "colour_label": _(COLOUR_LABELS[status]) if status else None,
        "fill": STATUS_FILLS[status.value] if status else None,
        "comment": item.comment,
        "responsible": item.responsible,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "recommendation": number,
        "code": f"R{number}" if number else "",
        "merged_into": item.merged_into_id,
    }


def items(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The review's checklist items, oldest first, merged ones included (with ``merged_into``)."""
    with store.read() as s:
        review = get_review(s, review_id)
        return item_dicts(s, review)


def item_dicts(session: Session, review: Review) -> list[dict[str, Any]]:
    """The review's checklist items as ``seminar items --json`` shows them, read in ``session``."""
    rows = _item_rows(session, review)
    template = pinned_template(review)
    groups = _commitment_groups(session, rows)
    numbers = recommendation_numbers(session, review)
    titles = {b.id: b.title for b in template.blocks}
    names = {g.id: g.name() for g in template.groups}
    return [
        item_dict(
            i,
            titles,
            names.get(groups.get(i.source_uid or "", ""), None),
            numbers.get(i.source_uid or "") if i.source == FollowUpSource.recommendation else None,
        )
        for i in rows
    ]


def participants_of(session: Session, review_id: int) -> list[dict[str, Any]]:
    """The seminar's participants in the order given (name, municipality)."""
    rows = session.exec(
        select(SeminarParticipant)
        .where(SeminarParticipant.review_id == review_id)
        .order_by(col(SeminarParticipant.position))
    ).all()
    return [{"name": p.name, "municipality": p.municipality or ""} for p in rows]


def checklist_facts(store: Store, review_id: int) -> ChecklistFacts:
    """What the seminar checklist shows, read in one go (item labels in the current language)."""
    with store.read() as s:
        review = get_review(s, review_id)
        host = s.get(Municipality, review.host_id)
        reviewing = list(
            s.exec(
                select(Municipality.name)
                .join(
                    ReviewingMunicipality,
                    ReviewingMunicipality.municipality_id == Municipality.id,  # type: ignore[arg-type]
                )
                .where(ReviewingMunicipality.review_id == review_id)
                .order_by(Municipality.name)
            ).all()
        )
        the_round = s.get(Round, review.round_id) if review.round_id else None
        item_list = item_dicts(s, review)
        people = participants_of(s, review_id)
        info = seminar_info_of(s, review)
        partnership = read_setting(s, PARTNERSHIP_NAME)
        logo = cover_logo(s, width_mm=SMALL_WIDTH_MM)
    template = pinned_template(review)
    assert review.id is not None
    return ChecklistFacts(
        review_id=review.id,
        state=ReviewState(review.state),
        host=host.name if host else "",
        reviewing=reviewing,
        round={"year": the_round.year, "theme": the_round.theme} if the_round else None,
        template=template,
        items=item_list,
        handed_over=info["handed_over"] or "",
        seminar=info["start"] or "",
        seminar_start=review.seminar_start,
        seminar_place=review.seminar_place or "",
        at=store.now(),
        partnership=partnership or DEFAULT_PARTNERSHIP,
        participants=people,
        logo=logo,
    )


def build_checklist(store: Store, review_id: int, out: Path, template: Path | None = None) -> Path:
    """Write the follow-up checklist as a Word document: empty status columns before the
    seminar, what was recorded after it.

    :param template: a restyled copy of ``reports/uppfoljningsseminarium.docx``.
    """
    return reviews.write_review_document(
        store, review_id, out, checklist_facts, write_checklist, template
    )


__all__ = [
    "add_item",
    "check_merge",
    "build_checklist",
    "checklist_facts",
    "create_items",
    "edit_item",
    "items",
    "merge",
    "record_status",
    "schedule",
    "seminar_info",
    "suggest_start",
    "suggestion",
]
