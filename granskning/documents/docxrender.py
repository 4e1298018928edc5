"""The one renderer of every Word document (report, seminar checklist, compilation).

A template may be restyled by a coordinator, so it is user input: shipped templates are
rendered in-process (trusted, tested with the package), a user's in a limited child
process (:func:`run_limited`).

Templates are rendered by docxtpl in a sandboxed, autoescaping Jinja environment with
strict undefined values: a template cannot reach Python internals, user text can never
become Word markup, and a misspelt variable is an error rather than an empty gap.
Before rendering, a template is checked against the schema of the context it will get
(:func:`check`): syntax errors, unknown variables and attributes, constructs that are not
allowed, and images without alt text are reported with where they are.

After rendering, the document is finished for accessibility and reproducibility: table
cells' properties in the schema's order, the document language in the styles and
settings, the core properties, numbered lists that restart where they should, and a zip
with fixed timestamps so that the same content always gives the same bytes.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import io
import json
import os
import re
import select
import signal
import struct
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from granskning.domain.errors import GranskningError, InputError
from granskning.domain.i18n import _
from granskning.domain.text import xml_safe
from granskning.resources import reports_dir
from granskning.storage.files import read_input
from granskning.storage.output import check_output, write_output

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.sandbox import SandboxedEnvironment

# Leaf types of a context schema (see granskning.documents.schemas for the schemas themselves).
TEXT = "text"
NUMBER = "number"
BOOL = "bool"
IMAGE = "image"
_LEAF_TYPES: dict[str, tuple[type, ...]] = {
    TEXT: (str,),
    NUMBER: (int, float),
    BOOL: (bool,),
    IMAGE: (),
}

Schema = Any  # dict (object with known keys) | [schema] (list of) | leaf type name

_ANY = object()  # a value the checker knows nothing about
_REFUSED = object()  # what an access that is not allowed gives (reported once per expression)

# Filters that give back the same kind of list they were given.
_SAME_LIST_FILTERS = {"sort", "reverse", "list", "selectattr", "rejectattr", "unique", "batch"}
_ITEM_FILTERS = {"first", "last", "random"}
# Filters and statements that would put text into the document unescaped (markup injection).
_UNSAFE_FILTERS = {"safe"}

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class TemplateRefused(InputError):
    """A template that cannot be rendered: its problems, each with where it is."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        super().__init__(
            "\n".join(
                _("{path}: the template cannot be filled in: {error}").format(path=name, error=p)
                for p in problems
            )
        )


@dataclass(frozen=True)
class Problem:
    """Something wrong in a template, with where it is ("document, paragraph 12")."""

    where: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@cache
def _nodes() -> Any:
    """Jinja's node classes. Jinja is imported when a template is checked or rendered, not
    by every command that loads the document pipeline (it takes 20 ms)."""
    from jinja2 import nodes

    return nodes


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment every template is rendered in: sandboxed, autoescaped, strict."""
    from jinja2.runtime import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


# -- limits: a template is user input -------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What rendering one document may take; exceeding any is bad input (exit 2).

    Jinja's sandbox keeps a template from Python's internals, not from loops that never
    end or strings of gigabytes, and a .docx is a zip that may unpack to far more than
    its size. So a template's package is measured before it is opened, and a document
    is rendered in a child process with these limits (see :func:`run_limited`).
    """

    seconds: float = 120.0  # wall-clock time of one rendering
    memory_mb: int = 1024  # memory one rendering may add to what the program already uses
    output_mb: float = 50  # the finished document
    unpacked_mb: int = 64  # a template's parts together, uncompressed
    parts: int = 2_000  # files in a template's package


LIMITS = Limits()
"""The limits every rendering runs under (tests put smaller ones here)."""

_MB = 1024 * 1024


class LimitExceeded(InputError):
    """A template needed more time, memory or output than :data:`LIMITS` allow (exit 2)."""


def check_package(data: bytes, name: str, limits: Limits | None = None) -> None:
    """Refuse a .docx whose package is too big unpacked, or whose XML declares a DTD.

    Runs on the zip's directory and the parts' first bytes only, before anything is
    decompressed in full: a zip bomb or entities that expand (a "billion laughs") are
    refused without being expanded. A Word document never needs a DTD.
    """
    limits = limits or LIMITS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > limits.parts:
                raise LimitExceeded(
                    _(
                        "{name}: the template holds more than {n} files; a Word document holds far fewer"
                    ).format(name=name, n=limits.parts)
                )
            # the sizes in the zip's directory bound what reading gives: zipfile stops at
            # the declared size (and fails the CRC when the data says otherwise)
            total = sum(i.file_size for i in infos)
            if total > limits.unpacked_mb * _MB:
                raise LimitExceeded(
                    _(
                        "{name}: the template unpacks to {size} MB, more than the limit of {n} MB"
                    ).format(name=name, size=total // _MB, n=limits.unpacked_mb)
                )
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and _declares_dtd(z, info):
                    raise InputError(
                        _(
                            "{name}: {part} declares a DTD or entities, which a Word document never has"
                        ).format(name=name, part=info.filename)
                    )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
    ) as exc:
        raise InputError(
            _("{name}: not a Word document (.docx): {error}").format(name=name, error=exc)
        ) from None


