"""Question templates (mall för frågorna): load, validate, find and pin.

A template is a YAML file: groups of interviewees, blocks with a time budget and
Convention articles, and questions (open, sentence completion, or a 1-4 rating).
Loading reports every problem at once, each as ``PATH:LINE: message``: the YAML is first
composed into nodes (which keep their line numbers), turned into plain data with a map
from each key's path to its line, then checked by the pydantic model and by the rules
that span the whole template (unique ids, known groups, budgets).

Templates are found in the folder shipped with granskning, in the user's config folder
and in the folders named by ``GRANSKNING_TEMPLATES``; the highest version of each id wins.
A review pins the template's exact text and SHA-256 when it is created; everything later
reads the pinned copy (:func:`from_pinned`).
"""

from __future__ import annotations

import datetime
import difflib
import functools
import hashlib
import os
import re
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from granskning.domain.errors import InputError, NotFoundError
from granskning.domain.i18n import N_, _, get_language
from granskning.resources import question_templates_dir

MAX_BYTES = 1_000_000
"""Templates are a few kilobytes; a bigger file is a mistake (or an attack on the parser)."""
MAX_VALUES = 100_000
"""Values in a template, counted as read: stop here (a template has a few hundred)."""
MAX_TEXT = 500_000
"""Characters of text in a template, counted after parsing (a template has a few thousand).

Together with the refusal of anchors and aliases this keeps a small file from growing into
a huge template: one long anchored text repeated by 50,000 aliases would otherwise pass and
take gigabytes wherever the template is used."""
ENV_VAR = "GRANSKNING_TEMPLATES"
SUFFIXES = (".yaml", ".yml")
KINDS = ("open", "completion", "rating")
LANGUAGES = ("sv", "en")
SCALE_STEPS = (1, 2, 3, 4)
LAST_ARTICLE = 54  # the Convention has 54 articles

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)*$"
TEXT_PATTERN = r"\S"  # not empty and not only spaces

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, Field(pattern=TEXT_PATTERN)]
Minutes = Annotated[int, Field(gt=0, le=600)]
Article = Annotated[int, Field(ge=1, le=LAST_ARTICLE)]


# -- the format ---------------------------------------------------------------------------


class _Strict(BaseModel):
    # strict: YAML already gives typed values, so "35" must not pass as a number of minutes
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Label(_Strict):
    sv: Text = Field(description=N_("The group's name in Swedish."))
    en: Text = Field(description=N_("The group's name in English."))


class Group(_Strict):
    id: Id = Field(
        description=N_("Short id of the group, used by questions and interviews, e.g. ledande.")
    )
    label: Label = Field(description=N_("The group's name in Swedish (sv) and English (en)."))

    def name(self, lang: str | None = None) -> str:
        """The group's label in ``lang`` (default: the current language)."""
        return self.label.en if (lang or get_language()) == "en" else self.label.sv


class ScaleStep(_Strict):
    value: int = Field(ge=1, le=4, description=N_("The step: 1, 2, 3 or 4."))
    label: Text = Field(description=N_("What the step means, e.g. I liten utsträckning."))


class Question(_Strict):
    id: Id = Field(description=N_("Id of the question, unique in the template, e.g. styr-1."))
    text: Text = Field(description=N_("The question as the moderator asks it."))
    kind: Literal["open", "completion", "rating"] = Field(
        default="open",
        description=N_(
            "open: a free answer; completion: a sentence to complete; "
            "rating: a step on the 1-4 scale."
        ),
    )
    groups: list[Id] = Field(
        min_length=1, description=N_("The ids of the groups the question is asked of.")
    )
    followups: list[Text] = Field(
        default_factory=list, description=N_("Follow-up prompts (följdfrågor).")
    )
    scale: list[ScaleStep] | None = Field(
        default=None,
        description=N_("Rating questions only: the steps 1-4, each with a label."),
    )


class Block(_Strict):
    id: Id = Field(description=N_("Id of the block, unique in the template, e.g. styrprocesser."))
    title: Text = Field(description=N_("The block's heading."))
    minutes: Minutes = Field(description=N_("Time budget of the block in a session, in minutes."))
    articles: list[Article] = Field(
        default_factory=list, description=N_("Articles of the Convention the block concerns.")
    )
    description: Text | None = Field(default=None, description=N_("What the block is about."))
    questions: list[Question] = Field(min_length=1, description=N_("The block's questions."))


class _HasId(typing.Protocol):
    @property
    def id(self) -> str: ...


_Item = typing.TypeVar("_Item", bound=_HasId)


def _by_id(items: Sequence[_Item], ident: str, missing: str, **names: str) -> _Item:
    """The item of ``items`` with id ``ident``, or an InputError: ``missing`` with
    ``names`` and the known ids."""
    for item in items:
        if item.id == ident:
            return item
    raise InputError(missing.format(known=", ".join(i.id for i in items), **names))


