"""`plc-bot sandbox`: scripted sessions against the real app, the emulator and real HTTP."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app import PlcApp, create_app
from bot.devtools import sandbox
from bot.devtools.sandbox import Renderer, Style, run_sandbox
from bot.devtools.slack_emulator import SlackEmulator
from bot.i18n import catalog
from bot.settings import Settings
from handlers.commands.names import SUBCOMMANDS
from tests.e2e.helpers import run_example

ROOT = Path(__file__).resolve().parents[2]


def run_script(tmp_path: Path, lines: list[str], language: str | None = None) -> tuple[int, str]:
    script = tmp_path / "session.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    code = run_sandbox(script=str(script), language=language, stdout=out)
    return code, out.getvalue()


def run_piped(lines: list[str], language: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = run_sandbox(language=language, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    return code, out.getvalue()


def test_help_lists_every_subcommand_only_to_you_and_unknown_ones_get_a_polite_reply() -> None:
    code, out = run_piped(["/plc help", "/plc foo", "/plc setpu"])
    assert code == 0
    assert "I don't know `/plc foo`. Type `/plc help` to see everything I can do." in out
    assert "Did you mean `/plc setup`?" in out
    assert "#grade4-math-plc (you)> /plc help" in out
    reply = out.split("#grade4-math-plc (you)> /plc help", 1)[1].split("(you)> /plc foo")[0]
    assert "PLC Bot · only visible to you" in reply
    assert "PLC Bot: what I can do" in reply
    for name in SUBCOMMANDS:
        assert f"`/plc {name}" in reply
    assert "*This channel is not a PLC team yet.*" in reply
    assert "[2] Set up this team" in reply  # [1] is the button of the bot's introduction


def test_example_script_sets_up_a_team_that_help_then_knows(tmp_path: Path) -> None:
    """examples/sandbox-setup.txt: help, the whole setup form, help again, a teammate joining."""
    text = run_example("sandbox-setup.txt")
    assert "# " not in text  # comments are not echoed
    assert "PLC Bot · opened a form: Set up your PLC team" in text
    assert "Team name> Grade 4 Math" in text
    assert "Timezone [America/New_York], search> istanbul" in text
    assert "Timezone> Europe/Istanbul" in text
    assert "Language [English]> \n" in text
    assert "Members [@you]> 1,3" in text
    assert "The form closed." in text

    summary = text.index("PLC Bot · message 2")
    block = text[summary:text.index("(you)> /plc help", summary)]
    assert "PLC team: Grade 4 Math" in block
    assert "*Subject:* Mathematics" in block
    assert "*Grade band:* Grades 3–5" in block
    assert "*Timezone:* Europe/Istanbul" in block
    assert "*Members (2):* @you, @maria" in block
    assert "1. We start and end on time." in block

    after = text[summary:]
    assert "*This channel is the PLC team Grade 4 Math* (Mathematics, Grades 3–5; timezone Europe/Istanbul" in after
    welcome = after[after.index(":join james"):]
    assert "@james joined #grade4-math-plc." in welcome
    assert "PLC Bot · only visible to @james" in welcome
    assert "Welcome to the PLC team *Grade 4 Math*!" in welcome


def test_empty_name_shows_the_field_error_and_asks_only_that_again(tmp_path: Path) -> None:
    lines = ["/plc setup", "", "", "", "", "", "", "", "Grade 4 Math"]
    code, out = run_script(tmp_path, lines)
    assert code == 0, out
    errors = out.index("The form was not accepted:")
    assert "Team name: Give the team a name." in out[errors:]
    second_round = out[errors:out.index("PLC Bot · message 2")]
    assert "Team name> Grade 4 Math" in second_round
    assert "Subject" not in second_round  # only the field with the error is asked again
    assert "PLC team: Grade 4 Math" in out
    assert "*Timezone:* America/New_York" in out  # Enter kept the caller's own timezone


def test_turkish_session_speaks_turkish(tmp_path: Path) -> None:
    code, out = run_script(tmp_path, ["/plc help", "/plc setup", ":cancel", "/plc nope"], language="tr")
    assert code == 0, out
    assert "PLC Bot sandbox: gerçek bot" in out
    assert "PLC Bot · yalnızca siz görüyorsunuz" in out
    assert "PLC Bot: neler yapabilirim" in out
    assert "*Bu kanal henüz bir PLC ekibi değil.*" in out
    assert "Form: PLC ekibinizi kurun" in out
    assert "Ekip adı> :cancel" in out
    assert "Form kaydedilmeden kapatıldı." in out
    assert "`/plc nope` komutunu tanımıyorum." in out
    assert "Sandbox kapandı." in out


def test_button_message_thread_and_sandbox_commands(tmp_path: Path) -> None:
    lines = [
        "1",  # the introduction's "Set up this team" button opens the form
        ":cancel",
        "hello team",
        ":thread 2 a reply in the thread",
        ":as maria",
        "hi from maria",
        ":as you",
        ":users",
        ":leave ayse",
        ":leave ayse",
        "42",
        ":thread 99 nothing there",
        ":nope",
        ":help",
        ":quit",
        "/plc help",  # never read: :quit ended the session
    ]
    code, out = run_script(tmp_path, lines)
    assert code == 0, out
    assert "↳ you pressed “Set up this team”" in out
    assert "Form: Set up your PLC team" in out
    assert "The form was closed without saving." in out
    assert "↳ you posted message 2" in out
    assert "↳ you posted message 3, in the thread of message 2" in out
    assert "#grade4-math-plc (maria)> hi from maria" in out
    assert "@james (James Brown), timezone America/Chicago, not in #grade4-math-plc" in out
    assert "@ayse left #grade4-math-plc." in out
    assert "@ayse is not in #grade4-math-plc." in out
    assert "There is no button [42]." in out
    assert "There is no message 99." in out
    assert "The sandbox has no command :nope." in out
    assert ":thread N text" in out
    assert "(you)> /plc help" not in out


def test_script_ending_inside_a_form_cancels_it_and_fails(tmp_path: Path) -> None:
    code, out = run_script(tmp_path, ["/plc setup", "Grade 4 Math"])
    assert code == 1
    assert "The script ended while the form “Set up your PLC team” was still open" in out


def test_missing_script_is_reported(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_sandbox(script=str(tmp_path / "missing.txt"), stdout=out) == 2
    assert "Cannot read the script" in out.getvalue()


def test_mrkdwn_mentions_and_links_read_like_slack() -> None:
    emulator = SlackEmulator()
    emulator.add_user("U0SANDBOX3", "maria")
    emulator.add_channel("C0SANDBOX1", "grade4-math-plc")
    renderer = Renderer(emulator, catalog("en"), Style(False), lambda label, action, place: 1)
    text = "<@U0SANDBOX3> see <#C0SANDBOX1> and <https://example.org|the guide> &amp; <https://x.org> *bold*"
    assert renderer.mrkdwn(text) == "@maria see #grade4-math-plc and the guide & https://x.org *bold*"


def test_cli_runs_a_script_in_a_subprocess(tmp_path: Path) -> None:
    script = tmp_path / "session.txt"
    script.write_text("# a comment\n/plc help\n:calls\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLC_DEFAULT_LANGUAGE": "en"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "sandbox", "--script", str(script)],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "#grade4-math-plc (you)> /plc help" in result.stdout
    assert "`/plc schedule`: set the team's recurring meetings" in result.stdout
    assert "chat.postMessage" in result.stdout  # :calls: the bot introduced itself
    assert "a comment" not in result.stdout
    assert result.stderr == ""  # the app's own INFO logs stay off the terminal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.txt"]  # no database left behind


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text), "value": value}


DEMO_VIEW: dict[str, Any] = {
    "type": "modal", "callback_id": "demo", "title": _plain("Demo"), "submit": _plain("Go"),
    "blocks": [
        {"type": "input", "block_id": "day", "label": _plain("Day"),
         "element": {"type": "datepicker", "action_id": "day"}},
        {"type": "input", "block_id": "at", "label": _plain("Time"),
         "element": {"type": "timepicker", "action_id": "at", "initial_time": "09:00"}},
        {"type": "input", "block_id": "checks", "label": _plain("Checks"), "optional": True,
         "element": {"type": "checkboxes", "action_id": "checks",
                     "options": [_option("Alpha", "a"), _option("Beta", "b")]}},
        {"type": "input", "block_id": "who", "label": _plain("Who"),
         "element": {"type": "users_select", "action_id": "who"}},
        {"type": "input", "block_id": "file", "label": _plain("File"),
         "element": {"type": "file_input", "action_id": "file", "filetypes": ["csv"]}},
    ],
}
NOTE_VIEW: dict[str, Any] = {
    "type": "modal", "callback_id": "note", "title": _plain("Note"),
    "blocks": [{"type": "input", "block_id": "note", "label": _plain("Note"),
                "element": {"type": "plain_text_input", "action_id": "note", "multiline": True}}],
}


def add_demo_listeners(app: App) -> None:
    """Listeners the PLC app does not have (yet), to drive every kind of field and output."""
    submissions: list[dict[str, Any]] = []

    @app.command("/demo")
    def demo(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=DEMO_VIEW)

    @app.view("demo")
    def submit_demo(ack: Ack, view: dict) -> None:
        submissions.append(view["state"]["values"])
        if len(submissions) == 1:
            ack(response_action="errors", errors={"who": "Pick someone else"})
        else:
            ack(response_action="push", view=NOTE_VIEW)

    @app.view("note")
    def submit_note(ack: Ack, view: dict, client: WebClient) -> None:
        ack(response_action="clear")
        values = submissions[-1]
        file_obj = values["file"]["file"]["files"][0]
        content = client.files_info(file=file_obj["id"])["file"]["name"]
        note = view["state"]["values"]["note"]["note"]["value"]
        client.chat_postMessage(channel="C0SANDBOX1", text="saved", blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                f"{values['day']['day']['selected_date']} {values['at']['at']['selected_time']} "
                f"<@{values['who']['who']['selected_user']}> {content} "
                f"{len(values['checks']['checks']['selected_options'])} checks, <https://x.org|the link>")}},
            {"type": "section", "text": {"type": "mrkdwn", "text": note.replace("\n", " / ")}},
            {"type": "actions", "elements": [
                {"type": "button", "action_id": "yes", "value": "v1", "text": _plain("Yes")},
                {"type": "overflow", "action_id": "more", "options": [_option("Edit", "edit")]},
            ]},
        ])
        client.files_upload_v2(channel="C0SANDBOX1", content=b"x,y\n", filename="out.csv", title="Results")

    @app.action("yes")
    def yes(ack: Ack, body: dict, respond: Respond) -> None:
        ack()
        respond(text=f"You said {body['actions'][0]['value']}", replace_original=False)

    @app.action("more")
    def more(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="edited",
                           blocks=[{"type": "divider"}, {"type": "section", "text": _mrkdwn("Edited")}])


def test_every_kind_of_field_and_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def create_app_with_demo(settings: Settings) -> PlcApp:
        plc = create_app(settings)
        add_demo_listeners(plc.bolt)
        return plc

    monkeypatch.setattr(sandbox, "create_app", create_app_with_demo)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scores.csv").write_text("name,score\nA,3\n", encoding="utf-8")
    lines = [
        "/demo",
        "2025-13-01", "2025-09-15",  # not a date, then a date
        "",  # Time: keep 09:00
        "1,2",
        "ayse",
        "scores.txt", "missing.csv", "scores.csv",
        "3",  # only Who had an error: asked again
        "first line", "", "third line", ".",  # the pushed Note form, multiline
        "2",  # the Yes button
        "3",  # the overflow's Edit
    ]
    code, out = run_script(tmp_path, lines)
    assert code == 0, out
    assert "Type a date like 2025-09-15." in out
    assert "Time [09:00]> " in out
    assert "This field takes these file types: csv." in out
    assert "Cannot read missing.csv" in out
    assert "Who: Pick someone else" in out
    assert "Who [@ayse]> 3" in out
    assert "Form: Note" in out
    message = out[out.index("PLC Bot · message 2"):]
    assert "2025-09-15 09:00 @maria scores.csv 2 checks, the link" in message
    assert "first line /  / third line" in message
    assert "[2] Yes  [3] Edit" in message
    assert "PLC Bot · posted a file" in message
    assert "File: out.csv (Results)" in message
    assert "PLC Bot · only visible to you\n  You said v1" in message
    assert "PLC Bot · updated message 2\n  ────" in message
    assert "Edited" in message


# --------------------------------------------------------------------------- meetings and the scheduler

# The setup form (English session): name, subject, grade band, timezone search and pick, language,
# members, norms.
SETUP_LINES = ["/plc setup", "Grade 4 Math", "Mathematics", "3", "new_york", "America/New_York", "", "1,3", ""]
# The schedule form: Tuesday (option 2), 15:30, 45 minutes, weekly, no monthly week, first and last
# dates, one skip date (multiline: ended by "."), the team's timezone.
SCHEDULE_LINES = ["/plc schedule", "2", "15:30", "45", "1", "", "2027-01-05", "2027-06-15", "2027-02-16", ".", ""]


@pytest.fixture
def november_2026() -> Iterator[None]:
    """The dates in these sessions are fixed, so the sandbox's clock is too (it keeps ticking)."""
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=True):
        yield


