"""Checking an export file beyond its format: references, then the commands' rules.

:func:`check_references` finds what the records say of each other (a record twice, a note of
an interview the file lacks, a report version whose content does not match its hash);
:func:`check_rules` checks every value by the rules the commands apply. Each is a table of
small rule functions, one per record kind, run in order. :func:`parse_document` reads and
checks a whole document.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from granskning.domain.errors import GranskningError, InputError
from granskning.domain.i18n import N_, _
from granskning.domain.people import name_key
from granskning.domain.templates import Template, from_pinned
from granskning.domain.text import check_email, check_line, check_text
from granskning.interchange.format import ExportFile, invalid, load, read_bytes, short
from granskning.interchange.rules import Rules
from granskning.storage.model import FindingKind, FollowUpSource


def read_file(path: Path, rules: Rules) -> ExportFile:
    """Read and check an export file; an InputError says what is wrong with it."""
    return parse_document(read_bytes(path), str(path), rules)


def parse_document(raw: bytes | str, where: str, rules: Rules) -> ExportFile:
    """Check an export document (bytes or text) and return it parsed."""
    doc = load(raw, where)
    # the rules assume the references hold: they are checked only then
    problems = check_references(doc) or check_rules(doc, rules)
    if problems:
        raise invalid(where, problems)
    return doc


# -- references -----------------------------------------------------------------------------


def _municipality_names(doc: ExportFile) -> Iterator[str]:
    r = doc.review
    for name in [
        r.host,
        *r.reviewing,
        *(p.municipality for p in doc.people),
        *(r.round.members if r.round else []),
    ]:
        if not name.split() or len(name_key(name)) > 200:
            yield _("not a municipality name: {name}").format(name=short(name))


# what must be unique in a file: the kind (in messages) and its records' keys
_UNIQUE: tuple[tuple[str, Callable[[ExportFile], list[Any]]], ...] = (
    ("person", lambda d: [p.uid for p in d.people]),
    ("interview", lambda d: [i.uid for i in d.interviews]),
    ("note", lambda d: [n.uid for n in d.notes]),
    ("finding", lambda d: [f.uid for f in d.findings]),
    ("recommendation", lambda d: [r.uid for r in d.recommendations]),
    ("follow-up item", lambda d: [i.uid for i in d.follow_up_items]),
    ("audit event", lambda d: [a.uid for a in d.audit]),
    ("report text", lambda d: [t.section for t in d.report_texts]),
    ("report version", lambda d: [v.number for v in d.report_versions]),
    ("assignment", lambda d: [(a.person, a.role.value) for a in d.assignments]),
    ("reviewing municipality", lambda d: [name_key(n) for n in d.review.reviewing]),
)


def _twice(doc: ExportFile) -> Iterator[str]:
    for kind, keys in _UNIQUE:
        seen: set[Any] = set()
        for k in keys(doc):
            if k in seen:
                yield _("{kind} {key} appears twice").format(kind=kind, key=k)
            seen.add(k)


# Named = the uids a file's records name, each with the values its message shows.
Named = Iterable[tuple[str | None, dict[str, Any]]]

# What a record may name: the message for a uid not in the file, the uids the file holds,
# the uids named (with the message's values).
_NAMED_UIDS: tuple[
    tuple[str, Callable[[ExportFile], set[str]], Callable[[ExportFile], Named]], ...
] = (
    (
        N_("assignment names person {uid}, who is not in the file"),
        lambda d: {p.uid for p in d.people},
        lambda d: ((a.person, {"uid": a.person}) for a in d.assignments),
    ),
    (
        N_("interview {uid} names person {person}, who is not in the file"),
        lambda d: {p.uid for p in d.people},
        lambda d: (
            (person, {"uid": iv.uid, "person": person})
            for iv in d.interviews
            for person in [iv.moderator, iv.note_taker, iv.timekeeper]
            + [p.person for p in iv.interviewees]
        ),
    ),
    (
        N_("note {uid} belongs to interview {iv}, which is not in the file"),
        lambda d: {i.uid for i in d.interviews},
        lambda d: ((n.interview, {"uid": n.uid, "iv": n.interview}) for n in d.notes),
    ),
    (
        N_("follow-up item {uid} is merged into {other}, which is not in the file"),
        lambda d: {i.uid for i in d.follow_up_items},
        lambda d: (
            (i.merged_into, {"uid": i.uid, "other": i.merged_into}) for i in d.follow_up_items
        ),
    ),
    (
        N_("audit event {uid} names interview {iv}, which is not in the file"),
        lambda d: {i.uid for i in d.interviews},
        lambda d: ((e.interview, {"uid": e.uid, "iv": e.interview}) for e in d.audit),
    ),
)


def _unknown_uids(doc: ExportFile) -> Iterator[str]:
    """A message for each uid a record names that is not in the file."""
    for message, known, named in _NAMED_UIDS:
        held = known(doc)
        for uid, values in named(doc):
            if uid is not None and uid not in held:
                yield _(message).format(**values)


def _report_versions(doc: ExportFile) -> Iterator[str]:
    for v in doc.report_versions:
        if v.content is None:
            if v.purged_at is None:
                yield _("report version {n} has no content and is not marked purged").format(
                    n=v.number
                )
            continue
        try:
            content = base64.b64decode(v.content, validate=True)
        except (binascii.Error, ValueError):
            yield _("report version {n}: content is not base64").format(n=v.number)
            continue
        if hashlib.sha256(content).hexdigest() != v.sha256:
            yield _("report version {n}: content does not match its SHA-256").format(n=v.number)


def _pinned_template(doc: ExportFile) -> Iterator[str]:
    template = doc.review.template
    if hashlib.sha256(template.content.encode("utf-8")).hexdigest() != template.sha256:
        yield _("the pinned template does not match its SHA-256")
        return
    try:
        from_pinned(template.content)
    except InputError:
        yield _("the pinned template is not a valid template")


_REFERENCE_RULES: tuple[Callable[[ExportFile], Iterable[str]], ...] = (
    _municipality_names,
    _twice,
    _unknown_uids,
    _report_versions,
    _pinned_template,
)


def check_references(doc: ExportFile) -> list[str]:
    """What the file's records say of each other and their content that does not hold."""
    return [problem for rule in _REFERENCE_RULES for problem in rule(doc)]


