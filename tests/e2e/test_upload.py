"""Assessment uploads end to end: modal, download with the bot token, aggregates in the channel,
names only to the uploader and the facilitator, combining teachers, duplicates, replacement, deletion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.devtools.slack_requests import values_for
from storage.models import Assessment, AssessmentResult
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import wait_until

SECOND = "U0TEACH03"
OUTSIDER = "U0TEACH01"
NAME = "Unit 3 CFA"


def results_csv(rows: list[tuple[str, str, str, object, int]]) -> bytes:
    lines = ["student,item,standard,score,max points"]
    lines += [f"{s},{i},{st},{sc},{m}" for s, i, st, sc, m in rows]
    return ("\n".join(lines) + "\n").encode()


MARIA_CSV = results_csv([
    ("Zeynep Kaya", "Q1", "4.NF.1", 2, 2), ("Zeynep Kaya", "Q2", "4.NF.2", 2, 2),
    ("Oliver Smith", "Q1", "4.NF.1", 0, 2), ("Oliver Smith", "Q2", "4.NF.2", 1, 2),
    ("Amelia Jones", "Q1", "4.NF.1", "", 2), ("Amelia Jones", "Q2", "4.NF.2", "", 2),
])
JAMES_CSV = results_csv([
    ("Liam Brown", "Q1", "4.NF.1", 2, 2), ("Liam Brown", "Q2", "4.NF.2", 1, 2),
    ("Emma Davis", "Q1", "4.NF.1", 1, 2), ("Emma Davis", "Q2", "4.NF.2", 0, 2),
])
STUDENTS = ("Zeynep Kaya", "Oliver Smith", "Amelia Jones", "Liam Brown", "Emma Davis")


def open_upload(app: RunningApp, user_id: str) -> dict[str, Any]:
    before = len(app.emulator.calls_to("views.open"))
    reply = app.slack.slash_command("/plc", "upload", user_id=user_id, channel_id=CHANNEL)
    assert reply.status_code == 200
    view = app.emulator.wait_for("views.open", count=before + 1)[-1].response["view"]
    assert view["callback_id"] == "assessment_upload"
    return view


def upload(app: RunningApp, user_id: str, content: bytes, filename: str = "results.csv", name: str = NAME,
           **extra: Any):
    file = app.emulator.add_file(filename, content, user_id=user_id)
    view = open_upload(app, user_id)
    answers = {"upload_file": [file], "upload_name": name, "upload_date": "2026-11-20", **extra}
    return app.slack.view_submission(view, values_for(view, answers), user_id=user_id)


def channel_posts(app: RunningApp) -> list[dict[str, Any]]:
    return [m for m in app.emulator.messages(CHANNEL) if not m.get("ephemeral_to") and not m.get("upload")]


def ephemerals(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    return [m for m in app.emulator.messages(CHANNEL) if m.get("ephemeral_to") == user_id]


def summary_after(app: RunningApp, count: int) -> str:
    return wait_until(lambda: next((m["text"] for m in channel_posts(app)[count:] if NAME in m["text"]), None))


def wait_for_dms(app: RunningApp, count: int) -> None:
    """The facilitator's DM is the last thing an accepted upload does."""
    wait_until(lambda: True if len([m for m in app.emulator.messages(FACILITATOR) if NAME in m["text"]]) >= count
               else None)


def result_rows(app: RunningApp) -> int:
    with app.plc.services.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AssessmentResult)) or 0)


