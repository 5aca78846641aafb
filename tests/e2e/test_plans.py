"""The inquiry cycle end to end, through signed HTTP and the Slack emulator: upload A, plan two groups from the
summary's button, the owners' DMs on their dates, upload B, each owner's private before/after, the channel's
aggregates, "Did our plan work?" opening the next meeting, and `/plc worked` from another team's channel.
Every number is the hand-computed truth of tests/plans/data.py. English and Turkish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select

from bot.devtools.slack_requests import values_for
from storage.models import ActionPlan, Commitment, PlanGroup
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, open_setup, register_team, submit_setup
from tests.e2e.test_meetings import dispatch, open_schedule, schedule_answers
from tests.e2e.test_meetings import wait_until as wait_briefly
from tests.plans.data import A_SCORES, B_SCORES, STUDENTS, long_csv

JAMES = "U0TEACH03"
WAIT = 20.0  # jobs chain here (an upload's job queues the measuring job): a busy machine takes its time
OTHER_CHANNEL = "C0PLC0002"
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Wednesday 12:00 in New York
B_DAY = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Texts:
    language: str
    saved: str
    owner_dm: str
    measured: tuple[str, ...]
    james_result: tuple[str, ...]
    facilitator_result: tuple[str, ...]
    agenda: tuple[str, ...]
    worked: tuple[str, ...]
    agenda_item: str


ENGLISH = Texts(
    "en",
    saved=("*Action plan for Unit 3 quiz* by <@U0TEACH02>: 2 groups, 2 owners, re-check at the next assessment "
           "that covers its standard.\n"
           "• 4.NF.1 (3 students): <@U0TEACH03>, small-group reteach with number lines (Small-group reteach), "
           "on Mon, Nov 30\n"
           "• 4.NF.2 (3 students): <@U0TEACH02>, fraction strips in pairs (Peer tutoring), on Tue, Dec 1\n"),
    owner_dm="*Your group in the action plan for Unit 3 quiz* (Grade 4 Math PLC): 4.NF.1, 3 students.",
    measured=(
        "*Did our plan work?* Unit 4 quiz re-checked the plan for Unit 3 quiz:",
        "• 4.NF.1, small-group reteach with number lines, 2 students: 2 now at or above 70 %, +25 points; "
        "the rest of the team's students ±0 points (1 not in Unit 4 quiz)",
        "• 4.NF.2, fraction strips in pairs, 2 students: 1 now at or above 70 %, +30 points; "
        "the rest of the team's students −3 points (1 not in Unit 4 quiz)",
    ),
    james_result=("Measured on Unit 4 quiz against Unit 3 quiz: 2 students, mean 50.0% → 75.0% (+25 points); "
                  "2 now at or above 70 %; the rest of the team's students ±0 points.",
                  "• Ada: 40.0% → 70.0%", "• Ben: 60.0% → 80.0%", "Not in Unit 4 quiz (not counted): Efe"),
    facilitator_result=("• Ada: 30.0% → 60.0%", "• Cem: 50.0% → 80.0%", "Not in Unit 4 quiz (not counted): Efe"),
    agenda=("*Did our plan work?* (2)",
            "• 4.NF.1 (<@U0TEACH03>, small-group reteach with number lines): 2 students, +25 points; 2 at or above "
            "70 %; rest of the team ±0 points"),
    worked=("*What worked in this school* for *4.NF.2* (1)",
            "• *4.NF.2* · fraction strips in pairs (Peer tutoring): 2 students, +30 points; 1 reached 70 %; rest of "
            "their team −3 points. Grade 4 Math PLC (<#C0PLC0001>), Tue, Dec 8"),
    agenda_item="Did our plan work?",
)
TURKISH = Texts(
    "tr",
    saved=("*Unit 3 quiz eylem planı* (<@U0TEACH02>): 2 grup, 2 sorumlu, yeniden ölçme kazanımı kapsayan bir "
           "sonraki değerlendirmede.\n"
           "• 4.NF.1 (3 öğrenci): <@U0TEACH03>, small-group reteach with number lines (Küçük grupta yeniden "
           "öğretim), 30 Kas Pzt tarihinde\n"),
    owner_dm="*Unit 3 quiz eylem planındaki grubunuz* (Grade 4 Math PLC): 4.NF.1, 3 öğrenci.",
    measured=(
        "*Planımız işe yaradı mı?* Unit 4 quiz, Unit 3 quiz planını yeniden ölçtü:",
        "• 4.NF.1, small-group reteach with number lines, 2 öğrenci: 2 tanesi artık %70 veya üzerinde, "
        "+25 puan; ekibin diğer öğrencileri ±0 puan (1 öğrenci Unit 4 quiz sonuçlarında yok)",
    ),
    james_result=("• Ada: %40,0 → %70,0", "Unit 4 quiz sonuçlarında olmayanlar (sayılmadı): Efe"),
    facilitator_result=("• Cem: %50,0 → %80,0",),
    agenda=("*Planımız işe yaradı mı?* (2)",),
    worked=("*Bu okulda işe yarayanlar*: *4.NF.2* (1)",
            "• *4.NF.2* · fraction strips in pairs (Akran öğretimi): 2 öğrenci, +30 puan; 1 tanesi %70 düzeyine "
            "ulaştı; ekiplerinin geri kalanı −3 puan. Grade 4 Math PLC (<#C0PLC0001>), 8 Ara Sal"),
    agenda_item="Planımız işe yaradı mı?",
)


def wait_until(probe: Any, timeout: float = WAIT) -> Any:
    return wait_briefly(probe, timeout)


def channel_posts(app: RunningApp, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [m for m in app.emulator.messages(channel) if not m.get("ephemeral_to") and not m.get("upload")]


def upload(app: RunningApp, user_id: str, content: bytes, name: str, day: str,
           channel: str = CHANNEL) -> dict[str, Any]:
    """Upload through /plc upload's form; the channel summary once the job is done."""
    before = len(channel_posts(app, channel))
    file = app.emulator.add_file("results.csv", content, user_id=user_id)
    forms = len(app.emulator.calls_to("views.open"))
    assert app.slack.slash_command("/plc", "upload", user_id=user_id, channel_id=channel).status_code == 200
    view = app.emulator.wait_for("views.open", count=forms + 1)[-1].response["view"]
    answers = {"upload_file": [file], "upload_name": name, "upload_date": day}
    assert app.slack.view_submission(view, values_for(view, answers), user_id=user_id).text == ""
    return wait_until(lambda: next((m for m in channel_posts(app, channel)[before:] if name in m["text"]), None))


