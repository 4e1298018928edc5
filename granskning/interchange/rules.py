"""What the interchange borrows from the services: the commands' own rules.

An imported file is checked by the same functions the commands apply, and merged with the
same privacy and life-cycle rules. Those live in the services, a layer above; the services
hand them down as one :class:`Rules` (see :mod:`granskning.services.exchange`), so the
interchange never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from granskning.domain.workflow import ReviewFacts
from granskning.storage.model import Review, Role


@dataclass(frozen=True)
class Rules:
    """The rule functions and limits an import checks and merges by (each raises a
    GranskningError for a value it refuses, unless it returns reasons)."""

    # names and places
    clean_name: Callable[[str, str], object]
    check_place: Callable[[str | None], object]
    # the team: (host, role, person, name, team so far as (role, person, name))
    team_roles: Collection[Role]
    check_role: Callable[[Role, str, bool, str], object]
    check_assignment: Callable[[str, Role, str, str, list[tuple[str, str, str]]], object]
    # interviews and their sessions; a plan is the session plan of an interview
    check_minutes: Callable[[int], object]
    staff_reasons: Callable[
        [list[tuple[str, str]], set[str], dict[str, str], str, str | None, str | None],
        list[str],
    ]
    session_plan: Callable[[str, str, int], Any]
    check_step: Callable[[Any, str], object]
    check_note_text: Callable[[str, int | None], object]
    check_note_question: Callable[[Any, str | None, int | None], object]
    note_limit: int
    # findings, recommendations, report texts and follow-up items: (text, what, limit)
    clean_text: Callable[[str, str, int], object]
    finding_limit: int
    report_text_limit: int
    clean_item_text: Callable[[str, str], object]
    item_limit: int
    check_merge: Callable[[str, str, str | None], object]
    # the merge: the review's guard facts, and how a forgotten person's name is redacted
    review_facts: Callable[[Session, Review], ReviewFacts]
    same_name: Callable[[str | None, str | None], bool]
    replace_name: Callable[[str, str, str], str]
    redact_records: Callable[[list[dict[str, Any]], str, str, str, datetime], None]
