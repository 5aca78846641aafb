"""Blocks that show a team: its summary, the welcome for a new member, the bot's introduction."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import Catalog
from bot.teams import TeamProfile

OPEN_SETUP_ACTION = "open_team_setup"


def mention_list(user_ids: list[str]) -> str:
    return ", ".join(f"<@{uid}>" for uid in user_ids)


def norms_text(catalog: Catalog, team: TeamProfile) -> str:
    if not team.norms:
        return catalog.t("team.no_norms")
    return "\n".join(f"{i}. {norm}" for i, norm in enumerate(team.norms, start=1))


def team_summary_blocks(catalog: Catalog, team: TeamProfile, coaches: list[str] | None = None) -> list[Block]:
    """Who the team is: name, subject, grade band, timezone, language, members, coaches and norms."""
    language_name = catalog.t(f"common.language_names.{team.language}")
    details = catalog.t(
        "team.details",
        subject=team.subject or catalog.t("team.not_given"),
        grade_band=team.grade_band or catalog.t("team.not_given"),
        timezone=team.timezone,
        language=language_name,
    )
    return [
        HeaderBlock(text=catalog.t("team.header", name=team.name)),
        SectionBlock(text=MarkdownTextObject(text=details)),
        SectionBlock(
            text=MarkdownTextObject(
                text=catalog.t(
                    "team.members",
                    count=len(team.member_ids),
                    members=mention_list(team.member_ids),
                    facilitators=mention_list(team.facilitator_ids),
                )
            )
        ),
        *([SectionBlock(text=MarkdownTextObject(text=catalog.t("coach.team_coaches",
                                                                coaches=mention_list(coaches))))] if coaches else []),
        SectionBlock(text=MarkdownTextObject(text=catalog.t("team.norms_title") + "\n" + norms_text(catalog, team))),
        ContextBlock(
            elements=[
                MarkdownTextObject(text=catalog.t("team.registered_on", date=catalog.date(team.created_at.date())))
            ]
        ),
    ]


def setup_button(catalog: Catalog) -> ButtonElement:
    return ButtonElement(text=catalog.t("setup.open_button"), action_id=OPEN_SETUP_ACTION, style="primary")


def introduction_blocks(catalog: Catalog) -> list[Block]:
    """What the bot says when it is added to a channel that is not a team yet."""
    return [
        SectionBlock(text=MarkdownTextObject(text=catalog.t("team.introduction"))),
        ActionsBlock(elements=[setup_button(catalog)]),
    ]


def welcome_member_blocks(catalog: Catalog, team: TeamProfile) -> list[Block]:
    return [
        SectionBlock(text=MarkdownTextObject(text=catalog.t("team.welcome_member", name=team.name))),
        SectionBlock(text=MarkdownTextObject(text=catalog.t("team.norms_title") + "\n" + norms_text(catalog, team))),
    ]
