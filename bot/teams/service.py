"""Register and look up PLC teams. Plain Python in and out; no Slack payloads here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel.core import get_global

from bot.meetings.recurrence import is_valid_timezone
from bot.settings import SUPPORTED_LANGUAGES
from storage.db import Database
from storage.models import Team, TeamMember
from storage.repositories import TeamLookup, TeamRepository

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


def _profile(team: Any, members: Sequence[tuple[str, str]]) -> TeamProfile:
    """A profile from a team (model or row) and its (user id, role) pairs in joining order."""
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
        facilitator_ids=[user_id for user_id, role in members if role == FACILITATOR],
        member_ids=[user_id for user_id, _ in members],
        created_at=team.created_at,
        roles=dict(members),
    )


def _to_profile(team: Team) -> TeamProfile:
    return _profile(team, [(m.user_id, m.role) for m in team.members])


def _rows_to_profile(rows: Sequence[Any]) -> TeamProfile | None:
    """The profile from TeamLookup's rows (the team's columns, member_id, member_role); None for no rows."""
    if not rows:
        return None
    return _profile(rows[0], [(r.member_id, r.member_role) for r in rows if r.member_id is not None])


class TeamService:
    """Creates, updates and finds teams; each call is one unit of work.

    Nothing read from the database is kept between calls: a write committed by any process, on any
    host, is seen by the next call. `find` is on the path of every command, so it is one statement
    (the team and its members in one round trip, storage.repositories.TeamLookup) rather than a cache.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lookup = TeamLookup(db)  # compiled SQL, no data

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
        """The channel's team as committed now; None when the channel is no team."""
        return _rows_to_profile(self._lookup.by_channel(workspace_id, channel_id))

    def get(self, team_id: int) -> TeamProfile | None:
        """A team by its id (the scheduler knows teams by id only)."""
        return _rows_to_profile(self._lookup.by_id(team_id))

    def teams_of(self, workspace_id: str, user_id: str) -> list[TeamProfile]:
        with self.db.session() as session:
            return [_to_profile(t) for t in TeamRepository(session).of_user(workspace_id, user_id)]

    def save(self, workspace_id: str, channel_id: str, draft: TeamDraft, by_user: str) -> TeamProfile:
        """Create the channel's team, or update it; the first registrant is its facilitator.

        Raises ValueError when the draft does not validate.
        """
        if self.validate(draft):
            raise ValueError("invalid team draft")
        with self.db.session() as session:
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
        with self.db.session() as session:
            team = TeamRepository(session).by_channel(workspace_id, channel_id)
            if team is None or any(m.user_id == user_id for m in team.members):
                return None
            team.members.append(TeamMember(user_id=user_id, role=MEMBER))
            session.flush()
            return _to_profile(team)

    def remove_member(self, workspace_id: str, channel_id: str, user_id: str) -> bool:
        with self.db.session() as session:
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
