"""The granskningsrapport: what the built document contains, accessibility, safety, handover.

Interviews, interviewees and notes are written straight into their tables here (the
interview capability has its own module and tests); everything else goes through the
library and the CLI.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.text.paragraph import Paragraph
from sqlmodel import func, select

from granskning.documents import reports
from granskning.documents.docxrender import TemplateRefused
from granskning.domain.errors import FrozenError, InputError, NotFoundError, RuleError
from granskning.services import findings, reviews
from granskning.storage.model import (
    AuditEvent,
    Finding,
    Interview,
    Interviewee,
    Note,
    Recommendation,
    ReportText,
    ReportVersion,
    Review,
    SessionEvent,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# -- building a visited review ---------------------------------------------------------------

PEOPLE = {
    "fortroendevalda": [("Cia Dahl", "Kommunalråd"), ("Per Åström", "Oppositionsråd")],
    "ledande": [("Lena Öst", "Förvaltningschef"), ("Omar Said", "Socialchef")],
    "medarbetare": [("Sara Nord", "Förskollärare"), ("Tim Sjö", "Fritidsledare")],
    "barn-och-unga": [("Alva Ek", "Ledamot i ungdomsrådet")],
}


@dataclass
class Visit:
    review: int
    interviews: dict[str, int] = field(default_factory=dict)  # group -> interview id
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (question, group, text)


def add_visit(
    store: Any,
    sample: Any,
    *,
    groups: dict[str, list[tuple[str, str]]] | None = None,
    notes_per_question: int = 1,
    start: datetime = datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
) -> Visit:
    """Interviews with interviewees, session events and one note per question asked, as rows."""
    review = sample.review
    with store.read() as s:
        template = reviews.pinned_template(s.get(Review, review))
    visit = Visit(review)
    with store.atomic() as s:
        for i, (gid, people) in enumerate((groups or PEOPLE).items()):
            t0 = start + timedelta(days=i // 2, hours=3 * (i % 2))
            iv = Interview(
                review_id=review,
                group_id=gid,
                start=t0,
                minutes=90,
                place="Stadshuset, Gävle",
                state="completed",
                moderator_id=sample.lead,
                note_taker_id=sample.secretary,
                timekeeper_id=sample.reviewer,
                created_at=t0,
                updated_at=t0,
            )
            s.add(iv)
            s.flush()
            assert iv.id is not None
            visit.interviews[gid] = iv.id
            for k, (name, title) in enumerate(people):
                s.add(
                    Interviewee(
                        interview_id=iv.id,
                        name=name,
                        title=title,
                        organisation="Gävle kommun",
                        position=k,
                    )
                )
            s.add(SessionEvent(interview_id=iv.id, kind="start", at=t0 + timedelta(minutes=1)))
            s.add(SessionEvent(interview_id=iv.id, kind="end", at=t0 + timedelta(minutes=89)))
            minute = 2
            for _block, q in template.questions_for(gid):
                for n in range(notes_per_question):
                    text = f"{gid} om {q.id} ({n}): så säger gruppen om frågan, på svenska – åäö."
                    s.add(
                        Note(
                            interview_id=iv.id,
                            question_id=q.id,
                            text=text,
                            rating=(1 + (i + n) % 4) if q.kind == "rating" else None,
                            created_at=t0 + timedelta(minutes=minute),
                        )
                    )
                    minute += 1
                    visit.notes.append((q.id, gid, text))
    return visit


def write_content(store: Any, review: int) -> None:
    """Texts, findings for every block, recommendations: what the handover needs."""
    findings.set_text(
        store,
        review,
        "summary",
        "Gävle har kommit långt.\n\nGranskarna lyfter:\n- ungdomsrådet\n- målen\n\n"
        "Utmaningar:\n1. uppföljning\n2. återkoppling",
    )
    findings.set_text(store, review, "reflections", "Ett öppet och förtroendefullt besök.")
    findings.set_text(store, review, "introduction", "Granskningen gjordes våren 2026.")
    findings.add_finding(store, review, "styrprocesser", "strength", "Tydliga politiska mål.")
    findings.add_finding(
        store, review, "styrprocesser", "development", "Koppla målen till budgeten."
    )
    findings.add_finding(store, review, "inflytande", "strength", "Ett starkt ungdomsråd.")
    findings.mark_no_findings(store, review, "framtid")
    findings.add_recommendation(store, review, "Inför barnkonsekvensanalyser.", "styrprocesser")
    findings.add_recommendation(store, review, "Återkoppla till barn efter samråd.")


def to_drafting(store: Any, sample: Any) -> None:
    for person, role in (
        (sample.lead, "lead"),
        (sample.secretary, "secretary"),
        (sample.reviewer, "reviewer"),
        (sample.host_contact, "host_contact"),
    ):
        reviews.assign(store, sample.review, person, role)
    for action in ("confirm_schedule", "start_visit", "finish_visit"):
        reviews.advance(store, sample.review, action)


@pytest.fixture
def visited(store: Any, sample: Any) -> Visit:
    return add_visit(store, sample)


@pytest.fixture
def drafting(store: Any, sample: Any, visited: Visit) -> Visit:
    reviews.set_language(store, sample.review, "en")  # its documents are read in English here
    write_content(store, sample.review)
    to_drafting(store, sample)
    return visited


# -- reading a built document ----------------------------------------------------------------


@dataclass
class Para:
    style: str
    text: str
    h1: str
    h2: str
    h3: str
    h4: str


def outline(data: bytes) -> list[Para]:
    """Every body paragraph (tables included, in order) with the headings it sits under."""
    doc = Document(io.BytesIO(data))
    styles = {s.style_id: s.name for s in doc.styles}
    heads = {"Heading 1": "", "Heading 2": "", "Heading 3": "", "Heading 4": ""}
    out = []
    for p in doc.element.body.iter(f"{W}p"):
        sid = p.find(f"{W}pPr/{W}pStyle")
        style = styles.get(sid.get(f"{W}val"), "Normal") if sid is not None else "Normal"
        text = Paragraph(p, None).text  # runs' text with tabs and line breaks
        if style in heads:
            level = int(style[-1])
            heads[style] = text
            for deeper in range(level + 1, 5):
                heads[f"Heading {deeper}"] = ""
        out.append(Para(style, text, *(heads[f"Heading {n}"] for n in range(1, 5))))
    return out


def all_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))
        )


# -- content ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_section_note_finding_and_participant_is_in_the_document(
    store: Any, sample: Any, drafting: Visit
) -> None:
    data = reports.build(store, sample.review, lang="sv").content
    paras = outline(data)
    t = reports.labels("sv")
    h1 = [p.text for p in paras if p.style == "Heading 1"]
    assert h1 == [
        "Sammanfattning",
        "Granskarnas reflektioner",
        "Inledning",
        "Granskningen",
        "Rekommendationer",
        "Framtid",
        t["notes_appendix"],
        "Bilaga: Deltagare",
    ]
    assert [p.text for p in paras if p.style == "Title"] == ["Granskningsrapport"]
    body = {p.text for p in paras}
    assert {"Granskad kommun: Gävle", "Granskande kommuner: Uppsala och Örebro"} <= body
    assert "Granskningsbesök: 2–3 mars 2026" in body
    assert any(x.startswith("Frågemall: Kollegial granskning 2013") for x in body)
    assert "Utkast – rapporten är inte överlämnad." in body
    # the texts, with their lists as real list paragraphs
    summary = [p for p in paras if p.h1 == "Sammanfattning" and p.style != "Heading 1"]
    assert [(p.style, p.text) for p in summary] == [
        ("Normal", "Gävle har kommit långt."),
        ("Normal", "Granskarna lyfter:"),
        ("List Bullet", "ungdomsrådet"),
        ("List Bullet", "målen"),
        ("Normal", "Utmaningar:"),
        ("List Number", "uppföljning"),
        ("List Number", "återkoppling"),
    ]
    assert any(p.h1 == "Granskarnas reflektioner" and "förtroendefullt" in p.text for p in paras)
    # every note in the appendix under its block and question, led by its group; the
    # sentence completions in Framtid too, each with its group
    with store.read() as s:
        template = reviews.pinned_template(s.get(Review, sample.review))
    names = {g.id: g.name("sv") for g in template.groups}
    for qid, gid, text in drafting.notes:
        block, question = template.question(qid)
        where = [(p.h1, p.h2, p.h3) for p in paras if p.text == f"{names[gid]}: {text}"]
        assert where == [(t["notes_appendix"], block.title, question.text)], (qid, gid)
        if question.kind == "completion":
            where = [(p.h1, p.h2) for p in paras if p.text == f"{text} – {names[gid]}"]
            assert where == [("Framtid", question.text)], (qid, gid)
    # findings under the block's Styrkor / Utvecklingsområden
    found = {(p.h2, p.h3, p.text) for p in paras if p.style == "List Bullet"}
    assert ("Styrprocesser", "Styrkor", "Tydliga politiska mål.") in found
    assert ("Styrprocesser", "Utvecklingsområden", "Koppla målen till budgeten.") in found
    assert ("Inflytande och delaktighet", "Styrkor", "Ett starkt ungdomsråd.") in found
    assert any(p.h1 == "Framtid" and p.text == t["no_findings"] for p in paras)
    # recommendations, with their numbers R1, R2 (as on the checklist), the block named
    recs = [p for p in paras if p.h1 == "Rekommendationer" and re.match(r"R\d+\. ", p.text)]
    assert [p.text for p in recs] == [
        "R1. Inför barnkonsekvensanalyser. (Styrprocesser)",
        "R2. Återkoppla till barn efter samråd.",
    ]
    # the rating question as a table per group
    rating = [
        p
        for p in paras
        if p.h4 == "Hur väl tas barns och ungas synpunkter tillvara i kommunen i dag?"
    ]
    assert "Förtroendevalda" in [p.text for p in rating]
    # the appendix: each interview with its people and the team's roles
    appendix = [p for p in paras if p.h1 == "Bilaga: Deltagare"]
    assert "Förtroendevalda, 2 mars 2026, 09.01–10.29" in {p.h2 for p in appendix}
    assert any(
        p.text == "Granskningsgrupp: Frågeledare Anna Berg, dokumentatör Bo Ek, tidhållare Eva Lind"
        for p in appendix
    )
    for people in PEOPLE.values():
        for name, title in people:
            assert name in {p.text for p in appendix}
            assert title in {p.text for p in appendix}


@pytest.mark.slow
def test_interviewees_are_named_only_in_the_appendix_and_not_at_all_when_anonymous(
    store: Any, sample: Any, drafting: Visit
) -> None:
    names = [name for people in PEOPLE.values() for name, _title in people]
    paras = outline(reports.build(store, sample.review, lang="sv").content)
    for p in paras:
        if p.h1 != "Bilaga: Deltagare":
            assert not any(n in p.text for n in names), p
    # by title in the introduction's table of groups
    intro = {p.text for p in paras if p.h1 == "Inledning"}
    assert "Kommunalråd, Oppositionsråd" in intro
    anonymous = reports.build(store, sample.review, lang="sv", anonymous=True).content
    xml = all_xml(anonymous)
    assert not any(n in xml for n in names)
    assert "Kommunalråd" in xml


@pytest.mark.slow
def test_user_text_renders_literally(store: Any, sample: Any, visited: Visit) -> None:
    tricky = "Barn & unga <3 \"citat\" 'enkel' {{ review.host }} {% if %} </w:t> ]]> åäöÅÄÖ é ß"
    findings.add_finding(store, sample.review, "styrprocesser", "strength", tricky)
    findings.set_text(store, sample.review, "summary", tricky)
    findings.add_recommendation(store, sample.review, tricky)
    data = reports.build(store, sample.review, lang="sv").content
    texts = [p.text for p in outline(data)]
    assert texts.count(tricky) == 2  # summary, finding
    assert sum(t.endswith(f". {tricky}") for t in texts) == 1  # the recommendation, "R1. ..."
    assert "&amp;lt;" not in all_xml(data)  # escaped once, not twice


@pytest.mark.slow
def test_english_report(store: Any, sample: Any, drafting: Visit) -> None:
    data = reports.build(store, sample.review, lang="en").content
    paras = outline(data)
    assert [p.text for p in paras if p.style == "Heading 1"][:3] == [
        "Summary",
        "The reviewers' reflections",
        "Introduction",
    ]
    assert any(p.text.startswith("Elected representatives: ") for p in paras)
    xml = all_xml(data)
    assert 'w:lang w:val="en-GB"' in xml and "<dc:language>en-GB</dc:language>" in xml


@pytest.mark.slow
def test_an_empty_review_builds_a_draft_with_placeholders(store: Any, sample: Any) -> None:
    paras = outline(reports.build(store, sample.review, lang="sv").content)
    texts = [p.text for p in paras]
    assert texts.count("Inte skriven ännu.") == 2
    assert "Inga intervjuer har hållits." in texts
    assert "Granskarna lämnar inga rekommendationer." in texts


@pytest.mark.slow
def test_free_observations_and_cancelled_interviews(
    store: Any, sample: Any, visited: Visit
) -> None:
    with store.atomic() as s:
        s.add(
            Note(
                interview_id=visited.interviews["ledande"],
                question_id=None,
                text="Stämningen var öppen.",
                created_at=datetime(2026, 3, 2, 12, 50, tzinfo=UTC),
            )
        )
        iv = s.get(Interview, visited.interviews["barn-och-unga"])
        iv.state = "cancelled"
        iv.cancel_reason = "Sjukdom"
        s.add(iv)
    paras = outline(reports.build(store, sample.review, lang="sv").content)
    notes = reports.labels("sv")["notes_appendix"]
    assert [
        (p.h1, p.h2) for p in paras if p.text == "Ledande tjänstepersoner: Stämningen var öppen."
    ] == [(notes, "Övriga iakttagelser")]
    assert "Alva Ek" not in {p.text for p in paras}
    assert not any("barn-och-unga om" in p.text for p in paras)


# -- accessibility ---------------------------------------------------------------------------


@pytest.mark.slow
def test_accessibility(store: Any, sample: Any, drafting: Visit) -> None:
    data = reports.build(store, sample.review, lang="sv").content
    doc = Document(io.BytesIO(data))
    props = doc.core_properties
    assert props.title == "Granskningsrapport – Gävle"
    assert props.subject.startswith("Kollegial granskning 2013")
    assert props.author == "Partnerskapet för barnets rättigheter i praktiken"
    assert props.language == "sv-SE"
    lang = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "sv-SE"
    assert doc.settings.element.find(f"{W}themeFontLang").get(f"{W}val") == "sv-SE"
    # headings in order: Title, then levels that never skip one
    levels = []
    for p in outline(data):
        if p.style == "Title":
            levels.append(0)
        elif p.style.startswith("Heading "):
            levels.append(int(p.style[-1]))
    assert levels[0] == 0 and levels[1] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # every table has its header row marked, so it is read as one and repeated
    assert doc.tables
    for table in doc.tables:
        first = table.rows[0]._tr
        assert first.find(f"{W}trPr/{W}tblHeader") is not None
    # page numbers: PAGE and NUMPAGES fields in the footer
    footer = doc.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    # no image without alt text (the shipped template has none at all)
    assert all(d.get("descr") for d in doc.element.body.iter("{*}docPr"))


@pytest.mark.slow
def test_numbered_lists_restart(store: Any, sample: Any, drafting: Visit) -> None:
    findings.set_text(store, sample.review, "reflections", "1. ett\n2. två\n\nMellan.\n\n1. tre")
    doc = Document(io.BytesIO(reports.build(store, sample.review).content))
    ids = []
    for p in doc.paragraphs:
        if p.style.name == "List Number":
            ids.append(p._p.pPr.numPr.numId.val)
    # summary (2 items), reflections (2 + 1): three lists (recommendations carry R-numbers)
    assert len(ids) == 5 and len(set(ids)) == 3
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[4] != ids[3]


@pytest.mark.slow
def test_same_content_same_bytes(store: Any, sample: Any, drafting: Visit) -> None:
    a = reports.build(store, sample.review).content
    b = reports.build(store, sample.review).content
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 2, 8, 0, 0)}


# -- constant number of queries --------------------------------------------------------------


def _statements(store: Any, review: int) -> int:
    with store.counting_statements() as count:
        reports.build(store, review)
    return int(count[0])


@pytest.mark.slow
def test_statements_do_not_grow_with_the_review(store: Any, sample: Any) -> None:
    from granskning.services import registry

    small = _statements(store, sample.review)
    add_visit(store, sample, notes_per_question=3)
    write_content(store, sample.review)
    registry.add_person(store, "Gun Ås", "Uppsala")
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.reviewer, "reviewer")
    large = _statements(store, sample.review)
    assert small == large
    assert large < 20


# -- templates: checks and safety ------------------------------------------------------------


def template_with(tmp_path: Path, *lines: str, name: str = "mall.docx") -> Path:
    doc = Document()
    doc.add_heading("{{ t.summary }}", 1)
    for line in lines:
        doc.add_paragraph(line)
    path = tmp_path / name
    doc.save(path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__.__mro__ }}",
        "{% for x in cycler.__init__.__globals__ %}{{ x }}{% endfor %}",
        "{{ review|attr('__class__') }}",
        "{{ review['__class__'] }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ texts.summary[0].text|safe }}",
        "{% autoescape false %}{{ review.host }}{% endautoescape %}",
        "{% include 'x' %}",
    ],
)
def test_hostile_templates_are_refused(cli: Any, sample: Any, tmp_path: Path, hostile: str) -> None:
    path = template_with(tmp_path, hostile)
    out = tmp_path / "out.docx"
    result = cli("report", "build", sample.review, "-o", out, "--template", path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "document, under “{{ t.summary }}”: “" in lines[0]
    assert not out.exists()
    assert cli("report", "check-template", path).exit_code == 2


def test_the_sandbox_holds_even_without_the_checks(tmp_path: Path) -> None:
    """Defence in depth: rendering itself refuses Python internals."""
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError

    from granskning.documents.docxrender import make_environment

    for hostile in (
        "{{ ''.__class__.__mro__ }}",
        "{% for x in cycler.__init__.__globals__ %}{{ x }}{% endfor %}",
    ):
        tpl = DocxTemplate(template_with(tmp_path, hostile))
        with pytest.raises(SecurityError):
            tpl.render({"t": {"summary": "x"}}, jinja_env=make_environment(), autoescape=True)


@pytest.mark.slow
def test_check_template_finds_typos_with_where_they_are(cli: Any, tmp_path: Path) -> None:
    path = template_with(
        tmp_path,
        "Kommun: {{ review.hots }}",
        "{% for b in blocks %}{{ b.titel }}{% endfor %}",
        "{{ reveiw.host }}",
        "{%p for q in blocks[0].questions %}",
        "{{ q.groups[0].nmae }} {{ loop.index }} {{ q.text|upper }}",
        "{%p endfor %}",
        "{% set n = review.reviewing|length %}{{ n }}",
    )
    problems = reports.check_template(path)
    shown = [str(p) for p in problems]
    under = "document, under “{{ t.summary }}”: "
    assert shown == [
        under + "“Kommun: {{ review.hots }}”: review has no attribute hots (did you mean host?)",
        under + "“{% for b in blocks %}{{ b.titel }}{% endfor %}”: b has no attribute titel "
        "(did you mean title?)",
        under + "“{{ reveiw.host }}”: unknown variable reveiw (did you mean review?)",
        under + "“{{ q.groups[0].nmae }} {{ loop.index }} {{ q.text|upper }}”: "
        "q.groups[…] has no attribute nmae (did you mean name?)",
    ]
    result = cli("report", "check-template", path)
    assert result.exit_code == 2
    assert f"error: {path}: document, under" in result.stderr
    syntax = template_with(tmp_path, "{% if review.host %}öppen", name="syntax.docx")
    [problem] = reports.check_template(syntax)
    assert problem.message.startswith("syntax error: Unexpected end of template")
    assert problem.where == "document, under “{{ t.summary }}”: “{% if review.host %}öppen”"


@pytest.mark.slow
def test_check_template_json_and_a_clean_template(cli: Any, tmp_path: Path) -> None:
    bad = template_with(tmp_path, "{{ review.hots }}")
    result = cli("report", "check-template", bad, "--json")
    assert result.exit_code == 2
    import json

    [problem] = json.loads(result.stdout)
    assert problem["severity"] == "error" and "hots" in problem["message"]
    good = template_with(tmp_path, "{{ review.host }}", name="good.docx")
    result = cli("report", "check-template", good)
    # python-docx's plain tables are not used here; only the header is checked
    assert result.exit_code == 0 and "no errors" in result.stderr


# the checklist's first two tables lay out the facts and the status legend: no header rows
LAYOUT_TABLES = {"uppfoljningsseminarium": ["document, table 1", "document, table 2"]}


@pytest.mark.parametrize(
    "kind", ["granskningsrapport", "uppfoljningsseminarium", "sammanstallning", "kommunhistorik"]
)
def test_the_shipped_templates_check_clean(kind: str) -> None:
    problems = reports.check_template(reports.shipped_template(kind), kind)
    assert [p for p in problems if p.severity == "error"] == []
    assert [p.where for p in problems] == LAYOUT_TABLES.get(kind, [])


def test_images_need_alt_text_and_tables_a_header_row(tmp_path: Path) -> None:
    import struct
    import zlib

    def png() -> bytes:
        raw = b"\x00\xff\x00\x00"
        chunk = lambda kind, data: (  # noqa: E731
            struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )  # fmt: skip
        ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b"")
        )

    doc = Document()
    doc.add_picture(io.BytesIO(png()))
    doc.add_table(rows=2, cols=2)
    path = tmp_path / "bild.docx"
    doc.save(path)
    problems = reports.check_template(path)
    assert [(p.severity, p.where) for p in problems] == [
        ("error", "document, image 1 (Picture 1)"),
        ("warning", "document, table 1"),
    ]
    from granskning.documents.docxrender import Properties, render

    with pytest.raises(TemplateRefused, match="alt text"):
        render(
            path,
            {},
            schema=reports.REPORT_SCHEMA,
            properties=Properties("t", "s", "a", "sv-SE"),
            at=datetime(2026, 1, 1, tzinfo=UTC),
        )


def test_not_a_word_document(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_text("hej", encoding="utf-8")
    result = cli("report", "check-template", path)
    assert result.exit_code == 2 and "not a Word document" in result.stderr


@pytest.mark.slow
def test_a_restyled_template_is_used(store: Any, sample: Any, tmp_path: Path) -> None:
    path = template_with(tmp_path, "Egen mall för {{ review.host }} – {{ doc.title }}")
    reviews.set_language(store, sample.review, "en")
    data = reports.build(store, sample.review, template=path).content
    assert "Egen mall för Gävle – Review report – Gävle" in [p.text for p in outline(data)]


@pytest.mark.slow
def test_the_shipped_templates_are_what_the_generator_makes(monkeypatch: Any) -> None:
    """Every template in reports/ equals tools/make_templates.py's output byte for byte."""
    import importlib

    from granskning.resources import reports_dir

    tools = Path(__file__).resolve().parents[2] / "tools"
    monkeypatch.syspath_prepend(str(tools))
    module = importlib.import_module("make_templates")
    assert sorted(module.TEMPLATES) == sorted(p.name for p in reports_dir().glob("*.docx"))
    for name in module.TEMPLATES:
        assert module.render(name) == (reports_dir() / name).read_bytes(), name


