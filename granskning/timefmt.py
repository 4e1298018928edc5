"""Times in and out: Europe/Stockholm at the edges, aware UTC inside."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from granskning.errors import InputError
from granskning.i18n import _

TZ = ZoneInfo("Europe/Stockholm")
# every time and date stored lies in these years (reviews began in 2004)
MIN_YEAR, MAX_YEAR = 2000, 2199


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
    check_range(local, what)
    aware = local.replace(tzinfo=TZ)
    # A wall-clock time skipped by the spring-forward change does not exist.
    if aware.astimezone(UTC).astimezone(TZ).replace(tzinfo=None) != local:
        raise InputError(
            _("{what}: {value} does not exist in Europe/Stockholm (clocks move forward)").format(
                what=what, value=value
            )
        )
    return aware.astimezone(UTC)


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
        raise InputError(
            _('{what}: "{value}" is not a date of the form YYYY-MM-DD').format(
                what=what, value=value
            )
        ) from None
    check_range(day, what)
    return day


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
