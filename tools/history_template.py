"""kommunhistorik.docx: the Word template of a municipality's history (see make_templates.py).

Its fixed texts are ``t.*`` in the document's language (``HISTORY_LABELS`` in
granskning/documents/labels.py). The context is built by
``granskning.documents.history.docx_context``.
"""

from __future__ import annotations

from _docxkit import footer, logo_paragraph, new_document, para, table, zebra
from checklist_template import spaced
from docx import Document

R, C = "right", "center"


def _overview(doc: Document) -> None:
    para(doc, "{{ t.overview }}", "Heading 1")
    para(doc, "{%p if not overview %}")
    para(doc, "{{ t.no_reviews }}")
    para(doc, "{%p else %}")
    table(
        doc,
        [
            ("{{ t.year }}", 1.8, None),
            ("{{ t.theme }}", 4.6, None),
            ("{{ t.hosted }}", 5.2, None),
            ("{{ t.reviewed }}", 5.0, None),
        ],
        [
            "{%tr for o in overview %}",
            ["{{ o.year }}", "{{ o.theme }}", "{{ o.hosted }}", "{{ o.reviewed }}"],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )
    para(doc, "{%p endif %}")


def _ratings(doc: Document) -> None:
    para(doc, "{{ t.ratings }}", "Heading 1")
    para(doc, "{{ t.ratings_intro }}")
    para(doc, "{%p if not ratings %}")
    para(doc, "{{ t.no_ratings }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for q in ratings %}")
    para(doc, "{{ q.text }}", "Heading 2")
    para(doc, "{{ q.block_title }}", "Liten text")
    table(
        doc,
        [
            ("{{ t.group }}", 6.0, None),
            ("{{ t.year }}", 3.0, None),
            ("{{ t.answers }}", 3.0, R),
            ("{{ t.mean }}", 3.0, R),
        ],
        [
            "{%tr for g in q.rows %}",
            [
                "{% cellbg g.zebra %}{{ g.group if g.first else '' }}",
                "{% cellbg g.zebra %}{{ g.year }}",
                "{% cellbg g.zebra %}{{ g.n }}",
                "{% cellbg g.zebra %}{{ g.mean }}",
            ],
            "{%tr endfor %}",
        ],
    )
    para(doc, "{%p endfor %}")


def _findings(doc: Document) -> None:
    para(doc, "{{ t.findings }}", "Heading 3")
    para(doc, "{%p for b in h.blocks %}")
    para(doc, "{{ b.title }}", "Heading 4")
    para(doc, "{%p if b.strengths %}")
    para(doc, "{{ t.strengths }}", bold=True)
    para(doc, "{%p for x in b.strengths %}")
    para(doc, "{{ x }}", "List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p if b.development %}")
    para(doc, "{{ t.development }}", bold=True)
    para(doc, "{%p for x in b.development %}")
    para(doc, "{{ x }}", "List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p if not b.strengths and not b.development %}")
    para(doc, "{{ t.no_findings if b.none else t.not_recorded }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")


def _recommendations(doc: Document) -> None:
    para(doc, "{{ t.recommendations }}", "Heading 3")
    para(doc, "{%p if not h.recommendations %}")
    para(doc, "{{ t.no_recommendations }}")
    para(doc, "{%p else %}")
    table(
        doc,
        [
            ("{{ t.number }}", 1.2, C),
            ("{{ t.recommendation }}", 6.0, None),
            ("{{ t.status }}", 3.4, None),
            ("{{ t.next }}", 6.0, None),
        ],
        [
            "{%tr for r in h.recommendations %}",
            [
                "{{ r.number }}",
                "{{ r.text }}\n{%p if r.block_title %}\n{{ r.block_title }}\n{%p endif %}",
                "{% cellbg r.fill %}{{ r.status }}\n{%p if r.comment %}\n{{ r.comment }}\n"
                "{%p endif %}",
                "{{ r.next }}\n{%p for x in r.next_lines %}\n• {{ x }}\n{%p endfor %}",
            ],
            "{%tr endfor %}",
        ],
    )
    para(doc, "{%p endif %}")


def _rounds(doc: Document) -> None:
    para(doc, "{%p for r in rounds %}")
    para(doc, "{{ r.heading }}", "Heading 1")
    para(doc, "{%p if not r.hosted %}")
    para(doc, "{{ t.not_hosted }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p for h in r.hosted %}")
    para(doc, "{{ h.heading }}", "Heading 2")
    para(doc, "{{ h.line }}")
    _findings(doc)
    _recommendations(doc)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if r.reviewed %}")
    para(doc, "{{ t.as_reviewer }}", "Heading 2")
    para(doc, "{%p for v in r.reviewed %}")
    para(doc, "{{ v }}", "List Bullet")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")


def build() -> Document:
    """The history's template."""
    doc = new_document(title="Kommunens historik", subject="Kollegial granskning")
    footer(doc, "{{ t.history }} · {{ municipality }}")

    # the cover: the partnership's logo (when set) and name above the title
    logo_paragraph(doc, "logo", space_after=6)
    para(doc, "{{ partnership }}", "Liten text")
    para(doc, "{{ t.history }}", "Title")
    para(doc, "{{ municipality }}", "Subtitle")
    para(doc, "{{ intro }}")
    _overview(doc)
    _ratings(doc)
    _rounds(doc)
    spaced(para(doc, "{{ t.made }} {{ generated }}", "Liten text"))
    return doc