def _declares_dtd(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    # a DOCTYPE comes before the root element: the start of the part is enough to look at
    with z.open(info) as fh:
        head = fh.read(4096)
    for encoding in ("utf-8", "utf-16"):
        try:
            text = head.decode(encoding, errors="ignore")
        except LookupError:  # pragma: no cover
            continue
        if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
            return True
    return False


def safe_context(value: Any, tpl: Any = None) -> Any:
    """``value`` with every string made XML-safe (:func:`granskning.domain.text.xml_safe`)
    and, given the open template ``tpl``, every :class:`Image` made a docxtpl picture of it.

    Text from the database is cleaned when it is entered, but older versions and imports
    may have stored anything: one control character in one note would otherwise make
    docxtpl re-read the document in lxml's recovery mode and silently drop later text.
    Both are done in one walk: a large review's context holds tens of thousands of strings.
    """
    unsafe = _UNSAFE.search

    def walk(v: Any) -> Any:
        kind = type(v)  # the common types first, by identity
        if kind is str:
            return xml_safe(v) if unsafe(v) else v
        if kind is dict:
            return {k: walk(x) for k, x in v.items()}
        if kind is list:
            return [walk(x) for x in v]
        if isinstance(v, str):
            return xml_safe(v)
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return type(v)(walk(x) for x in v)
        if tpl is not None and isinstance(v, Image):
            return inline_image(tpl, v.png, width_mm=v.width_mm, alt=xml_safe(v.alt))
        return v

    return walk(value)


# what xml_safe changes (a carriage return and what XML cannot hold): looked for first, as
# most strings hold none of it
_UNSAFE = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# docxtpl lets a template author write "{_{" for a literal "{{" and turns every "{_{" of the
# rendered XML into "{{", which would change text from the database too. Here the author's
# escapes are swapped for markers that no safe text holds (NUL) before Jinja runs, and turned
# into what the author meant afterwards.
_HIDE_ESCAPES = (("{_{", "\x00["), ("}_}", "\x00]"), ("{_%", "\x00<"), ("%_}", "\x00>"))
_SHOW_ESCAPES = (("\x00[", "{{"), ("\x00]", "}}"), ("\x00<", "{%"), ("\x00>", "%}"))


@lru_cache(maxsize=1)
def _template_class() -> type:
    from docxtpl import DocxTemplate
    from lxml import etree  # type: ignore[import-untyped]

    class Template(DocxTemplate):  # type: ignore[misc]
        """docxtpl with the author's escapes kept apart from the text and XML checked strictly."""

        # the last part's rendered XML and its tree, as the strict check read it
        _parsed: tuple[str, Any] | None = None

        def render_xml_part(
            self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
        ) -> str:
            # docxtpl's own steps, except that only the author's escapes are turned
            src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            for escape, marker in _HIDE_ESCAPES:
                src_xml = src_xml.replace(escape, marker)
            self.current_rendering_part = part
            env = jinja_env or make_environment()
            dst_xml: str = env.from_string(src_xml).render(context)
            dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
            for marker, text in _SHOW_ESCAPES:
                dst_xml = dst_xml.replace(marker, text)
            dst_xml = _without_strays(dst_xml)  # a marker a template made up by itself
            dst_xml = str(self.resolve_listing(dst_xml))
            # docxtpl reads the body in lxml's recovery mode, which silently drops what it
            # cannot read: refuse instead
            try:
                tree = _well_formed(dst_xml)
            except UnicodeEncodeError:  # a lone surrogate a template made up
                dst_xml = xml_safe(dst_xml)
                tree = _well_formed(dst_xml)
            self._parsed = (dst_xml, tree)
            return dst_xml

        def fix_tables(self, xml: str) -> Any:
            # the body as the strict check read it, unless docxtpl has columns to fix (a
            # {%tc for %} loop): then docxtpl reads it again and fixes them
            parsed, self._parsed = self._parsed, None
            if parsed is not None and parsed[0] is xml and not _columns_to_fix(parsed[1]):
                return parsed[1]
            return super().fix_tables(xml)

    def _well_formed(xml: str) -> Any:
        try:
            return etree.fromstring(
                xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
            )
        except etree.XMLSyntaxError as exc:
            raise _MalformedXML(_first(exc)) from None

    return Template


# What xml_safe changes in a rendered part but surrogates (which cannot be encoded, so the
# strict check finds them): looked for one by one, which on a large report's body is three
# times faster than a regular expression's scan
_STRAYS = (
    *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A)),
    "\ufffe",
    "\uffff",
)


def _without_strays(xml: str) -> str:
    return xml_safe(xml) if any(c in xml for c in _STRAYS) else xml


def _columns_to_fix(tree: Any) -> bool:
    """Whether docxtpl's ``fix_tables`` would change ``tree``: a table with a row of more
    cells than its grid has columns, or whose widest row spans fewer of them."""
    for table in tree.iter(_w("tbl")):
        grid = table.find(_w("tblGrid"))
        if grid is None:
            return True
        columns = len(grid.findall(_w("gridCol")))
        widest = 0
        for row in table.iter(_w("tr")):
            cells = row.findall(_w("tc"))
            if len(cells) > columns:
                return True
            spans = [_span(cell) for cell in cells]
            if None in spans:
                return True
            widest = max(widest, sum(x for x in spans if x is not None))
        if widest < columns:
            return True
    return False


def _span(cell: Any) -> int | None:
    """How many grid columns a table cell spans (None: not a number docxtpl could read)."""
    span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    if span is None:
        return 1
    try:
        return int(span.get(_w("val")))
    except (TypeError, ValueError):
        return None


class _MalformedXML(ValueError):
    """The rendered XML of a part is not well-formed (the template cut through Word's tags)."""


def _Template(data: Any) -> Any:
    return _template_class()(data)


# -- reading a template ----------------------------------------------------------------------


@dataclass
class _Part:
    name: str  # "document", "header 1", "footer 2", "footnotes", "properties"
    source: str  # what Jinja parses (docxtpl's patched xml, one paragraph per line)
    headings: frozenset[str] = frozenset()  # the style ids of headings, to say where a line is


def _open(template: Path | bytes, name: str) -> Any:
    return open_template(template.read_bytes() if isinstance(template, Path) else template, name)


def open_template(data: bytes, name: str, limits: Limits | None = None) -> Any:
    """A .docx template opened for docxtpl, after :func:`check_package` let it through."""
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    check_package(data, name, limits)
    try:
        tpl = _Template(io.BytesIO(data))
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            _("{name}: not a Word document (.docx): {error}").format(name=name, error=exc)
        ) from None
    except (etree.LxmlError, SyntaxError) as exc:
        raise InputError(
            _("{name}: not a Word document (.docx): {error}").format(name=name, error=_first(exc))
        ) from None
    return tpl


def _lines(xml: str) -> str:
    # as docxtpl does before rendering: each paragraph on its own line; for the checks also
    # what follows a paragraph (the tags of {%p ...%} paragraphs docxtpl has unwrapped)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).replace("</w:p>", "</w:p>\n")


