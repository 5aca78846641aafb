"""The scheduler: an outbox of notices planned from meeting rules, sent when due.

- planner.py: NoticePlanner keeps each team's pending notices in line with its schedule;
- dispatcher.py: NoticeDispatcher sends due notices at most once, through the app's senders;
- pacing.py: Pacer keeps posts under Slack's per-channel and per-workspace limits;
- jobs.py: the functions APScheduler stores by reference (ids only, no app);
- runner.py: the APScheduler set-up, `run_scheduler(settings)` and `start_background(plc_app)`.

Only the light modules are imported here: web workers plan through the planner without loading
APScheduler.
"""

from bot.scheduler.dispatcher import DispatchReport, DueNotice, NoticeDispatcher
from bot.scheduler.pacing import Pacer
from bot.scheduler.planner import PLANNER_KINDS, NoticePlanner

__all__ = ["PLANNER_KINDS", "DispatchReport", "DueNotice", "NoticeDispatcher", "NoticePlanner", "Pacer"]
