"""The data part of `/plc settings` (thresholds, retention), `/plc goal`, and growth lines after an upload."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.numbers import format_decimal
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.assessments.analysis import round_1
from bot.assessments.goals import Goal, GoalPoint
from bot.assessments.policy import RETENTION_CHOICES, AssessmentPolicy, school_year_end_after
from bot.assessments.service import StandardGrowth
from bot.i18n import Catalog
from handlers.form_state import date_value, entry, number_value, selected_value
from handlers.render.assessments import percent as points_percent  # as in the rest of the summary

GOAL_CALLBACK = "team_goal"
CHANGE_GOAL_ACTION = "goal_change"
BELOW_BLOCK, FROM_BLOCK, RETENTION_BLOCK, YEAR_END_BLOCK = "intervention_below", "extension_from", "retention", \
    "school_year_end"
STANDARDS_BLOCK, TARGET_BLOCK, DUE_BLOCK = "goal_standards", "goal_target", "goal_due_on"
SCHOOL_YEAR = "school_year"  # the retention option "until the end of the school year"


def number(catalog: Catalog, value: float) -> str:
    return format_decimal(value, format="#,##0.#", locale=catalog.locale)


def percent(catalog: Catalog, value: float) -> str:
    return catalog.t("assessments.percent", value=number(catalog, round_1(value)))


def _metadata(channel_id: str) -> str:
    return json.dumps({"channel_id": channel_id})


# -- /plc settings --------------------------------------------------------------------------------


def retention_text(catalog: Catalog, policy: AssessmentPolicy) -> str:
    if policy.retention_days is None:
        return catalog.t("assessment_settings.retention.school_year")
    return catalog.t("assessment_settings.retention.days", days=policy.retention_days)


def data_settings_blocks(catalog: Catalog, policy: AssessmentPolicy, today: date) -> list[Block]:
    """The data part of the `/plc settings` form: group thresholds and retention."""
    t = catalog.t
    choices = list(RETENTION_CHOICES)
    if policy.retention_days not in choices:
        choices.append(policy.retention_days)

    def option(days: int | None) -> Option:
        return Option(text=retention_text(catalog, AssessmentPolicy(retention_days=days)),
                      value=SCHOOL_YEAR if days is None else str(days))

    options = [option(days) for days in choices]
    current = options[choices.index(policy.retention_days)]
    year_end = school_year_end_after(today, policy.school_year_end)
    return [
        SectionBlock(text=MarkdownTextObject(text=t("assessment_settings.section"))),
        InputBlock(block_id=BELOW_BLOCK, label=t("assessment_settings.fields.intervention_below"),
                   hint=t("assessment_settings.fields.intervention_below_hint"),
                   element=NumberInputElement(action_id="value", is_decimal_allowed=True, min_value=1,
                                              max_value=100, initial_value=f"{policy.intervention_below:g}")),
        InputBlock(block_id=FROM_BLOCK, label=t("assessment_settings.fields.extension_from"),
                   hint=t("assessment_settings.fields.extension_from_hint"),
                   element=NumberInputElement(action_id="value", is_decimal_allowed=True, min_value=1,
                                              max_value=100, initial_value=f"{policy.extension_from:g}")),
        InputBlock(block_id=RETENTION_BLOCK, label=t("assessment_settings.fields.retention"),
                   hint=t("assessment_settings.fields.retention_hint"),
                   element=StaticSelectElement(action_id="value", options=options, initial_option=current)),
        InputBlock(block_id=YEAR_END_BLOCK, label=t("assessment_settings.fields.school_year_end"),
                   hint=t("assessment_settings.fields.school_year_end_hint"),
                   element=DatePickerElement(action_id="value", initial_date=year_end.isoformat())),
    ]


@dataclass(frozen=True)
class SettingsDraft:
    intervention_below: float | None
    extension_from: float | None
    retention_days: int | None
    retention_valid: bool
    school_year_end: str  # "MM-DD", or "" when no date was picked


def read_settings(values: dict[str, Any]) -> SettingsDraft:
    retention = selected_value(values, RETENTION_BLOCK)
    retention_days: int | None = None
    valid = retention == SCHOOL_YEAR
    if not valid and isinstance(retention, str) and retention.isdigit():
        retention_days, valid = int(retention), True
    picked = date_value(values, YEAR_END_BLOCK)
    year_end = picked.strftime("%m-%d") if picked else ""
    return SettingsDraft(number_value(values, BELOW_BLOCK), number_value(values, FROM_BLOCK), retention_days, valid,
                         year_end)


def data_settings_text(catalog: Catalog, policy: AssessmentPolicy, today: date) -> list[str]:
    """The team's data settings in words."""
    t = catalog.t
    year_end = school_year_end_after(today, policy.school_year_end)
    return [
        t("assessment_settings.summary.groups", below=percent(catalog, policy.intervention_below),
          from_=percent(catalog, policy.extension_from)),
        t("assessment_settings.summary.retention", retention=retention_text(catalog, policy),
          year_end=catalog.date(year_end)),
    ]


