"""Meeting rules: occurrences across DST switches, biweekly and monthly patterns, skip dates, the modal's checks."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.meetings.recurrence import (
    BIWEEKLY,
    MONTHLY,
    WEEKLY,
    MeetingRule,
    Occurrence,
    RuleDraft,
    RuleError,
    is_meeting_day,
    next_occurrence,
    occurrences,
    parse_rule,
    parse_skip_dates,
    validate_rule,
)

NEW_YORK = ZoneInfo("America/New_York")
ISTANBUL = ZoneInfo("Europe/Istanbul")
TUESDAY, THURSDAY, SUNDAY, MONDAY = 1, 3, 6, 0


def rule(**changes: object) -> MeetingRule:
    """Tuesdays 15:30-16:15 in New York, weekly from 2026-02-24, open-ended."""
    base = MeetingRule(
        weekdays=(TUESDAY,),
        start=time(15, 30),
        duration_minutes=45,
        recurrence=WEEKLY,
        first_date=date(2026, 2, 24),
        last_date=None,
        timezone="America/New_York",
    )
    return replace(base, **changes)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def days(found: list[Occurrence]) -> list[date]:
    return [o.local_date for o in found]


# --- Daylight-saving time -------------------------------------------------------------------------------------


def test_weekly_meeting_stays_at_local_time_across_spring_forward() -> None:
    found = occurrences(rule(), datetime(2026, 3, 1, tzinfo=NEW_YORK), 2)
    assert days(found) == [date(2026, 3, 3), date(2026, 3, 10)]
    assert [o.starts_at.time() for o in found] == [time(15, 30), time(15, 30)]
    assert [o.starts_at.utcoffset() for o in found] == [timedelta(hours=-5), timedelta(hours=-4)]
    assert [o.starts_at for o in found] == [utc(2026, 3, 3, 20, 30), utc(2026, 3, 10, 19, 30)]
    assert [o.ends_at for o in found] == [utc(2026, 3, 3, 21, 15), utc(2026, 3, 10, 20, 15)]
    assert all(o.starts_at.tzinfo == NEW_YORK and not o.skipped for o in found)


def test_weekly_meeting_stays_at_local_time_across_fall_back() -> None:
    found = occurrences(rule(), datetime(2026, 10, 25, tzinfo=NEW_YORK), 2)
    assert days(found) == [date(2026, 10, 27), date(2026, 11, 3)]
    assert [o.starts_at.time() for o in found] == [time(15, 30), time(15, 30)]
    assert [o.starts_at.utcoffset() for o in found] == [timedelta(hours=-4), timedelta(hours=-5)]
    assert [o.starts_at for o in found] == [utc(2026, 10, 27, 19, 30), utc(2026, 11, 3, 20, 30)]


def test_istanbul_has_no_dst_and_stays_utc_plus_3() -> None:
    istanbul = rule(timezone="Europe/Istanbul")
    found = occurrences(istanbul, utc(2026, 3, 1), 2) + occurrences(istanbul, utc(2026, 10, 25), 2)
    assert days(found) == [date(2026, 3, 3), date(2026, 3, 10), date(2026, 10, 27), date(2026, 11, 3)]
    assert {o.starts_at.utcoffset() for o in found} == {timedelta(hours=3)}
    assert [o.starts_at.astimezone(UTC).time() for o in found] == [time(12, 30)] * 4
    assert found[1].starts_at == datetime(2026, 3, 10, 15, 30, tzinfo=ISTANBUL)


def test_next_occurrence_from_the_real_clock_just_before_the_spring_switch() -> None:
    with time_machine.travel(datetime(2026, 3, 6, 12, 0, tzinfo=NEW_YORK), tick=False):
        found = next_occurrence(rule(), datetime.now(UTC))
    assert found is not None
    assert found.local_date == date(2026, 3, 10)
    assert found.starts_at == utc(2026, 3, 10, 19, 30)  # 15:30 EDT, not 20:30 UTC as it was before the switch


def test_next_occurrence_from_the_real_clock_just_before_the_fall_switch() -> None:
    with time_machine.travel(datetime(2026, 10, 30, 9, 0, tzinfo=NEW_YORK), tick=False):
        found = next_occurrence(rule(), datetime.now(UTC))
    assert found is not None
    assert found.starts_at == utc(2026, 11, 3, 20, 30)  # 15:30 EST


def test_next_occurrence_includes_a_meeting_starting_exactly_now_and_not_one_that_has_started() -> None:
    with time_machine.travel(utc(2026, 3, 10, 19, 30), tick=False):
        assert next_occurrence(rule(), datetime.now(UTC)) == occurrences(rule(), utc(2026, 3, 10), 1)[0]
    found = next_occurrence(rule(), utc(2026, 3, 10, 19, 31))
    assert found is not None and found.local_date == date(2026, 3, 17)


def test_time_in_the_spring_forward_gap_moves_to_after_the_gap() -> None:
    sunday = rule(weekdays=(SUNDAY,), start=time(2, 30), first_date=date(2026, 3, 1))
    found = occurrences(sunday, utc(2026, 3, 1), 3)
    assert days(found) == [date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)]
    assert [o.starts_at.replace(tzinfo=None) for o in found] == [
        datetime(2026, 3, 1, 2, 30), datetime(2026, 3, 8, 3, 30), datetime(2026, 3, 15, 2, 30)
    ]
    assert [o.starts_at for o in found] == [utc(2026, 3, 1, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 15, 6, 30)]


def test_ambiguous_time_takes_the_first_and_lasts_its_real_duration_across_fall_back() -> None:
    sunday = rule(weekdays=(SUNDAY,), start=time(1, 0), duration_minutes=90, first_date=date(2026, 11, 1))
    found = next_occurrence(sunday, utc(2026, 10, 31))
    assert found is not None
    # Python never finds an ambiguous local time == an instant in another zone (PEP 495): compare in UTC.
    assert found.starts_at.astimezone(UTC) == utc(2026, 11, 1, 5, 0)  # 01:00 EDT, the first 01:00
    assert found.starts_at.utcoffset() == timedelta(hours=-4)
    assert found.ends_at.astimezone(UTC) == utc(2026, 11, 1, 6, 30)  # 01:30 EST: 90 real minutes later
    assert found.ends_at.replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30)
    assert found.ends_at.utcoffset() == timedelta(hours=-5)


# --- Patterns ---------------------------------------------------------------------------------------------------


def test_biweekly_counts_weeks_from_the_week_of_first_date() -> None:
    # first_date is Wednesday 2026-09-02: its week (Monday 08-31) is a meeting week, Tuesday 09-01 is too early.
    biweekly = rule(weekdays=(TUESDAY, THURSDAY), recurrence=BIWEEKLY, first_date=date(2026, 9, 2))
    assert days(occurrences(biweekly, utc(2026, 8, 1), 5)) == [
        date(2026, 9, 3), date(2026, 9, 15), date(2026, 9, 17), date(2026, 9, 29), date(2026, 10, 1)
    ]
    assert days(occurrences(biweekly, datetime(2026, 9, 8, tzinfo=NEW_YORK), 1)) == [date(2026, 9, 15)]
    assert days(occurrences(biweekly, datetime(2026, 9, 16, tzinfo=NEW_YORK), 2)) == [date(2026, 9, 17),
                                                                                        date(2026, 9, 29)]


def test_biweekly_weeks_start_on_monday() -> None:
    # first_date is Sunday 2026-09-06: Monday 08-31 of its week has passed, Monday 09-07 is in the off week.
    mondays = rule(weekdays=(MONDAY,), recurrence=BIWEEKLY, first_date=date(2026, 9, 6))
    assert days(occurrences(mondays, utc(2026, 9, 1), 3)) == [date(2026, 9, 14), date(2026, 9, 28), date(2026, 10, 12)]


def test_monthly_second_tuesday() -> None:
    monthly = rule(recurrence=MONTHLY, monthly_week=2, first_date=date(2026, 9, 1))
    assert days(occurrences(monthly, utc(2026, 8, 1), 4)) == [
        date(2026, 9, 8), date(2026, 10, 13), date(2026, 11, 10), date(2026, 12, 8)
    ]


def test_monthly_last_thursday() -> None:
    monthly = rule(weekdays=(THURSDAY,), recurrence=MONTHLY, monthly_week=-1, first_date=date(2026, 9, 1))
    assert days(occurrences(monthly, utc(2026, 8, 1), 4)) == [
        date(2026, 9, 24), date(2026, 10, 29), date(2026, 11, 26), date(2026, 12, 31)
    ]


def test_monthly_with_two_weekdays_is_in_date_order() -> None:
    monthly = rule(weekdays=(TUESDAY, THURSDAY), recurrence=MONTHLY, monthly_week=2, first_date=date(2026, 9, 9))
    assert days(occurrences(monthly, utc(2026, 8, 1), 3)) == [date(2026, 9, 10), date(2026, 10, 8), date(2026, 10, 13)]


def test_is_meeting_day() -> None:
    biweekly = rule(weekdays=(TUESDAY, THURSDAY), recurrence=BIWEEKLY, first_date=date(2026, 9, 2),
                    last_date=date(2026, 12, 18))
    assert is_meeting_day(biweekly, date(2026, 9, 3))
    assert is_meeting_day(biweekly, date(2026, 9, 15))
    assert not is_meeting_day(biweekly, date(2026, 9, 1))  # before first_date
    assert not is_meeting_day(biweekly, date(2026, 9, 8))  # off week
    assert not is_meeting_day(biweekly, date(2026, 9, 16))  # Wednesday
    assert not is_meeting_day(biweekly, date(2027, 1, 5))  # after last_date


# --- Skip dates and the end of the series ----------------------------------------------------------------------


def test_skip_dates_single_and_ranges_are_left_out() -> None:
    skips = parse_skip_dates("2026-11-24\n2026-11-25..2026-11-27, 2026-12-22..2027-01-01")
    tue_thu = rule(weekdays=(TUESDAY, THURSDAY), first_date=date(2026, 11, 16), skip_dates=frozenset(skips))
    assert days(occurrences(tue_thu, utc(2026, 11, 16), 6)) == [
        date(2026, 11, 17), date(2026, 11, 19), date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 8),
        date(2026, 12, 10)
    ]
    assert days(occurrences(tue_thu, utc(2026, 12, 14), 4)) == [
        date(2026, 12, 15), date(2026, 12, 17), date(2027, 1, 5), date(2027, 1, 7)
    ]
    found = next_occurrence(tue_thu, utc(2026, 12, 18))
    assert found is not None and found.local_date == date(2027, 1, 5)


def test_include_skipped_marks_them_and_counts_them() -> None:
    tue_thu = rule(weekdays=(TUESDAY, THURSDAY), first_date=date(2026, 11, 16),
                   skip_dates=frozenset(parse_skip_dates("2026-11-24..2026-11-27")))
    found = occurrences(tue_thu, utc(2026, 11, 16), 5, include_skipped=True)
    assert [(o.local_date, o.skipped) for o in found] == [
        (date(2026, 11, 17), False), (date(2026, 11, 19), False), (date(2026, 11, 24), True),
        (date(2026, 11, 26), True), (date(2026, 12, 1), False)
    ]
    assert found[2].starts_at == datetime(2026, 11, 24, 15, 30, tzinfo=NEW_YORK)


def test_last_date_ends_the_series_inclusively() -> None:
    ending = rule(first_date=date(2026, 6, 1), last_date=date(2026, 6, 16))
    assert days(occurrences(ending, utc(2026, 6, 1), 10)) == [date(2026, 6, 2), date(2026, 6, 9), date(2026, 6, 16)]
    assert next_occurrence(ending, datetime(2026, 6, 16, 15, 31, tzinfo=NEW_YORK)) is None


def test_a_rule_that_never_meets_again_answers_none_instead_of_looping() -> None:
    every_monday = {date(2026, 1, 5) + timedelta(weeks=n) for n in range(52 * 6)}
    never = rule(weekdays=(MONDAY,), first_date=date(2026, 1, 5), skip_dates=frozenset(every_monday))
    assert next_occurrence(never, utc(2026, 1, 1)) is None
    assert occurrences(never, utc(2026, 1, 1), 3) == []


def test_occurrences_need_an_aware_after_and_a_positive_limit() -> None:
    with pytest.raises(ValueError):
        occurrences(rule(), datetime(2026, 3, 1), 1)
    assert occurrences(rule(), utc(2026, 3, 1), 0) == []


def test_meeting_rule_normalises_weekdays_and_rejects_impossible_rules() -> None:
    normalised = rule(weekdays=(3, 1, 3), skip_dates={date(2026, 3, 3)})  # type: ignore[arg-type]
    assert normalised.weekdays == (1, 3)
    assert normalised.skip_dates == frozenset({date(2026, 3, 3)})
    for bad in [
        {"weekdays": ()},
        {"weekdays": (7,)},
        {"duration_minutes": 4},
        {"duration_minutes": 481},
        {"recurrence": "daily"},
        {"recurrence": MONTHLY},
        {"recurrence": MONTHLY, "monthly_week": 5},
        {"last_date": date(2026, 2, 23)},
        {"timezone": "Mars/Olympus"},
        {"start": time(15, 30, tzinfo=UTC)},
    ]:
        with pytest.raises(ValueError):
            rule(**bad)


# --- The schedule modal -------------------------------------------------------------------------------------------

TODAY = date(2026, 8, 20)


def draft(**changes: object) -> RuleDraft:
    base = RuleDraft(
        weekdays=["3", "1"],
        start_time="15:30",
        duration_minutes="45",
        recurrence="biweekly",
        monthly_week=None,
        first_date="2026-09-02",
        last_date="2027-06-15",
        skip_dates="2026-11-25..2026-11-27, 2026-12-21..2027-01-01\n2027-02-16",
        timezone="America/New_York",
    )
    return replace(base, **changes)


def test_a_good_draft_parses() -> None:
    assert validate_rule(draft(), TODAY) == {}
    parsed = parse_rule(draft(), TODAY)
    assert parsed.weekdays == (1, 3)
    assert parsed.start == time(15, 30)
    assert parsed.duration_minutes == 45
    assert parsed.recurrence == BIWEEKLY
    assert parsed.monthly_week is None
    assert parsed.first_date == date(2026, 9, 2)
    assert parsed.last_date == date(2027, 6, 15)
    assert parsed.timezone == "America/New_York"
    assert len(parsed.skip_dates) == 3 + 12 + 1
    assert {date(2026, 11, 25), date(2026, 12, 21), date(2027, 1, 1), date(2027, 2, 16)} <= parsed.skip_dates


def test_optional_fields_may_be_empty_and_monthly_takes_its_week() -> None:
    parsed = parse_rule(draft(recurrence="monthly", monthly_week="-1", last_date=None, skip_dates="  "), TODAY)
    assert parsed.recurrence == MONTHLY
    assert parsed.monthly_week == -1
    assert parsed.last_date is None
    assert parsed.skip_dates == frozenset()


def test_every_problem_is_reported_at_once() -> None:
    bad = draft(weekdays=[], start_time="25:00", duration_minutes="3", recurrence="monthly", monthly_week=None,
                last_date="2026-08-01", timezone="Mars/Olympus", skip_dates="2026-09-10, 2026-08-19")
    assert validate_rule(bad, TODAY) == {
        "weekdays": "schedule.errors.weekdays_required",
        "start_time": "schedule.errors.time_invalid",
        "duration_minutes": "schedule.errors.duration_invalid",
        "monthly_week": "schedule.errors.monthly_week_invalid",
        "last_date": "schedule.errors.end_before_start",
        "timezone": "schedule.errors.timezone_unknown",
        "skip_dates": "schedule.errors.skip_in_past",
    }
    with pytest.raises(ValueError) as caught:
        parse_rule(bad, TODAY)
    assert isinstance(caught.value, RuleError)
    assert caught.value.errors == validate_rule(bad, TODAY)


def test_other_malformed_fields() -> None:
    bad = draft(weekdays=["9"], start_time="12:60", duration_minutes="forty", recurrence="daily", monthly_week="5",
                first_date="", last_date="2027-13-01", timezone=None, skip_dates="2026-09-10 tomorrow")
    assert validate_rule(bad, TODAY) == {
        "weekdays": "schedule.errors.weekdays_required",
        "start_time": "schedule.errors.time_invalid",
        "duration_minutes": "schedule.errors.duration_invalid",
        "recurrence": "schedule.errors.recurrence_invalid",
        "first_date": "schedule.errors.first_date_invalid",
        "last_date": "schedule.errors.last_date_invalid",
        "timezone": "schedule.errors.timezone_unknown",
        "skip_dates": "schedule.errors.skip_date_invalid",
    }


@pytest.mark.parametrize("text", [None, "", "1530", "15.30", "3:5", "-1:30", "24:00", "25:00", "12:60"])
def test_time_must_be_hh_mm(text: str | None) -> None:
    assert validate_rule(draft(start_time=text), TODAY) == {"start_time": "schedule.errors.time_invalid"}


@pytest.mark.parametrize("text", [None, "", "4", "481", "45.5", "-45", "1e2"])
def test_duration_must_be_a_whole_number_of_minutes_in_range(text: str | None) -> None:
    problems = validate_rule(draft(duration_minutes=text), TODAY)
    assert problems == {"duration_minutes": "schedule.errors.duration_invalid"}


def test_boundaries_that_are_fine() -> None:
    fine = draft(start_time="0:00", duration_minutes="480", last_date="2026-09-02", skip_dates="2026-08-20")
    assert validate_rule(fine, TODAY) == {}
    assert validate_rule(draft(start_time="23:59", duration_minutes="5"), TODAY) == {}


def test_parse_skip_dates_expands_ranges_and_accepts_any_separator() -> None:
    assert parse_skip_dates("2026-12-30 .. 2027-01-02,2026-11-26\n\n 2026-11-26 ") == [
        date(2026, 11, 26), date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)
    ]
    assert parse_skip_dates("") == []
    for bad in ["2026-02-30", "26-11-26", "2026-11-26..", "2027-01-02..2026-12-30", "2026-01-01..2027-06-01",
                "next week"]:
        with pytest.raises(ValueError):
            parse_skip_dates(bad)
