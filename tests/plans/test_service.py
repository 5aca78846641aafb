"""PlanService and StrategyLibrary on SQLite and PostgreSQL, against the hand-computed truth of tests/plans/data.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.assessments.readers import read_results
from bot.assessments.service import AssessmentService
from bot.commitments.service import COMMITMENT_DUE, CommitmentService
from bot.plans.grouping import EXTENSION
from bot.plans.library import StrategyLibrary, fold, standard_matches
from bot.plans.service import GroupInput, PlanError, PlanService
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import ActionPlan, Commitment, PlanGroup, PlanGroupStudent, ScheduledNotice, StrategyEntry
from tests.plans.data import A_SCORES, B_SCORES, long_csv, no_standards_csv

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wednesday 10:00 in New York
LATER = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def make_team(db: Database, channel: str, name: str, workspace: str = "T1") -> int:
    draft = TeamDraft(name=name, subject="Mathematics", grade_band="Grades 3–5", timezone="America/New_York",
                      language="en", member_ids=["U1", "U2", "U3"], norms=[])
    return TeamService(db).save(workspace, channel, draft, by_user="U1").id


@pytest.fixture
def team_id(db: Database) -> int:
    return make_team(db, "C1", "Grade 4 Math")


def services(db: Database) -> tuple[AssessmentService, PlanService, StrategyLibrary]:
    assessments = AssessmentService(db)
    return assessments, PlanService(db, assessments, CommitmentService(db)), StrategyLibrary(db)


def store(db: Database, team_id: int, name: str, content: bytes, taken_on: date, teacher: str = "U1") -> int:
    table = read_results(content, filename="results.csv", teacher=teacher)
    return AssessmentService(db).store(team_id, name, taken_on, teacher, "results.csv", content, table).assessment_id


def plan_all(db: Database, team_id: int) -> tuple[int, int]:
    """Assessment A stored and planned: 4.NF.1 to U1, 4.NF.2 to U2, the extension group to U3."""
    a = store(db, team_id, "Unit 3 quiz", long_csv(A_SCORES), date(2026, 11, 20))
    _, plans, _ = services(db)
    plan = plans.save(team_id, a, [
        GroupInput("4.nf.1", "U1", "small-group reteach with number lines", "small_group_reteach",
                   date(2026, 11, 30), date(2026, 12, 11)),
        GroupInput("4.nf.2", "U2", "fraction strips in pairs", "peer_tutoring", date(2026, 12, 1)),
        GroupInput(EXTENSION, "U3", "design a fraction game", "enrichment_task"),
    ], created_by="U2", now=NOW)
    return a, plan.id


def test_the_draft_groups_students_by_the_standard_they_have_not_learned(db: Database, team_id: int) -> None:
    store(db, team_id, "Unit 3 quiz", long_csv(A_SCORES), date(2026, 11, 20))
    _, plans, _ = services(db)
    assert plans.latest_with_standards(team_id) == "Unit 3 quiz"
    draft = plans.draft(team_id, "Unit 3 quiz")
    shown = [(g.key, g.kind, g.standard, g.students, round(g.mean_percent, 2)) for g in draft.groups]
    assert shown == [("4.nf.1", "reteach", "4.NF.1", 3, 50.0), ("4.nf.2", "reteach", "4.NF.2", 3, 46.67),
                     (EXTENSION, EXTENSION, "4.NF.1, 4.NF.2", 2, 95.0)]
    assert draft.planned == {}


def test_a_saved_plan_keeps_its_students_and_makes_each_group_a_commitment(db: Database, team_id: int) -> None:
    a, plan_id = plan_all(db, team_id)
    _, plans, _ = services(db)
    plan = plans.plan(plan_id)
    assert plan is not None and plan.assessment_name == "Unit 3 quiz" and plan.owners == ["U1", "U2", "U3"]
    names = {g.standard: [(m.student, m.before) for m in plans.members(g.id)] for g in plan.groups}
    assert names == {"4.NF.1": [("Ada", 40.0), ("Efe", 50.0), ("Ben", 60.0)],
                     "4.NF.2": [("Ada", 30.0), ("Cem", 50.0), ("Efe", 60.0)],
                     "4.NF.1, 4.NF.2": [("Deniz", 100.0), ("Fatma", 90.0)]}
    with db.session() as session:
        commitments = session.execute(select(Commitment.owner_id, Commitment.text, Commitment.due_on,
                                             Commitment.standard, Commitment.assessment_id)
                                      .order_by(Commitment.id)).all()
        reminders = session.execute(select(ScheduledNotice.ref, ScheduledNotice.due_at)
                                    .where(ScheduledNotice.kind == COMMITMENT_DUE).order_by(ScheduledNotice.id)).all()
    assert [tuple(c) for c in commitments] == [
        ("U1", "Action plan for Unit 3 quiz, 4.NF.1 (3 students): small-group reteach with number lines",
         date(2026, 11, 30), "4.NF.1", a),
        ("U2", "Action plan for Unit 3 quiz, 4.NF.2 (3 students): fraction strips in pairs", date(2026, 12, 1),
         "4.NF.2", a),
        ("U3", "Action plan for Unit 3 quiz, extension group (2 students): design a fraction game", None, None, a),
    ]
    # The owners' DMs on the dates: 09:00 in New York (14:00 UTC).
    assert [due for _, due in reminders] == [datetime(2026, 11, 30, 14, 0, tzinfo=UTC),
                                            datetime(2026, 12, 1, 14, 0, tzinfo=UTC)]


def test_the_later_assessment_measures_each_group_on_the_same_students(db: Database, team_id: int) -> None:
    a, plan_id = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv(B_SCORES), date(2026, 12, 8))
    _, plans, library = services(db)
    measured = plans.measure(team_id, b, "job-1:measure", now=LATER)
    assert [m.updated for m in measured] == [False, False, False]
    groups = {g.standard: g for g in plans.plan(plan_id).groups}
    results = {standard: {k: (round(v, 2) if isinstance(v, float) else v) for k, v in g.result.items()}
               for standard, g in groups.items()}
    assert results["4.NF.1"] == {"matched": 2, "missing": 1, "before": 50.0, "after": 75.0, "change": 25.0,
                                 "crossed": 2, "line": 70.0, "others": 4, "others_change": 0.0,
                                 "assessment": "Unit 4 quiz"}
    assert results["4.NF.2"] == {"matched": 2, "missing": 1, "before": 40.0, "after": 70.0, "change": 30.0,
                                 "crossed": 1, "line": 70.0, "others": 4, "others_change": -2.5,
                                 "assessment": "Unit 4 quiz"}
    assert results["4.NF.1, 4.NF.2"] == {"matched": 2, "missing": 0, "before": 95.0, "after": 87.5,
                                         "change": -7.5, "crossed": 1, "line": 90.0, "others": 4,
                                         "others_change": 16.25, "assessment": "Unit 4 quiz"}
    assert all(g.status == "measured" and g.measured_on_name == "Unit 4 quiz" for g in groups.values())
    assert [(m.student, m.before, m.after) for m in plans.members(groups["4.NF.1"].id)] == [
        ("Ada", 40.0, 70.0), ("Efe", 50.0, None), ("Ben", 60.0, 80.0)]
    # Each commitment is closed with its evidence; its pending reminder is dropped.
    with db.session() as session:
        closed = session.execute(select(Commitment.status, Commitment.status_note).order_by(Commitment.id)).all()
        pending = session.scalar(select(func.count()).select_from(ScheduledNotice)
                                 .where(ScheduledNotice.status == "pending"))
    assert [tuple(c) for c in closed] == [
        ("done", "measured on Unit 4 quiz: 2 of 2 now at or above 70 %, +25 points"),
        ("done", "measured on Unit 4 quiz: 1 of 2 now at or above 70 %, +30 points"),
        ("done", "measured on Unit 4 quiz: 1 of 2 now at or above 90 %, -8 points"),
    ]
    assert pending == 0
    # The library has three entries, aggregates only; no student anywhere in them.
    entries = library.search("T1", None, "")
    assert [(e.standard, e.students, e.crossed, e.change, e.others_change) for e in entries] == [
        ("4.NF.2", 2, 1, 30.0, -2.5), ("4.NF.1", 2, 2, 25.0, 0.0), ("4.NF.1, 4.NF.2", 2, 1, -7.5, 16.25)]
    with db.session() as session:
        stored = " ".join(str(v) for row in session.execute(select(StrategyEntry)).scalars()
                          for v in vars(row).values())
    assert not any(student in stored for student in ("Ada", "Ben", "Cem", "Deniz", "Efe", "Fatma", "Gul", "Hale"))
    # Delivered again, the job's measuring changes nothing; a new upload with the same figures neither.
    assert plans.measure(team_id, b, "job-1:measure", now=LATER) == measured
    assert plans.measure(team_id, b, "job-2:measure", now=LATER) == []
    assert a != b


def test_another_upload_of_the_later_assessment_updates_the_measurement(db: Database, team_id: int) -> None:
    _, plan_id = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv({k: v for k, v in B_SCORES.items() if k != "Ben"}),
              date(2026, 12, 8))
    _, plans, _ = services(db)
    first = plans.measure(team_id, b, "job-1:measure", now=LATER)
    nf1 = next(g for g in plans.plan(plan_id).groups if g.standard == "4.NF.1")
    assert (nf1.result["matched"], nf1.result["missing"], nf1.result["change"]) == (1, 2, 30.0)  # Ada 40 -> 70
    # Ben's results arrive from a second teacher's file: 4.NF.1 is measured again, now on Ada and Ben.
    store(db, team_id, "Unit 4 quiz", long_csv({"Ben": B_SCORES["Ben"]}), date(2026, 12, 8), teacher="U2")
    again = plans.measure(team_id, b, "job-2:measure", now=LATER)
    assert len(first) == 3 and {m.group_id for m in again} >= {nf1.id} and all(m.updated for m in again)
    nf1 = plans.group(nf1.id)
    assert (nf1.result["matched"], nf1.result["missing"], nf1.result["change"]) == (2, 1, 25.0)


def test_an_earlier_assessment_never_measures_a_plan(db: Database, team_id: int) -> None:
    old = store(db, team_id, "Unit 2 quiz", long_csv(B_SCORES), date(2026, 11, 1))
    plan_all(db, team_id)
    _, plans, _ = services(db)
    assert plans.measure(team_id, old, "job-1:measure", now=LATER) == []


@pytest.mark.parametrize(("inputs", "key", "group", "field"), [
    ([], "plans.errors.no_groups", 0, "owner"),
    ([GroupInput("4.nf.9", "U1", "reteach")], "plans.errors.empty_group", 0, "owner"),
    ([GroupInput("4.nf.1", "U1", "x"), GroupInput("4.nf.2", "", "pairs")], "plans.errors.no_owner", 1, "owner"),
    ([GroupInput("4.nf.1", "U1", "  ")], "plans.errors.no_strategy", 0, "strategy"),
    ([GroupInput("4.nf.1", "U1", "x", happens_on=date(2026, 11, 24))], "plans.errors.past_date", 0, "when"),
    ([GroupInput("4.nf.1", "U1", "x", recheck_on=date(2026, 11, 24))], "plans.errors.past_date", 0, "recheck"),
    ([GroupInput("4.nf.1", "U1", "x", happens_on=date(2026, 12, 3), recheck_on=date(2026, 12, 2))],
     "plans.errors.recheck_before", 0, "recheck"),
])
def test_a_bad_plan_is_refused_with_its_reason_and_nothing_is_stored(db: Database, team_id: int, inputs: list,
                                                                     key: str, group: int, field: str) -> None:
    a = store(db, team_id, "Unit 3 quiz", long_csv(A_SCORES), date(2026, 11, 20))
    _, plans, _ = services(db)
    with pytest.raises(PlanError) as raised:
        plans.save(team_id, a, inputs, created_by="U1", now=NOW)
    assert (raised.value.key, raised.value.group, raised.value.field) == (key, group, field)
    assert_nothing_planned(db)


def assert_nothing_planned(db: Database) -> None:
    with db.session() as session:
        for model in (ActionPlan, PlanGroup, PlanGroupStudent, Commitment, ScheduledNotice):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_an_assessment_without_standards_or_deleted_cannot_be_planned(db: Database, team_id: int) -> None:
    store(db, team_id, "Exit ticket", no_standards_csv(), date(2026, 11, 20))
    assessments, plans, _ = services(db)
    with pytest.raises(PlanError) as raised:
        plans.draft(team_id, "Exit ticket")
    assert raised.value.key == "plans.errors.no_standards" and raised.value.params == {"name": "Exit ticket"}
    assert plans.latest_with_standards(team_id) is None
    with pytest.raises(PlanError) as raised:
        plans.draft(team_id, "Unit 9")
    assert raised.value.key == "plans.errors.not_found"
    # The form was opened, then the assessment deleted: saving stores nothing.
    a = store(db, team_id, "Unit 3 quiz", long_csv(A_SCORES), date(2026, 11, 20))
    plans.draft(team_id, "Unit 3 quiz")
    assert assessments.delete(team_id, "Unit 3 quiz")
    with pytest.raises(PlanError) as raised:
        plans.save(team_id, a, [GroupInput("4.nf.1", "U1", "reteach")], created_by="U1", now=NOW)
    assert raised.value.key == "plans.errors.assessment_gone"
    assert_nothing_planned(db)


def test_nobody_below_a_line_means_nothing_to_plan(db: Database, team_id: int) -> None:
    store(db, team_id, "Easy quiz", long_csv({"Ben": (4, 4, 4, 4), "Cem": (4, 4, 4, 3)}), date(2026, 11, 20))
    _, plans, _ = services(db)
    with pytest.raises(PlanError) as raised:
        plans.draft(team_id, "Easy quiz")
    assert raised.value.key == "plans.errors.nobody"


def test_deleting_the_assessment_deletes_the_plan_and_its_students_but_not_the_aggregates(
        db: Database, team_id: int) -> None:
    _, plan_id = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv(B_SCORES), date(2026, 12, 8))
    assessments, plans, library = services(db)
    plans.measure(team_id, b, "job-1:measure", now=LATER)
    assert assessments.delete(team_id, "Unit 3 quiz")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanGroupStudent)) == 0
        assert session.scalar(select(func.count()).select_from(PlanGroup)) == 0
        assert session.scalar(select(func.count()).select_from(ActionPlan)) == 0
    assert plans.plan(plan_id) is None
    assert len(library.search("T1", None, "4.NF")) == 3


def test_a_second_plan_replaces_the_open_group_and_drops_its_commitment(db: Database, team_id: int) -> None:
    a, plan_id = plan_all(db, team_id)
    _, plans, _ = services(db)
    assert set(plans.draft(team_id, "Unit 3 quiz").planned) == {"4.nf.1", "4.nf.2", EXTENSION}
    plan = plans.save(team_id, a, [GroupInput("4.nf.1", "U2", "worked examples", "worked_examples")],
                      created_by="U2", now=NOW)
    assert plan.id == plan_id
    assert [(g.standard, g.owner_id) for g in plan.groups] == [("4.NF.2", "U2"), ("4.NF.1, 4.NF.2", "U3"),
                                                               ("4.NF.1", "U2")]
    with db.session() as session:
        statuses = session.execute(select(Commitment.owner_id, Commitment.status, Commitment.status_note)
                                   .order_by(Commitment.id)).all()
    assert [tuple(s) for s in statuses] == [("U1", "dropped", "replaced by a new version of the action plan"),
                                            ("U2", "open", None), ("U3", "open", None), ("U2", "open", None)]


def test_the_library_searches_codes_by_prefix_and_words_in_both_languages(db: Database, team_id: int) -> None:
    _, _ = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv(B_SCORES), date(2026, 12, 8))
    _, plans, library = services(db)
    plans.measure(team_id, b, "job-1:measure", now=LATER)
    other = make_team(db, "C2", "Grade 5 Math")

    def found(query: str, viewer: int | None = other) -> list[str]:
        return [e.standard for e in library.search("T1", viewer, query)]

    assert found("4.NF.2") == ["4.NF.2", "4.NF.1, 4.NF.2"]
    assert found("4.nf.1") == ["4.NF.1", "4.NF.1, 4.NF.2"]
    assert found("4.NF") == ["4.NF.2", "4.NF.1", "4.NF.1, 4.NF.2"]
    assert found("4.N") == [] and found("4.NF.10") == []
    assert found("number lines") == ["4.NF.1"]
    assert found("reteach 4.NF.1") == ["4.NF.1"]
    assert found("akran") == ["4.NF.2"]  # the tag "peer tutoring" in Turkish
    assert found("ZENGİNLEŞTİRME") == ["4.NF.1, 4.NF.2"]  # the extension group in Turkish, any case
    assert found("4.NF", viewer=None) == found("4.NF")
    assert library.search("T2", None, "4.NF") == []  # another workspace sees nothing
    # What other teams see on their own plan's standards, and who works on the same standard.
    assert library.elsewhere("T1", other, ["4.NF.2", "5.NF.1"]) == {
        "4.nf.2": library.elsewhere("T1", other, ["4.NF.2"])["4.nf.2"]}
    assert library.elsewhere("T1", other, ["4.NF.2"])["4.nf.2"].tried == 1
    assert library.elsewhere("T1", other, ["4.NF.2"])["4.nf.2"].changes == (30.0,)
    assert library.elsewhere("T1", team_id, ["4.NF.2"]) == {}  # not its own
    assert [(c.team_name, c.channel_id, c.standard) for c in library.connections("T1", other, ["4.NF"])] == [
        ("Grade 4 Math", "C1", "4.NF.1"), ("Grade 4 Math", "C1", "4.NF.2")]
    # A team that keeps its entries to itself: only it sees them.
    library.set_sharing(team_id, False)
    assert found("4.NF") == [] and library.connections("T1", other, ["4.NF"]) == []
    assert library.elsewhere("T1", other, ["4.NF.2"]) == {}
    assert found("4.NF", viewer=team_id) == ["4.NF.2", "4.NF.1", "4.NF.1, 4.NF.2"]


def test_owners_choose_whether_their_name_shows(db: Database, team_id: int) -> None:
    _, plan_id = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv(B_SCORES), date(2026, 12, 8))
    _, plans, library = services(db)
    plans.measure(team_id, b, "job-1:measure", now=LATER)
    group = next(g for g in plans.plan(plan_id).groups if g.owner_id == "U1")
    assert [e.owner_id for e in library.search("T1", None, "4.NF.1")] == [None, None]
    assert not plans.share_owner_name(group.id, "U2")
    assert plans.share_owner_name(group.id, "U1")
    assert [e.owner_id for e in library.search("T1", None, "4.NF.1")] == ["U1", None]
    assert plans.share_owner_name(group.id, "U1", share=False)
    assert [e.owner_id for e in library.search("T1", None, "4.NF.1")] == [None, None]


def test_the_next_meeting_reviews_what_was_measured_since_the_last_one(db: Database, team_id: int) -> None:
    _, plan_id = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv(B_SCORES), date(2026, 12, 8))
    _, plans, _ = services(db)
    plans.measure(team_id, b, "job-1:measure", now=LATER)
    assert len(plans.measured_for_meeting(team_id, datetime(2026, 12, 10, 20, 30, tzinfo=UTC))) == 3
    assert plans.measured_for_meeting(team_id, datetime(2026, 12, 8, 20, 30, tzinfo=UTC)) == []


def test_matching_helpers() -> None:
    assert standard_matches("4.nf", "4.nf.2") and standard_matches("4.nf.2", "4.nf.2")
    assert not standard_matches("4.n", "4.nf.2") and not standard_matches("4.nf.1", "4.nf.10")
    assert standard_matches("m.4", "m.4.1.2")
    assert fold("İŞE Yarayanlar") == fold("ise yarayanlar") == "ise yarayanlar"


def test_racing_measuring_jobs_measure_once_and_see_each_others_work(db: Database, team_id: int) -> None:
    """Two uploads' jobs (and one of them delivered twice) measuring at once: one after the other, each group
    measured once, every delivery of a job getting the same answer."""
    from concurrent.futures import ThreadPoolExecutor

    _, plan_id = plan_all(db, team_id)
    b = store(db, team_id, "Unit 4 quiz", long_csv({k: v for k, v in B_SCORES.items() if k != "Ben"}),
              date(2026, 12, 8))
    store(db, team_id, "Unit 4 quiz", long_csv({"Ben": B_SCORES["Ben"]}), date(2026, 12, 8), teacher="U2")
    _, plans, _ = services(db)
    keys = ["job-1:measure", "job-2:measure", "job-1:measure", "job-2:measure"]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda key: plans.measure(team_id, b, key, now=LATER), keys))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert sorted(len(a) for a in answers[:2]) == [0, 3]
    nf1 = next(g for g in plans.plan(plan_id).groups if g.standard == "4.NF.1")
    assert (nf1.result["matched"], nf1.result["missing"], nf1.result["change"]) == (2, 1, 25.0)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(StrategyEntry)) == 3
