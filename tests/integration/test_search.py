"""Full-text search on both backends: Swedish words, prefixes, phrases, boolean queries and
filters; the index follows edits, removals and ``person forget`` in the same transaction;
a viewer sees only what their roles allow; a database from before the index gets one."""

from __future__ import annotations

from typing import Any

import pytest
from _world import World, populate, populated
from sqlmodel import select

from granskning.domain.access import Viewer
from granskning.domain.errors import InputError, NotFoundError
from granskning.services import privacy, search as lib, sessions
from granskning.storage import search as index
from granskning.storage.model import Interview, Note
from granskning.storage.store import SCHEMA_HEAD, Store

NOTES = (
    ("styr-1", "Barnkonsekvensanalyser görs inför varje beslut i nämnden."),
    ("styr-2", "Barnets bästa prövas sällan när budgeten läggs."),
    ("infl-1", "Återkoppling till barnen saknas; ungdomsrådet får inget svar."),
    ("infl-2", "Mötena hålls på kvällstid, och barn och unga tar del via skolan."),
)


def _add_notes(store: Store, world: World) -> list[int]:
    """The notes above in the world's first interview (written as a session would)."""
    return _written(store, world.interviews[0], NOTES)


def _written(store: Store, interview: int, notes: Any) -> list[int]:
    """Notes of ``(question, text)`` in ``interview``, oldest first; their ids."""
    ids = []
    with store.atomic() as s:
        for question, text in notes:
            note = Note(
                interview_id=interview, question_id=question, text=text, created_at=store.now()
            )
            s.add(note)
            s.flush()
            ids.append(note.id)
    return ids  # type: ignore[return-value]


@pytest.fixture
def world(store: Store) -> World:
    found = populated(store)
    _add_notes(store, found)
    return found


def _found(store: Store, query: str, **scope: Any) -> list[tuple[str, int | None]]:
    viewer = scope.pop("viewer", None)
    hits = lib.search(store, query, lib.Scope(**scope), viewer=viewer)
    return [(h["kind"], h["id"]) for h in hits]


def _note_texts(store: Store, query: str) -> list[str]:
    hits = lib.search(store, query, lib.Scope(kind="note"))
    with store.read() as s:
        return [s.get(Note, h["id"]).text for h in hits]  # type: ignore[union-attr]


def test_swedish_words_keep_å_ä_ö_as_letters(store: Store, world: World) -> None:
    assert _note_texts(store, "bästa") == [NOTES[1][1]]
    assert _note_texts(store, "ÅTERKOPPLING") == [NOTES[2][1]]
    # a, o are not å, ä, ö
    assert _note_texts(store, "basta") == []
    assert _note_texts(store, "aterkoppling") == []


def test_a_hit_says_where_it_belongs_with_a_marked_snippet(store: Store, world: World) -> None:
    [hit] = lib.search(store, "återkoppling")
    assert hit["kind"] == "note" and hit["review"] == world.review
    assert (hit["municipality"], hit["round"], hit["year"]) == ("Gävle", 1, 2026)
    assert (hit["group"], hit["question"], hit["block"]) == (
        "fortroendevalda",
        "infl-1",
        "inflytande",
    )
    assert lib.marked(hit["snippet"], "[", "]").startswith("[Återkoppling] till barnen")


def test_a_prefix_finds_the_words_it_begins(store: Store, world: World) -> None:
    assert _note_texts(store, "barnkonsekvens*") == [NOTES[0][1]]
    assert sorted(_note_texts(store, "ungdom*")) == [
        "Fri iakttagelse: ungdomsrådet deltog; rörelse i rummet ✓",
        NOTES[2][1],
    ]


def test_other_forms_of_a_word_are_found_on_postgresql_only(store: Store, world: World) -> None:
    # the README lists it: PostgreSQL stems Swedish words, SQLite matches whole words
    stemmed = [] if store.is_sqlite else [NOTES[0][1]]
    assert _note_texts(store, "barnkonsekvensanalysen") == stemmed
    assert _note_texts(store, "nämnder") == stemmed
    # Snowball takes the -s of "analys" for an ending: the singular needs its prefix
    assert _note_texts(store, "barnkonsekvensanalys") == []
    assert _note_texts(store, "barnkonsekvensanalys*") == [NOTES[0][1]]


