"""Personal data: what is stored about a person (access request) and forgetting them.

``person_export`` gathers everything held about one person: the person row, their team
roles and interview jobs, the interviews they took part in (linked to them or under the
same name), notes they wrote, texts that mention them, follow-up items they answer for,
frozen reports that hold their name, and the audit events that name them.

``forget`` replaces their name, title and e-mail address by a pseudonym wherever free text
of the database holds them: the person row, interviewee rows, interview places and cancel
reasons, note authors and texts, findings, recommendations, report texts, follow-up items,
seminar places, round themes, and the audit log's actors and texts (kept beside its hash
chain for this: the redaction shows and verifies). It counts what it changed per field.
Notes and statistics stay. Frozen report versions are bytes that were handed over: those that
still hold the name are listed, and purged (content dropped, SHA-256 kept) when asked. The
person row stays, with its uid, so that an import never brings the name back.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import delete
from sqlmodel import Session, col, or_, select

from granskning.domain import events
from granskning.domain.errors import NotFoundError, RuleError
from granskning.domain.i18n import _
from granskning.domain.people import (
    mentions,
    mentions_any,
    name_pattern,
    pseudonym,
    replace_name,
    same_name,
)
from granskning.domain.timefmt import format_local
from granskning.services.registry import get_person
from granskning.storage.audit import redact
from granskning.storage.model import (
    Assignment,
    AuditDetail,
    AuditEvent,
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
    Round,
    SeminarParticipant,
    UserAccount,
    WebSession,
)
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# a Word part larger than this is not read (a frozen report is a few hundred kB)
MAX_PART = 50_000_000
# the parts of a Word document that hold text people wrote (not styles, fonts, themes)
_TEXT_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml|docProps/(core|app)\.xml)$"
)


def pseudonym_for(person: Person) -> str:
    """The pseudonym a forgotten person gets: random (from the uid), never from the name."""
    return pseudonym(person.uid)


# -- Word documents ---------------------------------------------------------------------------


def docx_paragraphs(content: bytes) -> list[str]:
    """The text of a Word document, one string per paragraph (runs joined), including
    headers, footers, notes and the document properties; ValueError if it is not one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ValueError("not a Word document") from None
    out: list[str] = []
    with archive:
        for info in archive.infolist():
            if not _TEXT_PART.match(info.filename) or info.file_size > MAX_PART:
                continue
            try:
                root = ElementTree.fromstring(archive.read(info))
            except (ElementTree.ParseError, zipfile.BadZipFile, OSError) as exc:
                raise ValueError(f"{info.filename}: {exc}") from None
            paragraphs = list(root.iter(f"{W_NS}p"))
            if paragraphs:
                for p in paragraphs:
                    out.append("".join(t.text or "" for t in p.iter(f"{W_NS}t")))
            else:  # document properties: plain elements
                out.extend(e.text for e in root.iter() if e.text and e.text.strip())
    return out


def report_holds(content: bytes, needles: list[str]) -> bool:
    """Whether a frozen report (docx bytes) mentions any of ``needles``; a file that cannot
    be read counts as holding them (only a purge makes sure)."""
    try:
        paragraphs = docx_paragraphs(content)
    except ValueError:
        return True
    return any(mentions(p, n) for p in paragraphs for n in needles if n)


# -- access request ---------------------------------------------------------------------------


def _needles(person: Person) -> list[str]:
    return [n for n in (person.name, person.email) if n]


# An entry of the access request for a stored row, given the interviews by id.
Entry = Callable[[Any, Mapping[Any, Interview]], dict[str, Any]]


def _note_entry(note: Note, interviews: Mapping[Any, Interview]) -> dict[str, Any]:
    iv = interviews.get(note.interview_id)
    return {
        "id": note.id,
        "review": iv.review_id if iv else None,
        "interview": note.interview_id,
        "question": note.question_id,
        "text": note.text,
        "created": format_local(note.created_at),
    }


def _columns(*keys: str) -> Entry:
    """An entry of the row's ``keys`` (``review`` is its review_id)."""
    return lambda row, _interviews: {
        key: getattr(row, "review_id" if key == "review" else key) for key in keys
    }


