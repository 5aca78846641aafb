"""`/plc coach export [csv|pdf]` end to end, through signed HTTP and the Slack emulator: a workspace admin names a
coach of two of three teams, a term is seeded (tests/coaching/export_term.py, with its hand-computed truth), and
the coach gets a CSV (one row per team) or a PDF (one page per team) by DM; nobody else can ask for one."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from tests.coaching.export_term import (
    EXPORT_AT,
    FACILITATOR,
    HEADERS_EN,
    JAMES,
    SETUP_AT,
    STUDENT_NAMES,
    TEAM_1,
    TEAM_2,
    seed_term,
    typed,
)
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, open_setup, register_team, submit_setup
from tests.e2e.test_meetings import wait_until

ADMIN, COACH = "U0ADMIN01", "U0COACH01"
GRADE_5, GRADE_6 = "C0PLC0002", "C0PLC0003"


def seed(app: RunningApp, coach_locale: str = "en-US") -> None:
    """Three teams set up on Sep 1; the admin names the coach of the first two; the term of
    tests/coaching/export_term.py."""
    app.emulator.add_user(ADMIN, "principal", real_name="Pat Principal", is_admin=True)
    app.emulator.add_user(COACH, "zeynep", real_name="Zeynep Kaya", tz="America/New_York", locale=coach_locale)
    app.emulator.add_channel(GRADE_5, "grade5-math-plc")
    app.emulator.add_channel(GRADE_6, "grade6-math-plc")
    with time_machine.travel(SETUP_AT, tick=True):
        register_team(app, team_norms="Start on time\nStudent learning first")
        for channel, name, norms in ((GRADE_5, "Grade 5 Math PLC", ""), (GRADE_6, "Grade 6 Math PLC", "Be kind")):
            assert submit_setup(app, open_setup(app, channel_id=channel), team_name=name, team_norms=norms).text == ""
        reply = app.slack.slash_command(
            "/plc", f"coach add <@{COACH}|zeynep> <#{CHANNEL}|grade4-math-plc> <#{GRADE_5}|grade5-math-plc>",
            user_id=ADMIN, channel_id=CHANNEL)
        assert reply.status_code == 200
        wait_until(lambda: next((c for c in app.emulator.calls_to("response_url")
                                 if "Coach named" in str(c.args.get("text"))), None))
    teams = app.plc.services.teams
    ids = [team.id for channel in (CHANNEL, GRADE_5) if (team := teams.find(app.emulator.team_id, channel))]
    seed_term(app.plc.services.db, *ids)


def export(app: RunningApp, words: str, user_id: str = COACH) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ask for the export as `user_id` on the export day; the reply and the file sent."""
    before = len(app.emulator.uploaded_files())
    with time_machine.travel(EXPORT_AT, tick=True):
        reply = app.slack.slash_command("/plc", f"coach export {words}".strip(), user_id=user_id,
                                        channel_id=CHANNEL).json()
        app.emulator.wait_for("files.completeUploadExternal", count=before + 1, timeout=30)
    complete = app.emulator.calls_to("files.completeUploadExternal")[-1]
    assert complete.args["channels"] == user_id  # a user id: the app's DM with the coach only
    return reply, app.emulator.uploaded_files()[-1]


def test_a_coach_exports_a_csv_with_one_row_per_team(running_app: RunningApp) -> None:
    app = running_app
    seed(app)
    reply, file = export(app, "")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == ("I am putting together the last 8 weeks of your teams (2) and will send the CSV file to "
                             "you in a direct message (*plc-coach-export-2026-12-10.csv*).")
    assert file["name"] == "plc-coach-export-2026-12-10.csv"
    text = file["content"].decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == HEADERS_EN
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [typed(row, truth) for row, truth in zip(rows, (TEAM_1, TEAM_2), strict=True)] == [TEAM_1, TEAM_2]
    assert "Grade 6 Math PLC" not in text
    assert not [name for name in STUDENT_NAMES if name in text]
    assert not [user for user in (FACILITATOR, JAMES, ADMIN, COACH) if user in text]
    dm = wait_until(lambda: next((m for m in app.emulator.messages(COACH) if m.get("files")), None))
    assert "Counts and shares only" in str(dm)


