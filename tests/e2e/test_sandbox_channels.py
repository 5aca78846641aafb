"""`:channel NAME`: one sandbox session in several channels, each with its own PLC team."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.app import PlcApp, create_app
from bot.devtools import sandbox
from bot.devtools.sandbox import run_sandbox
from bot.settings import Settings
from tests.e2e.helpers import run_example
from tests.e2e.test_sandbox import add_demo_listeners

# The setup form of examples/sandbox-setup.txt: Grade 4 Math in Istanbul's time, you and Maria.
SETUP_GRADE_4 = ["/plc setup", "Grade 4 Math", "Mathematics", "3", "istanbul", "Europe/Istanbul", "", "1,3", ""]


def run_script(tmp_path: Path, lines: list[str], language: str | None = None) -> str:
    script = tmp_path / "session.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    code = run_sandbox(script=str(script), language=language, stdout=out)
    text = out.getvalue()
    assert code == 0, text
    return text


def between(text: str, start: str, end: str | None = None) -> str:
    """The transcript from the prompt line `start` up to the next prompt line `end` (or the end)."""
    begin = text.index(start)
    return text[begin:text.index(end, begin + len(start))] if end else text[begin:]


def test_channels_example_runs_two_teams_each_in_its_own_channel() -> None:
    """examples/sandbox-channels.txt: set up a team, move to a new channel, set up another, go back."""
    text = run_example("sandbox-channels.txt")
    assert "There is no button" not in text and "The sandbox has no command" not in text

    created = between(text, "#grade4-math-plc (you)> :channel grade5-math-plc", "#grade5-math-plc (you)> :due")
    assert "#grade5-math-plc was created, with @you, @ayse, @maria in it." in created
    assert "PLC Bot was added to #grade5-math-plc." in created
    # The bot introduces itself in the new channel as in the first one, with its own setup button.
    assert "PLC Bot · message 3\n  Hello! I'm PLC Bot." in created
    assert "[2] Set up this team" in created
    assert "in #grade4-math-plc" not in created  # shown in the current channel: no channel label
    unset = between(text, "#grade5-math-plc (you)> :due", "(you)> /plc setup")
    assert "#grade5-math-plc is not a PLC team yet, so nothing is scheduled." in unset

    second = between(text, "#grade5-math-plc (you)> /plc setup", "#grade5-math-plc (you)> /plc help")
    assert "Team name> Grade 5 Math" in second
    summary = second[second.index("PLC Bot · message 4\n"):]
    assert "PLC team: Grade 5 Math" in summary
    assert "*Timezone:* America/New_York" in summary
    assert "*Members (2):* @you, @ayse" in summary

    help_five = between(text, "#grade5-math-plc (you)> /plc help", "#grade5-math-plc (you)> :channel")
    assert "*This channel is the PLC team Grade 5 Math* (Mathematics, Grades 3–5; timezone America/New_York" \
        in help_five
    assert "Grade 4 Math" not in help_five

    listing = between(text, "#grade5-math-plc (you)> :channel\n", "(you)> :go")
    assert "Channels of this session:" in listing
    assert "  #grade4-math-plc · PLC team Grade 4 Math · @you, @ayse, @maria\n" in listing
    assert "  #grade5-math-plc · PLC team Grade 5 Math · @you, @ayse, @maria ← you are here\n" in listing

    back = between(text, "#grade5-math-plc (you)> :go #grade4-math-plc", "#grade4-math-plc (you)> /plc help")
    assert "You are now in #grade4-math-plc." in back
    assert "was created" not in back and "PLC Bot was added" not in back  # not created again
    help_four = between(text, "#grade4-math-plc (you)> /plc help", "#grade4-math-plc (you)> :join james")
    assert "*This channel is the PLC team Grade 4 Math* (Mathematics, Grades 3–5; timezone Europe/Istanbul" \
        in help_four
    assert "Grade 5 Math" not in help_four

    joined = between(text, "#grade4-math-plc (you)> :join james", "#grade4-math-plc (you)> :channel")
    assert "@james joined #grade4-math-plc." in joined
    assert "Welcome to the PLC team *Grade 4 Math*!" in joined
    last = between(text, "#grade4-math-plc (you)> :channel")
    assert "  #grade4-math-plc · PLC team Grade 4 Math · @you, @ayse, @maria, @james ← you are here\n" in last
    assert "  #grade5-math-plc · PLC team Grade 5 Math · @you, @ayse, @maria\n" in last  # membership per channel


def test_a_message_in_another_channel_is_labelled_with_it_and_bad_names_are_refused(tmp_path: Path) -> None:
    lines = [
        ":channel grade5-math-plc",
        "1",  # the "Set up this team" button of the bot's introduction in #grade4-math-plc
        *SETUP_GRADE_4[1:],
        ":thread 3 a reply in the first channel's thread",
        ":users",
        ":channel Grade 5!",
        ":go " + "x" * 81,
        ":channel #grade5-math-plc",
        ":help",
    ]
    text = run_script(tmp_path, lines)
    assert "↳ you pressed “Set up this team”" in text
    assert "PLC Bot · message 3 · in #grade4-math-plc\n  PLC team: Grade 4 Math" in text
    assert "↳ you posted message 4, in the thread of message 3" in text
    assert "@james (James Brown), timezone America/Chicago, not in #grade5-math-plc" in text
    assert ("“Grade 5!” cannot be a Slack channel name: use lowercase letters, digits, - and _ "
            "(at most 80 characters).\nUsage: :channel [NAME]") in text
    assert f"“{'x' * 81}” cannot be a Slack channel name" in text
    assert "You are already in #grade5-math-plc." in text
    assert "#grade5-math-plc (you)> :help" in text
    assert "any other text    post a message in #grade5-math-plc" in text
    assert ":channel NAME     go to #NAME (created the first time, with the bot added to it); :go NAME too" in text


def test_turkish_session_switches_channels_in_turkish(tmp_path: Path) -> None:
    text = run_script(tmp_path, [":channel 5-sinif-matematik", ":channel", ":go Kötü Ad", ":go #grade4-math-plc"],
                      language="tr")
    assert "#5-sinif-matematik kanalı oluşturuldu; içinde @you, @ayse, @maria var." in text
    assert "PLC Bot, #5-sinif-matematik kanalına eklendi." in text
    assert "Bu oturumun kanalları:" in text
    assert "  #grade4-math-plc · henüz bir PLC ekibi değil · @you, @ayse, @maria\n" in text
    assert "  #5-sinif-matematik · henüz bir PLC ekibi değil · @you, @ayse, @maria ← şu an buradasınız" in text
    assert "“Kötü Ad” bir Slack kanal adı olamaz" in text
    assert "Artık #grade4-math-plc kanalındasınız." in text


def test_a_reply_to_a_button_pressed_in_another_channel_is_labelled_with_that_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo app posts a message with a Yes button in #grade4-math-plc; it is pressed from another channel."""

    def create_app_with_demo(settings: Settings) -> PlcApp:
        plc = create_app(settings)
        add_demo_listeners(plc.bolt)
        return plc

    monkeypatch.setattr(sandbox, "create_app", create_app_with_demo)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scores.csv").write_text("name,score\nA,3\n", encoding="utf-8")
    # The demo form: a date, a time, checkboxes, a person (refused once), a file, then a note.
    demo = ["/demo", "2025-09-15", "", "1,2", "ayse", "scores.csv", "3", "a note", "."]
    text = run_script(tmp_path, [*demo, ":channel grade5-math-plc", ":click Yes"])
    message = text[text.index("PLC Bot · message 2"):text.index("(you)> :channel")]
    assert "[2] Yes  [3] Edit" in message and "in #grade4-math-plc" not in message
    pressed = text[text.index("#grade5-math-plc (you)> :click Yes"):]
    assert "PLC Bot · only visible to you · in #grade4-math-plc\n  You said v1" in pressed