def test_a_phrase_is_words_in_a_row(store: Store, world: World) -> None:
    assert _note_texts(store, '"barnets bästa"') == [NOTES[1][1]]
    assert _note_texts(store, '"bästa barnets"') == []
    assert _note_texts(store, '"röda tråden"') == ["Cia Dahl: den röda tråden går via budgeten."]


def test_and_or_not_and_parentheses(store: Store, world: World) -> None:
    assert _note_texts(store, "barnen AND svar") == [NOTES[2][1]]
    assert _note_texts(store, "barnen svar") == [NOTES[2][1]]
    assert sorted(_note_texts(store, "bästa OR återkoppling")) == sorted([NOTES[1][1], NOTES[2][1]])
    assert _note_texts(store, "budgeten NOT bästa") == [
        "Cia Dahl: den röda tråden går via budgeten."
    ]
    assert sorted(_note_texts(store, "(bästa OR tråden) AND budgeten")) == sorted(
        [NOTES[1][1], "Cia Dahl: den röda tråden går via budgeten."]
    )
    # operators in lower case are words
    assert _note_texts(store, "barn and unga") == []


def test_every_kind_is_searched_and_filtered(store: Store, world: World) -> None:
    kinds = {k for k, _id in _found(store, "barnbokslut")}
    assert kinds == {"note", "recommendation", "item"}
    assert {k for k, _id in _found(store, "dahl")} == {"note", "finding", "item", "text"}
    assert {k for k, _id in _found(store, "dahl", kind="text")} == {"text"}
    [text] = lib.search(store, "dahl", lib.Scope(kind="text"))
    assert (text["section"], text["id"]) == ("reflections", None)


def test_filters_by_round_municipality_group_and_block(store: Store, world: World) -> None:
    everything = _found(store, "barnbokslut")
    assert _found(store, "barnbokslut", round_id=1) == everything
    assert _found(store, "barnbokslut", municipality="gävle") == everything
    assert _found(store, "barnbokslut", municipality="Uppsala") == []
    assert _found(store, "barnbokslut", group="fortroendevalda") == [("note", 1)]
    assert _found(store, "barnbokslut", group="medarbetare") == []
    # notes by their question's block; findings, recommendations and items by their own
    by_block = lib.search(store, "återkoppling OR barnbokslut", lib.Scope(block="inflytande"))
    assert [(h["kind"], h["question"]) for h in by_block] == [("note", "infl-1")]
    styr = lib.search(store, "dahl OR barnbokslut", lib.Scope(block="styrprocesser"))
    assert {(h["kind"], h["block"]) for h in styr} == {
        ("note", "styrprocesser"),
        ("finding", "styrprocesser"),
        ("item", "styrprocesser"),
    }


def test_unknown_round_or_municipality_is_named(store: Store, world: World) -> None:
    with pytest.raises(NotFoundError, match="round 9 does not exist"):
        lib.search(store, "barn", lib.Scope(round_id=9))
    with pytest.raises(NotFoundError, match="municipality Ystad does not exist"):
        lib.search(store, "barn", lib.Scope(municipality="Ystad"))


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('"barnets bästa', "a quotation mark is not closed"),
        ("(barn OR unga", "a parenthesis is not closed"),
        ("barn)", "an unmatched closing parenthesis"),
        ("barn AND", "without a search term after it"),
        ("OR barn", "OR needs a search term before it"),
        ("NOT barn", "NOT needs a search term before it"),
        ("- & !", "no words to search for"),
        ("", "no words to search for"),
    ],
)
def test_a_query_that_cannot_be_read_is_one_clear_line(
    store: Store, world: World, query: str, reason: str
) -> None:
    with pytest.raises(InputError) as caught:
        lib.search(store, query)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_what_a_user_types_cannot_break_the_sql(store: Store, world: World) -> None:
    for query in ("'; DROP TABLE note; --", 'barn" OR "1', "x:* | y", "NEAR(a b)", "text:barn"):
        lib.search(store, query)  # no error: punctuation separates words
    assert _note_texts(store, "bästa'") == [NOTES[1][1]]


