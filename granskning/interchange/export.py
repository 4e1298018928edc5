"""Writing a review in the export format: one small record builder per kind of record.

:func:`review_document` reads the review's rows once (:class:`_Rows`), then builds each
list of the file from them with its builder in :data:`_SECTIONS`, in the file's order.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from granskning.interchange.format import FORMAT, FORMAT_VERSION, fields, utc_text
from granskning.storage import audit
from granskning.storage.model import (
    Assignment,
    Finding,
    FollowUpItem,
    Interview,
    Interviewee,
    Municipality,
    Note,
    Person,
    Recommendation,
    ReportText,
    ReportVersion,
    Review,
    ReviewingMunicipality,
    Round,
    RoundMember,
    SessionEvent,
)
from granskning.storage.queries import ordered_rows

_t = utc_text


def _ordered(session: Session, model: Any, where: Any) -> list[Any]:
    """The rows of ``model`` where ``where`` holds, in id order."""
    return ordered_rows(session, model, where, col(model.id))


def _of_interviews(session: Session, model: Any, ids: list[Any]) -> list[Any]:
    """The rows of ``model`` that belong to the interviews ``ids``, in id order."""
    return _ordered(session, model, col(model.interview_id).in_(ids)) if ids else []


class _Rows:
    """The rows of one review that its export document is made from."""

    def __init__(self, session: Session, review: Review) -> None:
        rid = review.id
        self.session, self.review = session, review
        self.munis = {m.id: m.name for m in session.exec(select(Municipality)).all()}
        self.interviews = _ordered(session, Interview, Interview.review_id == rid)
        iv_ids = [i.id for i in self.interviews]
        self.assignments = _ordered(session, Assignment, Assignment.review_id == rid)
        self.interviewees = _of_interviews(session, Interviewee, iv_ids)
        person_ids: set[int] = {a.person_id for a in self.assignments}
        for iv in self.interviews:
            person_ids |= {p for p in (iv.moderator_id, iv.note_taker_id, iv.timekeeper_id) if p}
        person_ids |= {p.person_id for p in self.interviewees if p.person_id}
        self.people = (
            _ordered(session, Person, col(Person.id).in_(person_ids)) if person_ids else []
        )
        self.puid = {p.id: p.uid for p in self.people}
        self.ivuid = {i.id: i.uid for i in self.interviews}
        self.events = _of_interviews(session, SessionEvent, iv_ids)
        self.notes = _of_interviews(session, Note, iv_ids)
        self.items = _ordered(session, FollowUpItem, FollowUpItem.review_id == rid)
        self.item_uid = {i.id: i.uid for i in self.items}


def _round(rows: _Rows) -> dict[str, Any] | None:
    if rows.review.round_id is None:
        return None
    rnd = rows.session.get(Round, rows.review.round_id)
    assert rnd is not None
    members = rows.session.exec(
        select(RoundMember.municipality_id).where(RoundMember.round_id == rnd.id)
    ).all()
    return {
        "year": rnd.year,
        "theme": rnd.theme,
        "template_name": rnd.template_name,
        "members": sorted(rows.munis[m] for m in members),
    }


def _review(rows: _Rows) -> dict[str, Any]:
    review = rows.review
    reviewing = rows.session.exec(
        select(ReviewingMunicipality).where(ReviewingMunicipality.review_id == review.id)
    ).all()
    return {
        "uid": review.uid,
        "host": rows.munis[review.host_id],
        "reviewing": sorted(rows.munis[r.municipality_id] for r in reviewing),
        "round": _round(rows),
        "state": review.state,
        "version": review.version,
        "template": {
            "id": review.template_id,
            "version": review.template_version,
            "sha256": review.template_sha256,
            "content": review.template_content,
        },
        "handed_over_on": review.handed_over_on.isoformat() if review.handed_over_on else None,
        "seminar_start": _t(review.seminar_start),
        "seminar_place": review.seminar_place,
        "language": review.language,
        "notes_appendix": review.notes_appendix,
        "created_at": _t(review.created_at),
        "updated_at": _t(review.updated_at),
    }


def _record(row: Any, kind: str, **made: Any) -> dict[str, Any]:
    """``row`` as the file's record of ``kind`` (see COLUMNS); ``made`` holds the fields
    made from other rows."""
    out: dict[str, Any] = {}
    for field, column in fields(kind):
        value = made[field] if column is None else getattr(row, column)
        if isinstance(value, datetime):
            value = _t(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[field] = value
    return out


def _people(rows: _Rows) -> list[dict[str, Any]]:
    return [_record(p, "people", municipality=rows.munis[p.municipality_id]) for p in rows.people]


def _assignments(rows: _Rows) -> list[dict[str, Any]]:
    return [_record(a, "assignments", person=rows.puid[a.person_id]) for a in rows.assignments]


def _interviewees(rows: _Rows, iv: Interview) -> list[dict[str, Any]]:
    mine = (x for x in rows.interviewees if x.interview_id == iv.id)
    return [
        _record(p, "interviewees", person=rows.puid.get(p.person_id) if p.person_id else None)
        for p in sorted(mine, key=lambda x: (x.position, x.id or 0))
    ]


def _interviews(rows: _Rows) -> list[dict[str, Any]]:
    return [
        _record(
            iv,
            "interviews",
            moderator=rows.puid.get(iv.moderator_id),
            note_taker=rows.puid.get(iv.note_taker_id),
            timekeeper=rows.puid.get(iv.timekeeper_id),
            interviewees=_interviewees(rows, iv),
            events=[_record(e, "events") for e in rows.events if e.interview_id == iv.id],
        )
        for iv in rows.interviews
    ]


def _notes(rows: _Rows) -> list[dict[str, Any]]:
    return [_record(n, "notes", interview=rows.ivuid[n.interview_id]) for n in rows.notes]


def _of_review(rows: _Rows, model: Any, order: Any = None) -> list[Any]:
    """The review's rows of ``model``, by ``order`` (default: by id)."""
    by = col(model.id if order is None else order)
    where = model.review_id == rows.review.id
    return list(rows.session.exec(select(model).where(where).order_by(by)).all())


