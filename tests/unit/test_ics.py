"""The .ics export: parsed back with icalendar, its recurrence expanded and compared with occurrences()."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from bot.meetings.ics import calendar_ics
from bot.meetings.recurrence import BIWEEKLY, MONTHLY, WEEKLY, MeetingRule, occurrences

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
TUESDAY, THURSDAY, SUNDAY = 1, 3, 6

BIWEEKLY_RULE = MeetingRule(
    weekdays=(TUESDAY, THURSDAY),
    start=time(15, 30),
    duration_minutes=45,
    recurrence=BIWEEKLY,
    first_date=date(2026, 9, 2),  # a Wednesday: the first meeting is Thursday 09-03
    last_date=date(2027, 6, 10),  # a Thursday in a meeting week
    timezone="America/New_York",
    # 09-03 is the first meeting; 09-08 is a Tuesday of an off week; 11-25 a Wednesday; 11-24 and 11-26 meetings.
    skip_dates=frozenset({date(2026, 9, 3), date(2026, 9, 8), date(2026, 11, 24), date(2026, 11, 25),
                          date(2026, 11, 26)}),
)
LAST_THURSDAY_RULE = MeetingRule(
    weekdays=(THURSDAY,),
    start=time(15, 30),
    duration_minutes=60,
    recurrence=MONTHLY,
    first_date=date(2026, 9, 1),
    last_date=None,
    timezone="Europe/Istanbul",
    monthly_week=-1,
)


def export(rule: MeetingRule, **texts: str) -> Calendar:
    texts = {"summary": "Grade 4 math PLC", "description": "Agenda in #grade4-math-plc", "uid": "t1@plc"} | texts
    return Calendar.from_ical(calendar_ics(rule, now=NOW, **texts))


def the_event(cal: Calendar) -> Event:
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def expand(event: Event, limit: int) -> list[datetime]:
    """The event's starts in UTC from its DTSTART, RRULE and EXDATEs (dateutil, as calendar apps do)."""
    series = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
    excluded = {d.astimezone(UTC) for d in event.exdates}
    starts: list[datetime] = []
    for start in series:
        if start.astimezone(UTC) not in excluded:
            starts.append(start.astimezone(UTC))
        if len(starts) == limit:
            break
    return starts


def test_calendar_headers_and_event_texts() -> None:
    cal = export(BIWEEKLY_RULE, summary="PLC: data, then plans; bring laptops", description="Line one\nLine two")
    assert str(cal["PRODID"]) == "-//PLC Bot//EN"
    assert str(cal["VERSION"]) == "2.0"
    event = the_event(cal)
    assert str(event["SUMMARY"]) == "PLC: data, then plans; bring laptops"
    assert str(event["DESCRIPTION"]) == "Line one\nLine two"
    assert str(event["UID"]) == "t1@plc"
    assert event.decoded("DTSTAMP") == NOW


def test_biweekly_series_dtstart_duration_and_rrule() -> None:
    event = the_event(export(BIWEEKLY_RULE))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 9, 3, 15, 30)
    assert start.utcoffset() == timedelta(hours=-4)
    assert event.decoded("DURATION") == timedelta(minutes=45)
    assert "DTEND" not in event
    rrule = event["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"]
    assert rrule["INTERVAL"] == [2]
    assert rrule["BYDAY"] == ["TU", "TH"]
    assert rrule["WKST"] == ["MO"]
    assert rrule["UNTIL"] == [datetime(2027, 6, 11, 3, 59, 59, tzinfo=UTC)]  # 2027-06-10 23:59:59 EDT


def test_exdates_only_for_skip_dates_on_meeting_days_at_the_local_start() -> None:
    event = the_event(export(BIWEEKLY_RULE))
    assert all(prop.params["TZID"] == "America/New_York" for prop in event["EXDATE"])
    assert [d.replace(tzinfo=None) for d in event.exdates] == [
        datetime(2026, 9, 3, 15, 30), datetime(2026, 11, 24, 15, 30), datetime(2026, 11, 26, 15, 30)
    ]
    assert [d.utcoffset() for d in event.exdates] == [timedelta(hours=-4), timedelta(hours=-5), timedelta(hours=-5)]


