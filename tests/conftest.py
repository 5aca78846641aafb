"""Shared fixtures: a database on every configured backend, the Slack emulator, a running app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import PlcApp, create_app
from bot.devtools.local_server import LocalServer
from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender
from bot.settings import Settings

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("PLC_TEST_DATABASE_URL") else [])


def postgres_schema_url(base_url: str, schema: str) -> str:
    """`base_url` with every connection's search_path set to `schema`."""
    url = make_url(base_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in `base_url`'s PostgreSQL, dropped afterwards: the URL whose connections use it."""
    schema = f"plc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_schema_url(base_url, "public"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_schema_url(base_url, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh schema in PLC_TEST_DATABASE_URL's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plc.sqlite3'}"
        return
    with postgres_schema(os.environ["PLC_TEST_DATABASE_URL"]) as url:
        yield url


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        running.add_user("U0TEACH01", "ayse", real_name="Ayşe Yılmaz", tz="Europe/Istanbul", locale="tr-TR")
        running.add_user("U0TEACH02", "maria", real_name="Maria Lopez", tz="America/New_York", locale="en-US")
        running.add_user("U0TEACH03", "james", real_name="James Brown", tz="America/Chicago", locale="en-US")
        running.add_channel("C0PLC0001", "grade4-math-plc")
        yield running


def make_settings(emulator: SlackEmulator, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": emulator.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": emulator.api_url,
        "database_url": database_url,
        "default_language": "en",
        "job_backoff_ms": 50,  # a job's retries come quickly in tests
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass
class RunningApp:
    """A fresh app served over HTTP on a free port, the emulator it calls, and a signed sender."""

    plc: PlcApp
    server: LocalServer
    emulator: SlackEmulator
    slack: SlackRequestSender

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
def running_app(emulator: SlackEmulator, database_url: str) -> Iterator[RunningApp]:
    plc = create_app(make_settings(emulator, database_url))
    with LocalServer(plc.wsgi) as server:
        sender = SlackRequestSender(
            f"{server.url}/slack/events", SIGNING_SECRET, team_id=emulator.team_id, emulator=emulator
        )
        yield RunningApp(plc, server, emulator, sender)
    plc.close()

