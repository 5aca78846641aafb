from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "s3cret"}
KEY = Fernet.generate_key().decode()
OLD_KEY = Fernet.generate_key().decode()
OAUTH = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_SIGNING_SECRET": "s"}


def test_defaults_when_only_secrets_are_given() -> None:
    settings = load_settings(GOOD, env_file=None)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert settings.default_language == "en"
    assert not settings.oauth_enabled
    settings.check_ready("http")


def test_every_malformed_value_is_reported_at_once() -> None:
    env = {"PORT": "80a", "PLC_DEFAULT_LANGUAGE": "de", "LOG_LEVEL": "loud", "SLACK_BOT_TOKEN": "xoxp-1",
           "SLACK_API_URL": "ftp://x", "DATABASE_URL": "mysql://x/y", "SLACK_CLIENT_ID": "123"}
    with pytest.raises(SettingsError) as caught:
        load_settings(env, env_file=None)
    names = sorted(p.name for p in caught.value.problems)
    assert names == sorted(["PORT", "PLC_DEFAULT_LANGUAGE", "LOG_LEVEL", "SLACK_BOT_TOKEN", "SLACK_API_URL",
                            "DATABASE_URL", "SLACK_CLIENT_SECRET"])


def test_missing_secret_for_http_and_app_token_for_socket() -> None:
    settings = load_settings({}, env_file=None)
    with pytest.raises(SettingsError) as caught:
        settings.check_ready("http")
    assert [p.name for p in caught.value.problems] == ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"]
    with pytest.raises(SettingsError) as caught:
        settings.check_ready("socket")
    assert [p.name for p in caught.value.problems] == ["SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"]


def test_oauth_needs_no_bot_token() -> None:
    settings = load_settings({**OAUTH, "PLC_ENCRYPTION_KEY": KEY}, env_file=None)
    assert settings.oauth_enabled
    settings.check_ready("http")


def test_oauth_without_an_encryption_key_is_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(OAUTH, env_file=None)
    assert [(p.key, p.name) for p in caught.value.problems] == [
        ("settings.needs_encryption_key", "PLC_ENCRYPTION_KEY")]
    with pytest.raises(SettingsError):
        load_settings({**OAUTH, "PLC_ENCRYPTION_KEY": " , "}, env_file=None)  # only blanks: no key


def test_encryption_keys_are_a_comma_separated_list_first_one_first() -> None:
    settings = load_settings({**OAUTH, "PLC_ENCRYPTION_KEY": f" {KEY} ,{OLD_KEY},"}, env_file=None)
    assert settings.encryption_keys == (KEY, OLD_KEY)
    assert KEY not in repr(settings) and OLD_KEY not in repr(settings)
    assert load_settings(GOOD, env_file=None).encryption_keys == ()  # no OAuth: no key needed


def test_every_key_that_is_not_a_fernet_key_is_named_by_position_never_quoted() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({**GOOD, "PLC_ENCRYPTION_KEY": f"not-a-key,{KEY},{KEY[:-2]}"}, env_file=None)
    problems = caught.value.problems
    assert [(p.key, p.value) for p in problems] == [("settings.bad_encryption_key", "1"),
                                                   ("settings.bad_encryption_key", "3")]
    assert all("not-a-key" not in p.value and KEY[:-2] not in p.value for p in problems)


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\nPLC_DEFAULT_LANGUAGE=tr\n")
    settings = load_settings({"PORT": "5000"}, env_file=env_file)
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.port == 5000
    assert settings.default_language == "tr"


def test_postgres_urls_get_the_psycopg_driver() -> None:
    settings = load_settings({"DATABASE_URL": "postgres://plc:pw@db.example.org/plc"}, env_file=None)
    assert settings.database_url == "postgresql+psycopg://plc:pw@db.example.org/plc"
    assert load_settings({"SLACK_API_URL": "http://127.0.0.1:9/api"}, env_file=None).slack_api_url.endswith("/api/")
