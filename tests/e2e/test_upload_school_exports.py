"""School tools' exports through `/plc upload`: ZipGrade's CSV and a Google Classroom gradebook."""

from __future__ import annotations

from pathlib import Path

from bot.devtools.slack_requests import static_select_value
from bot.i18n import catalog
from tests.assessments import school_exports
from tests.conftest import RunningApp
from tests.e2e.helpers import register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import NAME, SECOND, channel_posts, ephemerals, result_rows, upload
from tests.e2e.test_upload_choices import press_read, question_for, stored_items, summary_of


def test_a_zipgrade_export_is_stored_one_row_per_paper_and_question(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    path = school_exports.zipgrade_full(tmp_path)
    upload(app, SECOND, path.read_bytes(), filename=path.name)
    summary_of(app, NAME)
    assert result_rows(app) == 4 * 5  # four papers (Jean's twice), five questions
    assert stored_items(app) == {("Q1", 1.0), ("Q2", 1.0), ("Q3", 1.0), ("Q4", 2.0), ("Q5", 1.0)}


def test_a_zipgrade_export_with_a_bad_points_cell_is_refused(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    path = school_exports.zipgrade_full(tmp_path, bad_points="bir")
    upload(app, SECOND, path.read_bytes(), filename=path.name)
    message = wait_until(lambda: next(iter(ephemerals(app, SECOND)), None))["text"]
    assert message == catalog("en").t("assessments_read.errors.not_a_number", file=path.name, row=3,
                                      column="Points2", value="bir")
    assert result_rows(app) == 0
    assert not any(NAME in m["text"] for m in channel_posts(app))


def test_a_classroom_gradebook_asks_which_assignment_and_reads_it(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    path = school_exports.google_classroom(tmp_path)
    upload(app, SECOND, path.read_bytes(), filename=path.name)
    question = question_for(app, SECOND)
    actions = next(b for b in question["blocks"] if b["type"] == "actions")
    menu = next(e for e in actions["elements"] if e["type"] == "static_select")
    titles = ["Fractions Quiz", "Decimals Exit Ticket", "Unit 3 Test"]
    assert [o["value"] for o in menu["options"]] == titles
    assert result_rows(app) == 0
    press_read(app, question, SECOND, static_select_value(titles[2], titles[2]))
    summary_of(app, NAME)
    assert stored_items(app) == {("Unit 3 Test", 20.0)}
    assert result_rows(app) == 4  # Maya, Leo (listed twice), Işıl
