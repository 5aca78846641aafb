"""A team's recurring meeting schedule: a rule in the team's timezone, its occurrences, and the modal's checks.

Occurrences are computed from the rule on demand, never stored as UTC alone, so a 15:30 Tuesday meeting
stays at 15:30 local time on both sides of a daylight-saving change.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKLY, BIWEEKLY, MONTHLY = "weekly", "biweekly", "monthly"
RECURRENCES = (WEEKLY, BIWEEKLY, MONTHLY)
MONTHLY_WEEKS = (1, 2, 3, 4, -1)
MIN_DURATION, MAX_DURATION = 5, 480
HORIZON = timedelta(days=3 * 366)
"""Look no further than this past the last meeting found (or the start): a rule may never occur again."""
MAX_SKIP_RANGE_DAYS = 366
"""A skip range longer than this (a break of over a year) is taken for a typo."""

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"\d+")
_SKIP_SEPARATORS = re.compile(r"[\s,]+")
_RANGE_SPACES = re.compile(r"\s*\.\.\s*")


@dataclass(frozen=True)
class MeetingRule:
    """When a team meets: weekdays and a wall-clock time in `timezone`, repeated weekly, biweekly or monthly.

    Weekdays are normalised to a sorted tuple of unique values (0=Monday .. 6=Sunday) and skip dates to a
    frozenset; an impossible rule raises ValueError.
    """

    weekdays: tuple[int, ...]
    start: time
    duration_minutes: int
    recurrence: str
    first_date: date
    last_date: date | None
    timezone: str
    skip_dates: frozenset[date] = frozenset()
    monthly_week: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", tuple(sorted(set(self.weekdays))))
        object.__setattr__(self, "skip_dates", frozenset(self.skip_dates))
        problem = next(_rule_problems(self), None)
        if problem:
            raise ValueError(problem)
        object.__setattr__(self, "start", self.start.replace(fold=0))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


def _rule_problems(rule: MeetingRule) -> Iterator[str]:
    if not rule.weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in rule.weekdays):
        yield f"weekdays must be one or more of 0..6, not {rule.weekdays!r}"
    if rule.start.tzinfo is not None:
        yield "start is a wall-clock time in the rule's timezone, without tzinfo"
    if not MIN_DURATION <= rule.duration_minutes <= MAX_DURATION:
        yield f"duration_minutes must be {MIN_DURATION}..{MAX_DURATION}, not {rule.duration_minutes}"
    if rule.recurrence not in RECURRENCES:
        yield f"unknown recurrence {rule.recurrence!r}"
    if rule.recurrence == MONTHLY and rule.monthly_week not in MONTHLY_WEEKS:
        yield f"a monthly rule needs monthly_week 1..4 or -1, not {rule.monthly_week!r}"
    if rule.last_date is not None and rule.last_date < rule.first_date:
        yield "last_date is before first_date"
    if not is_valid_timezone(rule.timezone):
        yield f"unknown timezone {rule.timezone!r}"


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a rule: its local day, and its start and end in the rule's timezone.

    Compare instants with `.astimezone(UTC)`: Python never finds an ambiguous local time (fall-back, fold)
    equal to a datetime in another zone (PEP 495), although `<` and `>` work.
    """

    local_date: date
    starts_at: datetime
    ends_at: datetime
    skipped: bool = False


def occurrences(
    rule: MeetingRule, after: datetime, limit: int = 10, *, include_skipped: bool = False
) -> list[Occurrence]:
    """The next `limit` meetings starting at or after `after` (aware, any zone), in order, up to `last_date`.

    Skip dates are left out, or returned with `skipped=True` (and counted in `limit`) when `include_skipped`.
    A start time that does not exist on the day (the spring-forward gap, e.g. 02:30 on the US switch day)
    moves forward by the gap, 02:30 -> 03:30 EDT: zoneinfo's fold=0 reading normalised through UTC. An
    ambiguous one (fall-back) is the first of the two, fold=0 (01:30 EDT, not 01:30 EST). The search gives up
    after `HORIZON` without a meeting, so a rule that never occurs again answers a short list.
    """
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("`after` must be timezone-aware")
    if limit <= 0:
        return []
    zone = ZoneInfo(rule.timezone)
    start = max(rule.first_date, after.astimezone(zone).date() - timedelta(days=1))
    deadline = start + HORIZON
    found: list[Occurrence] = []
    for day in _pattern_days(rule, start):
        if day > deadline or (rule.last_date is not None and day > rule.last_date):
            break
        skipped = day in rule.skip_dates
        if skipped and not include_skipped:
            continue
        occurrence = _occurrence(rule, zone, day, skipped)
        if occurrence.starts_at < after:
            continue
        found.append(occurrence)
        if len(found) >= limit:
            break
        deadline = day + HORIZON
    return found


