"""`/plc setup`: the modal opens, its submission stores the team, bad input gets field errors."""

from sqlalchemy import func, select

from storage.models import Team, TeamMember
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR, open_setup, submit_setup


def team_count(app: RunningApp) -> int:
    with app.plc.services.db.session() as session:
        return session.scalar(select(func.count()).select_from(Team))


def test_setup_opens_the_modal_with_the_callers_timezone(running_app: RunningApp) -> None:
    view = open_setup(running_app, user_id="U0TEACH01")  # Ayşe: Europe/Istanbul, tr-TR
    assert view["callback_id"] == "team_setup"
    assert view["title"]["text"] == "PLC ekibinizi kurun"  # her Slack speaks Turkish
    timezone_block = next(b for b in view["blocks"] if b["block_id"] == "team_timezone")
    assert timezone_block["element"]["initial_option"]["value"] == "Europe/Istanbul"
    members_block = next(b for b in view["blocks"] if b["block_id"] == "team_members")
    assert members_block["element"]["initial_users"] == ["U0TEACH01"]
    assert running_app.emulator.calls_to("users.info")[0].args["user"] == "U0TEACH01"


def test_submission_stores_the_team_and_posts_its_summary(running_app: RunningApp) -> None:
    view = open_setup(running_app)
    reply = submit_setup(running_app, view)
    assert reply.status_code == 200
    team = running_app.plc.services.teams.find(running_app.emulator.team_id, CHANNEL)
    assert team is not None
    assert (team.name, team.subject, team.timezone, team.language) == (
        "Grade 4 Math PLC", "Mathematics", "America/New_York", "en")
    assert team.member_ids == [FACILITATOR, "U0TEACH03"]
    assert team.facilitator_ids == [FACILITATOR]
    assert len(team.norms) == 5  # the default norms offered in the modal
    post = running_app.emulator.wait_for("chat.postMessage")[0]
    assert post.args["channel"] == CHANNEL
    assert "The PLC team Grade 4 Math PLC is set up" in post.args["text"]
    assert any(b.get("type") == "header" for b in post.args["blocks"])


def test_timezone_search_offers_matching_zones(running_app: RunningApp) -> None:
    view = open_setup(running_app)
    reply = running_app.slack.block_suggestion("team_timezone", "team_timezone", "istan", user_id=FACILITATOR,
                                               view=view)
    assert reply.status_code == 200
    values = [o["value"] for o in reply.json()["options"]]
    assert values[0] == "Europe/Istanbul"
    reply = running_app.slack.block_suggestion("team_timezone", "team_timezone", "new york", user_id=FACILITATOR,
                                               view=view)
    assert [o["value"] for o in reply.json()["options"]] == ["America/New_York"]


def test_bad_input_is_refused_in_the_modal_and_nothing_is_stored(running_app: RunningApp) -> None:
    view = open_setup(running_app)
    reply = submit_setup(running_app, view, team_name="   ", team_timezone="Mars/Olympus_Mons")
    assert reply.status_code == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {
        "team_name": "Give the team a name.",
        "team_timezone": "Choose a timezone from the list (type a city to search).",
    }
    assert team_count(running_app) == 0
    assert running_app.emulator.calls_to("chat.postMessage") == []


def test_setup_again_edits_the_same_team(running_app: RunningApp) -> None:
    view = open_setup(running_app)
    submit_setup(running_app, view)
    view = open_setup(running_app, user_id="U0TEACH03")
    assert view["title"]["text"] == "Edit your PLC team"
    name_block = next(b for b in view["blocks"] if b["block_id"] == "team_name")
    assert name_block["element"]["initial_value"] == "Grade 4 Math PLC"
    submit_setup(running_app, view, user_id="U0TEACH03", team_name="G4 Math", team_members=["U0TEACH03"])
    assert team_count(running_app) == 1
    team = running_app.plc.services.teams.find(running_app.emulator.team_id, CHANNEL)
    assert team.name == "G4 Math"
    assert team.member_ids == ["U0TEACH03"]
    with running_app.plc.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(TeamMember)) == 1


def test_garbled_private_metadata_keeps_the_modal_open(running_app: RunningApp) -> None:
    view = open_setup(running_app)
    view["private_metadata"] = "{not json"
    body = submit_setup(running_app, view).json()
    assert body["response_action"] == "errors"
    assert "out of date" in body["errors"]["team_name"]
    assert team_count(running_app) == 0