def test_the_report_templates_ship_in_the_wheel() -> None:
    import tomllib

    from granskning.resources import reports_dir

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["reports"] == "granskning/_resources/reports"
    assert {p.name for p in reports_dir().glob("*.docx")} == {
        "granskningsrapport.docx",
        "uppfoljningsseminarium.docx",
        "minnesanteckningar.docx",
        "sammanstallning.docx",
        "kommunhistorik.docx",
    }


# -- handover, freezing, versions ------------------------------------------------------------


def _snapshot(store: Any, review: int) -> dict[str, Any]:
    with store.read() as s:
        return {
            "findings": sorted(
                (f.id, f.kind, f.text)
                for f in s.exec(select(Finding).where(Finding.review_id == review)).all()
            ),
            "recs": sorted(
                (r.id, r.text)
                for r in s.exec(select(Recommendation).where(Recommendation.review_id == review))
            ),
            "texts": sorted(
                (t.section, t.text)
                for t in s.exec(select(ReportText).where(ReportText.review_id == review))
            ),
            "audit": s.exec(select(func.count()).select_from(AuditEvent)).one(),
            "review": s.get(Review, review).version,
            "versions": s.exec(select(func.count()).select_from(ReportVersion)).one(),
        }


@pytest.mark.slow
def test_handover_stores_the_report_and_build_returns_it_byte_for_byte(
    store: Any, sample: Any, drafting: Visit, clock: Any
) -> None:
    clock.advance(minutes=60 * 24 * 30)
    reviews.advance(store, sample.review, "hand_over")
    with store.read() as s:
        review = s.get(Review, sample.review)
        [stored] = s.exec(select(ReportVersion)).all()
    assert review.state == "handed_over"
    assert str(review.handed_over_on) == "2026-04-01"
    assert stored.number == 1 and stored.language == "en"
    import hashlib

    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    clock.advance(minutes=90)
    built = reports.build(store, sample.review)
    assert built.content == stored.content and built.version == 1
    # the document says it is final
    paras = outline(stored.content)
    texts = {p.text for p in paras}
    assert "Handed over: 1 April 2026" in texts
    assert not any("Draft" in t for t in texts)
    # the stored hash is what a rebuild of the same version gives
    assert reports.verify(store, sample.review) == {
        "version": 1,
        "stored": stored.sha256,
        "rebuilt": stored.sha256,
        "matches": True,
        "purged": None,
    }
    with store.read() as s:
        events = s.exec(
            select(AuditEvent).where(AuditEvent.entity == "report").order_by(AuditEvent.id)
        ).all()
    assert (
        events[-1].action == "store_version"
        and stored.sha256 == json.loads(events[-1].data)["sha256"]
    )