def press(app: RunningApp, message: dict[str, Any], action_id: str, user_id: str, channel_id: str) -> None:
    actions = next(b for b in message["blocks"] if b.get("type") == "actions" and any(
        e["action_id"] == action_id for e in b["elements"]))
    button = next(e for e in actions["elements"] if e["action_id"] == action_id)
    reply = app.slack.block_actions([{"action_id": action_id, "block_id": actions["block_id"],
                                      "value": button.get("value", "")}],
                                    user_id=user_id, channel_id=channel_id, message=message)
    assert reply.status_code == 200


def dms(app: RunningApp, user_id: str, containing: str) -> list[str]:
    return [m["text"] for m in app.emulator.messages(user_id) if containing in (m.get("text") or "")]


def everything_said_in(app: RunningApp, channel: str) -> str:
    """Every message and every file comment that the channel (everybody in it) can see."""
    texts = [m.get("text") or "" for m in channel_posts(app, channel)]
    texts += [str(m.get("blocks") or "") for m in channel_posts(app, channel)]
    return "\n".join(texts)


def assert_no_student(text: str) -> None:
    found = [s for s in STUDENTS if s in text]
    assert not found, f"student names {found} in: {text}"


def run_cycle(app: RunningApp, texts: Texts) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(app, team_language=texts.language)
        schedule = open_schedule(app)  # Tuesdays at 15:30 in New York from December 1
        answers = schedule_answers(schedule_first_date="2026-12-01", schedule_skip_dates="")
        assert app.slack.view_submission(schedule, values_for(schedule, answers), user_id=FACILITATOR).text == ""
        summary = upload(app, FACILITATOR, long_csv(A_SCORES), "Unit 3 quiz", "2026-11-20")
        # The summary's button opens the plan: counts only, no name.
        forms = len(app.emulator.calls_to("views.open"))
        press(app, summary, "plan_open", FACILITATOR, CHANNEL)
        form = app.emulator.wait_for("views.open", count=forms + 1)[-1].response["view"]
        assert form["callback_id"] == "action_plan"
        assert_no_student(str(form))
        headings = [b["text"]["text"] for b in form["blocks"] if b.get("block_id", "").endswith("_heading")]
        assert len(headings) == 3 and headings[0].startswith("*4.NF.1*") and "3" in headings[0]
        # A past date is refused on its field, and nothing is stored.
        bad = app.slack.view_submission(form, values_for(form, {
            "plan_0_owner": JAMES, "plan_0_strategy": "reteach", "plan_0_when": "2026-11-24"}), user_id=FACILITATOR)
        assert bad.json()["response_action"] == "errors" and "plan_0_when" in bad.json()["errors"]
        assert count(app, ActionPlan) == 0 and count(app, Commitment) == 0
        reply = app.slack.view_submission(form, values_for(form, {
            "plan_0_owner": JAMES, "plan_0_strategy": "small-group reteach with number lines",
            "plan_0_tag": "small_group_reteach", "plan_0_when": "2026-11-30",
            "plan_1_owner": FACILITATOR, "plan_1_strategy": "fraction strips in pairs", "plan_1_tag": "peer_tutoring",
            "plan_1_when": "2026-12-01"}), user_id=FACILITATOR)
        assert reply.status_code == 200 and reply.text == ""
        saved = wait_until(lambda: next((m["text"] for m in channel_posts(app) if "Unit 3 quiz" in m["text"]
                                         and "<@U0TEACH03>" in m["text"]), None))
        assert saved.startswith(texts.saved)
        # Each owner gets their own group's names; the facilitator every group's.
        james_dm = wait_until(lambda: next(iter(dms(app, JAMES, texts.owner_dm)), None))
        assert "Ada" in james_dm and "Efe" in james_dm and "Ben" in james_dm and "Cem" not in james_dm
        # The facilitator's DM of every group: the only one to name both Ben (4.NF.1) and Cem (4.NF.2).
        facilitator = wait_until(lambda: next((m["text"] for m in app.emulator.messages(FACILITATOR)
                                               if "Ben" in m["text"] and "Cem" in m["text"]), None))
        assert all(name in facilitator for name in ("Ada", "Ben", "Cem", "Efe"))
    # The commitments' DMs on their dates, at 09:00 in New York.
    nov_30 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    with time_machine.travel(nov_30, tick=True):
        before = len(app.emulator.messages(JAMES))
        dispatch(app, nov_30)
        reminder = wait_until(lambda: next(iter(app.emulator.messages(JAMES)[before:]), None))
        assert "small-group reteach with number lines" in reminder["text"]
    # Assessment B: Efe is missing, Hale is new. Measuring runs as a job after the upload.
    with time_machine.travel(B_DAY, tick=True):
        upload(app, FACILITATOR, long_csv(B_SCORES), "Unit 4 quiz", "2026-12-08")
        measured = wait_until(lambda: next((m["text"] for m in channel_posts(app)
                                            if m["text"].startswith(texts.measured[0])), None))
        for line in texts.measured:
            assert line in measured
        james = wait_until(lambda: next(iter(dms(app, JAMES, "Ada: ")[1:]), None))
        for line in texts.james_result:
            assert line in james
        own = wait_until(lambda: next((t for t in dms(app, FACILITATOR, "Cem: ") if "→" in t), None))
        for line in texts.facilitator_result:
            assert line in own
        with app.plc.services.db.session() as session:
            measured_groups = select(func.count()).select_from(PlanGroup).where(PlanGroup.status == "measured")
            assert session.scalar(measured_groups) == 2
            assert [c.status for c in session.scalars(select(Commitment).order_by(Commitment.id))] == ["done", "done"]
    assert_no_student(everything_said_in(app, CHANNEL))
    # The next meeting (Tuesday 15:30 in New York) opens with "Did our plan work?".
    start = datetime(2026, 12, 8, 20, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=True):
        dispatch(app, start)
        meeting = wait_until(lambda: next((m for m in channel_posts(app) if m.get("blocks") and any(
            b.get("block_id") == "plans_review" for b in m["blocks"])), None))
        review = next(b for b in meeting["blocks"] if b.get("block_id") == "plans_review")["text"]["text"]
        for line in texts.agenda:
            assert line in review
        # Its agenda's first item is the review of the plan's results.
        items = [b["text"]["text"] for b in meeting["blocks"] if b.get("type") == "section"][-1]
        assert items.splitlines()[0].startswith(f"◦ *1. {texts.agenda_item}* (5 ")
        assert_no_student(str(meeting))
    # Another team's channel: `/plc worked 4.NF.2` shows the measured strategy, never a student.
    with time_machine.travel(B_DAY, tick=True):
        app.emulator.add_channel(OTHER_CHANNEL, "grade5-math-plc")
        view = open_setup(app, channel_id=OTHER_CHANNEL)
        assert submit_setup(app, view, team_name="Grade 5 Math", team_language=texts.language).text == ""
        found = app.slack.slash_command("/plc", "worked 4.NF.2", user_id=FACILITATOR, channel_id=OTHER_CHANNEL).json()
        for line in texts.worked:
            assert line in found["text"]
        assert_no_student(found["text"])
        everything = app.slack.slash_command("/plc", "worked", user_id=JAMES, channel_id=OTHER_CHANNEL).json()["text"]
        assert_no_student(everything)
        assert "4.NF.1" in everything and "4.NF.2" in everything


