"""One house style across the report, the checklist and the compilation, read from the
documents' XML: headings, the table of contents, core properties, language, no thumbnail,
the draft marking, and honest numbers (people counted, no mean over fewer than three)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers_followup import add_interview, complete_interviews, write_report

from granskning.documents import compilation, reports
from granskning.documents.labels import CHECKLIST_LABELS, LABELS
from granskning.documents.report_context import build_context
from granskning.documents.style import HOUSE_FONT, format_moment, translator
from granskning.services import followup, registry, reviews, rounds, settings
from granskning.storage.model import Interviewee, Review

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARTNERSHIP = "Partnerskapet i Norr"
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SV = translator("sv")


def _at(hour: int) -> datetime:
    return datetime(2026, 4, 14, hour, 0, tzinfo=UTC)


def _youth_council(store: Any, review_id: int, moderator: int, note_taker: int) -> None:
    """A youth council of six heard together, and two groups that rated infl-6 once each."""
    iv = add_interview(
        store, review_id, "barn-och-unga", moderator=moderator, note_taker=note_taker,
        interviewees=0, state="completed", start=_at(11),
    )  # fmt: skip
    with store.atomic() as s:
        s.add(Interviewee(interview_id=iv, name="Ungdomsrådet", head_count=6, position=0))


@pytest.fixture
def documents(store: Any, sample: Any, clock: Any, tmp_path: Path) -> dict[str, bytes]:
    """The sample review's draft and final report and its checklist (Swedish)."""
    clock.now = NOW
    settings.set_partnership_name(store, PARTNERSHIP)
    rid = sample.review
    reviews.assign(store, rid, sample.lead, "lead")
    reviews.assign(store, rid, sample.secretary, "secretary")
    who = {"moderator": sample.lead, "note_taker": sample.secretary}
    add_interview(store, rid, "fortroendevalda", interviewees=3, ratings=[3], start=_at(7), **who)
    add_interview(store, rid, "ledande", interviewees=2, ratings=[4], start=_at(9), **who)
    _youth_council(store, rid, sample.lead, sample.secretary)
    for action in ("confirm_schedule", "start_visit"):
        reviews.advance(store, rid, action)
    complete_interviews(store, rid)
    reviews.advance(store, rid, "finish_visit")
    write_report(
        store, rid, recommendations=[(None, "Inför barnbokslut")],
        developments=[("inflytande", "Barn hörs sällan")],
        strengths=[("styrprocesser", "Tydlig vision")], none_blocks=["framtid"],
    )  # fmt: skip
    draft = reports.build(store, rid).content
    reviews.advance(store, rid, "hand_over")
    final = reports.build(store, rid).content
    checklist = followup.build_checklist(store, rid, tmp_path / "checklista.docx").read_bytes()
    return {"draft": draft, "final": final, "checklist": checklist}


@pytest.fixture
def compiled(store: Any, clock: Any, tmp_path: Path) -> tuple[bytes, dict[str, Any]]:
    """A round's compilation where a youth council of six was heard and two groups rated."""
    clock.now = NOW
    settings.set_partnership_name(store, PARTNERSHIP)
    members = ["Gävle", "Uppsala", "Örebro"]
    known = {m.name for m in registry.list_municipalities(store)}  # the sample's, if any
    for name in members:
        if name not in known:
            registry.add_municipality(store, name)
    r = rounds.create_round(
        store, year=2026, theme="Barnets bästa", template="kollegial-granskning-2013",
        members=members,
    )  # fmt: skip
    rows = rounds.plan(store, r.id, 2).rows  # type: ignore[arg-type]
    gavle = next(row["id"] for row in rows if row["host"] == "Gävle")
    add_interview(store, gavle, "fortroendevalda", interviewees=3, ratings=[3])
    add_interview(store, gavle, "ledande", interviewees=2, ratings=[4])
    iv = add_interview(store, gavle, "barn-och-unga", interviewees=0)
    with store.atomic() as s:
        s.add(Interviewee(interview_id=iv, name="Ungdomsrådet", head_count=6, position=0))
    out = tmp_path / "sammanstallning.docx"
    data = compilation.build_report(store, r.id, out)  # type: ignore[arg-type]
    return out.read_bytes(), data


def _all(documents: dict[str, bytes], compiled: tuple[bytes, Any]) -> dict[str, bytes]:
    return {**documents, "compilation": compiled[0]}


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def _levels(data: bytes) -> list[int]:
    """The outline levels of the body's headings: 0 for the title, 1-9 for Heading 1-9."""
    doc = Document(io.BytesIO(data))
    names = {s.style_id: s.name for s in doc.styles}
    levels = []
    for p in doc.element.body.iter(f"{W}p"):
        sid = p.find(f"{W}pPr/{W}pStyle")
        name = names.get(sid.get(f"{W}val"), "") if sid is not None else ""
        if name == "Title":
            levels.append(0)
        elif re.fullmatch(r"Heading [1-9]", name):
            levels.append(int(name[-1]))
    return levels


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.element.body.iter(f"{W}p") for p in [_P(p)])


