"""Commitments: who does what by when, reminded on the due date, reviewed at the next meeting.

Plain Python in and out (no Slack). Every change that sets a due date also writes, in the same
transaction, the reminder into the scheduler's outbox (`scheduled_notices`, kind `commitment_due`,
ref = the commitment's id): due at 09:00 on the due date in the team's timezone (or right away when
that moment has passed on the day itself), useful for a day. Closing a commitment drops its
pending reminder. The planner never touches this kind (it only manages its own PLANNER_KINDS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.commitments.parser import MAX_TEXT, detect_standard
from storage.db import Database
from storage.models import Assessment, AssessmentResult, AssessmentUpload, Commitment, Meeting, ScheduledNotice, Team

OPEN, DONE, DROPPED = "open", "done", "dropped"
COMMITMENT_DUE = "commitment_due"
REMIND_AT = time(9, 0)
REMINDER_LIFETIME = timedelta(days=1)
MAX_REASON = 500
_HELD = ("open", "running", "ended")  # meeting statuses of a meeting that took place (or is taking place)


class CommitmentError(ValueError):
    """A change that cannot be made; `key` is the catalog text that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class CommitmentView:
    """A commitment as handlers render it."""

    id: int
    team_id: int
    meeting_id: int | None
    owner_id: str
    created_by: str
    text: str
    due_on: date | None
    standard: str | None
    assessment_id: int | None
    assessment_name: str | None
    status: str
    status_note: str | None
    postponed: int
    closed_at: datetime | None
    created_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class Change:
    """The commitment after a change, and whether the change was made (False: it was closed already)."""

    commitment: CommitmentView
    changed: bool


