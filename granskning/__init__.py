"""granskning: a workflow engine for kollegial granskning (collegial peer review).

The public API is imported lazily so that ``granskning --help`` stays fast:
``from granskning import Store`` pulls in SQLModel only when it is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it
_EXPORTS = {
    "Store": "granskning.storage.store",
    "GranskningError": "granskning.domain.errors",
    "InputError": "granskning.domain.errors",
    "NotFoundError": "granskning.domain.errors",
    "RuleError": "granskning.domain.errors",
    "ConflictError": "granskning.domain.errors",
    "ReviewState": "granskning.storage.model",
    "InterviewState": "granskning.storage.model",
    "Role": "granskning.storage.model",
    "reviews": "granskning.services.reviews",
    "registry": "granskning.services.registry",
    "templates": "granskning.domain.templates",
    "findings": "granskning.services.findings",
    "reports": "granskning.documents.reports",
}

__all__ = [
    "ConflictError",
    "GranskningError",
    "InputError",
    "InterviewState",
    "NotFoundError",
    "ReviewState",
    "Role",
    "RuleError",
    "Store",
    "__version__",
    "findings",
    "registry",
    "reports",
    "reviews",
    "templates",
]

if TYPE_CHECKING:  # pragma: no cover
    from granskning.documents import reports
    from granskning.domain import templates
    from granskning.domain.errors import (
        ConflictError,
        GranskningError,
        InputError,
        NotFoundError,
        RuleError,
    )
    from granskning.services import findings, registry, reviews
    from granskning.storage.model import InterviewState, ReviewState, Role
    from granskning.storage.store import Store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'granskning' has no attribute {name!r}")
    mod = importlib.import_module(module)
    return mod if module.endswith("." + name) else getattr(mod, name)
