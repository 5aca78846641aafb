"""Meetings end to end: schedule modal, reminders at wall-clock times, the live meeting, minutes."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import time_machine
from icalendar import Calendar
from sqlalchemy import select

from bot.devtools.slack_requests import values_for
from storage.models import MeetingSchedule, ScheduledNotice
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team

T = TypeVar("T")
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)  # a Tuesday, before the US DST change of Nov 1


def open_schedule(app: RunningApp) -> dict:
    before = len(app.emulator.calls_to("views.open"))
    reply = app.slack.slash_command("/plc", "schedule", user_id=FACILITATOR, channel_id=CHANNEL)
    assert reply.status_code == 200
    view = app.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]
    assert view["callback_id"] == "meeting_schedule"
    return view


def schedule_answers(**changes: object) -> dict:
    answers = {
        "schedule_weekdays": ["1"],  # Tuesday
        "schedule_start_time": "15:30",
        "schedule_duration": "45",
        "schedule_recurrence": "weekly",
        "schedule_first_date": "2026-10-27",
        "schedule_last_date": "2027-06-15",
        "schedule_skip_dates": "2026-12-22..2027-01-02",
        "schedule_timezone": "America/New_York",
    }
    answers.update(changes)
    return answers


def submit_schedule(app: RunningApp, view: dict, **changes: object):
    reply = app.slack.view_submission(view, values_for(view, schedule_answers(**changes)), user_id=FACILITATOR)
    if reply.text == "":  # accepted: the confirmation is posted after the ack
        wait_until(lambda: next((m for m in app.emulator.messages(CHANNEL)
                                 if m["text"].startswith("Meetings are scheduled")), None))
    return reply


def dispatch(app: RunningApp, at: datetime) -> None:
    from bot.scheduler.dispatcher import NoticeDispatcher
    from bot.scheduler.planner import NoticePlanner
    from handlers.scheduled import senders

    db = app.plc.services.db
    NoticeDispatcher(db, senders(app.plc), NoticePlanner(db), None).run_due(at)


def wait_until(probe: Callable[[], T | None], timeout: float = 5.0) -> T:
    """Listeners run after Slack's request is acknowledged: poll for what they do."""
    deadline = time.monotonic() + timeout
    while (found := probe()) is None:
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def pending(app: RunningApp) -> list[tuple[str, datetime]]:
    with app.plc.services.db.session() as session:
        rows = session.scalars(select(ScheduledNotice).where(ScheduledNotice.status == "pending")
                               .order_by(ScheduledNotice.due_at, ScheduledNotice.kind))
        return [(r.kind, r.due_at) for r in rows]


