"""Municipalities and people: who reviews, who is reviewed, who is interviewed.

Every change is one unit of work (:mod:`granskning.storage.uow`); the rules about names are
in :mod:`granskning.domain.people`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from granskning.domain import events, people
from granskning.domain.errors import InputError, NotFoundError, refuse
from granskning.domain.i18n import _
from granskning.domain.people import name_key as name_key  # re-exported
from granskning.domain.text import check_email, clean_optional, clean_text
from granskning.domain.workflow import FROZEN_STATES
from granskning.storage import queries
from granskning.storage.model import (
    NAME_MAX,
    Interview,
    Interviewee,
    Municipality,
    Person,
    Review,
    ReviewState,
)
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

# The reviews whose interviews no longer follow a person's new name: handed over, cancelled.
_SETTLED = [st.value for st in FROZEN_STATES] + [ReviewState.cancelled.value]


def _clean(value: str, what: str, limit: int = NAME_MAX) -> str:
    return clean_text(value, what, limit)


def municipality_by_name(session: Session, name: str) -> Municipality:
    """The municipality called ``name`` (case-insensitive), or a NotFoundError."""
    wanted = " ".join(name.split())
    row = _by_key(session, wanted)
    if row is None:
        raise NotFoundError(_("municipality {name} does not exist").format(name=wanted))
    return row


def _by_key(session: Session, name: str) -> Municipality | None:
    return session.exec(select(Municipality).where(Municipality.key == name_key(name))).first()


def _municipality_name(name: str) -> str:
    """A municipality's name as stored, or an InputError."""
    what = _("the municipality's name")
    clean = _clean(name, what)
    refuse(people.key_length_reasons(what, clean, NAME_MAX), InputError)
    return clean


def _refuse_taken(session: Session, name: str, own: int | None = None) -> None:
    """Refuse ``name`` if a municipality other than ``own`` has it."""
    other = _by_key(session, name)
    taken = other.id if other is not None and other.id != own else None
    refuse(people.municipality_taken_reasons(name, taken))


@writes
def add_municipality(work: Work, name: str) -> Municipality:
    """Register a municipality.

    :param name: its name, unique (case-insensitive).
    """
    clean = _municipality_name(name)
    _refuse_taken(work.session, clean)
    row = work.add(Municipality(name=clean, key=name_key(clean), created_at=work.now()))
    work.emit(events.MunicipalityAdded(name=clean))
    return row


def list_municipalities(store: Store) -> list[Municipality]:
    """Every municipality, by name."""
    with store.read() as s:
        return list(s.exec(select(Municipality).order_by(Municipality.name)).all())


def get_person(session: Session, person_id: int) -> Person:
    """The person with ``person_id``, or a NotFoundError."""
    return queries.get(session, Person, person_id)


@writes
def rename_municipality(work: Work, name: str, to: str) -> Municipality:
    """Rename a municipality (audited); the new name must not belong to another one.

    Frozen report versions keep the name they were handed over with.
    """
    clean = _municipality_name(to)
    row = municipality_by_name(work.session, name)
    if row.name == clean:
        return row
    _refuse_taken(work.session, clean, row.id)
    before = row.name
    row.name, row.key = clean, name_key(clean)
    work.session.add(row)
    work.emit(events.MunicipalityRenamed(before=before, after=clean))
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
    refuse(people.namesake_reasons(muni.name, name, same))


