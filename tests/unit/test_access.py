"""The access table: who may do what to a review (web.md, "Accounts and who may do what")."""

from __future__ import annotations

import pytest

from granskning.domain.access import RIGHTS, Do, Viewer, may, rights
from granskning.domain.enums import Role

# The contract's table, written out: role -> what it may do. Anything not listed is refused.
EXPECTED: dict[str, set[Do]] = {
    "lead": set(Do),
    "reviewer": {Do.see, Do.see_history, Do.see_notes, Do.see_report, Do.see_checklist,
                 Do.notes, Do.findings},
    "secretary": {Do.see, Do.see_history, Do.see_notes, Do.see_report, Do.see_checklist,
                  Do.notes, Do.findings},
    "timekeeper": {Do.see, Do.see_history, Do.see_notes, Do.see_report, Do.see_checklist,
                   Do.notes, Do.clock},
    "host_contact": {Do.see, Do.see_report, Do.see_checklist, Do.checklist},
}  # fmt: skip

VIEWER = Viewer(person_id=1)
COORDINATOR = Viewer(person_id=1, coordinator=True)


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("what", list(Do))
def test_each_role_may_do_exactly_what_the_table_says(role: str, what: Do) -> None:
    assert may(VIEWER, [role], what) == (what in EXPECTED[role])


@pytest.mark.parametrize("what", list(Do))
def test_a_coordinator_may_do_everything_even_off_the_team(what: Do) -> None:
    assert may(COORDINATOR, [], what)


@pytest.mark.parametrize("what", list(Do))
def test_someone_with_no_role_may_do_nothing(what: Do) -> None:
    assert not may(VIEWER, [], what)
    assert rights(VIEWER, []) == frozenset()


def test_the_host_contact_never_sees_notes_or_drafts_nor_writes_them() -> None:
    for what in (Do.see_notes, Do.findings, Do.notes, Do.see_history, Do.advance):
        assert not may(VIEWER, ["host_contact"], what)


def test_several_roles_add_up() -> None:
    both = rights(VIEWER, ["timekeeper", "host_contact"])
    assert both == EXPECTED["timekeeper"] | EXPECTED["host_contact"]


def test_every_role_has_a_row() -> None:
    assert set(RIGHTS) == set(Role)
