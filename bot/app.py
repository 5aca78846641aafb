"""The app factory: `create_app(settings)` builds one complete, independent PLC Bot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

import handlers
from bot.jobs.health import Health
from bot.services import Services
from bot.settings import Problem, Settings, SettingsError
from bot.web import SlackHttpGateway
from handlers.commands.names import SUBCOMMANDS
from storage import migrate
from storage.crypto import Keyring
from storage.db import Database
from storage.installation_store import SealedInstallationStore

LISTENER_THREADS = 32
# Every bot scope the code needs; manifest.yml requests exactly these (a test checks it).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "channels:read",
    "groups:read",
    "channels:join",
    "channels:history",
    "groups:history",
    "files:write",
    "files:read",
)


@dataclass
class PlcApp:
    """One running PLC Bot: its Bolt app, services, and WSGI entry point."""

    settings: Settings
    bolt: App
    services: Services
    wsgi: SlackHttpGateway
    listeners: ThreadPoolExecutor
    client_for: Callable[[str], WebClient]  # a workspace's Web API client, outside a Bolt listener

    def close(self) -> None:
        self.services.jobs.stop_worker()
        self.listeners.shutdown(wait=False)
        self.services.db.dispose()


def web_client(settings: Settings) -> WebClient:
    """A Web API client on SLACK_API_URL that retries rate limits, dropped connections and 5xx."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def slack_clients(settings: Settings, bolt: App) -> Callable[[str], WebClient]:
    """The Web API client of a workspace (its own bot token when installed through OAuth), for the jobs and
    the scheduler, which have no Bolt context to take it from."""
    store = bolt.installation_store
    if not settings.oauth_enabled or store is None:
        return lambda _workspace_id: bolt.client

    def client_for(workspace_id: str) -> WebClient:
        bot = store.find_bot(enterprise_id=None, team_id=workspace_id or None)
        if bot is None:
            raise RuntimeError(f"no installation for workspace {workspace_id}")
        client = web_client(settings)
        client.token = bot.bot_token
        return client

    return client_for


def oauth_settings(settings: Settings, db: Database) -> OAuthSettings:
    """Multi-workspace install flow; installations (tokens encrypted) and states live in our own database."""
    assert settings.slack_client_id and settings.slack_client_secret and settings.encryption_keys
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=SealedInstallationStore(client_id=settings.slack_client_id, engine=db.engine,
                                                   keyring=Keyring(settings.encryption_keys)),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine),
    )


def create_app(settings: Settings, *, apply_migrations: bool = True, run_jobs: bool | None = None) -> PlcApp:
    """Build the database, services, Bolt app, listeners and job kinds for `settings`.

    `run_jobs` starts job worker threads in this process; by default only in the embedded mode
    (no PLC_BROKER_URL), where nothing else would run them. `plc-bot worker` runs them otherwise.
    """
    if settings.oauth_enabled and not settings.encryption_keys:
        # load_settings reports this too; Settings built in code must not store tokens in plain text either.
        raise SettingsError([Problem("settings.needs_encryption_key", "PLC_ENCRYPTION_KEY")], settings.default_language)
    db = Database(settings.database_url)
    if apply_migrations:
        migrate.upgrade(db.engine, encryption_keys=settings.encryption_keys)
    services = Services.build(settings, db)
    client = web_client(settings)
    bolt_logger = logging.getLogger("slack_bolt")
    if bolt_logger.level == logging.NOTSET:
        # Bolt formats debug messages (with request bodies) whenever its logger's level is unset.
        bolt_logger.setLevel(logging.WARNING)
    # Bolt runs each listener on this pool and answers Slack once the listener acks. Its default is 5
    # threads: a few listeners waiting on a slow Slack call after their ack would hold back every ack.
    # Slow work is a job; the pool only has to outnumber the quick calls that listeners still make.
    listeners = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="plc-listener")
    if settings.oauth_enabled:
        client.token = None
        bolt = App(
            signing_secret=settings.slack_signing_secret,
            client=client,
            oauth_settings=oauth_settings(settings, db),
            logger=bolt_logger,
            listener_executor=listeners,
        )
    else:
        bolt = App(
            signing_secret=settings.slack_signing_secret,
            client=client,
            logger=bolt_logger,
            listener_executor=listeners,
            # auth.test at start-up would make every worker depend on Slack being reachable.
            token_verification_enabled=False,
        )
    handlers.register_all(bolt, services)
    client_for = slack_clients(settings, bolt)
    handlers.register_jobs(services.jobs, services, client_for)
    if run_jobs if run_jobs is not None else services.jobs.in_process:
        services.jobs.start_worker(settings.job_threads)

    @bolt.error
    def log_listener_error(error: Exception) -> None:
        logging.getLogger("plc_bot.listeners").error("listener failed: %r", error, exc_info=error)

    gateway = SlackHttpGateway(bolt, db, settings.slack_signing_secret, SUBCOMMANDS,
                               health=Health(db, services.jobs))
    return PlcApp(settings=settings, bolt=bolt, services=services, wsgi=gateway, listeners=listeners,
                  client_for=client_for)
