"""Mixed load on a deployment: 64 clients use every part of the app for a bounded time.

    python -m bench.mixed_load [--seconds 180] [--clients 64] [--teams 8] [--think 0.5]
                               [--uploads-per-minute 4] [--warmup 20] [--database-url URL] [--broker-url URL]

As deployed: PostgreSQL and RabbitMQ, two web servers (`plc-bot run --http --no-scheduler`, gunicorn
2 workers x 8 threads each), two `plc-bot worker`s and one `plc-bot scheduler`, on a schema and a
queue of their own, calling an in-process Slack emulator. `--teams` teams of 12 teachers are
registered through the setup modal, each schedules a meeting at the next whole minute (the real
scheduler posts it), and two members press the meeting's Start button at the same moment (through
both servers), as happens in a room.

Each client is bound to one server (keep-alive, like a load balancer's connection) and one team;
it picks an action, performs it as a random member of its team, then thinks for an exponentially
distributed time (mean `--think` s). Actions, by weight:

- slash commands: `/plc help`, `/plc next`, `/plc commitments`, `/plc data`, `/plc agenda`;
  `/plc commit TEXT [by today|by tomorrow]` (a commitment: one notice in the meeting's thread;
  due today: the scheduler's reminder DM at once);
- buttons and modals: the meeting message's Commit button, then the commitment modal submitted;
  its Park button, then the park modal submitted; `/plc reflect`, then the reflection modal
  submitted (shared or private); Next item; Done on a due-date reminder DM the scheduler posted
  (one in five clicked twice, as a double click would);
- Events API deliveries, each with a unique event_id: messages in the channel, messages in the
  meeting's thread (meeting notes and the focus keeper: learning talk, other talk, some drift),
  `app_home_opened` (an App Home job); one delivery in ten is re-sent as Slack's retry
  (X-Slack-Retry-Num) and must have no effect;
- and, from their own thread, `--uploads-per-minute` uploads (`/plc upload`, then the modal
  submitted with a CSV file), each with its own assessment name.

The figures are those of the measured `--seconds`, after a warm-up (until every meeting is posted
and started, then `--warmup` s more). It prints requests by kind, errors (non-200, or a form or a
command refused), ack latency p50/p99 overall and by kind, effects doubled or missing (every
upload's summary, commitment notice, reminder DM, Done notice, parked topic, shared reflection and
meeting start once; one modal per trigger; no event processed twice; one App Home publish per open; at most one
focus nudge per thread), and each process's RSS at the start, during and at the end of the
measured time (gunicorn's workers included).

Exit status: 0 when it measured (goals may be missed), 1 when the deployment could not be set up,
130 on Ctrl-C. Everything started is stopped, the queues deleted and the schema dropped.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from bench.load_support import (
    DEFAULT_BROKER_URL,
    DEFAULT_DATABASE_URL,
    REUSE_IDLE_S,
    TARGET_P99_MS,
    CallWatcher,
    Deployment,
    Latencies,
    MachineCpu,
    ProcessSample,
    SetupError,
    Team,
    accept_empty,
    add_teachers,
    bench_process_sample,
    cpu_between,
    describe_share,
    figures_of,
    load_average,
    machine_share,
    mib,
    ms,
    open_modal,
    progress,
    register_team,
    results_csv,
    run_main,
    sample_processes,
    sender,
    timed,
    unique_ts,
    wait_until,
)
from bot.devtools.deployment import Server
from bot.devtools.slack_emulator import RecordedCall
from bot.devtools.slack_requests import SlackRequestSender, values_for

TEACHERS_PER_TEAM = 12
MEETING_MINUTES = 120
UPLOAD_PREFIX = "Load check"
SUMMARY = re.compile(r"^\*(" + UPLOAD_PREFIX + r" \d+)\*.*results updated by <@(U\w+)>")
TOKEN = re.compile(r"\bmx\d{6}\b")
THREAD_TALK = (
    "Most students mixed up numerator and denominator on Q3",
    "Decision: reteach 4.NF.1 with number lines next week",
    "Which students need the extension task on equivalent fractions?",
    "Exit tickets show 60 percent got 4.NF.2 right",
    "Can someone share the slides after the meeting?",
    "Let's group the students who missed Q2 for a small-group reteach",
    "The new report card policy from the district office is ridiculous, nobody asked us",
)
CHANNEL_TALK = (
    "Reminder: bring your exit tickets on Thursday",
    "I put the fraction strips in the shared drive",
    "Who has the number line posters?",
)
GROUPS = (
    ("slash commands", "/plc "),
    ("button clicks", "click "),
    ("modal submissions", "submit "),
    ("events", "event "),
)


def team_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about midday now: commitments due today are due at once (09:00 has
    passed), and no day changes during the run."""
    offset = max(-12, min(14, 12 - now.hour))
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-4 is UTC+4


# --------------------------------------------------------------------------- shared state


@dataclass
class TeamState(Team):
    meeting_ts: str | None = None
    meeting_value: str = ""
    meeting_message: dict[str, Any] | None = None


