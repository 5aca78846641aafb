"""PLC teams: registering a channel as a team, its members and standing roles."""

from bot.teams.service import TeamDraft, TeamProfile, TeamService

__all__ = ["TeamDraft", "TeamProfile", "TeamService"]
