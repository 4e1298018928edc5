"""granskningsrapport.docx: the Word template of the review report (see make_templates.py).

Layout rules kept here for accessibility: every heading uses a real heading style in order
(Title on the cover, then Heading 1-4), tables have a header row marked to repeat on each
page, page numbers are fields in the footer, and the page is A4.
"""

from __future__ import annotations

from collections.abc import Sequence

from _docxkit import FONT, house_style, logo_paragraph
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

DARK = RGBColor(0x1F, 0x38, 0x64)  # headings, table headers
ACCENT = RGBColor(0x2E, 0x5C, 0x8A)
GREY = RGBColor(0x59, 0x59, 0x59)
DRAFT_RED = RGBColor(0xA0, 0x1C, 0x1C)
HEADER_FILL = "1F3864"
STRIPE_FILL = "EEF2F7"
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) minus 2.5 cm margins


# -- styles ---------------------------------------------------------------------------------


def _fonts(element: object, name: str) -> None:
    """Set a plain font on a style's run properties, dropping theme fonts (they win otherwise)."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    old = rpr.find(qn("w:rFonts"))
    if old is not None:
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    rpr.insert(0, fonts)


def _drop(element: object, *tags: str) -> None:
    for tag in tags:
        for child in element.findall(".//" + qn(tag)):  # type: ignore[attr-defined]
            child.getparent().remove(child)


def setup_styles(doc: Document) -> None:
    styles = doc.styles
    # document defaults: the font for everything, Swedish (set again at build time per language)
    rpr_default = (
        styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    _fonts(type("E", (), {"get_or_add_rPr": lambda self: rpr_default})(), FONT)

    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.2

    title = styles["Title"]
    _drop(title.element, "w:pBdr")
    _fonts(title.element, FONT)
    title.font.size = Pt(34)
    title.font.bold = True
    title.font.color.rgb = DARK
    title.paragraph_format.space_after = Pt(6)
    title.paragraph_format.space_before = Pt(0)

    subtitle = styles["Subtitle"]
    _drop(subtitle.element, "w:numPr")
    _fonts(subtitle.element, FONT)
    subtitle.font.size = Pt(20)
    subtitle.font.italic = False
    subtitle.font.color.rgb = ACCENT
    subtitle.paragraph_format.space_after = Pt(30)

    sizes = {1: 20, 2: 15, 3: 12.5, 4: 11}
    befores = {1: 24, 2: 18, 3: 12, 4: 10}
    afters = {1: 12, 2: 6, 3: 4, 4: 2}
    for level, size in sizes.items():
        style = styles[f"Heading {level}"]
        _fonts(style.element, FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = DARK if level < 3 else ACCENT
        style.paragraph_format.space_before = Pt(befores[level])
        style.paragraph_format.space_after = Pt(afters[level])
        style.paragraph_format.keep_with_next = True
        style.hidden = False
        style.unhide_when_used = False
        style.quick_style = True
    h1 = styles["Heading 1"]
    # a rule under each main heading, as in printed municipal reports
    ppr = h1.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "1F3864")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)

    for name in ("List Bullet", "List Number"):
        style = styles[name]
        _drop(style.element, "w:contextualSpacing")
        style.paragraph_format.space_after = Pt(3)
        # the indent comes from the list's numbering level (text at 0.63 cm, marker hanging)

    note = styles.add_style("Interview Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.quick_style = True
    note.paragraph_format.left_indent = Cm(0.4)
    note.paragraph_format.space_after = Pt(4)
    nppr = note.element.get_or_add_pPr()
    nbdr = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", "B4C6E7")):
        left.set(qn(k), v)
    nbdr.append(left)
    nppr.append(nbdr)

    quote = styles.add_style("Interview Quote", WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = normal
    quote.quick_style = True
    quote.font.italic = True
    quote.paragraph_format.left_indent = Cm(0.6)
    quote.paragraph_format.right_indent = Cm(0.6)
    quote.paragraph_format.space_before = Pt(2)
    quote.paragraph_format.space_after = Pt(8)
    qppr = quote.element.get_or_add_pPr()
    qbdr = OxmlElement("w:pBdr")
    qleft = OxmlElement("w:left")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", "2E5C8A")):
        qleft.set(qn(k), v)
    qbdr.append(qleft)
    qppr.append(qbdr)

    contents_heading = styles.add_style("Contents Heading", WD_STYLE_TYPE.PARAGRAPH)
    contents_heading.base_style = normal
    contents_heading.quick_style = True
    contents_heading.font.size = Pt(20)
    contents_heading.font.bold = True
    contents_heading.font.color.rgb = DARK
    contents_heading.paragraph_format.space_after = Pt(12)
    # the contents start a page of their own: by the style, not by an empty paragraph
    contents_heading.paragraph_format.page_break_before = True
    for level, indent in ((1, 0.0), (2, 0.6)):
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(indent)
        toc.paragraph_format.space_after = Pt(3 if level == 1 else 1)
        toc.font.bold = level == 1

    cover = styles.add_style("Cover Fact", WD_STYLE_TYPE.PARAGRAPH)
    cover.base_style = normal
    cover.quick_style = True
    cover.font.size = Pt(12)
    cover.paragraph_format.space_after = Pt(4)

    small = styles.add_style("Small Print", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.quick_style = True
    small.font.size = Pt(9)
    small.font.color.rgb = GREY

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.quick_style = True
    table_text.font.size = Pt(10)
    table_text.paragraph_format.space_before = Pt(2)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.0

    footer = styles["Footer"]
    _drop(footer.element, "w:tabs")
    footer.font.size = Pt(9)
    footer.font.color.rgb = GREY
    header = styles["Header"]
    _drop(header.element, "w:tabs")
    header.font.size = Pt(9)
    header.font.color.rgb = GREY

    # bullets as a plain "•" in the body font (the default uses the Symbol font)
    numbering = doc.part.numbering_part.element
    for lvl in numbering.iter(qn("w:lvl")):
        fmt = lvl.find(qn("w:numFmt"))
        if fmt is not None and fmt.get(qn("w:val")) == "bullet":
            lvl.find(qn("w:lvlText")).set(qn("w:val"), "•")
            rpr = lvl.find(qn("w:rPr"))
            if rpr is not None:
                _drop(rpr, "w:rFonts")
                fonts = OxmlElement("w:rFonts")
                fonts.set(qn("w:ascii"), FONT)
                fonts.set(qn("w:hAnsi"), FONT)
                fonts.set(qn("w:hint"), "default")
                rpr.insert(0, fonts)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    section.header_distance = Cm(1.25)
    section.footer_distance = Cm(1.25)
    section.start_type = WD_SECTION_START.NEW_PAGE
    setup_styles(doc)
    house_style(doc, title="Granskningsrapport", subject="Kollegial granskning")
    return doc


# -- building blocks -------------------------------------------------------------------------


def para(doc: Document, text: str = "", style: str | None = None, **fmt: object) -> object:
    p = doc.add_paragraph(style=style)
    if text:
        p.add_run(text)
    for key, value in fmt.items():
        setattr(p.paragraph_format, key, value)
    return p


def tag(doc: Document, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}): it disappears when rendered."""
    doc.add_paragraph(text)


