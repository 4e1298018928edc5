"""Municipalities and people: who reviews, who is reviewed, who is interviewed."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from granskning.audit import record
from granskning.errors import InputError, NotFoundError, RuleError
from granskning.i18n import _
from granskning.model import EMAIL_MAX, NAME_MAX, Municipality, Person
from granskning.store import Store, retrying
from granskning.textcheck import check_line, unsafe_character


def _clean(value: str, what: str, limit: int = NAME_MAX) -> str:
    text = " ".join(value.split())
    if not text:
        raise InputError(_("{what} must not be empty").format(what=what))
    return check_line(text, what, limit)  # no direction overrides, no terminal escapes


def name_key(name: str) -> str:
    """The form municipality names are compared in: spaces folded, case folded."""
    return " ".join(name.split()).casefold()


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
        record(s, store, entity="municipality", action="add", comment=clean)
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
def add_person(
    store: Store,
    name: str,
    municipality: str,
    *,
    title: str | None = None,
    email: str | None = None,
) -> Person:
    """Register a person working for ``municipality``."""
    clean = _clean(name, _("the person's name"))
    if email is not None:
        email = email.strip()
        if "@" not in email or " " in email or len(email) > EMAIL_MAX or unsafe_character(email):
            raise InputError(_("not an e-mail address: {email}").format(email=email))
    with store.atomic() as s:
        muni = municipality_by_name(s, municipality)
        row = Person(
            name=clean,
            municipality_id=muni.id,  # type: ignore[arg-type]
            title=_clean(title, _("the title")) if title else None,
            email=email or None,
            created_at=store.now(),
        )
        s.add(row)
        s.flush()
        record(s, store, entity="person", action="add", comment=f"person {row.id}")
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