@pytest.mark.slow
def test_after_handover_every_editing_command_fails_and_changes_nothing(
    store: Any,
    cli: Any,
    sample: Any,
    drafting: Visit,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    r = sample.review
    reviews.advance(store, r, "hand_over")
    with store.read() as s:
        finding = s.exec(select(Finding).where(Finding.kind == "strength")).first()
        mark = s.exec(select(Finding).where(Finding.kind == "none")).first()
        rec = s.exec(select(Recommendation)).first()
    text_file = tmp_path / "t.txt"
    text_file.write_text("Ny text", encoding="utf-8")
    opened: list[str] = []
    monkeypatch.setattr("click.edit", lambda text, **kw: opened.append(text) or "ändrad")
    before = _snapshot(store, r)
    commands = [
        ("finding", "add", r, "--block", "inflytande", "--kind", "development", "--text", "x"),
        ("finding", "none", r, "--block", "inflytande"),
        ("finding", "edit", finding.id, "--text", "x"),
        ("finding", "remove", finding.id),
        ("finding", "remove", mark.id),
        ("recommendation", "add", r, "--text", "x"),
        ("recommendation", "edit", rec.id, "--text", "x"),
        ("recommendation", "remove", rec.id),
        ("report", "text", r, "--section", "summary", "--text", "x"),
        ("report", "text", r, "--section", "reflections", "--file", text_file),
        ("report", "text", r, "--section", "introduction", "--edit"),
        ("review", "assign", r, "--person", sample.reviewer, "--role", "timekeeper"),
        ("review", "unassign", r, "--person", sample.reviewer, "--role", "reviewer"),
    ]
    for args in commands:
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "handed over and is frozen" in result.stderr, args
        assert _snapshot(store, r) == before, args
    assert opened == []  # no editor was opened on frozen text
    # and through the library
    for call in (
        lambda: findings.add_finding(store, r, "inflytande", "strength", "x"),
        lambda: findings.set_text(store, r, "summary", "x"),
        lambda: findings.remove_recommendation(store, rec.id),
    ):
        with pytest.raises(FrozenError):
            call()
    assert _snapshot(store, r) == before


@pytest.mark.slow
def test_reopen_and_hand_over_again_keeps_every_version(
    store: Any, cli: Any, sample: Any, drafting: Visit, clock: Any, tmp_path: Path
) -> None:
    r = sample.review
    reviews.advance(store, r, "hand_over")
    first = reports.build(store, r)
    clock.advance(minutes=60)
    assert cli("review", "advance", r, "reopen").exit_code == 1  # a reason is required
    cli.ok("review", "advance", r, "reopen", "--reason", "Fel i sammanfattningen")
    draft = reports.build(store, r)
    assert draft.version is None and draft.content != first.content
    assert "DRAFT" in all_xml(draft.content)
    findings.set_text(store, r, "summary", "Rättad sammanfattning.")
    clock.advance(minutes=60)
    cli.ok("review", "advance", r, "hand_over")
    second = reports.build(store, r)
    assert second.version == 2 and second.content != first.content
    assert "Rättad sammanfattning." in {p.text for p in outline(second.content)}
    assert reports.build(store, r, version=1).content == first.content
    listed = cli.json("report", "versions", r)
    assert [(v["number"], v["sha256"]) for v in listed] == [(1, first.sha256), (2, second.sha256)]
    assert any("Report version: 2." in p.text for p in outline(second.content))
    # the old version no longer rebuilds from today's content; the latest does
    assert reports.verify(store, r, 1)["matches"] is False
    assert reports.verify(store, r)["matches"] is True
    assert cli("report", "verify", r, "--version", "1").exit_code == 1
    cli.ok("report", "verify", r)
    # through the CLI: the stored documents, byte for byte
    out = tmp_path / "v1.docx"
    cli.ok("report", "build", r, "-o", out, "--version", 1)
    assert out.read_bytes() == first.content
    latest = tmp_path / "latest.docx"
    result = cli.ok("report", "build", r, "-o", latest)
    assert latest.read_bytes() == second.content and "version 2" in result.stderr
    assert cli("report", "build", r, "-o", out, "--version", 3).exit_code == 2


@pytest.mark.slow
def test_a_frozen_review_can_still_give_an_anonymous_rendering(
    store: Any, sample: Any, drafting: Visit
) -> None:
    reviews.advance(store, sample.review, "hand_over")
    built = reports.build(store, sample.review, anonymous=True)
    assert built.version is None and built.from_frozen
    assert "Cia Dahl" not in all_xml(built.content)
    assert "Handed over: 2 March 2026" in {p.text for p in outline(built.content)}


@pytest.mark.slow
def test_handover_is_blocked_until_the_content_is_there(
    store: Any, sample: Any, visited: Visit
) -> None:
    to_drafting(store, sample)
    reasons = {a["action"]: a["reason"] for a in reviews.actions(store, sample.review)}
    assert "summary" in reasons["hand_over"] and "styrprocesser" in reasons["hand_over"]
    with pytest.raises(RuleError):
        reviews.advance(store, sample.review, "hand_over")
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(ReportVersion)).one() == 0


