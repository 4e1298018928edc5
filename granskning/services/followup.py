"""The follow-up seminar (uppföljningsseminarium): checklist items, scheduling, statuses.

On handover every recommendation, development area and Framtid commitment becomes a
checklist item. The coordinator may add and merge items until the seminar is held; at the
seminar each item gets a status (not started / in progress / done: red / amber / green), a
comment and a responsible person. ``hold_seminar`` is blocked while an item lacks a status.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from granskning.documents.checklist import ChecklistFacts, write_checklist
from granskning.documents.docxrender import check_output_path
from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.domain.i18n import N_, _
from granskning.domain.labels import (
    COLOUR_LABELS as COLOUR_LABELS,
    STATUS_LABELS as STATUS_LABELS,
)
from granskning.domain.text import REASON_LIMIT, clean_optional, clean_text
from granskning.domain.timefmt import TZ, format_local, to_local
from granskning.storage.audit import record, utc_iso
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
)
from granskning.storage.store import Store

# light fills, readable under black text; the label is always written too (colour is not enough)
COLOUR_FILLS = {
    FollowUpStatus.not_started: "F4CCCC",
    FollowUpStatus.in_progress: "FFE599",
    FollowUpStatus.done: "C9E4B8",
}
SOURCE_LABELS = {
    FollowUpSource.recommendation: N_("recommendation"),
    FollowUpSource.development: N_("development area"),
    FollowUpSource.commitment: N_("commitment"),
    FollowUpSource.manual: N_("added"),
}

# Before the seminar the checklist can still be changed; after it, it is a record.
BEFORE_SEMINAR = frozenset({ReviewState.handed_over, ReviewState.follow_up_scheduled})
SEMINAR_HELD = frozenset({ReviewState.followed_up, ReviewState.closed})

# The seminar is suggested this many months after handover (source: 4-6 months).
WINDOW_MONTHS = (4, 6)
SUGGESTED_TIME = time(13, 0)
# A date given without a time (review advance ... schedule_seminar --date) starts then.
DEFAULT_TIME = time(9, 0)
TEXT_LIMIT = 5000


# -- on handover -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    kind: FollowUpSource
    uid: str
    block_id: str | None
    text: str


def _sources(session: Session, review: Review) -> list[_Source]:
    """What becomes a checklist item, in report order: recommendations, development areas, commitments."""
    from granskning.services.reviews import pinned_template

    template = pinned_template(review)
    block_order = {b.id: i for i, b in enumerate(template.blocks)}
    out: list[_Source] = []
    for rec in session.exec(
        select(Recommendation)
        .where(Recommendation.review_id == review.id)
        .order_by(col(Recommendation.id))
    ).all():
        out.append(_Source(FollowUpSource.recommendation, rec.uid, rec.block_id, rec.text))
    findings = session.exec(
        select(Finding)
        .where(Finding.review_id == review.id, Finding.kind == FindingKind.development.value)
        .order_by(col(Finding.id))
    ).all()
    for f in sorted(findings, key=lambda f: (block_order.get(f.block_id, len(block_order)), f.id)):
        out.append(_Source(FollowUpSource.development, f.uid, f.block_id, f.text))
    completion = {
        q.id: (b.id, bi * 1000 + qi)
        for bi, b in enumerate(template.blocks)
        for qi, q in enumerate(b.questions)
        if q.kind == "completion"
    }
    if completion:
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
                block_id = completion[n.question_id or ""][0]
                out.append(_Source(FollowUpSource.commitment, n.uid, block_id, n.text))
    return out


def create_items(session: Session, store: Store, review: Review, params: Any) -> None:
    """Effect of ``hand_over``: turn the report's recommendations, development areas and
    commitments into checklist items.

    Handing over again after a reopen keeps the items already made (matched on the source's
    uid), refreshes their text, adds new ones and drops those whose source is gone.
    """
    sources = _sources(session, review)
    existing = {
        i.source_uid: i
        for i in session.exec(
            select(FollowUpItem).where(
                FollowUpItem.review_id == review.id, col(FollowUpItem.source_uid).is_not(None)
            )
        ).all()
    }
    now = store.now()
    added = refreshed = 0
    for src in sources:
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
    removed = 0
    for stale in existing.values():
        # its recommendation, finding or note was deleted while the review was reopened
        for child in session.exec(
            select(FollowUpItem).where(FollowUpItem.merged_into_id == stale.id)
        ).all():
            child.merged_into_id = None
            session.add(child)
        session.flush()
        session.delete(stale)
        removed += 1
    session.flush()
    record(
        session,
        store,
        entity="follow_up_item",
        action="create_items",
        review_id=review.id,
        data={"added": added, "refreshed": refreshed, "removed": removed},
    )


# -- scheduling ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suggest_start(handed_over: date) -> datetime:
    """A seminar start 4-6 months after ``handed_over`` (aware UTC).

    Four months on, moved out of the summer holidays (July) and the Christmas break, onto a
    Tuesday, Wednesday or Thursday afternoon.
    """
    earliest = add_months(handed_over, WINDOW_MONTHS[0])
    latest = add_months(handed_over, WINDOW_MONTHS[1])
    day = earliest
    while True:
        if day.month == 7:
            day = date(day.year, 8, 15)
        elif day.month == 12 and day.day >= 20:
            day = date(day.year + 1, 1, 7)
        elif day.month == 1 and day.day < 7:
            day = date(day.year, 1, 7)
        if day.weekday() in (1, 2, 3):
            break
        day += timedelta(days=1)
    if day > latest:
        day = latest
        while day.weekday() > 4:
            day -= timedelta(days=1)
    return datetime.combine(day, SUGGESTED_TIME, tzinfo=TZ).astimezone(UTC)


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
    from granskning.services.reviews import get_review

    with store.read() as s:
        review = get_review(s, review_id)
        handed = handed_over_on(s, review)
    if handed is None:
        raise RuleError(
            _("review {id} has not been handed over; the seminar follows the handover").format(
                id=review_id
            )
        )
    return _suggestion_dict(review_id, handed)


def _suggestion_dict(review_id: int, handed: date) -> dict[str, Any]:
    return {
        "id": review_id,
        "handed_over": handed.isoformat(),
        "earliest": add_months(handed, WINDOW_MONTHS[0]).isoformat(),
        "latest": add_months(handed, WINDOW_MONTHS[1]).isoformat(),
        "start": format_local(suggest_start(handed)),
    }


def store_schedule(session: Session, store: Store, review: Review, params: Any) -> None:
    """Effect of ``schedule_seminar``: keep the seminar's start and place on the review."""
    if params.start is not None:
        review.seminar_start = params.start
    elif params.date is not None and (
        review.seminar_start is None or to_local(review.seminar_start).date() != params.date
    ):
        review.seminar_start = datetime.combine(params.date, DEFAULT_TIME, tzinfo=TZ).astimezone(
            UTC
        )
    if params.place is not None:
        review.seminar_place = params.place or None
    session.add(review)


