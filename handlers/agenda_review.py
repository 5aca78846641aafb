"""What opens a meeting's agenda, wherever the agenda is shown: the commitments to review, then the
action-plan groups measured since the last meeting ("Did our plan work?", aggregates only)."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.services import Services
from bot.teams import TeamProfile
from handlers.commitment_flow import review_section
from handlers.render.plans import agenda_blocks


def opening_sections(services: Services, team: TeamProfile, starts_at: datetime,
                     as_of: datetime | None = None) -> list[Block]:
    """The review blocks of the meeting starting at `starts_at` (commitments as of `as_of`, when earlier)."""
    measured = services.plans.measured_for_meeting(team.id, starts_at)
    return [*review_section(services, team, starts_at, as_of), *agenda_blocks(services.catalog_for(team), measured)]
