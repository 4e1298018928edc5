"""The audit log: append-only, hash-chained, redactable, shown in the reader's language.

Only :func:`record` writes it, always inside the transaction of the action it describes.
Nothing updates or deletes audit rows; the database refuses it (migrations 0002, 0003).

Each review has a chain (named by the review's uid), and the database has one of its own
(``""``: the registry, restores, imports, forgetting). Every event is the ``seq``-th link
of its chain and carries the SHA-256 of the link before it and of its own content, computed
over a canonical JSON form that is the same on SQLite and PostgreSQL (UTC times with
microseconds, sorted keys, uids instead of local ids). :class:`~granskning.storage.model.AuditChain`
keeps each chain's length and last hash, so a removed tail shows as well as a changed or
removed link.

What an event says is structured data (ids, uids, numbers, states) under a message key
(``entity.action``), rendered through gettext when it is shown. Who acted and free text that
may name someone (a reason, an excerpt) live beside the chain in
:class:`~granskning.storage.model.AuditDetail`; the chain covers their SHA-256, so forgetting a
person can redact them and the redaction stays visible and verifiable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from granskning.domain import labels
from granskning.domain.errors import ConflictError, InputError
from granskning.domain.i18n import N_, _
from granskning.domain.text import check_actor
from granskning.domain.timefmt import as_utc, clock_text, format_local
from granskning.storage.model import (
    AuditChain,
    AuditDetail,
    AuditEvent,
    Finding,
    FollowUpItem,
    Interview,
    Note,
    Person,
    Recommendation,
    ReportVersion,
    Review,
    new_uid,
)
from granskning.storage.queries import get_review, in_time_order
from granskning.storage.store import Store

DATABASE_CHAIN = ""
# the version of the hashed form; a change of form needs a new number (and a migration)
HASH_FORM = 1
# who acted must name someone: these name nobody


# -- the canonical form ------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def utc_text(at: datetime) -> str:
    """A time in the hashed form: UTC, microseconds, ``Z`` (a naive time is UTC)."""
    return as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def detail_hash(actor: str, text: str | None) -> str:
    """The SHA-256 of an event's redactable detail, as the chain covers it."""
    return _sha(canonical_json({"actor": actor, "text": text}))


def event_hash(
    *,
    chain: str,
    seq: int,
    prev: str | None,
    uid: str,
    interview: str | None,
    entity: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    data: Mapping[str, Any],
    detail_sha256: str,
    at: datetime,
) -> str:
    """The SHA-256 of an event: its place in the chain, the link before it and its content."""
    return _sha(
        canonical_json(
            {
                "form": HASH_FORM,
                "chain": chain,
                "seq": seq,
                "prev": prev,
                "uid": uid,
                "interview": interview,
                "entity": entity,
                "action": action,
                "from": from_state,
                "to": to_state,
                "data": dict(data),
                "detail": detail_sha256,
                "at": utc_text(at),
            }
        )
    )


def record_hash(chain: str, seq: int, prev: str | None, e: Mapping[str, Any]) -> str:
    """The hash of an event in the export format (``audit`` records) at ``seq`` of ``chain``."""
    return event_hash(
        chain=chain,
        seq=seq,
        prev=prev,
        uid=e["uid"],
        interview=e.get("interview"),
        **_record_content(e),
        detail_sha256=e["detail_sha256"],
        at=datetime.fromisoformat(e["at"]),
    )


def _record_content(e: Mapping[str, Any]) -> dict[str, Any]:
    """What an export record says happened: entity, action, states and data."""
    return {
        "entity": e["entity"],
        "action": e["action"],
        "from_state": e.get("from_state"),
        "to_state": e.get("to_state"),
        "data": e.get("data") or {},
    }


def _hash_of(e: AuditEvent, interview_uid: str | None) -> str:
    return event_hash(
        chain=e.chain,
        seq=e.seq,
        prev=e.prev_hash,
        uid=e.uid,
        interview=interview_uid,
        entity=e.entity,
        action=e.action,
        from_state=e.from_state,
        to_state=e.to_state,
        data=json.loads(e.data),
        detail_sha256=e.detail_sha256,
        at=e.at,
    )


# -- writing -------------------------------------------------------------------------------------


