"""Merging a file's records into a review here: one :class:`Spec` per kind of record.

A spec says how the kind is stored (its list in the file, the key a record is found by,
the row it becomes) and what happens to a record on both sides (compared, or brought
forward when the file is ahead) and to one only the file has (added, unless this database
removed it or the review is frozen). :func:`merge_records` runs the specs in order, then
the steps that close the merge (:data:`_CLOSING`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from granskning.domain import labels
from granskning.domain.errors import ConflictError
from granskning.domain.i18n import N_, _
from granskning.domain.workflow import FROZEN_STATES
from granskning.interchange.format import columns, parse_time
from granskning.interchange.state import ImportState
from granskning.storage import audit
from granskning.storage.model import (
    Assignment,
    Finding,
    FollowUpItem,
    Interview,
    Interviewee,
    Note,
    Recommendation,
    ReportText,
    ReportVersion,
    Review,
    ReviewState,
    SessionEvent,
)

Rec = dict[str, Any]


class _Merge:
    """One review's merge: the review, its records here, and what the merge collects."""

    def __init__(self, st: ImportState, review: Review, current: Rec | None) -> None:
        assert review.id is not None
        self.st, self.review, self.rid = st, review, review.id
        self.cur = current or {k: [] for k in st.f if isinstance(st.f[k], list)}
        # frozen here stays frozen, unless the file's history reopens the review
        here = st.here_state
        self.frozen = (
            here is not None
            and (here in FROZEN_STATES or here in (ReviewState.closed, ReviewState.cancelled))
            and not any(e["action"] == "reopen" for e in st.steps)
        )
        self.frozen_kinds: set[str] = set()
        # follow-up items whose merged_into is set once all are in (it may point at a later one)
        self.new_items: list[tuple[Rec, FollowUpItem]] = []
        self.updated_items: list[tuple[Rec, FollowUpItem]] = []

    def pid(self, uid: str | None) -> int | None:
        """The id here of the file's person ``uid``."""
        return self.st.person_ids[uid] if uid else None


def _row(m: _Merge, spec: Spec, rec: Rec) -> Any:
    """The row a record is stored as."""
    return spec.model(**columns(rec, spec.kind), **spec.made(m, rec))


# -- what happens to a record on both sides -------------------------------------------------


def _nothing(m: _Merge, spec: Spec, old: Rec, rec: Rec) -> None:
    """Records that never change (a team member's role) need no comparing."""


def _bring_forward(m: _Merge, spec: Spec, rec: Rec) -> Any:
    """Overwrite the row of ``rec`` here by the file's newer copy; returns the row."""
    s = m.st.s
    if spec.find is not None:
        row = spec.find(m, rec)
    else:
        row = s.exec(select(spec.model).where(spec.model.uid == rec["uid"])).one()
    fresh = _row(m, spec, rec)
    for name in type(fresh).model_fields:
        if name not in ("id", "uid", *spec.keep):
            setattr(row, name, getattr(fresh, name))
    s.add(row)
    m.st.plan.add(f"{spec.kind}_updated")
    return row


def _changed(m: _Merge, spec: Spec, old: Rec, rec: Rec) -> None:
    """A record that changes: the file's copy when it is ahead, otherwise compared (one
    that is behind keeps what is here)."""
    fields = [k for k in rec if k not in spec.skip]
    if any(old.get(k) != rec[k] for k in fields) and m.st.relation == "ahead":
        row = _bring_forward(m, spec, rec)
        if spec.linked:
            m.updated_items.append((rec, row))
    elif m.st.relation != "behind":
        m.st.plan.compare(_(spec.label), spec.key(rec), old, rec, skip=spec.skip)


def _fixed(m: _Merge, spec: Spec, old: Rec, rec: Rec) -> None:
    """A frozen report version: compared; a purge on either side stays a purge."""
    m.st.plan.compare(_(spec.label), spec.key(rec), old, rec, skip=spec.skip)
    if rec["purged_at"] is not None and old["purged_at"] is None:
        version = m.st.s.exec(
            select(ReportVersion).where(
                ReportVersion.review_id == m.rid, ReportVersion.number == rec["number"]
            )
        ).one()
        version.content = None
        version.purged_at = parse_time(rec["purged_at"])
        m.st.s.add(version)
        m.st.plan.add("report_versions_purged")