def _clean_place(place: str | None) -> str | None:
    from granskning.services.interviews import check_place

    return None if place is None else check_place(place) or ""


def schedule(
    store: Store, review_id: int, start: datetime | None = None, place: str | None = None
) -> dict[str, Any]:
    """Schedule (or move) the follow-up seminar; without ``start``, at the suggested time.

    From ``handed_over`` this fires ``schedule_seminar``; once scheduled it reschedules,
    with an audit event.

    :param start: aware UTC; None takes :func:`suggest_start`.
    :param place: where the seminar is held (None keeps the current place).
    """
    from granskning.services import reviews

    place = _clean_place(place)
    with store.atomic() as s:
        review = reviews.get_review(s, review_id)
        state = ReviewState(review.state)
        handed = handed_over_on(s, review)
        if state not in BEFORE_SEMINAR:
            raise RuleError(_seminar_state_reason(review))
        if start is None:
            start = suggest_start(handed or to_local(store.now()).date())
        if handed is not None and to_local(start).date() < handed:
            raise RuleError(
                _("the seminar cannot be before the handover ({date})").format(
                    date=handed.isoformat()
                )
            )
        if state == ReviewState.follow_up_scheduled:
            before = review.seminar_start
            review.seminar_start = start
            if place is not None:
                review.seminar_place = place or None
            review.updated_at = store.now()
            s.add(review)
            record(
                s,
                store,
                entity="review",
                action="reschedule_seminar",
                review_id=review_id,
                data={"before": utc_iso(before) if before else None, "after": utc_iso(start)},
                comment=review.seminar_place,
            )
            return seminar_info_of(s, review)
    reviews.advance(store, review_id, "schedule_seminar", start=start, place=place)
    return seminar_info(store, review_id)


