"""A bare Bolt app with one `/plc` listener: the baseline that bench.http_throughput compares against.

`wsgi` is Bolt's own WSGI adapter around a plain `slack_bolt.App`, with none of PLC Bot's
gateway, middleware, database or rendering. Run it as `python -m bench.bare_app --port P`
to serve it with exactly the gunicorn settings of `bot.server.GunicornServer`.
Reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL from the environment.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

HELP_TEXT = "PLC Bot: `/plc help`, `/plc setup`"


def build_wsgi() -> SlackRequestHandler:
    token = os.environ.get("SLACK_BOT_TOKEN") or "xoxb-bench-token"
    signing_secret = os.environ.get("SLACK_SIGNING_SECRET") or "bench-signing-secret"
    api_url = os.environ.get("SLACK_API_URL") or "https://slack.com/api/"
    app = App(
        token=token,
        signing_secret=signing_secret,
        client=WebClient(base_url=api_url, token=token),
        token_verification_enabled=False,
    )

    @app.command("/plc")
    def plc(ack: Ack) -> None:
        ack(text=HELP_TEXT)

    return SlackRequestHandler(app)


wsgi = build_wsgi()


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve `wsgi` with bot.server's gunicorn settings, so the two servers cannot drift apart."""
    from bot.server import GunicornServer
    from bot.settings import Settings

    class BareGunicornServer(GunicornServer):  # type: ignore[misc]
        def load(self) -> Any:
            return build_wsgi()  # one app per worker, built after the fork, like bot.server

    log_level = (os.environ.get("LOG_LEVEL") or "WARNING").upper()
    BareGunicornServer(Settings(log_level=log_level), host, port, workers, threads).run()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.workers, args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
