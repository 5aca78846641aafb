"""The `/plc settings` form: the focus keeper and the team's data settings, for facilitators."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.assessments.policy import AssessmentPolicy
from bot.focus.keeper import FocusSettings
from bot.i18n import Catalog
from handlers.render.assessment_policy import data_settings_blocks, data_settings_text
from handlers.render.focus import focus_settings_blocks, focus_settings_text

SETTINGS_CALLBACK = "team_settings"
SHARE_BLOCK, SHARE = "share_strategies", "share"


def share_block(catalog: Catalog, share: bool) -> InputBlock:
    """Whether the team's measured strategies appear in other teams' `/plc worked` (aggregates only)."""
    option = Option(value=SHARE, text=catalog.t("team_settings.share_option"))
    return InputBlock(block_id=SHARE_BLOCK, label=catalog.t("team_settings.share_label"), optional=True,
                      hint=catalog.t("team_settings.share_hint"),
                      element=CheckboxesElement(action_id="value", options=[option],
                                                initial_options=[option] if share else None))


def share_text(catalog: Catalog, share: bool) -> str:
    return catalog.t("team_settings.share_on" if share else "team_settings.share_off")


def settings_modal(catalog: Catalog, channel_id: str, focus: FocusSettings, policy: AssessmentPolicy,
                   today: date, share: bool = True) -> View:
    t = catalog.t
    return View(
        type="modal", callback_id=SETTINGS_CALLBACK, title=t("team_settings.title"), submit=t("team_settings.submit"),
        close=t("common.cancel"), private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[SectionBlock(text=MarkdownTextObject(text=t("team_settings.intro"))),
                *focus_settings_blocks(catalog, focus), DividerBlock(),
                *data_settings_blocks(catalog, policy, today), DividerBlock(), share_block(catalog, share)],
    )


def settings_text(catalog: Catalog, focus: FocusSettings, policy: AssessmentPolicy, today: date, *,
                  heading: str, share: bool = True) -> str:
    """The team's settings in words (after a change, or for someone who may not change them)."""
    return "\n".join([catalog.t(heading), focus_settings_text(catalog, focus),
                      *data_settings_text(catalog, policy, today), share_text(catalog, share)])
