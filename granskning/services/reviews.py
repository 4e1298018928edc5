"""Reviews: create, assign the team, ask what is allowed, advance the life cycle.

Every action is one transaction: the state change, its side effects and its audit event
commit together or not at all. State changes use optimistic locking on ``review.version``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from granskning.domain import labels, templates
from granskning.domain.errors import (
    ConflictError,
    FrozenError,
    InputError,
    NotFoundError,
    RuleError,
)
from granskning.domain.i18n import _
from granskning.domain.text import REASON_LIMIT, clean_optional
from granskning.domain.timefmt import format_local
from granskning.domain.workflow import (
    DATE_NAMES_ANOTHER_DAY,
    FROZEN_STATES,
    REVIEW_ACTIONS,
    ActionParams,
    Booking,
    InterviewFacts,
    ReviewFacts,
    fire_review,
    review_block_reasons,
)
from granskning.services.registry import get_person, municipality_by_name
from granskning.storage.audit import person_ref, record
from granskning.storage.model import (
    Assignment,
    FindingKind,
    FollowUpItem,
    Interview,
    InterviewState,
    Municipality,
    Person,
    ReportText,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Role,
    Round,
)
from granskning.storage.queries import get_review, pinned_template
from granskning.storage.store import Store, list_reviews, retrying

# Roles filled from the reviewing side; host_contact comes from the host.
TEAM_ROLES = frozenset({Role.lead, Role.reviewer, Role.secretary, Role.timekeeper})
SINGLE_ROLES = frozenset({Role.lead, Role.secretary})

# Side effects of actions, run in order inside the action's transaction after the guards
# passed: "module:function" taking (session, store, review, params), imported when fired.
EFFECTS: dict[str, list[str]] = {
    # build the final report, store its bytes and SHA-256, date the handover; then turn
    # recommendations, development areas and commitments into follow-up items
    "hand_over": [
        "granskning.documents.reports:hand_over",
        "granskning.services.followup:create_items",
    ],
    "schedule_seminar": ["granskning.services.followup:store_schedule"],
    # open interviews are cancelled with the review's reason: people and rooms are free again
    "cancel": ["granskning.services.interviews:cancel_open"],
}
# Slow parts of effects, done before the action's transaction so that no write lock is held
# meanwhile: "module:function" taking (store, review_id) and giving a context manager the
# transaction runs in (the final report is rendered first; the effect then stores it if the
# review did not change in between).
PREPARE: dict[str, str] = {"hand_over": "granskning.documents.reports:prepared_hand_over"}


def ensure_editable(review: Review) -> None:
    """Raise FrozenError if the review's content can no longer change."""
    state = ReviewState(review.state)
    if state in FROZEN_STATES:
        raise FrozenError(
            _(
                "review {id} has been handed over and is frozen; reopen it "
                "(review advance {id} reopen --reason ...) to change its content"
            ).format(id=review.id)
        )
    if state in (ReviewState.closed, ReviewState.cancelled):
        raise FrozenError(
            _("review {id} is {state}").format(id=review.id, state=labels.state(state))
        )


@retrying
def create_review(
    store: Store,
    *,
    host: str,
    reviewing: list[str],
    template: str,
    round_id: int | None = None,
    language: str | None = None,
) -> Review:
    """Create a review of ``host`` by ``reviewing``, pinning the question template.

    :param template: a template id or file name, see :func:`granskning.domain.templates.find`.
    :param language: the language of its documents, ``sv`` or ``en`` (default: the round's,
        else Swedish).
    """
    if not reviewing:
        raise InputError(_("at least one reviewing municipality is needed (--reviewing)"))
    chosen = None if language is None else check_language(language)
    source = templates.find(template)
    with store.atomic() as s:
        return create_review_in(
            s,
            store,
            host=municipality_by_name(s, host),
            reviewers=[municipality_by_name(s, name) for name in reviewing],
            source=source,
            round_id=round_id,
            language=chosen,
        )


