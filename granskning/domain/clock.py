"""``GRANSKNING_NOW``: a fixed "now" for demos and tests, read once at the command line's edge.

With ``GRANSKNING_NOW="YYYY-MM-DD HH:MM"`` (Stockholm time) every command sees that moment
as the current time, as the demo's clock does inside: interviews start then, handovers are
dated then, the follow-up suggestion counts from then. Meant for demos, tutorials and
tests, so that the same commands print the same output on any day.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from granskning.domain.timefmt import parse_local

ENV_VAR = "GRANSKNING_NOW"


@dataclass(frozen=True)
class FixedClock:
    """A clock that always answers the same aware UTC time."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def clock_from_env(environ: Mapping[str, str] | None = None) -> FixedClock | None:
    """The clock ``GRANSKNING_NOW`` asks for; None when it is unset or empty.

    A value that is not a Stockholm time of the form ``YYYY-MM-DD HH:MM`` is an InputError
    naming the variable.
    """
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    if not value.strip():
        return None
    return FixedClock(parse_local(value, ENV_VAR))
