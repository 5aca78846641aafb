"""`plc-bot run --http` as a deployment runs it: gunicorn, real port, real settings checks."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools.slack_emulator import SlackEmulator
from bot.devtools.slack_requests import SlackRequestSender
from tests.e2e.servers import SECRET, cli_env, gunicorn_app


def plc_bot(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_missing_secret_stops_start_up_with_a_plain_message_and_exit_2(tmp_path: Path) -> None:
    result = plc_bot("run", "--http", env=cli_env(SLACK_BOT_TOKEN="xoxb-1"), cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing touched before the settings were right


def test_every_problem_is_named_in_the_team_language(tmp_path: Path) -> None:
    env = cli_env(PLC_DEFAULT_LANGUAGE="tr", PORT="http", SLACK_BOT_TOKEN="xoxp-user-token")
    result = plc_bot("run", "--http", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "PORT 1 ile 65535 arasında" in result.stderr
    assert "SLACK_BOT_TOKEN doğru görünmüyor" in result.stderr
    assert "Traceback" not in result.stderr


def test_env_file_is_read_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\nLOG_LEVEL=chatty\n")
    result = plc_bot("run", "--http", env=cli_env(SLACK_SIGNING_SECRET="s"), cwd=tmp_path)
    assert result.returncode == 2
    assert "LOG_LEVEL must be one of" in result.stderr


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "PLC_ENCRYPTION_KEY is not set. With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
    ("tr", "PLC_ENCRYPTION_KEY ayarlanmamış. SLACK_CLIENT_ID ve SLACK_CLIENT_SECRET ayarlıyken"),
])
def test_oauth_without_an_encryption_key_stops_start_up_with_exit_2(tmp_path: Path, language: str,
                                                                     expected: str) -> None:
    env = cli_env(SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="client-secret", SLACK_SIGNING_SECRET="s",
                  PLC_DEFAULT_LANGUAGE=language)
    for command in (("run", "--http"), ("scheduler",), ("db", "upgrade")):
        result = plc_bot(*command, env=env, cwd=tmp_path)
        assert result.returncode == 2, command
        assert expected in result.stderr and "plc-bot keys new" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # no database was created, let alone written


def test_an_invalid_encryption_key_is_a_settings_error(tmp_path: Path) -> None:
    env = cli_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PLC_ENCRYPTION_KEY="hunter2")
    result = plc_bot("run", "--http", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "PLC_ENCRYPTION_KEY: key 1 of the list is not a Fernet key" in result.stderr
    assert "hunter2" not in result.stderr  # a key, even a wrong one, is never printed


def test_keys_new_prints_a_key_the_settings_accept_and_rotate_needs_one(tmp_path: Path) -> None:
    from bot.settings import load_settings

    first = plc_bot("keys", "new", env=cli_env(), cwd=tmp_path)
    second = plc_bot("keys", "new", env=cli_env(), cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0
    keys = first.stdout.strip(), second.stdout.strip()
    assert keys[0] != keys[1]
    settings = load_settings({"PLC_ENCRYPTION_KEY": ",".join(keys)}, env_file=None)
    assert settings.encryption_keys == keys
    result = plc_bot("keys", "rotate", env=cli_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "PLC_ENCRYPTION_KEY is not set" in result.stderr


def test_db_upgrade_and_manifest(tmp_path: Path) -> None:
    result = plc_bot("db", "upgrade", env=cli_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    from storage.migrate import head_revision

    assert f"Database is at revision {head_revision()}." in result.stdout
    assert (tmp_path / "data" / "plc-bot.sqlite3").exists()
    result = plc_bot("manifest", "--url", "https://plc.example.org/", env=cli_env(), cwd=tmp_path)
    assert result.returncode == 0
    assert "request_url: https://plc.example.org/slack/events" in result.stdout
    assert "socket_mode_enabled: false" in result.stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, SlackEmulator]]:
    with SlackEmulator() as emulator, gunicorn_app(tmp_path, emulator) as (url, process):
        yield url, emulator
    process.communicate(timeout=15)


def test_run_http_serves_with_gunicorn_and_logs_one_line_per_request(served: tuple[str, SlackEmulator]) -> None:
    url, emulator = served
    slack = SlackRequestSender(f"{url}/slack/events", SECRET, emulator=emulator)
    started = time.monotonic()
    reply = slack.slash_command("/plc", "help", user_id="U0TEACH02", channel_id="C0PLC0001")
    assert reply.status_code == 200
    assert time.monotonic() - started < 3
    assert "/plc setup" in reply.text
    forged = slack.post_raw("command=%2Fplc&text=help", "application/x-www-form-urlencoded", sign=False,
                            headers={"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"})
    assert forged.status_code == 401
    stale = slack.post_raw("command=%2Fplc&text=help", "application/x-www-form-urlencoded",
                           timestamp=int(time.time()) - 600)
    assert stale.status_code == 401


def test_request_log_names_the_subcommand_but_never_secrets(tmp_path: Path) -> None:
    with SlackEmulator() as emulator:
        with gunicorn_app(tmp_path, emulator, workers=1, threads=2) as (url, process):
            slack = SlackRequestSender(f"{url}/slack/events", SECRET, emulator=emulator)
            slack.slash_command("/plc", "help Ayşe Yılmaz", user_id="U0TEACH02", channel_id="C0PLC0001")
        output, _ = process.communicate(timeout=15)
    lines = [line for line in output.splitlines() if "slack request" in line]
    assert len(lines) == 1, output
    assert "kind=command name=help status=200 ack_ms=" in lines[0]
    for secret in (SECRET, emulator.bot_token, "Ayşe", "Yılmaz"):
        assert secret not in output


def test_run_starts_one_scheduler_and_stops_it(tmp_path: Path) -> None:
    with SlackEmulator() as emulator:
        with gunicorn_app(tmp_path, emulator, workers=2, threads=2) as (_url, process):
            deadline = time.monotonic() + 20
            while not (children := _scheduler_pids(process.pid)):
                assert time.monotonic() < deadline, "no scheduler process"
                time.sleep(0.2)
            time.sleep(1)  # workers have booted by now: still exactly one scheduler
            assert _scheduler_pids(process.pid) == children and len(children) == 1
        process.communicate(timeout=30)
    time.sleep(0.5)
    assert all(not Path(f"/proc/{pid}").exists() for pid in children)


def _scheduler_pids(parent: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().split(b"\0")
            ppid = int(Path(status.parent, "stat").read_text().split()[3])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"scheduler" in command:
            pids.append(int(status.parent.name))
    return pids