def test_schedule_modal_stores_the_rule_and_plans_reminders(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        view = open_schedule(running_app)
        reply = submit_schedule(running_app, view)
        assert reply.status_code == 200 and reply.text == ""
    with running_app.plc.services.db.session() as session:
        row = session.scalars(select(MeetingSchedule)).one()
        assert (row.weekdays, row.start_time, row.duration_minutes, row.timezone) == ("1", "15:30", 45,
                                                                                     "America/New_York")
    due = pending(running_app)
    # Oct 27 is still daylight time (UTC-4): 15:30 local = 19:30 UTC; Nov 3 is standard time (UTC-5): 20:30 UTC.
    assert ("reminder", datetime(2026, 10, 27, 19, 15, tzinfo=UTC)) in due
    assert ("meeting_start", datetime(2026, 10, 27, 19, 30, tzinfo=UTC)) in due
    assert ("agenda_preview", datetime(2026, 10, 26, 19, 30, tzinfo=UTC)) in due
    assert ("meeting_start", datetime(2026, 11, 3, 20, 30, tzinfo=UTC)) in due
    assert ("meeting_end", datetime(2026, 11, 3, 21, 15, tzinfo=UTC)) in due
    confirmation = running_app.emulator.wait_for("chat.postMessage", count=2)[-1]
    assert "Meetings are scheduled: Every week on Tuesday at 15:30 (America/New_York)" in confirmation.args["text"]


def test_bad_schedule_input_is_refused_with_field_errors(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        view = open_schedule(running_app)
        reply = submit_schedule(running_app, view, schedule_start_time="25:00", schedule_first_date="2026-11-10",
                                schedule_last_date="2026-11-01", schedule_skip_dates="2026-01-05",
                                schedule_timezone="Mars/Olympus")
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"schedule_start_time", "schedule_last_date", "schedule_skip_dates",
                                   "schedule_timezone"}
    assert "00:00 and 23:59" in body["errors"]["schedule_start_time"]
    assert "before the first" in body["errors"]["schedule_last_date"]
    with running_app.plc.services.db.session() as session:
        assert session.scalars(select(MeetingSchedule)).first() is None
    assert pending(running_app) == []


def test_reminders_go_out_at_the_right_wall_clock_time_once(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        submit_schedule(running_app, open_schedule(running_app))
    posts_before = len(running_app.emulator.messages(CHANNEL))
    dispatch(running_app, datetime(2026, 10, 27, 19, 14, tzinfo=UTC))  # preview due the day before: sent now
    texts = [m["text"] for m in running_app.emulator.messages(CHANNEL)[posts_before:]]
    assert len(texts) == 1 and texts[0].startswith("Agenda preview")
    dispatch(running_app, datetime(2026, 10, 27, 19, 15, tzinfo=UTC))
    dispatch(running_app, datetime(2026, 10, 27, 19, 16, tzinfo=UTC))  # nothing new: sent once
    texts = [m["text"] for m in running_app.emulator.messages(CHANNEL)[posts_before:]]
    assert len(texts) == 2 and texts[1].startswith("Our meeting starts in 15 minutes")
    # After the DST change the reminder comes at 15:15 New York time = 20:15 UTC, not 19:15.
    dispatch(running_app, datetime(2026, 11, 3, 19, 15, tzinfo=UTC))
    assert not any(m["text"].startswith("Our meeting starts") for m in
                   running_app.emulator.messages(CHANNEL)[posts_before + 2:])


def test_skip_date_removes_that_meeting_and_its_reminders(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        submit_schedule(running_app, open_schedule(running_app))
        reply = running_app.slack.slash_command("/plc", "skip 2026-10-27", user_id=FACILITATOR, channel_id=CHANNEL)
        assert "No meeting on Tuesday, October 27, 2026" in reply.json()["text"]
        bad = running_app.slack.slash_command("/plc", "skip 2026-10-28", user_id=FACILITATOR, channel_id=CHANNEL)
        assert "no meeting on that date" in bad.json()["text"]
    starts = [due for kind, due in pending(running_app) if kind == "meeting_start"]
    assert datetime(2026, 10, 27, 19, 30, tzinfo=UTC) not in starts
    assert starts[0] == datetime(2026, 11, 3, 20, 30, tzinfo=UTC)


def test_a_meeting_from_start_to_minutes(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        submit_schedule(running_app, open_schedule(running_app))
        running_app.slack.slash_command("/plc", "agenda add q3 Regroup for fractions reteach", user_id=FACILITATOR,
                                        channel_id=CHANNEL)
    start = datetime(2026, 10, 27, 19, 30, tzinfo=UTC)
    dispatch(running_app, start)
    agenda_post = running_app.emulator.calls_to("chat.postMessage")[-1]
    assert agenda_post.args["text"].startswith("PLC meeting: Grade 4 Math PLC")
    agenda_text = str(agenda_post.args["blocks"])
    assert "Regroup for fractions reteach" in agenda_text
    message = running_app.emulator.messages(CHANNEL)[-1]
    thread_ts = message["ts"]
    controls = next(b for b in agenda_post.args["blocks"] if b.get("block_id") == "meeting_controls")
    start_button = next(e for e in controls["elements"] if e["action_id"] == "meeting_start")

    def press(action_id: str) -> None:
        current = running_app.emulator.messages(CHANNEL)
        msg = next(m for m in current if m["ts"] == thread_ts)
        reply = running_app.slack.block_actions(
            [{"action_id": action_id, "block_id": "meeting_controls", "value": start_button["value"]}],
            user_id=FACILITATOR, channel_id=CHANNEL, message=msg)
        assert reply.status_code == 200

    press("meeting_start")
    running_app.emulator.wait_for("chat.update")
    for i, text in enumerate(["Most students mixed up numerator and denominator",
                              "Decision: reteach 4.NF.1 with number lines next week"]):
        running_app.slack.event({"type": "message", "channel": CHANNEL, "user": FACILITATOR, "text": text,
                                 "ts": f"{float(thread_ts) + i + 1:.6f}", "thread_ts": thread_ts,
                                 "channel_type": "channel"})
    press("meeting_next")
    running_app.emulator.wait_for("chat.update", count=2)
    running_app.slack.slash_command("/plc", "parking The new report card policy", user_id="U0TEACH03",
                                    channel_id=CHANNEL)
    press("meeting_end")
    minutes_post = wait_until(lambda: next((c for c in running_app.emulator.calls_to("chat.postMessage")
                                            if c.args.get("text", "").startswith("Minutes:")), None))
    assert minutes_post.args["thread_ts"] == thread_ts
    rendered = str(minutes_post.args["blocks"])
    assert "reteach 4.NF.1 with number lines next week" in rendered
    assert "The new report card policy" in rendered
    thread_posts = [c.args["text"] for c in running_app.emulator.calls_to("chat.postMessage")
                    if c.args.get("thread_ts") == thread_ts]
    assert any(t.startswith("The meeting has started") for t in thread_posts)
    assert any(t.startswith("Next:") for t in thread_posts)
    assert any("Parked for later" in t for t in thread_posts)
    # The minutes are stored; /plc minutes lists the meeting; roles moved on.
    listing = running_app.slack.slash_command("/plc", "minutes", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert "2 items covered, 1 decisions" in listing["text"]
    # The end-of-meeting notice finds the meeting already ended and posts nothing more.
    count = len(running_app.emulator.calls_to("chat.postMessage"))
    dispatch(running_app, datetime(2026, 10, 27, 20, 15, tzinfo=UTC))
    assert len(running_app.emulator.calls_to("chat.postMessage")) == count


def test_calendar_file_is_uploaded_with_files_upload_v2(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        submit_schedule(running_app, open_schedule(running_app))
        running_app.slack.slash_command("/plc", "calendar", user_id=FACILITATOR, channel_id=CHANNEL)
    running_app.emulator.wait_for("files.completeUploadExternal")
    assert running_app.emulator.calls_to("files.getUploadURLExternal")[0].args["filename"] == "plc-meetings.ics"
    uploaded = running_app.emulator.uploaded_files()[0]
    calendar = Calendar.from_ical(uploaded["content"])
    event = next(c for c in calendar.walk("VEVENT"))
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["DTSTART"].dt.hour == 15 and event["DTSTART"].dt.minute == 30


def _meeting_message(app: RunningApp) -> dict:
    return next(m for m in reversed(app.emulator.messages(CHANNEL)) if m["text"].startswith("PLC meeting:"))


def test_timekeeper_nudge_and_ending_when_time_is_up(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        submit_schedule(running_app, open_schedule(running_app))
    start = datetime(2026, 10, 27, 19, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=True):  # the meeting happens at its time
        dispatch(running_app, start)
        message = _meeting_message(running_app)
        controls = next(b for b in message["blocks"] if b.get("block_id") == "meeting_controls")
        value = controls["elements"][0]["value"]
        running_app.slack.block_actions(
            [{"action_id": "meeting_start", "block_id": "meeting_controls", "value": value}],
            user_id=FACILITATOR, channel_id=CHANNEL, message=message)
        nudge_due = wait_until(lambda: next((due for kind, due in pending(running_app) if kind == "item_ending"),
                                            None))
        assert nudge_due - start < timedelta(minutes=3)  # the first item is short: 2 minutes before its end
    with time_machine.travel(nudge_due, tick=False):
        dispatch(running_app, nudge_due)
    nudges = [c.args for c in running_app.emulator.calls_to("chat.postMessage") if "minutes left for" in
              c.args.get("text", "")]
    assert len(nudges) == 1 and nudges[0]["thread_ts"] == message["ts"]
    timekeeper = running_app.plc.services.meetings.live_meeting(
        running_app.plc.services.teams.find(running_app.emulator.team_id, CHANNEL).id).roles["timekeeper"]
    assert nudges[0]["text"].startswith(f"<@{timekeeper}> ⏱ 2 minutes left for *")
    # Nobody pressed End: when the scheduled time is over the bot closes the meeting and posts minutes.
    dispatch(running_app, datetime(2026, 10, 27, 20, 15, tzinfo=UTC))
    thread = [c.args["text"] for c in running_app.emulator.calls_to("chat.postMessage")
              if c.args.get("thread_ts") == message["ts"]]
    assert "Our scheduled time is over, so I closed the meeting." in thread
    assert any(t.startswith("Minutes: Grade 4 Math PLC") for t in thread)


def test_schedule_shows_change_and_cancel_and_next_shows_your_time(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        submit_schedule(running_app, open_schedule(running_app))
        shown = running_app.slack.slash_command("/plc", "schedule", user_id=FACILITATOR, channel_id=CHANNEL).json()
        assert "This team meets Every week on Tuesday at 15:30" in shown["text"]
        actions = [e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert actions == ["schedule_change", "schedule_calendar", "schedule_cancel"]
        # Ayşe is in Istanbul: she sees the team's time and her own.
        upcoming = running_app.slack.slash_command("/plc", "next", user_id="U0TEACH01", channel_id=CHANNEL).json()
        assert "Tuesday, October 27, 3:30 PM (America/New_York) · your time: Tuesday, October 27, 10:30 PM" in \
            upcoming["text"]
        running_app.slack.block_actions([{"action_id": "schedule_cancel", "value": "1"}], user_id=FACILITATOR,
                                        channel_id=CHANNEL)
        wait_until(lambda: next((m for m in running_app.emulator.messages(CHANNEL)
                                 if m["text"].startswith("The meeting schedule was cancelled")), None))
    assert pending(running_app) == []
    assert running_app.plc.services.schedules.get(
        running_app.plc.services.teams.find(running_app.emulator.team_id, CHANNEL).id) is None