def check_language(language: str) -> str:
    """``language`` if documents can be written in it (sv, en), else an InputError."""
    from granskning.domain.i18n import LANGUAGES

    chosen = language.strip().lower()
    if chosen not in LANGUAGES:
        raise InputError(
            _("unknown language {lang} (one of: {langs})").format(
                lang=language, langs=", ".join(LANGUAGES)
            )
        )
    return chosen


@retrying
def set_language(store: Store, review_id: int, language: str) -> Review:
    """Change the language of the review's documents (not once it is handed over: the
    frozen report keeps the language it was handed over in)."""
    chosen = check_language(language)
    with store.atomic() as s:
        review = get_review(s, review_id)
        ensure_editable(review)
        if review.language != chosen:
            before = review.language
            review.language = chosen
            review.updated_at = store.now()
            s.add(review)
            record(
                s,
                store,
                entity="review",
                action="set_language",
                review_id=review_id,
                data={"before": before, "after": chosen},
            )
        return review


def create_review_in(
    s: Session,
    store: Store,
    *,
    host: Municipality,
    reviewers: list[Municipality],
    source: templates.TemplateSource,
    round_id: int | None = None,
    language: str | None = None,
) -> Review:
    """Create a review inside the caller's transaction (a round plan makes many in one).

    :param source: the template to pin, already found (see :func:`granskning.domain.templates.find`).
    :param language: its documents' language (default: the round's, else Swedish).
    """
    if not reviewers:
        raise InputError(_("at least one reviewing municipality is needed (--reviewing)"))
    seen: set[int | None] = set()
    for m in reviewers:
        if m.id == host.id:
            raise RuleError(_("{name} cannot review itself").format(name=host.name))
        if m.id in seen:
            raise InputError(_("{name} is named twice in --reviewing").format(name=m.name))
        seen.add(m.id)
    the_round = s.get(Round, round_id) if round_id is not None else None
    if round_id is not None and the_round is None:
        raise NotFoundError(_("round {id} does not exist").format(id=round_id))
    now = store.now()
    review = Review(
        host_id=host.id,  # type: ignore[arg-type]
        round_id=round_id,
        language=language or (the_round.language if the_round is not None else "sv"),
        template_id=source.template.id,
        template_version=source.template.version,
        template_sha256=source.sha256,
        template_content=source.text,
        created_at=now,
        updated_at=now,
    )
    s.add(review)
    s.flush()
    for m in reviewers:
        s.add(ReviewingMunicipality(review_id=review.id, municipality_id=m.id))  # type: ignore[arg-type]
    record(
        s,
        store,
        entity="review",
        action="create",
        review_id=review.id,
        to_state=review.state,
        data={
            "template": source.template.id,
            "version": source.template.version,
            "sha256": source.sha256,
        },
    )
    return review


def check_role(role: Role, name: str, from_host: bool, host: str) -> None:
    """Refuse a role its holder's municipality rules out (RuleError): the team comes from
    other municipalities than the host, the host contact from the host."""
    if role in TEAM_ROLES and from_host:
        raise RuleError(
            _(
                "{name} works for {host}, the municipality under review, and cannot be {role}"
            ).format(name=name, host=host, role=labels.role(role))
        )
    if role == Role.host_contact and not from_host:
        raise RuleError(
            _("the host contact must work for {host}; {name} does not").format(host=host, name=name)
        )


def check_assignment(
    review: Any, role: Role, person: Any, name: str, existing: Iterable[tuple[str, Any, str]]
) -> None:
    """Refuse a role its holder already has, and a second lead or secretary (RuleError);
    for the commands and for an imported file alike.

    :param existing: the team so far as (role, person, name); people named the same way as
        ``person`` (ids here, uids in a file).
    """
    for a_role, a_person, a_name in existing:
        if a_person == person and a_role == role.value:
            raise RuleError(
                _("{name} already has the role {role}").format(name=name, role=labels.role(role))
            )
        if role in SINGLE_ROLES and a_role == role.value:
            raise RuleError(
                _("review {id} already has a {role}: {name}").format(
                    id=review, role=labels.role(role), name=a_name
                )
            )


