"""The round's compilation (sammanställning): figures across its reviews, and the Word report.

Per municipality and in total: interviews, participants (interviewees) and hours per
interviewee group; findings per block; rating questions per group (a table and a chart);
follow-up status. Cancelled reviews and cancelled interviews do not count; hours are the
interviews' booked minutes.

Everything is read with a handful of queries over the whole round, so a round of all 290
Swedish municipalities compiles in seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select as sa_select
from sqlmodel import Session

from granskning.documents import docxrender
from granskning.documents.compilation_thread import (
    Thread,
    has_something,
    read_thread,
    recommendation_words,
    recommendations_of,
    timeline_of,
    timeline_words,
)
from granskning.documents.docxrender import Image, Properties, check_output_path
from granskning.documents.labels import COMPILATION_LABELS
from granskning.documents.logo import SMALL_WIDTH_MM, alt_of, cover_logo
from granskning.documents.schemas import COMPILATION, COMPILATION_SCHEMA
from granskning.documents.style import (
    DEFAULT_PARTNERSHIP,
    LANGUAGE_TAGS,
    MIN_ANSWERS,
    NO_STATUS_FILL,
    STATUS_FILLS,
    WHITE,
    ZEBRA,
    figure,
    format_moment,
    is_children_group,
    join,
    translated,
)
from granskning.domain import templates as template_catalog
from granskning.domain.errors import NotFoundError
from granskning.domain.i18n import _, get_language, speaking
from granskning.domain.labels import STATE_LABELS
from granskning.domain.templates import Block, Group, Question, Template, from_pinned
from granskning.domain.timefmt import as_utc, format_local, parse_local
from granskning.resources import reports_dir
from granskning.storage.model import (
    Finding,
    FindingKind,
    FollowUpItem,
    FollowUpStatus,
    Interview,
    Interviewee,
    InterviewState,
    Municipality,
    Note,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Round,
    RoundMember,
    SessionEvent,
    SessionEventKind,
)
from granskning.storage.settings import PARTNERSHIP_NAME, read_setting
from granskning.storage.store import Store

DEFAULT_SCALE = [1, 2, 3, 4]
STATUS_KEYS = [s.value for s in FollowUpStatus] + ["none"]


def _t(model: Any) -> Any:
    return model.__table__


class _Catalog:
    """The groups, blocks and rating questions of every template pinned in the round."""

    def __init__(self, templates: list[Template]) -> None:
        self.groups: dict[str, Group] = {}
        self.blocks: dict[str, Block] = {}
        self.ratings: dict[str, tuple[Block, Question]] = {}
        for t in templates:
            for g in t.groups:
                self.groups.setdefault(g.id, g)
            for b in t.blocks:
                self.blocks.setdefault(b.id, b)
                for q in b.questions:
                    if q.kind == "rating":
                        self.ratings.setdefault(q.id, (b, q))


def report_data(store: Store, round_id: int) -> dict[str, Any]:
    """Every figure of the compilation, as ``round report --json`` prints it; names (of
    groups, states) in the round's language, like the document."""
    with store.read() as s:
        facts = read_facts(s, round_id)
    with speaking(facts.round.language):
        return figures(facts)


# -- the query step ----------------------------------------------------------------------------


@dataclass
class RoundFacts:
    """The round's rows, read in a few whole-round queries (cancelled reviews and
    interviews left out)."""

    round: Round
    members: list[tuple[int, str]]  # (municipality id, name) in the round's order
    reviews: list[dict[str, Any]]
    templates: list[Template]
    # review, group, minutes booked, participants, minutes held (a session's start to its end)
    interviews: list[tuple[int, str, int, int, int]]
    findings: list[tuple[int, str, str, str]]  # review, block, kind, text
    ratings: list[tuple[int, str, str, int]]  # review, group, question, rating
    items: list[tuple[int, str | None]]  # review, follow-up status
    thread: Thread = field(default_factory=Thread)  # recommendations and dates