def record(
    session: Session,
    store: Store,
    *,
    entity: str,
    action: str,
    review_id: int | None = None,
    interview_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    data: Mapping[str, Any] | None = None,
    comment: str | None = None,
    database_chain: bool = False,
    actor: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction, as the next link of its chain.

    :param data: what happened, as ids, uids, numbers and states (rendered when shown).
    :param comment: free text that may name someone (a reason); kept redactable.
    :param database_chain: link it into the database's own chain although it concerns a
        review (an import: bookkeeping of this database that another one does not share).
    :param actor: who acts (default: the store's actor).
    """
    chain = DATABASE_CHAIN
    if review_id is not None and not database_chain:
        review = session.get(Review, review_id)
        assert review is not None
        chain = review.uid
    interview_uid = None
    if interview_id is not None:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        interview_uid = interview.uid
    return _append(
        session,
        chain,
        [
            {
                "review_id": review_id,
                "interview_id": interview_id,
                "interview_uid": interview_uid,
                "entity": entity,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "data": dict(data or {}),
                "actor": actor or store.actor,
                "text": comment,
                "at": store.now(),
                "uid": new_uid(),
                "detail_sha256": None,
                "redacted_at": None,
                "redacted_by": None,
            }
        ],
    )[0]


def person_ref(session: Session, person_id: int) -> str:
    """How an audit event refers to a person: by uid (the same in every database)."""
    row = session.get(Person, person_id)
    return row.uid if row is not None else str(person_id)


# -- reading and showing -------------------------------------------------------------------------


def history(store: Store, review_id: int) -> list[AuditEvent]:
    """Every audit event of a review and its interviews, oldest first."""
    with store.read() as s:
        return _history(s, review_id)


def _history(session: Session, review_id: int) -> list[AuditEvent]:
    return in_time_order(session, AuditEvent, AuditEvent.review_id == review_id)


def history_rows(store: Store, review_id: int) -> list[dict[str, Any]]:
    """:func:`history` as JSON: the structured data, the free text and the comment rendered
    in the current language (see :func:`event_dict`)."""
    with store.read() as s:
        return render(s, _history(s, review_id))


def recent_history(store: Store, review_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The review's ``limit`` latest events, newest first, as :func:`history_rows` gives
    them (a page shows these; the whole log stays one command or download away)."""
    with store.read() as s:
        events = list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.review_id == review_id)
                .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
                .limit(limit)
            ).all()
        )
        return render(s, events)


def render(session: Session, events: list[AuditEvent]) -> list[dict[str, Any]]:
    """``events`` as JSON (see :func:`event_dict`), looking up what they refer to at once."""
    details = _details(session, [e.uid for e in events])
    datas = [json.loads(e.data) for e in events]
    names = _Names(session, datas)
    return [event_dict(e, details.get(e.uid), d, names) for e, d in zip(events, datas, strict=True)]


def _details(session: Session, uids: list[str]) -> dict[str, AuditDetail]:
    out: dict[str, AuditDetail] = {}
    for i in range(0, len(uids), 500):
        part = uids[i : i + 500]
        for d in session.exec(select(AuditDetail).where(col(AuditDetail.event_uid).in_(part))):
            out[d.event_uid] = d
    return out


class _Names:
    """What the events' data refer to by uid, as the reader knows it now: a person's current
    name (a pseudonym once forgotten), a record's short id."""

    _KINDS: dict[str, Any] = {
        "finding": Finding,
        "recommendation": Recommendation,
        "item": FollowUpItem,
        "into": FollowUpItem,
        "note": Note,
    }

    def __init__(self, session: Session, datas: Iterable[Mapping[str, Any]]) -> None:
        wanted: dict[str, set[str]] = {}
        for d in datas:
            for key, value in d.items():
                if isinstance(value, str) and (key == "person" or key in self._KINDS):
                    wanted.setdefault(key, set()).add(value)
        self.people: dict[str, str] = {}
        if wanted.get("person"):
            for uid, name in session.exec(
                select(Person.uid, Person.name).where(col(Person.uid).in_(wanted["person"]))
            ):
                self.people[uid] = name
        self.ids: dict[str, int] = {}
        for key, model in self._KINDS.items():
            if wanted.get(key):
                for uid, ident in session.exec(
                    select(model.uid, model.id).where(col(model.uid).in_(wanted[key]))
                ):
                    self.ids[uid] = ident

    def person(self, uid: str) -> str:
        return self.people.get(uid) or _("person {uid}").format(uid=uid[:8])

    def record(self, uid: str) -> str:
        ident = self.ids.get(uid)
        return str(ident) if ident is not None else _("{uid} (removed)").format(uid=uid[:8])