def count(app: RunningApp, model: type) -> int:
    with app.plc.services.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("texts", [ENGLISH, TURKISH], ids=["en", "tr"])
def test_the_inquiry_cycle_from_upload_to_what_worked(running_app: RunningApp, texts: Texts) -> None:
    run_cycle(running_app, texts)


def test_plan_of_an_assessment_without_standards_says_why(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        upload(running_app, FACILITATOR, b"student,item,score,max\nAda,Q1,1,1\nBen,Q1,0,1\n", "Exit ticket",
               "2026-11-20")
        reply = running_app.slack.slash_command("/plc", "plan Exit ticket", user_id=FACILITATOR, channel_id=CHANNEL)
        assert reply.status_code == 200
        said = wait_until(lambda: next(iter(running_app.emulator.calls_to("response_url")), None))
        assert "*Exit ticket* has no standards" in str(said.args)
        latest = running_app.slack.slash_command("/plc", "plan", user_id=FACILITATOR, channel_id=CHANNEL)
        assert latest.status_code == 200
        wait_until(lambda: True if len(running_app.emulator.calls_to("response_url")) >= 2 else None)
        assert "no assessment with standards yet" in str(running_app.emulator.calls_to("response_url")[-1].args)
    assert count(running_app, ActionPlan) == 0


def test_an_assessment_deleted_while_its_plan_form_is_open_stores_nothing(running_app: RunningApp) -> None:
    app = running_app
    with time_machine.travel(NOW, tick=True):
        register_team(app)
        upload(app, FACILITATOR, long_csv(A_SCORES), "Unit 3 quiz", "2026-11-20")
        forms = len(app.emulator.calls_to("views.open"))
        assert app.slack.slash_command("/plc", "plan", user_id=FACILITATOR, channel_id=CHANNEL).status_code == 200
        form = app.emulator.wait_for("views.open", count=forms + 1)[-1].response["view"]
        deleted = app.slack.slash_command("/plc", "data delete Unit 3 quiz", user_id=FACILITATOR, channel_id=CHANNEL)
        assert "Unit 3 quiz" in deleted.json()["text"]
        reply = app.slack.view_submission(form, values_for(form, {
            "plan_0_owner": JAMES, "plan_0_strategy": "reteach"}), user_id=FACILITATOR).json()
        assert reply == {"response_action": "errors", "errors": {
            "plan_0_owner": "The assessment of this plan was deleted while the form was open. Nothing was saved."}}
    assert count(app, ActionPlan) == 0 and count(app, Commitment) == 0


def test_a_group_emptied_while_the_form_is_open_stores_nothing(running_app: RunningApp) -> None:
    """A corrected upload lifts every 4.NF.1 student above the line while the form is open: that group is refused."""
    app = running_app
    with time_machine.travel(NOW, tick=True):
        register_team(app)
        upload(app, FACILITATOR, long_csv(A_SCORES), "Unit 3 quiz", "2026-11-20")
        forms = len(app.emulator.calls_to("views.open"))
        assert app.slack.slash_command("/plc", "plan Unit 3 quiz", user_id=FACILITATOR,
                                       channel_id=CHANNEL).status_code == 200
        form = app.emulator.wait_for("views.open", count=forms + 1)[-1].response["view"]
        corrected = {student: (5, 5, *scores[2:]) for student, scores in A_SCORES.items()}
        upload(app, FACILITATOR, long_csv(corrected), "Unit 3 quiz", "2026-11-20")
        reply = app.slack.view_submission(form, values_for(form, {
            "plan_1_owner": JAMES, "plan_1_strategy": "fraction strips",
            "plan_0_owner": JAMES, "plan_0_strategy": "reteach"}), user_id=FACILITATOR).json()
        assert reply["response_action"] == "errors"
        assert reply["errors"] == {"plan_0_owner": "This group has no students any more (the results changed while "
                                                   "the form was open). Nothing was saved: open the plan again."}
    assert count(app, ActionPlan) == 0 and count(app, Commitment) == 0


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("/plc plan [ASSESSMENT]", "/plc worked [STANDARD or words]")),
    ("tr", ("/plc plan [DEĞERLENDİRME]", "/plc worked [KAZANIM ya da kelimeler]")),
])
def test_help_lists_plan_and_worked(running_app: RunningApp, language: str, expected: tuple[str, str]) -> None:
    register_team(running_app, team_language=language)
    text = str(running_app.slack.slash_command("/plc", "help", user_id=FACILITATOR, channel_id=CHANNEL).json())
    assert all(usage in text for usage in expected)


