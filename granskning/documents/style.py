"""The documents' house style in one place: languages, date and number formats, colours.

Every Word document (the report, the seminar checklist, the round compilation) writes
dates, figures and status colours through these, so a change shows in all of them.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

from granskning.domain.enums import FollowUpStatus
from granskning.domain.errors import InputError
from granskning.domain.i18n import DOMAIN, LOCALE_DIR, _, get_language
from granskning.domain.timefmt import to_local

LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}

# One font family for every document. Calibri is Word's own default; LibreOffice replaces it
# with Carlito (metric-compatible: the same widths, so the same line and page breaks), which
# it ships on Windows and macOS and which Linux distributions package beside it
# (fonts-crosextra-carlito). A pair such as Arial / Liberation Sans would do as well, but
# then the templates would name a family Word does not set by default; Calibri is set both
# as the theme font and on every style, so nothing falls back to anything else.
HOUSE_FONT = "Calibri"
# Who a document is from when no name is set (``granskning settings set partnership-name``).
DEFAULT_PARTNERSHIP = "Partnerskapet för barnets rättigheter i praktiken"
# Means and percentages over fewer answers than this are not shown: too few to mean
# anything, and they could tell who answered.
MIN_ANSWERS = 3
_BABEL_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
# How each language quotes: Swedish closes on both sides (”så här”), English turns the
# opening mark (“like this”).
QUOTE_MARKS = {"sv": ("\u201d", "\u201d"), "en": ("\u201c", "\u201d")}

# The follow-up statuses' cell fills (red, amber, green): light, readable under black text;
# the label is always written too (colour is not enough).
STATUS_FILLS = {
    FollowUpStatus.not_started.value: "F4CCCC",
    FollowUpStatus.in_progress.value: "FFE599",
    FollowUpStatus.done.value: "C9E4B8",
}
# What the colours are called (``colour`` in --json and in the checklist's context).
STATUS_COLOURS = {
    FollowUpStatus.not_started.value: "red",
    FollowUpStatus.in_progress.value: "amber",
    FollowUpStatus.done.value: "green",
}
NO_STATUS_FILL = "E7E6E6"  # a count of items without a status
WHITE = "FFFFFF"
ZEBRA = ("FFFFFF", "F3F6FA")  # alternate table rows


# Interviewee groups of children and young people, by the group ids templates use for them:
# the people they count are also shown as a figure of their own.
_CHILDREN_PREFIXES = ("barn", "unga", "ungdom", "children", "child", "youth", "young")


def is_children_group(group_id: str) -> bool:
    """Whether an interviewee group is one of children and young people ("barn-och-unga")."""
    return group_id.lower().startswith(_CHILDREN_PREFIXES)


def document_language(lang: str | None) -> str:
    """``lang`` (default: the language messages are shown in), or an InputError if unknown."""
    chosen = (lang or get_language()).lower()
    if chosen not in LANGUAGE_TAGS:
        raise InputError(
            _("unknown language {lang} (one of: {langs})").format(
                lang=lang, langs=", ".join(LANGUAGE_TAGS)
            )
        )
    return chosen


def translator(lang: str) -> Callable[[str], str]:
    """``gettext`` for one language, independent of the language messages are shown in."""
    catalog = _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True
    )
    return catalog.gettext


def quoted(text: str, lang: str) -> str:
    """``text`` between the quotation marks of ``lang``."""
    opening, closing = QUOTE_MARKS[lang]
    return f"{opening}{text}{closing}"


def translated(table: Mapping[str, str], lang: str) -> dict[str, str]:
    """A document's fixed texts (its ``t``) in ``lang``."""
    tr = translator(lang)
    return {key: tr(msgid) for key, msgid in table.items()}


def format_day(day: date, lang: str) -> str:
    """A date as written in a document: "2 mars 2026"."""
    from babel.dates import format_date

    return str(format_date(day, "d MMMM y", locale=_BABEL_LOCALES[lang]))


def format_time(moment: datetime, lang: str) -> str:
    """A moment's time of day in Stockholm as the language writes it: "13.00", "13:00"."""
    local = to_local(moment)
    sep = "." if lang == "sv" else ":"
    return f"{local.hour:02d}{sep}{local.minute:02d}"


def format_moment(moment: datetime, lang: str) -> str:
    """A date and time in Stockholm: "8 september 2026 kl. 13.00", "8 September 2026, 13:00"."""
    day = format_day(to_local(moment).date(), lang)
    if lang == "sv":
        return f"{day} kl. {format_time(moment, lang)}"
    return f"{day}, {format_time(moment, lang)}"


def format_span(start: datetime, end: datetime, lang: str) -> str:
    """A time span within a day: "13.00–14.30"."""
    return f"{format_time(start, lang)}–{format_time(end, lang)}"


def format_iso_day(text: str | None, lang: str) -> str:
    """A stored "YYYY-MM-DD" as a document writes it ("" for none)."""
    return format_day(date.fromisoformat(text), lang) if text else ""


def iso_day(moment: datetime) -> str:
    """A moment's day in Stockholm as the checklist writes it: "2026-09-15"."""
    return to_local(moment).strftime("%Y-%m-%d")


def clock(moment: datetime) -> str:
    """A moment's time of day in Stockholm: "13:00"."""
    return to_local(moment).strftime("%H:%M")


def format_days(days: Iterable[date], lang: str, and_: str) -> str:
    """Visit days as a reader expects them: "2–4 mars 2026", "2, 3 och 5 mars 2026"."""
    from babel.dates import format_date

    unique = sorted(set(days))
    if not unique:
        return ""
    if len(unique) == 1:
        return format_day(unique[0], lang)
    same_month = all((d.year, d.month) == (unique[0].year, unique[0].month) for d in unique)
    if not same_month:
        return join([format_day(d, lang) for d in unique], and_)
    month = str(format_date(unique[0], "MMMM y", locale=_BABEL_LOCALES[lang]))
    consecutive = all((b - a).days == 1 for a, b in zip(unique, unique[1:], strict=False))
    if consecutive:
        return f"{unique[0].day}–{unique[-1].day} {month}"
    return f"{join([str(d.day) for d in unique], and_)} {month}"


def join(items: list[str], and_: str) -> str:
    """Items as a sentence lists them: "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_} {items[-1]}"


def decimal(value: float, lang: str) -> str:
    """A figure with one decimal, as the language writes it: "2,5"."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, "0.0", locale=_BABEL_LOCALES[lang]))


def figure(value: float | None, lang: str, decimals: int = 1) -> str:
    """A count with thousands separators, or a measure with ``decimals``; "–" for none."""
    if value is None:
        return "–"
    from babel.numbers import format_decimal

    pattern = "#,##0" if isinstance(value, int) else "#,##0." + "0" * decimals
    return str(format_decimal(value, format=pattern, locale=_BABEL_LOCALES[lang]))


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-case."""
    return text[:1].upper() + text[1:]


__all__ = [
    "DEFAULT_PARTNERSHIP",
    "HOUSE_FONT",
    "LANGUAGE_TAGS",
    "MIN_ANSWERS",
    "NO_STATUS_FILL",
    "QUOTE_MARKS",
    "STATUS_COLOURS",
    "STATUS_FILLS",
    "WHITE",
    "ZEBRA",
    "capitalised",
    "clock",
    "decimal",
    "document_language",
    "figure",
    "format_day",
    "format_days",
    "format_iso_day",
    "format_moment",
    "format_span",
    "format_time",
    "is_children_group",
    "iso_day",
    "join",
    "quoted",
    "translated",
    "translator",
]