class _P:
    def __init__(self, p: Any) -> None:
        self.text = "".join(t.text or "" for t in p.iter(f"{W}t"))


@pytest.mark.slow
def test_headings_are_in_order_with_no_level_skipped(
    documents: dict[str, bytes], compiled: tuple[bytes, Any]
) -> None:
    for name, data in _all(documents, compiled).items():
        levels = _levels(data)
        assert levels[0] == 0 and levels.count(0) == 1, name  # one title, first
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (name, before, after)


@pytest.mark.slow
def test_the_report_has_a_table_of_contents_field(documents: dict[str, bytes]) -> None:
    for kind in ("draft", "final"):
        body = _part(documents[kind], "word/document.xml")
        assert re.search(r"<w:instrText[^>]*> TOC \\o &quot;1-2&quot;", body) or re.search(
            r'<w:instrText[^>]*> TOC \\o "1-2"', body
        )
        # after the cover, before the first chapter; Word updates it on opening
        assert body.index(" TOC ") < body.index("Sammanfattning</w:t></w:r></w:p><w:p")
        assert 'w:updateFields w:val="true"' in _part(documents[kind], "word/settings.xml")


@pytest.mark.slow
def test_core_properties_say_what_who_and_when(
    documents: dict[str, bytes], compiled: tuple[bytes, Any]
) -> None:
    for name, data in _all(documents, compiled).items():
        props = Document(io.BytesIO(data)).core_properties
        assert props.title and props.subject, name
        assert props.author == PARTNERSHIP, name
        assert props.created == props.modified == NOW, name
        assert props.language == "sv-SE", name
        assert props.comments == "", name
        assert "python-docx" not in _part(data, "docProps/core.xml"), name
        app = _part(data, "docProps/app.xml")
        assert "Macintosh" not in app and "<Pages>" not in app, name
    # named for what it is: the results once the seminar is held, a checklist before
    title = Document(io.BytesIO(documents["checklist"])).core_properties.title
    assert title == f"{SV(CHECKLIST_LABELS['document'])} – Gävle"


@pytest.mark.slow
def test_language_on_the_styles_one_font_and_no_thumbnail(
    documents: dict[str, bytes], compiled: tuple[bytes, Any]
) -> None:
    for name, data in _all(documents, compiled).items():
        styles = _part(data, "word/styles.xml")
        defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
        assert 'w:lang w:val="sv-SE"' in defaults, name
        normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S)
        assert normal and 'w:lang w:val="sv-SE"' in normal.group(0), name
        fonts = set(re.findall(r'w:(?:ascii|hAnsi)="([^"]+)"', styles))
        assert fonts == {HOUSE_FONT}, (name, fonts)
        assert "Arial" not in _part(data, "word/document.xml"), name
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert not [n for n in z.namelist() if "thumbnail" in n], name
            assert "thumbnail" not in z.read("_rels/.rels").decode(), name


def _header_parts(data: bytes) -> dict[str, str]:
    """The XML of each header the sections use (default, first page)."""
    body = _part(data, "word/document.xml")
    rels = _part(data, "word/_rels/document.xml.rels")
    out = {}
    for kind, rid in re.findall(r'<w:headerReference w:type="(\w+)" r:id="(\w+)"', body):
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rid}"', rels
        )
        assert target is not None
        out[kind] = _part(data, "word/" + target.group(1))
    return out


def _headers(data: bytes) -> dict[str, str]:
    """Each header's text (shapes' attributes left out)."""
    return {kind: re.sub(r"<[^>]+>", "", xml) for kind, xml in _header_parts(data).items()}


def _watermarks(data: bytes) -> dict[str, str]:
    """The watermark text in each header the sections use (none if it has no watermark)."""
    shape = re.compile(r'<v:shape [^>]*PowerPlusWaterMarkObject.*?string="([^"]*)"', re.S)
    found = {kind: shape.search(xml) for kind, xml in _header_parts(data).items()}
    return {kind: m.group(1) for kind, m in found.items() if m}


@pytest.mark.slow
def test_a_draft_is_marked_on_every_page_and_a_final_on_none(
    documents: dict[str, bytes],
) -> None:
    headers = _headers(documents["draft"])
    # the cover has a header of its own (different first page): both carry the marking
    assert set(headers) == {"default", "first"}
    day = format_moment(NOW, "sv").split(" kl.")[0]
    for text in headers.values():
        assert re.search(rf"(UTKAST|DRAFT) {day}", text), headers
    assert all(not t.strip() for t in _headers(documents["final"]).values())
    # and a watermark behind every page: Word's text shape, drawn from both headers
    marks = _watermarks(documents["draft"])
    assert set(marks) == {"default", "first"}
    assert all(re.fullmatch(rf"(UTKAST|DRAFT) {day}", m) for m in marks.values()), marks
    assert _watermarks(documents["final"]) == {}