def find_round(session: Session, round_id: int) -> Round:
    """The round with ``round_id``, or a NotFoundError."""
    row = session.get(Round, round_id)
    if row is None:
        raise NotFoundError(_("round {id} does not exist").format(id=round_id))
    return row


def read_facts(s: Session, round_id: int) -> RoundFacts:
    """The round's facts for its compilation."""
    the_round = find_round(s, round_id)
    live = (_t(Review).c.round_id == round_id) & (_t(Review).c.state != ReviewState.cancelled.value)
    return RoundFacts(
        round=the_round,
        members=_members(s, round_id),
        reviews=_reviews(s, live),
        templates=_templates(s, live, the_round),
        interviews=_interviews(s, live),
        findings=_findings(s, live),
        ratings=_ratings(s, live),
        items=_items(s, live),
        thread=read_thread(s, live),
    )


def _members(s: Session, round_id: int) -> list[tuple[int, str]]:
    mu, rm = _t(Municipality), _t(RoundMember)
    return [
        (int(i), str(n))
        for i, n in s.execute(
            sa_select(mu.c.id, mu.c.name)
            .join(rm, rm.c.municipality_id == mu.c.id)
            .where(rm.c.round_id == round_id)
            .order_by(mu.c.key)
        ).all()
    ]


def _reviews(s: Session, live: Any) -> list[dict[str, Any]]:
    rv, mu, rm = _t(Review), _t(Municipality), _t(ReviewingMunicipality)
    rows = s.execute(
        sa_select(rv.c.id, rv.c.host_id, rv.c.state, rv.c.seminar_start, mu.c.name)
        .join(mu, mu.c.id == rv.c.host_id)
        .where(live)
        .order_by(mu.c.key, rv.c.id)
    ).all()
    reviewing: dict[int, list[str]] = defaultdict(list)
    for rid, name in s.execute(
        sa_select(rm.c.review_id, mu.c.name)
        .join(mu, mu.c.id == rm.c.municipality_id)
        .join(rv, rv.c.id == rm.c.review_id)
        .where(live)
        .order_by(mu.c.key)
    ).all():
        reviewing[rid].append(name)
    return [
        {
            "id": int(r.id),
            "host_id": int(r.host_id),
            "host": str(r.name),
            "state": str(r.state),
            "seminar": format_local(r.seminar_start),
            "reviewing": reviewing.get(r.id, []),
        }
        for r in rows
    ]


def _templates(s: Session, live: Any, the_round: Round) -> list[Template]:
    rv = _t(Review)
    # one parse per distinct pinned template
    shas = s.execute(sa_select(rv.c.template_sha256).where(live).distinct()).scalars().all()
    templates = [
        from_pinned(
            s.execute(
                sa_select(rv.c.template_content).where(live, rv.c.template_sha256 == sha).limit(1)
            ).scalar_one()
        )
        for sha in sorted(shas)
    ]
    if not templates:
        try:
            templates.append(template_catalog.find(the_round.template_name).template)
        except Exception:  # noqa: BLE001  (a round whose template is gone still compiles)
            pass
    return templates


def _held_minutes(s: Session, live: Any) -> dict[int, int]:
    """Each held interview's minutes from its session's start to its end (as the report
    shows them; a session held on paper too)."""
    rv, iv, se = _t(Review), _t(Interview), _t(SessionEvent)
    start = SessionEventKind.start.value
    end = SessionEventKind.end.value
    rows = s.execute(
        sa_select(
            se.c.interview_id,
            func.min(case((se.c.kind == start, se.c.at))),
            func.max(case((se.c.kind == end, se.c.at))),
        )
        .join(iv, iv.c.id == se.c.interview_id)
        .join(rv, rv.c.id == iv.c.review_id)
        .where(live, se.c.kind.in_((start, end)))
        .group_by(se.c.interview_id)
    ).all()
    return {
        int(iid): max(0, round((as_utc(last) - as_utc(first)).total_seconds() / 60))
        for iid, first, last in rows
        if first is not None and last is not None
    }


