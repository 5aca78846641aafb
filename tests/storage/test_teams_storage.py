"""Migrations, teams and the event ledger on SQLite and PostgreSQL."""

from typing import Any

import pytest
from sqlalchemy import bindparam, event, func, inspect, select

from bot.delivery import EventLedger
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import Team, TeamMember


def draft(**changes: object) -> TeamDraft:
    values: dict[str, object] = dict(
        name="Grade 4 Math", subject="Mathematics", grade_band="Grades 3–5", timezone="America/New_York",
        language="en", member_ids=["U2", "U3"], norms=["Start on time", "", "Focus on learning"],
    )
    values.update(changes)
    return TeamDraft(**values)  # type: ignore[arg-type]


def migrated(database_url: str) -> Database:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    return db


def test_migrations_create_every_table_and_are_idempotent(database_url: str) -> None:
    db = migrated(database_url)
    migrate.upgrade(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {"teams", "team_members", "processed_events", "slack_installations", "slack_bots",
            "slack_oauth_states", "alembic_version"} <= tables
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    db.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    db = migrated(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_register_find_and_update_a_team(database_url: str) -> None:
    db = migrated(database_url)
    teams = TeamService(db)
    assert teams.find("T1", "C1") is None
    created = teams.save("T1", "C1", draft(), by_user="U1")
    assert created.member_ids == ["U1", "U2", "U3"]
    assert created.facilitator_ids == ["U1"]
    assert created.norms == ["Start on time", "Focus on learning"]
    assert created.created_at.tzinfo is not None

    updated = teams.save("T1", "C1", draft(name="G4 Math PLC", member_ids=["U3", "U4"], language="tr"), by_user="U3")
    assert updated.id == created.id
    assert (updated.name, updated.language) == ("G4 Math PLC", "tr")
    assert updated.member_ids == ["U3", "U4"]
    assert updated.facilitator_ids == ["U3"]  # U1 left; the editor takes the role
    assert teams.find("T1", "C1") == updated
    assert teams.find("T2", "C1") is None  # another workspace's channel with the same id
    assert [t.name for t in teams.teams_of("T1", "U4")] == ["G4 Math PLC"]
    db.dispose()


def test_members_join_and_leave(database_url: str) -> None:
    db = migrated(database_url)
    teams = TeamService(db)
    teams.save("T1", "C1", draft(member_ids=[]), by_user="U1")
    assert teams.add_member("T1", "C1", "U9") is not None
    assert teams.add_member("T1", "C1", "U9") is None
    assert teams.add_member("T1", "C-other", "U9") is None
    assert teams.remove_member("T1", "C1", "U9")
    assert not teams.remove_member("T1", "C1", "U9")
    assert teams.find("T1", "C1").member_ids == ["U1"]
    db.dispose()


def test_invalid_drafts_are_refused_with_field_errors(database_url: str) -> None:
    db = migrated(database_url)
    teams = TeamService(db)
    errors = teams.validate(draft(name="  ", timezone="Mars/Olympus", language="de"))
    assert errors == {"name": "setup.errors.name_required", "timezone": "setup.errors.timezone_unknown",
                      "language": "setup.errors.language_unknown"}
    with pytest.raises(ValueError):
        teams.save("T1", "C1", draft(timezone="Nowhere"), by_user="U1")
    assert teams.find("T1", "C1") is None
    db.dispose()


def test_event_ledger_sees_each_event_once_across_instances(database_url: str) -> None:
    db = migrated(database_url)
    first, second = EventLedger(db), EventLedger(Database(database_url))
    assert first.first_delivery("Ev001")
    assert not first.first_delivery("Ev001")
    assert not second.first_delivery("Ev001")
    assert second.first_delivery("Ev002")
    second.db.dispose()
    db.dispose()


def test_every_write_is_seen_at_once_by_another_process(database_url: str) -> None:
    """Two services on two engines (two workers, or two hosts): no answer outlives the next commit."""
    db, other_db = migrated(database_url), Database(database_url)
    server_a, server_b = TeamService(db), TeamService(other_db)
    assert server_b.find("T1", "C1") is None  # B has read the channel before it became a team
    server_a.save("T1", "C1", draft(), by_user="U1")
    team = server_b.find("T1", "C1")
    assert team is not None and team.name == "Grade 4 Math" and team.language == "en"
    assert server_b.get(team.id) == team

    server_a.save("T1", "C1", draft(language="tr", member_ids=["U3"]), by_user="U3")
    seen = server_b.find("T1", "C1")
    assert seen.language == "tr"
    assert (seen.member_ids, seen.facilitator_ids) == (["U3"], ["U3"])  # U1 left; U3 now facilitates
    assert server_b.get(team.id).facilitator_ids == ["U3"]

    server_a.add_member("T1", "C1", "U7")
    assert server_b.find("T1", "C1").member_ids == ["U3", "U7"]
    server_a.remove_member("T1", "C1", "U3")
    assert (server_b.find("T1", "C1").member_ids, server_b.find("T1", "C1").facilitator_ids) == (["U7"], [])
    other_db.dispose()
    db.dispose()


def test_find_asks_the_database_every_time_in_one_statement(database_url: str) -> None:
    db = migrated(database_url)
    teams = TeamService(db)
    saved = teams.save("T1", "C1", draft(member_ids=["U2", "U3", "U4"]), by_user="U1")
    checkouts: list[object] = []
    statements: list[str] = []

    def checked_out(dbapi_connection: Any, *rest: object) -> None:
        checkouts.append(dbapi_connection)
        if db.engine.dialect.name == "sqlite":  # SQLite can say which statements it runs
            dbapi_connection.set_trace_callback(statements.append)

    event.listen(db.engine, "checkout", checked_out)
    try:
        assert teams.find("T1", "C1") == saved  # the same profile as the ORM path builds
        assert teams.find("T1", "C-none") is None
        assert teams.get(saved.id) == saved
        assert teams.get(saved.id + 1000) is None
        assert len(checkouts) == 4  # every call asked the database: nothing was kept
        if db.engine.dialect.name == "sqlite":
            assert len(statements) == 4 and all(s.startswith("SELECT") for s in statements)  # no BEGIN
    finally:
        event.remove(db.engine, "checkout", checked_out)
        for connection in checkouts:
            if db.engine.dialect.name == "sqlite":
                connection.set_trace_callback(None)
    db.dispose()


def test_hot_select_gives_the_rows_connection_execute_gives(database_url: str) -> None:
    db = migrated(database_url)
    TeamService(db).save("T1", "C1", draft(member_ids=["U2", "U3"]), by_user="U1")
    statement = (select(Team.id, Team.name, Team.created_at, Team.focus_in_channel, Team.intervention_below,
                        TeamMember.user_id).join(TeamMember)
                 .where(Team.workspace_id == bindparam("w"), TeamMember.user_id != bindparam("u"))
                 .order_by(TeamMember.id))
    with db.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(statement, {"w": "T1", "u": "U2"})]
    fast = db.hot_select(statement)
    rows = fast.rows(w="T1", u="U2")
    assert [tuple(row) for row in rows] == expected and len(rows) == 2
    assert rows[0].created_at.tzinfo is not None and rows[0].focus_in_channel is False
    assert fast.rows(w="T9", u="U2") == []
    with db.engine.connect() as connection:  # the connection went back to the pool as it was
        assert connection.execute(select(func.count()).select_from(Team)).scalar() == 1
        if db.engine.dialect.name == "postgresql":
            assert connection.connection.driver_connection.autocommit is False
    db.dispose()


def test_hot_select_drops_a_connection_that_failed(database_url: str) -> None:
    db = migrated(database_url)
    broken = db.hot_select(select(Team.id).where(Team.id == bindparam("team_id")))
    broken.sql = broken.sql.replace("teams", "no_such_table")
    invalidated: list[object] = []
    event.listen(db.engine, "invalidate", lambda *args: invalidated.append(args))
    with pytest.raises(Exception, match="no_such_table"):
        broken.rows(team_id=1)
    assert len(invalidated) == 1
    assert TeamService(db).find("T1", "C1") is None  # the pool still serves
    db.dispose()


def test_a_team_whose_members_all_left_is_still_found(database_url: str) -> None:
    db = migrated(database_url)
    teams = TeamService(db)
    teams.save("T1", "C1", draft(member_ids=[]), by_user="U1")
    assert teams.remove_member("T1", "C1", "U1")
    team = teams.find("T1", "C1")
    assert team is not None and (team.member_ids, team.facilitator_ids, team.roles) == ([], [], {})
    db.dispose()


def test_models_match_the_migrations(database_url: str) -> None:
    """Alembic's autogenerate finds nothing to add: the migrations create what the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from storage.models import Base

    db = migrated(database_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        # slack-sdk's OAuth tables (and their indexes) are not ours to declare.
        diff = [d for d in compare_metadata(context, Base.metadata)
                if not (d[0] in ("remove_table", "remove_index") and d[1].name.startswith(("slack_", "alembic")))]
    assert diff == []
    db.dispose()
