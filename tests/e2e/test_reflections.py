"""Reflections and App Home end to end: signed requests in, Web API calls out through the emulator."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from bot.assessments.readers import read_results
from bot.devtools.slack_requests import values_for
from storage.models import Commitment, Reflection
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import NOW, dispatch, open_schedule, submit_schedule, wait_until

MEMBER = "U0TEACH03"
START = datetime(2026, 10, 27, 19, 30, tzinfo=UTC)
NEXT_PREVIEW = datetime(2026, 11, 2, 20, 30, tzinfo=UTC)  # 24 h before the Nov 3 meeting (standard time)


def run_meeting(app: RunningApp) -> str:
    """Set up the team, schedule it, open the Oct 27 meeting, start and end it: the thread's ts."""
    with time_machine.travel(NOW, tick=True):
        register_team(app)
        submit_schedule(app, open_schedule(app))
    dispatch(app, START)
    message = next(m for m in reversed(app.emulator.messages(CHANNEL)) if m["text"].startswith("PLC meeting:"))
    controls = next(b for b in message["blocks"] if b.get("block_id") == "meeting_controls")
    value = controls["elements"][0]["value"]
    for action_id in ("meeting_start", "meeting_end"):
        current = next(m for m in app.emulator.messages(CHANNEL) if m["ts"] == message["ts"])
        app.slack.block_actions([{"action_id": action_id, "block_id": "meeting_controls", "value": value}],
                                user_id=FACILITATOR, channel_id=CHANNEL, message=current)
        if action_id == "meeting_start":
            app.emulator.wait_for("chat.update")
    return message["ts"]


def prompts_message(app: RunningApp, thread_ts: str) -> dict:
    return wait_until(lambda: next((m for m in app.emulator.messages(CHANNEL) if m.get("thread_ts") == thread_ts
                                    and m["text"].startswith("Time to reflect")), None))


def press_reflect(app: RunningApp, message: dict, user_id: str) -> dict:
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])
    before = len(app.emulator.calls_to("views.open"))
    app.slack.block_actions([{"action_id": button["action_id"], "block_id": "reflection_prompt",
                              "value": button["value"]}], user_id=user_id, channel_id=CHANNEL, message=message)
    return app.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]


def reflect(app: RunningApp, view: dict, user_id: str, text: str, share: bool) -> None:
    answers: dict[str, object] = {"reflection_text": text}
    if share:
        answers["reflection_share"] = ["share"]
    reply = app.slack.view_submission(view, values_for(view, answers), user_id=user_id)
    assert reply.status_code == 200 and reply.text == ""


def stored(app: RunningApp) -> list[tuple[str, str, bool, int | None]]:
    with app.plc.services.db.session() as session:
        rows = session.query(Reflection).order_by(Reflection.id).all()
        return [(r.user_id, r.text, r.shared, r.meeting_id) for r in rows]