@pytest.mark.usefixtures("november_2026")
def test_meeting_example_walks_a_whole_meeting() -> None:
    """examples/sandbox-meeting.txt: schedule, :due, :fire start, Start, notes, Next, parking, End, minutes."""
    text = run_example("sandbox-meeting.txt")
    assert "There is no button" not in text and "The sandbox has no command" not in text
    assert "Meeting day(s)> 2" in text and "Start time [15:30]> 15:30" in text
    assert "Length in minutes [45]> 45" in text and "First meeting on or after [" in text
    assert "Meetings are scheduled: Every week on Tuesday at 15:30 (America/New_York)" in text

    due = text[text.index("(you)> :due"):text.index("(you)> :fire start")]
    assert "1. Mon, Jan 4, 2027, 3:30 PM · agenda preview" in due
    assert "2. Tue, Jan 5, 2027, 3:15 PM · 15-minute reminder" in due
    assert "3. Tue, Jan 5, 2027, 3:30 PM · meeting start" in due

    fired = text[text.index("(you)> :fire start"):text.index("(you)> :clock")]
    preview = fired.index("PLC Bot · message 4\n  Agenda preview: Grade 4 Math, Tuesday, January 5, 3:30 PM")
    reminder = fired.index("PLC Bot · message 5\n  Our meeting starts in 15 minutes")
    meeting = fired.index("PLC Bot · message 6\n  PLC meeting: Grade 4 Math, Tuesday, January 5, 3:30 PM")
    assert preview < reminder < meeting
    assert "Regroup students who missed 4.NF.1" in fired[meeting:]
    assert "[3] Start  [4] Park a topic  [5] Commit  [6] End meeting" in fired
    assert "(Scheduler: 3 sent, 0 dropped as too late, 0 to retry.)" in fired
    assert "Sandbox clock: Tue, Jan 5, 2027, 3:30 PM (America/New_York)" in text

    started = text[text.index("(you)> 3\n"):]
    assert "↳ you pressed “Start”\n\nPLC Bot · updated message 6" in started
    assert "[7] Next item  [8] Park a topic  [9] Commit  [10] End meeting" in started
    assert "PLC Bot · message 7 · in the thread of message 6\n  The meeting has started." in started
    assert "↳ you posted message 9, in the thread of message 6" in started
    assert "[11] Next item  [12] Park a topic  [13] Commit  [14] End meeting" in started
    assert "· in the thread of message 6\n  Next: *Collect and chart the data*" in started
    assert "· in the thread of message 6\n  Parked for later: “The new report card policy”" in started

    ended = text[text.index("(you)> 14\n"):]
    assert "↳ you pressed “End meeting”" in ended
    minutes = ended[ended.index("· in the thread of message 6\n  Minutes: Grade 4 Math"):ended.index("(you)> /plc")]
    assert "*Decisions:*\n  • reteach 4.NF.1 with number lines" in minutes
    assert "*Parking lot:*\n  • The new report card policy" in minutes
    listing = text[text.index("(you)> /plc minutes"):]
    assert "*Past meetings of Grade 4 Math*" in listing
    assert "Tuesday, January 5, 3:30 PM: Data review, 2 items covered, 1 decisions" in listing