@dataclass(frozen=True)
class _Texts:
    """A kind of stored text that may mention someone: its table, the fields searched, the
    entry shown (rows by id unless not ``ordered``)."""

    kind: str
    model: type[Any]
    fields: tuple[str, ...]
    entry: Entry
    ordered: bool = True


_TEXTS = (
    _Texts("note", Note, ("text",), _note_entry),
    _Texts("finding", Finding, ("text",), _columns("id", "review", "text")),
    _Texts("recommendation", Recommendation, ("text",), _columns("id", "review", "text")),
    _Texts(
        "report_text", ReportText, ("text",), _columns("review", "section", "text"), ordered=False
    ),
    _Texts(
        "interview",
        Interview,
        ("place", "cancel_reason"),
        _columns("id", "review", "place", "cancel_reason"),
    ),
    _Texts(
        "follow_up_item",
        FollowUpItem,
        ("text", "comment"),
        _columns("id", "review", "text", "comment"),
    ),
)


def _text_mentions(session: Session, needles: list[str]) -> Iterator[dict[str, Any]]:
    """Every stored text that mentions one of ``needles``."""
    interviews = {i.id: i for i in session.exec(select(Interview)).all()}
    for texts in _TEXTS:
        query = select(texts.model)
        if texts.ordered:
            query = query.order_by(col(texts.model.id))
        for row in session.exec(query).all():
            if any(mentions_any(getattr(row, f), needles) for f in texts.fields):
                yield {"kind": texts.kind, **texts.entry(row, interviews)}


def _appearances(session: Session, person: Person) -> list[tuple[Interviewee, str]]:
    rows = session.exec(
        select(Interviewee).where(
            or_(
                col(Interviewee.person_id) == person.id,
                col(Interviewee.person_id).is_(None),
            )
        )
    ).all()
    out = []
    for r in rows:
        if r.person_id == person.id:
            out.append((r, "person"))
        elif same_name(r.name, person.name):
            out.append((r, "name"))
    return out


def _audit_naming(
    session: Session, person: Person, *, by_uid: bool = True
) -> list[tuple[AuditEvent, AuditDetail | None]]:
    """The audit events that name the person: as who acted, in their text, or (``by_uid``)
    referring to them by uid."""
    details = {d.event_uid: d for d in session.exec(select(AuditDetail)).all()}
    needles = _needles(person)
    out = []
    for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all():
        d = details.get(e.uid)
        if (
            (d is not None and any(same_name(d.actor, n) for n in needles))
            or (d is not None and mentions_any(d.text, needles))
            or (by_uid and person.uid in e.data and person.uid in json.loads(e.data).values())
        ):
            out.append((e, d))
    return out


def _reports_holding(session: Session, person: Person) -> list[ReportVersion]:
    needles = _needles(person)
    out = []
    for v in session.exec(
        select(ReportVersion)
        .where(col(ReportVersion.content).is_not(None))
        .order_by(col(ReportVersion.review_id), col(ReportVersion.number))
    ).all():
        if v.content is not None and report_holds(v.content, needles):
            out.append(v)
    return out


@dataclass(frozen=True)
class _Subject:
    """The person of an access request, with the lookups its sections share."""

    session: Session
    person: Person
    reviews: dict[Any, Review]
    municipalities: dict[Any, str]
    interviews: dict[Any, Interview]

    @classmethod
    def read(cls, session: Session, person: Person) -> _Subject:
        return cls(
            session,
            person,
            reviews={r.id: r for r in session.exec(select(Review)).all()},
            municipalities={m.id: m.name for m in session.exec(select(Municipality)).all()},
            interviews={i.id: i for i in session.exec(select(Interview)).all()},
        )

    def host(self, review_id: int | None) -> str | None:
        """The name of the municipality under review in ``review_id``."""
        r = self.reviews.get(review_id)
        return self.municipalities.get(r.host_id) if r else None


def _person_section(sub: _Subject) -> dict[str, Any]:
    person = sub.person
    return {
        "id": person.id,
        "uid": person.uid,
        "name": person.name,
        "title": person.title,
        "email": person.email,
        "municipality": sub.municipalities.get(person.municipality_id),
        "created": format_local(person.created_at),
        "forgotten": format_local(person.forgotten_at),
    }


