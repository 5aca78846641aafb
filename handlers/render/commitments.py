"""Commitment texts and Block Kit: confirmations, lists, the due-date DM, its modals, the agenda review."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.commitments.parser import MAX_TEXT
from bot.commitments.service import DONE, DROPPED, MAX_REASON, CommitmentView
from bot.i18n import Catalog
from bot.teams import TeamProfile

COMMIT_ACTION = "meeting_commit"  # the meeting message's button
DONE_ACTION, MORE_TIME_ACTION, DROP_ACTION = "commitment_done", "commitment_more_time", "commitment_drop"
REMINDER_BLOCK = "commitment_reminder"
NEW_CALLBACK, MORE_TIME_CALLBACK, DROP_CALLBACK = "commitment_new", "commitment_more_time", "commitment_drop"
TEXT_BLOCK, OWNER_BLOCK, DUE_BLOCK = "commitment_text", "commitment_owner", "commitment_due"
REASON_BLOCK = "drop_reason"
MAX_LINES = 25
MAX_REVIEW = 15
MAX_SECTION = 2900
MORE_TIME_DEFAULT = timedelta(days=7)


def day_text(catalog: Catalog, day: date) -> str:
    return catalog.date(day, format=catalog.t("commitments.date_format"))


def due_text(catalog: Catalog, due_on: date | None) -> str:
    return catalog.t("commitments.due", date=day_text(catalog, due_on)) if due_on else catalog.t("commitments.no_due")


def error_text(catalog: Catalog, key: str, params: dict[str, object]) -> str:
    """A parse or service error's text; a date in its parameters is written for the team's locale."""
    values = dict(params)
    day = values.pop("day", None)
    if isinstance(day, date):
        values["date"] = day_text(catalog, day)
    return catalog.t(key, **values)


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def recorded_text(catalog: Catalog, commitment: CommitmentView) -> str:
    """The author's ephemeral confirmation."""
    owner = mention(commitment.owner_id)
    lines = [catalog.t("commitments.recorded", text=commitment.text, owner=owner,
                       due=due_text(catalog, commitment.due_on))]
    if commitment.due_on is not None:
        lines.append(catalog.t("commitments.reminder_on", owner=owner, date=day_text(catalog, commitment.due_on)))
    else:
        lines.append(catalog.t("commitments.no_reminder"))
    if commitment.assessment_name and commitment.standard:
        lines.append(catalog.t("commitments.linked", assessment=commitment.assessment_name,
                               standard=commitment.standard))
    elif commitment.standard:
        lines.append(catalog.t("commitments.standard_only", standard=commitment.standard))
    return "\n".join(lines)


def announced_text(catalog: Catalog, commitment: CommitmentView) -> str:
    """The short post in the channel (or the live meeting's thread)."""
    due = due_text(catalog, commitment.due_on)
    if commitment.created_by and commitment.created_by != commitment.owner_id:
        return catalog.t("commitments.announced_by", owner=mention(commitment.owner_id), text=commitment.text,
                         due=due, author=mention(commitment.created_by))
    return catalog.t("commitments.announced", owner=mention(commitment.owner_id), text=commitment.text, due=due)


def list_text(catalog: Catalog, team: TeamProfile, commitments: list[CommitmentView], today: date,
              mine: bool = False) -> str:
    """`/plc commitments`: the open ones, overdue ones marked."""
    if not commitments:
        return catalog.t("commitments.list_mine_none" if mine else "commitments.list_none")
    header = "commitments.list_mine_header" if mine else "commitments.list_header"
    lines = [catalog.t(header, team=team.name, count=len(commitments))]
    for commitment in commitments[:MAX_LINES]:
        key = "commitments.list_line_overdue" if commitment.overdue(today) else "commitments.list_line"
        lines.append(catalog.t(key, owner=mention(commitment.owner_id), text=commitment.text,
                               due=due_text(catalog, commitment.due_on)))
    if len(commitments) > MAX_LINES:
        lines.append(catalog.t("commitments.list_more", count=len(commitments) - MAX_LINES))
    return "\n".join(lines)[:3900]


