"""Action plans in Slack: the plan form, what the channel and each owner see, results, `/plc worked`.

The channel and `/plc worked` get counts and means only; student names appear only in the texts for a
group's owner (`owner_text`, `result_owner_text`) and for the facilitators (`facilitator_text`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import Catalog
from bot.plans.grouping import EXTENSION
from bot.plans.library import Connection, Elsewhere, Entry, strategy_tags
from bot.plans.service import GroupInput, GroupView, Member, PlanDraft, PlanView
from handlers.form_state import date_value, selected_value, text_value
from handlers.render.assessments import percent

PLAN_CALLBACK = "action_plan"
PLAN_ACTION = "plan_open"  # a button that opens the plan form (value: the assessment's name, or "")
SHARE_ACTION, HIDE_ACTION = "plan_share_name", "plan_hide_name"
FIELDS = ("owner", "strategy", "tag", "when", "recheck")
MAX_LIST = 10  # lines of /plc worked
MAX_TEXT = 2900


def block_id(index: int, field: str) -> str:
    return f"plan_{index}_{field}"


def points(catalog: Catalog, value: float) -> str:
    """A change in points, signed and whole: "+23 points"."""
    return catalog.t("plans.points", value=catalog.signed(value))


def line_value(value: float) -> str:
    return f"{value:g}"


def day(catalog: Catalog, value: date) -> str:
    return catalog.date(value, format=catalog.t("plans.date_format"))


def standard_label(catalog: Catalog, kind: str, standard: str) -> str:
    return catalog.t("plans.extension_name") if kind == EXTENSION else standard


def plan_button(catalog: Catalog, assessment: str = "") -> ButtonElement:
    return ButtonElement(text=catalog.t("plans.buttons.plan"), action_id=PLAN_ACTION, value=assessment[:150])


# ------------------------------------------------------------------------------------------ the form


def elsewhere_text(catalog: Catalog, found: Elsewhere | None, connections: list[Connection]) -> str:
    lines = []
    if found is not None:
        changes = ", ".join(points(catalog, c) for c in found.changes)
        lines.append(catalog.t("plans.form.elsewhere", tried=found.tried, measured=len(found.changes),
                               changes=catalog.t("plans.form.elsewhere_changes", changes=changes) if changes else ""))
    lines += [catalog.t("plans.form.connection", team=c.team_name, standard=c.standard, channel=f"<#{c.channel_id}>")
              for c in connections]
    return "\n".join(lines)


def plan_modal(catalog: Catalog, channel_id: str, draft: PlanDraft, elsewhere: dict[str, Elsewhere],
               connections: dict[str, list[Connection]]) -> View:
    """The form: one set of fields per group, counts only (never a student's name)."""
    t = catalog.t
    below, extension = line_value(draft.thresholds.intervention_below), line_value(draft.thresholds.extension_from)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=t(
        "plans.form.intro", assessment=draft.assessment_name, below=below, extension=extension)))]
    if draft.planned:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("plans.form.replaces"))]))
    tags = [Option(value=key, text=t(f"plans.tags.{key}")) for key in strategy_tags()]
    for index, group in enumerate(draft.groups):
        mean = percent(catalog, group.mean_percent)
        heading = (t("plans.form.group_extension", count=group.students, extension=extension, mean=mean)
                   if group.kind == EXTENSION else
                   t("plans.form.group_reteach", standard=group.standard, count=group.students, below=below, mean=mean))
        notes = elsewhere_text(catalog, elsewhere.get(group.key), connections.get(group.key, []))
        planned = draft.planned.get(group.key)
        if planned is not None:
            notes = "\n".join(filter(None, [t("plans.form.planned", owner=f"<@{planned.owner_id}>",
                                              strategy=planned.strategy), notes]))
        blocks += [
            DividerBlock(),
            SectionBlock(block_id=block_id(index, "heading"),
                         text=MarkdownTextObject(text=(heading + ("\n" + notes if notes else ""))[:MAX_TEXT])),
            InputBlock(block_id=block_id(index, "owner"), label=t("plans.form.owner"), optional=True,
                       element=UserSelectElement(action_id="owner")),
            InputBlock(block_id=block_id(index, "strategy"), label=t("plans.form.strategy"), optional=True,
                       element=PlainTextInputElement(action_id="strategy", max_length=500,
                                                     placeholder=t("plans.form.strategy_placeholder")[:150])),
            InputBlock(block_id=block_id(index, "tag"), label=t("plans.form.tag"), optional=True,
                       element=StaticSelectElement(action_id="tag", options=tags)),
            InputBlock(block_id=block_id(index, "when"), label=t("plans.form.when"), optional=True,
                       element=DatePickerElement(action_id="when")),
            InputBlock(block_id=block_id(index, "recheck"), label=t("plans.form.recheck"), optional=True,
                       hint=t("plans.form.recheck_hint"), element=DatePickerElement(action_id="recheck")),
        ]
    metadata = {"channel_id": channel_id, "assessment_id": draft.assessment_id,
                "groups": [group.key for group in draft.groups]}
    return View(type="modal", callback_id=PLAN_CALLBACK, title=t("plans.form.title")[:24],
                submit=t("plans.form.submit")[:24], close=t("common.cancel"),
                private_metadata=json.dumps(metadata), blocks=blocks)


