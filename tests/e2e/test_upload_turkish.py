"""A Turkish team's upload end to end: every text it gets is the Turkish catalog's, and no English line leaks in.

The app runs over signed HTTP against the Slack emulator, as in test_upload.py; the expected texts are rendered
from `catalog("tr")` with hand-computed figures, so a missing translation or a hard-coded English line fails here.
"""

from __future__ import annotations

import re
import string
from datetime import date
from typing import Any

from bot.i18n import catalog
from tests.conftest import RunningApp
from tests.e2e.helpers import FACILITATOR, register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import channel_posts, ephemerals, open_upload, result_rows, upload

TR, EN = catalog("tr"), catalog("en")
SECOND = "U0TEACH03"
NAME = "Kesirler ortak sınavı"
TAKEN_ON = "2026-11-20"

# A tidy long table with Turkish headers (UTF-8): öğrenci, madde, kazanım, puan, tam puan.
# Ayşe 4/4 = 100 % (zenginleştirme), Emre 1/4 = 25 % (destek), Işıl 3/4 = 75 % (yolunda), Gökhan has no score.
# M.4.1.6.1 (S1): 5/6 = 83,3 %, below 70: Emre (1/2); M.4.1.6.2 (S2): 3/6 = 50,0 %, below: Emre (0/2), Işıl (1/2).
# Teacher mean of student percents: (100 + 25 + 75) / 3 = 66,7 %.
LONG_CSV = """öğrenci,madde,kazanım,puan,tam puan
Ayşe Yılmaz,S1,M.4.1.6.1,2,2
Ayşe Yılmaz,S2,M.4.1.6.2,2,2
Emre Şahin,S1,M.4.1.6.1,1,2
Emre Şahin,S2,M.4.1.6.2,0,2
Işıl Öztürk,S1,M.4.1.6.1,2,2
Işıl Öztürk,S2,M.4.1.6.2,1,2
Gökhan Ünal,S1,M.4.1.6.1,,2
Gökhan Ünal,S2,M.4.1.6.2,,2
""".encode()
STUDENTS = ("Ayşe Yılmaz", "Emre Şahin", "Işıl Öztürk", "Gökhan Ünal", "İsmail Şahin", "Çağrı Güneş")


def turkish_team(app: RunningApp) -> None:
    register_team(app, team_name="4. Sınıf Matematik", team_language="tr")


def literal_fragments(key: str) -> list[str]:
    """The fixed English words of a catalog text (the parts between placeholders) that no Turkish text holds."""
    value = EN.raw(key)
    values = value if isinstance(value, list) else [value]
    fragments = []
    for item in values:
        for literal, *_ in string.Formatter().parse(str(item)):
            piece = literal.strip(" *•:()\n\".,;")
            if len(re.findall(r"[A-Za-z]", piece)) >= 6 and " " in piece:
                fragments.append(piece)
    return fragments


ENGLISH_LINES = sorted({fragment for prefix in ("upload.", "assessments_read.", "assessments.")
                        for key in EN.all_keys() if key.startswith(prefix)
                        for fragment in literal_fragments(key)})


def assert_no_english(text: str) -> None:
    leaked = [fragment for fragment in ENGLISH_LINES if fragment in text]
    assert leaked == [], f"English catalog text in a Turkish team's message: {leaked}"


def percent(value: str) -> str:
    return TR.t("assessments.percent", value=value)


def test_a_turkish_team_gets_turkish_summary_lists_and_chart(running_app: RunningApp) -> None:
    app = running_app
    turkish_team(app)
    assert len(ENGLISH_LINES) > 20  # the leak check has something to look for
    assert EN.t("upload.summary.private_note").rstrip(".") in ENGLISH_LINES

    # The form itself is Turkish.
    view = open_upload(app, SECOND)
    assert view["title"]["text"] == TR.t("upload.title") and view["submit"]["text"] == TR.t("upload.submit")
    labels = [block["label"]["text"] for block in view["blocks"] if block.get("type") == "input"]
    assert labels[0] == TR.t("upload.fields.file") and TR.t("upload.fields.name") in labels

    posts = len(channel_posts(app))
    reply = upload(app, SECOND, LONG_CSV, filename="sonuçlar.csv", name=NAME, upload_date=TAKEN_ON)
    assert reply.status_code == 200 and reply.text == ""

    summary = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if NAME in m["text"]), None))
    lines = summary.splitlines()
    below, from_ = percent("70"), percent("90")
    assert lines[0] == TR.t("upload.summary.title_dated", name=NAME, date=TR.date(date(2026, 11, 20)),
                            teacher=SECOND)
    expected = [
        TR.t("upload.summary.students", count=3, missing=1),
        TR.t("upload.summary.groups", below=below, from_=from_, intervention=1, on_track=1, extension=1),
        TR.t("upload.summary.standards", below=below),
        TR.t("upload.summary.standard", standard="M.4.1.6.1", percent=percent("83,3"), below=1),
        TR.t("upload.summary.standard", standard="M.4.1.6.2", percent=percent("50,0"), below=2),
        TR.t("upload.summary.teachers"),
        TR.t("upload.summary.teacher", teacher=SECOND, students=3, mean=percent("66,7")),
        TR.t("upload.summary.private_note"),
    ]
    assert [line for line in lines[1:] if line] == expected
    assert "Öğrenci: 3 · puanlanmış maddesi olmayan: 1" in summary and "• M.4.1.6.1: %83,3" in summary
    assert not any(student in summary for student in STUDENTS)
    assert_no_english(summary)

    # The uploader's own students, privately, in Turkish.
    own = wait_until(lambda: next((m["text"] for m in ephemerals(app, SECOND) if NAME in m["text"]), None))
    assert own == "\n".join([
        TR.t("upload.private.yours", name=NAME),
        TR.t("upload.private.intervention", below=below, names="Emre Şahin"),
        TR.t("upload.private.extension", from_=from_, names="Ayşe Yılmaz"),
        TR.t("upload.private.missing", names="Gökhan Ünal"),
    ])
    assert own.startswith(f"*{NAME}*: sizin öğrencileriniz")
    assert EN.t("upload.private.yours", name=NAME) not in own  # the English heading is absent
    assert_no_english(own)

    # The facilitator's DM and the chart's comment are Turkish too.
    dm = wait_until(lambda: next((m["text"] for m in app.emulator.messages(FACILITATOR) if NAME in m["text"]), None))
    assert dm.splitlines()[0] == TR.t("upload.private.team", name=NAME)
    assert "Emre Şahin" in dm
    assert_no_english(dm)
    wait_until(lambda: app.emulator.uploaded_files() or None)
    assert app.emulator.uploaded_files()[-1]["initial_comment"] == TR.t("upload.summary.chart_comment", name=NAME)
    assert result_rows(app) == 8


