"""The pages of the web application, one module each; :data:`PAGES` lists them for the app.

Each module has ``routes`` (a :class:`granskning.web.http.Routes`) and its handlers.
"""

from __future__ import annotations

from types import ModuleType

from granskning.web.pages import (
    account,
    home,
    interviews,
    report,
    review,
    rounds,
    search,
    seminar,
    templates_page,
)

PAGES: tuple[ModuleType, ...] = (
    account,
    home,
    interviews,
    report,
    review,
    seminar,
    rounds,
    search,
    templates_page,
)

__all__ = ["PAGES"]