@pytest.mark.usefixtures("november_2026")
def test_due_lists_the_outbox_and_fire_reminder_sends_only_up_to_it(tmp_path: Path) -> None:
    lines = [":due", ":fire", *SETUP_LINES, ":due", *SCHEDULE_LINES, ":due",
             ":fire 99", ":fire bogus", ":fire reminder", ":clock", ":due", ":help"]
    code, out = run_script(tmp_path, lines)
    assert code == 0, out
    assert out.count("#grade4-math-plc is not a PLC team yet, so nothing is scheduled.") == 2
    assert "Nothing is waiting to go out for Grade 4 Math." in out
    listing = out[out.rindex("(you)> :due", 0, out.index("(you)> :fire 99")):out.index("(you)> :fire 99")]
    assert "Scheduled notices of Grade 4 Math waiting to go out (8; times in America/New_York):" in listing
    assert listing.index("1. Mon, Jan 4, 2027, 3:30 PM · agenda preview") < listing.index(
        "2. Tue, Jan 5, 2027, 3:15 PM · 15-minute reminder") < listing.index(
        "3. Tue, Jan 5, 2027, 3:30 PM · meeting start") < listing.index(
        "4. Tue, Jan 5, 2027, 4:15 PM · meeting end") < listing.index("8. Tue, Jan 12, 2027, 4:15 PM · meeting end")
    assert "the real time; :fire moves it forward." in listing
    assert "There is no notice 99; :due lists 8." in out
    assert ("“bogus” is neither a number from :due nor a kind of notice (preview, reminder, start, nudge, end, "
            "commitment).") in out

    fired = out[out.index("(you)> :fire reminder"):out.index("(you)> :clock")]
    assert "as if it were Tue, Jan 5, 2027, 3:15 PM: the 15-minute reminder is due" in fired
    assert "Agenda preview: Grade 4 Math" in fired and "Our meeting starts in 15 minutes" in fired
    assert "PLC meeting:" not in out  # the meeting's own message waits for its start
    assert "(Scheduler: 2 sent, 0 dropped as too late, 0 to retry.)" in fired
    assert "Sandbox clock: Tue, Jan 5, 2027, 3:15 PM (America/New_York); it moves forward with :fire." in out
    after = out[out.rindex("(you)> :due"):]
    assert "1. Tue, Jan 5, 2027, 3:30 PM · meeting start" in after  # preview and reminder went out
    assert ":fire [N | KIND]  make a notice happen now" in after  # :help lists the new commands