def test_meeting_end_offers_prompts_and_the_form_stores_private_and_shares_shared(running_app: RunningApp) -> None:
    app = running_app
    thread_ts = run_meeting(app)
    message = prompts_message(app, thread_ts)
    shown = str(message["blocks"])
    # The data review protocol's questions, and a Reflect button.
    assert "What did today's data tell you about your own students' learning" in shown
    assert "Reflect" in shown

    view = press_reflect(app, message, FACILITATOR)
    assert view["callback_id"] == "reflection" and view["title"]["text"] == "Your reflection"
    assert "Which instructional move will you change" in str(view["blocks"])
    share_box = next(b for b in view["blocks"] if b.get("block_id") == "reflection_share")
    assert share_box["element"]["type"] == "checkboxes" and share_box.get("optional") is True
    posts = len(app.emulator.calls_to("chat.postMessage"))
    reflect(app, view, FACILITATOR, "Only for me: I rushed the number line part.", share=False)
    confirmation = app.emulator.wait_for("chat.postEphemeral")[-1]
    assert confirmation.args["user"] == FACILITATOR and "It is private" in confirmation.args["text"]
    assert len(app.emulator.calls_to("chat.postMessage")) == posts  # nothing posted for a private one

    view = press_reflect(app, message, MEMBER)
    reflect(app, view, MEMBER, "Small groups with fraction strips worked <!here>.\nI will try it again.", share=True)
    shared = wait_until(lambda: next((c for c in app.emulator.calls_to("chat.postMessage")
                                      if "fraction strips" in str(c.args.get("blocks"))), None))
    assert shared.args["thread_ts"] == thread_ts
    assert f"<@{MEMBER}>" in str(shared.args["blocks"])
    # Quoted line by line, and the member's words cannot ping the channel.
    assert "> Small groups with fraction strips worked &lt;!here&gt;.\\n> I will try it again." in \
        str(shared.args["blocks"])
    assert not any("rushed the number line" in str(c.args) for c in app.emulator.calls_to("chat.postMessage"))

    rows = stored(app)
    meeting_id = rows[0][3]
    assert meeting_id is not None
    assert rows == [(FACILITATOR, "Only for me: I rushed the number line part.", False, meeting_id),
                    (MEMBER, "Small groups with fraction strips worked <!here>.\nI will try it again.", True,
                     meeting_id)]
    # An empty answer is refused on the form itself.
    view = press_reflect(app, message, MEMBER)
    errors = app.slack.view_submission(view, values_for(view, {"reflection_text": "  "}), user_id=MEMBER).json()
    assert errors["response_action"] == "errors" and "reflection_text" in errors["errors"]


def test_next_agenda_preview_has_a_digest_of_shared_reflections_only(running_app: RunningApp) -> None:
    app = running_app
    thread_ts = run_meeting(app)
    message = prompts_message(app, thread_ts)
    reflect(app, press_reflect(app, message, FACILITATOR), FACILITATOR, "A private worry about pacing", share=False)
    reflect(app, press_reflect(app, message, MEMBER), MEMBER, "Exit tickets show 4.NF.1 is secure now " * 8,
            share=True)
    wait_until(lambda: next((c for c in app.emulator.calls_to("chat.postMessage")
                             if "Exit tickets" in str(c.args.get("blocks"))), None))
    dispatch(app, NEXT_PREVIEW)
    preview = next(c for c in app.emulator.calls_to("chat.postMessage")
                   if c.args.get("text", "").startswith("Agenda preview"))
    blocks = str(preview.args["blocks"])
    assert "*Reflections shared since our last meeting:* 1" in blocks
    assert f"(<@{MEMBER}>)" in blocks and "Exit tickets show 4.NF.1 is secure now" in blocks
    assert "…”" in blocks  # a long reflection is quoted short
    assert "private worry" not in blocks