def labelled(
    doc: Document, label: str, value: str, style: str = "Cover Fact", keep: bool = False
) -> None:
    p = doc.add_paragraph(style=style)
    run = p.add_run(label)
    run.bold = True
    p.add_run(value)
    if keep:
        p.paragraph_format.keep_with_next = True


def heading(doc: Document, text: str, level: int, page_break: bool = False) -> None:
    h = doc.add_heading(text, level=level)
    if page_break:
        h.paragraph_format.page_break_before = True


def paragraphs(doc: Document, expr: str, style: str = "Normal") -> None:
    """The paragraphs of a text (a list of {kind, text}): plain, bulleted or numbered."""
    tag(doc, f"{{%p for para in {expr} %}}")
    tag(doc, '{%p if para.kind == "bullet" %}')
    para(doc, "{{ para.text }}", "List Bullet")
    tag(doc, '{%p elif para.kind == "number" %}')
    para(doc, "{{ para.text }}", "List Number")
    tag(doc, "{%p else %}")
    para(doc, "{{ para.text }}", style)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def _cell_fill(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _row_flags(row: object, *, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        # marks the row as the table's header: read as such and repeated on every page
        trpr.append(OxmlElement("w:tblHeader"))


def _cell_text(cell: object, text: str, *, bold: bool = False, white: bool = False) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.style = "Table Text"
    if text:
        run = p.add_run(text)
        run.bold = bold
        if white:
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def table(
    doc: Document,
    headers: Sequence[str],
    cells: Sequence[str],
    loop: str,
    widths_cm: Sequence[float],
    centred: Sequence[int] = (),
) -> object:
    """A table with a repeating header row and one row per item of ``loop`` ("x in xs")."""
    n = len(headers)
    t = doc.add_table(rows=4, cols=n)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False
    tblpr = t._tbl.tblPr
    look = OxmlElement("w:tblLook")
    for k, v in (
        ("w:val", "04A0"),
        ("w:firstRow", "1"),
        ("w:lastRow", "0"),
        ("w:firstColumn", "0"),
        ("w:lastColumn", "0"),
        ("w:noHBand", "0"),
        ("w:noVBand", "1"),
    ):
        look.set(qn(k), v)
    tblpr.append(look)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 30), ("left", 90), ("bottom", 30), ("right", 90)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(width))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)
    for i, width in enumerate(widths_cm):
        t.columns[i].width = Cm(width)
        for row in t.rows:
            row.cells[i].width = Cm(width)
    head, open_row, body, close_row = t.rows
    _row_flags(head, header=True)
    for cell, text in zip(head.cells, headers, strict=True):
        _cell_fill(cell, HEADER_FILL)
        _cell_text(cell, text, bold=True, white=True)
        # the header row stays on the page of the first row below it
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    _cell_text(open_row.cells[0], f"{{%tr for {loop} %}}")
    _row_flags(body, header=False)
    for i, (cell, text) in enumerate(zip(body.cells, cells, strict=True)):
        _cell_text(cell, text)
        if i in centred:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i in centred:
        head.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(close_row.cells[0], "{%tr endfor %}")
    for row in (open_row, close_row):
        for cell in row.cells[1:]:
            _cell_text(cell, "")
    return t