# -- the commands' rules --------------------------------------------------------------------


class _Checker:
    """The problems found so far, and what the rules of later records need from earlier
    ones (the team, the interviews' session plans)."""

    def __init__(self, doc: ExportFile, rules: Rules) -> None:
        self.doc = doc
        self.rules = rules
        self.problems: list[str] = []
        self.template: Template | None = None
        try:
            self.template = from_pinned(doc.review.template.content)
        except InputError:
            pass  # reported by check_references
        self.names = {p.uid: p.name for p in doc.people}
        self.on_team: set[str] = set()
        self.plans: dict[str, Any] = {}

    def check(self, path: str, rule: Callable[..., Any], *args: Any) -> Any:
        """``rule(*args)``, or None with its refusal noted as a problem at ``path``."""
        try:
            return rule(*args)
        except GranskningError as exc:
            self.problems.append(f"{path}: {' '.join(str(exc).split())}")
            return None

    def line(self, path: str, value: str | None) -> None:
        """A one-line value (a name, a place) when given."""
        if value is not None:
            self.check(path, check_line, value, path)

    def text(self, path: str, value: str | None, what: str, limit: int | None = None) -> None:
        """A text when given; with ``limit``, also as the command would clean it."""
        if value is None or self.check(path, check_text, value, what) is None or limit is None:
            return
        self.check(path, self.rules.clean_text, value, what, limit)

    def in_template(self, path: str, kind: str, key: str | None) -> None:
        """A ``kind`` (block, group) the pinned template must have, when given."""
        if self.template is not None and key is not None:
            self.check(path, getattr(self.template, kind), key)


def _review(c: _Checker) -> None:
    r, doc = c.doc.review, c.doc
    for path, name in [
        ("review.host", r.host),
        *((f"review.reviewing.{i}", n) for i, n in enumerate(r.reviewing)),
        *((f"people.{i}.municipality", p.municipality) for i, p in enumerate(doc.people)),
    ]:
        c.check(path, c.rules.clean_name, name, _("the municipality's name"))
    if r.round is not None:
        c.line("review.round.theme", r.round.theme)
    c.check("review.seminar_place", c.rules.check_place, r.seminar_place)


def _people(c: _Checker) -> None:
    for i, p in enumerate(c.doc.people):
        c.check(f"people.{i}.name", c.rules.clean_name, p.name, _("the person's name"))
        if p.title is not None:
            c.check(f"people.{i}.title", c.rules.clean_name, p.title, _("the title"))
        if p.email is not None:
            c.check(f"people.{i}.email", check_email, p.email)


def _assignments(c: _Checker) -> None:
    r = c.doc.review
    people = {p.uid: p for p in c.doc.people}
    host = name_key(r.host)
    team: list[tuple[str, str, str]] = []
    for i, a in enumerate(c.doc.assignments):
        person = people.get(a.person)
        if person is not None:
            from_host = name_key(person.municipality) == host
            path = f"assignments.{i}.role"
            c.check(path, c.rules.check_role, a.role, person.name, from_host, r.host)
            c.check(path, c.rules.check_assignment, r.host, a.role, a.person, person.name, team)
        team.append((a.role.value, a.person, c.names.get(a.person, "?")))
    c.on_team = {uid for role, uid, _name in team if role in c.rules.team_roles}


