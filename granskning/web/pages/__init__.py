"""The pages of the web application, one module each; :data:`PAGES` lists them for the app.

Each module has ``routes`` (a :class:`granskning.web.http.Routes`) and its handlers.
"""

from __future__ import annotations

from types import ModuleType

from granskning.web.pages import account, home, report, review

PAGES: tuple[ModuleType, ...] = (
    account,
    home,
    report,
    review,
)

__all__ = ["PAGES"]