class Template(_Strict):
    id: Id = Field(description=N_("Id of the template, e.g. kollegial-granskning-2013."))
    version: str = Field(
        pattern=VERSION_PATTERN,
        max_length=20,
        description=N_('Version in quotes, e.g. "1.0"; a higher version replaces a lower one.'),
    )
    title: Text = Field(description=N_("The template's title."))
    language: Literal["sv", "en"] = Field(
        default="sv", description=N_("The language the questions are written in.")
    )
    description: Text | None = Field(
        default=None, description=N_("What the template is for and where it comes from.")
    )
    session_minutes: Minutes | None = Field(
        default=None,
        description=N_(
            "Length of a question session; the blocks asked of each group must fit in it."
        ),
    )
    groups: list[Group] = Field(min_length=1, description=N_("The groups of interviewees."))
    blocks: list[Block] = Field(min_length=1, description=N_("The blocks of questions, in order."))

    def group(self, group_id: str) -> Group:
        """The group with ``group_id``, or an InputError listing the known ones."""
        missing = _("group {group} is not in template {template} (known: {known})")
        return _by_id(self.groups, group_id, missing, group=group_id, template=self.id)

    def block(self, block_id: str) -> Block:
        """The block with ``block_id``, or an InputError listing the known ones."""
        missing = _("block {block} is not in template {template} (known: {known})")
        return _by_id(self.blocks, block_id, missing, block=block_id, template=self.id)

    def question(self, question_id: str) -> tuple[Block, Question]:
        """The question with ``question_id`` and its block, or an InputError."""
        for b in self.blocks:
            for q in b.questions:
                if q.id == question_id:
                    return b, q
        raise InputError(
            _("question {question} is not in template {template}").format(
                question=question_id, template=self.id
            )
        )

    def questions_for(self, group_id: str) -> list[tuple[Block, Question]]:
        """The questions asked of ``group_id``, in block order."""
        return [(b, q) for b in self.blocks for q in b.questions if group_id in q.groups]

    def blocks_for(self, group_id: str) -> list[Block]:
        """The blocks with at least one question for ``group_id``, in order."""
        return [b for b in self.blocks if any(group_id in q.groups for q in b.questions)]

    def minutes_for(self, group_id: str) -> int:
        """The time budget of a session with ``group_id``: its blocks' minutes added up."""
        return sum(b.minutes for b in self.blocks_for(group_id))


class TemplateError(InputError):
    """A template file that is not valid; ``problems`` holds every "PATH:LINE: message"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class TemplateSource:
    """A template as found on disk: the parsed template, its exact text, hash and origin."""

    template: Template
    text: str
    sha256: str
    path: Path
    origin: str  # "shipped", "user" (config folder), "env" (GRANSKNING_TEMPLATES) or "file"


ORIGIN_LABELS = {
    "shipped": N_("shipped"),
    "user": N_("user folder"),
    "env": ENV_VAR,
    "file": N_("file"),
}


def sha256_text(text: str) -> str:
    """The SHA-256 of a template's UTF-8 text, as pinned on reviews."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers to compare: "1.10" > "1.9", and "1.0" equals "1"."""
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


# -- reading YAML with line numbers -------------------------------------------------------

Loc = tuple[str | int, ...]
_Problem = tuple[int, str]

_YAML_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null")
} | {"tag:yaml.org,2002:timestamp"}
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _TooMany(Exception):
    pass


class _TooMuchText(Exception):
    pass


class _Reader:
    """Turns a composed YAML node tree into plain data, remembering each path's line."""

    def __init__(self, aliases: bool = False) -> None:
        # ruamel (tens of ms) is imported where YAML is read: most commands take a review's
        # parsed template from the cache and never need it
        from ruamel.yaml import YAML
        from ruamel.yaml.constructor import ConstructorError
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.constructor = YAML(typ="safe", pure=True).constructor
        self.kinds = (MappingNode, SequenceNode, ScalarNode)
        self.scalar_errors = (ConstructorError, ValueError, OverflowError)
        self.lines: dict[Loc, int] = {(): 1}
        self.problems: list[_Problem] = []
        self.unreadable: set[Loc] = set()  # values replaced by None after a problem
        self.count = 0
        self.text = 0  # characters of text read so far
        # templates need no anchors (&name) and aliases (*name); copies pinned by older
        # versions may hold some and are still read (within MAX_TEXT)
        self.aliases = aliases
        self.seen: set[int] = set()

    def problem(self, line: int, message: str, loc: Loc | None = None) -> None:
        self.problems.append((line, message))
        if loc is not None:
            self.unreadable.add(loc)

    def read(self, node: Any, loc: Loc, ancestors: frozenset[int]) -> Any:
        mapping, sequence, _scalar = self.kinds
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooMany
        line = node.start_mark.line + 1
        if id(node) in ancestors:
            self.problem(line, _("an alias refers to a value that contains it"), loc)
            return None
        if not self.aliases:
            if id(node) in self.seen:  # the same node again: an alias of a reported anchor
                self.unreadable.add(loc)
                return None
            self.seen.add(id(node))
            anchor = getattr(node, "anchor", None)
            if anchor:
                self.problem(
                    line,
                    _(
                        "anchors (&{name}) and aliases (*{name}) are not allowed in a "
                        "template; write the value out"
                    ).format(name=anchor),
                )
        if not self.tag_ok(node, loc):
            return None
        if isinstance(node, mapping):
            return self.read_mapping(node, loc, ancestors | {id(node)})
        if isinstance(node, sequence):
            items = []
            for i, item in enumerate(node.value):
                self.lines[(*loc, i)] = item.start_mark.line + 1
                items.append(self.read(item, (*loc, i), ancestors | {id(node)}))
            return items
        return self.scalar(node, loc)

    def read_mapping(self, node: Any, loc: Loc, inside: frozenset[int]) -> dict[str, Any]:
        _mapping, sequence, scalar = self.kinds
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if str(key_node.tag) == _MERGE_TAG:
                self.problem(key_line, _("merge keys (<<) are not allowed"))
                continue
            if isinstance(key_node, scalar):
                if not self.tag_ok(key_node, None):
                    continue
                key = self.scalar(key_node, None)
            else:
                key = [] if isinstance(key_node, sequence) else {}
            if not isinstance(key, str):
                self.problem(key_line, _("keys must be words, not {what}").format(what=_what(key)))
                continue
            if key in out:
                first = self.lines[(*loc, key)]
                self.problem(
                    key_line,
                    _("key '{key}' appears twice in this mapping (first on line {line})").format(
                        key=key, line=first
                    ),
                )
                continue
            self.lines[(*loc, key)] = key_line
            out[key] = self.read(value_node, (*loc, key), inside)
        return out

    def tag_ok(self, node: Any, loc: Loc | None) -> bool:
        tag = str(node.tag)
        if tag in _YAML_TAGS or tag == _MERGE_TAG:
            return True
        short = tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(
            node.start_mark.line + 1,
            _("YAML tags such as {tag} are not allowed in a template").format(tag=short),
            loc,
        )
        return False

    def scalar(self, node: Any, loc: Loc | None) -> Any:
        try:
            value = self.constructor.construct_object(node)
        except self.scalar_errors as exc:
            self.problem(
                node.start_mark.line + 1,
                _("cannot read this value: {problem}").format(problem=_first(exc)),
                loc,
            )
            return None
        if isinstance(value, str):
            self.text += len(value)
            if self.text > MAX_TEXT:
                raise _TooMuchText
        return value


