"""Building blocks for the scripts that write granskning's Word templates, and their output.

The templates are ordinary Word documents with docxtpl (Jinja) tags in their text, so that
coordinators can restyle them in Word. These helpers give them real heading styles, Swedish
as the proofing language, tables whose header rows repeat on every page, and page numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

# the fixed time of the templates' zip entries: the same content always gives the same bytes
FIXED = datetime(2024, 1, 1, 0, 0, 0)
# Who the templates say they are by until a document is rendered from them (then the
# partnership's name as set; granskning.documents.style.DEFAULT_PARTNERSHIP).
AUTHOR = "Partnerskapet för barnets rättigheter i praktiken"

# The application properties (docProps/app.xml): who made it, no counts Word would compute.
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
APP_PROPERTIES = (
    f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<Properties xmlns=\"{_EXTENDED}\">"
    "<Application>granskning</Application><DocSecurity>0</DocSecurity></Properties>"
).encode()

# The one font family of every document (granskning.documents.style.HOUSE_FONT says why).
FONT = "Calibri"
INK = RGBColor(0x1F, 0x29, 0x37)
NAVY = RGBColor(0x1F, 0x38, 0x64)
BLUE = RGBColor(0x2E, 0x55, 0x97)
GREY = RGBColor(0x59, 0x59, 0x59)
HEAD_FILL = "1F3864"
TOTAL_FILL = "DCE3F0"
ZEBRA = ("FFFFFF", "F3F6FA")
BORDER = "B4BFCF"


def new_document(*, title: str, subject: str, landscape: bool = False) -> Document:
    """An empty A4 document with granskning's styles, in Swedish."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.footer_distance = Cm(1.0)
    _set_language(doc, "sv-SE")
    house_style(doc, title=title, subject=subject)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    _east_asian_font(normal, FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    title_style = styles["Title"]
    title_style.font.name = FONT
    title_style.font.size = Pt(26)
    title_style.font.bold = True
    title_style.font.color.rgb = NAVY
    title_style.paragraph_format.space_after = Pt(2)
    _east_asian_font(title_style, FONT)
    _no_border(title_style)

    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(14)
    subtitle.font.italic = False
    subtitle.font.color.rgb = BLUE
    subtitle.paragraph_format.space_after = Pt(14)
    _east_asian_font(subtitle, FONT)

    for name, size, colour, before in (
        ("Heading 1", 16, NAVY, 20),
        ("Heading 2", 13, BLUE, 14),
        ("Heading 3", 11, INK, 10),
    ):
        h = styles[name]
        h.font.name = FONT
        h.font.size = Pt(size)
        h.font.bold = True
        h.font.italic = False
        h.font.color.rgb = colour
        _east_asian_font(h, FONT)
        h.paragraph_format.space_before = Pt(before)
        h.paragraph_format.space_after = Pt(6)
        h.paragraph_format.keep_with_next = True

    caption = styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(9)
    caption.font.bold = False
    caption.font.italic = True
    caption.font.color.rgb = GREY
    caption.paragraph_format.space_after = Pt(12)

    cell = styles.add_style("Tabelltext", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.space_before = Pt(0)
    cell.paragraph_format.line_spacing = 1.0

    head = styles.add_style("Tabellrubrik", WD_STYLE_TYPE.PARAGRAPH)
    head.base_style = cell
    head.font.size = Pt(8.5)
    head.font.bold = True
    head.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    figure = styles.add_style("Nyckeltal", WD_STYLE_TYPE.PARAGRAPH)
    figure.base_style = cell
    figure.font.size = Pt(15)
    figure.font.bold = True
    figure.font.color.rgb = NAVY
    figure.paragraph_format.space_before = Pt(3)
    figure.paragraph_format.space_after = Pt(3)

    small = styles.add_style("Liten text", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    small.font.size = Pt(8.5)
    small.font.color.rgb = GREY
    small.paragraph_format.space_after = Pt(0)
    return doc


def house_style(doc: Document, *, title: str, subject: str) -> None:
    """What every template shares: the one font family (document defaults, theme and the
    Normal style), Swedish on the Normal style too, no thumbnail, and core properties of
    its own instead of python-docx's (created 2013, "generated by python-docx")."""
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    rpr.insert(0, fonts)
    # python-docx's unused styles name other families (Courier): one family everywhere
    for other in styles.iter(qn("w:rFonts")):
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            if other.get(qn(attr)) is not None:
                other.set(qn(attr), FONT)
    normal = doc.styles["Normal"].element.get_or_add_rPr()
    if normal.find(qn("w:lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "sv-SE")
        normal.append(lang)
    theme = doc.part.part_related_by(RT.THEME)
    theme._blob = re.sub(
        rb'(<a:latin typeface=")[^"]*(")', rb"\g<1>" + FONT.encode() + rb"\2", theme.blob
    )
    for rid, rel in list(doc.part.package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            doc.part.package.rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:  # python-docx's: "Microsoft Macintosh Word"
            rel.target_part._blob = APP_PROPERTIES
    props = doc.core_properties
    props.language = "sv-SE"
    props.title = title
    props.subject = subject
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = FIXED
    props.modified = FIXED


def _set_language(doc: Document, lang: str) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)
    el.set(qn("w:eastAsia"), lang)
    el.set(qn("w:bidi"), "ar-SA")
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        settings.append(theme_lang)
    theme_lang.set(qn("w:val"), lang)


def _east_asian_font(style: object, font: str) -> None:
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _no_border(style: object) -> None:
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def add_field(paragraph: object, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES ...) in ``paragraph``."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()  # type: ignore[attr-defined]
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()  # type: ignore[attr-defined]
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run(placeholder)  # type: ignore[attr-defined]
    run = paragraph.add_run()  # type: ignore[attr-defined]
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def footer(doc: Document, left: str) -> None:
    """A footer with ``left`` (may hold tags) and "Sida X av Y" on the right."""
    section = doc.sections[0]
    p = section.footer.paragraphs[0]
    p.style = doc.styles["Liten text"]
    width = section.page_width - section.left_margin - section.right_margin
    p.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(left + "\t")
    p.add_run("Sida ")
    add_field(p, "PAGE")
    p.add_run(" av ")
    add_field(p, "NUMPAGES")
    _top_border(p)


def _top_border(paragraph: object) -> None:
    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "4"), ("w:color", BORDER)):
        top.set(qn(k), v)
    border.append(top)
    ppr.append(border)


def para(
    doc_or_cell: object,
    text: str = "",
    style: str | None = None,
    *,
    bold: bool = False,
    align: str | None = None,
    keep_with_next: bool = False,
) -> object:
    """Add a paragraph (to a document or a table cell)."""
    p = doc_or_cell.add_paragraph(style=style)  # type: ignore[attr-defined]
    if text:
        run = p.add_run(text)
        run.bold = bold or None
    if align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    return p


def logo_paragraph(
    doc: Document, expr: str = "logo", style: str | None = None, space_after: int = 12
) -> None:
    """The partnership's logo at the top of a cover, when one is set: ``{{ expr }}`` (a
    picture from granskning.documents.logo.cover_logo, its alt text with it) in a paragraph
    of its own between paragraph tags, ``space_after`` points above what follows."""
    doc.add_paragraph("{%p if " + expr + " %}")
    p = doc.add_paragraph(style=style)
    p.add_run("{{ " + expr + " }}")
    p.paragraph_format.space_after = Pt(space_after)
    doc.add_paragraph("{%p endif %}")


def shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = tcpr.find(qn("w:shd"))
    if shd is None:
        shd = OxmlElement("w:shd")
        tcpr.append(shd)
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)


def _table_borders(table: object, colour: str = BORDER) -> None:
    tblpr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), colour)
        borders.append(el)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 40), ("bottom", 40), ("left", 80), ("right", 80)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _row_flag(row: object, flag: str) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement(f"w:{flag}")
    trpr.append(el)


