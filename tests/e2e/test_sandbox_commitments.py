"""The sandbox shows commitments: examples/sandbox-commitments.txt, and a Turkish session."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from bot.devtools.sandbox import run_sandbox
from tests.e2e.helpers import run_example


@pytest.fixture
def november_2026() -> Iterator[None]:
    """Wednesday 25 November 2026, 07:00 in New York: the script's relative dates are fixed (the clock ticks)."""
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), tick=True):
        yield


def between(text: str, start: str, end: str) -> str:
    first = text.index(start)
    return text[first:text.index(end, first + len(start))]


@pytest.mark.usefixtures("november_2026")
def test_commitments_example_records_reminds_answers_and_reviews() -> None:
    text = run_example("sandbox-commitments.txt")
    assert "There is no button" not in text and "The sandbox has no command" not in text
    assert "The form was not accepted" not in text

    # /plc commit: only the author sees the confirmation; the channel a line. `@maria` reaches the app
    # escaped as Slack sends it, so she is the owner.
    recorded = between(text, "(you)> /plc commit reteach", "(you)> /plc commit share")
    assert "PLC Bot · only visible to you\n  Recorded: *reteach 4.NF.2 with number lines*\n" in recorded
    assert "Owner: @you · due Fri, Nov 27\n  I'll remind @you by direct message on Fri, Nov 27.\n" in recorded
    assert "Standard: 4.NF.2." in recorded
    assert "PLC Bot · message 4\n  @you committed to: reteach 4.NF.2 with number lines (due Fri, Nov 27)" in recorded
    assert ("@maria committed to: share the exit-ticket data (due Thu, Nov 26; recorded by @you)"
            in between(text, "(you)> /plc commit share", "(you)> /plc commit call"))
    assert "Owner: @you · no due date\n  There is no due date, so there is no reminder" in text
    listing = between(text, "(you)> /plc commitments", "(you)> :due")
    assert "*Open commitments of Grade 4 Math* (4)\n  • @maria: share the exit-ticket data (due Thu, Nov 26)" in listing

    due = between(text, "(you)> :due", "(you)> :fire commitment")
    assert "1. Thu, Nov 26, 2026, 9:00 AM · commitment reminder" in due
    assert "3. Fri, Nov 27, 2026, 9:00 AM · commitment reminder" in due
    assert "4. Mon, Nov 30, 2026, 3:30 PM · agenda preview" in due

    # The due date: a DM to each owner with the three buttons.
    fired = between(text, "(you)> :fire commitment", "(you)> :as maria")
    assert "the commitment reminder is due" in fired
    assert ("PLC Bot · message 8 · direct message to @maria\n  Commitment due today\n" in fired)
    assert "*share the exit-ticket data*\n  Grade 4 Math · due Thu, Nov 26\n  How did it go?\n" \
           "  [2] Done  [3] Need more time  [4] Drop" in fired
    assert "PLC Bot · message 9 · direct message to @you" in fired
    assert "(Scheduler: 2 sent, 0 dropped as too late, 0 to retry.)" in fired

    done = between(text, "(maria)> 2\n", "(maria)> :as you")
    assert "PLC Bot · updated message 8\n  ✅ Done: *share the exit-ticket data*. Thank you! I told the team." in done
    assert "PLC Bot · message 10\n  ✅ @maria completed a commitment: share the exit-ticket data" in done

    more = between(text, "(you)> 6\n", "(you)> :fire commitment")
    assert "opened a form: More time" in more and "New due date [2026-12-03]> \n" in more
    assert "PLC Bot · updated message 9\n  ⏳ More time: *call the families of absent students* is now due " \
           "Thu, Dec 3. I'll remind you then." in more

    dropped = between(text, "(you)> 10\n", "(you)> /plc commitments")
    assert "Why is it dropped?> the class moved on to decimals early" in dropped
    assert "✖️ Dropped: *reteach 4.NF.2 with number lines*. Reason: the class moved on to decimals early" in dropped
    assert "@you dropped a commitment: reteach 4.NF.2 with number lines (reason: the class moved on to " \
           "decimals early)" in dropped

    # The next meeting: the preview and the meeting's message open with the review.
    review = "\n".join([
        "  *Commitments to review* (4)",
        "  • @maria: share the exit-ticket data (due Thu, Nov 26): ✅ done",
        "  • @you: reteach 4.NF.2 with number lines (due Fri, Nov 27): ✖️ dropped: the class moved on to "
        "decimals early",
        "  • @you: call the families of absent students (due Thu, Dec 3): ⏳ more time until Thu, Dec 3",
        "  • @you: try number talks every morning (no due date): open",
    ])
    meeting = between(text, "(you)> :fire start", "(you)> 14\n")
    for header in ("Agenda preview: Grade 4 Math, Tuesday, December 1, 3:30 PM",
                   "PLC meeting: Grade 4 Math, Tuesday, December 1, 3:30 PM"):
        assert f"{header}\n  {'=' * len(header)}\n{review}\n" in meeting
    assert "[12] Start  [13] Park a topic  [14] Commit  [15] End meeting" in meeting

    # The meeting's Commit button: a form; the commitment is said in the meeting's thread.
    form = between(text, "(you)> 14\n", "(you)> /plc commitments")
    assert "opened a form: Make a commitment" in form
    assert "What will you do?> regroup for 4.NF.1 on Thursdays" in form and "Who [@you]> 3" in form
    assert ("PLC Bot · message 16 · in the thread of message 15\n  @maria committed to: regroup for 4.NF.1 on "
            "Thursdays (no due date; recorded by @you)") in form
    final = between(text, "(you)> /plc commitments\n\nPLC Bot · only visible to you\n"
                          "  *Open commitments of Grade 4 Math* (3)", "(you)> :home")
    assert "• @you: call the families of absent students (due Thu, Dec 3)" in final

    # The App Home: your own open commitments, each with its menu; Done closes one and rebuilds the Home.
    home = between(text, "(you)> :home", "(you)> 19\n")
    assert "PLC Bot · App Home of @you" in home and "regroup for 4.NF.1" not in home  # Maria's
    assert ("• call the families of absent students · Grade 4 Math · due Dec 3, 2026\n"
            "  [16] Done  [17] Need more time  [18] Drop\n"
            "  • try number talks every morning · Grade 4 Math\n"
            "  [19] Done  [20] Need more time  [21] Drop") in home
    closed = text[text.index("(you)> 19\n"):]
    assert "✅ @you completed a commitment: try number talks every morning" in closed
    # The rebuilt Home alone: the channel's line may be printed before or after it (two jobs).
    rebuilt = re.split(r"\nPLC Bot · |\nSandbox closed", closed[closed.index("PLC Bot · App Home of @you"):])[0]
    assert "call the families of absent students" in rebuilt and "try number talks" not in rebuilt