# message key (entity.action, or entity.* for every action of an entity) -> text; the
# placeholders are the keys of the event's data
MESSAGES: dict[str, str] = {
    "review.create": N_("template {template} {version} (sha256 {sha256})"),
    "review.assign": N_("{person} as {role}"),
    "review.unassign": N_("{person} no longer {role}"),
    "review.replan": N_("round {round}: {before} → {after}"),
    "review.reschedule_seminar": N_("seminar moved from {before} to {after}"),
    "review.start_visit": N_("set off by the first session of interview {interview}"),
    "review.import": N_("imported from a file (sha256 {sha256}): {added}"),
    "review.set_participants": N_("{count} seminar participants"),
    "review.set_next_steps": N_("{count} characters"),
    "review.set_next_follow_up": N_("next follow-up {day}"),
    "interview.add": N_("{group}, {start}–{end}"),
    "interview.edit": N_("changed: {fields}"),
    "interview.end": N_("elapsed {elapsed} of {budget}"),
    "finding.none": N_("no findings in {block}"),
    "finding.*": N_("finding {finding} ({block}, {kind})"),
    "recommendation.*": N_("recommendation {recommendation}"),
    "report.store_version": N_("version {version}, sha256 {sha256} ({bytes} bytes, {language})"),
    "report.purge": N_("version {version} purged (sha256 {sha256} kept)"),
    "report.*": N_("{section}: {characters} characters"),
    "follow_up_item.create_items": N_("{added} added, {refreshed} refreshed, {removed} removed"),
    "follow_up_item.add": N_("item {item}"),
    "follow_up_item.merge": N_("item {item} merged into item {into}"),
    "follow_up_item.record": N_("item {item}: {status}"),
    "follow_up_item.correct": N_("item {item}: {previous} → {status}, corrected after the seminar"),
    "follow_up_item.edit": N_("item {item} reworded"),
    "note.edit": N_("note {note} corrected; the earlier text is kept"),
    "note.remove": N_("note {note} removed"),
    "municipality.rename": N_("{before} → {after}"),
    "person.edit": N_("{person}: {fields} changed"),
    "review.set_language": N_("document language {before} → {after}"),
    "round.set_language": N_("round {number}: document language {before} → {after}"),
    "round.create": N_("round {round}: {year}, {members} members"),
    "round.plan": N_(
        "round {round}: {per_host} per host; {created} created, {changed} changed, {kept} kept"
    ),
    "municipality.add": N_("{name}"),
    "person.add": N_("{person}"),
    "person.forget": N_("{person} forgotten"),
    "database.restore": N_("restored from a backup (sha256 {sha256})"),
    "account.*": N_("{person}"),
}
OVERRUN = N_("over in {block}: +{over}")
UNMET = N_("{n} rules not met")

# words for the other values events carry (roles and statuses: granskning.domain.labels)
_WORDS: dict[str, str] = {
    # finding kinds
    "strength": N_("strength"),
    "development": N_("development area"),
    # document languages
    "sv": N_("Swedish"),
    "en": N_("English"),
    # person fields
    "name": N_("name"),
    "title": N_("title"),
    "email": N_("e-mail"),
    # report sections and interview fields
    "summary": N_("summary"),
    "reflections": N_("reflections"),
    "introduction": N_("introduction"),
    "group": N_("group"),
    "start": N_("start"),
    "minutes": N_("minutes"),
    "place": N_("place"),
    "moderator": N_("moderator"),
    "note_taker": N_("note-taker"),
    "interviewees": N_("interviewees"),
    # kinds of records an import adds
    "notes": N_("notes"),
    "findings": N_("findings"),
    "recommendations": N_("recommendations"),
    "interviews": N_("interviews"),
    "people": N_("people"),
}


def _word(value: Any) -> str:
    if isinstance(value, str):
        if value in labels.ROLE_LABELS:
            return labels.role(value)
        if value in labels.STATUS_LABELS:
            return labels.status(value)
        if value in _WORDS:
            return _(_WORDS[value])
    return str(value)


