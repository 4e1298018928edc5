"""uppfoljningsseminarium.docx: the Word template of the follow-up checklist (see make_templates.py).

Its fixed texts are ``t.*`` in the review's language (``CHECKLIST_LABELS`` in
granskning/documents/labels.py). Before the seminar the checklist leaves room to write each item's status, comment and
responsible person and deadline; after it, the same template shows what was recorded. The context is
built by ``granskning.documents.checklist.checklist_context``.
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
from docx import Document
from docx.shared import Pt

# a data row's least height: five handwritten lines of about 8 mm
HANDWRITING_CM = 4.2


def spaced(paragraph: object, points: int = 12) -> object:
    """Space above a paragraph (never an empty paragraph for spacing)."""
    paragraph.paragraph_format.space_before = Pt(points)  # type: ignore[attr-defined]
    return paragraph


def build() -> Document:
    """The checklist's template."""
    doc = new_document(
        title="Uppföljningsseminarium", subject="Kollegial granskning", landscape=True
    )
    footer(doc, "{{ document_title }} · {{ host }}")

    # the cover: the partnership's logo (when set) and name above the title
    logo_paragraph(doc, "logo", space_after=6)
    para(doc, "{{ partnership }}", "Liten text")
    para(doc, "{{ t.title }}", "Title")
    para(doc, "{{ subtitle }}", "Subtitle")
    facts_table(
        doc,
        [
            ["{{ t.host }}", "{{ host }}"],
            ["{{ t.reviewing }}", "{{ reviewing }}"],
            ["{{ t.round }}", "{{ round.year ~ ' – ' ~ round.theme if round else '–' }}"],
            ["{{ t.handed_over }}", "{{ handed_over or '–' }}"],
            ["{{ t.seminar }}", "{{ seminar_when or t.not_booked }}"],
            ["{{ t.place }}", "{{ seminar_place or '–' }}"],
        ],
    )
    para(doc, "{%p if held %}")
    spaced(para(doc, "{{ held_text }}"))
    para(doc, "{%p else %}")
    spaced(para(doc, "{{ t.intro }}"))
    para(doc, "{%p endif %}")
    legend = table(
        doc,
        [("", 8.5, "center"), ("", 8.6, "center"), ("", 8.6, "center")],
        [
            [
                "{% cellbg statuses[0].fill %}{{ statuses[0].heading }}",
                "{% cellbg statuses[1].fill %}{{ statuses[1].heading }}",
                "{% cellbg statuses[2].fill %}{{ statuses[2].heading }}",
            ]
        ],
        header=False,
    )
    del legend

    para(doc, "{%p if not blocks %}")
    para(doc, "{{ t.no_items }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for b in blocks %}")
    para(doc, "{{ b.title }}", "Heading 1")
    # before the seminar room for five handwritten lines per item; after it, what was said
    para(doc, "{%p if held %}")
    _items(doc, 1.6)
    para(doc, "{%p else %}")
    _items(doc, HANDWRITING_CM)
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    # the participants sign (before the seminar: the record lists them afterwards)
    para(doc, "{%p if not held %}")
    para(doc, "{{ t.participants }}", "Heading 1")
    para(doc, "{{ t.sign_intro }}", keep_with_next=True)
    table(
        doc,
        [
            ("{{ t.name }}", 8.0, None),
            ("{{ t.municipality }}", 6.7, None),
            ("{{ t.signature }}", 11.0, None),
        ],
        [
            "{%tr for p in signatures %}",
            ["{{ p.name }}", "{{ p.municipality }}", ""],
            "{%tr endfor %}",
        ],
        min_height_cm=1.1,
    )
    para(doc, "{%p endif %}")
    spaced(para(doc, "{{ t.printed }} {{ generated }}", "Liten text"))
    return doc


def _items(doc: Document, height_cm: float) -> None:
    """A block's items: number, item, status, comment, responsible, done by."""
    items = table(
        doc,
        [
            ("{{ t.number }}", 1.3, "center"),
            ("{{ t.item }}", 9.0, None),
            ("{{ t.status }}", 3.4, None),
            ("{{ t.comment }}", 6.0, None),
            ("{{ t.responsible }}", 3.2, None),
            ("{{ t.deadline }}", 2.8, None),
        ],
        [
            "{%tr for i in b.entries %}",
            [
                "{{ i.ref }}",
                "{{ i.source_heading }}\n{{ i.shown_text }}\n{%p for m in i.merged %}\n"
                "{{ t.also_covers }} {{ m.text }}\n{%p endfor %}",
                "{% cellbg i.fill or 'FFFFFF' %}{%p if i.status %}\n{{ i.status_heading }}\n"
                "{%p else %}\n{{ statuses[0].box }}\n{{ statuses[1].box }}\n"
                "{{ statuses[2].box }}\n{%p endif %}",
                "{{ i.comment or '' }}",
                "{{ i.responsible or '' }}",
                "{{ i.deadline_text }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        min_height_cm=height_cm,
    )
    small_first_line(doc, items, 1)  # the item's source above its text
