"""A ZipGrade export through `/plc upload`: a bad Points cell is refused with row and column, nothing stored."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import catalog
from tests.assessments import school_exports
from tests.conftest import RunningApp
from tests.e2e.helpers import register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import NAME, SECOND, channel_posts, ephemerals, result_rows, upload


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