def describe(entity: str, action: str, data: Mapping[str, Any], names: _Names | None = None) -> str:
    """What an event's data say, in the current language ("" for an event without data)."""
    if not data:
        return ""
    # what any event may carry besides its own message
    data = dict(data)
    dated, held_at = data.pop("date", None), data.pop("held_at", None)
    block_move = (
        (data.pop("before"), data.pop("after"))
        if entity == "follow_up_item" and action == "edit" and "before" in data
        else None
    )
    text = _describe(entity, action, data, names) if data else ""
    extra = []
    if block_move:
        extra.append(
            _("moved from block {before} to {after}").format(
                before=block_move[0], after=block_move[1]
            )
        )
    if held_at:
        extra.append(
            _("held on paper at {at}").format(at=format_local(datetime.fromisoformat(held_at)))
        )
    if dated:
        extra.append(_("entered afterwards, dated {date}").format(date=dated))
    return "; ".join([t for t in [text, *extra] if t])


def _person_value(value: Any, names: _Names | None) -> Any:
    if not isinstance(value, str):
        return _word(value)
    return names.person(value) if names else value


def _record_value(value: Any, names: _Names | None) -> Any:
    if not isinstance(value, str):
        return _word(value)
    return names.record(value) if names else value


def _change_value(value: Any, _names: _Names | None) -> Any:
    """A before or after: a time, a list, or a word."""
    if isinstance(value, str) and "T" in value:
        return format_local(datetime.fromisoformat(value))
    if isinstance(value, list):
        return ", ".join(value) or "–"
    return _word(value)


def _clock_value(value: Any, _names: _Names | None) -> Any:
    return clock_text(value) if isinstance(value, int) else _word(value)


def _fields_value(value: Any, _names: _Names | None) -> Any:
    return ", ".join(_word(v) for v in value) if isinstance(value, list) else _word(value)


def _sha_value(value: Any, _names: _Names | None) -> Any:
    return value[:12] if isinstance(value, str) else _word(value)


def _added_value(value: Any, _names: _Names | None) -> Any:
    if not isinstance(value, dict):
        return _word(value)
    return ", ".join(f"{_word(k)} {v}" for k, v in sorted(value.items()))


# data key -> how its value is shown (any other key: as a word, see _word)
_VALUES: dict[str, Callable[[Any, _Names | None], Any]] = {
    "person": _person_value,
    **dict.fromkeys(_Names._KINDS, _record_value),
    "before": _change_value,
    "after": _change_value,
    "elapsed": _clock_value,
    "budget": _clock_value,
    "fields": _fields_value,
    "sha256": _sha_value,
    "added": _added_value,
}


def _overruns(data: Mapping[str, Any]) -> list[str]:
    return [
        _(OVERRUN).format(block=o.get("block") or _("session"), over=clock_text(o.get("over", 0)))
        for o in data.get("overruns", [])
    ]


def _unmet(data: Mapping[str, Any]) -> list[str]:
    return [_(UNMET).format(n=data["unmet"])] if data.get("unmet") else []


# what follows an event's message, from data any event may carry, in order
_SUFFIXES: tuple[Callable[[Mapping[str, Any]], list[str]], ...] = (_overruns, _unmet)


def _plain(data: Mapping[str, Any]) -> str:
    """An event's data without a message of their own: key value, key value."""
    return ", ".join(f"{k} {v}" for k, v in sorted(data.items()))


