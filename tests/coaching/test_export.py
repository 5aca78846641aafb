"""The coach's export of a seeded term (tests/coaching/export_term.py): the CSV against the hand-computed truth, one PDF
page per team, English and Turkish, and nothing a coach must not see."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import time_machine
from pypdf import PdfReader

from bot.assessments.service import AssessmentService
from bot.coaching.export import CoachExport, TeamTerm, export_terms, one_decimal
from bot.coaching.report import TeamReports
from bot.i18n import catalog
from bot.meetings.schedules import ScheduleService
from bot.teams import TeamDraft, TeamService
from storage import migrate
from storage.db import Database
from tests.coaching.export_term import EXPORT_AT, HEADERS_EN, SETUP_AT, STUDENT_NAMES, TEAM_1, TEAM_2, seed_term, typed

NAMES = {"C0PLC0001": "grade4-math-plc", "C0PLC0002": "grade5-math-plc"}


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def make_team(db: Database, channel: str, name: str, norms: list[str], language: str = "en") -> int:
    draft = TeamDraft(name=name, subject="Mathematics", grade_band="Grades 3–5", timezone="America/New_York",
                      language=language, member_ids=["U0TEACH02", "U0TEACH03"], norms=norms)
    with time_machine.travel(SETUP_AT):
        return TeamService(db).save("T1", channel, draft, by_user="U0TEACH02").id


@pytest.fixture
def terms(db: Database) -> list[TeamTerm]:
    team_1 = make_team(db, "C0PLC0001", "Grade 4 Math PLC", ["Start on time", "Student learning first"])
    team_2 = make_team(db, "C0PLC0002", "Grade 5 Math PLC", [])
    make_team(db, "C0PLC0003", "Grade 6 Math PLC", ["Start on time"])  # not asked for
    seed_term(db, team_1, team_2)
    teams, assessments = TeamService(db), AssessmentService(db)
    rows = TeamReports(db, teams, ScheduleService(db), assessments).rows([team_1, team_2], EXPORT_AT)
    return CoachExport(db, teams, assessments).terms(rows, NAMES)


def read_csv(content: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark spreadsheets want
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_csv_has_one_row_per_team_with_the_hand_computed_figures(terms: list[TeamTerm]) -> None:
    exported = export_terms(terms, catalog("en"), "csv", EXPORT_AT)
    assert exported.filename == "plc-coach-export-2026-12-10.csv" and exported.count == 2
    header = next(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert header == HEADERS_EN
    rows = read_csv(exported.content)
    assert [typed(row, TEAM_1 if i == 0 else TEAM_2) for i, row in enumerate(rows)] == [TEAM_1, TEAM_2]


def test_the_turkish_csv_speaks_turkish(terms: list[TeamTerm]) -> None:
    # As Turkish spreadsheets expect: `;` between cells and a decimal comma.
    content = export_terms(terms, catalog("tr"), "csv", EXPORT_AT).content
    assert content.decode("utf-8-sig").splitlines()[0].startswith("Ekip;Kanal;")
    rows = read_csv(content, delimiter=";")
    assert rows[0]["Ekip"] == "Grade 4 Math PLC" and rows[0]["Yapılan toplantılar"] == "5"
    assert rows[0]["Normlar belirlendi"] == "evet" and rows[1]["Desteğe ihtiyacı olabilir"] == "evet"
    assert rows[1]["Neden"].startswith("21 gündür toplantı yapılmadı; 6 haftadır değerlendirme yapılmadı")
    assert rows[0]["Hedefteki ilerleme (% yeterli)"] == "71,4"


def test_the_pdf_has_one_page_per_team_and_no_student(terms: list[TeamTerm]) -> None:
    for language, expected in (("en", ("Grade 4 Math PLC", "#grade4-math-plc", "Meetings held", "Goal progress",
                                       "71.4 %", "+15.8 points", "No sign that the team needs support.")),
                               ("tr", ("Grade 5 Math PLC", "Yapılan toplantılar", "Desteğe ihtiyacı olabilir:",
                                       "Ekip bir hedef belirlemedi.", "%75"))):
        exported = export_terms(terms, catalog(language), "pdf", EXPORT_AT)
        assert exported.filename.endswith(".pdf") and exported.content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(exported.content))
        assert len(reader.pages) == 2
        pages = [page.extract_text() for page in reader.pages]
        everything = "\n".join(pages)
        for text in expected:
            assert text in everything, text
        assert "Grade 4 Math PLC" in pages[0] and "Grade 5 Math PLC" in pages[1]
        assert "Grade 6 Math PLC" not in everything
        assert not [name for name in STUDENT_NAMES if name in everything]
        assert not any(user in everything for user in ("U0TEACH02", "U0TEACH03"))


def test_many_teams_still_get_one_page_each(terms: list[TeamTerm]) -> None:
    many = [terms[0], terms[1]] * 4
    reader = PdfReader(io.BytesIO(export_terms(many, catalog("en"), "pdf", EXPORT_AT).content))
    assert len(reader.pages) == 8


def test_rounding_is_half_up() -> None:
    assert [str(one_decimal(v)) for v in (18.75, 6.25, 15.8333, -7.25, 0.0)] == ["18.8", "6.3", "15.8", "-7.3", "0.0"]


def test_a_team_name_never_becomes_a_spreadsheet_formula() -> None:
    from bot.coaching.export import csv_value

    texts = catalog("en")
    assert csv_value(texts, "team", "=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_value(texts, "team", "+Grade 4") == "'+Grade 4"
    assert csv_value(texts, "mean_change", -7.5) == "-7.5"  # numbers stay numbers
    assert csv_value(texts, "team", "Grade 4 Math PLC") == "Grade 4 Math PLC"
    assert csv_value(catalog("tr"), "mean_change", -7.5) == "-7,5"  # the Turkish decimal comma