def _fill_cell(
    cell: object, text: str, style: str, align: str | None = None, bold: bool = False
) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.style = style
    if text:
        lines = text.split("\n")
        run = p.add_run(lines[0])
        run.bold = bold or None
        for line in lines[1:]:
            extra = cell.add_paragraph(style=style)  # type: ignore[attr-defined]
            r = extra.add_run(line)
            r.bold = bold or None
            if align == "right":
                extra.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def zebra(loop_var: str = "loop") -> str:
    """The fill expression that shades a loop's rows in turn."""
    return f"{loop_var}.cycle('{ZEBRA[0]}','{ZEBRA[1]}')"


def table(
    doc: Document,
    columns: list[tuple[str, float, str | None]],
    rows: list[list[str] | str],
    *,
    header: bool = True,
    fill: str | None = None,
    total: list[str] | None = None,
    loop: tuple[str, str] | None = None,
    min_height_cm: float | None = None,
) -> object:
    """A table with a repeated header row; ``rows`` hold cell texts (tags allowed).

    :param columns: (header, width in cm, "right"/"center"/None) for each column.
    :param loop: ("{%tr for ... %}", "{%tr endfor %}") wrapped around ``rows``.
    :param fill: a Jinja expression for the rows' background (see :func:`zebra`); a cell
        starting with its own ``{% cellbg ... %}`` keeps that.
    :param total: a last, shaded row (after the loop).
    :param min_height_cm: the least height of the data rows (room to write by hand).
    """
    n = len(columns)
    t = doc.add_table(rows=0, cols=n)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _table_borders(t)
    if header:
        r = t.add_row()
        _row_flag(r, "tblHeader")
        _row_flag(r, "cantSplit")
        for cell, (text, _w, align) in zip(r.cells, columns, strict=True):
            _fill_cell(cell, text, "Tabellrubrik", align)
            shade(cell, HEAD_FILL)
    if loop:
        r = t.add_row()
        _fill_cell(r.cells[0], loop[0], "Tabelltext")
    for texts in rows:
        r = t.add_row()
        if isinstance(texts, str):  # a row holding only a {%tr ... %} tag
            _fill_cell(r.cells[0], texts, "Tabelltext")
            continue
        _row_flag(r, "cantSplit")
        if min_height_cm:
            r.height = Cm(min_height_cm)
            r.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, text, (_h, _w, align) in zip(r.cells, texts, columns, strict=True):
            if fill and not text.startswith("{% cellbg"):
                text = "{% cellbg " + fill + " %}" + text
            _fill_cell(cell, text, "Tabelltext", align)
    if loop:
        r = t.add_row()
        _fill_cell(r.cells[0], loop[1], "Tabelltext")
    if total:
        r = t.add_row()
        _row_flag(r, "cantSplit")
        for cell, text, (_h, _w, align) in zip(r.cells, total, columns, strict=True):
            _fill_cell(cell, text, "Tabelltext", align, bold=True)
            if not text.startswith("{% cellbg"):
                shade(cell, TOTAL_FILL)
    # both the grid (LibreOffice reads it) and each cell (Word reads those)
    for column, (_h, width, _a) in zip(t.columns, columns, strict=True):
        column.width = Cm(width)
    for row in t.rows:
        for cell, (_h, width, _a) in zip(row.cells, columns, strict=True):
            cell.width = Cm(width)
    return t


def facts_table(doc: Document, rows: list[list[str]]) -> object:
    """The facts under a title: a label and a value per row, the labels bold on a tint."""
    facts = table(doc, [("", 6.0, None), ("", 19.7, None)], rows, header=False)
    for row in facts.rows:  # type: ignore[attr-defined]
        shade(row.cells[0], TOTAL_FILL)
        for run in row.cells[0].paragraphs[0].runs:
            run.bold = True
    return facts


def small_first_line(doc: Document, t: object, column: int) -> None:
    """The first line of ``column``'s data cell in small text (an item's source above its
    text); the data row is the one after the header and the ``{%tr for %}`` row."""
    first = t.rows[2].cells[column].paragraphs[0]  # type: ignore[attr-defined]
    first.style = doc.styles["Liten text"]


def save(doc: Document) -> bytes:
    """The document's .docx bytes with fixed zip timestamps, order and permissions."""
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
