"""Render a Word template with docxtpl in a sandbox, and write the result safely.

Templates may be restyled by coordinators in Word, so they are treated as untrusted:
Jinja runs in a ``SandboxedEnvironment`` with autoescape on (text from the database can
hold ``<`` and ``&``, which would otherwise break the document's XML).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from granskning.domain.errors import InputError
from granskning.domain.i18n import _


def check_output_path(out: Path) -> None:
    """Raise InputError unless ``out`` can be written as a .docx file."""
    if out.suffix.lower() != ".docx":
        raise InputError(_("{path}: the output file must end in .docx").format(path=out))
    from granskning.storage.output import check_output

    check_output(out)


def _shipped(template: Path) -> bool:
    from granskning.resources import reports_dir

    return template.resolve().parent == reports_dir().resolve()


def render(
    template: Path,
    context: dict[str, Any] | Callable[[Any], dict[str, Any]],
    out: Path,
    *,
    after: Callable[[Any], None] | None = None,
) -> Path:
    """Render ``template`` with ``context`` into ``out`` (replaced only once complete).

    :param context: the context, or a function of the DocxTemplate returning it (for images).
    :param after: called with the rendered DocxTemplate before it is saved.
    """
    from jinja2 import TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from granskning.documents import docxrender

    check_output_path(out)
    if not template.is_file():
        raise InputError(_("{path}: the Word template does not exist").format(path=template))
    try:
        data = template.read_bytes()
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({error})").format(path=template, error=exc.strerror)
        ) from None

    def make() -> bytes:
        # in a child process under the render limits: a restyled template is user input
        tpl = docxrender.open_template(data, str(template))
        values = docxrender.safe_context(context(tpl) if callable(context) else context)
        env = SandboxedEnvironment(autoescape=True)
        try:
            tpl.render(values, jinja_env=env, autoescape=True)
        except (TemplateError, ValueError) as exc:  # ValueError: XML the template broke
            raise InputError(
                _("{path}: the template cannot be filled in: {error}").format(
                    path=template, error=exc
                )
            ) from None
        _order_cell_properties(tpl)
        if after is not None:
            after(tpl)
        buffer = io.BytesIO()
        tpl.save(buffer)
        return buffer.getvalue()

    # a template shipped with granskning is trusted (tested with the package); a restyled
    # one is user input, rendered in a child process under the limits
    content = make() if _shipped(template) else docxrender.run_limited(make, str(template))
    from granskning.storage.output import write_output

    write_output(out, content)
    return out


# The schema's order of a table cell's properties (CT_TcPr). docxtpl's {% cellbg %} puts
# w:shd first, before w:tcW, which Word may refuse as a damaged file.
_TC_PR_ORDER = [
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
]  # fmt: skip


def _order_cell_properties(tpl: Any) -> None:
    from docx.oxml.ns import qn

    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TC_PR_ORDER)}
    for tc_pr in tpl.docx.element.body.iter(qn("w:tcPr")):
        children = list(tc_pr)
        ordered = sorted(children, key=lambda el: rank.get(el.tag, len(rank)))
        if ordered != children:
            for el in children:
                tc_pr.remove(el)
            tc_pr.extend(ordered)


def inline_image(tpl: Any, png: bytes, *, width_mm: float, alt: str) -> Any:
    """A picture for a docxtpl context, carrying ``alt`` as its alternative text."""
    import io
    import re
    from xml.sax.saxutils import quoteattr

    from docx.shared import Mm
    from docxtpl import InlineImage

    class AltImage(InlineImage):  # type: ignore[misc]
        def _insert_image(self) -> str:
            xml: str = super()._insert_image()
            # screen readers read wp:docPr/@descr; python-docx leaves it out
            return re.sub(r"<wp:docPr ", f"<wp:docPr descr={quoteattr(alt)} ", xml, count=1)

    return AltImage(tpl, io.BytesIO(png), width=Mm(width_mm))
