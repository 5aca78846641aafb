"""The data-settings, growth and goal example runs in the sandbox as the README shows it."""

from __future__ import annotations

from tests.e2e.helpers import run_example


def test_data_example_changes_settings_shows_growth_and_goal_progress() -> None:
    text = run_example("sandbox-data.txt")
    assert "Intervention below 60% · extension from 85%" in text
    assert "Results are kept for 90 days after the assessment (the school year ends on Jun 15, 2027)." in text
    quiz = text[text.index("*Fractions quiz* (Nov 20, 2026): results updated by @you"):]
    summary = quiz[:quiz.index("PLC Bot · posted a file")]
    assert "• 4.NF.1: 50.0% → 100.0% (+50 points since Unit 2 check)" in summary
    assert "• 4.NF.2: 0.0% → 50.0% (+50 points since Unit 2 check)" in summary
    assert "*Team goal*" not in summary  # the goal is set after this upload
    assert "Ayşe" not in summary and "Mehmet" not in summary
    report = text[text.rindex("*By Jun 1, 2027, 80% of our students proficient (at or above 60%) on 4.NF.1, 4.NF.2.*"):]
    assert "• Unit 2 check (Oct 20, 2026): 0% (0 of 2 students)" in report
    assert "• Fractions quiz (Nov 20, 2026): 50% (1 of 2 students)" in report
    assert "Latest result: 50%: 30 points to go" in report
    assert "• *Fractions quiz* (Nov 20, 2026) — Unit 3: fractions: @you (4 rows); kept until Feb 17, 2027" in text
