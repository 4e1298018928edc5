"""The follow-up seminar's checklist (uppfoljningsseminarium.docx) from the facts read for it.

The facts (the review, its checklist items as ``seminar items --json`` shows them, the
seminar's dates) are read by :mod:`granskning.services.followup`; here they are shaped into
the template's context (:data:`granskning.documents.schemas.CHECKLIST_SCHEMA`) and rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from granskning.documents import docxrender
from granskning.documents.labels import CHECKLIST_LABELS
from granskning.documents.logo import alt_of
from granskning.documents.schemas import CHECKLIST, CHECKLIST_SCHEMA
from granskning.documents.style import (
    DEFAULT_PARTNERSHIP,
    LANGUAGE_TAGS,
    STATUS_COLOURS,
    STATUS_FILLS,
    capitalised,
    format_day,
    format_iso_day,
    format_moment,
    format_time,
    translated,
)
from granskning.domain.enums import FollowUpStatus, ReviewState
from granskning.domain.i18n import _, speaking
from granskning.domain.labels import COLOUR_LABELS, STATE_LABELS, STATUS_LABELS
from granskning.domain.templates import Template
from granskning.domain.timefmt import to_local
from granskning.resources import reports_dir

# After these states the checklist is a record of the seminar.
_HELD = frozenset({ReviewState.followed_up, ReviewState.closed})


@dataclass(frozen=True)
class ChecklistFacts:
    """What the checklist shows, as read from the database."""

    review_id: int
    state: ReviewState
    host: str
    reviewing: list[str]
    round: dict[str, Any] | None
    template: Template
    items: list[dict[str, Any]]  # every item, merged ones too, as ``seminar items --json``
    handed_over: str
    seminar: str
    seminar_start: datetime | None
    seminar_place: str
    at: datetime  # when the checklist is printed
    partnership: str = DEFAULT_PARTNERSHIP
    participants: list[dict[str, Any]] = field(default_factory=list)  # name, municipality
    logo: Any = ""  # the cover's logo (documents.logo.cover_logo), or "" when none is set


def checklist_template() -> Path:
    """The shipped Word template of the follow-up checklist."""
    return reports_dir() / f"{CHECKLIST}.docx"


def _blocks(facts: ChecklistFacts, live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live items by block: general items (no block) first, then block by block."""
    titles = {b.id: b.title for b in facts.template.blocks}
    order = [None, *[b.id for b in facts.template.blocks]]
    blocks = []
    for block_id in [*order, *sorted({i["block"] for i in live} - set(order))]:
        members = [i for i in live if i["block"] == block_id]
        if members:
            blocks.append(
                {
                    "id": block_id,
                    "title": titles.get(block_id, block_id) if block_id else _("General"),
                    # not "items": Jinja would find the dict method first
                    "entries": members,
                }
            )
    return blocks


