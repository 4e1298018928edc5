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
    "Store": "granskning.store",
    "GranskningError": "granskning.errors",
    "InputError": "granskning.errors",
    "NotFoundError": "granskning.errors",
    "RuleError": "granskning.errors",
    "ConflictError": "granskning.errors",
    "ReviewState": "granskning.model",
    "InterviewState": "granskning.model",
    "Role": "granskning.model",
    "reviews": "granskning.reviews",
    "registry": "granskning.registry",
    "templates": "granskning.templates",
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
    "registry",
    "reviews",
    "templates",
]

if TYPE_CHECKING:  # pragma: no cover
    from granskning import registry, reviews, templates
    from granskning.errors import (
        ConflictError,
        GranskningError,
        InputError,
        NotFoundError,
        RuleError,
    )
    from granskning.model import InterviewState, ReviewState, Role
    from granskning.store import Store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'granskning' has no attribute {name!r}")
    mod = importlib.import_module(module)
    return mod if module.endswith("." + name) else getattr(mod, name)