def local_today(zone: str, now: datetime | None = None) -> date:
    """Today's date in the team's timezone."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


def reminder_times(due_on: date, zone: str, now: datetime) -> tuple[datetime, datetime, datetime]:
    """(occurrence_at, due_at, expires_at) of the reminder for `due_on`, in UTC."""
    tz = ZoneInfo(zone)
    occurrence = datetime.combine(due_on, time(0), tzinfo=tz).astimezone(UTC)
    due = max(datetime.combine(due_on, REMIND_AT, tzinfo=tz).astimezone(UTC), now.astimezone(UTC))
    return occurrence, due, due + REMINDER_LIFETIME


def _view(row: Commitment, assessment_name: str | None) -> CommitmentView:
    return CommitmentView(
        id=row.id, team_id=row.team_id, meeting_id=row.meeting_id, owner_id=row.owner_id, created_by=row.created_by,
        text=row.text, due_on=row.due_on, standard=row.standard, assessment_id=row.assessment_id,
        assessment_name=assessment_name, status=row.status, status_note=row.status_note, postponed=row.postponed,
        closed_at=row.closed_at, created_at=row.created_at,
    )


class CommitmentService:
    """Records, lists and follows up commitments; each call is one unit of work."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---------------------------------------------------------------- recording
    def create(self, team_id: int, text: str, owner_id: str | None, created_by: str, due_on: date | None = None,
               standard: str | None = None, now: datetime | None = None) -> CommitmentView:
        """Record a commitment (owned by its author unless `owner_id` is given; linked to the team's live or
        latest meeting, and to the latest assessment with results on its standard) and plan its reminder.
        CommitmentError for an empty text or a past date."""
        now = now or datetime.now(UTC)
        owner_id = owner_id or created_by
        text = " ".join(text.split())
        if not text:
            raise CommitmentError("commitments.errors.empty")
        if len(text) > MAX_TEXT:
            raise CommitmentError("commitments.errors.too_long", limit=MAX_TEXT)
        with self.db.session() as session:
            team = self._team(session, team_id)
            if due_on is not None and due_on < local_today(team.timezone, now):
                raise CommitmentError("commitments.errors.past_date", day=due_on)
            standard = standard or detect_standard(text)
            assessment = self._assessment_for(session, team_id, standard) if standard else None
            row = self.add(session, team, text, owner_id, created_by, due_on, standard,
                           assessment[0] if assessment else None, now)
            return _view(row, assessment[1] if assessment else None)

    def add(self, session: Session, team: Team, text: str, owner_id: str, created_by: str, due_on: date | None,
            standard: str | None, assessment_id: int | None, now: datetime) -> Commitment:
        """Record a checked commitment in `session`'s transaction (with its reminder), e.g. a plan group's."""
        row = Commitment(team_id=team.id, meeting_id=self._meeting_for(session, team.id), owner_id=owner_id,
                         created_by=created_by, text=text[:MAX_TEXT], due_on=due_on,
                         standard=standard[:40] if standard else None, assessment_id=assessment_id, status=OPEN,
                         postponed=0, created_at=now)
        session.add(row)
        session.flush()
        if due_on is not None:
            self._plan_reminder(session, row, team.timezone, now)
        return row

    @classmethod
    def close_in(cls, session: Session, commitment_id: int, status: str, note: str | None, now: datetime) -> bool:
        """Close an open commitment in `session`'s transaction (its reminder dropped); False when it is not open."""
        row = session.get(Commitment, commitment_id, with_for_update=True)
        if row is None or row.status != OPEN:
            return False
        row.status, row.status_note, row.closed_at = status, note, now
        cls._drop_reminders(session, row.team_id, row.id)
        return True

    # ---------------------------------------------------------------- reading
    def get(self, commitment_id: int) -> CommitmentView | None:
        with self.db.session() as session:
            row = session.get(Commitment, commitment_id)
            return self._views(session, [row])[0] if row is not None else None

    def open_for_team(self, team_id: int) -> list[CommitmentView]:
        """The team's open commitments, the earliest due first (undated ones last)."""
        return self._list(Commitment.team_id == team_id, Commitment.status == OPEN)

    def open_for_owner(self, owner_id: str, team_ids: Iterable[int] | None = None) -> list[CommitmentView]:
        """`owner_id`'s open commitments (in `team_ids` only, when given), the earliest due first."""
        conditions = [Commitment.owner_id == owner_id, Commitment.status == OPEN]
        if team_ids is not None:
            conditions.append(Commitment.team_id.in_(sorted(set(team_ids))))
        return self._list(*conditions)

    def due_since(self, team_id: int, since: date, until: date | None = None) -> list[CommitmentView]:
        """The team's commitments (any status) due on `since` or later (up to `until`, inclusive)."""
        conditions = [Commitment.team_id == team_id, Commitment.due_on >= since]
        if until is not None:
            conditions.append(Commitment.due_on <= until)
        return self._list(*conditions)

    def review_for(self, team_id: int, starts_at: datetime) -> list[CommitmentView]:
        """What the meeting starting at `starts_at` reviews: commitments due since the previous meeting
        (up to this one's day), those closed since then, and those still open that are overdue, were
        given more time or have no due date."""
        with self.db.session() as session:
            team = self._team(session, team_id)
            zone = ZoneInfo(team.timezone)
            meeting_day = starts_at.astimezone(zone).date()
            previous = session.scalar(
                select(func.max(Meeting.starts_at))
                .where(Meeting.team_id == team_id, Meeting.starts_at < starts_at, Meeting.status.in_(_HELD))
            )
            due_window = Commitment.due_on <= meeting_day
            closed_window = Commitment.closed_at <= starts_at
            if previous is not None:
                due_window = due_window & (Commitment.due_on > previous.astimezone(zone).date())
                closed_window = closed_window & (Commitment.closed_at > previous)
            still_open = (Commitment.status == OPEN) & or_(
                Commitment.due_on <= meeting_day, Commitment.postponed > 0, Commitment.due_on.is_(None))
            rows = list(session.scalars(
                select(Commitment)
                .where(Commitment.team_id == team_id, Commitment.created_at < starts_at,
                       or_(due_window, closed_window, still_open))
                .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
            ))
            return self._views(session, rows)

    # ---------------------------------------------------------------- following up
    def mark_done(self, commitment_id: int, by_user: str, now: datetime | None = None) -> Change | None:
        return self._close(commitment_id, DONE, None, now)

    def drop(self, commitment_id: int, reason: str, by_user: str, now: datetime | None = None) -> Change | None:
        reason = " ".join(reason.split())[:MAX_REASON]
        if not reason:
            raise CommitmentError("commitments.errors.no_reason")
        return self._close(commitment_id, DROPPED, reason, now)

    def more_time(self, commitment_id: int, new_due_on: date, by_user: str,
                  now: datetime | None = None) -> Change | None:
        """A new due date (today or later) and a new reminder; None when the commitment is gone."""
        now = now or datetime.now(UTC)

        def postpone(session: Session, row: Commitment) -> None:
            team = self._team(session, row.team_id)
            if new_due_on < local_today(team.timezone, now):
                raise CommitmentError("commitments.errors.past_date", day=new_due_on)
            row.due_on = new_due_on
            row.postponed += 1
            self._plan_reminder(session, row, team.timezone, now)

        return self._answer(commitment_id, postpone)

    # ---------------------------------------------------------------- internals
    def _close(self, commitment_id: int, status: str, note: str | None, now: datetime | None) -> Change | None:
        closed_at = now or datetime.now(UTC)

        def close(session: Session, row: Commitment) -> None:
            row.status, row.status_note, row.closed_at = status, note, closed_at
            self._drop_reminders(session, row.team_id, row.id)

        return self._answer(commitment_id, close)

    def _answer(self, commitment_id: int, apply: Callable[[Session, Commitment], None]) -> Change | None:
        """Lock the commitment and, while it is open, `apply` the owner's answer to it: the commitment as it
        is now and whether it changed (not when it was closed already); None when it is gone."""
        with self.db.session() as session:
            row = session.get(Commitment, commitment_id, with_for_update=True)
            if row is None:
                return None
            if row.status != OPEN:
                return Change(self._views(session, [row])[0], False)
            apply(session, row)
            return Change(self._views(session, [row])[0], True)

    def _list(self, *conditions: object) -> list[CommitmentView]:
        with self.db.session() as session:
            rows = list(session.scalars(
                select(Commitment).where(*conditions)
                .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
            ))
            return self._views(session, rows)

    @staticmethod
    def _views(session: Session, rows: list[Commitment]) -> list[CommitmentView]:
        ids = sorted({r.assessment_id for r in rows if r.assessment_id is not None})
        names = dict(session.execute(select(Assessment.id, Assessment.name).where(Assessment.id.in_(ids))).all()) \
            if ids else {}
        return [_view(r, names.get(r.assessment_id) if r.assessment_id is not None else None) for r in rows]

    @staticmethod
    def _team(session: Session, team_id: int) -> Team:
        team = session.get(Team, team_id)
        if team is None:
            raise KeyError(team_id)
        return team

    @staticmethod
    def _meeting_for(session: Session, team_id: int) -> int | None:
        """The team's meeting under way, else the latest one held."""
        live = session.scalar(select(Meeting.id).where(Meeting.team_id == team_id,
                                                       Meeting.status.in_(("open", "running")))
                              .order_by(Meeting.starts_at.desc()).limit(1))
        if live is not None:
            return live
        return session.scalar(select(Meeting.id).where(Meeting.team_id == team_id, Meeting.status.in_(_HELD))
                              .order_by(Meeting.starts_at.desc()).limit(1))

    @staticmethod
    def _assessment_for(session: Session, team_id: int, standard: str) -> tuple[int, str] | None:
        """The team's latest assessment with results on `standard` (case and spaces do not matter)."""
        key = "".join(standard.split()).lower()
        rows = session.execute(
            select(Assessment.id, Assessment.name, Assessment.taken_on, Assessment.created_at)
            .join(AssessmentUpload, AssessmentUpload.assessment_id == Assessment.id)
            .join(AssessmentResult, AssessmentResult.upload_id == AssessmentUpload.id)
            .where(Assessment.team_id == team_id,
                   func.lower(func.replace(AssessmentResult.standard, " ", "")) == key)
            .distinct()
        ).all()
        if not rows:
            return None
        latest = max(rows, key=lambda r: (r.taken_on or r.created_at.date(), r.id))
        return latest.id, latest.name

    def _plan_reminder(self, session: Session, row: Commitment, zone: str, now: datetime) -> None:
        """Replace the commitment's pending reminder by one for its (new) due date."""
        self._drop_reminders(session, row.team_id, row.id)
        if row.due_on is None:
            return
        occurrence, due, expires = reminder_times(row.due_on, zone, now)
        existing = session.scalars(select(ScheduledNotice).where(
            ScheduledNotice.team_id == row.team_id, ScheduledNotice.kind == COMMITMENT_DUE,
            ScheduledNotice.occurrence_at == occurrence, ScheduledNotice.ref == row.id)).one_or_none()
        if existing is None:
            session.add(ScheduledNotice(team_id=row.team_id, kind=COMMITMENT_DUE, occurrence_at=occurrence,
                                        ref=row.id, due_at=due, expires_at=expires, status="pending", attempts=0))
        elif existing.status != "sending":  # back to a date it had before: that reminder is wanted again
            existing.status, existing.due_at, existing.expires_at = "pending", due, expires
            existing.attempts, existing.claimed_at, existing.sent_at = 0, None, None
        session.flush()

    @staticmethod
    def _drop_reminders(session: Session, team_id: int, commitment_id: int) -> None:
        session.execute(
            update(ScheduledNotice)
            .where(ScheduledNotice.team_id == team_id, ScheduledNotice.kind == COMMITMENT_DUE,
                   ScheduledNotice.ref == commitment_id, ScheduledNotice.status == "pending")
            .values(status="dropped")
        )
