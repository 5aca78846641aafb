"""The focus-keeper example runs in the sandbox as the README shows it."""

from __future__ import annotations

from bot.i18n import catalog
from tests.e2e.helpers import run_example


def test_focus_example_nudges_once_parks_the_topic_and_sums_up_the_talk() -> None:
    text = run_example("sandbox-focus.txt")
    thread = text[text.index(":thread 6 Most students"):text.index(":click Put it in the parking lot")]
    assert thread.count("Put it in the parking lot") == 1  # one nudge, after the first complaint only
    nudge = thread[thread.index("Honestly the administration"):]
    assert "*Norms and roles check-in*" in nudge  # names the agenda item (the phrasing varies)
    assert "paperwork" not in nudge.split("PLC Bot", 1)[1]  # the nudge does not quote the complaint
    assert "Parked by @you" in text
    minutes = text[text.index("Minutes: Grade 4 Math"):]
    assert "2 of 4 messages were about student learning:" in minutes
    assert "The talk drifted 2 time(s); 1 gentle nudge(s)." in minutes
    assert "Focus keeper: normal, in meeting threads and the channel" in text
    channel = text[text.index("this school is a joke"):]
    assert any(p in channel for p in catalog("en").list("focus.nudge.general"))
