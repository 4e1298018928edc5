"""Errors a user can meet, each with the exit code cli.md gives it."""

from __future__ import annotations


class GranskningError(Exception):
    """Base of every error the library raises on purpose; the CLI prints it as one line."""

    exit_code = 2


class InputError(GranskningError):
    """Bad input: usage, an unknown id, an invalid file (exit 2)."""

    exit_code = 2


class NotFoundError(InputError):
    """An id or name that does not exist (exit 2)."""


class RuleError(GranskningError):
    """A rule blocked the action: a guard, a conflict (exit 1)."""

    exit_code = 1


class ConflictError(RuleError):
    """Someone else changed the record between read and write (exit 1)."""


class FrozenError(RuleError):
    """The review has been handed over and its content is frozen (exit 1)."""


class LoginError(InputError):
    """A login refused: a wrong address or password, or a disabled account (one message for
    all, so that a login form does not tell which addresses have accounts)."""


class ThrottledError(RuleError):
    """Too many failed logins for an address: refused for a while (HTTP 429)."""


def refuse(reasons: list[str], error: type[GranskningError] = RuleError) -> None:
    """Raise ``error`` naming every reason, one a line, if there are any: how a service
    refuses what a rule of :mod:`granskning.domain` found wrong."""
    if reasons:
        raise error("\n".join(reasons))