# -- /plc goal -------------------------------------------------------------------------------------


def goal_modal(catalog: Catalog, channel_id: str, goal: Goal | None) -> View:
    t = catalog.t
    return View(
        type="modal", callback_id=GOAL_CALLBACK, title=t("goal.title"), submit=t("goal.submit"),
        close=t("common.cancel"), private_metadata=_metadata(channel_id),
        blocks=[
            SectionBlock(text=t("goal.intro")),
            InputBlock(block_id=STANDARDS_BLOCK, label=t("goal.fields.standards"), hint=t("goal.fields.standards_hint"),
                       element=PlainTextInputElement(action_id="value", max_length=500,
                                                     placeholder=t("goal.fields.standards_placeholder"),
                                                     initial_value=", ".join(goal.standards) if goal else None)),
            InputBlock(block_id=TARGET_BLOCK, label=t("goal.fields.target"), hint=t("goal.fields.target_hint"),
                       element=NumberInputElement(action_id="value", is_decimal_allowed=True, min_value=1,
                                                  max_value=100,
                                                  initial_value=f"{goal.target_percent:g}" if goal else None)),
            InputBlock(block_id=DUE_BLOCK, label=t("goal.fields.due_on"),
                       element=DatePickerElement(action_id="value",
                                                 initial_date=goal.due_on.isoformat() if goal else None)),
        ],
    )


@dataclass(frozen=True)
class GoalDraft:
    standards_text: str
    target_percent: float | None
    due_on: date | None


def read_goal(values: dict[str, Any]) -> GoalDraft:
    standards = entry(values, STANDARDS_BLOCK).get("value")
    return GoalDraft(standards if isinstance(standards, str) else "", number_value(values, TARGET_BLOCK),
                     date_value(values, DUE_BLOCK))


def goal_statement(catalog: Catalog, goal: Goal, policy: AssessmentPolicy) -> str:
    return catalog.t("goal.statement", date=catalog.date(goal.due_on), target=percent(catalog, goal.target_percent),
                     below=percent(catalog, policy.intervention_below), standards=", ".join(goal.standards))


def goal_status(catalog: Catalog, goal: Goal, latest: GoalPoint | None, today: date) -> str:
    t = catalog.t
    if latest is None:
        return t("goal.status.no_data")
    if latest.percent >= goal.target_percent - 1e-9:
        return t("goal.status.reached", percent=percent(catalog, latest.percent))
    to_go = number(catalog, round_1(goal.target_percent - latest.percent))
    if today > goal.due_on:
        return t("goal.status.missed", percent=percent(catalog, latest.percent), to_go=to_go)
    return t("goal.status.to_go", percent=percent(catalog, latest.percent), to_go=to_go,
             days=(goal.due_on - today).days)


def goal_point_line(catalog: Catalog, point: GoalPoint) -> str:
    return catalog.t("goal.point", name=point.assessment, date=catalog.date(point.given_on),
                     percent=percent(catalog, point.percent), proficient=point.proficient, students=point.students)


def goal_report(catalog: Catalog, goal: Goal, policy: AssessmentPolicy, progress: list[GoalPoint],
                today: date) -> tuple[str, list[dict[str, Any]]]:
    """The goal, its measure in each assessment, where the team stands, and a button to change it."""
    t = catalog.t
    lines = [goal_statement(catalog, goal, policy), t("goal.set_by", user=goal.set_by), ""]
    if progress:
        lines.append(t("goal.progress"))
        lines += [goal_point_line(catalog, point) for point in progress]
        lines.append("")
    lines += [goal_status(catalog, goal, progress[-1] if progress else None, today), "", t("goal.clear_hint")]
    text = "\n".join(lines)
    blocks = [SectionBlock(text=text).to_dict(),
              ActionsBlock(elements=[ButtonElement(text=t("goal.change"), action_id=CHANGE_GOAL_ACTION,
                                                   value="change")]).to_dict()]
    return text, blocks


# -- after an upload ------------------------------------------------------------------------------------


def growth_lines(catalog: Catalog, growth: list[StandardGrowth]) -> list[str]:
    """Lines for the channel summary: each standard against the latest earlier assessment that had it."""
    if not growth:
        return []
    lines = [catalog.t("growth.title")]
    for change in growth:
        points = number(catalog, round_1(abs(change.change)))
        key = "growth.up" if change.change > 0.05 else "growth.down" if change.change < -0.05 else "growth.same"
        lines.append(catalog.t(key, standard=change.standard, before=points_percent(catalog, change.before),
                               now=points_percent(catalog, change.now), points=points, since=change.since))
    return lines


def goal_summary_line(catalog: Catalog, goal: Goal, point: GoalPoint) -> str:
    return catalog.t("goal.summary_line", percent=percent(catalog, point.percent), proficient=point.proficient,
                     students=point.students, standards=", ".join(goal.standards),
                     target=percent(catalog, goal.target_percent), date=catalog.date(goal.due_on))