def _findings(rows: _Rows) -> list[dict[str, Any]]:
    return [_record(f, "findings") for f in _of_review(rows, Finding)]


def _recommendations(rows: _Rows) -> list[dict[str, Any]]:
    return [_record(r, "recommendations") for r in _of_review(rows, Recommendation)]


def _report_texts(rows: _Rows) -> list[dict[str, Any]]:
    return [_record(t, "report_texts") for t in _of_review(rows, ReportText, ReportText.section)]


def _content(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data is not None else None


def _report_versions(rows: _Rows) -> list[dict[str, Any]]:
    versions = _of_review(rows, ReportVersion, ReportVersion.number)
    return [_record(v, "report_versions", content=_content(v.content)) for v in versions]


def _follow_up_items(rows: _Rows) -> list[dict[str, Any]]:
    return [
        _record(
            i,
            "follow_up_items",
            merged_into=rows.item_uid.get(i.merged_into_id) if i.merged_into_id else None,
        )
        for i in rows.items
    ]


def _audit(rows: _Rows) -> list[dict[str, Any]]:
    return audit.export_records(rows.session, rows.review)


# the file's parts after its header, in order: each built from the review's rows
_SECTIONS: tuple[tuple[str, Callable[[_Rows], Any]], ...] = (
    ("review", _review),
    ("people", _people),
    ("assignments", _assignments),
    ("interviews", _interviews),
    ("notes", _notes),
    ("findings", _findings),
    ("recommendations", _recommendations),
    ("report_texts", _report_texts),
    ("report_versions", _report_versions),
    ("follow_up_items", _follow_up_items),
    ("audit", _audit),
)


def review_document(
    session: Session, review: Review, now: datetime, exported_by: str
) -> dict[str, Any]:
    """Everything ``review`` holds, in the export format (plain JSON values).

    :param exported_by: the program that writes it, with its version.
    """
    rows = _Rows(session, review)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _t(now),
        "exported_by": exported_by,
        **{key: build(rows) for key, build in _SECTIONS},
    }


def encode(doc: dict[str, Any]) -> bytes:
    """An export document as the file holds it (UTF-8 JSON, one space indentation)."""
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
