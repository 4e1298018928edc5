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
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from sqlmodel import Session, col, or_, select

from granskning.domain.errors import NotFoundError, RuleError
from granskning.domain.i18n import _
from granskning.domain.timefmt import format_local
from granskning.services.registry import get_person
from granskning.storage.audit import record, redact
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
)
from granskning.storage.store import Store, retrying

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# a Word part larger than this is not read (a frozen report is a few hundred kB)
MAX_PART = 50_000_000
# the parts of a Word document that hold text people wrote (not styles, fonts, themes)
_TEXT_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml|docProps/(core|app)\.xml)$"
)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two names are the same, ignoring case and spacing."""
    return a is not None and b is not None and _fold(a) == _fold(b) != ""


def name_pattern(name: str) -> re.Pattern[str]:
    """A pattern finding ``name`` as whole words, any case, any spacing between words."""
    words = name.split()
    return re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE
    )


def mentions(text: str | None, name: str) -> bool:
    """Whether ``text`` mentions ``name`` (see :func:`name_pattern`)."""
    return bool(text) and bool(name.split()) and name_pattern(name).search(text or "") is not None


def replace_name(text: str, name: str, pseudonym: str) -> str:
    """``text`` with every mention of ``name`` replaced by ``pseudonym``."""
    if not name.split():
        return text
    return name_pattern(name).sub(pseudonym, text)


def pseudonym_for(person: Person) -> str:
    """The pseudonym a forgotten person gets: random (from the uid), never from the name."""
    return f"Person {person.uid[:8].upper()}"


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


def _text_mentions(session: Session, needles: list[str]) -> Iterator[dict[str, Any]]:
    """Every stored text that mentions one of ``needles``."""
    interviews = {i.id: i for i in session.exec(select(Interview)).all()}
    for n in session.exec(select(Note).order_by(col(Note.id))).all():
        if any(mentions(n.text, x) for x in needles):
            iv = interviews.get(n.interview_id)
            yield {
                "kind": "note",
                "id": n.id,
                "review": iv.review_id if iv else None,
                "interview": n.interview_id,
                "question": n.question_id,
                "text": n.text,
                "created": format_local(n.created_at),
            }
    rows: list[tuple[str, Finding | Recommendation]] = [
        *(("finding", f) for f in session.exec(select(Finding).order_by(col(Finding.id))).all()),
        *(
            ("recommendation", r)
            for r in session.exec(select(Recommendation).order_by(col(Recommendation.id))).all()
        ),
    ]
    for kind, r in rows:
        if any(mentions(r.text, x) for x in needles):
            yield {"kind": kind, "id": r.id, "review": r.review_id, "text": r.text}
    for t in session.exec(select(ReportText)).all():
        if any(mentions(t.text, x) for x in needles):
            yield {
                "kind": "report_text",
                "review": t.review_id,
                "section": t.section,
                "text": t.text,
            }
    for iv in session.exec(select(Interview).order_by(col(Interview.id))).all():
        if any(mentions(iv.place, x) or mentions(iv.cancel_reason, x) for x in needles):
            yield {
                "kind": "interview",
                "id": iv.id,
                "review": iv.review_id,
                "place": iv.place,
                "cancel_reason": iv.cancel_reason,
            }
    for i in session.exec(select(FollowUpItem).order_by(col(FollowUpItem.id))).all():
        if any(mentions(i.text, x) or mentions(i.comment, x) for x in needles):
            yield {
                "kind": "follow_up_item",
                "id": i.id,
                "review": i.review_id,
                "text": i.text,
                "comment": i.comment,
            }


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
            or (d is not None and any(mentions(d.text, n) for n in needles))
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


def person_export(store: Store, person_id: int) -> dict[str, Any]:
    """Everything stored about a person, as JSON (a data subject's access request)."""
    with store.read() as s:
        person = get_person(s, person_id)
        muni = s.get(Municipality, person.municipality_id)
        reviews = {r.id: r for r in s.exec(select(Review)).all()}
        munis = {m.id: m.name for m in s.exec(select(Municipality)).all()}

        def host(review_id: int | None) -> str | None:
            r = reviews.get(review_id)
            return munis.get(r.host_id) if r else None

        interviews = {i.id: i for i in s.exec(select(Interview)).all()}
        jobs = []
        for iv in sorted(interviews.values(), key=lambda i: i.id or 0):
            for job, pid in (
                ("moderator", iv.moderator_id),
                ("note_taker", iv.note_taker_id),
                ("timekeeper", iv.timekeeper_id),
            ):
                if pid == person.id:
                    jobs.append(
                        {
                            "interview": iv.id,
                            "review": iv.review_id,
                            "host": host(iv.review_id),
                            "job": job,
                            "group": iv.group_id,
                            "start": format_local(iv.start),
                        }
                    )
        appearances = []
        for row, how in _appearances(s, person):
            seen = interviews.get(row.interview_id)
            appearances.append(
                {
                    "interview": row.interview_id,
                    "review": seen.review_id if seen else None,
                    "host": host(seen.review_id if seen else None),
                    "group": seen.group_id if seen else None,
                    "start": format_local(seen.start) if seen else None,
                    "name": row.name,
                    "title": row.title,
                    "organisation": row.organisation,
                    "matched_by": how,
                }
            )
        authored = [
            {
                "id": n.id,
                "interview": n.interview_id,
                "review": interviews[n.interview_id].review_id
                if n.interview_id in interviews
                else None,
                "question": n.question_id,
                "text": n.text,
                "created": format_local(n.created_at),
            }
            for n in s.exec(select(Note).where(col(Note.author).is_not(None))).all()
            if same_name(n.author, person.name)
        ]
        responsible = [
            {"id": i.id, "review": i.review_id, "text": i.text, "status": i.status}
            for i in s.exec(select(FollowUpItem)).all()
            if same_name(i.responsible, person.name)
        ]
        assignments = [
            {
                "review": a.review_id,
                "host": host(a.review_id),
                "role": a.role,
                "since": format_local(a.created_at),
            }
            for a in s.exec(
                select(Assignment)
                .where(Assignment.person_id == person.id)
                .order_by(col(Assignment.id))
            ).all()
        ]
        return {
            "id": person.id,
            "person": {
                "id": person.id,
                "uid": person.uid,
                "name": person.name,
                "title": person.title,
                "email": person.email,
                "municipality": muni.name if muni else None,
                "created": format_local(person.created_at),
                "forgotten": format_local(person.forgotten_at),
            },
            "assignments": assignments,
            "interview_jobs": jobs,
            "interviewee_appearances": appearances,
            "notes_authored": authored,
            "texts_mentioning": list(_text_mentions(s, _needles(person))),
            "follow_up_responsible": responsible,
            "report_versions_holding_name": [
                {
                    "review": v.review_id,
                    "version": v.number,
                    "sha256": v.sha256,
                    "created": format_local(v.created_at),
                }
                for v in _reports_holding(s, person)
            ],
            "audit_events": [
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
                for e, d in _audit_naming(s, person)
            ],
            "exported": format_local(store.now()),
        }


# -- forgetting -------------------------------------------------------------------------------


@retrying
def forget(store: Store, person_id: int, *, purge_reports: bool = False) -> dict[str, Any]:
    """Replace a person's name, title and e-mail address by a pseudonym everywhere.

    :param purge_reports: also purge the frozen report versions that hold the name.
    :returns: what was changed, and the report versions that still hold the name.
    """
    with store.atomic() as s:
        person = get_person(s, person_id)
        if person.forgotten_at is not None:
            return {
                "id": person.id,
                "pseudonym": person.name,
                "already_forgotten": format_local(person.forgotten_at),
                "changed": {},
                "fields": {},
                "report_versions": [],
                "audit_events_naming": 0,
            }
        name, email = person.name, person.email
        pseudonym = pseudonym_for(person)
        changed: dict[str, int] = {}
        fields: dict[str, int] = {}

        def count(kind: str, row_fields: list[str]) -> None:
            changed[kind] = changed.get(kind, 0) + 1
            for f in row_fields:
                fields[f"{kind}.{f}"] = fields.get(f"{kind}.{f}", 0) + 1

        def scrub(text: str) -> str:
            out = replace_name(text, name, pseudonym)
            return replace_name(out, email, pseudonym) if email else out

        def scrub_row(
            kind: str, row: Any, names: tuple[str, ...], who: tuple[str, ...] = ()
        ) -> None:
            hit = []
            for f in names:
                old = getattr(row, f)
                new = pseudonym if f in who and same_name(old, name) else scrub(old) if old else old
                if new != old:
                    setattr(row, f, new)
                    hit.append(f)
            if hit:
                s.add(row)
                count(kind, hit)

        appearing = {r.id for r, _how in _appearances(s, person)}
        for row in s.exec(select(Interviewee)).all():
            if row.id in appearing:
                row.name, row.title = pseudonym, None
                s.add(row)
                count("interviewees", ["name"])
            else:
                scrub_row("interviewees", row, ("organisation",))
        for iv in s.exec(select(Interview)).all():
            scrub_row("interviews", iv, ("place", "cancel_reason"))
        for n in s.exec(select(Note)).all():
            scrub_row("notes", n, ("text", "author"), who=("author",))
        for f in s.exec(select(Finding)).all():
            scrub_row("findings", f, ("text",))
        for r in s.exec(select(Recommendation)).all():
            scrub_row("recommendations", r, ("text",))
        for t in s.exec(select(ReportText)).all():
            scrub_row("report_texts", t, ("text",))
        for i in s.exec(select(FollowUpItem)).all():
            scrub_row(
                "follow_up_items", i, ("text", "comment", "responsible"), who=("responsible",)
            )
        for rv in s.exec(select(Review)).all():
            scrub_row("reviews", rv, ("seminar_place",))
        for rd in s.exec(select(Round)).all():
            scrub_row("rounds", rd, ("theme",))
        holding = _reports_holding(s, person)
        now = store.now()
        events, per_field = redact(
            s,
            scrub,
            lambda actor: same_name(actor, name) or same_name(actor, email),
            pseudonym,
            person.uid,
            now,
        )
        if events:
            changed["audit_events"] = events
            fields.update(per_field)
        person.name, person.title, person.email = pseudonym, None, None
        person.forgotten_at = now
        s.add(person)
        count("people", ["name"])
        s.flush()
        record(s, store, entity="person", action="forget", data={"person": person.uid})
        # what still names them in the log after the redaction (nothing, unless a bug)
        naming = [
            d
            for d in s.exec(select(AuditDetail)).all()
            if same_name(d.actor, name) or any(mentions(d.text, n) for n in (name, email) if n)
        ]
        reports = []
        for v in holding:
            if purge_reports:
                _purge(s, store, v)
            reports.append(
                {
                    "review": v.review_id,
                    "version": v.number,
                    "sha256": v.sha256,
                    "purged": purge_reports,
                }
            )
        return {
            "id": person.id,
            "pseudonym": pseudonym,
            "already_forgotten": None,
            "changed": changed,
            "fields": dict(sorted(fields.items())),
            "report_versions": reports,
            "audit_events_naming": len(naming),
        }


def _purge(session: Session, store: Store, version: ReportVersion) -> None:
    version.content = None
    version.purged_at = store.now()
    session.add(version)
    record(
        session,
        store,
        entity="report",
        action="purge",
        review_id=version.review_id,
        data={"version": version.number, "sha256": version.sha256},
    )


@retrying
def purge_report_version(store: Store, review_id: int, number: int) -> dict[str, Any]:
    """Drop the bytes of a frozen report version, keeping its number and SHA-256."""
    with store.atomic() as s:
        version = s.exec(
            select(ReportVersion).where(
                ReportVersion.review_id == review_id, ReportVersion.number == number
            )
        ).first()
        if version is None:
            if s.get(Review, review_id) is None:
                raise NotFoundError(_("review {id} does not exist").format(id=review_id))
            raise NotFoundError(
                _("review {id} has no report version {n}").format(id=review_id, n=number)
            )
        if version.content is None:
            raise RuleError(
                _("report version {n} of review {id} was already purged on {date}").format(
                    n=number, id=review_id, date=format_local(version.purged_at)
                )
            )
        _purge(s, store, version)
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