def _interviews(c: _Checker) -> None:
    host = c.doc.review.host
    for i, iv in enumerate(c.doc.interviews):
        at = f"interviews.{i}"
        if c.template is not None and c.check(f"{at}.group", c.template.group, iv.group):
            c.plans[iv.uid] = c.rules.session_plan(
                c.doc.review.template.content, iv.group, iv.minutes
            )
        c.check(f"{at}.minutes", c.rules.check_minutes, iv.minutes)
        staff = [("moderator", iv.moderator), ("note_taker", iv.note_taker)]
        staff.append(("timekeeper", iv.timekeeper))
        named = [(job, uid) for job, uid in staff if uid is not None]
        reasons = c.rules.staff_reasons(
            named, c.on_team, c.names, host, iv.moderator, iv.note_taker
        )
        c.problems.extend(f"{at}: {reason}" for reason in reasons)
        c.check(f"{at}.place", c.rules.check_place, iv.place)
        c.text(f"{at}.cancel_reason", iv.cancel_reason, _("the reason"))
        for j, who in enumerate(iv.interviewees):
            for field in ("name", "title", "organisation"):
                c.line(f"{at}.interviewees.{j}.{field}", getattr(who, field))
        plan = c.plans.get(iv.uid)
        for j, e in enumerate(iv.events):
            if plan is not None and e.question is not None:
                c.check(f"{at}.events.{j}.question", c.rules.check_step, plan, e.question)


def _notes(c: _Checker) -> None:
    for i, n in enumerate(c.doc.notes):
        c.check(f"notes.{i}", c.rules.check_note_text, n.text, n.rating)
        plan = c.plans.get(n.interview)
        if plan is not None:
            c.check(f"notes.{i}.question", c.rules.check_note_question, plan, n.question, n.rating)
        c.line(f"notes.{i}.author", n.author)


def _findings(c: _Checker) -> None:
    for i, f in enumerate(c.doc.findings):
        c.in_template(f"findings.{i}.block", "block", f.block)
        if f.kind != FindingKind.none or f.text:
            c.text(f"findings.{i}.text", f.text, _("the finding"), c.rules.finding_limit)


def _recommendations(c: _Checker) -> None:
    for i, rec in enumerate(c.doc.recommendations):
        c.in_template(f"recommendations.{i}.block", "block", rec.block)
        limit = c.rules.finding_limit
        c.text(f"recommendations.{i}.text", rec.text, _("the recommendation"), limit)


def _report_texts(c: _Checker) -> None:
    for i, t in enumerate(c.doc.report_texts):
        if t.section.startswith("block:"):  # the team's analysis of a block of the template
            c.in_template(f"report_texts.{i}.section", "block", t.section.removeprefix("block:"))
        c.text(f"report_texts.{i}.text", t.text, _("the report text"), c.rules.report_text_limit)


def _follow_up_items(c: _Checker) -> None:
    items = {it.uid: it for it in c.doc.follow_up_items}
    for i, it in enumerate(c.doc.follow_up_items):
        at = f"follow_up_items.{i}"
        c.in_template(f"{at}.block", "block", it.block)
        if it.source == FollowUpSource.manual:
            if c.check(f"{at}.text", check_text, it.text, _("the item")) is not None:
                c.check(f"{at}.text", c.rules.clean_item_text, it.text, _("the item"))
        else:  # made at the handover from a note (a commitment), finding or recommendation
            commitment = it.source == FollowUpSource.commitment
            limit = c.rules.note_limit if commitment else c.rules.finding_limit
            c.text(f"{at}.text", it.text, _("the item"), limit)
        c.text(f"{at}.comment", it.comment, "--comment")
        if it.comment is not None and len(it.comment) > c.rules.item_limit:
            c.check(f"{at}.comment", c.rules.clean_item_text, it.comment, "--comment")
        c.line(f"{at}.responsible", it.responsible)
        if it.merged_into is not None:
            target = items.get(it.merged_into)
            into_merged = target.merged_into if target is not None else None
            rule = c.rules.check_merge
            c.check(f"{at}.merged_into", rule, it.uid, it.merged_into, into_merged)


def _audit(c: _Checker) -> None:
    for i, ev in enumerate(c.doc.audit):
        c.line(f"audit.{i}.actor", ev.actor)
        c.text(f"audit.{i}.text", ev.text, _("the comment"))


# one rule function per record kind, in the order of the file (the assignments make the
# team the interviews are staffed from, the interviews the session plans notes follow)
_RECORD_RULES: tuple[Callable[[_Checker], None], ...] = (
    _review,
    _people,
    _assignments,
    _interviews,
    _notes,
    _findings,
    _recommendations,
    _report_texts,
    _follow_up_items,
    _audit,
)


def check_rules(doc: ExportFile, rules: Rules) -> list[str]:
    """Every value of the file checked by the rules the commands apply, through the same
    functions: ``PATH: message`` for each problem (PATH as in the file, ``notes.3.rating``)."""
    checker = _Checker(doc, rules)
    for rule in _RECORD_RULES:
        rule(checker)
    return checker.problems