def _describe(
    entity: str, action: str, data: Mapping[str, Any], names: _Names | None = None
) -> str:
    template = MESSAGES.get(f"{entity}.{action}") or MESSAGES.get(f"{entity}.*")
    if template is None:
        return _plain(data)
    values = {key: _VALUES.get(key, _word_value)(value, names) for key, value in data.items()}
    if "start" in data and "minutes" in data:
        start = datetime.fromisoformat(data["start"])
        values["start"] = format_local(start)
        values["end"] = (format_local(start + timedelta(minutes=data["minutes"])) or "")[-5:]
    try:
        text = _(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return _plain(data)
    return "".join([text, *("; " + s for suffix in _SUFFIXES for s in suffix(data))])


def _word_value(value: Any, _names: _Names | None) -> Any:
    return _word(value)


def event_dict(
    e: AuditEvent,
    detail: AuditDetail | None = None,
    data: Mapping[str, Any] | None = None,
    names: _Names | None = None,
) -> dict[str, Any]:
    """An audit event as JSON: the structured data, the free text and the rendered comment."""
    data = json.loads(e.data) if data is None else data
    text = detail.text if detail else None
    said = describe(e.entity, e.action, data, names)
    return {
        "id": e.id,
        "uid": e.uid,
        "at": format_local(e.at),
        "actor": detail.actor if detail else None,
        "entity": e.entity,
        "action": e.action,
        "message": f"{e.entity}.{e.action}",
        "data": dict(data),
        "from": e.from_state,
        "to": e.to_state,
        "interview": e.interview_id,
        "text": text,
        "redacted": bool(detail and detail.redacted_at),
        "comment": ": ".join(p for p in (said, text) if p) or None,
        "seq": e.seq,
        "hash": e.hash,
    }


# -- verifying -----------------------------------------------------------------------------------


@dataclass
class ChainCheck:
    """What :func:`verify_chain` found: the first bad link (None when all verify)."""

    chain: str
    events: int = 0
    redacted: int = 0
    head: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad(self, seq: int | None, uid: str | None, message: str) -> None:
        self.problems.append({"seq": seq, "uid": uid, "problem": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "events": self.events,
            "redacted": self.redacted,
            "head": self.head,
            "ok": self.ok,
            "first_bad": self.problems[0] if self.problems else None,
            "problems": self.problems,
        }


def _chain_events(session: Session, chain: str) -> list[AuditEvent]:
    """The events of ``chain`` in their order."""
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.chain == chain).order_by(col(AuditEvent.seq))
        ).all()
    )


def _interview_uids(session: Session, events: Iterable[AuditEvent]) -> dict[int, str]:
    """The uid of each interview the events concern, by its id."""
    iv_ids = {e.interview_id for e in events if e.interview_id is not None}
    iv_uid: dict[int, str] = {}
    for i in range(0, len(iv_ids), 500):
        part = list(iv_ids)[i : i + 500]
        for ident, uid in session.exec(
            select(Interview.id, Interview.uid).where(col(Interview.id).in_(part))
        ):
            if ident is not None:
                iv_uid[ident] = uid
    return iv_uid


@dataclass
class _Links:
    """What checking a chain's links needs, and how far it has come."""

    iv_uid: dict[int, str]
    details: dict[str, AuditDetail]
    forgotten: set[str]
    prev: str | None = None
    expected: int = 1


# a bad link: (its seq, its uid, what is wrong)
_Bad = tuple[int | None, str | None, str]


def _out_of_order(e: AuditEvent, links: _Links) -> _Bad | None:
    if e.seq == links.expected:
        return None
    if e.seq > links.expected:
        message = _("event {seq} is missing (removed from the log)").format(seq=links.expected)
    else:
        message = _("event {seq} appears twice").format(seq=e.seq)
    return links.expected, None, message


def _unlinked(e: AuditEvent, links: _Links) -> _Bad | None:
    if e.prev_hash == links.prev:
        return None
    message = _("event {seq} ({uid}) does not link to the event before it")
    return e.seq, e.uid, message.format(seq=e.seq, uid=e.uid)


def _changed(e: AuditEvent, links: _Links) -> _Bad | None:
    iv = links.iv_uid.get(e.interview_id) if e.interview_id is not None else None
    try:
        computed = _hash_of(e, iv)
    except (ValueError, TypeError):
        computed = ""
    if computed == e.hash:
        return None
    message = _("event {seq} ({uid}, {what}) was changed after it was written")
    return e.seq, e.uid, message.format(seq=e.seq, uid=e.uid, what=f"{e.entity}.{e.action}")


def _detail_changed(e: AuditEvent, links: _Links) -> _Bad | None:
    problem = _detail_problem(e, links.details.get(e.uid), links.forgotten)
    return (e.seq, e.uid, problem) if problem else None


# the checks of one link, in order: the first that fails ends the walk
_LINK_CHECKS: tuple[Callable[[AuditEvent, _Links], _Bad | None], ...] = (
    _out_of_order,
    _unlinked,
    _changed,
    _detail_changed,
)


