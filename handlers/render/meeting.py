"""Meeting messages: agenda preview, reminder, the live agenda with its buttons, nudges, minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.focus.keeper import FocusSummary
from bot.i18n import Catalog
from bot.meetings.agenda import AgendaItem, load_protocol
from bot.meetings.service import ROLES, MeetingView, Minutes
from bot.teams import TeamProfile
from handlers.render.commitments import commit_button
from handlers.render.focus import focus_summary_text
from handlers.render.plans import plan_button
from handlers.render.team import mention_list

START_ACTION, NEXT_ACTION, END_ACTION, PARK_ACTION = "meeting_start", "meeting_next", "meeting_end", "meeting_park"
ADD_ITEM_ACTION = "agenda_add_item"
MAX_SECTION = 2900  # Slack allows 3,000 characters in a section's text
PLAN_QUESTIONS = (3, 4)  # how we respond when students don't learn, and extend for those who do


def when(catalog: Catalog, moment: datetime, zone: str) -> str:
    """A meeting moment in the team's zone, formatted for the team's locale."""
    return catalog.datetime(moment, format=catalog.t("common.when_format"), tzinfo=ZoneInfo(zone))


def roles_text(catalog: Catalog, roles: dict[str, str | None]) -> str:
    names = {role: f"<@{roles[role]}>" if roles.get(role) else catalog.t("meeting.nobody") for role in ROLES}
    return catalog.t("meeting.roles_line", **names)


def question_label(catalog: Catalog, question: int) -> str:
    return catalog.t(f"protocols.questions_short.q{question}")


def agenda_lines(catalog: Catalog, items: list[AgendaItem], current: int, with_prompts: bool = False) -> str:
    lines = []
    for index, item in enumerate(items):
        marker = ("meeting.marker_done" if index < current else
                  "meeting.marker_current" if index == current else "meeting.marker_todo")
        lines.append(catalog.t("meeting.item_line", marker=catalog.t(marker), number=index + 1, title=item.title,
                               minutes=item.minutes, question=question_label(catalog, item.question)))
        if with_prompts and item.prompt and index == current:
            lines.append(catalog.t("meeting.item_prompt", prompt=item.prompt))
    return "\n".join(lines)[:MAX_SECTION]


def _button(catalog: Catalog, key: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=catalog.t(f"meeting.buttons.{key}"), action_id=action_id, value=value, style=style)


def meeting_blocks(catalog: Catalog, team: TeamProfile, meeting: MeetingView,
                   review: Sequence[Block] = ()) -> list[Block]:
    """The meeting's own message: the thread where the meeting happens; `review` (the commitments to
    review) opens its agenda."""
    protocol = load_protocol(meeting.protocol, catalog.language)
    value = str(meeting.id)
    buttons = []
    if meeting.status == "open":
        buttons.append(_button(catalog, "start", START_ACTION, value, "primary"))
    if meeting.status == "running":
        buttons.append(_button(catalog, "next", NEXT_ACTION, value, "primary"))
    if meeting.status in ("open", "running"):
        buttons += [_button(catalog, "park", PARK_ACTION, value), commit_button(catalog, meeting.id)]
        current = meeting.current
        if meeting.status == "running" and current is not None and current.question in PLAN_QUESTIONS:
            buttons.append(plan_button(catalog))  # respond (q3) and extend (q4): the action plan
        buttons.append(_button(catalog, "end", END_ACTION, value, "danger"))
    blocks: list[Block] = [
        HeaderBlock(text=catalog.t("meeting.agenda_header", team=team.name,
                                   when=when(catalog, meeting.starts_at, team.timezone))[:150]),
        *review,
        SectionBlock(text=MarkdownTextObject(text=catalog.t(
            "meeting.norms_title", norms=" · ".join(team.norms) or catalog.t("team.no_norms"))[:MAX_SECTION])),
        SectionBlock(text=MarkdownTextObject(text=roles_text(catalog, meeting.roles))),
        SectionBlock(text=MarkdownTextObject(text=catalog.t("meeting.agenda_protocol", protocol=protocol.name,
                                                            purpose=protocol.purpose))),
        SectionBlock(text=MarkdownTextObject(text=agenda_lines(catalog, meeting.agenda, meeting.current_item))),
    ]
    if buttons:
        blocks.append(ActionsBlock(block_id="meeting_controls", elements=buttons))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=catalog.t("meeting.thread_hint"))]))
    return blocks


def preview_blocks(catalog: Catalog, team: TeamProfile, protocol_key: str, starts_at: datetime,
                   items: list[AgendaItem], member_items: int, digest: Sequence[Block] = (),
                   review: Sequence[Block] = ()) -> list[Block]:
    """The agenda preview; `review` (the commitments to review) opens it, `digest` (e.g. the reflections
    shared since the last meeting) goes above its button."""
    protocol = load_protocol(protocol_key, catalog.language)
    return [
        HeaderBlock(text=catalog.t("meeting.preview_header", team=team.name,
                                   when=when(catalog, starts_at, team.timezone))[:150]),
        *review,
        SectionBlock(text=MarkdownTextObject(text=catalog.t("meeting.preview_intro", protocol=protocol.name))),
        SectionBlock(text=MarkdownTextObject(text=agenda_lines(catalog, items, -1))),
        ContextBlock(elements=[MarkdownTextObject(text=catalog.t("meeting.preview_digest", count=member_items))]),
        *digest,
        ActionsBlock(elements=[ButtonElement(text=catalog.t("meeting.buttons.add_item"), action_id=ADD_ITEM_ACTION,
                                             value="next")]),
    ]


def minutes_blocks(catalog: Catalog, team: TeamProfile, meeting: MeetingView, minutes: Minutes) -> list[Block]:
    def bullet_list(values: list[str]) -> str:
        return "\n".join(f"• {v}" for v in values) if values else catalog.t("meeting.minutes_none")

    next_roles = {role: mention_list([uid]) if (uid := minutes.next_roles.get(role)) else catalog.t("meeting.nobody")
                  for role in ROLES}
    sections = [
        catalog.t("meeting.minutes_covered") + "\n" + bullet_list(minutes.items_covered),
        catalog.t("meeting.minutes_decisions") + "\n" + bullet_list(minutes.decisions),
        catalog.t("meeting.minutes_parked") + "\n" + bullet_list(minutes.parked),
    ]
    if minutes.items_not_reached:
        sections.insert(1, catalog.t("meeting.minutes_not_reached") + "\n" + bullet_list(minutes.items_not_reached))
    focus = minutes.extra.get("focus")
    if isinstance(focus, dict):
        sections.append(focus_summary_text(catalog, FocusSummary.from_dict(focus)))
    blocks: list[Block] = [HeaderBlock(text=catalog.t("meeting.minutes_header", team=team.name,
                                                      when=when(catalog, meeting.starts_at, team.timezone))[:150])]
    blocks += [SectionBlock(text=MarkdownTextObject(text=text[:MAX_SECTION])) for text in sections]
    blocks += [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=catalog.t("meeting.minutes_next_roles", **next_roles))),
        ContextBlock(elements=[MarkdownTextObject(text=catalog.t("meeting.minutes_notes", count=minutes.note_count))]),
    ]
    return blocks
