"""The renderer's shortcuts keep docxtpl's results: the body parsed once unless a column
loop leaves docxtpl columns to fix, and one walk over the context for safe text and pictures."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from granskning.documents import docxrender
from granskning.documents.docxrender import W_NS, Image, Properties

AT = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
PROPS = Properties(title="T", subject=None, author=None, language="sv-SE")
# the smallest PNG: one transparent pixel
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _template(columns: int, cells: list[str]) -> bytes:
    doc = Document()
    doc.add_paragraph("{{ title }}")
    table = doc.add_table(rows=1, cols=columns)
    for cell, text in zip(table.rows[0].cells, cells, strict=True):
        cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _grid(data: bytes) -> list[int]:
    """The number of grid columns of each table of a .docx, and of cells of its first row."""
    body = Document(io.BytesIO(data)).element.body
    w = f"{{{W_NS}}}"
    return [
        n
        for t in body.iter(f"{w}tbl")
        for n in (len(t.findall(f"{w}tblGrid/{w}gridCol")), len(t.find(f"{w}tr").findall(f"{w}tc")))
    ]


def _bare(data: bytes, context: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


@pytest.mark.parametrize("n", [1, 3, 5])
def test_a_column_loop_gets_the_grid_docxtpl_gives_it(n: int) -> None:
    data = _template(3, ["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"])
    context = {"title": "Rubrik", "cols": [f"k{i}" for i in range(n)]}
    made = docxrender._render(data, context, PROPS, AT, "t.docx")
    assert _grid(made) == _grid(_bare(data, context)) == [n, n]
    assert [c.text for c in Document(io.BytesIO(made)).tables[0].rows[0].cells] == context["cols"]


def test_a_table_without_a_loop_is_kept_as_read() -> None:
    data = _template(2, ["{{ a }}", "{{ b }}"])
    made = docxrender._render(data, {"title": "R", "a": "x < y", "b": "z"}, PROPS, AT, "t.docx")
    doc = Document(io.BytesIO(made))
    assert doc.paragraphs[0].text == "R"
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["x < y", "z"]
    assert _grid(made) == [2, 2]


def _tree(rows: list[list[int]], columns: int, grid: bool = True) -> Any:
    w = f'xmlns:w="{W_NS}"'
    cols = "".join("<w:gridCol w:w='100'/>" for _ in range(columns))
    body = "".join(
        "<w:tr>"
        + "".join(
            f"<w:tc><w:tcPr><w:gridSpan w:val='{span}'/></w:tcPr></w:tc>" if span > 1 else "<w:tc/>"
            for span in row
        )
        + "</w:tr>"
        for row in rows
    )
    table = f"<w:tbl>{f'<w:tblGrid>{cols}</w:tblGrid>' if grid else ''}{body}</w:tbl>"
    return etree.fromstring(f"<w:body {w}>{table}</w:body>")


def test_which_tables_docxtpl_would_change() -> None:
    fix = docxrender._columns_to_fix
    assert not fix(etree.fromstring(f'<w:body xmlns:w="{W_NS}"><w:p/></w:body>'))
    assert not fix(_tree([[1, 1, 1], [1, 1, 1]], 3))
    assert not fix(_tree([[1, 2], [1, 1, 1]], 3))  # a merged cell spans its columns
    assert fix(_tree([[1, 1, 1, 1]], 3))  # more cells than columns
    assert fix(_tree([[1, 1]], 3))  # fewer
    assert fix(_tree([[1, 1, 1]], 3, grid=False))  # no grid: docxtpl's own way
    assert fix(_tree([], 2))  # no rows
    bad = _tree([[1, 2, 1]], 4)
    bad.find(f".//{{{W_NS}}}gridSpan").set(f"{{{W_NS}}}val", "two")
    assert fix(bad)


def test_one_walk_makes_text_safe_and_pictures_of_images() -> None:
    data = _template(1, ["{{ logo }}"])
    tpl = docxrender.open_template(data, "t.docx")
    picture = Image(PNG, 10.0, "Logga\x01")
    context = {"a": ["x\x00y", ("p\rq", picture)], "n": 3, "logo": picture, "none": None}
    safe = docxrender.safe_context(context, tpl)
    assert safe["a"][0] == "xy" and safe["a"][1][0] == "p\nq"
    assert (safe["n"], safe["none"]) == (3, None)
    assert isinstance(safe["logo"], InlineImage) and isinstance(safe["a"][1][1], InlineImage)
    # without a template the pictures wait for one
    assert docxrender.safe_context(context)["logo"] is picture
    made = docxrender._render(data, {"title": "R", "logo": picture}, PROPS, AT, "t.docx")
    with zipfile.ZipFile(io.BytesIO(made)) as z:
        assert 'descr="Logga"' in z.read("word/document.xml").decode()


def test_what_a_template_makes_up_that_xml_cannot_hold_is_dropped() -> None:
    # Jinja's string literals may make any character: a control character, a carriage
    # return, a lone surrogate; the context's own strings are cleaned before
    data = _template(1, ["{{ 'a\\x01b' }}|{{ 'c\\rd' }}|{{ 'e\\ud800f' }}|{{ 'g\\uffffh' }}"])
    made = docxrender._render(data, {"title": "R"}, PROPS, AT, "t.docx")
    cell = Document(io.BytesIO(made)).tables[0].rows[0].cells[0]
    assert cell.text == "ab|c\nd|ef|gh"
