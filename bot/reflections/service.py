"""Members' reflections: a private professional-learning log, with some entries shared with the team.

Plain Python (no Slack). Privacy rules live here, not in the listeners:

- a member reads, exports and deletes only their own reflections (every query that returns
  reflection text for a person filters on their user id);
- an unshared reflection never leaves its author's log: the team digest counts and quotes shared
  ones only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select

from bot.i18n import catalog
from storage.db import Database
from storage.models import Meeting, Reflection, Team

MAX_TEXT = 3000  # Slack's limit for a multiline input, and what a modal sends at most
GENERAL = "general"  # the prompts for a reflection that belongs to no meeting
RECENT_MEETING = timedelta(days=7)  # `/plc reflect` is about the team's last meeting if it was this recent
QUOTE_CHARS = 140
DIGEST_QUOTES = 3


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters (… when cut)."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def prompts_for(protocol: str | None, language: str) -> list[str]:
    """The reflection prompts of a meeting protocol (prompts/<lang>/reflections.toml), or the general ones."""
    texts = catalog(language)
    key = f"reflections.prompts.{protocol}"
    return texts.list(key) if protocol and texts.has(key) else texts.list(f"reflections.prompts.{GENERAL}")


@dataclass(frozen=True)
class ReflectionEntry:
    """One reflection in its author's log."""

    id: int
    team_id: int
    team_name: str
    team_timezone: str
    meeting_id: int | None
    meeting_starts_at: datetime | None
    user_id: str
    prompt: str
    text: str
    shared: bool
    created_at: datetime
    message_ts: str | None = None


@dataclass(frozen=True)
class PostedCopy:
    """The message that showed a shared reflection to the team (to remove with the reflection)."""

    channel_id: str
    message_ts: str


@dataclass(frozen=True)
class Quote:
    user_id: str
    text: str  # shortened


@dataclass(frozen=True)
class SharedDigest:
    """Shared reflections of a team since a meeting: how many, and a few short quotes (newest first)."""

    count: int
    quotes: list[Quote]