def _interviews(s: Session, live: Any) -> list[tuple[int, str, int, int, int]]:
    rv, iv, ie = _t(Review), _t(Interview), _t(Interviewee)
    held = _held_minutes(s, live)
    counts = (
        # people heard, not rows: a group (a youth council of six) counts its head count
        sa_select(ie.c.interview_id, func.sum(func.coalesce(ie.c.head_count, 1)).label("n"))
        .group_by(ie.c.interview_id)
        .subquery()
    )
    return [
        (int(rid), str(group), int(minutes), int(n or 0), held.get(int(iid), 0))
        for iid, rid, group, minutes, n in s.execute(
            sa_select(iv.c.id, iv.c.review_id, iv.c.group_id, iv.c.minutes, counts.c.n)
            .join(rv, rv.c.id == iv.c.review_id)
            .outerjoin(counts, counts.c.interview_id == iv.c.id)
            .where(live, iv.c.state != InterviewState.cancelled.value)
        ).all()
    ]


def _findings(s: Session, live: Any) -> list[tuple[int, str, str, str]]:
    rv, fi = _t(Review), _t(Finding)
    return [
        (int(rid), str(block), str(kind), str(text))
        for rid, block, kind, text in s.execute(
            sa_select(fi.c.review_id, fi.c.block_id, fi.c.kind, fi.c.text)
            .join(rv, rv.c.id == fi.c.review_id)
            .where(live)
            .order_by(fi.c.id)
        ).all()
    ]


def _ratings(s: Session, live: Any) -> list[tuple[int, str, str, int]]:
    rv, iv, no = _t(Review), _t(Interview), _t(Note)
    return [
        (int(rid), str(group), str(qid), int(rating))
        for rid, group, qid, rating in s.execute(
            sa_select(iv.c.review_id, iv.c.group_id, no.c.question_id, no.c.rating)
            .join(iv, iv.c.id == no.c.interview_id)
            .join(rv, rv.c.id == iv.c.review_id)
            .where(
                live,
                iv.c.state != InterviewState.cancelled.value,
                no.c.rating.is_not(None),
                no.c.question_id.is_not(None),
                no.c.removed_at.is_(None),
            )
        ).all()
    ]


def _items(s: Session, live: Any) -> list[tuple[int, str | None]]:
    rv, fu = _t(Review), _t(FollowUpItem)
    return [
        (int(rid), status)
        for rid, status in s.execute(
            sa_select(fu.c.review_id, fu.c.status)
            .join(rv, rv.c.id == fu.c.review_id)
            .where(live, fu.c.merged_into_id.is_(None))
        ).all()
    ]


# -- the figures ---------------------------------------------------------------------------------

Cells = dict[str, list[int]]  # per group: [interviews, participants, minutes booked, held]


