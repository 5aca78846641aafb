"""Queries over the models, one small repository per concern; callers own the session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from storage.db import Database
from storage.models import ProcessedEvent, Team, TeamMember

# A team with its members, one row per member (one row with no member when it has none), in one
# statement and one round trip: the unique index on (workspace_id, channel_id) finds the team and
# ix_team_members_team_id its members. Built once; only the parameters change.
_TEAM_COLUMNS = (Team.id, Team.workspace_id, Team.channel_id, Team.name, Team.subject, Team.grade_band,
                 Team.timezone, Team.language, Team.norms, Team.created_at)
_TEAM_WITH_MEMBERS = (
    select(*_TEAM_COLUMNS, TeamMember.user_id.label("member_id"), TeamMember.role.label("member_role"))
    .outerjoin(TeamMember, TeamMember.team_id == Team.id)
    .order_by(TeamMember.id)
)
_BY_CHANNEL = _TEAM_WITH_MEMBERS.where(Team.workspace_id == bindparam("workspace_id"),
                                       Team.channel_id == bindparam("channel_id"))
_BY_ID = _TEAM_WITH_MEMBERS.where(Team.id == bindparam("team_id"))


class TeamLookup:
    """The team-with-members reads, compiled once for a database (HotSelect): every call asks it."""

    def __init__(self, db: Database) -> None:
        self._by_channel = db.hot_select(_BY_CHANNEL)
        self._by_id = db.hot_select(_BY_ID)

    def by_channel(self, workspace_id: str, channel_id: str) -> list[Any]:
        """The channel's team and its members; no rows when the channel is no team."""
        return self._by_channel.rows(workspace_id=workspace_id, channel_id=channel_id)

    def by_id(self, team_id: int) -> list[Any]:
        return self._by_id.rows(team_id=team_id)


class TeamRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_channel(self, workspace_id: str, channel_id: str) -> Team | None:
        query = (
            select(Team)
            .where(Team.workspace_id == workspace_id, Team.channel_id == channel_id)
            .options(selectinload(Team.members))
        )
        return self.session.scalars(query).one_or_none()

    def of_user(self, workspace_id: str, user_id: str) -> list[Team]:
        query = (
            select(Team)
            .join(TeamMember)
            .where(Team.workspace_id == workspace_id, TeamMember.user_id == user_id)
            .options(selectinload(Team.members))
            .order_by(Team.name)
        )
        return list(self.session.scalars(query))

    def add(self, team: Team) -> Team:
        self.session.add(team)
        self.session.flush()
        return team


def upsert_insert(session: Session) -> Any:
    """The dialect's INSERT that knows ON CONFLICT (PostgreSQL's or SQLite's), for "record once" statements."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


class ProcessedEventRepository:
    """Remembers Events API `event_id`s so a re-sent event is recognised."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def remember(self, event_id: str, received_at: datetime) -> bool:
        """Record `event_id`; False when it was already recorded (by any process)."""
        statement = (
            upsert_insert(self.session)(ProcessedEvent)
            .values(event_id=event_id, received_at=received_at)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(ProcessedEvent.event_id)
        )
        return self.session.execute(statement).scalar_one_or_none() is not None

    def forget_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
        return result.rowcount or 0