def _parts(tpl: Any) -> Iterator[_Part]:
    from docx.oxml import parse_xml

    yield _Part(
        _("document"),
        _lines(tpl.patch_xml(tpl.xml_to_string(tpl.docx._element.body))),
        _heading_ids(tpl),
    )
    for label, uri in ((_("header"), tpl.HEADER_URI), (_("footer"), tpl.FOOTER_URI)):
        n = 0
        for _rel, part in sorted(tpl.docx._part.rels.items()):
            if part.reltype == uri and part.target_part.blob:
                n += 1
                xml = tpl.xml_to_string(parse_xml(part.target_part.blob))
                yield _Part(f"{label} {n}", _lines(tpl.patch_xml(xml)))
    for part in tpl.docx.part.package.parts:
        if part.content_type.endswith("wordprocessingml.footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield _Part(_("footnotes"), _lines(tpl.patch_xml(blob)))
    props = tpl.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, prop) or ""
        if "{" in value:
            yield _Part(_("document property {name}").format(name=prop), value)


def _heading_ids(tpl: Any) -> frozenset[str]:
    # built-in style names are English in styles.xml even where Word localises the ids
    return frozenset(
        s.style_id
        for s in tpl.docx.styles
        if s.name and (s.name.lower().startswith("heading") or s.name == "Title")
    )


def _plain(line: str) -> str:
    text = re.sub(r"<[^>]+>", "", line).strip()
    return text if len(text) <= 60 else text[:59] + "…"


def _where(part: _Part, lineno: int | None) -> str:
    """Where line ``lineno`` of a part is, as a person finds it in Word: its text, under which heading."""
    if lineno is None or "<w:" not in part.source:
        return part.name  # no line, or a document property (a single line)
    lines = part.source.split("\n")
    index = max(0, min(lineno, len(lines)) - 1)
    text = _plain(lines[index])
    heading = None
    for line in reversed(lines[:index]):
        found = re.search(r'<w:pStyle w:val="([^"]+)"', line)
        if found and found.group(1) in part.headings:
            heading = _plain(line)
            break
    if heading:
        return _("{part}, under “{heading}”: “{text}”").format(
            part=part.name, heading=heading, text=text
        )
    return _("{part}: “{text}”").format(part=part.name, text=text)


# -- checking --------------------------------------------------------------------------------


def _describe(schema: Schema) -> str:
    if isinstance(schema, dict):
        return _("an object")
    if isinstance(schema, list):
        return _("a list")
    return _("a value")


