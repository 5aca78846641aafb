"""SQLAlchemy 2.x models: the tables of PLC Bot (Slack's OAuth tables come from slack-sdk)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Team(Base):
    """A PLC team: one Slack channel in one workspace."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id", name="uq_teams_workspace_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(150))
    subject: Mapped[str] = mapped_column(String(150), default="")
    grade_band: Mapped[str] = mapped_column(String(50), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    norms: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(32))
    default_protocol: Mapped[str] = mapped_column(String(40), default="data_review")
    # How many meetings have ended: roles rotate through the members by this count.
    role_rotation: Mapped[int] = mapped_column(Integer, default=0)
    # Role -> user id chosen by the team for the next meeting, overriding the rotation (JSON).
    role_overrides: Mapped[str] = mapped_column(Text, default="{}")
    # Assessment results: a student's percent below this needs intervention, from this on extension.
    intervention_below: Mapped[float] = mapped_column(Float, default=70.0)
    extension_from: Mapped[float] = mapped_column(Float, default=90.0)
    # How long results are kept: this many days after the assessment, or (None) until the end of
    # its school year, which ends on `school_year_end` ("MM-DD").
    retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    school_year_end: Mapped[str] = mapped_column(String(5), default="06-30")
    # The focus keeper: off | low | normal | high (how readily it calls a message drift), whether it
    # also listens in the channel outside meeting threads, and the quiet time after a nudge.
    focus_mode: Mapped[str] = mapped_column(String(10), default="normal")
    focus_in_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    focus_cooldown_minutes: Mapped[int] = mapped_column(Integer, default=10)
    # Whether the team's measured strategies are shown to other teams of the workspace (aggregates only).
    share_strategies: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id"
    )


class TeamMember(Base):
    """A Slack user in a team, with their standing role (facilitator or member)."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_members_team_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")


class ProcessedEvent(Base):
    """An Events API delivery already handled, so that Slack's retries cause no second effect."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class MeetingSchedule(Base):
    """A team's recurring meeting rule, in the team's timezone (occurrences are computed from it)."""

    __tablename__ = "meeting_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    weekdays: Mapped[str] = mapped_column(String(20))  # "1,3": 0=Monday
    start_time: Mapped[str] = mapped_column(String(5))  # "15:30", wall clock in `timezone`
    duration_minutes: Mapped[int] = mapped_column(Integer)
    recurrence: Mapped[str] = mapped_column(String(20))  # weekly | biweekly | monthly
    monthly_week: Mapped[int | None] = mapped_column(Integer, nullable=True)
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    skip_dates: Mapped[str] = mapped_column(Text, default="")  # ISO dates, comma-separated
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, index=True)


