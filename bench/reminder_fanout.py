"""How fast due reminders go out: N reminders for N teams in N channels, all due at once.

One process dispatches them (`NoticeDispatcher.run_due`) through the app's real WebClient
(`bot.app.web_client`: slack-sdk with its rate-limit, connection and 5xx retry handlers) against the
Slack emulator, in three runs on a fresh outbox each time:

- **paced**: the Pacer at its defaults (1 message per channel per second, 20 per second per workspace);
- **unpaced**: no Pacer, to see what the dispatcher itself can do;
- **429s**: no Pacer, and the emulator answers 1 call in 100 with HTTP 429 and Retry-After: 1; the
  client waits and retries, and every reminder must still be delivered exactly once.

Prints reminders/second, total time, 429s seen, and whether every reminder arrived exactly once.
Measures only: exit status 0 whatever the figures.

    python -m bench.reminder_fanout [--reminders 2000] [--workspaces 1] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select

from bot.app import web_client
from bot.devtools.slack_emulator import SlackEmulator
from bot.scheduler.dispatcher import DueNotice, NoticeDispatcher
from bot.scheduler.pacing import Pacer
from bot.scheduler.planner import NoticePlanner
from bot.settings import Settings
from storage import migrate
from storage.db import Database
from storage.models import ScheduledNotice, Team

FAIL_EVERY = 100


@dataclass
class Run:
    name: str
    seconds: float
    sent: int
    dropped: int
    retried: int
    delivered_once: int
    delivered_twice_or_more: int
    missing: int
    rate_limited: int

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def create_teams(db: Database, count: int, workspaces: int) -> dict[int, str]:
    """`count` teams, one channel each, spread over `workspaces`; team id -> channel id."""
    now = datetime.now(UTC)
    rows = [{"id": i + 1, "workspace_id": f"T{i % workspaces:08d}", "channel_id": f"C{i:08d}", "name": f"PLC {i}",
             "subject": "", "grade_band": "", "timezone": "UTC", "language": "en", "norms": "",
             "created_by": "U0BENCH01", "default_protocol": "data_review", "role_rotation": 0,
             "role_overrides": "{}", "created_at": now, "updated_at": now} for i in range(count)]
    with db.session() as session:
        session.execute(insert(Team), rows)
    return {row["id"]: row["channel_id"] for row in rows}


def due_reminders(db: Database, team_ids: list[int]) -> None:
    """A fresh outbox: one reminder per team, due a second ago."""
    now = datetime.now(UTC)
    with db.session() as session:
        session.execute(delete(ScheduledNotice))
        session.execute(insert(ScheduledNotice), [
            {"team_id": team_id, "kind": "reminder", "occurrence_at": now + timedelta(minutes=14), "ref": 0,
             "due_at": now - timedelta(seconds=1), "expires_at": now + timedelta(hours=1), "status": "pending",
             "attempts": 0} for team_id in team_ids
        ])


def dispatch(name: str, db: Database, emulator: SlackEmulator, channels: dict[int, str], pacer: Pacer | None,
             fail_every: int = 0) -> Run:
    client = web_client(Settings(slack_bot_token=emulator.bot_token, slack_api_url=emulator.api_url,
                                 database_url=db.url))
    posts = 0

    def post(notice: DueNotice) -> None:
        nonlocal posts
        posts += 1
        if fail_every and posts % fail_every == 0:
            emulator.fail_next("chat.postMessage", 429, retry_after=1)  # this very post is answered 429 first
        client.chat_postMessage(channel=channels[notice.team_id], text=f"Reminder {notice.id}")

    due_reminders(db, list(channels))
    emulator.clear()
    dispatcher = NoticeDispatcher(db, {"reminder": post}, NoticePlanner(db), pacer)
    print(f"  {name}: dispatching {len(channels):,} reminders ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    report = dispatcher.run_due()
    seconds = time.perf_counter() - started
    calls = emulator.calls_to("chat.postMessage")
    delivered = Counter(call.args.get("text") for call in calls if call.ok)
    with db.session() as session:
        ids = list(session.scalars(select(ScheduledNotice.id)))
    expected = [f"Reminder {i}" for i in ids]
    return Run(
        name=name, seconds=seconds, sent=report.sent, dropped=report.dropped, retried=report.retried,
        delivered_once=sum(1 for text in expected if delivered[text] == 1),
        delivered_twice_or_more=sum(1 for text in expected if delivered[text] > 1),
        missing=sum(1 for text in expected if delivered[text] == 0),
        rate_limited=sum(1 for call in calls if call.status == 429),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=2000, help="reminders = teams = channels (default 2000)")
    parser.add_argument("--workspaces", type=int, default=1, help="workspaces the teams are spread over (default 1)")
    parser.add_argument("--database-url", help="an empty database to use instead of a temp SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="plc-fanout-") as tmp, SlackEmulator() as emulator:
        db = Database(args.database_url or f"sqlite:///{Path(tmp) / 'fanout.sqlite3'}")
        migrate.upgrade(db.engine)
        channels = create_teams(db, args.reminders, args.workspaces)
        paced_bound = 20.0 * args.workspaces
        print(f"paced run: about {args.reminders / paced_bound:.0f} s at {paced_bound:.0f}/s", file=sys.stderr)
        runs = [
            dispatch("paced (defaults)", db, emulator, channels, Pacer()),
            dispatch("unpaced", db, emulator, channels, None),
            dispatch(f"unpaced, 1 in {FAIL_EVERY} answered 429", db, emulator, channels, None, FAIL_EVERY),
        ]
        backend = db.engine.dialect.name
        db.dispose()
    print(f"reminder fan-out: {args.reminders:,} due reminders, {args.reminders:,} channels, "
          f"{args.workspaces} workspace(s), {backend}, real WebClient -> Slack emulator")
    print(f"{'run':<34}{'reminders/s':>12}{'total':>9}{'sent':>7}{'429s':>6}{'once':>7}{'twice+':>8}{'missing':>9}")
    for run in runs:
        print(f"{run.name:<34}{run.per_second:>12.1f}{run.seconds:>8.1f}s{run.sent:>7,}{run.rate_limited:>6}"
              f"{run.delivered_once:>7,}{run.delivered_twice_or_more:>8}{run.missing:>9}")
    print(f"paced target: at most 20/s per workspace ({paced_bound:.0f}/s here), 1/s per channel; "
          "every run: each reminder delivered exactly once")
    for run in runs:
        exact = run.delivered_once == args.reminders and not run.delivered_twice_or_more and not run.missing
        print(f"  {run.name}: {'all delivered exactly once' if exact else 'NOT exactly once'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
