"""What a coach's App Home shows above their own: one row per team they support (products and progress).

Plain Python (no Slack). The rows are TeamReports' (counts, shares and dates only); a Home holds at most
MAX_TEAMS of them (Slack allows 100 blocks in a Home view), the rest are counted. The teams that may need
support come first, so a coach of many teams sees them whatever their number; otherwise the coach's
order of teams is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.coaching.report import TeamReports, TeamRow
from bot.coaching.service import CoachService, CoachView

MAX_TEAMS = 20


@dataclass(frozen=True)
class CoachHome:
    coach: CoachView
    rows: list[TeamRow]
    more_teams: int
    now: datetime


def coach_home(coaches: CoachService, reports: TeamReports, workspace_id: str, user_id: str,
               now: datetime | None = None) -> CoachHome | None:
    """The coach section of `user_id`'s Home; None when they are not a coach of the workspace."""
    coach = coaches.get(workspace_id, user_id)
    if coach is None:
        return None
    now = now or datetime.now(UTC)
    rows = sorted(reports.rows(coaches.team_ids(coach), now), key=lambda row: not row.needs_support)
    return CoachHome(coach, rows[:MAX_TEAMS], max(0, len(rows) - MAX_TEAMS), now)


def supports(coaches: CoachService, workspace_id: str, user_id: str, team_id: int) -> CoachView | None:
    """The coach `user_id` when they support the team `team_id` of the workspace, else None."""
    coach = coaches.get(workspace_id, user_id)
    if coach is None or team_id not in coaches.team_ids(coach):
        return None
    return coach
