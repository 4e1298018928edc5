"""Write reports/sammanstallning.docx: the Word template of a round's compilation.

    python reports/make_compilation_template.py

The result is an ordinary Word document with docxtpl tags; coordinators may restyle it in
Word (keep the tags). The context it is filled with is built by
``granskning.compilation.docx_context``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _docxkit import footer, new_document, para, table, zebra  # noqa: E402

OUT = Path(__file__).resolve().parent / "sammanstallning.docx"

R, C = "right", "center"


def build() -> None:
    doc = new_document(title="Sammanställning – kollegial granskning")
    footer(doc, "Sammanställning · kollegial granskning {{ round.year }}")

    para(doc, "Sammanställning", "Title")
    para(doc, "Kollegial granskning {{ round.year }} – {{ round.theme }}", "Subtitle")
    para(
        doc,
        "Sammanställningen omfattar omgångens {{ reviews }} granskningar av {{ members }} "
        "medlemskommuner, med frågemallen {{ round.template }}. Den redovisar intervjuer, "
        "deltagare och timmar per intervjugrupp, granskarnas iakttagelser per block, "
        "skattningsfrågorna och hur långt uppföljningen har kommit i varje kommun.",
    )
    key = table(
        doc,
        [
            ("Granskningar", 3.3, C),
            ("Intervjuer", 3.3, C),
            ("Deltagare", 3.3, C),
            ("Timmar", 3.3, C),
            ("Klart i uppföljningen", 3.4, C),
        ],
        [
            [
                "{{ reviews }}",
                "{{ totals.interviews }}",
                "{{ totals.participants }}",
                "{{ totals.hours }}",
                "{{ totals.done_share }}",
            ]
        ],
    )
    for cell in key.rows[1].cells:  # type: ignore[attr-defined]
        cell.paragraphs[0].style = doc.styles["Nyckeltal"]
    para(
        doc,
        "Avbrutna granskningar och inställda intervjuer räknas inte. Timmar är intervjuernas "
        "bokade tid; deltagare är de intervjuade personerna. Sammanställd {{ generated }}.",
        "Caption",
    )

    # 1. overview
    para(doc, "Översikt per kommun", "Heading 1")
    table(
        doc,
        [
            ("Granskad kommun", 2.6, None),
            ("Granskas av", 2.8, None),
            ("Status", 2.2, None),
            ("Intervjuer", 2.0, R),
            ("Deltagare", 2.0, R),
            ("Timmar", 1.7, R),
            ("Styrkor", 1.7, R),
            ("Utveckl.-\nområden", 2.0, R),
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
                "{{ m.strengths }}",
                "{{ m.development }}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        total=[
            "Totalt",
            "",
            "",
            "{{ totals.interviews }}",
            "{{ totals.participants }}",
            "{{ totals.hours }}",
            "{{ totals.strengths }}",
            "{{ totals.development }}",
        ],
    )

    # 2. interviews per group
    para(doc, "Intervjuer, deltagare och timmar per grupp", "Heading 1")
    para(doc, "Hela omgången", "Heading 2")
    table(
        doc,
        [
            ("Intervjugrupp", 7.0, None),
            ("Intervjuer", 3.0, R),
            ("Deltagare", 3.0, R),
            ("Timmar", 3.0, R),
        ],
        [
            "{%tr for g in totals.groups %}",
            ["{{ g.name }}", "{{ g.interviews }}", "{{ g.participants }}", "{{ g.hours }}"],
            "{%tr endfor %}",
        ],
        fill=zebra(),
        total=[
            "Totalt",
            "{{ totals.interviews }}",
            "{{ totals.participants }}",
            "{{ totals.hours }}",
        ],
    )
    para(doc, "Per kommun", "Heading 2")
    table(
        doc,
        [
            ("Granskad kommun", 4.0, None),
            ("Intervjugrupp", 5.0, None),
            ("Intervjuer", 2.3, R),
            ("Deltagare", 2.3, R),
            ("Timmar", 2.4, R),
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
    para(doc, "Iakttagelser per block", "Heading 1")
    para(
        doc,
        "Granskarnas styrkor och utvecklingsområden i varje block av frågemallen, kommun för kommun.",
    )
    para(doc, "{%p for b in findings %}")
    para(doc, "{{ b.title }}", "Heading 2")
    para(
        doc,
        "Styrkor: {{ b.strengths }} · Utvecklingsområden: {{ b.development }} · "
        "Kommuner utan iakttagelser i blocket: {{ b.no_findings }}",
        "Liten text",
    )
    para(doc, "{%p if b.municipalities %}")
    table(
        doc,
        [("Granskad kommun", 3.4, None), ("Styrkor", 6.6, None), ("Utvecklingsområden", 6.6, None)],
        [
            "{%tr for e in b.municipalities %}",
            [
                "{{ e.host }}",
                "{%p for t in e.strengths %}\n• {{ t }}\n{%p endfor %}\n"
                "{%p if not e.strengths %}\n"
                "{{ 'Inga iakttagelser' if e.none and not e.development else '–' }}\n"
                "{%p endif %}",
                "{%p for t in e.development %}\n• {{ t }}\n{%p endfor %}\n"
                "{%p if not e.development %}\n–\n{%p endif %}",
            ],
            "{%tr endfor %}",
        ],
        fill=zebra(),
    )
    para(doc, "{%p else %}")
    para(doc, "Inga iakttagelser registrerades i blocket.")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    # 4. rating questions
    para(doc, "Skattningsfrågor", "Heading 1")
    para(doc, "{%p if not ratings %}")
    para(doc, "Frågemallen har inga skattningsfrågor.")
    para(doc, "{%p endif %}")
    para(doc, "{%p for q in ratings %}")
    para(doc, "{{ q.text }}", "Heading 2")
    para(doc, "Block: {{ q.block_title }}. Skala: {{ q.scale_text }}.", "Liten text")
    para(doc, "")
    table(
        doc,
        [
            ("Intervjugrupp", 5.2, None),
            ("Svar", 1.6, R),
            ("Medel", 1.6, R),
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
            "Alla grupper",
            "{{ q.total.n }}",
            "{{ q.total.mean }}",
            "{{ q.total.counts[0] }}",
            "{{ q.total.counts[1] }}",
            "{{ q.total.counts[2] }}",
            "{{ q.total.counts[3] }}",
        ],
    )
    para(doc, "Kolumnerna 1–4 anger antalet svar med respektive värde på skalan.", "Caption")
    para(doc, "{%p if q.answered %}")
    para(doc, "{{ q.chart }}", align="center", keep_with_next=True)
    para(
        doc,
        "Figur {{ q.number }}. Svarens fördelning per intervjugrupp: {{ q.text }}",
        "Caption",
        align="center",
    )
    para(doc, "{%p else %}")
    para(doc, "Inga skattningar registrerades för frågan.")
    para(doc, "{%p endif %}")
    para(doc, "{%p endfor %}")

    # 5. follow-up
    para(doc, "Uppföljning per kommun", "Heading 1")
    para(
        doc,
        "Checklistans punkter (rekommendationer, utvecklingsområden och åtaganden) efter den "
        "status de fick vid uppföljningsseminariet: röd = ej påbörjad, gul = pågår, grön = klar.",
    )
    table(
        doc,
        [
            ("Granskad kommun", 2.8, None),
            ("Status", 2.4, None),
            ("Seminarium", 2.6, None),
            ("Ej påbörjad", 2.0, R),
            ("Pågår", 1.5, R),
            ("Klar", 1.5, R),
            ("Utan status", 2.0, R),
            ("Andel klar", 2.2, R),
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
            "Totalt",
            "",
            "",
            "{{ totals.follow_up.not_started }}",
            "{{ totals.follow_up.in_progress }}",
            "{{ totals.follow_up.done }}",
            "{{ totals.follow_up.none }}",
            "{{ totals.done_share }}",
        ],
    )
    doc.save(str(OUT))


if __name__ == "__main__":
    build()
    print(OUT)
