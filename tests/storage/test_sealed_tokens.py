"""Slack tokens at rest (SQLite and PostgreSQL): sealed on save, opened on find, rotated, migrated."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from alembic import command
from cryptography.fernet import Fernet, InvalidToken
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, text

from bot.cli import main
from storage import migrate
from storage.crypto import SECRET_COLUMNS, Keyring, UnreadableSecret, reseal_stored_secrets
from storage.db import Database
from storage.installation_store import SealedInstallationStore

CLIENT_ID = "1111.2222"
KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))
# Token rotation's refresh tokens are long: sealed, they no longer fit slack-sdk's VARCHAR(200).
LONG = "x" * 150


def installation(number: int, team_id: str = "T0PLC0001", user_id: str = "U0INSTALL1") -> Installation:
    return Installation(
        app_id="A0PLC0001", enterprise_id=None, team_id=team_id, team_name="PLC School", user_id=user_id,
        bot_token=f"xoxb-{number}-bot", bot_id="B0BOT0001", bot_user_id="U0BOT0001", bot_scopes="commands,chat:write",
        bot_refresh_token=f"xoxe-1-{number}-{LONG}", bot_token_expires_in=43200,
        user_token=f"xoxp-{number}-user", user_scopes="users:read", user_refresh_token=f"xoxe-1-{number}-u-{LONG}",
        user_token_expires_in=43200,
        incoming_webhook_url=f"https://hooks.slack.com/services/T0PLC0001/B0HOOK{number}/abcdefghijklmnopqrstuvwx",
        incoming_webhook_channel="#grade4-math-plc", incoming_webhook_channel_id="C0PLC0001",
        incoming_webhook_configuration_url="https://plc-school.slack.com/services/B0HOOK",
        installed_at=datetime(2026, 11, number, 9, 0, tzinfo=UTC),
    )


def raw(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """Every row of Slack's installation tables, secret columns included, as the database holds it."""
    found = {}
    with engine.connect() as connection:
        for table in SECRET_COLUMNS:
            found[table] = [dict(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
                            .mappings()]
    return found


def secrets_of(rows: dict[str, list[dict[str, object]]]) -> list[str]:
    return [row[column] for table, columns in SECRET_COLUMNS.items() for row in rows[table] for column in columns
            if row[column] is not None]


def opened(value: str, key: str) -> str:
    return Fernet(key).decrypt(value.encode()).decode()


def sealed_store(engine: Engine, *keys: str) -> SealedInstallationStore:
    return SealedInstallationStore(CLIENT_ID, engine, Keyring(keys))


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    yield database
    database.dispose()


def test_saved_tokens_are_sealed_and_found_in_clear(db: Database) -> None:
    migrate.upgrade(db.engine)
    store = sealed_store(db.engine, KEY_A)
    first, second = installation(1), installation(2)
    store.save(first)
    store.save(second)  # a re-install: a new bot token

    rows = raw(db.engine)
    assert len(rows["slack_installations"]) == 2 and len(rows["slack_bots"]) == 2
    values = secrets_of(rows)
    assert len(values) == 2 * 5 + 2 * 2  # every secret column of both tables is filled, and sealed
    assert all(value.startswith("gAAAAA") for value in values)
    # No secret in clear (a sealed value is random base64, so it may hold "xox" by chance: look for the secrets).
    clear = {secret for saved in (first, second) for secret in (
        saved.bot_token, saved.bot_refresh_token, saved.user_token, saved.user_refresh_token,
        saved.incoming_webhook_url) if secret}
    assert len(clear) == 10 and not any(secret in value for value in values for secret in clear)
    assert not any("hooks.slack.com" in value for value in values)
    assert opened(rows["slack_installations"][1]["bot_refresh_token"], KEY_A) == second.bot_refresh_token
    assert opened(rows["slack_bots"][1]["bot_token"], KEY_A) == second.bot_token
    # What is not secret stays readable: the store still finds rows by team and date.
    assert rows["slack_installations"][1]["team_id"] == "T0PLC0001"
    assert rows["slack_installations"][1]["incoming_webhook_configuration_url"].startswith("https://")

    bot = store.find_bot(enterprise_id=None, team_id="T0PLC0001")
    assert (bot.bot_token, bot.bot_refresh_token) == (second.bot_token, second.bot_refresh_token)
    found = store.find_installation(enterprise_id=None, team_id="T0PLC0001")
    assert (found.bot_token, found.user_token, found.user_refresh_token, found.incoming_webhook_url) == (
        second.bot_token, second.user_token, second.user_refresh_token, second.incoming_webhook_url)
    by_user = store.find_installation(enterprise_id=None, team_id="T0PLC0001", user_id="U0INSTALL1")
    assert (by_user.bot_token, by_user.user_token) == (second.bot_token, second.user_token)
    assert store.find_bot(enterprise_id=None, team_id="T0OTHER01") is None

    # slack-sdk's own store, reading the same rows without the key, sees only ciphertext.
    plain_reader = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine)
    assert plain_reader.find_bot(enterprise_id=None, team_id="T0PLC0001").bot_token.startswith("gAAAAA")