@pytest.mark.usefixtures("november_2026")
def test_turkish_session_lists_the_outbox_in_turkish(tmp_path: Path) -> None:
    # Turkish setup form: name, subject, grade band, then Enter keeps the timezone, language,
    # members and norms.
    setup = ["/plc setup", "Matematik 4", "Matematik", "3", "", "", "", ""]
    code, out = run_script(tmp_path, [*setup, *SCHEDULE_LINES, ":due", ":fire başlangıç"], language="tr")
    assert code == 0, out
    listing = out[out.index("(you)> :due"):out.index("(you)> :fire")]
    assert "Matematik 4 ekibinin gönderilmeyi bekleyen zamanlanmış bildirimleri (8; saatler Europe/Istanbul" in listing
    assert "1. 4 Oca 2027 Pzt, 15:30 · gündem önizlemesi" in listing
    assert "2. 5 Oca 2027 Sal, 15:15 · 15 dakika hatırlatması" in listing
    assert "3. 5 Oca 2027 Sal, 15:30 · toplantı başlangıcı" in listing
    assert "4. 5 Oca 2027 Sal, 16:15 · toplantı sonu" in listing
    assert "Sandbox saati:" in listing
    fired = out[out.index("(you)> :fire başlangıç"):]
    assert "sırası gelen: toplantı başlangıcı" in fired
    assert "(Zamanlayıcı: 3 gönderildi, 0 geç kaldığı için bırakıldı, 0 yeniden denenecek.)" in fired