def test_upload_shares_aggregates_and_sends_names_only_privately(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    reply = upload(app, SECOND, JAMES_CSV)
    assert reply.status_code == 200 and reply.text == ""

    download = app.emulator.wait_for("file_download")[-1]
    assert download.token == app.emulator.bot_token
    summary = summary_after(app, posts)
    assert "Students: 2" in summary and "4.NF.1: 75.0%" in summary and f"<@{SECOND}>: 2 students" in summary
    assert not any(student in summary for student in STUDENTS)

    chart = app.emulator.wait_for("files.completeUploadExternal")[-1]
    assert chart.args["channel_id"] == CHANNEL
    uploads = app.emulator.calls_to("upload")
    assert uploads[-1].args["data"].startswith(b"\x89PNG")

    own = wait_until(lambda: next(iter(ephemerals(app, SECOND)), None))["text"]
    assert "Intervention* (below 70%): Emma Davis" in own  # Liam (75%) is on track: not listed
    dm = wait_until(lambda: next((m["text"] for m in app.emulator.messages(FACILITATOR) if NAME in m["text"]), None))
    assert "Emma Davis" in dm
    for message in app.emulator.messages(CHANNEL):
        if not message.get("ephemeral_to"):
            assert not any(student in (message.get("text") or "") for student in STUDENTS)

    # A second teacher's file is combined with the first.
    posts = len(channel_posts(app))
    upload(app, FACILITATOR, MARIA_CSV)
    combined = summary_after(app, posts)
    assert "Students: 4 · with no scored item: 1" in combined
    assert f"<@{SECOND}>: 2 students" in combined and f"<@{FACILITATOR}>: 2 students" in combined
    own = wait_until(lambda: next((m["text"] for m in ephemerals(app, FACILITATOR) if NAME in m["text"]), None))
    assert "Oliver Smith" in own and "Amelia Jones" in own and "Emma Davis" not in own
    assert result_rows(app) == 10
    frame = app.plc.services.assessments.team_results(1, NAME)
    assert set(frame["teacher"]) == {SECOND, FACILITATOR}

    # The same file again changes nothing.
    posts = len(channel_posts(app))
    upload(app, FACILITATOR, MARIA_CSV)
    assert "uploaded the same file again" in summary_after(app, posts)
    assert result_rows(app) == 10

    # A corrected file replaces that teacher's rows.
    posts = len(channel_posts(app))
    upload(app, FACILITATOR, results_csv([("Zeynep Kaya", "Q1", "4.NF.1", 2, 2)]))
    replaced = summary_after(app, posts)
    assert "were replaced" in replaced and f"<@{FACILITATOR}>: 1 student," in replaced
    wait_for_dms(app, 3)
    assert result_rows(app) == 5

    listing = app.slack.slash_command("/plc", "data", user_id=SECOND, channel_id=CHANNEL).json()["text"]
    assert NAME in listing and "5 rows" in listing


def test_a_bad_file_is_explained_to_the_uploader_and_nothing_is_stored(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    upload(app, SECOND, results_csv([("Liam Brown", "Q1", "4.NF.1", 5, 2)]), filename="bad.csv")
    message = wait_until(lambda: next(iter(ephemerals(app, SECOND)), None))["text"]
    assert "bad.csv" in message and "row 2" in message and '"score"' in message and "above the maximum" in message
    assert result_rows(app) == 0
    with app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
    assert not any(NAME in m["text"] for m in channel_posts(app))


def test_the_form_requires_a_file_and_a_name(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    view = open_upload(app, SECOND)
    body = app.slack.view_submission(view, values_for(view, {"upload_name": "  "}), user_id=SECOND).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"upload_file", "upload_name"}
    assert app.emulator.calls_to("file_download") == []


def test_data_delete_removes_every_row_and_only_for_allowed_people(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    upload(app, SECOND, JAMES_CSV)
    summary_after(app, posts)
    wait_for_dms(app, 1)
    assert result_rows(app) == 4

    refused = app.slack.slash_command("/plc", f"data delete {NAME}", user_id=OUTSIDER, channel_id=CHANNEL).json()
    assert "only the team's facilitator" in refused["text"]
    assert result_rows(app) == 4

    missing = app.slack.slash_command("/plc", "data delete Nope", user_id=SECOND, channel_id=CHANNEL).json()
    assert "no assessment named" in missing["text"]

    done = app.slack.slash_command("/plc", f"data delete {NAME}", user_id=SECOND, channel_id=CHANNEL).json()
    assert "were deleted" in done["text"]
    assert result_rows(app) == 0
    with app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
    empty = app.slack.slash_command("/plc", "data", user_id=SECOND, channel_id=CHANNEL).json()
    assert "no assessment results yet" in empty["text"]


def test_during_a_meeting_the_summary_and_chart_go_to_its_thread(running_app: RunningApp) -> None:
    from datetime import UTC, datetime

    register_team(running_app)
    team = running_app.plc.services.teams.find(running_app.emulator.team_id, CHANNEL)
    meeting = running_app.plc.services.meetings.open_meeting(team.id, datetime(2026, 11, 24, 20, 30, tzinfo=UTC),
                                                             45, "en")
    running_app.plc.services.meetings.attach_message(meeting.id, CHANNEL, "1764000000.000100")
    upload(running_app, FACILITATOR, MARIA_CSV)
    summary = wait_until(lambda: next((c.args for c in running_app.emulator.calls_to("chat.postMessage")
                                       if NAME in c.args.get("text", "")), None))
    assert summary["thread_ts"] == "1764000000.000100"
    chart = running_app.emulator.wait_for("files.completeUploadExternal")[0]
    assert chart.args.get("thread_ts") == "1764000000.000100"


def test_a_file_over_the_size_limit_is_refused_without_downloading(running_app: RunningApp) -> None:
    register_team(running_app)
    big = MARIA_CSV + b"#" * (running_app.plc.settings.max_upload_bytes + 1)
    upload(running_app, FACILITATOR, big, filename="huge.csv")
    message = wait_until(lambda: next((m["text"] for m in ephemerals(running_app, FACILITATOR)), None))
    assert "huge.csv" in message and "20 MB" in message
    assert running_app.emulator.calls_to("file_download") == []
    assert result_rows(running_app) == 0


def test_a_file_the_host_refuses_for_good_is_explained_and_nothing_is_stored(running_app: RunningApp) -> None:
    register_team(running_app)
    running_app.emulator.fail_next("file_download", status=404)
    upload(running_app, FACILITATOR, MARIA_CSV, filename="maria.csv")
    message = wait_until(lambda: next((m["text"] for m in ephemerals(running_app, FACILITATOR)), None))
    assert "maria.csv" in message and "could not fetch" in message.lower()
    assert len(running_app.emulator.calls_to("file_download")) == 1  # refused for good: not tried again
    assert result_rows(running_app) == 0
    with running_app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_a_download_that_fails_once_is_tried_again_and_shared_once(running_app: RunningApp) -> None:
    register_team(running_app)
    running_app.emulator.fail_next("file_download", status=500)
    upload(running_app, FACILITATOR, MARIA_CSV, filename="maria.csv")
    summary_after(running_app, 0)
    wait_for_dms(running_app, 1)
    running_app.plc.services.jobs.join()
    assert len(running_app.emulator.calls_to("file_download")) == 2
    assert len([m for m in channel_posts(running_app) if NAME in m["text"]]) == 1
    assert len(running_app.emulator.calls_to("files.completeUploadExternal")) == 1
    assert result_rows(running_app) == 6


def test_a_download_that_keeps_failing_is_given_up_and_the_uploader_told(running_app: RunningApp) -> None:
    register_team(running_app)
    retries = running_app.plc.settings.job_retries
    running_app.emulator.fail_next("file_download", status=503, times=retries + 1)
    upload(running_app, FACILITATOR, MARIA_CSV, filename="maria.csv")
    message = wait_until(lambda: next((m["text"] for m in ephemerals(running_app, FACILITATOR)), None), timeout=20)
    assert "maria.csv" in message and "please try again" in message.lower()
    assert "did not answer in time" in message  # the reason, in the team's words
    running_app.plc.services.jobs.join()
    assert len(running_app.emulator.calls_to("file_download")) == retries + 1
    assert result_rows(running_app) == 0
    assert not [m for m in channel_posts(running_app) if NAME in m["text"]]
