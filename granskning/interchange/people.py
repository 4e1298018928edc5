"""The people of an imported file: found here by uid, or by name, municipality and e-mail,
or added; a person forgotten here stays forgotten (the file's copy is redacted)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from granskning.domain import events
from granskning.domain.i18n import _
from granskning.domain.people import name_key
from granskning.interchange.format import columns, utc_text
from granskning.interchange.state import ImportState
from granskning.storage.model import Municipality, Person


def merge_people(st: ImportState) -> None:
    """Find or add each person of the file (``st.person_ids``: file uid -> id here)."""
    forgotten: dict[str, tuple[str, str]] = {}
    file_uids = {p["uid"] for p in st.f["people"]}
    renamed: dict[str, str] = {}
    for p in st.f["people"]:
        row = st.s.exec(select(Person).where(Person.uid == p["uid"])).first()
        if row is None:
            row = _same_person(st, p, file_uids | set(renamed.values()))
            if row is not None:
                _matched(st, p, row, renamed)
                continue
            row = _add_person(st, p)
        elif row.forgotten_at is not None:
            # forgotten here: the file's copy of the name must not come back
            if p["forgotten_at"] is None:
                forgotten[p["uid"]] = (p["name"], row.name)
        else:
            _compare_person(st, row, p)
        assert row.id is not None
        st.person_ids[p["uid"]] = row.id
    if forgotten:
        _apply_forgotten(st, forgotten)
    if renamed:
        _rename_people(st.f, renamed)


def _matched(st: ImportState, p: dict[str, Any], row: Person, renamed: dict[str, str]) -> None:
    """Note that the file's person ``p`` is ``row`` here (under another uid)."""
    assert row.id is not None
    renamed[p["uid"]] = row.uid
    st.person_ids[row.uid] = row.id
    st.matched.append({"uid": p["uid"], "person": row.id, "uid_here": row.uid, "name": row.name})


def _add_person(st: ImportState, p: dict[str, Any]) -> Person:
    row = Person(municipality_id=st.municipality(p["municipality"]), **columns(p, "people"))
    st.s.add(row)
    st.s.flush()
    st.work.emit(events.PersonAdded(person=row.uid))
    st.plan.add("people")
    return row


def _compare_person(st: ImportState, row: Person, p: dict[str, Any]) -> None:
    muni = st.s.get(Municipality, row.municipality_id)
    here = {
        "name": row.name,
        "municipality": muni.name if muni else None,
        "title": row.title,
        "email": row.email,
        "forgotten_at": utc_text(row.forgotten_at),
    }
    key = f"{row.id} ({row.uid})"
    if p["forgotten_at"] is not None:
        st.plan.conflicts.append(
            _(
                "person {key} was forgotten where the file comes from but not "
                "here: run person forget {id} here first"
            ).format(key=key, id=row.id)
        )
    else:
        st.plan.compare(_("person"), key, here, p, skip=("uid", "created_at"))


def _same_person(st: ImportState, p: dict[str, Any], taken: set[str]) -> Person | None:
    """The person here with the file's person's name, municipality and e-mail (the
    first registered, if several), unless forgotten or already named by the file."""
    muni = st.s.exec(
        select(Municipality.id).where(Municipality.key == name_key(p["municipality"]))
    ).first()
    if muni is None:
        return None
    email = (p["email"] or "").casefold()
    for row in st.s.exec(
        select(Person).where(Person.municipality_id == muni).order_by(col(Person.id))
    ).all():
        if (
            row.forgotten_at is None
            and row.uid not in taken
            and name_key(row.name) == name_key(p["name"])
            and (row.email or "").casefold() == email
        ):
            return row
    return None


def _rename_people(f: dict[str, Any], renamed: dict[str, str]) -> None:
    """Point the file's records at the people found here under another uid."""
    for p in f["people"]:
        p["uid"] = renamed.get(p["uid"], p["uid"])
    for a in f["assignments"]:
        a["person"] = renamed.get(a["person"], a["person"])
    for iv in f["interviews"]:
        for job in ("moderator", "note_taker", "timekeeper"):
            if iv[job] is not None:
                iv[job] = renamed.get(iv[job], iv[job])
        for who in iv["interviewees"]:
            if who["person"] is not None:
                who["person"] = renamed.get(who["person"], who["person"])


# -- people forgotten here --------------------------------------------------------------------


def _apply_forgotten(st: ImportState, forgotten: dict[str, tuple[str, str]]) -> None:
    """Rewrite the file's records of people forgotten in this database with their pseudonyms,
    the way ``person forget`` did here: an import never brings a forgotten name back."""
    for uid, (name, pseudonym) in forgotten.items():
        for redact in _REDACTIONS:
            redact(st, uid, name, pseudonym)


def _redact_review(st: ImportState, _uid: str, name: str, pseudonym: str) -> None:
    review = st.f["review"]
    if review["seminar_place"]:
        review["seminar_place"] = st.rules.replace_name(review["seminar_place"], name, pseudonym)


def _redact_interviews(st: ImportState, uid: str, name: str, pseudonym: str) -> None:
    replace_name, same_name = st.rules.replace_name, st.rules.same_name
    for iv in st.f["interviews"]:
        for key in ("place", "cancel_reason"):
            if iv[key]:
                iv[key] = replace_name(iv[key], name, pseudonym)
        for p in iv["interviewees"]:
            if p["person"] == uid or same_name(p["name"], name):
                p["name"], p["title"] = pseudonym, None
            elif p["organisation"]:
                p["organisation"] = replace_name(p["organisation"], name, pseudonym)


def _redact_audit(st: ImportState, uid: str, name: str, pseudonym: str) -> None:
    st.rules.redact_records(st.f["audit"], name, pseudonym, uid, st.now)


def _redact_notes(st: ImportState, _uid: str, name: str, pseudonym: str) -> None:
    for n in st.f["notes"]:
        n["text"] = st.rules.replace_name(n["text"], name, pseudonym)
        if n["author"] and st.rules.same_name(n["author"], name):
            n["author"] = pseudonym


def _redact_texts(st: ImportState, _uid: str, name: str, pseudonym: str) -> None:
    for coll in ("findings", "recommendations", "report_texts"):
        for r in st.f[coll]:
            r["text"] = st.rules.replace_name(r["text"], name, pseudonym)


def _redact_items(st: ImportState, _uid: str, name: str, pseudonym: str) -> None:
    replace_name = st.rules.replace_name
    for i in st.f["follow_up_items"]:
        i["text"] = replace_name(i["text"], name, pseudonym)
        if i["comment"]:
            i["comment"] = replace_name(i["comment"], name, pseudonym)
        if i["responsible"] and st.rules.same_name(i["responsible"], name):
            i["responsible"] = pseudonym


# the parts of the file where a forgotten person's name is redacted
_REDACTIONS = (
    _redact_review,
    _redact_interviews,
    _redact_audit,
    _redact_notes,
    _redact_texts,
    _redact_items,
)