def test_upload_example_shows_aggregates_in_the_channel_and_names_only_privately() -> None:
    text = run_example("sandbox-upload.txt")
    channel = text[text.index("*Fractions quiz*: results updated by @you"):text.index("PLC Bot · posted a file")]
    assert "4.NF.2: 50.0% (1 below)" in channel
    assert "Ayşe" not in channel and "Mehmet" not in channel
    private = text[text.index("PLC Bot · only visible to you\n  *Fractions quiz*: your students"):]
    assert "*Intervention* (below 70%): Ayşe Yılmaz" in private
    assert "direct message to @you" in text  # the facilitator's list
    jobs = text[text.index("The bot's latest jobs"):]
    assert jobs.count("upload                 done      tries: 1  for @you") == 3

    # The ZipGrade export: its questions mapped to standards by the form's field, the misconceptions
    # counted from the answers chosen (examples/zipgrade-fractions.csv, worked by hand: Q5's key is B;
    # Walter and Jean's second paper chose A, Jean's first left it blank, Denise chose C).
    zipgrade = text[text.index("*Unit 4 test*: results updated by @you"):]
    zipgrade = zipgrade[:zipgrade.index("PLC Bot · posted a file")]
    assert "• 4.NF.1: 66.7% (3 below)\n  • 4.NF.2: 50.0% (3 below)" in zipgrade
    assert "Standards from the map for the items Q1, Q2, Q3, Q4, Q5." in zipgrade
    assert ("• Q5 (4.NF.2): 0.0%; 2 of 4 who missed it chose A (key: B); 1 left it blank\n"
            "  • Q1 (4.NF.1): 50.0%; 2 of 2 who missed it chose A (key: D)") in zipgrade
    assert "• @you, 2nd Period: 2 students, mean 66.7%\n  • @you, 6th Period: 1 student, mean 33.3%" in zipgrade
    assert not any(name in zipgrade for name in ("Walter", "Denise", "Jean", "Lee", "Simmons", "Cook"))


