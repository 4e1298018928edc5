"""Times in and out: Europe/Stockholm at the edges, aware UTC inside."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from granskning.domain.errors import InputError
from granskning.domain.i18n import N_, _

TZ = ZoneInfo("Europe/Stockholm")
# every time and date stored lies in these years (reviews began in 2004)
MIN_YEAR, MAX_YEAR = 2000, 2199


def _not_of_form(message: str, what: str, value: str) -> InputError:
    """The error for a value of the wrong form (``message`` names the form)."""
    return InputError(_(message).format(what=what, value=value))


def parse_local(value: str, what: str = "--start") -> datetime:
    """Parse "YYYY-MM-DD HH:MM" in Europe/Stockholm into aware UTC.

    A wall time the autumn change makes happen twice (02:00-02:59 on the last Sunday of
    October) needs its UTC offset, "YYYY-MM-DD HH:MM+02:00" (the first, summer time) or
    "+01:00" (the second); a time the spring change skips does not exist.
    """
    text = value.strip()
    match = _LOCAL.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        local = datetime.strptime(match["wall"], "%Y-%m-%d %H:%M")
    except ValueError:
        raise _not_of_form(
            N_('{what}: "{value}" is not a time of the form YYYY-MM-DD HH:MM'), what, value
        ) from None
    check_range(local, what)
    first, second = local.replace(tzinfo=TZ, fold=0), local.replace(tzinfo=TZ, fold=1)
    offsets = [first.utcoffset(), second.utcoffset()]
    # A wall-clock time skipped by the spring-forward change does not exist.
    if first.astimezone(UTC).astimezone(TZ).replace(tzinfo=None) != local:
        raise InputError(
            _(
                "{what}: {value} does not exist in Europe/Stockholm: the clocks move forward "
                "from 02:00 to 03:00 that night"
            ).format(what=what, value=match["wall"])
        )
    if match["offset"]:
        sign = -1 if match["offset"][0] == "-" else 1
        given = sign * timedelta(hours=int(match["offset"][1:3]), minutes=int(match["offset"][4:]))
        if given not in offsets:
            raise InputError(
                _("{what}: {value} is {offset} in Europe/Stockholm, not {given}").format(
                    what=what,
                    value=match["wall"],
                    offset=_offset(first),
                    given=match["offset"],
                )
            )
        chosen = first if given == offsets[0] else second
        return chosen.astimezone(UTC)
    if offsets[0] != offsets[1]:
        raise InputError(
            _(
                "{what}: {value} happens twice in Europe/Stockholm (the clocks go back from "
                "03:00 to 02:00): first at {first} UTC (summer time), then at {second} UTC; "
                'write "{value}{first_offset}" or "{value}{second_offset}" to choose one'
            ).format(
                what=what,
                value=match["wall"],
                first=first.astimezone(UTC).strftime("%H:%M"),
                second=second.astimezone(UTC).strftime("%H:%M"),
                first_offset=_offset(first),
                second_offset=_offset(second),
            )
        )
    return first.astimezone(UTC)


_LOCAL = re.compile(r"(?P<wall>\d{4}-\d{2}-\d{2} \d{1,2}:\d{2})\s*(?P<offset>[+-]\d{2}:\d{2})?")


def _offset(local: datetime) -> str:
    """The UTC offset of an aware time as "+01:00"."""
    text = local.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def ambiguous(local: datetime) -> bool:
    """Whether the wall time of ``local`` (in Europe/Stockholm) happens twice."""
    wall = local.replace(tzinfo=TZ, fold=0)
    return wall.utcoffset() != wall.replace(fold=1).utcoffset()


def check_range(value: datetime | date, what: str) -> None:
    """Refuse a time or date outside the years granskning keeps (InputError)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InputError(
            _("{what}: {value} is outside the years {first}-{last}").format(
                what=what, value=value.isoformat(), first=MIN_YEAR, last=MAX_YEAR
            )
        )


def parse_date(value: str, what: str = "--date") -> date:
    """Parse "YYYY-MM-DD"."""
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise _not_of_form(
            N_('{what}: "{value}" is not a date of the form YYYY-MM-DD'), what, value
        ) from None
    check_range(day, what)
    return day


def as_utc(value: datetime) -> datetime:
    """A stored time, aware and in UTC (SQLite hands stored times back naive, in UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    """An aware (or naive UTC) time in Europe/Stockholm."""
    return as_utc(value).astimezone(TZ)


def format_local(value: datetime | None) -> str | None:
    """ "YYYY-MM-DD HH:MM" in Europe/Stockholm, the form cli.md uses; in the autumn hour
    that happens twice, with its offset ("2026-10-25 02:30+01:00"), as parse_local reads it."""
    if value is None:
        return None
    local = to_local(value)
    return local.strftime("%Y-%m-%d ") + format_clock(local)


def format_clock(value: datetime) -> str:
    """ "HH:MM" in Europe/Stockholm, with the offset in the autumn hour that happens twice."""
    local = to_local(value)
    return local.strftime("%H:%M") + (_offset(local) if ambiguous(local) else "")


def clock_text(seconds: float) -> str:
    """Seconds as "M:SS" ("-M:SS" past zero), the form the screens show."""
    s = int(abs(seconds))
    return f"{'-' if seconds < 0 else ''}{s // 60}:{s % 60:02d}"
