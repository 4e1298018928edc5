"""Render and check Word templates (docxtpl) safely: a report template is user input.

Templates are rendered by docxtpl in a sandboxed, autoescaping Jinja environment with
strict undefined values: a template cannot reach Python internals, user text can never
become Word markup, and a misspelt variable is an error rather than an empty gap.
Before rendering, a template is checked against the schema of the context it will get
(:func:`check`): syntax errors, unknown variables and attributes, constructs that are not
allowed, and images without alt text are reported with where they are.

After rendering, the document is finished for accessibility and reproducibility: the
document language in the styles and settings, the core properties, numbered lists that
restart where they should, and a zip with fixed timestamps so that the same content
always gives the same bytes.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.runtime import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from granskning.errors import InputError
from granskning.i18n import _

# Leaf types of a context schema (see granskning.reports for the schemas themselves).
TEXT = "text"
NUMBER = "number"
BOOL = "bool"
_LEAF_TYPES: dict[str, tuple[type, ...]] = {TEXT: (str,), NUMBER: (int, float), BOOL: (bool,)}

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
        self.problems = problems
        super().__init__("\n".join(f"{name}: {p}" for p in problems))


@dataclass(frozen=True)
class Problem:
    """Something wrong in a template, with where it is ("document, paragraph 12")."""

    where: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment every template is rendered in: sandboxed, autoescaped, strict."""
    return ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


# -- reading a template ----------------------------------------------------------------------


@dataclass
class _Part:
    name: str  # "document", "header 1", "footer 2", "footnotes", "properties"
    source: str  # what Jinja parses (docxtpl's patched xml, one paragraph per line)
    headings: frozenset[str] = frozenset()  # the style ids of headings, to say where a line is


def _open(template: Path | bytes, name: str) -> Any:
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    data = template.read_bytes() if isinstance(template, Path) else template
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            _("{name}: not a Word document (.docx): {error}").format(name=name, error=exc)
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

    # expressions

    def expr(self, node: nodes.Node, scopes: list[dict[str, Schema]]) -> Schema:
        if isinstance(node, nodes.Name):
            return self.lookup(node.name, scopes, node.lineno)
        if isinstance(node, nodes.Getattr):
            base = self.expr(node.node, scopes)
            return self.attribute(base, node.attr, node.lineno, _shown(node.node))
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scopes)
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                return self.attribute(base, arg.value, node.lineno, _shown(node.node))
            self.expr(arg, scopes)
            if isinstance(arg, nodes.Const) and isinstance(arg.value, int):
                return base[0] if isinstance(base, list) and base else _ANY
            return _ANY
        if isinstance(node, nodes.Filter):
            base = self.expr(node.node, scopes) if node.node is not None else _ANY
            self._args(node, scopes)
            if node.name in _UNSAFE_FILTERS:
                self.problem(
                    node.lineno,
                    _(
                        "the filter {name} is not allowed: it would put text into the document unescaped"
                    ).format(name=node.name),
                )
            if node.name == "attr" and node.args:
                first = node.args[0]
                if isinstance(first, nodes.Const) and isinstance(first.value, str):
                    return self.attribute(base, first.value, node.lineno, _shown(node.node))
            if node.name in _SAME_LIST_FILTERS:
                return base
            if node.name in _ITEM_FILTERS:
                return base[0] if isinstance(base, list) and base else _ANY
            if node.name == "default":
                return base
            return _ANY
        if isinstance(node, nodes.Test):
            self.expr(node.node, scopes)
            self._args(node, scopes)
            return _ANY
        if isinstance(node, nodes.Call):
            self.expr(node.node, scopes)
            self._args(node, scopes)
            return _ANY
        for child in node.iter_child_nodes():
            self.expr(child, scopes)
        return _ANY

    def _args(self, node: Any, scopes: list[dict[str, Schema]]) -> None:
        for arg in node.args:
            self.expr(arg, scopes)
        for kw in node.kwargs:
            self.expr(kw.value, scopes)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scopes)

    # statements

    def body(self, statements: list[nodes.Node], scopes: list[dict[str, Schema]]) -> None:
        for node in statements:
            self.stmt(node, scopes)

    def bind(self, target: nodes.Node, schema: Schema, scope: dict[str, Schema]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = schema
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _ANY, scope)

    def stmt(self, node: nodes.Node, scopes: list[dict[str, Schema]]) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scopes)
        elif isinstance(node, nodes.For):
            iterable = self.expr(node.iter, scopes)
            item = iterable[0] if isinstance(iterable, list) and iterable else _ANY
            inner: dict[str, Schema] = {"loop": _ANY}
            self.bind(node.target, item, inner)
            if node.test is not None:
                self.expr(node.test, [*scopes, inner])
            self.body(node.body, [*scopes, inner])
            self.body(node.else_, scopes)
        elif isinstance(node, nodes.If):
            self.expr(node.test, scopes)
            self.body(node.body, scopes)
            for elif_ in node.elif_:
                self.stmt(elif_, scopes)
            self.body(node.else_, scopes)
        elif isinstance(node, nodes.Assign):
            value = self.expr(node.node, scopes)
            self.bind(node.target, value, scopes[-1])
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body, scopes)
            self.bind(node.target, _ANY, scopes[-1])
        elif isinstance(node, nodes.With):
            inner = {}
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.expr(value, scopes), inner)
            self.body(node.body, [*scopes, inner])
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = {"caller": _ANY, "varargs": _ANY, "kwargs": _ANY}
            for arg in node.args:
                self.bind(arg, _ANY, inner)
            for default in node.defaults:
                self.expr(default, scopes)
            if isinstance(node, nodes.CallBlock):
                self.expr(node.call, scopes)
            self.body(node.body, [*scopes, inner])
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            self.problem(
                node.lineno,
                _("include, import and extends are not available in report templates"),
            )
        elif isinstance(node, nodes.Block):
            self.problem(
                node.lineno, _("blocks ({% block %}) are not available in report templates")
            )
        elif isinstance(node, nodes.ScopedEvalContextModifier | nodes.EvalContextModifier):
            for opt in node.options:
                if opt.key == "autoescape":
                    self.problem(
                        node.lineno,
                        _("turning autoescape off is not allowed in report templates"),
                    )
            if isinstance(node, nodes.ScopedEvalContextModifier):
                self.body(node.body, scopes)
        else:
            for sub in node.iter_child_nodes():
                if isinstance(sub, nodes.Expr):
                    self.expr(sub, scopes)
                else:
                    self.stmt(sub, scopes)


