"""What a person's App Home shows, as plain data: their teams, next meetings, open commitments,
recent reflections, and each team's latest assessment in aggregates only (never a student's name).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.assessments.service import AssessmentService
from bot.meetings.schedules import ScheduleService
from bot.reflections.service import ReflectionEntry, ReflectionService
from bot.teams import TeamProfile, TeamService
from storage.db import Database
from storage.models import Commitment, Meeting, Team

logger = logging.getLogger(__name__)
RECENT_REFLECTIONS = 3
MAX_TEAMS = 10
MAX_COMMITMENTS = 15


@dataclass(frozen=True)
class AssessmentSnapshot:
    """A team's latest assessment as the channel may see it: counts and percents, no names."""

    name: str
    taken_on: date | None
    students: int
    groups: dict[str, int]  # intervention / on_track / extension -> number of students
    standards: list[tuple[str, float]]  # (standard, percent of points), in natural order
    intervention_below: float
    extension_from: float


@dataclass(frozen=True)
class TeamHome:
    team: TeamProfile
    next_meeting: datetime | None
    assessment: AssessmentSnapshot | None


@dataclass(frozen=True)
class OpenCommitment:
    id: int
    text: str
    team_name: str
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class HomeData:
    user_id: str
    teams: list[TeamHome]
    commitments: list[OpenCommitment]
    reflections: list[ReflectionEntry]
    more_teams: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def language(self) -> str | None:
        """The language of the person's first team (teams come in name order); None without a team."""
        return self.teams[0].team.language if self.teams else None


class HomeService:
    """Reads everything one App Home needs; it writes nothing."""

    def __init__(self, db: Database, teams: TeamService, schedules: ScheduleService,
                 assessments: AssessmentService, reflections: ReflectionService) -> None:
        self.db = db
        self.teams = teams
        self.schedules = schedules
        self.assessments = assessments
        self.reflections = reflections

    def home(self, workspace_id: str, user_id: str, now: datetime | None = None) -> HomeData:
        now = now or datetime.now(UTC)
        teams = self.teams.teams_of(workspace_id, user_id)
        shown = teams[:MAX_TEAMS]
        homes = [TeamHome(team, self._next_meeting(team, now), self.latest_assessment(team.id)) for team in shown]
        return HomeData(
            user_id=user_id, teams=homes, commitments=self.open_commitments(workspace_id, user_id, now),
            reflections=self.reflections.log(workspace_id, user_id, limit=RECENT_REFLECTIONS),
            more_teams=len(teams) - len(shown),
        )

    def _next_meeting(self, team: TeamProfile, now: datetime) -> datetime | None:
        """The team's next meeting by its schedule, passing over one that has already been held and ended."""
        upcoming = [o.starts_at.astimezone(UTC) for o in self.schedules.upcoming(team.id, now, limit=3)]
        if not upcoming:
            return None
        with self.db.session() as session:
            ended = set(session.scalars(select(Meeting.starts_at).where(
                Meeting.team_id == team.id, Meeting.status == "ended", Meeting.starts_at.in_(upcoming))))
        return next((moment for moment in upcoming if moment not in ended), None)

    def open_commitments(self, workspace_id: str, user_id: str, now: datetime) -> list[OpenCommitment]:
        """The person's own open commitments in the workspace's teams; overdue by each team's local date."""
        query = (select(Commitment.id, Commitment.text, Commitment.due_on, Team.name, Team.timezone)
                 .join(Team, Commitment.team_id == Team.id)
                 .where(Team.workspace_id == workspace_id, Commitment.owner_id == user_id,
                        Commitment.status == "open")
                 .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
                 .limit(MAX_COMMITMENTS))
        with self.db.session() as session:
            rows = session.execute(query).all()
        found = []
        for row in rows:
            try:
                today = now.astimezone(ZoneInfo(row.timezone)).date()
            except (KeyError, ValueError):
                today = now.date()
            found.append(OpenCommitment(row.id, row.text, row.name, row.due_on,
                                        row.due_on is not None and row.due_on < today))
        return found

    def latest_assessment(self, team_id: int) -> AssessmentSnapshot | None:
        """The aggregates of the team's most recently uploaded assessment, or None."""
        listed = self.assessments.list(team_id)
        if not listed:
            return None
        latest = listed[0]
        frame = self.assessments.team_results(team_id, latest.name)
        if frame.empty:
            return None
        from bot.assessments.analysis import analyse

        policy = self.assessments.policy(team_id)
        try:
            analysis = analyse(frame, policy.thresholds())
        except (ValueError, KeyError):  # stored rows that cannot be analysed: show nothing rather than fail
            logger.warning("could not analyse the latest assessment of team %s", team_id, exc_info=True)
            return None
        standards = [(str(row.standard), float(row.percent))
                     for row in analysis.standards[["standard", "percent"]].itertuples(index=False)]
        return AssessmentSnapshot(name=latest.name, taken_on=latest.taken_on, students=len(analysis.students),
                                  groups=dict(analysis.groups), standards=standards,
                                  intervention_below=policy.intervention_below, extension_from=policy.extension_from)