def verify_chain(session: Session, chain: str) -> ChainCheck:
    """Recompute every link of ``chain``: order, links, content, redactions and its head."""
    out = ChainCheck(chain=chain)
    events = _chain_events(session, chain)
    head = session.get(AuditChain, chain)
    out.events = len(events)
    iv_uid = _interview_uids(session, events)
    details = _details(session, [e.uid for e in events])
    links = _Links(iv_uid, details, _forgotten_uids(session, details.values()))
    for e in events:
        bad = next((b for check in _LINK_CHECKS if (b := check(e, links)) is not None), None)
        if bad is not None:
            out.bad(*bad)
            break
        detail = details.get(e.uid)
        if detail is not None and detail.redacted_at is not None:
            out.redacted += 1
        links.prev = e.hash
        links.expected += 1
    if out.ok:
        _check_head(out, head, len(events), links.prev)
    out.head = links.prev
    return out


def _check_head(out: ChainCheck, head: AuditChain | None, events: int, last: str | None) -> None:
    """The chain's head names its length and its last link (a removed tail shows here)."""
    if head is None:
        if events:
            out.bad(None, None, _("the log's head is missing"))
        return
    if (head.seq, head.head) == (events, last):
        return
    if head.seq > events:
        message = _("events {first} to {last} are missing (removed from the end of the log)")
        out.bad(events + 1, None, message.format(first=events + 1, last=head.seq))
    else:
        out.bad(None, None, _("the log's head does not match its last event"))


def _forgotten_uids(session: Session, details: Iterable[AuditDetail]) -> set[str]:
    wanted = {d.redacted_by for d in details if d.redacted_by}
    if not wanted:
        return set()
    return set(
        session.exec(
            select(Person.uid).where(
                col(Person.uid).in_(wanted), col(Person.forgotten_at).is_not(None)
            )
        ).all()
    )


def _detail_problem(e: AuditEvent, detail: AuditDetail | None, forgotten: set[str]) -> str | None:
    if detail is None:
        return _("event {seq} ({uid}): who acted and its text are missing").format(
            seq=e.seq, uid=e.uid
        )
    if detail.redacted_at is None:
        if detail_hash(detail.actor, detail.text) != e.detail_sha256:
            return _("event {seq} ({uid}): who acted or its text was changed").format(
                seq=e.seq, uid=e.uid
            )
        return None
    if detail.redacted_by not in forgotten:
        return _(
            "event {seq} ({uid}): its text was redacted, but not for a person forgotten here"
        ).format(seq=e.seq, uid=e.uid)
    return None


def verify_review(store: Store, review_id: int) -> dict[str, Any]:
    """``review verify``: the review's audit chain, the database's own chain and the frozen
    report versions (their bytes against their SHA-256, and that SHA-256 against the one
    the chain recorded when the version was stored)."""
    with store.read() as s:
        review = get_review(s, review_id)
        own = verify_chain(s, review.uid)
        database = verify_chain(s, DATABASE_CHAIN)
        _check_strays(s, review, own)
        recorded = _recorded_versions(s, review)
        reports = [
            _report_check(v, recorded)
            for v in s.exec(
                select(ReportVersion)
                .where(ReportVersion.review_id == review_id)
                .order_by(col(ReportVersion.number))
            )
        ]
    ok = own.ok and database.ok and all(r["problem"] is None for r in reports)
    return {
        "id": review_id,
        "ok": ok,
        "audit": own.as_dict(),
        "database_audit": database.as_dict(),
        "reports": reports,
    }


def _check_strays(session: Session, review: Review, own: ChainCheck) -> None:
    """An event of the review linked into another review's chain is a problem of its own."""
    stray = session.exec(
        select(AuditEvent.seq, AuditEvent.uid, AuditEvent.chain).where(
            AuditEvent.review_id == review.id,
            col(AuditEvent.chain).not_in([review.uid, DATABASE_CHAIN]),
        )
    ).first()
    if stray is not None and own.ok:
        own.bad(
            stray[0],
            stray[1],
            _("event {uid} belongs to another review's log").format(uid=stray[1]),
        )


def _recorded_versions(session: Session, review: Review) -> dict[int, str]:
    """The SHA-256 the review's chain recorded for each report version it stored."""
    recorded: dict[int, str] = {}
    for e in session.exec(
        select(AuditEvent).where(
            AuditEvent.chain == review.uid,
            AuditEvent.entity == "report",
            AuditEvent.action == "store_version",
        )
    ):
        d = json.loads(e.data)
        if isinstance(d.get("version"), int) and isinstance(d.get("sha256"), str):
            recorded[d["version"]] = d["sha256"]
    return recorded


