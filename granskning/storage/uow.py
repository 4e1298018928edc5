"""The unit of work: one user action, one transaction, one acting person.

Every service function that changes data is written as ``fn(work, ...)`` and decorated
with :func:`writes`. Called with a :class:`~granskning.storage.store.Store` it opens a new
unit of work: a transaction that commits everything or nothing and is tried again from
scratch while it fails only because others wrote at the same moment. Called with a
:class:`Work` (from inside another service) it joins that transaction.

The unit of work owns what an action needs besides its arguments: the session, the clock,
the acting person (the CLI's OS user or ``--as``, the web's logged-in user), lookups that
say "X does not exist" in one clear line, versioned (optimistic) updates, and the events
the action emits (:mod:`granskning.domain.events`): each is written to the audit log with
the acting person, after the handlers the services table maps to its type have run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from granskning.domain.errors import ConflictError
from granskning.domain.events import Event
from granskning.domain.i18n import _
from granskning.storage import audit, queries
from granskning.storage.model import AuditEvent, Interview, Review
from granskning.storage.store import Store

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

Handler = Callable[["Work", Any], None]
Handlers = Mapping[type[Event], Sequence[Handler]]


# "X changed while you were acting on it": the message of a lost versioned update.
_CHANGED: dict[type[Any], Callable[[Any], str]] = {
    Review: lambda ident: _("review {id} changed while you were acting on it; try again").format(
        id=ident
    ),
    Interview: lambda ident: _(
        "interview {id} changed while you were acting on it; try again"
    ).format(id=ident),
}

# The handler table the services install (granskning.services.handlers).
_handlers: dict[type[Event], Sequence[Handler]] = {}

# The unit of work running in this context, so that a service called with the Store from
# inside another one joins its transaction instead of opening a second one.
_ACTIVE: ContextVar[Work | None] = ContextVar("granskning_work", default=None)

# Who acts in this context when a unit of work is not told: the web's logged-in user, set
# per request (the CLI's is the Store's own: the OS user or ``--as``).
_ACTOR: ContextVar[str | None] = ContextVar("granskning_actor", default=None)


@contextmanager
def acting_as(actor: str) -> Iterator[str]:
    """Every unit of work opened in this block records ``actor`` as who acted."""
    token = _ACTOR.set(actor)
    try:
        yield actor
    finally:
        _ACTOR.reset(token)


def install(handlers: Handlers) -> None:
    """Make ``handlers`` the table every unit of work runs events through."""
    _handlers.clear()
    _handlers.update(handlers)


class Work:
    """One user action's transaction: ``work.session``, ``work.now()``, ``work.actor``,
    ``work.get(Model, id)``, ``work.update_versioned(row, ...)``, ``work.emit(event)``."""

    def __init__(self, store: Store, session: Session, *, actor: str | None = None) -> None:
        self.store = store
        self.session = session
        self.actor = actor or _ACTOR.get() or store.actor

    def now(self) -> datetime:
        """The store's clock: the current time (aware, UTC)."""
        return self.store.now()

    def get(self, model: type[T], ident: Any) -> T:
        """The row of ``model`` with primary key ``ident``, or a NotFoundError in one line."""
        return queries.get(self.session, model, ident)

    def add(self, row: T) -> T:
        """Add ``row`` and flush, so that it has its id."""
        self.session.add(row)
        self.session.flush()
        return row

    def update_versioned(self, row: Any, **values: Any) -> None:
        """Write ``values`` to ``row`` with the optimistic lock on its ``version``: a
        ConflictError if someone changed the row since it was read."""
        model = type(row)
        now = self.now()
        result = self.session.execute(
            update(model)
            .where(col(model.id) == row.id, col(model.version) == row.version)
            .values(version=row.version + 1, updated_at=now, **values)
            # the object is brought up to date below, once: letting the ORM synchronize it
            # too would count the version up twice in memory
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(_CHANGED[model](row.id))
        # reflect the row in the object without marking it dirty (the UPDATE did the work)
        for name, value in (values | {"version": row.version + 1, "updated_at": now}).items():
            set_committed_value(row, name, value)

    def emit(self, event: Event) -> AuditEvent:
        """Run the handlers of ``event`` (its type's and its base types'), then write it to
        the audit log with the acting person: the consequences are in place before the event
        that caused them is recorded, all in this transaction."""
        for kind in type(event).__mro__:
            for handler in _handlers.get(kind, ()):
                handler(self, event)
        return audit.record(
            self.session,
            self.store,
            entity=event.entity,
            action=event.verb,
            review_id=event.review_id,
            interview_id=event.interview_id,
            from_state=event.from_state,
            to_state=event.to_state,
            data=event.data(),
            comment=event.comment,
            database_chain=event.database_chain,
            actor=self.actor,
        )


@contextmanager
def unit_of_work(store: Store, *, actor: str | None = None) -> Iterator[Work]:
    """One transaction as a unit of work (no retries: see :func:`run`)."""
    with store.atomic() as session:
        work = Work(store, session, actor=actor)
        token = _ACTIVE.set(work)
        try:
            yield work
        finally:
            _ACTIVE.reset(token)


def run(store: Store, action: Callable[[Work], R], *, actor: str | None = None) -> R:
    """Run ``action(work)`` in a new unit of work, tried again from scratch while it fails
    only because others were writing at the same moment (:meth:`Store.retry`)."""

    def once() -> R:
        with unit_of_work(store, actor=actor) as work:
            return action(work)

    return store.retry(once)


def active(store: Store) -> Work | None:
    """The unit of work running on ``store`` in this context, if any."""
    work = _ACTIVE.get()
    return work if work is not None and work.store is store else None


def writes(fn: Callable[Concatenate[Work, P], R]) -> Callable[Concatenate[Store | Work, P], R]:
    """Make ``fn(work, ...)`` a write entry point: called with a Store it runs in a unit of
    work of its own (see :func:`run`); called with a Work, or while one runs on that Store,
    it joins that transaction."""

    @functools.wraps(fn)
    def wrapper(target: Store | Work, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if isinstance(target, Work):
            return fn(target, *args, **kwargs)
        joined = active(target)
        if joined is not None:
            return fn(joined, *args, **kwargs)
        return run(target, lambda work: fn(work, *args, **kwargs))

    return wrapper


def store_of(target: Store | Work) -> Store:
    """The Store behind a Store or a unit of work."""
    return target.store if isinstance(target, Work) else target


__all__ = [
    "Handler",
    "Handlers",
    "Work",
    "acting_as",
    "active",
    "install",
    "run",
    "store_of",
    "unit_of_work",
    "writes",
]
