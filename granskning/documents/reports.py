"""The granskningsrapport: build it from the pinned template, the notes and what the team wrote.

A report is a Word document rendered from a docxtpl template (``reports/`` in the source
tree, shipped in the package) with a context read from the database in a fixed number
of queries, whatever the size of the review. Handing a review over stores the final
document's bytes and SHA-256 as a new :class:`ReportVersion`; from then on ``build``
returns those bytes unchanged until the review is reopened. Interviewees are named only
in the appendix (by title elsewhere), and not at all in an anonymous report.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select as sa_select, union
from sqlmodel import Session, col, select

from granskning.documents import docxrender
from granskning.documents.docxrender import BOOL, NUMBER, TEXT, Problem
from granskning.domain.errors import ConflictError, InputError, NotFoundError, RuleError
from granskning.domain.i18n import DOMAIN, LOCALE_DIR, N_, _, get_language
from granskning.domain.templates import Question, Template
from granskning.domain.timefmt import format_local, to_local
from granskning.domain.workflow import FROZEN_STATES
from granskning.storage.audit import record
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
    ReportVersion,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Role,
    Round,
    SessionEvent,
    SessionEventKind,
)
from granskning.storage.queries import get_review, pinned_template
from granskning.storage.store import Store

REPORT = "granskningsrapport"
# the seminar checklist (uppfoljningsseminarium.docx) is rendered by granskning.services.followup
KINDS = (REPORT,)
# A restyled template to use for handed-over reports instead of the shipped one.
TEMPLATE_ENV = "GRANSKNING_REPORT_TEMPLATE"

LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}
_BABEL_LOCALES = {"sv": "sv_SE", "en": "en_GB"}

# Fixed texts of the documents, available to templates as t.<key> in the report's language.
LABELS: dict[str, str] = {
    "cover_kicker": N_("Collegial review of children's rights"),
    "report_title": N_("Review report"),
    "host": N_("Municipality under review"),
    "reviewing": N_("Reviewing municipalities"),
    "visit": N_("Review visit"),
    "handed_over": N_("Handed over"),
    "report_version": N_("Report version"),
    "round": N_("Round"),
    "question_template": N_("Question template"),
    "version": N_("version"),
    "draft_notice": N_("Draft: this report has not been handed over."),
    "draft_marker": N_("DRAFT"),
    "summary": N_("Summary"),
    "reflections": N_("The reviewers' reflections"),
    "introduction": N_("Introduction"),
    "not_written": N_("Not written yet."),
    "method": N_("Method"),
    "team": N_("The review team"),
    "team_intro": N_("The review was carried out by the following people."),
    "name": N_("Name"),
    "municipality": N_("Municipality"),
    "role": N_("Role"),
    "visit_heading": N_("The visit"),
    "group": N_("Group"),
    "interviews": N_("Interviews"),
    "participants": N_("Participants"),
    "titles": N_("Titles"),
    "examination": N_("The review"),
    "examination_intro": N_(
        "Each section follows a block of the question template: what each group of "
        "interviewees said about each question, then the strengths and development areas "
        "the reviewers see."
    ),
    "articles": N_("Articles of the Convention"),
    "answers": N_("Answers"),
    "mean": N_("Mean"),
    "rating_note": N_("Number of answers per step of the scale and the mean per group. Scale:"),
    "no_notes": N_("No notes were taken for this question."),
    "observations": N_("Other observations"),
    "strengths": N_("Strengths"),
    "developments": N_("Development areas"),
    "no_findings": N_("The reviewers have no particular findings in this area."),
    "findings_heading": N_("strengths and development areas"),
    "recommendations": N_("Recommendations"),
    "recommendations_intro": N_("The reviewers recommend the following to the municipality."),
    "no_recommendations": N_("The reviewers make no recommendations."),
    "future": N_("Future"),
    "future_intro": N_(
        "At the end of each session the participants completed sentences about the future. "
        "Their answers follow."
    ),
    "no_completions": N_("No sentence completions were recorded."),
    "appendix": N_("Appendix: Participants"),
    "appendix_intro": N_(
        "The interviews of the review visit, with the people interviewed and the review "
        "team's roles."
    ),
    "place": N_("Place"),
    "review_team": N_("Review team"),
    "title": N_("Title"),
    "organisation": N_("Organisation"),
    "no_interviewees": N_("No interviewees were recorded."),
    "no_interviews": N_("No interviews have been held."),
    "colophon": N_("Produced with granskning on"),
    "page": N_("Page"),
    "page_of": N_("of"),
    "and": N_("and"),
    "moderator": N_("moderator"),
    "note_taker": N_("note-taker"),
    "timekeeper": N_("timekeeper"),
    "seminar_title": N_("Follow-up seminar"),
    "seminar_date": N_("Seminar"),
    "not_scheduled": N_("not scheduled yet"),
    "checklist": N_("Checklist"),
    "checklist_intro": N_(
        "Each recommendation, development area and commitment of the report is followed up "
        "at the seminar: its status, a comment and who is responsible."
    ),
    "number": N_("No."),
    "block": N_("Area"),
    "source": N_("Source"),
    "item": N_("Item"),
    "status": N_("Status"),
    "comment": N_("Comment"),
    "responsible": N_("Responsible"),
    "no_items": N_("The checklist is empty."),
    "status_legend": N_("Status: red = not started, amber = in progress, green = done."),
}

METHOD_TEXT = N_(
    "Collegial review (kollegial granskning) is a method in which municipalities in the "
    "Partnership for Children's Rights in Practice review each other's work with the UN "
    "Convention on the Rights of the Child, Swedish law since 1 January 2020.\n\n"
    "A review team of colleagues from other municipalities visits the municipality and "
    "holds question sessions with elected representatives, senior managers, staff, and "
    "children and young people. Every session follows the same question template, has a "
    "fixed time and fixed roles: a moderator leads the conversation, a note-taker writes "
    "down what is said and a timekeeper keeps the time.\n\n"
    "The team then writes this report, hands it over to the municipality and returns some "
    "months later for a follow-up seminar on the development areas and recommendations."
)

ROLE_LABELS = {
    Role.lead: N_("Review lead"),
    Role.reviewer: N_("Reviewer"),
    Role.secretary: N_("Secretary"),
    Role.timekeeper: N_("Timekeeper"),
    Role.host_contact: N_("Host contact"),
}
ROLE_ORDER = [Role.lead, Role.reviewer, Role.secretary, Role.timekeeper, Role.host_contact]

STATUS_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    None: N_("No status"),
}
# Cell colours of the checklist (red, amber, green; white without a status), dark text on all.
STATUS_COLOURS = {
    "not_started": "F4A6A6",
    "in_progress": "FFD966",
    "done": "A9D18E",
    None: "FFFFFF",
}
SOURCE_LABELS = {
    "recommendation": N_("Recommendation"),
    "development": N_("Development area"),
    "commitment": N_("Commitment"),
    "manual": N_("Added"),
}

# -- the context schemas: what a template can use (documented in reports/GUIDE.md) ----------

PARAGRAPHS = [{"kind": TEXT, "text": TEXT}]
DOC_SCHEMA = {
    "title": TEXT,
    "subject": TEXT,
    "author": TEXT,
    "lang": TEXT,
    "language": TEXT,
    "draft": BOOL,
    "anonymous": BOOL,
    "generated": TEXT,
    "report_version": NUMBER,
}
REVIEW_SCHEMA = {
    "id": NUMBER,
    "host": TEXT,
    "reviewing": [TEXT],
    "reviewing_text": TEXT,
    "handed_over": TEXT,
    "round": {"year": NUMBER, "theme": TEXT},
    "template": {"id": TEXT, "version": TEXT, "title": TEXT, "sha256": TEXT},
    "visit": {"first": TEXT, "last": TEXT, "dates": TEXT},
}
GROUP_NOTES_SCHEMA = {"id": TEXT, "name": TEXT, "notes": [TEXT], "paragraphs": PARAGRAPHS}
QUESTION_SCHEMA = {
    "id": TEXT,
    "text": TEXT,
    "kind": TEXT,
    "followups": [TEXT],
    "groups": [GROUP_NOTES_SCHEMA],
    "rating": {
        "scale": [TEXT],
        "legend": TEXT,
        "rows": [{"group": TEXT, "counts": [NUMBER], "n": NUMBER, "mean": TEXT}],
    },
}
RECOMMENDATION_SCHEMA = {"number": NUMBER, "text": TEXT, "block": TEXT, "block_title": TEXT}
REPORT_SCHEMA: dict[str, Any] = {
    "doc": DOC_SCHEMA,
    "review": REVIEW_SCHEMA,
    "texts": {"summary": PARAGRAPHS, "reflections": PARAGRAPHS, "introduction": PARAGRAPHS},
    "method": PARAGRAPHS,
    "team": [{"name": TEXT, "title": TEXT, "municipality": TEXT, "role": TEXT, "role_label": TEXT}],
    "visit_text": TEXT,
    "stats": {"interviews": NUMBER, "participants": NUMBER, "notes": NUMBER, "hours": TEXT},
    "groups": [
        {
            "id": TEXT,
            "name": TEXT,
            "interviews": NUMBER,
            "participants": NUMBER,
            "titles": [TEXT],
            "titles_text": TEXT,
        }
    ],
    "blocks": [
        {
            "id": TEXT,
            "title": TEXT,
            "description": TEXT,
            "articles": [NUMBER],
            "articles_text": TEXT,
            "questions": [QUESTION_SCHEMA],
            "completions": [QUESTION_SCHEMA],
            "strengths": [TEXT],
            "developments": [TEXT],
            "no_findings": BOOL,
            "recommendations": [RECOMMENDATION_SCHEMA],
        }
    ],
    "completions": [QUESTION_SCHEMA],
    "observations": [GROUP_NOTES_SCHEMA],
    "recommendations": [RECOMMENDATION_SCHEMA],
    "interviews": [
        {
            "id": NUMBER,
            "group": TEXT,
            "group_name": TEXT,
            "date": TEXT,
            "time": TEXT,
            "start": TEXT,
            "minutes": NUMBER,
            "place": TEXT,
            "moderator": TEXT,
            "note_taker": TEXT,
            "timekeeper": TEXT,
            "team_text": TEXT,
            "interviewees": [
                {
                    "name": TEXT,
                    "title": TEXT,
                    "organisation": TEXT,
                    "head_count": NUMBER,
                    "group": BOOL,
                }
            ],
        }
    ],
    "t": dict.fromkeys(LABELS, TEXT),
}
SCHEMAS = {REPORT: REPORT_SCHEMA}


class ToolMissing(RuleError):
    """A program granskning needs for this (LibreOffice) is not installed (exit 1)."""


@dataclass(frozen=True)
class Built:
    """A report document: its bytes, their SHA-256, and which stored version it is (if any)."""

    content: bytes
    sha256: str
    language: str
    version: int | None = None  # the stored version returned as is; None: built now
    from_frozen: bool = False  # built now from a handed-over review's frozen content


# -- resources and languages -----------------------------------------------------------------


def shipped_template(kind: str = REPORT) -> Path:
    """The Word template shipped with granskning: ``granskningsrapport`` or ``uppfoljningsseminarium``."""
    from granskning.resources import reports_dir

    if kind not in KINDS:
        raise InputError(
            _("unknown kind of template {kind} (one of: {kinds})").format(
                kind=kind, kinds=", ".join(KINDS)
            )
        )
    return reports_dir() / f"{kind}.docx"


def handover_template() -> Path:
    """The template handed-over reports are built from: ``$GRANSKNING_REPORT_TEMPLATE`` or the shipped one."""
    configured = os.environ.get(TEMPLATE_ENV, "").strip()
    return Path(configured).expanduser() if configured else shipped_template(REPORT)


def _read_template(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({error})").format(path=path, error=exc.strerror)
        ) from None


def _lang(lang: str | None) -> str:
    chosen = (lang or get_language()).lower()
    if chosen not in LANGUAGE_TAGS:
        raise InputError(
            _("unknown language {lang} (one of: {langs})").format(
                lang=lang, langs=", ".join(LANGUAGE_TAGS)
            )
        )
    return chosen


def translator(lang: str) -> Callable[[str], str]:
    """``gettext`` for one language, independent of the language messages are shown in."""
    catalog = _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True
    )
    return catalog.gettext


def labels(lang: str) -> dict[str, str]:
    """The documents' fixed texts (``t``) in ``lang``."""
    tr = translator(lang)
    return {key: tr(msgid) for key, msgid in LABELS.items()}