class _Checker:
    """Walks a template's syntax tree, tracking what each name holds according to the schema."""

    def __init__(
        self,
        schema: Mapping[str, Schema],
        undeclared: set[str],
        globals_: set[str],
        where: Callable[[int | None], str],
    ) -> None:
        self.schema = schema
        self.undeclared = undeclared
        self.globals = globals_
        self.where = where
        self.problems: list[Problem] = []
        self.reported_names: set[str] = set()

    def problem(self, lineno: int | None, message: str, severity: str = "error") -> None:
        p = Problem(self.where(lineno), message, severity)
        if p not in self.problems:
            self.problems.append(p)

    # names and attributes

    def lookup(self, name: str, scopes: list[dict[str, Schema]], lineno: int) -> Schema:
        for scope in reversed(scopes):
            if name in scope:
                return scope[name]
        if name in self.schema:
            return self.schema[name]
        if name in self.globals or name not in self.undeclared:
            return _ANY
        self.reported_names.add(name)
        close = difflib.get_close_matches(name, list(self.schema), n=1)
        hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
        self.problem(lineno, _("unknown variable {name}").format(name=name) + hint)
        return _ANY

    def attribute(self, base: Schema, attr: str, lineno: int, shown: str) -> Schema:
        if base is _REFUSED:
            return _REFUSED
        if attr.startswith("_"):
            self.problem(
                lineno,
                _("access to {attr} is not allowed in report templates").format(attr=attr),
            )
            return _REFUSED
        if base is _ANY:
            return _ANY
        if isinstance(base, dict):
            if attr in base:
                return base[attr]
            if hasattr(dict, attr):
                return _ANY
            close = difflib.get_close_matches(attr, list(base), n=1)
            hint = _(" (did you mean {name}?)").format(name=close[0]) if close else ""
            self.problem(
                lineno,
                _("{expr} has no attribute {attr}").format(expr=shown, attr=attr) + hint,
            )
            return _ANY
        kinds: tuple[type, ...] = (list,) if isinstance(base, list) else _LEAF_TYPES.get(base, ())
        if any(hasattr(k, attr) for k in kinds):
            return _ANY
        self.problem(
            lineno,
            _("{expr} is {kind} and has no attribute {attr}").format(
                expr=shown, kind=_describe(base), attr=attr
            ),
        )
        return _ANY

    # expressions: one rule per kind of node (see _EXPRESSIONS), the rest walked through

    def expr(self, node: nodes.Node, scopes: list[dict[str, Schema]]) -> Schema:
        rule = _rule(_EXPRESSIONS, node)
        if rule is not None:
            return rule(self, node, scopes)
        for child in node.iter_child_nodes():
            self.expr(child, scopes)
        return _ANY

    def _name(self, node: nodes.Name, scopes: list[dict[str, Schema]]) -> Schema:
        return self.lookup(node.name, scopes, node.lineno)

    def _getattr(self, node: nodes.Getattr, scopes: list[dict[str, Schema]]) -> Schema:
        base = self.expr(node.node, scopes)
        return self.attribute(base, node.attr, node.lineno, _shown(node.node))

    def _getitem(self, node: nodes.Getitem, scopes: list[dict[str, Schema]]) -> Schema:
        base = self.expr(node.node, scopes)
        arg = node.arg
        if isinstance(arg, _nodes().Const) and isinstance(arg.value, str):
            return self.attribute(base, arg.value, node.lineno, _shown(node.node))
        self.expr(arg, scopes)
        if isinstance(arg, _nodes().Const) and isinstance(arg.value, int):
            return _item(base)
        return _ANY

    def _filter(self, node: nodes.Filter, scopes: list[dict[str, Schema]]) -> Schema:
        base = self.expr(node.node, scopes) if node.node is not None else _ANY
        self._args(node, scopes)
        if node.name in _UNSAFE_FILTERS:
            self.problem(
                node.lineno,
                _(
                    "the filter {name} is not allowed: it would put text into the document unescaped"
                ).format(name=node.name),
            )
        first = node.args[0] if node.args else None
        if (
            node.name == "attr"
            and isinstance(first, _nodes().Const)
            and isinstance(first.value, str)
        ):
            return self.attribute(base, first.value, node.lineno, _shown(node.node))
        if node.name in _SAME_LIST_FILTERS or node.name == "default":
            return base
        return _item(base) if node.name in _ITEM_FILTERS else _ANY

    def _call(self, node: nodes.Test | nodes.Call, scopes: list[dict[str, Schema]]) -> Schema:
        self.expr(node.node, scopes)
        self._args(node, scopes)
        return _ANY

    def _args(self, node: Any, scopes: list[dict[str, Schema]]) -> None:
        for arg in node.args:
            self.expr(arg, scopes)
        for kw in node.kwargs:
            self.expr(kw.value, scopes)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scopes)

    # statements: one rule per kind of node (see _STATEMENTS), the rest walked through

    def body(self, statements: list[nodes.Node], scopes: list[dict[str, Schema]]) -> None:
        for node in statements:
            self.stmt(node, scopes)

    def bind(self, target: nodes.Node, schema: Schema, scope: dict[str, Schema]) -> None:
        if isinstance(target, _nodes().Name):
            scope[target.name] = schema
        elif isinstance(target, _nodes().Tuple):
            for item in target.items:
                self.bind(item, _ANY, scope)

    def stmt(self, node: nodes.Node, scopes: list[dict[str, Schema]]) -> None:
        rule = _rule(_STATEMENTS, node)
        if rule is not None:
            rule(self, node, scopes)
            return
        for sub in node.iter_child_nodes():
            if isinstance(sub, _nodes().Expr):
                self.expr(sub, scopes)
            else:
                self.stmt(sub, scopes)

    def _output(self, node: nodes.Output, scopes: list[dict[str, Schema]]) -> None:
        for child in node.nodes:
            if not isinstance(child, _nodes().TemplateData):
                self.expr(child, scopes)

    def _for(self, node: nodes.For, scopes: list[dict[str, Schema]]) -> None:
        inner: dict[str, Schema] = {"loop": _ANY}
        self.bind(node.target, _item(self.expr(node.iter, scopes)), inner)
        if node.test is not None:
            self.expr(node.test, [*scopes, inner])
        self.body(node.body, [*scopes, inner])
        self.body(node.else_, scopes)

    def _if(self, node: nodes.If, scopes: list[dict[str, Schema]]) -> None:
        self.expr(node.test, scopes)
        self.body(node.body, scopes)
        for elif_ in node.elif_:
            self.stmt(elif_, scopes)
        self.body(node.else_, scopes)

    def _assign(self, node: nodes.Assign, scopes: list[dict[str, Schema]]) -> None:
        self.bind(node.target, self.expr(node.node, scopes), scopes[-1])

    def _assign_block(self, node: nodes.AssignBlock, scopes: list[dict[str, Schema]]) -> None:
        self.body(node.body, scopes)
        self.bind(node.target, _ANY, scopes[-1])

    def _with(self, node: nodes.With, scopes: list[dict[str, Schema]]) -> None:
        inner: dict[str, Schema] = {}
        for target, value in zip(node.targets, node.values, strict=False):
            self.bind(target, self.expr(value, scopes), inner)
        self.body(node.body, [*scopes, inner])

    def _macro(self, node: nodes.Macro | nodes.CallBlock, scopes: list[dict[str, Schema]]) -> None:
        inner: dict[str, Schema] = {"caller": _ANY, "varargs": _ANY, "kwargs": _ANY}
        for arg in node.args:
            self.bind(arg, _ANY, inner)
        for default in node.defaults:
            self.expr(default, scopes)
        if isinstance(node, _nodes().CallBlock):
            self.expr(node.call, scopes)
        self.body(node.body, [*scopes, inner])

    def _no_import(self, node: nodes.Node, scopes: list[dict[str, Schema]]) -> None:
        self.problem(
            node.lineno, _("include, import and extends are not available in report templates")
        )

    def _no_block(self, node: nodes.Block, scopes: list[dict[str, Schema]]) -> None:
        self.problem(node.lineno, _("blocks ({% block %}) are not available in report templates"))

    def _eval_context(
        self, node: nodes.EvalContextModifier, scopes: list[dict[str, Schema]]
    ) -> None:
        if any(opt.key == "autoescape" for opt in node.options):
            self.problem(
                node.lineno, _("turning autoescape off is not allowed in report templates")
            )
        if isinstance(node, _nodes().ScopedEvalContextModifier):
            self.body(node.body, scopes)


def _item(schema: Schema) -> Schema:
    """What an item of ``schema`` holds, if it is a list with a known item."""
    return schema[0] if isinstance(schema, list) and schema else _ANY


def _rule(rules: Mapping[str, Callable[..., Any]], node: nodes.Node) -> Callable[..., Any] | None:
    """The rule for ``node``'s kind (or the nearest kind it derives from), if any."""
    return next((rules[k.__name__] for k in type(node).__mro__ if k.__name__ in rules), None)


# keyed by the names of Jinja's node classes (Jinja is imported only when used)
_EXPRESSIONS: dict[str, Callable[..., Schema]] = {
    "Name": _Checker._name,
    "Getattr": _Checker._getattr,
    "Getitem": _Checker._getitem,
    "Filter": _Checker._filter,
    "Test": _Checker._call,
    "Call": _Checker._call,
}
_STATEMENTS: dict[str, Callable[..., None]] = {
    "Output": _Checker._output,
    "For": _Checker._for,
    "If": _Checker._if,
    "Assign": _Checker._assign,
    "AssignBlock": _Checker._assign_block,
    "With": _Checker._with,
    "Macro": _Checker._macro,
    "CallBlock": _Checker._macro,
    "Include": _Checker._no_import,
    "Import": _Checker._no_import,
    "FromImport": _Checker._no_import,
    "Extends": _Checker._no_import,
    "Block": _Checker._no_block,
    "EvalContextModifier": _Checker._eval_context,
}


