"""What happens when: the table from domain events to the handlers that carry out their
consequences, in the same transaction, before the event is recorded.

This table is the one place that says which capability reacts to which other; the
services package installs it into every unit of work (:func:`granskning.storage.uow.install`).
The slow preparation some actions need before their transaction (the final report is
rendered before ``hand_over``) is listed here too.
"""

from __future__ import annotations

from granskning.documents import reports
from granskning.domain.events import (
    Event,
    HandedOver,
    ReviewCancelled,
    SeminarScheduled,
    SessionStarted,
)
from granskning.services import followup, interviews, reporting, sessions
from granskning.storage.uow import Handler

HANDLERS: dict[type[Event], list[Handler]] = {
    # the final report is stored and dated; then recommendations, development areas and
    # commitments become follow-up items
    HandedOver: [reporting.store_final_report, followup.create_items],
    SeminarScheduled: [followup.store_schedule],
    # open interviews are cancelled with the review's reason: people and rooms are free again
    ReviewCancelled: [interviews.cancel_open],
    # the first session of a scheduled review sets the visit off
    SessionStarted: [sessions.start_visit],
}

PREPARE = {"hand_over": reports.prepared_hand_over}

__all__ = ["HANDLERS", "PREPARE"]
