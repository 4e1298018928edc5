"""The catalogs: complete in Swedish and English, compiled, and used."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _i18n_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_script"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_catalogs_are_complete_and_compiled() -> None:
    problems = _i18n_script().problems()
    assert problems == [], "\n".join(problems[:40])


def test_language_choice_from_environment() -> None:
    from granskning.domain.i18n import language_from_env

    assert language_from_env({}) == "sv"
    assert language_from_env({"LANG": "C.UTF-8"}) == "sv"
    assert language_from_env({"LANG": "en_GB.UTF-8"}) == "en"
    assert language_from_env({"LC_ALL": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}) == "sv"
    assert language_from_env({"GRANSKNING_LANG": "en", "LANG": "sv_SE.UTF-8"}) == "en"


def test_messages_switch_language() -> None:
    from granskning.domain.i18n import _, set_language

    set_language("sv")
    assert _("no secretary is assigned") != "no secretary is assigned"
    set_language("en")
    assert _("no secretary is assigned") == "no secretary is assigned"


@pytest.mark.slow
def test_click_wording_changes_never_fail_the_check(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A fresh install takes the newest click: its new or dropped messages are notes only."""
    script = _i18n_script()
    real = script.extracted_click()
    monkeypatch.setattr(script, "extracted_click", lambda: [*real[1:], "a message click added"])
    assert script.problems() == []
    assert "click: not in the catalog yet 'a message click added'" in script.notes()


@pytest.mark.slow
def test_own_messages_are_checked_strictly(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    script = _i18n_script()
    real = script.extracted()
    monkeypatch.setattr(script, "extracted", lambda: [*real, "a message nobody translated"])
    assert "sv: missing 'a message nobody translated'" in script.problems()