def _shown(node: nodes.Node | None) -> str:
    if isinstance(node, _nodes().Name):
        return str(node.name)
    if isinstance(node, _nodes().Getattr):
        return f"{_shown(node.node)}.{node.attr}"
    if isinstance(node, _nodes().Getitem):
        return f"{_shown(node.node)}[…]"
    return "…"


def _check_source(
    part: _Part, schema: Mapping[str, Schema], env: SandboxedEnvironment
) -> list[Problem]:
    def where(lineno: int | None) -> str:
        return _where(part, lineno)

    from jinja2 import TemplateSyntaxError, meta

    try:
        ast = env.parse(part.source)
    except TemplateSyntaxError as exc:
        return [
            Problem(where(exc.lineno), _("syntax error: {message}").format(message=exc.message))
        ]
    undeclared = set(meta.find_undeclared_variables(ast))
    checker = _Checker(schema, undeclared, set(env.globals), where)
    checker.body(ast.body, [{}])
    # names Jinja finds undeclared that the walk bound somewhere: report at their first use
    for name in sorted(undeclared - checker.reported_names - set(schema) - set(env.globals)):
        first = next((n for n in ast.find_all(_nodes().Name) if n.name == name), None)
        checker.problem(
            first.lineno if first else None, _("unknown variable {name}").format(name=name)
        )
    return checker.problems


def _check_images(tpl: Any) -> list[Problem]:
    problems = []
    parts = [(_("document"), tpl.docx.part)]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI):
            parts.append((_("header or footer"), rel.target_part))
    for label, part in parts:
        element = part.element if hasattr(part, "element") else None
        if element is None:
            continue
        for n, doc_pr in enumerate(element.iter(f"{{{WP_NS}}}docPr"), start=1):
            if not (doc_pr.get("descr") or "").strip():
                problems.append(
                    Problem(
                        _("{part}, image {n} ({name})").format(
                            part=label, n=n, name=doc_pr.get("name") or "?"
                        ),
                        _("the image has no alt text; add it in Word (right-click, Edit Alt Text)"),
                    )
                )
    return problems


def _check_tables(tpl: Any) -> list[Problem]:
    problems = []
    body = tpl.docx.element.body
    for n, tbl in enumerate(body.iter(_w("tbl")), start=1):
        first = tbl.find(_w("tr"))
        if first is None:
            continue
        trpr = first.find(_w("trPr"))
        if trpr is None or trpr.find(_w("tblHeader")) is None:
            problems.append(
                Problem(
                    _("document, table {n}").format(n=n),
                    _(
                        "the first row is not marked as a header row (Word: Table Properties, "
                        "Row, Repeat as header row at the top of each page)"
                    ),
                    "warning",
                )
            )
    return problems


def check(
    template: Path | bytes,
    schema: Mapping[str, Schema],
    name: str = "",
    limits: Limits | None = None,
) -> list[Problem]:
    """Every problem of a template checked against the ``schema`` of its context.

    :param template: the .docx file or its bytes.
    :param schema: what the context holds (see granskning.documents.schemas).
    :param name: how to call the template in messages.
    """
    data = template.read_bytes() if isinstance(template, Path) else template
    return list(_check_cached(data, _freeze(schema), name or str(template), limits or LIMITS))


def _freeze(schema: Any) -> Any:
    if isinstance(schema, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in schema.items()))
    if isinstance(schema, list):
        return ("__list__", tuple(_freeze(v) for v in schema))
    return schema


def _thaw(frozen: Any) -> Any:
    if isinstance(frozen, tuple) and frozen[:1] == ("__list__",):
        return [_thaw(v) for v in frozen[1]]
    if isinstance(frozen, tuple):
        return {k: _thaw(v) for k, v in frozen}
    return frozen


@lru_cache(maxsize=16)
def _check_cached(
    data: bytes, frozen_schema: Any, name: str, limits: Limits
) -> tuple[Problem, ...]:
    # checking is itself work a template can make heavy (Jinja folds constant expressions
    # such as 'x' * 10**9 while compiling), so it runs under the limits too; the parent
    # keeps the answer
    check_package(data, name, limits)

    def problems_json() -> bytes:
        found = _check_now(data, _thaw(frozen_schema), name, limits)
        return json.dumps([p.__dict__ for p in found]).encode("utf-8")

    return tuple(Problem(**p) for p in json.loads(run_limited(problems_json, name, limits)))


def _check_now(
    data: bytes, schema: Mapping[str, Schema], name: str, limits: Limits
) -> list[Problem]:
    tpl = open_template(data, name, limits)
    env = make_environment()
    problems: list[Problem] = []
    try:
        for part in _parts(tpl):
            problems.extend(_check_source(part, schema, env))
    except RecursionError:
        problems.append(Problem(_("document"), _("the template is nested too deeply")))
    problems.extend(_check_images(tpl))
    problems.extend(_check_tables(tpl))
    return problems


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Properties:
    """What the finished document says about itself (core properties, language).

    A property given as None keeps what the template says; ``dated`` writes the author as
    the last modifier, ``at`` as the creation and change time, and revision 1.
    """

    title: str
    subject: str | None
    author: str | None
    language: str  # a BCP 47 tag: sv-SE, en-GB
    keywords: str | None = ""
    dated: bool = True
    # short tables kept on one page (see keep_short_tables): a report's, not a checklist's
    # whose rows are room to write in
    short_tables: bool = False

    @classmethod
    def titled(cls, title: str, language: str) -> Properties:
        """Only a title and a language; the template's other properties stay as they are."""
        return cls(title, None, None, language, keywords=None, dated=False)


@dataclass(frozen=True)
class Image:
    """A picture in a context (a chart): made into a docxtpl image when the template is open."""

    png: bytes
    width_mm: float
    alt: str