@pytest.mark.slow  # the world before the handover is made once per run
def test_an_edited_note_is_found_by_its_new_text_only(store: Store) -> None:
    world = populated(store, "visiting")
    [first, *_rest] = _add_notes(store, world)
    assert _note_texts(store, "nämnden") == [NOTES[0][1]]
    sessions.edit_note(store, first, "Barnkonsekvensanalyser görs i kommunstyrelsen.")
    assert _note_texts(store, "nämnden") == []
    assert _note_texts(store, "kommunstyrelsen") == [
        "Barnkonsekvensanalyser görs i kommunstyrelsen."
    ]


@pytest.mark.slow  # the world before the handover is made once per run
def test_a_removed_note_is_gone_from_the_index(store: Store) -> None:
    world = populated(store, "visiting")
    ids = _add_notes(store, world)
    sessions.remove_note(store, ids[1], "fel intervju")
    assert _note_texts(store, "bästa") == []
    assert lib.index_size(store)["rows"]["note"] == 4 + len(NOTES) - 1
    # and a rebuilt index still leaves it out
    lib.reindex(store)
    assert _note_texts(store, "bästa") == []
    assert _note_texts(store, "återkoppling") == [NOTES[2][1]]


def test_a_forgotten_persons_name_finds_nothing(store: Store, world: World) -> None:
    assert len(_found(store, "dahl")) == 4
    privacy.forget(store, world.politician)
    assert _found(store, "dahl") == []
    assert _found(store, '"cia dahl"') == []
    # the texts are still found by their other words
    assert _note_texts(store, "tråden") != []


def test_a_viewer_sees_only_what_their_roles_allow(store: Store, world: World) -> None:
    everything = _found(store, "barnbokslut OR dahl")
    assert _found(store, "barnbokslut OR dahl", viewer=Viewer(world.lead)) == everything
    assert _found(store, "barnbokslut OR dahl", viewer=Viewer(999, coordinator=True)) == everything
    # the host contact: the handed-over material of their review, never a note
    host = _found(store, "barnbokslut OR dahl", viewer=Viewer(world.contact))
    assert host and {k for k, _id in host} == {"recommendation", "item", "finding", "text"}
    assert [h for h in everything if h[0] != "note"] == host
    # someone on no team (the politician interviewed) sees nothing
    assert _found(store, "barnbokslut OR dahl", viewer=Viewer(world.politician)) == []


@pytest.mark.slow  # the world before the handover is made once per run
def test_a_host_contact_sees_nothing_before_the_handover(store: Store) -> None:
    world = populated(store, "visiting")
    _add_notes(store, world)
    assert _found(store, "bästa") != []
    assert _found(store, "bästa OR dahl", viewer=Viewer(world.contact)) == []
    assert _found(store, "bästa", viewer=Viewer(world.secretary)) != []


def test_the_command_line(store: Store, world: World, cli: Any) -> None:
    hits = cli.json("search", "barnets bästa", "--kind", "note")
    assert len(hits) == 1 and hits[0]["snippet"].startswith("[Barnets] [bästa] prövas sällan")
    plain = cli.ok("search", "återkoppling")
    assert "note" in plain.stdout and "Gävle" in plain.stdout
    assert "[Återkoppling] till barnen" in plain.stdout
    bad = cli("search", '"barnets')
    assert bad.exit_code == 2
    assert bad.stderr.strip().splitlines() == [
        "error: cannot read the search query: a quotation mark is not closed"
    ]
    assert cli("search").exit_code == 2
    rebuilt = cli.json("search", "--reindex")
    assert rebuilt["reindexed"]["note"] == 4 + len(NOTES)


