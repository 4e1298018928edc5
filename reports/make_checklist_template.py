"""Write reports/uppfoljningsseminarium.docx: the Word template of the follow-up checklist.

    python reports/make_checklist_template.py

Before the seminar the checklist leaves room to write each item's status, comment and
responsible person; after it, the same template shows what was recorded. The context is
built by ``granskning.followup.checklist_context``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _docxkit import footer, new_document, para, shade, table, zebra  # noqa: E402

OUT = Path(__file__).resolve().parent / "uppfoljningsseminarium.docx"


def build() -> None:
    doc = new_document(title="Uppföljningsseminarium – checklista", landscape=True)
    footer(doc, "Uppföljningsseminarium · {{ host }}")

    para(doc, "Uppföljningsseminarium", "Title")
    para(doc, "Checklista för {{ host }}", "Subtitle")
    facts = table(
        doc,
        [("", 6.0, None), ("", 19.7, None)],
        [
            ["Granskad kommun", "{{ host }}"],
            ["Granskande kommuner", "{{ reviewing }}"],
            ["Omgång", "{{ round.year ~ ' – ' ~ round.theme if round else '–' }}"],
            ["Rapporten överlämnad", "{{ handed_over or '–' }}"],
            [
                "Seminarium",
                "{{ seminar_date ~ ' kl. ' ~ seminar_time if seminar_date else 'inte bokat ännu' }}",
            ],
            ["Plats", "{{ seminar_place or '–' }}"],
        ],
        header=False,
    )
    for row in facts.rows:  # type: ignore[attr-defined]
        shade(row.cells[0], "DCE3F0")
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True
    para(doc, "")
    para(doc, "{%p if held %}")
    para(
        doc,
        "Seminariet hölls {{ seminar_date }}. Nedan står vad som registrerades för varje punkt: "
        "klar {{ counts.done }}, pågår {{ counts.in_progress }}, ej påbörjad "
        "{{ counts.not_started }}.",
    )
    para(doc, "{%p else %}")
    para(
        doc,
        "Punkterna kommer från granskningsrapportens rekommendationer, utvecklingsområden och "
        "åtaganden (Framtid). Vid seminariet får varje punkt en status, en kommentar och en "
        "ansvarig person.",
    )
    para(doc, "{%p endif %}")
    legend = table(
        doc,
        [("", 8.5, "center"), ("", 8.6, "center"), ("", 8.6, "center")],
        [
            [
                "{% cellbg statuses[0].fill %}Ej påbörjad – röd",
                "{% cellbg statuses[1].fill %}Pågår – gul",
                "{% cellbg statuses[2].fill %}Klar – grön",
            ]
        ],
        header=False,
    )
    del legend

    para(doc, "{%p if not blocks %}")
    para(doc, "Checklistan har inga punkter.")
    para(doc, "{%p endif %}")
    para(doc, "{%p for b in blocks %}")
    para(doc, "{{ b.title }}", "Heading 2")
    items = table(
        doc,
        [
            ("Nr", 1.1, "center"),
            ("Punkt", 10.4, None),
            ("Status", 3.6, None),
            ("Kommentar", 6.6, None),
            ("Ansvarig", 4.0, None),
        ],
        [
            "{%tr for i in b.entries %}",
            [
                "{{ i.number }}",
                "{{ i.source_heading }}\n{{ i.text }}\n{%p for m in i.merged %}\n"
                "Omfattar även: {{ m.text }}\n{%p endfor %}",
                "{% cellbg i.fill or 'FFFFFF' %}{%p if i.status %}\n{{ i.status_heading }}\n"
                "{%p else %}\n☐ Ej påbörjad\n☐ Pågår\n☐ Klar\n{%p endif %}",
                "{{ i.comment or '' }}",
                "{{ i.responsible or '' }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        min_height_cm=1.6,
    )
    # the item's source above its text, small
    source = items.rows[2].cells[1].paragraphs[0]  # type: ignore[attr-defined]
    source.style = doc.styles["Liten text"]
    para(doc, "{%p endfor %}")
    para(doc, "")
    para(doc, "Utskriven {{ generated }} · granskning {{ review_id }}", "Liten text")
    doc.save(str(OUT))


if __name__ == "__main__":
    build()
    print(OUT)
