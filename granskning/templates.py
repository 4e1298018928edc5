"""Question templates (mall för frågorna): load, validate, find and pin.

A template is a YAML file: groups of interviewees, blocks with a time budget and
Convention articles, and questions (open, sentence completion, or a 1-4 rating).
A review pins the template's exact text and SHA-256 when it is created; everything later
reads the pinned copy (:func:`from_pinned`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from granskning.errors import InputError, NotFoundError
from granskning.i18n import _, get_language


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Group(_Strict):
    id: str = Field(min_length=1)
    label: Label

    def name(self, lang: str | None = None) -> str:
        """The group's label in ``lang`` (default: the current language)."""
        return self.label.en if (lang or get_language()) == "en" else self.label.sv


class ScaleStep(_Strict):
    value: int = Field(ge=1, le=4)
    label: str = Field(min_length=1)


class Question(_Strict):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    kind: Literal["open", "completion", "rating"] = "open"
    groups: list[str] = Field(min_length=1)
    followups: list[str] = Field(default_factory=list)
    scale: list[ScaleStep] | None = None


class Block(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    minutes: int = Field(gt=0)
    articles: list[int] = Field(default_factory=list)
    description: str | None = None
    questions: list[Question] = Field(min_length=1)


class Template(_Strict):
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    language: str = "sv"
    description: str | None = None
    session_minutes: int | None = Field(default=None, gt=0)
    groups: list[Group] = Field(min_length=1)
    blocks: list[Block] = Field(min_length=1)

    def group(self, group_id: str) -> Group:
        """The group with ``group_id``, or an InputError listing the known ones."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise InputError(
            _("group {group} is not in template {template} (known: {known})").format(
                group=group_id, template=self.id, known=", ".join(g.id for g in self.groups)
            )
        )

    def block(self, block_id: str) -> Block:
        """The block with ``block_id``, or an InputError listing the known ones."""
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise InputError(
            _("block {block} is not in template {template} (known: {known})").format(
                block=block_id, template=self.id, known=", ".join(b.id for b in self.blocks)
            )
        )

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
    origin: str  # "shipped" or "user"


def sha256_text(text: str) -> str:
    """The SHA-256 of a template's UTF-8 text, as pinned on reviews."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(text: str, path: str = "<template>") -> Template:
    """Parse and validate a template's text; a TemplateError lists every problem."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise TemplateError([f"{path}:1: {exc}"]) from None
    from pydantic import ValidationError

    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(
            [f"{path}:1: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from None


def load(path: Path, origin: str = "user") -> TemplateSource:
    """Read and validate the template file at ``path``."""
    text = path.read_text(encoding="utf-8")
    return TemplateSource(parse(text, str(path)), text, sha256_text(text), path, origin)


def search_paths() -> list[tuple[Path, str]]:
    """The folders templates are looked up in, with their origin."""
    from granskning.resources import question_templates_dir

    return [(question_templates_dir(), "shipped")]


def available() -> list[TemplateSource]:
    """Every template found, the highest version of each id."""
    found: dict[str, TemplateSource] = {}
    for folder, origin in search_paths():
        for path in sorted(folder.glob("*.yaml")):
            src = load(path, origin)
            found[src.template.id] = src
    return sorted(found.values(), key=lambda s: s.template.id)


def find(name: str) -> TemplateSource:
    """The template with id (or file stem) ``name``."""
    for src in available():
        if name in (src.template.id, src.path.stem):
            return src
    raise NotFoundError(_("template {name} does not exist").format(name=name))


@lru_cache(maxsize=32)
def from_pinned(text: str) -> Template:
    """The template pinned on a review (its stored text).

    Cached by text: parsing YAML is slow and every action reads the pinned copy; the
    Template is frozen, so sharing it is safe.
    """
    return parse(text, "<pinned>")