def _seminar_state_reason(review: Review) -> str:
    from granskning.domain.workflow import STATE_LABELS

    state = ReviewState(review.state)
    if state in SEMINAR_HELD:
        return _("the follow-up seminar of review {id} has already been held").format(id=review.id)
    return _("not possible while the review is {state}: the seminar follows the handover").format(
        state=_(STATE_LABELS[state])
    )


def seminar_info(store: Store, review_id: int) -> dict[str, Any]:
    """The seminar of a review: start, place and window, for output and the calendar."""
    from granskning.services.reviews import get_review

    with store.read() as s:
        return seminar_info_of(s, get_review(s, review_id))


def seminar_info_of(session: Session, review: Review) -> dict[str, Any]:
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
        "window": None
        if handed is None
        else {
            "earliest": add_months(handed, WINDOW_MONTHS[0]).isoformat(),
            "latest": add_months(handed, WINDOW_MONTHS[1]).isoformat(),
        },
        # a calendar event's SEQUENCE: how often the seminar was moved
        "sequence": len(moves),
        "uid": f"seminar-{review.uid}",
    }


# -- the checklist ---------------------------------------------------------------------------


def _review_open_for_items(review: Review) -> None:
    if ReviewState(review.state) not in BEFORE_SEMINAR:
        raise RuleError(_seminar_state_reason(review))


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


def add_item(store: Store, review_id: int, text: str, block: str | None = None) -> FollowUpItem:
    """Add a checklist item of the coordinator's own before the seminar."""
    from granskning.services.reviews import get_review, pinned_template

    clean = _clean_text(text, "--text")
    with store.atomic() as s:
        review = get_review(s, review_id)
        _review_open_for_items(review)
        if block is not None:
            block = pinned_template(review).block(block).id
        now = store.now()
        item = FollowUpItem(
            review_id=review_id,
            source=FollowUpSource.manual.value,
            block_id=block,
            text=clean,
            created_at=now,
            updated_at=now,
        )
        s.add(item)
        s.flush()
        record(
            s,
            store,
            entity="follow_up_item",
            action="add",
            review_id=review_id,
            data={"item": item.uid},
        )
        return item