@dataclass
class _Tally:
    """The facts counted per review, shared by the figures' builders."""

    facts: RoundFacts
    catalog: _Catalog = field(init=False)
    cells: dict[int, Cells] = field(init=False)
    follow: dict[int, Counter[str]] = field(init=False)
    kinds: dict[int, Counter[str]] = field(init=False)
    group_names: list[tuple[str, str]] = field(init=False)  # (id, name) in the tables' order

    def __post_init__(self) -> None:
        self.catalog = _Catalog(self.facts.templates)
        self.cells = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
        for rid, group, minutes, participants, held in self.facts.interviews:
            cell = self.cells[rid][group]
            cell[0] += 1
            cell[1] += participants
            cell[2] += minutes
            cell[3] += held
        self.follow = defaultdict(Counter)
        for rid, status in self.facts.items:
            self.follow[rid][status or "none"] += 1
        self.kinds = defaultdict(Counter)
        for rid, _block, kind, _text in self.facts.findings:
            self.kinds[rid][kind] += 1
        known = [(g.id, g.name()) for g in self.catalog.groups.values()]
        extra = sorted({g for r in self.cells.values() for g in r} - set(self.catalog.groups))
        self.group_names = [*known, *((g, g) for g in extra)]

    def group_rows(self, cells: Cells) -> list[dict[str, Any]]:
        """One row per interviewee group: the templates' groups, then any other."""
        return [
            _group_row(gid, name, cells.get(gid, [0, 0, 0, 0])) for gid, name in self.group_names
        ]

    def hosted(self) -> list[tuple[str, dict[str, Any] | None]]:
        """Each member municipality with its review (if any), then the reviews of hosts that
        are not (or no longer) members: they still belong to the round."""
        review_of_host = {r["host_id"]: r for r in self.facts.reviews}
        member_ids = {m_id for m_id, _n in self.facts.members}
        return [(name, review_of_host.get(m_id)) for m_id, name in self.facts.members] + [
            (r["host"], r) for r in self.facts.reviews if r["host_id"] not in member_ids
        ]


def _municipality(tally: _Tally, host: str, r: dict[str, Any] | None) -> dict[str, Any]:
    cells = tally.cells.get(r["id"], {}) if r else {}
    kinds = tally.kinds[r["id"]] if r else Counter[str]()
    return {
        "host": host,
        "review": r["id"] if r else None,
        "state": r["state"] if r else None,
        "reviewing": r["reviewing"] if r else [],
        "seminar": r["seminar"] if r else None,
        **_sums(cells),
        "groups": tally.group_rows(cells),
        "findings": {
            "strengths": kinds[FindingKind.strength.value],
            "development": kinds[FindingKind.development.value],
        },
        "follow_up": _follow_dict(tally.follow.get(r["id"], Counter()) if r else Counter()),
        "recommendations": recommendations_of(tally.facts.thread, r["id"]) if r else [],
        "timeline": timeline_of(tally.facts.thread, r["id"], r["seminar"])
        if r
        else timeline_of(tally.facts.thread, -1, None),
    }


def _block_findings(tally: _Tally) -> list[dict[str, Any]]:
    host_of_review = {r["id"]: r["host"] for r in tally.facts.reviews}
    order = {name: i for i, (_id, name) in enumerate(tally.facts.members)}
    by_block: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for rid, block, kind, text in tally.facts.findings:
        host = host_of_review[rid]
        entry = by_block[block].setdefault(
            host, {"host": host, "strengths": [], "development": [], "none": False}
        )
        if kind == FindingKind.none.value:
            entry["none"] = True
        else:
            entry["strengths" if kind == FindingKind.strength.value else "development"].append(text)
    blocks = tally.catalog.blocks
    out = []
    for block_id in [*blocks, *sorted(set(by_block) - set(blocks))]:
        entries = sorted(
            by_block.get(block_id, {}).values(), key=lambda e: order.get(e["host"], len(order))
        )
        known = blocks.get(block_id)
        out.append(
            {
                "block": block_id,
                "title": known.title if known else block_id,
                "strengths": sum(len(e["strengths"]) for e in entries),
                "development": sum(len(e["development"]) for e in entries),
                "no_findings": sum(1 for e in entries if e["none"]),
                "municipalities": entries,
            }
        )
    return out


def _rating_questions(tally: _Tally) -> list[dict[str, Any]]:
    answers: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for _rid, group, qid, rating in tally.facts.ratings:
        answers[qid][group][rating] += 1
    return [
        _rating_question(tally, block, q, answers.get(qid, {}))
        for qid, (block, q) in tally.catalog.ratings.items()
    ]