@pytest.mark.usefixtures("november_2026")
def test_a_turkish_session_commits_reminds_and_closes_in_turkish(tmp_path: Path) -> None:
    # Turkish setup form: name, subject, grade band, then Enter keeps the timezone, language, members, norms.
    lines = ["/plc setup", "Matematik 4", "Matematik", "3", "", "", "", "",
             "/plc commit 4.NF.2'yi sayı doğrusuyla yeniden öğret cumaya kadar",
             "/plc commit veli toplantısı belki kadar",
             ":due", ":fire taahhüt", "2", "/plc commitments"]
    script = tmp_path / "oturum.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    code = run_sandbox(script=str(script), language="tr", stdout=out)
    text = out.getvalue()
    assert code == 0, text
    assert "Kaydedildi: *4.NF.2'yi sayı doğrusuyla yeniden öğret*\n  Sorumlu: @you · teslim 27 Kas Cum" in text
    assert "@you taahhüt etti: 4.NF.2'yi sayı doğrusuyla yeniden öğret (teslim 27 Kas Cum)" in text
    assert "“belki” ifadesini tarih olarak okuyamadım." in text
    assert "27 Kas 2026 Cum, 09:00 · taahhüt hatırlatması" in text
    assert "Bugün teslim edilecek taahhüt" in text and "[2] Tamamlandı  [3] Ek süre gerekli  [4] Bırak" in text
    assert "✅ Tamamlandı: *4.NF.2'yi sayı doğrusuyla yeniden öğret*." in text
    assert "✅ @you bir taahhüdünü tamamladı: 4.NF.2'yi sayı doğrusuyla yeniden öğret" in text
    assert text.rstrip().endswith("Ekibin açık taahhüdü yok. `/plc commit METİN TARİH kadar` ile bir tane kaydedin.\n"
                                  "Sandbox kapandı.")