@retrying
def assign(store: Store, review_id: int, person_id: int, role: str) -> Assignment:
    """Give ``person_id`` the ``role`` on the review's team, checking the role rules."""
    try:
        the_role = Role(role)
    except ValueError:
        raise InputError(
            _("unknown role {role} (one of: {roles})").format(
                role=role, roles=", ".join(r.value for r in Role)
            )
        ) from None
    with store.atomic() as s:
        review = get_review(s, review_id)
        ensure_editable(review)
        person = get_person(s, person_id)
        host = s.get(Municipality, review.host_id)
        assert host is not None
        check_role(the_role, person.name, person.municipality_id == review.host_id, host.name)
        existing = [
            (a.role, a.person_id, other.name if (other := s.get(Person, a.person_id)) else "?")
            for a in s.exec(select(Assignment).where(Assignment.review_id == review_id)).all()
        ]
        check_assignment(review_id, the_role, person_id, person.name, existing)
        row = Assignment(
            review_id=review_id, person_id=person_id, role=the_role.value, created_at=store.now()
        )
        s.add(row)
        s.flush()
        record(
            s,
            store,
            entity="review",
            action="assign",
            review_id=review_id,
            data={"person": person_ref(s, person_id), "role": the_role.value},
        )
        return row


@retrying
def unassign(store: Store, review_id: int, person_id: int, role: str) -> None:
    """Take ``role`` on the review's team away from ``person_id``."""
    with store.atomic() as s:
        review = get_review(s, review_id)
        ensure_editable(review)
        row = s.exec(
            select(Assignment).where(
                Assignment.review_id == review_id,
                Assignment.person_id == person_id,
                Assignment.role == role,
            )
        ).first()
        if row is None:
            raise NotFoundError(
                _("person {person} has no role {role} on review {id}").format(
                    person=person_id, role=labels.role(role), id=review_id
                )
            )
        s.delete(row)
        record(
            s,
            store,
            entity="review",
            action="unassign",
            review_id=review_id,
            data={"person": person_ref(s, person_id), "role": role},
        )


# -- facts and actions -----------------------------------------------------------------------


def gather_facts(session: Session, review: Review, now: datetime | None = None) -> ReviewFacts:
    """Everything the guards need about ``review``, read in the current transaction.

    :param now: the store's clock (aware UTC), for the rules about dates.
    """
    rid = review.id
    roles: dict[Role, list[int]] = {}
    for a in session.exec(select(Assignment).where(Assignment.review_id == rid)).all():
        roles.setdefault(Role(a.role), []).append(a.person_id)
    interviews = list(
        session.exec(
            select(Interview).where(Interview.review_id == rid).order_by(col(Interview.id))
        ).all()
    )
    facts_iv = [
        InterviewFacts(
            id=i.id,  # type: ignore[arg-type]
            state=InterviewState(i.state),
            start=i.start,
            minutes=i.minutes,
            moderator_id=i.moderator_id,
            note_taker_id=i.note_taker_id,
            timekeeper_id=i.timekeeper_id,
            cancel_reason=i.cancel_reason,
            place=i.place,
        )
        for i in interviews
    ]
    staff = set().union(*(f.staff for f in facts_iv)) if facts_iv else set()
    bookings = team_bookings(session, staff)
    texts = {
        t.section
        for t in session.exec(select(ReportText).where(ReportText.review_id == rid)).all()
        if t.text.strip()
    }
    from granskning.storage.model import Finding

    finding_blocks = set(
        session.exec(select(Finding.block_id).where(Finding.review_id == rid)).all()
    )
    items = session.exec(
        select(FollowUpItem).where(
            FollowUpItem.review_id == rid, col(FollowUpItem.merged_into_id).is_(None)
        )
    ).all()
    return ReviewFacts(
        state=ReviewState(review.state),
        roles=roles,
        interviews=facts_iv,
        bookings=bookings,
        texts=texts,
        block_ids=[b.id for b in pinned_template(review).blocks],
        blocks_with_findings=finding_blocks,
        seminar_start=review.seminar_start,
        items_without_status=[i.id for i in items if i.status is None],  # type: ignore[misc]
        has_items=bool(items),
        now=now,
    )