def _field(paragraph: object, instr: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""

    def run_with(child: object) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)  # type: ignore[attr-defined]

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instr} "
    run_with(code)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    shown = OxmlElement("w:t")
    shown.text = placeholder
    run_with(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def footer_and_header(doc: Document, left: str) -> None:
    """Page numbers ("Sida 2 av 9") in the footer, none on the cover; a draft's marking with
    its date in the header and as a watermark on every page, the cover too."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    fp = section.footer.paragraphs[0]
    fp.style = "Footer"
    stops = fp.paragraph_format.tab_stops
    stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    fp.add_run(left + "\t{{ t.page }} ")
    _field(fp, "PAGE", "1")
    fp.add_run(" {{ t.page_of }} ")
    _field(fp, "NUMPAGES", "1")
    hp = section.header.paragraphs[0]
    hp.style = "Header"
    hp.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = hp.add_run("{% if doc.draft %}{{ doc.draft_marker }}{% endif %}")
    run.bold = True
    run.font.color.rgb = DRAFT_RED
    # the cover has no page number, but a draft says so on every page, the cover too
    cover = section.first_page_header.paragraphs[0]
    cover.style = "Header"
    cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = cover.add_run("{% if doc.draft %}{{ doc.draft_marker }}{% endif %}")
    run.bold = True
    run.font.color.rgb = DRAFT_RED
    section.first_page_footer.paragraphs[0].text = ""
    for n, header in enumerate((section.header, section.first_page_header), start=1):
        watermark(header, n)


# Word's own watermark (Design > Watermark): a light text shape behind the page, drawn from
# each page's header; LibreOffice shows it too. Its text is the draft marking with its date.
WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject{n}" o:spid="_x0000_s102{n}" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;'
    "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9" '
    'stroked="f"><v:fill opacity=".5"/><v:textpath style="font-family:&quot;Calibri&quot;;'
    'font-size:1pt" string="{{{{ doc.draft_marker }}}}"/></v:shape></w:pict></w:r>'
)


def watermark(header: object, n: int) -> None:
    """The draft's watermark in ``header`` (shape number ``n``), in paragraphs that only a
    draft keeps."""
    from docx.oxml import parse_xml

    header.add_paragraph("{%p if doc.draft %}")  # type: ignore[attr-defined]
    holder = header.add_paragraph(style="Header")  # type: ignore[attr-defined]
    holder._p.append(parse_xml(WATERMARK.format(n=n)))
    header.add_paragraph("{%p endif %}")  # type: ignore[attr-defined]


# -- granskningsrapport.docx ----------------------------------------------------------------


def build() -> Document:
    """The report's template."""
    doc = new_document()
    footer_and_header(doc, "{{ t.report_title }} – {{ review.host }}")

    # cover: who it is from, what and whom it is about; nothing technical
    logo_paragraph(doc, "doc.logo", "Cover Fact")
    para(doc, "{{ doc.partnership }}", "Cover Fact", space_before=Pt(96))
    para(doc, "{{ t.cover_kicker }}", "Cover Fact")
    para(doc, "{{ t.report_title }}", "Title")
    para(doc, "{{ review.host }}", "Subtitle")
    labelled(doc, "{{ t.host }}: ", "{{ review.host }}")
    labelled(doc, "{{ t.reviewing }}: ", "{{ review.reviewing_text }}")
    tag(doc, "{%p if review.visit.dates %}")
    labelled(doc, "{{ t.visit }}: ", "{{ review.visit.dates }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if review.handed_over %}")
    labelled(doc, "{{ t.handed_over }}: ", "{{ review.handed_over }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if review.round %}")
    labelled(doc, "{{ t.round }}: ", "{{ review.round.year }}, {{ review.round.theme }}")
    tag(doc, "{%p endif %}")
    labelled(doc, "{{ t.question_template }}: ", "{{ review.template.title }}")
    tag(doc, "{%p if doc.draft %}")
    p = para(doc, "", "Cover Fact", space_before=Pt(24))
    r = p.add_run("{{ t.draft_notice }}")  # type: ignore[attr-defined]
    r.bold = True
    r.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)
    tag(doc, "{%p endif %}")

    contents(doc)

    # Sammanfattning
    heading(doc, "{{ t.summary }}", 1, page_break=True)
    paragraphs(doc, "texts.summary")
    tag(doc, "{%p if not texts.summary %}")
    para(doc, "{{ t.not_written }}")
    tag(doc, "{%p endif %}")

    # Granskarnas reflektioner
    heading(doc, "{{ t.reflections }}", 1)
    paragraphs(doc, "texts.reflections")
    tag(doc, "{%p if not texts.reflections %}")
    para(doc, "{{ t.not_written }}")
    tag(doc, "{%p endif %}")

    # Inledning
    heading(doc, "{{ t.introduction }}", 1)
    paragraphs(doc, "texts.introduction")
    heading(doc, "{{ t.method }}", 2)
    paragraphs(doc, "method")
    heading(doc, "{{ t.team }}", 2)
    para(doc, "{{ t.team_intro }}", keep_with_next=True)
    table(
        doc,
        ["{{ t.name }}", "{{ t.municipality }}", "{{ t.role }}"],
        ["{{ m.name }}", "{{ m.municipality }}", "{{ m.role_label }}"],
        "m in team",
        [6.0, 4.5, 5.5],
    )
    heading(doc, "{{ t.visit_heading }}", 2)
    para(doc, "{{ visit_text }}", keep_with_next=True)
    tag(doc, "{%p if groups %}")
    table(
        doc,
        ["{{ t.group }}", "{{ t.interviews }}", "{{ t.participants }}", "{{ t.titles }}"],
        ["{{ g.name }}", "{{ g.interviews }}", "{{ g.participants }}", "{{ g.titles_text }}"],
        "g in groups",
        [4.2, 2.6, 2.8, 6.4],
        centred=(1, 2),
    )
    tag(doc, "{%p endif %}")

    # Granskningen
    heading(doc, "{{ t.examination }}", 1, page_break=True)
    para(doc, "{{ t.examination_intro }}")
    tag(doc, "{%p for block in blocks if block.questions %}")
    heading(doc, "{{ block.title }}", 2)
    tag(doc, "{%p if block.description %}")
    para(doc, "{{ block.description }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if block.articles_text %}")
    para(doc, "{{ t.articles }}: {{ block.articles_text }}", "Small Print")
    tag(doc, "{%p endif %}")
    # the team's analysis leads the chapter, then what they found, then the chosen quotes
    paragraphs(doc, "block.analysis")
    tag(doc, "{%p if not block.analysis %}")
    para(doc, "{{ t.no_analysis }}")
    tag(doc, "{%p endif %}")
    _findings(doc, 3)
    tag(doc, "{%p if block.quotes %}")
    heading(doc, "{{ t.quotes }}", 3)
    tag(doc, "{%p for quote in block.quotes %}")
    p = para(doc, "{{ quote.shown }}", "Interview Quote")
    run = p.add_run(" – {{ quote.groups }}")  # type: ignore[attr-defined]
    run.italic = False
    run.font.color.rgb = GREY
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    _ratings(doc)
    tag(doc, "{%p endfor %}")

    # Rekommendationer
    heading(doc, "{{ t.recommendations }}", 1, page_break=True)
    tag(doc, "{%p if recommendations %}")
    para(doc, "{{ t.recommendations_intro }}")
    tag(doc, "{%p for rec in recommendations %}")
    # "R1. text": the number follows the recommendation to the checklist and the record
    p = para(doc)
    p.add_run("{{ rec.code }}.").bold = True  # type: ignore[attr-defined]
    p.add_run(" {{ rec.text }}")  # type: ignore[attr-defined]
    run = p.add_run("{% if rec.block_title %} ({{ rec.block_title }}){% endif %}")  # type: ignore[attr-defined]
    run.font.color.rgb = GREY
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.no_recommendations }}")
    tag(doc, "{%p endif %}")

    # Framtid: the team's analysis and findings of the blocks of sentence completions, then
    # the completions, each answer once with the groups that gave it
    heading(doc, "{{ t.future }}", 1)
    tag(doc, "{%p for block in blocks if not block.questions %}")
    paragraphs(doc, "block.analysis")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if completions %}")
    para(doc, "{{ t.future_intro }}")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.no_completions }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for block in blocks if not block.questions %}")
    tag(doc, "{%p if block.strengths or block.developments %}")
    heading(doc, "{{ block.title }}: {{ t.findings_heading }}", 2)
    _findings(doc, 3)
    tag(doc, "{%p elif block.no_findings %}")
    para(doc, "{{ t.no_findings }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for q in completions %}")
    heading(doc, "{{ q.text }}", 2)
    tag(doc, "{%p for answer in q.answers %}")
    p = para(doc, "{{ answer.text }}", "List Bullet")
    run = p.add_run(" – {{ answer.groups }}")  # type: ignore[attr-defined]
    run.font.color.rgb = GREY
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not q.answers %}")
    para(doc, "{{ t.no_notes }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    notes_appendix(doc)

    # Bilaga: Deltagare
    heading(doc, "{{ t.appendix }}", 1)
    para(doc, "{{ t.appendix_intro }}", keep_with_next=True)
    tag(doc, "{%p for iv in interviews %}")
    heading(doc, "{{ iv.group_name }}, {{ iv.date }}, {{ iv.time }}", 2)
    tag(doc, "{%p if iv.place %}")
    labelled(doc, "{{ t.place }}: ", "{{ iv.place }}", "Normal", keep=True)
    tag(doc, "{%p endif %}")
    labelled(doc, "{{ t.review_team }}: ", "{{ iv.team_text }}", "Normal", keep=True)
    tag(doc, "{%p if iv.interviewees %}")
    tag(doc, "{%p if doc.anonymous %}")
    table(
        doc,
        ["{{ t.title }}", "{{ t.organisation }}"],
        ["{{ p.title }}", "{{ p.organisation }}"],
        "p in iv.interviewees",
        [8.0, 8.0],
    )
    tag(doc, "{%p else %}")
    table(
        doc,
        ["{{ t.name }}", "{{ t.title }}", "{{ t.organisation }}"],
        ["{{ p.name }}", "{{ p.title }}", "{{ p.organisation }}"],
        "p in iv.interviewees",
        [5.5, 5.5, 5.0],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "{{ t.no_interviewees }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not interviews %}")
    para(doc, "{{ t.no_interviews }}")
    tag(doc, "{%p endif %}")
    return doc


def _toc_field_part(paragraph: object, kind: str, instr: str | None = None) -> None:
    r = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    r.append(char)
    paragraph._p.append(r)  # type: ignore[attr-defined]
    if instr is not None:
        r = OxmlElement("w:r")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instr} "
        r.append(code)
        paragraph._p.append(r)  # type: ignore[attr-defined]


