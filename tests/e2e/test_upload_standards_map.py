"""Items to standards end to end: a map in the upload form, `/plc data map` in English and Turkish,
and a wrong map that stores nothing. Signed HTTP against the Slack emulator, as in test_upload.py.

Every figure is computed by hand in the comments above the data.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.devtools.slack_requests import values_for
from bot.i18n import catalog
from storage.models import Assessment, AssessmentResult
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_upload import (
    NAME,
    OUTSIDER,
    SECOND,
    channel_posts,
    ephemerals,
    open_upload,
    result_rows,
    summary_after,
    upload,
    wait_for_dms,
)
from tests.e2e.test_upload_turkish import percent, turkish_team

EN, TR = catalog("en"), catalog("tr")

# SECOND's own sheet: no standards row. With "Q1-Q2 4.NF.1; Q3 4.NF.2":
# 4.NF.1 = Liam 2+1, Emma 1+0 = 4 of 8 = 50.0 %; below 70 %: Emma (1 of 4) -> 1 below.
# 4.NF.2 = Liam 0, Emma 1 = 1 of 4 = 25.0 %; below: Liam (0 %), Emma (50 %) -> 2 below.
SHEET = b"Student,Q1,Q2,Q3\nMax points,2,2,2\nLiam Brown,2,1,0\nEmma Davis,1,0,1\n"
SHEET_MAP = "Q1-Q2 4.NF.1; Q3 4.NF.2"
# The facilitator's long table names Q1 and Q2's standards but not Q3's. With
# "Q1 4.NF.1; Q2 4.NF.3; Q3 4.NF.2": Q1 agrees, Q2's own 4.NF.2 is kept (the file wins), Q3 is filled.
# Combined: 4.NF.1 = SECOND 4/8 + Zeynep 2, Oliver 0 = 6 of 12 = 50.0 %; below: Emma 25 %, Oliver 0 % -> 2.
# 4.NF.2 = SECOND Q3 1/4 + Q2 (Zeynep 2, Oliver 1) + Q3 (Zeynep 1, Oliver 2) = 7 of 12 = 58.3 %;
# below: Liam 0 %, Emma 50 % (Zeynep 3/4, Oliver 3/4 are 75 %) -> 2.
LONG = (b"student,item,standard,score,max points\n"
        b"Zeynep Kaya,Q1,4.NF.1,2,2\nZeynep Kaya,Q2,4.NF.2,2,2\nZeynep Kaya,Q3,,1,2\n"
        b"Oliver Smith,Q1,4.NF.1,0,2\nOliver Smith,Q2,4.NF.2,1,2\nOliver Smith,Q3,,2,2\n")
LONG_MAP = "Q1 4.NF.1; Q2 4.NF.3; Q3 4.NF.2"


def standards_of(app: RunningApp, name: str = NAME) -> dict[tuple[str, str], str | None]:
    """(teacher, item) -> the stored standard (the same for each student of that upload)."""
    frame = app.plc.services.assessments.team_results(1, name)
    return {(str(t), str(i)): s for t, i, s in frame[["teacher", "item", "standard"]].itertuples(index=False)}


def command(app: RunningApp, text: str, user_id: str = SECOND) -> str:
    return app.slack.slash_command("/plc", text, user_id=user_id, channel_id=CHANNEL).json()["text"]


def test_a_map_in_the_form_gives_items_standards_and_data_map_changes_them_later(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    posts = len(channel_posts(app))
    upload(app, SECOND, SHEET, upload_covers=SHEET_MAP)
    summary = summary_after(app, posts)
    assert "• 4.NF.1: 50.0% (1 below)" in summary and "• 4.NF.2: 25.0% (2 below)" in summary
    assert "Standards from the map for the items Q1, Q2, Q3." in summary
    assert "Liam" not in summary and "Emma" not in summary
    wait_for_dms(app, 1)

    posts = len(channel_posts(app))
    upload(app, FACILITATOR, LONG, upload_covers=LONG_MAP)
    combined = summary_after(app, posts)
    assert "• 4.NF.1: 50.0% (2 below)" in combined and "• 4.NF.2: 58.3% (2 below)" in combined
    assert "4.NF.3" not in combined.split("Standards from the map")[0]  # the file's own 4.NF.2 was kept for Q2
    assert "Standards from the map for the items Q3." in combined
    assert "The file's own standard was kept for Q2, where the map gave another." in combined
    wait_for_dms(app, 2)
    assert standards_of(app) == {(SECOND, "Q1"): "4.NF.1", (SECOND, "Q2"): "4.NF.1", (SECOND, "Q3"): "4.NF.2",
                                 (FACILITATOR, "Q1"): "4.NF.1", (FACILITATOR, "Q2"): "4.NF.2",
                                 (FACILITATOR, "Q3"): "4.NF.2"}

    # Only the team's people may change the map; a wrong map changes nothing.
    refused = command(app, f"data map {NAME}: Q3 4.NF.3", user_id=OUTSIDER)
    assert refused == f"Sorry, only the members of this team can change the standards of *{NAME}*."
    wrong = command(app, f"data map {NAME}: Q3-Q4 4.NF.3")
    assert wrong == ("Q3-Q4 includes item 4, but the results have no such item. "
                     "Their items are: Q1, Q2, Q3.")
    missing = command(app, "data map Unit 9: Q1 4.NF.1")
    assert missing == "This team has no assessment named *Unit 9*. `/plc data` lists them."
    assert command(app, f"data map {NAME}") == EN.t("upload.map.usage")
    assert standards_of(app)[(SECOND, "Q3")] == "4.NF.2"

    # Q3 tests 4.NF.3 after all: both teachers' rows change (2 students each), the file's own standard too.
    done = command(app, f"data map {NAME} Q3 4.NF.3")  # the team's name is recognised without a colon
    assert done == (f"*{NAME}*: the map gave its standards to the items Q3 (result rows changed: 4, in uploads: 2). "
                    "The team sees them in the next analysis.")
    assert standards_of(app)[(SECOND, "Q3")] == "4.NF.3" and standards_of(app)[(FACILITATOR, "Q3")] == "4.NF.3"

    # The next analysis reads them: the same file again stores nothing but shows the team's summary.
    # 4.NF.2 = Zeynep 2, Oliver 1 = 3 of 4 = 75.0 %, below: Oliver -> 1.
    # 4.NF.3 = Liam 0, Emma 1, Zeynep 1, Oliver 2 = 4 of 8 = 50.0 %; below: Liam, Emma, Zeynep -> 3.
    posts = len(channel_posts(app))
    upload(app, FACILITATOR, LONG)
    again = summary_after(app, posts)
    assert "uploaded the same file again" in again
    assert "• 4.NF.1: 50.0% (2 below)" in again and "• 4.NF.2: 75.0% (1 below)" in again
    assert "• 4.NF.3: 50.0% (3 below)" in again and "Standards from the map" not in again


def test_a_map_naming_an_item_the_file_lacks_stores_nothing(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    upload(app, SECOND, SHEET, filename="quiz.csv", upload_covers="Q1-Q4 4.NF.1")
    message = wait_until(lambda: next(iter(ephemerals(app, SECOND)), None))["text"]
    assert message == ("Nothing from quiz.csv was stored, because of the standards map in the form: "
                       "Q1-Q4 includes item 4, but the results have no such item. Their items are: Q1, Q2, Q3.")
    assert result_rows(app) == 0
    with app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
    assert not any(NAME in m["text"] for m in channel_posts(app))


def test_a_map_that_cannot_be_read_is_shown_under_its_field_before_anything_is_queued(running_app: RunningApp) -> None:
    app = running_app
    register_team(app)
    file = app.emulator.add_file("quiz.csv", SHEET, user_id=SECOND)
    view = open_upload(app, SECOND)
    answers = {"upload_file": [file], "upload_name": NAME, "upload_covers": "Q3-Q1 4.NF.1"}
    body = app.slack.view_submission(view, values_for(view, answers), user_id=SECOND).json()
    assert body == {"response_action": "errors", "errors": {"upload_covers": (
        "I cannot read the range “Q3-Q1”: a range goes up and keeps one item word, like Q1-Q5 or S1-S5.")}}
    assert app.emulator.calls_to("file_download") == [] and result_rows(app) == 0
    # A unit's description is no map: it is stored as before, and maps nothing.
    posts = len(channel_posts(app))
    upload(app, SECOND, SHEET, upload_covers="Unit 3: 4.NF.1-4.NF.4")
    summary = summary_after(app, posts)
    assert "• (none)" in summary and "Standards from the map" not in summary
    assert set(standards_of(app).values()) == {None}
    assert "— Unit 3: 4.NF.1-4.NF.4" in command(app, "data")


# A Turkish teacher's sheet: "Soru 1".."Soru 3", no kazanım row. With "S1-S2 M.4.1.6.1; S3 M.4.1.6.2":
# M.4.1.6.1 = Ayşe 2+2, Emre 1+0 = 5 of 8 = 62,5 %; below 70 %: Emre (1 of 4) -> 1.
# M.4.1.6.2 = Ayşe 2, Emre 0 = 2 of 4 = 50,0 %; below: Emre -> 1.
TR_SHEET = "Öğrenci,Soru 1,Soru 2,Soru 3\nTam puan,2,2,2\nAyşe Yılmaz,2,2,2\nEmre Şahin,1,0,0\n".encode()
TR_NAME = "Kesirler ortak sınavı"


def test_a_turkish_team_maps_items_in_the_form_and_with_data_map(running_app: RunningApp) -> None:
    app = running_app
    turkish_team(app)
    posts = len(channel_posts(app))
    upload(app, SECOND, TR_SHEET, name=TR_NAME, upload_covers="S1-S2 M.4.1.6.1; S3 M.4.1.6.2")
    summary = wait_until(lambda: next((m["text"] for m in channel_posts(app)[posts:] if TR_NAME in m["text"]), None))
    assert TR.t("upload.summary.standard", standard="M.4.1.6.1", percent=percent("62,5"), below=1) in summary
    assert TR.t("upload.summary.standard", standard="M.4.1.6.2", percent=percent("50,0"), below=1) in summary
    assert "Eşlemeden kazanım alan sorular: Soru 1, Soru 2, Soru 3." in summary

    # A bad range, then a quoted name; the replies are the Turkish catalog's.
    bad = command(app, f'data map "{TR_NAME}" S3-S1 M.4.1.6.3')
    assert bad == ("“S3-S1” aralığını okuyamıyorum: aralık artarak gider ve tek bir soru sözcüğü kullanır, "
                   "ör. S1-S5 ya da 1-5.")
    assert command(app, f'data map "{TR_NAME}" ünite 3') == TR.t("upload.map.not_a_map", text="ünite 3")
    done = command(app, f'data map "{TR_NAME}" Soru 3 M.4.1.6.3')
    assert done == (f"*{TR_NAME}*: eşleme şu sorulara kazanımlarını verdi: Soru 3 (değişen sonuç satırı: 2, "
                    "yükleme: 1). Ekip bunları bir sonraki analizde görecek.")
    assert standards_of(app, TR_NAME) == {(SECOND, "Soru 1"): "M.4.1.6.1", (SECOND, "Soru 2"): "M.4.1.6.1",
                                          (SECOND, "Soru 3"): "M.4.1.6.3"}
    with app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AssessmentResult)) == 6