def _assignments(sub: _Subject) -> list[dict[str, Any]]:
    rows = sub.session.exec(
        select(Assignment).where(Assignment.person_id == sub.person.id).order_by(col(Assignment.id))
    ).all()
    return [
        {
            "review": a.review_id,
            "host": sub.host(a.review_id),
            "role": a.role,
            "since": format_local(a.created_at),
        }
        for a in rows
    ]


# An interview's jobs and the fields that hold who does them.
_JOBS = (
    ("moderator", "moderator_id"),
    ("note_taker", "note_taker_id"),
    ("timekeeper", "timekeeper_id"),
)


def _interview_jobs(sub: _Subject) -> list[dict[str, Any]]:
    return [
        {
            "interview": iv.id,
            "review": iv.review_id,
            "host": sub.host(iv.review_id),
            "job": job,
            "group": iv.group_id,
            "start": format_local(iv.start),
        }
        for iv in sorted(sub.interviews.values(), key=lambda i: i.id or 0)
        for job, field_name in _JOBS
        if getattr(iv, field_name) == sub.person.id
    ]


def _interviewee_appearances(sub: _Subject) -> list[dict[str, Any]]:
    out = []
    for row, how in _appearances(sub.session, sub.person):
        seen = sub.interviews.get(row.interview_id)
        out.append(
            {
                "interview": row.interview_id,
                "review": seen.review_id if seen else None,
                "host": sub.host(seen.review_id if seen else None),
                "group": seen.group_id if seen else None,
                "start": format_local(seen.start) if seen else None,
                "name": row.name,
                "title": row.title,
                "organisation": row.organisation,
                "matched_by": how,
            }
        )
    return out


def _notes_authored(sub: _Subject) -> list[dict[str, Any]]:
    notes = sub.session.exec(select(Note).where(col(Note.author).is_not(None))).all()
    keys = ("id", "interview", "review", "question", "text", "created")
    return [
        {key: entry[key] for key in keys}
        for n in notes
        if same_name(n.author, sub.person.name)
        for entry in [_note_entry(n, sub.interviews)]
    ]


def _follow_up_responsible(sub: _Subject) -> list[dict[str, Any]]:
    return [
        {"id": i.id, "review": i.review_id, "text": i.text, "status": i.status}
        for i in sub.session.exec(select(FollowUpItem)).all()
        if same_name(i.responsible, sub.person.name)
    ]


def _seminar_participation(sub: _Subject) -> list[dict[str, Any]]:
    return [
        {"review": p.review_id, "name": p.name, "municipality": p.municipality}
        for p in sub.session.exec(select(SeminarParticipant)).all()
        if same_name(p.name, sub.person.name)
    ]


def _report_versions(sub: _Subject) -> list[dict[str, Any]]:
    return [
        {
            "review": v.review_id,
            "version": v.number,
            "sha256": v.sha256,
            "created": format_local(v.created_at),
        }
        for v in _reports_holding(sub.session, sub.person)
    ]


def _audit_events(sub: _Subject) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "at": format_local(e.at),
            "actor": d.actor if d else None,
            "entity": e.entity,
            "action": e.action,
            "review": e.review_id,
            "data": json.loads(e.data),
            "text": d.text if d else None,
        }
        for e, d in _audit_naming(sub.session, sub.person)
    ]


def _web_accounts(sub: _Subject) -> list[dict[str, Any]]:
    """The person's web accounts (never the password's hash)."""
    return [
        {
            "email": a.email,
            "coordinator": a.coordinator,
            "disabled": format_local(a.disabled_at),
            "created": format_local(a.created_at),
        }
        for a in sub.session.exec(
            select(UserAccount).where(UserAccount.person_id == sub.person.id)
        ).all()
    ]


def _close_accounts(session: Session, person: Person, pseudonym_uid: str, now: datetime) -> int:
    """A forgotten person's web accounts: their sessions ended, their address and password
    gone, disabled for good. Returns how many."""
    rows = session.exec(select(UserAccount).where(UserAccount.person_id == person.id)).all()
    for n, account in enumerate(rows):
        session.execute(delete(WebSession).where(col(WebSession.user_id) == account.id))
        account.email = f"forgotten-{pseudonym_uid}-{n}@invalid"
        account.password_hash = "!"  # no password matches it
        account.disabled_at = account.disabled_at or now
        account.updated_at = now
        session.add(account)
    return len(rows)


