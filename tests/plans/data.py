"""Two assessments of one team with hand-computed truth (each standard: two 5-point items, 10 points).

Assessment A ("Unit 3 quiz"), lines 70 % (intervention) and 90 % (extension):

    student  4.NF.1  4.NF.2  overall
    Ada        40      30      35
    Ben        60      90      75
    Cem        80      50      65
    Deniz     100     100     100
    Efe        50      60      55
    Fatma      90      90      90
    Gul        70      80      75

Groups: 4.NF.1 below 70: Ada, Efe, Ben (mean 50); 4.NF.2 below 70: Ada, Cem, Efe (mean 46.67);
extension (overall from 90): Deniz, Fatma.

Assessment B ("Unit 4 quiz"), later: Efe is missing, Hale is new.

    student  4.NF.1  4.NF.2  overall
    Ada        70      60      65
    Ben        80      90      85
    Cem        80      80      80
    Deniz     100      90      95
    Fatma      80      80      80
    Gul        80      90      85
    Hale       50      50      50

4.NF.1 group: Ada 40->70, Ben 60->80 (Efe missing): 50 -> 75, +25, 2 of 2 at or above 70; the rest
(Cem, Deniz, Fatma, Gul: 85 -> 85) +0.
4.NF.2 group: Ada 30->60, Cem 50->80 (Efe missing): 40 -> 70, +30, 1 of 2 at or above 70; the rest
(Ben, Deniz, Fatma, Gul: 90 -> 87.5) -2.5.
Extension: Deniz 100->95, Fatma 90->80: 95 -> 87.5, -7.5, 1 of 2 still from 90; the rest (Ada, Ben,
Cem, Gul: 62.5 -> 78.75) +16.25.
"""

from __future__ import annotations

A_SCORES = {"Ada": (2, 2, 1, 2), "Ben": (3, 3, 4, 5), "Cem": (4, 4, 2, 3), "Deniz": (5, 5, 5, 5),
            "Efe": (2, 3, 3, 3), "Fatma": (4, 5, 4, 5), "Gul": (3, 4, 4, 4)}
B_SCORES = {"Ada": (3, 4, 3, 3), "Ben": (4, 4, 4, 5), "Cem": (4, 4, 4, 4), "Deniz": (5, 5, 4, 5),
            "Fatma": (4, 4, 4, 4), "Gul": (4, 4, 4, 5), "Hale": (2, 3, 2, 3)}
ITEMS = (("Q1", "4.NF.1"), ("Q2", "4.NF.1"), ("Q3", "4.NF.2"), ("Q4", "4.NF.2"))
STUDENTS = sorted(set(A_SCORES) | set(B_SCORES))


def long_csv(scores: dict[str, tuple[int, ...]], items: tuple[tuple[str, str], ...] = ITEMS) -> bytes:
    """A tidy long export: one row per student and item (the shape of examples/fractions-quiz.csv)."""
    lines = ["student,standard,item,score,max"]
    for student, points in scores.items():
        lines += [f"{student},{standard},{item},{score},5" for (item, standard), score in zip(items, points,
                                                                                              strict=True)]
    return ("\n".join(lines) + "\n").encode()


def no_standards_csv() -> bytes:
    return b"student,item,score,max\nAda,Q1,1,1\nBen,Q1,0,1\n"
