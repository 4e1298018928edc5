"""Municipalities and people: who reviews, who is reviewed, who is interviewed."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.domain.i18n import _
from granskning.domain.text import (
    check_email,
    clean_optional,
    clean_text,
    name_key as name_key,  # re-exported: the rule lives in domain.text
)
from granskning.storage.audit import record
from granskning.storage.model import NAME_MAX, Municipality, Person
from granskning.storage.store import Store, retrying


def _clean(value: str, what: str, limit: int = NAME_MAX) -> str:
    return clean_text(value, what, limit)


def municipality_by_name(session: Session, name: str) -> Municipality:
    """The municipality called ``name`` (case-insensitive), or a NotFoundError."""
    wanted = " ".join(name.split())
    row = session.exec(select(Municipality).where(Municipality.key == name_key(wanted))).first()
    if row is None:
        raise NotFoundError(_("municipality {name} does not exist").format(name=wanted))
    return row


@retrying
def add_municipality(store: Store, name: str) -> Municipality:
    """Register a municipality.

    :param name: its name, unique (case-insensitive).
    """
    clean = _clean(name, _("the municipality's name"))
    if len(name_key(clean)) > NAME_MAX:  # casefolding can lengthen a name ("ß" -> "ss")
        raise InputError(
            _("{what} is longer than {n} characters").format(
                what=_("the municipality's name"), n=NAME_MAX
            )
        )
    with store.atomic() as s:
        exists = s.exec(select(Municipality).where(Municipality.key == name_key(clean))).first()
        if exists is not None:
            raise RuleError(
                _("municipality {name} already exists (id {id})").format(name=clean, id=exists.id)
            )
        row = Municipality(name=clean, key=name_key(clean), created_at=store.now())
        s.add(row)
        s.flush()
        record(s, store, entity="municipality", action="add", data={"name": clean})
        return row


def list_municipalities(store: Store) -> list[Municipality]:
    """Every municipality, by name."""
    with store.read() as s:
        return list(s.exec(select(Municipality).order_by(Municipality.name)).all())


def get_person(session: Session, person_id: int) -> Person:
    """The person with ``person_id``, or a NotFoundError."""
    row = session.get(Person, person_id)
    if row is None:
        raise NotFoundError(_("person {id} does not exist").format(id=person_id))
    return row


@retrying
def rename_municipality(store: Store, name: str, to: str) -> Municipality:
    """Rename a municipality (audited); the new name must not belong to another one.

    Frozen report versions keep the name they were handed over with.
    """
    clean = _clean(to, _("the municipality's name"))
    if len(name_key(clean)) > 200:
        raise InputError(
            _("{what} is longer than {n} characters").format(
                what=_("the municipality's name"), n=200
            )
        )
    with store.atomic() as s:
        row = municipality_by_name(s, name)
        if row.name == clean:
            return row
        other = s.exec(select(Municipality).where(Municipality.key == name_key(clean))).first()
        if other is not None and other.id != row.id:
            raise RuleError(
                _("municipality {name} already exists (id {id})").format(name=clean, id=other.id)
            )
        before = row.name
        row.name, row.key = clean, name_key(clean)
        s.add(row)
        record(
            s,
            store,
            entity="municipality",
            action="rename",
            data={"before": before, "after": clean},
        )
        return row


def _email(email: str | None) -> str | None:
    if email is None:
        return None
    # what was typed, as every command cleans it; then one address that cannot break the
    # line it is written on (a calendar's ATTENDEE, a mail header)
    email = clean_optional(email, "--email", 320)
    return check_email(email) if email else None


def _namesakes(session: Session, name: str, municipality_id: int, exclude: int | None) -> list[int]:
    """Ids of the people of the municipality with the same name (spaces and case folded)."""
    rows = session.exec(
        select(Person.id, Person.name).where(Person.municipality_id == municipality_id)
    ).all()
    return sorted(
        pid for pid, n in rows if pid and pid != exclude and name_key(n) == name_key(name)
    )


def _refuse_duplicate(session: Session, name: str, muni: Municipality, exclude: int | None) -> None:
    same = _namesakes(session, name, muni.id, exclude)  # type: ignore[arg-type]
    if same:
        raise RuleError(
            _(
                "{municipality} already has a person called {name} (person {ids}); if this "
                "is someone else, give --allow-duplicate"
            ).format(municipality=muni.name, name=name, ids=", ".join(str(i) for i in same))
        )


@retrying
def add_person(
    store: Store,
    name: str,
    municipality: str,
    *,
    title: str | None = None,
    email: str | None = None,
    allow_duplicate: bool = False,
) -> Person:
    """Register a person working for ``municipality``.

    :param allow_duplicate: register them though the municipality has someone of the same
        name (refused otherwise: most often the same person entered twice).
    """
    clean = _clean(name, _("the person's name"))
    email = _email(email)
    with store.atomic() as s:
        muni = municipality_by_name(s, municipality)
        if not allow_duplicate:
            _refuse_duplicate(s, clean, muni, None)
        row = Person(
            name=clean,
            municipality_id=muni.id,  # type: ignore[arg-type]
            title=_clean(title, _("the title")) if title else None,
            email=email or None,
            created_at=store.now(),
        )
        s.add(row)
        s.flush()
        record(s, store, entity="person", action="add", data={"person": row.uid})
        return row


@retrying
def edit_person(
    store: Store,
    person_id: int,
    *,
    name: str | None = None,
    title: str | None = None,
    email: str | None = None,
    allow_duplicate: bool = False,
) -> Person:
    """Correct a person's name, title or e-mail address (audited; None leaves a field as it
    is, "" clears the title or the e-mail address).

    Interviews of reviews that are not yet handed over follow the new name and title where
    they name the person; frozen reviews keep what they were handed over with.
    """
    from granskning.domain.workflow import FROZEN_STATES
    from granskning.storage.model import Interview, Interviewee, Review, ReviewState

    new_name = _clean(name, _("the person's name")) if name is not None else None
    new_title = _clean(title, _("the title")) if title and title.strip() else None
    new_email = _email(email)
    with store.atomic() as s:
        row = get_person(s, person_id)
        if row.forgotten_at is not None:
            raise RuleError(
                _("person {id} has been forgotten; their identity is not to be restored").format(
                    id=person_id
                )
            )
        values = {
            "name": row.name if new_name is None else new_name,
            "title": row.title if title is None else new_title,
            "email": row.email if email is None else new_email,
        }
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if not changed:
            return row
        if "name" in changed and not allow_duplicate:
            muni = s.get(Municipality, row.municipality_id)
            assert muni is not None
            _refuse_duplicate(s, values["name"] or "", muni, person_id)
        closed = [st.value for st in FROZEN_STATES] + [ReviewState.cancelled.value]
        linked = s.exec(
            select(Interviewee)
            .join(Interview, col(Interview.id) == Interviewee.interview_id)
            .join(Review, col(Review.id) == Interview.review_id)
            .where(Interviewee.person_id == person_id, col(Review.state).not_in(closed))
        ).all()
        for item in linked:
            if item.name == row.name:
                item.name = values["name"] or item.name
            if item.title == row.title:
                item.title = values["title"]
            s.add(item)
        for key in changed:
            setattr(row, key, values[key])
        s.add(row)
        # the fields, not their values: the audit log is no place for personal data
        record(
            s,
            store,
            entity="person",
            action="edit",
            data={"person": row.uid, "fields": list(changed)},
        )
        return row


def list_people(store: Store) -> list[dict[str, Any]]:
    """Every person with their municipality's name."""
    with store.read() as s:
        rows = s.exec(
            select(Person, Municipality.name)
            .join(Municipality, Municipality.id == Person.municipality_id)  # type: ignore[arg-type]
            .order_by(col(Person.id))
        ).all()
        return [person_dict(p, m) for p, m in rows]


def person_dict(person: Person, municipality: str) -> dict[str, Any]:
    """A person as shown by ``person list --json``."""
    return {
        "id": person.id,
        "name": person.name,
        "municipality": municipality,
        "title": person.title,
        "email": person.email,
    }
