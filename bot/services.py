"""The domain services one app instance shares between its listeners."""

from __future__ import annotations

from dataclasses import dataclass

from bot.assessments.service import AssessmentService
from bot.delivery import EventLedger
from bot.i18n import Catalog, catalog
from bot.meetings.schedules import ScheduleService
from bot.meetings.service import MeetingService
from bot.settings import Settings
from bot.teams import TeamProfile, TeamService
from storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    teams: TeamService
    events: EventLedger
    schedules: ScheduleService
    meetings: MeetingService
    assessments: AssessmentService

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        return cls(settings=settings, db=db, teams=TeamService(db), events=EventLedger(db),
                   schedules=ScheduleService(db), meetings=MeetingService(db),
                   assessments=AssessmentService(db))

    def catalog_for(self, team: TeamProfile | None = None, language: str | None = None) -> Catalog:
        """The team's language, else `language`, else the deployment's default."""
        if team is not None:
            return catalog(team.language)
        return catalog(language or self.settings.default_language)
