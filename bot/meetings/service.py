"""A meeting's life: its agenda is fixed when it opens, items advance, notes and parked topics
are collected as they are said, and minutes are written when it ends."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.focus.keeper import FocusKeeper
from bot.i18n import catalog
from bot.meetings.agenda import AgendaItem, build_agenda, load_protocol, protocol_names, rotate_roles
from storage.db import Database
from storage.models import AgendaEntry, Meeting, MeetingNote, ParkedTopic, PlanGroup, ScheduledNotice, Team

ROLES = ("facilitator", "timekeeper", "recorder")
OPEN, RUNNING, ENDED = "open", "running", "ended"
NUDGE_BEFORE = timedelta(minutes=2)
DECISION_PREFIX = re.compile(r"^\s*(decision|decided|we decided|karar|kararımız)\s*[:\-–]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class MeetingView:
    """A meeting as handlers render it."""

    id: int
    team_id: int
    starts_at: datetime
    duration_minutes: int
    status: str
    protocol: str
    roles: dict[str, str | None]
    agenda: list[AgendaItem]
    current_item: int
    item_started_at: datetime | None
    channel_id: str | None
    message_ts: str | None

    @property
    def current(self) -> AgendaItem | None:
        return self.agenda[self.current_item] if 0 <= self.current_item < len(self.agenda) else None

    @property
    def is_last_item(self) -> bool:
        return self.current_item >= len(self.agenda) - 1


@dataclass(frozen=True)
class Step:
    """What one Start or Next click did, decided under the meeting's row lock: two people clicking at
    the same moment are taken one after the other, and only the click that changed something announces it."""

    meeting: MeetingView
    started: bool  # this click started the meeting (its first item)
    moved: bool  # this click changed the current item (starting the meeting included)


@dataclass(frozen=True)
class Minutes:
    """What a meeting leaves behind."""

    meeting_id: int
    items_covered: list[str]
    items_not_reached: list[str]
    decisions: list[str]
    parked: list[str]
    notes_per_item: dict[int, int]
    note_count: int
    next_roles: dict[str, str | None]
    started_at: datetime | None
    ended_at: datetime
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    starts_at: datetime
    status: str
    protocol: str
    items_covered: int
    decisions: int
    channel_id: str | None
    message_ts: str | None


def _items_to_json(items: Sequence[AgendaItem]) -> str:
    return json.dumps([asdict(item) for item in items], ensure_ascii=False)


def _items_from_json(text: str) -> list[AgendaItem]:
    return [AgendaItem(**item) for item in json.loads(text or "[]")]


def _view(meeting: Meeting, default_protocol: str) -> MeetingView:
    return MeetingView(
        id=meeting.id, team_id=meeting.team_id, starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes, status=meeting.status,
        protocol=meeting.protocol or default_protocol, roles=json.loads(meeting.roles or "{}"),
        agenda=_items_from_json(meeting.agenda), current_item=meeting.current_item,
        item_started_at=meeting.item_started_at, channel_id=meeting.channel_id, message_ts=meeting.message_ts,
    )


class MeetingService:
    """Agenda entries, the parking lot, roles and the meeting flow; each call is one unit of work."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---------------------------------------------------------------- before the meeting
    def add_agenda_entry(self, team_id: int, text: str, question: int, user_id: str) -> int:
        if not 1 <= question <= 4:
            raise ValueError("question must be 1-4")
        with self.db.session() as session:
            entry = AgendaEntry(team_id=team_id, text=text.strip()[:500], question=question, added_by=user_id)
            session.add(entry)
            session.flush()
            return entry.id

    def pending_entries(self, team_id: int) -> list[tuple[str, int, str]]:
        """Items members added that no meeting has taken up yet: (text, question, user)."""
        with self.db.session() as session:
            rows = session.scalars(
                select(AgendaEntry).where(AgendaEntry.team_id == team_id, AgendaEntry.meeting_id.is_(None))
                .order_by(AgendaEntry.id)
            )
            return [(r.text, r.question, r.added_by) for r in rows]

    def set_default_protocol(self, team_id: int, protocol: str) -> None:
        if protocol not in protocol_names():
            raise KeyError(protocol)
        with self.db.session() as session:
            session.execute(update(Team).where(Team.id == team_id).values(default_protocol=protocol))

    def set_next_protocol(self, team_id: int, protocol: str, occurrence_at: datetime, duration: int) -> None:
        """Use `protocol` for the meeting starting at `occurrence_at` only (an override)."""
        if protocol not in protocol_names():
            raise KeyError(protocol)
        with self.db.session() as session:
            meeting = self._meeting_at(session, team_id, occurrence_at, duration)
            if meeting.status != OPEN or not meeting.message_ts:
                meeting.protocol = protocol

    def protocol_for(self, team_id: int, occurrence_at: datetime | None) -> str:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            default = team.default_protocol if team else protocol_names()[0]
            if occurrence_at is None:
                return default
            meeting = session.scalars(
                select(Meeting).where(Meeting.team_id == team_id, Meeting.starts_at == occurrence_at)
            ).one_or_none()
            return (meeting.protocol if meeting and meeting.protocol else None) or default

    def set_role(self, team_id: int, role: str, user_id: str) -> None:
        if role not in ROLES:
            raise KeyError(role)
        with self.db.session() as session:
            team = session.get(Team, team_id)
            overrides = json.loads(team.role_overrides or "{}")
            overrides[role] = user_id
            team.role_overrides = json.dumps(overrides)

    def next_roles(self, team_id: int) -> dict[str, str | None]:
        with self.db.session() as session:
            return self._next_roles(session.get(Team, team_id))

    @staticmethod
    def _next_roles(team: Team) -> dict[str, str | None]:
        roles = rotate_roles([m.user_id for m in team.members], team.role_rotation, ROLES)
        roles.update(json.loads(team.role_overrides or "{}"))
        return roles

    def park(self, team_id: int, text: str, user_id: str) -> int:
        """Put a topic in the parking lot; it belongs to the meeting under way, if there is one."""
        with self.db.session() as session:
            meeting = self._live_meeting(session, team_id)
            topic = ParkedTopic(team_id=team_id, meeting_id=meeting.id if meeting else None,
                                text=text.strip()[:1000], added_by=user_id, resolved=False)
            session.add(topic)
            session.flush()
            return topic.id

    def parked_topics(self, team_id: int) -> list[str]:
        with self.db.session() as session:
            rows = session.scalars(select(ParkedTopic).where(ParkedTopic.team_id == team_id,
                                                             ParkedTopic.resolved.is_(False)).order_by(ParkedTopic.id))
            return [r.text for r in rows]

    # ---------------------------------------------------------------- the meeting
    def open_meeting(self, team_id: int, starts_at: datetime, duration_minutes: int, language: str) -> MeetingView:
        """Fix the agenda (protocol + members' items + roles) for the meeting starting now."""
        with self.db.session() as session:
            team = session.get(Team, team_id)
            meeting = self._meeting_at(session, team_id, starts_at, duration_minutes)
            if meeting.status == "planned":
                protocol = load_protocol(meeting.protocol or team.default_protocol, language)
                entries = list(session.scalars(
                    select(AgendaEntry).where(AgendaEntry.team_id == team_id, AgendaEntry.meeting_id.is_(None))
                    .order_by(AgendaEntry.id)
                ))
                review = catalog(language).t("plans.measured.agenda_item") \
                    if self._plans_measured_since_last(session, team_id, starts_at) else None
                agenda = build_agenda(protocol, [(e.text, e.question, e.added_by) for e in entries], duration_minutes,
                                      review_title=review)
                for entry in entries:
                    entry.meeting_id = meeting.id
                meeting.protocol = protocol.key
                meeting.agenda = _items_to_json(agenda)
                meeting.roles = json.dumps(self._next_roles(team))
                meeting.status = OPEN
            return _view(meeting, team.default_protocol)

    @staticmethod
    def _plans_measured_since_last(session: Session, team_id: int, starts_at: datetime) -> bool:
        """Whether action-plan groups were measured since the team's previous meeting ("Did our plan work?")."""
        previous = session.scalar(select(func.max(Meeting.starts_at)).where(
            Meeting.team_id == team_id, Meeting.starts_at < starts_at, Meeting.status.in_((OPEN, RUNNING, ENDED))))
        query = select(func.count(PlanGroup.id)).where(PlanGroup.team_id == team_id, PlanGroup.status == "measured",
                                                       PlanGroup.measured_at <= starts_at)
        if previous is not None:
            query = query.where(PlanGroup.measured_at > previous)
        return bool(session.scalar(query))

    def attach_message(self, meeting_id: int, channel_id: str, message_ts: str) -> None:
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            meeting.channel_id, meeting.message_ts = channel_id, message_ts

    def get(self, meeting_id: int) -> MeetingView | None:
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            return _view(meeting, session.get(Team, meeting.team_id).default_protocol) if meeting else None

    def live_meeting(self, team_id: int) -> MeetingView | None:
        """The team's meeting that is open or running, if any."""
        with self.db.session() as session:
            meeting = self._live_meeting(session, team_id)
            return _view(meeting, session.get(Team, team_id).default_protocol) if meeting else None

    def by_thread(self, channel_id: str, thread_ts: str) -> MeetingView | None:
        with self.db.session() as session:
            meeting = session.scalars(
                select(Meeting).where(Meeting.channel_id == channel_id, Meeting.message_ts == thread_ts)
            ).one_or_none()
            return _view(meeting, session.get(Team, meeting.team_id).default_protocol) if meeting else None

    def start(self, meeting_id: int, now: datetime | None = None) -> Step:
        """Start the first item (once, whoever clicks first); the timekeeper's nudge is put in the scheduler's
        outbox."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            meeting = self._locked(session, meeting_id)
            started = meeting.status == OPEN
            self._begin(session, meeting, now)
            return Step(_view(meeting, session.get(Team, meeting.team_id).default_protocol), started, started)

    def next_item(self, meeting_id: int, now: datetime | None = None) -> Step:
        """Move to the next item (an open meeting starts with its first); nothing after the last item."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            meeting = self._locked(session, meeting_id)
            started = meeting.status == OPEN
            before = meeting.current_item
            if started:
                self._begin(session, meeting, now)
            elif meeting.status == RUNNING:
                items = _items_from_json(meeting.agenda)
                if meeting.current_item < len(items) - 1:
                    self._enter_item(session, meeting, meeting.current_item + 1, now)
            moved = started or meeting.current_item != before
            return Step(_view(meeting, session.get(Team, meeting.team_id).default_protocol), started, moved)

    def add_note(self, channel_id: str, thread_ts: str, user_id: str, text: str, message_ts: str) -> bool:
        """Keep a message said in a meeting's thread; False when it is no live meeting's thread."""
        with self.db.session() as session:
            meeting = session.scalars(
                select(Meeting).where(Meeting.channel_id == channel_id, Meeting.message_ts == thread_ts,
                                      Meeting.status.in_((OPEN, RUNNING)))
            ).one_or_none()
            if meeting is None:
                return False
            exists = session.scalars(select(MeetingNote.id).where(
                MeetingNote.meeting_id == meeting.id, MeetingNote.message_ts == message_ts)).first()
            if exists is None:
                session.add(MeetingNote(meeting_id=meeting.id, user_id=user_id, text=text[:4000],
                                        message_ts=message_ts, item_index=meeting.current_item))
            return True

    def end(self, meeting_id: int, now: datetime | None = None) -> Minutes | None:
        """End the meeting and write its minutes; None when it had already ended."""
        now = now or datetime.now(UTC)
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None or meeting.status == ENDED:
                return None
            team = session.get(Team, meeting.team_id)
            items = _items_from_json(meeting.agenda)
            covered = meeting.current_item + 1 if meeting.status == RUNNING else 0
            notes = list(session.scalars(select(MeetingNote).where(MeetingNote.meeting_id == meeting.id)
                                         .order_by(MeetingNote.id)))
            parked = list(session.scalars(select(ParkedTopic).where(ParkedTopic.meeting_id == meeting.id)
                                          .order_by(ParkedTopic.id)))
            per_item: dict[int, int] = {}
            for note in notes:
                per_item[note.item_index] = per_item.get(note.item_index, 0) + 1
            meeting.status = ENDED
            meeting.ended_at = now
            team.role_rotation += 1
            team.role_overrides = "{}"
            self._cancel_nudges(session, meeting)
            session.flush()
            minutes = Minutes(
                meeting_id=meeting.id,
                items_covered=[i.title for i in items[:covered]],
                items_not_reached=[i.title for i in items[covered:]],
                decisions=[DECISION_PREFIX.sub("", n.text).strip() for n in notes if DECISION_PREFIX.match(n.text)],
                parked=[p.text for p in parked],
                notes_per_item=per_item,
                note_count=len(notes),
                next_roles=self._next_roles(team),
                started_at=meeting.started_at,
                ended_at=now,
                extra={"focus": FocusKeeper(self.db).summary(meeting.id).as_dict()},
            )
            meeting.minutes = json.dumps(asdict(minutes), ensure_ascii=False, default=str)
            return minutes

    def minutes(self, meeting_id: int) -> Minutes | None:
        """The minutes `end` wrote for the meeting; None while it has not ended."""
        with self.db.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None or meeting.status != ENDED or not meeting.minutes:
                return None
            data = json.loads(meeting.minutes)
        data["notes_per_item"] = {int(k): v for k, v in (data.get("notes_per_item") or {}).items()}
        for key in ("started_at", "ended_at"):
            data[key] = datetime.fromisoformat(data[key]) if data.get(key) else None
        return Minutes(**data)

    def past_meetings(self, team_id: int, limit: int = 10) -> list[MeetingSummary]:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            rows = session.scalars(select(Meeting).where(Meeting.team_id == team_id, Meeting.status == ENDED)
                                   .order_by(Meeting.starts_at.desc()).limit(limit))
            summaries = []
            for row in rows:
                minutes = json.loads(row.minutes or "{}")
                summaries.append(MeetingSummary(
                    id=row.id, starts_at=row.starts_at, status=row.status,
                    protocol=row.protocol or team.default_protocol,
                    items_covered=len(minutes.get("items_covered", [])),
                    decisions=len(minutes.get("decisions", [])), channel_id=row.channel_id,
                    message_ts=row.message_ts,
                ))
            return summaries

    # ---------------------------------------------------------------- internals
    @staticmethod
    def _meeting_at(session: Session, team_id: int, starts_at: datetime, duration: int) -> Meeting:
        meeting = session.scalars(
            select(Meeting).where(Meeting.team_id == team_id, Meeting.starts_at == starts_at)
        ).one_or_none()
        if meeting is None:
            meeting = Meeting(team_id=team_id, starts_at=starts_at, duration_minutes=duration, status="planned",
                              roles="{}", agenda="[]", current_item=-1)
            session.add(meeting)
            session.flush()
        return meeting

    @staticmethod
    def _live_meeting(session: Session, team_id: int) -> Meeting | None:
        return session.scalars(
            select(Meeting).where(Meeting.team_id == team_id, Meeting.status.in_((OPEN, RUNNING)))
            .order_by(Meeting.starts_at.desc())
        ).first()

    @staticmethod
    def _locked(session: Session, meeting_id: int) -> Meeting:
        """The meeting's row, locked until the unit of work ends: a concurrent click waits, then sees what this one
        did. SQLite has no row locks: a write as the transaction's first statement takes the database's write lock
        (waiting for, then reading after, any other writer)."""
        if session.get_bind().dialect.name == "sqlite":
            session.execute(update(Meeting).where(Meeting.id == meeting_id).values(status=Meeting.status))
        return session.get(Meeting, meeting_id, with_for_update=True)

    def _begin(self, session: Session, meeting: Meeting, now: datetime) -> None:
        """An open meeting starts with its first item (a running or ended one is left as it is)."""
        if meeting.status == OPEN:
            meeting.status = RUNNING
            meeting.started_at = now
            self._enter_item(session, meeting, 0, now)

    def _enter_item(self, session: Session, meeting: Meeting, index: int, now: datetime) -> None:
        meeting.current_item = index
        meeting.item_started_at = now
        self._cancel_nudges(session, meeting)
        item = _items_from_json(meeting.agenda)[index]
        ends = now + timedelta(minutes=item.minutes)
        session.add(ScheduledNotice(
            team_id=meeting.team_id, kind="item_ending", occurrence_at=meeting.starts_at, ref=index,
            due_at=max(now, ends - NUDGE_BEFORE), expires_at=ends + timedelta(minutes=5), status="pending",
            attempts=0,
        ))

    @staticmethod
    def _cancel_nudges(session: Session, meeting: Meeting) -> None:
        session.execute(
            update(ScheduledNotice)
            .where(ScheduledNotice.team_id == meeting.team_id, ScheduledNotice.kind == "item_ending",
                   ScheduledNotice.occurrence_at == meeting.starts_at, ScheduledNotice.status == "pending")
            .values(status="dropped")
        )
