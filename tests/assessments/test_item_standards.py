"""A teacher's map of items to standards: how it reads, how it finds the file's items, what it says when wrong.

Every expected mapping below is written out by hand from the text; the messages are the catalog's in
English and Turkish, checked word for word.
"""

from __future__ import annotations

import pandas as pd
import pytest

from bot.assessments.item_standards import MapProblem, MapReport, fill_standards, item_number, parse_item_map
from bot.i18n import catalog

EN, TR = catalog("en"), catalog("tr")


def mapped(text: str, items: list[str]) -> dict[str, str]:
    item_map = parse_item_map(text)
    assert item_map is not None, text
    return item_map.resolve(items)


def problem(text: str, items: list[str] | None = None) -> MapProblem:
    with pytest.raises(MapProblem) as caught:
        item_map = parse_item_map(text)
        if items is not None:
            assert item_map is not None
            item_map.resolve(items)
    return caught.value


def test_ranges_and_lists_separated_by_semicolons_commas_colons_and_new_lines() -> None:
    items = [f"Q{n}" for n in range(1, 9)]
    assert mapped("Q1-Q5 4.NF.1; Q6-Q8 4.NF.2", items) == {
        "Q1": "4.NF.1", "Q2": "4.NF.1", "Q3": "4.NF.1", "Q4": "4.NF.1", "Q5": "4.NF.1",
        "Q6": "4.NF.2", "Q7": "4.NF.2", "Q8": "4.NF.2"}
    assert mapped("1-5: 4.NF.1, 6 4.NF.2", [str(n) for n in range(1, 7)]) == {
        "1": "4.NF.1", "2": "4.NF.1", "3": "4.NF.1", "4": "4.NF.1", "5": "4.NF.1", "6": "4.NF.2"}
    assert mapped("Q1, Q3 4.NF.1\nQ2 and Q4 4.NF.2", ["Q1", "Q2", "Q3", "Q4"]) == {
        "Q1": "4.NF.1", "Q3": "4.NF.1", "Q2": "4.NF.2", "Q4": "4.NF.2"}
    assert mapped("Q1 – Q2 4.NF.1", ["Q1", "Q2", "Q3"]) == {"Q1": "4.NF.1", "Q2": "4.NF.1"}  # an en dash, spaced


def test_turkish_items_and_kazanim_codes() -> None:
    soru = ["Soru 1", "Soru 2", "Soru 3", "Soru 4", "Soru 5", "Soru 6"]
    assert mapped("S1-S5 T.4.1.2", soru) == {f"Soru {n}": "T.4.1.2" for n in range(1, 6)}
    assert mapped("Soru 1-2 M.4.1.2.3\nSoru 3 M.4.1.2.4", soru) == {
        "Soru 1": "M.4.1.2.3", "Soru 2": "M.4.1.2.3", "Soru 3": "M.4.1.2.4"}
    assert mapped("1-2. sorular: M.4.1.2.3; 3-4. sorular: M.4.1.2.4.", ["S1", "S2", "S3", "S4"]) == {
        "S1": "M.4.1.2.3", "S2": "M.4.1.2.3", "S3": "M.4.1.2.4", "S4": "M.4.1.2.4"}  # the code's final dot goes


def test_items_are_found_by_their_number_or_their_exact_name() -> None:
    questions = ["1. What is 3/4 of 12?", "2. Which is larger, 2/3 or 3/5?", "Question 3", "#4) Add 1/4 and 2/4"]
    assert mapped("Q1-Q2 4.NF.1; Q3 4.NF.2, Q4 4.NF.3", questions) == {
        "1. What is 3/4 of 12?": "4.NF.1", "2. Which is larger, 2/3 or 3/5?": "4.NF.1",
        "Question 3": "4.NF.2", "#4) Add 1/4 and 2/4": "4.NF.3"}
    assert [item_number(i) for i in ("Q1", "1", "Question 1", "Soru 1", "1a", "Fractions", "Unit 3")] == [
        1, 1, 1, 1, None, None, None]
    assert mapped("1a, 1b: 4.NF.1; 2 4.NF.2", ["1a", "1b", "2"]) == {"1a": "4.NF.1", "1b": "4.NF.1", "2": "4.NF.2"}


@pytest.mark.parametrize("text", ["Unit 3 fractions", "Unit 3: 4.NF.1-4.NF.4", "4.NF.1, 4.NF.2",
                                  "3. Ünite: M.4.1.5.1-M.4.1.5.4", "Fractions: 4.NF.1", "", "   ", None])
def test_text_that_is_not_a_map_keeps_its_old_meaning(text: str | None) -> None:
    assert parse_item_map(text) is None