# The sections of an access request, in the order it shows them.
_SECTIONS: dict[str, Callable[[_Subject], Any]] = {
    "person": _person_section,
    "assignments": _assignments,
    "interview_jobs": _interview_jobs,
    "interviewee_appearances": _interviewee_appearances,
    "notes_authored": _notes_authored,
    "texts_mentioning": lambda sub: list(_text_mentions(sub.session, _needles(sub.person))),
    "follow_up_responsible": _follow_up_responsible,
    "seminar_participation": _seminar_participation,
    "report_versions_holding_name": _report_versions,
    "audit_events": _audit_events,
    "web_accounts": _web_accounts,
}


def person_export(store: Store, person_id: int) -> dict[str, Any]:
    """Everything stored about a person, as JSON (a data subject's access request)."""
    with store.read() as s:
        sub = _Subject.read(s, get_person(s, person_id))
        sections = {key: section(sub) for key, section in _SECTIONS.items()}
        return {"id": sub.person.id, **sections, "exported": format_local(store.now())}


# -- forgetting -------------------------------------------------------------------------------


# The free text forgetting scrubs, table by table: (what it counts as, the table, the fields
# that may mention the person, the fields that hold a name as a whole).
_SCRUBBED: tuple[tuple[str, type[Any], tuple[str, ...], tuple[str, ...]], ...] = (
    ("interviews", Interview, ("place", "cancel_reason"), ()),
    ("notes", Note, ("text", "author"), ("author",)),
    ("findings", Finding, ("text",), ()),
    ("recommendations", Recommendation, ("text",), ()),
    ("report_texts", ReportText, ("text",), ()),
    ("follow_up_items", FollowUpItem, ("text", "comment", "responsible"), ("responsible",)),
    ("reviews", Review, ("seminar_place", "seminar_next_steps"), ()),
    ("seminar_participants", SeminarParticipant, ("name",), ("name",)),
    ("rounds", Round, ("theme",), ()),
)


@dataclass
class _Forgetting:
    """A person being forgotten: their name and address, their pseudonym, and what has been
    changed so far (rows per kind, fields per ``kind.field``)."""

    session: Session
    name: str
    email: str | None
    pseudonym: str
    changed: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, row_fields: list[str]) -> None:
        """Count a row of ``kind`` changed in ``row_fields``."""
        self.changed[kind] = self.changed.get(kind, 0) + 1
        for f in row_fields:
            self.fields[f"{kind}.{f}"] = self.fields.get(f"{kind}.{f}", 0) + 1

    def scrub(self, text: str) -> str:
        """``text`` with the name and the e-mail address replaced by the pseudonym."""
        out = replace_name(text, self.name, self.pseudonym)
        return replace_name(out, self.email, self.pseudonym) if self.email else out

    def scrub_row(
        self, kind: str, row: Any, names: tuple[str, ...], who: tuple[str, ...] = ()
    ) -> None:
        """Scrub the fields ``names`` of ``row``; those in ``who`` that are the person's
        name become the pseudonym."""
        hit = []
        for f in names:
            old = getattr(row, f)
            new = self._scrubbed(old, f in who)
            if new != old:
                setattr(row, f, new)
                hit.append(f)
        if hit:
            self.session.add(row)
            self.count(kind, hit)

    def _scrubbed(self, old: str | None, whole: bool) -> str | None:
        if whole and same_name(old, self.name):
            return self.pseudonym
        return self.scrub(old) if old else old

    def interviewees(self, person: Person) -> None:
        """Where the person was interviewed they become the pseudonym; elsewhere only the
        organisations are scrubbed."""
        appearing = {r.id for r, _how in _appearances(self.session, person)}
        for row in self.session.exec(select(Interviewee)).all():
            if row.id in appearing:
                row.name, row.title = self.pseudonym, None
                self.session.add(row)
                self.count("interviewees", ["name"])
            else:
                self.scrub_row("interviewees", row, ("organisation",))

    def audit_log(self, person_uid: str, now: datetime) -> None:
        """Redact who acted and the texts of the audit log (beside its hash chain)."""
        name, email = self.name, self.email
        redacted, per_field = redact(
            self.session,
            self.scrub,
            lambda actor: same_name(actor, name) or same_name(actor, email),
            self.pseudonym,
            person_uid,
            now,
        )
        if redacted:
            self.changed["audit_events"] = redacted
            self.fields.update(per_field)

    def still_naming(self) -> int:
        """How many audit details still name the person (none, unless a bug)."""
        needles = [n for n in (self.name, self.email) if n]
        return sum(
            1
            for d in self.session.exec(select(AuditDetail)).all()
            if same_name(d.actor, self.name) or mentions_any(d.text, needles)
        )


