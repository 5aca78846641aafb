"""The multi-workspace install flow: slack-sdk's SQLAlchemy stores in our own database."""

from urllib.parse import parse_qs, urlsplit

import requests
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import select

from bot.app import create_app
from bot.devtools.local_server import LocalServer
from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender
from tests.conftest import SIGNING_SECRET, make_settings


def test_install_page_state_callback_and_then_commands_use_the_stored_token(
    emulator: SlackEmulator, database_url: str
) -> None:
    settings = make_settings(emulator, database_url, slack_bot_token=None, slack_client_id="1111.2222",
                             slack_client_secret="client-secret")
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
            store = SQLAlchemyInstallationStore(client_id="1111.2222", engine=plc.services.db.engine)
            with plc.services.db.engine.connect() as connection:
                rows = connection.execute(select(store.installations.c.bot_token)).all()
            assert len(rows) == 1 and rows[0][0].startswith("xoxb-installed-")

            reused = session.get(f"{server.url}/slack/oauth_redirect", headers=cookie,
                                 params={"code": emulator.issue_oauth_code(), "state": state}, timeout=5)
            assert reused.status_code >= 400  # a state is good for one install only

            # A command from the installed workspace is authorized with the stored bot token.
            slack = SlackRequestSender(f"{server.url}/slack/events", SIGNING_SECRET, team_id=emulator.team_id,
                                       emulator=emulator)
            reply = slack.slash_command("/plc", "setup", user_id="U0TEACH02", channel_id="C0PLC0001")
            assert reply.status_code == 200
            opened = emulator.wait_for("views.open")[0]
            assert opened.token == rows[0][0]
    finally:
        plc.close()


def test_installations_are_read_from_the_database_on_every_request(emulator: SlackEmulator, database_url: str) -> None:
    """Bolt can keep installations per process; it must not (a token re-issued through another worker
    or host counts at once)."""
    settings = make_settings(emulator, database_url, slack_bot_token=None, slack_client_id="1111.2222",
                             slack_client_secret="client-secret")
    plc = create_app(settings)
    try:
        assert plc.bolt.oauth_flow is not None
        assert plc.bolt.oauth_flow.settings.authorize.cache_enabled is False
    finally:
        plc.close()
