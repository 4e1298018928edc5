"""Names of people and municipalities, and the registry's rules about them: no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from granskning.domain import people


def test_names_compare_with_spaces_and_case_folded() -> None:
    assert people.name_key("  Sala   Kommun ") == "sala kommun"
    assert people.name_key("Straße") == "strasse"
    assert people.same_name("anna  BERG", "Anna Berg")
    assert not people.same_name("Anna Berg", "Anna Bergh")
    assert not people.same_name("", " ")  # nobody is nobody's namesake
    assert not people.same_name(None, "Anna Berg")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Enligt Anna Berg gick det bra", True),
        ("enligt anna\n  berg", True),  # any case, any spacing
        ("Annabella Bergström", False),  # whole words only
        ("Anna Bergs förslag", False),
        ("", False),
        (None, False),
    ],
)
def test_mentions_find_whole_names(text: str | None, found: bool) -> None:
    assert people.mentions(text, "Anna Berg") is found


def test_mentions_of_any_needle_skip_empty_ones() -> None:
    assert people.mentions_any("skriv till anna@example.se", ["Anna Berg", "anna@example.se"])
    assert not people.mentions_any("ingen här", ["", "Anna Berg"])
    assert not people.mentions("text", "   ")


def test_a_name_is_replaced_wherever_it_is_mentioned() -> None:
    text = "Anna Berg och ANNA  BERG, inte Annabella"
    assert (
        people.replace_name(text, "Anna Berg", "Person X")
        == "Person X och Person X, inte Annabella"
    )
    assert people.replace_name(text, " ", "Person X") == text


def test_the_pseudonym_comes_from_the_uid() -> None:
    assert people.pseudonym("0a1b2c3d4e5f") == "Person 0A1B2C3D"


def test_registry_rules() -> None:
    assert people.key_length_reasons("the name", "ß" * 100, 200) == []
    assert people.key_length_reasons("the name", "ß" * 101, 200) == [
        "the name is longer than 200 characters"
    ]
    assert people.municipality_taken_reasons("Sala", None) == []
    assert people.municipality_taken_reasons("Sala", 4) == [
        "municipality Sala already exists (id 4)"
    ]
    assert people.namesake_reasons("Gävle", "Cia Dahl", []) == []
    reasons = people.namesake_reasons("Gävle", "Cia Dahl", [3, 8])
    assert reasons[0].startswith("Gävle already has a person called Cia Dahl (person 3, 8)")
    assert people.forgotten_reasons(5, None) == []
    forgotten = people.forgotten_reasons(5, datetime(2026, 3, 2, tzinfo=UTC))
    assert forgotten == ["person 5 has been forgotten; their identity is not to be restored"]