# -- interviews, with their interviewees and session events ----------------------------------

# an interview's parts that are merged apart from its own fields
_PARTS = ("interviewees", "events")


def _interview_made(m: _Merge, iv: Rec) -> Rec:
    return {
        "review_id": m.rid,
        "moderator_id": m.pid(iv["moderator"]),
        "note_taker_id": m.pid(iv["note_taker"]),
        "timekeeper_id": m.pid(iv["timekeeper"]),
    }


def _add_interviewees(m: _Merge, interview_id: int, people: list[Rec], kind: str | None) -> None:
    """Store ``people`` as the interview's interviewees, each counted as ``kind``."""
    for p in people:
        person = m.pid(p["person"])
        m.st.s.add(
            Interviewee(interview_id=interview_id, person_id=person, **columns(p, "interviewees"))
        )
        if kind is not None:
            m.st.plan.add(kind)


def _add_events(m: _Merge, interview_id: int, events: list[Rec]) -> None:
    for e in events:
        m.st.s.add(SessionEvent(interview_id=interview_id, **columns(e, "events")))
        m.st.plan.add("session_events")


def _add_interview(m: _Merge, spec: Spec, iv: Rec) -> None:
    row = _row(m, spec, iv)
    m.st.s.add(row)
    m.st.s.flush()
    assert row.id is not None
    m.st.interview_ids[iv["uid"]] = row.id
    _add_interviewees(m, row.id, iv["interviewees"], "interviewees")
    _add_events(m, row.id, iv["events"])


def _interview_fields(m: _Merge, spec: Spec, old: Rec, iv: Rec) -> None:
    """The interview's own fields: uid and creation always compared, the rest brought
    forward when the file is ahead."""
    fixed = ("uid", "created_at")
    m.st.plan.compare(_(spec.label), iv["uid"], old, iv, skip=[k for k in iv if k not in fixed])
    moving = [k for k in iv if k not in (*fixed, *_PARTS, "updated_at")]
    changed = [k for k in moving if old[k] != iv[k]]
    if not changed or m.st.relation == "behind":
        return
    if m.st.relation != "ahead":
        for k in changed:
            m.st.plan.conflict(_(spec.label), iv["uid"], k, old[k], iv[k])
        return
    _bring_forward(m, spec, iv)


def _interview(m: _Merge, spec: Spec, old: Rec, iv: Rec) -> None:
    """An interview on both sides: its fields, its interviewees, its new session events."""
    s = m.st.s
    existing = s.exec(select(Interview).where(Interview.uid == iv["uid"])).first()
    assert existing is not None and existing.id is not None
    m.st.interview_ids[iv["uid"]] = existing.id
    _interview_fields(m, spec, old, iv)
    if old["interviewees"] != iv["interviewees"] and m.st.relation == "ahead":
        for gone in s.exec(select(Interviewee).where(Interviewee.interview_id == existing.id)):
            s.delete(gone)
        s.flush()
        _add_interviewees(m, existing.id, iv["interviewees"], None)
        m.st.plan.add("interviewees_updated")
    elif old["interviewees"] != iv["interviewees"] and m.st.relation != "behind":
        m.st.plan.conflict(
            _(spec.label),
            iv["uid"],
            "interviewees",
            [p["name"] for p in old["interviewees"]],
            [p["name"] for p in iv["interviewees"]],
        )
    seen = {(e["kind"], e["at"], e["question"]) for e in old["events"]}
    new = [e for e in iv["events"] if (e["kind"], e["at"], e["question"]) not in seen]
    _add_events(m, existing.id, new)


# -- the rows of the other kinds ------------------------------------------------------------


def _add_row(m: _Merge, spec: Spec, rec: Rec) -> None:
    m.st.s.add(_row(m, spec, rec))


def _add_item(m: _Merge, spec: Spec, rec: Rec) -> None:
    row = _row(m, spec, rec)
    m.st.s.add(row)
    m.new_items.append((rec, row))


