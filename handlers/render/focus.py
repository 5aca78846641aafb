"""The focus keeper's nudge, its parking-lot button, and the focus summary in the minutes."""

from __future__ import annotations

import json
import zlib
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.focus.keeper import MODES, FocusSettings, FocusSummary
from bot.i18n import Catalog
from handlers.form_state import checked_values, number_value, selected_value

FOCUS_PARK_ACTION = "focus_park"
MODE_BLOCK, CHANNEL_BLOCK, COOLDOWN_BLOCK = "focus_mode", "focus_in_channel", "focus_cooldown"
IN_CHANNEL = "in_channel"
PARK_TEXT_LIMIT = 1000  # a button's value holds at most 2,000 characters


def nudge_text(catalog: Catalog, message_ts: str, item: str | None, question: int | None) -> str:
    """A short, kind steer back to student learning; it never quotes or names anybody.

    The phrasing varies (chosen from the catalog by the message's timestamp, so it is stable for a message).
    """
    if item:
        key, params = "focus.nudge.item", {"item": item}
    elif question:
        key, params = "focus.nudge.question", {"question": catalog.t(f"protocols.questions.q{question}")}
    else:
        key, params = "focus.nudge.general", {}
    phrasings = catalog.list(key)
    chosen = phrasings[zlib.crc32(message_ts.encode()) % len(phrasings)]
    return chosen.format(**params)


def nudge_blocks(catalog: Catalog, text: str, parked_text: str, message_ts: str) -> list[dict[str, Any]]:
    value = json.dumps({"ts": message_ts, "text": parked_text[:PARK_TEXT_LIMIT]}, ensure_ascii=False)
    while len(value) > 2000:  # non-ASCII text escapes longer in JSON than it counts
        parked_text = parked_text[: len(parked_text) * 3 // 4]
        value = json.dumps({"ts": message_ts, "text": parked_text}, ensure_ascii=False)
    return [
        SectionBlock(text=MarkdownTextObject(text=text)).to_dict(),
        ActionsBlock(elements=[ButtonElement(text=catalog.t("focus.park_button"), action_id=FOCUS_PARK_ACTION,
                                             value=value)]).to_dict(),
    ]


def parked_blocks(catalog: Catalog, text: str, user_id: str) -> list[dict[str, Any]]:
    """The nudge once its topic is parked: the button is gone, so it can't be parked twice."""
    return [SectionBlock(text=MarkdownTextObject(text=text)).to_dict(),
            ContextBlock(elements=[MarkdownTextObject(text=catalog.t("focus.parked_by", user=user_id))]).to_dict()]


def focus_summary_text(catalog: Catalog, summary: FocusSummary) -> str:
    """For the minutes: how much of the talk served each critical question, and how often it drifted."""
    t = catalog.t
    if summary.total == 0:
        return t("focus.summary.title") + "\n" + t("focus.summary.nothing")
    lines = [t("focus.summary.title"),
             t("focus.summary.learning", count=summary.learning, total=summary.total)]
    lines += [t("focus.summary.question", question=t(f"protocols.questions_short.q{q}"), count=n)
              for q, n in summary.questions.items() if n]
    lines.append(t("focus.summary.drift", count=summary.drift, nudges=summary.nudges))
    return "\n".join(lines)


# -- the focus part of /plc settings ---------------------------------------------------------------


def focus_settings_blocks(catalog: Catalog, settings: FocusSettings) -> list[Block]:
    t = catalog.t
    modes = [Option(text=t(f"focus.settings.modes.{mode}"), value=mode) for mode in MODES]
    in_channel = Option(text=t("focus.settings.in_channel_option"), value=IN_CHANNEL)
    return [
        SectionBlock(text=MarkdownTextObject(text=t("focus.settings.section"))),
        InputBlock(block_id=MODE_BLOCK, label=t("focus.settings.mode"), hint=t("focus.settings.mode_hint"),
                   element=StaticSelectElement(action_id="value", options=modes,
                                               initial_option=modes[MODES.index(settings.mode)]
                                               if settings.mode in MODES else modes[2])),
        InputBlock(block_id=CHANNEL_BLOCK, label=t("focus.settings.in_channel"), optional=True,
                   element=CheckboxesElement(action_id="value", options=[in_channel],
                                             initial_options=[in_channel] if settings.in_channel else None)),
        InputBlock(block_id=COOLDOWN_BLOCK, label=t("focus.settings.cooldown"), hint=t("focus.settings.cooldown_hint"),
                   element=NumberInputElement(action_id="value", is_decimal_allowed=False, min_value=1, max_value=1440,
                                              initial_value=str(settings.cooldown_minutes))),
    ]


def read_focus_settings(values: dict[str, Any]) -> tuple[str | None, bool, float | None]:
    """(mode, in channel, cooldown minutes) as the form gave them; None where a value is missing."""
    in_channel = IN_CHANNEL in checked_values(values, CHANNEL_BLOCK)
    return selected_value(values, MODE_BLOCK), in_channel, number_value(values, COOLDOWN_BLOCK)


def focus_settings_text(catalog: Catalog, settings: FocusSettings) -> str:
    t = catalog.t
    where = "" if not settings.enabled else t("focus.settings.where_channel") if settings.in_channel \
        else t("focus.settings.where_threads")
    return t("focus.settings.summary", mode=t(f"focus.settings.modes.{settings.mode}"), where=where,
             minutes=settings.cooldown_minutes)