def _rating_question(
    tally: _Tally, block: Block, q: Question, by_group: dict[str, Counter[int]]
) -> dict[str, Any]:
    scale = [s.value for s in q.scale] if q.scale else DEFAULT_SCALE
    labels = {s.value: s.label for s in q.scale} if q.scale else {}
    rows = []
    everyone: Counter[int] = Counter()
    for g in tally.catalog.groups.values():
        if g.id in q.groups or g.id in by_group:
            counts = by_group.get(g.id, Counter())
            everyone.update(counts)
            rows.append({"group": g.id, "name": g.name(), **_rating_stats(counts, scale)})
    return {
        "question": q.id,
        "text": q.text,
        "block": block.id,
        "block_title": block.title,
        "scale": [{"value": v, "label": labels.get(v, str(v))} for v in scale],
        "groups": rows,
        "total": _rating_stats(everyone, scale),
    }


def _totals(
    tally: _Tally, shown: list[dict[str, Any]], findings: list[dict[str, Any]]
) -> dict[str, Any]:
    cells: Cells = defaultdict(lambda: [0, 0, 0, 0])
    follow: Counter[str] = Counter()
    for rid in (m["review"] for m in shown if m["review"] is not None):
        for gid, c in tally.cells.get(rid, {}).items():
            cells[gid] = [a + b for a, b in zip(cells[gid], c, strict=True)]
        follow.update(tally.follow.get(rid, Counter()))
    return {
        **_sums(cells),
        "groups": tally.group_rows(cells),
        "findings": {
            "strengths": sum(f["strengths"] for f in findings),
            "development": sum(f["development"] for f in findings),
        },
        "follow_up": _follow_dict(follow),
    }


def figures(facts: RoundFacts) -> dict[str, Any]:
    """Every figure of the compilation, from the round's facts (names in the current language)."""
    tally = _Tally(facts)
    municipalities = [_municipality(tally, host, r) for host, r in tally.hosted()]
    findings = _block_findings(tally)
    return {
        "id": facts.round.id,
        "year": facts.round.year,
        "theme": facts.round.theme,
        "template": facts.round.template_name,
        "template_title": _template_title(facts),
        "members": len(facts.members),
        "reviews": len(facts.reviews),
        "totals": _totals(tally, municipalities, findings),
        "municipalities": municipalities,
        # members with nothing to show yet: left out of the document's tables, named once
        "not_reviewed": [m["host"] for m in municipalities if not has_something(m)],
        "findings": findings,
        "ratings": _rating_questions(tally),
    }


def _template_title(facts: RoundFacts) -> str:
    """The round's question template by its title (its name when it cannot be read)."""
    for template in facts.templates:
        if template.id == facts.round.template_name:
            return template.title
    return facts.templates[0].title if facts.templates else facts.round.template_name


def _group_row(gid: str, name: str, c: list[int]) -> dict[str, Any]:
    return {
        "group": gid,
        "name": name,
        "interviews": c[0],
        "participants": c[1],
        "hours": round(c[2] / 60, 2),
        "held_hours": round(c[3] / 60, 2),
    }


def _sums(cells: Cells) -> dict[str, Any]:
    return {
        "interviews": sum(c[0] for c in cells.values()),
        "participants": sum(c[1] for c in cells.values()),
        "children": sum(c[1] for gid, c in cells.items() if is_children_group(gid)),
        "hours": round(sum(c[2] for c in cells.values()) / 60, 2),
        "held_hours": round(sum(c[3] for c in cells.values()) / 60, 2),
    }


def _follow_dict(counts: Counter[str]) -> dict[str, int]:
    out = {k: counts.get(k, 0) for k in STATUS_KEYS}
    out["total"] = sum(out.values())
    return out


def _rating_stats(counts: Counter[int], scale: list[int]) -> dict[str, Any]:
    n = sum(counts.get(v, 0) for v in scale)
    mean = sum(v * counts.get(v, 0) for v in scale) / n if n else None
    return {
        "n": n,
        "mean": round(mean, 2) if mean is not None else None,
        "counts": [counts.get(v, 0) for v in scale],
    }


