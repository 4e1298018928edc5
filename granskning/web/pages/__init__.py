"""The pages of the web application, one module each; :data:`PAGES` lists them for the app.

Each module has ``routes`` (a :class:`granskning.web.http.Routes`) and its handlers.
"""

from __future__ import annotations

from types import ModuleType

from granskning.web.pages import (
    account,
    api,
    history,
    home,
    interviews,
    report,
    review,
    rounds,
    search,
    seminar,
    session,
    templates_page,
)

PAGES: tuple[ModuleType, ...] = (
    account,
    api,
    history,
    home,
    interviews,
    report,
    review,
    seminar,
    rounds,
    search,
    templates_page,
    session,
)

__all__ = ["PAGES"]
