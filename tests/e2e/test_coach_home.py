"""The coach's view across teams end to end (#13): signed HTTP against the Slack emulator, on the seeded term of
tests/coaching/term.py. An admin names coaches; a coach's App Home shows each team's products and progress
(never a student, a reflection or who drifted); Details opens the full row and sends a chart; the Monday
digest goes out once at 08:00 in the coach's zone, across a restart, and stops when turned off."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select, update

from bot.app import create_app
from bot.coaching.service import COACH_DIGEST
from bot.i18n import catalog
from bot.reflections.service import ReflectionService
from bot.scheduler.runner import SchedulerRuntime
from storage.models import Meeting, ScheduledNotice
from tests.coaching.term import CREATED, NOW, Term, seed_term, utc
from tests.conftest import RunningApp, make_settings
from tests.e2e.helpers import CHANNEL, FACILITATOR, open_setup, submit_setup
from tests.e2e.test_focus import DRIFT, MORE_DRIFT, say
from tests.e2e.test_meetings import dispatch, wait_until
from tests.plans.data import STUDENTS

ADMIN, COACH, AYSE, JAMES = "U0ADMIN01", "U0COACH01", "U0TEACH01", "U0TEACH03"
CHANNEL_B = "C0PLC0002"
PRIVATE_REFLECTION = "I felt rushed and unheard in the data talk"
SHARED_REFLECTION = "Number lines finally clicked for my reteach group"
LIVE_THREAD = "1796400000.000100"

ROW_A = "\n".join([
    "*Grade 4 Math* · <#C0PLC0001>",
    "Meetings: 5 of 7 held",
    "Talk: Learn 27.3% · Know 13.6% · Respond 9.1% · Extend 4.5% · drift 27.3%",
    "Norms: set · SMART goal: 71.4% proficient (target 80%) · Assessments reviewed: 2",
    "Plan groups: 4 planned, 3 measured (+25 points, +30 points, −8 points) · Commitments: 4 done, 4 open, 1 overdue",
])
ROW_B = "\n".join([
    "*Quiet team* · <#C0PLC0002>",
    "⚠️ *May need support:* no meeting held in the last 3 weeks; no assessment in the last 6 weeks; "
    "plan groups past their re-check date without a result: 1; more than half of the commitments overdue (2 of 3)",
    "Meetings: 0 held (no schedule)",
    "Talk: no labelled meeting messages",
    "Norms: not set · SMART goal: none · Assessments reviewed: 0",
    "Plan groups: 1 planned, 0 measured · Commitments: 0 done, 3 open, 2 overdue",
])


def add_people(app: RunningApp) -> None:
    app.emulator.add_user(ADMIN, "principal", real_name="Pat Principal", tz="America/New_York", is_admin=True)
    app.emulator.add_user(COACH, "coach", real_name="Carla Coach", tz="America/Chicago", locale="en-US")
    app.emulator.add_channel(CHANNEL_B, "quiet-team")


def seeded(app: RunningApp, b_members: list[str] | None = None) -> Term:
    """Both teams set up through the setup form on 2026-09-01, then the term of tests/coaching/term.py, with
    reflections (one private, one shared) and two drifting messages of James in the Dec 8 meeting's thread."""
    add_people(app)
    with time_machine.travel(CREATED, tick=True):
        reply = submit_setup(app, open_setup(app), team_name="Grade 4 Math",
                             team_norms="Start on time\nAssume good intent")
        assert reply.status_code == 200 and reply.text == ""
        reply = submit_setup(app, open_setup(app, channel_id=CHANNEL_B), team_name="Quiet team", team_norms="",
                             team_members=b_members or [FACILITATOR, JAMES])
        assert reply.status_code == 200 and reply.text == ""
    services = app.plc.services
    team_a = services.teams.find(app.emulator.team_id, CHANNEL)
    team_b = services.teams.find(app.emulator.team_id, CHANNEL_B)
    assert team_a is not None and team_b is not None
    term = Term(team_a.id, team_b.id)
    seed_term(services.db, term, owner=FACILITATOR, other=JAMES)
    reflections = ReflectionService(services.db)
    reflections.save(term.a, JAMES, PRIVATE_REFLECTION, now=utc(2026, 12, 1, 22))
    reflections.save(term.a, FACILITATOR, SHARED_REFLECTION, shared=True, now=utc(2026, 12, 1, 22))

    # The Dec 8 meeting, live: James drifts twice in its thread (the focus keeper labels both), then it ends.
    with services.db.session() as session:
        live = Meeting(team_id=term.a, starts_at=utc(2026, 12, 8, 20, 30), duration_minutes=45, status="running",
                       channel_id=CHANNEL, message_ts=LIVE_THREAD, started_at=utc(2026, 12, 8, 20, 30))
        session.add(live)
    with time_machine.travel(utc(2026, 12, 8, 20, 40), tick=True):
        say(app, DRIFT, float(LIVE_THREAD) + 1, LIVE_THREAD, user=JAMES)
        say(app, MORE_DRIFT, float(LIVE_THREAD) + 2, LIVE_THREAD, user=JAMES)
        wait_until(lambda: drift_labels(app) == 6 or None)
    with services.db.session() as session:
        session.execute(update(Meeting).where(Meeting.message_ts == LIVE_THREAD).values(status="ended"))
    return term


