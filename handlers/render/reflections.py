"""Reflections: the prompts in a meeting's thread, the reflection form, a member's log, the digest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.reflections.service import MAX_TEXT, ReflectionEntry, SharedDigest, shorten
from handlers.form_state import checked_values, text_value, view_values

OPEN_ACTION = "reflection_open"
DELETE_ALL_ACTION, KEEP_ACTION = "reflection_delete_all", "reflection_delete_keep"
CALLBACK_ID = "reflection"
TEXT_BLOCK, SHARE_BLOCK = "reflection_text", "reflection_share"
SHARE_VALUE = "share"
MAX_SECTION = 2900
LOG_TEXT = 400  # characters of each reflection shown in `/plc reflect log`


def prompt_lines(catalog: Catalog, prompts: Sequence[str]) -> str:
    return "\n".join(catalog.t("reflections.thread.prompt_line", prompt=p) for p in prompts)


def thread_prompt_blocks(catalog: Catalog, prompts: Sequence[str], meeting_id: int) -> list[Block]:
    """Posted in a meeting's thread when it ends: the protocol's questions and a Reflect button."""
    return [
        SectionBlock(text=MarkdownTextObject(text=catalog.t("reflections.thread.intro"))),
        SectionBlock(text=MarkdownTextObject(text=prompt_lines(catalog, prompts)[:MAX_SECTION])),
        ActionsBlock(block_id="reflection_prompt", elements=[ButtonElement(
            text=catalog.t("reflections.thread.button"), action_id=OPEN_ACTION, value=str(meeting_id),
            style="primary")]),
    ]


def reflection_modal(catalog: Catalog, channel_id: str, meeting_id: int | None, prompts: Sequence[str],
                     meeting_when: str | None = None) -> View:
    """The form: the questions, a multiline answer, and a box to share it with the team."""
    share_key = "reflections.modal.share_in_thread" if meeting_id is not None else "reflections.modal.share_in_channel"
    questions = catalog.t("reflections.modal.questions") + "\n" + prompt_lines(catalog, prompts)
    if meeting_when:
        questions = catalog.t("reflections.modal.meeting", when=meeting_when) + "\n\n" + questions
    return View(
        type="modal", callback_id=CALLBACK_ID, title=catalog.t("reflections.modal.title")[:24],
        submit=catalog.t("reflections.modal.submit")[:24], close=catalog.t("common.cancel")[:24],
        private_metadata=json.dumps({"channel_id": channel_id, "meeting_id": meeting_id}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=questions[:MAX_SECTION])),
            InputBlock(block_id=TEXT_BLOCK, label=catalog.t("reflections.modal.text_label"),
                       element=PlainTextInputElement(action_id="text", multiline=True, max_length=MAX_TEXT,
                                                     placeholder=catalog.t("reflections.modal.text_placeholder"))),
            InputBlock(block_id=SHARE_BLOCK, label=catalog.t("reflections.modal.share_label"), optional=True,
                       element=CheckboxesElement(action_id="share", options=[
                           Option(value=SHARE_VALUE, text=catalog.t(share_key)[:75])])),
            ContextBlock(elements=[MarkdownTextObject(text=catalog.t("reflections.modal.privacy"))]),
        ],
    )


def read_reflection(view: dict[str, Any]) -> tuple[str, bool, dict[str, Any]]:
    """(text, shared, private metadata) of a submitted reflection form."""
    values = view_values(view)
    shared = SHARE_VALUE in checked_values(values, SHARE_BLOCK, "share")
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        meta = {}
    return text_value(values, TEXT_BLOCK, "text"), shared, meta if isinstance(meta, dict) else {}


def escaped(text: str) -> str:
    """A member's own words, shown as written: `<!channel>`, `<@U…>` or `<url|label>` stay inert text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(text: str) -> str:
    """A member's `text` as a Slack block quote, line by line (escaped)."""
    return "\n".join(f"> {escaped(line)}" if line.strip() else ">" for line in text.strip().splitlines())


def shared_post(catalog: Catalog, user_id: str, text: str) -> tuple[str, list[Block]]:
    """The fallback text and blocks of a reflection its author shared with the team."""
    body = catalog.t("reflections.saved.post", user=user_id, quote=quoted(text))
    return catalog.t("reflections.saved.post_text", user=user_id), [
        SectionBlock(text=MarkdownTextObject(text=body[:MAX_SECTION]))]


def digest_blocks(catalog: Catalog, digest: SharedDigest) -> list[Block]:
    """For the next agenda preview: how many reflections were shared, and up to three short quotes."""
    if digest.count == 0:
        return []
    lines = [catalog.t("reflections.digest.header", count=digest.count)]
    lines += [catalog.t("reflections.digest.quote", text=escaped(q.text), user=q.user_id) for q in digest.quotes]
    return [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)[:MAX_SECTION]))]


def entry_when(catalog: Catalog, moment: datetime, zone: str) -> str:
    return catalog.datetime(moment, format=catalog.t("reflections.log.date_format"), tzinfo=ZoneInfo(zone))


def log_blocks(catalog: Catalog, entries: Sequence[ReflectionEntry], total: int) -> tuple[str, list[Block]]:
    """A member's own latest reflections (ephemeral): text and blocks."""
    header = catalog.t("reflections.log.header", shown=len(entries), count=total)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=header))]
    for entry in entries:
        visibility = catalog.t("reflections.log.shared" if entry.shared else "reflections.log.private")
        line = catalog.t("reflections.log.line", id=entry.id, when=entry_when(catalog, entry.created_at,
                                                                            entry.team_timezone),
                         team=entry.team_name, visibility=visibility)
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=(line + "\n" + quoted(shorten(entry.text, LOG_TEXT)))[:MAX_SECTION])))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=catalog.t("reflections.log.hint"))]))
    return header, blocks


def delete_confirm_blocks(catalog: Catalog, count: int) -> tuple[str, list[Block]]:
    """The question `/plc reflect delete` asks before it deletes everything (the buttons are the confirmation)."""
    text = catalog.t("reflections.delete.confirm", count=count)
    return text, [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id="reflection_delete", elements=[
            ButtonElement(text=catalog.t("reflections.delete.confirm_button"), action_id=DELETE_ALL_ACTION,
                          value=str(count), style="danger"),
            ButtonElement(text=catalog.t("reflections.delete.cancel_button"), action_id=KEEP_ACTION, value="keep"),
        ]),
    ]
