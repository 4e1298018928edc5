"""Reviews: create, assign the team, ask what is allowed, advance the life cycle.

Every action is one unit of work (:mod:`granskning.storage.uow`): the state change, the
handlers of its event and its audit record commit together or not at all. State changes
use optimistic locking on ``review.version``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import col, select

from granskning.documents.docxrender import check_output_path
from granskning.domain import events, labels, rules, templates
from granskning.domain.errors import FrozenError, InputError, NotFoundError, RuleError, refuse
from granskning.domain.i18n import LANGUAGES, _, speaking
from granskning.domain.rules import SINGLE_ROLES, TEAM_ROLES
from granskning.domain.text import REASON_LIMIT, clean_optional
from granskning.domain.timefmt import format_local
from granskning.domain.workflow import (
    DATE_NAMES_ANOTHER_DAY,
    FROZEN_STATES,
    REVIEW_ACTIONS,
    ActionParams,
    ReviewFacts,
    fire_review,
    review_block_reasons,
)
from granskning.services.registry import get_person, municipality_by_name
from granskning.storage.audit import person_ref
from granskning.storage.model import (
    Assignment,
    FindingKind,
    Interview,
    Municipality,
    Person,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Role,
    Round,
)
from granskning.storage.queries import gather_facts, get_review, pinned_template, team_bookings
from granskning.storage.store import Store, list_reviews
from granskning.storage.uow import Work, store_of, writes

# The slow part of an action, done before its transaction so that no write lock is held
# meanwhile: (store, review id, params) -> a context manager the transaction runs in (the
# final report is rendered first; the handler of HandedOver then stores it if the review
# did not change in between). Installed by granskning.services.handlers.
PREPARE: dict[str, Callable[[Store, int, ActionParams], AbstractContextManager[Any]]] = {}


def ensure_editable(review: Review) -> None:
    """Raise FrozenError if the review's content can no longer change."""
    ensure_editable_in(review.id, review.state)  # type: ignore[arg-type]


def ensure_editable_in(review_id: int, state_value: str) -> None:
    """Raise FrozenError if review ``review_id``, in the state ``state_value``, can no
    longer change its content (for a caller that read the state alone)."""
    state = ReviewState(state_value)
    if state in FROZEN_STATES:
        raise FrozenError(
            _(
                "review {id} has been handed over and is frozen; reopen it "
                "(review advance {id} reopen --reason ...) to change its content"
            ).format(id=review_id)
        )
    if state in (ReviewState.closed, ReviewState.cancelled):
        raise FrozenError(
            _("review {id} is {state}").format(id=review_id, state=labels.state(state))
        )