def _first(exc: BaseException) -> str:
    text = str(getattr(exc, "problem", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _what(value: Any) -> str:
    """What a YAML value is, in words, for messages."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("the number {value}").format(value=value)
    if isinstance(value, datetime.date):
        return _("the date {value}").format(value=value)
    if isinstance(value, str):
        return _("the text '{value}'").format(value=_short(value))
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml_problem(exc: BaseException, text: str) -> _Problem:
    """A YAML syntax error as (line, message)."""
    from ruamel.yaml.composer import ComposerError
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.reader import ReaderError

    # the kinds of error with a message of their own, the most particular first
    readers: tuple[tuple[type[BaseException], Callable[[Any, str], _Problem | None]], ...] = (
        (ReaderError, _unreadable_character),
        (ComposerError, _second_document),
        (MarkedYAMLError, _marked_problem),
    )
    for kind, reader in readers:
        if isinstance(exc, kind) and (problem := reader(exc, text)) is not None:
            return problem
    return 1, _("YAML syntax error: {problem}").format(problem=_first(exc))


def _unreadable_character(exc: Any, text: str) -> _Problem:
    line = text[: exc.position].count("\n") + 1
    char = exc.character
    code = ord(char) if isinstance(char, str) and len(char) == 1 else char
    return line, _("character {char} is not allowed in YAML").format(
        char=f"U+{code:04X}" if isinstance(code, int) else code
    )


def _second_document(exc: Any, _text: str) -> _Problem | None:
    if "single document" not in str(exc.context):
        return None
    mark = exc.problem_mark
    return (mark.line + 1 if mark else 1), _(
        "a template is one YAML document; remove the second '---' and what follows"
    )


def _marked_problem(exc: Any, _text: str) -> _Problem:
    mark = exc.problem_mark or exc.context_mark
    if "<stream end>" in str(exc.problem) and exc.context_mark is not None:
        mark = exc.context_mark  # the end of the file says less than where it began
    line = mark.line + 1 if mark is not None else 1
    problem = (exc.problem or exc.context or "").strip()
    if exc.context and exc.problem and exc.context_mark is not None:
        problem = f"{problem} ({exc.context}, line {exc.context_mark.line + 1})"
    return line, _("YAML syntax error: {problem}").format(problem=problem)


def _compose(
    text: str, aliases: bool = False
) -> tuple[Any, dict[Loc, int], list[_Problem], set[Loc]]:
    """The YAML text as plain data, the line of every path, the problems found, and the
    paths of values that could not be read.

    :param aliases: read anchors and aliases (only for copies pinned by older versions).
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        node = YAML(typ="safe", pure=True).compose(text)
    except YAMLError as exc:
        return None, {}, [_yaml_problem(exc, text)], set()
    if node is None:
        return None, {}, [(1, _("the file is empty: it holds only comments or blank lines"))], set()
    reader = _Reader(aliases)
    try:
        data = reader.read(node, (), frozenset())
    except _TooMany:
        message = _("the template has more than {n} values; do aliases (*name) repeat it?")
        return None, {}, [(1, message.format(n=MAX_VALUES))], set()
    except _TooMuchText:
        message = _("the template holds more than {n} characters of text")
        return None, {}, [(1, message.format(n=f"{MAX_TEXT:,}"))], set()
    return data, reader.lines, reader.problems, reader.unreadable


# -- validation ---------------------------------------------------------------------------


def _line(lines: dict[Loc, int], loc: Loc) -> int:
    """The line of ``loc``, or of its nearest enclosing path that has one."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return 1


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model that describes the mapping at ``loc`` (None if it is not a mapping)."""
    model: type[BaseModel] = Template
    for step in loc:
        if isinstance(step, int):
            continue
        info = model.model_fields.get(step)
        if info is None:
            return None
        found = _model_in(info.annotation)
        if found is None:
            return None
        model = found
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _name(loc: Loc) -> str:
    """The offending key, for messages: 'minutes', or 'item 2 of groups'."""
    if not loc:
        return _("the template")
    last = loc[-1]
    if isinstance(last, int):
        owner = next((str(s) for s in reversed(loc) if isinstance(s, str)), "")
        return _("item {n} of '{key}'").format(n=last + 1, key=owner)
    return f"'{last}'"


@dataclass
class _Error:
    """One pydantic error, with what its message needs."""

    loc: Loc
    kind: str
    value: Any
    ctx: dict[str, Any]
    name: str
    msg: str


def _unknown_key(e: _Error) -> str:
    model = _model_at(e.loc[:-1])
    allowed = list(model.model_fields) if model else []
    close = difflib.get_close_matches(str(e.loc[-1]), allowed, n=1, cutoff=0.6)
    if close:
        return _("unknown key '{key}' (did you mean '{suggestion}'?)").format(
            key=e.loc[-1], suggestion=close[0]
        )
    return _("unknown key '{key}' (allowed here: {allowed})").format(
        key=e.loc[-1], allowed=", ".join(allowed)
    )


def _not_text(e: _Error) -> str:
    if e.value is None:
        return _("{name} has no value; it needs text").format(name=e.name)
    return _("{name} must be text, not {what}; put it in quotes").format(
        name=e.name, what=_what(e.value)
    )


def _not_number(e: _Error) -> str:
    return _("{name} must be a whole number, not {what}").format(name=e.name, what=_what(e.value))


def _not_list(e: _Error) -> str:
    return _("{name} must be a list (lines starting with '- '), not {what}").format(
        name=e.name, what=_what(e.value)
    )


def _not_mapping(e: _Error) -> str:
    return _("{name} must be a mapping (key: value lines), not {what}").format(
        name=e.name, what=_what(e.value)
    )


def _not_a_choice(e: _Error) -> str:
    choices = {"kind": KINDS, "language": LANGUAGES}.get(str(e.loc[-1]), ())
    return _("{name} must be one of {choices}, not {what}").format(
        name=e.name, choices=", ".join(choices) or e.ctx.get("expected", ""), what=_what(e.value)
    )


def _pattern(e: _Error) -> str:
    pattern = e.ctx.get("pattern")
    if pattern == ID_PATTERN:
        return _(
            "'{value}' cannot be an id: use lowercase letters a-z, digits, '-' and '_'"
        ).format(value=_short(str(e.value)))
    if pattern == VERSION_PATTERN:
        return _('version \'{value}\' is not a version number such as "1.0" or "2.1.3"').format(
            value=_short(str(e.value))
        )
    return _("{name} is empty").format(name=e.name)


def _too_short(e: _Error) -> str:
    return _("{name} is empty; it needs at least one item").format(name=e.name)


def _too_long(e: _Error) -> str:
    return _("{name} is longer than {n} characters").format(name=e.name, n=e.ctx.get("max_length"))


def _out_of_range(e: _Error) -> str:
    if len(e.loc) >= 2 and e.loc[-2] == "articles":
        return _("article {value} does not exist: the Convention has articles 1-{last}").format(
            value=e.value, last=LAST_ARTICLE
        )
    if e.loc[-1] == "value":
        return _("scale step {value} is outside 1-4").format(value=e.value)
    if e.kind == "greater_than":
        return _("{name} must be more than {limit}, not {value}").format(
            name=e.name, limit=e.ctx.get("gt"), value=e.value
        )
    if e.kind == "greater_than_equal":
        return _("{name} must be at least {limit}, not {value}").format(
            name=e.name, limit=e.ctx.get("ge"), value=e.value
        )
    return _("{name} must be at most {limit}, not {value}").format(
        name=e.name, limit=e.ctx.get("le", e.ctx.get("lt")), value=e.value
    )


# pydantic's error type -> the message a template author understands
_ERROR_MESSAGES: dict[str, Callable[[_Error], str]] = {
    "extra_forbidden": _unknown_key,
    "string_type": _not_text,
    "int_type": _not_number,
    "list_type": _not_list,
    "model_type": _not_mapping,
    "dict_type": _not_mapping,
    "model_attributes_type": _not_mapping,
    "literal_error": _not_a_choice,
    "string_pattern_mismatch": _pattern,
    "too_short": _too_short,
    "string_too_long": _too_long,
    "greater_than": _out_of_range,
    "greater_than_equal": _out_of_range,
    "less_than": _out_of_range,
    "less_than_equal": _out_of_range,
}


def _pydantic_problem(err: Any, lines: dict[Loc, int]) -> _Problem:
    """One pydantic error as (line, a message a template author understands)."""
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "missing":
        return _line(lines, loc[:-1]), _("required key '{key}' is missing").format(key=loc[-1])
    e = _Error(loc, kind, err.get("input"), err.get("ctx") or {}, _name(loc), err["msg"])
    message = _ERROR_MESSAGES.get(kind)
    return _line(lines, loc), message(e) if message else f"{e.name}: {e.msg}"


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in a list (with their index), skipping anything malformed."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


@dataclass
class _Raw:
    """The raw template data the rules look at, with the line of every path."""

    data: dict[str, Any]
    lines: dict[Loc, int]
    groups: list[tuple[int, dict[str, Any]]] = field(init=False)
    blocks: list[tuple[int, dict[str, Any]]] = field(init=False)
    # ((block index, question index), question)
    questions: list[tuple[tuple[int, int], dict[str, Any]]] = field(init=False)
    # the group ids defined, in order, once each
    defined: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.groups = _dicts(self.data.get("groups"))
        self.blocks = _dicts(self.data.get("blocks"))
        self.questions = [
            ((bi, qi), q) for bi, b in self.blocks for qi, q in _dicts(b.get("questions"))
        ]
        self.defined = list(
            dict.fromkeys(g["id"] for _i, g in self.groups if isinstance(g.get("id"), str))
        )

    def line(self, *loc: str | int) -> int:
        return _line(self.lines, loc)


def _unique(raw: _Raw, message: str, items: Iterable[tuple[Loc, Any]]) -> list[_Problem]:
    """A problem for each id that an earlier item already has."""
    out: list[_Problem] = []
    seen: dict[str, int] = {}
    for loc, value in items:
        if not isinstance(value, str):
            continue
        line = raw.line(*loc)
        if value in seen:
            out.append((line, _(message).format(id=value, line=seen[value])))
        else:
            seen[value] = line
    return out


def _unique_groups(raw: _Raw) -> list[_Problem]:
    """Group ids are unique."""
    return _unique(
        raw,
        N_("duplicate group id '{id}' (first on line {line})"),
        ((("groups", i, "id"), g.get("id")) for i, g in raw.groups),
    )


def _unique_blocks(raw: _Raw) -> list[_Problem]:
    """Block ids are unique."""
    return _unique(
        raw,
        N_("duplicate block id '{id}' (first on line {line})"),
        ((("blocks", i, "id"), b.get("id")) for i, b in raw.blocks),
    )


def _unique_questions(raw: _Raw) -> list[_Problem]:
    """Question ids are unique across the blocks."""
    return _unique(
        raw,
        N_("duplicate question id '{id}' (first on line {line})"),
        ((("blocks", bi, "questions", qi, "id"), q.get("id")) for (bi, qi), q in raw.questions),
    )


def _question_groups(raw: _Raw, qloc: Loc, q: dict[str, Any]) -> list[_Problem]:
    """A question's 'groups': each listed once, each defined in 'groups'."""
    out: list[_Problem] = []
    qgroups = q.get("groups")
    if not isinstance(qgroups, list):
        return out
    listed: set[str] = set()
    for gi, gid in enumerate(qgroups):
        if not isinstance(gid, str):
            continue
        gline = raw.line(*qloc, "groups", gi)
        if gid in listed:
            out.append((gline, _("group '{group}' is listed twice").format(group=gid)))
        elif raw.defined and gid not in raw.defined:
            message = _("group '{group}' is not defined in 'groups' (defined: {known})")
            out.append((gline, message.format(group=gid, known=", ".join(raw.defined))))
        listed.add(gid)
    return out


def _question_scale(raw: _Raw, qloc: Loc, q: dict[str, Any]) -> list[_Problem]:
    """A question's 'scale': rating questions have one with the steps 1-4, others none."""
    kind = q.get("kind", "open")
    scale = q.get("scale")
    if kind == "rating" and scale is None:
        message = _("rating question '{id}' needs a 'scale' with the steps 1-4")
        return [(raw.line(*qloc), message.format(id=q.get("id")))]
    if kind in ("open", "completion") and scale is not None:
        message = _("only rating questions have a 'scale' ('{id}' is {kind})")
        return [(raw.line(*qloc, "scale"), message.format(id=q.get("id"), kind=kind))]
    if kind != "rating" or not isinstance(scale, list):
        return []
    values: list[int] = [
        s["value"]
        for s in scale
        if isinstance(s, dict) and type(s.get("value")) is int and 1 <= s["value"] <= 4
    ]
    # steps out of range are reported by the model
    if len(values) != len(scale) or sorted(values) == list(SCALE_STEPS):
        return []
    message = _("the scale needs each of the steps 1, 2, 3 and 4 once (found {found})")
    found = ", ".join(str(v) for v in values)
    return [(raw.line(*qloc, "scale"), message.format(found=found))]


def _questions(raw: _Raw) -> list[_Problem]:
    """Each question's groups and scale, question by question."""
    out: list[_Problem] = []
    for (bi, qi), q in raw.questions:
        qloc: Loc = ("blocks", bi, "questions", qi)
        for rule in _QUESTION_RULES:
            out += rule(raw, qloc, q)
    return out


def _articles(raw: _Raw) -> list[_Problem]:
    """A block lists each article once."""
    out: list[_Problem] = []
    for bi, b in raw.blocks:
        articles = b.get("articles")
        if not isinstance(articles, list):
            continue
        seen: set[Any] = set()
        for ai, article in enumerate(articles):
            if type(article) is int and article in seen:
                message = _("article {n} is listed twice").format(n=article)
                out.append((raw.line("blocks", bi, "articles", ai), message))
            seen.add(article)
    return out


def _unasked_groups(raw: _Raw) -> list[_Problem]:
    """Every group is asked some question (when every question lists its groups)."""
    if not raw.questions or not all(isinstance(q.get("groups"), list) for _l, q in raw.questions):
        return []
    asked = {gid for _l, q in raw.questions for gid in q["groups"] if isinstance(gid, str)}
    return [
        (raw.line("groups", i), _("no question is asked of group '{group}'").format(group=gid))
        for i, g in raw.groups
        if isinstance(gid := g.get("id"), str) and gid not in asked
    ]


def _session_minutes(raw: _Raw) -> list[_Problem]:
    """The blocks a group is asked in fit in 'session_minutes'."""
    session = raw.data.get("session_minutes")
    if type(session) is not int or session <= 0:
        return []
    out: list[_Problem] = []
    for gid in raw.defined:
        total = sum(
            b["minutes"]
            for _bi, b in raw.blocks
            if type(b.get("minutes")) is int
            and any(
                isinstance(q.get("groups"), list) and gid in q["groups"]
                for _qi, q in _dicts(b.get("questions"))
            )
        )
        if total > session:
            message = _(
                "the blocks for group '{group}' take {total} minutes, "
                "more than session_minutes ({session})"
            )
            out.append(
                (
                    raw.line("session_minutes"),
                    message.format(group=gid, total=total, session=session),
                )
            )
    return out


# The rules for one question, in the order they report.
_QUESTION_RULES: tuple[Callable[[_Raw, Loc, dict[str, Any]], list[_Problem]], ...] = (
    _question_groups,
    _question_scale,
)
# The checks that span the whole template, in the order they report.
_RULES: tuple[Callable[[_Raw], list[_Problem]], ...] = (
    _unique_groups,
    _unique_blocks,
    _unique_questions,
    _questions,
    _articles,
    _unasked_groups,
    _session_minutes,
)


def _rules(data: dict[str, Any], lines: dict[Loc, int]) -> list[_Problem]:
    """The checks that span the whole template, run on the raw data even when fields are wrong."""
    raw = _Raw(data, lines)
    return [problem for rule in _RULES for problem in rule(raw)]


def _text_problems(text: str) -> tuple[str, list[_Problem], bool]:
    """Checks on the raw text: BOM, size, tabs. Returns the text to parse and whether to go on."""
    problems: list[_Problem] = []
    if text.startswith("\ufeff"):
        problems.append(
            (1, _("the file starts with a byte order mark (BOM); save it as UTF-8 without BOM"))
        )
        text = text[1:]
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return (
            text,
            [(1, _("the file is larger than 1 MB ({size} bytes)").format(size=size))],
            False,
        )
    if not text.strip():
        return text, [*problems, (1, _("the file is empty"))], False
    tabs = [
        (n, _("tab in the indentation; indent with spaces"))
        for n, line in enumerate(text.split("\n"), start=1)
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]
    ]
    if tabs:
        return text, problems + tabs, False
    return text, problems, True


def _formatted(path: str, problems: Sequence[_Problem]) -> list[str]:
    ordered = sorted(dict.fromkeys(problems), key=lambda p: p[0])
    return [f"{path}:{line}: {_one_line(message)}" for line, message in ordered]


def _one_line(text: str) -> str:
    """Keys and values quoted in a message may hold line breaks: show them escaped."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def parse(text: str, path: str = "<template>", *, pinned: bool = False) -> Template:
    """Parse and validate a template's text; a TemplateError lists every problem.

    :param path: the name problems are reported under (``PATH:LINE: message``).
    :param pinned: a copy pinned on a review: anchors and aliases, which older versions
        accepted, are read (the limits on size and text still hold).
    """
    text, problems, go_on = _text_problems(text)
    if not go_on:
        raise TemplateError(_formatted(path, problems))
    unreadable: set[Loc] = set()
    try:
        data, lines, found, unreadable = _compose(text, aliases=pinned)
    except RecursionError:
        found, data, lines = [(1, _("the file is nested too deeply"))], None, {}
    problems += found
    if not isinstance(data, dict) and not found:
        problems.append(
            (
                1,
                _(
                    "a template is a mapping of keys (id, version, title, groups, blocks), not {what}"
                ).format(what=_what(data)),
            )
        )
    template: Template | None = None
    if isinstance(data, dict):
        try:
            template = Template.model_validate(data)
        except ValidationError as exc:
            problems += [
                _pydantic_problem(e, lines)
                for e in exc.errors()
                if tuple(e["loc"]) not in unreadable  # already reported
            ]
        except RecursionError:
            problems.append((1, _("the file is nested too deeply")))
        problems += _rules(data, lines)
    if problems or template is None:
        raise TemplateError(_formatted(path, problems))
    return template


def parse_bytes(data: bytes, path: str = "<template>") -> tuple[Template, str]:
    """Check a template file's bytes (size, encoding, BOM) and parse it; returns the text too."""
    if len(data) > MAX_BYTES:
        raise TemplateError(
            [
                f"{path}:1: "
                + _("the file is larger than 1 MB ({size} bytes)").format(size=len(data))
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateError(
            [
                f"{path}:{line}: "
                + _("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8").format(
                    byte=data[exc.start]
                )
            ]
        ) from None
    return parse(text, path), text


def load(path: Path, origin: str = "file") -> TemplateSource:
    """Read and validate the template file at ``path``."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:  # say so without reading it all
                raise TemplateError(
                    [
                        f"{path}:1: "
                        + _("the file is larger than 1 MB ({size} bytes)").format(size=size)
                    ]
                )
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TemplateError(
            [f"{path}:1: " + _("cannot read the file ({error})").format(error=exc.strerror or exc)]
        ) from None
    template, text = parse_bytes(data, str(path))
    return TemplateSource(template, text, sha256_text(text), path, origin)


@functools.lru_cache(maxsize=32)
def from_pinned(text: str) -> Template:
    """The template pinned on a review (its stored text), parsed once per process.

    Every action on a review reads its pinned template, and loading the YAML parser and
    parsing take longer than the rest of a ``note add``. A pinned text never changes, so its
    parsed form is also kept in the user cache folder under the text's SHA-256, for the next
    process (``GRANSKNING_CACHE_DIR`` moves it; empty turns it off).
    """
    folder = cache_dir()
    path = folder / f"template-{sha256_text(text)}.json" if folder else None
    if path is not None:
        try:
            return Template.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            pass  # missing or unreadable: parse the text
    template = parse(text, "<pinned>", pinned=True)
    if path is not None:
        _write_cache(path, template.model_dump_json().encode("utf-8"))
    return template


def cache_dir() -> Path | None:
    """Where parsed pinned templates are kept between runs (None: nowhere)."""
    value = os.environ.get("GRANSKNING_CACHE_DIR")
    if value is not None:
        return Path(value) if value.strip() else None
    from platformdirs import user_cache_dir  # slow to import (~0.1 s): only when needed

    return Path(user_cache_dir("granskning", appauthor=False))


def _write_cache(path: Path, data: bytes) -> None:
    # a cache: failing to write it is never an error; a rename keeps readers from half files
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass


# -- finding templates --------------------------------------------------------------------


def user_folder() -> Path:
    """The user's own template folder: ``question_templates`` in granskning's config folder."""
    import platformdirs  # slow to import (~0.1 s): only when needed

    return Path(platformdirs.user_config_dir("granskning")) / "question_templates"


def folders() -> list[tuple[Path, str]]:
    """Where templates are looked up, in order, with their origin.

    The shipped folder, the user's config folder, then each folder (or file) named in
    ``GRANSKNING_TEMPLATES`` (several separated by ``os.pathsep``).
    """
    out = [(question_templates_dir(), "shipped"), (user_folder(), "user")]
    for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if entry.strip():
            out.append((Path(entry.strip()).expanduser(), "env"))
    return out


@dataclass(frozen=True)
class Catalog:
    """Every template found: the winner of each id, the ones it replaces, and the problems."""

    templates: list[TemplateSource]
    shadowed: list[TemplateSource]
    problems: list[str]
    broken: dict[str, list[str]] = field(default_factory=dict)  # by id or file stem


def _files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
    )


def _version_line(text: str) -> int:
    match = re.search(r"^version\s*:", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else 1


def catalog() -> Catalog:
    """Read every template folder: the highest version of each id wins.

    The same id and version with different content is an error: that id is left out
    (and reported) until one of the files gets another version.
    """
    found: list[TemplateSource] = []
    problems: list[str] = []
    broken: dict[str, list[str]] = {}
    seen: set[Path] = set()
    for folder, origin in folders():
        if folder.resolve() not in seen:
            seen.add(folder.resolve())
            _read_folder(folder, origin, found, problems, broken)
    by_id: dict[str, list[TemplateSource]] = {}
    for src in found:
        by_id.setdefault(src.template.id, []).append(src)
    winners: list[TemplateSource] = []
    shadowed: list[TemplateSource] = []
    for tid, sources in sorted(by_id.items()):
        first_of, conflicted = _versions(tid, sources, problems, broken)
        top = max(first_of)
        if top in conflicted:
            shadowed.extend(s for s in sources if version_key(s.template.version) != top)
            continue
        winner = first_of[top]
        winners.append(winner)
        shadowed.extend(s for s in sources if s is not winner)
    return Catalog(winners, shadowed, problems, broken)


def _read_folder(
    folder: Path,
    origin: str,
    found: list[TemplateSource],
    problems: list[str],
    broken: dict[str, list[str]],
) -> None:
    """The templates of one folder into ``found``, what is wrong into ``problems`` (and, per
    template, into ``broken``)."""
    if not folder.exists():
        if origin == "env":
            problems.append(
                f"{folder}: " + _("no such folder (named in {var})").format(var=ENV_VAR)
            )
        return
    try:
        files = _files(folder)
    except OSError as exc:
        problems.append(
            f"{folder}: " + _("cannot read the folder ({error})").format(error=exc.strerror)
        )
        return
    for path in files:
        try:
            found.append(load(path, origin))
        except TemplateError as exc:
            problems.extend(exc.problems)
            broken.setdefault(path.stem, []).extend(exc.problems)


def _versions(
    tid: str, sources: list[TemplateSource], problems: list[str], broken: dict[str, list[str]]
) -> tuple[dict[tuple[int, ...], TemplateSource], set[tuple[int, ...]]]:
    """The first source of each version of template ``tid``, and the versions that two
    sources give different content (reported into ``problems`` and ``broken``)."""
    conflicted: set[tuple[int, ...]] = set()
    first_of: dict[tuple[int, ...], TemplateSource] = {}
    for src in sources:
        key = version_key(src.template.version)
        first = first_of.setdefault(key, src)
        if first is not src and first.sha256 != src.sha256:
            conflicted.add(key)
            line = f"{src.path}:{_version_line(src.text)}: " + _(
                "template {id} version {version} is also in {other} with different "
                "content; give one of them a higher version"
            ).format(id=tid, version=src.template.version, other=first.path)
            problems.append(line)
            broken.setdefault(tid, []).append(line)
    return first_of, conflicted


def available() -> list[TemplateSource]:
    """Every template found, the highest version of each id."""
    return catalog().templates


def _looks_like_path(name: str) -> bool:
    return name.endswith(SUFFIXES) or "/" in name or os.sep in name


def find(name: str) -> TemplateSource:
    """The template with id (or file name) ``name``; a path to a YAML file also works."""
    if _looks_like_path(name) and Path(name).is_file():
        return load(Path(name), "file")
    cat = catalog()
    stem = Path(name).stem if name.endswith(SUFFIXES) else name
    if stem in cat.broken:
        # a broken file or a clash under this name: using another copy silently would
        # hide the author's mistake
        raise TemplateError(cat.broken[stem])
    for src in cat.templates:
        if stem == src.template.id:
            return src
    for src in cat.templates:
        if stem == src.path.stem:
            return src
    raise NotFoundError(
        _("template {name} does not exist (available: {names})").format(
            name=name, names=", ".join(s.template.id for s in cat.templates) or "-"
        )
    )


def validate_files(paths: Sequence[str]) -> tuple[list[TemplateSource], list[str]]:
    """Validate template files (a folder means its .yaml files): the valid ones and every problem."""
    valid: list[TemplateSource] = []
    problems: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = _files(path)
            if not files:
                problems.append(f"{name}: " + _("no .yaml files in this folder"))
        elif path.exists():
            files = [path]
        else:
            problems.append(f"{name}: " + _("no such file or folder"))
            continue
        for file in files:
            try:
                valid.append(load(file, "file"))
            except TemplateError as exc:
                problems.extend(exc.problems)
    return valid, problems


# -- showing ------------------------------------------------------------------------------


def as_dict(source: TemplateSource) -> dict[str, Any]:
    """The template as JSON: the YAML's keys, plus its hash, origin and path."""
    data = source.template.model_dump(mode="json")
    data.update({"sha256": source.sha256, "origin": source.origin, "path": str(source.path)})
    return data


_MODEL_HELP = {
    "Template": N_("A question template (mall för frågorna) for kollegial granskning."),
    "Group": N_("A group of interviewees."),
    "Label": N_("A name in Swedish and English."),
    "Block": N_("A block of questions with a time budget."),
    "Question": N_("A question, asked of one or more groups."),
    "ScaleStep": N_("A step of the rating scale."),
}


def schema() -> dict[str, Any]:
    """The JSON Schema of the template format, with help texts in the current language.

    Editors use it for completion and checks (VS Code with the YAML extension:
    ``yaml.schemas``). The rules that span the template (unique ids, known groups,
    budgets) are checked by ``granskning template validate``.
    """
    raw = Template.model_json_schema()
    raw["title"] = _("granskning question template")
    for name, model in raw.get("$defs", {}).items():
        if name in _MODEL_HELP:
            model["description"] = _MODEL_HELP[name]
    raw["description"] = " ".join(
        (
            _(_MODEL_HELP["Template"]),
            _(
                "At most {size} MB and {n} characters of text; anchors (&name), aliases "
                "(*name), merge keys (<<) and tags (!!) are not allowed."
            ).format(size=MAX_BYTES // 1_000_000, n=f"{MAX_TEXT:,}"),
        )
    )
    question = raw["$defs"]["Question"]
    # a rating question needs a scale; other kinds have none
    question["if"] = {"properties": {"kind": {"const": "rating"}}, "required": ["kind"]}
    question["then"] = {"required": ["scale"], "properties": {"scale": {"type": "array"}}}
    question["else"] = {"properties": {"scale": {"type": "null"}}}
    out = _translate_schema(raw, in_properties=False)
    return {"$schema": "http://json-schema.org/draft-07/schema#", **out}


def _translate_schema(node: Any, in_properties: bool) -> Any:
    if isinstance(node, list):
        return [_translate_schema(x, False) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if in_properties:  # keys here are property names, not keywords
            out[key] = _translate_schema(value, False)
        elif key == "title" and isinstance(value, str) and "$defs" not in node:
            continue  # pydantic's generated titles ("Minutes", "Id") only add noise in editors
        elif key == "description" and isinstance(value, str):
            out[key] = _(value)
        else:
            out[key] = _translate_schema(value, key in ("properties", "$defs"))
    return out


__all__ = [
    "Block",
    "Catalog",
    "Group",
    "Label",
    "Question",
    "ScaleStep",
    "Template",
    "TemplateError",
    "TemplateSource",
    "as_dict",
    "available",
    "catalog",
    "find",
    "folders",
    "from_pinned",
    "load",
    "parse",
    "parse_bytes",
    "schema",
    "sha256_text",
    "user_folder",
    "validate_files",
    "version_key",
]
