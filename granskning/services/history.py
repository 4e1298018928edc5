"""A municipality's history: every review it hosted and took part in, round by round.

The facts are read in one step (:func:`read_facts`: a fixed number of queries, whatever the
number of reviews); the figures are built from them by pure functions (:func:`figures`).
Per round: the reviews the municipality hosted, with their findings per block and each
recommendation beside its follow-up status and the next hosted review's findings in the
same block; the reviews it did as a reviewing member; and the rating questions' answers
per interviewee group, side by side across the rounds. Cancelled reviews are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session

from granskning.documents import history as history_document
from granskning.documents.docxrender import check_output_path
from granskning.documents.logo import SMALL_WIDTH_MM, cover_logo
from granskning.documents.style import DEFAULT_PARTNERSHIP, document_language
from granskning.domain import labels
from granskning.domain.access import Viewer
from granskning.domain.enums import FindingKind, FollowUpSource, InterviewState, ReviewState, Role
from granskning.domain.errors import NotFoundError
from granskning.domain.i18n import _, speaking
from granskning.domain.templates import Block, Group, Question, Template, from_pinned
from granskning.domain.timefmt import format_local, to_local
from granskning.domain.workflow import FROZEN_STATES
from granskning.services.registry import municipality_by_name
from granskning.storage.model import (
    Assignment,
    Finding,
    FollowUpItem,
    Interview,
    Municipality,
    Note,
    Recommendation,
    Review,
    ReviewingMunicipality,
    Round,
)
from granskning.storage.settings import PARTNERSHIP_NAME, read_setting
from granskning.storage.store import Store

# No mean over fewer answers than this: small groups must not be identifiable.
MIN_ANSWERS = 3
SCALE = (1, 2, 3, 4)


def _t(model: Any) -> Any:
    return model.__table__


def history(store: Store, name: str, viewer: Viewer | None = None) -> dict[str, Any]:
    """The history of the municipality called ``name``, as ``municipality history --json``
    prints it (names and labels in the current language).

    :param viewer: a web user (None: the command line, which sees everything); see
        :func:`facts_for`.
    """
    with store.read() as s:
        facts = facts_for(s, name, viewer)
    return figures(facts)


def build_docx(
    store: Store, name: str, out: Path, lang: str | None = None, viewer: Viewer | None = None
) -> dict[str, Any]:
    """Write the history as a Word document in ``lang`` (default: the messages' language);
    returns the figures it shows."""
    check_output_path(out)
    language = document_language(lang)
    with store.read() as s:
        facts = facts_for(s, name, viewer)
        partnership = read_setting(s, PARTNERSHIP_NAME) or DEFAULT_PARTNERSHIP
        logo = cover_logo(s, width_mm=SMALL_WIDTH_MM)
    with speaking(language):
        data = figures(facts)
    history_document.write_history(data, out, language, store.now(), partnership, logo)
    return data


# -- the query step ----------------------------------------------------------------------------


@dataclass
class HistoryFacts:
    """The municipality's reviews and what they hold, read in a few queries."""

    municipality: tuple[int, str]
    hosted: list[dict[str, Any]]  # the reviews it hosted, oldest round first
    reviewed: list[dict[str, Any]]  # the reviews it did as a reviewing member
    templates: dict[int, Template]  # review id -> its pinned template
    findings: list[tuple[int, str, str, str]]  # review, block, kind, text
    recommendations: list[
        tuple[int, str, str | None, str, int | None]
    ]  # review, uid, block, text, number
    items: list[dict[str, Any]]  # the hosted reviews' checklist items
    ratings: list[tuple[int, str, str, int]]  # review, group, question, rating


def facts_for(s: Session, name: str, viewer: Viewer | None) -> HistoryFacts:
    """The facts ``viewer`` may see: a coordinator (or the command line) everything; one of
    the municipality's own host contacts its handed-over reviews only (no drafts, and not
    the reviews it did of others); anyone else nothing, as if there were no such
    municipality (NotFoundError)."""
    if viewer is None or viewer.coordinator:
        return read_facts(s, name)
    mu = municipality_by_name(s, name)
    if not _host_contact_of(s, viewer.person_id, int(mu.id or 0)):
        raise NotFoundError(_("municipality {name} does not exist").format(name=name))
    return read_facts(s, name, handed_over_only=True)


def _host_contact_of(s: Session, person_id: int, municipality_id: int) -> bool:
    """Whether the person is the host contact of a review of the municipality."""
    rv, asg = _t(Review), _t(Assignment)
    found = s.execute(
        sa_select(asg.c.review_id)
        .join(rv, rv.c.id == asg.c.review_id)
        .where(
            asg.c.person_id == person_id,
            asg.c.role == Role.host_contact.value,
            rv.c.host_id == municipality_id,
            rv.c.state != ReviewState.cancelled.value,
        )
        .limit(1)
    ).first()
    return found is not None


def read_facts(s: Session, name: str, handed_over_only: bool = False) -> HistoryFacts:
    """Everything the history shows about the municipality called ``name`` (NotFoundError
    if there is none).

    :param handed_over_only: only the reviews of it that are handed over, and none of the
        reviews it did.
    """
    mu = municipality_by_name(s, name)
    mid = int(mu.id or 0)
    rv = _t(Review)
    live = rv.c.state != ReviewState.cancelled.value
    if handed_over_only:
        live = rv.c.state.in_([st.value for st in FROZEN_STATES])
    hosted = _reviews(s, live & (rv.c.host_id == mid))
    ids = [r["id"] for r in hosted]
    reviewed = [] if handed_over_only else _reviews(s, live & (rv.c.id.in_(_reviewed_ids(mid))))
    return HistoryFacts(
        municipality=(mid, mu.name),
        hosted=hosted,
        reviewed=reviewed,
        templates=_templates(s, ids),
        findings=_findings(s, ids),
        recommendations=_recommendations(s, ids),
        items=_items(s, ids),
        ratings=_ratings(s, ids),
    )


def _reviewed_ids(mid: int) -> Any:
    rm = _t(ReviewingMunicipality)
    return sa_select(rm.c.review_id).where(rm.c.municipality_id == mid).scalar_subquery()


def _year(row: Any) -> int:
    """A review's year: its round's, else the handover's, else when it was created."""
    if row.year is not None:
        return int(row.year)
    when: date | datetime = row.handed_over_on or to_local(row.created_at)
    return when.year


def _reviews(s: Session, where: Any) -> list[dict[str, Any]]:
    rv, mu, ro, rm = _t(Review), _t(Municipality), _t(Round), _t(ReviewingMunicipality)
    rows = s.execute(
        sa_select(
            rv.c.id,
            rv.c.round_id,
            rv.c.state,
            rv.c.handed_over_on,
            rv.c.seminar_start,
            rv.c.created_at,
            ro.c.year,
            ro.c.theme,
            mu.c.name,
        )
        .join(mu, mu.c.id == rv.c.host_id)
        .outerjoin(ro, ro.c.id == rv.c.round_id)
        .where(where)
    ).all()
    reviewing: dict[int, list[str]] = defaultdict(list)
    for rid, name in s.execute(
        sa_select(rm.c.review_id, mu.c.name)
        .join(mu, mu.c.id == rm.c.municipality_id)
        .where(rm.c.review_id.in_([r.id for r in rows]))
        .order_by(mu.c.key)
    ).all():
        reviewing[int(rid)].append(str(name))
    out = [
        {
            "id": int(r.id),
            "round": r.round_id,
            "year": _year(r),
            "theme": r.theme,
            "host": str(r.name),
            "state": str(r.state),
            "handed_over": r.handed_over_on.isoformat() if r.handed_over_on else None,
            "seminar": format_local(r.seminar_start),
            "reviewing": reviewing.get(int(r.id), []),
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (r["year"], r["round"] or 0, r["id"]))


def _templates(s: Session, ids: list[int]) -> dict[int, Template]:
    rv = _t(Review)
    by_sha: dict[str, Template] = {}
    out = {}
    for rid, sha in s.execute(sa_select(rv.c.id, rv.c.template_sha256).where(rv.c.id.in_(ids))):
        if sha not in by_sha:  # one parse per distinct pinned template
            content = s.execute(sa_select(rv.c.template_content).where(rv.c.id == rid)).scalar()
            by_sha[sha] = from_pinned(str(content))
        out[int(rid)] = by_sha[sha]
    return out


def _findings(s: Session, ids: list[int]) -> list[tuple[int, str, str, str]]:
    fi = _t(Finding)
    return [
        (int(rid), str(block), str(kind), str(text))
        for rid, block, kind, text in s.execute(
            sa_select(fi.c.review_id, fi.c.block_id, fi.c.kind, fi.c.text)
            .where(fi.c.review_id.in_(ids))
            .order_by(fi.c.id)
        ).all()
    ]


def _recommendations(
    s: Session, ids: list[int]
) -> list[tuple[int, str, str | None, str, int | None]]:
    re = _t(Recommendation)
    return [
        (int(rid), str(uid), block, str(text), number)
        for rid, uid, block, text, number in s.execute(
            # each with its number (R1, R2, ...), as in the report and the checklist
            sa_select(re.c.review_id, re.c.uid, re.c.block_id, re.c.text, re.c.number)
            .where(re.c.review_id.in_(ids))
            .order_by(re.c.id)
        ).all()
    ]


def _items(s: Session, ids: list[int]) -> list[dict[str, Any]]:
    fu = _t(FollowUpItem)
    return [
        dict(row._mapping)
        for row in s.execute(
            sa_select(
                fu.c.id,
                fu.c.review_id,
                fu.c.source,
                fu.c.source_uid,
                fu.c.status,
                fu.c.comment,
                fu.c.responsible,
                fu.c.deadline,
                fu.c.merged_into_id,
            )
            .where(fu.c.review_id.in_(ids))
            .order_by(fu.c.id)
        ).all()
    ]


def _ratings(s: Session, ids: list[int]) -> list[tuple[int, str, str, int]]:
    iv, no = _t(Interview), _t(Note)
    return [
        (int(rid), str(group), str(qid), int(rating))
        for rid, group, qid, rating in s.execute(
            sa_select(iv.c.review_id, iv.c.group_id, no.c.question_id, no.c.rating)
            .join(iv, iv.c.id == no.c.interview_id)
            .where(
                iv.c.review_id.in_(ids),
                iv.c.state != InterviewState.cancelled.value,
                no.c.rating.is_not(None),
                no.c.question_id.is_not(None),
                no.c.removed_at.is_(None),
            )
        ).all()
    ]


# -- the figures ---------------------------------------------------------------------------------


def _round_key(review: dict[str, Any]) -> tuple[int, int]:
    return review["year"], review["round"] or 0


@dataclass
class _Index:
    """The facts arranged for the builders: by review, by block, by round."""

    facts: HistoryFacts
    findings: dict[int, dict[str, list[tuple[str, str]]]] = field(init=False)
    items: dict[str, dict[str, Any]] = field(init=False)  # by the recommendation's uid
    item_by_id: dict[int, dict[str, Any]] = field(init=False)
    next_review: dict[int, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.findings = defaultdict(lambda: defaultdict(list))
        for rid, block, kind, text in self.facts.findings:
            self.findings[rid][block].append((kind, text))
        self.item_by_id = {int(i["id"]): i for i in self.facts.items}
        self.items = {
            str(i["source_uid"]): i
            for i in self.facts.items
            if i["source"] == FollowUpSource.recommendation.value and i["source_uid"]
        }
        hosted = self.facts.hosted
        # the next review of the same host: the first one of a later round
        self.next_review = {}
        for r in hosted:
            later = [n for n in hosted if _round_key(n) > _round_key(r)]
            if later:
                self.next_review[r["id"]] = later[0]

    def block_findings(self, review_id: int, block_id: str) -> dict[str, Any]:
        """A block's strengths and development areas in a review, and whether it was marked
        "no findings"."""
        rows = self.findings.get(review_id, {}).get(block_id, [])
        return {
            "strengths": [t for k, t in rows if k == FindingKind.strength.value],
            "development": [t for k, t in rows if k == FindingKind.development.value],
            "no_findings": any(k == FindingKind.none.value for k, _t in rows),
        }

    def block_title(self, review_id: int, block_id: str | None) -> str | None:
        if block_id is None:
            return None
        template = self.facts.templates.get(review_id)
        blocks = {b.id: b.title for b in template.blocks} if template else {}
        return blocks.get(block_id, block_id)


def _follow_up(index: _Index, uid: str) -> dict[str, Any] | None:
    """The checklist item made from a recommendation and its recorded status (an item
    merged into another has that one's status)."""
    item = index.items.get(uid)
    if item is None:
        return None
    into = item["merged_into_id"]
    decided = index.item_by_id.get(int(into), item) if into is not None else item
    return {
        "item": int(item["id"]),
        "merged_into": into,
        "status": decided["status"],
        "status_label": labels.status(decided["status"]) if decided["status"] else None,
        "comment": decided["comment"],
        "responsible": decided["responsible"],
        "deadline": decided["deadline"].isoformat() if decided["deadline"] else None,
    }


def _next(index: _Index, review_id: int, block_id: str | None) -> dict[str, Any] | None:
    """What the next review of the same host found in the recommendation's block."""
    later = index.next_review.get(review_id)
    if later is None:
        return None
    found = (
        index.block_findings(later["id"], block_id)
        if block_id
        else {"strengths": [], "development": [], "no_findings": False}
    )
    return {"review": later["id"], "year": later["year"], "round": later["round"], **found}


def _recommendation_rows(index: _Index, review_id: int) -> list[dict[str, Any]]:
    recs = [r for r in index.facts.recommendations if r[0] == review_id]
    return [
        {
            "number": number or n,
            "text": text,
            "block": block,
            "block_title": index.block_title(review_id, block),
            "follow_up": _follow_up(index, uid),
            "next": _next(index, review_id, block),
        }
        for n, (_rid, uid, block, text, number) in enumerate(recs, start=1)
    ]


def _findings_rows(index: _Index, review_id: int) -> list[dict[str, Any]]:
    template = index.facts.templates.get(review_id)
    known = [b.id for b in template.blocks] if template else []
    extra = sorted(set(index.findings.get(review_id, {})) - set(known))
    return [
        {"block": b, "title": index.block_title(review_id, b), **index.block_findings(review_id, b)}
        for b in [*known, *extra]
    ]


def _hosted(index: _Index, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "review": r["id"],
        "state": r["state"],
        "state_label": labels.state(r["state"]),
        "reviewing": r["reviewing"],
        "handed_over": r["handed_over"],
        "seminar": r["seminar"],
        "findings": _findings_rows(index, r["id"]),
        "recommendations": _recommendation_rows(index, r["id"]),
    }


def _reviewed(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "review": r["id"],
        "host": r["host"],
        "state": r["state"],
        "state_label": labels.state(r["state"]),
        "reviewing": r["reviewing"],
        "handed_over": r["handed_over"],
    }


def _rounds(index: _Index) -> list[dict[str, Any]]:
    facts = index.facts
    keys: dict[tuple[int, int], dict[str, Any]] = {}
    for r in [*facts.hosted, *facts.reviewed]:
        keys.setdefault(
            _round_key(r),
            {"round": r["round"], "year": r["year"], "theme": r["theme"]},
        )
    return [
        {
            **keys[k],
            "hosted": [_hosted(index, r) for r in facts.hosted if _round_key(r) == k],
            "reviewed": [_reviewed(r) for r in facts.reviewed if _round_key(r) == k],
        }
        for k in sorted(keys)
    ]


def _stats(answers: list[int]) -> dict[str, Any]:
    """How many answered and their mean; no mean over fewer than :data:`MIN_ANSWERS`."""
    n = len(answers)
    return {"n": n, "mean": round(sum(answers) / n, 2) if n >= MIN_ANSWERS else None}


def _rating_catalog(
    facts: HistoryFacts,
) -> tuple[dict[str, tuple[Block, Question]], dict[str, Group]]:
    """The rating questions and the groups of the hosted reviews' templates, in order."""
    questions: dict[str, tuple[Block, Question]] = {}
    groups: dict[str, Group] = {}
    for r in facts.hosted:
        template = facts.templates[r["id"]]
        for g in template.groups:
            groups.setdefault(g.id, g)
        for b in template.blocks:
            for q in b.questions:
                if q.kind == "rating":
                    questions.setdefault(q.id, (b, q))
    return questions, groups


def _rating_questions(index: _Index) -> list[dict[str, Any]]:
    """Each rating question of the hosted reviews' templates, per group, per round."""
    facts = index.facts
    questions, groups = _rating_catalog(facts)
    answers: dict[tuple[str, str, tuple[int, int]], list[int]] = defaultdict(list)
    key_of = {r["id"]: _round_key(r) for r in facts.hosted}
    for rid, group, qid, rating in facts.ratings:
        if rating in SCALE:
            answers[qid, group, key_of[rid]].append(rating)
    columns = sorted({(_round_key(r), r["round"]) for r in facts.hosted})
    answered = {(q, g) for q, g, _k in answers}

    def cells(qid: str, gid: str) -> list[dict[str, Any]]:
        return [
            {"round": rnd, "year": key[0], **_stats(answers.get((qid, gid, key), []))}
            for key, rnd in columns
        ]

    return [
        {
            "question": qid,
            "text": q.text,
            "block": b.id,
            "block_title": b.title,
            "groups": [
                {"group": g.id, "name": g.name(), "rounds": cells(qid, g.id)}
                for g in groups.values()
                if g.id in q.groups or (qid, g.id) in answered
            ],
        }
        for qid, (b, q) in questions.items()
    ]


def figures(facts: HistoryFacts) -> dict[str, Any]:
    """The history from its facts (names and labels in the current language)."""
    index = _Index(facts)
    mid, name = facts.municipality
    return {
        "id": mid,
        "municipality": name,
        "min_answers": MIN_ANSWERS,
        "rounds": _rounds(index),
        "ratings": _rating_questions(index),
    }


__all__ = [
    "MIN_ANSWERS",
    "HistoryFacts",
    "build_docx",
    "facts_for",
    "figures",
    "history",
    "read_facts",
]
