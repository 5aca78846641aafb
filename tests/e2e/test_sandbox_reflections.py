"""The reflections example runs in the sandbox as the README shows it: prompts, private and shared
reflections, the member's own log and export, the digest in the next agenda preview, the App Home."""

from __future__ import annotations

import io

from bot.devtools.sandbox import run_sandbox
from tests.e2e.helpers import run_example


def test_reflections_example_keeps_private_ones_private_and_shows_the_home() -> None:
    text = run_example("sandbox-reflections.txt")

    ended = text[text.index("(you)> :click End meeting"):]
    prompts = ended[ended.index("*Time to reflect* 💭"):ended.index("(you)> :click Reflect")]
    assert "in the thread of message 6" in ended[:ended.index("*Time to reflect*")]
    assert "What did today's data tell you about your own students' learning that surprised you?" in prompts
    assert "] Reflect" in prompts

    mine = text[text.index("(you)> :click Reflect"):text.index("(you)> :as maria")]
    assert "Form: Your reflection" in mine and "About the meeting of Tuesday, January 5, 3:30 PM." in mine
    assert "Share (optional)> \n" in mine
    assert "It is private: only you can see it." in mine
    assert "Reflection shared by" not in mine

    marias = text[text.index("(maria)> :click Reflect"):text.index("(maria)> :as you")]
    assert "Share (optional)> 1" in marias
    assert "· in the thread of message 6\n  💭 *Reflection shared by @maria*\n  > Fraction strips" in marias

    log = text[text.index("(you)> /plc reflect log"):text.index("(you)> /plc reflect export")]
    assert "PLC Bot · only visible to you" in log and "(1 of 1)" in log
    assert "I rushed the number line part" in log and "Fraction strips" not in log
    export = text[text.index("(you)> /plc reflect export"):text.index("(you)> :fire preview")]
    assert "PLC Bot · posted a file · direct message to @you" in export
    assert "File: plc-reflections-" in export and ".md" in export

    preview = text[text.index("(you)> :fire preview"):text.index("(you)> :home")]
    assert "Agenda preview: Grade 4 Math, Tuesday, January 12, 3:30 PM" in preview
    assert "*Reflections shared since our last meeting:* 1" in preview
    assert "> “Fraction strips in small groups worked: every student could show 3/4 > 2/3.” (@maria)" in preview
    assert "I rushed" not in preview

    home = text[text.index("(you)> :home"):text.index("(you)> /plc reflect delete")]
    assert "PLC Bot · App Home of @you" in home
    assert "*Grade 4 Math* · #grade4-math-plc" in home
    assert "Next meeting: Tuesday, January 12, 3:30 PM (America/New_York)" in home  # Jan 5 was held
    assert "No open commitments." in home
    assert "· Grade 4 Math · private\n  > I rushed the number line part" in home
    assert "Fraction strips" not in home  # Maria's reflection is hers
    assert "*Grade 4 Math*: no results yet" in home

    deleting = text[text.index("(you)> /plc reflect delete"):]
    assert "Delete all your reflections (1)?" in deleting
    assert "Nothing was deleted." in deleting


def test_home_without_a_team_and_click_by_label() -> None:
    out = io.StringIO()
    lines = [":home", ":click No such button", ":click Set up this team", ":cancel"]
    code = run_sandbox(stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    text = out.getvalue()
    assert code == 0, text
    assert "PLC Bot · App Home of @you" in text and "You are not in a PLC team yet." in text
    assert "Usage: :click N" in text
    assert "↳ you pressed “Set up this team”" in text and "Form: Set up your PLC team" in text
