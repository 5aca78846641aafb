"""What the scheduler posts when a notice falls due: one sender per notice kind.

The scheduler (bot/scheduler) decides *when*; these decide *what*, through the same services
and renderers as the listeners. Each sender raises when Slack could not be reached, so the
scheduler retries the notice later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.coaching.digest import WEEK, WeeklyChanges
from bot.coaching.service import COACH_DIGEST
from bot.commitments.service import COMMITMENT_DUE, reminder_times
from bot.meetings.agenda import build_agenda, load_protocol
from bot.teams import TeamProfile
from handlers.agenda_review import opening_sections
from handlers.commitment_flow import send_reminder
from handlers.meeting_flow import close_meeting, open_meeting
from handlers.reflection_flow import digest_for_preview
from handlers.render.coach_home import digest_message
from handlers.render.meeting import preview_blocks, roles_text, when
from handlers.slack_calls import post_in_channel

if TYPE_CHECKING:
    from bot.app import PlcApp
    from bot.scheduler.dispatcher import DueNotice

logger = logging.getLogger(__name__)
Sender = Callable[["DueNotice"], None]


def client_for(plc: PlcApp, team: TeamProfile) -> WebClient:
    """The Web API client for the team's workspace (its own bot token when installed through OAuth)."""
    return plc.client_for(team.workspace_id)


def senders(plc: PlcApp) -> dict[str, Sender]:
    services = plc.services

    def context(notice: DueNotice) -> tuple[TeamProfile, WebClient] | None:
        team = services.teams.get(notice.team_id)
        if team is None:
            return None
        return team, client_for(plc, team)

    def posted(result: object) -> None:
        if result is None:
            raise RuntimeError("Slack did not take the message")

    def agenda_preview(notice: DueNotice) -> None:
        found = context(notice)
        rule = services.schedules.get(notice.team_id)
        if found is None or rule is None:
            return
        team, client = found
        texts = services.catalog_for(team)
        protocol = load_protocol(services.meetings.protocol_for(team.id, notice.occurrence_at), team.language)
        entries = services.meetings.pending_entries(team.id)
        items = build_agenda(protocol, entries, rule.duration_minutes)
        posted(post_in_channel(client, team.channel_id,
                               text=texts.t("meeting.preview_header", team=team.name,
                                            when=when(texts, notice.occurrence_at, team.timezone)),
                               blocks=preview_blocks(texts, team, protocol.key, notice.occurrence_at, items,
                                                     len(entries),
                                                     digest_for_preview(services, team, notice.occurrence_at),
                                                     opening_sections(services, team, notice.occurrence_at,
                                                                    notice.due_at))))

    def reminder(notice: DueNotice) -> None:
        found = context(notice)
        if found is None:
            return
        team, client = found
        texts = services.catalog_for(team)
        roles = roles_text(texts, services.meetings.next_roles(team.id))
        posted(post_in_channel(client, team.channel_id, text=texts.t(
            "meeting.reminder", when=when(texts, notice.occurrence_at, team.timezone), roles=roles)))

    def meeting_start(notice: DueNotice) -> None:
        found = context(notice)
        rule = services.schedules.get(notice.team_id)
        if found is None or rule is None:
            return
        team, client = found
        open_meeting(client, services, team, notice.occurrence_at, rule.duration_minutes)

    def item_ending(notice: DueNotice) -> None:
        found = context(notice)
        meeting = services.meetings.live_meeting(notice.team_id)
        if found is None or meeting is None or meeting.status != "running" or meeting.current_item != notice.ref:
            return
        team, client = found
        texts = services.catalog_for(team)
        item = meeting.current
        if item is None or meeting.item_started_at is None:
            return
        ends = meeting.item_started_at + timedelta(minutes=item.minutes)
        said_at = max(datetime.now(UTC), notice.due_at)  # fired ahead of time (the sandbox): count from due
        left = max(1, round((ends - said_at).total_seconds() / 60))
        timekeeper = meeting.roles.get("timekeeper")
        text = (texts.t("meeting.nudge", timekeeper=timekeeper, left=left, title=item.title) if timekeeper
                else texts.t("meeting.nudge_no_timekeeper", left=left, title=item.title))
        posted(post_in_channel(client, team.channel_id, text=text, thread_ts=meeting.message_ts))

    def meeting_end(notice: DueNotice) -> None:
        found = context(notice)
        meeting = services.meetings.live_meeting(notice.team_id)
        if found is None or meeting is None or meeting.starts_at != notice.occurrence_at:
            return
        team, client = found
        close_meeting(client, services, team, meeting.id, by_time=True)

    def commitment_due(notice: DueNotice) -> None:
        """The owner's DM on the due date; nothing when the commitment was closed or moved to another day."""
        found = context(notice)
        commitment = services.commitments.get(notice.ref)
        if found is None or commitment is None or not commitment.is_open or commitment.due_on is None:
            return
        team, client = found
        if reminder_times(commitment.due_on, team.timezone, notice.due_at)[0] != notice.occurrence_at:
            return
        posted(send_reminder(client, services, team, commitment))

    def coach_digest(notice: DueNotice) -> None:
        """The coach's Monday DM (`ref`: the coach's id); nothing when they turned it off or are no longer a coach.

        Once it is sent, the next Monday's notice is planned (the re-planning job would do it within a minute
        too; the outbox's unique key keeps it once)."""
        coach = services.coaches.by_id(notice.ref)
        if coach is None or not coach.digest:
            return
        team_ids = services.coaches.team_ids(coach)
        if not team_ids:
            return
        until = notice.occurrence_at
        texts = services.catalog_for(language=coach.language)
        weeks = WeeklyChanges(services.db, services.teams).of(team_ids, until)
        rows = services.reports.rows(team_ids, until)
        text, blocks = digest_message(texts, weeks, rows, until - WEEK, until, coach.zone)
        posted(post_in_channel(plc.client_for(coach.workspace_id), coach.user_id, text=text, blocks=blocks))
        try:
            services.coaches.plan_digests(max(datetime.now(UTC), until), coach_id=coach.id, sending=notice.id)
        except Exception:  # noqa: BLE001 - sent: never send it again for a planning error; the re-planning job retries
            logger.exception("the next digest of coach %d could not be planned", coach.id)

    return {
        COACH_DIGEST: coach_digest,
        "agenda_preview": agenda_preview,
        "reminder": reminder,
        "meeting_start": meeting_start,
        "item_ending": item_ending,
        "meeting_end": meeting_end,
        COMMITMENT_DUE: commitment_due,
    }