def read_plan(values: dict[str, Any], keys: list[str]) -> tuple[list[GroupInput], list[int]]:
    """The groups filled in, with their places in the form; a group with only an owner or only a
    strategy comes back too, so the service can say what is missing."""
    inputs, places = [], []
    for index, key in enumerate(keys):
        owner_entry = (values.get(block_id(index, "owner")) or {}).get("owner") or {}
        owner = owner_entry.get("selected_user") if isinstance(owner_entry, dict) else None
        strategy = text_value(values, block_id(index, "strategy"), "strategy")
        tag = selected_value(values, block_id(index, "tag"), "tag")
        when = date_value(values, block_id(index, "when"), "when")
        recheck = date_value(values, block_id(index, "recheck"), "recheck")
        if not owner and not strategy:
            continue
        inputs.append(GroupInput(key, owner if isinstance(owner, str) else "", strategy,
                                 tag if tag in strategy_tags() else None, when, recheck))
        places.append(index)
    return inputs, places


# ------------------------------------------------------------------------------------------ saved


def _tag(catalog: Catalog, tag: str | None) -> str:
    return catalog.t("plans.saved.tag_suffix", tag=catalog.t(f"plans.tags.{tag}")) if tag else ""


def _when(catalog: Catalog, group: GroupView) -> str:
    return (catalog.t("plans.saved.when_on", date=day(catalog, group.happens_on)) if group.happens_on
            else catalog.t("plans.saved.when_open"))


def _recheck(catalog: Catalog, groups: list[GroupView]) -> str:
    dates = [g.recheck_on for g in groups if g.recheck_on is not None]
    if not dates:
        return catalog.t("plans.saved.recheck_next")
    latest = day(catalog, max(dates))
    if len(dates) < len(groups):
        return catalog.t("plans.saved.recheck_mixed", date=latest)
    return catalog.t("plans.saved.recheck_by", date=latest)


def saved_channel_text(catalog: Catalog, plan: PlanView, groups: list[GroupView], author: str) -> str:
    """The channel's notice: counts, owners and strategies, no student names."""
    lines = [catalog.t("plans.saved.channel", assessment=plan.assessment_name, author=f"<@{author}>",
                       groups=len(groups), owners=len({g.owner_id for g in groups}), recheck=_recheck(catalog, groups))]
    lines += [catalog.t("plans.saved.channel_line", standard=standard_label(catalog, g.kind, g.standard),
                        count=g.students, owner=f"<@{g.owner_id}>", strategy=g.strategy, tag=_tag(catalog, g.tag),
                        when=_when(catalog, g)) for g in groups]
    lines.append(catalog.t("plans.saved.names_hint"))
    return "\n".join(lines)[:MAX_TEXT]