def render(
    template: Path | bytes,
    context: Mapping[str, Any],
    *,
    schema: Mapping[str, Schema],
    properties: Properties,
    at: datetime,
    name: str = "",
    limits: Limits | None = None,
    trusted: bool = False,
) -> bytes:
    """Render ``template`` with ``context`` into finished .docx bytes.

    The template is checked first; errors refuse it (TemplateRefused, exit 2). Every
    string of the context is made XML-safe, and the rendering runs under ``limits``
    (default :data:`LIMITS`). The same template, context, properties and ``at`` always
    give the same bytes.

    :param at: the document's creation time, written into its properties and zip entries.
    :param trusted: a template shipped with granskning (tested with the package): rendered
        in this process, without the child process the limits need (see
        ``benchmarks/bench_render.py`` for what the child costs). A user's template never is.
    """
    data = template.read_bytes() if isinstance(template, Path) else template
    label = name or str(template)
    errors = [p for p in check(data, schema, label, limits) if p.severity == "error"]
    if errors:
        raise TemplateRefused(label, errors)
    props = _safe_properties(properties)
    if trusted:
        made = _render(data, context, props, at, label)
        if len(made) > (limits or LIMITS).output_mb * _MB:  # a context of gigabytes
            raise _too_big(label, limits or LIMITS)
        return made
    return run_limited(lambda: _render(data, context, props, at, label), label, limits)


def _safe_properties(props: Properties) -> Properties:
    def safe(value: str | None) -> str | None:
        return None if value is None else xml_safe(value)

    return replace(
        props,
        title=xml_safe(props.title),
        subject=safe(props.subject),
        author=safe(props.author),
        language=xml_safe(props.language),
        keywords=safe(props.keywords),
    )


def write(
    template: Path,
    context: Mapping[str, Any],
    out: Path,
    *,
    schema: Mapping[str, Schema],
    properties: Properties,
    at: datetime,
) -> Path:
    """Render ``template`` into the file ``out`` (replaced only once complete).

    A template shipped with granskning is trusted; any other is a user's, rendered in the
    limited child process.
    """
    check_output_path(out)
    shipped = is_shipped(template)
    content = render(
        read_template(template),
        context,
        schema=schema,
        properties=properties,
        at=at,
        name=template.name if shipped else str(template),
        trusted=shipped,
    )
    write_output(out, content)
    return out


def check_output_path(out: Path) -> None:
    """Raise InputError unless ``out`` can be written as a .docx file."""
    if out.suffix.lower() != ".docx":
        raise InputError(_("{path}: the output file must end in .docx").format(path=out))
    check_output(out)


def read_template(path: Path) -> bytes:
    """A template file's bytes, or an InputError saying why they cannot be read."""
    if not path.is_file():
        raise InputError(_("{path}: the Word template does not exist").format(path=path))
    return read_input(path)


def is_shipped(template: Path) -> bool:
    """Whether ``template`` is one of the Word templates shipped with granskning."""
    return template.resolve().parent == reports_dir().resolve()


# What a rendering may raise that is the template's fault (reported with where it happened),
# besides Jinja's own TemplateError.
_RUNTIME_ERRORS = (
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RecursionError,
)


def _runtime_message(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return _("the template is nested too deeply")
    if isinstance(exc, _MalformedXML):
        return _(
            "the filled-in template is not a valid Word document ({error}); "
            "does an if or a for cut through a paragraph or a table?"
        ).format(error=exc)
    from jinja2 import TemplateError

    if isinstance(exc, TemplateError):
        return _first(exc)
    return f"{type(exc).__name__}: {_first(exc)}"


def _render(
    data: bytes, context: Mapping[str, Any], props: Properties, at: datetime, label: str
) -> bytes:
    from jinja2 import TemplateError

    tpl = open_template(data, label)
    try:
        safe = safe_context(dict(context), tpl)
        tpl.render(safe, jinja_env=make_environment(), autoescape=True)
    except (TemplateError, *_RUNTIME_ERRORS) as exc:
        problem = Problem(_runtime_where(tpl, exc), _runtime_message(exc))
        raise TemplateRefused(label, [problem]) from None
    doc = tpl.docx
    _order_cell_properties(doc)
    set_language(doc, props.language)
    restart_numbered_lists(doc)
    if props.short_tables:
        keep_short_tables(doc)
    drop_thumbnail(doc)
    _set_properties(doc, props, at)
    return save_docx(doc, at)


# The schema's order of a table cell's properties (CT_TcPr). docxtpl's {% cellbg %} puts
# w:shd first, before w:tcW, which Word may refuse as a damaged file.
_TC_PR_ORDER = [
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
]  # fmt: skip


# A table of at most this many rows is kept on one page.
SHORT_TABLE_ROWS = 12


def keep_short_tables(doc: Any) -> None:
    """Keep each short table of the body on one page: every paragraph of its rows but the
    last holds on to the next, so no page ends with a header and one row. A table longer
    than a page still breaks (Word and LibreOffice give up a keep that cannot fit)."""
    for table in doc.element.body.iterchildren(_w("tbl")):
        rows = list(table.iterchildren(_w("tr")))
        if len(rows) > SHORT_TABLE_ROWS:
            continue
        for row in rows[:-1]:
            for p in row.iter(_w("p")):
                ppr = p.find(_w("pPr"))
                if ppr is None:
                    ppr = p.makeelement(_w("pPr"), {})
                    p.insert(0, ppr)
                if ppr.find(_w("keepNext")) is None:
                    keep = ppr.makeelement(_w("keepNext"), {})
                    # pStyle comes first in pPr, keepNext right after it
                    at = 1 if len(ppr) and ppr[0].tag == _w("pStyle") else 0
                    ppr.insert(at, keep)


def _order_cell_properties(doc: Any) -> None:
    rank = {_w(name): i for i, name in enumerate(_TC_PR_ORDER)}
    for tc_pr in doc.element.body.iter(_w("tcPr")):
        if len(tc_pr) < 2:
            continue
        ranks = [rank.get(el.tag, len(rank)) for el in tc_pr]
        if ranks == sorted(ranks):
            continue
        ordered = sorted(tc_pr, key=lambda el: rank.get(el.tag, len(rank)))
        for el in ordered:
            tc_pr.remove(el)
        tc_pr.extend(ordered)


def inline_image(tpl: Any, png: bytes, *, width_mm: float, alt: str) -> Any:
    """A picture for a docxtpl context, carrying ``alt`` as its alternative text."""
    from xml.sax.saxutils import quoteattr

    from docx.shared import Mm
    from docxtpl import InlineImage

    class AltImage(InlineImage):  # type: ignore[misc]
        def _insert_image(self) -> str:
            xml: str = super()._insert_image()
            # screen readers read wp:docPr/@descr; python-docx leaves it out
            return re.sub(r"<wp:docPr ", f"<wp:docPr descr={quoteattr(alt)} ", xml, count=1)

    return AltImage(tpl, io.BytesIO(png), width=Mm(width_mm))


# -- running under limits --------------------------------------------------------------------

# What a child process sends back: a kind byte, then the document or a JSON error.
_DOCUMENT, _ERROR, _NO_MEMORY = b"D", b"E", b"M"


def run_limited(make: Callable[[], bytes], name: str, limits: Limits | None = None) -> bytes:
    """``make()``'s bytes, made in a forked child under the time, memory and output limits.

    A fork starts in about a millisecond with everything already imported and the
    context already built, so each rendering gets a process of its own (measured in
    ``benchmarks/bench_render.py``): the operating system then enforces the limits
    (``RLIMIT_AS``, ``RLIMIT_CPU``, a wall-clock deadline with ``SIGKILL``) however the
    template misbehaves, and nothing the rendering allocates outlives it. The child never
    touches the database: it renders and exits with ``os._exit``, so pooled connections
    inherited from the parent are left alone. Where there is no ``fork`` (Windows), the
    rendering runs in-process and only the output size and time are checked afterwards.
    """
    limits = limits or LIMITS
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        started = time.monotonic()
        data = make()
        if time.monotonic() - started > limits.seconds:
            raise _too_slow(name, limits)
        if len(data) > limits.output_mb * _MB:
            raise _too_big(name, limits)
        return data
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send, exit without running any of the parent's cleanup
        status = 0
        try:
            # the collector would walk (and so copy) every page the parent owns; the child
            # lives for one rendering and its memory is capped
            gc.disable()
            os.close(read_fd)
            _limit_child(limits)
            _send(write_fd, _child_result(make, limits))
        except BaseException:  # noqa: BLE001 - nothing may escape a forked child
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        payload, outcome = _receive(read_fd, limits)
    finally:
        os.close(read_fd)
        _reap(pid)
    if outcome == "slow":
        raise _too_slow(name, limits)
    if outcome == "big":
        raise _too_big(name, limits)
    return _result(payload, name, limits)


def _limit_child(limits: Limits) -> None:
    import resource

    try:
        with open("/proc/self/statm") as fh:
            in_use = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # not Linux: limit what the child adds anyway
        in_use = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    cap = in_use + limits.memory_mb * _MB
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):  # pragma: no cover - a platform that refuses it
        pass
    cpu = int(limits.seconds) + 1
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ValueError, OSError):  # pragma: no cover
        pass
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the child with the parent


