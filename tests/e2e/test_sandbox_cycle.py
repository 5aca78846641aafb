"""examples/sandbox-cycle.txt: the whole inquiry cycle in the sandbox, from the first upload to `/plc worked` in
another team's channel, with the numbers of tests/plans/data.py and no student name where everyone can see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.e2e.helpers import run_example
from tests.plans.data import STUDENTS


@pytest.fixture
def december_2() -> Iterator[None]:
    """Wednesday 2 December 2026, 07:00 in New York: the script's dates (Dec 3 and 4) are ahead."""
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=True):
        yield


def messages(text: str) -> list[tuple[str, str]]:
    """Every message the transcript shows: (its label line, its body)."""
    parts = re.split(r"^(PLC Bot · [^\n]*)$", text, flags=re.MULTILINE)
    return [(parts[i], parts[i + 1].split("\n#grade")[0]) for i in range(1, len(parts) - 1, 2)]


def between(text: str, start: str, end: str) -> str:
    first = text.index(start)
    return text[first:text.index(end, first + len(start))]


@pytest.mark.usefixtures("december_2")
def test_cycle_example_plans_measures_reviews_and_shares_what_worked() -> None:
    text = run_example("sandbox-cycle.txt")
    assert "There is no button" not in text and "The sandbox has no command" not in text
    assert "The form was not accepted" not in text

    form = between(text, "PLC Bot · opened a form: Action plan", "↳ you submitted “Action plan”")
    assert "*4.NF.1*: 3 students below 70 % (their mean 50.0%)" in form
    assert "*4.NF.2*: 3 students below 70 % (their mean 46.7%)" in form
    assert "*Extension group*: 2 students at or above 90 % (their mean 95.0%)" in form
    assert not any(student in form for student in STUDENTS)

    assert ("*Action plan for Unit 3 quiz* by @you: 2 groups, 2 owners, re-check at the next assessment that "
            "covers its standard.") in text
    shown = messages(text)
    ayse = [body for label, body in shown if label.endswith("direct message to @ayse")]
    assert "  • Ada: 40.0%\n  • Efe: 50.0%\n  • Ben: 60.0%\n" in ayse[0] and "Cem" not in ayse[0]
    maria = [body for label, body in shown if label.endswith("direct message to @maria")]
    assert "  • Ada: 30.0%\n  • Cem: 50.0%\n  • Efe: 60.0%\n" in maria[0] and "Ben" not in maria[0]

    # The owners' reminders on their dates.
    assert "Sandbox clock: Thu, Dec 3, 2026, 9:00 AM" in text and "Sandbox clock: Fri, Dec 4, 2026, 9:00 AM" in text
    assert any("Commitment due today" in body for body in ayse[1:2])

    # Unit 4 quiz measures both groups: aggregates in the channel, each owner's students privately.
    assert ("• 4.NF.1, small-group reteach with number lines, 2 students: 2 now at or above 70 %, +25 points; the "
            "rest of the team's students ±0 points (1 not in Unit 4 quiz)") in text
    assert ("• 4.NF.2, fraction strips in pairs, 2 students: 1 now at or above 70 %, +30 points; the rest of the "
            "team's students −3 points (1 not in Unit 4 quiz)") in text
    result = next(body for body in ayse if "Your group's result" in body)
    assert "mean 50.0% → 75.0% (+25 points)" in result
    assert "• Ada: 40.0% → 70.0%\n  • Ben: 60.0% → 80.0%\n  Not in Unit 4 quiz (not counted): Efe" in result
    assert "Show my name" in result

    # The next meeting opens with the results and a "Did our plan work?" item.
    meeting = between(text, "PLC meeting: Grade 4 Math, Tuesday, December 8", "Sandbox clock: Tue, Dec 8")
    assert "*Did our plan work?* (2)" in meeting and "◦ *1. Did our plan work?* (5 min · Team)" in meeting
    assert "(due Thu, Dec 3): ✅ done, measured on Unit 4 quiz: 2 of 2 now at or above 70 %, +25 points" in meeting

    # Another team's channel: what worked for 4.NF.2, by words too.
    worked = between(text, "#grade5-math-plc (you)> /plc worked 4.NF.2", "#grade5-math-plc (you)> /plc worked fr")
    assert "*What worked in this school* for *4.NF.2* (1)" in worked
    assert "• *4.NF.2* · fraction strips in pairs (Peer tutoring): 2 students, +30 points" in worked
    assert "Grade 4 Math (#grade4-math-plc)" in worked
    assert "*What worked in this school* for *fraction* (1)" in text

    # Nothing everyone can see names a student: only DMs and "only visible to you" replies do.
    public = [body for label, body in shown if "direct message" not in label and "only visible" not in label]
    assert len(public) > 10
    for body in public:
        assert not any(re.search(rf"\b{student}\b", body) for student in STUDENTS), body
