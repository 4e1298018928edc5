"""The shape of the package: small functions, simple blocks, imports at the top.

The layers themselves are checked by import-linter (``lint-imports``, configured in
pyproject.toml); ruff checks complexity (C901) and statement counts (PLR0915).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

pytestmark = pytest.mark.slow  # every test here takes more than 0.4 s

PACKAGE = Path(__file__).resolve().parents[2] / "granskning"
LONGEST = 80  # lines of one function, decorators and docstring included
# Front ends import their commands' modules when a command runs, so that
# `granskning --help` stays fast; the store, which every command opens, imports the tables
# and the migrations only when it needs them, so that `review list` stays fast. Nothing
# else imports granskning modules inside a function.
LAZY_IMPORTS_ALLOWED = (
    "granskning/cli/",
    "granskning/__init__.py",
    "granskning/__main__.py",
    "granskning/storage/store.py",
)


def _modules() -> Iterator[tuple[str, ast.Module, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        yield str(path.relative_to(PACKAGE.parent)), ast.parse(text), text


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_no_function_is_longer_than_80_lines() -> None:
    long = [
        f"{name}:{f.lineno} {f.name} ({f.end_lineno - f.lineno + 1} lines)"  # type: ignore[operator]
        for name, tree, _text in _modules()
        for f in _functions(tree)
        if f.end_lineno - f.lineno + 1 > LONGEST  # type: ignore[operator]
    ]
    assert long == []


def test_no_block_is_rated_d_or_worse() -> None:
    complex_ = [
        f"{name}:{block.lineno} {block.fullname} ({cc_rank(block.complexity)} {block.complexity})"
        for name, _tree, text in _modules()
        for block in cc_visit(text)
        if cc_rank(block.complexity) >= "D"
    ]
    assert complex_ == []


def test_imports_are_at_the_top_of_modules() -> None:
    local = []
    for name, tree, _text in _modules():
        if name.startswith(LAZY_IMPORTS_ALLOWED):
            continue
        for f in _functions(tree):
            for node in ast.walk(f):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    module = getattr(node, "module", None) or node.names[0].name
                    if module.startswith("granskning"):
                        local.append(f"{name}:{node.lineno} {module}")
    assert local == []