def _pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    exe = reports.libreoffice()
    if exe is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice and pdftotext are needed to render the pages")
    tmp_path.mkdir(parents=True, exist_ok=True)
    src = tmp_path / "doc.docx"
    src.write_bytes(data)
    profile = tmp_path / "profile"
    subprocess.run(
        [exe, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "doc.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.slow
def test_rendered_pages_of_a_draft_all_say_draft(
    documents: dict[str, bytes], tmp_path: Path
) -> None:
    draft = _pdf_pages(documents["draft"], tmp_path / "draft")
    assert len(draft) >= 3 and all(re.search(r"UTKAST|DRAFT", p) for p in draft)
    final = _pdf_pages(documents["final"], tmp_path / "final")
    assert not any(re.search(r"UTKAST|DRAFT", p) for p in final)


@pytest.mark.slow
def test_a_group_of_six_counts_six_and_children_have_their_own_figure(
    store: Any, sample: Any, documents: dict[str, bytes], compiled: tuple[bytes, Any]
) -> None:
    with store.read() as s:
        review = s.get(Review, sample.review)
        context = build_context(s, review, lang="sv", at=NOW)
    assert context["stats"]["participants"] == 3 + 2 + 6
    assert context["stats"]["children"] == 6
    assert SV("Of them, {n} were children and young people.").format(n=6) in context["visit_text"]
    totals = compiled[1]["totals"]
    assert (totals["participants"], totals["children"]) == (3 + 2 + 6, 6)
    words = compilation.docx_context(compiled[1], "sv", NOW)
    assert (words["totals"]["participants"], words["totals"]["children"]) == ("11", "6")


@pytest.mark.slow
def test_a_rating_answered_by_two_groups_shows_no_mean(
    store: Any, sample: Any, documents: dict[str, bytes], compiled: tuple[bytes, Any]
) -> None:
    with store.read() as s:
        context = build_context(s, s.get(Review, sample.review), lang="sv", at=NOW)
    ratings = [q["rating"] for b in context["blocks"] for q in b["questions"] if q["rating"]]
    assert ratings and all(r["few"] for r in ratings)
    assert [row["mean"] for r in ratings for row in r["rows"]] == ["–", "–"]
    assert SV(LABELS["too_few"]) in _text(documents["final"])
    question = next(q for q in compiled[1]["ratings"] if q["total"]["n"])
    assert question["total"]["n"] == 2
    words = compilation.docx_context(compiled[1], "sv", NOW)
    shown = next(q for q in words["ratings"] if q["answered"])
    assert shown["total"]["mean"] == "–" and shown["few"]
    assert all(g["mean"] == "–" for g in shown["groups"])
    assert not shown["charted"]  # no 100 % bars for groups of one


@pytest.mark.slow
def test_dates_and_times_in_the_house_style(documents: dict[str, bytes]) -> None:
    assert format_moment(datetime(2026, 9, 8, 11, 0, tzinfo=UTC), "sv") == (
        "8 september 2026 kl. 13.00"
    )
    assert format_moment(datetime(2026, 9, 8, 11, 0, tzinfo=UTC), "en") == (
        "8 September 2026, 13:00"
    )
    text = _text(documents["checklist"])
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    assert "4 maj 2026 kl. 12.00" in text  # when it was printed


def test_the_partnership_name_is_a_setting(cli: Any, store: Any) -> None:
    shown = cli.json("settings", "show")
    assert shown == {
        "partnership_name": "Partnerskapet för barnets rättigheter i praktiken",
        "partnership_name_is_default": True,
        "logo": None,
        "logo_alt": None,
    }
    cli.ok("settings", "set", "partnership-name", f"  {PARTNERSHIP} ")
    assert cli.json("settings", "show")["partnership_name"] == PARTNERSHIP
    assert settings.partnership_name(store) == PARTNERSHIP
    assert cli("settings", "set", "partnership-name", " ").exit_code == 2
    assert cli("settings", "set", "colour", "blue").exit_code == 2
    assert settings.partnership_name(store) == PARTNERSHIP  # a refused change changes nothing
    history = [e for e in store_events(store) if e.entity == "setting"]
    assert [e.action for e in history] == ["set"]  # audited once; the refusals were not


def store_events(store: Any) -> list[Any]:
    from sqlmodel import select

    from granskning.storage.model import AuditEvent

    with store.read() as s:
        return list(s.exec(select(AuditEvent)).all())


@pytest.mark.slow
def test_an_english_review_is_british_english_throughout(
    store: Any, sample: Any, clock: Any
) -> None:
    clock.now = NOW
    reviews.set_language(store, sample.review, "en")
    data = reports.build(store, sample.review).content
    assert Document(io.BytesIO(data)).core_properties.language == "en-GB"
    styles = _part(data, "word/styles.xml")
    assert 'w:lang w:val="en-GB"' in styles and "sv-SE" not in styles
    headers = _headers(data)
    assert all("DRAFT 4 May 2026" in text for text in headers.values()), headers


@pytest.mark.slow
def test_a_handed_over_report_keeps_the_name_it_was_made_with(
    store: Any, sample: Any, documents: dict[str, bytes], clock: Any
) -> None:
    clock.advance(minutes=30)
    settings.set_partnership_name(store, "Ett nytt namn")
    checked = reports.verify(store, sample.review)
    assert checked["matches"], checked  # rebuilt with the name it was handed over with
    assert reports.build(store, sample.review).content == documents["final"]
