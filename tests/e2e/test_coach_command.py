"""`/plc coach` end to end: only a workspace admin (users.info's is_admin / is_owner) names or removes coaches,
of every team or of the channels listed; anyone sees the list; a coach turns the digest off; a team's setup
summary names its coaches. Signed HTTP against the Slack emulator."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, open_setup, register_team, submit_setup
from tests.e2e.test_meetings import wait_until

ADMIN, COACH, OTHER_CHANNEL = "U0ADMIN01", "U0COACH01", "C0PLC0002"


def coach(app: RunningApp, text: str, user_id: str = ADMIN, channel: str = CHANNEL) -> str:
    """The answer to `/plc coach TEXT`: the ack's text, or what was said to the response URL after it."""
    before = len(app.emulator.calls_to("response_url"))
    reply = app.slack.slash_command("/plc", f"coach {text}".strip(), user_id=user_id, channel_id=channel)
    assert reply.status_code == 200
    if reply.text:
        return str(reply.json()["text"])
    said = wait_until(lambda: next(iter(app.emulator.calls_to("response_url")[before:]), None))
    return str(said.args["text"])


def setup(app: RunningApp) -> None:
    app.emulator.add_user(ADMIN, "principal", real_name="Selin Aydın", tz="Europe/Istanbul", locale="tr-TR",
                          is_admin=True)
    app.emulator.add_user(COACH, "coach", real_name="Kim Lee", tz="America/Chicago", locale="en-US")
    register_team(app)
    app.emulator.add_channel(OTHER_CHANNEL, "grade5-math-plc")
    view = open_setup(app, channel_id=OTHER_CHANNEL)
    assert submit_setup(app, view, team_name="Grade 5 Math").text == ""


def test_only_an_admin_names_coaches_and_a_team_sees_its_own(running_app: RunningApp) -> None:
    app = running_app
    setup(app)
    assert coach(app, "", user_id=FACILITATOR).startswith("This workspace has no coaches yet.")
    assert coach(app, f"add <@{COACH}|coach>", user_id=FACILITATOR) == \
        "Only a workspace admin or owner can name or remove coaches."
    assert coach(app, f"add <@{COACH}|coach> <#C0NOTEAM|random>") == \
        "<#C0NOTEAM> is not a PLC team of this workspace: name only team channels, or none for every team."
    added = coach(app, f"add <@{COACH}|coach> <#{OTHER_CHANNEL}|grade5-math-plc>")
    assert added.startswith(f"Coach named: • <@{COACH}>: <#{OTHER_CHANNEL}> (weekly digest on)")
    listing = coach(app, "", user_id=FACILITATOR)
    assert listing.startswith(f"*Coaches* (1)\n• <@{COACH}>: <#{OTHER_CHANNEL}> (weekly digest on)")
    stored = app.plc.services.coaches.get(app.emulator.team_id, COACH)
    assert stored is not None and (stored.timezone, stored.language) == ("America/Chicago", "en")

    # The setup summary of the team the coach supports names them; the other team's does not.
    def summary(channel: str) -> list[dict[str, Any]]:
        before = len(app.emulator.messages(channel))
        view = open_setup(app, channel_id=channel)
        assert submit_setup(app, view, team_name="Grade 5 Math" if channel == OTHER_CHANNEL else "Grade 4").text == ""
        return wait_until(lambda: next((m["blocks"] for m in app.emulator.messages(channel)[before:]
                                        if m.get("blocks")), None))

    assert f"*Coaches:* <@{COACH}>" in str(summary(OTHER_CHANNEL))
    assert "*Coaches:*" not in str(summary(CHANNEL))

    assert coach(app, "digest off", user_id=COACH).startswith("Your weekly digest is off.")
    assert coach(app, "digest off", user_id=FACILITATOR) == "You are not a coach in this workspace."
    assert "(weekly digest off)" in coach(app, "", user_id=FACILITATOR)
    assert coach(app, f"remove <@{COACH}|coach>", user_id=FACILITATOR) == \
        "Only a workspace admin or owner can name or remove coaches."
    assert coach(app, f"remove <@{COACH}|coach>") == f"<@{COACH}> is no longer a coach."
    assert coach(app, f"remove <@{COACH}|coach>") == f"<@{COACH}> is not a coach."


def test_a_coach_of_every_team_in_turkish(running_app: RunningApp) -> None:
    app = running_app
    app.emulator.add_user(ADMIN, "principal", real_name="Selin Aydın", tz="Europe/Istanbul", locale="tr-TR",
                          is_owner=True)
    register_team(app, team_language="tr")
    added = coach(app, f"add <@{FACILITATOR}|maria>")
    assert added.startswith(f"Koç atandı: • <@{FACILITATOR}>: tüm ekipler (haftalık özet açık)")
    assert coach(app, f"add <@{app.emulator.bot_user_id}|plcbot>") == \
        f"<@{app.emulator.bot_user_id}> koç olamaz (bir bot ya da devre dışı bir hesap)."


def test_help_lists_coach_and_portfolio_in_both_languages(running_app: RunningApp) -> None:
    register_team(running_app, team_language="tr")
    turkish = str(running_app.slack.slash_command("/plc", "help", user_id=FACILITATOR, channel_id=CHANNEL).json())
    assert "/plc coach [add @kişi [#ekip ...]" in turkish and "/plc portfolio [pdf|md]" in turkish
    assert "kendi mesleki gelişim portfolyonuz" in turkish
    english = str(running_app.slack.slash_command("/plc", "help", user_id=FACILITATOR, channel_id="C0ELSEWHERE").json())
    assert "/plc coach [add @someone [#team ...]" in english and "/plc portfolio [pdf|md]" in english