@pytest.mark.slow
def test_a_broken_handover_template_changes_nothing(
    store: Any, sample: Any, drafting: Visit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(reports.TEMPLATE_ENV, str(template_with(tmp_path, "{{ review.hots }}")))
    before = _snapshot(store, sample.review)
    with pytest.raises(TemplateRefused, match="hots"):
        reviews.advance(store, sample.review, "hand_over")
    assert _snapshot(store, sample.review) == before
    with store.read() as s:
        review = s.get(Review, sample.review)
        assert review.state == "drafting" and review.handed_over_on is None


@pytest.mark.slow
def test_a_purged_version_says_so(store: Any, sample: Any, drafting: Visit) -> None:
    reviews.advance(store, sample.review, "hand_over")
    with store.atomic() as s:
        row = s.exec(select(ReportVersion)).one()
        row.content = None
        row.purged_at = datetime(2026, 6, 1, tzinfo=UTC)
        s.add(row)
    with pytest.raises(RuleError, match="purged"):
        reports.build(store, sample.review)
    assert reports.versions(store, sample.review)[0]["bytes"] is None


@pytest.mark.slow
def test_unknown_review_and_version(store: Any, sample: Any) -> None:
    with pytest.raises(NotFoundError):
        reports.build(store, 999)
    with pytest.raises(NotFoundError):
        reports.build(store, sample.review, version=1)
    with pytest.raises(RuleError, match="no handed-over report"):
        reports.verify(store, sample.review)
    with pytest.raises(InputError, match="unknown language"):
        reports.build(store, sample.review, lang="de")


# -- the CLI: build and PDF ------------------------------------------------------------------


@pytest.mark.slow
def test_cli_build_writes_a_draft(cli: Any, sample: Any, drafting: Visit, tmp_path: Path) -> None:
    out = tmp_path / "rapport.docx"
    result = cli.ok("report", "build", sample.review, "-o", out, "--lang", "sv")
    assert "draft report written" in result.stderr
    assert "Sammanfattning" in {p.text for p in outline(out.read_bytes())}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".granskning-")]
    result = cli("report", "build", sample.review, "-o", tmp_path / "nope" / "x.docx")
    assert result.exit_code == 2
    result = cli("report", "build", sample.review, "-o", out, "--version", 1, "--anonymous")
    assert result.exit_code == 2 and "--version" in result.stderr