def drift_labels(app: RunningApp) -> int:
    from storage.models import FocusEvent

    with app.plc.services.db.session() as session:
        return len(session.scalars(select(FocusEvent.id).where(FocusEvent.label == "drift",
                                                               FocusEvent.meeting_id.is_not(None))).all())


def name_coach(app: RunningApp, text: str) -> str:
    """`/plc coach add ...` by the admin: the answer (said after the ack, through the response_url)."""
    before = len(app.emulator.calls_to("response_url"))
    reply = app.slack.slash_command("/plc", f"coach add {text}", user_id=ADMIN, channel_id=CHANNEL)
    assert reply.status_code == 200
    return str(app.emulator.wait_for("response_url", count=before + 1)[-1].args["text"])


def open_home(app: RunningApp, user_id: str) -> dict[str, Any]:
    before = len(app.emulator.calls_to("views.publish"))
    app.slack.event({"type": "app_home_opened", "user": user_id, "channel": "D" + user_id[1:], "tab": "home"})
    published = app.emulator.wait_for("views.publish", count=before + 1, timeout=15)[-1]
    assert published.args["user_id"] == user_id
    return published.response["view"]


def coach_sections(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if str(b.get("block_id", "")).startswith("coach_team_")}


def assert_nobody_in(rendered: str) -> None:
    """No student, no reflection, no member's user id, no commitment or strategy text."""
    for student in STUDENTS:
        assert not re.search(rf"\b{student}\b", rendered), student
    for text in (PRIVATE_REFLECTION, SHARED_REFLECTION, "paperwork", "duty schedule", "call families",
                 "share exit tickets", "number lines", "fraction strips"):
        assert text not in rendered
    assert "U0TEACH" not in rendered


def test_a_coach_sees_each_team_s_products_and_progress_and_never_people(running_app: RunningApp) -> None:
    app = running_app
    term = seeded(app)
    with time_machine.travel(NOW, tick=True):
        said = name_coach(app, f"<@{COACH}> <#{CHANNEL}> <#{CHANNEL_B}>")
        assert said.startswith(f"Coach named: • <@{COACH}>: <#{CHANNEL}>, <#{CHANNEL_B}> (weekly digest on)")
        home = open_home(app, COACH)

    assert home["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Teams you support",
                                                             "emoji": True}}
    assert home["blocks"][1]["elements"][0]["text"].startswith(
        "Each team's products and progress over the last 8 weeks (Oct 14, 2026 – Dec 9, 2026)")
    rows = coach_sections(home)
    assert list(rows) == [f"coach_team_{term.b}", f"coach_team_{term.a}"]  # who may need support first
    assert rows[f"coach_team_{term.a}"]["text"]["text"] == ROW_A
    assert rows[f"coach_team_{term.b}"]["text"]["text"] == ROW_B
    for team_id, row in ((term.a, rows[f"coach_team_{term.a}"]), (term.b, rows[f"coach_team_{term.b}"])):
        assert row["accessory"]["action_id"] == "coach_team_details"
        assert row["accessory"]["value"] == str(team_id) and row["accessory"]["text"]["text"] == "Details"
    # Not a member of any team: the coach section only.
    assert "Your PLC work" not in str(home) and len(home["blocks"]) == 4
    assert_nobody_in(str(home))

    # A member who is not a coach sees today's Home: no coach section.
    with time_machine.travel(NOW, tick=True):
        james = open_home(app, JAMES)
    assert james["blocks"][0]["text"]["text"] == "Your PLC work"
    assert coach_sections(james) == {} and "Teams you support" not in str(james)
    assert "coach_team_details" not in str(james)