# -- the Word document -------------------------------------------------------------------------


def compilation_template() -> Path:
    """The shipped Word template of the round compilation."""
    return reports_dir() / f"{COMPILATION}.docx"


def _state_label(state: str | None) -> str:
    if state is None:
        return _("not planned")
    return _(STATE_LABELS[ReviewState(state)])


def _pad(values: list[str], width: int = 4) -> list[str]:
    return (values + [""] * width)[:width]


class _Words:
    """The compilation's figures written out in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def num(self, value: float | None, decimals: int = 1) -> str:
        return figure(value, self.lang, decimals)

    def share(self, part: int, whole: int) -> str:
        # a share of checklist items (not of people's answers: MIN_ANSWERS is not for these)
        return self.num(100 * part / whole, 0) + " %" if whole else "–"

    def group_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "name": g["name"],
                "interviews": self.num(g["interviews"]),
                "participants": self.num(g["participants"]),
                "hours": self.num(g["hours"]),
                "held_hours": self.num(g["held_hours"]),
            }
            for g in rows
        ]

    def follow_up(self, f: dict[str, int]) -> dict[str, Any]:
        """A follow-up tally: the counts, their cells' fills, the share done."""
        return {
            "follow_up": {k: self.num(f[k]) for k in [*STATUS_KEYS, "total"]},
            "fill": {k: (_fill(k) if f[k] else WHITE) for k in STATUS_KEYS},
            "done_share": self.share(f["done"], f["total"]),
        }

    def tally(self, stats: dict[str, Any]) -> dict[str, Any]:
        few = stats["n"] < MIN_ANSWERS
        return {
            "n": self.num(stats["n"]),
            "mean": "–" if few else self.num(stats["mean"]),
            "few": few and stats["n"] > 0,
            "counts": _pad([self.num(c) for c in stats["counts"]]),
        }


def _fill(status: str) -> str:
    return STATUS_FILLS.get(status, NO_STATUS_FILL)


def _municipality_words(w: _Words, index: int, m: dict[str, Any]) -> dict[str, Any]:
    groups = [g for g in w.group_rows(m["groups"]) if g["interviews"] != "0"]
    return {
        "host": m["host"],
        "review": m["review"] or "–",
        "state": _state_label(m["state"]),
        "reviewing": ", ".join(m["reviewing"]) or "–",
        "seminar": format_moment(parse_local(m["seminar"]), w.lang) if m["seminar"] else "–",
        "interviews": w.num(m["interviews"]),
        "participants": w.num(m["participants"]),
        "children": w.num(m["children"]),
        "hours": w.num(m["hours"]),
        "held_hours": w.num(m["held_hours"]),
        "groups": groups,
        # the per-group table needs a row even where nothing was held
        "group_rows": groups
        or [
            {
                "name": "–",
                "interviews": "0",
                "participants": "0",
                "hours": w.num(0.0),
                "held_hours": w.num(0.0),
            }
        ],
        "zebra": ZEBRA[index % 2],
        "strengths": w.num(m["findings"]["strengths"]),
        "development": w.num(m["findings"]["development"]),
        **w.follow_up(m["follow_up"]),
        "recommendations": recommendation_words(m["recommendations"], w.lang),
        "timeline": timeline_words(m["timeline"], w.lang),
    }


def _findings_words(w: _Words, b: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": b["title"],
        "strengths": w.num(b["strengths"]),
        "development": w.num(b["development"]),
        "no_findings": w.num(b["no_findings"]),
        "municipalities": [
            {k: e[k] for k in ("host", "strengths", "development", "none")}
            for e in b["municipalities"]
        ],
        "counts": _(
            "Strengths: {strengths} · Development areas: {development} · Municipalities "
            "without findings in the block: {none}"
        ).format(strengths=b["strengths"], development=b["development"], none=b["no_findings"]),
    }