def edit_item(
    store: Store,
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
    from granskning.services.reviews import get_review, pinned_template

    clean = _clean_text(text, "--text") if text is not None else None
    with store.atomic() as s:
        review = get_review(s, review_id)
        _review_open_for_items(review)
        item = get_item(s, review, item_id)
        new_block = item.block_id
        if block is not None:
            new_block = pinned_template(review).block(block).id if block.strip() else None
        new_text = item.text if clean is None else clean
        if (new_text, new_block) == (item.text, item.block_id):
            return item
        data = {"item": item.uid}
        if new_block != item.block_id:
            data |= {"before": item.block_id or "–", "after": new_block or "–"}
        previous = item.text if new_text != item.text else None
        item.text, item.block_id, item.updated_at = new_text, new_block, store.now()
        s.add(item)
        record(
            s,
            store,
            entity="follow_up_item",
            action="edit",
            review_id=review_id,
            data=data,
            comment=previous,  # the earlier wording, kept redactable beside the chain
        )
        return item


def check_merge(item: object, into: object, into_merged_into: object = None) -> None:
    """Refuse merging an item into itself (InputError) or into an item that is itself
    merged into another (RuleError: merges do not chain)."""
    if item == into:
        raise InputError(_("an item cannot be merged into itself"))
    if into_merged_into is not None:
        raise RuleError(
            _("item {item} is already merged into item {into}").format(
                item=into, into=into_merged_into
            )
        )


def merge(store: Store, review_id: int, item_id: int, into_id: int) -> FollowUpItem:
    """Merge item ``item_id`` into ``into_id`` before the seminar: one status covers both."""
    from granskning.services.reviews import get_review

    check_merge(item_id, into_id)
    with store.atomic() as s:
        review = get_review(s, review_id)
        _review_open_for_items(review)
        item = get_item(s, review, item_id)
        into = get_item(s, review, into_id)
        if item.merged_into_id is not None:
            raise RuleError(
                _("item {item} is already merged into item {into}").format(
                    item=item.id, into=item.merged_into_id
                )
            )
        check_merge(item_id, into_id, into.merged_into_id)
        now = store.now()
        # what was merged into the item follows it
        for child in s.exec(
            select(FollowUpItem).where(FollowUpItem.merged_into_id == item_id)
        ).all():
            child.merged_into_id = into_id
            child.updated_at = now
            s.add(child)
        item.merged_into_id = into_id
        item.updated_at = now
        s.add(item)
        record(
            s,
            store,
            entity="follow_up_item",
            action="merge",
            review_id=review_id,
            data={"item": item.uid, "into": into.uid},
        )
        return into


def record_status(
    store: Store,
    review_id: int,
    item_id: int,
    status: str,
    *,
    comment: str | None = None,
    responsible: str | None = None,
    reason: str | None = None,
) -> FollowUpItem:
    """Record an item's status at the seminar, with a comment and a responsible person.

    After the seminar a recorded status is corrected only with a ``reason``; the audit
    event keeps the status it had.

    :param status: not_started, in_progress or done.
    :param comment: None keeps the current comment; "" clears it.
    :param responsible: None keeps the current one; "" clears it.
    :param reason: why a status recorded at a seminar already held is corrected.
    """
    from granskning.domain.workflow import STATE_LABELS
    from granskning.services.reviews import get_review

    try:
        the_status = FollowUpStatus(status)
    except ValueError:
        raise InputError(
            _("unknown status {status} (one of: {statuses})").format(
                status=status, statuses=", ".join(s.value for s in FollowUpStatus)
            )
        ) from None
    if comment is not None:
        comment = clean_optional(comment, "--comment", TEXT_LIMIT, lines=True)
    if responsible is not None:
        responsible = clean_optional(responsible, "--responsible", NAME_MAX)
    why = clean_optional(reason, "--reason", REASON_LIMIT) if reason is not None else None
    if reason is not None and not why:
        raise InputError(_("a reason is required (--reason)"))
    with store.atomic() as s:
        review = get_review(s, review_id)
        state = ReviewState(review.state)
        correcting = why is not None and state in SEMINAR_HELD
        if state != ReviewState.follow_up_scheduled and not correcting:
            if state == ReviewState.handed_over:
                raise RuleError(
                    _(
                        "statuses are recorded at the seminar; schedule it first (seminar schedule {id})"
                    ).format(id=review_id)
                )
            if state in SEMINAR_HELD:
                raise RuleError(
                    _(
                        "the follow-up seminar of review {id} has been held; correct a "
                        "recorded status with --reason"
                    ).format(id=review_id)
                )
            raise RuleError(
                _("not possible while the review is {state}").format(state=_(STATE_LABELS[state]))
            )
        item = get_item(s, review, item_id)
        if item.merged_into_id is not None:
            raise RuleError(
                _("item {item} is merged into item {into}; record the status there").format(
                    item=item_id, into=item.merged_into_id
                )
            )
        previous = item.status
        item.status = the_status.value
        if comment is not None:
            item.comment = comment or None
        if responsible is not None:
            item.responsible = responsible or None
        item.updated_at = store.now()
        s.add(item)
        record(
            s,
            store,
            entity="follow_up_item",
            action="correct" if correcting else "record",
            review_id=review_id,
            data={"item": item.uid, "status": the_status.value}
            | ({"previous": previous} if correcting and previous else {}),
            comment=why if correcting else None,
        )
        return item


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


def item_dict(
    item: FollowUpItem, block_titles: dict[str, str], group_name: str | None = None
) -> dict[str, Any]:
    """A checklist item as ``seminar items --json`` shows it."""
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
        "source_uid": item.source_uid,
        "text": item.text,
        "status": status.value if status else None,
        "status_label": _(STATUS_LABELS[status]) if status else None,
        "colour": _COLOURS[status] if status else None,
        "colour_label": _(COLOUR_LABELS[status]) if status else None,
        "fill": COLOUR_FILLS[status] if status else None,
        "comment": item.comment,
        "responsible": item.responsible,
        "merged_into": item.merged_into_id,
    }