def next_occurrence(rule: MeetingRule, after: datetime) -> Occurrence | None:
    """The first meeting (skip dates left out) starting at or after `after`, or None when there is none."""
    found = occurrences(rule, after, 1)
    return found[0] if found else None


def is_meeting_day(rule: MeetingRule, day: date) -> bool:
    """Whether the rule's pattern puts a meeting on `day` (between first and last date), skip dates aside."""
    if day < rule.first_date or (rule.last_date is not None and day > rule.last_date):
        return False
    return next(_pattern_days(rule, day)) == day


def local_start(rule: MeetingRule, day: date) -> datetime:
    """The rule's nominal wall-clock start on `day` as an aware datetime (fold=0; may fall in a DST gap)."""
    return datetime.combine(day, rule.start, tzinfo=ZoneInfo(rule.timezone))


def _occurrence(rule: MeetingRule, zone: ZoneInfo, day: date, skipped: bool) -> Occurrence:
    starts_utc = datetime.combine(day, rule.start, tzinfo=zone).astimezone(UTC)
    return Occurrence(
        local_date=day,
        starts_at=starts_utc.astimezone(zone),
        ends_at=(starts_utc + rule.duration).astimezone(zone),
        skipped=skipped,
    )


def _pattern_days(rule: MeetingRule, start: date) -> Iterator[date]:
    """The pattern's days on or after max(start, first_date), in order, without end (no last or skip dates)."""
    start = max(start, rule.first_date)
    if rule.recurrence == MONTHLY:
        yield from _monthly_days(rule, start)
    else:
        yield from _weekly_days(rule, start, 2 if rule.recurrence == BIWEEKLY else 1)


def _weekly_days(rule: MeetingRule, start: date, every_weeks: int) -> Iterator[date]:
    monday = _monday(start)
    off_weeks = (monday - _monday(rule.first_date)).days // 7 % every_weeks
    if off_weeks:
        monday += timedelta(weeks=every_weeks - off_weeks)
    step = timedelta(weeks=every_weeks)
    while True:
        for weekday in rule.weekdays:
            day = monday + timedelta(days=weekday)
            if day >= start:
                yield day
        monday += step


def _monthly_days(rule: MeetingRule, start: date) -> Iterator[date]:
    week = rule.monthly_week if rule.monthly_week is not None else 1
    year, month = start.year, start.month
    while True:
        for day in sorted(_nth_weekday(year, month, weekday, week) for weekday in rule.weekdays):
            if day >= start:
                yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0=Monday) of the month for n in 1..4 (also 5 when the month has one), -1 for the last."""
    if n == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


# --- The schedule modal -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleDraft:
    """What someone typed in the schedule modal, as strings (None when a field was left empty)."""

    weekdays: list[str]
    start_time: str | None
    duration_minutes: str | None
    recurrence: str | None
    monthly_week: str | None
    first_date: str | None
    last_date: str | None
    skip_dates: str | None
    timezone: str | None


class RuleError(ValueError):
    """A draft that does not make a rule; `errors` maps RuleDraft field names to catalog keys."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid meeting rule: " + ", ".join(f"{k}={v}" for k, v in errors.items()))
        self.errors = errors