def _child_result(make: Callable[[], bytes], limits: Limits) -> tuple[bytes, bytes]:
    try:
        data = make()
    except MemoryError:
        return _NO_MEMORY, b""
    except TemplateRefused as exc:
        detail = {"name": exc.name, "problems": [p.__dict__ for p in exc.problems]}
        return _ERROR, json.dumps(detail).encode("utf-8")
    except GranskningError as exc:
        return _ERROR, json.dumps({"message": str(exc), "exit": exc.exit_code}).encode("utf-8")
    if len(data) > limits.output_mb * _MB:
        return _ERROR, json.dumps({"too_big": True}).encode("utf-8")
    return _DOCUMENT, data


def _send(fd: int, result: tuple[bytes, bytes]) -> None:
    kind, body = result
    view = memoryview(kind + struct.pack(">Q", len(body)) + body)
    while view:
        view = view[os.write(fd, view) :]
    os.close(fd)


def _receive(fd: int, limits: Limits) -> tuple[bytes, str]:
    """Everything the child sent, and how it ended: "done", "slow" (the deadline passed
    first) or "big" (more than the output limit)."""
    deadline = time.monotonic() + limits.seconds
    most = int(limits.output_mb * _MB) + 64 * 1024
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", "slow"
        ready, _w, _x = select.select([fd], [], [], left)
        if not ready:
            return b"", "slow"
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), "done"
        size += len(chunk)
        if size > most:  # the child checks too; this holds even if it did not
            return b"", "big"
        chunks.append(chunk)


def _reap(pid: int) -> None:
    """Wait for the child, killing it first if it still runs (a deadline passed)."""
    done, _status = os.waitpid(pid, os.WNOHANG)
    if done:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # pragma: no cover - it ended meanwhile
        pass
    os.waitpid(pid, 0)


def _result(payload: bytes, name: str, limits: Limits) -> bytes:
    if len(payload) < 9:
        # no answer: the system stopped the child (memory, CPU time) or it crashed
        raise LimitExceeded(
            _(
                "{name}: rendering stopped before it finished; the template needs more than "
                "{mb} MB of memory or {s} seconds"
            ).format(name=name, mb=limits.memory_mb, s=_seconds(limits))
        )
    kind, (length,), body = payload[:1], struct.unpack(">Q", payload[1:9]), payload[9:]
    if len(body) != length:  # cut short: the child died while sending
        raise LimitExceeded(
            _(
                "{name}: rendering stopped before it finished; the template needs more than "
                "{mb} MB of memory or {s} seconds"
            ).format(name=name, mb=limits.memory_mb, s=_seconds(limits))
        )
    if kind == _DOCUMENT:
        return body
    if kind == _NO_MEMORY:
        raise LimitExceeded(
            _("{name}: rendering needs more than {n} MB of memory").format(
                name=name, n=limits.memory_mb
            )
        )
    detail = json.loads(body)
    if "problems" in detail:
        raise TemplateRefused(detail["name"], [Problem(**p) for p in detail["problems"]])
    if detail.get("too_big"):
        raise _too_big(name, limits)
    error = InputError(detail["message"])
    error.exit_code = detail["exit"]
    raise error


def _seconds(limits: Limits) -> str:
    return f"{limits.seconds:g}"


