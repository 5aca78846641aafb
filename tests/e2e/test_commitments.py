"""Commitments end to end: `/plc commit`, the due-date DM and its buttons, modals, `/plc commitments`, the review
that opens the next meeting's agenda, and a Turkish team. Signed HTTP against the Slack emulator; time travels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine
from sqlalchemy import select

from bot.devtools.slack_requests import values_for
from bot.i18n import catalog
from storage.models import Commitment, ScheduledNotice
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, register_team
from tests.e2e.test_meetings import dispatch, open_schedule, submit_schedule, wait_until

NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Wednesday, 12:00 in New York
JAMES = "U0TEACH03"
JAMES_DM = "D0TEACH03"
NINE_AM_DEC_4 = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)  # 09:00 in New York (UTC-5)


def commit(app: RunningApp, text: str, user_id: str = FACILITATOR) -> dict[str, Any]:
    reply = app.slack.slash_command("/plc", f"commit {text}", user_id=user_id, channel_id=CHANNEL)
    assert reply.status_code == 200
    return reply.json()


def channel_post(app: RunningApp, starts: str) -> dict[str, Any]:
    return wait_until(lambda: next((m for m in reversed(app.emulator.messages(CHANNEL))
                                    if m["text"].startswith(starts)), None))


def rows(app: RunningApp) -> list[Commitment]:
    with app.plc.services.db.session() as session:
        return list(session.scalars(select(Commitment).order_by(Commitment.id)))


def reminders(app: RunningApp) -> list[tuple[int, datetime, str]]:
    with app.plc.services.db.session() as session:
        found = session.scalars(select(ScheduledNotice).where(ScheduledNotice.kind == "commitment_due")
                                .order_by(ScheduledNotice.id))
        return [(n.ref, n.due_at, n.status) for n in found]


def dm_reminders(app: RunningApp, user_id: str = JAMES) -> list[dict[str, Any]]:
    return [m for m in app.emulator.messages(user_id) if any(
        b.get("block_id") == "commitment_reminder" for b in m.get("blocks") or [])]


def press(app: RunningApp, message: dict[str, Any], action_id: str, user_id: str = JAMES,
          channel_id: str = JAMES_DM) -> None:
    actions = next(b for b in message["blocks"] if b.get("type") == "actions")
    button = next(e for e in actions["elements"] if e["action_id"] == action_id)
    reply = app.slack.block_actions(
        [{"action_id": action_id, "block_id": actions["block_id"], "value": button["value"]}],
        user_id=user_id, channel_id=channel_id, message=message)
    assert reply.status_code == 200


def dm_message(app: RunningApp, ts: str, user_id: str = JAMES) -> dict[str, Any]:
    return next(m for m in app.emulator.messages(user_id) if m["ts"] == ts)


def opened_view(app: RunningApp, count: int) -> dict[str, Any]:
    return app.emulator.wait_for("views.open", count=count)[-1].response["view"]


def test_commit_is_stored_and_posted_and_done_from_the_due_date_dm(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        reply = commit(running_app, "reteach 4.NF.2 with number lines by 2026-12-04 for <@U0TEACH03|james>")
        assert reply["response_type"] == "ephemeral"
        assert reply["text"].startswith("Recorded: *reteach 4.NF.2 with number lines*\nOwner: <@U0TEACH03> · "
                                        "due Fri, Dec 4")
        assert "I'll remind <@U0TEACH03> by direct message on Fri, Dec 4." in reply["text"]
        assert "Standard: 4.NF.2." in reply["text"]
        post = channel_post(running_app, "<@U0TEACH03> committed to:")
        assert post["text"] == ("<@U0TEACH03> committed to: reteach 4.NF.2 with number lines "
                                "(due Fri, Dec 4; recorded by <@U0TEACH02>)")
        assert "thread_ts" not in post  # no meeting under way: in the channel
    [stored] = rows(running_app)
    assert (stored.owner_id, stored.created_by, stored.text, stored.due_on, stored.standard, stored.status) == (
        JAMES, FACILITATOR, "reteach 4.NF.2 with number lines", date(2026, 12, 4), "4.NF.2", "open")
    assert reminders(running_app) == [(stored.id, NINE_AM_DEC_4, "pending")]

    # The day before and at 08:59 nothing goes out; at 09:00 on the due date James gets a DM.
    dispatch(running_app, NINE_AM_DEC_4 - timedelta(minutes=1))
    assert dm_reminders(running_app) == []
    with time_machine.travel(NINE_AM_DEC_4, tick=True):
        dispatch(running_app, NINE_AM_DEC_4)
        dispatch(running_app, NINE_AM_DEC_4 + timedelta(minutes=5))  # sent once
        [dm] = dm_reminders(running_app)
        assert dm["text"] == "Your commitment is due today: reteach 4.NF.2 with number lines"
        rendered = str(dm["blocks"])
        assert "Commitment due today" in rendered and "Grade 4 Math PLC · due Fri, Dec 4" in rendered
        buttons = [e["action_id"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert buttons == ["commitment_done", "commitment_more_time", "commitment_drop"]

        # Someone else's click changes nothing (they are told so, only them).
        press(running_app, dm, "commitment_done", user_id=FACILITATOR)
        told = running_app.emulator.wait_for("response_url")[-1].args
        assert told["text"] == "Only <@U0TEACH03> can update this commitment."
        assert rows(running_app)[0].status == "open"

        press(running_app, dm, "commitment_done")
        running_app.emulator.wait_for("chat.update")
        updated = dm_message(running_app, dm["ts"])
        assert updated["text"] == "✅ Done: *reteach 4.NF.2 with number lines*. Thank you! I told the team."
        assert not any(b["type"] == "actions" for b in updated["blocks"])  # cannot be clicked twice
        channel_post(running_app, "✅ <@U0TEACH03> completed a commitment: reteach 4.NF.2 with number lines")
        assert rows(running_app)[0].status == "done" and rows(running_app)[0].closed_at is not None

        # A second click on the old message (another device) only shows that it is closed.
        posts = len(running_app.emulator.messages(CHANNEL))
        press(running_app, dm, "commitment_done")
        running_app.emulator.wait_for("chat.update", count=2)
        assert dm_message(running_app, dm["ts"])["text"].startswith("This commitment is already closed")
        assert len(running_app.emulator.messages(CHANNEL)) == posts


def test_need_more_time_plans_a_new_reminder_and_drop_asks_why(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        commit(running_app, "model fraction strips by tomorrow for <@U0TEACH03|james>")
        commit(running_app, "share exit tickets by tomorrow for <@U0TEACH03|james>")
    first, second = rows(running_app)
    due = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    with time_machine.travel(due, tick=True):
        dispatch(running_app, due)
        dms = {m["text"]: m for m in dm_reminders(running_app)}
        assert len(dms) == 2
        more = dms["Your commitment is due today: model fraction strips"]
        forms = len(running_app.emulator.calls_to("views.open"))
        press(running_app, more, "commitment_more_time")
        view = opened_view(running_app, forms + 1)
        assert view["callback_id"] == "commitment_more_time" and view["title"]["text"] == "More time"
        picker = next(b for b in view["blocks"] if b["type"] == "input")["element"]
        assert picker["type"] == "datepicker" and picker["initial_date"] == "2026-12-03"  # a week on

        late = running_app.slack.view_submission(view, values_for(view, {"commitment_due": "2026-11-20"}),
                                                 user_id=JAMES).json()
        assert late["response_action"] == "errors"
        assert late["errors"]["commitment_due"] == "Fri, Nov 20 has already passed: choose today or a later day."
        reply = running_app.slack.view_submission(view, values_for(view, {"commitment_due": "2026-12-10"}),
                                                  user_id=JAMES)
        assert reply.status_code == 200 and reply.text == ""
        running_app.emulator.wait_for("chat.update")
        assert dm_message(running_app, more["ts"])["text"] == (
            "⏳ More time: *model fraction strips* is now due Thu, Dec 10. I'll remind you then.")
        moved = rows(running_app)[0]
        assert (moved.due_on, moved.postponed, moved.status) == (date(2026, 12, 10), 1, "open")
        assert (first.id, datetime(2026, 12, 10, 14, 0, tzinfo=UTC), "pending") in reminders(running_app)

        drop = dms["Your commitment is due today: share exit tickets"]
        press(running_app, drop, "commitment_drop")
        view = opened_view(running_app, forms + 2)
        assert view["callback_id"] == "commitment_drop"
        empty = running_app.slack.view_submission(view, values_for(view, {"drop_reason": "  "}), user_id=JAMES)
        assert empty.json()["errors"] == {"drop_reason": "Say briefly why it is dropped."}
        running_app.slack.view_submission(view, values_for(view, {"drop_reason": "the unit moved to January"}),
                                          user_id=JAMES)
        running_app.emulator.wait_for("chat.update", count=2)
        assert dm_message(running_app, drop["ts"])["text"] == (
            "✖️ Dropped: *share exit tickets*. Reason: the unit moved to January")
        channel_post(running_app, "<@U0TEACH03> dropped a commitment: share exit tickets "
                                  "(reason: the unit moved to January)")
    assert (rows(running_app)[1].status, rows(running_app)[1].status_note) == ("dropped", "the unit moved to January")
    assert (second.id, due, "sent") in reminders(running_app)

    # On the new date the reminder comes again, with its buttons.
    new_due = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    with time_machine.travel(new_due, tick=True):
        dispatch(running_app, new_due)
    assert [m["text"] for m in dm_reminders(running_app)][-1] == "Your commitment is due today: model fraction strips"


def home_of(app: RunningApp, user_id: str, count: int) -> dict[str, Any]:
    """The App Home view published for `user_id` by the `count`-th views.publish call."""
    published = app.emulator.wait_for("views.publish", count=count)[-1]
    assert published.args["user_id"] == user_id
    return published.response["view"]


def choose_in_home(app: RunningApp, home: dict[str, Any], text: str, option: str, user_id: str = JAMES) -> None:
    """Pick `option` ("Done", "Need more time", "Drop") in the menu beside the commitment `text` of the Home."""
    section = next(b for b in home["blocks"] if b["type"] == "section" and text in b["text"]["text"])
    menu = section["accessory"]
    assert menu["type"] == "overflow" and menu["action_id"] == "home_commitment"
    chosen = next(o for o in menu["options"] if o["text"]["text"] == option)
    reply = app.slack.block_actions(
        [{"type": "overflow", "action_id": "home_commitment", "block_id": section["block_id"],
          "selected_option": chosen}], user_id=user_id, view=home)
    assert reply.status_code == 200


def test_app_home_menu_closes_postpones_and_drops_commitments(running_app: RunningApp) -> None:
    app = running_app
    with time_machine.travel(NOW, tick=True):
        register_team(app)
        for text in ("model fraction strips", "share exit tickets", "try number talks"):
            commit(app, f"{text} by 2026-12-04 for <@U0TEACH03|james>")
        forms = len(app.emulator.calls_to("views.open"))  # the setup form
        app.slack.event({"type": "app_home_opened", "user": JAMES, "channel": JAMES_DM, "tab": "home"})
        home = home_of(app, JAMES, 1)
        shown = str(home["blocks"])
        assert "model fraction strips · Grade 4 Math PLC · due Dec 4, 2026" in shown
        menu = next(b for b in home["blocks"] if "model fraction strips" in str(b))["accessory"]
        assert [o["text"]["text"] for o in menu["options"]] == ["Done", "Need more time", "Drop"]

        # Done: closed there and then, the team is told, and the Home no longer lists it.
        choose_in_home(app, home, "model fraction strips", "Done")
        home = home_of(app, JAMES, 2)
        assert "model fraction strips" not in str(home["blocks"])
        channel_post(app, "✅ <@U0TEACH03> completed a commitment: model fraction strips")
        assert rows(app)[0].status == "done"

        # Need more time: the form, then the Home shows the new date.
        choose_in_home(app, home, "share exit tickets", "Need more time")
        form = opened_view(app, forms + 1)
        assert form["callback_id"] == "commitment_more_time"
        app.slack.view_submission(form, values_for(form, {"commitment_due": "2026-12-18"}), user_id=JAMES)
        home = home_of(app, JAMES, 3)
        assert "share exit tickets · Grade 4 Math PLC · due Dec 18, 2026" in str(home["blocks"])
        assert rows(app)[1].due_on == date(2026, 12, 18)

        # Drop: the reason is asked for; the Home loses it and the team hears why.
        choose_in_home(app, home, "try number talks", "Drop")
        form = opened_view(app, forms + 2)
        assert form["callback_id"] == "commitment_drop"
        app.slack.view_submission(form, values_for(form, {"drop_reason": "we ran out of weeks"}), user_id=JAMES)
        home = home_of(app, JAMES, 4)
        assert "try number talks" not in str(home["blocks"])
        assert "share exit tickets" in str(home["blocks"])
        channel_post(app, "<@U0TEACH03> dropped a commitment: try number talks (reason: we ran out of weeks)")
        assert [r.status for r in rows(app)] == ["done", "open", "dropped"]

        # A Home left open on another device: choosing Done on a closed commitment changes nothing and
        # shows the Home as it is now; someone else's commitment is never touched.
        stale = home
        app.slack.block_actions([{"type": "overflow", "action_id": "home_commitment", "block_id": "b",
                                  "selected_option": {"text": {"type": "plain_text", "text": "Done"},
                                                      "value": f"done:{rows(app)[0].id}"}}],
                                user_id=JAMES, view=stale)
        home_of(app, JAMES, 5)
        app.slack.block_actions([{"type": "overflow", "action_id": "home_commitment", "block_id": "b",
                                  "selected_option": {"text": {"type": "plain_text", "text": "Done"},
                                                      "value": f"done:{rows(app)[1].id}"}}],
                                user_id=FACILITATOR, view=stale)
        home_of(app, FACILITATOR, 6)
        assert [r.status for r in rows(app)] == ["done", "open", "dropped"]
        assert len(app.emulator.calls_to("views.open")) == forms + 2


def test_bad_input_is_explained_and_nothing_is_stored(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        past = commit(running_app, "reteach by 2026-11-01")
        assert past["text"].startswith("Sun, Nov 1 has already passed: choose today or a later day.\nUsage:")
        bad = commit(running_app, "reteach by someday")
        assert bad["text"].startswith("I couldn't read “someday” as a date.")
        usage = commit(running_app, "")
        assert usage["text"].startswith("Usage: `/plc commit TEXT [by DATE] [for @someone]`")
    assert rows(running_app) == [] and reminders(running_app) == []


def test_commitments_lists_the_open_ones_with_overdue_marked(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        commit(running_app, "call families by today")
        commit(running_app, "plan the reteach by 12/4 for <@U0TEACH03|james>")
        commit(running_app, "finish the rubric")
        closed = commit(running_app, "done soon by friday")
        assert closed["text"].startswith("Recorded")
    running_app.plc.services.commitments.mark_done(rows(running_app)[3].id, FACILITATOR)
    with time_machine.travel(datetime(2026, 11, 27, 17, 0, tzinfo=UTC), tick=True):
        listing = running_app.slack.slash_command("/plc", "commitments", user_id=FACILITATOR,
                                                  channel_id=CHANNEL).json()
        mine = running_app.slack.slash_command("/plc", "commitments mine", user_id=JAMES, channel_id=CHANNEL).json()
    assert listing["response_type"] == "ephemeral"
    assert listing["text"] == "\n".join([
        "*Open commitments of Grade 4 Math PLC* (3)",
        "• ⚠️ <@U0TEACH02>: call families (due Wed, Nov 25, *overdue*)",
        "• <@U0TEACH03>: plan the reteach (due Fri, Dec 4)",
        "• <@U0TEACH02>: finish the rubric (no due date)",
    ])
    assert mine["text"].splitlines() == ["*Your open commitments in Grade 4 Math PLC* (1)",
                                         "• <@U0TEACH03>: plan the reteach (due Fri, Dec 4)"]


def test_the_next_agenda_opens_with_the_commitments_to_review(running_app: RunningApp) -> None:
    with time_machine.travel(NOW, tick=True):
        register_team(running_app)
        view = open_schedule(running_app)
        submit_schedule(running_app, view, schedule_first_date="2026-12-01", schedule_skip_dates="")
        commit(running_app, "reteach 4.NF.2 with number lines by friday for <@U0TEACH03|james>")
        commit(running_app, "share exit tickets by 11/30")
        commit(running_app, "model fraction strips by friday for <@U0TEACH03|james>")
        commit(running_app, "call families by 11/30")
    done, dropped, moved, overdue = rows(running_app)
    services = running_app.plc.services
    with time_machine.travel(datetime(2026, 11, 27, 15, 0, tzinfo=UTC), tick=True):
        services.commitments.mark_done(done.id, JAMES)
        services.commitments.drop(dropped.id, "no time this week", FACILITATOR)
        services.commitments.more_time(moved.id, date(2026, 12, 8), JAMES)

    expected = [
        "*Commitments to review* (4)",
        "• <@U0TEACH03>: reteach 4.NF.2 with number lines (due Fri, Nov 27): ✅ done",
        "• <@U0TEACH02>: share exit tickets (due Mon, Nov 30): ✖️ dropped: no time this week",
        "• <@U0TEACH02>: call families (due Mon, Nov 30): ⚠️ open, overdue",
        "• <@U0TEACH03>: model fraction strips (due Tue, Dec 8): ⏳ more time until Tue, Dec 8",
    ]
    preview_at = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)  # 24 h before Tuesday 15:30 in New York
    with time_machine.travel(preview_at, tick=True):
        dispatch(running_app, preview_at)
    preview = channel_post(running_app, "Agenda preview")
    assert preview["blocks"][0]["type"] == "header"
    assert preview["blocks"][1]["text"]["text"].splitlines()[0] == expected[0]  # due tomorrow: open, not overdue
    assert "call families (due Mon, Nov 30): open" in preview["blocks"][1]["text"]["text"]

    start = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=True):
        dispatch(running_app, start)
        meeting = channel_post(running_app, "PLC meeting:")
        assert meeting["blocks"][1]["block_id"] == "commitments_review"
        assert meeting["blocks"][1]["text"]["text"] == "\n".join(expected)
        agenda = running_app.slack.slash_command("/plc", "agenda", user_id=FACILITATOR, channel_id=CHANNEL).json()
        # `/plc agenda` shows the meeting after this one: what is still open carries over to it.
        assert agenda["blocks"][1]["text"]["text"] == "\n".join(["*Commitments to review* (2)", expected[3],
                                                                   expected[4]])

        # The meeting's Commit button: a form, stored for the meeting, said in its thread.
        controls = next(b for b in meeting["blocks"] if b.get("block_id") == "meeting_controls")
        assert [e["action_id"] for e in controls["elements"]] == [
            "meeting_start", "meeting_park", "meeting_commit", "meeting_end"]
        forms = len(running_app.emulator.calls_to("views.open"))
        press(running_app, meeting, "meeting_commit", user_id=FACILITATOR, channel_id=CHANNEL)
        form = opened_view(running_app, forms + 1)
        assert form["callback_id"] == "commitment_new"
        owner = next(b for b in form["blocks"] if b["block_id"] == "commitment_owner")["element"]
        assert owner["type"] == "users_select" and owner["initial_user"] == FACILITATOR
        reply = running_app.slack.view_submission(form, values_for(form, {
            "commitment_text": "try number talks for RL.3.1", "commitment_owner": JAMES,
            "commitment_due": "2026-12-07"}), user_id=FACILITATOR)
        assert reply.status_code == 200 and reply.text == ""
        said = channel_post(running_app, "<@U0TEACH03> committed to: try number talks")
        assert said["thread_ts"] == meeting["ts"]
    made = rows(running_app)[-1]
    live = services.meetings.live_meeting(services.teams.find(running_app.emulator.team_id, CHANNEL).id)
    assert (made.meeting_id, made.owner_id, made.due_on, made.standard) == (live.id, JAMES, date(2026, 12, 7),
                                                                            "RL.3.1")


def test_a_turkish_team_gets_turkish_texts(running_app: RunningApp) -> None:
    tr = catalog("tr")
    with time_machine.travel(NOW, tick=True):
        register_team(running_app, team_language="tr", team_timezone="Europe/Istanbul")
        reply = commit(running_app, "4.NF.2'yi sayı doğrusuyla yeniden öğret cumaya kadar <@U0TEACH03|james> için")
        assert reply["text"].startswith("Kaydedildi: *4.NF.2'yi sayı doğrusuyla yeniden öğret*\n"
                                        "Sorumlu: <@U0TEACH03> · teslim 27 Kas Cum")
        channel_post(running_app, "<@U0TEACH03> taahhüt etti: 4.NF.2'yi sayı doğrusuyla yeniden öğret "
                                  "(teslim 27 Kas Cum; kaydeden <@U0TEACH02>)")
        bad = commit(running_app, "tekrar et belki kadar")
        assert bad["text"].startswith("“belki” ifadesini tarih olarak okuyamadım.")
        listing = running_app.slack.slash_command("/plc", "commitments", user_id=FACILITATOR,
                                                  channel_id=CHANNEL).json()
        assert listing["text"].startswith("*Grade 4 Math PLC ekibinin açık taahhütleri* (1)")
    nine = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul (UTC+3)
    with time_machine.travel(nine, tick=True):
        dispatch(running_app, nine)
        [dm] = dm_reminders(running_app)
        assert dm["text"] == tr.t("commitments.reminder_text", text="4.NF.2'yi sayı doğrusuyla yeniden öğret")
        labels = [e["text"]["text"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert labels == ["Tamamlandı", "Ek süre gerekli", "Bırak"]
        press(running_app, dm, "commitment_done")
        running_app.emulator.wait_for("chat.update")
        assert dm_message(running_app, dm["ts"])["text"].startswith("✅ Tamamlandı:")
        channel_post(running_app, "✅ <@U0TEACH03> bir taahhüdünü tamamladı")