def status_text(catalog: Catalog, commitment: CommitmentView, day: date) -> str:
    """Where a commitment stands on `day` (the meeting's day): done, dropped, more time, overdue, open."""
    if commitment.status == DONE:
        if commitment.status_note:  # closed by a measured action plan: its evidence
            return catalog.t("commitments.status.done_with_evidence", evidence=commitment.status_note)
        return catalog.t("commitments.status.done")
    if commitment.status == DROPPED:
        return catalog.t("commitments.status.dropped", reason=commitment.status_note or "")
    if commitment.due_on is not None and commitment.due_on < day:
        return catalog.t("commitments.status.overdue")
    if commitment.postponed and commitment.due_on is not None:
        return catalog.t("commitments.status.more_time", date=day_text(catalog, commitment.due_on))
    return catalog.t("commitments.status.open")


def review_text(catalog: Catalog, team: TeamProfile, commitments: list[CommitmentView], starts_at: datetime,
                as_of: datetime | None = None) -> str:
    """The "Commitments to review" section that opens a meeting's agenda: where each stands on the
    meeting's day (or at `as_of`, when that is earlier: the preview the day before)."""
    zone = ZoneInfo(team.timezone)
    day = starts_at.astimezone(zone).date()
    if as_of is not None:
        day = min(day, as_of.astimezone(zone).date())
    lines = [catalog.t("commitments.review_header", count=len(commitments))]
    for commitment in commitments[:MAX_REVIEW]:
        lines.append(catalog.t("commitments.review_line", owner=mention(commitment.owner_id), text=commitment.text,
                               due=due_text(catalog, commitment.due_on),
                               status=status_text(catalog, commitment, day)))
    if len(commitments) > MAX_REVIEW:
        lines.append(catalog.t("commitments.review_more", count=len(commitments) - MAX_REVIEW))
    return "\n".join(lines)[:MAX_SECTION]


def review_blocks(catalog: Catalog, team: TeamProfile, commitments: list[CommitmentView] | None,
                  starts_at: datetime, as_of: datetime | None = None) -> list[Block]:
    """The review as a section, or nothing when there is nothing to review."""
    if not commitments:
        return []
    text = review_text(catalog, team, commitments, starts_at, as_of)
    return [SectionBlock(block_id="commitments_review", text=MarkdownTextObject(text=text))]


def commit_button(catalog: Catalog, meeting_id: int) -> ButtonElement:
    return ButtonElement(text=catalog.t("commitments.buttons.commit"), action_id=COMMIT_ACTION, value=str(meeting_id))


# ---------------------------------------------------------------- the owner's direct message


def reminder_text(catalog: Catalog, commitment: CommitmentView) -> str:
    return catalog.t("commitments.reminder_text", text=commitment.text)


def reminder_blocks(catalog: Catalog, team: TeamProfile, commitment: CommitmentView) -> list[Block]:
    """The due-date DM: the commitment and three buttons (done, more time, drop)."""
    value = str(commitment.id)
    blocks: list[Block] = [
        HeaderBlock(text=catalog.t("commitments.reminder_header")[:150]),
        SectionBlock(text=MarkdownTextObject(text=catalog.t(
            "commitments.reminder_body", text=commitment.text, team=team.name,
            due=due_text(catalog, commitment.due_on))[:MAX_SECTION])),
    ]
    if commitment.assessment_name and commitment.standard:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=catalog.t(
            "commitments.linked", assessment=commitment.assessment_name, standard=commitment.standard))]))
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=catalog.t("commitments.reminder_question"))),
        ActionsBlock(block_id=REMINDER_BLOCK, elements=[
            ButtonElement(text=catalog.t("commitments.buttons.done"), action_id=DONE_ACTION, value=value,
                          style="primary"),
            ButtonElement(text=catalog.t("commitments.buttons.more_time"), action_id=MORE_TIME_ACTION, value=value),
            ButtonElement(text=catalog.t("commitments.buttons.drop"), action_id=DROP_ACTION, value=value,
                          style="danger"),
        ]),
    ]
    return blocks


def answered_text(catalog: Catalog, commitment: CommitmentView, changed: bool) -> str:
    """What the DM says once answered (no buttons left): done, more time, dropped, or already closed."""
    if not changed:
        if commitment.status in (DONE, DROPPED):
            day = commitment.due_on or date.min
            return catalog.t("commitments.dm_closed", text=commitment.text,
                             status=status_text(catalog, commitment, day))
        return catalog.t("commitments.dm_more_time", text=commitment.text,
                         date=day_text(catalog, commitment.due_on) if commitment.due_on else "")
    if commitment.status == DONE:
        return catalog.t("commitments.dm_done", text=commitment.text)
    if commitment.status == DROPPED:
        return catalog.t("commitments.dm_dropped", text=commitment.text, reason=commitment.status_note or "")
    return catalog.t("commitments.dm_more_time", text=commitment.text,
                     date=day_text(catalog, commitment.due_on) if commitment.due_on else "")