def _rating_words(w: _Words, number: int, q: dict[str, Any]) -> dict[str, Any]:
    png, alt = rating_chart(q)
    groups = [{"name": g["name"], **w.tally(g)} for g in q["groups"]]
    total = w.tally(q["total"])
    scale_text = "; ".join(f"{s['value']} = {s['label']}" for s in q["scale"])
    return {
        "number": number,
        "text": q["text"],
        "block_title": q["block_title"],
        "scale": q["scale"],
        "scale_text": scale_text,
        "scale_line": _("Block: {block}. Scale: {scale}.").format(
            block=q["block_title"], scale=scale_text
        ),
        # the template has four count columns: a shorter scale leaves some empty
        "heads": _pad([str(s["value"]) for s in q["scale"]]),
        "groups": groups,
        "total": total,
        "few": total["few"] or any(g["few"] for g in groups),
        "answered": q["total"]["n"] > 0,
        "charted": png is not None,
        "chart": Image(png, width_mm=160, alt=alt) if png else "",
        "alt": alt,
        "caption": _("Figure {n}. The answers' spread per interviewee group: {text}").format(
            n=number, text=q["text"]
        ),
    }


def _totals_words(w: _Words, t: dict[str, Any]) -> dict[str, Any]:
    return {
        "interviews": w.num(t["interviews"]),
        "participants": w.num(t["participants"]),
        "children": w.num(t["children"]),
        "hours": w.num(t["hours"]),
        "held_hours": w.num(t["held_hours"]),
        "groups": w.group_rows(t["groups"]),
        "strengths": w.num(t["findings"]["strengths"]),
        "development": w.num(t["findings"]["development"]),
        **w.follow_up(t["follow_up"]),
    }


def docx_context(
    data: dict[str, Any],
    lang: str,
    at: datetime,
    partnership: str = DEFAULT_PARTNERSHIP,
    logo: Any = "",
) -> dict[str, Any]:
    """The compilation figures as the Word template reads them, wholly in ``lang``: numbers
    written out, sentences made, charts drawn.

    :param at: when the compilation is made.
    :param partnership: the partnership's name, on the cover and as the author.
    :param logo: the cover's logo (:func:`granskning.documents.logo.cover_logo`) or "".
    """
    w = _Words(lang)
    with speaking(lang):
        context = {
            "round": {k: data[k] for k in ("id", "year", "theme", "template", "template_title")},
            "partnership": partnership,
            "logo": logo,
            "logo_alt": alt_of(logo),
            "members": w.num(data["members"]),
            "reviews": w.num(data["reviews"]),
            "totals": _totals_words(w, data["totals"]),
            "municipalities": [
                _municipality_words(w, i, m)
                for i, m in enumerate(m for m in data["municipalities"] if has_something(m))
            ],
            "not_reviewed": join(data["not_reviewed"], _("and")),
            "findings": [_findings_words(w, b) for b in data["findings"]],
            "ratings": [_rating_words(w, n, q) for n, q in enumerate(data["ratings"], start=1)],
            "generated": format_moment(at, lang),
        }
        context["intro"] = _(
            "The compilation covers the round's {reviews} reviews of {members} member "
            "municipalities, with the question template {template}. It shows interviews, "
            "participants and hours per interviewee group, the reviewers' findings per block, "
            "the rating questions and how far the follow-up has come in each municipality."
        ).format(
            reviews=context["reviews"], members=context["members"], template=data["template_title"]
        )
        context["counted"] = _(
            "Cancelled reviews and interviews are not counted. Hours booked are the interviews' "
            "booked time, hours held the time from a session's start to its end; participants "
            "are the people interviewed. Compiled {generated}."
        ).format(generated=context["generated"])
    context["t"] = translated(COMPILATION_LABELS, lang)
    return context


def _num(value: float | None) -> str:
    return figure(value, "en" if get_language() == "en" else "sv")


