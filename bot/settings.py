"""Settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SUPPORTED_LANGUAGES = ("en", "tr")
SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///data/plc-bot.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

RunMode = Literal["http", "socket", "scheduler", "worker", "offline"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the settings: a catalog key and its parameters."""

    key: str
    name: str
    value: str = ""


class SettingsError(Exception):
    """Raised when settings cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem], language: str = "en") -> None:
        super().__init__(", ".join(p.name for p in problems))
        self.problems = problems
        self.language = language


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to run, already validated for format."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    default_language: str = "en"
    log_level: str = "INFO"
    max_upload_bytes: int = 20 * 1024 * 1024
    # The job queue's broker (amqp:// RabbitMQ, redis:// Redis); unset: jobs run in this process.
    broker_url: str | None = None
    job_threads: int = 4
    job_queue: str = "plc"  # the broker queue's name: one per deployment sharing a broker
    job_retries: int = 4  # tries after the first, with backoff from job_backoff_ms doubling up to 30 s
    job_backoff_ms: int = 1000
    # PLC_ENCRYPTION_KEY: Fernet keys, the first encrypts and all decrypt; never in a repr or a log line.
    encryption_keys: tuple[str, ...] = field(default=(), repr=False)

    @property
    def oauth_enabled(self) -> bool:
        """True when the app installs into many workspaces through Slack's OAuth flow."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def socket_mode_available(self) -> bool:
        return bool(self.slack_app_token)

    def check_ready(self, mode: RunMode) -> None:
        """Raise SettingsError naming every setting that `mode` needs and does not have."""
        problems: list[Problem] = []
        if mode == "http" and not self.slack_signing_secret:
            problems.append(Problem("settings.not_set", "SLACK_SIGNING_SECRET"))
        if mode == "socket" and not self.slack_app_token:
            problems.append(Problem("settings.not_set", "SLACK_APP_TOKEN"))
        if mode != "offline" and not self.oauth_enabled and not self.slack_bot_token:
            problems.append(Problem("settings.not_set", "SLACK_BOT_TOKEN"))
        if mode == "worker" and not self.broker_url:
            problems.append(Problem("settings.worker_needs_broker", "PLC_BROKER_URL"))
        if problems:
            raise SettingsError(problems, self.default_language)


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env") -> Settings:
    """Build Settings from `environ` (default: os.environ) over the values of `env_file`.

    Variables already in the environment win over the file. Every malformed value is
    reported at once in a SettingsError.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        return _blank_to_none(values.get(name))

    problems: list[Problem] = []

    language = (get("PLC_DEFAULT_LANGUAGE") or "en").lower()
    if language not in SUPPORTED_LANGUAGES:
        problems.append(Problem("settings.bad_language", "PLC_DEFAULT_LANGUAGE", language))
        language = "en"

    bot_token = get("SLACK_BOT_TOKEN")
    if bot_token and not bot_token.startswith("xoxb-"):
        problems.append(Problem("settings.bad_prefix", "SLACK_BOT_TOKEN", "xoxb-"))
    app_token = get("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        problems.append(Problem("settings.bad_prefix", "SLACK_APP_TOKEN", "xapp-"))

    client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        problems.append(Problem("settings.not_set", missing))

    from storage.crypto import invalid_key_positions, parse_keys  # here, not at the top, as make_url below

    encryption_keys = parse_keys(get("PLC_ENCRYPTION_KEY"))
    for position in invalid_key_positions(encryption_keys):
        problems.append(Problem("settings.bad_encryption_key", "PLC_ENCRYPTION_KEY", str(position)))
    if client_id and client_secret and not encryption_keys:
        problems.append(Problem("settings.needs_encryption_key", "PLC_ENCRYPTION_KEY"))

    api_url = get("SLACK_API_URL") or SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        problems.append(Problem("settings.bad_url", "SLACK_API_URL", api_url))
    elif not api_url.endswith("/"):
        api_url += "/"

    database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    from sqlalchemy.engine import make_url  # here, not at the top: `plc-bot analyze` needs no database
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(database_url)
    except ArgumentError:
        problems.append(Problem("settings.bad_database_url", "DATABASE_URL"))
    else:
        # Hosted platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
        if url.drivername in ("postgres", "postgresql"):
            database_url = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        elif not url.drivername.startswith(("sqlite", "postgresql")):
            problems.append(Problem("settings.bad_database_url", "DATABASE_URL"))

    port = 3000
    raw_port = get("PORT")
    if raw_port is not None:
        if raw_port.isdigit() and 0 < int(raw_port) < 65536:
            port = int(raw_port)
        else:
            problems.append(Problem("settings.bad_port", "PORT", raw_port))

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(Problem("settings.bad_log_level", "LOG_LEVEL", log_level))
        log_level = "INFO"

    max_upload_bytes = 20 * 1024 * 1024
    raw_max = get("PLC_MAX_UPLOAD_MB")
    if raw_max is not None:
        if raw_max.isdigit() and int(raw_max) > 0:
            max_upload_bytes = int(raw_max) * 1024 * 1024
        else:
            problems.append(Problem("settings.bad_number", "PLC_MAX_UPLOAD_MB", raw_max))

    broker_url = get("PLC_BROKER_URL")
    if broker_url is not None and not broker_url.startswith(("amqp://", "amqps://", "redis://", "rediss://")):
        problems.append(Problem("settings.bad_broker_url", "PLC_BROKER_URL", broker_url.split(":", 1)[0]))
    job_threads = 4
    raw_threads = get("PLC_JOB_THREADS")
    if raw_threads is not None:
        if raw_threads.isdigit() and 0 < int(raw_threads) <= 64:
            job_threads = int(raw_threads)
        else:
            problems.append(Problem("settings.bad_number", "PLC_JOB_THREADS", raw_threads))

    job_queue = get("PLC_JOB_QUEUE") or "plc"
    if not job_queue.replace("-", "").replace("_", "").replace(".", "").isalnum() or len(job_queue) > 60:
        problems.append(Problem("settings.bad_queue_name", "PLC_JOB_QUEUE", job_queue))
    job_retries = 4
    raw_retries = get("PLC_JOB_RETRIES")
    if raw_retries is not None:
        if raw_retries.isdigit() and int(raw_retries) <= 20:
            job_retries = int(raw_retries)
        else:
            problems.append(Problem("settings.bad_number", "PLC_JOB_RETRIES", raw_retries))

    if problems:
        raise SettingsError(problems, language)

    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=app_token,
        slack_client_id=client_id,
        slack_client_secret=client_secret,
        slack_api_url=api_url,
        database_url=database_url,
        port=port,
        default_language=language,
        log_level=log_level,
        max_upload_bytes=max_upload_bytes,
        broker_url=broker_url,
        job_threads=job_threads,
        job_retries=job_retries,
        job_queue=job_queue,
        encryption_keys=encryption_keys,
    )


def configure_logging(level: str) -> None:
    """One plain format for the whole process."""
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # Bolt and slack_sdk log request bodies at DEBUG; those may hold student names.
    for noisy in ("slack_bolt", "slack_sdk", "urllib3", "alembic", "pika"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, getattr(logging, level, logging.INFO)))
