"""The seminar record (minnesanteckningar.docx): what the follow-up seminar decided.

Date, place and participants; each item of the checklist with its status before the
seminar and after it, comment, responsible person and deadline; the next steps; the date of
the next follow-up. The facts are read by :mod:`granskning.services.seminar_record`; the
items are numbered and worded as on the checklist (:mod:`granskning.documents.checklist`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from granskning.documents import docxrender
from granskning.documents.checklist import ChecklistFacts, checklist_context
from granskning.documents.labels import MINUTES_LABELS
from granskning.documents.report_context import text_paragraphs
from granskning.documents.schemas import MINUTES, MINUTES_SCHEMA
from granskning.documents.style import (
    LANGUAGE_TAGS,
    STATUS_FILLS,
    capitalised,
    format_day,
    translated,
)
from granskning.domain.enums import FollowUpStatus
from granskning.domain.i18n import _, speaking
from granskning.domain.labels import COLOUR_LABELS, STATUS_LABELS
from granskning.resources import reports_dir


@dataclass(frozen=True)
class MinutesFacts:
    """What the seminar record shows, as read from the database."""

    checklist: ChecklistFacts
    participants: list[dict[str, Any]]
    before: dict[int, str]  # item id -> its status before the seminar
    next_steps: str
    next_follow_up: date | None


def minutes_template() -> Path:
    """The shipped Word template of the seminar record."""
    return reports_dir() / f"{MINUTES}.docx"


def _status_text(status: str | None) -> str:
    if not status:
        return "–"
    s = FollowUpStatus(status)
    return f"{capitalised(_(STATUS_LABELS[s]))} ({_(COLOUR_LABELS[s])})"


def _row(item: dict[str, Any], before: str | None) -> dict[str, Any]:
    return {
        "ref": item["ref"],
        "source_heading": item["source_heading"],
        "text": item["shown_text"],
        "before": _status_text(before),
        "after": _status_text(item["status"]),
        "fill": STATUS_FILLS[item["status"]] if item["status"] else "FFFFFF",
        "comment": item["comment"] or "",
        "responsible": item["responsible"] or "",
        "deadline": item["deadline_text"],
    }


def minutes_context(facts: MinutesFacts, lang: str) -> dict[str, Any]:
    """Everything the seminar record's template is filled in with, wholly in ``lang``."""
    base = checklist_context(facts.checklist, lang)
    with speaking(lang):
        t = translated(MINUTES_LABELS, lang)
        rows = [_row(i, facts.before.get(i["id"])) for i in base["items"]]
        return {
            "partnership": base["partnership"],
            "logo": base["logo"],
            "logo_alt": base["logo_alt"],
            "host": base["host"],
            "reviewing": base["reviewing"],
            "round": base["round"],
            "template_title": base["template_title"],
            "document_title": t["document"],
            "handed_over": base["handed_over"],
            "seminar_date": base["seminar_date"],
            "seminar_when": base["seminar_when"],
            "seminar_place": base["seminar_place"],
            "participants": [
                {"name": p["name"], "municipality": p["municipality"] or ""}
                for p in facts.participants
            ],
            "items": rows,
            "next_steps": text_paragraphs(facts.next_steps),
            "next_follow_up": format_day(facts.next_follow_up, lang)
            if facts.next_follow_up
            else "",
            "generated": base["generated"],
            "t": t,
        }


def write_minutes(facts: MinutesFacts, lang: str, out: Path, template: Path | None = None) -> Path:
    """Write the seminar record into ``out``, wholly in ``lang`` (the review's language).

    :param template: a restyled copy of ``reports/minnesanteckningar.docx``.
    """
    context = minutes_context(facts, lang)
    properties = docxrender.Properties(
        title=f"{context['document_title']} – {facts.checklist.host}",
        subject=facts.checklist.template.title,
        author=facts.checklist.partnership,
        language=LANGUAGE_TAGS[lang],
    )
    return docxrender.write(
        template or minutes_template(),
        context,
        out,
        schema=MINUTES_SCHEMA,
        properties=properties,
        at=facts.checklist.at,
    )


__all__ = ["MinutesFacts", "minutes_context", "minutes_template", "write_minutes"]