def _review_id(m: _Merge, rec: Rec) -> Rec:
    return {"review_id": m.rid}


def _assignment_made(m: _Merge, a: Rec) -> Rec:
    return {"review_id": m.rid, "person_id": m.st.person_ids[a["person"]]}


def _note_made(m: _Merge, n: Rec) -> Rec:
    return {"interview_id": m.st.interview_ids[n["interview"]]}


def _report_text_here(m: _Merge, t: Rec) -> ReportText:
    row = m.st.s.get(ReportText, (m.rid, t["section"]))
    assert row is not None
    return row


def _version_made(m: _Merge, v: Rec) -> Rec:
    content = base64.b64decode(v["content"]) if v["content"] else None
    return {"review_id": m.rid, "content": content}


def _uid(rec: Rec) -> Any:
    return rec["uid"]


@dataclass(frozen=True)
class Spec:
    """How one kind of record is merged."""

    kind: str  # the file's list; its additions are counted under this name
    label: str  # what one is called in messages (translated when used)
    model: Any  # the table
    key: Callable[[Rec], Any] = _uid  # what finds a record here
    made: Callable[[_Merge, Rec], Rec] = _review_id  # columns made from other rows (COLUMNS)
    on_both: Callable[[_Merge, Spec, Rec, Rec], None] = _changed  # here and in the file
    bring_in: Callable[[_Merge, Spec, Rec], None] = _add_row  # store one only the file has
    uids: bool = True  # a uid another review holds here is a conflict
    taken_message: str = N_("{what} {uid} belongs to another review here")
    removable: bool = True  # audited: one missing here may have been removed here
    freezes: str | None = None  # what a frozen review refuses to have added
    skip: tuple[str, ...] = ("uid",)  # fields not compared
    keep: tuple[str, ...] = ()  # fields bringing forward leaves as they are
    find: Callable[[_Merge, Rec], Any] | None = None  # the row here (default: by uid)
    missing_key: Callable[[Rec], Any] | None = None  # the key in messages (default: key)
    of_interview: bool = False  # one whose interview is not here is left out
    linked: bool = False  # merged_into is set once all are in (it may point at a later one)


# every kind of record of a review, in the order they are merged (a note needs its
# interview, and the audit log comes last: see _CLOSING)
SPECS: tuple[Spec, ...] = (
    Spec(
        "assignments",
        N_("assignment"),
        Assignment,
        key=lambda a: (a["person"], a["role"]),
        made=_assignment_made,
        on_both=_nothing,
        uids=False,
        freezes=N_("assignments"),
        missing_key=lambda a: f"{a['person']} {a['role']}",
    ),
    Spec(
        "interviews",
        N_("interview"),
        Interview,
        made=_interview_made,
        on_both=_interview,
        bring_in=_add_interview,
        taken_message=N_("interview {uid} belongs to another review here"),
        freezes=N_("interviews"),
        keep=("review_id", "created_at"),
    ),
    # notes are never removed (only marked so): what is missing here is added
    Spec(
        "notes",
        N_("note"),
        Note,
        made=_note_made,
        removable=False,
        freezes=N_("note"),
        of_interview=True,
    ),
    Spec("findings", N_("finding"), Finding, freezes=N_("finding")),
    # a number is given once, where the recommendation was made; a file made before
    # numbering has none (the import numbers those): never compared, never overwritten
    Spec(
        "recommendations",
        N_("recommendation"),
        Recommendation,
        freezes=N_("recommendation"),
        skip=("uid", "number"),
        keep=("number",),
    ),
    Spec(
        "report_texts",
        N_("report text"),
        ReportText,
        key=lambda t: t["section"],
        uids=False,
        freezes=N_("report texts"),
        skip=("section", "updated_at"),
        keep=("review_id", "section"),
        find=_report_text_here,
    ),
    # frozen report versions, by number: each handover adds one
    Spec(
        "report_versions",
        N_("report version"),
        ReportVersion,
        key=lambda v: v["number"],
        made=_version_made,
        on_both=_fixed,
        uids=False,
        removable=False,
        skip=("number", "content", "purged_at"),
    ),
    Spec(
        "follow_up_items",
        N_("follow-up item"),
        FollowUpItem,
        bring_in=_add_item,
        keep=("review_id", "merged_into_id", "created_at"),
        linked=True,
    ),
)


