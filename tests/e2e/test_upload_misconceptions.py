"""Misconceptions in the channel summary, end to end (signed HTTP + the Slack emulator), in English and Turkish.

The upload is the hand-computed table of tests/assessments/answers_fixtures.py: Q1 33.3 % (2 of the 4 who
missed it chose B, key A, 1 left it blank), Q2 60 % (a B/D tie: B), Q3 80 % (1 of 1 chose A). The
channel gets counts only; the names stay out of every channel message.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.i18n import catalog
from tests.assessments.answers_fixtures import STUDENTS, answers_csv
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import channel_posts, upload
from tests.e2e.test_upload_turkish import assert_no_english

SECOND = "U0TEACH03"
NAME = "Fractions CFA"


def summary_lines(app: RunningApp, posts: int) -> list[str]:
    text = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if NAME in m["text"]), None))
    return text.splitlines()


def assert_no_names_in_channel(app: RunningApp) -> None:
    for message in app.emulator.messages(CHANNEL):
        if message.get("ephemeral_to"):
            continue
        shown = (message.get("text") or "") + json.dumps(message.get("blocks") or [], ensure_ascii=False)
        for student in STUDENTS:
            assert student not in shown and student.split()[0] not in shown


def section(lines: list[str], heading: str) -> list[str]:
    at = lines.index(heading)
    return lines[at + 1:at + 4]


def test_the_channel_summary_names_the_wrong_answer_most_chosen(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    content = answers_csv(tmp_path).read_bytes()
    upload(app, SECOND, content, filename="answers.csv", name=NAME)
    lines = summary_lines(app, posts)
    assert section(lines, "*Most missed items* (percent of points; the wrong answer most chosen):") == [
        "• Q1 (4.NF.1): 33.3%; 2 of 4 who missed it chose B (key: A); 1 left it blank",
        "• Q2 (4.NF.2): 60.0%; 1 of 2 who missed it chose B (key: C)",
        "• Q3 (4.NF.2): 80.0%; 1 of 1 who missed it chose A (key: D)",
    ]
    assert_no_names_in_channel(app)
    # The stored rows give the same figures again (as a later re-analysis would).
    frame = app.plc.services.assessments.team_results(1, NAME)
    assert frame.loc[(frame["student"] == "Ben Okri") & (frame["item"] == "Q1"), ["answer", "key"]].values.tolist() \
        == [["B", "A"]]


def test_a_turkish_team_reads_the_misconceptions_in_turkish(running_app: RunningApp, tmp_path: Path) -> None:
    app = running_app
    register_team(app, team_name="4. Sınıf Matematik", team_language="tr")
    tr = catalog("tr")
    posts = len(channel_posts(app))
    upload(app, SECOND, answers_csv(tmp_path, turkish=True).read_bytes(), filename="cevaplar.csv", name=NAME)
    lines = summary_lines(app, posts)
    assert section(lines, tr.t("upload.summary.misconceptions")) == [
        "• Q1 (4.NF.1): %33,3; yanlış yapan 4 öğrenciden 2 öğrenci B seçeneğini işaretledi (doğru cevap: A); "
        "1 öğrenci boş bıraktı",
        "• Q2 (4.NF.2): %60,0; yanlış yapan 2 öğrenciden 1 öğrenci B seçeneğini işaretledi (doğru cevap: C)",
        "• Q3 (4.NF.2): %80,0; yanlış yapan 1 öğrenciden 1 öğrenci A seçeneğini işaretledi (doğru cevap: D)",
    ]
    assert_no_english("\n".join(lines))
    assert_no_names_in_channel(app)


def test_without_answers_the_summary_has_no_misconception_section(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    upload(app, SECOND, b"student,item,standard,score,max points\nAda,Q1,4.NF.1,0,1\nBen,Q1,4.NF.1,1,1\n",
           name=NAME)
    lines = summary_lines(app, posts)
    assert not any(line.startswith("*Most missed items*") for line in lines)
    assert "Students: 2 · with no scored item: 0" in lines
