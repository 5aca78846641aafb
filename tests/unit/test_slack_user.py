"""`slack_user`: who a person is, from users.info through the real Web API client and the emulator."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.app import web_client
from bot.devtools.slack_emulator import SlackEmulator
from bot.settings import Settings
from handlers.slack_calls import slack_user, user_language


def client(emulator: SlackEmulator) -> WebClient:
    return web_client(Settings(slack_bot_token=emulator.bot_token, slack_api_url=emulator.api_url))


def test_the_person_with_their_timezone_and_locale(emulator: SlackEmulator) -> None:
    web = client(emulator)
    ayse = slack_user(web, "U0TEACH01")
    assert (ayse["id"], ayse["tz"], ayse["locale"]) == ("U0TEACH01", "Europe/Istanbul", "tr-TR")
    assert user_language(web, "U0TEACH01") == "tr" and user_language(web, "U0TEACH02") == "en"
    assert emulator.calls_to("users.info")[0].args.get("include_locale") in (True, "true", "1")


def test_no_such_person_is_nobody_and_never_raised(emulator: SlackEmulator) -> None:
    web = client(emulator)
    assert slack_user(web, "U0NOBODY1") == {} and user_language(web, "U0NOBODY1") is None
    assert slack_user(web, "U0NOBODY1", raise_transient=True) == {}  # a refusal for good is no person


@pytest.mark.parametrize("error", ["fatal_error", "ratelimited"])
def test_slack_down_is_nobody_for_a_default_but_raised_where_it_would_be_a_wrong_answer(
        emulator: SlackEmulator, error: str) -> None:
    web = client(emulator)
    emulator.fail_next("users.info", status=200, error=error)
    assert slack_user(web, "U0TEACH01") == {}  # a listener's default: the person's zone, their language
    emulator.fail_next("users.info", status=200, error=error)
    with pytest.raises(SlackApiError):  # a job is tried again; "not an admin" would be wrong
        slack_user(web, "U0TEACH01", raise_transient=True)
    assert slack_user(web, "U0TEACH01")["id"] == "U0TEACH01"  # and then it answers again


def test_a_network_failure_is_nobody_for_a_default_but_raised_where_it_would_be_a_wrong_answer() -> None:
    web = web_client(Settings(slack_bot_token="xoxb-1", slack_api_url="http://127.0.0.1:9/api/"))
    assert slack_user(web, "U0TEACH01") == {}
    with pytest.raises(OSError):
        slack_user(web, "U0TEACH01", raise_transient=True)