def _report_check(v: ReportVersion, recorded: dict[int, str]) -> dict[str, Any]:
    """One frozen report version: its bytes against its SHA-256, and that against the log."""
    status, message = "ok", None
    if v.number in recorded and recorded[v.number] != v.sha256:
        status = "differs"
        message = _(
            "report version {n}: its SHA-256 is not the one the log recorded at the "
            "handover ({sha})"
        ).format(n=v.number, sha=recorded[v.number])
    elif v.content is None:
        status = "purged" if v.purged_at is not None else "missing"
        if status == "missing":
            message = _("report version {n}: its content is missing").format(n=v.number)
    elif hashlib.sha256(v.content).hexdigest() != v.sha256:
        status = "differs"
        message = _("report version {n}: the frozen document does not match its SHA-256").format(
            n=v.number
        )
    return {
        "version": v.number,
        "sha256": v.sha256,
        "status": status,
        "purged": format_local(v.purged_at),
        "problem": message,
    }


# -- importing a chain -----------------------------------------------------------------------------


def extend_from_file(
    session: Session,
    review: Review,
    events: list[dict[str, Any]],
    interview_id: Callable[[str], int | None],
) -> int:
    """Append the events of an export file's audit log that this database lacks.

    The file's log must be a whole chain of its own (every link recomputed; an InputError
    names the first that is not) whose actors are named like ``--as`` names them, and it
    must extend this database's log of the review, or be a part of it: where the two differ,
    a ConflictError names the first event that differs and nothing is imported.

    :param events: the file's ``audit`` records (export format).
    :param interview_id: this database's id of the interview with a uid.
    :returns: the number of events appended.
    """
    chain = review.uid
    prev: str | None = None
    for n, e in enumerate(events, 1):
        prev = _file_link(chain, n, prev, e)
    here = _chain_events(session, chain)
    for mine, there in zip(here, events, strict=False):
        _same_link(review, mine, there)
    return len(
        _append(
            session,
            chain,
            [_append_args(review, e, interview_id) for e in events[len(here) :]],
        )
    )


def _file_link(chain: str, n: int, prev: str | None, e: Mapping[str, Any]) -> str:
    """The hash of the file's ``n``-th event, recomputed; an InputError if it is not the
    next link of the file's chain."""
    where = _("audit event {uid}").format(uid=e["uid"])
    changed = _("the file's audit event {seq} ({uid}) was changed after it was written")
    if e.get("seq") != n or e.get("prev_hash") != prev:
        raise InputError(
            _("the file's audit log is broken at event {seq} ({uid})").format(seq=n, uid=e["uid"])
        )
    if e.get("redacted_at") is None:
        check_actor(e["actor"], where)
        if detail_hash(e["actor"], e.get("text")) != e["detail_sha256"]:
            raise InputError(changed.format(seq=n, uid=e["uid"]))
    computed = record_hash(chain, n, prev, e)
    if computed != e.get("hash"):
        raise InputError(changed.format(seq=n, uid=e["uid"]))
    return computed


def _same_link(review: Review, mine: AuditEvent, there: Mapping[str, Any]) -> None:
    """A ConflictError unless the file's event is this database's event at its place."""
    if mine.hash == there["hash"]:
        return
    raise ConflictError(
        _(
            "the file's audit log does not extend this database's log of review {id}: "
            "they differ from event {seq} on (here {uid} {what}, in the file {other} "
            "{other_what})"
        ).format(
            id=review.id,
            seq=mine.seq,
            uid=mine.uid,
            what=f"{mine.entity}.{mine.action}",
            other=there["uid"],
            other_what=f"{there['entity']}.{there['action']}",
        )
    )


def _append_args(
    review: Review, e: Mapping[str, Any], interview_id: Callable[[str], int | None]
) -> dict[str, Any]:
    """A file's event as the keyword arguments of :func:`_append`."""
    return dict(
        review_id=review.id,
        interview_id=interview_id(e["interview"]) if e.get("interview") else None,
        interview_uid=e.get("interview"),
        **_record_content(e),
        actor=e["actor"],
        text=e.get("text"),
        at=datetime.fromisoformat(e["at"]),
        uid=e["uid"],
        detail_sha256=e["detail_sha256"],
        redacted_at=(datetime.fromisoformat(e["redacted_at"]) if e.get("redacted_at") else None),
        redacted_by=e.get("redacted_by"),
    )