class ReflectionService:
    """Saves, lists, exports and deletes reflections; each call is one unit of work."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, team_id: int, user_id: str, text: str, *, meeting_id: int | None = None, prompt: str = "",
             shared: bool = False, now: datetime | None = None) -> ReflectionEntry:
        """Keep a member's reflection (ValueError when it is empty or the meeting is another team's)."""
        text = text.strip()[:MAX_TEXT]
        if not text:
            raise ValueError("empty reflection")
        with self.db.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                raise ValueError("unknown team")
            meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
            if meeting_id is not None and (meeting is None or meeting.team_id != team_id):
                raise ValueError("meeting of another team")
            row = Reflection(team_id=team_id, meeting_id=meeting_id, user_id=user_id, prompt=prompt[:MAX_TEXT],
                             text=text, shared=shared, created_at=now or datetime.now(UTC))
            session.add(row)
            session.flush()
            return _entry(row, team, meeting)

    def mark_posted(self, reflection_id: int, message_ts: str) -> None:
        """Remember where a shared reflection was posted."""
        with self.db.session() as session:
            row = session.get(Reflection, reflection_id)
            if row is not None:
                row.message_ts = message_ts

    def log(self, workspace_id: str, user_id: str, limit: int | None = None) -> list[ReflectionEntry]:
        """The member's own reflections in every team of the workspace, newest first."""
        query = (select(Reflection, Team, Meeting)
                 .join(Team, Reflection.team_id == Team.id)
                 .outerjoin(Meeting, Reflection.meeting_id == Meeting.id)
                 .where(Team.workspace_id == workspace_id, Reflection.user_id == user_id)
                 .order_by(Reflection.created_at.desc(), Reflection.id.desc()))
        if limit is not None:
            query = query.limit(limit)
        with self.db.session() as session:
            return [_entry(row, team, meeting) for row, team, meeting in session.execute(query)]

    def count(self, workspace_id: str, user_id: str) -> int:
        query = (select(func.count(Reflection.id)).join(Team, Reflection.team_id == Team.id)
                 .where(Team.workspace_id == workspace_id, Reflection.user_id == user_id))
        with self.db.session() as session:
            return int(session.scalar(query) or 0)

    def delete(self, workspace_id: str, user_id: str, reflection_id: int) -> list[PostedCopy] | None:
        """Delete one of the member's own reflections; None when they have none with that id.

        Returns the posted copy to remove as well (an empty list for a private reflection).
        """
        with self.db.session() as session:
            found = session.execute(
                select(Reflection, Team.channel_id).join(Team, Reflection.team_id == Team.id)
                .where(Reflection.id == reflection_id, Reflection.user_id == user_id,
                       Team.workspace_id == workspace_id)).first()
            if found is None:
                return None
            row, channel_id = found
            copies = [PostedCopy(channel_id, row.message_ts)] if row.message_ts else []
            session.delete(row)
            return copies

    def delete_all(self, workspace_id: str, user_id: str) -> tuple[int, list[PostedCopy]]:
        """Delete every reflection of the member in the workspace: (how many, posted copies to remove)."""
        with self.db.session() as session:
            rows = session.execute(
                select(Reflection.id, Reflection.message_ts, Team.channel_id)
                .join(Team, Reflection.team_id == Team.id)
                .where(Reflection.user_id == user_id, Team.workspace_id == workspace_id)).all()
            ids = [row.id for row in rows]
            if ids:
                session.execute(delete(Reflection).where(Reflection.id.in_(ids)))
            return len(ids), [PostedCopy(row.channel_id, row.message_ts) for row in rows if row.message_ts]

    def shared_digest(self, team_id: int, since_meeting_id: int | None, quotes: int = DIGEST_QUOTES,
                      quote_chars: int = QUOTE_CHARS) -> SharedDigest:
        """The team's shared reflections since a meeting (about it, or written after it started).

        `since_meeting_id` None means every shared reflection of the team. Private ones never count.
        """
        condition = (Reflection.team_id == team_id) & Reflection.shared.is_(True)
        with self.db.session() as session:
            if since_meeting_id is not None:
                meeting = session.get(Meeting, since_meeting_id)
                if meeting is not None and meeting.team_id == team_id:
                    condition &= or_(Reflection.meeting_id == meeting.id, Reflection.created_at >= meeting.starts_at)
            total = int(session.scalar(select(func.count(Reflection.id)).where(condition)) or 0)
            rows = session.execute(select(Reflection.user_id, Reflection.text).where(condition)
                                   .order_by(Reflection.created_at.desc(), Reflection.id.desc()).limit(quotes)).all()
        return SharedDigest(total, [Quote(user_id, shorten(text, quote_chars)) for user_id, text in rows])

    def recent_meeting(self, team_id: int, now: datetime | None = None) -> tuple[int, str | None] | None:
        """The team's latest ended meeting, when it started within RECENT_MEETING: (id, protocol)."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            row = session.execute(
                select(Meeting.id, Meeting.protocol, Meeting.starts_at, Team.default_protocol)
                .join(Team, Meeting.team_id == Team.id)
                .where(Meeting.team_id == team_id, Meeting.status == "ended")
                .order_by(Meeting.starts_at.desc()).limit(1)).first()
        if row is None or row.starts_at < now - RECENT_MEETING:
            return None
        return row.id, row.protocol or row.default_protocol


def _entry(row: Reflection, team: Team, meeting: Meeting | None) -> ReflectionEntry:
    return ReflectionEntry(
        id=row.id, team_id=team.id, team_name=team.name, team_timezone=team.timezone, meeting_id=row.meeting_id,
        meeting_starts_at=meeting.starts_at if meeting is not None else None, user_id=row.user_id,
        prompt=row.prompt, text=row.text, shared=row.shared, created_at=row.created_at, message_ts=row.message_ts,
    )