@writes
def create_review(
    work: Work,
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
    return new_review(
        work,
        host=municipality_by_name(work.session, host),
        reviewers=[municipality_by_name(work.session, name) for name in reviewing],
        source=source,
        round_id=round_id,
        language=chosen,
    )


def check_language(language: str) -> str:
    """``language`` if documents can be written in it (sv, en), else an InputError."""
    chosen = language.strip().lower()
    if chosen not in LANGUAGES:
        raise InputError(
            _("unknown language {lang} (one of: {langs})").format(
                lang=language, langs=", ".join(LANGUAGES)
            )
        )
    return chosen


@writes
def set_language(work: Work, review_id: int, language: str) -> Review:
    """Change the language of the review's documents (not once it is handed over: the
    frozen report keeps the language it was handed over in)."""
    chosen = check_language(language)
    review = work.get(Review, review_id)
    ensure_editable(review)
    if review.language != chosen:
        before = review.language
        review.language = chosen
        review.updated_at = work.now()
        work.session.add(review)
        work.emit(events.ReviewLanguageSet(review_id=review_id, before=before, after=chosen))
    return review


@writes
def new_review(
    work: Work,
    *,
    host: Municipality,
    reviewers: list[Municipality],
    source: templates.TemplateSource,
    round_id: int | None = None,
    language: str | None = None,
) -> Review:
    """Create a review of municipalities already looked up (a round plan makes many in one
    transaction).

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
    the_round = work.get(Round, round_id) if round_id is not None else None
    now = work.now()
    review = work.add(
        Review(
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
    )
    for m in reviewers:
        work.session.add(ReviewingMunicipality(review_id=review.id, municipality_id=m.id))  # type: ignore[arg-type]
    work.emit(
        events.ReviewCreated(
            review_id=review.id,
            to_state=review.state,
            template=source.template.id,
            version=source.template.version,
            sha256=source.sha256,
        )
    )
    return review


def check_role(role: Role, name: str, from_host: bool, host: str) -> None:
    """Refuse a role its holder's municipality rules out (RuleError): see
    :func:`granskning.domain.rules.role_reasons`."""
    refuse(rules.role_reasons(role, name, from_host, host))


def check_assignment(review: Any, role: Role, person: Any, name: str, existing: Any) -> None:
    """Refuse a role its holder already has, and a second lead or secretary (RuleError): see
    :func:`granskning.domain.rules.assignment_reasons`."""
    refuse(rules.assignment_reasons(review, role, person, name, existing))


def check_role_name(role: str) -> Role:
    """The role called ``role``, or an InputError listing the roles."""
    try:
        return Role(role)
    except ValueError:
        raise InputError(
            _("unknown role {role} (one of: {roles})").format(
                role=role, roles=", ".join(r.value for r in Role)
            )
        ) from None


@writes
def assign(work: Work, review_id: int, person_id: int, role: str) -> Assignment:
    """Give ``person_id`` the ``role`` on the review's team, checking the role rules."""
    the_role = check_role_name(role)
    s = work.session
    review = work.get(Review, review_id)
    ensure_editable(review)
    person = get_person(s, person_id)
    host = work.get(Municipality, review.host_id)
    check_role(the_role, person.name, person.municipality_id == review.host_id, host.name)
    existing = [
        (a.role, a.person_id, other.name if (other := s.get(Person, a.person_id)) else "?")
        for a in s.exec(select(Assignment).where(Assignment.review_id == review_id)).all()
    ]
    check_assignment(review_id, the_role, person_id, person.name, existing)
    row = work.add(
        Assignment(
            review_id=review_id, person_id=person_id, role=the_role.value, created_at=work.now()
        )
    )
    work.emit(
        events.Assigned(review_id=review_id, person=person_ref(s, person_id), role=the_role.value)
    )
    return row


@writes
def unassign(work: Work, review_id: int, person_id: int, role: str) -> None:
    """Take ``role`` on the review's team away from ``person_id``."""
    s = work.session
    review = work.get(Review, review_id)
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
    work.emit(events.Unassigned(review_id=review_id, person=person_ref(s, person_id), role=role))


# -- facts and actions -----------------------------------------------------------------------


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


def advance(
    target: Store | Work,
    review_id: int,
    action: str,
    *,
    reason: str | None = None,
    on: date | None = None,
    start: datetime | None = None,
    place: str | None = None,
    data: dict[str, Any] | None = None,
) -> Review:
    """Take ``action`` on the review: check the guards, emit its event (whose handlers do
    the action's consequences), write the new state.

    :param reason: required by ``cancel`` and ``reopen``.
    :param on: the date for ``schedule_seminar``.
    :param start: the seminar's start (aware UTC) for ``schedule_seminar``.
    :param place: the seminar's place for ``schedule_seminar``.
    :param data: more for the audit record (what set the action off).
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
    with _prepared(target, review_id, action, params):
        return take_action(target, review_id, action, params, data)


def _prepared(
    target: Store | Work, review_id: int, action: str, params: ActionParams
) -> AbstractContextManager[Any]:
    """The action's slow preparation, outside any transaction (none when joining one)."""
    prepare = PREPARE.get(action)
    if prepare is None or isinstance(target, Work):
        return nullcontext()
    return prepare(store_of(target), review_id, params)


@writes
def take_action(
    work: Work,
    review_id: int,
    action: str,
    params: ActionParams,
    data: dict[str, Any] | None = None,
) -> Review:
    """Take ``action`` in a unit of work: guards, event (handlers, audit record), state."""
    review = work.get(Review, review_id)
    facts = gather_facts(work.session, review, work.now())
    before = ReviewState(review.state)
    after = fire_review(action, facts, params)
    work.emit(
        events.life_cycle_event(
            action,
            review_id=review.id,
            from_state=before.value,
            to_state=after.value,
            comment=params.reason,
            params=params,
            extra=_dated(action, data, params),
        )
    )
    work.update_versioned(review, state=after.value)
    return review


def _dated(action: str, data: dict[str, Any] | None, params: ActionParams) -> dict[str, Any]:
    """The audit data, naming the day an action entered afterwards took place."""
    out = dict(data or {})
    if params.date is not None and action not in DATE_NAMES_ANOTHER_DAY:
        out["date"] = params.date.isoformat()
    return out


# -- reading ----------------------------------------------------------------------------------


def show(store: Store, review_id: int) -> dict[str, Any]:
    """The review with its team, interviews and the actions allowed now."""
    return overview(store, review_id)[0]


def overview(store: Store, review_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """:func:`show` and :func:`actions` from one reading of the facts (the web's page)."""
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
    shown = {
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
    return shown, actions_from_facts(facts)


F = TypeVar("F")


def write_review_document(
    store: Store,
    review_id: int,
    out: Path,
    facts: Callable[[Store, int], F],
    write: Callable[[F, str, Path, Path | None], Path],
    template: Path | None = None,
) -> Path:
    """Write a document of one review wholly in the review's language, never the caller's
    ``--lang``: refuse a bad ``out`` first, gather ``facts(store, review_id)`` speaking that
    language, then ``write(facts, language, out, template)``."""
    check_output_path(out)
    with store.read() as s:
        language = get_review(s, review_id).language
    with speaking(language):
        gathered = facts(store, review_id)
    return write(gathered, language, out, template)


__all__ = [
    "write_review_document",
    "FindingKind",
    "actions",
    "advance",
    "assign",
    "SINGLE_ROLES",
    "TEAM_ROLES",
    "check_assignment",
    "check_language",
    "check_role",
    "check_role_name",
    "create_review",
    "ensure_editable",
    "new_review",
    "overview",
    "take_action",
    "gather_facts",
    "get_review",
    "list_reviews",
    "pinned_template",
    "set_language",
    "show",
    "team_bookings",
    "unassign",
]