@pytest.mark.slow
def test_pdf_without_libreoffice_says_how_to_install_it(
    cli: Any, sample: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    out = tmp_path / "rapport.docx"
    result = cli("report", "build", sample.review, "-o", out, "--pdf")
    assert result.exit_code == 1
    assert "LibreOffice" in result.stderr and "apt install libreoffice-writer" in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_pdf_with_libreoffice(cli: Any, sample: Any, drafting: Visit, tmp_path: Path) -> None:
    if reports.libreoffice() is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / "rapport.docx"
    result = cli.ok("report", "build", sample.review, "-o", out, "--pdf")
    pdf = tmp_path / "rapport.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and "PDF written" in result.stderr


# -- texts into paragraphs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ett.\n\nTvå.", [("text", "Ett."), ("text", "Två.")]),
        ("En rad\nsom fortsätter.", [("text", "En rad som fortsätter.")]),
        ("Lista:\n- a\n* b\n• c\n– d", [("text", "Lista:")] + [("bullet", x) for x in "abcd"]),
        ("1. a\n2) b\n12. c", [("number", "a"), ("number", "b"), ("number", "c")]),
        ("- a\n  fortsätter", [("bullet", "a fortsätter")]),
        ("2013. Året", [("text", "2013. Året")]),
        ("-5 grader", [("text", "-5 grader")]),
        ("", []),
    ],
)
def test_text_paragraphs(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(p["kind"], p["text"]) for p in reports.text_paragraphs(text)] == expected


