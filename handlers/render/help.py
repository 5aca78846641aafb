"""The `/plc help` reply."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import Catalog
from bot.teams import TeamProfile
from handlers.render.team import setup_button


def help_blocks(catalog: Catalog, subcommands: list[str], team: TeamProfile | None) -> list[Block]:
    """Every subcommand with its usage and purpose, and where this channel stands."""
    lines = [
        catalog.t("help.line", usage=catalog.t(f"help.commands.{name}.usage"),
                  purpose=catalog.t(f"help.commands.{name}.purpose"))
        for name in subcommands
    ]
    blocks: list[Block] = [
        HeaderBlock(text=catalog.t("help.title")),
        SectionBlock(text=MarkdownTextObject(text=catalog.t("help.intro"))),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        DividerBlock(),
    ]
    if team is None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=catalog.t("help.not_a_team"))))
        blocks.append(ActionsBlock(elements=[setup_button(catalog)]))
    else:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=catalog.t(
                        "help.this_team",
                        name=team.name,
                        subject=team.subject or catalog.t("team.not_given"),
                        grade_band=team.grade_band or catalog.t("team.not_given"),
                        timezone=team.timezone,
                        count=len(team.member_ids),
                    )
                )
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=catalog.t("help.footer"))]))
    return blocks
