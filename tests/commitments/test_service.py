"""CommitmentService on SQLite and PostgreSQL: recording, lists, follow-up, reminders in the outbox, review."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.commitments.service import COMMITMENT_DUE, CommitmentError, CommitmentService
from bot.meetings.service import MeetingService
from bot.scheduler.planner import NoticePlanner
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import Meeting, ScheduledNotice

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def team_id(db: Database) -> int:
    draft = TeamDraft(name="G4 Math", subject="Math", grade_band="4", timezone="America/New_York", language="en",
                      member_ids=["U1", "U2"], norms=[])
    return TeamService(db).save("T1", "C1", draft, by_user="U1").id


def notices(db: Database, ref: int | None = None) -> list[tuple[str, datetime, datetime, datetime, str]]:
    with db.session() as session:
        query = select(ScheduledNotice).where(ScheduledNotice.kind == COMMITMENT_DUE)
        if ref is not None:
            query = query.where(ScheduledNotice.ref == ref)
        rows = session.scalars(query.order_by(ScheduledNotice.id))
        return [(r.kind, r.occurrence_at, r.due_at, r.expires_at, r.status) for r in rows]


def test_create_plans_the_reminder_at_nine_on_the_due_date_in_the_team_zone(db: Database, team_id: int) -> None:
    service = CommitmentService(db)
    made = service.create(team_id, "reteach 4.NF.2 with number lines", "U2", "U1", date(2026, 11, 27), now=NOW)
    assert (made.owner_id, made.created_by, made.status, made.standard, made.postponed) == (
        "U2", "U1", "open", "4.NF.2", 0)
    # 09:00 in New York on Friday 27 November (UTC-5) is 14:00 UTC; useful for a day.
    assert notices(db, made.id) == [(COMMITMENT_DUE, datetime(2026, 11, 27, 5, 0, tzinfo=UTC),
                                     datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
                                     datetime(2026, 11, 28, 14, 0, tzinfo=UTC), "pending")]


def test_due_today_after_nine_is_reminded_now_and_the_past_is_refused(db: Database, team_id: int) -> None:
    service = CommitmentService(db)
    today = service.create(team_id, "call parents", "U1", "U1", date(2026, 11, 25), now=NOW)
    assert notices(db, today.id)[0][2] == NOW
    with pytest.raises(CommitmentError) as caught:
        service.create(team_id, "too late", "U1", "U1", date(2026, 11, 24), now=NOW)
    assert caught.value.key == "commitments.errors.past_date"
    with pytest.raises(CommitmentError):
        service.create(team_id, "   ", "U1", "U1", None, now=NOW)
    assert len(service.open_for_team(team_id)) == 1


def test_an_undated_commitment_has_no_reminder(db: Database, team_id: int) -> None:
    made = CommitmentService(db).create(team_id, "try number talks", "U1", "U1", None, now=NOW)
    assert made.due_on is None and notices(db, made.id) == []


def test_standard_links_the_latest_assessment_with_results_on_it(db: Database, team_id: int) -> None:
    assessments = AssessmentService(db)

    def store(name: str, taken_on: date, standard: str) -> None:
        content = f"student,teacher,standard,item,score,max\nAda,U1,{standard},Q1,1,2\n".encode()
        table = read_results(content, filename="r.csv", teacher="U1")
        assessments.store(team_id, name, taken_on, "U1", "r.csv", content, table)

    store("Unit 1", date(2026, 10, 1), "4.NF.2")
    store("Unit 2", date(2026, 11, 10), "4.nf.2")
    store("Unit 3", date(2026, 11, 20), "4.NF.1")
    service = CommitmentService(db)
    linked = service.create(team_id, "reteach 4.NF.2 with number lines", "U1", "U1", None, now=NOW)
    assert (linked.standard, linked.assessment_name) == ("4.NF.2", "Unit 2")
    alone = service.create(team_id, "plan RL.3.1 lessons", "U1", "U1", None, now=NOW)
    assert (alone.standard, alone.assessment_id) == ("RL.3.1", None)
    assert service.get(linked.id).assessment_name == "Unit 2"


def test_linked_to_the_live_meeting_else_the_latest_held(db: Database, team_id: int) -> None:
    meetings, service = MeetingService(db), CommitmentService(db)
    assert service.create(team_id, "a", "U1", "U1", None, now=NOW).meeting_id is None
    first = meetings.open_meeting(team_id, datetime(2026, 11, 24, 20, 30, tzinfo=UTC), 45, "en")
    assert service.create(team_id, "b", "U1", "U1", None, now=NOW).meeting_id == first.id
    meetings.end(first.id, now=datetime(2026, 11, 24, 21, 15, tzinfo=UTC))
    assert service.create(team_id, "c", "U1", "U1", None, now=NOW).meeting_id == first.id


def test_lists_per_team_owner_and_due_window(db: Database, team_id: int) -> None:
    service = CommitmentService(db)
    late = service.create(team_id, "late one", "U2", "U1", date(2026, 12, 10), now=NOW)
    soon = service.create(team_id, "soon one", "U1", "U1", date(2026, 11, 26), now=NOW)
    undated = service.create(team_id, "undated", None, "U2", None, now=NOW)  # the author owns it
    assert [c.id for c in service.open_for_team(team_id)] == [soon.id, late.id, undated.id]
    assert [c.id for c in service.open_for_owner("U2")] == [late.id, undated.id]
    assert service.open_for_owner("U2", [team_id + 1]) == []
    assert [c.id for c in service.due_since(team_id, date(2026, 11, 27))] == [late.id]
    assert [c.id for c in service.due_since(team_id, date(2026, 11, 1), date(2026, 11, 30))] == [soon.id]
    assert soon.overdue(date(2026, 11, 27)) and not soon.overdue(date(2026, 11, 26))


def test_done_drop_and_more_time(db: Database, team_id: int) -> None:
    service = CommitmentService(db)
    one = service.create(team_id, "one", "U1", "U1", date(2026, 11, 27), now=NOW)
    two = service.create(team_id, "two", "U1", "U1", date(2026, 11, 27), now=NOW)
    three = service.create(team_id, "three", "U1", "U1", date(2026, 11, 27), now=NOW)

    done = service.mark_done(one.id, "U1", now=NOW)
    assert done.changed and done.commitment.status == "done" and done.commitment.closed_at == NOW
    assert not service.mark_done(one.id, "U1", now=NOW).changed  # a second click changes nothing
    assert [n[4] for n in notices(db, one.id)] == ["dropped"]  # its reminder will not go out

    with pytest.raises(CommitmentError):
        service.drop(two.id, "  ", "U1", now=NOW)
    dropped = service.drop(two.id, "the unit was moved to January", "U1", now=NOW)
    assert (dropped.commitment.status, dropped.commitment.status_note) == ("dropped", "the unit was moved to January")
    assert not service.more_time(two.id, date(2026, 12, 4), "U1", now=NOW).changed

    with pytest.raises(CommitmentError):
        service.more_time(three.id, date(2026, 11, 20), "U1", now=NOW)
    later = service.more_time(three.id, date(2026, 12, 4), "U1", now=NOW)
    assert later.changed and (later.commitment.due_on, later.commitment.postponed) == (date(2026, 12, 4), 1)
    assert [(n[1].date(), n[4]) for n in notices(db, three.id)] == [
        (date(2026, 11, 27), "dropped"), (date(2026, 12, 4), "pending")]
    # Back to the first date: its reminder is wanted again (the outbox key is reused, not duplicated).
    again = service.more_time(three.id, date(2026, 11, 27), "U1", now=NOW)
    assert again.commitment.postponed == 2
    assert [(n[1].date(), n[4]) for n in notices(db, three.id)] == [
        (date(2026, 11, 27), "pending"), (date(2026, 12, 4), "dropped")]
    assert service.mark_done(999, "U1") is None


def test_the_planner_leaves_commitment_reminders_alone(db: Database, team_id: int) -> None:
    made = CommitmentService(db).create(team_id, "one", "U1", "U1", date(2026, 11, 27), now=NOW)
    NoticePlanner(db).plan_teams([team_id], NOW)  # no schedule: the planner deletes its own pending kinds
    NoticePlanner(db).plan_all(NOW)
    assert [n[4] for n in notices(db, made.id)] == ["pending"]


def test_review_covers_the_time_since_the_previous_meeting(db: Database, team_id: int) -> None:
    service = CommitmentService(db)
    previous = datetime(2026, 11, 17, 20, 30, tzinfo=UTC)  # Tuesday 15:30 in New York
    with db.session() as session:
        session.add(Meeting(team_id=team_id, starts_at=previous, duration_minutes=45, status="ended",
                            roles="{}", agenda="[]", current_item=-1))
    early = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
    old_open = service.create(team_id, "overdue from before", "U1", "U1", date(2026, 11, 12), now=early)
    old_done = service.create(team_id, "done before", "U1", "U1", date(2026, 11, 12), now=early)
    service.mark_done(old_done.id, "U1", now=datetime(2026, 11, 13, 15, 0, tzinfo=UTC))
    done = service.create(team_id, "done in time", "U1", "U1", date(2026, 11, 27), now=NOW)
    service.mark_done(done.id, "U1", now=NOW)
    dropped = service.create(team_id, "dropped", "U2", "U1", date(2026, 11, 26), now=NOW)
    service.drop(dropped.id, "no time", "U2", now=NOW)
    moved = service.create(team_id, "more time", "U2", "U1", date(2026, 11, 27), now=NOW)
    service.more_time(moved.id, date(2026, 12, 11), "U2", now=NOW)
    open_due = service.create(team_id, "still open", "U2", "U1", date(2026, 11, 30), now=NOW)
    future = service.create(team_id, "due after the meeting", "U1", "U1", date(2026, 12, 15), now=NOW)
    undated = service.create(team_id, "undated", "U1", "U1", None, now=NOW)

    starts = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    review = service.review_for(team_id, starts)
    ids = [c.id for c in review]
    assert ids == [old_open.id, dropped.id, done.id, open_due.id, moved.id, undated.id]
    assert old_done.id not in ids and future.id not in ids
    # A commitment made after the meeting started waits for the next one.
    late = service.create(team_id, "after", "U1", "U1", date(2026, 12, 1), now=datetime(2026, 12, 1, 21, 0, tzinfo=UTC))
    assert late.id not in [c.id for c in service.review_for(team_id, starts)]