def team_bookings(session: Session, person_ids: set[int]) -> list[Booking]:
    """Every live interview (any review) in which one of ``person_ids`` has a job."""
    if not person_ids:
        return []
    rows = session.exec(
        select(Interview).where(
            col(Interview.state).not_in([InterviewState.cancelled.value]),
            (col(Interview.moderator_id).in_(person_ids))
            | (col(Interview.note_taker_id).in_(person_ids))
            | (col(Interview.timekeeper_id).in_(person_ids)),
        )
    ).all()
    names = {
        p.id: p.name
        for p in session.exec(select(Person).where(col(Person.id).in_(person_ids))).all()
    }
    out = []
    for iv in rows:
        for pid in {iv.moderator_id, iv.note_taker_id, iv.timekeeper_id}:
            if pid in person_ids:
                out.append(
                    Booking(
                        person_id=pid,
                        person_name=names.get(pid, str(pid)),
                        interview_id=iv.id,  # type: ignore[arg-type]
                        review_id=iv.review_id,
                        start=iv.start,
                        minutes=iv.minutes,
                    )
                )
    return out


def actions(store: Store, review_id: int) -> list[dict[str, Any]]:
    """Every action with whether it is allowed now and, if not, why."""
    with store.read() as s:
        review = get_review(s, review_id)
        facts = gather_facts(s, review, store.now())
    return actions_from_facts(facts)


def actions_from_facts(facts: ReviewFacts) -> list[dict[str, Any]]:
    """The ``review actions`` rows for a snapshot of facts."""
    out = []
    for action in REVIEW_ACTIONS:
        # reasons that depend on what the user passes are not "blocked" in a listing
        params = ActionParams(reason="-", date=date.min if action == "schedule_seminar" else None)
        reasons = review_block_reasons(action, facts, params)
        out.append({"action": action, "allowed": not reasons, "reason": "; ".join(reasons) or None})
    return out


@retrying
def advance(
    store: Store,
    review_id: int,
    action: str,
    *,
    reason: str | None = None,
    on: date | None = None,
    start: datetime | None = None,
    place: str | None = None,
) -> Review:
    """Take ``action`` on the review: check the guards, run its effects, write the audit event.

    :param reason: required by ``cancel`` and ``reopen``.
    :param on: the date for ``schedule_seminar``.
    :param start: the seminar's start (aware UTC) for ``schedule_seminar``.
    :param place: the seminar's place for ``schedule_seminar``.
    """
    if action not in REVIEW_ACTIONS:
        raise InputError(
            _("unknown action {action} (one of: {actions})").format(
                action=action, actions=", ".join(REVIEW_ACTIONS)
            )
        )
    if reason is not None:
        reason = clean_optional(reason, "--reason", REASON_LIMIT)
    params = ActionParams(reason=reason, date=on, start=start, place=place)
    with _prepared(store, review_id, action, params), store.atomic() as s:
        review = get_review(s, review_id)
        return fire_in(s, store, review, action, params)


def _prepared(
    store: Store, review_id: int, action: str, params: ActionParams
) -> AbstractContextManager[Any]:
    target = PREPARE.get(action)
    if target is None:
        return nullcontext()
    module, _sep, func = target.partition(":")
    prepare: Callable[[Store, int, ActionParams], AbstractContextManager[Any]]
    prepare = getattr(importlib.import_module(module), func)
    return prepare(store, review_id, params)


def fire_in(
    session: Session,
    store: Store,
    review: Review,
    action: str,
    params: ActionParams,
    *,
    data: dict[str, Any] | None = None,
) -> Review:
    """Take ``action`` inside the caller's transaction: guards, effects, state, audit event.

    For actions that other actions set off (the first interview session starts the visit).

    :param data: for the audit event (the reason, if any, is its text).
    """
    facts = gather_facts(session, review, store.now())
    before = ReviewState(review.state)
    after = fire_review(action, facts, params)
    for effect in _effects(action):
        effect(session, store, review, params)
    set_state(session, store, review, after)
    record(
        session,
        store,
        entity="review",
        action=action,
        review_id=review.id,
        from_state=before.value,
        to_state=after.value,
        data=_dated(action, data, params),
        comment=params.reason,
    )
    return review