def validate_rule(draft: RuleDraft, today: date) -> dict[str, str]:
    """Every problem at once, as RuleDraft field name -> catalog key (the first problem of each field); {} if fine."""
    errors: dict[str, str] = {}
    if _weekdays(draft.weekdays) is None:
        errors["weekdays"] = "schedule.errors.weekdays_required"
    if _start_time(draft.start_time) is None:
        errors["start_time"] = "schedule.errors.time_invalid"
    if _duration(draft.duration_minutes) is None:
        errors["duration_minutes"] = "schedule.errors.duration_invalid"
    recurrence = _recurrence(draft.recurrence)
    if recurrence is None:
        errors["recurrence"] = "schedule.errors.recurrence_invalid"
    elif recurrence == MONTHLY and _monthly_week(draft.monthly_week) is None:
        errors["monthly_week"] = "schedule.errors.monthly_week_invalid"
    first = _date(draft.first_date)
    if first is None:
        errors["first_date"] = "schedule.errors.first_date_invalid"
    if _blank(draft.last_date):
        pass
    elif (last := _date(draft.last_date)) is None:
        errors["last_date"] = "schedule.errors.last_date_invalid"
    elif first is not None and last < first:
        errors["last_date"] = "schedule.errors.end_before_start"
    if not is_valid_timezone((draft.timezone or "").strip()):
        errors["timezone"] = "schedule.errors.timezone_unknown"
    try:
        skips = parse_skip_dates(draft.skip_dates or "")
    except ValueError:
        errors["skip_dates"] = "schedule.errors.skip_date_invalid"
    else:
        if skips and skips[0] < today:
            errors["skip_dates"] = "schedule.errors.skip_in_past"
    return errors


def parse_rule(draft: RuleDraft, today: date) -> MeetingRule:
    """The rule a draft describes; raises RuleError (a ValueError with validate_rule's errors) if it has problems."""
    errors = validate_rule(draft, today)
    if errors:
        raise RuleError(errors)
    recurrence = _recurrence(draft.recurrence)
    assert recurrence is not None
    first = _date(draft.first_date)
    assert first is not None
    return MeetingRule(
        weekdays=_weekdays(draft.weekdays) or (),
        start=_start_time(draft.start_time) or time(),
        duration_minutes=_duration(draft.duration_minutes) or MIN_DURATION,
        recurrence=recurrence,
        first_date=first,
        last_date=None if _blank(draft.last_date) else _date(draft.last_date),
        timezone=(draft.timezone or "").strip(),
        skip_dates=frozenset(parse_skip_dates(draft.skip_dates or "")),
        monthly_week=_monthly_week(draft.monthly_week) if recurrence == MONTHLY else None,
    )


def parse_skip_dates(text: str) -> list[date]:
    """Sorted, unique dates from ISO dates and inclusive ranges `2026-12-22..2027-01-02`, separated by commas,
    spaces or new lines; raises ValueError on a bad token, a backwards range or one over MAX_SKIP_RANGE_DAYS."""
    days: set[date] = set()
    for token in _SKIP_SEPARATORS.split(_RANGE_SPACES.sub("..", text.strip())):
        if not token:
            continue
        first_text, dots, last_text = token.partition("..")
        first = _date(first_text)
        last = _date(last_text) if dots else first
        if first is None or last is None:
            raise ValueError(f"not a date or a date range: {token!r}")
        if not 0 <= (last - first).days <= MAX_SKIP_RANGE_DAYS:
            raise ValueError(f"not a date range: {token!r}")
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return sorted(days)


def is_valid_timezone(name: str) -> bool:
    """Whether `name` is an IANA zone that zoneinfo knows (as listed by zoneinfo.available_timezones())."""
    if not name or name not in _timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _weekdays(values: list[str] | None) -> tuple[int, ...] | None:
    days = set()
    for value in values or []:
        text = value.strip()
        if not _NUMBER.fullmatch(text) or int(text) > 6:
            return None
        days.add(int(text))
    return tuple(sorted(days)) or None


def _start_time(text: str | None) -> time | None:
    match = _TIME.fullmatch((text or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _duration(text: str | None) -> int | None:
    text = (text or "").strip()
    if not _NUMBER.fullmatch(text) or not MIN_DURATION <= int(text) <= MAX_DURATION:
        return None
    return int(text)


def _recurrence(text: str | None) -> str | None:
    value = (text or "").strip().lower()
    return value if value in RECURRENCES else None


def _monthly_week(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value in {str(n) for n in MONTHLY_WEEKS} else None


def _date(text: str | None) -> date | None:
    text = (text or "").strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
