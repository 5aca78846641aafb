"""A member's portfolio from the seeded term of tests/coaching/export_term.py: their own cycles with the measured
aggregates of tests/plans/data.py, their commitments by status, their private and shared reflections; nobody
else's, and never a student. Markdown and PDF, English and Turkish."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.assessments.service import AssessmentService
from bot.i18n import catalog
from bot.portfolio.document import outline, portfolio_file, to_markdown
from bot.portfolio.service import Portfolio, PortfolioService
from bot.reflections.service import ReflectionService
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from storage.models import ActionPlan, Assessment, KeptCycle, PlanGroup, PlanGroupStudent
from tests.coaching.export_term import EXPORT_AT, FACILITATOR, JAMES, SETUP_AT, STUDENT_NAMES, local, seed_term

JAMES_PRIVATE = "I rushed the number line part; slower next time."
JAMES_SHARED = "Fraction strips helped my group see equal parts."
MARIA_PRIVATE = "Maria's own worry about pacing."


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def make_team(db: Database, channel: str, name: str, language: str) -> int:
    draft = TeamDraft(name=name, subject="Mathematics", grade_band="Grades 3–5", timezone="America/New_York",
                      language=language, member_ids=[FACILITATOR, JAMES], norms=[])
    with time_machine.travel(SETUP_AT):
        return TeamService(db).save("T1", channel, draft, by_user=FACILITATOR).id


def seeded(db: Database, language: str = "en") -> tuple[int, int]:
    team_1 = make_team(db, "C0PLC0001", "Grade 4 Math PLC", language)
    team_2 = make_team(db, "C0PLC0002", "Grade 5 Math PLC", language)
    seed_term(db, team_1, team_2)
    reflections = ReflectionService(db)
    reflections.save(team_1, JAMES, JAMES_PRIVATE, prompt="What will you change?", now=local(EXPORT_AT.date(), 9))
    reflections.save(team_2, JAMES, JAMES_SHARED, shared=True, now=local(EXPORT_AT.date(), 10))
    reflections.save(team_1, FACILITATOR, MARIA_PRIVATE, now=local(EXPORT_AT.date(), 11))
    return team_1, team_2


def gather(db: Database, user_id: str) -> Portfolio:
    return PortfolioService(db, ReflectionService(db)).gather("T1", user_id, EXPORT_AT)


def test_a_portfolio_holds_the_members_own_cycles_commitments_and_reflections(db: Database) -> None:
    seeded(db)
    james = gather(db, JAMES)
    assert [(c.team_name, c.standard, c.strategy, c.status) for c in james.cycles] == [
        ("Grade 5 Math PLC", "4.NF.1", "number line warm-ups", "open"),
        ("Grade 4 Math PLC", "4.NF.1", "small-group reteach with number lines", "measured"),
        ("Grade 4 Math PLC", "4.NF.1, 4.NF.2", "design a fraction game", "measured"),
    ]
    reteach = james.cycles[1].result
    assert reteach is not None and {k: reteach[k] for k in ("matched", "missing", "before", "after", "change",
                                                            "crossed", "others", "others_change")} == {
        "matched": 2, "missing": 1, "before": 50.0, "after": 75.0, "change": 25.0, "crossed": 2, "others": 4,
        "others_change": 0.0}
    assert sorted(c.text.split(",")[0].split(" (")[0] for c in james.kept) == [
        "Action plan for Unit 3 quiz", "Action plan for Unit 3 quiz", "Order fraction tiles"]
    assert [(c.text, c.overdue) for c in james.still_open] == [
        ("Old commitment", True),
        ("Action plan for Fractions check, 4.NF.1 (3 students): number line warm-ups", True),
        ("Share exit tickets on 4.NF.1", True)]
    assert [(c.text, c.note) for c in james.dropped] == [("Visit a grade 5 lesson",
                                                          "the visit clashed with report cards")]
    assert [(r.text, r.shared) for r in james.reflections] == [(JAMES_PRIVATE, False), (JAMES_SHARED, True)]
    # Maria's portfolio is hers: her 4.NF.2 group, her commitments, her reflection.
    maria = gather(db, FACILITATOR)
    assert [c.standard for c in maria.cycles] == ["4.NF.2"]
    assert all(c.text != "Share exit tickets on 4.NF.1" for c in maria.commitments)
    assert [r.text for r in maria.reflections] == [MARIA_PRIVATE]
    assert gather(db, "U0NOBODY1").empty


def test_the_markdown_says_it_all_and_names_no_student(db: Database) -> None:
    seeded(db)
    exported = portfolio_file(gather(db, JAMES), catalog("en"), "markdown", EXPORT_AT)
    assert exported.filename == "plc-portfolio-2026-12-10.md"
    text = exported.content.decode("utf-8")
    assert text.startswith("# My professional learning portfolio\n")
    for expected in (
        "## Inquiry cycles", "### 4.NF.1 · Grade 4 Math PLC",
        "- **Assessment:** Unit 3 quiz, given Nov 20, 2026",
        "- **Strategy:** small-group reteach with number lines (Small-group reteach)",
        "- **Group:** 3 students, mean 50.0% before", "- **When:** Nov 30, 2026", "- **Re-check:** Dec 11, 2026",
        "- **Result:** measured on Unit 4 quiz (Dec 9, 2026): 2 students measured, mean 50.0% → 75.0%, change "
        "+25 points; 2 of 2 at or above 70%; 1 not in Unit 4 quiz (not counted); the rest of the team's students "
        "(4): ±0 points",
        "### Extension group (4.NF.1, 4.NF.2) · Grade 4 Math PLC",
        "mean 95.0% → 87.5%, change −7.5 points; 1 of 2 at or above 90%",
        "- **Result:** not measured yet",
        "## Commitments", "### Kept (3)", "### Open (3)", "### Dropped (1)",
        "- Order fraction tiles (due Nov 6, 2026; done Nov 5, 2026) · Grade 5 Math PLC",
        "_Evidence: measured on Unit 4 quiz: 2 of 2 now at or above 70 %, +25 points_",
        "- Share exit tickets on 4.NF.1 (due Dec 4, 2026, overdue) · Grade 4 Math PLC",
        "- Visit a grade 5 lesson (due Dec 3, 2026; dropped Dec 1, 2026) · Grade 4 Math PLC",
        "_Reason: the visit clashed with report cards_",
        "## Reflections", "> What will you change?", JAMES_PRIVATE, JAMES_SHARED, "_private_", "_shared with the team_",
    ):
        assert expected in text, expected
    assert text.index(JAMES_PRIVATE) < text.index(JAMES_SHARED)  # oldest first
    assert MARIA_PRIVATE not in text and "fraction strips in pairs" not in text
    assert not [name for name in STUDENT_NAMES if name in text]
    assert JAMES not in text and FACILITATOR not in text


def test_the_pdf_and_turkish(db: Database) -> None:
    seeded(db, language="tr")
    james = gather(db, JAMES)
    reader = PdfReader(io.BytesIO(portfolio_file(james, catalog("tr"), "pdf", EXPORT_AT).content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Mesleki gelişim portfolyom", "Sorgulama döngüleri", "Taahhütler", "Yansıtmalar",
                     "small-group reteach with number lines (Küçük grupta yeniden öğretim)", "%50,0 → %75,0",
                     "+25 puan", "Bırakılanlar (1)", JAMES_PRIVATE, JAMES_SHARED, "sayfa 1 /"):
        assert expected in text, expected
    assert MARIA_PRIVATE not in text
    assert not [name for name in STUDENT_NAMES if name in text]
    markdown = to_markdown(outline(james, catalog("tr"), EXPORT_AT))
    assert markdown.startswith("# Mesleki gelişim portfolyom") and "## Sorgulama döngüleri" in markdown


def test_a_long_portfolio_flows_over_pages(db: Database) -> None:
    team_1, _ = seeded(db)
    reflections = ReflectionService(db)
    for day in range(1, 29):
        reflections.save(team_1, JAMES, f"Day {day}: " + "what my students showed me today " * 30,
                         now=datetime(2026, 11, day, 20, 0, tzinfo=UTC))
    reader = PdfReader(io.BytesIO(portfolio_file(gather(db, JAMES), catalog("en"), "pdf", EXPORT_AT).content))
    assert len(reader.pages) > 4
    last = reader.pages[-1].extract_text()
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in last


def test_deleted_assessments_leave_their_groups_in_their_owners_portfolios_and_no_student(db: Database) -> None:
    """Deleting the assessment a plan was made on (and the one it was measured on) deletes the plan, its
    groups and their students; each owner keeps their copy: the same cycles, aggregates only."""
    team_1, team_2 = seeded(db)
    james, maria = gather(db, JAMES), gather(db, FACILITATOR)
    assert len(james.cycles) == 3 and len(maria.cycles) == 1
    assessments = AssessmentService(db)
    assert assessments.delete(team_1, "Unit 4 quiz")  # measured on: the groups keep its name in their result
    assert assessments.delete(team_1, "Unit 3 quiz")  # planned on: the plan, its groups and students go
    assert gather(db, JAMES).cycles == james.cycles and gather(db, FACILITATOR).cycles == maria.cycles
    assert [c.result["assessment"] for c in gather(db, JAMES).cycles if c.result] == ["Unit 4 quiz"] * 2
    with db.session() as session:
        assert session.scalars(select(ActionPlan.team_id)).all() == [team_2]
        left = session.scalars(select(PlanGroupStudent.group_id).distinct()).all()
        assert set(left) == set(session.scalars(select(PlanGroup.id).where(PlanGroup.team_id == team_2)))
        kept = session.scalars(select(KeptCycle).order_by(KeptCycle.id)).all()
        assert [(k.owner_id, k.standard, k.status) for k in kept] == [
            (JAMES, "4.NF.1", "measured"), (FACILITATOR, "4.NF.2", "measured"), (JAMES, "4.NF.1, 4.NF.2", "measured")]
        every_value = " ".join(str(getattr(k, column.name)) for k in kept for column in KeptCycle.__table__.columns)
    assert not any(name in every_value for name in STUDENT_NAMES)
    # The markdown is the same as before, whatever was deleted.
    after = portfolio_file(gather(db, JAMES), catalog("en"), "markdown", EXPORT_AT).content
    assert after == portfolio_file(james, catalog("en"), "markdown", EXPORT_AT).content


def test_assessments_purged_when_their_retention_ends_leave_the_cycles_too(db: Database) -> None:
    seeded(db)
    james = gather(db, JAMES)
    purged = AssessmentService(db).purge_expired(EXPORT_AT + timedelta(days=3 * 366))
    assert {name for _, name in purged} == {"Baseline", "Unit 3 quiz", "Unit 4 quiz", "Fractions check"}
    assert gather(db, JAMES).cycles == james.cycles
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanGroupStudent)) == 0
        assert session.scalar(select(func.count()).select_from(KeptCycle)) == 4


def test_two_processes_deleting_one_assessment_at_once_keep_each_cycle_once(db: Database) -> None:
    """A person's `/plc data delete` twice at the same moment (two servers): one deletes and copies,
    the other finds the assessment gone; each owner's copy is made once, and nothing fails."""
    team_1, _ = seeded(db)
    planned = group_ids(db, "Unit 3 quiz")
    assert len(planned) == 3
    outcomes = at_once(lambda: AssessmentService(db).delete(team_1, "Unit 3 quiz"))
    # Not found once the other committed (None), or found and then gone under the row lock (0 copies).
    assert sorted(getattr(o, "kept_cycles", -1) for o in outcomes) in ([-1, 3], [0, 3])
    with db.session() as session:
        assert sorted(session.scalars(select(KeptCycle.group_id))) == planned