def test_a_coach_exports_a_pdf_with_one_page_per_team(running_app: RunningApp) -> None:
    app = running_app
    seed(app)
    reply, file = export(app, "pdf")
    assert "send the PDF to you" in reply["text"] and file["name"] == "plc-coach-export-2026-12-10.pdf"
    reader = PdfReader(io.BytesIO(file["content"]))
    assert len(reader.pages) == 2
    pages = [page.extract_text() for page in reader.pages]
    assert "Grade 4 Math PLC" in pages[0] and "#grade4-math-plc" in pages[0] and "71.4 %" in pages[0]
    assert "Grade 5 Math PLC" in pages[1] and "May need support: no meeting held for 21 days" in pages[1]
    everything = "\n".join(pages)
    assert "Grade 6 Math PLC" not in everything
    assert not [name for name in STUDENT_NAMES if name in everything]
    assert not [user for user in (FACILITATOR, JAMES, ADMIN, COACH) if user in everything]


def test_a_turkish_coach_gets_turkish_headers(running_app: RunningApp) -> None:
    app = running_app
    seed(app, coach_locale="tr-TR")
    reply, file = export(app, "csv")
    assert reply["text"].startswith("Ekiplerinizin (2) son 8 haftasını hazırlıyorum")
    rows = list(csv.DictReader(io.StringIO(file["content"].decode("utf-8-sig")), delimiter=";"))  # Turkish Excel's
    assert [row["Ekip"] for row in rows] == ["Grade 4 Math PLC", "Grade 5 Math PLC"]
    assert rows[0]["Hedefteki ilerleme (% yeterli)"] == "71,4"
    assert [row["Yapılan toplantılar"] for row in rows] == ["5", "1"]
    assert [row["Geciken taahhütler"] for row in rows] == ["1", "2"]
    assert rows[1]["Desteğe ihtiyacı olabilir"] == "evet" and rows[0]["Normlar belirlendi"] == "evet"
    _, pdf = export(app, "pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf["content"])).pages)
    assert "Yapılan toplantılar" in text and "Hedefteki ilerleme" in text and "%71,4" in text


@pytest.mark.parametrize("user_id", [FACILITATOR, ADMIN])
def test_anyone_but_a_coach_is_refused(running_app: RunningApp, user_id: str) -> None:
    app = running_app
    seed(app)
    with time_machine.travel(EXPORT_AT, tick=True):
        reply = app.slack.slash_command("/plc", "coach export pdf", user_id=user_id, channel_id=CHANNEL).json()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Only coaches can export their teams' figures.")
    assert not app.emulator.calls_to("files.getUploadURLExternal")
    assert app.emulator.uploaded_files() == []


def test_a_bad_format_and_a_coach_without_teams(running_app: RunningApp) -> None:
    app = running_app
    seed(app)
    bad = app.slack.slash_command("/plc", "coach export xlsx", user_id=COACH, channel_id=CHANNEL).json()
    assert bad["text"].startswith("Usage: `/plc coach export`")
    # Named again for no team at all (as when the teams they supported are gone): nothing to export.
    app.plc.services.coaches.add(app.emulator.team_id, COACH, [], ADMIN, "America/New_York", "en-US")
    none = app.slack.slash_command("/plc", "coach export", user_id=COACH, channel_id=CHANNEL).json()
    assert none["text"] == "You support no team at the moment, so there is nothing to export."
    assert app.emulator.uploaded_files() == []


def test_a_file_slack_keeps_refusing_is_given_up_and_the_coach_told(running_app: RunningApp) -> None:
    app = running_app
    seed(app)
    tries = app.plc.settings.job_retries + 1
    app.emulator.fail_next("files.getUploadURLExternal", status=200, error="invalid_arguments", times=tries)
    with time_machine.travel(EXPORT_AT, tick=True):
        app.slack.slash_command("/plc", "coach export", user_id=COACH, channel_id=CHANNEL)
        told = wait_until(lambda: next((m["text"] for m in app.emulator.messages(COACH)
                                        if "could not send your coach export" in (m.get("text") or "")), None),
                          timeout=30)
    assert "Slack refused" in told
    app.plc.services.jobs.join()
    assert app.emulator.uploaded_files() == []
