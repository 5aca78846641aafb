"""The planner: keeps each team's pending reminders in the outbox (`scheduled_notices`) in line
with its meeting schedule.

For each of the next `OCCURRENCES_AHEAD` meetings of an active schedule it wants four notices
(all times UTC in the table):

| kind             | due                 | expires                 |
|------------------|---------------------|-------------------------|
| `agenda_preview` | start - 24 h        | start                   |
| `reminder`       | start - 15 min      | start + duration        |
| `meeting_start`  | start               | start + duration        |
| `meeting_end`    | start + duration    | start + duration + 6 h  |

Planning inserts what is missing and deletes pending notices that are no longer wanted (schedule
changed, skip date added, schedule cancelled). It never touches notices that are being sent, were
sent or dropped, nor kinds it does not own (the meeting service adds `item_ending`, the commitment
service `commitment_due`: only PLANNER_KINDS are read and deleted here). The pending
notices of a meeting already under way (or just over) are kept while its rule still yields it,
so its `meeting_end` still goes out. Planning many teams is done in bulk: a few queries, the
occurrences computed in Python, then chunked deletes and bulk inserts. On PostgreSQL with psycopg,
from `COPY_FROM_ROWS` notices on, the inserts are a binary COPY, and the notices of teams that had
none in the outbox are streamed to the server while the other teams are still being planned.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, DateTime, Dialect, String, delete, insert, or_, select, type_coerce
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from bot.meetings.recurrence import MeetingRule, occurrences
from storage.db import Database
from storage.models import MeetingSchedule, ScheduledNotice

logger = logging.getLogger(__name__)

AGENDA_PREVIEW, REMINDER, MEETING_START, MEETING_END = "agenda_preview", "reminder", "meeting_start", "meeting_end"
PLANNER_KINDS = (AGENDA_PREVIEW, REMINDER, MEETING_START, MEETING_END)
OCCURRENCES_AHEAD = 2
PREVIEW_BEFORE = timedelta(hours=24)
REMINDER_BEFORE = timedelta(minutes=15)
END_NOTICE_LIFETIME = timedelta(hours=6)
# Non-pending rows that can share a key with a future notice have due_at > now - 24 h.
_RECENT = timedelta(days=2)
_TICK = timedelta(microseconds=1)
_IN_CHUNK = 500
_INSERT_CHUNK = 5_000
# From this many notices, PostgreSQL (psycopg 3) gets them by COPY: below it, COPY's extra round
# trips (savepoint, COPY, release) cost as much as the pipelined INSERT they save (measured: even
# at 32 notices, 1.0 ms each way; at 64, 1.5 ms against 2.6 ms).
COPY_FROM_ROWS = 64
_COPY_COLUMNS = ("team_id", "kind", "occurrence_at", "ref", "due_at", "expires_at", "status", "attempts")
# The binary formats of the columns above (migration 0002): a mismatch is refused by the server.
_COPY_TYPES = ("int4", "varchar", "timestamptz", "int4", "timestamptz", "timestamptz", "varchar", "int4")

NoticeKey = tuple[int, str, datetime, int]
T = TypeVar("T")
_NOTICES = ScheduledNotice.__table__


class PlannedNotice(NamedTuple):
    """A notice the planner wants in the outbox (a tuple: tens of thousands are made at start)."""

    team_id: int
    kind: str
    occurrence_at: datetime
    due_at: datetime
    expires_at: datetime
    ref: int = 0

    @property
    def key(self) -> NoticeKey:
        return (self.team_id, self.kind, self.occurrence_at, self.ref)

    def row(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id, "kind": self.kind, "occurrence_at": self.occurrence_at, "ref": self.ref,
            "due_at": self.due_at, "expires_at": self.expires_at, "status": "pending", "attempts": 0,
        }


@dataclass(frozen=True)
class PlanResult:
    """What one planning pass did."""

    teams: int
    inserted: int
    deleted: int


class ScheduleRow(Protocol):
    """What the planner reads of a schedule: a MeetingSchedule, or a row of its columns."""

    weekdays: str
    start_time: str
    duration_minutes: int
    recurrence: str
    monthly_week: int | None
    first_date: date
    last_date: date | None
    skip_dates: str
    timezone: str


def notices_for_occurrence(team_id: int, starts_at: datetime, duration: timedelta) -> list[PlannedNotice]:
    """The four planner notices of one meeting starting at `starts_at` (aware)."""
    start = starts_at.astimezone(UTC)
    end = start + duration
    return [
        PlannedNotice(team_id, AGENDA_PREVIEW, start, start - PREVIEW_BEFORE, start),
        PlannedNotice(team_id, REMINDER, start, start - REMINDER_BEFORE, end),
        PlannedNotice(team_id, MEETING_START, start, start, end),
        PlannedNotice(team_id, MEETING_END, start, end, end + END_NOTICE_LIFETIME),
    ]


def plan_rule(
    team_id: int, rule: MeetingRule, now: datetime, *, look_back: bool = True
) -> tuple[list[PlannedNotice], list[PlannedNotice]]:
    """(notices of the next meetings starting after `now`, notices of a meeting under way or just over).

    The second list (empty unless `look_back`) holds the notices of a meeting that started at or
    before `now` and whose `meeting_end` has not expired: pending ones of those are kept, not added.
    """
    duration = rule.duration
    if look_back:
        # The look-back window (< 1 day) holds at most one meeting, so one more is always enough.
        found = occurrences(rule, now - duration - END_NOTICE_LIFETIME, OCCURRENCES_AHEAD + 1)
    else:
        found = occurrences(rule, now + _TICK, OCCURRENCES_AHEAD)
    wanted: list[PlannedNotice] = []
    under_way: list[PlannedNotice] = []
    for occurrence in found:
        notices = notices_for_occurrence(team_id, occurrence.starts_at, duration)
        if notices[0].occurrence_at <= now:
            under_way.extend(notices)
        elif len(wanted) < 4 * OCCURRENCES_AHEAD:
            wanted.extend(notices)
    return wanted, under_way


# The stored strings repeat across teams: each is parsed once ("1,3", "15:30", "2026-12-24,...").
@functools.lru_cache(maxsize=4096)
def _weekdays(text: str) -> tuple[int, ...]:
    return tuple(int(d) for d in text.split(",") if d.strip())


@functools.lru_cache(maxsize=4096)
def _start_time(text: str) -> time:
    hour, minute = (int(part) for part in text.split(":"))
    return time(hour, minute)


@functools.lru_cache(maxsize=4096)
def _skip_dates(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(d.strip()) for d in text.split(",") if d.strip())


class NoticePlanner:
    """Plans the outbox for one team (`plan_team`), all teams (`plan_all`) or changed ones (`plan_changed`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def rule_from_schedule(row: MeetingSchedule) -> MeetingRule:
        """The stored schedule as a MeetingRule (one conversion, shared with the schedule service)."""
        from bot.meetings.schedules import rule_from_row

        return rule_from_row(row)

    def plan_team(self, session: Session, team_id: int, now: datetime) -> None:
        """Make the team's pending planner notices exactly those of its next meetings (in `session`)."""
        plan_teams_in(session, [team_id], now)

    @staticmethod
    def plan_team_in(session: Session, team_id: int, now: datetime) -> None:
        """`plan_team` without a planner instance, for services that already hold a session."""
        plan_teams_in(session, [team_id], now)

    def plan_teams(self, team_ids: Iterable[int], now: datetime) -> PlanResult:
        """Plan several teams in one unit of work."""
        with self.db.session() as session:
            return plan_teams_in(session, sorted(set(team_ids)), now)

    def plan_all(self, now: datetime) -> int:
        """Plan every team (at scheduler start); returns the number of active schedules planned."""
        with _collector_paused(), self.db.session() as session:
            result = plan_teams_in(session, None, now)
        logger.info("planned %d schedules: %d notices added, %d removed", result.teams, result.inserted,
                    result.deleted)
        return result.teams

    def plan_changed(self, since: datetime, now: datetime) -> int:
        """Re-plan the teams whose schedule was written after `since`; returns how many."""
        with self.db.session() as session:
            team_ids = list(session.scalars(
                select(MeetingSchedule.team_id).where(MeetingSchedule.updated_at > since)
            ))
            if not team_ids:
                return 0
            result = plan_teams_in(session, sorted(team_ids), now)
        logger.info("re-planned %d changed schedules: %d notices added, %d removed", len(team_ids),
                    result.inserted, result.deleted)
        return len(team_ids)


def plan_teams_in(session: Session, team_ids: Sequence[int] | None, now: datetime) -> PlanResult:
    """Plan `team_ids` (None: every team) in `session`; the caller's transaction commits it."""
    if team_ids is not None and not team_ids:
        return PlanResult(0, 0, 0)
    codec = _Codec(session.get_bind().dialect)
    schedules = _active_schedules(session, team_ids)
    existing = _existing_notices(session, codec, team_ids, now)
    # zoneinfo keeps only 8 zones strongly cached: hold every zone in use while planning.
    zones = _zones({schedule.timezone for schedule in schedules.values()})  # noqa: F841
    inserts: list[PlannedNotice] = []
    deletes: list[int] = []
    planned = 0
    encode = codec.encode
    now_stored = encode(now)
    connection = session.connection()
    # A team with no planner notice in the outbox needs no delete first: its notices can go in now.
    with _CopyStream(connection if codec.copies else None) as fresh:
        for team_id in set(existing) | set(schedules):
            rows = existing.get(team_id)
            schedule = schedules.get(team_id)
            wanted: list[PlannedNotice] = []
            under_way: list[PlannedNotice] = []
            if schedule is not None:
                try:
                    rule = NoticePlanner.rule_from_schedule(schedule)
                except ValueError as error:
                    logger.warning("team %d: schedule cannot be read, left as it is: %s", team_id, error)
                    continue
                # Only a pending notice of a meeting already started needs the look back (rare, and costly).
                look_back = rows is not None and any(
                    row[1] == "pending" and key[1] <= now_stored for key, row in rows.items()
                )
                wanted, under_way = plan_rule(team_id, rule, now, look_back=look_back)
                planned += 1
            if not rows:
                fresh.add(wanted)
                continue
            wanted_by_key = {(n.kind, encode(n.occurrence_at)): n for n in wanted}
            replaced: set[tuple[str, Any]] = set()
            for key, (row_id, status, expires_at) in rows.items():
                if status != "pending":
                    continue
                notice = wanted_by_key.get(key)
                if notice is None:
                    if not any(n.kind == key[0] and encode(n.occurrence_at) == key[1] for n in under_way):
                        deletes.append(row_id)  # no longer wanted
                elif encode(notice.expires_at) != expires_at:
                    deletes.append(row_id)  # same meeting, new duration: replaced below
                    replaced.add(key)
            inserts.extend(n for key, n in wanted_by_key.items() if key not in rows or key in replaced)
    for chunk in _chunks(deletes, _IN_CHUNK):
        connection.execute(delete(_NOTICES).where(_NOTICES.c.id.in_(chunk), _NOTICES.c.status == "pending"))
    inserted = len(fresh.notices) + len(inserts)
    if not fresh.copied:
        inserts = fresh.notices + inserts
    codec.insert(connection, inserts, copy=not fresh.refused)
    return PlanResult(planned, inserted, len(deletes))


class _Codec:
    """Datetimes as the database holds them, so that 80,000 notices are compared and written
    without converting each value one by one.

    SQLite stores text: keys are compared as the stored text (selected without parsing) and
    written as such, made by the column's own bind processor memoized per instant (meetings start
    on the quarter hour: instants repeat across teams). PostgreSQL returns datetimes, compared as
    they are; with psycopg 3, bulk inserts are a COPY.
    """

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.as_text = dialect.name == "sqlite"
        self.copies = dialect.name == "postgresql" and dialect.driver == "psycopg"
        process = _NOTICES.c.due_at.type.dialect_impl(dialect).bind_processor(dialect)
        self.encode: Callable[[datetime], Any] = _same
        if self.as_text and process is not None:
            self.encode = functools.lru_cache(maxsize=65_536)(process)

    def column(self, column: Any) -> Any:
        """A datetime column selected in the form `encode` gives: SQLite's text, PostgreSQL's own
        aware datetimes (not converted to UTC one by one: an aware datetime equals and hashes as
        the same instant in any zone)."""
        if self.as_text:
            return type_coerce(column, String())
        return type_coerce(column, DateTime(timezone=True)) if self.dialect.name == "postgresql" else column

    def insert(self, connection: Connection, notices: Sequence[PlannedNotice], *, copy: bool = True) -> None:
        """Insert, skipping a key another process inserted meanwhile (web worker vs scheduler).

        `copy=False`: not by COPY (one was just refused for a key already there).
        """
        if not notices:
            return
        if copy and self.copies and len(notices) >= COPY_FROM_ROWS:
            with _CopyStream(connection) as stream:
                stream.add(notices)
            if stream.copied:
                return
        for chunk in _chunks(notices, _INSERT_CHUNK):
            self._insert_chunk(connection, chunk)

    def _insert_chunk(self, connection: Connection, notices: Sequence[PlannedNotice]) -> None:
        if self.as_text:
            encode = self.encode
            connection.exec_driver_sql(
                "INSERT INTO scheduled_notices (team_id, kind, occurrence_at, ref, due_at, expires_at, status, "
                "attempts) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0) ON CONFLICT DO NOTHING",
                [(n.team_id, n.kind, encode(n.occurrence_at), n.ref, encode(n.due_at), encode(n.expires_at))
                 for n in notices],
            )
            return
        if self.dialect.name == "postgresql":
            statement: Any = postgresql.insert(_NOTICES).on_conflict_do_nothing()
        else:
            statement = insert(_NOTICES)
        connection.execute(statement, [n.row() for n in notices])


class _CopyStream:
    """Notices COPYed into the outbox as they are added (PostgreSQL, psycopg 3, binary format), so
    that the server inserts them while the planner works out the rest (the two share the machine's
    cores instead of taking turns).

    The COPY starts once `COPY_FROM_ROWS` notices are there (fewer go in by the ordinary insert);
    it runs in a savepoint. Every notice added stays in `notices`. After the block: `copied` if they
    are all in the outbox; `refused` if a key was already there (inserted meanwhile by another
    process), in which case nothing of the COPY is left and the caller inserts them with ON
    CONFLICT DO NOTHING. With no connection (another database), nothing is copied.

    Why: SQLAlchemy sends an INSERT ... ON CONFLICT without RETURNING as one pipelined statement
    per row: for 80,000 notices, 1.4 s of client CPU; the COPY takes 0.05 s.
    """

    def __init__(self, connection: Connection | None) -> None:
        self.connection = connection
        self.notices: list[PlannedNotice] = []
        self.copied = False
        self.refused = False
        self._open: contextlib.ExitStack | None = None
        self._write: Callable[[Sequence[Any]], None] | None = None

    def add(self, notices: Iterable[PlannedNotice]) -> None:
        start = len(self.notices)
        self.notices.extend(notices)
        if self._write is None:
            if self.connection is None or len(self.notices) < COPY_FROM_ROWS:
                return
            self._start(self.connection)
            start = 0
        write = self._write
        assert write is not None
        for n in self.notices[start:]:
            write((n.team_id, n.kind, n.occurrence_at, n.ref, n.due_at, n.expires_at, "pending", 0))

    def _start(self, connection: Connection) -> None:
        statement = f"COPY {_NOTICES.name} ({', '.join(_COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        with contextlib.ExitStack() as stack:
            stack.enter_context(connection.begin_nested())
            cursor = stack.enter_context(connection.connection.driver_connection.cursor())
            copy = stack.enter_context(cursor.copy(statement))
            copy.set_types(_COPY_TYPES)
            self._open, self._write = stack.pop_all(), copy.write_row

    def __enter__(self) -> _CopyStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        opened, self._open, self._write = self._open, None, None
        if opened is None:
            return
        if error is not None:
            opened.__exit__(kind, error, trace)  # the COPY is aborted, the savepoint rolled back
            return
        from psycopg.errors import UniqueViolation

        try:
            opened.close()
        except UniqueViolation:
            logger.info("outbox: a notice was added meanwhile; inserting %d with ON CONFLICT DO NOTHING",
                        len(self.notices))
            self.refused = True
            return
        self.copied = True


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while every team is planned (then on again).

    The pass holds hundreds of thousands of small objects (rows read, notices planned, none in a
    cycle) until it ends: as they pile up they set off full collections, each of which re-scans the
    whole heap (3 or 4 of them with 10,000 teams: 0.15-0.3 s). Reference counting still frees what
    the pass drops; cycles made meanwhile are collected once it is over.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _same(value: datetime) -> datetime:
    return value


def _zones(names: Iterable[str]) -> list[ZoneInfo]:
    found = []
    for name in names:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            found.append(ZoneInfo(name))
    return found


def _active_schedules(session: Session, team_ids: Sequence[int] | None) -> dict[int, Any]:
    """Active schedules by team, as rows with the columns of MeetingSchedule (no ORM objects: faster)."""
    c = MeetingSchedule.__table__.c
    query = select(
        c.team_id, c.weekdays, c.start_time, c.duration_minutes, c.recurrence, c.monthly_week, c.first_date,
        c.last_date, c.skip_dates, c.timezone,
    ).where(c.active.is_(True))
    found: dict[int, Any] = {}
    for chunk in _id_chunks(team_ids):
        chunk_query = query if chunk is None else query.where(MeetingSchedule.team_id.in_(chunk))
        found.update((row.team_id, row) for row in session.execute(chunk_query))
    return found


def _existing_notices(
    session: Session, codec: _Codec, team_ids: Sequence[int] | None, now: datetime
) -> dict[int, dict[tuple[str, Any], tuple[int, str, Any]]]:
    """Planner notices by team, as {(kind, occurrence_at): (id, status, expires_at)} in stored form:
    every pending one, and the recent others (their keys block inserts)."""
    c = _NOTICES.c
    query = select(
        c.team_id, c.kind, codec.column(c.occurrence_at), c.id, c.status, codec.column(c.expires_at)
    ).where(c.kind.in_(PLANNER_KINDS), c.ref == 0, or_(c.status == "pending", c.due_at >= now - _RECENT))
    found: dict[int, dict[tuple[str, Any], tuple[int, str, Any]]] = defaultdict(dict)
    for chunk in _id_chunks(team_ids):
        chunk_query = query if chunk is None else query.where(c.team_id.in_(chunk))
        for team_id, kind, occurrence_at, row_id, status, expires_at in session.execute(chunk_query).all():
            found[team_id][(kind, occurrence_at)] = (row_id, status, expires_at)
    return found


def _id_chunks(team_ids: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if team_ids is None:
        return [None]
    return _chunks(team_ids, _IN_CHUNK)


def _chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    return (items[i : i + size] for i in range(0, len(items), size))
