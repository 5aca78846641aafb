"""A team's thresholds, retention purge, growth between assessments and SMART-goal progress (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.assessments.goals import Goal
from bot.assessments.policy import AssessmentPolicy
from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database

HEADER = ["student", "teacher", "standard", "item", "score", "max"]


def long_csv(rows: list[tuple[str, str, str, str, float | str, float]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def service(database_url: str):
    db = Database(database_url)
    migrate.upgrade(db.engine)
    team = TeamService(db).save("T1", "C1", TeamDraft(name="G4 Math", subject="Math", grade_band="4",
                                                      timezone="Europe/Istanbul", language="en", member_ids=[],
                                                      norms=[]), by_user="U1")
    yield AssessmentService(db), team.id
    db.dispose()


def store(service: AssessmentService, team_id: int, name: str, taken_on: date | None, rows, teacher: str = "U1"):
    content = long_csv(rows)
    table = read_results(content, filename="r.csv", teacher=teacher)
    return service.store(team_id, name, taken_on, teacher, "r.csv", content, table, covers="Unit 3")


def test_policy_defaults_and_changes(service) -> None:
    assessments, team_id = service
    assert assessments.policy(team_id) == AssessmentPolicy(70.0, 90.0, None, "06-30")
    assessments.set_policy(team_id, AssessmentPolicy(60.0, 85.0, 90, "06-15"))
    assert assessments.policy(team_id) == AssessmentPolicy(60.0, 85.0, 90, "06-15")
    assert assessments.policy(team_id).thresholds().intervention_below == 60.0


def test_retention_until_the_end_of_the_school_year_purges_only_expired(service) -> None:
    assessments, team_id = service
    store(assessments, team_id, "Last year", date(2026, 5, 20), [("Ada", "U1", "4.NF.1", "Q1", 1, 1)])
    store(assessments, team_id, "This year", date(2026, 10, 1), [("Ada", "U1", "4.NF.1", "Q1", 1, 1)])
    infos = {info.name: info for info in assessments.list(team_id)}
    assert infos["Last year"].kept_until == date(2026, 6, 30)
    assert infos["This year"].kept_until == date(2027, 6, 30)
    assert infos["This year"].covers == "Unit 3"

    # 30 June 2026 23:30 in Istanbul is still the last day kept; 1 July 00:30 there is past it.
    assert assessments.purge_expired(datetime(2026, 6, 30, 20, 30, tzinfo=UTC)) == []
    assert assessments.purge_expired(datetime(2026, 6, 30, 21, 30, tzinfo=UTC)) == [(team_id, "Last year")]
    assert [info.name for info in assessments.list(team_id)] == ["This year"]
    assert assessments.team_results(team_id, "Last year").empty
    assert len(assessments.team_results(team_id, "This year")) == 1


def test_retention_in_days(service) -> None:
    assessments, team_id = service
    assessments.set_policy(team_id, AssessmentPolicy(retention_days=30))
    store(assessments, team_id, "Quiz", date(2026, 10, 1), [("Ada", "U1", "4.NF.1", "Q1", 1, 1)])
    assert assessments.list(team_id)[0].kept_until == date(2026, 10, 30)
    assert assessments.purge_expired(datetime(2026, 10, 30, 12, tzinfo=UTC)) == []
    assert assessments.purge_expired(datetime(2026, 10, 31, 12, tzinfo=UTC)) == [(team_id, "Quiz")]


def test_growth_compares_each_standard_with_the_latest_earlier_assessment_that_had_it(service) -> None:
    assessments, team_id = service
    # Unit 1 (Sept): 4.NF.1 = 1/4 = 25 %, 4.NF.2 = 2/2 = 100 %.
    store(assessments, team_id, "Unit 1", date(2026, 9, 1), [
        ("Ada", "U1", "4.NF.1", "Q1", 1, 2), ("Ada", "U1", "4.NF.2", "Q2", 2, 2), ("Ben", "U1", "4.NF.1", "Q1", 0, 2)])
    # Unit 2 (Oct): only 4.NF.1 = 3/4 = 75 %; a blank score does not count.
    store(assessments, team_id, "Unit 2", date(2026, 10, 1), [
        ("Ada", "U1", "4.nf.1", "Q1", 2, 2), ("Ben", "U1", "4.nf.1", "Q1", 1, 2), ("Cem", "U1", "4.nf.1", "Q1", "", 2)])
    # Unit 3 (Nov): 4.NF.1 = 4/4 = 100 % (two teachers), 4.NF.2 = 1/2 = 50 %, 4.OA.1 is new.
    store(assessments, team_id, "Unit 3", date(2026, 11, 1), [
        ("Ada", "U1", "4.NF.1", "Q1", 2, 2), ("Ada", "U1", "4.NF.2", "Q2", 1, 2), ("Ada", "U1", "4.OA.1", "Q3", 1, 1)])
    store(assessments, team_id, "Unit 3", date(2026, 11, 1), [("Deniz", "U2", "4.NF.1", "Q1", 2, 2)], teacher="U2")

    growth = assessments.growth(team_id, "Unit 3")
    assert [(g.standard, g.before, g.now, g.since) for g in growth] == [
        ("4.NF.1", 75.0, 100.0, "Unit 2"), ("4.NF.2", 100.0, 50.0, "Unit 1")]
    assert growth[1].change == -50.0
    assert assessments.growth(team_id, "Unit 1") == []
    assert assessments.growth(team_id, "No such") == []


def test_goal_is_stored_and_progress_is_measured_on_its_standards(service) -> None:
    assessments, team_id = service
    assert assessments.goal(team_id) is None
    goal = Goal(("4.NF.1", "4.NF.2"), 80.0, date(2027, 5, 1), "U1")
    assessments.set_goal(team_id, goal)
    assert assessments.goal(team_id) == goal
    # Unit 1: Ada 3/4 = 75 % (proficient, >= 70), Ben 1/4 = 25 % -> 1 of 2. Q3 (4.OA.1) is not in the goal.
    store(assessments, team_id, "Unit 1", date(2026, 9, 1), [
        ("Ada", "U1", "4.NF.1", "Q1", 2, 2), ("Ada", "U1", "4.NF.2", "Q2", 1, 2), ("Ada", "U1", "4.OA.1", "Q3", 0, 9),
        ("Ben", "U1", "4.NF.1", "Q1", 1, 2), ("Ben", "U1", "4.NF.2", "Q2", 0, 2)])
    # Unit 2 has no item on the goal's standards: not a measure of it.
    store(assessments, team_id, "Unit 2", date(2026, 10, 1), [("Ada", "U1", "4.OA.1", "Q1", 1, 1)])
    # Unit 3: Ada 2/2, Ben 2/2, Cem 1/2 = 50 % -> 2 of 3; Cem's blank second item is not a zero.
    store(assessments, team_id, "Unit 3", date(2026, 11, 1), [
        ("Ada", "U1", "4.NF.1", "Q1", 2, 2), ("Ben", "U1", "4.NF.1", "Q1", 2, 2), ("Cem", "U1", "4.NF.1", "Q1", 1, 2),
        ("Cem", "U1", "4.NF.2", "Q2", "", 2)])
    progress = assessments.goal_progress(team_id, goal)
    assert [(p.assessment, p.given_on, p.proficient, p.students) for p in progress] == [
        ("Unit 1", date(2026, 9, 1), 1, 2), ("Unit 3", date(2026, 11, 1), 2, 3)]
    assert progress[1].percent == pytest.approx(200 / 3)

    # A stricter team threshold changes who is proficient: Ada's 75 % in Unit 1 is not enough at 80.
    assessments.set_policy(team_id, AssessmentPolicy(80.0, 95.0))
    assert [p.proficient for p in assessments.goal_progress(team_id, goal)] == [0, 2]

    assert assessments.clear_goal(team_id) is True
    assert assessments.goal(team_id) is None
    assert assessments.clear_goal(team_id) is False