# the keys of a record to _append that go into the event row and into its detail as they are
_EVENT_KEYS = (
    "review_id",
    "interview_id",
    "entity",
    "action",
    "from_state",
    "to_state",
    "at",
    "uid",
)
_DETAIL_KEYS = ("actor", "text", "redacted_at", "redacted_by")


def _append(session: Session, chain: str, records: list[dict[str, Any]]) -> list[AuditEvent]:
    """Link ``records`` (an event's content, detail and chain data each) to the end of
    ``chain`` in one go: the head row is locked until commit and moved once, and the rows
    are written in two batches (an import brings thousands of events; one round trip each
    took seconds)."""
    if not records:
        return []
    head = session.get(AuditChain, chain, with_for_update=True)
    seq = 0 if head is None else head.seq
    prev = None if head is None else head.head
    added, details = [], []
    with session.no_autoflush:
        for r in records:
            seq += 1
            event = AuditEvent(
                **{key: r[key] for key in _EVENT_KEYS},
                data=canonical_json(r["data"]),
                detail_sha256=r["detail_sha256"] or detail_hash(r["actor"], r["text"]),
                chain=chain,
                seq=seq,
                prev_hash=prev,
                hash="",
            )
            event.hash = prev = _hash_of(event, r["interview_uid"])
            session.add(event)
            added.append(event)
            details.append(
                AuditDetail(event_uid=event.uid, **{key: r[key] for key in _DETAIL_KEYS})
            )
    session.flush()  # the details refer to the event rows: those go first
    session.add_all(details)
    assert prev is not None  # at least one record was linked
    if head is None:
        session.add(AuditChain(chain=chain, seq=seq, head=prev))
    else:
        head.seq, head.head = seq, prev
        session.add(head)
    # the details and the head are written with the next flush (the next event's, or the
    # commit's): one flush an event, not two
    return added


def export_records(session: Session, review: Review) -> list[dict[str, Any]]:
    """The review's audit log in the export format: its chain, in order, with the detail."""
    events = _chain_events(session, review.uid)
    iv_uid = _interview_uids(session, events)
    details = _details(session, [e.uid for e in events])
    out = []
    for e in events:
        d = details.get(e.uid)
        out.append(
            {
                "uid": e.uid,
                "seq": e.seq,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
                "interview": iv_uid.get(e.interview_id) if e.interview_id else None,
                "entity": e.entity,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "data": json.loads(e.data),
                "detail_sha256": e.detail_sha256,
                "actor": d.actor if d else "",
                "text": d.text if d else None,
                "redacted_at": utc_iso(d.redacted_at) if d and d.redacted_at else None,
                "redacted_by": d.redacted_by if d else None,
                "at": utc_iso(e.at),
            }
        )
    return out


def utc_iso(at: datetime) -> str:
    """A time as the export file writes it (ISO 8601 in UTC)."""
    return as_utc(at).isoformat()


# -- redacting -----------------------------------------------------------------------------------


def redact(
    session: Session,
    scrub: Callable[[str], str],
    names_actor: Callable[[str], bool],
    pseudonym: str,
    person_uid: str,
    at: datetime,
) -> tuple[int, dict[str, int]]:
    """Replace a forgotten person's name in every event's actor and free text (the chain
    keeps their SHA-256, so the redaction shows).

    :returns: the number of events redacted and the count per field."""
    counts: dict[str, int] = {}
    events = 0
    for d in session.exec(select(AuditDetail)).all():
        actor = pseudonym if names_actor(d.actor) else scrub(d.actor)
        text = scrub(d.text) if d.text else d.text
        if actor != d.actor:
            counts["audit.actor"] = counts.get("audit.actor", 0) + 1
        if text != d.text:
            counts["audit.text"] = counts.get("audit.text", 0) + 1
        if (actor, text) != (d.actor, d.text):
            d.actor, d.text = actor, text
            d.redacted_at, d.redacted_by = at, person_uid
            session.add(d)
            events += 1
    return events, counts
