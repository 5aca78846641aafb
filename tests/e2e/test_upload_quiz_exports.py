"""A Kahoot! report and a Microsoft Forms quiz uploaded through Slack: aggregates in the channel, a bad
report refused with its row and column and nothing stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from storage.models import Assessment
from tests.assessments import quiz_exports
from tests.conftest import RunningApp
from tests.e2e.helpers import register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import SECOND, channel_posts, ephemerals, result_rows, summary_after, upload


def test_a_kahoot_report_is_summarised_without_the_players_names(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    upload(app, SECOND, quiz_exports.kahoot_report(tmp_path).read_bytes(), filename="Fractions.xlsx")
    summary = summary_after(app, posts)
    assert "Students: 4" in summary
    assert not any(player in summary for player in quiz_exports.KAHOOT_ANSWERS)
    wait_until(lambda: result_rows(app) or None)
    assert result_rows(app) == 12  # 4 players x 3 questions; the poll is not stored


def test_a_microsoft_forms_quiz_is_summarised(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    upload(app, SECOND, quiz_exports.microsoft_forms(tmp_path).read_bytes(), filename="Fractions quiz.xlsx")
    summary = summary_after(app, posts)
    assert "Students: 3" in summary
    assert not any(name in summary for name in ("Ada", "Ben", "Cem"))


def test_a_bad_kahoot_report_is_explained_and_nothing_is_stored(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    path = quiz_exports.kahoot_report(tmp_path, raw_rows=quiz_exports.kahoot_raw_rows(verdict="Maybe"))
    upload(app, SECOND, path.read_bytes(), filename="bad kahoot.xlsx")
    message = wait_until(lambda: next(iter(ephemerals(app, SECOND)), None))["text"]
    assert "bad kahoot.xlsx" in message and "row 4" in message and '"Correct / Incorrect"' in message
    assert '"Maybe"' in message
    assert result_rows(app) == 0
    with app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
