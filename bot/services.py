"""The domain services one app instance shares between its listeners."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assessments.service import AssessmentService
from bot.coaching.export import CoachExport
from bot.coaching.report import TeamReports
from bot.coaching.service import CoachService
from bot.commitments.service import CommitmentService
from bot.delivery import EventLedger
from bot.focus.keeper import FocusKeeper
from bot.home.service import HomeService
from bot.i18n import Catalog, catalog
from bot.jobs.queue import JobQueue, RetryPolicy
from bot.meetings.schedules import ScheduleService
from bot.meetings.service import MeetingService
from bot.plans.library import StrategyLibrary
from bot.plans.service import PlanService
from bot.portfolio.service import PortfolioService
from bot.reflections.service import ReflectionService
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
    focus: FocusKeeper
    commitments: CommitmentService
    jobs: JobQueue

    # Built from the others (see __post_init__), so `build` needs no change for them.
    reflections: ReflectionService = field(init=False)
    home: HomeService = field(init=False)
    plans: PlanService = field(init=False)
    library: StrategyLibrary = field(init=False)
    coaches: CoachService = field(init=False)
    reports: TeamReports = field(init=False)
    coach_export: CoachExport = field(init=False)
    portfolio: PortfolioService = field(init=False)

    def __post_init__(self) -> None:
        self.reflections = ReflectionService(self.db)
        self.home = HomeService(self.db, self.teams, self.schedules, self.assessments, self.reflections)
        self.plans = PlanService(self.db, self.assessments, self.commitments)
        self.library = StrategyLibrary(self.db)
        self.coaches = CoachService(self.db)
        self.reports = TeamReports(self.db, self.teams, self.schedules, self.assessments)
        self.coach_export = CoachExport(self.db, self.teams, self.assessments)
        self.portfolio = PortfolioService(self.db, self.reflections)

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        return cls(settings=settings, db=db, teams=TeamService(db), events=EventLedger(db),
                   schedules=ScheduleService(db), meetings=MeetingService(db),
                   assessments=AssessmentService(db), focus=FocusKeeper(db),
                   commitments=CommitmentService(db), jobs=JobQueue(db, settings.broker_url, RetryPolicy(
                       settings.job_retries, settings.job_backoff_ms), queue_name=settings.job_queue))

    def catalog_for(self, team: TeamProfile | None = None, language: str | None = None) -> Catalog:
        """The team's language, else `language`, else the deployment's default."""
        if team is not None:
            return catalog(team.language)
        return catalog(language or self.settings.default_language)