def test_two_schedulers_purging_at_once_keep_each_cycle_once(db: Database) -> None:
    seeded(db)
    planned = group_ids(db, "Unit 3 quiz") + group_ids(db, "Fractions check")
    later = EXPORT_AT + timedelta(days=3 * 366)
    outcomes = at_once(lambda: AssessmentService(db).purge_expired(later))
    assert all(isinstance(o, list) for o in outcomes)  # neither failed
    assert {name for o in outcomes for _, name in o} == {"Baseline", "Unit 3 quiz", "Unit 4 quiz", "Fractions check"}
    with db.session() as session:
        assert sorted(session.scalars(select(KeptCycle.group_id))) == sorted(planned)
        assert session.scalar(select(func.count()).select_from(PlanGroup)) == 0


def group_ids(db: Database, assessment: str) -> list[int]:
    with db.session() as session:
        return sorted(session.scalars(select(PlanGroup.id).join(ActionPlan, ActionPlan.id == PlanGroup.plan_id)
                                      .join(Assessment, Assessment.id == ActionPlan.assessment_id)
                                      .where(Assessment.name == assessment)))


def at_once(work: Callable[[], object]) -> list[object]:
    """What `work` gave in two threads started at the same moment (an exception is what it gave)."""
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        start.wait()
        try:
            outcomes.append(work())
        except Exception as error:  # noqa: BLE001 - the test says which
            outcomes.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