def _copy_into_older(source: Store, target: Store) -> None:
    """Every row of ``source`` (at head) into ``target`` (an older schema), in the columns
    the older tables have: later migrations add columns the models already write."""
    from sqlalchemy import MetaData

    older = MetaData()
    older.reflect(target.engine)
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in older.sorted_tables:
            if table.name == "alembic_version" or table.name.startswith("search_"):
                continue
            names = [c.name for c in table.columns]
            rows = [
                {k: r._mapping[k] for k in names}
                for r in src.execute(select(*[source_column(source, table.name, n) for n in names]))
            ]
            if rows:
                dst.execute(table.insert(), rows)


def source_column(store: Store, table: str, name: str) -> Any:
    from granskning.storage.store import metadata

    return metadata().tables[table].c[name]


@pytest.mark.slow
def test_a_database_from_before_the_index_gets_one_on_upgrade(empty_db: Any) -> None:
    head = Store(empty_db("search_world"))
    world = populate(head)
    _add_notes(head, world)
    url = empty_db("before_search")
    old = Store(url, migrate=False)
    old.upgrade("0008")
    _copy_into_older(head, old)
    head.dispose()
    with old.read() as s:
        assert s.exec(select(Interview)).first() is not None
    old.dispose()
    store = Store(url)
    assert store.schema_revision() == SCHEMA_HEAD
    assert _note_texts(store, "återkoppling") == [NOTES[2][1]]
    assert {k for k, _id in _found(store, "dahl")} == {"note", "finding", "item", "text"}
    store.dispose()


def _add(store: Store, interview: int, *texts: str) -> list[int]:
    """Notes with ``texts`` in ``interview``, oldest first; their ids."""
    return _written(store, interview, [("styr-1", text) for text in texts])


def _ranked(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    for backend in index.RANKED:
        monkeypatch.setitem(index.RANKED, backend, n)


def test_only_the_newest_matches_are_ranked(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    best, *newer = _add(
        store,
        world.interviews[1],
        "Bästa, bästa, det bästa av det bästa.",
        "Barnets bästa, gång 1.",
        "Barnets bästa, gång 2.",
    )
    # every match ranked: the note with the word four times first
    assert _found(store, "bästa", kind="note")[0] == ("note", best)
    _ranked(monkeypatch, 2)
    # the newest two ranked, the older best one left out; ``limit`` above the cap ranks as
    # many as it shows
    capped = lib.search(store, "bästa", lib.Scope(kind="note"), limit=2)
    assert sorted(h["id"] for h in capped) == newer
    assert _found(store, "bästa", kind="note")[0] == ("note", best)


def test_the_newest_matches_are_found_past_notes_that_do_not_match(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    older, newer = _add(store, world.interviews[1], "Elevrådet 1.", "Elevrådet 2.")
    _add(store, world.interviews[1], *(f"Inget här, {n}." for n in range(3)))
    _add(store, world.interviews[1], "Elevrådet 3.")
    # PostgreSQL walks back from the newest note: two notes first, then further back
    monkeypatch.setattr(index, "SAMPLE", 1)
    _ranked(monkeypatch, 3)
    hits = lib.search(store, "elevrådet", lib.Scope(kind="note"), limit=3)
    assert len(hits) == 3 and {older, newer} < {h["id"] for h in hits}
    # a match too rare for the walk is found by the index
    monkeypatch.setattr(index, "PAGE_COST", 0)
    assert len(lib.search(store, "elevrådet", lib.Scope(kind="note"), limit=3)) == 3


def test_the_filters_choose_the_newest_matches_that_pass_them(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(store, world.interviews[1], *(f"Barnets bästa, gång {n}." for n in range(3)))
    _ranked(monkeypatch, 2)
    # the older note is found though the newest matches are all filtered out
    only = lib.search(store, "bästa", lib.Scope(group="fortroendevalda"), limit=2)
    assert [h["question"] for h in only] == ["styr-2"]