def test_a_user_installation_gets_the_latest_bot_token_in_clear(db: Database) -> None:
    migrate.upgrade(db.engine)
    store = sealed_store(db.engine, KEY_A)
    store.save(installation(1, user_id="U0INSTALL1"))
    store.save_bot(installation(3).to_bot())  # a newer bot token, saved on its own
    found = store.find_installation(enterprise_id=None, team_id="T0PLC0001", user_id="U0INSTALL1")
    assert found.bot_token == "xoxb-3-bot"  # slack-sdk compares and copies the tokens: both in clear
    assert found.user_token == "xoxp-1-user"


def test_an_old_key_in_second_place_still_decrypts_and_rotate_reseals_with_the_first(db: Database) -> None:
    migrate.upgrade(db.engine)
    sealed_store(db.engine, KEY_A).save(installation(1))
    before = secrets_of(raw(db.engine))

    # The new key goes first; the old one still opens what it sealed, and new writes use the new key.
    rotated = sealed_store(db.engine, KEY_B, KEY_A)
    assert rotated.find_bot(enterprise_id=None, team_id="T0PLC0001").bot_token == "xoxb-1-bot"
    rotated.save(installation(2, team_id="T0OTHER01"))
    newest = raw(db.engine)["slack_bots"][1]["bot_token"]
    assert opened(newest, KEY_B) == "xoxb-2-bot"
    with pytest.raises(InvalidToken):
        opened(newest, KEY_A)

    with db.engine.begin() as connection:
        written = reseal_stored_secrets(connection, Keyring((KEY_B, KEY_A)), rotate=True)
    after = secrets_of(raw(db.engine))
    assert written == len(after) == 2 * (5 + 2)
    assert all(value.startswith("gAAAAA") for value in after)
    assert set(before).isdisjoint(after)
    assert sorted(opened(value, KEY_B) for value in after[:5]) == sorted(
        opened(value, KEY_A) for value in before[:5])

    # The old key can go now; with it alone nothing opens any more.
    only_new = sealed_store(db.engine, KEY_B)
    assert only_new.find_bot(enterprise_id=None, team_id="T0PLC0001").bot_token == "xoxb-1-bot"
    assert only_new.find_installation(enterprise_id=None, team_id="T0OTHER01").user_token == "xoxp-2-user"
    with pytest.raises(UnreadableSecret):
        sealed_store(db.engine, KEY_A).find_bot(enterprise_id=None, team_id="T0PLC0001")


