"""Question templates: the format, the line-numbered problems, folders and versions, pinning."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings, strategies as st

from granskning.domain import templates
from granskning.domain.templates import Template, TemplateError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "question_templates"
BROKEN = Path(__file__).resolve().parents[1] / "broken_templates"
GROUPS = ["fortroendevalda", "ledande", "medarbetare", "barn-och-unga"]

MINI = """\
id: egen-mall
version: "1.0"
title: Egen mall
session_minutes: 60
groups:
  - id: ledande
    label: {sv: Ledande tjänstepersoner, en: Senior managers}
blocks:
  - id: styrning
    title: Styrning
    minutes: 30
    articles: [3, 12]
    questions:
      - id: q1
        text: Hur styrs arbetet med barnets rättigheter?
        groups: [ledande]
"""


@pytest.fixture(autouse=True)
def _template_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test sees the real user's templates: the config folder is a fresh one."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv(templates.ENV_VAR, raising=False)
    return config


def run(*args: Any) -> Result:
    """``granskning ARGS`` in-process, without a database."""
    from granskning.cli import cli
    from granskning.cli._base import App

    return CliRunner().invoke(cli, [str(a) for a in args], obj=App(), catch_exceptions=False)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def with_version(text: str, version: str) -> str:
    return text.replace('version: "1.0"', f'version: "{version}"')


# -- the shipped templates ----------------------------------------------------------------


def test_shipped_templates_are_found() -> None:
    found = {s.template.id: s for s in templates.available()}
    assert set(found) == {"kollegial-granskning-2013", "barnrattslagen-2020"}
    for src in found.values():
        assert src.origin == "shipped"
        assert src.path.parent == templates.folders()[0][0]
        assert src.sha256 == hashlib.sha256(src.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_template_is_sound(path: Path) -> None:
    src = templates.load(path)
    t = src.template
    assert t.id == path.stem
    assert t.language == "sv"
    assert [g.id for g in t.groups] == GROUPS
    assert src.text.startswith("# ") and "Källor" in src.text.split("\nid:")[0]
    assert t.session_minutes is not None
    for g in t.groups:
        # a 60-90 minute session per group, within the stated session length
        assert 60 <= t.minutes_for(g.id) <= t.session_minutes <= 90, g.id
        assert t.questions_for(g.id)
        assert g.name("sv") and g.name("en") and g.name("sv") != g.name("en")
    for _block, q in ((b, q) for b in t.blocks for q in b.questions):
        assert (q.scale is not None) == (q.kind == "rating")
        if q.scale:
            assert [s.value for s in q.scale] == [1, 2, 3, 4]


def test_kollegial_granskning_2013_follows_the_2013_blocks() -> None:
    t = templates.find("kollegial-granskning-2013").template
    assert [b.title for b in t.blocks] == ["Styrprocesser", "Inflytande och delaktighet", "Framtid"]
    framtid = t.block("framtid")
    assert [(q.id, q.kind) for q in framtid.questions] == [
        ("framtid-1", "completion"),
        ("framtid-2", "completion"),
    ]
    assert {g.id for g in t.groups} == set(GROUPS)


def test_barnrattslagen_2020_covers_the_law() -> None:
    t = templates.find("barnrattslagen-2020").template
    articles = {b.id: b.articles for b in t.blocks}
    assert 3 in articles["barnets-basta"]
    assert 12 in articles["delaktighet"]
    assert 2 in articles["icke-diskriminering"]
    assert {"styrning", "kunskap", "uppfoljning"} <= set(articles)
    ratings = [q for q in t.block("uppfoljning").questions if q.kind == "rating"]
    assert len(ratings) >= 3
    assert any("barn-och-unga" in q.groups for q in ratings)


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_template_validates_against_the_schema(path: Path) -> None:
    import jsonschema
    from ruamel.yaml import YAML

    schema = templates.schema()
    jsonschema.Draft7Validator.check_schema(schema)
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(data)


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_template_renders(path: Path) -> None:
    t = templates.load(path).template
    sv = run("--lang", "sv", "template", "show", t.id)
    assert sv.exit_code == 0, sv.stderr
    assert "Grupper" in sv.stdout and "Block 1" in sv.stdout and "Följdfrågor" in sv.stdout
    for block in t.blocks:
        assert block.title in sv.stdout
        for q in block.questions:
            assert q.id in sv.stdout
    en = run("--lang", "en", "template", "show", t.id)
    assert en.exit_code == 0 and "Groups" in en.stdout and "Senior managers" in en.stdout


def test_show_json_mirrors_the_yaml() -> None:
    import jsonschema
    from ruamel.yaml import YAML

    result = run("template", "show", "kollegial-granskning-2013", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    src = templates.find("kollegial-granskning-2013")
    assert data["sha256"] == src.sha256 and data["origin"] == "shipped"
    assert data["path"] == str(src.path)
    yaml_data = YAML(typ="safe", pure=True).load(src.text)
    for key in ("id", "version", "title", "session_minutes"):
        assert data[key] == yaml_data[key]
    assert [g["id"] for g in data["groups"]] == [g["id"] for g in yaml_data["groups"]]
    assert data["groups"][0]["label"] == yaml_data["groups"][0]["label"]
    for block, raw in zip(data["blocks"], yaml_data["blocks"], strict=True):
        assert block["id"] == raw["id"] and block["minutes"] == raw["minutes"]
        for q, raw_q in zip(block["questions"], raw["questions"], strict=True):
            assert {k: q[k] for k in ("id", "text", "kind", "groups")} == {
                k: raw_q[k] for k in ("id", "text", "kind", "groups")
            }
    # without the three added keys it is a valid template again
    for key in ("sha256", "origin", "path"):
        del data[key]
    jsonschema.Draft7Validator(templates.schema()).validate(data)


def test_list_shows_where_templates_come_from() -> None:
    rows = json.loads(run("template", "list", "--json").stdout)
    assert [r["id"] for r in rows] == ["barnrattslagen-2020", "kollegial-granskning-2013"]
    assert all(r["origin"] == "shipped" and Path(r["path"]).is_file() for r in rows)
    text = run("--lang", "sv", "template", "list")
    assert text.exit_code == 0
    assert "inbyggd" in text.stdout and "kollegial-granskning-2013.yaml" in text.stdout


# -- the schema ---------------------------------------------------------------------------


def test_schema_catches_what_editors_should_flag() -> None:
    import jsonschema

    validator = jsonschema.Draft7Validator(templates.schema())
    good = templates.parse(MINI).model_dump(mode="json")
    assert not list(validator.iter_errors(good))
    typo = json.loads(json.dumps(good))
    typo["blocks"][0]["questions"][0]["folowups"] = []
    assert list(validator.iter_errors(typo))
    rating = json.loads(json.dumps(good))
    rating["blocks"][0]["questions"][0]["kind"] = "rating"
    rating["blocks"][0]["questions"][0]["scale"] = None
    assert list(validator.iter_errors(rating))


def test_schema_command_prints_translated_help() -> None:
    sv = json.loads(run("--lang", "sv", "template", "schema").stdout)
    en = json.loads(run("--lang", "en", "template", "schema").stdout)
    assert sv["$schema"].startswith("http://json-schema.org/draft-07")
    assert en["properties"]["session_minutes"]["description"].startswith("Length of")
    assert (
        sv["properties"]["session_minutes"]["description"]
        != (en["properties"]["session_minutes"]["description"])
    )
    # pydantic's own titles are dropped, property names stay
    assert "title" in en["properties"] and "title" not in en["properties"]["id"]


# -- broken templates: every problem, with its line ----------------------------------------

# file -> the exact problems reported, as "LINE: message"
ALLOWED = (
    "(allowed here: id, version, title, language, description, session_minutes, groups, blocks)"
)
BROKEN_CASES: dict[str, list[str]] = {
    "alias-bomb.yaml": [
        "1: anchors (&a) and aliases (*a) are not allowed in a template; write the value out",
        "1: required key 'id' is missing",
        "1: required key 'version' is missing",
        "1: required key 'title' is missing",
        "1: required key 'groups' is missing",
        "1: required key 'blocks' is missing",
        f"1: unknown key 'a' {ALLOWED}",
        "2: anchors (&b) and aliases (*b) are not allowed in a template; write the value out",
        f"2: unknown key 'b' {ALLOWED}",
        "3: anchors (&c) and aliases (*c) are not allowed in a template; write the value out",
        f"3: unknown key 'c' {ALLOWED}",
        "4: anchors (&d) and aliases (*d) are not allowed in a template; write the value out",
        "4: unknown key 'd' (did you mean 'id'?)",
        "5: anchors (&e) and aliases (*e) are not allowed in a template; write the value out",
        f"5: unknown key 'e' {ALLOWED}",
        "6: anchors (&f) and aliases (*f) are not allowed in a template; write the value out",
        f"6: unknown key 'f' {ALLOWED}",
        "7: anchors (&g) and aliases (*g) are not allowed in a template; write the value out",
        f"7: unknown key 'g' {ALLOWED}",
    ],
    "article-out-of-range.yaml": [
        "12: article 55 does not exist: the Convention has articles 1-54"
    ],
    "bad-id.yaml": [
        "9: 'Styrning och ledning' cannot be an id: use lowercase letters a-z, digits, '-' and '_'"
    ],
    "blank-text.yaml": ["15: 'text' is empty"],
    "bom.yaml": ["1: the file starts with a byte order mark (BOM); save it as UTF-8 without BOM"],
    "date-title.yaml": ["10: 'title' must be text, not the date 2013-05-01; put it in quotes"],
    "duplicate-block-id.yaml": ["17: duplicate block id 'styrning' (first on line 9)"],
    "duplicate-group-id.yaml": ["8: duplicate group id 'ledande' (first on line 6)"],
    "duplicate-key.yaml": ["12: key 'minutes' appears twice in this mapping (first on line 11)"],
    "duplicate-question-id.yaml": ["17: duplicate question id 'q1' (first on line 14)"],
    "empty-text.yaml": ["15: 'text' is empty"],
    "empty.yaml": ["1: the file is empty"],
    "language-de.yaml": ["4: 'language' must be one of sv, en, not the text 'de'"],
    "latin1.yaml": ["7: not UTF-8 text (byte 0xe4); save the file as UTF-8"],
    "list-at-top.yaml": [
        "1: a template is a mapping of keys (id, version, title, groups, blocks), not a list"
    ],
    "list-for-map.yaml": ["7: 'label' must be a mapping (key: value lines), not a list"],
    "many-problems.yaml": [
        "4: the blocks for group 'ledande' take 30 minutes, more than session_minutes (20)",
        "10: 'title' is empty",
        "13: rating question 'q1' needs a 'scale' with the steps 1-4",
        "15: group 'politiker' is not defined in 'groups' (defined: ledande)",
        "17: duplicate question id 'q1' (first on line 13)",
        "20: unknown key 'folowups' (did you mean 'followups'?)",
    ],
    "map-for-list.yaml": ["16: 'groups' must be a list (lines starting with '- '), not a mapping"],
    "merge-key.yaml": [
        "9: required key 'minutes' is missing",
        "11: merge keys (<<) are not allowed",
    ],
    "minutes-not-number.yaml": ["11: 'minutes' must be a whole number, not the text 'trettio'"],
    "minutes-quoted.yaml": ["11: 'minutes' must be a whole number, not the text '30'"],
    "minutes-zero.yaml": ["11: 'minutes' must be more than 0, not 0"],
    "missing-id.yaml": ["9: required key 'id' is missing"],
    "missing-label-en.yaml": ["7: required key 'en' is missing"],
    "no-blocks.yaml": ["8: 'blocks' is empty; it needs at least one item"],
    "no-questions.yaml": ["9: required key 'questions' is missing"],
    "nul-char.yaml": ["3: character U+0000 is not allowed in YAML"],
    "null-text.yaml": ["15: 'text' has no value; it needs text"],
    "only-comments.yaml": ["1: the file is empty: it holds only comments or blank lines"],
    "over-budget.yaml": [
        "4: the blocks for group 'ledande' take 75 minutes, more than session_minutes (60)"
    ],
    "python-tag.yaml": [
        "3: YAML tags such as !!python/object/apply:os.system are not allowed in a template"
    ],
    "rating-bad-scale.yaml": [
        "18: the scale needs each of the steps 1, 2, 3 and 4 once (found 1, 2, 2, 4)"
    ],
    "rating-step-five.yaml": ["22: scale step 5 is outside 1-4"],
    "rating-without-scale.yaml": ["14: rating question 'q1' needs a 'scale' with the steps 1-4"],
    "scale-on-open.yaml": ["17: only rating questions have a 'scale' ('q1' is open)"],
    "syntax-bad-indent.yaml": [
        "11: YAML syntax error: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block collection, line 9)"
    ],
    "syntax-unclosed-bracket.yaml": [
        "16: YAML syntax error: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence, line 16)"
    ],
    "tab-indent.yaml": ["15: tab in the indentation; indent with spaces"],
    "text-for-list.yaml": [
        "16: 'groups' must be a list (lines starting with '- '), not the text 'ledande'"
    ],
    "two-documents.yaml": [
        "17: a template is one YAML document; remove the second '---' and what follows"
    ],
    "unknown-group.yaml": ["16: group 'politiker' is not defined in 'groups' (defined: ledande)"],
    "unknown-key-question.yaml": ["17: unknown key 'folowups' (did you mean 'followups'?)"],
    "unknown-key-top.yaml": [
        "1: required key 'title' is missing",
        "3: unknown key 'titel' (did you mean 'title'?)",
    ],
    "unknown-kind.yaml": [
        "17: 'kind' must be one of open, completion, rating, not the text 'fritext'"
    ],
    "unused-group.yaml": ["8: no question is asked of group 'medarbetare'"],
    "version-bad.yaml": ['2: version \'v1\' is not a version number such as "1.0" or "2.1.3"'],
    "version-number.yaml": ["2: 'version' must be text, not the number 1.0; put it in quotes"],
}


def test_every_broken_template_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(BROKEN_CASES)
    assert len(BROKEN_CASES) >= 25


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_template_problems(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(TemplateError) as caught:
        templates.load(path)
    assert caught.value.problems == [f"{path}:{line}" for line in BROKEN_CASES[name]]
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_template_cli_exit_2(name: str) -> None:
    path = BROKEN / name
    result = run("template", "validate", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{path}:{line}" for line in BROKEN_CASES[name]]
    assert "Traceback" not in result.output and result.stdout == ""


def test_huge_file_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(MINI.encode() + b"# " + b"x" * templates.MAX_BYTES + b"\n")
    size = path.stat().st_size
    with pytest.raises(TemplateError) as caught:
        templates.load(path)
    assert caught.value.problems == [f"{path}:1: the file is larger than 1 MB ({size} bytes)"]
    with pytest.raises(TemplateError):
        templates.parse_bytes(path.read_bytes(), "huge.yaml")
    result = run("template", "validate", path)
    assert result.exit_code == 2 and "larger than 1 MB" in result.stderr


@pytest.mark.slow
def test_validate_a_whole_folder_in_a_real_process() -> None:
    """One process over the corpus: exit 2, every file reported, no traceback."""
    env = {**os.environ, "GRANSKNING_LANG": "en"}
    env.pop("GRANSKNING_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "granskning", "template", "validate", str(BROKEN), str(SHIPPED)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    reported = {line.split(":", 1)[0] for line in proc.stderr.splitlines()}
    assert reported == {str(BROKEN / name) for name in BROKEN_CASES}
    assert proc.stdout.count("valid (") == 2  # the shipped ones


def test_validate_reports_valid_files_and_missing_paths(tmp_path: Path) -> None:
    good = write(tmp_path, "egen.yaml", MINI)
    ok = run("template", "validate", good)
    assert ok.exit_code == 0 and "valid (egen-mall version 1.0)" in ok.stdout
    missing = run("template", "validate", good, tmp_path / "nej.yaml")
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"{tmp_path / 'nej.yaml'}: no such file or folder"
    empty = tmp_path / "tom"
    empty.mkdir()
    assert run("template", "validate", empty).exit_code == 2
    assert run("template", "validate").exit_code == 2  # a path is required


def test_problems_are_translated() -> None:
    from granskning.domain.i18n import set_language

    set_language("sv")
    with pytest.raises(TemplateError) as caught:
        templates.load(BROKEN / "unknown-key-question.yaml")
    assert "okänd nyckel 'folowups'" in caught.value.problems[0]


# -- the loader never fails in any other way ----------------------------------------------

_PROBLEM = re.compile(r"^fuzz\.yaml:\d+: \S")


def _parse_or_clean_error(data: str | bytes) -> None:
    try:
        if isinstance(data, bytes):
            result, _text = templates.parse_bytes(data, "fuzz.yaml")
        else:
            result = templates.parse(data, "fuzz.yaml")
    except TemplateError as exc:
        assert exc.problems
        for line in exc.problems:
            assert _PROBLEM.match(line), line
            assert len(line.splitlines()) == 1
        return
    assert isinstance(result, Template)


_fuzz = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_fuzz
@given(st.text(max_size=400))
def test_loader_on_any_text(text: str) -> None:
    _parse_or_clean_error(text)


@_fuzz
@given(st.binary(max_size=400))
def test_loader_on_any_bytes(data: bytes) -> None:
    _parse_or_clean_error(data)


_YAML_BITS = st.sampled_from(
    list(":-[]{},&*!|>?#'\"\n\t %@`~")
    + ["\n  ", ": ", "- ", "---\n", "&a ", "*a", "!!str ", "\ufeff"]
)


@pytest.mark.slow
@_fuzz
@given(st.data())
def test_loader_on_damaged_templates(data: st.DataObject) -> None:
    text = (SHIPPED / "kollegial-granskning-2013.yaml").read_text(encoding="utf-8")
    for _round in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 30))
        insert = "".join(data.draw(st.lists(_YAML_BITS | st.text(max_size=3), max_size=4)))
        text = text[:at] + insert + text[at + cut :]
    _parse_or_clean_error(text)


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_keys = st.sampled_from(
    [
        "id",
        "version",
        "title",
        "groups",
        "blocks",
        "questions",
        "text",
        "kind",
        "scale",
        "minutes",
        "articles",
        "label",
        "sv",
        "en",
        "value",
        "followups",
        "session_minutes",
    ]
) | st.text(max_size=8)
_structures = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=30,
)


@pytest.mark.slow
@_fuzz
@given(st.dictionaries(_keys, _structures, max_size=8))
def test_loader_on_any_yaml_structure(data: dict[str, Any]) -> None:
    import io

    from ruamel.yaml import YAML

    buf = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.dump(data, buf)
    _parse_or_clean_error(buf.getvalue())


# -- folders and versions -----------------------------------------------------------------


def test_user_template_from_env_and_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _template_folders: Path
) -> None:
    config_folder = _template_folders / "granskning" / "question_templates"
    assert templates.user_folder() == config_folder
    write(config_folder, "egen.yaml", MINI)
    one = write(tmp_path / "a", "annan.yaml", MINI.replace("egen-mall", "annan-mall"))
    two = write(tmp_path / "b", "tredje.yaml", MINI.replace("egen-mall", "tredje-mall"))
    monkeypatch.setenv(templates.ENV_VAR, os.pathsep.join([str(one.parent), "", str(two)]))
    found = {s.template.id: s for s in templates.available()}
    assert found["egen-mall"].origin == "user"
    assert found["annan-mall"].origin == "env" and found["annan-mall"].path == one
    assert found["tredje-mall"].path == two  # a file works too
    assert templates.find("tredje").template.id == "tredje-mall"  # by file name
    rows = json.loads(run("template", "list", "--json").stdout)
    assert {r["id"]: r["origin"] for r in rows}["egen-mall"] == "user"


def test_higher_version_wins_by_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write(tmp_path / "a", "egen.yaml", with_version(MINI, "1.9"))
    b = write(tmp_path / "b", "egen.yaml", with_version(MINI, "1.10"))
    c = write(tmp_path / "c", "egen.yaml", with_version(MINI, "1.2.0"))
    monkeypatch.setenv(templates.ENV_VAR, os.pathsep.join(str(p.parent) for p in (a, b, c)))
    src = templates.find("egen-mall")
    assert src.template.version == "1.10" and src.path == b
    rows = json.loads(run("template", "list", "--json").stdout)
    row = next(r for r in rows if r["id"] == "egen-mall")
    assert sorted(s["version"] for s in row["shadowed"]) == ["1.2.0", "1.9"]
    text = run("template", "list")
    assert text.exit_code == 0 and "replaces version 1.9" in text.stdout


@pytest.mark.slow
def test_user_template_replaces_a_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = SHIPPED / "kollegial-granskning-2013.yaml"
    newer = with_version(shipped.read_text(encoding="utf-8"), "1.1").replace(
        "Hur säkrar kommunens styrdokument", "Hur tryggar kommunens styrdokument"
    )
    path = write(tmp_path / "mine", "kg.yaml", newer)
    monkeypatch.setenv(templates.ENV_VAR, str(path.parent))
    src = templates.find("kollegial-granskning-2013")
    assert src.path == path and src.template.version == "1.1"
    # an older or equal copy never replaces the shipped one
    write(tmp_path / "old", "kg.yaml", newer.replace('version: "1.1"', 'version: "0.9"'))
    write(tmp_path / "same", "kg.yaml", shipped.read_text(encoding="utf-8"))
    monkeypatch.setenv(
        templates.ENV_VAR, os.pathsep.join([str(tmp_path / "old"), str(tmp_path / "same")])
    )
    src = templates.find("kollegial-granskning-2013")
    assert src.origin == "shipped"  # the identical copy is no conflict
    assert run("template", "list").exit_code == 0


@pytest.mark.slow
def test_same_version_different_content_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = write(tmp_path / "a", "egen.yaml", MINI)
    b = write(tmp_path / "b", "egen.yaml", MINI.replace("Hur styrs", "Hur leds"))
    monkeypatch.setenv(templates.ENV_VAR, os.pathsep.join([str(a.parent), str(b.parent)]))
    expected = (
        f"{b}:2: template egen-mall version 1.0 is also in {a} with different content; "
        "give one of them a higher version"
    )
    with pytest.raises(TemplateError) as caught:
        templates.find("egen-mall")
    assert caught.value.problems == [expected]
    # the others still work, and list says what is wrong
    assert templates.find("barnrattslagen-2020").origin == "shipped"
    result = run("template", "list", "--json")
    assert result.exit_code == 2
    assert result.stderr.strip() == expected
    assert "egen-mall" not in {r["id"] for r in json.loads(result.stdout)}
    # "1" and "1.0" are the same version
    write(tmp_path / "b", "egen.yaml", with_version(MINI.replace("Hur styrs", "Hur leds"), "1"))
    with pytest.raises(TemplateError):
        templates.find("egen-mall")


def test_a_broken_user_file_is_reported_but_does_not_hide_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mallar"
    bad = write(folder, "trasig.yaml", MINI.replace("minutes: 30", "minutes: trettio"))
    write(folder, "egen.yaml", MINI)
    monkeypatch.setenv(templates.ENV_VAR, str(folder) + os.pathsep + str(tmp_path / "finns-inte"))
    assert templates.find("egen-mall").path.parent == folder
    with pytest.raises(TemplateError) as caught:
        templates.find("trasig")
    assert caught.value.problems == [
        f"{bad}:11: 'minutes' must be a whole number, not the text 'trettio'"
    ]
    result = run("template", "list")
    assert result.exit_code == 2
    assert f"{bad}:11:" in result.stderr
    assert f"{tmp_path / 'finns-inte'}: no such folder" in result.stderr
    assert "egen-mall" in result.stdout


def test_find_by_path_and_unknown_names(tmp_path: Path) -> None:
    path = write(tmp_path, "min.yaml", MINI)
    src = templates.find(str(path))
    assert src.origin == "file" and src.template.id == "egen-mall"
    result = run("template", "show", "finns-inte")
    assert result.exit_code == 2
    assert "template finns-inte does not exist (available: barnrattslagen-2020" in result.stderr
    assert "Traceback" not in result.output


def test_version_key() -> None:
    assert templates.version_key("1.10") > templates.version_key("1.9")
    assert templates.version_key("2") > templates.version_key("1.99.99")
    assert templates.version_key("1.0") == templates.version_key("1") == (1,)


def test_template_lookups() -> None:
    t = templates.find("kollegial-granskning-2013").template
    block, q = t.question("framtid-2")
    assert block.id == "framtid" and q.kind == "completion"
    assert [q.id for _b, q in t.questions_for("barn-och-unga")][:1] == ["styr-6"]
    assert t.group("ledande").name("en") == "Senior managers"
    for bad in (lambda: t.block("x"), lambda: t.group("x"), lambda: t.question("x")):
        with pytest.raises(templates.InputError):
            bad()


def test_template_help_has_examples() -> None:
    for args in (["template"], *(["template", c] for c in ("list", "show", "validate", "schema"))):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Example:" in result.stdout, args


# -- pinning ------------------------------------------------------------------------------


@pytest.fixture
def hosts(store: Any) -> None:
    from granskning.services import registry

    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, name)


def _questions(t: Template) -> list[tuple[str, str, str]]:
    return [(b.id, q.id, q.text) for b in t.blocks for q in b.questions]


@pytest.mark.slow
def test_a_pinned_review_never_changes(
    store: Any, cli: Any, hosts: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from granskning.services import reviews

    path = write(tmp_path / "mallar", "egen.yaml", MINI)
    monkeypatch.setenv(templates.ENV_VAR, str(path.parent))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    review = reviews.create_review(store, host="Gävle", reviewing=["Uppsala"], template="egen-mall")
    before = cli.json("review", "show", review.id)
    assert before["template"] == {
        "id": "egen-mall",
        "version": "1.0",
        "sha256": sha,
        "title": "Egen mall",
    }
    questions = _questions(templates.parse(MINI))

    def pinned() -> Template:
        with store.read() as s:
            return reviews.pinned_template(reviews.get_review(s, review.id))

    # edit the file in place, same version: the review keeps what it pinned
    path.write_text(MINI.replace("Hur styrs arbetet", "Hur leds arbetet"), encoding="utf-8")
    assert templates.find("egen-mall").sha256 != sha
    assert cli.json("review", "show", review.id)["template"] == before["template"]
    assert _questions(pinned()) == questions
    # a new review pins the new text
    later = reviews.create_review(store, host="Gävle", reviewing=["Örebro"], template="egen-mall")
    assert cli.json("review", "show", later.id)["template"]["sha256"] != sha
    # delete the file: nothing changes for either review
    path.unlink()
    with pytest.raises(templates.NotFoundError):
        templates.find("egen-mall")
    assert cli.json("review", "show", review.id)["template"] == before["template"]
    assert _questions(pinned()) == questions
    shown = cli.ok("review", "show", review.id).stdout
    assert "egen-mall" in shown and "1.0" in shown and sha[:12] in shown


def test_create_review_with_a_broken_template_changes_nothing(
    store: Any, cli: Any, hosts: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write(tmp_path / "mallar", "egen.yaml", MINI.replace("groups: [ledande]", "groups: [x]"))
    monkeypatch.setenv(templates.ENV_VAR, str(bad.parent))
    result = cli(
        "review", "create", "--host", "Gävle", "--reviewing", "Uppsala", "--template", "egen"
    )
    assert result.exit_code == 2
    assert f"{bad}:16: group 'x' is not defined in 'groups'" in result.stderr
    assert cli.json("review", "list") == []


# -- a real install -----------------------------------------------------------------------


@pytest.mark.slow
def test_non_editable_install_finds_the_shipped_templates(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv, and read the templates from inside it."""
    import sysconfig

    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
        timeout=300,
    )
    (wheel,) = wheels.glob("granskning-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from this environment's site-packages, added after the new
    # venv's own; .pth files in it are not run, so the editable hook to the source tree
    # stays off and granskning can only come from the wheel.
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", templates.ENV_VAR)} | {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "GRANSKNING_LANG": "en",
    }
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import json, granskning; from granskning import resources; from granskning.domain import templates; "
            "print(json.dumps({'module': granskning.__file__, "
            "'folder': str(resources.question_templates_dir()), "
            "'found': {s.template.id: [str(s.path), s.origin] for s in templates.available()}}))",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    data = json.loads(probe.stdout)
    installed = site / "granskning"
    assert Path(data["module"]) == installed / "__init__.py"
    assert Path(data["folder"]) == installed / "_resources" / "question_templates"
    assert set(data["found"]) == {p.stem for p in SHIPPED.glob("*.yaml")}
    for tid, (path, origin) in data["found"].items():
        assert origin == "shipped"
        assert Path(path).parent == Path(data["folder"])
        assert Path(path).read_bytes() == (SHIPPED / f"{tid}.yaml").read_bytes()
    listed = subprocess.run(
        [str(venv / "bin" / "granskning"), "template", "list", "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert {Path(r["path"]).parent for r in json.loads(listed.stdout)} == {Path(data["folder"])}


def test_a_broken_copy_does_not_silently_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's broken newer copy of a shipped template must not quietly give the old one."""
    text = (SHIPPED / "kollegial-granskning-2013.yaml").read_text(encoding="utf-8")
    broken = text.replace('version: "1.0"', 'version: "1.1"').replace("minutes: 30", "minuter: 30")
    path = write(tmp_path / "mine", "kollegial-granskning-2013.yaml", broken)
    monkeypatch.setenv(templates.ENV_VAR, str(path.parent))
    with pytest.raises(TemplateError) as caught:
        templates.find("kollegial-granskning-2013")
    assert all(p.startswith(f"{path}:") for p in caught.value.problems)
    assert any(
        "unknown key 'minuter' (did you mean 'minutes'?)" in p for p in caught.value.problems
    )


def test_parsed_templates_are_kept_between_processes(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from granskning.domain import templates

    monkeypatch.setenv("GRANSKNING_CACHE_DIR", str(tmp_path / "cache"))
    text = templates.find("kollegial-granskning-2013").text
    templates.from_pinned.cache_clear()
    first = templates.from_pinned(text)
    [cached] = (tmp_path / "cache").iterdir()
    assert cached.name == f"template-{templates.sha256_text(text)}.json"
    templates.from_pinned.cache_clear()  # a new process: only the file is left
    assert templates.from_pinned(text) == first == templates.from_pinned(text)
    cached.write_text("{not json", encoding="utf-8")  # a broken cache is parsed around
    templates.from_pinned.cache_clear()
    assert templates.from_pinned(text) == first
    assert templates.Template.model_validate_json(cached.read_bytes()) == first
    monkeypatch.setenv("GRANSKNING_CACHE_DIR", "")
    assert templates.cache_dir() is None
    templates.from_pinned.cache_clear()
