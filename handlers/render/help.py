"""The `/plc help` reply."""

from __future__ import annotations

from functools import lru_cache

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


def help_blocks_json(catalog: Catalog, subcommands: tuple[str, ...], team: TeamProfile | None) -> list[dict]:
    """help_blocks as JSON-ready dicts, built once per language and team summary (the hottest reply)."""
    summary = None if team is None else (team.name, team.subject, team.grade_band, team.timezone,
                                         len(team.member_ids))
    return _cached_help(catalog.language, subcommands, summary)


@lru_cache(maxsize=2048)
def _cached_help(language: str, subcommands: tuple[str, ...], summary: tuple | None) -> list[dict]:
    from bot.i18n import catalog

    return [block.to_dict() for block in help_blocks(catalog(language), list(subcommands), summary)]


def help_blocks(catalog: Catalog, subcommands: list[str], team: TeamProfile | tuple | None) -> list[Block]:
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
        if isinstance(team, tuple):
            name, subject, grade_band, timezone, count = team
        else:
            name, subject, grade_band, timezone, count = (team.name, team.subject, team.grade_band, team.timezone,
                                                          len(team.member_ids))
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=catalog.t(
                        "help.this_team",
                        name=name,
                        subject=subject or catalog.t("team.not_given"),
                        grade_band=grade_band or catalog.t("team.not_given"),
                        timezone=timezone,
                        count=count,
                    )
                )
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=catalog.t("help.footer"))]))
    return blocks