# a sequential palette (ColorBrewer Blues): ordered, and readable without colour vision
_PALETTE = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
_TEXT_ON = ["#000000", "#000000", "#ffffff", "#ffffff"]


def rating_chart(q: dict[str, Any]) -> tuple[bytes | None, str]:
    """A horizontal 100 % bar per group showing the answers' spread, and its alt text."""
    rows = [g for g in q["groups"] if g["n"] >= MIN_ANSWERS]
    description = _('Chart: how the groups answered "{question}".').format(question=q["text"])
    if not rows:
        answered = any(g["n"] for g in q["groups"])
        why = (
            _("No group gave three answers or more.")
            if answered
            else _("No answers were recorded.")
        )
        return None, description + " " + why
    parts = [
        _("{group}: {n} answers, mean {mean}").format(
            group=g["name"], n=g["n"], mean=_num(g["mean"])
        )
        + " ("
        + ", ".join(f"{s['value']}: {c}" for s, c in zip(q["scale"], g["counts"], strict=True))
        + ")"
        for g in rows
    ]
    return _draw(q["scale"], rows), description + " " + "; ".join(parts) + "."


def _draw(scale: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    """The chart's PNG: one stacked bar per group, a segment per step of the scale."""
    import io

    # the Agg canvas directly: no pyplot, no global backend switch, no display needed
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.3, 0.62 * len(rows) + 1.5), dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    left = [0.0] * len(rows)
    y = list(range(len(rows)))[::-1]
    for i, step in enumerate(scale):
        shares = [100 * g["counts"][i] / g["n"] for g in rows]
        bars = ax.barh(
            y,
            shares,
            left=left,
            color=_PALETTE[i % len(_PALETTE)],
            edgecolor="white",
            height=0.62,
            label=f"{step['value']} {step['label']}",
        )
        _label_bars(ax, bars, shares, _TEXT_ON[i % len(_TEXT_ON)])
        left = [a + b for a, b in zip(left, shares, strict=True)]
    labels = [
        f"{g['name']}\n" + _("n = {n}, mean {mean}").format(n=g["n"], mean=_num(g["mean"]))
        for g in rows
    ]
    _axes(ax, y, labels)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _label_bars(ax: Any, bars: Any, shares: list[float], colour: str) -> None:
    """Each segment wide enough for it gets its share written inside."""
    for bar, share in zip(bars, shares, strict=True):
        if share >= 7:
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_y() + bar.get_height() / 2,
                f"{share:.0f} %",
                ha="center",
                va="center",
                fontsize=7,
                color=colour,
            )


def _axes(ax: Any, y: list[int], labels: list[str]) -> None:
    """The groups down the side, the shares along the bottom, the legend below."""
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"], fontsize=7)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        fontsize=6.5,
        frameon=False,
    )


def build_report(
    store: Store, round_id: int, out: Path, template: Path | None = None
) -> dict[str, Any]:
    """Write the compilation as a Word document; returns the figures it shows.

    :param template: a restyled copy of ``reports/sammanstallning.docx``.
    """
    check_output_path(out)
    # the round's language, never the caller's --lang: the document is wholly in it
    data = report_data(store, round_id)
    with store.read() as s:
        lang = find_round(s, round_id).language
        partnership = read_setting(s, PARTNERSHIP_NAME) or DEFAULT_PARTNERSHIP
        logo = cover_logo(s, width_mm=SMALL_WIDTH_MM)
    at = store.now()
    context = docx_context(data, lang, at, partnership, logo)
    properties = Properties(
        title=f"{context['t']['document']} {data['year']}",
        subject=data["template_title"],
        author=partnership,
        language=LANGUAGE_TAGS[lang],
    )
    docxrender.write(
        template or compilation_template(),
        context,
        out,
        schema=COMPILATION_SCHEMA,
        properties=properties,
        at=at,
    )
    return data