def contents(doc: Document) -> None:
    """The table of contents after the cover: a TOC field over headings 1-2.

    The field's shown result lists the chapters and blocks (without page numbers) so that a
    document that is never opened in Word, or converted by LibreOffice, still has one; Word
    updates the field, page numbers included, when the document is opened (updateFields).
    """
    para(doc, "{{ t.contents }}", "Contents Heading")
    first = doc.add_paragraph(style="toc 1")
    _toc_field_part(first, "begin", 'TOC \\o "1-2" \\h \\z \\u')
    _toc_field_part(first, "separate")
    first.add_run("{{ t.summary }}")
    for text in ("{{ t.reflections }}", "{{ t.introduction }}", "{{ t.examination }}"):
        para(doc, text, "toc 1")
    tag(doc, "{%p for block in blocks if block.questions %}")
    para(doc, "{{ block.title }}", "toc 2")
    tag(doc, "{%p endfor %}")
    for text in ("{{ t.recommendations }}", "{{ t.future }}"):
        para(doc, text, "toc 1")
    tag(doc, "{%p if appendix.notes %}")
    para(doc, "{{ t.notes_appendix }}", "toc 1")
    tag(doc, "{%p endif %}")
    last = para(doc, "{{ t.appendix }}", "toc 1")
    _toc_field_part(last, "end")
    # the colophon under the contents, as on the back of a title page: the version a
    # handed-over report was stored as here, not on the cover, and no line of its own at
    # the end of the document
    para(
        doc,
        "{{ t.colophon }} {{ doc.generated }}.{% if doc.report_version %} "
        "{{ t.report_version }}: {{ doc.report_version }}.{% endif %}",
        "Small Print",
        space_before=Pt(36),
    )
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _ratings(doc: Document) -> None:
    """The block's rating questions: answers per step and group, a mean only over three
    answers or more."""
    tag(doc, '{%p if block.questions|selectattr("rating")|list %}')
    heading(doc, "{{ t.ratings }}", 3)
    tag(doc, "{%p for q in block.questions if q.rating %}")
    heading(doc, "{{ q.text }}", 4)
    table(
        doc,
        ["{{ t.group }}", "1", "2", "3", "4", "{{ t.answers }}", "{{ t.mean }}"],
        [
            "{{ row.group }}",
            "{{ row.counts[0] }}",
            "{{ row.counts[1] }}",
            "{{ row.counts[2] }}",
            "{{ row.counts[3] }}",
            "{{ row.n }}",
            "{{ row.mean }}",
        ],
        "row in q.rating.rows",
        [4.4, 1.6, 1.6, 1.6, 1.6, 2.2, 3.0],
        centred=(1, 2, 3, 4, 5, 6),
    )
    para(doc, "{{ t.rating_note }} {{ q.rating.legend }}.", "Small Print", space_before=Pt(3))
    tag(doc, "{%p if q.rating.few %}")
    para(doc, "{{ t.too_few }}", "Small Print")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def _answers(doc: Document, expr: str) -> None:
    """Notes of the appendix: each text once, led by the groups that said it."""
    tag(doc, f"{{%p for a in {expr} %}}")
    tag(doc, "{%p for para in a.paragraphs %}")
    p = para(doc, "", "Interview Note")
    run = p.add_run("{% if loop.first %}{{ a.groups }}: {% endif %}")  # type: ignore[attr-defined]
    run.bold = True
    p.add_run('{% if para.kind == "bullet" %}• {% endif %}{{ para.text }}')  # type: ignore[attr-defined]
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def notes_appendix(doc: Document) -> None:
    """All notes by block, question and group, if the review's report carries them."""
    tag(doc, "{%p if appendix.notes %}")
    # an appendix follows on the page where the last chapter ends: no near-empty page
    heading(doc, "{{ t.notes_appendix }}", 1)
    para(doc, "{{ t.notes_appendix_intro }}", keep_with_next=True)
    tag(doc, "{%p for b in appendix.blocks %}")
    heading(doc, "{{ b.title }}", 2)
    tag(doc, "{%p for q in b.questions %}")
    heading(doc, "{{ q.text }}", 3)
    _answers(doc, "q.answers")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if appendix.observations %}")
    heading(doc, "{{ t.observations }}", 2)
    _answers(doc, "appendix.observations")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")


def _findings(doc: Document, level: int) -> None:
    """The block's strengths and development areas, or its "no findings" statement."""
    tag(doc, "{%p if block.strengths %}")
    heading(doc, "{{ t.strengths }}", level)
    tag(doc, "{%p for f in block.strengths %}")
    para(doc, "{{ f }}", "List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if block.developments %}")
    heading(doc, "{{ t.developments }}", level)
    tag(doc, "{%p for f in block.developments %}")
    para(doc, "{{ f }}", "List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if block.no_findings %}")
    para(doc, "{{ t.no_findings }}")
    tag(doc, "{%p endif %}")
