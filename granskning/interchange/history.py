"""The review's life cycle in an imported file: its transitions must be ones the machine
allows, each passing its guard, as the commands would have taken them.

What breaks the life cycle is listed in the plan's ``history``; the import is refused then.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from granskning.domain.i18n import _
from granskning.domain.workflow import (
    REVIEW_ACTIONS,
    REVIEW_TRANSITIONS,
    STATE_LABELS,
    ActionParams,
    _sources,
    review_block_reasons,
)
from granskning.interchange.state import ImportState
from granskning.storage.model import Review, ReviewState


def _destination(action: str) -> ReviewState:
    return ReviewState(next(t["dest"] for t in REVIEW_TRANSITIONS if t["trigger"] == action))


def _broken_step(state: ReviewState, e: dict[str, Any]) -> str | None:
    """Why the audit event ``e`` is not a step the machine takes from ``state`` (None if
    it is one)."""
    dest = _destination(e["action"])
    event = {"uid": e["uid"], "action": e["action"]}
    if e["from_state"] != state or e["to_state"] != dest:
        return _(
            "audit event {uid}: {action} from {was} to {to}, but the review is "
            "{state} at that point and {action} leads to {dest}"
        ).format(**event, was=e["from_state"], to=e["to_state"], state=state.value, dest=dest.value)
    if state not in _sources(REVIEW_TRANSITIONS, e["action"]):
        return _("audit event {uid}: {action} is not possible while the review is {state}").format(
            **event, state=_(STATE_LABELS[state])
        )
    return None


def _end_reason(
    there: dict[str, Any], start: ReviewState, version: int, state: ReviewState, steps: int
) -> str | None:
    """Why the file's review is not where its transitions take it (None if it is)."""
    if state != there["state"]:
        return _(
            "the review is {state} in the file, but its audit events take it from "
            "{start} only to {reached}"
        ).format(state=there["state"], start=start.value, reached=state.value)
    if there["version"] != version + steps:
        return _(
            "the review's version is {version} in the file, but {n} state changes "
            "from version {start} make {expected}"
        ).format(version=there["version"], n=steps, start=version, expected=version + steps)
    return None


def life_cycle(
    st: ImportState, start: ReviewState, version: int, events: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The file's transitions of the review from ``start`` (its audit events of review
    actions, in order), each a step the life cycle allows; what breaks the machine is
    listed in ``plan.history``. ``version`` is the review's version at ``start``: every
    transition raises it by one."""
    state, steps = start, list[dict[str, Any]]()
    for e in events:
        if e["entity"] != "review" or e["action"] not in REVIEW_ACTIONS:
            continue
        reason = _broken_step(state, e)
        if reason is not None:
            st.plan.history.append(reason)
            return steps
        steps.append(e)
        state = _destination(e["action"])
    reason = _end_reason(st.f["review"], start, version, state, len(steps))
    if reason is not None:
        st.plan.history.append(reason)
    return steps


def check_guards(st: ImportState, review: Review, current: dict[str, Any] | None) -> None:
    """Each transition the import takes must pass its guard, on the content the review
    has once imported; a handover brings exactly one new report version, numbered on."""
    facts = st.rules.review_facts(st.s, review)
    for e in st.steps:
        params = ActionParams(reason=e.get("text"), start=review.seminar_start)
        state = ReviewState(e["from_state"])
        # each step is judged as of when it was taken (a seminar held before its day)
        at_step = replace(facts, state=state, now=datetime.fromisoformat(e["at"]))
        for reason in review_block_reasons(e["action"], at_step, params):
            st.plan.history.append(
                _("audit event {uid}: {action} is blocked: {reason}").format(
                    uid=e["uid"], action=e["action"], reason=reason
                )
            )
    handovers = sum(e["action"] == "hand_over" for e in st.steps)
    here = {v["number"] for v in current["report_versions"]} if current else set()
    added = sorted(v["number"] for v in st.f["report_versions"] if v["number"] not in here)
    first = max(here, default=0) + 1
    if len(added) != handovers or added != list(range(first, first + len(added))):
        st.plan.history.append(
            _(
                "the file adds report versions {added}, but its audit events hand the "
                "report over {n} times (after version {last})"
            ).format(
                added=", ".join(str(n) for n in added) or "-",
                n=handovers,
                last=max(here, default=0),
            )
        )
