"""The full-screen session for the note-taker (``session run``), built with Textual.

Only screen and keys live here; every decision and every write goes through
:mod:`granskning.services.sessions`, so the screen holds no state worth losing: the position and
the clock are read back from the database on each tick, and each note is committed when
it is saved. Killing the terminal and running it again carries on at the same question.
"""

from __future__ import annotations

from typing import Any

import click
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Digits, Footer, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from granskning.domain.errors import GranskningError, RuleError
from granskning.domain.i18n import N_, _
from granskning.services import sessions
from granskning.storage.store import Store

TICK_S = 1.0
LEVEL_CLASSES = ("ok", "near", "over")
# the two clocks: their name, the status keys of (remaining, level, elapsed, budget), the label
CLOCKS = (
    (
        "session",
        ("remaining_s", "session_level", "elapsed_s", "budget_s"),
        N_("Session: {elapsed} of {budget}"),
    ),
    (
        "block",
        ("block_remaining_s", "block_level", "block_elapsed_s", "block_budget_s"),
        N_("Block: {elapsed} of {budget}"),
    ),
)


def countdown(seconds: int) -> str:
    """A countdown for the big digits: "MM:SS" (minutes past 59 too), "-MM:SS" past zero."""
    sign = "-" if seconds < 0 else ""
    m, sec = divmod(abs(int(seconds)), 60)
    return f"{sign}{m:02d}:{sec:02d}"


