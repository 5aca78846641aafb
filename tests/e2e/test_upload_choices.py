"""Uploads that need a choice or come without the form: a gradebook's assessment picked in a menu, and
a results file shared into the team channel with "assessment" in its message."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.devtools.slack_requests import static_select_value
from storage.models import AssessmentResult, MeetingNote
from tests.assessments.fixtures import canvas
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, open_setup, register_team, submit_setup
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import MARIA_CSV, NAME, SECOND, channel_posts, ephemerals, result_rows, upload

SELECT, BUTTON, BLOCK = "upload_choose_column", "upload_read_column", "upload_choose_column"
TITLES = ["Fractions Quiz", "Decimals Exit Ticket"]


def gradebook(tmp_path: Path) -> tuple[str, bytes]:
    path = canvas(tmp_path, two_assignments=True)
    return path.name, path.read_bytes()


def question_for(app: RunningApp, user_id: str) -> dict[str, Any]:
    return wait_until(lambda: next((m for m in ephemerals(app, user_id) if m.get("blocks")), None))


def press_read(app: RunningApp, question: dict[str, Any], user_id: str, selected: dict[str, Any] | None):
    """Press "Read this one" in the ephemeral question, as Slack sends it: the message's state in
    `state.values` (the menu's selected_option, null when nothing is chosen), no `message` object."""
    actions = next(b for b in question["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["type"] == "button")
    action = {"type": "button", "action_id": button["action_id"], "block_id": actions["block_id"],
              "text": button["text"], "value": button["value"], "style": "primary"}
    container = {"type": "message", "message_ts": question["ts"], "channel_id": CHANNEL, "is_ephemeral": True}
    state = {actions["block_id"]: {SELECT: selected or {"type": "static_select", "selected_option": None}}}
    return app.slack.block_actions([action], user_id=user_id, channel_id=CHANNEL, container=container,
                                   state_values=state)


def stored_items(app: RunningApp) -> set[tuple[str, float]]:
    with app.plc.services.db.session() as session:
        return set(session.execute(select(AssessmentResult.item, AssessmentResult.max_points).distinct()).all())


def finished(app: RunningApp, name: str, user_id: str) -> str:
    """The facilitator's DM is the last thing an accepted upload does; returns the uploader's own list."""
    wait_until(lambda: next((m for m in app.emulator.messages(FACILITATOR) if f"*{name}*" in m["text"]), None))
    return wait_until(lambda: next((m["text"] for m in ephemerals(app, user_id)
                                    if m["text"].startswith(f"*{name}*:")), None))


def summary_of(app: RunningApp, name: str, after: int = 0) -> str:
    return wait_until(lambda: next((m["text"] for m in channel_posts(app)[after:] if f"*{name}*" in m["text"]), None))


# ----------------------------------------------------------------------------- the menu of a gradebook


def test_a_gradebook_asks_which_assessment_and_the_button_reads_the_chosen_one(
        running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    filename, content = gradebook(tmp_path)
    upload(app, SECOND, content, filename=filename, upload_covers="Unit 3: decimals")

    question = question_for(app, SECOND)
    assert filename in question["text"] and "2 assessments" in question["text"] and NAME in question["text"]
    actions = next(b for b in question["blocks"] if b["type"] == "actions")
    menu = next(e for e in actions["elements"] if e["type"] == "static_select")
    assert menu["action_id"] == SELECT and actions["block_id"] == BLOCK
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [(t, t) for t in TITLES]
    button = next(e for e in actions["elements"] if e["type"] == "button")
    assert button["action_id"] == BUTTON and button["text"]["text"] == "Read this one"
    redo = json.loads(button["value"])
    assert redo == {"file": redo["file"], "name": NAME, "date": "2026-11-20", "column": None,
                    "covers": "Unit 3: decimals"}
    assert result_rows(app) == 0 and not any(NAME in m["text"] for m in channel_posts(app))
    assert len(app.emulator.calls_to("file_download")) == 1

    # Choosing in the menu is only acknowledged: Slack reports it, the button reads it.
    choice = {"type": "static_select", "action_id": SELECT, "block_id": BLOCK,
              "selected_option": menu["options"][1], "placeholder": menu["placeholder"]}
    container = {"type": "message", "message_ts": question["ts"], "channel_id": CHANNEL, "is_ephemeral": True}
    assert app.slack.block_actions([choice], user_id=SECOND, channel_id=CHANNEL, container=container).status_code == 200

    # Without a choice: a note, and the question stays.
    reply = press_read(app, question, SECOND, None)
    assert reply.status_code == 200
    note = app.emulator.wait_for("response_url")[-1].args
    assert "choose an assessment in the menu first" in note["text"] and not note.get("delete_original")
    assert note["response_type"] == "ephemeral" and note["replace_original"] is False
    assert app.emulator.calls_to("files.info") == [] and result_rows(app) == 0

    # With the second one chosen: the question goes, the file is fetched again and read.
    posts = len(channel_posts(app))
    reply = press_read(app, question, SECOND, static_select_value(TITLES[1], TITLES[1]))
    assert reply.status_code == 200
    deleted = app.emulator.wait_for("response_url", count=2)[-1]
    assert deleted.args.get("delete_original") is True
    info = app.emulator.wait_for("files.info")[-1]
    assert info.args["file"] == redo["file"]
    assert info.token == app.emulator.bot_token
    download = app.emulator.wait_for("file_download", count=2)[-1]
    assert download.token == app.emulator.bot_token and download.args["file_id"] == info.args["file"]
    summary = summary_of(app, NAME, posts)
    assert "(Nov 20, 2026)" in summary and "Students: 4 · with no scored item: 1" in summary
    assert stored_items(app) == {("Decimals Exit Ticket", 5.0)}
    assert result_rows(app) == 5  # Öztürk's blank is kept as missing
    team = app.plc.services.teams.find(app.emulator.team_id, CHANNEL)
    [listed] = app.plc.services.assessments.list(team.id)
    assert (listed.name, listed.covers) == (NAME, "Unit 3: decimals")
    own = finished(app, NAME, SECOND)
    assert "Okafor, Sam" in own and "Öztürk, Şule" in own


def test_a_long_title_is_offered_shortened_and_chosen_by_its_place(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    long_title = "Unit 3 Common Formative Assessment: Comparing Fractions with Unlike Denominators Part 2"
    assert len(long_title) > 75
    filename, content = gradebook(tmp_path)
    content = content.replace(b"Decimals Exit Ticket", long_title.encode())
    upload(app, FACILITATOR, content, filename=filename)

    question = question_for(app, FACILITATOR)
    menu = next(b for b in question["blocks"] if b["type"] == "actions")["elements"][0]
    shown = menu["options"][1]
    assert shown["value"] == "#1" and len(shown["text"]["text"]) == 75 and shown["text"]["text"].endswith("…")
    press_read(app, question, FACILITATOR, static_select_value(shown["value"], shown["text"]["text"]))
    summary_of(app, NAME)
    finished(app, NAME, FACILITATOR)
    assert stored_items(app) == {(long_title, 5.0)}


def test_a_file_that_is_gone_is_explained(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    filename, content = gradebook(tmp_path)
    upload(app, SECOND, content, filename=filename)
    question = question_for(app, SECOND)
    app.emulator.fail_next("files.info", status=200, error="file_deleted")
    press_read(app, question, SECOND, static_select_value(TITLES[0], TITLES[0]))
    replies = app.emulator.wait_for("response_url", count=1)
    assert replies[0].args.get("delete_original") is True
    # The job that reads the choice finds the file gone and tells the uploader (only them).
    told = wait_until(lambda: next((m["text"] for m in app.emulator.messages(CHANNEL)
                                    if m.get("ephemeral_to") == SECOND and "could not find that file" in m["text"]),
                                   None))
    assert "could not find that file" in told
    assert result_rows(app) == 0


# ----------------------------------------------------------------------------- files shared with a keyword


def file_share(app: RunningApp, user_id: str, text: str, file: dict[str, Any], channel: str = CHANNEL,
               thread_ts: str | None = None) -> dict[str, Any]:
    """A `message` event of subtype `file_share`, shaped as Slack sends it for message.channels."""
    ts = f"{datetime.now().timestamp():.6f}"
    event = {"type": "message", "subtype": "file_share", "text": text, "files": [file], "upload": True,
             "user": user_id, "display_as_bot": False, "ts": ts, "client_msg_id": str(uuid.uuid4()),
             "channel": channel, "event_ts": ts, "channel_type": "channel"}
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def shared_file(app: RunningApp, user_id: str, name: str = "results.csv", content: bytes = MARIA_CSV) -> dict:
    return app.emulator.add_file(name, content, user_id=user_id)


def test_a_results_file_shared_with_assessment_in_its_message_is_read(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))

    # Without the keyword, or not a results file: ignored silently.
    quiet = app.slack.event(file_share(app, FACILITATOR, "Here are my notes", shared_file(app, FACILITATOR)))
    photo = shared_file(app, FACILITATOR, "board.png", b"\x89PNG")
    app.slack.event(file_share(app, FACILITATOR, "Assessment photo", photo))
    # Slack sends a share again when the first delivery was not acknowledged in time.
    event = file_share(app, FACILITATOR, "Assessment: Unit 3 quiz", shared_file(app, FACILITATOR))
    first = app.slack.event(event, event_id="Ev0SHARE001")
    again = app.slack.event(event, event_id="Ev0SHARE001", retry_num=1)
    assert quiet.status_code == first.status_code == again.status_code == 200

    summary = summary_of(app, "Unit 3 quiz", posts)
    assert f"<@{FACILITATOR}>: 2 students" in summary and "Students: 2 · with no scored item: 1" in summary
    own = finished(app, "Unit 3 quiz", FACILITATOR)
    assert "Oliver Smith" in own and "Amelia Jones" in own
    team = app.plc.services.teams.find(app.emulator.team_id, CHANNEL)
    [info] = app.plc.services.assessments.list(team.id)
    assert info.name == "Unit 3 quiz" and info.teachers == [FACILITATOR]
    assert info.taken_on == datetime.now(ZoneInfo("America/New_York")).date()
    assert result_rows(app) == 6
    downloads = app.emulator.calls_to("file_download")
    assert len(downloads) == 1 and downloads[0].args["file_id"] == event["files"][0]["id"]
    assert downloads[0].token == app.emulator.bot_token
    assert len([m for m in channel_posts(app) if "Unit 3 quiz" in m["text"]]) == 1


def test_only_the_keyword_is_left_out_of_the_name_or_the_file_title_is_used(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    app.slack.event(file_share(app, SECOND, "ASSESSMENT", shared_file(app, SECOND, "Fractions exit ticket.csv")))
    summary_of(app, "Fractions exit ticket")
    finished(app, "Fractions exit ticket", SECOND)
    app.slack.event(file_share(app, FACILITATOR, "Unit 4 assessment - retake", shared_file(app, FACILITATOR)))
    summary_of(app, "Unit 4 retake")
    finished(app, "Unit 4 retake", FACILITATOR)


def test_a_turkish_team_picks_up_a_file_shared_with_degerlendirme(running_app: RunningApp) -> None:
    app = running_app
    app.emulator.add_channel("C0PLCTR01", "4-sinif-matematik")
    view = open_setup(app, channel_id="C0PLCTR01")
    submit_setup(app, view, team_language="tr", team_timezone="Europe/Istanbul")
    wait_until(lambda: app.plc.services.teams.find(app.emulator.team_id, "C0PLCTR01"))
    posts = len(app.emulator.messages("C0PLCTR01"))
    app.slack.event(file_share(app, FACILITATOR, "Değerlendirme: Kesirler sınavı", shared_file(app, FACILITATOR),
                               channel="C0PLCTR01"))
    summary = wait_until(lambda: next((m["text"] for m in app.emulator.messages("C0PLCTR01")[posts:]
                                       if "*Kesirler sınavı*" in m["text"] and not m.get("ephemeral_to")), None))
    assert "sonuçları" in summary and "Öğrenci: 2 · puanlanmış maddesi olmayan: 1" in summary
    wait_until(lambda: next((m for m in app.emulator.messages(FACILITATOR) if "*Kesirler sınavı*" in m["text"]), None))
    own = [m["text"] for m in app.emulator.messages("C0PLCTR01") if m.get("ephemeral_to") == FACILITATOR]
    assert any(text.startswith("*Kesirler sınavı*: sizin öğrencileriniz") for text in own)
    team = app.plc.services.teams.find(app.emulator.team_id, "C0PLCTR01")
    assert [i.name for i in app.plc.services.assessments.list(team.id)] == ["Kesirler sınavı"]
    assert app.plc.services.assessments.list(team.id)[0].taken_on == datetime.now(ZoneInfo("Europe/Istanbul")).date()


def test_a_channel_that_is_no_team_is_ignored(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    app.emulator.add_channel("C0OTHER01", "lunch")
    reply = app.slack.event(file_share(app, SECOND, "assessment", shared_file(app, SECOND), channel="C0OTHER01"))
    assert reply.status_code == 200
    # A file shared with the keyword in the team channel afterwards is the only one read.
    app.slack.event(file_share(app, SECOND, "Assessment: Unit 5", shared_file(app, SECOND)))
    summary_of(app, "Unit 5")
    finished(app, "Unit 5", SECOND)
    assert len(app.emulator.calls_to("file_download")) == 1
    assert app.emulator.messages("C0OTHER01") == []


def test_in_a_meeting_thread_a_shared_results_file_is_read_and_other_files_stay_notes(
        running_app: RunningApp) -> None:
    from datetime import UTC

    app = running_app
    register_team(app)
    team = app.plc.services.teams.find(app.emulator.team_id, CHANNEL)
    meeting = app.plc.services.meetings.open_meeting(team.id, datetime(2026, 11, 24, 20, 30, tzinfo=UTC), 45, "en")
    thread = "1764000000.000100"
    app.plc.services.meetings.attach_message(meeting.id, CHANNEL, thread)

    photo = shared_file(app, SECOND, "anchor-chart.png", b"\x89PNG")
    note_event = file_share(app, SECOND, "Our anchor chart", photo, thread_ts=thread)
    app.slack.event(note_event)
    picked = file_share(app, SECOND, "Assessment: Unit 3 quiz", shared_file(app, SECOND), thread_ts=thread)
    app.slack.event(picked)

    posted = wait_until(lambda: next((c.args for c in app.emulator.calls_to("chat.postMessage")
                                      if "*Unit 3 quiz*" in c.args.get("text", "")), None))
    assert posted["thread_ts"] == thread
    finished(app, "Unit 3 quiz", SECOND)

    def notes() -> list[str] | None:
        with app.plc.services.db.session() as session:
            found = list(session.scalars(select(MeetingNote.message_ts)))
            return found or None

    assert wait_until(notes) == [note_event["ts"]]
    with app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(MeetingNote)) == 1


def test_a_shared_gradebook_asks_the_one_who_shared_it(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    filename, content = gradebook(tmp_path)
    app.slack.event(file_share(app, SECOND, "assessment: Unit 6", shared_file(app, SECOND, filename, content)))
    question = question_for(app, SECOND)
    assert "Which one should I read as *Unit 6*?" in question["text"]
    button = next(b for b in question["blocks"] if b["type"] == "actions")["elements"][1]
    today = datetime.now(ZoneInfo("America/New_York")).date().isoformat()
    assert json.loads(button["value"]) == {"file": json.loads(button["value"])["file"], "name": "Unit 6",
                                           "date": today, "column": None, "covers": None}
    press_read(app, question, SECOND, static_select_value(TITLES[0], TITLES[0]))
    summary_of(app, "Unit 6")
    finished(app, "Unit 6", SECOND)
    assert stored_items(app) == {("Fractions Quiz", 12.0)}
