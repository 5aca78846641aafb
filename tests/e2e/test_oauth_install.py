"""The multi-workspace install flow: slack-sdk's SQLAlchemy stores in our own database, tokens encrypted."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import create_app
from bot.devtools.local_server import LocalServer
from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender
from bot.settings import SettingsError
from handlers.scheduled import client_for
from storage.crypto import SECRET_COLUMNS
from storage.installation_store import SealedInstallationStore
from tests.conftest import SIGNING_SECRET, make_settings

KEY = Fernet.generate_key().decode()


def raw_secrets(engine: object) -> dict[str, list[dict[str, str | None]]]:
    """The secret columns of Slack's installation tables exactly as the database holds them."""
    found = {}
    with engine.connect() as connection:  # type: ignore[attr-defined]
        for table, columns in SECRET_COLUMNS.items():
            rows = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")).mappings()
            found[table] = [dict(row) for row in rows]
    return found


def test_install_page_state_callback_and_then_commands_use_the_stored_token(
    emulator: SlackEmulator, database_url: str
) -> None:
    settings = make_settings(emulator, database_url, slack_bot_token=None, slack_client_id="1111.2222",
                             slack_client_secret="client-secret", encryption_keys=(KEY,))
    plc = create_app(settings)
    try:
        with LocalServer(plc.wsgi) as server:
            session = requests.Session()
            install = session.get(f"{server.url}/slack/install", timeout=5, allow_redirects=False)
            assert install.status_code in (200, 302)
            authorize_url = next(part.split('"')[0] for part in install.text.split('href="') if "authorize" in part)
            query = parse_qs(urlsplit(authorize_url.replace("&amp;", "&")).query)
            assert query["client_id"] == ["1111.2222"]
            assert set(query["scope"][0].split(",")) >= {"commands", "chat:write", "users:read"}
            state = query["state"][0]

            # The browser brings back the state cookie set by the install page (Secure, so set it by hand here).
            cookie = {"Cookie": f"slack-app-oauth-state={state}"}
            callback = session.get(f"{server.url}/slack/oauth_redirect", headers=cookie,
                                   params={"code": emulator.issue_oauth_code(), "state": state}, timeout=5)
            assert callback.status_code == 200, callback.text

            # At rest: one installation and one bot row, their tokens Fernet tokens, no Slack token anywhere.
            stored = raw_secrets(plc.services.db.engine)
            assert len(stored["slack_installations"]) == 1 and len(stored["slack_bots"]) == 1
            sealed = [stored["slack_installations"][0]["bot_token"], stored["slack_bots"][0]["bot_token"]]
            assert all(value and value.startswith("gAAAAA") for value in sealed)
            assert not [value for rows in stored.values() for row in rows for value in row.values()
                        if value and "xox" in value]
            token = Fernet(KEY).decrypt(sealed[0].encode()).decode()
            assert token.startswith("xoxb-installed-")
            assert Fernet(KEY).decrypt(sealed[1].encode()).decode() == token

            # The app's store hands the token back decrypted.
            store = plc.bolt.installation_store
            assert isinstance(store, SealedInstallationStore)
            assert store.find_bot(enterprise_id=None, team_id=emulator.team_id).bot_token == token
            assert store.find_installation(enterprise_id=None, team_id=emulator.team_id).bot_token == token
            assert client_for(plc, SimpleNamespace(workspace_id=emulator.team_id)).token == token  # the scheduler's

            reused = session.get(f"{server.url}/slack/oauth_redirect", headers=cookie,
                                 params={"code": emulator.issue_oauth_code(), "state": state}, timeout=5)
            assert reused.status_code >= 400  # a state is good for one install only

            # A command from the installed workspace is authorized with the stored bot token.
            slack = SlackRequestSender(f"{server.url}/slack/events", SIGNING_SECRET, team_id=emulator.team_id,
                                       emulator=emulator)
            reply = slack.slash_command("/plc", "setup", user_id="U0TEACH02", channel_id="C0PLC0001")
            assert reply.status_code == 200
            opened = emulator.wait_for("views.open")[0]
            assert opened.token == token
    finally:
        plc.close()


def test_an_app_with_oauth_and_no_key_is_never_built(emulator: SlackEmulator, database_url: str) -> None:
    settings = make_settings(emulator, database_url, slack_bot_token=None, slack_client_id="1111.2222",
                             slack_client_secret="client-secret")
    with pytest.raises(SettingsError) as caught:
        create_app(settings)
    assert [p.name for p in caught.value.problems] == ["PLC_ENCRYPTION_KEY"]


def test_installations_are_read_from_the_database_on_every_request(emulator: SlackEmulator, database_url: str) -> None:
    """Bolt can keep installations per process; it must not (a token re-issued through another worker
    or host counts at once)."""
    settings = make_settings(emulator, database_url, slack_bot_token=None, slack_client_id="1111.2222",
                             slack_client_secret="client-secret", encryption_keys=(KEY,))
    plc = create_app(settings)
    try:
        assert plc.bolt.oauth_flow is not None
        assert plc.bolt.oauth_flow.settings.authorize.cache_enabled is False
    finally:
        plc.close()
