"""A municipality's history as a Word document, through the one document pipeline.

The figures come from :func:`granskning.services.history.figures`; here they are written
out in one language for the template ``reports/kommunhistorik.docx`` (context schema
:data:`granskning.documents.schemas.HISTORY_SCHEMA`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from granskning.documents import docxrender
from granskning.documents.docxrender import Properties
from granskning.documents.labels import HISTORY_LABELS
from granskning.documents.logo import alt_of
from granskning.documents.schemas import HISTORY, HISTORY_SCHEMA
from granskning.documents.style import (
    DEFAULT_PARTNERSHIP,
    LANGUAGE_TAGS,
    STATUS_FILLS,
    WHITE,
    ZEBRA,
    capitalised,
    figure,
    format_iso_day,
    join,
    translated,
)
from granskning.domain.i18n import _, get_language, speaking
from granskning.domain.timefmt import format_local
from granskning.resources import reports_dir


def history_template() -> Path:
    """The shipped Word template of a municipality's history."""
    return reports_dir() / f"{HISTORY}.docx"


def _round_heading(r: dict[str, Any]) -> str:
    return f"{r['year']} – {r['theme']}" if r["theme"] else str(r["year"])


def _overview(data: dict[str, Any], and_: str) -> list[dict[str, Any]]:
    return [
        {
            "year": r["year"],
            "theme": r["theme"] or "–",
            "hosted": "; ".join(
                _("review {id} by {who} ({state})").format(
                    id=h["review"], who=join(h["reviewing"], and_) or "–", state=h["state_label"]
                )
                for h in r["hosted"]
            )
            or "–",
            "reviewed": "; ".join(
                _("{host} (review {id})").format(host=v["host"], id=v["review"])
                for v in r["reviewed"]
            )
            or "–",
        }
        for r in data["rounds"]
    ]


def _rating_rows(q: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    # a group nobody answered in any round is left out of the document
    answered = [g for g in q["groups"] if any(c["n"] for c in g["rounds"])]
    return [
        {
            "group": g["name"],
            "year": c["year"],
            "n": figure(c["n"], lang),
            "mean": figure(c["mean"], lang, 2),
            "first": i == 0,
            "zebra": ZEBRA[gi % 2],
        }
        for gi, g in enumerate(answered)
        for i, c in enumerate(g["rounds"])
    ]


def _next_words(nxt: dict[str, Any] | None, block_title: str | None) -> tuple[str, list[str]]:
    """What the next review found in the recommendation's block: a heading and lines."""
    if nxt is None:
        return _("No later review yet."), []
    head = _("Review {id} ({year})").format(id=nxt["review"], year=nxt["year"])
    if not block_title:
        return head, []
    lines = [_("Strength: {text}").format(text=t) for t in nxt["strengths"]] + [
        _("Development area: {text}").format(text=t) for t in nxt["development"]
    ]
    if not lines:
        lines = [_("no findings in the block") if nxt["no_findings"] else _("nothing recorded")]
    return f"{head}, {block_title}:", lines


def _recommendation(rec: dict[str, Any]) -> dict[str, Any]:
    follow = rec["follow_up"]
    if follow is None:
        status, comment, fill = _("No checklist item"), "", WHITE
    else:
        status = capitalised(follow["status_label"] or _("no status recorded"))
        comment = follow["comment"] or ""
        if follow["merged_into"] is not None:
            merged = _("Merged into checklist item {id}.").format(id=follow["merged_into"])
            comment = f"{merged} {comment}".strip()
        fill = STATUS_FILLS.get(follow["status"] or "", WHITE)
        comment = " ".join([comment, *_owner(follow)]).strip()
    nxt, lines = _next_words(rec["next"], rec["block_title"])
    return {
        "number": f"R{rec['number']}",
        "text": rec["text"],
        "block_title": rec["block_title"] or "",
        "status": status,
        "comment": comment,
        "fill": fill,
        "next": nxt,
        "next_lines": lines,
    }


def _owner(follow: dict[str, Any]) -> list[str]:
    """Who is responsible for a recommendation's item and by when, as sentences."""
    out = []
    if follow.get("responsible"):
        out.append(_("Responsible: {who}.").format(who=follow["responsible"]))
    if follow.get("deadline"):
        out.append(
            _("Done by {day}.").format(day=format_iso_day(follow["deadline"], get_language()))
        )
    return out


def _hosted(h: dict[str, Any], and_: str) -> dict[str, Any]:
    line = _("Reviewed by {who}; state: {state}.").format(
        who=join(h["reviewing"], and_) or "–", state=h["state_label"]
    )
    if h["handed_over"]:
        line += " " + _("The report was handed over on {date}.").format(
            date=format_iso_day(h["handed_over"], get_language())
        )
    return {
        "review": h["review"],
        "heading": _("Review {id}").format(id=h["review"]),
        "line": line,
        "blocks": [
            {
                "title": b["title"],
                "strengths": b["strengths"],
                "development": b["development"],
                "none": b["no_findings"],
            }
            for b in h["findings"]
        ],
        "recommendations": [_recommendation(rec) for rec in h["recommendations"]],
    }


def docx_context(
    data: dict[str, Any],
    lang: str,
    at: datetime,
    partnership: str = DEFAULT_PARTNERSHIP,
    logo: Any = "",
) -> dict[str, Any]:
    """The history as its Word template reads it, wholly in ``lang``.

    :param at: when the document is made.
    :param partnership: the partnership's name, on the cover and as the author.
    :param logo: the cover's logo (:func:`granskning.documents.logo.cover_logo`) or "".
    """
    with speaking(lang):
        and_ = _("and")
        context = {
            "partnership": partnership,
            "logo": logo,
            "logo_alt": alt_of(logo),
            "municipality": data["municipality"],
            "intro": _(
                "Every peer review {name} has taken part in, round by round: the reviews of "
                "the municipality with their findings and recommendations, how each "
                "recommendation was followed up and what the next review found in the same "
                "block, and the reviews the municipality did of others."
            ).format(name=data["municipality"]),
            "generated": format_local(at) or "",
            "overview": _overview(data, and_),
            "ratings": [
                {"text": q["text"], "block_title": q["block_title"], "rows": _rating_rows(q, lang)}
                for q in data["ratings"]
            ],
            "rounds": [
                {
                    "heading": _round_heading(r),
                    "year": r["year"],
                    "theme": r["theme"] or "",
                    "hosted": [_hosted(h, and_) for h in r["hosted"]],
                    "reviewed": [
                        _("{host}: review {id} ({state})").format(
                            host=v["host"], id=v["review"], state=v["state_label"]
                        )
                        for v in r["reviewed"]
                    ],
                }
                for r in data["rounds"]
            ],
        }
    context["t"] = translated(HISTORY_LABELS, lang)
    return context


def write_history(
    data: dict[str, Any],
    out: Path,
    lang: str,
    at: datetime,
    partnership: str = DEFAULT_PARTNERSHIP,
    logo: Any = "",
) -> Path:
    """Write the history ``data`` as a Word document in ``lang``.

    :param partnership: the partnership's name, on the cover and as the author.
    :param logo: the cover's logo (:func:`granskning.documents.logo.cover_logo`) or "".
    """
    context = docx_context(data, lang, at, partnership, logo)
    title = f"{context['t']['document']} – {data['municipality']}"
    return docxrender.write(
        history_template(),
        context,
        out,
        schema=HISTORY_SCHEMA,
        properties=Properties(title, None, partnership, LANGUAGE_TAGS[lang], keywords=None),
        at=at,
    )
