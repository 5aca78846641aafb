"""A meeting rule as an iCalendar file (RFC 5545): one recurring event with its timezone, for calendar apps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event, vRecur

from bot.meetings.recurrence import BIWEEKLY, MONTHLY, MeetingRule, is_meeting_day, local_start, occurrences

PRODID = "-//PLC Bot//EN"
ICAL_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
OPEN_ENDED_YEARS = 10
"""How far the VTIMEZONE's transitions reach for a series without a last date."""


def calendar_ics(
    rule: MeetingRule, *, summary: str, description: str, uid: str, now: datetime | None = None
) -> bytes:
    """The rule's meetings as one VEVENT series (DTSTART in the team's zone, RRULE, EXDATEs) plus its VTIMEZONE.

    DTSTART is the first meeting's nominal wall-clock start (a skipped first meeting is also an EXDATE); `now`
    (aware; default: the current time) is the DTSTAMP. Raises ValueError when the rule has no meeting at all.
    """
    first = occurrences(rule, local_start(rule, rule.first_date) - timedelta(days=1), 1, include_skipped=True)
    if not first:
        raise ValueError("the rule has no meetings between its first and last date")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", local_start(rule, first[0].local_date))
    event.add("duration", rule.duration)
    event.add("rrule", _rrule(rule))
    for day in sorted(rule.skip_dates):
        if is_meeting_day(rule, day):
            event.add("exdate", local_start(rule, day))
    event.add("summary", summary)
    event.add("description", description)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add_component(event)
    cal.add_missing_timezones(first_date=date(rule.first_date.year - 1, 1, 1), last_date=_zone_until(rule))
    return cal.to_ical()


def _rrule(rule: MeetingRule) -> vRecur:
    if rule.recurrence == MONTHLY:
        recur = vRecur(freq="MONTHLY", byday=[f"{rule.monthly_week}{ICAL_WEEKDAYS[d]}" for d in rule.weekdays])
    else:
        interval = 2 if rule.recurrence == BIWEEKLY else 1
        recur = vRecur(freq="WEEKLY", interval=interval, byday=[ICAL_WEEKDAYS[d] for d in rule.weekdays], wkst="MO")
    if rule.last_date is not None:
        recur["until"] = _end_of_day(rule, rule.last_date).astimezone(UTC)
    return recur


def _end_of_day(rule: MeetingRule, day: date) -> datetime:
    """The last second of `day` in the rule's zone."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=rule.zone)


def _zone_until(rule: MeetingRule) -> date:
    last = rule.last_date or rule.first_date.replace(year=rule.first_date.year + OPEN_ENDED_YEARS, day=1)
    return date(last.year + 2, 1, 1)