def _missing(m: _Merge, spec: Spec, rec: Rec, taken: set[str]) -> None:
    """A record only the file has: added, unless that would break a rule."""
    st = m.st
    if spec.of_interview and rec["interview"] not in st.interview_ids:
        return  # its interview is already a conflict
    if spec.uids and rec["uid"] in taken:
        st.plan.conflicts.append(_(spec.taken_message).format(what=_(spec.label), uid=rec["uid"]))
        return
    key = (spec.missing_key or spec.key)(rec)
    if spec.removable and not st.take_missing(_(spec.label), key):
        return
    if m.frozen and spec.freezes is not None:
        m.frozen_kinds.add(_(spec.freezes))
    spec.bring_in(m, spec, rec)
    st.plan.add(spec.kind)


def _merge_kind(m: _Merge, spec: Spec) -> None:
    """The file's records of one kind, each found here by its key, or missing."""
    records = m.st.f[spec.kind]
    here = {spec.key(r): r for r in m.cur[spec.kind]}
    taken: set[str] = set()
    if spec.uids:
        taken = m.st.taken(spec.model, [r["uid"] for r in records if r["uid"] not in here])
    for rec in records:
        old = here.get(spec.key(rec))
        if old is not None:
            spec.on_both(m, spec, old, rec)
        else:
            _missing(m, spec, rec, taken)


# -- closing the merge ----------------------------------------------------------------------


def _link_items(m: _Merge) -> None:
    """Point the follow-up items added or brought forward at the items they are merged into."""
    if not (m.new_items or m.updated_items):
        return
    s = m.st.s
    s.flush()
    for it, row in m.new_items + m.updated_items:
        if it["merged_into"] or row.merged_into_id is not None:
            target = (
                s.exec(select(FollowUpItem.id).where(FollowUpItem.uid == it["merged_into"])).first()
                if it["merged_into"]
                else None
            )
            row.merged_into_id = target
            s.add(row)


def _extend_audit(m: _Merge) -> None:
    """The audit log: the file's chain must extend this database's; append the rest."""
    st = m.st
    try:
        added = audit.extend_from_file(st.s, m.review, st.f["audit"], st.interview_ids.get)
    except ConflictError as exc:
        st.plan.conflicts.insert(0, str(exc))
        added = 0
    if added:
        st.plan.add("audit", added)


# what a frozen review refuses to have changed: the count and what it is called
_CHANGES = {
    "interviews_updated": N_("interviews"),
    "interviewees_updated": N_("interviewees"),
    "session_events": N_("session events"),
    "findings_updated": N_("findings"),
    "recommendations_updated": N_("recommendations"),
    "report_texts_updated": N_("report texts"),
}


def _refuse_frozen(m: _Merge) -> None:
    """A conflict for each kind of content the file adds to or changes in a frozen review."""
    plan = m.st.plan
    for kind in sorted(m.frozen_kinds):
        plan.conflicts.append(
            _(
                "review {id} is {state} here and its content is frozen, but the file adds {kind}"
            ).format(id=m.rid, state=labels.state(m.review.state), kind=kind)
        )
    for key, kind in _CHANGES.items():
        if m.frozen and key in plan.added:
            plan.conflicts.append(
                _(
                    "review {id} is {state} here and its content is frozen, but the file "
                    "changes {kind}"
                ).format(id=m.rid, state=m.st.here_state, kind=_(kind))
            )


_CLOSING: tuple[Callable[[_Merge], None], ...] = (_link_items, _extend_audit, _refuse_frozen)


def merge_records(st: ImportState, review: Review, current: Rec | None) -> None:
    """Merge the file's records into ``review`` (``current``: its export document here, None
    for a review the import adds); what cannot be merged is a conflict in ``st.plan``."""
    m = _Merge(st, review, current)
    for spec in SPECS:
        _merge_kind(m, spec)
    for step in _CLOSING:
        step(m)
    st.s.flush()