class NoteScreen(ModalScreen[str | None]):
    """A multi-line note: ctrl+s (or F2) saves, escape cancels."""

    AUTO_FOCUS = "#note-text"

    # Not priority bindings: those would act before the text field has taken the keys
    # typed just before, and cut the end off a note typed fast.
    BINDINGS = [
        Binding("ctrl+s", "save", N_("save")),
        Binding("f2", "save", N_("save"), show=False),
        Binding("escape", "cancel", N_("cancel"), priority=True),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Label(self.title_text, id="note-title", markup=False)
            yield TextArea(id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Label("", id="note-help")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        # shown once the text field has the keyboard: what is typed from then on lands there
        self.query_one("#note-help", Label).update(_("ctrl+s saves the note, escape cancels"))

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BlockScreen(ModalScreen[str | None]):
    """Choose a block to jump to: its number, or the arrows and enter."""

    BINDINGS = [Binding("escape", "cancel", N_("cancel"))]

    def __init__(self, blocks: list[dict[str, Any]]) -> None:
        super().__init__()
        self.blocks = blocks

    def compose(self) -> ComposeResult:
        with Vertical(id="block-box"):
            yield Label(_("Jump to block (number or enter, escape cancels)"))
            yield OptionList(
                *[
                    Option(
                        Text(f"{i}  {b['title']}  ({sessions.clock_text(b['budget_s'])})"),
                        id=b["id"],
                    )
                    for i, b in enumerate(self.blocks, 1)
                ],
                id="block-list",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: Any) -> None:
        if event.character and event.character.isdigit():
            n = int(event.character)
            if 1 <= n <= len(self.blocks):
                event.stop()
                self.dismiss(self.blocks[n - 1]["id"])

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question."""

    BINDINGS = [
        Binding("y,j", "answer(True)", N_("yes")),
        Binding("n,escape", "answer(False)", N_("no")),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.question, markup=False)
            yield Label(_("y: yes   n: no"))

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class SessionApp(App[None]):
    """The note-taker's screen for one interview."""

    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { layout: vertical; }
    #head { height: 1; background: $primary; color: $text; padding: 0 1; }
    #clocks { height: 7; }
    .clock { width: 1fr; border: round $secondary; padding: 0 1; }
    .clock Digits { width: auto; }
    .clock.near { border: round $warning; }
    .clock.near Digits, .clock.near Label { color: $warning; }
    .clock.over { border: round $error; }
    .clock.over Digits, .clock.over Label { color: $error; text-style: bold; }
    #block { height: auto; padding: 0 1; text-style: bold; }
    #question { height: auto; padding: 1 1 0 1; text-style: bold; }
    #prompts { height: auto; padding: 0 1 0 3; color: $text-muted; }
    #notes-title { height: 1; padding: 0 1; margin-top: 1; text-style: underline; }
    #notes { height: 1fr; padding: 0 1; }
    #message { height: 1; padding: 0 1; }
    #message.error { color: $error; }
    NoteScreen, BlockScreen, ConfirmScreen { align: center middle; }
    #note-box { width: 90%; height: 70%; border: thick $primary; background: $surface; }
    #note-text { height: 1fr; }
    #block-box, #confirm-box { width: 60; height: auto; border: thick $primary; background: $surface; padding: 1; }
    """
    # (keys, action, label, shown in the footer); bound in __init__ with translated labels
    KEYS = [
        ("space", "start_pause", N_("start/pause"), True),
        ("n,right", "next", N_("next"), True),
        ("p,left", "previous", N_("previous"), True),
        ("b", "blocks", N_("block"), True),
        ("a,enter", "note", N_("note"), True),
        ("1", "rate(1)", N_("rate 1-4"), False),
        ("2", "rate(2)", "", False),
        ("3", "rate(3)", "", False),
        ("4", "rate(4)", "", False),
        ("e", "end", N_("end"), True),
        ("q", "quit", N_("quit"), True),
    ]

    def __init__(self, store: Store, interview_id: int, *, tick: float = TICK_S) -> None:
        super().__init__()
        self.store = store
        self.interview_id = interview_id
        self.tick = tick
        self.data: dict[str, Any] = {}
        self.notes: list[dict[str, Any]] = []
        for keys, action, label, show in self.KEYS:
            self.bind(keys, action, description=_(label) if label else "", show=show)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="head", markup=False)
        with Horizontal(id="clocks"):
            with Vertical(id="session-clock", classes="clock"):
                yield Label(_("Session"), id="session-label")
                yield Digits("00:00", id="session-digits")
            with Vertical(id="block-clock", classes="clock"):
                yield Label(_("Block"), id="block-label")
                yield Digits("00:00", id="block-digits")
        yield Static(id="block", markup=False)
        yield Static(id="question", markup=False)
        yield Static(id="prompts", markup=False)
        yield Static(id="notes-title", markup=False)
        with VerticalScroll(id="notes"):
            yield Static(id="notes-body", markup=False)
        yield Static(id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(self.tick, self.refresh_status)

    # -- reading the engine -----------------------------------------------------------------

    def refresh_status(self) -> None:
        """Read position, clock and notes back from the database and redraw."""
        try:
            self.data = sessions.status(self.store, self.interview_id)
            q = self.data["question"]
            self.notes = (
                sessions.list_notes(self.store, self.interview_id, q) if q is not None else []
            )
        except GranskningError as exc:
            self.say(str(exc), error=True)
            return
        self.draw()

    def draw(self) -> None:
        d = self.data
        state_label = {
            "scheduled": _("not started: press space to start"),
            "running": _("running"),
            "paused": _("PAUSED: press space to resume"),
            "completed": _("completed"),
            "cancelled": _("cancelled"),
        }.get(d["state"], d["state"])
        self.query_one("#head", Static).update(
            _("Interview {id} · {group} · {state}").format(
                id=d["id"], group=d["group_name"], state=state_label
            )
        )
        for which, keys, label in CLOCKS:
            remaining, level, elapsed, budget = (d[key] for key in keys)
            self._clock(
                which,
                remaining,
                level,
                _(label).format(
                    elapsed=sessions.clock_text(elapsed), budget=sessions.clock_text(budget)
                ),
            )
        if d["question"] is None:
            self.query_one("#block", Static).update(_("This group has no questions."))
            return
        self.query_one("#block", Static).update(
            _("Block {n}/{count}: {title}").format(
                n=d["block_number"], count=d["block_count"], title=d["block_title"]
            )
        )
        self.query_one("#question", Static).update(
            _("Question {n}/{count} [{id}]: {text}").format(
                n=d["question_number"],
                count=d["question_count"],
                id=d["question"],
                text=d["question_text"],
            )
        )
        prompts = [f"› {p}" for p in d["followups"]]
        if d["question_kind"] == "rating":
            prompts.append(_("Rating, press 1-4:"))
            prompts.extend(f"  {s['value']}  {s['label']}" for s in d["scale"])
        self.query_one("#prompts", Static).update("\n".join(prompts))
        self.query_one("#notes-title", Static).update(
            _("Notes on this question ({n})").format(n=len(self.notes))
        )
        lines = []
        for n in self.notes:
            head = n["created"].split(" ", 1)[-1]
            if n["rating"] is not None:
                head += " " + _("rating {value}").format(value=n["rating"])
            first, *rest = n["text"].splitlines() or [""]
            lines.append(f"{head}  {first}".rstrip())
            lines.extend(" " * (len(head) + 2) + line for line in rest)
        self.query_one("#notes-body", Static).update("\n".join(lines), layout=True)

    def _clock(self, which: str, remaining: int, lvl: str, label: str) -> None:
        box = self.query_one(f"#{which}-clock")
        for cls in LEVEL_CLASSES:
            box.set_class(cls == lvl, cls)
        self.query_one(f"#{which}-label", Label).update(label)
        self.query_one(f"#{which}-digits", Digits).update(countdown(remaining))

    def say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#message", Static)
        widget.update(message)
        widget.set_class(error, "error")

    def act(self, func: Any, *args: Any) -> Any:
        """Call the engine; a refused action becomes a message, never a crash."""
        try:
            result = func(self.store, self.interview_id, *args)
        except GranskningError as exc:
            self.say(str(exc).replace("\n", "; "), error=True)
            return None
        self.say("")
        self.refresh_status()
        return result

    # -- keys ---------------------------------------------------------------------------------

    def action_start_pause(self) -> None:
        state = self.data.get("state")
        if state == "scheduled":
            self.act(sessions.start)
        elif state == "running":
            self.act(sessions.pause)
        elif state == "paused":
            self.act(sessions.resume)
        else:
            self.say(_("the session is over"), error=True)

    def action_next(self) -> None:
        self.act(sessions.next_question)

    def action_previous(self) -> None:
        self.act(sessions.previous_question)

    def action_blocks(self) -> None:
        def chosen(block_id: str | None) -> None:
            if block_id:
                self.act(sessions.goto_block, block_id)

        self.push_screen(BlockScreen(self.data.get("blocks", [])), chosen)

    def action_note(self) -> None:
        if self.data.get("state") in ("completed", "cancelled"):
            self.say(_("the session is over: its notes are closed"), error=True)
            return
        question = self.data.get("question")

        def saved(text: str | None) -> None:
            if text is None or not text.strip():
                self.say(_("nothing saved"))
                return
            note = self.act(sessions.add_note, question, text)
            if note is not None:
                self.say(_("note {id} saved").format(id=note.id))

        title = _("Note on question {id}").format(id=question) if question else _("Observation")
        self.push_screen(NoteScreen(title), saved)

    def action_rate(self, value: int) -> None:
        if self.data.get("question_kind") != "rating":
            self.say(_("1-4 rate rating questions; this one is not"), error=True)
            return
        note = self.act(sessions.add_note, self.data["question"], "", value)
        if note is not None:
            self.say(_("rating {value} saved").format(value=value))

    def action_end(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.act(sessions.end)

        self.push_screen(ConfirmScreen(_("End the interview now?")), answer)


def run_session(store: Store, interview_id: int) -> None:
    """Run the full-screen session until the user quits."""
    first = sessions.status(store, interview_id)
    if first["state"] in ("completed", "cancelled"):
        raise RuleError(
            _("interview {id} is {state}: there is no session to run").format(
                id=interview_id, state=first["state"]
            )
        )
    SessionApp(store, interview_id).run()
    last = sessions.status(store, interview_id)
    if last["state"] == "running":
        click.echo(
            _("The session is still running. Carry on with: granskning session run {id}").format(
                id=interview_id
            ),
            err=True,
        )