def _students(catalog: Catalog, members: list[Member]) -> str:
    return "\n".join(catalog.t("plans.saved.student_line", student=m.student, percent=percent(catalog, m.before))
                     for m in members)


def owner_text(catalog: Catalog, team_name: str, plan: PlanView, group: GroupView, members: list[Member]) -> str:
    """The owner's DM: their group's students (student data: this owner only)."""
    return catalog.t("plans.saved.owner_dm", assessment=plan.assessment_name, team=team_name,
                     standard=standard_label(catalog, group.kind, group.standard), count=group.students,
                     strategy=group.strategy, when=_when(catalog, group), recheck=_recheck(catalog, [group]),
                     students=_students(catalog, members))


def facilitator_text(catalog: Catalog, team_name: str, plan: PlanView,
                     groups: list[tuple[GroupView, list[Member]]]) -> str:
    parts = [catalog.t("plans.saved.facilitator_group", standard=standard_label(catalog, g.kind, g.standard),
                       owner=f"<@{g.owner_id}>", count=g.students,
                       students=", ".join(f"{m.student} ({percent(catalog, m.before)})" for m in members))
             for g, members in groups]
    return catalog.t("plans.saved.facilitator_dm", assessment=plan.assessment_name, team=team_name,
                     groups="\n".join(parts))


# ------------------------------------------------------------------------------------------ measured


def _comparison(catalog: Catalog, result: dict[str, Any]) -> str:
    change = result.get("others_change")
    if change is None:
        return catalog.t("plans.measured.no_comparison")
    return catalog.t("plans.measured.comparison", change=points(catalog, float(change)))


def result_line(catalog: Catalog, group: GroupView) -> str:
    result = group.result or {}
    key = "plans.measured.line_extension" if group.kind == EXTENSION else "plans.measured.line_reteach"
    line = catalog.t(key, standard=group.standard, strategy=group.strategy, matched=result.get("matched", 0),
                     crossed=result.get("crossed", 0), line=line_value(float(result.get("line", 0))),
                     change=points(catalog, float(result.get("change", 0))), comparison=_comparison(catalog, result))
    if result.get("missing"):
        line += catalog.t("plans.measured.missing", missing=result["missing"], assessment=result.get("assessment", ""))
    return line


def measured_channel_text(catalog: Catalog, groups: list[GroupView], updated: bool) -> str:
    """The channel's "Did our plan work?": aggregates only."""
    first = groups[0]
    head = "plans.measured.channel_updated" if updated else "plans.measured.channel"
    lines = [catalog.t(head, assessment=first.measured_on_name or "", earlier=first.assessment_name)]
    lines += [result_line(catalog, g) for g in groups]
    standard = next((g.standard for g in groups if g.kind != EXTENSION), "")
    lines.append(catalog.t("plans.measured.library_hint", standard=standard).replace("  ", " "))
    return "\n".join(lines)[:MAX_TEXT]


def result_owner_text(catalog: Catalog, team_name: str, group: GroupView, members: list[Member]) -> str:
    """The owner's DM with each of their students before and after (student data: this owner only)."""
    result = group.result or {}
    found = [m for m in members if m.after is not None]
    gone = [m.student for m in members if m.after is None]
    students = "\n".join(catalog.t("plans.measured.owner_student", student=m.student,
                                   before=percent(catalog, m.before), after=percent(catalog, float(m.after or 0)))
                         for m in found)
    missing = catalog.t("plans.measured.owner_missing", assessment=result.get("assessment", ""),
                        students=", ".join(gone)) if gone else ""
    return catalog.t("plans.measured.owner_dm", team=team_name,
                     standard=standard_label(catalog, group.kind, group.standard), strategy=group.strategy,
                     assessment=result.get("assessment", ""), earlier=group.assessment_name,
                     matched=result.get("matched", 0), before=percent(catalog, float(result.get("before", 0))),
                     after=percent(catalog, float(result.get("after", 0))),
                     change=points(catalog, float(result.get("change", 0))), crossed=result.get("crossed", 0),
                     line=line_value(float(result.get("line", 0))), comparison=_comparison(catalog, result),
                     students=students, missing=missing)