def _too_slow(name: str, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        _(
            "{name}: rendering took longer than {n} seconds; does the template loop too much?"
        ).format(name=name, n=_seconds(limits))
    )


def _too_big(name: str, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        _("{name}: the document would be larger than {n} MB").format(
            name=name, n=f"{limits.output_mb:g}"
        )
    )


def _first(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _runtime_where(tpl: Any, exc: BaseException) -> str:
    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    part = getattr(tpl, "current_rendering_part", None)
    if part is None:
        return _("document")
    if part is tpl.docx._part:
        xml = tpl.patch_xml(tpl.xml_to_string(tpl.docx._element.body))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        return _where(_Part(_("document"), source, _heading_ids(tpl)), lineno)
    return _("header or footer")


def set_language(doc: Any, tag: str) -> None:
    """Declare the document's language (spelling, hyphenation, screen readers) in styles and settings."""
    from docx.oxml import OxmlElement

    styles = doc.styles.element
    defaults = styles.find(_w("docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(_w("rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_w("rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(_w("lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(_w("val"), tag)
    _normal_language(doc, tag)
    # explicit languages on styles would override the default: align them too
    for style_lang in styles.iter(_w("lang")):
        if style_lang is not lang and style_lang.get(_w("val")):
            style_lang.set(_w("val"), tag)
    settings = doc.settings.element
    theme = settings.find(_w("themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(_w("val"), tag)


def _normal_language(doc: Any, tag: str) -> None:
    """The language on the Normal style as well: some readers look only at the styles."""
    from docx.oxml import OxmlElement

    try:
        rpr = doc.styles["Normal"].element.get_or_add_rPr()
    except KeyError:  # a template without a Normal style: the default above covers it
        return
    if rpr.find(_w("lang")) is None:
        lang = OxmlElement("w:lang")
        lang.set(_w("val"), tag)
        rpr.append(lang)


def drop_thumbnail(doc: Any) -> None:
    """Leave out the package's thumbnail (python-docx's stock picture, or an old page), and
    replace the application properties a template carries (python-docx's say "Microsoft
    Macintosh Word", one page, no words) with ones that claim nothing they cannot know."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_PROPERTIES


# What a document says about the program that made it: no counts (Word computes those).
APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>granskning</Application><DocSecurity>0</DocSecurity>'
    b"</Properties>"
)


def restart_numbered_lists(doc: Any) -> None:
    """Make each run of "List Number" paragraphs a list of its own, counting from 1."""
    from docx.oxml import OxmlElement

    try:
        style = doc.styles["List Number"]
    except KeyError:
        return
    num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
    if num_pr is None or num_pr.numId is None:
        return
    numbering = doc.part.numbering_part.element
    abstract_id = None
    for num in numbering.findall(_w("num")):
        if num.get(_w("numId")) == str(num_pr.numId.val):
            abstract_id = num.find(_w("abstractNumId")).get(_w("val"))
    if abstract_id is None:
        return
    style_id = style.style_id
    next_id = max((int(n.get(_w("numId"))) for n in numbering.findall(_w("num"))), default=0) + 1
    items = doc.element.body.xpath(
        f'./w:p[w:pPr/w:pStyle/@w:val="{style_id}" and not(w:pPr/w:numPr)]'
    )
    previous = None
    current = next_id
    for p in items:
        if previous is None or p.getprevious() is not previous:
            # a new list: a numbering instance of its own that starts at 1
            current = next_id
            next_id += 1
            num = OxmlElement("w:num")
            num.set(_w("numId"), str(current))
            abstract = OxmlElement("w:abstractNumId")
            abstract.set(_w("val"), abstract_id)
            num.append(abstract)
            override = OxmlElement("w:lvlOverride")
            override.set(_w("ilvl"), "0")
            start = OxmlElement("w:startOverride")
            start.set(_w("val"), "1")
            override.append(start)
            num.append(override)
            numbering.append(num)
        num_pr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(_w("val"), "0")
        num_id = OxmlElement("w:numId")
        num_id.set(_w("val"), str(current))
        num_pr.append(ilvl)
        num_pr.append(num_id)
        p.pPr.find(_w("pStyle")).addnext(num_pr)
        previous = p


def _set_properties(doc: Any, props: Properties, at: datetime) -> None:
    core = doc.core_properties
    core.title = props.title
    core.language = props.language
    core.comments = ""  # python-docx's "generated by python-docx" must not stay
    for name in ("subject", "author", "keywords"):
        if getattr(props, name) is not None:
            setattr(core, name, getattr(props, name))
    if props.dated:
        core.last_modified_by = props.author or ""
        utc = at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        core.created = utc
        core.modified = utc
        core.revision = 1


class _FixedTimeZip:
    """Writes a package's parts into a zip with one fixed timestamp (python-docx's
    writer stamps each entry with the current time, so equal documents would differ)."""

    def __init__(self, stream: io.BytesIO, at: datetime) -> None:
        stamp = at.astimezone(UTC).timetuple()[:6]
        self._stamp = (max(stamp[0], 1980), *stamp[1:])
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, blob)

    def close(self) -> None:
        self._zip.close()


def save_docx(doc: Any, at: datetime) -> bytes:
    """The document's .docx bytes, the same for the same content and ``at``."""
    from docx.opc.pkgwriter import PackageWriter

    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    writer = _FixedTimeZip(out, at)
    # what python-docx's PackageWriter.write does, with our zip writer
    steps: Any = PackageWriter
    steps._write_content_types_stream(writer, package.parts)
    steps._write_pkg_rels(writer, package.rels)
    steps._write_parts(writer, package.parts)
    writer.close()
    return out.getvalue()


def sha256(data: bytes) -> str:
    """The SHA-256 of a document's bytes, as stored for handed-over reports."""
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "BOOL",
    "IMAGE",
    "NUMBER",
    "TEXT",
    "Image",
    "Problem",
    "Properties",
    "TemplateRefused",
    "check",
    "check_output_path",
    "drop_thumbnail",
    "inline_image",
    "is_shipped",
    "make_environment",
    "read_template",
    "render",
    "restart_numbered_lists",
    "save_docx",
    "set_language",
    "sha256",
    "write",
]