def _shown(node: nodes.Node | None) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_shown(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_shown(node.node)}[…]"
    return "…"


def _check_source(
    part: _Part, schema: Mapping[str, Schema], env: SandboxedEnvironment
) -> list[Problem]:
    def where(lineno: int | None) -> str:
        return _where(part, lineno)

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
        first = next((n for n in ast.find_all(nodes.Name) if n.name == name), None)
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


def check(template: Path | bytes, schema: Mapping[str, Schema], name: str = "") -> list[Problem]:
    """Every problem of a template checked against the ``schema`` of its context.

    :param template: the .docx file or its bytes.
    :param schema: what the context holds (see granskning.reports).
    :param name: how to call the template in messages.
    """
    data = template.read_bytes() if isinstance(template, Path) else template
    return list(_check_cached(data, _freeze(schema), name or str(template)))


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
def _check_cached(data: bytes, frozen_schema: Any, name: str) -> tuple[Problem, ...]:
    schema = _thaw(frozen_schema)
    tpl = _open(data, name)
    env = make_environment()
    problems: list[Problem] = []
    for part in _parts(tpl):
        problems.extend(_check_source(part, schema, env))
    problems.extend(_check_images(tpl))
    problems.extend(_check_tables(tpl))
    return tuple(problems)


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Properties:
    """What the finished document says about itself (core properties, language)."""

    title: str
    subject: str
    author: str
    language: str  # a BCP 47 tag: sv-SE, en-GB
    keywords: str = ""


def render(
    template: Path | bytes,
    context: Mapping[str, Any],
    *,
    schema: Mapping[str, Schema],
    properties: Properties,
    at: datetime,
    name: str = "",
) -> bytes:
    """Render ``template`` with ``context`` into finished .docx bytes.

    The template is checked first; errors refuse it (TemplateRefused, exit 2). The same
    template, context, properties and ``at`` always give the same bytes.

    :param at: the document's creation time, written into its properties and zip entries.
    """
    data = template.read_bytes() if isinstance(template, Path) else template
    label = name or str(template)
    errors = [p for p in check(data, schema, label) if p.severity == "error"]
    if errors:
        raise TemplateRefused(label, errors)
    tpl = _open(data, label)
    try:
        tpl.render(dict(context), jinja_env=make_environment(), autoescape=True)
    except TemplateError as exc:
        raise TemplateRefused(label, [Problem(_runtime_where(tpl, exc), _first(exc))]) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise TemplateRefused(
            label, [Problem(_runtime_where(tpl, exc), f"{type(exc).__name__}: {_first(exc)}")]
        ) from None
    doc = tpl.docx
    set_language(doc, properties.language)
    restart_numbered_lists(doc)
    _set_properties(doc, properties, at)
    return save_docx(doc, at)


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
    core.subject = props.subject
    core.author = props.author
    core.language = props.language
    core.keywords = props.keywords
    core.last_modified_by = props.author
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
    "NUMBER",
    "TEXT",
    "Problem",
    "Properties",
    "TemplateRefused",
    "check",
    "save_docx",
    "make_environment",
    "render",
    "restart_numbered_lists",
    "set_language",
    "sha256",
]
