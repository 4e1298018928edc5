"""What each Word document's template can use: the context schemas.

One schema per kind of document, checked by ``report check-template`` and before every
rendering (:func:`granskning.documents.docxrender.check`), and documented field by field
in ``reports/GUIDE.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from typing import Any

from granskning.documents.docxrender import BOOL, IMAGE, NUMBER, TEXT
from granskning.documents.labels import (
    CHECKLIST_LABELS,
    COMPILATION_LABELS,
    HISTORY_LABELS,
    LABELS,
    MINUTES_LABELS,
)
from granskning.documents.logo import LOGO_ALT_SCHEMA, LOGO_SCHEMA

REPORT = "granskningsrapport"
CHECKLIST = "uppfoljningsseminarium"
COMPILATION = "sammanstallning"
MINUTES = "minnesanteckningar"

# -- the review report -----------------------------------------------------------------------

PARAGRAPHS = [{"kind": TEXT, "text": TEXT}]
DOC_SCHEMA = {
    "title": TEXT,
    "subject": TEXT,
    "author": TEXT,
    "partnership": TEXT,
    "lang": TEXT,
    "language": TEXT,
    "draft": BOOL,
    "draft_marker": TEXT,
    "anonymous": BOOL,
    "generated": TEXT,
    "report_version": NUMBER,
    "logo": LOGO_SCHEMA,
    "logo_alt": LOGO_ALT_SCHEMA,
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
    "answers": [{"text": TEXT, "groups": TEXT}],
    "rating": {
        "scale": [TEXT],
        "legend": TEXT,
        "rows": [{"group": TEXT, "counts": [NUMBER], "n": NUMBER, "mean": TEXT}],
        "few": BOOL,
    },
}
# a note in the appendix: what was said, once, with every group that said it
ANSWER_SCHEMA = {"groups": TEXT, "paragraphs": PARAGRAPHS}
RECOMMENDATION_SCHEMA = {
    "number": NUMBER,
    "code": TEXT,
    "text": TEXT,
    "block": TEXT,
    "block_title": TEXT,
}
REPORT_SCHEMA: dict[str, Any] = {
    "doc": DOC_SCHEMA,
    "review": REVIEW_SCHEMA,
    "texts": {"summary": PARAGRAPHS, "reflections": PARAGRAPHS, "introduction": PARAGRAPHS},
    "method": PARAGRAPHS,
    "team": [{"name": TEXT, "title": TEXT, "municipality": TEXT, "role": TEXT, "role_label": TEXT}],
    "visit_text": TEXT,
    "stats": {
        "interviews": NUMBER,
        "participants": NUMBER,
        "children": NUMBER,
        "notes": NUMBER,
        "hours": TEXT,
    },
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
            "analysis": PARAGRAPHS,
            "strengths": [TEXT],
            "developments": [TEXT],
            "no_findings": BOOL,
            "quotes": [{"text": TEXT, "shown": TEXT, "groups": TEXT, "question": TEXT}],
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
    "appendix": {
        "notes": BOOL,
        "blocks": [
            {
                "id": TEXT,
                "title": TEXT,
                "questions": [{"id": TEXT, "text": TEXT, "answers": [ANSWER_SCHEMA]}],
            }
        ],
        "observations": [ANSWER_SCHEMA],
    },
    "t": dict.fromkeys(LABELS, TEXT),
}

# -- the follow-up seminar's checklist ------------------------------------------------------

STATUS_COUNTS = dict.fromkeys(("not_started", "in_progress", "done", "none"), NUMBER)
CHECKLIST_ITEM_SCHEMA = {
    "id": NUMBER,
    "number": NUMBER,
    "block": TEXT,
    "block_title": TEXT,
    "source": TEXT,
    "source_label": TEXT,
    "source_heading": TEXT,
    "source_uid": TEXT,
    "text": TEXT,
    "status": TEXT,
    "status_label": TEXT,
    "status_heading": TEXT,
    "colour": TEXT,
    "colour_label": TEXT,
    "fill": TEXT,
    "comment": TEXT,
    "responsible": TEXT,
    "deadline": TEXT,
    "deadline_text": TEXT,
    "group": TEXT,
    "recommendation": NUMBER,
    "code": TEXT,
    "ref": TEXT,
    "shown_text": TEXT,
    "merged_into": NUMBER,
    "merged": [{"id": NUMBER, "text": TEXT, "source_label": TEXT}],
}
CHECKLIST_SCHEMA: dict[str, Any] = {
    "review_id": NUMBER,
    "host": TEXT,
    "reviewing": TEXT,
    "reviewing_list": [TEXT],
    "round": {"year": NUMBER, "theme": TEXT},
    "template_title": TEXT,
    "partnership": TEXT,
    "logo": LOGO_SCHEMA,
    "logo_alt": LOGO_ALT_SCHEMA,
    "document_title": TEXT,
    "subtitle": TEXT,
    "handed_over": TEXT,
    "seminar": TEXT,
    "seminar_date": TEXT,
    "seminar_time": TEXT,
    "seminar_when": TEXT,
    "seminar_place": TEXT,
    "held": BOOL,
    "held_text": TEXT,
    "state": TEXT,
    "state_label": TEXT,
    "items": [CHECKLIST_ITEM_SCHEMA],
    "blocks": [{"id": TEXT, "title": TEXT, "entries": [CHECKLIST_ITEM_SCHEMA]}],
    "counts": STATUS_COUNTS,
    "statuses": [
        {
            "status": TEXT,
            "label": TEXT,
            "heading": TEXT,
            "box": TEXT,
            "colour": TEXT,
            "colour_label": TEXT,
            "fill": TEXT,
            "count": NUMBER,
        }
    ],
    "generated": TEXT,
    "signatures": [{"name": TEXT, "municipality": TEXT}],
    "t": dict.fromkeys(CHECKLIST_LABELS, TEXT),
}

# -- the seminar record ----------------------------------------------------------------------

MINUTES_SCHEMA: dict[str, Any] = {
    "partnership": TEXT,
    "logo": LOGO_SCHEMA,
    "logo_alt": LOGO_ALT_SCHEMA,
    "host": TEXT,
    "reviewing": TEXT,
    "round": {"year": NUMBER, "theme": TEXT},
    "template_title": TEXT,
    "document_title": TEXT,
    "handed_over": TEXT,
    "seminar_date": TEXT,
    "seminar_when": TEXT,
    "seminar_place": TEXT,
    "participants": [{"name": TEXT, "municipality": TEXT}],
    "items": [
        {
            "ref": TEXT,
            "source_heading": TEXT,
            "text": TEXT,
            "before": TEXT,
            "after": TEXT,
            "fill": TEXT,
            "comment": TEXT,
            "responsible": TEXT,
            "deadline": TEXT,
        }
    ],
    "next_steps": PARAGRAPHS,
    "next_follow_up": TEXT,
    "generated": TEXT,
    "t": dict.fromkeys(MINUTES_LABELS, TEXT),
}

# -- the round's compilation ----------------------------------------------------------------

# the compilation's figures are written out ("1 234", "2,5"), so they are texts
FOLLOW_UP_SCHEMA = {
    "follow_up": dict.fromkeys(("not_started", "in_progress", "done", "none", "total"), TEXT),
    "fill": dict.fromkeys(("not_started", "in_progress", "done", "none"), TEXT),
    "done_share": TEXT,
}
GROUP_ROW_SCHEMA = {
    "name": TEXT,
    "interviews": TEXT,
    "participants": TEXT,
    "hours": TEXT,
    "held_hours": TEXT,
}
TALLY_SCHEMA = {"n": TEXT, "mean": TEXT, "few": BOOL, "counts": [TEXT]}
COMPILATION_SCHEMA: dict[str, Any] = {
    "round": {
        "id": NUMBER,
        "year": NUMBER,
        "theme": TEXT,
        "template": TEXT,
        "template_title": TEXT,
    },
    "partnership": TEXT,
    "logo": LOGO_SCHEMA,
    "logo_alt": LOGO_ALT_SCHEMA,
    "members": TEXT,
    "reviews": TEXT,
    "intro": TEXT,
    "counted": TEXT,
    "generated": TEXT,
    "totals": {
        "interviews": TEXT,
        "participants": TEXT,
        "children": TEXT,
        "hours": TEXT,
        "held_hours": TEXT,
        "groups": [GROUP_ROW_SCHEMA],
        "strengths": TEXT,
        "development": TEXT,
        **FOLLOW_UP_SCHEMA,
    },
    "municipalities": [
        {
            "host": TEXT,
            "review": TEXT,
            "state": TEXT,
            "reviewing": TEXT,
            "seminar": TEXT,
            "interviews": TEXT,
            "participants": TEXT,
            "children": TEXT,
            "hours": TEXT,
            "held_hours": TEXT,
            "groups": [GROUP_ROW_SCHEMA],
            "group_rows": [GROUP_ROW_SCHEMA],
            "zebra": TEXT,
            "strengths": TEXT,
            "development": TEXT,
            **FOLLOW_UP_SCHEMA,
            "recommendations": [
                {
                    "code": TEXT,
                    "text": TEXT,
                    "status": TEXT,
                    "fill": TEXT,
                    "responsible": TEXT,
                    "deadline": TEXT,
                }
            ],
            "timeline": {"visit": TEXT, "handed_over": TEXT, "seminar": TEXT},
        }
    ],
    "not_reviewed": TEXT,
    "findings": [
        {
            "title": TEXT,
            "strengths": TEXT,
            "development": TEXT,
            "no_findings": TEXT,
            "counts": TEXT,
            "municipalities": [
                {"host": TEXT, "strengths": [TEXT], "development": [TEXT], "none": BOOL}
            ],
        }
    ],
    "ratings": [
        {
            "number": NUMBER,
            "text": TEXT,
            "block_title": TEXT,
            "scale": [{"value": NUMBER, "label": TEXT}],
            "scale_text": TEXT,
            "scale_line": TEXT,
            "heads": [TEXT],
            "groups": [{"name": TEXT, **TALLY_SCHEMA}],
            "total": TALLY_SCHEMA,
            "answered": BOOL,
            "charted": BOOL,
            "few": BOOL,
            "chart": IMAGE,
            "alt": TEXT,
            "caption": TEXT,
        }
    ],
    "t": dict.fromkeys(COMPILATION_LABELS, TEXT),
}

# -- a municipality's history --------------------------------------------------------------

HISTORY = "kommunhistorik"
HISTORY_SCHEMA: dict[str, Any] = {
    "partnership": TEXT,
    "logo": LOGO_SCHEMA,
    "logo_alt": LOGO_ALT_SCHEMA,
    "municipality": TEXT,
    "intro": TEXT,
    "generated": TEXT,
    "overview": [{"year": NUMBER, "theme": TEXT, "hosted": TEXT, "reviewed": TEXT}],
    "ratings": [
        {
            "text": TEXT,
            "block_title": TEXT,
            "rows": [
                {
                    "group": TEXT,
                    "year": NUMBER,
                    "n": TEXT,
                    "mean": TEXT,
                    "first": BOOL,
                    "zebra": TEXT,
                }
            ],
        }
    ],
    "rounds": [
        {
            "heading": TEXT,
            "year": NUMBER,
            "theme": TEXT,
            "hosted": [
                {
                    "review": NUMBER,
                    "heading": TEXT,
                    "line": TEXT,
                    "blocks": [
                        {"title": TEXT, "strengths": [TEXT], "development": [TEXT], "none": BOOL}
                    ],
                    "recommendations": [
                        {
                            "number": TEXT,
                            "text": TEXT,
                            "block_title": TEXT,
                            "status": TEXT,
                            "comment": TEXT,
                            "fill": TEXT,
                            "next": TEXT,
                            "next_lines": [TEXT],
                        }
                    ],
                }
            ],
            "reviewed": [TEXT],
        }
    ],
    "t": dict.fromkeys(HISTORY_LABELS, TEXT),
}

SCHEMAS: dict[str, dict[str, Any]] = {
    REPORT: REPORT_SCHEMA,
    CHECKLIST: CHECKLIST_SCHEMA,
    MINUTES: MINUTES_SCHEMA,
    COMPILATION: COMPILATION_SCHEMA,
    HISTORY: HISTORY_SCHEMA,
}
KINDS = tuple(SCHEMAS)

__all__ = [
    "CHECKLIST",
    "CHECKLIST_SCHEMA",
    "COMPILATION",
    "COMPILATION_SCHEMA",
    "HISTORY",
    "HISTORY_SCHEMA",
    "KINDS",
    "MINUTES",
    "MINUTES_SCHEMA",
    "REPORT",
    "REPORT_SCHEMA",
    "SCHEMAS",
]