def answered_blocks(text: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=text[:MAX_SECTION]))]


def closed_in_channel_text(catalog: Catalog, commitment: CommitmentView) -> str:
    owner = mention(commitment.owner_id)
    if commitment.status == DROPPED:
        return catalog.t("commitments.channel_dropped", owner=owner, text=commitment.text,
                         reason=commitment.status_note or "")
    return catalog.t("commitments.channel_done", owner=owner, text=commitment.text)


# ---------------------------------------------------------------- modals


def _metadata(**values: object) -> str:
    return json.dumps({k: str(v) for k, v in values.items() if v is not None})


def commit_modal(catalog: Catalog, channel_id: str, owner_id: str, meeting_id: str | None = None) -> View:
    """The meeting thread's "Commit" form: what, who, by when."""
    return View(
        type="modal", callback_id=NEW_CALLBACK, title=catalog.t("commitments.modal.title")[:24],
        submit=catalog.t("commitments.modal.submit")[:24], close=catalog.t("common.cancel")[:24],
        private_metadata=_metadata(channel_id=channel_id, meeting_id=meeting_id),
        blocks=[
            InputBlock(block_id=TEXT_BLOCK, label=catalog.t("commitments.modal.text_label"),
                       element=PlainTextInputElement(action_id="text", max_length=MAX_TEXT,
                                                     placeholder=catalog.t("commitments.modal.text_placeholder"))),
            InputBlock(block_id=OWNER_BLOCK, label=catalog.t("commitments.modal.owner_label"),
                       element=UserSelectElement(action_id="owner", initial_user=owner_id or None)),
            InputBlock(block_id=DUE_BLOCK, label=catalog.t("commitments.modal.due_label"), optional=True,
                       element=DatePickerElement(action_id="due")),
        ],
    )


def _answer_modal(catalog: Catalog, callback_id: str, name: str, commitment: CommitmentView, channel_id: str,
                  message_ts: str, from_home: bool, field: InputBlock) -> View:
    """A form about one commitment (its text, then `field`), remembering where the answer must show."""
    return View(
        type="modal", callback_id=callback_id, title=catalog.t(f"commitments.modal.{name}_title")[:24],
        submit=catalog.t(f"commitments.modal.{name}_submit")[:24], close=catalog.t("common.cancel")[:24],
        private_metadata=_metadata(commitment_id=commitment.id, channel_id=channel_id, ts=message_ts,
                                   home="1" if from_home else None),
        blocks=[SectionBlock(text=MarkdownTextObject(text=f"*{commitment.text}*"[:MAX_SECTION])), field],
    )


def more_time_modal(catalog: Catalog, commitment: CommitmentView, today: date, channel_id: str,
                    message_ts: str, *, from_home: bool = False) -> View:
    """A datepicker for the new due date (a week after the later of today and the old due date).
    `channel_id`/`message_ts`: the reminder to update; `from_home`: the App Home to rebuild after."""
    start = max(today, commitment.due_on or today) + MORE_TIME_DEFAULT
    field = InputBlock(block_id=DUE_BLOCK, label=catalog.t("commitments.modal.more_time_label"),
                       element=DatePickerElement(action_id="due", initial_date=start.isoformat()))
    return _answer_modal(catalog, MORE_TIME_CALLBACK, "more_time", commitment, channel_id, message_ts, from_home,
                         field)


def drop_modal(catalog: Catalog, commitment: CommitmentView, channel_id: str, message_ts: str, *,
               from_home: bool = False) -> View:
    """Why the commitment is dropped (the same places to update as `more_time_modal`)."""
    field = InputBlock(block_id=REASON_BLOCK, label=catalog.t("commitments.modal.drop_label"),
                       element=PlainTextInputElement(action_id="reason", max_length=MAX_REASON))
    return _answer_modal(catalog, DROP_CALLBACK, "drop", commitment, channel_id, message_ts, from_home, field)
