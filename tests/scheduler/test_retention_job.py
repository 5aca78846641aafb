"""The scheduler's retention job deletes results past their team's retention, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from bot.assessments.policy import AssessmentPolicy
from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.scheduler import jobs
from bot.scheduler.runner import PURGE_JOB, SchedulerRuntime, create_scheduler
from bot.settings import load_settings
from tests.scheduler import make_team, migrated


def test_the_hourly_job_purges_expired_assessments_and_keeps_the_rest(database_url: str) -> None:
    db = migrated(database_url)
    team = make_team(db, "C0PLC0001")
    service = AssessmentService(db)
    service.set_policy(team, AssessmentPolicy(retention_days=30))
    content = b"student,item,score,max\nAda,Q1,1,1\n"
    table = read_results(content, filename="r.csv", teacher="U1")
    service.store(team, "Old quiz", date(2020, 1, 1), "U1", "r.csv", content, table)
    service.store(team, "Today's quiz", date.today(), "U1", "r.csv", content, table)

    settings = load_settings({"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-test",
                              "SLACK_SIGNING_SECRET": "secret"}, env_file=None)
    runtime = SchedulerRuntime.from_settings(settings, senders={})
    scheduler = create_scheduler(runtime, blocking=False)
    try:
        job = scheduler.get_job(PURGE_JOB)
        assert job is not None and job.func is jobs.purge_expired_results
        assert job.trigger.interval.total_seconds() == 3600
        jobs.purge_expired_results()  # what APScheduler runs
    finally:
        jobs.install(None)
        runtime.close()
    assert [info.name for info in service.list(team)] == ["Today's quiz"]
    assert service.team_results(team, "Old quiz").empty
    db.dispose()
