"""`/plc commit TEXT [by DATE] [for @someone]`: English and Turkish, mentions, dates, standards, errors."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commitments.parser import (
    CommitmentParseError,
    detect_standard,
    mine_words,
    parse_commitment,
    parse_date,
)

TODAY = date(2026, 11, 25)  # a Wednesday


def parse(text: str, language: str = "en", today: date = TODAY):
    return parse_commitment(text, language, today)


def test_the_issue_example_with_an_escaped_mention() -> None:
    parsed = parse("reteach 4.NF.2 with number lines by friday for <@U0TEACH03|james>")
    assert parsed.text == "reteach 4.NF.2 with number lines"
    assert parsed.due_on == date(2026, 11, 27)
    assert parsed.owner_id == "U0TEACH03"
    assert parsed.standard == "4.NF.2"


@pytest.mark.parametrize("text", [
    "reteach fractions for <@U0TEACH03> by 2026-12-04",
    "reteach fractions by 2026-12-04 for <@U0TEACH03|james>",
    "reteach fractions BY 12/4 FOR <@U0TEACH03|james>.",
    "reteach fractions due 12/4/2026 for <@U0TEACH03>",
])
def test_clauses_in_either_order_and_any_case(text: str) -> None:
    parsed = parse(text)
    assert (parsed.text, parsed.due_on, parsed.owner_id) == ("reteach fractions", date(2026, 12, 4), "U0TEACH03")


def test_no_clauses_means_the_author_owns_it_without_a_due_date() -> None:
    parsed = parse("try number talks every morning")
    assert (parsed.text, parsed.due_on, parsed.owner_id, parsed.standard) == (
        "try number talks every morning", None, None, None)


def test_for_and_by_in_the_middle_of_the_text_stay_text() -> None:
    parsed = parse("pair with <@U0TEACH02> for fractions by modelling first by tomorrow")
    assert parsed.text == "pair with <@U0TEACH02> for fractions by modelling first"
    assert parsed.due_on == date(2026, 11, 26) and parsed.owner_id is None


@pytest.mark.parametrize(("value", "expected"), [
    ("today", date(2026, 11, 25)),
    ("tomorrow", date(2026, 11, 26)),
    ("Friday", date(2026, 11, 27)),
    ("fri", date(2026, 11, 27)),
    ("wednesday", date(2026, 12, 2)),  # the next such day: never today
    ("monday,", date(2026, 11, 30)),
    ("2026-12-04", date(2026, 12, 4)),
    ("12/4", date(2026, 12, 4)),  # English: month first
    ("1/5", date(2027, 1, 5)),  # no year and already past this year: next year
    ("12/4/26", date(2026, 12, 4)),
])
def test_english_dates(value: str, expected: date) -> None:
    assert parse_date(value, "en", TODAY) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("bugün", date(2026, 11, 25)),
    ("yarın", date(2026, 11, 26)),
    ("Cuma", date(2026, 11, 27)),
    ("cumaya", date(2026, 11, 27)),
    ("SALIYA", date(2026, 12, 1)),
    ("carsamba", date(2026, 12, 2)),  # without Turkish letters
    ("friday", date(2026, 11, 27)),  # English is understood too
    ("4.12.2026", date(2026, 12, 4)),  # Turkish: day first
    ("4.12", date(2026, 12, 4)),
    ("4.12'ye", date(2026, 12, 4)),
    ("4/12/2026", date(2026, 12, 4)),
    ("2026-12-04", date(2026, 12, 4)),
])
def test_turkish_dates(value: str, expected: date) -> None:
    assert parse_date(value, "tr", TODAY) == expected


def test_turkish_clauses_come_after_their_word() -> None:
    parsed = parse("4.NF.2'yi sayı doğrusuyla yeniden öğret cumaya kadar <@U0TEACH01|ayse> için", "tr")
    assert parsed.text == "4.NF.2'yi sayı doğrusuyla yeniden öğret"
    assert parsed.due_on == date(2026, 11, 27)
    assert parsed.owner_id == "U0TEACH01"
    assert parsed.standard == "4.NF.2"
    english = parse("M.4.1.5.2 kazanımını tekrar et by 4.12 for <@U0TEACH01>", "tr")
    assert (english.due_on, english.owner_id, english.standard) == (date(2026, 12, 4), "U0TEACH01", "M.4.1.5.2")
    assert parse("ara değerlendirme yap 4.12.2026 tarihine kadar", "tr").due_on == date(2026, 12, 4)


def test_an_english_team_reads_numeric_dates_month_first_and_ignores_turkish_words() -> None:
    assert parse("x by 4.12").due_on == date(2027, 4, 12)
    assert parse("x cumaya kadar").text == "x cumaya kadar"


@pytest.mark.parametrize(("text", "language", "key"), [
    ("reteach by someday", "en", "commitments.errors.bad_date"),
    ("reteach by 2/30", "en", "commitments.errors.bad_date"),
    ("reteach by 2026-11-24", "en", "commitments.errors.past_date"),
    ("reteach by 24.11.2026", "tr", "commitments.errors.past_date"),
    ("tekrar et belki kadar", "tr", "commitments.errors.bad_date"),
    ("reteach for @maria", "en", "commitments.errors.unknown_person"),
    ("by friday", "en", "commitments.errors.empty"),
    ("   ", "en", "commitments.errors.empty"),
    ("x" * 1001, "en", "commitments.errors.too_long"),
])
def test_errors_say_why(text: str, language: str, key: str) -> None:
    with pytest.raises(CommitmentParseError) as caught:
        parse(text, language)
    assert caught.value.key == key


def test_a_past_date_error_carries_the_date() -> None:
    with pytest.raises(CommitmentParseError) as caught:
        parse("reteach by 2026-11-01")
    assert caught.value.params == {"day": date(2026, 11, 1)}


@pytest.mark.parametrize(("text", "code"), [
    ("reteach 4.NF.2 with number lines", "4.NF.2"),
    ("RL.3.1 close reading", "RL.3.1"),
    ("kazanım M.4.1.5.2 için", "M.4.1.5.2"),
    ("3.OA.A.1 arrays", "3.OA.A.1"),
    ("W.4.2a paragraphs.", "W.4.2a"),
    ("review the quiz on 4.12.2026", None),
    ("e.g. more practice", None),
    ("pair with <@U0TEACH02> on fractions", None),
])
def test_standard_codes_are_detected(text: str, code: str | None) -> None:
    assert detect_standard(text) == code


def test_mine_words_in_the_team_language_and_english() -> None:
    assert {"mine", "benim"} <= mine_words("tr")
    assert "benim" not in mine_words("en")
