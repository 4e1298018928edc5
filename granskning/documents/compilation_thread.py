"""The compilation's thread of recommendations and its timeline per municipality.

Every review's recommendations with their number (R1, R2, ...) and the status the follow-up
seminar gave them (an item merged into another has that one's status); the review's visit,
handover and seminar dates. Read in a fixed number of whole-round queries, like the rest of
the compilation (:mod:`granskning.documents.compilation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select as sa_select
from sqlmodel import Session

from granskning.documents.style import STATUS_FILLS, WHITE, capitalised, format_day
from granskning.domain.enums import FollowUpStatus, InterviewState
from granskning.domain.i18n import _
from granskning.domain.labels import COLOUR_LABELS, STATUS_LABELS
from granskning.domain.timefmt import format_local, parse_local, to_local
from granskning.storage.model import FollowUpItem, FollowUpSource, Interview, Recommendation, Review


def _t(model: Any) -> Any:
    return model.__table__


@dataclass
class Thread:
    """The round's recommendations, the follow-up of each, and the reviews' dates."""

    recommendations: list[tuple[int, int | None, str, str]] = field(default_factory=list)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # source uid -> item
    by_id: dict[int, dict[str, Any]] = field(default_factory=dict)
    visits: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)
    handed_over: dict[int, date | None] = field(default_factory=dict)


def read_thread(s: Session, live: Any) -> Thread:
    """The round's thread of recommendations and dates (``live``: the reviews counted)."""
    rv, re, fu, iv = _t(Review), _t(Recommendation), _t(FollowUpItem), _t(Interview)
    thread = Thread()
    thread.recommendations = [
        (int(rid), number, str(uid), str(text))
        for rid, number, uid, text in s.execute(
            sa_select(re.c.review_id, re.c.number, re.c.uid, re.c.text)
            .join(rv, rv.c.id == re.c.review_id)
            .where(live)
            .order_by(re.c.review_id, re.c.number, re.c.id)
        ).all()
    ]
    for row in s.execute(
        sa_select(
            fu.c.id,
            fu.c.source,
            fu.c.source_uid,
            fu.c.status,
            fu.c.responsible,
            fu.c.deadline,
            fu.c.merged_into_id,
        )
        .join(rv, rv.c.id == fu.c.review_id)
        .where(live)
    ).all():
        item = dict(row._mapping)
        thread.by_id[int(item["id"])] = item
        if item["source"] == FollowUpSource.recommendation.value and item["source_uid"]:
            thread.items[str(item["source_uid"])] = item
    for rid, first, last in s.execute(
        sa_select(iv.c.review_id, func.min(iv.c.start), func.max(iv.c.start))
        .join(rv, rv.c.id == iv.c.review_id)
        .where(live, iv.c.state != InterviewState.cancelled.value)
        .group_by(iv.c.review_id)
    ).all():
        thread.visits[int(rid)] = (first, last)
    for rid, day in s.execute(sa_select(rv.c.id, rv.c.handed_over_on).where(live)).all():
        thread.handed_over[int(rid)] = day
    return thread


def _decided(thread: Thread, uid: str) -> dict[str, Any] | None:
    item = thread.items.get(uid)
    if item is None:
        return None
    into = item["merged_into_id"]
    return thread.by_id.get(int(into), item) if into is not None else item


def recommendations_of(thread: Thread, review_id: int) -> list[dict[str, Any]]:
    """A review's recommendations with their numbers and follow-up, as ``round report --json``."""
    out = []
    for n, (_rid, number, uid, text) in enumerate(
        (r for r in thread.recommendations if r[0] == review_id), start=1
    ):
        decided = _decided(thread, uid) or {}
        deadline = decided.get("deadline")
        out.append(
            {
                "number": number or n,
                "code": f"R{number or n}",
                "text": text,
                "status": decided.get("status"),
                "responsible": decided.get("responsible"),
                "deadline": deadline.isoformat() if isinstance(deadline, date) else deadline,
            }
        )
    return out


def timeline_of(thread: Thread, review_id: int, seminar: str | None) -> dict[str, Any]:
    """A review's dates: the visit (first and last interview), the handover, the seminar."""
    visit = thread.visits.get(review_id)
    handed = thread.handed_over.get(review_id)
    return {
        "visit_first": format_local(visit[0]) if visit else None,
        "visit_last": format_local(visit[1]) if visit else None,
        "handed_over": handed.isoformat() if handed else None,
        "seminar": seminar,
    }


def has_something(m: dict[str, Any]) -> bool:
    """Whether a municipality has anything to show in the compilation's tables."""
    f = m["findings"]
    return bool(
        m["review"] is not None
        and (m["interviews"] or f["strengths"] or f["development"] or m["recommendations"])
    )


def _status_words(status: str | None) -> tuple[str, str]:
    if not status:
        return _("no status yet"), WHITE
    s = FollowUpStatus(status)
    return f"{capitalised(_(STATUS_LABELS[s]))} ({_(COLOUR_LABELS[s])})", STATUS_FILLS[status]


def recommendation_words(recs: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """A municipality's recommendations written out for the document."""
    out = []
    for r in recs:
        label, fill = _status_words(r["status"])
        out.append(
            {
                "code": r["code"],
                "text": r["text"],
                "status": label,
                "fill": fill,
                "responsible": r["responsible"] or "–",
                "deadline": format_day(date.fromisoformat(r["deadline"]), lang)
                if r["deadline"]
                else "–",
            }
        )
    return out


def timeline_words(t: dict[str, Any], lang: str) -> dict[str, str]:
    """A municipality's dates written out in the house style."""
    visit = "–"
    if t["visit_first"]:
        first = to_local(parse_local(t["visit_first"])).date()
        last = to_local(parse_local(t["visit_last"])).date()
        visit = format_day(first, lang)
        if last != first:
            visit = f"{visit} – {format_day(last, lang)}"
    handed = format_day(date.fromisoformat(t["handed_over"]), lang) if t["handed_over"] else "–"
    seminar = format_day(to_local(parse_local(t["seminar"])).date(), lang) if t["seminar"] else "–"
    return {"visit": visit, "handed_over": handed, "seminar": seminar}


__all__ = [
    "Thread",
    "has_something",
    "read_thread",
    "recommendation_words",
    "recommendations_of",
    "timeline_of",
    "timeline_words",
]