def test_details_opens_the_full_row_and_sends_the_chart_to_the_coach_only(running_app: RunningApp) -> None:
    app = running_app
    term = seeded(app)
    with time_machine.travel(NOW, tick=True):
        name_coach(app, f"<@{COACH}> <#{CHANNEL}> <#{CHANNEL_B}>")
        home = open_home(app, COACH)
        row = coach_sections(home)[f"coach_team_{term.a}"]
        opened = len(app.emulator.calls_to("views.open"))
        reply = app.slack.block_actions([{"action_id": "coach_team_details", "block_id": row["block_id"],
                                          "value": row["accessory"]["value"]}], user_id=COACH, view=home)
        assert reply.status_code == 200
        call = app.emulator.wait_for("views.open", count=opened + 1)[-1]
        assert call.args["trigger_id"] == app.slack.last_trigger_id
        modal = call.response["view"]
        upload = wait_until(lambda: next(iter(app.emulator.uploaded_files()), None), timeout=20)

    assert modal["type"] == "modal" and modal["title"]["text"] == "Team details"
    texts = [b["text"]["text"] if "text" in b and isinstance(b["text"], dict) else
             " ".join(e["text"] for e in b.get("elements", [])) for b in modal["blocks"]]
    assert texts[0] == "Grade 4 Math"
    assert texts[1] == "<#C0PLC0001> · last 8 weeks: Oct 14, 2026 – Dec 9, 2026"
    assert "✅ Nothing here suggests the team needs support now." in texts
    assert "*Meetings:* 5 held of 7 scheduled · last held: Dec 8, 2026" in texts
    assert "\n".join([
        "*Meeting talk* (22 labelled messages in meeting threads)",
        "• What do we want students to learn?: 27.3% (6)",
        "• How will we know they have learned it?: 13.6% (3)",
        "• How will we respond when some students don't learn it?: 9.1% (2)",
        "• How will we extend the learning for students who already know it?: 4.5% (1)",
        "• Drift: 27.3% (6)",
        "• Other (housekeeping, greetings): 18.2% (4)",
    ]) in texts
    assert "\n".join([
        "*Norms:* set",
        "*SMART goal:* 4.NF.1, 4.NF.2: 71.4% of students proficient, target 80% by Mar 1, 2027",
        "*Assessments reviewed in the 8 weeks:* 2 · latest given: Dec 4, 2026",
        "*Plan groups:* 4 planned, 3 measured (+25 points, +30 points, −8 points) · past their re-check date "
        "without a result: 0",
        "*Commitments made in the 8 weeks:* 4 done · 4 open · 1 of the open ones overdue",
    ]) in texts
    assert_nobody_in(str(modal))

    # The chart: a PNG in the coach's direct messages, nowhere else.
    assert upload["content"][:8] == b"\x89PNG\r\n\x1a\n" and len(upload["content"]) > 10_000
    assert upload["name"] == "team-progress.png" and upload["title"] == "Grade 4 Math: goal and action plans"
    assert upload["channels"] == ["D" + COACH[1:]]
    [dm] = [m for m in app.emulator.messages(COACH) if m.get("files")]
    assert dm["text"] == "*Grade 4 Math*: the SMART goal over the term and the measured plan groups' mean changes."

    # A forged Details button from a member who is not a coach: refused by DM, no modal, no chart.
    with time_machine.travel(NOW, tick=True):
        opened = len(app.emulator.calls_to("views.open"))
        reply = app.slack.block_actions([{"action_id": "coach_team_details", "value": str(term.b)}], user_id=JAMES,
                                        view=home)
        assert reply.status_code == 200
        refusal = wait_until(lambda: next((m for m in app.emulator.messages(JAMES)
                                           if m["text"] == "Only a coach of this team can open its details."), None))
        assert refusal
        app.plc.services.jobs.join(10)
    assert len(app.emulator.calls_to("views.open")) == opened
    assert len(app.emulator.uploaded_files()) == 1

    # A coach of team B only is refused team A's details (a button kept from an older Home).
    with time_machine.travel(NOW, tick=True):
        assert name_coach(app, f"<@{COACH}> <#{CHANNEL_B}>").startswith("Coach named:")
        app.slack.block_actions([{"action_id": "coach_team_details", "value": str(term.a)}], user_id=COACH,
                                view=home)
        wait_until(lambda: next((m for m in app.emulator.messages(COACH)
                                 if m["text"] == "Only a coach of this team can open its details."), None))
        app.plc.services.jobs.join(10)
    assert len(app.emulator.calls_to("views.open")) == opened
    assert len(app.emulator.uploaded_files()) == 1


