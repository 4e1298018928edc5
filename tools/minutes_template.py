"""minnesanteckningar.docx: the Word template of the seminar record (see make_templates.py).

Its fixed texts are ``t.*`` in the review's language (``MINUTES_LABELS`` in
granskning/documents/labels.py). The context is built by
``granskning.documents.minutes.minutes_context``.
"""

from __future__ import annotations

from _docxkit import (
    facts_table,
    footer,
    logo_paragraph,
    new_document,
    para,
    small_first_line,
    table,
    zebra,
)
from checklist_template import spaced
from docx import Document


def _facts(doc: Document) -> None:
    facts_table(
        doc,
        [
            ["{{ t.host }}", "{{ host }}"],
            ["{{ t.reviewing }}", "{{ reviewing }}"],
            ["{{ t.handed_over }}", "{{ handed_over or '–' }}"],
            ["{{ t.date }}", "{{ seminar_when or '–' }}"],
            ["{{ t.place }}", "{{ seminar_place or '–' }}"],
        ],
    )


def _participants(doc: Document) -> None:
    para(doc, "{{ t.participants }}", "Heading 1")
    para(doc, "{%p if participants %}")
    table(
        doc,
        [("{{ t.name }}", 12.0, None), ("{{ t.municipality }}", 13.7, None)],
        [
            "{%tr for p in participants %}",
            ["{{ p.name }}", "{{ p.municipality }}"],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )
    para(doc, "{%p else %}")
    para(doc, "{{ t.no_participants }}")
    para(doc, "{%p endif %}")


def _items(doc: Document) -> None:
    para(doc, "{{ t.items_heading }}", "Heading 1")
    para(doc, "{{ t.items_intro }}")
    para(doc, "{%p if items %}")
    rows = table(
        doc,
        [
            ("{{ t.number }}", 1.3, "center"),
            ("{{ t.item }}", 8.4, None),
            ("{{ t.before }}", 2.8, None),
            ("{{ t.after }}", 2.8, None),
            ("{{ t.comment }}", 5.2, None),
            ("{{ t.responsible }}", 2.9, None),
            ("{{ t.deadline }}", 2.3, None),
        ],
        [
            "{%tr for i in items %}",
            [
                "{{ i.ref }}",
                "{{ i.source_heading }}\n{{ i.text }}",
                "{{ i.before }}",
                "{% cellbg i.fill %}{{ i.after }}",
                "{{ i.comment }}",
                "{{ i.responsible }}",
                "{{ i.deadline }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )
    small_first_line(doc, rows, 1)  # the item's source above its text
    para(doc, "{%p else %}")
    para(doc, "{{ t.no_items }}")
    para(doc, "{%p endif %}")


def _next(doc: Document) -> None:
    para(doc, "{{ t.next_steps }}", "Heading 1")
    para(doc, "{%p if next_steps %}")
    para(doc, "{%p for p in next_steps %}")
    para(doc, '{%p if p.kind == "bullet" %}')
    para(doc, "{{ p.text }}", "List Bullet")
    para(doc, "{%p else %}")
    para(doc, "{{ p.text }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "{{ t.no_next_steps }}")
    para(doc, "{%p endif %}")
    para(doc, "{{ t.next_follow_up }}", "Heading 1")
    para(doc, "{%p if next_follow_up %}")
    para(doc, "{{ t.next_follow_up_on }} {{ next_follow_up }}.")
    para(doc, "{%p else %}")
    para(doc, "{{ t.not_dated }}")
    para(doc, "{%p endif %}")


def build() -> Document:
    """The seminar record's template."""
    doc = new_document(
        title="Minnesanteckningar från uppföljningsseminariet",
        subject="Kollegial granskning",
        landscape=True,
    )
    footer(doc, "{{ document_title }} · {{ host }}")
    # the cover: the partnership's logo (when set) and name above the title
    logo_paragraph(doc, "logo", space_after=6)
    para(doc, "{{ partnership }}", "Liten text")
    para(doc, "{{ document_title }}", "Title")
    para(doc, "{{ host }}", "Subtitle")
    _facts(doc)
    _participants(doc)
    _items(doc)
    _next(doc)
    spaced(para(doc, "{{ t.printed }} {{ generated }}", "Liten text"))
    return doc
