"""The schedule modal, and the one-line description of a team's schedule."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.meetings.recurrence import MONTHLY, MeetingRule, RuleDraft
from handlers.form_state import checked_values, entry, selected_value
from handlers.render.setup import TIMEZONE_ACTION

CALLBACK_ID = "meeting_schedule"
RECURRENCES = ("weekly", "biweekly", "monthly")
MONTHLY_WEEKS = (("1", "first"), ("2", "second"), ("3", "third"), ("4", "fourth"), ("-1", "last"))
# RuleDraft field -> block_id; the action_id is the field name (the timezone reuses the setup search).
BLOCKS = {
    "weekdays": "schedule_weekdays",
    "start_time": "schedule_start_time",
    "duration_minutes": "schedule_duration",
    "recurrence": "schedule_recurrence",
    "monthly_week": "schedule_monthly_week",
    "first_date": "schedule_first_date",
    "last_date": "schedule_last_date",
    "skip_dates": "schedule_skip_dates",
    "timezone": "schedule_timezone",
}


def _action(field: str) -> str:
    return TIMEZONE_ACTION if field == "timezone" else field


def schedule_summary(catalog: Catalog, rule: MeetingRule) -> str:
    days = ", ".join(catalog.list("schedule.weekday_names")[d] for d in rule.weekdays)
    common = dict(days=days, time=rule.start.strftime("%H:%M"), timezone=rule.timezone,
                  duration=rule.duration_minutes)
    if rule.recurrence == MONTHLY:
        week = dict(MONTHLY_WEEKS)[str(rule.monthly_week)]
        text = catalog.t("schedule.summary_monthly", week=catalog.t(f"schedule.monthly_weeks.{week}"), **common)
    else:
        text = catalog.t("schedule.summary", recurrence=catalog.t(f"schedule.recurrence_names.{rule.recurrence}"),
                         **common)
    extras = []
    if rule.last_date:
        extras.append(catalog.t("schedule.until", date=catalog.date(rule.last_date)))
    if rule.skip_dates:
        extras.append(catalog.t("schedule.skips", count=len(rule.skip_dates)))
    return ", ".join([text, *extras])


def schedule_modal(catalog: Catalog, channel_id: str, timezone: str, today: date, rule: MeetingRule | None) -> View:
    t = catalog.t
    day_options = [Option(text=name, value=str(i)) for i, name in enumerate(catalog.list("schedule.weekday_names"))]
    recurrence_options = [Option(text=t(f"schedule.recurrence_names.{r}"), value=r) for r in RECURRENCES]
    week_options = [Option(text=t(f"schedule.monthly_weeks.{name}"), value=value) for value, name in MONTHLY_WEEKS]

    def pick(options: list[Option], value: str | None) -> Option | None:
        return next((o for o in options if o.value == value), None)

    zone = rule.timezone if rule else timezone
    blocks = [
        InputBlock(block_id=BLOCKS["weekdays"], label=t("schedule.fields.weekdays"), element=CheckboxesElement(
            action_id="weekdays", options=day_options,
            initial_options=[day_options[d] for d in rule.weekdays] if rule else None)),
        InputBlock(block_id=BLOCKS["start_time"], label=t("schedule.fields.start_time"), element=TimePickerElement(
            action_id="start_time", initial_time=rule.start.strftime("%H:%M") if rule else "15:30")),
        InputBlock(block_id=BLOCKS["duration_minutes"], label=t("schedule.fields.duration_minutes"),
                   element=NumberInputElement(action_id="duration_minutes", is_decimal_allowed=False,
                                              initial_value=str(rule.duration_minutes if rule else 45),
                                              min_value="5", max_value="480")),
        InputBlock(block_id=BLOCKS["recurrence"], label=t("schedule.fields.recurrence"), element=StaticSelectElement(
            action_id="recurrence", options=recurrence_options,
            initial_option=pick(recurrence_options, rule.recurrence if rule else "weekly"))),
        InputBlock(block_id=BLOCKS["monthly_week"], label=t("schedule.fields.monthly_week"), optional=True,
                   hint=t("schedule.hints.monthly_week"), element=StaticSelectElement(
                       action_id="monthly_week", options=week_options,
                       initial_option=pick(week_options, str(rule.monthly_week)) if rule else None)),
        InputBlock(block_id=BLOCKS["first_date"], label=t("schedule.fields.first_date"), element=DatePickerElement(
            action_id="first_date", initial_date=(rule.first_date if rule else today).isoformat())),
        InputBlock(block_id=BLOCKS["last_date"], label=t("schedule.fields.last_date"), optional=True,
                   element=DatePickerElement(action_id="last_date",
                                             initial_date=rule.last_date.isoformat() if rule and rule.last_date
                                             else None)),
        InputBlock(block_id=BLOCKS["skip_dates"], label=t("schedule.fields.skip_dates"), optional=True,
                   hint=t("schedule.hints.skip_dates"), element=PlainTextInputElement(
                       action_id="skip_dates", multiline=True, max_length=2000,
                       # past skip dates no longer matter, and the form refuses dates in the past
                       initial_value=", ".join(sorted(d.isoformat() for d in rule.skip_dates if d >= today)) or None
                       if rule else None)),
        InputBlock(block_id=BLOCKS["timezone"], label=t("schedule.fields.timezone"), hint=t("schedule.hints.timezone"),
                   element=ExternalDataSelectElement(action_id=TIMEZONE_ACTION, min_query_length=2,
                                                     initial_option=Option(text=zone, value=zone))),
    ]
    return View(type="modal", callback_id=CALLBACK_ID, title=t("schedule.title"), submit=t("schedule.submit"),
                close=t("common.cancel"), private_metadata=json.dumps({"channel_id": channel_id}), blocks=blocks)


def read_rule_draft(values: dict[str, Any]) -> RuleDraft:
    """The submitted `view.state.values` as strings, as Slack sends them (missing -> None)."""
    def text_of(field: str, key: str) -> str | None:
        value = entry(values, BLOCKS[field], _action(field)).get(key)
        return value if isinstance(value, str) else None

    def option(field: str) -> str | None:
        return selected_value(values, BLOCKS[field], _action(field))

    weekdays = checked_values(values, BLOCKS["weekdays"], _action("weekdays"))
    return RuleDraft(
        weekdays=weekdays,
        start_time=text_of("start_time", "selected_time"),
        duration_minutes=text_of("duration_minutes", "value"),
        recurrence=option("recurrence"),
        monthly_week=option("monthly_week"),
        first_date=text_of("first_date", "selected_date"),
        last_date=text_of("last_date", "selected_date"),
        skip_dates=text_of("skip_dates", "value"),
        timezone=option("timezone"),
    )
