"""The report's context: one query step that reads the facts, then a table of section builders.

:func:`read_facts` reads everything a report shows in a fixed number of queries, whatever
the size of the review. Each entry of :data:`SECTIONS` then builds one top-level variable
of the template (see :data:`granskning.documents.schemas.REPORT_SCHEMA`) from those facts,
without touching the database. Interviewees are named only in the appendix (by title
elsewhere), and not at all in an anonymous report.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select as sa_select, union
from sqlmodel import Session, col, select

from granskning.documents.labels import LABELS, METHOD_TEXT, ROLE_LABELS, ROLE_ORDER
from granskning.documents.logo import cover_logo
from granskning.documents.style import (
    DEFAULT_PARTNERSHIP,
    LANGUAGE_TAGS,
    MIN_ANSWERS,
    decimal,
    format_day,
    format_days,
    format_span,
    is_children_group,
    join,
    quoted,
    translated,
    translator,
)
from granskning.domain.templates import Question, Template
from granskning.domain.timefmt import format_local, to_local
from granskning.storage.model import (
    Assignment,
    Finding,
    FindingKind,
    Interview,
    Interviewee,
    InterviewState,
    Municipality,
    Note,
    Person,
    Recommendation,
    ReportSection,
    ReportText,
    Review,
    ReviewingMunicipality,
    Role,
    Round,
    SessionEvent,
    SessionEventKind,
)
from granskning.storage.queries import ordered_rows, pinned_template
from granskning.storage.settings import PARTNERSHIP_NAME, read_setting, setting_at

# The stored key of the team's analysis of a block (granskning.services.findings says so too).
BLOCK_PREFIX = "block:"

# -- the query step --------------------------------------------------------------------------


@dataclass
class HeldInterview:
    """An interview that was not cancelled, with its actual times (the session clock's)."""

    row: Interview
    start: datetime
    end: datetime


@dataclass
class ReportFacts:
    """Everything a report shows, as read from the database."""

    review: Review
    template: Template
    host: str
    reviewing: list[str]
    round: dict[str, Any] | None
    interviews: list[HeldInterview]
    interviewees: dict[int, list[Any]]
    staff: dict[int, str]
    team: list[Any]
    notes: list[Any]
    findings: list[Finding]
    recommendations: list[Recommendation]
    texts: dict[str, str]
    partnership: str = DEFAULT_PARTNERSHIP
    logo: Any = ""  # an Image with its alt text, or "" (see documents.logo)


def read_facts(session: Session, review: Review, as_of: datetime | None = None) -> ReportFacts:
    """The review's facts for its report, read in a fixed number of queries.

    :param as_of: read the settings (the partnership's name) as they were then: a
        handed-over report is rebuilt as it was made.
    """
    partnership = (
        read_setting(session, PARTNERSHIP_NAME)
        if as_of is None
        else setting_at(session, PARTNERSHIP_NAME, as_of)
    )
    interviews = _held_interviews(session, review.id)
    live = {iv.row.id for iv in interviews}
    return ReportFacts(
        review=review,
        template=pinned_template(review),
        host=session.exec(select(Municipality.name).where(Municipality.id == review.host_id)).one(),
        reviewing=_reviewing(session, review.id),
        round=_round(session, review),
        interviews=interviews,
        interviewees=_interviewees(session, review.id),
        staff=_staff(session, review.id),
        team=list(_team_rows(session, review.id)),
        notes=[n for n in _note_rows(session, review.id) if n.interview_id in live],
        findings=ordered_rows(session, Finding, Finding.review_id == review.id, col(Finding.id)),
        recommendations=ordered_rows(
            session,
            Recommendation,
            Recommendation.review_id == review.id,
            col(Recommendation.id),
        ),
        texts={
            r.section: r.text
            for r in session.exec(select(ReportText).where(ReportText.review_id == review.id))
        },
        partnership=partnership or DEFAULT_PARTNERSHIP,
        logo=cover_logo(session, as_of),
    )


def _reviewing(session: Session, rid: int | None) -> list[str]:
    return list(
        session.exec(
            select(Municipality.name)
            .join(ReviewingMunicipality, ReviewingMunicipality.municipality_id == Municipality.id)  # type: ignore[arg-type]
            .where(ReviewingMunicipality.review_id == rid)
            .order_by(Municipality.name)
        ).all()
    )


def _round(session: Session, review: Review) -> dict[str, Any] | None:
    rnd = session.get(Round, review.round_id) if review.round_id is not None else None
    return {"year": rnd.year, "theme": rnd.theme} if rnd is not None else None


def _held_interviews(session: Session, rid: int | None) -> list[HeldInterview]:
    rows = session.exec(
        select(Interview)
        .where(Interview.review_id == rid, Interview.state != InterviewState.cancelled.value)
        .order_by(col(Interview.start), col(Interview.id))
    ).all()
    events = session.exec(
        select(SessionEvent.interview_id, SessionEvent.kind, SessionEvent.at)
        .join(Interview, Interview.id == SessionEvent.interview_id)  # type: ignore[arg-type]
        .where(
            Interview.review_id == rid,
            col(SessionEvent.kind).in_([SessionEventKind.start.value, SessionEventKind.end.value]),
        )
        .order_by(col(SessionEvent.at), col(SessionEvent.id))
    ).all()
    started: dict[int, datetime] = {}
    ended: dict[int, datetime] = {}
    for iid, kind, when in events:
        if kind == SessionEventKind.start.value:
            started.setdefault(iid, when)
        else:
            ended[iid] = when
    out = []
    for row in rows:
        assert row.id is not None
        # the actual times where the session clock has them (a session held on paper too)
        begin = started.get(row.id, row.start)
        end = ended.get(row.id, begin + timedelta(minutes=row.minutes))
        out.append(HeldInterview(row, begin, end))
    return out


def _interviewees(session: Session, rid: int | None) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    person: Any
    for person in session.execute(
        sa_select(  # type: ignore[call-overload]
            Interviewee.interview_id,
            Interviewee.name,
            Interviewee.title,
            Interviewee.organisation,
            Interviewee.head_count,
        )
        .join(Interview, Interview.id == Interviewee.interview_id)
        .where(Interview.review_id == rid)
        .order_by(col(Interviewee.interview_id), col(Interviewee.position), col(Interviewee.id))
    ).all():
        out[person.interview_id].append(person)
    return out


def _staff(session: Session, rid: int | None) -> dict[int, str]:
    staff_ids = union(
        sa_select(Interview.moderator_id).where(Interview.review_id == rid),  # type: ignore[call-overload]
        sa_select(Interview.note_taker_id).where(Interview.review_id == rid),  # type: ignore[call-overload]
        sa_select(Interview.timekeeper_id).where(Interview.review_id == rid),  # type: ignore[call-overload]
    )
    people = session.exec(select(Person).where(col(Person.id).in_(staff_ids))).all()
    return {p.id: p.name for p in people if p.id is not None}


def _team_rows(session: Session, rid: int | None) -> Iterable[Any]:
    return session.exec(
        select(Assignment.role, Person.name, Person.title, Municipality.name)
        .join(Person, Person.id == Assignment.person_id)  # type: ignore[arg-type]
        .join(Municipality, Municipality.id == Person.municipality_id)  # type: ignore[arg-type]
        .where(Assignment.review_id == rid)
        .order_by(col(Assignment.id))
    ).all()


def _note_rows(session: Session, rid: int | None) -> Iterable[Any]:
    # plain rows, not ORM objects: a large review has thousands of notes
    return session.execute(
        sa_select(  # type: ignore[call-overload]
            Note.interview_id, Note.question_id, Note.text, Note.rating, Note.quoted
        )
        .join(Interview, Interview.id == Note.interview_id)
        .where(Interview.review_id == rid, col(Note.removed_at).is_(None))
        .order_by(col(Interview.start), col(Interview.id), col(Note.created_at), col(Note.id))
    ).all()


# -- the report's choices and the notes by question ------------------------------------------


@dataclass
class Shape:
    """How one report is written (its language, whether final or anonymous), and the notes
    sorted by question and group, shared by the section builders."""

    facts: ReportFacts
    lang: str
    at: datetime
    anonymous: bool = False
    final: bool = False
    report_version: int | None = None
    t: dict[str, str] = field(init=False)
    tr: Callable[[str], str] = field(init=False)
    by_question: dict[str, dict[str, list[Any]]] = field(init=False)
    loose: dict[str, list[Any]] = field(init=False)
    # each question's notes merged (merged_notes), made once for the sections that show them
    _merged: dict[str, list[dict[str, Any]]] = field(init=False, default_factory=dict)
    # each note's text on one line and as paragraphs, made once for every section showing it
    _written: dict[str, tuple[str, list[dict[str, str]]]] = field(init=False, default_factory=dict)
    _names: dict[str, str] = field(init=False)
    _order: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.t = translated(LABELS, self.lang)
        self.tr = translator(self.lang)
        self._names = {g.id: g.name(self.lang) for g in self.facts.template.groups}
        self._order = list(self._names)
        group_of = {iv.row.id: iv.row.group_id for iv in self.facts.interviews}
        known = {q.id for b in self.facts.template.blocks for q in b.questions}
        self.by_question = defaultdict(lambda: defaultdict(list))
        self.loose = defaultdict(list)
        for n in self.facts.notes:
            gid = group_of[n.interview_id]
            if n.question_id is not None and n.question_id in known:
                self.by_question[n.question_id][gid].append(n)
            elif n.text.strip():
                self.loose[gid].append(n)

    def merged(self, question_id: str) -> list[dict[str, Any]]:
        """The question's notes, each text once with the groups that said it."""
        found = self._merged.get(question_id)
        if found is None:
            found = merged_notes(self, self.by_question.get(question_id, {}))
            self._merged[question_id] = found
        return found

    def written(self, text: str) -> tuple[str, list[dict[str, str]]]:
        """A note's text on one line ("" if it is blank) and as paragraphs."""
        found = self._written.get(text)
        if found is None:
            line = " ".join(text.split())
            found = self._written[text] = (line, text_paragraphs(text) if line else [])
        return found

    def group_name(self, group_id: str) -> str:
        """An interviewee group's name in the report's language (its id if the template lacks it)."""
        return self._names.get(group_id, group_id)

    def ordered(self, groups: Iterable[str]) -> list[str]:
        """Group ids in the template's order, unknown ones after them."""
        present = set(groups)
        return [g for g in self._order if g in present] + sorted(present.difference(self._names))

    def day(self, value: date) -> str:
        """A day as the report writes it."""
        return format_day(value, self.lang)

    def visit_days(self) -> list[date]:
        """The days interviews were held on."""
        return [to_local(iv.start).date() for iv in self.facts.interviews]


# -- texts into paragraphs -------------------------------------------------------------------

_BULLET = re.compile(r"^ {0,3}[-*•–] +(.*)$")
_NUMBERED = re.compile(r"^ {0,3}\d{1,2}[.)] +(.*)$")


def text_paragraphs(text: str) -> list[dict[str, str]]:
    """Split a text into Word paragraphs: blank lines separate paragraphs, list lines are items.

    Lines starting with "- ", "* ", "• " or "– " become bulleted items, lines starting with
    "1. " or "1) " numbered ones; other lines continue the paragraph or item before them.
    """
    return [{"kind": kind, "text": body} for kind, body in _split(text)]


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[tuple[str, str], ...]:
    # a report shows a note in more than one place (the appendix, a quote, the old per-group
    # lists): it is split once
    out: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
            continue
        item = _list_item(raw.replace("\t", "    "))
        if item is not None:
            current = item
            out.append(current)
        elif current is not None:
            current["text"] += " " + line
        else:
            current = {"kind": "text", "text": line}
            out.append(current)
    return tuple((p["kind"], p["text"]) for p in out)


def _list_item(line: str) -> dict[str, str] | None:
    for kind, pattern in (("bullet", _BULLET), ("number", _NUMBERED)):
        found = pattern.match(line)
        if found:
            return {"kind": kind, "text": found.group(1).strip()}
    return None


# -- the section builders --------------------------------------------------------------------


def _review(s: Shape) -> dict[str, Any]:
    f, review, days = s.facts, s.facts.review, s.visit_days()
    return {
        "id": review.id,
        "host": f.host,
        "reviewing": f.reviewing,
        "reviewing_text": join(f.reviewing, s.t["and"]),
        "handed_over": s.day(review.handed_over_on) if review.handed_over_on else "",
        "round": f.round,
        "template": {
            "id": review.template_id,
            "version": review.template_version,
            "title": f.template.title,
            "sha256": review.template_sha256,
        },
        "visit": {
            "first": s.day(min(days)) if days else "",
            "last": s.day(max(days)) if days else "",
            "dates": format_days(days, s.lang, s.t["and"]),
        },
    }


def _doc(s: Shape) -> dict[str, Any]:
    generated = s.day(to_local(s.at).date())
    return {
        "title": f"{s.t['report_title']} – {s.facts.host}",
        "subject": s.facts.template.title,
        "author": s.facts.partnership,
        "partnership": s.facts.partnership,
        "lang": LANGUAGE_TAGS[s.lang],
        "language": s.lang,
        "draft": not s.final,
        "draft_marker": f"{s.t['draft_marker']} {generated}" if not s.final else "",
        "anonymous": s.anonymous,
        "generated": generated,
        "report_version": s.report_version,
        "logo": s.facts.logo,
        "logo_alt": s.facts.logo.alt if s.facts.logo else "",
    }


def _texts(s: Shape) -> dict[str, Any]:
    sections = (ReportSection.summary, ReportSection.reflections, ReportSection.introduction)
    return {x.value: text_paragraphs(s.facts.texts.get(x.value, "")) for x in sections}


def _team(s: Shape) -> list[dict[str, Any]]:
    members = (
        {
            "name": name,
            "title": title or "",
            "municipality": muni,
            "role": role,
            "role_label": s.tr(ROLE_LABELS[Role(role)]),
        }
        for role, name, title, muni in s.facts.team
    )
    return sorted(members, key=lambda m: ROLE_ORDER.index(Role(m["role"])))


def _visit_text(s: Shape) -> str:
    interviews = s.facts.interviews
    if not interviews:
        return ""
    n, people = len(interviews), _participants(s)
    dates = format_days(s.visit_days(), s.lang, s.t["and"])
    held = (
        s.tr("The team held one interview")
        if n == 1
        else s.tr("The team held {n} interviews").format(n=n)
    )
    with_people = (
        s.tr("with one participant.")
        if people == 1
        else s.tr("with {n} participants in all.").format(n=people)
    )
    young = _participants(s, children=True)
    of_them = s.tr("Of them, {n} were children and young people.").format(n=young) if young else ""
    return " ".join(
        x
        for x in (
            s.tr("The visit took place on {dates}.").format(dates=dates),
            held,
            with_people,
            of_them,
        )
        if x
    )


def _participants(s: Shape, *, children: bool = False) -> int:
    """The people heard (a group counts its head count); ``children``: only those in
    groups of children and young people."""
    group_of = {iv.row.id: iv.row.group_id for iv in s.facts.interviews}
    return sum(
        p.head_count or 1
        for iid, people in s.facts.interviewees.items()
        if iid in group_of and (not children or is_children_group(group_of[iid]))
        for p in people
    )


def _stats(s: Shape) -> dict[str, Any]:
    hours = sum((iv.end - iv.start).total_seconds() for iv in s.facts.interviews) / 3600
    return {
        "interviews": len(s.facts.interviews),
        "participants": _participants(s),
        "children": _participants(s, children=True),
        "notes": sum(1 for n in s.facts.notes if n.text.strip()),
        "hours": decimal(hours, s.lang),
    }


def _groups(s: Shape) -> list[dict[str, Any]]:
    per_group: dict[str, dict[str, Any]] = {}
    for iv in s.facts.interviews:
        gid = iv.row.group_id
        people = s.facts.interviewees.get(iv.row.id or 0, [])
        summary = per_group.setdefault(
            gid,
            {
                "id": gid,
                "name": s.group_name(gid),
                "interviews": 0,
                "participants": 0,
                "titles": [],
            },
        )
        summary["interviews"] += 1
        summary["participants"] += sum(p.head_count or 1 for p in people)
        for p in people:
            if p.title and p.title not in summary["titles"]:
                summary["titles"].append(p.title)
    groups = [per_group[g] for g in s.ordered(per_group)]
    for g in groups:
        g["titles_text"] = ", ".join(g["titles"])
    return groups


def _group_notes(s: Shape, gid: str, rows: list[Any]) -> dict[str, Any] | None:
    written = [w for w in (s.written(n.text) for n in rows) if w[0]]
    if not written:
        return None
    return {
        "id": gid,
        "name": s.group_name(gid),
        "notes": [line for line, _ in written],
        "paragraphs": [p for _, paragraphs in written for p in paragraphs],
    }


def _rating(s: Shape, q: Question, per_group: dict[str, list[Any]]) -> dict[str, Any] | None:
    rows = []
    few = False
    for gid in s.ordered(per_group):
        values = [n.rating for n in per_group[gid] if n.rating is not None]
        few = few or 0 < len(values) < MIN_ANSWERS
        if values:
            counts = Counter(values)
            rows.append(
                {
                    "group": s.group_name(gid),
                    "counts": [counts.get(v, 0) for v in (1, 2, 3, 4)],
                    "n": len(values),
                    # too few answers to mean anything, and they could tell who answered
                    "mean": (
                        decimal(sum(values) / len(values), s.lang)
                        if len(values) >= MIN_ANSWERS
                        else "–"
                    ),
                }
            )
    if not rows:
        return None
    scale = {step.value: step.label for step in (q.scale or [])}
    steps = [scale.get(v, str(v)) for v in (1, 2, 3, 4)]
    legend = ", ".join(f"{v} = {label}" for v, label in zip((1, 2, 3, 4), steps, strict=True))
    return {"scale": steps, "legend": legend, "rows": rows, "few": few}


def _question(s: Shape, q: Question) -> dict[str, Any]:
    per_group = s.by_question.get(q.id, {})
    notes = (_group_notes(s, gid, per_group[gid]) for gid in s.ordered(per_group))
    return {
        "id": q.id,
        "text": q.text,
        "kind": q.kind,
        "followups": list(q.followups),
        "groups": [g for g in notes if g is not None],
        # the sentence completions' answers (Framtid); the other questions' notes are in the
        # appendix, and a copy here would only make every report's context larger
        "answers": (
            [{"text": e["text"], "groups": e["groups_text"]} for e in s.merged(q.id)]
            if q.kind == "completion"
            else []
        ),
        "rating": _rating(s, q, per_group) if q.kind == "rating" else None,
    }


def _recommendations(s: Shape) -> list[dict[str, Any]]:
    titles = {b.id: b.title for b in s.facts.template.blocks}
    return [
        {
            # the review's own number (R1, R2, ...), the same on the checklist and the record
            "number": r.number or i,
            "code": f"R{r.number or i}",
            "text": r.text,
            "block": r.block_id or "",
            "block_title": titles.get(r.block_id or "", ""),
        }
        for i, r in enumerate(s.facts.recommendations, start=1)
    ]


def _findings(s: Shape, block_id: str) -> dict[str, Any]:
    fs = [f for f in s.facts.findings if f.block_id == block_id]
    strengths = [f.text for f in fs if f.kind == FindingKind.strength.value]
    developments = [f.text for f in fs if f.kind == FindingKind.development.value]
    marked_none = any(f.kind == FindingKind.none.value for f in fs)
    return {
        "strengths": strengths,
        "developments": developments,
        "no_findings": marked_none and not (strengths or developments),
    }


def _blocks(s: Shape) -> list[dict[str, Any]]:
    recommendations = _recommendations(s)
    return [
        {
            "id": b.id,
            "title": b.title,
            "description": b.description or "",
            "articles": list(b.articles),
            "articles_text": join([str(a) for a in b.articles], s.t["and"]),
            "questions": [_question(s, q) for q in b.questions if q.kind != "completion"],
            "completions": [_question(s, q) for q in b.questions if q.kind == "completion"],
            "analysis": text_paragraphs(s.facts.texts.get(BLOCK_PREFIX + b.id, "")),
            **_findings(s, b.id),
            "quotes": _quotes(s, b.questions),
            "recommendations": [r for r in recommendations if r["block"] == b.id],
        }
        for b in s.facts.template.blocks
    ]


# -- the same note from several groups, quotes and the notes appendix -------------------------


def _same(line: str) -> str:
    """What makes two notes the same: their words (``line``: the note on one line, see
    :meth:`Shape.written`), case and a closing stop aside."""
    return line.rstrip(".!").casefold()


def merged_notes(s: Shape, per_group: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The written notes of one question, each text once with every group that said it
    ("Förtroendevalda, Ledande tjänstepersoner"), in the order the groups come; ``quoted``
    when the team chose any of them as a quote."""
    merged: dict[str, dict[str, Any]] = {}
    for gid in s.ordered(per_group):
        for n in per_group[gid]:
            line, paragraphs = s.written(n.text)
            if not line:
                continue
            key = _same(line)
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = {
                    "text": line,
                    "paragraphs": paragraphs,
                    "ids": [],
                    "quoted": False,
                }
            if gid not in entry["ids"]:
                entry["ids"].append(gid)
            entry["quoted"] = entry["quoted"] or bool(n.quoted)
    out = []
    for entry in merged.values():
        names = [s.group_name(g) for g in entry.pop("ids")]
        out.append({**entry, "groups": names, "groups_text": ", ".join(names)})
    return out


def _quotes(s: Shape, questions: Iterable[Question]) -> list[dict[str, Any]]:
    """The notes the team chose as quotes, by group and never by name."""
    return [
        {
            "text": e["text"],
            "shown": quoted(e["text"], s.lang),  # in the report language's quotation marks
            "groups": e["groups_text"],
            "question": q.text,
        }
        for q in questions
        for e in s.merged(q.id)
        if e["quoted"]
    ]


def _appendix(s: Shape) -> dict[str, Any]:
    """All notes by block, question and group (identical ones once), if the review's report
    carries them (not chosen: it does); left out, its lists are empty."""
    if s.facts.review.notes_appendix is False:
        return {"notes": False, "blocks": [], "observations": []}
    blocks = []
    for b in s.facts.template.blocks:
        questions = [
            {"id": q.id, "text": q.text, "answers": answers}
            for q in b.questions
            if (answers := _answers(s.merged(q.id)))
        ]
        if questions:
            blocks.append({"id": b.id, "title": b.title, "questions": questions})
    return {
        "notes": True,
        "blocks": blocks,
        "observations": _answers(merged_notes(s, s.loose)),
    }


def _answers(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"groups": e["groups_text"], "paragraphs": e["paragraphs"]} for e in entries]


def _completions(s: Shape) -> list[dict[str, Any]]:
    blocks = s.facts.template.blocks
    return [_question(s, q) for b in blocks for q in b.questions if q.kind == "completion"]


def _observations(s: Shape) -> list[dict[str, Any]]:
    notes = (_group_notes(s, gid, s.loose[gid]) for gid in s.ordered(s.loose))
    return [g for g in notes if g is not None]


def _interviews(s: Shape) -> list[dict[str, Any]]:
    return [_interview(s, iv) for iv in s.facts.interviews]


def _interview(s: Shape, iv: HeldInterview) -> dict[str, Any]:
    row, staff = iv.row, s.facts.staff
    jobs = [
        (s.t["moderator"], row.moderator_id),
        (s.t["note_taker"], row.note_taker_id),
        (s.t["timekeeper"], row.timekeeper_id),
    ]
    team_text = ", ".join(f"{job} {staff[pid]}" for job, pid in jobs if pid in staff)
    people = s.facts.interviewees.get(row.id or 0, [])
    return {
        "id": row.id,
        "group": row.group_id,
        "group_name": s.group_name(row.group_id),
        "date": s.day(to_local(iv.start).date()),
        "time": format_span(iv.start, iv.end, s.lang),
        "start": format_local(iv.start) or "",
        "minutes": max(0, round((iv.end - iv.start).total_seconds() / 60)),
        "place": row.place or "",
        "moderator": staff.get(row.moderator_id, "") if row.moderator_id else "",
        "note_taker": staff.get(row.note_taker_id, "") if row.note_taker_id else "",
        "timekeeper": staff.get(row.timekeeper_id, "") if row.timekeeper_id else "",
        "team_text": team_text[:1].upper() + team_text[1:],
        "interviewees": [_interviewee(p, s.anonymous, s.tr) for p in people],
    }


def _interviewee(p: Any, anonymous: bool, tr: Callable[[str], str]) -> dict[str, Any]:
    """An interviewee in the appendix; a group (a youth council of six) with its head count,
    which anonymity keeps: a group's name is no one's name."""
    row = {
        "name": "" if anonymous else p.name,
        "title": p.title or "",
        "organisation": p.organisation or "",
        "head_count": p.head_count or 1,
        "group": p.head_count is not None,
    }
    if p.head_count is not None:
        people = tr("one person") if p.head_count == 1 else tr("{n} people").format(n=p.head_count)
        named = f"{p.name} ({people})"
        row["name"] = named
        if anonymous:
            row["title"] = ", ".join(x for x in (p.title, named) if x)
    return row


# One builder per top-level variable of the report template, in the schema's order.
SECTIONS: dict[str, Callable[[Shape], Any]] = {
    "doc": _doc,
    "review": _review,
    "texts": _texts,
    "method": lambda s: text_paragraphs(s.tr(METHOD_TEXT)),
    "team": _team,
    "visit_text": _visit_text,
    "stats": _stats,
    "groups": _groups,
    "blocks": _blocks,
    "completions": _completions,
    "observations": _observations,
    "recommendations": _recommendations,
    "interviews": _interviews,
    "appendix": _appendix,
    "t": lambda s: s.t,
}


def build_context(
    session: Session,
    review: Review,
    *,
    lang: str,
    at: datetime,
    anonymous: bool = False,
    final: bool = False,
    report_version: int | None = None,
) -> dict[str, Any]:
    """Everything the report template shows: the review's facts read in a fixed number of
    queries, then each section built from them without the database.

    :param final: a handed-over report (no draft markings).
    :param at: when the document is made (its date and properties).
    :param report_version: the number the report will be stored under, if final.
    """
    facts = read_facts(session, review, as_of=at if final else None)
    shape = Shape(facts, lang, at, anonymous, final, report_version)
    return {name: build(shape) for name, build in SECTIONS.items()}


__all__ = [
    "SECTIONS",
    "ReportFacts",
    "build_context",
    "merged_notes",
    "read_facts",
    "text_paragraphs",
]
