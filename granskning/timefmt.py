"""Times in and out: Europe/Stockholm at the edges, aware UTC inside."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from granskning.errors import InputError
from granskning.i18n import _

TZ = ZoneInfo("Europe/Stockholm")


def parse_local(value: str, what: str = "--start") -> datetime:
    """Parse "YYYY-MM-DD HH:MM" in Europe/Stockholm into aware UTC."""
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise InputError(
            _('{what}: "{value}" is not a time of the form YYYY-MM-DD HH:MM').format(
                what=what, value=value
            )
        ) from None
    _check_year(local.year, what, value)
    aware = local.replace(tzinfo=TZ)
    # A wall-clock time skipped by the spring-forward change does not exist.
    if aware.astimezone(UTC).astimezone(TZ).replace(tzinfo=None) != local:
        raise InputError(
            _("{what}: {value} does not exist in Europe/Stockholm (clocks move forward)").format(
                what=what, value=value
            )
        )
    return aware.astimezone(UTC)


def parse_date(value: str, what: str = "--date") -> date:
    """Parse "YYYY-MM-DD"."""
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InputError(
            _('{what}: "{value}" is not a date of the form YYYY-MM-DD').format(
                what=what, value=value
            )
        ) from None
    _check_year(day.year, what, value)
    return day


# Years a review can be in; at the ends of Python's range (1, 9999) turning a local time
# into UTC, or adding months to a date, would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _check_year(year: int, what: str, value: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(
            _("{what}: {value} is not between the years {first} and {last}").format(
                what=what, value=value.strip(), first=FIRST_YEAR, last=LAST_YEAR
            )
        )


def to_local(value: datetime) -> datetime:
    """An aware (or naive UTC) time in Europe/Stockholm."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TZ)


def format_local(value: datetime | None) -> str | None:
    """ "YYYY-MM-DD HH:MM" in Europe/Stockholm, the form cli.md uses."""
    if value is None:
        return None
    return to_local(value).strftime("%Y-%m-%d %H:%M")