@dataclass
class Expected:
    """What the clients did that must have exactly one visible effect (or none), by unique token."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens: itertools.count = field(default_factory=lambda: itertools.count(1))
    commitments: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> team, owner, due_today
    parks: set[str] = field(default_factory=set)
    reflections: dict[str, bool] = field(default_factory=dict)  # token -> shared
    uploads: dict[str, str] = field(default_factory=dict)  # assessment name -> teacher
    done_clicked: set[str] = field(default_factory=set)  # tokens whose reminder's Done was clicked by the owner
    events_ok: set[str] = field(default_factory=set)  # event_ids first delivered and acknowledged 200
    events_failed: int = 0
    retries_sent: int = 0
    thread_events_ok: Counter = field(default_factory=Counter)  # thread_ts -> messages acknowledged
    home_opens_ok: int = 0
    modals_missing: Counter = field(default_factory=Counter)
    reminders: list[dict[str, Any]] = field(default_factory=list)  # reminder DMs not yet clicked
    uploads_sent: itertools.count = field(default_factory=lambda: itertools.count(1))

    def token(self) -> str:
        with self.lock:
            return f"mx{next(self.tokens):06d}"


@dataclass
class Run:
    """Everything the client threads share."""

    deployment: Deployment
    servers: list[Server]
    teams: list[TeamState]
    watcher: CallWatcher
    expected: Expected
    latencies: Latencies
    think: float
    job_workers: int = 2
    stop: threading.Event = field(default_factory=threading.Event)
    warming: threading.Event = field(default_factory=threading.Event)

    def workers_with_uploads(self) -> int:
        """How many job worker processes have finished an upload job."""
        return int(self.deployment.scalar(
            "SELECT count(DISTINCT worker_id) FROM jobs WHERE kind = 'upload' AND state = 'done'") or 0)


# --------------------------------------------------------------------------- one client


class Client:
    """One person at a keyboard: picks an action, does it, thinks."""

    def __init__(self, run: Run, slot: int, seed: int) -> None:
        self.run = run
        self.slot = slot
        self.rng = random.Random(seed)
        self.team = run.teams[slot % len(run.teams)]
        self.session = requests.Session()
        server = run.servers[(slot // len(run.teams)) % len(run.servers)]  # every team has clients on both servers
        self.slack: SlackRequestSender = sender(server, run.deployment.emulator, self.session)
        self.user = self.team.members[0]
        self.actions: list[tuple[Callable[[], None], float]] = [
            (lambda: self.command("help"), 14), (lambda: self.command("next"), 7),
            (lambda: self.command("commitments"), 7), (lambda: self.command("data"), 7),
            (lambda: self.command("agenda"), 7), (self.commit_command, 1.5), (self.commit_modal, 1),
            (self.park_modal, 2), (self.reflect, 2), (self.next_item, 0.3), (self.click_done, 4),
            (self.channel_message, 12), (self.thread_message, 14), (self.home_opened, 3),
        ]

    @property
    def lat(self) -> Latencies:
        return self.run.latencies

    def loop(self) -> None:
        functions, weights = zip(*self.actions, strict=True)
        try:
            while not self.run.stop.is_set():
                self.user = self.rng.choice(self.team.members)
                self.rng.choices(functions, weights)[0]()
                think = min(10.0, self.rng.expovariate(1.0 / self.run.think))
                self.run.stop.wait(think)
                if think > REUSE_IDLE_S:
                    self.session.close()  # the next request opens a new connection (see REUSE_IDLE_S)
        finally:
            self.session.close()

    # commands
    def command(self, text: str) -> None:
        timed(self.lat, f"/plc {text.split()[0]}",
              lambda: self.slack.slash_command("/plc", text, user_id=self.user, channel_id=self.team.channel_id))

    def commit_command(self) -> None:
        expected = self.run.expected
        token = expected.token()
        due = self.rng.choice(("today", "tomorrow", None))
        text = f"reteach 4.NF.2 with number lines {token}" + (f" by {due}" if due else "")

        def recorded(answer: requests.Response) -> str | None:
            body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
            return None if str(body.get("text", "")).startswith("Recorded") else f"not recorded: {answer.text[:120]!r}"

        answer = timed(self.lat, "/plc commit",
                       lambda: self.slack.slash_command("/plc", f"commit {text}", user_id=self.user,
                                                        channel_id=self.team.channel_id), recorded)
        if answer is not None:
            with expected.lock:
                expected.commitments[token] = {"team": self.team.channel_id, "owner": self.user,
                                               "due_today": due == "today"}

    # buttons and modals
    def meeting_click(self, action_id: str) -> requests.Response | None:
        team = self.team
        assert team.meeting_message is not None
        return timed(self.lat, f"click {action_id}", lambda: self.slack.block_actions(
            [{"action_id": action_id, "block_id": "meeting_controls", "value": team.meeting_value}],
            user_id=self.user, channel_id=team.channel_id, message=team.meeting_message))

    def opened(self, what: str) -> dict[str, Any] | None:
        view = self.run.watcher.view_for(self.slack.last_trigger_id, timeout=15.0)
        if view is None and not self.run.stop.is_set():
            with self.run.expected.lock:
                self.run.expected.modals_missing[what] += 1
        return view

    def submit(self, kind: str, view: dict[str, Any], answers: dict[str, Any]) -> bool:
        values = values_for(view, answers)
        return timed(self.lat, f"submit {kind}", lambda: self.slack.view_submission(view, values, user_id=self.user),
                     accept_empty) is not None

    def commit_modal(self) -> None:
        if self.team.meeting_message is None:
            return self.channel_message()
        if self.meeting_click("meeting_commit") is None or (view := self.opened("commitment_new")) is None:
            return None
        expected = self.run.expected
        token = expected.token()
        due_today = self.rng.random() < 0.5
        answers: dict[str, Any] = {"commitment_text": f"model fraction strips {token}", "commitment_owner": self.user}
        if due_today:
            answers["commitment_due"] = datetime.now(ZoneInfo(self.team.timezone)).date().isoformat()
        if self.submit("commitment_new", view, answers):
            with expected.lock:
                expected.commitments[token] = {"team": self.team.channel_id, "owner": self.user,
                                               "due_today": due_today}
        return None

    def park_modal(self) -> None:
        if self.team.meeting_message is None:
            return self.channel_message()
        if self.meeting_click("meeting_park") is None or (view := self.opened("park_topic")) is None:
            return None
        token = self.run.expected.token()
        if self.submit("park_topic", view, {"park_text": f"the new grading software {token}"}):
            with self.run.expected.lock:
                self.run.expected.parks.add(token)
        return None

    def reflect(self) -> None:
        if timed(self.lat, "/plc reflect", lambda: self.slack.slash_command(
                "/plc", "reflect", user_id=self.user, channel_id=self.team.channel_id)) is None:
            return
        view = self.opened("reflection")
        if view is None:
            return
        token = self.run.expected.token()
        shared = self.rng.random() < 0.5
        answers = {"reflection_text": f"Number lines helped more than area models {token}",
                   "reflection_share": ["share"] if shared else []}
        if self.submit("reflection", view, answers):
            with self.run.expected.lock:
                self.run.expected.reflections[token] = shared

    def next_item(self) -> None:
        if self.team.meeting_message is None:
            return self.channel_message()
        self.meeting_click("meeting_next")
        return None

    def click_done(self) -> None:
        expected = self.run.expected
        with expected.lock:
            mine = [r for r in expected.reminders if r["team"] == self.team.channel_id]
            reminder = self.rng.choice(mine) if mine else None
            if reminder is not None:
                expected.reminders.remove(reminder)
        if reminder is None:
            return self.thread_message()
        clicks = 2 if self.rng.random() < 0.2 else 1
        for _ in range(clicks):
            answer = timed(self.lat, "click commitment_done", lambda: self.slack.block_actions(
                [{"action_id": "commitment_done", "block_id": "commitment_reminder", "value": reminder["value"]}],
                user_id=reminder["owner"], channel_id=reminder["channel"], message=reminder["message"]))
            if answer is not None:
                with expected.lock:
                    expected.done_clicked.add(reminder["token"])
        return None

    # events
    def deliver(self, kind: str, event: dict[str, Any]) -> bool:
        expected = self.run.expected
        event_id = f"EvMX{self.slot:02d}{unique_ts().replace('.', '')}"
        answer = timed(self.lat, f"event {kind}", lambda: self.slack.event(event, event_id=event_id))
        with expected.lock:
            if answer is None:
                expected.events_failed += 1
            else:
                expected.events_ok.add(event_id)
        if answer is not None and self.rng.random() < 0.1:  # Slack's retry of the same delivery
            timed(self.lat, "event retry (same event_id)",
                  lambda: self.slack.event(event, event_id=event_id, retry_num=1))
            with expected.lock:
                expected.retries_sent += 1
        return answer is not None

    def channel_message(self) -> None:
        self.deliver("message (channel)", {"type": "message", "channel": self.team.channel_id, "user": self.user,
                                           "text": self.rng.choice(CHANNEL_TALK), "ts": unique_ts(),
                                           "channel_type": "channel"})

    def thread_message(self) -> None:
        thread = self.team.meeting_ts
        if thread is None:
            return self.channel_message()
        weights = [10] * (len(THREAD_TALK) - 1) + [1]  # drift now and then
        if self.deliver("message (thread)", {"type": "message", "channel": self.team.channel_id, "user": self.user,
                                             "text": self.rng.choices(THREAD_TALK, weights)[0], "ts": unique_ts(),
                                             "thread_ts": thread, "channel_type": "channel"}):
            with self.run.expected.lock:
                self.run.expected.thread_events_ok[thread] += 1
        return None

    def home_opened(self) -> None:
        event = {"type": "app_home_opened", "user": self.user, "channel": "D" + self.user[1:], "tab": "home"}
        if self.deliver("app_home_opened", event):
            with self.run.expected.lock:
                self.run.expected.home_opens_ok += 1


def uploader(run: Run, per_minute: float) -> None:
    """`per_minute` uploads, each its own assessment, by a random teacher of the next team; while `run.warming`
    is set, one every 3 s until every job worker has run one (its first upload imports pandas and matplotlib)."""
    emulator, expected = run.deployment.emulator, run.expected
    rng = random.Random(99)
    slack = sender(run.servers[0], emulator)
    for number in itertools.count(1):
        pause = 60.0 / per_minute
        if run.warming.is_set() and run.workers_with_uploads() < run.job_workers:
            pause = 3.0
        if run.stop.wait(pause if number > 1 else 2.0):
            return
        assert slack.session is not None
        slack.session.close()  # idle for longer than REUSE_IDLE_S: a new connection
        team = run.teams[number % len(run.teams)]
        teacher = rng.choice(team.members)
        view = open_modal(slack, run.watcher, "upload", teacher, team.channel_id, run.latencies, "/plc upload")
        if view is None:
            with expected.lock:
                expected.modals_missing["assessment_upload"] += 1
            continue
        name = f"{UPLOAD_PREFIX} {next(expected.uploads_sent)}"
        file = emulator.add_file(f"load-{number}.csv", results_csv(number, rng=rng), user_id=teacher)
        values = values_for(view, {"upload_file": [file], "upload_name": name,
                                   "upload_date": datetime.now(UTC).date().isoformat()})

        def submit(view: dict[str, Any] = view, values: dict[str, Any] = values, teacher: str = teacher) -> Any:
            return slack.view_submission(view, values, user_id=teacher)

        if timed(run.latencies, "submit assessment_upload", submit, accept_empty) is not None:
            with expected.lock:
                expected.uploads[name] = teacher


# --------------------------------------------------------------------------- set-up


def setup_teams(run: Run, count: int) -> None:
    deployment, watcher = run.deployment, run.watcher
    emulator = deployment.emulator
    zone = team_zone(datetime.now(UTC))
    admin = sender(run.servers[0], emulator)
    for number in range(1, count + 1):
        members = add_teachers(emulator, TEACHERS_PER_TEAM, first=(number - 1) * TEACHERS_PER_TEAM + 1)
        channel = f"C0MIX{number:04d}"
        emulator.add_channel(channel, f"plc-team-{number}")
        team = TeamState(channel, f"Grade {number} Math PLC", members, zone)
        register_team(admin, watcher, team, members[0])
        run.teams.append(team)
    # Every team's meeting at the next whole minute at least 20 s away, in the team's time: the scheduler posts it.
    local = datetime.now(ZoneInfo(zone)) + timedelta(seconds=20)
    start = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    for team in run.teams:
        view = open_modal(admin, watcher, "schedule", team.members[0], team.channel_id)
        if view is None:
            raise SetupError("/plc schedule opened no modal")
        answers = {"schedule_weekdays": [str(start.weekday())], "schedule_start_time": start.strftime("%H:%M"),
                   "schedule_duration": str(MEETING_MINUTES), "schedule_recurrence": "weekly",
                   "schedule_first_date": start.date().isoformat(), "schedule_timezone": zone}
        reply = admin.view_submission(view, values_for(view, answers), user_id=team.members[0])
        if reply.status_code != 200 or reply.text != "":
            raise SetupError(f"the schedule form was refused: {reply.status_code} {reply.text[:300]!r}")
    progress(f"{count} teams of {TEACHERS_PER_TEAM} registered ({zone}); their meetings start at "
             f"{start:%H:%M} team time")


def start_meetings(run: Run, timeout: float) -> bool:
    """Wait for the scheduler's meeting messages; a second after each appears, two members press its Start
    button at the same moment (through both servers), as happens in a room; keep the started message. False
    when a meeting is not posted or not started in time."""
    emulator = run.deployment.emulator
    pressers = [sender(server, emulator) for server in run.servers]
    deadline = time.monotonic() + timeout
    for team in run.teams:
        def posted(team: TeamState = team) -> dict[str, Any] | None:
            return next((m for m in emulator.messages(team.channel_id) if m.get("text", "").startswith("PLC meeting:")
                         and "thread_ts" not in m), None)

        message = wait_until(posted, max(0.0, deadline - time.monotonic()), every=0.5)
        if message is None:
            progress(f"  {team.channel_id}: no meeting message from the scheduler")
            return False
        time.sleep(1.0)
        controls = next(b for b in message["blocks"] if b.get("block_id") == "meeting_controls")
        value = controls["elements"][0]["value"]
        before = run.deployment.rows("SELECT status, message_ts FROM meetings WHERE id = :id", id=int(value))
        together = threading.Barrier(len(pressers))

        def press(slack: SlackRequestSender, user: str, message: dict[str, Any] = message, value: str = value,
                  team: TeamState = team, together: threading.Barrier = together) -> None:
            together.wait(timeout=10)
            if slack is not pressers[0]:
                time.sleep(random.uniform(0.0, 0.05))  # "at the same moment": within 50 ms of each other
            timed(run.latencies, "click meeting_start", lambda: slack.block_actions(
                [{"action_id": "meeting_start", "block_id": "meeting_controls", "value": value}],
                user_id=user, channel_id=team.channel_id, message=message))

        threads = [threading.Thread(target=press, args=(slack, team.members[i])) for i, slack in enumerate(pressers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=40)

        def started(team: TeamState = team, ts: str = message["ts"]) -> dict[str, Any] | None:
            current = next((m for m in emulator.messages(team.channel_id) if m["ts"] == ts), None)
            return current if current and "meeting_next" in json.dumps(current.get("blocks")) else None

        current = wait_until(started, 30, every=0.3)
        if current is None:
            after = run.deployment.rows("SELECT status, message_ts FROM meetings WHERE id = :id", id=int(value))
            progress(f"  {team.channel_id}: Start did not update meeting {value}'s message (ts {message['ts']}); "
                     f"its row (status, message_ts) was {before} at the click and {after} 30 s later")
            return False
        team.meeting_value, team.meeting_message = value, current
        team.meeting_ts = message["ts"]
    return True


def watch_reminders(run: Run) -> None:
    """Due-date reminder DMs the scheduler posts become clickable for the clients."""
    owners = {member: team.channel_id for team in run.teams for member in team.members}

    def seen(call: RecordedCall) -> None:
        if call.method != "chat.postMessage" or not call.ok:
            return
        if "commitment_reminder" not in str(call.args.get("blocks")):
            return
        token = TOKEN.search(str(call.args.get("text")))
        blocks = call.args.get("blocks") or []
        actions = next((b for b in blocks if isinstance(b, dict) and b.get("block_id") == "commitment_reminder"), None)
        owner = str(call.args.get("channel"))
        if token is None or actions is None or owner not in owners:
            return
        value = next(e["value"] for e in actions["elements"] if e["action_id"] == "commitment_done")
        response = call.response if isinstance(call.response, dict) else {}
        message = {"type": "message", "ts": response.get("ts"), "text": call.args.get("text"), "blocks": blocks}
        with run.expected.lock:
            run.expected.reminders.append({"team": owners[owner], "owner": owner, "token": token[0], "value": value,
                                           "channel": response.get("channel"), "message": message})

    run.watcher.on_call(seen)


# --------------------------------------------------------------------------- effects


def count_effects(run: Run) -> dict[str, Any]:
    """Compare what the emulator received with what the clients did."""
    emulator, expected, deployment = run.deployment.emulator, run.expected, run.deployment
    calls = emulator.calls
    posts = [c for c in calls if c.method == "chat.postMessage" and c.ok]
    announced: Counter = Counter()
    reminded: Counter = Counter()
    completed: Counter = Counter()
    parked: Counter = Counter()
    shared: Counter = Counter()
    summaries: Counter = Counter()
    nudges: Counter = Counter()
    started: Counter = Counter()
    identical: Counter = Counter()
    for call in posts:
        text, blocks = str(call.args.get("text") or ""), json.dumps(call.args.get("blocks"), sort_keys=True)
        identical[(str(call.args.get("channel")), str(call.args.get("thread_ts")), text, blocks)] += 1
        token = TOKEN.search(f"{text} {blocks}")
        if "committed to:" in text and token:
            announced[token[0]] += 1
        elif "commitment_reminder" in blocks and token:
            reminded[token[0]] += 1
        elif "completed a commitment" in text and token:
            completed[token[0]] += 1
        elif text.startswith("Parked for later") and token:
            parked[token[0]] += 1
        elif text.startswith("Reflection shared by") and token:
            shared[token[0]] += 1
        elif (summary := SUMMARY.search(text)) is not None:
            summaries[summary[1]] += 1
        if "focus_park" in blocks:
            nudges[str(call.args.get("thread_ts"))] += 1
        if text.startswith("The meeting has started"):
            started[str(call.args.get("thread_ts"))] += 1

    checks: list[dict[str, Any]] = []

    def check(name: str, wanted: dict[str, int], got: Counter) -> None:
        doubled = sum(max(0, got.get(k, 0) - n) for k, n in wanted.items()) + sum(
            n for k, n in got.items() if k not in wanted)
        missing = sum(max(0, n - got.get(k, 0)) for k, n in wanted.items())
        checks.append({"effect": name, "expected": sum(wanted.values()), "seen": sum(got.values()),
                       "doubled": doubled, "missing": missing})

    with expected.lock:
        commitments = dict(expected.commitments)
        check("commitment notice", dict.fromkeys(commitments, 1), announced)
        due_today = {t for t, c in commitments.items() if c["due_today"]}
        check("commitment reminder DM", dict.fromkeys(due_today, 1), reminded)
        check("commitment done notice", dict.fromkeys(expected.done_clicked, 1), completed)
        check("parked topic notice", dict.fromkeys(expected.parks, 1), parked)
        check("shared reflection post", {t: 1 for t, s in expected.reflections.items() if s}, shared)
        check("upload summary", dict.fromkeys(expected.uploads, 1), summaries)
        events_ok, thread_ok, home_ok = set(expected.events_ok), Counter(expected.thread_events_ok), \
            expected.home_opens_ok
        modals_missing, retries = sum(expected.modals_missing.values()), expected.retries_sent

    opened_twice = sum(n - 1 for n in run.watcher.views_open_per_trigger.values() if n > 1)
    checks.append({"effect": "modal opened per trigger", "expected": len(run.watcher.views_open_per_trigger),
                   "seen": sum(run.watcher.views_open_per_trigger.values()), "doubled": opened_twice,
                   "missing": modals_missing})
    publishes = sum(1 for c in calls if c.method == "views.publish" and c.ok)
    checks.append({"effect": "App Home publish per open", "expected": home_ok, "seen": publishes,
                   "doubled": max(0, publishes - home_ok), "missing": max(0, home_ok - publishes)})
    stored = {row[0] for row in deployment.rows("SELECT event_id FROM processed_events WHERE event_id LIKE 'EvMX%'")}
    checks.append({"effect": "event recorded (processed_events)", "expected": len(events_ok), "seen": len(stored),
                   "doubled": len(stored - events_ok), "missing": len(events_ok - stored)})
    labelled = Counter(dict(deployment.rows(
        "SELECT thread_ts, count(*) FROM focus_events WHERE thread_ts <> 'channel' GROUP BY thread_ts")))
    check_thread = {"effect": "thread message labelled once (focus_events)", "expected": sum(thread_ok.values()),
                    "seen": sum(labelled.values()),
                    "doubled": sum(max(0, labelled.get(t, 0) - n) for t, n in thread_ok.items()),
                    "missing": sum(max(0, n - labelled.get(t, 0)) for t, n in thread_ok.items())}
    checks.append(check_thread)
    check("meeting started notice (2 Start clicks at once)", {t.meeting_ts: 1 for t in run.teams if t.meeting_ts},
          started)
    checks.append({"effect": "focus nudge per thread (cooldown 10 min)", "expected": len(thread_ok),
                   "seen": sum(nudges.values()), "doubled": sum(max(0, n - 1) for n in nudges.values()),
                   "missing": 0})
    same_posts = sum(n - 1 for n in identical.values() if n > 1)
    examples = [f"{key[0]} {key[1]} {key[2][:80]!r} x{n}" for key, n in identical.items() if n > 1][:5]
    pending = deployment.scalar("SELECT count(*) FROM scheduled_notices WHERE kind = 'commitment_due' "
                                "AND status IN ('pending', 'sending') AND due_at <= :now",
                                now=datetime.now(UTC))
    jobs = {f"{kind} {state}": n for kind, state, n in deployment.rows(
            "SELECT kind, state, count(*) FROM jobs GROUP BY kind, state ORDER BY kind, state")}
    return {"checks": checks, "identical_posts": same_posts, "identical_examples": examples,
            "retries_sent": retries, "reminders_still_due": pending, "jobs": jobs,
            "doubled": sum(c["doubled"] for c in checks) + same_posts,
            "missing": sum(c["missing"] for c in checks)}


# --------------------------------------------------------------------------- the run


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with Deployment(args.database_url, args.broker_url, args.keep_logs, label="mixed") as deployment:
        progress(f"starting 2 servers, 2 workers and a scheduler: schema {deployment.schema}, queue {deployment.queue}")
        servers = [deployment.server(f"server-{i}", workers=2, threads=8) for i in (1, 2)]
        for i in (1, 2):
            deployment.worker(f"worker-{i}")
        deployment.scheduler("scheduler")
        watcher = CallWatcher(deployment.emulator).start()
        run = Run(deployment, servers, [], watcher, Expected(), Latencies(), args.think)
        clients: list[threading.Thread] = []
        try:
            setup_teams(run, args.teams)
            watch_reminders(run)
            return drive(args, run, clients)
        finally:
            run.stop.set()
            for thread in clients:
                thread.join(timeout=35)
            watcher.stop()
            progress("stopping the processes, deleting the queues, dropping the schema")


def drive(args: argparse.Namespace, run: Run, clients: list[threading.Thread]) -> dict[str, Any]:
    deployment = run.deployment
    progress(f"warm-up: {args.clients} clients (mean think {args.think} s) while the meetings start, then "
             f"{args.warmup:.0f} s more")
    for slot in range(args.clients):
        client = Client(run, slot, seed=slot)
        clients.append(threading.Thread(target=client.loop, name=f"client-{slot}", daemon=True))
    clients.append(threading.Thread(target=uploader, args=(run, args.uploads_per_minute), name="uploader",
                                    daemon=True))
    run.warming.set()
    for thread in clients:
        thread.start()
    if not start_meetings(run, timeout=150):
        raise SetupError("the scheduler did not post (or Start did not start) every team's meeting in time\n"
                         + "\n".join(deployment.log_lines("ERROR")))
    progress(f"meetings started; warming up for {args.warmup:.0f} s more (and until each job worker ran an upload)")
    run.stop.wait(args.warmup)
    wait_until(lambda: run.workers_with_uploads() >= run.job_workers, 90, every=1.0)
    run.warming.clear()
    warmup_errors = run.latencies.total_errors()
    warmup_samples = list(run.latencies.samples)

    # The measured time.
    run.latencies = Latencies()
    progress(f"measuring for {args.seconds:.0f} s")
    load_before = load_average()
    started_wall = time.time()
    series: list[tuple[float, dict[str, ProcessSample]]] = [(0.0, sample_processes(deployment.topology.processes))]
    bench_start = bench_process_sample()
    machine_start = MachineCpu.now()
    started = time.monotonic()
    while not run.stop.wait(min(args.sample_every, max(0.0, args.seconds - (time.monotonic() - started)))):
        elapsed = time.monotonic() - started
        series.append((elapsed, sample_processes(deployment.topology.processes)))
        if elapsed >= args.seconds:
            break
        figures = run.latencies.figures()
        progress(f"  {elapsed:5.0f} s: {figures.count} requests, {figures.errors} errors, p99 {ms(figures.p99)} ms")
    measured_seconds = time.monotonic() - started
    measured_window = (started_wall, time.time())
    load_after = load_average()
    measured = run.latencies
    bench_end = bench_process_sample()
    machine_end = MachineCpu.now()
    run.stop.set()
    progress("load stopped; letting the jobs and the scheduler finish")
    for thread in clients:
        thread.join(timeout=35)
    wait_until(lambda: deployment.scalar("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')") == 0,
               60, every=0.5)
    wait_until(lambda: deployment.scalar(
        "SELECT count(*) FROM scheduled_notices WHERE kind = 'commitment_due' AND status IN ('pending', 'sending') "
        "AND due_at <= :now", now=datetime.now(UTC)) == 0, 60, every=1.0)
    time.sleep(3.0)  # anything doubled would come right after
    run.watcher.poll()
    effects = count_effects(run)
    errors_logged = deployment.logs_mention(" ERROR ", "Traceback")
    acks = deployment.server_acks(*measured_window)
    volumes = {name: deployment.scalar(sql) for name, sql in (
        ("commitments", "SELECT count(*) FROM commitments"),
        ("open commitments", "SELECT count(*) FROM commitments WHERE status = 'open'"),
        ("reflections", "SELECT count(*) FROM reflections"), ("parked topics", "SELECT count(*) FROM parked_topics"),
        ("meeting notes", "SELECT count(*) FROM meeting_notes"), ("assessments", "SELECT count(*) FROM assessments"),
        ("result rows", "SELECT count(*) FROM assessment_results"), ("jobs", "SELECT count(*) FROM jobs"),
        ("processed events", "SELECT count(*) FROM processed_events"))}
    ours = sum(cpu_between(series[0][1], series[-1][1]).values()) + (bench_end.cpu_s or 0) - (bench_start.cpu_s or 0)
    share = machine_share(machine_start, machine_end, ours)
    context = {"load_average": {"before": load_before, "after": load_after}, "volumes": volumes,
               "machine_cpu": share, "machine_cpu_text": describe_share(share, measured_seconds),
               "error_lines": deployment.log_lines(" ERROR ", limit=5)}
    return report(args, run, measured, measured_seconds, series, bench_start, bench_end, effects,
                  warmup_errors, warmup_samples, errors_logged, acks, context)


def report(args: argparse.Namespace, run: Run, lat: Latencies, seconds: float,
           series: list[tuple[float, dict[str, ProcessSample]]], bench_start: ProcessSample, bench_end: ProcessSample,
           effects: dict[str, Any], warmup_errors: int, warmup_samples: list[str],
           errors_logged: dict[str, int], acks: dict[str, list[float]], context: dict[str, Any]) -> dict[str, Any]:
    kinds = lat.kinds()
    by_kind = {kind: lat.figures([kind]).__dict__ for kind in kinds}
    groups = {name: lat.figures([k for k in kinds if k.startswith(prefix)]).__dict__ for name, prefix in GROUPS}
    overall = lat.figures()
    first, last = series[0][1], series[-1][1]
    memory = {}
    for name, start in first.items():
        end = last.get(name)
        values = [s[name].rss_kib for _, s in series if name in s and s[name].pid == start.pid and s[name].rss_kib]
        memory[name] = {
            "pid": start.pid, "start_mib": round((start.rss_kib or 0) / 1024, 1),
            "end_mib": round((end.rss_kib or 0) / 1024, 1) if end and end.pid == start.pid else None,
            "max_mib": round(max(values) / 1024, 1) if values else None,
            "series_mib": [round(v / 1024) for v in values],
            "cpu_s": round((end.cpu_s or 0) - (start.cpu_s or 0), 1) if end and end.pid == start.pid else None,
            "restarted": end is None or end.pid != start.pid,
        }
    server_cpu = sum(m["cpu_s"] or 0 for name, m in memory.items() if name.startswith("server"))
    server_side = {"all": figures_of(v for k, vs in acks.items() if " " not in k for v in vs).__dict__}
    server_side.update({k: figures_of(vs).__dict__ for k, vs in sorted(acks.items()) if " " not in k})
    server_side.update({k: figures_of(vs).__dict__ for k, vs in sorted(acks.items()) if " " in k and len(vs) >= 50})
    flat = all(m["end_mib"] is not None and m["end_mib"] <= m["start_mib"] * 1.10 for m in memory.values())
    goals = [
        {"name": "errors", "value": overall.errors, "passed": overall.errors == 0},
        {"name": f"p99 ack latency < {TARGET_P99_MS:.0f} ms (all requests)", "value": round(overall.p99, 1),
         "passed": overall.p99 < TARGET_P99_MS},
        {"name": "effects doubled", "value": effects["doubled"], "passed": effects["doubled"] == 0},
        {"name": "memory flat (every process within +10 % of its start)",
         "value": f"max growth {max((m['end_mib'] or 0) - m['start_mib'] for m in memory.values()):.1f} MiB",
         "passed": flat},
    ]
    return {
        "benchmark": "mixed_load",
        "config": {"seconds": args.seconds, "clients": args.clients, "teams": args.teams, "think_s": args.think,
                   "uploads_per_minute": args.uploads_per_minute, "servers": "2 x gunicorn 2 workers x 8 threads",
                   "job_workers": "2 x 4 threads", "scheduler": 1},
        "measured_seconds": round(seconds, 1),
        "requests": overall.count, "requests_per_second": round(overall.count / seconds, 1) if seconds else None,
        "overall": overall.__dict__, "groups": groups, "by_kind": by_kind,
        "server_ack_ms": server_side,
        "server_cpu_ms_per_request": round(server_cpu * 1000 / overall.count, 2) if overall.count else None,
        **context,
        "error_samples": lat.samples, "warmup_errors": warmup_errors, "warmup_error_samples": warmup_samples,
        "effects": effects, "memory": memory,
        "bench_cpu_s": round((bench_end.cpu_s or 0) - (bench_start.cpu_s or 0), 1),
        "bench_rss_mib": round((bench_end.rss_kib or 0) / 1024),
        "log_lines": errors_logged,
        "goals": goals,
    }


def print_report(r: dict[str, Any], out: Any = sys.stdout) -> None:
    w = out.write
    c = r["config"]
    w("PLC Bot mixed load: commands, buttons, modals, events and uploads on a deployment (PostgreSQL + RabbitMQ)\n")
    w(f"deployment : {c['servers']}; {c['job_workers']} job workers; {c['scheduler']} scheduler\n")
    w(f"load       : {c['clients']} clients in {c['teams']} teams, mean think {c['think_s']} s, "
      f"{c['uploads_per_minute']} uploads/min; measured {r['measured_seconds']} s: {r['requests']} requests, "
      f"{r['requests_per_second']} req/s\n")
    w(f"machine    : load average (1, 5, 15 min) {r['load_average']['before']} at the start, "
      f"{r['load_average']['after']} at the end of the measured time (runnable threads, the bench's own included)\n")
    w(f"  CPU during the measured time: {r['machine_cpu_text']}\n\n")
    w(f"{'requests':<40}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}\n")

    def row(name: str, f: dict[str, Any]) -> None:
        w(f"{name:<40}{f['count']:>7}{f['errors']:>8}{ms(f['p50']):>9}{ms(f['p99']):>9}{ms(f['max']):>9}\n")

    row("all", r["overall"])
    for name, figures in r["groups"].items():
        row(f"  {name}", figures)
    w("\n")
    for name, figures in r["by_kind"].items():
        row(f"  {name}", figures)
    for sample in r["error_samples"]:
        w(f"  error: {sample}\n")
    w(f"\nas the servers log it (ack_ms: from the gateway's call to Bolt's answer; no queueing before it); "
      f"server CPU {r['server_cpu_ms_per_request']} ms per request:\n")
    for name, figures in r["server_ack_ms"].items():
        row(f"  {name}", figures)
    if r["warmup_errors"]:
        w(f"  (warm-up errors: {r['warmup_errors']}: {r['warmup_error_samples'][:3]})\n")
    e = r["effects"]
    w(f"\neffects (doubled {e['doubled']}, missing {e['missing']}):\n")
    w(f"  {'effect':<46}{'expected':>9}{'seen':>7}{'doubled':>9}{'missing':>9}\n")
    for check in e["checks"]:
        w(f"  {check['effect']:<46}{check['expected']:>9}{check['seen']:>7}{check['doubled']:>9}"
          f"{check['missing']:>9}\n")
    w(f"  identical posts (same channel, thread, text and blocks twice): {e['identical_posts']}\n")
    for example in e["identical_examples"]:
        w(f"    {example}\n")
    w(f"  event retries sent: {e['retries_sent']}; reminders due but unsent at the end: {e['reminders_still_due']}\n")
    w(f"  jobs: {e['jobs']}\n")
    w(f"  log lines: {r['log_lines']}\n")
    for line in r["error_lines"]:
        w(f"    {line[:200]}\n")
    w(f"  stored at the end: {r['volumes']}\n")
    w("\nmemory (RSS MiB) and CPU over the measured time, by process:\n")
    w(f"  {'process':<22}{'pid':>8}{'start':>7}{'end':>7}{'max':>7}{'cpu s':>8}   samples\n")
    for name, m in r["memory"].items():
        end = "gone" if m["end_mib"] is None else f"{m['end_mib']:.0f}"
        w(f"  {name:<22}{m['pid']:>8}{m['start_mib']:>7.0f}{end:>7}{mib((m['max_mib'] or 0) * 1024):>7}"
          f"{(m['cpu_s'] if m['cpu_s'] is not None else float('nan')):>8.1f}   {' '.join(map(str, m['series_mib']))}\n")
    w(f"  {'bench (clients+emulator)':<30}{'':>7}{r['bench_rss_mib']:>7}{'':>7}{r['bench_cpu_s']:>8.1f}\n")
    w("\ngoals\n")
    for goal in r["goals"]:
        w(f"  {'MET   ' if goal['passed'] else 'MISSED'}  {goal['name']:<56} {goal['value']}\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.mixed_load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="measured seconds (default 180)")
    parser.add_argument("--clients", type=int, default=64, help="client threads (default 64)")
    parser.add_argument("--teams", type=int, default=8, help="teams of 12 teachers (default 8)")
    parser.add_argument("--think", type=float, default=0.5, help="mean think time between actions, s (default 0.5)")
    parser.add_argument("--uploads-per-minute", type=float, default=4.0, help="uploads per minute (default 4)")
    parser.add_argument("--warmup", type=float, default=20.0, help="least warm-up seconds (default 20)")
    parser.add_argument("--sample-every", type=float, default=15.0, help="seconds between memory samples")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL (a schema is made in it)")
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL, help="RabbitMQ")
    parser.add_argument("--keep-logs", type=Path, help="copy the processes' logs into this directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 5 <= args.seconds <= 3600:
        parser.error("--seconds must be 5..3600")
    if not 1 <= args.clients <= 256 or not 1 <= args.teams <= 16:
        parser.error("--clients must be 1..256 and --teams 1..16")
    if not 0.01 <= args.think <= 60 or not 0 < args.uploads_per_minute <= 60 or not 1 <= args.sample_every <= 600:
        parser.error("--think must be 0.01..60 s, --uploads-per-minute 0..60, --sample-every 1..600")
    if not 0 <= args.warmup <= 600:
        parser.error("--warmup must be 0..600")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(parse_args(argv), measure, print_report)


if __name__ == "__main__":
    sys.exit(main())