def _already_forgotten(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "pseudonym": person.name,
        "already_forgotten": format_local(person.forgotten_at),
        "changed": {},
        "fields": {},
        "report_versions": [],
        "audit_events_naming": 0,
    }


@writes
def forget(work: Work, person_id: int, *, purge_reports: bool = False) -> dict[str, Any]:
    """Replace a person's name, title and e-mail address by a pseudonym everywhere.

    :param purge_reports: also purge the frozen report versions that hold the name.
    :returns: what was changed, and the report versions that still hold the name.
    """
    s = work.session
    person = work.get(Person, person_id)
    if person.forgotten_at is not None:
        return _already_forgotten(person)
    it = _Forgetting(s, person.name, person.email, pseudonym_for(person))
    it.interviewees(person)
    for kind, model, names, who in _SCRUBBED:
        for row in s.exec(select(model)).all():
            it.scrub_row(kind, row, names, who)
    holding = _reports_holding(s, person)
    now = work.now()
    it.audit_log(person.uid, now)
    person.name, person.title, person.email = it.pseudonym, None, None
    person.forgotten_at = now
    if _close_accounts(s, person, person.uid, now):
        it.count("web_accounts", ["email"])
    s.add(person)
    it.count("people", ["name"])
    s.flush()
    work.emit(events.PersonForgotten(person=person.uid))
    naming = it.still_naming()
    for v in holding if purge_reports else ():
        _purge(work, v)
    return {
        "id": person.id,
        "pseudonym": it.pseudonym,
        "already_forgotten": None,
        "changed": it.changed,
        "fields": dict(sorted(it.fields.items())),
        "report_versions": [
            {
                "review": v.review_id,
                "version": v.number,
                "sha256": v.sha256,
                "purged": purge_reports,
            }
            for v in holding
        ],
        "audit_events_naming": naming,
    }


def _purge(work: Work, version: ReportVersion) -> None:
    version.content = None
    version.purged_at = work.now()
    work.session.add(version)
    work.emit(
        events.ReportPurged(
            review_id=version.review_id, version=version.number, sha256=version.sha256
        )
    )


@writes
def purge_report_version(work: Work, review_id: int, number: int) -> dict[str, Any]:
    """Drop the bytes of a frozen report version, keeping its number and SHA-256."""
    version = work.session.exec(
        select(ReportVersion).where(
            ReportVersion.review_id == review_id, ReportVersion.number == number
        )
    ).first()
    if version is None:
        work.get(Review, review_id)
        raise NotFoundError(
            _("review {id} has no report version {n}").format(id=review_id, n=number)
        )
    if version.content is None:
        raise RuleError(
            _("report version {n} of review {id} was already purged on {date}").format(
                n=number, id=review_id, date=format_local(version.purged_at)
            )
        )
    _purge(work, version)
    return {
        "review": review_id,
        "version": number,
        "sha256": version.sha256,
        "purged": format_local(version.purged_at),
    }


def redact_records(
    records: list[dict[str, Any]], name: str, pseudonym: str, person_uid: str, at: datetime
) -> None:
    """Redact a forgotten person's name in audit records of an export file (in place), the
    way ``person forget`` redacted this database's: the chain's hashes stay valid."""
    for r in records:
        actor = (
            pseudonym if same_name(r["actor"], name) else replace_name(r["actor"], name, pseudonym)
        )
        text = replace_name(r["text"], name, pseudonym) if r.get("text") else r.get("text")
        if (actor, text) != (r["actor"], r.get("text")):
            r["actor"], r["text"] = actor, text
            r["redacted_at"], r["redacted_by"] = at.isoformat(), person_uid


__all__ = [
    "docx_paragraphs",
    "forget",
    "mentions",
    "name_pattern",
    "person_export",
    "pseudonym_for",
    "purge_report_version",
    "redact_records",
    "replace_name",
    "report_holds",
    "same_name",
]
