"""Queries over the models, one small repository per concern; callers own the session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from storage.models import ProcessedEvent, Team, TeamMember


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


class ProcessedEventRepository:
    """Remembers Events API `event_id`s so a re-sent event is recognised."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def remember(self, event_id: str, received_at: datetime) -> bool:
        """Record `event_id`; False when it was already recorded (by any process)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(ProcessedEvent)
            .values(event_id=event_id, received_at=received_at)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(ProcessedEvent.event_id)
        )
        return self.session.execute(statement).scalar_one_or_none() is not None

    def forget_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff))
        return result.rowcount or 0