def test_rotate_with_a_missing_key_changes_nothing_and_names_the_row(db: Database) -> None:
    migrate.upgrade(db.engine)
    sealed_store(db.engine, KEY_A).save(installation(1))
    before = raw(db.engine)
    with pytest.raises(UnreadableSecret) as caught, db.engine.begin() as connection:
        reseal_stored_secrets(connection, Keyring((KEY_B,)), rotate=True)
    assert (caught.value.table, caught.value.column) == ("slack_installations", "bot_token")
    assert "xox" not in str(caught.value) and "gAAAAA" not in str(caught.value)
    assert raw(db.engine) == before


def test_keys_rotate_command(db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    migrate.upgrade(db.engine)
    sealed_store(db.engine, KEY_A).save(installation(1))
    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "PLC_DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)

    monkeypatch.setenv("PLC_ENCRYPTION_KEY", f"{KEY_B},{KEY_A}")
    assert main(["keys", "rotate"]) == 0
    assert "Re-encrypted 7 stored Slack secrets with the first key" in capsys.readouterr().out
    assert sealed_store(db.engine, KEY_B).find_bot(enterprise_id=None, team_id="T0PLC0001").bot_token == "xoxb-1-bot"

    monkeypatch.setenv("PLC_ENCRYPTION_KEY", KEY_C)  # KEY_B dropped before its secrets were rotated away
    before = raw(db.engine)
    assert main(["keys", "rotate"]) == 1
    assert "slack_installations.bot_token, row 1" in capsys.readouterr().err
    assert raw(db.engine) == before


def plain_rows_at_0005(db: Database) -> dict[str, list[dict[str, object]]]:
    """A database as the previous release left it: installations stored by slack-sdk in plain text."""
    migrate.upgrade(db.engine, "0005")
    plain = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine)
    plain.save(installation(1))
    plain.save(installation(2, team_id="T0OTHER01"))
    rows = raw(db.engine)
    assert all(value.startswith(("xox", "https://")) for value in secrets_of(rows))
    return rows


def test_the_migration_encrypts_plain_rows_when_a_key_is_set(db: Database) -> None:
    before = plain_rows_at_0005(db)
    migrate.upgrade(db.engine, encryption_keys=(KEY_A,))
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    after = raw(db.engine)
    assert all(value.startswith("gAAAAA") for value in secrets_of(after))
    assert sorted(opened(value, KEY_A) for value in secrets_of(after)) == sorted(secrets_of(before))
    for table, columns in SECRET_COLUMNS.items():  # nothing else moved
        strip = [{k: v for k, v in row.items() if k not in columns} for row in before[table]]
        assert [{k: v for k, v in row.items() if k not in columns} for row in after[table]] == strip
    store = sealed_store(db.engine, KEY_A)
    assert store.find_bot(enterprise_id=None, team_id="T0OTHER01").bot_refresh_token == f"xoxe-1-2-{LONG}"
    assert store.find_installation(enterprise_id=None, team_id="T0PLC0001").user_token == "xoxp-1-user"


def test_the_migration_without_a_key_keeps_plain_rows_and_a_later_keyed_upgrade_seals_them(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    before = plain_rows_at_0005(db)
    with caplog.at_level(logging.WARNING, logger="plc_bot.migrations"):
        migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert raw(db.engine) == before  # not one value lost or changed
    assert "14 Slack secrets in slack_installations and slack_bots stay plain text" in caplog.text

    migrate.upgrade(db.engine, encryption_keys=(KEY_B, KEY_A))  # e.g. the next `plc-bot run` with a key
    assert all(value.startswith("gAAAAA") for value in secrets_of(raw(db.engine)))
    assert sealed_store(db.engine, KEY_B).find_bot(enterprise_id=None, team_id="T0PLC0001").bot_token == "xoxb-1-bot"


def test_the_migration_downgrades_to_plain_text_with_the_key(db: Database) -> None:
    before = plain_rows_at_0005(db)
    migrate.upgrade(db.engine, encryption_keys=(KEY_A,))
    config = migrate.alembic_config()
    config.attributes["encryption_keys"] = (KEY_A,)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert raw(db.engine) == before