def result_owner_blocks(catalog: Catalog, text: str, group_id: int) -> list[Block]:
    return [
        SectionBlock(text=MarkdownTextObject(text=text[:MAX_TEXT])),
        SectionBlock(text=MarkdownTextObject(text=catalog.t("plans.measured.owner_share"))),
        ActionsBlock(block_id="plan_share", elements=[
            ButtonElement(text=catalog.t("plans.measured.share_button"), action_id=SHARE_ACTION, value=str(group_id)),
            ButtonElement(text=catalog.t("plans.measured.hide_button"), action_id=HIDE_ACTION, value=str(group_id)),
        ]),
    ]


def agenda_blocks(catalog: Catalog, groups: list[GroupView]) -> list[Block]:
    """The "Did our plan work?" section that opens the next meeting's agenda (aggregates only)."""
    if not groups:
        return []
    lines = [catalog.t("plans.measured.agenda_header", count=len(groups))]
    for g in groups:
        result = g.result or {}
        others = result.get("others_change")
        comparison = points(catalog, float(others)) if others is not None else catalog.t("plans.measured.agenda_none")
        lines.append(catalog.t(
            "plans.measured.agenda_line", standard=standard_label(catalog, g.kind, g.standard),
            owner=f"<@{g.owner_id}>", strategy=g.strategy, matched=result.get("matched", 0),
            change=points(catalog, float(result.get("change", 0))), crossed=result.get("crossed", 0),
            line=line_value(float(result.get("line", 0))), comparison=comparison))
    return [SectionBlock(block_id="plans_review", text=MarkdownTextObject(text="\n".join(lines)[:MAX_TEXT]))]


# ------------------------------------------------------------------------------------------ /plc worked


def worked_text(catalog: Catalog, query: str, entries: list[Entry], connections: list[Connection],
                own_private: bool) -> str:
    """The library's answer: aggregates, the team's name, an owner only when they chose to show it."""
    t = catalog.t
    if not entries:
        lines = [t("plans.worked.none", query=f"*{query}*") if query else t("plans.worked.none_all")]
    else:
        lines = [t("plans.worked.header", query=f"*{query}*", count=len(entries)) if query
                 else t("plans.worked.header_all", count=len(entries))]
        for e in entries[:MAX_LIST]:
            comparison = points(catalog, e.others_change) if e.others_change is not None \
                else t("plans.measured.agenda_none")
            lines.append(t("plans.worked.line", standard=standard_label(catalog, e.kind, e.standard)
                           if e.kind != EXTENSION else f"{t('plans.extension_name')} ({e.standard})",
                           strategy=e.strategy, tag=_tag(catalog, e.tag), students=e.students,
                           change=points(catalog, e.change), crossed=e.crossed, line=line_value(e.line),
                           comparison=comparison, team=f"{e.team_name} (<#{e.channel_id}>)",
                           owner=t("plans.worked.owner", owner=f"<@{e.owner_id}>") if e.owner_id else "",
                           date=day(catalog, e.measured_on)))
        if len(entries) > MAX_LIST:
            lines.append(t("plans.worked.more", count=len(entries) - MAX_LIST))
    lines += [t("plans.worked.also", team=c.team_name, standard=c.standard, channel=f"<#{c.channel_id}>")
              for c in connections]
    if own_private:
        lines.append(t("plans.worked.private_note"))
    return "\n".join(lines)[:MAX_TEXT]