@pytest.mark.parametrize(("text", "items", "english", "turkish"), [
    ("Q5-Q1 4.NF.1", None,
     "I cannot read the range “Q5-Q1”: a range goes up and keeps one item word, like Q1-Q5 or S1-S5.",
     "“Q5-Q1” aralığını okuyamıyorum: aralık artarak gider ve tek bir soru sözcüğü kullanır, ör. S1-S5 ya da 1-5."),
    ("Q1-S5 4.NF.1", None,
     "I cannot read the range “Q1-S5”: a range goes up and keeps one item word, like Q1-Q5 or S1-S5.",
     "“Q1-S5” aralığını okuyamıyorum: aralık artarak gider ve tek bir soru sözcüğü kullanır, ör. S1-S5 ya da 1-5."),
    ("Q1-Q5 4.NF.1; Q6", None,
     "“Q6” has no standard after it. Write the items, then their standard: Q1-Q5 4.NF.1; Q6-Q8 4.NF.2.",
     "“Q6” sonrasında kazanım yok. Önce soruları, sonra kazanımlarını yazın: S1-S5 M.4.1.2.3; S6-S8 M.4.1.2.4."),
    ("4.NF.1: Q1-Q5", None,
     "“4.NF.1” has no items before it. Write the items first, then their standard: Q1-Q5 4.NF.1.",
     "“4.NF.1” öncesinde soru yok. Önce soruları, sonra kazanımlarını yazın: S1-S5 M.4.1.2.3."),
    ("Q9 4.NF.1", ["Q1", "Q2"],
     "There is no item Q9 in the results. Its items are: Q1, Q2.",
     "Sonuçlarda Q9 diye bir soru yok. Sorular şunlar: Q1, Q2."),
    ("S1-S3 M.4.1.2.3", ["Soru 1", "Soru 2"],
     "S1-S3 includes item 3, but the results have no such item. Their items are: Soru 1, Soru 2.",
     "S1-S3 aralığında 3. soru var, ama sonuçlarda böyle bir soru yok. Sorular şunlar: Soru 1, Soru 2."),
    ("Q1-Q3 4.NF.1; Q3 4.NF.2", ["Q1", "Q2", "Q3"],
     "Item Q3 is given two standards, 4.NF.1 and 4.NF.2. Give each item one standard.",
     "Q3 sorusuna iki kazanım verilmiş: 4.NF.1 ve 4.NF.2. Her soruya tek bir kazanım verin."),
    ("Q1 4.NF.1", ["1", "Question 1"],
     "Q1: number 1 fits several items (1, Question 1). Write the item's full name instead.",
     "Q1: 1 numarası birden çok soruya uyuyor (1, Question 1). Bunun yerine sorunun tam adını yazın."),
])
def test_a_wrong_map_names_its_bad_part_in_english_and_turkish(text: str, items: list[str] | None, english: str,
                                                               turkish: str) -> None:
    found = problem(text, items)
    assert EN.t(found.key, **found.params) == english
    assert TR.t(found.key, **found.params) == turkish


def test_the_files_own_standards_win_and_the_report_says_what_the_map_did() -> None:
    results = pd.DataFrame({"student": ["A", "A", "A", "B", "B", "B"], "item": ["Q1", "Q2", "Q3"] * 2,
                            "standard": [None, "4.nf.1", "4.NF.9", None, "4.nf.1", "4.NF.9"]})
    filled, report = fill_standards(results, mapped("Q1-Q3 4.NF.1", ["Q1", "Q2", "Q3"]))
    # Q1 had none: filled; Q2 had the same code (case aside): kept, no conflict; Q3 had another: kept.
    assert list(filled["standard"]) == ["4.NF.1", "4.nf.1", "4.NF.9"] * 2
    assert report == MapReport(filled=("Q1",), kept=("Q3",))
    unchanged, nothing = fill_standards(results.iloc[[1, 4]], mapped("Q2 4.NF.1", ["Q2"]))
    assert list(unchanged["standard"]) == ["4.nf.1", "4.nf.1"] and nothing == MapReport()


def test_a_map_over_several_uploads_needs_each_item_in_one_of_them() -> None:
    item_map = parse_item_map("Q1-Q2 4.NF.1; Q3 4.NF.2")
    assert item_map is not None
    item_map.check_found([["Q1", "Q2"], ["1", "2", "3"]])  # Q3 is item 3 of the second upload
    assert item_map.resolve(["Q1", "Q2"], require_all=False) == {"Q1": "4.NF.1", "Q2": "4.NF.1"}
    with pytest.raises(MapProblem) as caught:
        item_map.check_found([["Q1", "Q2"], ["1", "2"]])
    assert caught.value.key == "upload.map.not_in_file" and caught.value.params["item"] == "Q3"


def test_a_standard_longer_than_a_goal_accepts_is_refused() -> None:
    code = "CCSS.MATH.CONTENT.4.NF.A.1.EXTENDED.LONG.CODE"  # 45 characters; goals and commitments keep 40
    found = problem(f"Q1 {code}")
    assert EN.t(found.key, **found.params) == f"“{code}” is too long for a standard code (at most 40 characters)."
    assert TR.t(found.key, **found.params) == f"“{code}” bir kazanım kodu için fazla uzun (en çok 40 karakter)."