def test_text_paragraphs_keep_every_word() -> None:
    from hypothesis import given, settings, strategies as st

    marker = re.compile(r"^ {0,3}(?:[-*•–]|\d{1,2}[.)]) +")

    @settings(derandomize=True)
    @given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
    def check(text: str) -> None:
        text = text.replace("\r", "\n")
        words = [
            w
            for line in text.split("\n")
            for w in marker.sub("", line.replace("\t", "    ")).split()
        ]
        got = [w for p in reports.text_paragraphs(text) for w in p["text"].split()]
        assert got == words

    check()


# The guide's sections that document each kind of template.
GUIDE_SECTIONS = {
    "granskningsrapport": ["What the report template can use", "The report's labels: `t`"],
    "uppfoljningsseminarium": ["What the seminar checklist template can use"],
    "minnesanteckningar": ["What the seminar record template can use"],
    "sammanstallning": ["What the compilation template can use"],
    "kommunhistorik": ["What the history template can use"],
}
_PATH = re.compile(r"[A-Za-z_][A-Za-z_0-9]*(\[\])?(\.[A-Za-z_][A-Za-z_0-9]*(\[\])?)*")


def _guide_sections(kind: str) -> str:
    from granskning.resources import reports_dir

    guide = (reports_dir() / "GUIDE.md").read_text(encoding="utf-8")
    sections = {}
    for chunk in guide.split("\n## ")[1:]:
        heading, _nl, body = chunk.partition("\n")
        sections[heading.strip()] = body
    return "\n".join(sections[h] for h in GUIDE_SECTIONS[kind])