def test_vtimezone_of_the_rule_zone_is_included() -> None:
    cal = export(BIWEEKLY_RULE)
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["America/New_York"]
    assert {c.name for c in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert [str(z["TZID"]) for z in export(LAST_THURSDAY_RULE).walk("VTIMEZONE")] == ["Europe/Istanbul"]


def test_biweekly_expansion_agrees_with_occurrences_to_the_end() -> None:
    event = the_event(export(BIWEEKLY_RULE))
    expected = [o.starts_at.astimezone(UTC) for o in occurrences(BIWEEKLY_RULE, NOW, 100)]
    assert expand(event, 100) == expected
    assert expected[:4] == [datetime(2026, 9, 15, 19, 30, tzinfo=UTC), datetime(2026, 9, 17, 19, 30, tzinfo=UTC),
                            datetime(2026, 9, 29, 19, 30, tzinfo=UTC), datetime(2026, 10, 1, 19, 30, tzinfo=UTC)]
    assert expected[-1] == datetime(2027, 6, 10, 19, 30, tzinfo=UTC)


def test_monthly_last_thursday_series() -> None:
    event = the_event(export(LAST_THURSDAY_RULE))
    assert event["DTSTART"].params["TZID"] == "Europe/Istanbul"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 9, 24, 15, 30)
    assert event.decoded("DURATION") == timedelta(hours=1)
    rrule = event["RRULE"]
    assert dict(rrule) == {"FREQ": ["MONTHLY"], "BYDAY": ["-1TH"]}
    assert "EXDATE" not in event
    expected = [o.starts_at.astimezone(UTC) for o in occurrences(LAST_THURSDAY_RULE, NOW, 6)]
    assert expand(event, 6) == expected
    assert expected[:3] == [datetime(2026, 9, 24, 12, 30, tzinfo=UTC), datetime(2026, 10, 29, 12, 30, tzinfo=UTC),
                            datetime(2026, 11, 26, 12, 30, tzinfo=UTC)]


def test_monthly_second_tuesday_and_thursday_byday() -> None:
    rule = MeetingRule((TUESDAY, THURSDAY), time(8, 0), 30, MONTHLY, date(2026, 9, 1), None, "America/New_York",
                       monthly_week=2)
    event = the_event(export(rule))
    assert event["RRULE"]["BYDAY"] == ["2TU", "2TH"]
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 9, 8, 8, 0)
    assert expand(event, 8) == [o.starts_at.astimezone(UTC) for o in occurrences(rule, NOW, 8)]


def test_weekly_series_through_the_dst_gap() -> None:
    # Sundays 02:30 New York from 2026-03-01: on 2026-03-08 02:30 does not exist and the meeting is at 03:30 EDT.
    rule = MeetingRule((SUNDAY,), time(2, 30), 60, WEEKLY, date(2026, 3, 1), date(2026, 3, 29), "America/New_York")
    raw = calendar_ics(rule, summary="s", description="d", uid="gap@plc", now=NOW)
    assert b"DTSTART;TZID=America/New_York:20260301T023000" in raw
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260330T035959Z;INTERVAL=1;BYDAY=SU;WKST=MO" in raw
    event = the_event(Calendar.from_ical(raw))
    expected = [o.starts_at.astimezone(UTC) for o in occurrences(rule, datetime(2026, 2, 1, tzinfo=UTC), 10)]
    assert expand(event, 10) == expected
    assert expected[:2] == [datetime(2026, 3, 1, 7, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)]
    assert len(expected) == 5


def test_dtstamp_defaults_to_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    cal = Calendar.from_ical(calendar_ics(LAST_THURSDAY_RULE, summary="s", description="d", uid="u"))
    assert before <= the_event(cal).decoded("DTSTAMP") <= datetime.now(UTC)


def test_a_rule_without_meetings_has_no_calendar() -> None:
    rule = MeetingRule((TUESDAY,), time(15, 30), 45, WEEKLY, date(2026, 9, 2), date(2026, 9, 7), "America/New_York")
    with pytest.raises(ValueError):
        calendar_ics(rule, summary="s", description="d", uid="u")
