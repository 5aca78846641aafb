"""The focus keeper end to end: drift in a meeting thread gets one kind nudge per cooldown, on-topic talk
none; the parking-lot button parks the topic; the minutes carry the focus summary; settings change it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from bot.devtools.sandbox import ListenerActivity
from bot.devtools.slack_requests import values_for
from bot.i18n import catalog
from storage.models import FocusEvent
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import NOW, dispatch, open_schedule, submit_schedule, wait_until

START = datetime(2026, 10, 27, 19, 30, tzinfo=UTC)
TEACHER = "U0TEACH03"
ON_TOPIC = [
    "Most students mixed up numerator and denominator on Q4",
    "Can we pull a small group to reteach equivalent fractions with number lines on Thursday?",
    "For the kids who aced it, let's try the fraction challenge problems from unit 5",
]
DRIFT = "Honestly the administration keeps piling paperwork on us and nobody ever asks teachers anything"
MORE_DRIFT = "And don't get me started on the new duty schedule, it's ridiculous, admin never listens"


def start_meeting(app: RunningApp) -> str:
    """Register the team, schedule, fire the start and press Start; the meeting thread's ts."""
    with time_machine.travel(NOW, tick=True):
        register_team(app, team_members=[FACILITATOR, TEACHER])
        submit_schedule(app, open_schedule(app))
    dispatch(app, START)
    message = next(m for m in reversed(app.emulator.messages(CHANNEL)) if m["text"].startswith("PLC meeting:"))
    controls = next(b for b in message["blocks"] if b.get("block_id") == "meeting_controls")
    start = next(e for e in controls["elements"] if e["action_id"] == "meeting_start")
    app.slack.block_actions([{"action_id": "meeting_start", "block_id": "meeting_controls", "value": start["value"]}],
                            user_id=FACILITATOR, channel_id=CHANNEL, message=message)
    app.emulator.wait_for("chat.update")
    return str(message["ts"])


def say(app: RunningApp, text: str, ts: float, thread_ts: str | None = None, user: str = TEACHER) -> None:
    event: dict[str, Any] = {"type": "message", "channel": CHANNEL, "user": user, "text": text,
                             "ts": f"{ts:.6f}", "channel_type": "channel"}
    if thread_ts:
        event["thread_ts"] = thread_ts
    reply = app.slack.event(event)
    assert reply.status_code == 200


def nudges(app: RunningApp) -> list[dict[str, Any]]:
    return [m for m in app.emulator.messages(CHANNEL)
            if any(b.get("type") == "actions" and any(e.get("action_id") == "focus_park" for e in b["elements"])
                   for b in m.get("blocks") or [])]


def labels(app: RunningApp) -> list[tuple[str, bool]]:
    with app.plc.services.db.session() as session:
        return [(e.label, e.nudged) for e in session.query(FocusEvent).order_by(FocusEvent.id)]