def format_day(day: date, lang: str) -> str:
    """A date as written in a report: "2 mars 2026"."""
    from babel.dates import format_date

    return str(format_date(day, "d MMMM y", locale=_BABEL_LOCALES[lang]))


def format_days(days: Iterable[date], lang: str, and_: str) -> str:
    """Visit days as a reader expects them: "2–4 mars 2026", "2, 3 och 5 mars 2026"."""
    from babel.dates import format_date

    unique = sorted(set(days))
    if not unique:
        return ""
    if len(unique) == 1:
        return format_day(unique[0], lang)
    locale = _BABEL_LOCALES[lang]
    same_month = all((d.year, d.month) == (unique[0].year, unique[0].month) for d in unique)
    consecutive = all((b - a).days == 1 for a, b in zip(unique, unique[1:], strict=False))
    if same_month:
        month = str(format_date(unique[0], "MMMM y", locale=locale))
        if consecutive:
            return f"{unique[0].day}–{unique[-1].day} {month}"
        return f"{_join([str(d.day) for d in unique], and_)} {month}"
    return _join([format_day(d, lang) for d in unique], and_)


def _join(items: list[str], and_: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_} {items[-1]}"


# -- texts into paragraphs -------------------------------------------------------------------

_BULLET = re.compile(r"^ {0,3}[-*•–] +(.*)$")
_NUMBERED = re.compile(r"^ {0,3}\d{1,2}[.)] +(.*)$")


