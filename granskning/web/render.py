"""The pages' templates: Jinja2, autoescaped, translated through the program's catalogs in
the language of the request being served."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from granskning.domain import i18n, labels
from granskning.domain.timefmt import format_local

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    """The one template environment (its gettext reads the request's language)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    env.globals.update(
        state_label=labels.state,
        action_label=labels.action,
        role_label=labels.role,
        status_label=labels.status,
        interview_state_label=labels.interview_state,
        event_label=labels.event,
        local_time=format_local,
    )
    return env


def render(template: str, values: dict[str, Any]) -> str:
    """The page ``template`` with ``values``."""
    return environment().get_template(template).render(values)


__all__ = ["TEMPLATES", "environment", "render"]