class Meeting(Base):
    """One occurrence of a team's meeting, from its agenda to its minutes."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("team_id", "starts_at", name="uq_meetings_team_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | open | running | ended
    protocol: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: the team's default
    roles: Mapped[str] = mapped_column(Text, default="{}")  # JSON role -> user id
    agenda: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of items, fixed when it opens
    current_item: Mapped[int] = mapped_column(Integer, default=-1)
    item_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the agenda message = thread
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    minutes: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON summary, when ended


class AgendaEntry(Base):
    """An item a member added for an upcoming meeting, tagged to one critical question."""

    __tablename__ = "agenda_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    question: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MeetingNote(Base):
    """A message said in a meeting's thread, kept as it arrived (minutes never re-read the thread)."""

    __tablename__ = "meeting_notes"
    __table_args__ = (UniqueConstraint("meeting_id", "message_ts", name="uq_meeting_notes_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    message_ts: Mapped[str] = mapped_column(String(32))
    item_index: Mapped[int] = mapped_column(Integer, default=-1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ParkedTopic(Base):
    """A topic put in the parking lot, to come back to later."""

    __tablename__ = "parked_topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(32))
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScheduledNotice(Base):
    """The scheduler's outbox: one thing to post at a wall-clock moment, sent at most once.

    `due_at` is when to send; after `expires_at` it is no longer useful and is dropped (a reminder
    for a meeting that is already over). `status`: pending -> sending -> sent | dropped.
    """

    __tablename__ = "scheduled_notices"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "occurrence_at", "ref", name="uq_notices_team_kind_occurrence"),
        Index("ix_notices_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: the unique constraint below starts with team_id.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    # agenda_preview | reminder | meeting_start | item_ending | meeting_end | commitment_due
    kind: Mapped[str] = mapped_column(String(30))
    # the meeting's start (commitment_due: the start of the due date in the team's timezone)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # e.g. the agenda item index for item_ending, the commitment's id for commitment_due
    ref: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Assessment(Base):
    """A common assessment of a team, by name; each teacher uploads their own students' results."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_assessments_team_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(150))
    taken_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The unit or standards it covers, as the teacher wrote it in the upload form (optional).
    covers: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssessmentUpload(Base):
    """One teacher's file for one assessment (a new file from the same teacher replaces it)."""

    __tablename__ = "assessment_uploads"
    __table_args__ = (UniqueConstraint("assessment_id", "teacher_id", name="uq_assessment_uploads_teacher"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    teacher_id: Mapped[str] = mapped_column(String(32))  # the Slack user who uploaded it
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssessmentResult(Base):
    """One student's result on one item, as the export gave it (nothing added)."""

    __tablename__ = "assessment_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("assessment_uploads.id", ondelete="CASCADE"), index=True)
    student: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text, nullable=True)
    item: Mapped[str] = mapped_column(Text)
    standard: Mapped[str | None] = mapped_column(Text, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_points: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))  # scored | missing | excused
    # The answer the student chose and the item's key, only where the export gave them.
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    correct_answer: Mapped[str | None] = mapped_column(Text, nullable=True)


class TeamGoal(Base):
    """The team's SMART goal: a share of students proficient on some standards by a date."""

    __tablename__ = "team_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    standards: Mapped[str] = mapped_column(Text)  # codes separated by ", "
    target_percent: Mapped[float] = mapped_column(Float)  # share of students proficient, 0-100
    due_on: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FocusEvent(Base):
    """What the focus keeper made of one message: its label only (never the text or the author)."""

    __tablename__ = "focus_events"
    __table_args__ = (Index("ix_focus_events_thread", "team_id", "thread_ts", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    thread_ts: Mapped[str] = mapped_column(String(32))  # the thread (or, in the channel, "channel")
    label: Mapped[str] = mapped_column(String(10))  # learning | drift | other
    question: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1-4 for learning
    nudged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reflection(Base):
    """A member's reflection: after a meeting or any time; private unless shared with the team."""

    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True)
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    prompt: Mapped[str] = mapped_column(Text, default="")  # the question answered, as it was shown
    text: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    # The shared copy posted in the team's channel (or meeting thread): removed when the reflection is.
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Commitment(Base):
    """An instructional commitment: who does what by when, followed up on its due date."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_team_status", "team_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True)
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    created_by: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    standard: Mapped[str | None] = mapped_column(String(40), nullable=True)  # e.g. "4.NF.2", when named
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"),
                                                      nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | dropped
    status_note: Mapped[str | None] = mapped_column(Text, nullable=True)  # why it was dropped
    postponed: Mapped[int] = mapped_column(Integer, default=0)  # how often more time was asked for
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActionPlan(Base):
    """A team's action plan for one assessment: groups of students by standard, each with an owner."""

    __tablename__ = "action_plans"
    __table_args__ = (UniqueConstraint("assessment_id", name="uq_action_plans_assessment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    # Its student lists are student data: deleting the assessment deletes the plan.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    groups: Mapped[list[PlanGroup]] = relationship(cascade="all, delete-orphan", order_by="PlanGroup.id",
                                                   passive_deletes=True)


class PlanGroup(Base):
    """One group of an action plan: students below the line on a standard (or the extension group),
    what the team will do for them, and (once a later assessment covers it) what happened."""

    __tablename__ = "plan_groups"
    __table_args__ = (Index("ix_plan_groups_team_status", "team_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # reteach | extension
    # The standard (reteach); for the extension group the assessment's standards, ", "-separated.
    standard: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[str] = mapped_column(String(32))
    strategy: Mapped[str] = mapped_column(Text)
    tag: Mapped[str | None] = mapped_column(String(30), nullable=True)  # a key of the strategy catalog
    happens_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: at the next assessment
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="SET NULL"),
                                                      nullable=True)
    students: Mapped[int] = mapped_column(Integer)
    before_percent: Mapped[float] = mapped_column(Float)  # the group's mean percent on the standard
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | measured
    measured_assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"),
                                                               nullable=True)
    measured_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON aggregates of the measurement
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlanGroupStudent(Base):
    """A student of a plan group, as the assessment named them, with their percent before and after."""

    __tablename__ = "plan_group_students"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("plan_groups.id", ondelete="CASCADE"), index=True)
    student: Mapped[str] = mapped_column(Text)
    teacher_id: Mapped[str] = mapped_column(String(32))
    before_percent: Mapped[float] = mapped_column(Float)
    after_percent: Mapped[float | None] = mapped_column(Float, nullable=True)  # None: not in the later one


class KeptCycle(Base):
    """The owner's copy of a plan group, kept when its assessment is deleted (by a person or when its
    retention ends) and with it the plan and the group's students: what was tried, for how many, and
    what it did, in aggregates only, for the owner's portfolio. Never a student."""

    __tablename__ = "kept_cycles"
    __table_args__ = (Index("ix_kept_cycles_owner", "owner_id", "planned_at"),
                      UniqueConstraint("group_id", name="uq_kept_cycles_group"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(Integer)  # the plan group's id (the group itself is gone): one copy
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))
    standard: Mapped[str] = mapped_column(String(200))
    assessment: Mapped[str] = mapped_column(String(150))  # the name of the assessment it was planned on
    assessment_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    strategy: Mapped[str] = mapped_column(Text)
    tag: Mapped[str | None] = mapped_column(String(30), nullable=True)
    students: Mapped[int] = mapped_column(Integer)
    before_percent: Mapped[float] = mapped_column(Float)
    happens_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    measured_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)  # the group's JSON aggregates
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StrategyEntry(Base):
    """A measured strategy in the workspace's library of what worked: aggregates only, never a student."""

    __tablename__ = "strategy_entries"
    __table_args__ = (Index("ix_strategy_entries_workspace", "workspace_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("plan_groups.id", ondelete="SET NULL"), nullable=True,
                                                 unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    standard: Mapped[str] = mapped_column(String(200))
    grade_band: Mapped[str] = mapped_column(String(50), default="")
    subject: Mapped[str] = mapped_column(String(150), default="")
    strategy: Mapped[str] = mapped_column(Text)
    tag: Mapped[str | None] = mapped_column(String(30), nullable=True)
    students: Mapped[int] = mapped_column(Integer)  # measured on both assessments
    crossed: Mapped[int] = mapped_column(Integer)  # now at or above the line
    change: Mapped[float] = mapped_column(Float)  # mean change in points
    others: Mapped[int] = mapped_column(Integer, default=0)  # the team's other students, the comparison
    others_change: Mapped[float | None] = mapped_column(Float, nullable=True)
    line: Mapped[float] = mapped_column(Float)  # the team's line the crossings count against
    team_name: Mapped[str] = mapped_column(String(150))
    owner_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # only when the owner shares it
    measured_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Coach(Base):
    """An instructional coach or leader named by a workspace admin: sees the products and progress of the
    teams they support (all of the workspace's, or those in `coach_teams`), never people or students."""

    __tablename__ = "coaches"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_coaches_workspace_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    all_teams: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # their Slack zone: the digest's Monday 08:00
    language: Mapped[str] = mapped_column(String(8), default="en")  # their Slack language, en or tr
    digest: Mapped[bool] = mapped_column(Boolean, default=True)  # the weekly digest by DM
    added_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CoachTeam(Base):
    """A team a coach supports (when the coach does not support every team of the workspace)."""

    __tablename__ = "coach_teams"

    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True)


class Job(Base):
    """A piece of slow work handed to the job queue: what it is, for whom, and how far it got.

    The broker's message carries only the job's id; its parameters (file metadata, ids, never
    student data) are here, so a job can be re-sent after a crash of the embedded single process.
    """

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    workspace_id: Mapped[str] = mapped_column(String(32), default="")
    team_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_id: Mapped[str] = mapped_column(String(32), default="")
    payload: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued, running, done, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # the process that has it
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_jobs_state_updated", "state", "updated_at"),)


class JobEffect(Base):
    """A visible effect of a job (a message, a DM, stored results) that must happen once.

    A job delivered twice finds its effects here and skips them; `result` keeps what a database
    effect returned, so the second delivery carries on as the first would have.
    """

    __tablename__ = "job_effects"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="claimed")  # claimed, done
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ProcessHeartbeat(Base):
    """A running worker's or scheduler's sign of life, for /healthz and for finding abandoned jobs."""

    __tablename__ = "process_heartbeats"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # worker, scheduler
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_process_heartbeats_kind_beat", "kind", "beat_at"),)
