"""The `/plc` slash command: one listener that routes to a module per subcommand."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.commands import assessments as assessment_commands
from handlers.commands import coach as coach_command
from handlers.commands import commitments as commitment_commands
from handlers.commands import goal as goal_command
from handlers.commands import help as help_command
from handlers.commands import meeting as meeting_commands
from handlers.commands import plans as plan_commands
from handlers.commands import portfolio as portfolio_command
from handlers.commands import reflect as reflect_command
from handlers.commands import schedule as schedule_commands
from handlers.commands import settings as settings_command
from handlers.commands import setup as setup_command
from handlers.commands.context import CommandContext
from handlers.commands.names import SUBCOMMANDS

COMMAND = "/plc"
MAX_TEXT = 4000  # Slack's own limit for a message; anything longer is not a real command

AVAILABLE: dict[str, Callable[[CommandContext], None]] = {
    "help": help_command.run,
    "setup": setup_command.run,
    "schedule": schedule_commands.run,
    "skip": schedule_commands.run_skip,
    "next": schedule_commands.run_next,
    "calendar": schedule_commands.run_calendar,
    "agenda": meeting_commands.run_agenda,
    "parking": meeting_commands.run_parking,
    "roles": meeting_commands.run_roles,
    "minutes": meeting_commands.run_minutes,
    "upload": assessment_commands.run_upload,
    "data": assessment_commands.run_data,
    "plan": plan_commands.run_plan,
    "worked": plan_commands.run_worked,
    "goal": goal_command.run,
    "settings": settings_command.run,
    "reflect": reflect_command.run,
    "commit": commitment_commands.run_commit,
    "commitments": commitment_commands.run_commitments,
    "coach": coach_command.run,
    "portfolio": portfolio_command.run,
}
# Listed in `/plc help` but delivered by later releases; they answer politely for now.
PLANNED = tuple(name for name in SUBCOMMANDS if name not in AVAILABLE)

logger = logging.getLogger(__name__)


def split_text(text: str) -> tuple[str, str]:
    """`"setup  rest of it"` -> `("setup", "rest of it")`; empty text means help."""
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "help", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def register(app: App, services: Services) -> None:
    @app.command(COMMAND)
    def plc(ack: Ack, command: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ctx = CommandContext.build(ack, respond, client, services, command, context)
        text = command.get("text") or ""
        if len(text) > MAX_TEXT:
            ack(text=ctx.catalog.t("commands.too_long", limit=MAX_TEXT), response_type="ephemeral")
            return
        name, ctx.args = split_text(text)
        handler = AVAILABLE.get(name)
        if handler is not None:
            handler(ctx)
        elif name in PLANNED:
            ack(text=ctx.catalog.t("commands.not_yet", name=name), response_type="ephemeral")
        else:
            ack(text=unknown_reply(ctx, name), response_type="ephemeral")


def unknown_reply(ctx: CommandContext, name: str) -> str:
    close = difflib.get_close_matches(name, SUBCOMMANDS, n=1)
    shown = name[:40]
    if close:
        return ctx.catalog.t("commands.unknown_did_you_mean", name=shown, suggestion=close[0])
    return ctx.catalog.t("commands.unknown", name=shown)
