"""Chosen answers and keys kept with the results (migration 0010), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select

from bot.assessments.analysis import analyse
from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import AssessmentResult
from tests.assessments.answers_fixtures import EXPECTED, answers_csv
from tests.assessments.test_misconceptions import figures


def columns(db: Database) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("assessment_results")}


def test_migration_adds_and_removes_the_answer_columns(database_url: str) -> None:
    db = Database(database_url)
    migrate.upgrade(db.engine, "0009")
    assert not {"answer", "correct_answer"} & columns(db)
    migrate.upgrade(db.engine)
    assert {"answer", "correct_answer"} <= columns(db)
    nullable = {c["name"]: c["nullable"] for c in inspect(db.engine).get_columns("assessment_results")}
    assert nullable["answer"] and nullable["correct_answer"]
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    assert not {"answer", "correct_answer"} & columns(db)
    migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    db.dispose()


@pytest.fixture
def service(database_url: str):
    db = Database(database_url)
    migrate.upgrade(db.engine)
    team = TeamService(db).save("T1", "C1", TeamDraft(name="G4 Math", subject="Math", grade_band="4",
                                                      timezone="Europe/Istanbul", language="en", member_ids=[],
                                                      norms=[]), by_user="U1")
    yield AssessmentService(db), team.id, db
    db.dispose()


def test_store_then_team_results_gives_the_same_misconceptions(service, tmp_path: Path) -> None:
    assessments, team_id, db = service
    path = answers_csv(tmp_path)
    table = read_results(path, teacher="U1")
    assessments.store(team_id, "Unit 3", None, "U1", path.name, path.read_bytes(), table)
    stored = assessments.team_results(team_id, "Unit 3")
    assert list(stored.columns[-2:]) == ["answer", "key"]
    assert figures(analyse(stored).misconceptions) == EXPECTED
    assert figures(analyse(stored).misconceptions) == figures(analyse(table.results).misconceptions)
    with db.session() as session:
        ela = session.execute(select(AssessmentResult.answer, AssessmentResult.correct_answer)
                              .where(AssessmentResult.student == "Ela Yıldız", AssessmentResult.item == "Q1")).one()
    assert tuple(ela) == (None, "A")  # a blank answer stays blank: nothing is made up


def test_an_export_without_answers_keeps_none(service) -> None:
    assessments, team_id, db = service
    content = b"student,item,standard,score,max\nAda,Q1,S1,1,1\nBen,Q1,S1,0,1\n"
    table = read_results(content, filename="r.csv", teacher="U2")
    assessments.store(team_id, "Quiz", None, "U2", "r.csv", content, table)
    stored = assessments.team_results(team_id, "Quiz")
    assert "answer" not in stored.columns and "key" not in stored.columns
    assert analyse(stored).misconceptions.empty
    with db.session() as session:
        assert set(session.execute(select(AssessmentResult.answer, AssessmentResult.correct_answer)).all()) == {
            (None, None)}


def test_a_second_teacher_without_answers_adds_no_blanks(service, tmp_path: Path) -> None:
    # U2's export has no answers: her wrong row on Q1 is neither a blank answer nor a chosen one.
    assessments, team_id, _ = service
    path = answers_csv(tmp_path)
    assessments.store(team_id, "Unit 3", None, "U1", path.name, path.read_bytes(),
                      read_results(path, teacher="U1"))
    content = b"student,item,standard,score,max\nZeynep,Q1,4.NF.1,0,1\n"
    assessments.store(team_id, "Unit 3", None, "U2", "r.csv", content,
                      read_results(content, filename="r.csv", teacher="U2"))
    got = figures(analyse(assessments.team_results(team_id, "Unit 3")).misconceptions)
    # Q1 is now 2/7 = 28.6 %; missed, blank and the chosen answer are U1's as before.
    assert got[0] == ("Q1", "4.NF.1", pytest.approx(100 * 2 / 7), "A", 4, 1, "B", 2)
    assert got[1:] == EXPECTED[1:]
