"""`/plc agenda`, `/plc parking`, `/plc roles`, `/plc minutes`: before, during and after a meeting."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.meetings.agenda import build_agenda, load_protocol, parse_question_tag, protocol_names
from bot.meetings.service import ROLES
from handlers.agenda_review import opening_sections
from handlers.commands.context import CommandContext
from handlers.render.meeting import agenda_lines, roles_text, when
from handlers.views.meeting_forms import park_and_announce

PICK_QUESTION_ACTION = "agenda_pick_question"
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def _protocol_key(ctx: CommandContext, name: str) -> str | None:
    wanted = name.strip().lower().replace(" ", "_").replace("-", "_")
    for key in protocol_names():
        if wanted in (key, load_protocol(key, ctx.catalog.language).name.lower().replace(" ", "_")):
            return key
    return None


def run_agenda(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    verb, _, rest = ctx.args.strip().partition(" ")
    verb = verb.lower()
    if verb == "add":
        _agenda_add(ctx, rest)
    elif verb in ("protocol", "default"):
        _agenda_protocol(ctx, rest, default=verb == "default")
    elif verb == "":
        _agenda_show(ctx)
    else:
        ctx.ack(text=ctx.catalog.t("meeting.agenda_usage"), response_type="ephemeral")


def _agenda_add(ctx: CommandContext, text: str) -> None:
    assert ctx.team is not None
    question, rest = parse_question_tag(text)
    if not rest:
        ctx.ack(text=ctx.catalog.t("meeting.empty_text"), response_type="ephemeral")
        return
    rest = rest[:500]
    if question is None or question == 0:
        buttons = [
            ButtonElement(text=f"{q}. {ctx.catalog.t(f'protocols.questions_short.q{q}')}",
                          action_id=f"{PICK_QUESTION_ACTION}_{q}",
                          value=json.dumps({"q": q, "text": rest}, ensure_ascii=False))
            for q in range(1, 5)
        ]
        question_list = "\n".join(f"{q}. {ctx.catalog.t(f'protocols.questions.q{q}')}" for q in range(1, 5))
        prompt = ctx.catalog.t("meeting.agenda_choose_question", text=rest[:200])
        ctx.ack(text=prompt, response_type="ephemeral", blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"{prompt}\n{question_list}")),
            ActionsBlock(elements=buttons),
        ])
        return
    ctx.services.meetings.add_agenda_entry(ctx.team.id, rest, question, ctx.user_id)
    ctx.ack(text=ctx.catalog.t("meeting.agenda_added", question=ctx.catalog.t(f"protocols.questions.q{question}"),
                               text=rest), response_type="ephemeral")


def _agenda_protocol(ctx: CommandContext, name: str, default: bool) -> None:
    assert ctx.team is not None
    key = _protocol_key(ctx, name)
    if key is None:
        names = ", ".join(f"`{k}`" for k in protocol_names())
        ctx.ack(text=ctx.catalog.t("meeting.protocol_unknown", name=name.strip()[:40], names=names),
                response_type="ephemeral")
        return
    protocol_name = load_protocol(key, ctx.catalog.language).name
    upcoming = ctx.services.schedules.upcoming(ctx.team.id, limit=1)
    rule = ctx.services.schedules.get(ctx.team.id)
    if default or not upcoming or rule is None:
        ctx.services.meetings.set_default_protocol(ctx.team.id, key)
        ctx.ack(text=ctx.catalog.t("meeting.protocol_set_default", protocol=protocol_name), response_type="in_channel")
        return
    ctx.services.meetings.set_next_protocol(ctx.team.id, key, upcoming[0].starts_at, rule.duration_minutes)
    ctx.ack(text=ctx.catalog.t("meeting.protocol_set_next", protocol=protocol_name), response_type="in_channel")


def _agenda_show(ctx: CommandContext) -> None:
    assert ctx.team is not None
    upcoming = ctx.services.schedules.upcoming(ctx.team.id, limit=1)
    rule = ctx.services.schedules.get(ctx.team.id)
    starts_at = upcoming[0].starts_at if upcoming else None
    protocol = load_protocol(ctx.services.meetings.protocol_for(ctx.team.id, starts_at), ctx.catalog.language)
    entries = ctx.services.meetings.pending_entries(ctx.team.id)
    items = build_agenda(protocol, entries, rule.duration_minutes if rule else protocol.total_minutes)
    if starts_at is not None:
        header = ctx.catalog.t("meeting.agenda_show_header", protocol=protocol.name,
                               when=when(ctx.catalog, starts_at, ctx.team.timezone))
    else:
        header = ctx.catalog.t("meeting.agenda_show_no_meeting", protocol=protocol.name)
    review = opening_sections(ctx.services, ctx.team, starts_at, datetime.now(UTC)) if starts_at is not None else []
    ctx.ack(text=header, response_type="ephemeral", blocks=[
        SectionBlock(text=MarkdownTextObject(text=header)),
        *review,
        SectionBlock(text=MarkdownTextObject(text=agenda_lines(ctx.catalog, items, -1))),
    ])


def run_parking(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    text = ctx.args.strip()
    if not text:
        topics = ctx.services.meetings.parked_topics(team.id)
        lines = [ctx.catalog.t("meeting.parking_list_header")]
        lines += [f"• {topic}" for topic in topics] or [ctx.catalog.t("meeting.parking_list_none")]
        ctx.ack(text="\n".join(lines), response_type="ephemeral")
        return
    ctx.ack()
    park_and_announce(ctx.client, ctx.services, team, text[:1000], ctx.user_id)


def run_roles(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    words = ctx.args.split()
    if not words:
        roles = ctx.services.meetings.next_roles(team.id)
        ctx.ack(text=ctx.catalog.t("meeting.roles_show", roles=roles_text(ctx.catalog, roles)),
                response_type="ephemeral")
        return
    role = words[0].lower()
    mention = USER_MENTION.search(ctx.args)
    if role not in ROLES or mention is None:
        ctx.ack(text=ctx.catalog.t("meeting.roles_usage"), response_type="ephemeral")
        return
    ctx.services.meetings.set_role(team.id, role, mention.group(1))
    ctx.ack(text=ctx.catalog.t("meeting.roles_set", user=f"<@{mention.group(1)}>",
                               role=ctx.catalog.t(f"meeting.role_names.{role}")), response_type="in_channel")


def run_minutes(ctx: CommandContext) -> None:
    team = ctx.require_team()
    if team is None:
        return
    past = ctx.services.meetings.past_meetings(team.id)
    lines = [ctx.catalog.t("meeting.minutes_list_header", team=team.name)]
    for meeting in past:
        lines.append(ctx.catalog.t(
            "meeting.minutes_list_line", when=when(ctx.catalog, meeting.starts_at, team.timezone),
            protocol=load_protocol(meeting.protocol, ctx.catalog.language).name, items=meeting.items_covered,
            decisions=meeting.decisions))
    if not past:
        lines.append(ctx.catalog.t("meeting.minutes_list_none"))
    ctx.ack(text="\n".join(lines), response_type="ephemeral")