def test_an_owner_shows_their_name_and_a_team_can_keep_its_entries_to_itself(running_app: RunningApp) -> None:
    app = running_app
    run_cycle(app, ENGLISH)

    def worked(channel: str, query: str = "4.NF.1") -> str:
        reply = app.slack.slash_command("/plc", f"worked {query}", user_id=FACILITATOR, channel_id=channel)
        return reply.json()["text"]

    with time_machine.travel(B_DAY, tick=True):
        assert "<@U0TEACH03>" not in worked(OTHER_CHANNEL)
        result = next(m for m in app.emulator.messages(JAMES) if "Your group's result" in m["text"])
        # Only the owner can choose: the facilitator's click on James's button changes nothing.
        press(app, result, "plan_share_name", FACILITATOR, CHANNEL)
        wait_until(lambda: next(iter(dms(app, FACILITATOR, "Only the group's owner can choose this.")), None))
        assert "<@U0TEACH03>" not in worked(OTHER_CHANNEL)
        press(app, result, "plan_share_name", JAMES, "D0TEACH03")
        wait_until(lambda: next(iter(dms(app, JAMES, "Your name now shows with this result")), None))
        assert "Grade 4 Math PLC (<#C0PLC0001>) (<@U0TEACH03>)" in worked(OTHER_CHANNEL)

        # Grade 5 Math plans on the same standards: its form shows what Grade 4 measured, and who works on them.
        summary = upload(app, FACILITATOR, long_csv(A_SCORES), "Fractions check", "2026-12-07", channel=OTHER_CHANNEL)
        forms = len(app.emulator.calls_to("views.open"))
        press(app, summary, "plan_open", FACILITATOR, OTHER_CHANNEL)
        form = app.emulator.wait_for("views.open", count=forms + 1)[-1].response["view"]
        headings = {b["block_id"]: b["text"]["text"] for b in form["blocks"]
                    if b.get("block_id", "").endswith("heading")}
        assert headings["plan_1_heading"].splitlines()[1:] == [
            "Other teams in the school: 1 tried it, 1 measured it: +30 points",
            "Grade 4 Math PLC also works on 4.NF.2 (<#C0PLC0001>)"]
        assert_no_student(str(form))

        # The facilitator keeps the team's entries to itself: other teams no longer see them, it still does.
        forms = len(app.emulator.calls_to("views.open"))
        assert app.slack.slash_command("/plc", "settings", user_id=FACILITATOR, channel_id=CHANNEL).status_code == 200
        view = app.emulator.wait_for("views.open", count=forms + 1)[-1].response["view"]
        share = next(b for b in view["blocks"] if b.get("block_id") == "share_strategies")
        assert [o["value"] for o in share["element"]["initial_options"]] == ["share"]
        assert app.slack.view_submission(view, values_for(view, {"share_strategies": []}),
                                         user_id=FACILITATOR).text == ""
        assert worked(OTHER_CHANNEL).startswith("Nothing measured yet for *4.NF.1*")
        own = worked(CHANNEL)
        assert own.startswith("*What worked in this school* for *4.NF.1* (1)")
        assert "Your team keeps its entries to itself" in own

