"""`plc-bot sandbox`: try the real bot in a simulated Slack channel, in this terminal.

The sandbox starts the Slack Web API emulator with a few teachers and one channel, builds the
real app with `create_app`, serves it over HTTP on a free port, and then plays the part of
Slack: what the person types becomes signed slash commands, events and interactions, and what
the app did through the emulator is shown as text. Modals are filled in field by field. `:channel NAME`
moves the session to another channel (created on first use, with the bot added to it).

Every text shown here comes from prompts/<lang>/sandbox.toml.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import html
import itertools
import logging
import os
import re
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import select

from bot.app import PlcApp, create_app
from bot.devtools.local_server import LocalServer
from bot.devtools.slack_emulator import RecordedCall, SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender, values_for
from bot.i18n import Catalog, catalog
from bot.scheduler.dispatcher import PENDING, DispatchReport, NoticeDispatcher
from bot.scheduler.planner import NoticePlanner
from bot.settings import SUPPORTED_LANGUAGES, Settings
from bot.teams import TeamProfile
from handlers.scheduled import senders
from storage.models import ScheduledNotice

CHANNEL_ID = "C0SANDBOX1"  # the session's first channel; :channel NAME adds C0SANDBOX2, C0SANDBOX3, ...
CHANNEL_NAME = "grade4-math-plc"
CHANNEL_ID_PREFIX = "C0SANDBOX"
YOU = "U0SANDBOX1"

POLL_SECONDS = 0.05
QUIET_SECONDS = 0.3
MAX_WAIT_SECONDS = 5.0
# After the bot downloads a file it reads and analyses it before it says anything: wait longer.
BUSY_AFTER = {"file_download": 10.0}
MAX_BUSY_WAIT_SECONDS = 20.0
SLACK_ACK_SECONDS = 3.0
RULE_WIDTH = 40
SHORT_VALUE = 40
MAX_SCHEDULER_ROUNDS = 50  # :fire runs the dispatcher at most this often (once per due time)

EXIT_OK = 0
EXIT_FORM_LEFT_OPEN = 1
EXIT_BAD_SCRIPT = 2

_COMMAND = re.compile(r"^:([a-z]+)$")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_CHANNEL_NAME = re.compile(r"^[\w-]{1,80}$")  # a Slack channel's name: lowercase letters, digits, - and _

TEXT_INPUTS = ("plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input")
SINGLE_LINE_INPUTS = ("plain_text_input", "email_text_input", "url_text_input", "rich_text_input")
OPTION_INPUTS = ("static_select", "multi_static_select", "radio_buttons", "checkboxes")
EXTERNAL_INPUTS = ("external_select", "multi_external_select")
USER_INPUTS = ("users_select", "multi_users_select")
CHANNEL_INPUTS = (
    "conversations_select", "multi_conversations_select", "channels_select", "multi_channels_select",
)
MULTI_INPUTS = (
    "multi_static_select", "checkboxes", "multi_external_select", "multi_users_select",
    "multi_conversations_select", "multi_channels_select",
)
# The scheduler's notice kinds, in the order of a meeting (then a commitment's due-date reminder), and
# the short names :fire takes for them (besides the kind itself and the words in
# sandbox.fire.aliases.<kind> of the session's language).
NOTICE_KINDS = ("agenda_preview", "reminder", "meeting_start", "item_ending", "meeting_end", "commitment_due")
KIND_ALIASES = {
    "preview": "agenda_preview", "agenda": "agenda_preview",
    "reminder": "reminder", "remind": "reminder",
    "start": "meeting_start", "meeting": "meeting_start",
    "nudge": "item_ending", "timebox": "item_ending",
    "end": "meeting_end",
    "commitment": "commitment_due", "commit": "commitment_due",
}
SHORT_KINDS = ("preview", "reminder", "start", "nudge", "end", "commitment")
# Someone typed as @name in a slash command (Slack escapes it: the `/plc` command has should_escape).
_TYPED_MENTION = re.compile(r"(?<![<\w])@([A-Za-z0-9_-]+)")
_TYPED_CHANNEL = re.compile(r"(?<![\w<])#([a-z0-9_-]{1,80})")
# The state.values key each selecting element reports its choice under.
_SELECTED_KEY = {
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
}


# --------------------------------------------------------------------------- the simulated workspace


@dataclass(frozen=True)
class SandboxUser:
    """A person in the simulated workspace."""

    id: str
    name: str
    real_name: str
    tz: str
    locale: str
    in_channel: bool
    is_admin: bool = False  # a workspace admin (Slack's is_admin): may name coaches


@dataclass
class SandboxChannel:
    """A channel of the session and who is in it (besides the bot)."""

    id: str
    name: str
    members: list[str]


def sandbox_users(texts: Catalog, language: str) -> list[SandboxUser]:
    """The person at the keyboard, three teammates (one of them outside the channel) and the principal, a
    workspace admin outside the channel."""
    turkish = language == "tr"
    return [
        SandboxUser(
            YOU, "you", texts.t("sandbox.you_real_name"),
            "Europe/Istanbul" if turkish else "America/New_York", "tr-TR" if turkish else "en-US", True,
        ),
        SandboxUser("U0SANDBOX2", "ayse", "Ayşe Yılmaz", "Europe/Istanbul", "tr-TR", True),
        SandboxUser("U0SANDBOX3", "maria", "Maria Lopez", "America/New_York", "en-US", True),
        SandboxUser("U0SANDBOX4", "james", "James Brown", "America/Chicago", "en-US", False),
        SandboxUser("U0SANDBOX5", "selin", "Selin Aydın", "Europe/Istanbul", "tr-TR", False, is_admin=True),
    ]


@contextlib.contextmanager
def quiet_logging() -> Iterator[None]:
    """Only warnings and errors, on stderr; Bolt's "unhandled request" hints are hidden too."""
    root = logging.getLogger()
    bolt = logging.getLogger("slack_bolt")
    saved = (root.handlers[:], root.level, bolt.level)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    # Messages nobody listens to yet would print a long "[Suggestion]" warning each time.
    bolt.setLevel(logging.ERROR)
    try:
        yield
    finally:
        handlers, root_level, bolt_level = saved
        root.handlers = handlers
        root.setLevel(root_level)
        bolt.setLevel(bolt_level)


# --------------------------------------------------------------------------- terminal input and output


class Style:
    """ANSI bold/dim/warning when writing to a terminal; plain text otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def warn(self, text: str) -> str:
        return self._wrap("33", text)


class LineReader:
    """Reads what the person types: from a terminal (with readline), a pipe, or a script file.

    Non-interactive input skips `#` comment lines and echoes each line after its prompt, so
    the output reads like a session transcript.
    """

    def __init__(self, source: TextIO, out: TextIO, *, interactive: bool, use_input: bool) -> None:
        self.source = source
        self.out = out
        self.interactive = interactive
        self.use_input = use_input

    def read(self, prompt: str) -> str:
        """One line without its newline; EOFError at the end of the input."""
        if self.use_input:
            return input(prompt)
        if self.interactive:
            self.out.write(prompt)
            self.out.flush()
            line = self.source.readline()
            if not line:
                raise EOFError
            return line.rstrip("\r\n")
        while True:
            line = self.source.readline()
            if not line:
                raise EOFError
            line = line.rstrip("\r\n")
            if not line.startswith("#"):
                break
        self.out.write(f"{prompt}{line}\n")
        self.out.flush()
        return line


# --------------------------------------------------------------------------- what is on screen


@dataclass(frozen=True)
class Place:
    """Where a button is: a message the emulator stores, a reply it does not, a modal, or a Home tab."""

    kind: str  # "message" | "reply" | "view" | "home"
    channel_id: str | None = None
    ts: str | None = None
    ephemeral: bool = False
    view_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class Button:
    number: int
    label: str
    action: dict[str, Any]
    place: Place


@dataclass(frozen=True)
class PendingNotice:
    """A row of the scheduler's outbox still waiting to go out, as `:due` lists it."""

    id: int
    kind: str
    due_at: dt.datetime
    occurrence_at: dt.datetime


@dataclass(frozen=True)
class ShownMessage:
    number: int
    channel_id: str
    ts: str
    thread_ts: str | None


def _selection(kind: str, chosen: list[dict[str, Any]], many: bool) -> dict[str, Any]:
    """The state entry Slack builds for chosen option(s) of a select element."""
    if many:
        return {"type": kind, "selected_options": copy.deepcopy(chosen)}
    return {"type": kind, "selected_option": copy.deepcopy(chosen[0])}


class ListenerActivity:
    """How many of the app's listeners and jobs are still running after their ack.

    Bolt runs a listener in its executor and answers Slack as soon as it acks; the sandbox waits
    for the work that follows (it reads Bolt's listener runner, a private attribute, for that).
    """

    def __init__(self, plc: PlcApp) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._jobs = plc.services.jobs  # slow work runs as jobs in this process: count those too
        runner = getattr(plc.bolt, "_listener_runner", None)
        executor = getattr(runner, "listener_executor", None)
        if executor is None:
            return
        submit = executor.submit

        def counted_submit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self._count += 1
            future = submit(fn, *args, **kwargs)
            future.add_done_callback(self._done)
            return future

        executor.submit = counted_submit

    def _done(self, _future: object) -> None:
        with self._lock:
            self._count -= 1

    def running(self) -> int:
        with self._lock:
            return self._count + self._jobs.pending()


@dataclass
class Frame:
    """One modal in the stack, with what has been entered into it so far."""

    view: dict[str, Any]
    values: dict[str, dict[str, dict[str, Any]]]
    ask: list[str] | None = None  # block ids still to ask; None = every input
    changed: bool = False


