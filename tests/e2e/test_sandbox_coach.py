"""examples/sandbox-coach.txt: an admin names a coach, the coach's Home and Details, the exports, and a member's
own portfolio (and nobody else's), with no student name anywhere but the members' own lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.e2e.helpers import run_example
from tests.e2e.test_sandbox_cycle import between
from tests.plans.data import STUDENTS


@pytest.fixture
def december_2() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=True):
        yield


@pytest.mark.usefixtures("december_2")
def test_coach_example_names_a_coach_shows_teams_and_sends_files() -> None:
    text = run_example("sandbox-coach.txt")
    assert "There is no button" not in text and "The sandbox has no command" not in text
    assert "answered with HTTP" not in text and "The form was not accepted" not in text

    assert "@selin (Selin Aydın), timezone Europe/Istanbul, not in #grade4-math-plc, workspace admin" in text
    refused = between(text, "(you)> /plc coach add @maria", "(you)> :as selin")
    assert "Only a workspace admin or owner can name or remove coaches." in refused
    assert "Coach named: • @maria: every team (weekly digest on)" in text

    home = between(text, "(maria)> :home", "(maria)> 7")
    assert home.index("Teams you support") < home.index("Your PLC work")
    grade_4 = between(home, "*Grade 4 Math* · #grade4-math-plc\n  Meetings", "[7] Details")
    # Unit 4 quiz is dated Dec 7, after today (Dec 2): only Unit 3 quiz counts as reviewed so far.
    assert "Norms: set · SMART goal: none · Assessments reviewed: 1" in grade_4
    assert "Plan groups: 1 planned, 1 measured (+30 points) · Commitments: 1 done, 0 open, 0 overdue" in grade_4
    assert "*Grade 5 Math* · #grade5-math-plc" in home

    details = between(text, "(maria)> 7", "(maria)> /plc coach export")
    assert "Form: Team details" in details and "(Nothing to fill in: you read it and close it.)" in details
    assert "direct message to @maria\n  *Grade 4 Math*: the SMART goal over the term" in details
    assert "File: plc-coach-export-2026-12-02.csv" in text and "File: plc-coach-export-2026-12-02.pdf" in text
    assert "File: plc-portfolio-2026-12-02.md" in text
    assert "Nobody can make another member's portfolio" in between(text, "(you)> /plc portfolio @maria",
                                                                  "(you)> /plc data delete Unit 3 quiz")
    # Unit 3 quiz deleted: its plan and student lists go, Maria's portfolio still counts her cycle.
    deleted = between(text, "(you)> /plc data delete Unit 3 quiz", "(you)> :as maria")
    assert "*Unit 3 quiz* and all its results were deleted. Its action plan and the list of students of its " \
           "1 plan group went with it" in deleted
    after = between(text, "(maria)> /plc portfolio\n", "Sandbox closed.")
    assert "(inquiry cycles: 1, commitments: 1, reflections: 0)" in after
    assert "File: plc-portfolio-2026-12-02.md" in after
    coach_part = between(text, "(selin)> /plc coach add @maria", "(you)> /plc portfolio @maria")
    assert not any(re.search(rf"\b{student}\b", coach_part) for student in STUDENTS)
