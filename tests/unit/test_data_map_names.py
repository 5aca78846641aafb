"""`/plc data map`'s NAME and MAP: quoted, a name the team has (with or without `:`), or the text before `:`."""

from __future__ import annotations

from handlers.commands.assessments import split_name

NAMES = ["Unit 3", "Unit 3 quiz", "İlk sınav"]


def test_a_quoted_name_comes_first() -> None:
    assert split_name('"Unit 3 quiz" Q1-Q5 4.NF.1', NAMES) == ("Unit 3 quiz", "Q1-Q5 4.NF.1")
    assert split_name("“Yeni: sınav” S1 M.4.1.2.3", NAMES) == ("Yeni: sınav", "S1 M.4.1.2.3")


def test_the_longest_name_the_team_has_wins_with_or_without_a_colon() -> None:
    assert split_name("Unit 3 quiz Q1-Q5 4.NF.1", NAMES) == ("Unit 3 quiz", "Q1-Q5 4.NF.1")
    assert split_name("unit 3: 1-5: 4.NF.1", NAMES) == ("Unit 3", "1-5: 4.NF.1")
    assert split_name("İLK SINAV S1-S2 M.4.1.2.3", NAMES) == ("İlk sınav", "S1-S2 M.4.1.2.3")
    assert split_name("Unit 30 Q1 4.NF.1", NAMES) is None  # "Unit 3" is not a whole word of it, and no colon


def test_an_unknown_name_is_the_text_before_the_first_colon() -> None:
    assert split_name("Unit 9: Q1 4.NF.1", NAMES) == ("Unit 9", "Q1 4.NF.1")
    assert split_name(": Q1 4.NF.1", NAMES) is None
