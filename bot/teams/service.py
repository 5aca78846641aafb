"""Register and look up PLC teams. Plain Python in and out; no Slack payloads here."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.core import get_global
from sqlalchemy.orm import Session

from bot.meetings.recurrence import is_valid_timezone
from bot.settings import SUPPORTED_LANGUAGES
from storage.db import Database
from storage.models import Team, TeamMember
from storage.repositories import TeamRepository

FACILITATOR = "facilitator"
MEMBER = "member"
MAX_NAME = 150
MAX_NORMS = 3000


@dataclass(frozen=True)
class TeamDraft:
    """What someone typed into the setup form, before it is checked."""

    name: str
    subject: str
    grade_band: str
    timezone: str
    language: str
    member_ids: list[str]
    norms: list[str]


@dataclass(frozen=True)
class TeamProfile:
    """A registered team as the rest of the app sees it."""

    id: int
    workspace_id: str
    channel_id: str
    name: str
    subject: str
    grade_band: str
    timezone: str
    language: str
    norms: list[str]
    facilitator_ids: list[str]
    member_ids: list[str]
    created_at: datetime
    roles: dict[str, str] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def canonical_timezone(name: str) -> str:
    """The canonical IANA name for an alias such as `Asia/Istanbul` or `US/Eastern` (CLDR's aliases)."""
    return get_global("zone_aliases").get(name, name)


def search_timezones(query: str, limit: int = 100) -> list[str]:
    """Canonical IANA zone names containing every word of `query` (case-insensitive), best first."""
    words = query.lower().replace("/", " ").replace("_", " ").split()
    aliases = get_global("zone_aliases")
    names = sorted(
        z for z in _zone_names() if "/" in z and z not in aliases and not z.startswith(("Etc/", "SystemV/"))
    )
    matches = [z for z in names if all(w in z.lower().replace("_", " ") for w in words)]
    matches.sort(key=lambda z: (not z.lower().split("/")[-1].startswith(words[0]) if words else False, z))
    return matches[:limit]


def _to_profile(team: Team) -> TeamProfile:
    return TeamProfile(
        id=team.id,
        workspace_id=team.workspace_id,
        channel_id=team.channel_id,
        name=team.name,
        subject=team.subject,
        grade_band=team.grade_band,
        timezone=team.timezone,
        language=team.language,
        norms=[line for line in team.norms.splitlines() if line.strip()],
        facilitator_ids=[m.user_id for m in team.members if m.role == FACILITATOR],
        member_ids=[m.user_id for m in team.members],
        created_at=team.created_at,
        roles={m.user_id: m.role for m in team.members},
    )


class TeamService:
    """Creates, updates and finds teams; each call is one unit of work.

    `find` is on the path of every command, so its answers are kept for a couple of seconds
    (`cache_seconds`). A write in this process clears them at once; a write in another worker
    process is seen here after at most `cache_seconds`.
    """

    def __init__(self, db: Database, cache_seconds: float = 2.0) -> None:
        self.db = db
        self.cache_seconds = cache_seconds
        self._cache: dict[tuple[str, str], tuple[float, TeamProfile | None]] = {}
        self._cache_lock = threading.Lock()
        self._writes = 0  # bumped after every write, so a read that raced a write is not cached

    @staticmethod
    def validate(draft: TeamDraft) -> dict[str, str]:
        """Field name -> catalog key of the problem; empty when the draft can be saved."""
        errors: dict[str, str] = {}
        if not draft.name.strip():
            errors["name"] = "setup.errors.name_required"
        elif len(draft.name.strip()) > MAX_NAME:
            errors["name"] = "setup.errors.name_too_long"
        if not is_valid_timezone(draft.timezone):
            errors["timezone"] = "setup.errors.timezone_unknown"
        if draft.language not in SUPPORTED_LANGUAGES:
            errors["language"] = "setup.errors.language_unknown"
        if len("\n".join(draft.norms)) > MAX_NORMS:
            errors["norms"] = "setup.errors.norms_too_long"
        return errors

    def find(self, workspace_id: str, channel_id: str) -> TeamProfile | None:
        key = (workspace_id, channel_id)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        writes_before = self._writes
        with self.db.session() as session:
            team = TeamRepository(session).by_channel(workspace_id, channel_id)
            profile = _to_profile(team) if team else None
        with self._cache_lock:
            if writes_before == self._writes:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[key] = (now, profile)
        return profile

    @contextmanager
    def _writing(self, workspace_id: str, channel_id: str) -> Iterator[Session]:
        """A unit of work that changes a team; its cached lookups are dropped once it commits."""
        try:
            with self.db.session() as session:
                yield session
        finally:
            with self._cache_lock:
                self._writes += 1
                self._cache.pop((workspace_id, channel_id), None)

    def get(self, team_id: int) -> TeamProfile | None:
        """A team by its id (the scheduler knows teams by id only)."""
        with self.db.session() as session:
            team = session.get(Team, team_id)
            return _to_profile(team) if team else None

    def teams_of(self, workspace_id: str, user_id: str) -> list[TeamProfile]:
        with self.db.session() as session:
            return [_to_profile(t) for t in TeamRepository(session).of_user(workspace_id, user_id)]

    def save(self, workspace_id: str, channel_id: str, draft: TeamDraft, by_user: str) -> TeamProfile:
        """Create the channel's team, or update it; the first registrant is its facilitator.

        Raises ValueError when the draft does not validate.
        """
        if self.validate(draft):
            raise ValueError("invalid team draft")
        with self._writing(workspace_id, channel_id) as session:
            repo = TeamRepository(session)
            team = repo.by_channel(workspace_id, channel_id)
            if team is None:
                team = repo.add(
                    Team(workspace_id=workspace_id, channel_id=channel_id, created_by=by_user, name="",
                         timezone=draft.timezone, language=draft.language)
                )
            team.name = draft.name.strip()
            team.subject = draft.subject.strip()
            team.grade_band = draft.grade_band.strip()
            team.timezone = draft.timezone
            team.language = draft.language
            team.norms = "\n".join(n.strip() for n in draft.norms if n.strip())
            self._set_members(team, [*dict.fromkeys([by_user, *draft.member_ids])], by_user)
            session.flush()
            return _to_profile(team)

    def add_member(self, workspace_id: str, channel_id: str, user_id: str) -> TeamProfile | None:
        """Add `user_id` to the channel's team; None when the channel is no team or they were in it."""
        with self._writing(workspace_id, channel_id) as session:
            team = TeamRepository(session).by_channel(workspace_id, channel_id)
            if team is None or any(m.user_id == user_id for m in team.members):
                return None
            team.members.append(TeamMember(user_id=user_id, role=MEMBER))
            session.flush()
            return _to_profile(team)

    def remove_member(self, workspace_id: str, channel_id: str, user_id: str) -> bool:
        with self._writing(workspace_id, channel_id) as session:
            team = TeamRepository(session).by_channel(workspace_id, channel_id)
            if team is None:
                return False
            before = len(team.members)
            team.members = [m for m in team.members if m.user_id != user_id]
            return len(team.members) < before

    @staticmethod
    def _set_members(team: Team, user_ids: list[str], by_user: str) -> None:
        existing = {m.user_id: m for m in team.members}
        team.members = [existing.get(uid) or TeamMember(user_id=uid, role=MEMBER) for uid in user_ids]
        if not any(m.role == FACILITATOR for m in team.members):
            for member in team.members:
                if member.user_id == by_user:
                    member.role = FACILITATOR