def test_reflect_command_log_export_and_delete(running_app: RunningApp) -> None:
    app = running_app
    thread_ts = run_meeting(app)
    message = prompts_message(app, thread_ts)
    reflect(app, press_reflect(app, message, MEMBER), MEMBER, "Someone else's thoughts", share=False)

    # /plc reflect opens the same form, about the meeting that just ended.
    before = len(app.emulator.calls_to("views.open"))
    with time_machine.travel(datetime(2026, 10, 28, 12, 0, tzinfo=UTC), tick=True):
        app.slack.slash_command("/plc", "reflect", user_id=FACILITATOR, channel_id=CHANNEL)
        view = app.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]
    assert "About the meeting of Tuesday, October 27, 3:30 PM." in str(view["blocks"])
    reflect(app, view, FACILITATOR, "Öğrenciler kesirleri sayı doğrusunda gösterdi.", share=False)
    reflect(app, press_reflect(app, message, FACILITATOR), FACILITATOR, "Shared insight about feedback",
            share=True)
    shared = wait_until(lambda: next((c for c in app.emulator.calls_to("chat.postMessage")
                                      if "Shared insight" in str(c.args.get("blocks"))), None))

    log = app.slack.slash_command("/plc", "reflect log", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert log["response_type"] == "ephemeral"
    text = str(log["blocks"])
    assert "(2 of 2)" in text
    assert text.index("Shared insight about feedback") < text.index("Öğrenciler kesirleri")  # newest first
    assert "Someone else's thoughts" not in text
    assert "· Grade 4 Math PLC · shared" in text and "· Grade 4 Math PLC · private" in text

    reply = app.slack.slash_command("/plc", "reflect export", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert "I am sending you your reflections (2) in a direct message" in reply["text"]
    app.emulator.wait_for("files.completeUploadExternal")
    complete = app.emulator.calls_to("files.completeUploadExternal")[-1]
    assert complete.args["channels"] == FACILITATOR  # a user id: the app's DM with them, nobody else
    exported = app.emulator.uploaded_files()[-1]
    content = exported["content"].decode("utf-8")
    assert exported["name"].endswith(".md") and content.startswith("# My PLC reflections")
    assert "Öğrenciler kesirleri sayı doğrusunda gösterdi." in content and "Shared insight" in content
    assert "Someone else's thoughts" not in content
    assert any(m.get("files") for m in app.emulator.messages(FACILITATOR))  # in the DM
    app.slack.slash_command("/plc", "reflect export csv", user_id=FACILITATOR, channel_id=CHANNEL)
    app.emulator.wait_for("files.completeUploadExternal", count=2)
    assert app.emulator.uploaded_files()[-1]["name"].endswith(".csv")

    # Delete one by its number (someone else's number is "not found"), then all with the confirm button.
    ids = {text: rid for rid, text in _ids(app)}
    someone_elses = ids["Someone else's thoughts"]
    other = app.slack.slash_command("/plc", f"reflect delete {someone_elses}", user_id=FACILITATOR,
                                    channel_id=CHANNEL).json()
    assert "You have no reflection #" in other["text"]
    one = app.slack.slash_command("/plc", f"reflect delete {ids['Öğrenciler kesirleri sayı doğrusunda gösterdi.']}",
                                  user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert "Deleted your reflection #" in one["text"]
    ask = app.slack.slash_command("/plc", "reflect delete", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert "Delete all your reflections (1)?" in ask["text"]
    buttons = next(b for b in ask["blocks"] if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == ["reflection_delete_all", "reflection_delete_keep"]
    app.slack.block_actions([{"action_id": "reflection_delete_all", "block_id": "reflection_delete",
                              "value": buttons[0]["value"]}], user_id=FACILITATOR, channel_id=CHANNEL)
    deleted = app.emulator.wait_for("chat.delete")[-1]
    assert deleted.args["ts"] == shared.response["ts"]  # the shared copy left the thread too
    wait_until(lambda: next((c for c in app.emulator.calls_to("response_url")
                             if "Deleted your reflections (1)." in str(c.args.get("text"))), None))
    assert [r[1] for r in stored(app)] == ["Someone else's thoughts"]
    empty = app.slack.slash_command("/plc", "reflect log", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert "You have no reflections yet." in empty["text"]


def _ids(app: RunningApp) -> list[tuple[int, str]]:
    with app.plc.services.db.session() as session:
        return [(r.id, r.text) for r in session.query(Reflection).all()]


def test_reflect_outside_a_team_channel_and_bad_words(running_app: RunningApp) -> None:
    reply = running_app.slack.slash_command("/plc", "reflect", user_id=FACILITATOR, channel_id="C0OTHER01").json()
    assert "Reflections belong to a PLC team" in reply["text"]
    log = running_app.slack.slash_command("/plc", "reflect log", user_id=FACILITATOR, channel_id="C0OTHER01").json()
    assert "You have no reflections yet." in log["text"]
    usage = running_app.slack.slash_command("/plc", "reflect frobnicate", user_id=FACILITATOR,
                                            channel_id=CHANNEL).json()
    assert "`/plc reflect log` shows your own" in usage["text"]
    bad = running_app.slack.slash_command("/plc", "reflect export pdf", user_id=FACILITATOR, channel_id=CHANNEL).json()
    assert "Markdown" in bad["text"] and "CSV" in bad["text"]
    # Outside a team's channel the log speaks the language of the member's team.
    register_team(running_app, team_language="tr")
    log = running_app.slack.slash_command("/plc", "reflect log", user_id=FACILITATOR, channel_id="C0OTHER01").json()
    assert "Henüz bir yansıtmanız yok." in log["text"]


def test_app_home_opened_publishes_the_persons_home(running_app: RunningApp) -> None:
    app = running_app
    thread_ts = run_meeting(app)
    reflect(app, press_reflect(app, prompts_message(app, thread_ts), FACILITATOR), FACILITATOR,
            "Number lines made the difference", share=False)
    services = app.plc.services
    team = services.teams.find(app.emulator.team_id, CHANNEL)
    assert team is not None
    with services.db.session() as session:
        session.add(Commitment(team_id=team.id, owner_id=FACILITATOR, created_by=FACILITATOR,
                               text="Reteach 4.NF.1 with number lines", due_on=date(2026, 10, 30), status="open",
                               postponed=0))
        session.add(Commitment(team_id=team.id, owner_id=MEMBER, created_by=MEMBER, text="James's own commitment",
                               status="open", postponed=0))
    content = (b"student,standard,item,score,max\nAyse Yilmaz,4.NF.1,Q1,1,1\nAyse Yilmaz,4.NF.2,Q2,0,1\n"
               b"Mehmet Kaya,4.NF.1,Q1,1,1\nMehmet Kaya,4.NF.2,Q2,1,1\n")
    services.assessments.store(team.id, "Fractions quiz", date(2026, 10, 26), FACILITATOR, "r.csv", content,
                               read_results(content, filename="r.csv", teacher=FACILITATOR))

    with time_machine.travel(datetime(2026, 10, 28, 12, 0, tzinfo=UTC), tick=True):
        app.slack.event({"type": "app_home_opened", "user": FACILITATOR, "channel": "D0TEACH02", "tab": "home"})
        published = app.emulator.wait_for("views.publish")[-1]
    assert published.args["user_id"] == FACILITATOR
    view = published.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) < 100
    shown = str(view["blocks"])
    assert "*Grade 4 Math PLC* · <#C0PLC0001>" in shown
    assert "Next meeting: Tuesday, November 3, 3:30 PM (America/New_York)" in shown
    assert "Reteach 4.NF.1 with number lines · Grade 4 Math PLC · due Oct 30, 2026" in shown
    assert "James's own commitment" not in shown
    assert "Number lines made the difference" in shown and "private" in shown
    assert "*Grade 4 Math PLC*: Fractions quiz (Oct 26, 2026)" in shown
    assert "2 students · intervention (below 70%): 1 · on track: 0 · extension (from 90%): 1" in shown
    assert "By standard: 4.NF.1 100% · 4.NF.2 50%" in shown
    assert "Ayse" not in shown and "Mehmet" not in shown
    assert app.emulator.views()[f"home:{FACILITATOR}"]["blocks"] == published.response["view"]["blocks"]

    # The Messages tab needs nothing; someone with no team gets the Home in their Slack language (Turkish).
    app.slack.event({"type": "app_home_opened", "user": FACILITATOR, "channel": "D0TEACH02", "tab": "messages"})
    app.slack.event({"type": "app_home_opened", "user": "U0TEACH01", "channel": "D0TEACH01", "tab": "home"})
    published = app.emulator.wait_for("views.publish", count=2)
    assert len(app.emulator.calls_to("views.publish")) == 2
    assert published[-1].args["user_id"] == "U0TEACH01"
    assert "Henüz bir PLC ekibinde değilsiniz." in str(published[-1].args["view"])