def test_drift_gets_one_nudge_per_cooldown_and_the_topic_can_be_parked(running_app: RunningApp) -> None:
    app = running_app
    thread = start_meeting(app)
    base = float(thread)
    with time_machine.travel(START + timedelta(minutes=5), tick=True):
        for i, text in enumerate(ON_TOPIC):
            say(app, text, base + i + 1, thread)
        wait_until(lambda: len(labels(app)) == 3 or None)
        assert nudges(app) == []

        say(app, DRIFT, base + 10, thread)
        nudge = wait_until(lambda: next(iter(nudges(app)), None))
        assert nudge["thread_ts"] == thread
        assert "paperwork" not in nudge["text"] and TEACHER not in nudge["text"]  # never quotes or names
        item_phrasings = [p.split("{item}")[0] for p in catalog("en").list("focus.nudge.item")]
        assert any(nudge["text"].startswith(prefix) for prefix in item_phrasings)

        say(app, MORE_DRIFT, base + 11, thread)  # within the 10-minute cooldown: no second nudge
        wait_until(lambda: len(labels(app)) == 5 or None)
    assert [label for label, _ in labels(app)] == ["learning", "learning", "learning", "drift", "drift"]
    assert [nudged for _, nudged in labels(app)] == [False, False, False, True, False]
    assert len(nudges(app)) == 1

    # Past the cooldown, drift is nudged again.
    with time_machine.travel(START + timedelta(minutes=16), tick=True):
        say(app, MORE_DRIFT, base + 12, thread)
        wait_until(lambda: len(nudges(app)) == 2 or None)

    # The button parks the drifting topic and takes itself away.
    first = nudges(app)[0]
    button = next(e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"])
    updates = len(app.emulator.calls_to("chat.update"))
    reply = app.slack.block_actions([{"action_id": "focus_park", "value": button["value"]}], user_id=FACILITATOR,
                                    channel_id=CHANNEL, message=first)
    assert reply.status_code == 200
    update = app.emulator.wait_for("chat.update", count=updates + 1)[-1]
    assert update.args["ts"] == first["ts"]
    assert "focus_park" not in str(update.args["blocks"])
    assert app.plc.services.meetings.parked_topics(1) == [DRIFT]

    # The minutes end with the focus summary.
    message = next(m for m in app.emulator.messages(CHANNEL) if m["ts"] == thread)
    controls = next(b for b in message["blocks"] if b.get("block_id") == "meeting_controls")
    end = next(e for e in controls["elements"] if e["action_id"] == "meeting_end")
    app.slack.block_actions([{"action_id": "meeting_end", "block_id": "meeting_controls", "value": end["value"]}],
                            user_id=FACILITATOR, channel_id=CHANNEL, message=message)
    minutes = wait_until(lambda: next((c for c in app.emulator.calls_to("chat.postMessage")
                                       if c.args.get("text", "").startswith("Minutes:")), None))
    rendered = str(minutes.args["blocks"])
    assert "3 of 6 messages were about student learning" in rendered
    assert "The talk drifted 3 time(s); 2 gentle nudge(s)." in rendered


def test_the_channel_is_read_only_when_the_team_turns_it_on_and_off_means_off(running_app: RunningApp) -> None:
    app = running_app
    register_team(app, team_members=[FACILITATOR, TEACHER])
    activity = ListenerActivity(app.plc)
    base = 1_790_000_000.0
    say(app, DRIFT, base)
    wait_until(lambda: True if activity.running() == 0 else None)  # the listener has had its say
    assert nudges(app) == [] and labels(app) == []  # not in a meeting thread, channel mode off

    opened = len(app.emulator.calls_to("views.open"))
    app.slack.slash_command("/plc", "settings", user_id=FACILITATOR, channel_id=CHANNEL)
    view = app.emulator.wait_for("views.open", count=opened + 1)[-1].response["view"]
    reply = app.slack.view_submission(view, values_for(view, {"focus_in_channel": ["in_channel"],
                                                              "focus_cooldown": "5"}), user_id=FACILITATOR)
    assert reply.status_code == 200 and reply.text == ""
    settings = app.plc.services.focus.settings(1)
    assert (settings.mode, settings.in_channel, settings.cooldown_minutes) == ("normal", True, 5)

    say(app, DRIFT, base + 1)
    nudge = wait_until(lambda: next(iter(nudges(app)), None))
    assert nudge["thread_ts"] == f"{base + 1:.6f}"  # replies in a thread under the message
    say(app, "Thanks everyone, see you Tuesday!", base + 2)
    wait_until(lambda: len(labels(app)) == 2 or None)
    assert labels(app)[1][0] == "other"

    # Off: nothing is read or said.
    app.slack.slash_command("/plc", "settings", user_id=FACILITATOR, channel_id=CHANNEL)
    view = app.emulator.wait_for("views.open", count=opened + 2)[-1].response["view"]
    app.slack.view_submission(view, values_for(view, {"focus_mode": "off"}), user_id=FACILITATOR)
    assert app.plc.services.focus.settings(1).mode == "off"
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1), tick=True):
        say(app, DRIFT, base + 3600)
        say(app, "ok", base + 3601)
        wait_until(lambda: True if activity.running() == 0 else None)
    assert len(labels(app)) == 2 and len(nudges(app)) == 1


def test_a_turkish_team_is_nudged_in_turkish(running_app: RunningApp) -> None:
    app = running_app
    register_team(app, team_language="tr", team_members=[FACILITATOR, TEACHER])
    opened = len(app.emulator.calls_to("views.open"))
    app.slack.slash_command("/plc", "settings", user_id=FACILITATOR, channel_id=CHANNEL)
    view = app.emulator.wait_for("views.open", count=opened + 1)[-1].response["view"]
    app.slack.view_submission(view, values_for(view, {"focus_in_channel": ["in_channel"]}), user_id=FACILITATOR)
    complaint = "Yine idare bize sormadan nöbet çizelgesini değiştirmiş, ek ders ücretleri de hâlâ yatmadı"
    say(app, complaint, 1_790_000_100.0)
    nudge = wait_until(lambda: next(iter(nudges(app)), None))
    assert nudge["text"] in catalog("tr").list("focus.nudge.general")
    button = next(e for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["text"]["text"] == "Park alanına al"
