"""Review export and import: one self-contained file per review, for teams working offline.

``review export`` writes everything a review holds (its pinned template, team, interviews
with interviewees and session events, notes, findings, recommendations, report texts, the
frozen report versions, follow-up items and its audit log) as one JSON document with a
versioned format. Records are identified by their ``uid``; municipalities travel by name,
people by uid.

``review import`` loads such a file into another database in one transaction. It is
idempotent: what is already there is left alone, records the file has and the database
lacks are added (notes a team took offline), and a record that exists on both sides with
different content (the same review changed in both places) is a conflict: the import is
refused, listing every conflict, and nothing changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from sqlmodel import Session, col, select

from granskning import __version__
from granskning.domain import labels
from granskning.domain.errors import ConflictError, GranskningError, InputError, RuleError
from granskning.domain.i18n import _
from granskning.domain.text import check_email, check_line, check_text
from granskning.domain.timefmt import check_range
from granskning.domain.workflow import FROZEN_STATES, REVIEW_ACTIONS
from granskning.services.registry import name_key
from granskning.storage import audit
from granskning.storage.audit import record
from granskning.storage.model import (
    Assignment,
    Finding,
    FindingKind,
    FollowUpItem,
    FollowUpSource,
    FollowUpStatus,
    Interview,
    Interviewee,
    InterviewState,
    Municipality,
    Note,
    Person,
    Recommendation,
    ReportSection,
    ReportText,
    ReportVersion,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Role,
    Round,
    RoundMember,
    SessionEvent,
    SessionEventKind,
)
from granskning.storage.store import Store, retrying

FORMAT = "granskning-review"
FORMAT_VERSION = 1
# at most this many conflicts are listed; the count says how many there are in all
MAX_LISTED = 25
# at most this many problems of an invalid file are listed
MAX_PROBLEMS = 100

# -- the file format ------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    try:
        check_range(value, _("the time"))
        return value.astimezone(UTC)
    except (InputError, OverflowError) as exc:
        raise ValueError(str(exc)) from None


def _day(value: date) -> date:
    try:
        check_range(value, _("the date"))
    except InputError as exc:
        raise ValueError(str(exc)) from None
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Id50 = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Id100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Theme = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Opt = Annotated[str, StringConstraints(max_length=200)]
Place = Annotated[str, StringConstraints(max_length=300)]
Email = Annotated[str, StringConstraints(max_length=320)]
Lang = Annotated[str, StringConstraints(min_length=1, max_length=10)]
Uid = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,32}$")]
Sha = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Int = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
# any offset in the file; compared and stored in UTC
Time = Annotated[AwareDatetime, AfterValidator(_utc)]
Day = Annotated[date, AfterValidator(_day)]


class _Rec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateRec(_Rec):
    id: Id100
    version: Id50
    sha256: Sha
    content: str


class RoundRec(_Rec):
    year: Int
    theme: Theme
    template_name: Id100
    members: list[Name]


class ReviewRec(_Rec):
    uid: Uid
    host: Name
    reviewing: list[Name] = Field(min_length=1)
    round: RoundRec | None = None
    state: ReviewState
    version: Count
    template: TemplateRec
    handed_over_on: Day | None = None
    seminar_start: Time | None = None
    seminar_place: Place | None = None
    language: Literal["sv", "en"] = "sv"  # of its documents; files without it are Swedish
    created_at: Time
    updated_at: Time


class PersonRec(_Rec):
    uid: Uid
    name: Name
    municipality: Name
    title: Opt | None = None
    email: Email | None = None
    forgotten_at: Time | None = None
    created_at: Time


class AssignmentRec(_Rec):
    person: Uid
    role: Role
    created_at: Time


class IntervieweeRec(_Rec):
    person: Uid | None = None
    name: Name
    title: Opt | None = None
    organisation: Opt | None = None
    head_count: Count | None = None
    position: Int = 0


class EventRec(_Rec):
    kind: SessionEventKind
    at: Time
    question: Id100 | None = None


class InterviewRec(_Rec):
    uid: Uid
    group: Id100
    start: Time
    minutes: Count
    place: Place | None = None
    state: InterviewState
    moderator: Uid | None = None
    note_taker: Uid | None = None
    timekeeper: Uid | None = None
    cancel_reason: str | None = None
    sequence: Int = 0
    version: Int = 1
    created_at: Time
    updated_at: Time
    interviewees: list[IntervieweeRec] = Field(default_factory=list)
    events: list[EventRec] = Field(default_factory=list)


class NoteRec(_Rec):
    uid: Uid
    interview: Uid
    question: Id100 | None = None
    text: str
    rating: Int | None = None
    author: Opt | None = None
    created_at: Time
    edited_at: Time | None = None
    removed_at: Time | None = None


class FindingRec(_Rec):
    uid: Uid
    block: Id100
    kind: FindingKind
    text: str
    created_at: Time


class RecommendationRec(_Rec):
    uid: Uid
    block: Id100 | None = None
    text: str
    created_at: Time


class ReportTextRec(_Rec):
    section: ReportSection
    text: str
    updated_at: Time


class ReportVersionRec(_Rec):
    number: Count
    sha256: Sha
    content: str | None = None  # base64; None once purged
    language: Lang = "sv"
    created_at: Time
    purged_at: Time | None = None


class FollowUpRec(_Rec):
    uid: Uid
    source: FollowUpSource
    source_uid: Uid | None = None
    block: Id100 | None = None
    text: str
    status: FollowUpStatus | None = None
    comment: str | None = None
    responsible: Opt | None = None
    merged_into: Uid | None = None
    created_at: Time
    updated_at: Time


class AuditRec(_Rec):
    # a link of the review's audit chain (see granskning.storage.audit)
    uid: Uid
    seq: Count
    prev_hash: Sha | None = None
    hash: Sha
    interview: Uid | None = None
    entity: Short
    action: Id50
    from_state: Short | None = None
    to_state: Short | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    detail_sha256: Sha
    actor: Opt
    text: str | None = None
    redacted_at: Time | None = None
    redacted_by: Uid | None = None
    at: Time


class ExportFile(_Rec):
    format: Literal["granskning-review"]
    format_version: Literal[1]
    exported_at: Time
    exported_by: str
    review: ReviewRec
    people: list[PersonRec] = Field(default_factory=list)
    assignments: list[AssignmentRec] = Field(default_factory=list)
    interviews: list[InterviewRec] = Field(default_factory=list)
    notes: list[NoteRec] = Field(default_factory=list)
    findings: list[FindingRec] = Field(default_factory=list)
    recommendations: list[RecommendationRec] = Field(default_factory=list)
    report_texts: list[ReportTextRec] = Field(default_factory=list)
    report_versions: list[ReportVersionRec] = Field(default_factory=list)
    follow_up_items: list[FollowUpRec] = Field(default_factory=list)
    audit: list[AuditRec] = Field(default_factory=list)


# -- export ---------------------------------------------------------------------------------


def _t(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _ordered(session: Session, model: Any, *where: Any) -> list[Any]:
    return list(session.exec(select(model).where(*where).order_by(col(model.id))).all())


def review_document(session: Session, review: Review, now: datetime) -> dict[str, Any]:
    """Everything ``review`` holds, in the export format (plain JSON values)."""
    rid = review.id
    munis = {m.id: m.name for m in session.exec(select(Municipality)).all()}
    reviewing = sorted(
        munis[r.municipality_id]
        for r in session.exec(
            select(ReviewingMunicipality).where(ReviewingMunicipality.review_id == rid)
        ).all()
    )
    round_doc = None
    if review.round_id is not None:
        rnd = session.get(Round, review.round_id)
        assert rnd is not None
        members = session.exec(
            select(RoundMember.municipality_id).where(RoundMember.round_id == rnd.id)
        ).all()
        round_doc = {
            "year": rnd.year,
            "theme": rnd.theme,
            "template_name": rnd.template_name,
            "members": sorted(munis[m] for m in members),
        }
    interviews = _ordered(session, Interview, Interview.review_id == rid)
    iv_ids = [i.id for i in interviews]
    assignments = _ordered(session, Assignment, Assignment.review_id == rid)
    interviewees = (
        _ordered(session, Interviewee, col(Interviewee.interview_id).in_(iv_ids)) if iv_ids else []
    )
    person_ids: set[int] = {a.person_id for a in assignments}
    for iv in interviews:
        person_ids |= {p for p in (iv.moderator_id, iv.note_taker_id, iv.timekeeper_id) if p}
    person_ids |= {p.person_id for p in interviewees if p.person_id}
    people = _ordered(session, Person, col(Person.id).in_(person_ids)) if person_ids else []
    puid = {p.id: p.uid for p in people}
    ivuid = {i.id: i.uid for i in interviews}
    events = (
        _ordered(session, SessionEvent, col(SessionEvent.interview_id).in_(iv_ids))
        if iv_ids
        else []
    )
    notes = _ordered(session, Note, col(Note.interview_id).in_(iv_ids)) if iv_ids else []
    items = _ordered(session, FollowUpItem, FollowUpItem.review_id == rid)
    item_uid = {i.id: i.uid for i in items}
    texts = session.exec(
        select(ReportText).where(ReportText.review_id == rid).order_by(col(ReportText.section))
    ).all()
    versions = session.exec(
        select(ReportVersion)
        .where(ReportVersion.review_id == rid)
        .order_by(col(ReportVersion.number))
    ).all()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _t(now),
        "exported_by": f"granskning {__version__}",
        "review": {
            "uid": review.uid,
            "host": munis[review.host_id],
            "reviewing": reviewing,
            "round": round_doc,
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
            "created_at": _t(review.created_at),
            "updated_at": _t(review.updated_at),
        },
        "people": [
            {
                "uid": p.uid,
                "name": p.name,
                "municipality": munis[p.municipality_id],
                "title": p.title,
                "email": p.email,
                "forgotten_at": _t(p.forgotten_at),
                "created_at": _t(p.created_at),
            }
            for p in people
        ],
        "assignments": [
            {"person": puid[a.person_id], "role": a.role, "created_at": _t(a.created_at)}
            for a in assignments
        ],
        "interviews": [
            {
                "uid": iv.uid,
                "group": iv.group_id,
                "start": _t(iv.start),
                "minutes": iv.minutes,
                "place": iv.place,
                "state": iv.state,
                "moderator": puid.get(iv.moderator_id),
                "note_taker": puid.get(iv.note_taker_id),
                "timekeeper": puid.get(iv.timekeeper_id),
                "cancel_reason": iv.cancel_reason,
                "sequence": iv.sequence,
                "version": iv.version,
                "created_at": _t(iv.created_at),
                "updated_at": _t(iv.updated_at),
                "interviewees": [
                    {
                        "person": puid.get(p.person_id) if p.person_id else None,
                        "name": p.name,
                        "title": p.title,
                        "organisation": p.organisation,
                        "head_count": p.head_count,
                        "position": p.position,
                    }
                    for p in sorted(
                        (x for x in interviewees if x.interview_id == iv.id),
                        key=lambda x: (x.position, x.id or 0),
                    )
                ],
                "events": [
                    {"kind": e.kind, "at": _t(e.at), "question": e.question_id}
                    for e in events
                    if e.interview_id == iv.id
                ],
            }
            for iv in interviews
        ],
        "notes": [
            {
                "uid": n.uid,
                "interview": ivuid[n.interview_id],
                "question": n.question_id,
                "text": n.text,
                "rating": n.rating,
                "author": n.author,
                "created_at": _t(n.created_at),
                "edited_at": _t(n.edited_at),
                "removed_at": _t(n.removed_at),
            }
            for n in notes
        ],
        "findings": [
            {
                "uid": f.uid,
                "block": f.block_id,
                "kind": f.kind,
                "text": f.text,
                "created_at": _t(f.created_at),
            }
            for f in _ordered(session, Finding, Finding.review_id == rid)
        ],
        "recommendations": [
            {"uid": r.uid, "block": r.block_id, "text": r.text, "created_at": _t(r.created_at)}
            for r in _ordered(session, Recommendation, Recommendation.review_id == rid)
        ],
        "report_texts": [
            {"section": t.section, "text": t.text, "updated_at": _t(t.updated_at)} for t in texts
        ],
        "report_versions": [
            {
                "number": v.number,
                "sha256": v.sha256,
                "content": base64.b64encode(v.content).decode("ascii")
                if v.content is not None
                else None,
                "language": v.language,
                "created_at": _t(v.created_at),
                "purged_at": _t(v.purged_at),
            }
            for v in versions
        ],
        "follow_up_items": [
            {
                "uid": i.uid,
                "source": i.source,
                "source_uid": i.source_uid,
                "block": i.block_id,
                "text": i.text,
                "status": i.status,
                "comment": i.comment,
                "responsible": i.responsible,
                "merged_into": item_uid.get(i.merged_into_id) if i.merged_into_id else None,
                "created_at": _t(i.created_at),
                "updated_at": _t(i.updated_at),
            }
            for i in items
        ],
        "audit": audit.export_records(session, review),
    }


def export_review(store: Store, review_id: int, out: Path | None = None) -> dict[str, Any]:
    """The export document of a review; written to ``out`` (atomically) when given.

    :returns: the document.
    """
    from granskning.services.reviews import get_review

    with store.read() as s:
        review = get_review(s, review_id)
        doc = review_document(s, review, store.now())
    if out is not None:
        from granskning.storage.output import write_output

        data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
        write_output(out, data, private=True)  # personal data: 0600
    return doc


# -- reading a file -------------------------------------------------------------------------


def _bad_strings(value: Any, path: str = "") -> Iterable[str]:
    """JSON paths of strings a database cannot store (NUL, lone surrogates)."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "/"
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                yield path or "/"
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _bad_strings(k, f"{path}/{k}")
            yield from _bad_strings(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _bad_strings(v, f"{path}/{i}")


def read_file(path: Path) -> ExportFile:
    """Read and check an export file; an InputError says what is wrong with it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({error})").format(path=path, error=exc.strerror)
        ) from None
    return parse_document(raw, str(path))


def parse_document(raw: bytes | str, where: str = "<file>") -> ExportFile:
    """Check an export document (bytes or text) and return it parsed."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(
            _("{path}: not a granskning review export ({error})").format(path=where, error=exc)
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(_("{path}: not a granskning review export").format(path=where))
    if data.get("format_version") != FORMAT_VERSION:
        raise InputError(
            _(
                "{path}: export format version {found}; this granskning reads version {known}"
            ).format(path=where, found=data.get("format_version"), known=FORMAT_VERSION)
        )
    bad = list(_bad_strings(data))
    if bad:
        raise InputError(
            _("{path}: text that cannot be stored (NUL or invalid characters) at {places}").format(
                path=where, places=", ".join(bad[:5])
            )
        )
    try:
        doc = ExportFile.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise _invalid(where, problems) from None
    _check_references(doc, where)
    problems = check_rules(doc)
    if problems:
        raise _invalid(where, problems)
    return doc


def _invalid(where: str, problems: list[str]) -> InputError:
    """The refusal of an invalid file, listing its problems (at most MAX_PROBLEMS of them)."""
    listed = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        listed.append(_("... and {n} more").format(n=len(problems) - MAX_PROBLEMS))
    return InputError(
        _("{path}: not a valid review export:").format(path=where)
        + "\n"
        + "\n".join(f"  {p}" for p in listed)
    )


def _check_references(doc: ExportFile, where: str) -> None:
    problems: list[str] = []

    def dupes(kind: str, keys: list[Any]) -> None:
        seen: set[Any] = set()
        for k in keys:
            if k in seen:
                problems.append(_("{kind} {key} appears twice").format(kind=kind, key=k))
            seen.add(k)

    for name in [
        doc.review.host,
        *doc.review.reviewing,
        *(p.municipality for p in doc.people),
        *(doc.review.round.members if doc.review.round else []),
    ]:
        if not name.split() or len(name_key(name)) > 200:
            problems.append(_("not a municipality name: {name}").format(name=_short(name)))
    people = {p.uid for p in doc.people}
    interviews = {i.uid for i in doc.interviews}
    items = {i.uid for i in doc.follow_up_items}
    dupes("person", [p.uid for p in doc.people])
    dupes("interview", [i.uid for i in doc.interviews])
    dupes("note", [n.uid for n in doc.notes])
    dupes("finding", [f.uid for f in doc.findings])
    dupes("recommendation", [r.uid for r in doc.recommendations])
    dupes("follow-up item", [i.uid for i in doc.follow_up_items])
    dupes("audit event", [a.uid for a in doc.audit])
    dupes("report text", [t.section.value for t in doc.report_texts])
    dupes("report version", [v.number for v in doc.report_versions])
    dupes("assignment", [(a.person, a.role.value) for a in doc.assignments])
    dupes("reviewing municipality", [name_key(n) for n in doc.review.reviewing])
    for a in doc.assignments:
        if a.person not in people:
            problems.append(
                _("assignment names person {uid}, who is not in the file").format(uid=a.person)
            )
    for iv in doc.interviews:
        for job in (iv.moderator, iv.note_taker, iv.timekeeper):
            if job is not None and job not in people:
                problems.append(
                    _("interview {uid} names person {person}, who is not in the file").format(
                        uid=iv.uid, person=job
                    )
                )
        for p in iv.interviewees:
            if p.person is not None and p.person not in people:
                problems.append(
                    _("interview {uid} names person {person}, who is not in the file").format(
                        uid=iv.uid, person=p.person
                    )
                )
    for n in doc.notes:
        if n.interview not in interviews:
            problems.append(
                _("note {uid} belongs to interview {iv}, which is not in the file").format(
                    uid=n.uid, iv=n.interview
                )
            )
    for i in doc.follow_up_items:
        if i.merged_into is not None and i.merged_into not in items:
            problems.append(
                _("follow-up item {uid} is merged into {other}, which is not in the file").format(
                    uid=i.uid, other=i.merged_into
                )
            )
    for e in doc.audit:
        if e.interview is not None and e.interview not in interviews:
            problems.append(
                _("audit event {uid} names interview {iv}, which is not in the file").format(
                    uid=e.uid, iv=e.interview
                )
            )
    for v in doc.report_versions:
        if v.content is None:
            if v.purged_at is None:
                problems.append(
                    _("report version {n} has no content and is not marked purged").format(
                        n=v.number
                    )
                )
            continue
        try:
            content = base64.b64decode(v.content, validate=True)
        except (binascii.Error, ValueError):
            problems.append(_("report version {n}: content is not base64").format(n=v.number))
            continue
        if hashlib.sha256(content).hexdigest() != v.sha256:
            problems.append(
                _("report version {n}: content does not match its SHA-256").format(n=v.number)
            )
    template = doc.review.template
    if hashlib.sha256(template.content.encode("utf-8")).hexdigest() != template.sha256:
        problems.append(_("the pinned template does not match its SHA-256"))
    else:
        from granskning.domain.templates import from_pinned

        try:
            from_pinned(template.content)
        except InputError:
            problems.append(_("the pinned template is not a valid template"))
    if problems:
        raise _invalid(where, problems)


def check_rules(doc: ExportFile) -> list[str]:
    """Every value of the file checked by the rules the commands apply, through the same
    functions: ``PATH: message`` for each problem (PATH as in the file, ``notes.3.rating``)."""
    from granskning.domain.templates import Template, from_pinned
    from granskning.services import followup, interviews, registry, reviews, sessions
    from granskning.services.findings import FINDING_LIMIT, TEXT_LIMIT, clean_text

    problems: list[str] = []

    def check(path: str, rule: Any, *args: Any) -> Any:
        try:
            return rule(*args)
        except GranskningError as exc:
            problems.append(f"{path}: {' '.join(str(exc).split())}")
            return None

    def line(path: str, value: str | None) -> None:
        if value is not None:
            check(path, check_line, value, path)

    def text(path: str, value: str | None, what: str, limit: int | None = None) -> None:
        if value is None or check(path, check_text, value, what) is None or limit is None:
            return
        check(path, clean_text, value, what, limit)

    template: Template | None = None
    try:
        template = from_pinned(doc.review.template.content)
    except InputError:
        pass  # reported by _check_references

    def in_template(path: str, kind: str, key: str | None) -> None:
        if template is not None and key is not None:
            check(path, getattr(template, kind), key)

    r = doc.review
    for path, name in [
        ("review.host", r.host),
        *((f"review.reviewing.{i}", n) for i, n in enumerate(r.reviewing)),
        *((f"people.{i}.municipality", p.municipality) for i, p in enumerate(doc.people)),
    ]:
        check(path, registry._clean, name, _("the municipality's name"))
    if r.round is not None:
        line("review.round.theme", r.round.theme)
    check("review.seminar_place", interviews.check_place, r.seminar_place)
    people = {p.uid: p for p in doc.people}
    for i, p in enumerate(doc.people):
        check(f"people.{i}.name", registry._clean, p.name, _("the person's name"))
        if p.title is not None:
            check(f"people.{i}.title", registry._clean, p.title, _("the title"))
        if p.email is not None:
            check(f"people.{i}.email", check_email, p.email)
    host = name_key(r.host)
    names = {p.uid: p.name for p in doc.people}
    team: list[tuple[str, str, str]] = []
    for i, a in enumerate(doc.assignments):
        person = people.get(a.person)
        if person is not None:
            from_host = name_key(person.municipality) == host
            check(
                f"assignments.{i}.role", reviews.check_role, a.role, person.name, from_host, r.host
            )
            check(
                f"assignments.{i}.role",
                reviews.check_assignment,
                r.host,
                a.role,
                a.person,
                person.name,
                team,
            )
        team.append((a.role.value, a.person, names.get(a.person, "?")))
    on_team = {uid for role, uid, _name in team if role in reviews.TEAM_ROLES}
    plans: dict[str, sessions.Plan] = {}
    for i, iv in enumerate(doc.interviews):
        at = f"interviews.{i}"
        if template is not None and check(f"{at}.group", template.group, iv.group):
            plans[iv.uid] = sessions._plan(r.template.content, iv.group, iv.minutes)
        check(f"{at}.minutes", interviews.check_minutes, iv.minutes)
        jobs = (("moderator", iv.moderator), ("note_taker", iv.note_taker))
        staff = [*jobs, ("timekeeper", iv.timekeeper)]
        for reason in interviews.staff_reasons(
            [(job, uid) for job, uid in staff if uid is not None],
            on_team,
            names,
            r.host,
            iv.moderator,
            iv.note_taker,
        ):
            problems.append(f"{at}: {reason}")
        check(f"{at}.place", interviews.check_place, iv.place)
        text(f"{at}.cancel_reason", iv.cancel_reason, _("the reason"))
        for j, who in enumerate(iv.interviewees):
            for field in ("name", "title", "organisation"):
                line(f"{at}.interviewees.{j}.{field}", getattr(who, field))
        plan = plans.get(iv.uid)
        for j, e in enumerate(iv.events):
            if plan is not None and e.question is not None:
                check(f"{at}.events.{j}.question", sessions._step_or_error, plan, e.question)
    for i, n in enumerate(doc.notes):
        check(f"notes.{i}", sessions.check_note_text, n.text, n.rating)
        plan = plans.get(n.interview)
        if plan is not None:
            check(f"notes.{i}.question", sessions.check_note_question, plan, n.question, n.rating)
        line(f"notes.{i}.author", n.author)
    for i, f in enumerate(doc.findings):
        in_template(f"findings.{i}.block", "block", f.block)
        if f.kind != FindingKind.none or f.text:
            text(f"findings.{i}.text", f.text, _("the finding"), FINDING_LIMIT)
    for i, rec in enumerate(doc.recommendations):
        in_template(f"recommendations.{i}.block", "block", rec.block)
        text(f"recommendations.{i}.text", rec.text, _("the recommendation"), FINDING_LIMIT)
    for i, t in enumerate(doc.report_texts):
        text(f"report_texts.{i}.text", t.text, _("the report text"), TEXT_LIMIT)
    items = {it.uid: it for it in doc.follow_up_items}
    for i, it in enumerate(doc.follow_up_items):
        at = f"follow_up_items.{i}"
        in_template(f"{at}.block", "block", it.block)
        if it.source == FollowUpSource.manual:
            if check(f"{at}.text", check_text, it.text, _("the item")) is not None:
                check(f"{at}.text", followup._clean_text, it.text, _("the item"))
        else:  # made at the handover from a note (a commitment), finding or recommendation
            limit = sessions.TEXT_LIMIT if it.source == FollowUpSource.commitment else FINDING_LIMIT
            text(f"{at}.text", it.text, _("the item"), limit)
        text(f"{at}.comment", it.comment, "--comment")
        if it.comment is not None and len(it.comment) > followup.TEXT_LIMIT:
            check(f"{at}.comment", followup._clean_text, it.comment, "--comment")
        line(f"{at}.responsible", it.responsible)
        if it.merged_into is not None:
            target = items.get(it.merged_into)
            into_merged = target.merged_into if target is not None else None
            check(f"{at}.merged_into", followup.check_merge, it.uid, it.merged_into, into_merged)
    for i, ev in enumerate(doc.audit):
        line(f"audit.{i}.actor", ev.actor)
        text(f"audit.{i}.text", ev.text, _("the comment"))
    return problems


# -- import ---------------------------------------------------------------------------------


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."


class _Plan:
    """What an import would do: the conflicts, or the records to add."""

    def __init__(self) -> None:
        self.conflicts: list[str] = []
        # transitions the life cycle does not allow, or whose guards block
        self.history: list[str] = []
        self.added: dict[str, int] = {}

    def conflict(self, what: str, key: Any, field: str, here: Any, there: Any) -> None:
        self.conflicts.append(
            _("{what} {key}: {field} is {here} here, {there} in the file").format(
                what=what, key=key, field=field, here=_short(here), there=_short(there)
            )
        )

    def add(self, kind: str, n: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + n


def _compare(
    plan: _Plan,
    what: str,
    key: Any,
    here: dict[str, Any],
    there: dict[str, Any],
    skip: Iterable[str] = (),
) -> None:
    for field in there:
        if field in skip:
            continue
        if here.get(field) != there[field]:
            plan.conflict(what, key, field, here.get(field), there[field])


def _norm(doc: ExportFile) -> dict[str, Any]:
    return doc.model_dump(mode="json")


def _apply_forgotten(
    fdoc: dict[str, Any], forgotten: dict[str, tuple[str, str]], now: datetime
) -> None:
    """Rewrite the file's records of people forgotten in this database with their pseudonyms,
    the way ``person forget`` did here: an import never brings a forgotten name back."""
    from granskning.services.privacy import redact_records, replace_name, same_name

    for _uid, (name, pseudonym) in forgotten.items():
        review = fdoc["review"]
        if review["seminar_place"]:
            review["seminar_place"] = replace_name(review["seminar_place"], name, pseudonym)
        for iv in fdoc["interviews"]:
            for key in ("place", "cancel_reason"):
                if iv[key]:
                    iv[key] = replace_name(iv[key], name, pseudonym)
            for p in iv["interviewees"]:
                if p["person"] == _uid or same_name(p["name"], name):
                    p["name"], p["title"] = pseudonym, None
                elif p["organisation"]:
                    p["organisation"] = replace_name(p["organisation"], name, pseudonym)
        redact_records(fdoc["audit"], name, pseudonym, _uid, now)
        for n in fdoc["notes"]:
            n["text"] = replace_name(n["text"], name, pseudonym)
            if n["author"] and same_name(n["author"], name):
                n["author"] = pseudonym
        for coll in ("findings", "recommendations", "report_texts"):
            for r in fdoc[coll]:
                r["text"] = replace_name(r["text"], name, pseudonym)
        for i in fdoc["follow_up_items"]:
            i["text"] = replace_name(i["text"], name, pseudonym)
            if i["comment"]:
                i["comment"] = replace_name(i["comment"], name, pseudonym)
            if i["responsible"] and same_name(i["responsible"], name):
                i["responsible"] = pseudonym


@retrying
def import_review(store: Store, path: Path) -> dict[str, Any]:
    """Load an export file into the database: add what is new, refuse conflicts.

    :returns: the review's id, whether it was new, and the number of records added per kind.
    """
    doc = read_file(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return import_document(store, doc, source=Path(path).name, sha256=digest)


def import_document(
    store: Store, doc: ExportFile, source: str = "", sha256: str | None = None
) -> dict[str, Any]:
    """Load a parsed export document (see :func:`import_review`)."""
    fdoc = _norm(doc)
    with store.atomic() as s:
        importer = _Importer(s, store, fdoc)
        result = importer.run()
        if importer.plan.history and not importer.plan.conflicts:
            raise RuleError(
                "\n".join(
                    [
                        _(
                            "the file's history of review {id} does not follow its life "
                            "cycle; nothing was imported:"
                        ).format(id=result["review"])
                    ]
                    + [f"  {c}" for c in _listed(importer.plan.history)]
                )
            )
        if importer.plan.conflicts:
            n = len(importer.plan.conflicts)
            listed = _listed(importer.plan.conflicts)
            more: list[str] = []
            raise ConflictError(
                "\n".join(
                    [
                        _(
                            "the file conflicts with review {id} in this database ({n} "
                            "conflicts); nothing was imported:"
                        ).format(id=result["review"], n=n)
                    ]
                    + [f"  {c}" for c in listed + more]
                )
            )
        if importer.plan.added:
            record(
                s,
                store,
                entity="review",
                action="import",
                review_id=result["review"],
                data={
                    "review": result["uid"],
                    "sha256": sha256,
                    "added": dict(sorted(importer.plan.added.items())),
                },
                comment=source or None,
                database_chain=True,
            )
        result["added"] = dict(sorted(importer.plan.added.items()))
        result["changed"] = bool(importer.plan.added)
        return result


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], _("... and {n} more").format(n=len(lines) - MAX_LISTED)]


class _Importer:
    """One import, inside the caller's transaction."""

    def __init__(self, session: Session, store: Store, fdoc: dict[str, Any]) -> None:
        self.s = session
        self.store = store
        self.f = fdoc
        self.plan = _Plan()
        self.now = store.now()
        self.person_ids: dict[str, int] = {}
        self.interview_ids: dict[str, int] = {}
        self.relation = "same"
        # the review's state here before the import (None: a new review), and the
        # transitions the file takes it through (audit events of review actions)
        self.here_state: ReviewState | None = None
        self.steps: list[dict[str, Any]] = []
        # people of the file found here by name, municipality and e-mail (not by uid)
        self.matched: list[dict[str, Any]] = []

    # lookups ---------------------------------------------------------------------------

    def municipality(self, name: str) -> int:
        clean = " ".join(name.split())
        row = self.s.exec(select(Municipality).where(Municipality.key == name_key(clean))).first()
        if row is None:
            row = Municipality(name=clean, key=name_key(clean), created_at=self.now)
            self.s.add(row)
            self.s.flush()
            record(self.s, self.store, entity="municipality", action="add", data={"name": clean})
            self.plan.add("municipalities")
        assert row.id is not None
        return row.id

    def round_id(self, doc: dict[str, Any] | None) -> int | None:
        if doc is None:
            return None
        row = self.s.exec(
            select(Round).where(Round.year == doc["year"], Round.theme == doc["theme"])
        ).first()
        if row is None:
            row = Round(
                year=doc["year"],
                theme=doc["theme"],
                template_name=doc["template_name"],
                created_at=self.now,
            )
            self.s.add(row)
            self.s.flush()
            for name in dict.fromkeys(doc["members"]):
                mid = self.municipality(name)
                if self.s.get(RoundMember, (row.id, mid)) is None:
                    self.s.add(RoundMember(round_id=row.id, municipality_id=mid))  # type: ignore[arg-type]
            self.plan.add("rounds")
        return row.id

    def _taken(self, model: Any, uid: str) -> bool:
        return self.s.exec(select(model.id).where(model.uid == uid)).first() is not None

    def _taken_many(self, model: Any, uids: list[str]) -> set[str]:
        """Which of ``uids`` this database already holds (in a few queries, not one each)."""
        found: set[str] = set()
        with self.s.no_autoflush:
            for i in range(0, len(uids), 500):
                chunk = uids[i : i + 500]
                found.update(self.s.exec(select(model.uid).where(col(model.uid).in_(chunk))).all())
        return found

    # the whole import ------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        f = self.f
        review = self.s.exec(select(Review).where(Review.uid == f["review"]["uid"])).first()
        self.people()
        if review is None:
            review = self.new_review()
            current = None
            new = True
            self.steps = self.life_cycle(ReviewState.planned, 1, f["audit"])
        else:
            doc = review_document(self.s, review, self.now)
            try:
                current = _norm(ExportFile.model_validate(doc))
            except ValidationError as exc:
                raise InputError(
                    _("review {id} in this database cannot be compared: {error}").format(
                        id=review.id, error=exc.errors()[0]["msg"]
                    )
                ) from None
            self.relation = _relation(
                {e["uid"] for e in current["audit"] if e["action"] != "import"},
                {e["uid"] for e in f["audit"] if e["action"] != "import"},
            )
            self.here_state = ReviewState(review.state)
            if self.relation == "ahead":
                seen = {e["uid"] for e in current["audit"]}
                added = [e for e in f["audit"] if e["uid"] not in seen]
                self.steps = self.life_cycle(self.here_state, review.version, added)
            self.compare_review(review, current)
            new = False
        self.merge(review, current)
        self.s.flush()
        self.check_guards(review, current)
        result = {"review": review.id, "uid": review.uid, "new": new}
        return {**result, "matched": self.matched}

    def life_cycle(
        self, start: ReviewState, version: int, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The file's transitions of the review from ``start`` (its audit events of review
        actions, in order), each a step the life cycle allows; what breaks the machine is
        listed in ``plan.history``. ``version`` is the review's version at ``start``: every
        transition raises it by one."""
        from granskning.domain.workflow import REVIEW_TRANSITIONS, STATE_LABELS, _sources

        there = self.f["review"]
        state, steps = start, list[dict[str, Any]]()
        for e in events:
            if e["entity"] != "review" or e["action"] not in REVIEW_ACTIONS:
                continue
            dest = next(t["dest"] for t in REVIEW_TRANSITIONS if t["trigger"] == e["action"])
            if e["from_state"] != state or e["to_state"] != dest:
                self.plan.history.append(
                    _(
                        "audit event {uid}: {action} from {was} to {to}, but the review is "
                        "{state} at that point and {action} leads to {dest}"
                    ).format(
                        uid=e["uid"],
                        action=e["action"],
                        was=e["from_state"],
                        to=e["to_state"],
                        state=state.value,
                        dest=dest.value,
                    )
                )
                return steps
            if state not in _sources(REVIEW_TRANSITIONS, e["action"]):
                self.plan.history.append(
                    _(
                        "audit event {uid}: {action} is not possible while the review is {state}"
                    ).format(uid=e["uid"], action=e["action"], state=_(STATE_LABELS[state]))
                )
                return steps
            steps.append(e)
            state = ReviewState(dest)
        if state != there["state"]:
            self.plan.history.append(
                _(
                    "the review is {state} in the file, but its audit events take it from "
                    "{start} only to {reached}"
                ).format(state=there["state"], start=start.value, reached=state.value)
            )
        elif there["version"] != version + len(steps):
            self.plan.history.append(
                _(
                    "the review's version is {version} in the file, but {n} state changes "
                    "from version {start} make {expected}"
                ).format(
                    version=there["version"],
                    n=len(steps),
                    start=version,
                    expected=version + len(steps),
                )
            )
        return steps

    def check_guards(self, review: Review, current: dict[str, Any] | None) -> None:
        """Each transition the import takes must pass its guard, on the content the review
        has once imported; a handover brings exactly one new report version, numbered on."""
        from dataclasses import replace

        from granskning.domain.workflow import ActionParams, review_block_reasons
        from granskning.services.reviews import gather_facts

        facts = gather_facts(self.s, review)
        for e in self.steps:
            params = ActionParams(reason=e.get("text"), start=review.seminar_start)
            state = ReviewState(e["from_state"])
            # each step is judged as of when it was taken (a seminar held before its day)
            at_step = replace(facts, state=state, now=datetime.fromisoformat(e["at"]))
            for reason in review_block_reasons(e["action"], at_step, params):
                self.plan.history.append(
                    _("audit event {uid}: {action} is blocked: {reason}").format(
                        uid=e["uid"], action=e["action"], reason=reason
                    )
                )
        handovers = sum(e["action"] == "hand_over" for e in self.steps)
        here = {v["number"] for v in current["report_versions"]} if current else set()
        added = sorted(v["number"] for v in self.f["report_versions"] if v["number"] not in here)
        first = max(here, default=0) + 1
        if len(added) != handovers or added != list(range(first, first + len(added))):
            self.plan.history.append(
                _(
                    "the file adds report versions {added}, but its audit events hand the "
                    "report over {n} times (after version {last})"
                ).format(
                    added=", ".join(str(n) for n in added) or "-",
                    n=handovers,
                    last=max(here, default=0),
                )
            )

    def people(self) -> None:
        forgotten: dict[str, tuple[str, str]] = {}
        file_uids = {p["uid"] for p in self.f["people"]}
        renamed: dict[str, str] = {}
        for p in self.f["people"]:
            row = self.s.exec(select(Person).where(Person.uid == p["uid"])).first()
            if row is None:
                row = self.same_person(p, file_uids | set(renamed.values()))
                if row is not None:
                    assert row.id is not None
                    renamed[p["uid"]] = row.uid
                    self.person_ids[row.uid] = row.id
                    self.matched.append(
                        {"uid": p["uid"], "person": row.id, "uid_here": row.uid, "name": row.name}
                    )
                    continue
                row = Person(
                    uid=p["uid"],
                    name=p["name"],
                    municipality_id=self.municipality(p["municipality"]),
                    title=p["title"],
                    email=p["email"],
                    forgotten_at=datetime.fromisoformat(p["forgotten_at"])
                    if p["forgotten_at"]
                    else None,
                    created_at=datetime.fromisoformat(p["created_at"]),
                )
                self.s.add(row)
                self.s.flush()
                record(self.s, self.store, entity="person", action="add", data={"person": row.uid})
                self.plan.add("people")
            elif row.forgotten_at is not None:
                # forgotten here: the file's copy of the name must not come back
                if p["forgotten_at"] is None:
                    forgotten[p["uid"]] = (p["name"], row.name)
            else:
                muni = self.s.get(Municipality, row.municipality_id)
                here = {
                    "name": row.name,
                    "municipality": muni.name if muni else None,
                    "title": row.title,
                    "email": row.email,
                    "forgotten_at": _t(row.forgotten_at),
                }
                key = f"{row.id} ({row.uid})"
                if p["forgotten_at"] is not None:
                    self.plan.conflicts.append(
                        _(
                            "person {key} was forgotten where the file comes from but not "
                            "here: run person forget {id} here first"
                        ).format(key=key, id=row.id)
                    )
                else:
                    _compare(self.plan, _("person"), key, here, p, skip=("uid", "created_at"))
            assert row.id is not None
            self.person_ids[p["uid"]] = row.id
        if forgotten:
            _apply_forgotten(self.f, forgotten, self.now)
        if renamed:
            self.rename_people(renamed)

    def same_person(self, p: dict[str, Any], taken: set[str]) -> Person | None:
        """The person here with the file's person's name, municipality and e-mail (the
        first registered, if several), unless forgotten or already named by the file."""
        muni = self.s.exec(
            select(Municipality.id).where(Municipality.key == name_key(p["municipality"]))
        ).first()
        if muni is None:
            return None
        email = (p["email"] or "").casefold()
        for row in self.s.exec(
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

    def rename_people(self, renamed: dict[str, str]) -> None:
        """Point the file's records at the people found here under another uid."""
        f = self.f
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

    def new_review(self) -> Review:
        r = self.f["review"]
        review = Review(
            uid=r["uid"],
            host_id=self.municipality(r["host"]),
            round_id=self.round_id(r["round"]),
            state=r["state"],
            version=r["version"],
            template_id=r["template"]["id"],
            template_version=r["template"]["version"],
            template_sha256=r["template"]["sha256"],
            template_content=r["template"]["content"],
            handed_over_on=date.fromisoformat(r["handed_over_on"]) if r["handed_over_on"] else None,
            seminar_start=_dt(r["seminar_start"]),
            seminar_place=r["seminar_place"],
            language=r.get("language") or "sv",
            created_at=_dt(r["created_at"]),
            updated_at=_dt(r["updated_at"]),
        )
        self.s.add(review)
        self.s.flush()
        for name in r["reviewing"]:
            mid = self.municipality(name)
            if mid == review.host_id:
                raise InputError(
                    _("the file's review has its host among the reviewing municipalities")
                )
            self.s.add(ReviewingMunicipality(review_id=review.id, municipality_id=mid))  # type: ignore[arg-type]
        self.plan.add("reviews")
        return review

    def compare_review(self, review: Review, current: dict[str, Any]) -> None:
        here, there = dict(current["review"]), dict(self.f["review"])
        there.setdefault("language", "sv")
        key = here["uid"]
        for doc in (here, there):
            doc["reviewing"] = sorted(name_key(n) for n in doc["reviewing"])
            doc["host"] = name_key(doc["host"])
            rnd = doc["round"]
            doc["round"] = None if rnd is None else [rnd["year"], rnd["theme"]]
        # fixed when the review was made: a difference is always a conflict
        fixed = ("uid", "host", "reviewing", "round", "template", "created_at")
        _compare(self.plan, _("review"), key, here, there, skip=(*_LIFE_CYCLE, "updated_at"))
        changed = [k for k in _LIFE_CYCLE if here[k] != there[k]]
        if not changed or self.relation == "behind":
            return
        if self.relation == "ahead":
            review.state = there["state"]
            review.version = there["version"]
            review.handed_over_on = (
                date.fromisoformat(there["handed_over_on"]) if there["handed_over_on"] else None
            )
            review.seminar_start = _dt(there["seminar_start"])
            review.seminar_place = there["seminar_place"]
            review.language = there["language"]
            review.updated_at = _dt(there["updated_at"])
            self.s.add(review)
            self.plan.add("reviews_updated")
            return
        for k in changed:
            assert k not in fixed
            self.plan.conflict(_("review"), key, k, here[k], there[k])

    def merge(self, review: Review, current: dict[str, Any] | None) -> None:
        from granskning.storage.model import ReviewState as RS

        f = self.f
        rid = review.id
        assert rid is not None
        cur = current or {k: [] for k in f if isinstance(f[k], list)}
        # frozen here stays frozen, unless the file's history reopens the review
        here = self.here_state
        frozen = (
            here is not None
            and (here in FROZEN_STATES or here in (RS.closed, RS.cancelled))
            and not any(e["action"] == "reopen" for e in self.steps)
        )
        frozen_kinds: set[str] = set()

        # people on the team, by uid and role
        have = {(a["person"], a["role"]) for a in cur["assignments"]}
        for a in f["assignments"]:
            if (a["person"], a["role"]) not in have:
                if not self.take_missing(_("assignment"), f"{a['person']} {a['role']}"):
                    continue
                if frozen:
                    frozen_kinds.add(_("assignments"))
                self.s.add(
                    Assignment(
                        review_id=rid,
                        person_id=self.person_ids[a["person"]],
                        role=a["role"],
                        created_at=_dt(a["created_at"]),
                    )
                )
                self.plan.add("assignments")

        # interviews, their interviewees and session events
        here_iv = {i["uid"]: i for i in cur["interviews"]}
        for iv in f["interviews"]:
            old = here_iv.get(iv["uid"])
            if old is None:
                if self._taken(Interview, iv["uid"]):
                    self.plan.conflicts.append(
                        _("interview {uid} belongs to another review here").format(uid=iv["uid"])
                    )
                    continue
                if not self.take_missing(_("interview"), iv["uid"]):
                    continue
                if frozen:
                    frozen_kinds.add(_("interviews"))
                self.add_interview(rid, iv)
                continue
            existing = self.s.exec(select(Interview).where(Interview.uid == iv["uid"])).first()
            assert existing is not None and existing.id is not None
            self.interview_ids[iv["uid"]] = existing.id
            self.compare_interview(existing, old, iv)
            if old["interviewees"] != iv["interviewees"] and self.relation == "ahead":
                self.replace_interviewees(existing.id, iv["interviewees"])
            elif old["interviewees"] != iv["interviewees"] and self.relation != "behind":
                self.plan.conflict(
                    _("interview"),
                    iv["uid"],
                    "interviewees",
                    [p["name"] for p in old["interviewees"]],
                    [p["name"] for p in iv["interviewees"]],
                )
            seen = {(e["kind"], e["at"], e["question"]) for e in old["events"]}
            for e in iv["events"]:
                if (e["kind"], e["at"], e["question"]) not in seen:
                    self.s.add(
                        SessionEvent(
                            interview_id=existing.id,
                            kind=e["kind"],
                            at=_dt(e["at"]),
                            question_id=e["question"],
                        )
                    )
                    self.plan.add("session_events")

        # records with a uid: add the new ones, compare the rest
        def by_uid(
            kind: str,
            label: str,
            model: Any,
            make: Any,
            content: bool = True,
            mutable: bool = False,
            editable: bool = False,
        ) -> None:
            here = {r["uid"]: r for r in cur[kind]}
            taken = self._taken_many(model, [r["uid"] for r in f[kind] if r["uid"] not in here])
            for rec in f[kind]:
                old = here.get(rec["uid"])
                if old is not None:
                    # editable: changed in place (never deleted), so what is missing is added
                    if old != rec and (mutable or editable) and self.relation == "ahead":
                        self.bring_forward(model, rec, make(rec))
                        self.plan.add(f"{kind}_updated")
                    elif self.relation != "behind" or not (mutable or editable):
                        _compare(self.plan, label, rec["uid"], old, rec, skip=("uid",))
                elif kind == "notes" and rec["interview"] not in self.interview_ids:
                    continue  # its interview is already a conflict
                elif rec["uid"] in taken:
                    self.plan.conflicts.append(
                        _("{what} {uid} belongs to another review here").format(
                            what=label, uid=rec["uid"]
                        )
                    )
                else:
                    # notes are never removed; audited records missing here may have been
                    if mutable and not self.take_missing(label, rec["uid"]):
                        continue
                    if frozen and content:
                        frozen_kinds.add(label)
                    row = make(rec)
                    self.s.add(row)
                    self.plan.add(kind)

        by_uid(
            "notes",
            _("note"),
            Note,
            lambda n: Note(
                uid=n["uid"],
                interview_id=self.interview_ids[n["interview"]],
                question_id=n["question"],
                text=n["text"],
                rating=n["rating"],
                author=n["author"],
                created_at=_dt(n["created_at"]),
                edited_at=_dt(n["edited_at"]),
                removed_at=_dt(n["removed_at"]),
            ),
            editable=True,
        )
        by_uid(
            "findings",
            _("finding"),
            Finding,
            lambda x: Finding(
                uid=x["uid"],
                review_id=rid,
                block_id=x["block"],
                kind=x["kind"],
                text=x["text"],
                created_at=_dt(x["created_at"]),
            ),
            mutable=True,
        )
        by_uid(
            "recommendations",
            _("recommendation"),
            Recommendation,
            lambda x: Recommendation(
                uid=x["uid"],
                review_id=rid,
                block_id=x["block"],
                text=x["text"],
                created_at=_dt(x["created_at"]),
            ),
            mutable=True,
        )

        # report texts, by section
        here_t = {t["section"]: t for t in cur["report_texts"]}
        for t in f["report_texts"]:
            old = here_t.get(t["section"])
            if old is None:
                if not self.take_missing(_("report text"), t["section"]):
                    continue
                if frozen:
                    frozen_kinds.add(_("report texts"))
                self.s.add(
                    ReportText(
                        review_id=rid,
                        section=t["section"],
                        text=t["text"],
                        updated_at=_dt(t["updated_at"]),
                    )
                )
                self.plan.add("report_texts")
            elif old["text"] != t["text"]:
                if self.relation == "ahead":
                    row_t = self.s.get(ReportText, (rid, t["section"]))
                    assert row_t is not None
                    row_t.text, row_t.updated_at = t["text"], _dt(t["updated_at"])
                    self.s.add(row_t)
                    self.plan.add("report_texts_updated")
                elif self.relation != "behind":
                    self.plan.conflict(
                        _("report text"), t["section"], "text", old["text"], t["text"]
                    )

        # frozen report versions, by number; a purge on either side stays a purge
        here_v = {v["number"]: v for v in cur["report_versions"]}
        for v in f["report_versions"]:
            old = here_v.get(v["number"])
            if old is None:
                self.s.add(
                    ReportVersion(
                        review_id=rid,
                        number=v["number"],
                        sha256=v["sha256"],
                        content=base64.b64decode(v["content"]) if v["content"] else None,
                        language=v["language"],
                        created_at=_dt(v["created_at"]),
                        purged_at=_dt(v["purged_at"]),
                    )
                )
                self.plan.add("report_versions")
                continue
            _compare(
                self.plan,
                _("report version"),
                v["number"],
                old,
                v,
                skip=("number", "content", "purged_at"),
            )
            if v["purged_at"] is not None and old["purged_at"] is None:
                version = self.s.exec(
                    select(ReportVersion).where(
                        ReportVersion.review_id == rid, ReportVersion.number == v["number"]
                    )
                ).one()
                version.content = None
                version.purged_at = _dt(v["purged_at"])
                self.s.add(version)
                self.plan.add("report_versions_purged")

        # follow-up items (merged_into may point at a later item: set it afterwards)
        here_i = {i["uid"]: i for i in cur["follow_up_items"]}
        new_items: list[tuple[dict[str, Any], FollowUpItem]] = []
        merged: list[tuple[dict[str, Any], FollowUpItem]] = []
        for it in f["follow_up_items"]:
            old = here_i.get(it["uid"])
            if old is not None:
                if old != it and self.relation == "ahead":
                    row_i = self.s.exec(
                        select(FollowUpItem).where(FollowUpItem.uid == it["uid"])
                    ).one()
                    row_i.source, row_i.source_uid = it["source"], it["source_uid"]
                    row_i.block_id, row_i.text = it["block"], it["text"]
                    row_i.status, row_i.comment = it["status"], it["comment"]
                    row_i.responsible = it["responsible"]
                    row_i.updated_at = _dt(it["updated_at"])
                    self.s.add(row_i)
                    merged.append((it, row_i))
                    self.plan.add("follow_up_items_updated")
                elif self.relation != "behind":
                    _compare(self.plan, _("follow-up item"), it["uid"], old, it, skip=("uid",))
                continue
            if self._taken(FollowUpItem, it["uid"]):
                self.plan.conflicts.append(
                    _("{what} {uid} belongs to another review here").format(
                        what=_("follow-up item"), uid=it["uid"]
                    )
                )
                continue
            if not self.take_missing(_("follow-up item"), it["uid"]):
                continue
            row = FollowUpItem(
                uid=it["uid"],
                review_id=rid,
                source=it["source"],
                source_uid=it["source_uid"],
                block_id=it["block"],
                text=it["text"],
                status=it["status"],
                comment=it["comment"],
                responsible=it["responsible"],
                created_at=_dt(it["created_at"]),
                updated_at=_dt(it["updated_at"]),
            )
            self.s.add(row)
            new_items.append((it, row))
            self.plan.add("follow_up_items")
        if new_items or merged:
            self.s.flush()
            for it, row in new_items + merged:
                if it["merged_into"] or row.merged_into_id is not None:
                    target = (
                        self.s.exec(
                            select(FollowUpItem.id).where(FollowUpItem.uid == it["merged_into"])
                        ).first()
                        if it["merged_into"]
                        else None
                    )
                    row.merged_into_id = target
                    self.s.add(row)

        # the audit log: the file's chain must extend this database's; append the rest
        try:
            added = audit.extend_from_file(self.s, review, f["audit"], self.interview_ids.get)
        except ConflictError as exc:
            self.plan.conflicts.insert(0, str(exc))
            added = 0
        if added:
            self.plan.add("audit", added)
        for kind in sorted(frozen_kinds):
            self.plan.conflicts.append(
                _(
                    "review {id} is {state} here and its content is frozen, but the file adds {kind}"
                ).format(id=rid, state=labels.state(review.state), kind=kind)
            )
        changed = {
            "interviews_updated": _("interviews"),
            "interviewees_updated": _("interviewees"),
            "session_events": _("session events"),
            "findings_updated": _("findings"),
            "recommendations_updated": _("recommendations"),
            "report_texts_updated": _("report texts"),
        }
        for key, kind in changed.items():
            if frozen and key in self.plan.added:
                self.plan.conflicts.append(
                    _(
                        "review {id} is {state} here and its content is frozen, but the file "
                        "changes {kind}"
                    ).format(id=rid, state=here, kind=kind)
                )
        self.s.flush()

    def take_missing(self, what: str, key: Any) -> bool:
        """Whether to add a record the file has and this database lacks. Such records are
        written with an audit event, and so is their removal: if this database has seen all
        the file has seen (it is ``behind``), it removed the record; if both changed
        (``diverged``), added there and removed here cannot be told apart."""
        if self.relation == "behind":
            return False
        if self.relation == "diverged":
            self.plan.conflicts.append(
                _("{what} {key} is in the file but not here (added there or removed here)").format(
                    what=what, key=key
                )
            )
            return False
        return True

    def replace_interviewees(self, interview_id: int, people: list[dict[str, Any]]) -> None:
        for old in self.s.exec(
            select(Interviewee).where(Interviewee.interview_id == interview_id)
        ).all():
            self.s.delete(old)
        self.s.flush()
        for p in people:
            self.s.add(
                Interviewee(
                    interview_id=interview_id,
                    person_id=self.person_ids[p["person"]] if p["person"] else None,
                    name=p["name"],
                    title=p["title"],
                    organisation=p["organisation"],
                    head_count=p["head_count"],
                    position=p["position"],
                )
            )
        self.plan.add("interviewees_updated")

    def bring_forward(self, model: Any, rec: dict[str, Any], fresh: Any) -> None:
        """Overwrite the row with ``rec``'s uid by the file's newer copy (``fresh``)."""
        row = self.s.exec(select(model).where(model.uid == rec["uid"])).one()
        for name in type(fresh).model_fields:
            if name not in ("id", "uid"):
                setattr(row, name, getattr(fresh, name))
        self.s.add(row)

    def compare_interview(self, row: Interview, old: dict[str, Any], iv: dict[str, Any]) -> None:
        fields = [
            k for k in iv if k not in ("uid", "interviewees", "events", "updated_at", "created_at")
        ]
        # interviewees and session events are compared (and brought forward) by the caller
        skip = (*fields, "updated_at", "interviewees", "events")
        _compare(self.plan, _("interview"), iv["uid"], old, iv, skip=skip)
        changed = [k for k in fields if old[k] != iv[k]]
        if not changed or self.relation == "behind":
            return
        if self.relation != "ahead":
            for k in changed:
                self.plan.conflict(_("interview"), iv["uid"], k, old[k], iv[k])
            return

        def pid(uid: str | None) -> int | None:
            return self.person_ids[uid] if uid else None

        row.group_id = iv["group"]
        row.start = _dt(iv["start"])
        row.minutes = iv["minutes"]
        row.place = iv["place"]
        row.state = iv["state"]
        row.moderator_id = pid(iv["moderator"])
        row.note_taker_id = pid(iv["note_taker"])
        row.timekeeper_id = pid(iv["timekeeper"])
        row.cancel_reason = iv["cancel_reason"]
        row.sequence = iv["sequence"]
        row.version = iv["version"]
        row.updated_at = _dt(iv["updated_at"])
        self.s.add(row)
        self.plan.add("interviews_updated")

    def add_interview(self, rid: int, iv: dict[str, Any]) -> None:
        def pid(uid: str | None) -> int | None:
            return self.person_ids[uid] if uid else None

        row = Interview(
            uid=iv["uid"],
            review_id=rid,
            group_id=iv["group"],
            start=_dt(iv["start"]),
            minutes=iv["minutes"],
            place=iv["place"],
            state=iv["state"],
            moderator_id=pid(iv["moderator"]),
            note_taker_id=pid(iv["note_taker"]),
            timekeeper_id=pid(iv["timekeeper"]),
            cancel_reason=iv["cancel_reason"],
            sequence=iv["sequence"],
            version=iv["version"],
            created_at=_dt(iv["created_at"]),
            updated_at=_dt(iv["updated_at"]),
        )
        self.s.add(row)
        self.s.flush()
        assert row.id is not None
        self.interview_ids[iv["uid"]] = row.id
        for p in iv["interviewees"]:
            self.s.add(
                Interviewee(
                    interview_id=row.id,
                    person_id=pid(p["person"]),
                    name=p["name"],
                    title=p["title"],
                    organisation=p["organisation"],
                    head_count=p["head_count"],
                    position=p["position"],
                )
            )
            self.plan.add("interviewees")
        for e in iv["events"]:
            self.s.add(
                SessionEvent(
                    interview_id=row.id, kind=e["kind"], at=_dt(e["at"]), question_id=e["question"]
                )
            )
            self.plan.add("session_events")
        self.plan.add("interviews")


# the review's fields its life cycle changes; a file that is ahead of the database (see
# _relation) brings them forward, one that is behind leaves them alone
_LIFE_CYCLE = ("state", "version", "handed_over_on", "seminar_start", "seminar_place", "language")


def _relation(here: set[str], there: set[str]) -> str:
    """How the file's history relates to the database's, by their audit events (the log is
    append-only and every transition writes one): ``same``, ``ahead`` (the file has seen
    everything here and more), ``behind``, or ``diverged`` (changed on both sides)."""
    if here == there:
        return "same"
    if here <= there:
        return "ahead"
    if there <= here:
        return "behind"
    return "diverged"


def _dt(value: str | None) -> Any:
    return None if value is None else datetime.fromisoformat(value)