def text_paragraphs(text: str) -> list[dict[str, str]]:
    """Split a text into Word paragraphs: blank lines separate paragraphs, list lines are items.

    Lines starting with "- ", "* ", "• " or "– " become bulleted items, lines starting with
    "1. " or "1) " numbered ones; other lines continue the paragraph or item before them.
    """
    out: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
            continue
        bullet = _BULLET.match(raw.replace("\t", "    "))
        number = None if bullet else _NUMBERED.match(raw.replace("\t", "    "))
        if bullet or number:
            kind = "bullet" if bullet else "number"
            found = bullet or number
            assert found is not None
            current = {"kind": kind, "text": found.group(1).strip()}
            out.append(current)
        elif current is not None:
            current["text"] += " " + line
        else:
            current = {"kind": "text", "text": line}
            out.append(current)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- the context -----------------------------------------------------------------------------


def _review_info(
    session: Session, review: Review, lang: str, t: dict[str, str], visit_days: list[date]
) -> dict[str, Any]:
    rid = review.id
    host = session.exec(select(Municipality.name).where(Municipality.id == review.host_id)).one()
    reviewing = list(
        session.exec(
            select(Municipality.name)
            .join(ReviewingMunicipality, ReviewingMunicipality.municipality_id == Municipality.id)  # type: ignore[arg-type]
            .where(ReviewingMunicipality.review_id == rid)
            .order_by(Municipality.name)
        ).all()
    )
    round_info = None
    if review.round_id is not None:
        rnd = session.get(Round, review.round_id)
        if rnd is not None:
            round_info = {"year": rnd.year, "theme": rnd.theme}
    template = pinned_template(review)
    return {
        "id": rid,
        "host": host,
        "reviewing": reviewing,
        "reviewing_text": _join(reviewing, t["and"]),
        "handed_over": format_day(review.handed_over_on, lang) if review.handed_over_on else "",
        "round": round_info,
        "template": {
            "id": review.template_id,
            "version": review.template_version,
            "title": template.title,
            "sha256": review.template_sha256,
        },
        "visit": {
            "first": format_day(min(visit_days), lang) if visit_days else "",
            "last": format_day(max(visit_days), lang) if visit_days else "",
            "dates": format_days(visit_days, lang, t["and"]),
        },
    }