def _normal(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .…")


def _shown_text(item: dict[str, Any]) -> str:
    """An item's text as the checklist words it: a development area as an action."""
    if item["source"] == "development":
        return _("Act on: {text}").format(text=item["text"])
    return str(item["text"])


def _source_heading(item: dict[str, Any], same: list[dict[str, Any]]) -> str:
    """ "Recommendation R2", "Commitment (Elected politicians, Staff)", ..."""
    if item["source"] == "recommendation" and item.get("code"):
        return f"{capitalised(_('recommendation'))} {item['code']}"
    if item["source"] == "development":
        return _("Development area – action")
    label = capitalised(item["source_label"])
    groups = [g for g in (item.get("group"), *(m.get("group") for m in same)) if g]
    if groups and item["source"] == "commitment":
        label = f"{capitalised(_('commitment'))} ({', '.join(dict.fromkeys(groups))})"
    return label


def _numbered(
    blocks: list[dict[str, Any]], every: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    """The items in the checklist's order, numbered, each with the items merged into it
    (those with the same text only add their group to the label)."""
    live = [i for b in blocks for i in b["entries"]]
    for number, item in enumerate(live, start=1):
        children = [m for m in every if m["merged_into"] == item["id"]]
        same = [m for m in children if _normal(m["text"]) == _normal(item["text"])]
        item["number"] = number
        # items read before numbering (or made by hand) lack some keys
        item.setdefault("code", "")
        item.setdefault("deadline", None)
        item.setdefault("group", None)
        item["ref"] = item["code"] or str(number)
        item["source_heading"] = _source_heading(item, same)
        item["shown_text"] = _shown_text(item)
        item["deadline_text"] = format_iso_day(item["deadline"], lang) if item["deadline"] else ""
        item["status_heading"] = (
            f"{capitalised(item['status_label'])} ({item['colour_label']})"
            if item["status"]
            else ""
        )
        item["merged"] = [
            {"id": m["id"], "text": m["text"], "source_label": m["source_label"]}
            for m in children
            if m not in same
        ]
    return live


SIGNATURE_ROWS = 8  # at least this many lines to sign, blank ones after those known


def signatures(participants: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The participants' list to sign: those known, then blank lines."""
    rows = [{"name": p["name"], "municipality": p["municipality"] or ""} for p in participants]
    blank = max(SIGNATURE_ROWS - len(rows), 3)
    return rows + [{"name": "", "municipality": ""} for _ in range(blank)]


def _status(s: FollowUpStatus, count: int) -> dict[str, Any]:
    label = capitalised(_(STATUS_LABELS[s]))
    return {
        "status": s.value,
        "label": _(STATUS_LABELS[s]),
        "heading": f"{label} – {_(COLOUR_LABELS[s])}",
        "box": f"☐ {label}",
        "colour": STATUS_COLOURS[s.value],
        "colour_label": _(COLOUR_LABELS[s]),
        "fill": STATUS_FILLS[s.value],
        "count": count,
    }


def _seminar_times(start: datetime | None, lang: str) -> dict[str, str]:
    return {
        "seminar_date": format_day(to_local(start).date(), lang) if start else "",
        "seminar_time": format_time(start, lang) if start else "",
        "seminar_when": format_moment(start, lang) if start else "",
    }


def _held_text(seminar_date: str, counts: dict[str, int]) -> str:
    return _(
        "The seminar was held on {date}. Below is what was recorded for each item: "
        "done {done}, in progress {in_progress}, not started {not_started}."
    ).format(
        date=seminar_date,
        done=counts["done"],
        in_progress=counts["in_progress"],
        not_started=counts["not_started"],
    )


def checklist_context(facts: ChecklistFacts, lang: str) -> dict[str, Any]:
    """Everything the checklist template is filled in with, wholly in ``lang``."""
    with speaking(lang):
        return _context(facts, lang)


def _context(facts: ChecklistFacts, lang: str) -> dict[str, Any]:
    every = [dict(i) for i in facts.items]
    blocks = _blocks(facts, [i for i in every if i["merged_into"] is None])
    live = _numbered(blocks, every, lang)
    counts = {s.value: sum(1 for i in live if i["status"] == s.value) for s in FollowUpStatus}
    counts["none"] = sum(1 for i in live if i["status"] is None)
    times = _seminar_times(facts.seminar_start, lang)
    held = facts.state in _HELD
    t = translated(CHECKLIST_LABELS, lang)
    return {
        "review_id": facts.review_id,
        "host": facts.host,
        "reviewing": _join_names(facts.reviewing),
        "reviewing_list": facts.reviewing,
        "round": facts.round,
        "template_title": facts.template.title,
        "partnership": facts.partnership,
        "logo": facts.logo,
        "logo_alt": alt_of(facts.logo),
        # before the seminar a checklist to work with; after it the record of its results
        "document_title": t["document_held"] if held else t["document"],
        "subtitle": f"{t['results_for' if held else 'checklist_for']} {facts.host}",
        "handed_over": format_iso_day(facts.handed_over, lang),
        "seminar": times["seminar_when"],
        **times,
        "seminar_place": facts.seminar_place,
        "held": held,
        "held_text": _held_text(times["seminar_date"], counts) if held else "",
        "state": facts.state.value,
        "state_label": _(STATE_LABELS[facts.state]),
        "items": live,
        "blocks": blocks,
        "counts": counts,
        "statuses": [_status(s, counts[s.value]) for s in FollowUpStatus],
        "generated": format_moment(facts.at, lang),
        "signatures": signatures(facts.participants),
        "t": t,
    }


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def write_checklist(
    facts: ChecklistFacts, lang: str, out: Path, template: Path | None = None
) -> Path:
    """Write the checklist into ``out``, wholly in ``lang`` (the review's language).

    :param template: a restyled copy of ``reports/uppfoljningsseminarium.docx``.
    """
    context = checklist_context(facts, lang)
    properties = docxrender.Properties(
        title=f"{context['document_title']} – {facts.host}",
        subject=facts.template.title,
        author=facts.partnership,
        language=LANGUAGE_TAGS[lang],
    )
    return docxrender.write(
        template or checklist_template(),
        context,
        out,
        schema=CHECKLIST_SCHEMA,
        properties=properties,
        at=facts.at,
    )


__all__ = [
    "ChecklistFacts",
    "checklist_context",
    "checklist_template",
    "signatures",
    "write_checklist",
]
