"""The team setup modal opened by `/plc setup` and read back on submission."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.settings import SUPPORTED_LANGUAGES
from bot.teams import TeamDraft, TeamProfile
from handlers.form_state import entry, selected_value, text_value

CALLBACK_ID = "team_setup"
TIMEZONE_ACTION = "team_timezone"

# field of TeamDraft -> (block_id, action_id)
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("team_name", "name"),
    "subject": ("team_subject", "subject"),
    "grade_band": ("team_grade_band", "grade_band"),
    "timezone": ("team_timezone", TIMEZONE_ACTION),
    "language": ("team_language", "language"),
    "member_ids": ("team_members", "members"),
    "norms": ("team_norms", "norms"),
}


@dataclass(frozen=True)
class SetupDefaults:
    name: str
    subject: str
    grade_band: str
    timezone: str
    language: str
    member_ids: list[str]
    norms: list[str]

    @classmethod
    def for_new_team(cls, catalog: Catalog, user_id: str, timezone: str) -> SetupDefaults:
        return cls("", "", "", timezone, catalog.language, [user_id], catalog.list("setup.default_norms"))

    @classmethod
    def from_team(cls, team: TeamProfile) -> SetupDefaults:
        return cls(team.name, team.subject, team.grade_band, team.timezone, team.language,
                   team.member_ids, team.norms)


def _option(text: str, value: str) -> Option:
    return Option(text=text[:75], value=value[:150])


def setup_modal(catalog: Catalog, defaults: SetupDefaults, channel_id: str, editing: bool) -> View:
    """The modal; private_metadata carries the channel, since views have none of their own."""
    t = catalog.t
    grade_options = [_option(g, g) for g in catalog.list("setup.grade_bands")]
    if defaults.grade_band and defaults.grade_band not in catalog.list("setup.grade_bands"):
        grade_options.insert(0, _option(defaults.grade_band, defaults.grade_band))
    initial_grade = next((o for o in grade_options if o.value == defaults.grade_band), None)
    language_options = [_option(t(f"common.language_names.{code}"), code) for code in SUPPORTED_LANGUAGES]
    initial_language = next(o for o in language_options if o.value == defaults.language)

    def block(field: str) -> tuple[str, str]:
        return FIELDS[field]

    blocks = [
        InputBlock(
            block_id=block("name")[0],
            label=t("setup.fields.name"),
            element=PlainTextInputElement(
                action_id=block("name")[1], initial_value=defaults.name or None, max_length=150,
                placeholder=t("setup.placeholders.name"),
            ),
        ),
        InputBlock(
            block_id=block("subject")[0],
            label=t("setup.fields.subject"),
            optional=True,
            element=PlainTextInputElement(
                action_id=block("subject")[1], initial_value=defaults.subject or None, max_length=150,
                placeholder=t("setup.placeholders.subject"),
            ),
        ),
        InputBlock(
            block_id=block("grade_band")[0],
            label=t("setup.fields.grade_band"),
            optional=True,
            element=StaticSelectElement(
                action_id=block("grade_band")[1], options=grade_options, initial_option=initial_grade,
                placeholder=t("setup.placeholders.grade_band"),
            ),
        ),
        InputBlock(
            block_id=block("timezone")[0],
            label=t("setup.fields.timezone"),
            hint=t("setup.hints.timezone"),
            element=ExternalDataSelectElement(
                action_id=block("timezone")[1], min_query_length=2,
                initial_option=_option(defaults.timezone, defaults.timezone),
                placeholder=t("setup.placeholders.timezone"),
            ),
        ),
        InputBlock(
            block_id=block("language")[0],
            label=t("setup.fields.language"),
            element=StaticSelectElement(
                action_id=block("language")[1], options=language_options, initial_option=initial_language
            ),
        ),
        InputBlock(
            block_id=block("member_ids")[0],
            label=t("setup.fields.members"),
            hint=t("setup.hints.members"),
            element=UserMultiSelectElement(
                action_id=block("member_ids")[1], initial_users=defaults.member_ids,
                placeholder=t("setup.placeholders.members"),
            ),
        ),
        InputBlock(
            block_id=block("norms")[0],
            label=t("setup.fields.norms"),
            hint=t("setup.hints.norms"),
            optional=True,
            element=PlainTextInputElement(
                action_id=block("norms")[1], multiline=True, max_length=3000,
                initial_value="\n".join(defaults.norms) or None,
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=t("setup.title_edit" if editing else "setup.title"),
        submit=t("setup.submit"),
        close=t("common.cancel"),
        private_metadata=json.dumps({"channel_id": channel_id, "language": catalog.language}),
        blocks=blocks,
    )


def read_metadata(view: dict[str, Any]) -> dict[str, str]:
    """The channel and language the modal was opened for; empty when missing or garbled."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    if not isinstance(meta, dict):
        return {}
    return {k: v for k, v in meta.items() if isinstance(k, str) and isinstance(v, str)}


def _text(values: dict[str, Any], field: str) -> str:
    return text_value(values, *FIELDS[field])


def _selected(values: dict[str, Any], field: str) -> str:
    return selected_value(values, *FIELDS[field]) or ""


def read_draft(values: dict[str, Any]) -> TeamDraft:
    """The submitted `view.state.values` as a TeamDraft; missing fields read as empty."""
    users = entry(values, *FIELDS["member_ids"]).get("selected_users")
    return TeamDraft(
        name=_text(values, "name"),
        subject=_text(values, "subject"),
        grade_band=_selected(values, "grade_band"),
        timezone=_selected(values, "timezone"),
        language=_selected(values, "language"),
        member_ids=[u for u in users if isinstance(u, str)] if isinstance(users, list) else [],
        norms=_text(values, "norms").splitlines(),
    )