class _AnsweringInput(io.TextIOBase):
    """Piped input whose lines may depend on what the sandbox printed so far (a button's number)."""

    def __init__(self, out: io.StringIO, lines: list[str | Callable[[str], str]]) -> None:
        self.out = out
        self.lines = list(lines)

    def readline(self, size: int | None = -1) -> str:
        if not self.lines:
            return ""
        line = self.lines.pop(0)
        return (line(self.out.getvalue()) if callable(line) else line) + "\n"

    def isatty(self) -> bool:
        return False


def button_number(label: str) -> Callable[[str], str]:
    """The number of the latest button (or menu option) shown with `label`."""
    return lambda shown: re.findall(rf"\[(\d+)\] {re.escape(label)}", shown)[-1]


def test_share_reads_a_file_shared_with_assessment_and_a_gradebook_menu_is_answered(tmp_path: Path) -> None:
    from tests.assessments.fixtures import canvas

    quiz = tmp_path / "unit 3 quiz.csv"
    quiz.write_text("student,standard,item,score,max\nAyşe Yılmaz,4.NF.1,Q1,1,1\nMehmet Kaya,4.NF.1,Q1,0,1\n",
                    encoding="utf-8")
    gradebook = canvas(tmp_path, two_assignments=True)
    lines: list[str | Callable[[str], str]] = [
        *SETUP_LINES,
        ":share",
        f":share {tmp_path / 'missing.csv'} Assessment: nothing",
        f':share "{quiz}" Our notes from today',
        f':share "{quiz}" Assessment: Unit 3 quiz',
        # Several fields of the form stay empty (date, unit, assignment); spare empty lines are ignored.
        "/plc upload", str(gradebook), "Unit 3 CFA", "", "", "", "", "",
        button_number("Read this one"),
        button_number("Decimals Exit Ticket"),
        button_number("Read this one"),
        "/plc data",
    ]
    out = io.StringIO()
    code = run_sandbox(stdin=_AnsweringInput(out, lines), stdout=out)
    text = out.getvalue()
    assert code == 0, text
    assert "Usage: :share PATH text" in text
    assert "Cannot read " in text and "missing.csv" in text
    notes = text[text.index(f':share "{quiz}" Our notes'):text.index(f':share "{quiz}" Assessment')]
    assert "↳ you shared unit 3 quiz.csv in message" in notes and "(PLC Bot did not answer.)" in notes
    shared = text[text.index(f':share "{quiz}" Assessment'):text.index("(you)> /plc upload")]
    assert "*Unit 3 quiz* (" in shared and "results updated by @you" in shared
    assert "Mehmet" not in shared.split("only visible to you")[0]

    asked = text[text.index("(you)> /plc upload"):]
    assert "holds 2 assessments. Which one should I read as *Unit 3 CFA*?" in asked
    assert re.search(r"\(menu: Choose an assessment\)  \[\d+\] Fractions Quiz  \[\d+\] Decimals Exit Ticket  "
                     r"\[\d+\] Read this one", asked)
    assert "Please choose an assessment in the menu first" in asked
    assert "↳ you chose “Decimals Exit Ticket” in the menu" in asked
    read = asked[asked.index("↳ you chose"):]
    assert "PLC Bot removed its earlier reply." in read
    assert "*Unit 3 CFA*: results updated by @you" in read and "Students: 4 · with no scored item: 1" in read
    listing = text[text.rindex("(you)> /plc data"):]
    assert "*Unit 3 quiz*" in listing and "*Unit 3 CFA*" in listing