def _names(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        return set(schema) | {k for key, v in schema.items() if key != "t" for k in _names(v)}
    if isinstance(schema, list):
        return _names(schema[0])
    return set()


def _resolves(path: str, schema: Any) -> bool:
    for step in path.split("."):
        name, is_list = step.removesuffix("[]"), step.endswith("[]")
        if not isinstance(schema, dict) or name not in schema:
            return False
        schema = schema[name]
        if is_list:
            if not isinstance(schema, list):
                return False
            schema = schema[0]
    return True


def _sub_schemas(schema: Any) -> list[Any]:
    if isinstance(schema, dict):
        return [schema, *(s for v in schema.values() for s in _sub_schemas(v))]
    if isinstance(schema, list):
        return _sub_schemas(schema[0])
    return []


@pytest.mark.parametrize("kind", list(GUIDE_SECTIONS))
def test_the_guide_and_the_schema_name_the_same_fields(kind: str) -> None:
    """Every field of a kind's context is in its part of reports/GUIDE.md, and every path the
    guide names there exists (from the top, or inside a list's item: "rating.legend")."""
    from granskning.documents.schemas import SCHEMAS

    schema = SCHEMAS[kind]
    text = _guide_sections(kind)
    quoted = re.findall(r"`([^`\n]+)`", text)
    paths = [p for p in quoted if _PATH.fullmatch(p) and not p.endswith(".docx")]
    named = {step.removesuffix("[]") for p in paths for step in p.split(".")}
    assert sorted(_names(schema) - named) == []
    wrong = [
        p
        for p in paths
        if ("." in p or p.endswith("[]")) and not any(_resolves(p, s) for s in _sub_schemas(schema))
    ]
    assert wrong == []
    labels = {p.removeprefix("t.") for p in paths if p.startswith("t.")}
    assert labels == set(schema["t"])


def test_check_template_offers_every_kind() -> None:
    from granskning.cli.report import KINDS as OFFERED
    from granskning.documents.schemas import KINDS

    assert list(OFFERED) == list(KINDS)


@pytest.mark.parametrize("noun", ["finding", "recommendation", "report"])
def test_every_command_has_help_with_an_example(noun: str) -> None:
    from click.testing import CliRunner

    from granskning.cli import cli

    group = cli.get_command(None, noun)  # type: ignore[arg-type]
    assert group is not None
    for name in [None, *group.commands]:  # type: ignore[attr-defined]
        args = [noun, "--help"] if name is None else [noun, name, "--help"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, args
        assert "Example:" in result.output, args


@pytest.mark.slow
def test_any_text_the_team_writes_comes_out_as_written() -> None:
    """Property: cleaned user text, split into paragraphs, renders exactly (escaping, Unicode)."""
    from hypothesis import example, given, settings, strategies as st

    from granskning.services import registry
    from granskning.storage.store import Store

    store = Store.memory(clock=lambda: datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    for name in ("Gävle", "Uppsala"):
        registry.add_municipality(store, name)
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala"], template="kollegial-granskning-2013"
    )
    with store.read() as s:
        context = reports.build_context(s, s.get(Review, review.id), lang="sv", at=store.now())
    store.dispose()
    # docxtpl turns "{_{" and its kin into "{{" everywhere (its escape for template authors)
    docxtpl_escapes = re.compile(r"\{_[{%]|[}%]_\}")

    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(st.text(min_size=1, max_size=120))
    @example("0\t0 <&> \"citat\" 'x'\n\n- punkt\n1. ett")
    def check(text: str) -> None:
        try:
            clean = findings.clean_text(text, "x", 10_000)
        except InputError:
            return
        if docxtpl_escapes.search(clean):
            return
        paragraphs = reports.text_paragraphs(clean)
        context["texts"]["summary"] = paragraphs
        data = reports.render_report(context, at=datetime(2026, 3, 2, tzinfo=UTC))
        got = [p.text for p in outline(data) if p.h1 == "Sammanfattning" and p.style != "Heading 1"]
        assert got == [p["text"] for p in paragraphs]

    check()