class FormCancelled(Exception):
    """The person typed :cancel (or Ctrl-C) in a modal."""


class FormQuit(Exception):
    """The person typed :quit in a modal: the form closes without saving and the session ends."""


class FormRestart(Exception):
    """The open modal changed while it was being filled; start over with the new one."""


class EndSession(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _input_blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b for b in view.get("blocks") or []
        if isinstance(b, dict) and b.get("type") == "input" and isinstance(b.get("element"), dict)
        and b.get("block_id") and b["element"].get("action_id")
    ]


def _options(element: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    """(group label or None, option) for every option of an element, in order."""
    found: list[tuple[str | None, dict[str, Any]]] = [(None, o) for o in element.get("options") or []]
    for group in element.get("option_groups") or []:
        label = group.get("label")
        label_text = label.get("text") if isinstance(label, dict) else str(label or "")
        found.extend((label_text, o) for o in group.get("options") or [])
    return found


def _path_and_text(rest: str) -> tuple[str, str]:
    """`PATH text` or `"PATH with spaces" text` -> (path, text)."""
    rest = rest.strip()
    close = rest.find(rest[0], 1) if rest[:1] in ("'", '"') else -1
    if close > 0:
        return rest[1:close].strip(), rest[close + 1:].strip()
    path, _, text = rest.partition(" ")
    return path, text.strip()


class Renderer:
    """Block Kit and mrkdwn to plain text lines; buttons get numbers through `register`."""

    def __init__(
        self, emulator: SlackEmulator, texts: Catalog, style: Style, register: Callable[[str, dict, Place], int]
    ) -> None:
        self.emulator = emulator
        self.texts = texts
        self.style = style
        self.register = register

    # text
    def mrkdwn(self, text: str) -> str:
        """Mentions and links as a person reads them; the rest of the mrkdwn stays as is."""

        def replace(match: re.Match[str]) -> str:
            target, label = match.group(1), match.group(2)
            if target.startswith("@"):
                user = self.emulator.get_user(target[1:])
                return "@" + (label or (str(user["name"]) if user else target[1:]))
            if target.startswith("#"):
                channel = self.emulator.get_channel(target[1:])
                return "#" + (label or (str(channel["name"]) if channel else target[1:]))
            if target.startswith("!"):
                if label:
                    return label
                return "@" + target[1:].split("^")[0]
            return label or target

        return html.unescape(_LINK.sub(replace, text))

    def text_of(self, value: Any) -> str:
        if isinstance(value, dict):
            return self.mrkdwn(str(value.get("text") or ""))
        return self.mrkdwn(str(value or ""))

    # messages
    def message(self, message: dict[str, Any], place: Place | None) -> list[str]:
        blocks = message.get("blocks")
        lines = self.blocks(blocks, place) if isinstance(blocks, list) and blocks else []
        if not lines and message.get("text"):
            lines = self.text_of(message.get("text")).splitlines()
        for attachment in message.get("attachments") or []:
            if isinstance(attachment, dict):
                lines += ["┃ " + line for line in self.attachment(attachment, place)]
        for file_obj in message.get("files") or []:
            if isinstance(file_obj, dict):
                lines.append(self.texts.t("sandbox.render.file", name=file_obj.get("name", ""),
                                          title=file_obj.get("title", "")))
        return lines

    def attachment(self, attachment: dict[str, Any], place: Place | None) -> list[str]:
        lines: list[str] = []
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                lines += self.text_of(attachment[key]).splitlines()
        for fld in attachment.get("fields") or []:
            if isinstance(fld, dict):
                lines.append(f"{self.text_of(fld.get('title'))}: {self.text_of(fld.get('value'))}")
        if isinstance(attachment.get("blocks"), list):
            lines += self.blocks(attachment["blocks"], place)
        if not lines and attachment.get("fallback"):
            lines.append(self.text_of(attachment["fallback"]))
        return lines

    def blocks(self, blocks: list[Any], place: Place | None) -> list[str]:
        lines: list[str] = []
        for index, block in enumerate(blocks):
            if isinstance(block, dict):
                lines += self.block(block, str(block.get("block_id") or f"sandbox-block-{index}"), place)
        return lines

    def block(self, block: dict[str, Any], block_id: str, place: Place | None) -> list[str]:
        kind = block.get("type")
        if kind == "header":
            text = self.text_of(block.get("text"))
            return [self.style.bold(text), "=" * min(len(text), RULE_WIDTH * 2)]
        if kind == "section":
            lines = self.text_of(block.get("text")).splitlines() if block.get("text") else []
            for fld in block.get("fields") or []:
                lines += ["  " + line for line in self.text_of(fld).splitlines()]
            accessory = block.get("accessory")
            if isinstance(accessory, dict):
                lines.append(self.element(accessory, block_id, place))
            return lines
        if kind == "context":
            parts = [self.context_part(e) for e in block.get("elements") or [] if isinstance(e, dict)]
            text = " · ".join(p for p in parts if p)
            return [self.style.dim("  " + line) for line in text.splitlines()]
        if kind == "divider":
            return ["─" * RULE_WIDTH]
        if kind == "actions":
            parts = [self.element(e, block_id, place) for e in block.get("elements") or [] if isinstance(e, dict)]
            return ["  ".join(parts)]
        if kind == "image":
            lines = [self.texts.t("sandbox.render.image", alt=block.get("alt_text", ""))]
            if block.get("title"):
                lines.insert(0, self.text_of(block["title"]))
            return lines
        if kind == "input":
            label = self.text_of(block.get("label"))
            element = block.get("element") if isinstance(block.get("element"), dict) else {}
            return [f"{label}: {self.element(element, block_id, place)}"]
        if kind == "rich_text":
            return self.rich_text(block).splitlines()
        return []

    def context_part(self, element: dict[str, Any]) -> str:
        if element.get("type") == "image":
            return self.texts.t("sandbox.render.image", alt=element.get("alt_text", ""))
        return self.text_of(element)

    def element(self, element: dict[str, Any], block_id: str, place: Place | None) -> str:
        kind = element.get("type")
        if kind == "button" and place is not None:
            label = self.text_of(element.get("text"))
            action = {"type": "button", "action_id": element.get("action_id", ""), "block_id": block_id,
                      "text": element.get("text")}
            if "value" in element:
                action["value"] = element["value"]
            return f"[{self.register(label, action, place)}] {label}"
        if kind == "overflow" and place is not None:
            parts = []
            for option in element.get("options") or []:
                label = self.text_of(option.get("text"))
                action = {"type": "overflow", "action_id": element.get("action_id", ""), "block_id": block_id,
                          "selected_option": option}
                parts.append(f"[{self.register(label, action, place)}] {label}")
            return "  ".join(parts)
        if kind == "static_select" and place is not None and place.kind in ("message", "reply"):
            parts = [self.texts.t("sandbox.render.menu", text=self.text_of(element.get("placeholder")))]
            for _group, option in _options(element):
                label = self.text_of(option.get("text"))
                action = {"type": "static_select", "action_id": element.get("action_id", ""), "block_id": block_id,
                          "selected_option": option}
                parts.append(f"[{self.register(label, action, place)}] {label}")
            return "  ".join(parts)
        if kind == "image":
            return self.texts.t("sandbox.render.image", alt=element.get("alt_text", ""))
        shown = self.text_of(element.get("placeholder")) or self.text_of(element.get("text")) or str(kind)
        return self.texts.t("sandbox.render.menu", text=shown)

    @staticmethod
    def rich_text(value: Any) -> str:
        if isinstance(value, dict):
            if value.get("type") == "text":
                return str(value.get("text") or "")
            inner = "".join(Renderer.rich_text(e) for e in value.get("elements") or [])
            return inner + ("\n" if value.get("type") in ("rich_text_section", "rich_text_list") else "")
        if isinstance(value, list):
            return "".join(Renderer.rich_text(e) for e in value)
        return ""


# --------------------------------------------------------------------------- the session


class Sandbox:
    """One terminal session against a running app, in #grade4-math-plc and any channel `:channel` adds."""

    def __init__(
        self, texts: Catalog, out: TextIO, reader: LineReader, style: Style, emulator: SlackEmulator,
        sender: SlackRequestSender, users: list[SandboxUser], plc: PlcApp | None = None,
    ) -> None:
        self.texts = texts
        self.plc = plc
        self.busy = ListenerActivity(plc) if plc is not None else None
        self.clock: dt.datetime | None = None  # the sandbox clock once :fire moved it; None = the real time
        self.out = out
        self.reader = reader
        self.style = style
        self.emulator = emulator
        self.sender = sender
        self.users = users
        self.channels = [SandboxChannel(CHANNEL_ID, CHANNEL_NAME, [u.id for u in users if u.in_channel])]
        self.channel = self.channels[0]  # where the person types: slash commands, messages, :join, :due...
        self.reply_channels: dict[str, str] = {}  # response_url key -> the channel its request came from
        self.current = YOU
        self.buttons: dict[int, Button] = {}
        self.messages: list[ShownMessage] = []
        self.menu_choices: dict[tuple[str | None, str | None], dict[str, dict[str, Any]]] = {}  # state.values
        self.modals: list[Frame] = []
        self.seen_calls = 0
        self.shown = False  # whether anything was printed for the request being handled
        self._button_numbers = itertools.count(1)
        self._last_ts = 0
        self.renderer = Renderer(emulator, texts, style, self._register_button)

    # ------------------------------------------------------------------ basics
    def t(self, key: str, **params: Any) -> str:
        return self.texts.t(key, **params)

    def say(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def note(self, line: str) -> None:
        self.say(self.style.dim(line))

    def warn(self, line: str) -> None:
        self.say(self.style.warn(line))
        self.shown = True

    def user(self, user_id: str) -> SandboxUser | None:
        return next((u for u in self.users if u.id == user_id), None)

    def user_name(self, user_id: str) -> str:
        known = self.user(user_id)
        if known is not None:
            return known.name
        found = self.emulator.get_user(user_id)
        return str(found["name"]) if found else user_id

    def find_user(self, name: str) -> SandboxUser | None:
        wanted = name.strip().lstrip("@").casefold()
        return next((u for u in self.users if wanted in (u.name.casefold(), u.id.casefold())), None)

    def new_ts(self) -> str:
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _register_button(self, label: str, action: dict[str, Any], place: Place) -> int:
        number = next(self._button_numbers)
        self.buttons[number] = Button(number, label, action, place)
        return number

    def remember_message(self, channel_id: str, ts: str, thread_ts: str | None) -> ShownMessage:
        for shown in self.messages:
            if shown.channel_id == channel_id and shown.ts == ts:
                return shown
        shown = ShownMessage(len(self.messages) + 1, channel_id, ts, thread_ts if thread_ts != ts else None)
        self.messages.append(shown)
        return shown

    def message_number(self, channel_id: str, ts: str | None) -> int | None:
        return next((m.number for m in self.messages if m.channel_id == channel_id and m.ts == ts), None)

    def prompt(self) -> str:
        return self.t("sandbox.prompt", channel=self.channel.name, user=self.user_name(self.current))

    # ------------------------------------------------------------------ main loop
    def run(self) -> int:
        self.banner()
        self.bot_joins()
        while True:
            try:
                line = self.reader.read(self.prompt())
            except EOFError:
                if self.reader.interactive:
                    self.say()
                self.note(self.t("sandbox.bye"))
                return EXIT_OK
            except KeyboardInterrupt:
                self.say()
                self.note(self.t("sandbox.interrupt_hint"))
                continue
            try:
                if not self.handle(line):
                    self.note(self.t("sandbox.bye"))
                    return EXIT_OK
                if self.modals:
                    self.fill_modals()
            except EndSession as end:
                return end.code
            except KeyboardInterrupt:  # while waiting for the app: back to the prompt
                self.say()
                self.note(self.t("sandbox.interrupt_hint"))

    def banner(self) -> None:
        inside = [f"@{u.name}" for u in self.users if u.in_channel and u.id != YOU]
        outside = [f"@{u.name}" for u in self.users if not u.in_channel]
        self.say(self.style.bold(self.t("sandbox.banner.title")))
        self.say(self.t("sandbox.banner.where", you=self.user_name(YOU), channel=self.channel.name,
                        members=", ".join(inside)))
        if outside:
            self.say(self.t("sandbox.banner.outside", names=", ".join(outside)))
        self.say(self.t("sandbox.banner.hint"))

    def bot_joins(self) -> None:
        """The bot is added to the current channel, as when a teacher invites it: it introduces itself."""
        self.say()
        self.note(self.t("sandbox.bot_added", channel=self.channel.name))
        event = {"type": "member_joined_channel", "user": self.emulator.bot_user_id, "channel": self.channel.id,
                 "channel_type": "C", "team": self.emulator.team_id, "inviter": YOU}
        self.send(lambda: self.sender.event(event))
        self.show_new_calls(quiet=True)

    def handle(self, line: str) -> bool:
        """Act on one line at the channel prompt; False to end the session."""
        text = line.strip()
        if not text:
            return True
        if text.startswith("/"):
            self.slash_command(text)
            return True
        if text.isdigit():
            self.click(int(text))
            return True
        word, _, rest = text.partition(" ")
        match = _COMMAND.match(word)
        if match is None:
            self.post_message(line.strip())
            return True
        return self.sandbox_command(match.group(1), rest.strip())

    def sandbox_command(self, name: str, rest: str) -> bool:
        if name in ("quit", "q", "exit"):
            return False
        if name == "help":
            self.say(self.t("sandbox.help", channel=self.channel.name))
        elif name == "click":
            labelled = self.button_labelled(rest) if rest and not rest.isdigit() else None
            if rest.isdigit() or labelled is not None:
                self.click(int(rest) if rest.isdigit() else labelled or 0)
            else:
                self.warn(self.t("sandbox.errors.usage", usage=self.t("sandbox.usage.click")))
        elif name == "thread":
            self.thread_reply(rest)
        elif name == "share":
            self.share_file(rest)
        elif name in ("join", "leave"):
            self.membership(name, rest)
        elif name in ("channel", "go"):
            self.go_to_channel(rest)
        elif name == "as":
            self.speak_as(rest)
        elif name == "users":
            self.list_users()
        elif name == "home":
            self.open_home()
        elif name == "calls":
            self.list_calls()
        elif name == "jobs":
            self.list_jobs()
        elif name == "due":
            self.list_due()
        elif name == "fire":
            self.fire(rest)
        elif name == "clock":
            self.show_clock()
        elif name == "cancel":
            self.warn(self.t("sandbox.errors.no_form"))
        else:
            self.warn(self.t("sandbox.errors.unknown_command", command=f":{name}"))
        return True

    # ------------------------------------------------------------------ requests
    def send(self, request: Callable[[], requests.Response]) -> requests.Response | None:
        """Send one signed request; warn when it fails or would be too slow for Slack."""
        started = time.monotonic()
        try:
            response = request()
        except requests.RequestException as error:
            self.warn(self.t("sandbox.errors.request_failed", error=type(error).__name__))
            return None
        elapsed = time.monotonic() - started
        if elapsed > SLACK_ACK_SECONDS:
            self.warn(self.t("sandbox.errors.slow", seconds=f"{elapsed:.1f}"))
        return response

    def reply_body(self, response: requests.Response | None) -> Any:
        """The app's answer: a JSON object, a text, or None when it was empty or an error."""
        if response is None:
            return None
        if response.status_code != 200:
            self.warn(self.t("sandbox.errors.http", status=response.status_code))
            return None
        body = response.text.strip()
        if not body:
            return None
        try:
            return response.json()
        except ValueError:
            return {"text": body}

    def settle(self) -> list[RecordedCall]:
        """The Web API calls since the last look, once the app has stopped making them."""
        started = time.monotonic()
        count = len(self.emulator.calls)
        quiet_since = started
        quiet_needed = QUIET_SECONDS
        while True:
            time.sleep(POLL_SECONDS)
            now = time.monotonic()
            calls = self.emulator.calls
            if len(calls) != count:
                count, quiet_since = len(calls), now
                quiet_needed = BUSY_AFTER.get(calls[-1].method, QUIET_SECONDS)
            working = self.busy is not None and self.busy.running() > 0
            if working:
                quiet_since = now  # a listener is still at work after its ack (reading a file, say)
            long_wait = working or quiet_needed > QUIET_SECONDS
            deadline = started + (MAX_BUSY_WAIT_SECONDS if long_wait else MAX_WAIT_SECONDS)
            if now - quiet_since >= quiet_needed or now >= deadline:
                break
        return self.take_calls()

    def take_calls(self) -> list[RecordedCall]:
        calls = self.emulator.calls
        new = calls[self.seen_calls:]
        self.seen_calls = len(calls)
        return new

    def show_new_calls(self, *, wait: bool = True, quiet: bool = False) -> None:
        calls = self.settle() if wait else self.take_calls()
        for call in calls:
            self.show_call(call)
        if not self.shown and not quiet:
            self.note(self.t("sandbox.nothing"))
        self.shown = False

    # ------------------------------------------------------------------ things the person does
    def escape_mentions(self, text: str) -> str:
        """`@maria` -> `<@U…|maria>` for the people of the workspace and `#name` -> `<#C…|name>` for the
        session's channels, as Slack sends a slash command's text."""

        def replace(match: re.Match[str]) -> str:
            person = self.find_user(match.group(1))
            return f"<@{person.id}|{person.name}>" if person else match.group(0)

        def channel(match: re.Match[str]) -> str:
            known = next((c for c in self.channels if c.name == match.group(1)), None)
            return f"<#{known.id}|{known.name}>" if known else match.group(0)

        return _TYPED_CHANNEL.sub(channel, _TYPED_MENTION.sub(replace, text))

    def slash_command(self, text: str) -> None:
        command, _, rest = text.partition(" ")
        self.shown = False
        channel = self.channel
        response = self.send(lambda: self.sender.slash_command(
            command, self.escape_mentions(rest.strip()), user_id=self.current, channel_id=channel.id,
            channel_name=channel.name,
            user_name=self.user_name(self.current),
        ))
        self.remember_response_url(channel.id)
        body = self.reply_body(response)
        if body is not None:
            self.show_reply(body, channel.id)
        self.show_new_calls()

    def remember_response_url(self, channel_id: str | None) -> None:
        """Note the channel of the request just sent, so a post to its response_url is shown there."""
        url = self.sender.last_response_url
        if url and channel_id:
            self.reply_channels.setdefault(url.rstrip("/").rsplit("/", 1)[-1], channel_id)

    def reply_channel(self, call: RecordedCall) -> str:
        """The channel a response_url post belongs to: that of the request that carried the URL."""
        key = (call.path or "").rstrip("/").rsplit("/", 1)[-1]
        return self.reply_channels.get(key, self.channel.id)

    def show_reply(self, body: Any, channel_id: str, *, replaces: bool = False) -> None:
        """An ack body or a response_url post: ephemeral unless response_type is in_channel."""
        if not isinstance(body, dict):
            body = {"text": str(body)}
        if body.get("delete_original"):
            self.say()
            self.note(self.t("sandbox.render.reply_deleted"))
            self.shown = True
            return
        if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
            return
        in_channel = body.get("response_type") == "in_channel"
        labels = ([self.t("sandbox.labels.everyone", channel=self.channel_name(channel_id))] if in_channel
                  else [self.t("sandbox.labels.only_you"), *self.channel_labels(channel_id)])
        if replaces or body.get("replace_original"):
            labels.append(self.t("sandbox.labels.replaces"))
        place = Place("reply", channel_id, self.new_ts(), ephemeral=not in_channel)
        self.show_message(labels, body, place)

    def post_message(self, text: str, thread_of: ShownMessage | None = None) -> None:
        """A message in the current channel, or in the thread of a shown message (in that message's channel)."""
        ts = self.new_ts()
        channel_id = thread_of.channel_id if thread_of is not None else self.channel.id
        channel_type = "im" if channel_id.startswith("D") else "channel"
        event: dict[str, Any] = {"type": "message", "channel": channel_id, "user": self.current, "text": text,
                                 "ts": ts, "channel_type": channel_type, "team": self.emulator.team_id}
        root = None
        if thread_of is not None:
            root = thread_of.thread_ts or thread_of.ts
            event["thread_ts"] = root
        self._store_person_message(event)
        shown = self.remember_message(channel_id, ts, root)
        if root is not None:
            parent = self.message_number(channel_id, root)
            self.note(self.t("sandbox.posted_in_thread", number=shown.number, parent=parent))
        else:
            self.note(self.t("sandbox.posted", number=shown.number))
        self.shown = False
        self.send(lambda: self.sender.event(event))
        self.show_new_calls()

    def _store_person_message(self, event: dict[str, Any]) -> None:
        """Keep a person's message in the emulated channel, so conversations.history/replies see it.

        The emulator only records what the bot posts and has no public call for messages that
        people write, so this adds it to the emulator's state under the emulator's own lock.
        """
        state, lock = getattr(self.emulator, "_state", None), getattr(self.emulator, "_cond", None)
        messages = getattr(state, "messages", None)
        if lock is None or not isinstance(messages, dict):
            return
        message = {k: event[k] for k in ("type", "user", "text", "ts", "team") if k in event}
        if "thread_ts" in event:
            message["thread_ts"] = event["thread_ts"]
        with lock:
            messages.setdefault(str(event["channel"]), []).append(message)

    def thread_reply(self, rest: str) -> None:
        number, _, text = rest.partition(" ")
        if not number.isdigit() or not text.strip():
            self.warn(self.t("sandbox.errors.usage", usage=self.t("sandbox.usage.thread")))
            return
        shown = next((m for m in self.messages if m.number == int(number)), None)
        if shown is None:
            self.warn(self.t("sandbox.errors.unknown_message", number=number))
            return
        self.post_message(text.strip(), thread_of=shown)

    def share_file(self, rest: str) -> None:
        """A file from this computer shared into the channel with a message (Slack's `file_share`)."""
        path_text, text = _path_and_text(rest)
        if not path_text:
            self.warn(self.t("sandbox.errors.usage", usage=self.t("sandbox.usage.share")))
            return
        path = Path(path_text).expanduser()
        try:
            content = path.read_bytes()
        except OSError as error:
            self.warn(self.t("sandbox.modal.bad_file", path=path_text, error=error.strerror or type(error).__name__))
            return
        file_obj = self.emulator.add_file(path.name, content, user_id=self.current)
        ts = self.new_ts()
        event: dict[str, Any] = {
            "type": "message", "subtype": "file_share", "text": text, "files": [file_obj], "upload": True,
            "user": self.current, "display_as_bot": False, "ts": ts, "client_msg_id": str(uuid.uuid4()),
            "channel": self.channel.id, "event_ts": ts, "channel_type": "channel",
        }
        self._store_person_message(event)
        shown = self.remember_message(self.channel.id, ts, None)
        self.note(self.t("sandbox.shared", number=shown.number, file=path.name))
        self.shown = False
        self.send(lambda: self.sender.event(event))
        self.show_new_calls()

    def click(self, number: int) -> None:
        button = self.buttons.get(number)
        if button is None:
            self.warn(self.t("sandbox.errors.unknown_button", number=number))
            return
        place = button.place
        if place.kind == "view":
            frame = next((f for f in self.modals if f.view.get("id") == place.view_id), None)
            if frame is None:
                self.warn(self.t("sandbox.errors.form_closed"))
                return
            self.click_in_view(button, frame)
            return
        if self.modals:
            self.warn(self.t("sandbox.errors.form_open"))
            return
        action = dict(button.action)
        state = self.menu_choices.setdefault((place.channel_id, place.ts), {})
        if action.get("type") == "static_select":  # a choice in a message's menu: the message keeps it
            self.note(self.t("sandbox.chose", label=button.label))
            chosen = _selection("static_select", [action["selected_option"]], False)
            state.setdefault(str(action["block_id"]), {})[str(action["action_id"])] = chosen
        else:
            self.note(self.t("sandbox.pressed", label=button.label))
        if place.kind == "message":
            message = next((m for m in self.emulator.messages(place.channel_id or self.channel.id)
                            if m.get("ts") == place.ts), None)
            if message is None:
                self.warn(self.t("sandbox.errors.button_gone"))
                return
            response = self.send(lambda: self.sender.block_actions(
                [action], user_id=self.current, channel_id=place.channel_id, message=message, state_values=state))
        elif place.kind == "home":
            view = self.emulator.views().get(f"home:{place.user_id}")
            if view is None:
                self.warn(self.t("sandbox.errors.button_gone"))
                return
            response = self.send(lambda: self.sender.block_actions([action], user_id=self.current, view=view))
        else:
            container = {"type": "message", "message_ts": place.ts, "channel_id": place.channel_id,
                         "is_ephemeral": place.ephemeral}
            response = self.send(lambda: self.sender.block_actions(
                [action], user_id=self.current, channel_id=place.channel_id, container=container,
                state_values=state))
        if place.kind != "home":
            self.remember_response_url(place.channel_id)
        self.shown = False
        self.reply_body(response)
        self.show_new_calls()

    def click_in_view(self, button: Button, frame: Frame) -> None:
        self.note(self.t("sandbox.pressed", label=button.label))
        view = self.view_with_state(frame)
        response = self.send(lambda: self.sender.block_actions(
            [dict(button.action)], user_id=self.current, view=view))
        self.reply_body(response)
        self.show_new_calls(quiet=True)

    def membership(self, kind: str, rest: str) -> None:
        if not rest:
            self.warn(self.t("sandbox.errors.usage", usage=self.t(f"sandbox.usage.{kind}")))
            return
        person = self.find_user(rest)
        if person is None:
            self.warn(self.t("sandbox.errors.unknown_user", name=rest))
            return
        channel = self.channel
        inside = person.id in channel.members
        if kind == "join" and inside:
            self.warn(self.t("sandbox.errors.already_in", name=person.name, channel=channel.name))
            return
        if kind == "leave" and not inside:
            self.warn(self.t("sandbox.errors.not_in", name=person.name, channel=channel.name))
            return
        if kind == "join":
            channel.members.append(person.id)
        else:
            channel.members.remove(person.id)
        self.emulator.add_channel(channel.id, channel.name, members=list(channel.members))
        done = "sandbox.joined" if kind == "join" else "sandbox.left"
        self.note(self.t(done, name=person.name, channel=channel.name))
        event = {"type": "member_joined_channel" if kind == "join" else "member_left_channel",
                 "user": person.id, "channel": channel.id, "channel_type": "C", "team": self.emulator.team_id}
        if kind == "join":
            event["inviter"] = self.current
        self.shown = False
        self.send(lambda: self.sender.event(event))
        self.show_new_calls()

    def go_to_channel(self, rest: str) -> None:
        """`:channel NAME`: go to #NAME (created the first time, and the bot added); no NAME lists the channels."""
        if not rest:
            self.list_channels()
            return
        name = rest.removeprefix("#")
        if not _CHANNEL_NAME.match(name) or name != name.lower():
            self.warn(self.t("sandbox.channels.bad_name", name=name))
            self.warn(self.t("sandbox.errors.usage", usage=self.t("sandbox.usage.channel")))
            return
        known = next((c for c in self.channels if c.name == name), None)
        if known is self.channel:
            self.note(self.t("sandbox.channels.already_here", channel=name))
        elif known is not None:
            self.channel = known
            self.note(self.t("sandbox.channels.moved", channel=name))
        else:
            people = [u.id for u in self.users if u.in_channel]
            self.channel = SandboxChannel(f"{CHANNEL_ID_PREFIX}{len(self.channels) + 1}", name, people)
            self.channels.append(self.channel)
            self.emulator.add_channel(self.channel.id, name, members=list(people))
            self.note(self.t("sandbox.channels.created", channel=name, members=self.member_names(self.channel)))
            self.bot_joins()

    def member_names(self, channel: SandboxChannel) -> str:
        """`@you, @ayse, ...`: the people in a channel of the session."""
        return ", ".join(f"@{self.user_name(u)}" for u in channel.members)

    def list_channels(self) -> None:
        """The session's channels, each with its PLC team and its people; the current one marked."""
        self.say(self.t("sandbox.channels.header"))
        for channel in self.channels:
            team = self.plc.services.teams.find(self.emulator.team_id, channel.id) if self.plc else None
            line = self.t("sandbox.channels.line", channel=channel.name, members=self.member_names(channel),
                          team=self.t("sandbox.channels.team", name=team.name) if team
                          else self.t("sandbox.channels.no_team"))
            if channel is self.channel:
                line += " " + self.t("sandbox.channels.current")
            self.say("  " + line)
        self.note(self.t("sandbox.channels.hint"))

    def speak_as(self, rest: str) -> None:
        if not rest:
            self.warn(self.t("sandbox.errors.usage", usage=self.t("sandbox.usage.as")))
            return
        person = self.find_user(rest)
        if person is None:
            self.warn(self.t("sandbox.errors.unknown_user", name=rest))
            return
        self.current = person.id
        self.note(self.t("sandbox.now_as", name=person.name))

    def button_labelled(self, label: str) -> int | None:
        """The number of the latest button shown with `label` (so scripts need not count buttons)."""
        wanted = label.strip().casefold()
        return max((n for n, b in self.buttons.items() if b.label.strip().casefold() == wanted), default=None)

    def open_home(self) -> None:
        """The person speaking opens PLC Bot's App Home: Slack sends `app_home_opened`, the bot publishes it."""
        event: dict[str, Any] = {"type": "app_home_opened", "user": self.current, "channel": "D" + self.current[1:],
                                 "tab": "home"}
        published = self.emulator.views().get(f"home:{self.current}")
        if published is not None:  # Slack adds the Home's current view once one was published
            event["view"] = published
        self.shown = False
        self.send(lambda: self.sender.event(event))
        self.show_new_calls()

    def list_users(self) -> None:
        self.say(self.t("sandbox.users.header"))
        for person in self.users:
            inside = person.id in self.channel.members
            where = self.t("sandbox.users.in_channel" if inside else "sandbox.users.not_in_channel",
                           channel=self.channel.name)
            line = self.t("sandbox.users.line", name=person.name, real_name=person.real_name, tz=person.tz, where=where)
            if person.is_admin:
                line += ", " + self.t("sandbox.users.admin")
            if person.id == self.current:
                line += " " + self.t("sandbox.users.speaking")
            self.say("  " + line)

    def list_calls(self) -> None:
        calls = self.emulator.calls
        if not calls:
            self.say(self.t("sandbox.calls.none"))
            return
        self.say(self.t("sandbox.calls.header", count=len(calls)))
        for number, call in enumerate(calls, start=1):
            status = (self.t("sandbox.calls.ok") if call.ok
                      else self.t("sandbox.calls.failed", error=call.error or call.status))
            details = " ".join(f"{key}={call.args[key]}" for key in ("channel", "user", "user_id", "view_id", "ts")
                               if isinstance(call.args.get(key), str) and call.args.get(key))
            self.say(f"  {number:>3}. {call.method:<32} {status}  {self.style.dim(details)}".rstrip())

    def list_jobs(self) -> None:
        """The bot's latest jobs (slow work done after the ack) and how far each got."""
        jobs = self.plc.services.jobs.recent(20) if self.plc else []
        if not jobs:
            self.say(self.t("sandbox.jobs.none"))
            return
        self.say(self.t("sandbox.jobs.header", count=len(jobs)))
        for job in reversed(jobs):
            state = self.t(f"sandbox.jobs.states.{job.state}")
            line = self.t("sandbox.jobs.line", kind=job.kind, state=state, attempts=job.attempts,
                          user=self.user_name(job.user_id) if job.user_id else "-")
            self.say(f"  {line}" + (f"  {self.style.dim(job.last_error[:120])}" if job.last_error else ""))

    # ------------------------------------------------------------------ the scheduler
    def channel_team(self) -> TeamProfile | None:
        """The PLC team of the current channel, or None (and a warning) when there is none."""
        team = self.plc.services.teams.find(self.emulator.team_id, self.channel.id) if self.plc else None
        if team is None:
            self.warn(self.t("sandbox.due.no_team", channel=self.channel.name))
        return team

    def pending_notices(self, team_id: int) -> list[PendingNotice]:
        """The team's outbox rows still pending, in the order the scheduler sends them."""
        assert self.plc is not None
        c = ScheduledNotice
        with self.plc.services.db.session() as session:
            rows = session.execute(
                select(c.id, c.kind, c.due_at, c.occurrence_at)
                .where(c.team_id == team_id, c.status == PENDING).order_by(c.due_at, c.id)
            ).all()
        return [PendingNotice(r.id, r.kind, r.due_at, r.occurrence_at) for r in rows]

    def kind_label(self, kind: str) -> str:
        key = f"sandbox.kinds.{kind}"
        return self.t(key) if self.texts.has(key) else kind

    def kind_named(self, word: str) -> str | None:
        """The notice kind a word names: the kind itself, a short alias, or its label."""
        wanted = word.strip().casefold().replace("-", "_")
        if wanted in NOTICE_KINDS:
            return wanted
        if wanted in KIND_ALIASES:
            return KIND_ALIASES[wanted]
        for kind in NOTICE_KINDS:
            words = [self.kind_label(kind), *self.texts.list(f"sandbox.fire.aliases.{kind}")]
            if wanted in (w.casefold().replace("-", "_") for w in words):
                return kind
        return None

    def now(self) -> dt.datetime:
        return self.clock or dt.datetime.now(dt.UTC)

    def moment(self, value: dt.datetime, zone: str) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return self.texts.datetime(value, format=self.t("sandbox.clock.format"), tzinfo=ZoneInfo(zone))

    def clock_zone(self) -> str:
        team = self.plc.services.teams.find(self.emulator.team_id, self.channel.id) if self.plc else None
        if team is not None:
            return team.timezone
        you = self.user(YOU)
        return you.tz if you else "UTC"

    def clock_line(self) -> str:
        zone = self.clock_zone()
        key = "sandbox.clock.moved" if self.clock else "sandbox.clock.real"
        return self.t(key, when=self.moment(self.now(), zone), timezone=zone)

    def show_clock(self) -> None:
        self.say(self.clock_line())

    def list_due(self) -> None:
        team = self.channel_team()
        if team is None:
            return
        notices = self.pending_notices(team.id)
        if not notices:
            self.say(self.t("sandbox.due.none", team=team.name))
            return
        self.say(self.t("sandbox.due.header", team=team.name, count=len(notices), timezone=team.timezone))
        for number, notice in enumerate(notices, start=1):
            # Buttons run on the real clock: a time-box nudge can be due before the sandbox clock.
            key = "sandbox.due.line_overdue" if self.clock and notice.due_at < self.clock else "sandbox.due.line"
            self.say("  " + self.t(key, number=number, kind=self.kind_label(notice.kind),
                                   when=self.moment(notice.due_at, team.timezone)))
        self.note(self.clock_line())
        self.note(self.t("sandbox.due.hint"))

    def run_scheduler_until(self, team_id: int, until: dt.datetime) -> DispatchReport:
        """Run the app's dispatcher at the due time of each pending notice up to `until`, in order.

        As in real time, each notice goes out at its own time: an agenda preview is sent the day
        before, not dropped as too late when the meeting's start is fired.
        """
        assert self.plc is not None
        db = self.plc.services.db
        dispatcher = NoticeDispatcher(db, senders(self.plc), NoticePlanner(db), None)
        total = DispatchReport()
        for _ in range(MAX_SCHEDULER_ROUNDS):
            waiting = [n.due_at for n in self.pending_notices(team_id) if n.due_at <= until]
            if not waiting:
                break
            report = dispatcher.run_due(min(waiting))
            total.sent, total.dropped, total.retried = (
                total.sent + report.sent, total.dropped + report.dropped, total.retried + report.retried)
            if not report:
                break
        return total

    def fire(self, rest: str) -> None:
        """Make the chosen notice (default: the next one) fall due now: run the app's dispatcher at its time."""
        team = self.channel_team()
        if team is None or self.plc is None:
            return
        notices = self.pending_notices(team.id)
        if not notices:
            self.warn(self.t("sandbox.fire.none", team=team.name))
            return
        wanted = rest.strip()
        if not wanted:
            notice = notices[0]
        elif wanted.isdigit():
            if not 1 <= int(wanted) <= len(notices):
                self.warn(self.t("sandbox.fire.no_number", number=wanted, count=len(notices)))
                return
            notice = notices[int(wanted) - 1]
        else:
            kind = self.kind_named(wanted)
            if kind is None:
                names = ", ".join(SHORT_KINDS)
                self.warn(self.t("sandbox.fire.unknown_kind", kind=wanted, kinds=names))
                self.warn(self.t("sandbox.errors.usage", usage=self.t("sandbox.usage.fire")))
                return
            found = next((n for n in notices if n.kind == kind), None)
            if found is None:
                self.warn(self.t("sandbox.fire.no_kind", kind=self.kind_label(kind)))
                return
            notice = found
        due = notice.due_at
        overdue = self.clock is not None and due < self.clock
        self.clock = max(self.now(), due)
        self.note(self.t("sandbox.fire.running_overdue" if overdue else "sandbox.fire.running",
                         kind=self.kind_label(notice.kind), when=self.moment(due, team.timezone)))
        self.shown = False
        try:
            report = self.run_scheduler_until(team.id, due)
        except Exception as error:  # noqa: BLE001 - the session goes on; the traceback is in the log
            logging.getLogger(__name__).exception("the scheduler failed in the sandbox")
            self.show_new_calls(quiet=True)
            self.warn(self.t("sandbox.fire.failed", error=type(error).__name__))
            return
        self.show_new_calls(quiet=True)
        self.say()
        self.note(self.t("sandbox.fire.report", sent=report.sent, dropped=report.dropped, retried=report.retried))
        self.note(self.clock_line())

    # ------------------------------------------------------------------ showing what the app did
    def show_message(self, labels: list[str], message: dict[str, Any], place: Place | None) -> None:
        self.say()
        self.say(self.style.bold(" · ".join([self.t("sandbox.bot_name"), *labels])))
        for line in self.renderer.message(message, place):
            self.say(f"  {line}" if line else "")
        self.shown = True

    def channel_name(self, channel_id: str) -> str:
        """The name of a channel of the session (or of the emulator), without its `#`."""
        known = next((c for c in self.channels if c.id == channel_id), None)
        if known is not None:
            return known.name
        channel = self.emulator.get_channel(channel_id) or {}
        return str(channel.get("name") or channel_id)

    def channel_labels(self, channel_id: str) -> list[str]:
        """Where a message appeared, when that is not the current channel."""
        if channel_id == self.channel.id:
            return []
        channel = self.emulator.get_channel(channel_id) or {}
        if channel.get("is_im"):
            return [self.t("sandbox.labels.dm", name=self.user_name(str(channel.get("user") or "")))]
        return [self.t("sandbox.labels.other_channel", channel=channel.get("name") or channel_id)]

    def thread_labels(self, channel_id: str, thread_ts: Any, ts: str) -> list[str]:
        if not thread_ts or thread_ts == ts:
            return []
        parent = self.message_number(channel_id, str(thread_ts))
        return [self.t("sandbox.labels.thread", number=parent) if parent else self.t("sandbox.labels.thread_unknown")]

    def show_call(self, call: RecordedCall) -> None:
        method, args = call.method, call.args
        response = call.response if isinstance(call.response, dict) else {}
        if not call.ok:
            self.warn(self.t("sandbox.errors.call_failed", method=method, error=call.error or call.status))
            return
        if method == "chat.postMessage":
            channel_id, ts = str(response.get("channel") or ""), str(response.get("ts") or "")
            shown = self.remember_message(channel_id, ts, args.get("thread_ts"))
            labels = [self.t("sandbox.labels.message", number=shown.number), *self.channel_labels(channel_id),
                      *self.thread_labels(channel_id, args.get("thread_ts"), ts)]
            self.show_message(labels, response.get("message") or args, Place("message", channel_id, ts))
        elif method == "chat.postEphemeral":
            user_id = str(args.get("user") or "")
            only = (self.t("sandbox.labels.only_you") if user_id == self.current
                    else self.t("sandbox.labels.only_user", name=self.user_name(user_id)))
            channel_id = self.channel_id_of(args.get("channel"))
            place = Place("message", channel_id, str(response.get("message_ts") or ""), ephemeral=True)
            self.show_message([only, *self.channel_labels(channel_id)], args, place)
        elif method == "chat.update":
            channel_id, ts = str(response.get("channel") or ""), str(response.get("ts") or "")
            number = self.remember_message(channel_id, ts, None).number
            message = response.get("message") if isinstance(response.get("message"), dict) else args
            labels = [self.t("sandbox.labels.updated", number=number)]
            self.show_message(labels, message, Place("message", channel_id, ts))
        elif method == "chat.delete":
            number = self.message_number(str(response.get("channel") or ""), str(response.get("ts") or ""))
            self.say()
            self.note(self.t("sandbox.render.deleted", number=number or "?"))
            self.shown = True
        elif method == "response_url":
            self.show_reply(args, self.reply_channel(call))
        elif method in ("views.open", "views.push"):
            self.view_opened(response.get("view") or {}, pushed=method == "views.push")
        elif method == "views.update":
            self.view_updated(response.get("view") or {})
        elif method == "views.publish":
            view = response.get("view") or {}
            user_id = str(args.get("user_id") or "")
            place = Place("home", view_id=str(view.get("id") or ""), user_id=user_id)
            self.say()
            self.say(self.style.bold(self.t("sandbox.render.home", name=self.user_name(user_id))))
            for line in self.renderer.blocks(view.get("blocks") or [], place):
                self.say(f"  {line}" if line else "")
            self.shown = True
        elif method == "files.completeUploadExternal":
            self.show_files(args, response)

    def channel_id_of(self, value: Any) -> str:
        key = str(value or self.channel.id)
        if key[:1] in ("U", "W"):
            return "D" + key[1:]
        return key

    def show_files(self, args: dict[str, Any], response: dict[str, Any]) -> None:
        channel_id = self.channel_id_of(args.get("channel_id") or args.get("channels") or self.channel.id)
        self.say()
        self.say(self.style.bold(" · ".join([self.t("sandbox.bot_name"), self.t("sandbox.render.file_posted"),
                                             *self.channel_labels(channel_id)])))
        if args.get("initial_comment"):
            for line in self.renderer.mrkdwn(str(args["initial_comment"])).splitlines():
                self.say(f"  {line}")
        for file_obj in response.get("files") or []:
            shown = self.t("sandbox.render.file", name=file_obj.get("name", ""), title=file_obj.get("title", ""))
            self.say("  " + shown)
        self.shown = True

    # ------------------------------------------------------------------ modals
    def view_opened(self, view: dict[str, Any], pushed: bool) -> None:
        title = self.renderer.text_of(view.get("title"))
        self.say()
        opened = self.t("sandbox.render.form_opened", title=title)
        self.say(self.style.bold(" · ".join([self.t("sandbox.bot_name"), opened])))
        self.modals.append(Frame(view=copy.deepcopy(view), values=values_for(view, {})))
        if len(self.modals) > 1:
            self.modals[-2].changed = True
        self.shown = True

    def view_updated(self, view: dict[str, Any]) -> None:
        frame = next((f for f in self.modals if f.view.get("id") == view.get("id")), None)
        if frame is None:
            return
        self.replace_view(frame, view)
        self.note(self.t("sandbox.render.form_updated", title=self.renderer.text_of(view.get("title"))))
        self.shown = True

    def replace_view(self, frame: Frame, view: dict[str, Any]) -> None:
        fresh = values_for(view, {})
        for block_id, actions in fresh.items():
            for action_id, entry in actions.items():
                old = frame.values.get(block_id, {}).get(action_id)
                if old is not None and old.get("type") == entry.get("type"):
                    actions[action_id] = old
        frame.view, frame.values, frame.ask, frame.changed = copy.deepcopy(view), fresh, None, True

    def materialize(self, view: dict[str, Any], view_id: str, previous: str | None) -> dict[str, Any]:
        """A view given in a response_action, with the fields Slack adds when it shows it."""
        result = copy.deepcopy(view)
        root = self.modals[0].view.get("root_view_id") if self.modals else view_id
        result.update(id=view_id, team_id=self.emulator.team_id, state={"values": {}},
                      hash=f"{int(time.time())}.{uuid.uuid4().hex[:8]}", root_view_id=root or view_id,
                      app_id=self.sender.api_app_id, bot_id=self.emulator.bot_id, previous_view_id=previous)
        for key, default in (("private_metadata", ""), ("callback_id", ""), ("external_id", ""),
                             ("clear_on_close", False), ("notify_on_close", False), ("blocks", [])):
            result.setdefault(key, default)
        return result

    def view_with_state(self, frame: Frame) -> dict[str, Any]:
        view = copy.deepcopy(frame.view)
        view["state"] = {"values": copy.deepcopy(frame.values)}
        return view

    def fill_modals(self) -> None:
        """Fill and submit the open modals until none is left (or the person cancels)."""
        while self.modals:
            frame = self.modals[-1]
            frame.changed = False
            if not frame.view.get("submit") and not _input_blocks(frame.view):
                self.show_form(frame, read_only=True)  # a modal to read (only Close): shown, then closed
                self.cancel_modals()
                self.note(self.t("sandbox.modal.read_only"))
                return
            self.show_form(frame)
            try:
                complete = self.ask_fields(frame)
            except FormCancelled:
                self.cancel_modals()
                self.note(self.t("sandbox.modal.cancelled"))
                return
            except FormQuit:  # as at the channel prompt, after closing the form as end of input does
                self.cancel_modals()
                self.note(self.t("sandbox.modal.cancelled"))
                self.note(self.t("sandbox.bye"))
                raise EndSession(EXIT_OK) from None
            except EOFError:
                title = self.renderer.text_of(frame.view.get("title"))
                self.cancel_modals()
                self.say()
                self.warn(self.t("sandbox.modal.eof", title=title))
                raise EndSession(EXIT_FORM_LEFT_OPEN) from None
            if complete:
                self.submit(frame)

    def show_form(self, frame: Frame, read_only: bool = False) -> None:
        view = frame.view
        self.say()
        self.say(self.style.bold(self.t("sandbox.modal.title", title=self.renderer.text_of(view.get("title")))))
        if frame.ask is None:
            place = Place("view", view_id=str(view.get("id") or ""))
            for index, block in enumerate(view.get("blocks") or []):
                if isinstance(block, dict) and block.get("type") != "input":
                    block_id = str(block.get("block_id") or f"sandbox-block-{index}")
                    for line in self.renderer.block(block, block_id, place):
                        self.say(f"  {line}" if line else "")
            if not read_only:
                self.note(self.t("sandbox.modal.intro"))

    def ask_fields(self, frame: Frame) -> bool:
        """Ask every field still to ask; False when the modal changed on the way."""
        blocks = _input_blocks(frame.view)
        if frame.ask is not None:
            blocks = [b for b in blocks if b["block_id"] in frame.ask] or blocks
        for block in blocks:
            try:
                self.ask_field(frame, block)
            except FormRestart:
                return False
            if frame.changed or self.modals[-1] is not frame:
                return False
        return True

    def submit(self, frame: Frame) -> None:
        view = frame.view
        title = self.renderer.text_of(view.get("title"))
        self.say()
        self.note(self.t("sandbox.modal.submitting", title=title))
        response = self.send(lambda: self.sender.view_submission(view, frame.values, user_id=self.current))
        body = self.reply_body(response)
        if response is None or response.status_code != 200:
            frame.ask = None
            self.show_new_calls(quiet=True)
            return
        action = body.get("response_action") if isinstance(body, dict) else None
        if action == "errors" and isinstance(body.get("errors"), dict):
            self.show_errors(frame, body["errors"])
        elif action == "update" and isinstance(body.get("view"), dict):
            self.replace_view(frame, self.materialize(body["view"], str(view.get("id")), view.get("previous_view_id")))
        elif action == "push" and isinstance(body.get("view"), dict):
            pushed = self.materialize(body["view"], f"V0SANDBOX{uuid.uuid4().hex[:6].upper()}", view.get("id"))
            self.modals.append(Frame(view=pushed, values=values_for(pushed, {})))
        elif action == "clear":
            self.modals.clear()
            self.note(self.t("sandbox.modal.submitted"))
        else:
            self.modals.remove(frame)
            self.note(self.t("sandbox.modal.submitted"))
            if self.modals:
                # Back to the form underneath: everything in it can be changed again before it is submitted.
                self.modals[-1].ask = None
        self.show_new_calls(quiet=True)

    def show_errors(self, frame: Frame, errors: dict[str, Any]) -> None:
        labels = {b["block_id"]: self.renderer.text_of(b.get("label")) for b in _input_blocks(frame.view)}
        self.warn(self.t("sandbox.modal.errors"))
        for block_id, error in errors.items():
            self.warn("  " + self.t("sandbox.modal.error_line", label=labels.get(block_id, block_id), error=error))
        frame.ask = [block_id for block_id in errors if block_id in labels] or None

    def cancel_modals(self) -> None:
        """Close every open modal; the app hears of it when the view asked for notify_on_close."""
        closing, self.modals = self.modals[::-1], []
        notified = False
        for frame in closing:
            if frame.view.get("notify_on_close"):
                view = self.view_with_state(frame)
                self.send(lambda view=view: self.sender.view_closed(view, user_id=self.current))
                notified = True
        if notified:
            self.show_new_calls(quiet=True)

    # one field
    def ask(self, prompt: str, frame: Frame) -> str:
        """A line typed at a form prompt; handles :cancel, :quit, :help and :click N there."""
        while True:
            try:
                line = self.reader.read(prompt)
            except KeyboardInterrupt:
                self.say()
                raise FormCancelled from None
            word, _, rest = line.strip().partition(" ")
            if word == ":cancel":
                raise FormCancelled
            if word in (":quit", ":q", ":exit"):  # never a value: a team called ":quit" is a typo
                raise FormQuit
            if word == ":help":
                self.note(self.t("sandbox.modal.help"))
                continue
            if word == ":click":
                number = rest.strip()
                button = self.buttons.get(int(number)) if number.isdigit() else None
                if button is None or button.place.view_id != frame.view.get("id"):
                    self.warn(self.t("sandbox.errors.unknown_button", number=number))
                    continue
                self.click_in_view(button, frame)
                if frame.changed or not self.modals or self.modals[-1] is not frame:
                    raise FormRestart
                continue
            return line

    def field_prompt(self, label: str, current: str, kind: str = "prompt") -> str:
        """`  Label [current]> ` (kind "prompt") or `  Label [current], search> ` (kind "search_prompt")."""
        if current.strip() and "\n" not in current and len(current) <= SHORT_VALUE:
            return "  " + self.t(f"sandbox.modal.{kind}_current", label=label, current=current)
        return "  " + self.t(f"sandbox.modal.{kind}", label=label)

    def describe(self, entry: dict[str, Any] | None) -> str:
        """What a state entry holds, as the person would read it."""
        if not entry:
            return ""
        if "value" in entry:
            return str(entry.get("value") or "")
        if "selected_option" in entry:
            option = entry.get("selected_option")
            return self.renderer.text_of(option.get("text")) if isinstance(option, dict) else ""
        if "selected_options" in entry:
            return ", ".join(self.renderer.text_of(o.get("text")) for o in entry.get("selected_options") or [])
        for key in ("selected_user", "selected_users"):
            if key in entry:
                ids = entry.get(key) or []
                return ", ".join(f"@{self.user_name(u)}" for u in ([ids] if isinstance(ids, str) else ids))
        for key in ("selected_conversation", "selected_conversations", "selected_channel", "selected_channels"):
            if key in entry:
                ids = entry.get(key) or []
                return ", ".join(self.renderer.mrkdwn(f"<#{c}>") for c in ([ids] if isinstance(ids, str) else ids))
        for key in ("selected_date", "selected_time"):
            if key in entry:
                return str(entry.get(key) or "")
        if "files" in entry:
            return ", ".join(str(f.get("name", "")) for f in entry.get("files") or [])
        if "rich_text_value" in entry:
            return Renderer.rich_text(entry.get("rich_text_value")).strip()
        return ""

    def ask_field(self, frame: Frame, block: dict[str, Any]) -> None:
        element = block["element"]
        block_id, action_id, kind = block["block_id"], element["action_id"], str(element.get("type"))
        label = self.renderer.text_of(block.get("label"))
        if block.get("optional"):
            label += " " + self.t("sandbox.modal.optional")
        entry = frame.values.get(block_id, {}).get(action_id) or {"type": kind}
        self.say()
        if block.get("hint") or kind not in SINGLE_LINE_INPUTS or element.get("multiline"):
            # Lists and hints come before the prompt; name the field above them.
            self.say("  " + self.style.bold(label))
        if block.get("hint"):
            for line in self.renderer.text_of(block["hint"]).splitlines():
                self.note("    " + line)
        if kind in TEXT_INPUTS:
            new = self.ask_text(frame, element, entry, label)
        elif kind in OPTION_INPUTS:
            new = self.ask_option(frame, element, entry, label, _options(element))
        elif kind in EXTERNAL_INPUTS:
            new = self.ask_external(frame, block, entry, label)
        elif kind in USER_INPUTS or kind in CHANNEL_INPUTS:
            new = self.ask_ids(frame, element, entry, label)
        elif kind == "datepicker":
            new = self.ask_pattern(frame, entry, label, "selected_date", _DATE,
                                   help_key="sandbox.modal.date", error_key="sandbox.modal.bad_date")
        elif kind == "timepicker":
            new = self.ask_pattern(frame, entry, label, "selected_time", _TIME,
                                   help_key="sandbox.modal.time", error_key="sandbox.modal.bad_time")
        elif kind == "file_input":
            new = self.ask_file(frame, element, entry, label)
        else:
            self.note("    " + self.t("sandbox.modal.unsupported", type=kind))
            return
        frame.values.setdefault(block_id, {})[action_id] = new
        if block.get("dispatch_action") and new != entry:
            self.dispatch(frame, block, new)

    def dispatch(self, frame: Frame, block: dict[str, Any], entry: dict[str, Any]) -> None:
        """An input with dispatch_action tells the app about each new value (block_actions)."""
        element = block["element"]
        action = {"type": element.get("type"), "action_id": element["action_id"], "block_id": block["block_id"],
                  **{k: v for k, v in entry.items() if k != "type"}}
        view = self.view_with_state(frame)
        response = self.send(lambda: self.sender.block_actions([action], user_id=self.current, view=view))
        self.reply_body(response)
        self.show_new_calls(quiet=True)
        if frame.changed or not self.modals or self.modals[-1] is not frame:
            raise FormRestart

    def ask_text(self, frame: Frame, element: dict[str, Any], entry: dict[str, Any], label: str) -> dict[str, Any]:
        kind = str(element.get("type"))
        current = self.describe(entry)
        multiline = bool(element.get("multiline"))
        if multiline and current:
            self.note("    " + self.t("sandbox.modal.now", value=""))
            for line in current.splitlines():
                self.note("      " + line)
        if multiline:
            self.note("    " + self.t("sandbox.modal.multiline"))
        elif kind == "number_input":
            self.note("    " + self.t("sandbox.modal.number"))
        while True:
            first = self.ask(self.field_prompt(label, current), frame)
            if first == "":
                return entry
            if first.strip() == "-":
                value = ""
            elif multiline and first.strip() != ".":
                lines = [first]
                while (more := self.ask("  " + self.t("sandbox.modal.more"), frame)).strip() != ".":
                    lines.append(more)
                value = "\n".join(lines)
            elif multiline:
                value = ""
            else:
                value = first
            limit = element.get("max_length")
            if isinstance(limit, int) and len(value) > limit:
                self.warn("    " + self.t("sandbox.modal.too_long", max=limit, length=len(value)))
                continue
            if kind == "number_input" and value and not (
                _NUMBER.match(value.strip()) and (element.get("is_decimal_allowed") or "." not in value)
            ):
                self.warn("    " + self.t("sandbox.modal.bad_number"))
                continue
            if kind == "rich_text_input":
                section = {"type": "rich_text_section", "elements": [{"type": "text", "text": value}]}
                return {"type": kind, "rich_text_value": {"type": "rich_text", "elements": [section]}}
            return {"type": kind, "value": value or None}

    def list_options(self, options: list[tuple[str | None, dict[str, Any]]]) -> None:
        group: str | None = None
        for number, (group_label, option) in enumerate(options, start=1):
            if group_label and group_label != group:
                group = group_label
                self.say(f"    {self.renderer.mrkdwn(group_label)}")
            self.say(f"    {number:>2}. {self.renderer.text_of(option.get('text'))}")

    def choose(self, line: str, options: list[tuple[str | None, dict[str, Any]]], many: bool) -> list[Any] | None:
        """The options `line` names (numbers or option texts, comma-separated when many)."""
        parts = [p.strip() for p in line.split(",")] if many else [line.strip()]
        chosen = []
        for part in parts:
            if part.isdigit() and 1 <= int(part) <= len(options):
                chosen.append(options[int(part) - 1][1])
                continue
            match = next((o for _, o in options if part.casefold() in (
                self.renderer.text_of(o.get("text")).casefold(), str(o.get("value", "")).casefold())), None)
            if match is None:
                return None
            chosen.append(match)
        return chosen

    def ask_option(
        self, frame: Frame, element: dict[str, Any], entry: dict[str, Any], label: str,
        options: list[tuple[str | None, dict[str, Any]]],
    ) -> dict[str, Any]:
        kind = str(element.get("type"))
        many = kind in MULTI_INPUTS
        self.list_options(options)
        self.note("    " + self.t("sandbox.modal.pick_many" if many else "sandbox.modal.pick_one"))
        while True:
            line = self.ask(self.field_prompt(label, self.describe(entry)), frame).strip()
            if line == "":
                return entry
            if line == "-":
                return {"type": kind, "selected_options": []} if many else {"type": kind, "selected_option": None}
            chosen = self.choose(line, options, many)
            if not chosen:
                self.warn("    " + self.t("sandbox.modal.bad_choice", max=len(options)))
                continue
            return _selection(kind, chosen, many)

    def ask_external(self, frame: Frame, block: dict[str, Any], entry: dict[str, Any], label: str) -> dict[str, Any]:
        element = block["element"]
        kind = str(element.get("type"))
        many = kind in MULTI_INPUTS
        min_length = element.get("min_query_length")
        min_length = min_length if isinstance(min_length, int) else 3
        self.note("    " + self.t("sandbox.modal.search"))
        while True:
            query = self.ask(self.field_prompt(label, self.describe(entry), "search_prompt"), frame).strip()
            if query == "":
                return entry
            if query == "-":
                return {"type": kind, "selected_options": []} if many else {"type": kind, "selected_option": None}
            if len(query) < min_length:
                self.warn("    " + self.t("sandbox.modal.min_query", count=min_length))
                continue
            view = self.view_with_state(frame)
            response = self.send(lambda view=view, query=query: self.sender.block_suggestion(
                element["action_id"], block["block_id"], query, user_id=self.current, view=view))
            body = self.reply_body(response)
            options = _options(body) if isinstance(body, dict) else []
            self.show_new_calls(wait=False, quiet=True)
            if not options:
                self.warn("    " + self.t("sandbox.modal.no_matches", query=query))
                continue
            self.list_options(options)
            self.note("    " + self.t("sandbox.modal.pick_many" if many else "sandbox.modal.pick_one_or_search"))
            line = self.ask(self.field_prompt(label, ""), frame).strip()
            if line == "":
                continue
            chosen = self.choose(line, options, many)
            if not chosen:
                self.warn("    " + self.t("sandbox.modal.bad_choice", max=len(options)))
                continue
            return _selection(kind, chosen, many)

    def ask_ids(self, frame: Frame, element: dict[str, Any], entry: dict[str, Any], label: str) -> dict[str, Any]:
        """users_select / conversations_select and their multi kinds: a numbered list of who (or where)."""
        kind = str(element.get("type"))
        many = kind in MULTI_INPUTS
        key = _SELECTED_KEY[kind]
        if kind in USER_INPUTS:
            choices = [(u.id, f"@{u.name} ({u.real_name})") for u in self.users]
        else:
            choices = [(c.id, f"#{c.name}") for c in self.channels]
        for number, (_, shown) in enumerate(choices, start=1):
            self.say(f"    {number:>2}. {shown}")
        self.note("    " + self.t("sandbox.modal.pick_many" if many else "sandbox.modal.pick_one"))
        while True:
            line = self.ask(self.field_prompt(label, self.describe(entry)), frame).strip()
            if line == "":
                return entry
            if line == "-":
                return {"type": kind, key: [] if many else None}
            picked = []
            for part in [p.strip() for p in line.split(",")] if many else [line.strip()]:
                if part.isdigit() and 1 <= int(part) <= len(choices):
                    picked.append(choices[int(part) - 1][0])
                    continue
                person = self.find_user(part) if kind in USER_INPUTS else None
                if person is None:
                    picked = []
                    break
                picked.append(person.id)
            if not picked:
                self.warn("    " + self.t("sandbox.modal.bad_choice", max=len(choices)))
                continue
            return {"type": kind, key: list(dict.fromkeys(picked)) if many else picked[0]}

    def ask_pattern(
        self, frame: Frame, entry: dict[str, Any], label: str, key: str, pattern: re.Pattern[str], *,
        help_key: str, error_key: str,
    ) -> dict[str, Any]:
        kind = str(entry.get("type"))
        self.note("    " + self.t(help_key))
        while True:
            line = self.ask(self.field_prompt(label, self.describe(entry)), frame).strip()
            if line == "":
                return entry
            if line == "-":
                return {"type": kind, key: None}
            valid = bool(pattern.match(line))
            if valid and key == "selected_date":
                try:
                    dt.date.fromisoformat(line)
                except ValueError:
                    valid = False
            if valid:
                return {"type": kind, key: line}
            self.warn("    " + self.t(error_key))

    def ask_file(self, frame: Frame, element: dict[str, Any], entry: dict[str, Any], label: str) -> dict[str, Any]:
        kind = "file_input"
        types = [str(t).lower() for t in element.get("filetypes") or []]
        self.note("    " + self.t("sandbox.modal.file"))
        while True:
            line = self.ask(self.field_prompt(label, self.describe(entry)), frame).strip()
            if line == "":
                return entry
            if line == "-":
                return {"type": kind, "files": []}
            path = Path(line.strip("\"'")).expanduser()
            if types and path.suffix.lower().lstrip(".") not in types:
                self.warn("    " + self.t("sandbox.modal.bad_filetype", types=", ".join(types)))
                continue
            try:
                content = path.read_bytes()
            except OSError as error:
                reason = error.strerror or type(error).__name__
                self.warn("    " + self.t("sandbox.modal.bad_file", path=line, error=reason))
                continue
            file_obj = self.emulator.add_file(path.name, content, user_id=self.current)
            return {"type": kind, "files": [file_obj]}


# --------------------------------------------------------------------------- entry point


@dataclass
class _Input:
    source: TextIO
    interactive: bool
    use_input: bool
    to_close: list[TextIO] = field(default_factory=list)


def _open_input(script: str | None, stdin: TextIO, out: TextIO) -> _Input:
    if script is not None:
        handle = open(script, encoding="utf-8")  # noqa: SIM115 - closed by run_sandbox
        return _Input(handle, interactive=False, use_input=False, to_close=[handle])
    interactive = bool(getattr(stdin, "isatty", lambda: False)())
    use_input = interactive and stdin is sys.stdin and out is sys.stdout
    if use_input:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    return _Input(stdin, interactive=interactive, use_input=use_input)


def run_sandbox(
    script: str | None = None,
    language: str | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    database_url: str | None = None,
) -> int:
    """Run a sandbox session; returns the exit code (0 ok, 1 a form was left open, 2 bad script)."""
    lang = language if language in SUPPORTED_LANGUAGES else "en"
    texts = catalog(lang)
    out = stdout or sys.stdout
    try:
        opened = _open_input(script, stdin or sys.stdin, out)
    except OSError as error:
        out.write(texts.t("sandbox.errors.script", path=script, error=error.strerror or type(error).__name__) + "\n")
        return EXIT_BAD_SCRIPT
    style = Style(opened.interactive and bool(getattr(out, "isatty", lambda: False)())
                  and not os.environ.get("NO_COLOR"))
    reader = LineReader(opened.source, out, interactive=opened.interactive, use_input=opened.use_input)
    users = sandbox_users(texts, lang)
    secret = secrets.token_hex(16)
    try:
        with (
            quiet_logging(),
            tempfile.TemporaryDirectory(prefix="plc-sandbox-") as folder,
            SlackEmulator() as emulator,
        ):
            for person in users:
                emulator.add_user(person.id, person.name, real_name=person.real_name, tz=person.tz,
                                  locale=person.locale, is_admin=person.is_admin)
            emulator.add_channel(CHANNEL_ID, CHANNEL_NAME, members=[u.id for u in users if u.in_channel])
            settings = Settings(
                slack_bot_token=emulator.bot_token,
                slack_signing_secret=secret,
                slack_api_url=emulator.api_url,
                database_url=database_url or f"sqlite:///{Path(folder) / 'sandbox.sqlite3'}",
                default_language=lang,
            )
            plc = create_app(settings)
            try:
                with LocalServer(plc.wsgi) as server:
                    sender = SlackRequestSender(
                        f"{server.url}/slack/events", secret, team_id=emulator.team_id, emulator=emulator
                    )
                    return Sandbox(texts, out, reader, style, emulator, sender, users, plc).run()
            finally:
                plc.close()
    finally:
        for handle in opened.to_close:
            handle.close()
