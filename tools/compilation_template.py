"""sammanstallning.docx: the Word template of a round's compilation (see make_templates.py).

The result is an ordinary Word document with docxtpl tags; coordinators may restyle it in
Word (keep the tags). The context it is filled with is built by
``granskning.documents.compilation.docx_context``; its fixed texts are ``t.*`` in the round's
language (``COMPILATION_LABELS`` in granskning/documents/labels.py).
"""

from __future__ import annotations

from _docxkit import footer, logo_paragraph, new_document, para, table, zebra
from checklist_template import spaced
from docx import Document

R, C = "right", "center"


def build() -> Document:
    """The compilation's template."""
    doc = new_document(title="Sammanställning", subject="Kollegial granskning")
    footer(doc, "{{ t.compilation }} · {{ t.peer_review }} {{ round.year }}")

    # the cover: the partnership's logo (when set) and name above the title
    logo_paragraph(doc, "logo", space_after=6)
    para(doc, "{{ partnership }}", "Liten text")
    para(doc, "{{ t.compilation }}", "Title")
    para(doc, "{{ t.Peer_review }} {{ round.year }} – {{ round.theme }}", "Subtitle")
    para(doc, "{{ intro }}")
    key = table(
        doc,
        [
            ("{{ t.reviews }}", 2.3, C),
            ("{{ t.interviews }}", 2.3, C),
            ("{{ t.participants }}", 2.4, C),
            ("{{ t.children }}", 2.8, C),
            ("{{ t.hours }}", 2.2, C),
            ("{{ t.held_hours }}", 2.2, C),
            ("{{ t.done_in_follow_up }}", 2.4, C),
        ],
        [
            [
                "{{ reviews }}",
                "{{ totals.interviews }}",
                "{{ totals.participants }}",
                "{{ totals.children }}",
                "{{ totals.hours }}",
                "{{ totals.held_hours }}",
                "{{ totals.done_share }}",
            ]
        ],
    )
    for cell in key.rows[1].cells:  # type: ignore[attr-defined]
        cell.paragraphs[0].style = doc.styles["Nyckeltal"]
    para(doc, "{{ counted }}", "Caption")

    # 1. overview
    para(doc, "{{ t.overview }}", "Heading 1")
    table(
        doc,
        [
            ("{{ t.host }}", 2.4, None),
            ("{{ t.reviewed_by }}", 2.5, None),
            ("{{ t.status }}", 2.0, None),
            ("{{ t.interviews }}", 1.9, R),
            ("{{ t.participants }}", 1.9, R),
            ("{{ t.hours }}", 1.6, R),
            ("{{ t.held_hours }}", 1.6, R),
            ("{{ t.strengths }}", 1.5, R),
            ("{{ t.development }}", 1.6, R),
        ],
        [
            "{%tr for m in municipalities %}",
            [
                "{{ m.host }}",
                "{{ m.reviewing }}",
                "{{ m.state }}",
                "{{ m.interviews }}",
                "{{ m.participants }}",
                "{{ m.hours }}",
                "{{ m.held_hours }}",
                "{{ m.strengths }}",
                "{{ m.development }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        total=[
            "{{ t.total }}",
            "",
            "",
            "{{ totals.interviews }}",
            "{{ totals.participants }}",
            "{{ totals.hours }}",
            "{{ totals.held_hours }}",
            "{{ totals.strengths }}",
            "{{ totals.development }}",
        ],
    )
    para(doc, "{%p if not_reviewed %}")
    spaced(para(doc, "{{ t.not_reviewed }} {{ not_reviewed }}."))
    para(doc, "{%p endif %}")
    _timeline(doc)

    # 2. interviews per group
    para(doc, "{{ t.per_group }}", "Heading 1")
    para(doc, "{{ t.whole_round }}", "Heading 2")
    table(
        doc,
        [
            ("{{ t.group }}", 7.0, None),
            ("{{ t.interviews }}", 3.0, R),
            ("{{ t.participants }}", 3.0, R),
            ("{{ t.hours }}", 3.0, R),
        ],
        [
            "{%tr for g in totals.groups %}",
            ["{{ g.name }}", "{{ g.interviews }}", "{{ g.participants }}", "{{ g.hours }}"],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        total=[
            "{{ t.total }}",
            "{{ totals.interviews }}",
            "{{ totals.participants }}",
            "{{ totals.hours }}",
        ],
    )
    para(doc, "{{ t.per_municipality }}", "Heading 2")
    table(
        doc,
        [
            ("{{ t.host }}", 4.0, None),
            ("{{ t.group }}", 5.0, None),
            ("{{ t.interviews }}", 2.3, R),
            ("{{ t.participants }}", 2.3, R),
            ("{{ t.hours }}", 2.4, R),
        ],
        [
            "{%tr for m in municipalities %}",
            "{%tr for g in m.group_rows %}",
            [
                "{% cellbg m.zebra %}{{ m.host if loop.first else '' }}",
                "{% cellbg m.zebra %}{{ g.name }}",
                "{% cellbg m.zebra %}{{ g.interviews }}",
                "{% cellbg m.zebra %}{{ g.participants }}",
                "{% cellbg m.zebra %}{{ g.hours }}",
            ],
            "{%tr endfor %}",
            "{%tr endfor %}",
        ],
    )

    # 3. findings per block
    para(doc, "{{ t.findings }}", "Heading 1")
    para(doc, "{{ t.findings_intro }}")
    para(doc, "{%p for b in findings %}")
    para(doc, "{{ b.title }}", "Heading 2")
    para(
        doc,
        "{{ b.counts }}",
        "Liten text",
    )
    para(doc, "{%p if b.municipalities %}")
    table(
        doc,
        [
            ("{{ t.host }}", 3.4, None),
            ("{{ t.strengths }}", 6.6, None),
            ("{{ t.development }}", 6.6, None),
        ],
        [
            "{%tr for e in b.municipalities %}",
            [
                "{{ e.host }}",
                "{%p for x in e.strengths %}\n• {{ x }}\n{%p endfor %}\n"
                "{%p if not e.strengths %}\n"
                "{{ t.no_findings if e.none and not e.development else '–' }}\n"
                "{%p endif %}",
                "{%p for x in e.development %}\n• {{ x }}\n{%p endfor %}\n"
                "{%p if not e.development %}\n–\n{%p endif %}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )
    para(doc, "{%p else %}")
    para(doc, "{{ t.no_findings_in_block }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    # 4. rating questions
    para(doc, "{{ t.ratings }}", "Heading 1")
    para(doc, "{%p if not ratings %}")
    para(doc, "{{ t.no_ratings }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for q in ratings %}")
    para(doc, "{{ q.text }}", "Heading 2")
    para(doc, "{{ q.scale_line }}", "Liten text")
    table(
        doc,
        [
            ("{{ t.group }}", 5.2, None),
            ("{{ t.answers }}", 1.6, R),
            ("{{ t.mean }}", 1.6, R),
            ("{{ q.heads[0] }}", 2.05, R),
            ("{{ q.heads[1] }}", 2.05, R),
            ("{{ q.heads[2] }}", 2.05, R),
            ("{{ q.heads[3] }}", 2.05, R),
        ],
        [
            "{%tr for g in q.groups %}",
            [
                "{{ g.name }}",
                "{{ g.n }}",
                "{{ g.mean }}",
                "{{ g.counts[0] }}",
                "{{ g.counts[1] }}",
                "{{ g.counts[2] }}",
                "{{ g.counts[3] }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        total=[
            "{{ t.all_groups }}",
            "{{ q.total.n }}",
            "{{ q.total.mean }}",
            "{{ q.total.counts[0] }}",
            "{{ q.total.counts[1] }}",
            "{{ q.total.counts[2] }}",
            "{{ q.total.counts[3] }}",
        ],
    )
    para(doc, "{{ t.columns }}", "Caption")
    para(doc, "{%p if q.few %}")
    para(doc, "{{ t.too_few }}", "Caption")
    para(doc, "{%p endif %}")
    para(doc, "{%p if q.charted %}")
    para(doc, "{{ q.chart }}", align="center", keep_with_next=True)
    para(
        doc,
        "{{ q.caption }}",
        "Caption",
        align="center",
    )
    para(doc, "{%p elif not q.answered %}")
    para(doc, "{{ t.no_answers }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    # 5. follow-up
    para(doc, "{{ t.follow_up }}", "Heading 1")
    para(
        doc,
        "{{ t.follow_up_intro }}",
    )
    table(
        doc,
        [
            ("{{ t.host }}", 2.8, None),
            ("{{ t.status }}", 2.4, None),
            ("{{ t.seminar }}", 2.6, None),
            ("{{ t.not_started }}", 2.0, R),
            ("{{ t.in_progress }}", 1.5, R),
            ("{{ t.done }}", 1.5, R),
            ("{{ t.without_status }}", 2.0, R),
            ("{{ t.share_done }}", 2.2, R),
        ],
        [
            "{%tr for m in municipalities %}",
            [
                "{{ m.host }}",
                "{{ m.state }}",
                "{{ m.seminar }}",
                "{% cellbg m.fill.not_started %}{{ m.follow_up.not_started }}",
                "{% cellbg m.fill.in_progress %}{{ m.follow_up.in_progress }}",
                "{% cellbg m.fill.done %}{{ m.follow_up.done }}",
                "{% cellbg m.fill.none %}{{ m.follow_up.none }}",
                "{{ m.done_share }}",
            ],
            "{%tr endfor %}",
        ],
        total=[
            "{{ t.total }}",
            "",
            "",
            "{{ totals.follow_up.not_started }}",
            "{{ totals.follow_up.in_progress }}",
            "{{ totals.follow_up.done }}",
            "{{ totals.follow_up.none }}",
            "{{ totals.done_share }}",
        ],
    )
    _recommendations(doc)
    return doc


def _timeline(doc: Document) -> None:
    """Each municipality's visit, handover and seminar."""
    para(doc, "{{ t.timeline }}", "Heading 2")
    table(
        doc,
        [
            ("{{ t.host }}", 3.6, None),
            ("{{ t.visit }}", 5.0, None),
            ("{{ t.handover }}", 3.8, None),
            ("{{ t.seminar }}", 3.6, None),
        ],
        [
            "{%tr for m in municipalities %}",
            [
                "{{ m.host }}",
                "{{ m.timeline.visit }}",
                "{{ m.timeline.handed_over }}",
                "{{ m.timeline.seminar }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )


def _recommendations(doc: Document) -> None:
    """Every municipality's recommendations with their number and status."""
    para(doc, "{{ t.recommendations }}", "Heading 2")
    para(doc, "{{ t.recommendations_intro }}")
    para(doc, "{%p for m in municipalities %}")
    para(doc, "{{ m.host }}", "Heading 3")
    para(doc, "{%p if m.recommendations %}")
    table(
        doc,
        [
            ("{{ t.number }}", 1.2, C),
            ("{{ t.recommendation }}", 6.6, None),
            ("{{ t.status }}", 2.6, None),
            ("{{ t.responsible }}", 3.6, None),
            ("{{ t.deadline }}", 2.6, None),
        ],
        [
            "{%tr for r in m.recommendations %}",
            [
                "{{ r.code }}",
                "{{ r.text }}",
                "{% cellbg r.fill %}{{ r.status }}",
                "{{ r.responsible }}",
                "{{ r.deadline }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )
    para(doc, "{%p else %}")
    para(doc, "{{ t.no_recommendations }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