def test_a_turkish_coach_who_is_also_a_member_gets_turkish_texts_above_their_own_home(
        running_app: RunningApp) -> None:
    app = running_app
    tr = catalog("tr")
    term = seeded(app, b_members=[FACILITATOR, JAMES, AYSE])
    with time_machine.travel(NOW, tick=True):
        said = name_coach(app, f"<@{AYSE}>")  # every team
        assert said.startswith(f"Coach named: • <@{AYSE}>: every team (weekly digest on)")
        home = open_home(app, AYSE)
    blocks = home["blocks"]
    assert blocks[0]["text"]["text"] == "Desteklediğiniz ekipler"
    assert blocks[1]["elements"][0]["text"].startswith(
        "Her ekibin son 8 haftadaki (14 Eki 2026 – 9 Ara 2026) ürünleri ve ilerlemesi")
    rows = coach_sections(home)
    assert list(rows) == [f"coach_team_{term.b}", f"coach_team_{term.a}"]  # who may need support first
    assert rows[f"coach_team_{term.a}"]["text"]["text"] == "\n".join([
        "*Grade 4 Math* · <#C0PLC0001>",
        "Toplantılar: 7 toplantıdan 5 tanesi yapıldı",
        "Konuşma: Öğrenme %27,3 · Ölçme %13,6 · Destekleme %9,1 · Zenginleştirme %4,5 · konu dışı %27,3",
        "Normlar: belirlendi · SMART hedef: %71,4 yeterli (hedef %80) · İncelenen değerlendirmeler: 2",
        "Plan grupları: 4 planlandı, 3 ölçüldü (+25 puan, +30 puan, −8 puan) · Taahhütler: 4 tamamlandı, 4 açık, "
        "1 gecikmiş",
    ])
    assert rows[f"coach_team_{term.b}"]["text"]["text"].splitlines()[1] == (
        "⚠️ *Desteğe ihtiyacı olabilir:* son 3 haftada hiç toplantı yapılmadı; son 6 haftada hiç değerlendirme "
        "yok; yeniden ölçme tarihi geçtiği hâlde sonucu olmayan plan grupları: 1; taahhütlerin yarısından fazlası "
        "gecikmiş (3 taahhütten 2 tanesi)")
    assert rows[f"coach_team_{term.b}"]["accessory"]["text"]["text"] == "Ayrıntılar"

    # Below the coach section, her own Home (in her language too): her team, no one else's reflections.
    header_texts = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert header_texts == ["Desteklediğiniz ekipler", tr.t("home.header"), tr.t("home.teams.header"),
                            tr.t("home.commitments.header"), tr.t("home.reflections.header"),
                            tr.t("home.assessments.header")]
    assert blocks.index(next(b for b in blocks if b["type"] == "divider")) == 4  # right after the two rows
    assert "*Quiet team* · <#C0PLC0002>" in str(blocks[5:])
    rendered = str(home)
    assert_nobody_in(rendered.replace(f"<@{AYSE}>", ""))

    # The Details modal and the chart speak Turkish as well.
    with time_machine.travel(NOW, tick=True):
        opened = len(app.emulator.calls_to("views.open"))
        app.slack.block_actions([{"action_id": "coach_team_details", "value": str(term.b)}], user_id=AYSE,
                                view=home)
        modal = app.emulator.wait_for("views.open", count=opened + 1)[-1].response["view"]
        upload = wait_until(lambda: next(iter(app.emulator.uploaded_files()), None), timeout=20)
    assert modal["title"]["text"] == "Ekip ayrıntıları" and modal["close"]["text"] == "Kapat"
    sections = [b["text"]["text"] for b in modal["blocks"] if b["type"] == "section"]
    assert sections[0].startswith("*Desteğe ihtiyacı olabilir*\n• son 3 haftada hiç toplantı yapılmadı\n")
    assert upload["name"] == "ekip-ilerlemesi.png" and upload["channels"] == ["D" + AYSE[1:]]