def _dated(action: str, data: dict[str, Any] | None, params: ActionParams) -> dict[str, Any]:
    """The audit data, naming the day an action entered afterwards took place."""
    out = dict(data or {})
    if params.date is not None and action not in DATE_NAMES_ANOTHER_DAY:
        out["date"] = params.date.isoformat()
    return out


def set_state(session: Session, store: Store, review: Review, state: ReviewState) -> None:
    """Write a new state with the optimistic lock: fail if someone changed the review meanwhile."""
    now = store.now()
    result = session.execute(
        update(Review)
        .where(col(Review.id) == review.id, col(Review.version) == review.version)
        .values(state=state.value, version=review.version + 1, updated_at=now)
        # the object is brought up to date below, once: letting the ORM synchronize it too
        # would count the version up twice in memory (object 3, row 2 after one change)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            _("review {id} changed while you were acting on it; try again").format(id=review.id)
        )
    # reflect the row in the object without marking it dirty (the UPDATE above did the work)
    set_committed_value(review, "state", state.value)
    set_committed_value(review, "version", review.version + 1)
    set_committed_value(review, "updated_at", now)


def _effects(action: str) -> list[Callable[..., None]]:
    out = []
    for target in EFFECTS.get(action, []):
        module, _sep, func = target.partition(":")
        out.append(getattr(importlib.import_module(module), func))
    return out


# -- reading ----------------------------------------------------------------------------------


def show(store: Store, review_id: int) -> dict[str, Any]:
    """The review with its team, interviews and the actions allowed now."""
    with store.read() as s:
        review = get_review(s, review_id)
        facts = gather_facts(s, review, store.now())
        host = s.get(Municipality, review.host_id)
        reviewing = s.exec(
            select(Municipality.name)
            .join(ReviewingMunicipality, ReviewingMunicipality.municipality_id == Municipality.id)  # type: ignore[arg-type]
            .where(ReviewingMunicipality.review_id == review_id)
            .order_by(Municipality.name)
        ).all()
        team = s.exec(
            select(Assignment, Person, Municipality.name)
            .join(Person, Person.id == Assignment.person_id)  # type: ignore[arg-type]
            .join(Municipality, Municipality.id == Person.municipality_id)  # type: ignore[arg-type]
            .where(Assignment.review_id == review_id)
            .order_by(col(Assignment.id))
        ).all()
        interviews = s.exec(
            select(Interview).where(Interview.review_id == review_id).order_by(col(Interview.start))
        ).all()
        template = pinned_template(review)
    return {
        "id": review.id,
        "host": host.name if host else None,
        "reviewing": list(reviewing),
        "state": review.state,
        "version": review.version,
        "round": review.round_id,
        "language": review.language,
        "template": {
            "id": review.template_id,
            "version": review.template_version,
            "sha256": review.template_sha256,
            "title": template.title,
        },
        "actions": [a["action"] for a in actions_from_facts(facts) if a["allowed"]],
        "team": [
            {
                "person": p.id,
                "name": p.name,
                "title": p.title,
                "municipality": m,
                "role": a.role,
            }
            for a, p, m in team
        ],
        "interviews": [
            {
                "id": i.id,
                "group": i.group_id,
                "start": format_local(i.start),
                "minutes": i.minutes,
                "place": i.place,
                "state": i.state,
            }
            for i in interviews
        ],
        "handed_over_on": review.handed_over_on.isoformat() if review.handed_over_on else None,
        "seminar": format_local(review.seminar_start),
        "seminar_place": review.seminar_place,
        "created": format_local(review.created_at),
        "updated": format_local(review.updated_at),
    }


__all__ = [
    "FindingKind",
    "actions",
    "advance",
    "assign",
    "check_role",
    "create_review",
    "ensure_editable",
    "fire_in",
    "gather_facts",
    "get_review",
    "list_reviews",
    "pinned_template",
    "set_language",
    "show",
    "unassign",
]
