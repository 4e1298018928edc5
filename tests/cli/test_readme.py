"""The README runs as written: every ``console`` block is typed into a real shell and compared.

The blocks of README.md (and of any Markdown guide it links to) form one story a newcomer
types from top to bottom: they run in order, in one bash session, in an empty folder, with
the installed ``granskning`` on the PATH, Swedish as the default language and a clock fixed
by ``GRANSKNING_NOW`` (the README says to set it too). Each ``$ `` line is a command (a
line ending in ``\\`` continues on the next); the lines under it are what it prints, stdout
and stderr together. In the expected text a line ``...`` stands for any number of lines and
``…`` inside a line for any characters.

Run ``python tests/cli/test_readme.py`` to print what each command prints now.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MARKER = "@@granskning-readme-command-{}@@"
MARKER_RE = re.compile(r"\n?@@granskning-readme-command-(\d+)@@\n")
START_CLOCK = "2026-03-02 09:00"  # before the README sets its own


@dataclass
class Command:
    source: str  # file and line, for messages
    text: str  # what is typed (continuation lines included)
    expected: list[str] = field(default_factory=list)


def documents() -> list[Path]:
    """README.md and the Markdown files it links to, in the order they are linked."""
    found = [README]
    for target in re.findall(r"\]\(([^)#\s]+\.md)\)", README.read_text(encoding="utf-8")):
        path = (ROOT / target).resolve()
        if path.is_file() and path not in found:
            found.append(path)
    return found


def commands(path: Path) -> list[Command]:
    """The commands of every ``console`` block of ``path`` with the output each shows."""
    out: list[Command] = []
    in_block = False
    continued = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not in_block:
            in_block = line.strip() == "```console"
            continue
        if line.strip() == "```":
            in_block = False
            continue
        if continued:
            out[-1].text += "\n" + line
            continued = line.endswith("\\")
        elif line.startswith("$ "):
            out.append(Command(f"{path.name}:{number}", line[2:]))
            continued = line.endswith("\\")
        else:
            assert out, f"{path.name}:{number}: output before the first command"
            out[-1].expected.append(line)
    return out


def _granskning_bin() -> str:
    here = Path(sys.executable).parent / "granskning"
    found = str(here) if here.exists() else shutil.which("granskning")
    if not found:
        pytest.skip("the granskning command is not installed")
    return str(Path(found).parent)


def environment(folder: Path) -> dict[str, str]:
    """A shell environment that owes nothing to the person running the tests."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GRANSKNING_", "LC_", "XDG_")) and k not in ("LANG", "LANGUAGE")
    }
    env.update(
        PATH=_granskning_bin() + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
        HOME=str(folder / "home"),
        XDG_CONFIG_HOME=str(folder / "home" / ".config"),
        XDG_DATA_HOME=str(folder / "home" / ".local" / "share"),
        GRANSKNING_CACHE_DIR="",
        GRANSKNING_NOW=START_CLOCK,
        LANG="C.UTF-8",
        COLUMNS="120",
        NO_COLOR="1",
        TERM="dumb",
    )
    return env


def run(cmds: list[Command], folder: Path) -> list[list[str]]:
    """Type ``cmds`` into one bash session in ``folder``; the lines each one printed."""
    (folder / "home").mkdir(parents=True, exist_ok=True)
    script = ["exec 2>&1"]
    for i, cmd in enumerate(cmds):
        # the marker keeps $? for a following `echo $?`
        script += [cmd.text, "__rc=$?", f"printf '\\n{MARKER.format(i)}\\n'", "(exit $__rc)"]
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", "\n".join(script)],
        cwd=folder,
        env=environment(folder),
        capture_output=True,
        text=True,
        timeout=600,
    )
    parts = MARKER_RE.split(done.stdout)
    outputs: list[list[str]] = [[] for _ in cmds]
    for index, text in zip(parts[1::2], parts[0::2], strict=False):
        outputs[int(index)] = [line.rstrip() for line in text.splitlines()]
    return outputs


def _line_matches(expected: str, actual: str) -> bool:
    if "…" not in expected:
        return expected.rstrip() == actual
    pattern = ".*".join(re.escape(part) for part in expected.rstrip().split("…"))
    return re.fullmatch(pattern, actual) is not None


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected``, a line ``...`` matching any lines."""
    expected = [e for e in expected]
    while expected and not expected[-1].strip():
        expected.pop()
    actual = list(actual)
    while actual and not actual[-1].strip():
        actual.pop()

    def walk(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        if expected[e].strip() == "...":
            return any(walk(e + 1, k) for k in range(a, len(actual) + 1))
        return a < len(actual) and _line_matches(expected[e], actual[a]) and walk(e + 1, a + 1)

    return walk(0, 0)


# -- the test --------------------------------------------------------------------------------


@pytest.mark.slow
def test_readme_console_blocks_run_as_written(tmp_path: Path) -> None:
    cmds = [c for doc in documents() for c in commands(doc)]
    assert len(cmds) > 20, "the README tour lost its console blocks"
    outputs = run(cmds, tmp_path)
    wrong = []
    for cmd, actual in zip(cmds, outputs, strict=True):
        if not matches(cmd.expected, actual):
            wrong.append(
                f"{cmd.source}: $ {cmd.text}\n--- the README shows\n"
                + "\n".join(cmd.expected)
                + "\n--- it prints\n"
                + "\n".join(actual)
            )
    assert not wrong, f"{len(wrong)} of {len(cmds)} commands differ:\n\n" + "\n\n".join(wrong)


# -- the matcher itself ------------------------------------------------------------------------


def test_parser_reads_commands_continuations_and_output(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "text\n\n    $ not a console block\n\n```console\n$ echo a \\\n    b\na b\n$ true\n```\n"
        "```sh\n$ ignored\n```\n",
        encoding="utf-8",
    )
    cmds = commands(doc)
    assert [(c.text, c.expected) for c in cmds] == [("echo a \\\n    b", ["a b"]), ("true", [])]


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "c"], False),
        (["a"], ["a", "b"], False),
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "...", "d"], ["a", "d"], True),
        (["a", "...", "d"], ["a", "b"], False),
        (["x … y"], ["x 12 bytes y"], True),
        (["x … y"], ["x 12 bytes z"], False),
        ([], [""], True),
    ],
)
def test_matcher(expected: list[str], actual: list[str], ok: bool) -> None:
    assert matches(expected, actual) is ok


def test_commands_keep_exit_codes_and_the_session(tmp_path: Path) -> None:
    cmds = [
        Command("t", "export X=1"),
        Command("t", "(exit 3)"),
        Command("t", "echo $? $X"),
        Command("t", "printf 'no newline'"),
        Command("t", "echo err >&2"),
    ]
    assert run(cmds, tmp_path) == [[], [], ["3 1"], ["no newline"], ["err"]]


if __name__ == "__main__":  # print what the README's commands print now
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        found = [c for doc in documents() for c in commands(doc)]
        for cmd, lines in zip(found, run(found, Path(folder)), strict=True):
            print(f"{cmd.source}\n$ {cmd.text}")
            print("\n".join(lines))