_COLOURS = {
    FollowUpStatus.not_started: "red",
    FollowUpStatus.in_progress: "amber",
    FollowUpStatus.done: "green",
}


def items(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The review's checklist items, oldest first, merged ones included (with ``merged_into``)."""
    from granskning.services.reviews import get_review, pinned_template

    with store.read() as s:
        review = get_review(s, review_id)
        rows = _item_rows(s, review)
        template = pinned_template(review)
        groups = _commitment_groups(s, rows)
    titles = {b.id: b.title for b in template.blocks}
    names = {g.id: g.name() for g in template.groups}
    return [item_dict(i, titles, names.get(groups.get(i.source_uid or "", ""), None)) for i in rows]


def checklist_facts(store: Store, review_id: int) -> ChecklistFacts:
    """What the seminar checklist shows, read in one go (item labels in the current language)."""
    from granskning.services.reviews import get_review, pinned_template

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
        rows = _item_rows(s, review)
        groups = _commitment_groups(s, rows)
        info = seminar_info_of(s, review)
    template = pinned_template(review)
    titles = {b.id: b.title for b in template.blocks}
    names = {g.id: g.name() for g in template.groups}
    assert review.id is not None
    return ChecklistFacts(
        review_id=review.id,
        state=ReviewState(review.state),
        host=host.name if host else "",
        reviewing=reviewing,
        round={"year": the_round.year, "theme": the_round.theme} if the_round else None,
        template=template,
        items=[
            item_dict(i, titles, names.get(groups.get(i.source_uid or "", ""), None)) for i in rows
        ],
        handed_over=info["handed_over"] or "",
        seminar=info["start"] or "",
        seminar_start=review.seminar_start,
        seminar_place=review.seminar_place or "",
        at=store.now(),
    )


def build_checklist(store: Store, review_id: int, out: Path, template: Path | None = None) -> Path:
    """Write the follow-up checklist as a Word document: empty status columns before the
    seminar, what was recorded after it.

    :param template: a restyled copy of ``reports/uppfoljningsseminarium.docx``.
    """
    from granskning.domain.i18n import speaking
    from granskning.services.reviews import get_review

    check_output_path(out)
    with store.read() as s:
        lang = get_review(s, review_id).language
    # the review's language, never the caller's --lang: the document is wholly in it
    with speaking(lang):
        facts = checklist_facts(store, review_id)
    return write_checklist(facts, lang, out, template)


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
