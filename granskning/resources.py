"""Find the resources shipped with the package: question templates, report templates, catalogs.

In a wheel they live under ``granskning/_resources`` (hatchling force-include); in a source
checkout or an editable install they are the top-level folders beside the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(name: str) -> Path:
    shipped = Path(str(resources.files("granskning"))) / "_resources" / name
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / name


def question_templates_dir() -> Path:
    """The folder of the question templates shipped with granskning."""
    return _folder("question_templates")


def reports_dir() -> Path:
    """The folder of the Word report templates shipped with granskning."""
    return _folder("reports")