# ---------------------------------------------------------------- the Monday digest
def digests(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    return [m for m in app.emulator.messages(user_id) if any(
        b.get("type") == "header" and b["text"]["text"] in ("Weekly PLC digest", "Haftalık PLC özeti")
        for b in m.get("blocks") or [])]


def digest_notices(app: RunningApp) -> list[tuple[datetime, str]]:
    with app.plc.services.db.session() as session:
        rows = session.scalars(select(ScheduledNotice).where(ScheduledNotice.kind == COACH_DIGEST)
                               .order_by(ScheduledNotice.due_at))
        return [(r.due_at, r.status) for r in rows]


def run_scheduler_once(plc: Any, at: datetime) -> None:
    """What a scheduler does when it starts, then one dispatch round: plan everything, send what is due."""
    with time_machine.travel(at, tick=True):
        runtime = SchedulerRuntime.from_app(plc)
        runtime.plan_all()
        runtime.dispatcher.run_due(at)
        runtime.plan_changed()


MONDAY_ISTANBUL = utc(2026, 12, 7, 5)  # 08:00 in Istanbul
MONDAY_CHICAGO = utc(2026, 12, 7, 14)  # 08:00 in Chicago


def test_the_monday_digest_goes_out_once_at_eight_in_the_coach_s_zone_across_a_restart(
        running_app: RunningApp, emulator: Any, database_url: str) -> None:
    app = running_app
    seeded(app)
    with time_machine.travel(utc(2026, 12, 2, 15), tick=True):
        name_coach(app, f"<@{AYSE}>")  # Istanbul, Turkish, every team
        name_coach(app, f"<@{COACH}> <#{CHANNEL}>")  # Chicago, English, team A
    run_scheduler_once(app.plc, utc(2026, 12, 2, 15, 1))
    assert digest_notices(app) == [(MONDAY_ISTANBUL, "pending"), (MONDAY_CHICAGO, "pending")]

    run_scheduler_once(app.plc, MONDAY_ISTANBUL - timedelta(minutes=1))
    assert digests(app, AYSE) == []
    with time_machine.travel(MONDAY_ISTANBUL, tick=True):
        dispatch(app, MONDAY_ISTANBUL)  # the dispatcher alone: the sender itself plans the next Monday
    assert digest_notices(app) == [(MONDAY_ISTANBUL, "sent"), (MONDAY_CHICAGO, "pending"),
                                   (MONDAY_ISTANBUL + timedelta(days=7), "pending")]
    [dm] = digests(app, AYSE)
    assert dm["text"] == ("Haftalık PLC özetiniz: desteklediğiniz ekiplerde neler değişti; desteğe ihtiyacı "
                          "olabilecek ekip: 2 ekipten 1.")
    sections = [b["text"]["text"] for b in dm["blocks"] if b["type"] == "section"]
    assert sections == [
        "*Grade 4 Math* (<#C0PLC0001>): yapılan toplantı: 1 · uygulanan değerlendirme: 1 · ölçülen plan grubu: 3 "
        "(+25 puan, +30 puan, −8 puan) · tamamlanan taahhüt: 3\n"
        "*Quiet team* (<#C0PLC0002>): bu hafta değişiklik yok",
        "*Desteğe ihtiyacı olabilir*\n"
        "• *Quiet team*: son 3 haftada hiç toplantı yapılmadı; son 6 haftada hiç değerlendirme yok; yeniden ölçme "
        "tarihi geçtiği hâlde sonucu olmayan plan grupları: 1; taahhütlerin yarısından fazlası gecikmiş (3 "
        "taahhütten 2 tanesi)",
    ]
    assert "30 Kas 2026 ile 6 Ara 2026 arasında" in str(dm["blocks"])
    assert_nobody_in(str(dm))
    assert digests(app, COACH) == []  # 08:00 in Chicago is still hours away

    # A restart: a fresh app and scheduler on the same database send nothing twice and keep one next Monday.
    fresh = create_app(make_settings(emulator, database_url))
    try:
        run_scheduler_once(fresh, MONDAY_ISTANBUL + timedelta(minutes=1))
        run_scheduler_once(fresh, MONDAY_CHICAGO - timedelta(minutes=1))
        assert len(digests(app, AYSE)) == 1 and digests(app, COACH) == []
        run_scheduler_once(fresh, MONDAY_CHICAGO)
        run_scheduler_once(fresh, MONDAY_CHICAGO + timedelta(minutes=5))
    finally:
        fresh.close()
    assert len(digests(app, AYSE)) == 1
    [english] = digests(app, COACH)
    assert english["text"] == (
        "Your weekly PLC digest: what changed in the teams you support; may need support: 0 of 1.")
    assert [b["text"]["text"] for b in english["blocks"] if b["type"] == "section"] == [
        "*Grade 4 Math* (<#C0PLC0001>): meetings held: 1 · assessments given: 1 · plan groups measured: 3 "
        "(+25 points, +30 points, −8 points) · commitments done: 3",
        "✅ No team shows a sign of needing support.",
    ]
    next_monday = timedelta(days=7)
    assert digest_notices(app) == [(MONDAY_ISTANBUL, "sent"), (MONDAY_CHICAGO, "sent"),
                                   (MONDAY_ISTANBUL + next_monday, "pending"),
                                   (MONDAY_CHICAGO + next_monday, "pending")]

    # Off: the next Monday passes in silence, and no re-planning brings it back.
    with time_machine.travel(MONDAY_ISTANBUL + timedelta(days=1), tick=True):
        reply = app.slack.slash_command("/plc", "coach digest off", user_id=AYSE, channel_id=CHANNEL).json()
    assert reply["text"] == "Your weekly digest is off. `/plc coach digest on` turns it back on."
    run_scheduler_once(app.plc, MONDAY_ISTANBUL + next_monday)
    assert len(digests(app, AYSE)) == 1
    assert (MONDAY_ISTANBUL + next_monday, "pending") not in digest_notices(app)
    assert (MONDAY_ISTANBUL + 2 * next_monday, "pending") not in digest_notices(app)


def test_a_digest_for_a_coach_turned_off_or_removed_meanwhile_sends_nothing(running_app: RunningApp) -> None:
    app = running_app
    seeded(app)
    with time_machine.travel(utc(2026, 12, 2, 15), tick=True):
        name_coach(app, f"<@{COACH}> <#{CHANNEL}>")
    run_scheduler_once(app.plc, utc(2026, 12, 2, 15, 1))
    assert digest_notices(app) == [(MONDAY_CHICAGO, "pending")]
    # Removed by the admin: the pending notice goes with the coach.
    with time_machine.travel(utc(2026, 12, 3, 15), tick=True):
        before = len(app.emulator.calls_to("response_url"))
        app.slack.slash_command("/plc", f"coach remove <@{COACH}>", user_id=ADMIN, channel_id=CHANNEL)
        assert app.emulator.wait_for("response_url", count=before + 1)[-1].args["text"] == (
            f"<@{COACH}> is no longer a coach.")
    run_scheduler_once(app.plc, MONDAY_CHICAGO)
    assert digests(app, COACH) == [] and digest_notices(app) == []


@pytest.mark.parametrize("language", ["en", "tr"])
def test_coach_home_texts_exist_in_both_languages(language: str) -> None:
    texts = catalog(language)
    assert texts.t("coach_home.home.details") and len(texts.t("coach_home.details.title")) <= 24
    assert {k for k in texts.all_keys() if k.startswith("coach_home.")} == {
        k for k in catalog("en").all_keys() if k.startswith("coach_home.")}


def test_the_home_stays_under_slack_s_block_limit_for_a_coach_of_many_teams(running_app: RunningApp) -> None:
    """25 teams, the coach a member of 12: 20 rows and a line for the other 5, under 100 blocks."""
    from bot.teams import TeamDraft

    app = running_app
    add_people(app)
    services = app.plc.services
    with time_machine.travel(NOW, tick=True):
        for index in range(25):
            members = [FACILITATOR, COACH] if index < 12 else [FACILITATOR]
            services.teams.save(app.emulator.team_id, f"C0MANY{index:03d}", TeamDraft(
                name=f"Team {index:02d}", subject="Science", grade_band="Grade 7", timezone="America/Chicago",
                language="en", member_ids=members, norms=[]), by_user=FACILITATOR)
        name_coach(app, f"<@{COACH}>")
        home = open_home(app, COACH)
    assert len(coach_sections(home)) == 20 and len(home["blocks"]) < 100
    assert "…and 5 more teams. The Monday digest covers every team you support." in str(home)
    assert "Your PLC work" in str(home)
