"""Coaches: named by a workspace admin, supporting every team of the workspace or the ones listed.

Plain Python (no Slack): whether someone is an admin is decided by the caller (Slack's `is_admin` /
`is_owner`). Each coach with the digest on has one pending `coach_digest` notice in the scheduler's
outbox, for the next Monday 08:00 in their timezone (`plan_digests`, run by the scheduler with its
re-planning, so a restart or a new team changes nothing that was already planned).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Coach, CoachTeam, ScheduledNotice, Team

COACH_DIGEST = "coach_digest"
DIGEST_AT = time(8, 0)  # Monday, in the coach's timezone
DIGEST_LIFETIME = timedelta(hours=12)
LANGUAGES = ("en", "tr")


@dataclass(frozen=True)
class CoachView:
    id: int
    workspace_id: str
    user_id: str
    all_teams: bool
    team_ids: tuple[int, ...]  # when not all_teams
    timezone: str
    language: str
    digest: bool

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (KeyError, ValueError):
            return ZoneInfo("UTC")


def slack_language(locale: str | None) -> str:
    """A Slack locale ("tr-TR", "en-US") as one of the bot's languages."""
    code = (locale or "en").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def next_digest_at(zone: ZoneInfo, now: datetime) -> datetime:
    """The next Monday 08:00 in `zone` strictly after `now`, in UTC."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    moment = datetime.combine(day, DIGEST_AT, tzinfo=zone)
    if moment <= local:
        moment = datetime.combine(day + timedelta(days=7), DIGEST_AT, tzinfo=zone)
    return moment.astimezone(UTC)


class CoachService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---------------------------------------------------------------- who
    def add(self, workspace_id: str, user_id: str, team_ids: Sequence[int] | None, added_by: str, timezone: str,
            language: str) -> CoachView:
        """Name (or re-name) a coach: of every team (`team_ids` None) or of the teams listed."""
        with self.db.session() as session:
            coach = session.scalars(select(Coach).where(Coach.workspace_id == workspace_id,
                                                        Coach.user_id == user_id)).first()
            if coach is None:
                coach = Coach(workspace_id=workspace_id, user_id=user_id, digest=True)
                session.add(coach)
            coach.all_teams, coach.added_by = team_ids is None, added_by
            coach.timezone, coach.language = timezone or "UTC", slack_language(language)
            session.flush()
            session.execute(delete(CoachTeam).where(CoachTeam.coach_id == coach.id))
            for team_id in sorted(set(team_ids or ())):
                session.add(CoachTeam(coach_id=coach.id, team_id=team_id))
            session.flush()
            return self._view(session, coach)

    def remove(self, workspace_id: str, user_id: str) -> bool:
        with self.db.session() as session:
            coach = session.scalars(select(Coach).where(Coach.workspace_id == workspace_id,
                                                        Coach.user_id == user_id)).first()
            if coach is None:
                return False
            session.execute(delete(ScheduledNotice).where(ScheduledNotice.kind == COACH_DIGEST,
                                                          ScheduledNotice.ref == coach.id,
                                                          ScheduledNotice.status == "pending"))
            session.delete(coach)
            return True

    def get(self, workspace_id: str, user_id: str) -> CoachView | None:
        with self.db.session() as session:
            coach = session.scalars(select(Coach).where(Coach.workspace_id == workspace_id,
                                                        Coach.user_id == user_id)).first()
            return self._view(session, coach) if coach is not None else None

    def by_id(self, coach_id: int) -> CoachView | None:
        with self.db.session() as session:
            coach = session.get(Coach, coach_id)
            return self._view(session, coach) if coach is not None else None

    def list(self, workspace_id: str) -> list[CoachView]:  # noqa: A003 - as the command says it
        with self.db.session() as session:
            coaches = session.scalars(select(Coach).where(Coach.workspace_id == workspace_id).order_by(Coach.id))
            return [self._view(session, c) for c in coaches]

    def team_ids(self, coach: CoachView) -> list[int]:
        """The teams a coach supports, oldest first."""
        with self.db.session() as session:
            query = select(Team.id).where(Team.workspace_id == coach.workspace_id).order_by(Team.id)
            if not coach.all_teams:
                query = query.where(Team.id.in_(coach.team_ids))
            return list(session.scalars(query))

    def coaches_of(self, workspace_id: str, team_id: int) -> list[str]:
        """The user ids of the team's coaches (for its setup summary)."""
        return [c.user_id for c in self.list(workspace_id) if c.all_teams or team_id in c.team_ids]

    def set_digest(self, workspace_id: str, user_id: str, on: bool) -> bool:
        with self.db.session() as session:
            coach = session.scalars(select(Coach).where(Coach.workspace_id == workspace_id,
                                                        Coach.user_id == user_id)).first()
            if coach is None:
                return False
            coach.digest = on
            if not on:
                session.execute(delete(ScheduledNotice).where(ScheduledNotice.kind == COACH_DIGEST,
                                                              ScheduledNotice.ref == coach.id,
                                                              ScheduledNotice.status == "pending"))
            return True

    @staticmethod
    def _view(session: object, coach: Coach) -> CoachView:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        teams = tuple(session.scalars(select(CoachTeam.team_id).where(CoachTeam.coach_id == coach.id)
                                      .order_by(CoachTeam.team_id)))
        return CoachView(coach.id, coach.workspace_id, coach.user_id, coach.all_teams, teams, coach.timezone,
                         coach.language, coach.digest)

    # ---------------------------------------------------------------- the weekly digest
    def plan_digests(self, now: datetime, *, coach_id: int | None = None, sending: int | None = None) -> int:
        """Make sure every coach with the digest on (and a team) has its next Monday's notice; how many were added.

        The notice hangs on the coach's first team (the outbox is per team: that team's channel paces it);
        `ref` is the coach's id. The outbox's unique key makes a second planner's insert a no-op. `coach_id`:
        only that coach; `sending`: the id of the notice being sent now (the digest's sender plans the next
        Monday while its own notice is still `sending`, which must not count as the one pending)."""
        added = 0
        for coach in self._digest_coaches():
            if coach_id is not None and coach.id != coach_id:
                continue
            teams = self.team_ids(coach)
            if not teams:
                continue
            due = next_digest_at(coach.zone, now)
            with self.db.session() as session:
                query = select(ScheduledNotice.id).where(
                    ScheduledNotice.kind == COACH_DIGEST, ScheduledNotice.ref == coach.id,
                    ScheduledNotice.status.in_(("pending", "sending")), ScheduledNotice.due_at > now - DIGEST_LIFETIME)
                if sending is not None:
                    query = query.where(ScheduledNotice.id != sending)
                pending = session.scalar(query)
            if pending is not None:
                continue
            try:
                with self.db.session() as session:
                    session.add(ScheduledNotice(team_id=teams[0], kind=COACH_DIGEST, occurrence_at=due, ref=coach.id,
                                                due_at=due, expires_at=due + DIGEST_LIFETIME, status="pending",
                                                attempts=0))
                added += 1
            except IntegrityError:  # planned by another scheduler meanwhile, or already sent for that Monday
                continue
        return added

    def _digest_coaches(self) -> list[CoachView]:
        with self.db.session() as session:
            coaches = session.scalars(select(Coach).where(Coach.digest.is_(True)).order_by(Coach.id))
            return [self._view(session, c) for c in coaches]

    @staticmethod
    def week_of(moment: datetime, zone: ZoneInfo) -> tuple[date, date]:
        """The seven days before `moment` (a Monday 08:00) in `zone`: the week a digest tells about."""
        end = moment.astimezone(zone).date()
        return end - timedelta(days=7), end
