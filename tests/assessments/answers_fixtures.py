"""A long results table with each student's chosen answer and the key, small enough to check by hand.

Six students, three one-point items. By hand (scored rows only; excused and missing rows count for
nothing):

- Q1 (4.NF.1), key A: Ada A 1, Ben B 0, Cem B 0, Deniz C 0, Ela (blank) 0, Fatma A 1.
  2/6 = 33.3 %. Missed by 4 (Ben, Cem, Deniz, Ela); Ela left it blank; wrong answers B 2, C 1:
  "2 of 4 who missed it chose B (key: A); 1 left it blank".
- Q2 (4.NF.2), key C: Ada C 1, Ben D 0, Cem B 0, Deniz C 1, Ela C 1, Fatma excused (chose D).
  3/5 = 60 %. Missed by 2; B 1, D 1: a tie, which goes to B (alphabetical). Fatma's excused D is
  not counted (it would make D the answer).
- Q3 (4.NF.2), key D: Ada D 1, Ben D 1, Cem A 0, Deniz D 1, Ela D 1, Fatma missing (no answer).
  4/5 = 80 %. Missed by 1, who chose A.
"""

from __future__ import annotations

from pathlib import Path

from tests.assessments.fixtures import write_csv, write_xlsx

EN_HEADER = ["Student", "Item", "Standard", "Answer", "Correct Answer", "Score", "Max Points"]
TR_HEADER = ["Öğrenci", "Soru", "Kazanım", "Cevap", "Doğru Cevap", "Puan", "Tam Puan"]
STUDENTS = ["Ada Lovelace", "Ben Okri", "Cem Karaca", "Deniz Gezmiş", "Ela Yıldız", "Fatma Aliye"]
# item -> (standard, key, [(answer, score) per student in STUDENTS order])
ITEMS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "Q1": ("4.NF.1", "A", [("A", "1"), ("B", "0"), ("B", "0"), ("C", "0"), ("", "0"), ("A", "1")]),
    "Q2": ("4.NF.2", "C", [("C", "1"), ("D", "0"), ("B", "0"), ("C", "1"), ("C", "1"), ("D", "EX")]),
    "Q3": ("4.NF.2", "D", [("D", "1"), ("D", "1"), ("A", "0"), ("D", "1"), ("D", "1"), ("", "")]),
}


def answer_rows(header: list[str] = EN_HEADER) -> list[list[object]]:
    """The table's rows, header first (one row per student and item, as a gradebook's long export)."""
    rows: list[list[object]] = [list(header)]
    for student_index, student in enumerate(STUDENTS):
        for item, (standard, key, answers) in ITEMS.items():
            answer, score = answers[student_index]
            rows.append([student, item, standard, answer, key, score, "1"])
    return rows


def answers_csv(folder: Path, *, turkish: bool = False) -> Path:
    return write_csv(folder, "cevaplar.csv" if turkish else "answers.csv",
                     answer_rows(TR_HEADER if turkish else EN_HEADER))


def answers_xlsx(folder: Path) -> Path:
    return write_xlsx(folder, "answers.xlsx", answer_rows())


# The figures worked out above: item, standard, percent, key, missed, blank, answer, chosen.
EXPECTED = [
    ("Q1", "4.NF.1", 100 * 2 / 6, "A", 4, 1, "B", 2),
    ("Q2", "4.NF.2", 100 * 3 / 5, "C", 2, 0, "B", 1),
    ("Q3", "4.NF.2", 100 * 4 / 5, "D", 1, 0, "A", 1),
]