@writes
def add_person(
    work: Work,
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
    muni = municipality_by_name(work.session, municipality)
    if not allow_duplicate:
        _refuse_duplicate(work.session, clean, muni, None)
    row = work.add(
        Person(
            name=clean,
            municipality_id=muni.id,  # type: ignore[arg-type]
            title=_clean(title, _("the title")) if title else None,
            email=email or None,
            created_at=work.now(),
        )
    )
    work.emit(events.PersonAdded(person=row.uid))
    return row


@writes
def edit_person(
    work: Work,
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
    edits = _Edits.clean(name, title, email)
    row = work.get(Person, person_id)
    refuse(people.forgotten_reasons(person_id, row.forgotten_at))
    values = edits.applied_to(row)
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    if not changed:
        return row
    if "name" in changed and not allow_duplicate:
        muni = work.session.get(Municipality, row.municipality_id)
        assert muni is not None
        _refuse_duplicate(work.session, values["name"] or "", muni, person_id)
    _follow_in_interviews(work.session, row, values)
    for key in changed:
        setattr(row, key, values[key])
    work.session.add(row)
    # the fields, not their values: the audit log is no place for personal data
    work.emit(events.PersonEdited(person=row.uid, fields=list(changed)))
    return row


@dataclass(frozen=True)
class _Edits:
    """A person's fields as edited, cleaned (None: left as it is; "" clears the title or
    the e-mail address)."""

    name: str | None
    title: str | None
    email: str | None

    @classmethod
    def clean(cls, name: str | None, title: str | None, email: str | None) -> _Edits:
        return cls(
            name=_clean(name, _("the person's name")) if name is not None else None,
            title=(_clean(title, _("the title")) if title.strip() else "")
            if title is not None
            else None,
            email=(_email(email) or "") if email is not None else None,
        )

    def applied_to(self, person: Person) -> dict[str, str | None]:
        """The person's name, title and e-mail address after the edit."""
        return {
            "name": person.name if self.name is None else self.name,
            "title": person.title if self.title is None else self.title or None,
            "email": person.email if self.email is None else self.email or None,
        }


def _follow_in_interviews(session: Session, person: Person, values: dict[str, Any]) -> None:
    """Give the person's new name and title to the interviews of open reviews that name
    them as they were."""
    linked = session.exec(
        select(Interviewee)
        .join(Interview, col(Interview.id) == Interviewee.interview_id)
        .join(Review, col(Review.id) == Interview.review_id)
        .where(Interviewee.person_id == person.id, col(Review.state).not_in(_SETTLED))
    ).all()
    for item in linked:
        if item.name == person.name:
            item.name = values["name"] or item.name
        if item.title == person.title:
            item.title = values["title"]
        session.add(item)


def list_people(store: Store) -> list[dict[str, Any]]:
    """Every person with their municipality's name."""
    with store.read() as s:
        rows = s.exec(
            select(Person, Municipality.name)
            .join(Municipality, Municipality.id == Person.municipality_id)  # type: ignore[arg-type]
            .order_by(col(Person.id))
        ).all()
        return [person_dict(p, m) for p, m in rows]


def person_choices(
    store: Store, municipalities: list[str] | None = None
) -> list[tuple[int, str, str]]:
    """The id, name and municipality of every person (of ``municipalities`` only, when
    given), not forgotten, by municipality and name: a form's list of people. Columns, not
    rows: a partnership's registry holds thousands of people."""
    query = (
        select(Person.id, Person.name, Municipality.name)
        .join(Municipality, Municipality.id == Person.municipality_id)  # type: ignore[arg-type]
        .where(col(Person.forgotten_at).is_(None))
        .order_by(col(Municipality.name), col(Person.name), col(Person.id))
    )
    if municipalities is not None:
        query = query.where(col(Municipality.name).in_(municipalities))
    with store.read() as s:
        rows = s.exec(query).all()
        return [(pid, name, town) for pid, name, town in rows if pid is not None]


def person_dict(person: Person, municipality: str) -> dict[str, Any]:
    """A person as shown by ``person list --json``."""
    return {
        "id": person.id,
        "name": person.name,
        "municipality": municipality,
        "title": person.title,
        "email": person.email,
    }


__all__ = [
    "add_municipality",
    "add_person",
    "edit_person",
    "get_person",
    "list_municipalities",
    "list_people",
    "person_choices",
    "municipality_by_name",
    "name_key",
    "person_dict",
    "rename_municipality",
]