def test_a_bad_file_is_explained_in_turkish(running_app: RunningApp) -> None:
    app = running_app
    turkish_team(app)
    bad = "öğrenci,madde,puan,tam puan\nEmre Şahin,S1,5,2\n".encode()
    upload(app, SECOND, bad, filename="hatalı.csv", name=NAME)
    message = wait_until(lambda: next(iter(ephemerals(app, SECOND)), None))["text"]
    assert message == TR.t("assessments_read.errors.above_max", file="hatalı.csv", row=2, column="puan", value="5",
                           max=2)
    assert "tam puan olan 2 puandan yüksek" in message
    assert EN.t("assessments_read.errors.above_max", file="hatalı.csv", row=2, column="puan", value="5",
                max=2) != message
    assert_no_english(message)
    assert result_rows(app) == 0
    assert not any(NAME in m["text"] for m in channel_posts(app))

    # A damaged workbook: the Turkish text for it, with the file's name.
    upload(app, SECOND, b"PK\x03\x04bozuk", filename="bozuk.xlsx", name=NAME)
    broken = wait_until(lambda: next((m["text"] for m in ephemerals(app, SECOND) if "bozuk.xlsx" in m["text"]),
                                     None))
    assert broken == TR.t("assessments_read.errors.corrupt_workbook", file="bozuk.xlsx")
    assert_no_english(broken)
    assert result_rows(app) == 0


def test_windows_1254_semicolon_csv_with_decimal_commas_goes_through(running_app: RunningApp) -> None:
    """Excel's Turkish CSV: Windows-1254, `;` separated, decimal commas, a Tam Puan row and an Ortalama row."""
    app = running_app
    turkish_team(app)
    rows = [
        ["Ad Soyad", "Soru 1", "Soru 2", "Toplam"],
        ["Tam Puan", "2", "3,5", "5,5"],
        ["Ayşe Yılmaz", "1,5", "3", "4,5"],  # 4,5 / 5,5 = 81,8 %: yolunda
        ["İsmail Şahin", "2", "3,5", "5,5"],  # 100 %: zenginleştirme
        ["Çağrı Güneş", "0", "", "0"],  # 0 / 2 = 0 % (Soru 2 blank: missing): destek
        ["Ortalama", "1,17", "3,25", "3,33"],  # a summary row: skipped, with a warning
    ]
    content = "\r\n".join(";".join(row) for row in rows).encode("cp1254") + b"\r\n"
    assert "İ".encode("cp1254") in content and b"\xdd" in content  # really Windows-1254, not UTF-8
    filename = "4A_kesirler_sınavı.csv"
    posts = len(channel_posts(app))
    upload(app, SECOND, content, filename=filename, name=NAME)

    summary = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if NAME in m["text"]), None))
    assert TR.t("upload.summary.students", count=3, missing=0) in summary.splitlines()
    assert TR.t("upload.summary.groups", below=percent("70"), from_=percent("90"), intervention=1, on_track=1,
                extension=1) in summary.splitlines()
    # Soru 1 + Soru 2 have no standard; teacher mean (81,8 + 100 + 0) / 3 = 60,6 %.
    assert TR.t("upload.summary.teacher", teacher=SECOND, students=3, mean=percent("60,6")) in summary.splitlines()
    assert_no_english(summary)

    own = wait_until(lambda: next((m["text"] for m in ephemerals(app, SECOND) if NAME in m["text"]), None))
    assert own == "\n".join([
        TR.t("upload.private.yours", name=NAME),
        TR.t("upload.private.intervention", below=percent("70"), names="Çağrı Güneş"),
        TR.t("upload.private.extension", from_=percent("90"), names="İsmail Şahin"),
        TR.t("upload.private.missing", names=TR.t("upload.private.nobody")),
        "",
        TR.t("upload.private.warnings", file=filename),
        TR.t("upload.private.warning", message=TR.t("assessments_read.warnings.summary_row", file=filename, row=6)),
    ])
    assert_no_english(own)

    frame = app.plc.services.assessments.team_results(1, NAME)
    scores: dict[tuple[str, str], Any] = {(r.student, r.item): (r.score, r.max_points, r.status)
                                          for r in frame.itertuples()}
    assert scores[("Ayşe Yılmaz", "Soru 1")] == (1.5, 2.0, "scored")
    assert scores[("İsmail Şahin", "Soru 2")] == (3.5, 3.5, "scored")
    assert scores[("Çağrı Güneş", "Soru 2")][1:] == (3.5, "missing")
    assert len(frame) == 6 and "Ortalama" not in set(frame["student"])
    assert result_rows(app) == 6