def _doc_info(
    review_info: dict[str, Any],
    template: Template,
    lang: str,
    t: dict[str, str],
    *,
    title: str,
    draft: bool,
    anonymous: bool,
    at: datetime,
    report_version: int | None,
) -> dict[str, Any]:
    return {
        "title": f"{title} – {review_info['host']}",
        "subject": template.title,
        "author": review_info["reviewing_text"],
        "lang": LANGUAGE_TAGS[lang],
        "language": lang,
        "draft": draft,
        "anonymous": anonymous,
        "generated": format_day(to_local(at).date(), lang),
        "report_version": report_version,
    }


@dataclass
class _IV:
    row: Interview
    start: datetime
    end: datetime


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
    """Everything the report template shows, read in a fixed number of queries.

    :param final: a handed-over report (no draft markings).
    :param at: when the document is made (its date and properties).
    :param report_version: the number the report will be stored under, if final.
    """
    rid = review.id
    t = labels(lang)
    tr = translator(lang)
    template = pinned_template(review)
    groups_by_id = {g.id: g for g in template.groups}

    def group_name(group_id: str) -> str:
        g = groups_by_id.get(group_id)
        return g.name(lang) if g is not None else group_id

    # interviews and their actual times (from the session clock where there is one)
    iv_rows = list(
        session.exec(
            select(Interview)
            .where(Interview.review_id == rid, Interview.state != InterviewState.cancelled.value)
            .order_by(col(Interview.start), col(Interview.id))
        ).all()
    )
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
    ivs = []
    for row in iv_rows:
        assert row.id is not None
        # the actual times where the session clock has them (a session held on paper too)
        begin = started.get(row.id, row.start)
        ivs.append(_IV(row, begin, ended.get(row.id, begin + timedelta(minutes=row.minutes))))
    live_ids = {iv.row.id for iv in ivs}

    interviewees: dict[int, list[Any]] = defaultdict(list)
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
        interviewees[person.interview_id].append(person)

    staff_ids = union(
        sa_select(Interview.moderator_id).where(Interview.review_id == rid),  # type: ignore[call-overload]
        sa_select(Interview.note_taker_id).where(Interview.review_id == rid),  # type: ignore[call-overload]
        sa_select(Interview.timekeeper_id).where(Interview.review_id == rid),  # type: ignore[call-overload]
    )
    staff = {
        p.id: p.name
        for p in session.exec(select(Person).where(col(Person.id).in_(staff_ids))).all()
    }

    team_rows = session.exec(
        select(Assignment.role, Person.name, Person.title, Municipality.name)
        .join(Person, Person.id == Assignment.person_id)  # type: ignore[arg-type]
        .join(Municipality, Municipality.id == Person.municipality_id)  # type: ignore[arg-type]
        .where(Assignment.review_id == rid)
        .order_by(col(Assignment.id))
    ).all()
    team = sorted(
        (
            {
                "name": name,
                "title": title or "",
                "municipality": muni,
                "role": role,
                "role_label": tr(ROLE_LABELS[Role(role)]),
            }
            for role, name, title, muni in team_rows
        ),
        key=lambda m: ROLE_ORDER.index(Role(m["role"])),
    )

    # plain rows, not ORM objects: a large review has thousands of notes
    rows: Any = session.exec(
        select(Note.interview_id, Note.question_id, Note.text, Note.rating)
        .join(Interview, Interview.id == Note.interview_id)  # type: ignore[arg-type]
        .where(Interview.review_id == rid, col(Note.removed_at).is_(None))
        .order_by(col(Interview.start), col(Interview.id), col(Note.created_at), col(Note.id))
    ).all()
    notes: list[Any] = [n for n in rows if n.interview_id in live_ids]
    findings = session.exec(
        select(Finding).where(Finding.review_id == rid).order_by(col(Finding.id))
    ).all()
    recs = session.exec(
        select(Recommendation)
        .where(Recommendation.review_id == rid)
        .order_by(col(Recommendation.id))
    ).all()
    texts = {
        r.section: r.text
        for r in session.exec(select(ReportText).where(ReportText.review_id == rid)).all()
    }

    # -- shape it
    iv_group = {iv.row.id: iv.row.group_id for iv in ivs}
    by_question: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    loose: dict[str, list[Any]] = defaultdict(list)
    known_questions = {q.id for b in template.blocks for q in b.questions}
    for n in notes:
        gid = iv_group[n.interview_id]
        if n.question_id is not None and n.question_id in known_questions:
            by_question[n.question_id][gid].append(n)
        elif n.text.strip():
            loose[gid].append(n)
    group_order = [g.id for g in template.groups]

    def ordered(groups: Iterable[str]) -> list[str]:
        present = set(groups)
        return [g for g in group_order if g in present] + sorted(present - set(group_order))

    def group_notes(gid: str, rows: list[Any]) -> dict[str, Any] | None:
        written = [n.text for n in rows if n.text.strip()]
        if not written:
            return None
        paragraphs = [p for text in written for p in text_paragraphs(text)]
        return {
            "id": gid,
            "name": group_name(gid),
            "notes": [_one_line(x) for x in written],
            "paragraphs": paragraphs,
        }

    def question(q: Question) -> dict[str, Any]:
        per_group = by_question.get(q.id, {})
        groups = [
            g for gid in ordered(per_group) if (g := group_notes(gid, per_group[gid])) is not None
        ]
        rating = None
        if q.kind == "rating":
            scale = {s.value: s.label for s in (q.scale or [])}
            rows = []
            for gid in ordered(per_group):
                values = [n.rating for n in per_group[gid] if n.rating is not None]
                if not values:
                    continue
                counts = Counter(values)
                rows.append(
                    {
                        "group": group_name(gid),
                        "counts": [counts.get(v, 0) for v in (1, 2, 3, 4)],
                        "n": len(values),
                        "mean": _decimal(sum(values) / len(values), lang),
                    }
                )
            if rows:
                labels_ = [scale.get(v, str(v)) for v in (1, 2, 3, 4)]
                rating = {
                    "scale": labels_,
                    "legend": ", ".join(
                        f"{v} = {label}" for v, label in zip((1, 2, 3, 4), labels_, strict=True)
                    ),
                    "rows": rows,
                }
        return {
            "id": q.id,
            "text": q.text,
            "kind": q.kind,
            "followups": list(q.followups),
            "groups": groups,
            "rating": rating,
        }

    recommendations = []
    block_titles = {b.id: b.title for b in template.blocks}
    for i, r in enumerate(recs, start=1):
        recommendations.append(
            {
                "number": i,
                "text": r.text,
                "block": r.block_id or "",
                "block_title": block_titles.get(r.block_id or "", ""),
            }
        )
    findings_by_block: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        findings_by_block[f.block_id].append(f)

    blocks = []
    completions = []
    for b in template.blocks:
        fs = findings_by_block.get(b.id, [])
        strengths = [f.text for f in fs if f.kind == FindingKind.strength.value]
        developments = [f.text for f in fs if f.kind == FindingKind.development.value]
        done = [question(q) for q in b.questions if q.kind == "completion"]
        completions.extend(done)
        blocks.append(
            {
                "id": b.id,
                "title": b.title,
                "description": b.description or "",
                "articles": list(b.articles),
                "articles_text": _join([str(a) for a in b.articles], t["and"]),
                "questions": [question(q) for q in b.questions if q.kind != "completion"],
                "completions": done,
                "strengths": strengths,
                "developments": developments,
                "no_findings": any(f.kind == FindingKind.none.value for f in fs)
                and not (strengths or developments),
                "recommendations": [r for r in recommendations if r["block"] == b.id],
            }
        )
    observations = [g for gid in ordered(loose) if (g := group_notes(gid, loose[gid])) is not None]

    interviews: list[dict[str, Any]] = []
    per_group: dict[str, dict[str, Any]] = {}
    for iv in ivs:
        row = iv.row
        assert row.id is not None
        people = interviewees.get(row.id, [])
        local_start, local_end = to_local(iv.start), to_local(iv.end)
        jobs = [
            (t["moderator"], row.moderator_id),
            (t["note_taker"], row.note_taker_id),
            (t["timekeeper"], row.timekeeper_id),
        ]
        team_text = ", ".join(
            f"{job} {staff[pid]}" for job, pid in jobs if pid is not None and pid in staff
        )
        interviews.append(
            {
                "id": row.id,
                "group": row.group_id,
                "group_name": group_name(row.group_id),
                "date": format_day(local_start.date(), lang),
                "time": f"{local_start:%H:%M}–{local_end:%H:%M}",
                "start": format_local(iv.start) or "",
                "minutes": max(0, round((iv.end - iv.start).total_seconds() / 60)),
                "place": row.place or "",
                "moderator": staff.get(row.moderator_id, "") if row.moderator_id else "",
                "note_taker": staff.get(row.note_taker_id, "") if row.note_taker_id else "",
                "timekeeper": staff.get(row.timekeeper_id, "") if row.timekeeper_id else "",
                "team_text": team_text[:1].upper() + team_text[1:],
                "interviewees": [_interviewee(p, anonymous, tr) for p in people],
            }
        )
        summary = per_group.setdefault(
            row.group_id,
            {
                "id": row.group_id,
                "name": group_name(row.group_id),
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
    groups = [per_group[g] for g in ordered(per_group)]
    for g in groups:
        g["titles_text"] = ", ".join(g["titles"])

    visit_days = [to_local(iv.start).date() for iv in ivs]
    review_info = _review_info(session, review, lang, t, visit_days)
    n_interviews = len(interviews)
    n_people = sum(p["head_count"] for iv in interviews for p in iv["interviewees"])
    hours = sum((iv.end - iv.start).total_seconds() for iv in ivs) / 3600
    visit_text = ""
    if interviews:
        held = (
            tr("The team held one interview")
            if n_interviews == 1
            else tr("The team held {n} interviews").format(n=n_interviews)
        )
        with_people = (
            tr("with one participant.")
            if n_people == 1
            else tr("with {n} participants in all.").format(n=n_people)
        )
        visit_text = " ".join(
            (
                tr("The visit took place on {dates}.").format(dates=review_info["visit"]["dates"]),
                held,
                with_people,
            )
        )
    return {
        "doc": _doc_info(
            review_info,
            template,
            lang,
            t,
            title=t["report_title"],
            draft=not final,
            anonymous=anonymous,
            at=at,
            report_version=report_version,
        ),
        "review": review_info,
        "texts": {
            s.value: text_paragraphs(texts.get(s.value, ""))
            for s in (ReportSection.summary, ReportSection.reflections, ReportSection.introduction)
        },
        "method": text_paragraphs(tr(METHOD_TEXT)),
        "team": team,
        "visit_text": visit_text,
        "stats": {
            "interviews": n_interviews,
            "participants": n_people,
            "notes": sum(1 for n in notes if n.text.strip()),
            "hours": _decimal(hours, lang),
        },
        "groups": groups,
        "blocks": blocks,
        "completions": completions,
        "observations": observations,
        "recommendations": recommendations,
        "interviews": interviews,
        "t": t,
    }


def _interviewee(p: Any, anonymous: bool, tr: Any) -> dict[str, Any]:
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


# Sentences put together in build_context, visible to the catalog extractor.
_SENTENCES = (
    N_("The visit took place on {dates}."),
    N_("The team held one interview"),
    N_("The team held {n} interviews"),
    N_("with one participant."),
    N_("with {n} participants in all."),
    N_("one person"),
    N_("{n} people"),
)


def _decimal(value: float, lang: str) -> str:
    from babel.numbers import format_decimal

    return str(format_decimal(value, "0.0", locale=_BABEL_LOCALES[lang]))


# -- rendering -------------------------------------------------------------------------------


def _properties(context: dict[str, Any]) -> docxrender.Properties:
    doc = context["doc"]
    return docxrender.Properties(
        title=doc["title"],
        subject=doc["subject"],
        author=doc["author"],
        language=doc["lang"],
        keywords=", ".join(
            x for x in ("kollegial granskning", "barnkonventionen", context["review"]["host"]) if x
        ),
    )


def render_report(context: dict[str, Any], *, template: Path | None = None, at: datetime) -> bytes:
    """The report document for ``context`` (from :func:`build_context`)."""
    path = template or shipped_template(REPORT)
    return docxrender.render(
        _read_template(path),
        context,
        schema=REPORT_SCHEMA,
        properties=_properties(context),
        at=at,
        name=path.name if template is None else str(path),
        trusted=template is None,
    )


def _versions(session: Session, review_id: int) -> list[ReportVersion]:
    return list(
        session.exec(
            select(ReportVersion)
            .where(ReportVersion.review_id == review_id)
            .order_by(col(ReportVersion.number))
        ).all()
    )


def _stored(row: ReportVersion) -> Built:
    if row.content is None:
        raise RuleError(
            _(
                "report version {n} was purged on {date} (personal data was erased); it cannot be returned"
            ).format(n=row.number, date=format_local(row.purged_at) or "?")
        )
    return Built(row.content, row.sha256, row.language, version=row.number)


def build(
    store: Store,
    review_id: int,
    *,
    template: Path | None = None,
    lang: str | None = None,
    anonymous: bool = False,
    version: int | None = None,
) -> Built:
    """The review's report.

    For a handed-over review this is the stored document, byte for byte, unless a
    template, another language or an anonymous report is asked for (then it is built from
    the frozen content). Otherwise a draft is built from the current content.

    :param template: a user's Word template instead of the shipped one.
    :param lang: the report's language, ``sv`` or ``en`` (default: the review's language).
    :param anonymous: leave out interviewees' names altogether.
    :param version: return stored version ``version`` (see :func:`versions`).
    """
    with store.read() as s:
        review = get_review(s, review_id)
        if version is not None:
            for row in _versions(s, review_id):
                if row.number == version:
                    return _stored(row)
            raise NotFoundError(
                _("review {id} has no report version {n}").format(id=review_id, n=version)
            )
        frozen = ReviewState(review.state) in FROZEN_STATES
        latest = _versions(s, review_id)[-1:] if frozen else []
        if latest:
            stored = latest[0]
            if template is None and not anonymous and (lang is None or lang == stored.language):
                return _stored(stored)
        # a rendering of frozen content keeps the handed-over language unless told otherwise;
        # a draft is in the review's language, whoever builds it
        chosen = _lang(lang or (latest[0].language if latest else review.language))
        at = store.now()
        context = build_context(
            s,
            review,
            lang=chosen,
            at=at,
            anonymous=anonymous,
            final=frozen,
            report_version=latest[0].number if latest else None,
        )
    data = render_report(context, template=template, at=at)
    return Built(data, docxrender.sha256(data), chosen, from_frozen=frozen)


@dataclass(frozen=True)
class _Prepared:
    """A final report rendered before the handover's transaction, and what it was made of."""

    review_id: int
    number: int
    lang: str
    at: datetime
    context: dict[str, Any]
    data: bytes


_PREPARED: ContextVar[_Prepared | None] = ContextVar("granskning_prepared_report", default=None)


@contextmanager
def prepared_hand_over(store: Store, review_id: int, params: Any) -> Iterator[None]:
    """Render the final report before the ``hand_over`` transaction, for :func:`hand_over`.

    Rendering may take long (a large review, a restyled template at its limits), and the
    transaction holds the database's write lock: so the document is made first, with no
    transaction open, and the transaction only stores it (see reviews.PREPARE).
    """
    token = _PREPARED.set(_prepare(store, review_id, params))
    try:
        yield
    finally:
        _PREPARED.reset(token)


def _prepare(store: Store, review_id: int, params: Any) -> _Prepared | None:
    from granskning.domain.workflow import review_block_reasons
    from granskning.services.reviews import gather_facts

    at = store.now().replace(microsecond=0)
    with store.read() as s:
        review = get_review(s, review_id)
        if review_block_reasons("hand_over", gather_facts(s, review, store.now()), params):
            return None  # blocked: the action's guard says why, in its transaction
        number = _next_number(s, review_id)
        lang = _lang(review.language)  # the review's language, never the caller's --lang
        s.expunge(review)  # dated below as the handover will date it, never written from here
        review.handed_over_on = handover_day(params, at)
        context = build_context(s, review, lang=lang, at=at, final=True, report_version=number)
    data = render_report(context, template=_handover_template_or_none(), at=at)
    return _Prepared(review_id, number, lang, at, context, data)


def _next_number(session: Session, review_id: int) -> int:
    return (
        session.exec(
            select(func.max(ReportVersion.number)).where(ReportVersion.review_id == review_id)
        ).one()
        or 0
    ) + 1


def hand_over(session: Session, store: Store, review: Review, params: Any) -> None:
    """Effect of the ``hand_over`` action: store the final report, date the handover.

    The report was rendered before the transaction (:func:`prepared_hand_over`); here its
    context is read again, and if anything in it changed meanwhile the action fails
    (ConflictError) and nothing changes.
    """
    assert review.id is not None
    prepared = _PREPARED.get()
    changed = ConflictError(
        _("review {id} changed while its report was being built; try again").format(id=review.id)
    )
    if prepared is None or prepared.review_id != review.id:
        raise changed
    at = prepared.at
    review.handed_over_on = handover_day(params, at)
    session.add(review)
    number = _next_number(session, review.id)
    context = build_context(
        session, review, lang=prepared.lang, at=at, final=True, report_version=number
    )
    if number != prepared.number or context != prepared.context:
        raise changed
    data, lang = prepared.data, prepared.lang

    digest = docxrender.sha256(data)
    session.add(
        ReportVersion(
            review_id=review.id,
            number=number,
            sha256=digest,
            content=data,
            language=lang,
            created_at=at,
        )
    )
    record(
        session,
        store,
        entity="report",
        action="store_version",
        review_id=review.id,
        data={"version": number, "sha256": digest, "bytes": len(data), "language": lang},
    )


def handover_day(params: Any, at: datetime) -> date:
    """The handover's day: ``--date`` when entered afterwards (never after today: a guard
    sees to it), else today."""
    day: date | None = getattr(params, "date", None)
    return day or to_local(at).date()


def _handover_template_or_none() -> Path | None:
    path = handover_template()
    return None if path == shipped_template(REPORT) else path


def versions(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The stored (handed-over) versions of the review's report, oldest first."""
    with store.read() as s:
        get_review(s, review_id)
        rows = _versions(s, review_id)
    return [
        {
            "id": r.id,
            "number": r.number,
            "sha256": r.sha256,
            "created": format_local(r.created_at),
            "language": r.language,
            "bytes": len(r.content) if r.content is not None else None,
            "purged": format_local(r.purged_at),
        }
        for r in rows
    ]


def verify(store: Store, review_id: int, version: int | None = None) -> dict[str, Any]:
    """Rebuild a stored version from the current content and compare the SHA-256.

    While a review stays handed over its content cannot change, so its latest version
    must rebuild to the same bytes.
    """
    with store.read() as s:
        review = get_review(s, review_id)
        rows = _versions(s, review_id)
        if not rows:
            raise RuleError(_("review {id} has no handed-over report").format(id=review_id))
        wanted = (
            rows[-1] if version is None else next((r for r in rows if r.number == version), None)
        )
        if wanted is None:
            raise NotFoundError(
                _("review {id} has no report version {n}").format(id=review_id, n=version)
            )
        if wanted.purged_at is not None:
            # purged because a person was forgotten: the content a rebuild would need to
            # match changed with it, so there is nothing to compare
            return {
                "version": wanted.number,
                "stored": wanted.sha256,
                "rebuilt": None,
                "matches": False,
                "purged": format_local(wanted.purged_at),
            }
        context = build_context(
            s,
            review,
            lang=wanted.language,
            at=wanted.created_at,
            final=True,
            report_version=wanted.number,
        )
    data = render_report(context, template=_handover_template_or_none(), at=wanted.created_at)
    rebuilt = docxrender.sha256(data)
    return {
        "version": wanted.number,
        "stored": wanted.sha256,
        "rebuilt": rebuilt,
        "matches": rebuilt == wanted.sha256,
        "purged": None,
    }


def check_template(path: Path, kind: str = REPORT) -> list[Problem]:
    """Every problem of a user's template: syntax errors, unknown variables, unsafe constructs.

    :param kind: what the template is for: ``granskningsrapport`` or ``uppfoljningsseminarium``.
    """
    shipped_template(kind)  # validates kind
    return docxrender.check(_read_template(path), SCHEMAS[kind], str(path))


# -- PDF -------------------------------------------------------------------------------------


def libreoffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_libreoffice() -> str:
    """The LibreOffice program, or a ToolMissing error saying how to install it."""
    exe = libreoffice()
    if exe is None:
        raise ToolMissing(
            _(
                "--pdf needs LibreOffice, which is not installed. Install it and run the command "
                "again: Debian/Ubuntu: sudo apt install libreoffice-writer; Fedora: sudo dnf "
                "install libreoffice-writer; macOS: brew install --cask libreoffice; Windows: "
                "https://www.libreoffice.org/download/"
            )
        )
    return exe


def to_pdf(docx: Path, timeout: int = 300) -> Path:
    """Convert a .docx into a tagged (accessible) PDF next to it with LibreOffice."""
    exe = require_libreoffice()
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as outdir:
        command = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
            "--outdir",
            outdir,
            str(docx),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuleError(
                _("LibreOffice did not finish converting {path} within {n} seconds").format(
                    path=docx, n=timeout
                )
            ) from None
        produced = Path(outdir) / (docx.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            detail = (done.stderr or done.stdout or "").strip().splitlines()
            raise RuleError(
                _("LibreOffice could not convert {path}: {error}").format(
                    path=docx, error=detail[-1] if detail else done.returncode
                )
            )
        from granskning.storage.output import write_output

        write_output(target, produced.read_bytes(), option="--pdf")
    return target


__all__ = [
    "LABELS",
    "REPORT",
    "REPORT_SCHEMA",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "Built",
    "ToolMissing",
    "build",
    "build_context",
    "check_template",
    "hand_over",
    "labels",
    "render_report",
    "shipped_template",
    "text_paragraphs",
    "to_pdf",
    "verify",
    "versions",
]
