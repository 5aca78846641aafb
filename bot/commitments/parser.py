"""Reading `/plc commit TEXT [by DATE] [for @someone]`: plain text in, a ParsedCommitment out.

The clauses come at the end of the text, in either order: `by DATE` / `for @someone` in English
and, for a Turkish team, also `DATE kadar` / `@kişi için` (the connector words, the words for today
and tomorrow, the order of numeric dates and the Turkish case endings are data in
prompts/<lang>/commitments.toml; English is always understood too). Weekday names come from Babel
for the team's language and English. Slack sends a mentioned user as `<@U123|name>` (the `/plc`
command escapes users), and `&`, `<`, `>` typed by people as HTML entities.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from babel.dates import get_day_names

from bot.i18n import BABEL_LOCALES, catalog

MAX_TEXT = 1000
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ANY_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# A standard code: dotted (or dashed) segments, at least three, with a letter segment and a digit
# segment: 4.NF.2, RL.3.1, 3.OA.A.1, W.4.2a, M.4.1.5.2, HSA-SSE.A.1.
STANDARD = re.compile(r"(?<![\w.])((?:[A-Z]{1,5}|\d{1,2}[a-z]?)(?:[.\-](?:[A-Z]{1,5}|\d{1,2}[a-z]?)){2,5})(?![\w])")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?$")
_TRAILING_PUNCTUATION = ".,;:!?)"


class CommitmentParseError(ValueError):
    """What the person wrote cannot be a commitment; `key` is the catalog text that says why."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class ParsedCommitment:
    text: str
    due_on: date | None = None
    owner_id: str | None = None
    standard: str | None = None


@dataclass(frozen=True)
class _Words:
    """The parser's vocabulary for one team language (plus English)."""

    by: tuple[tuple[str, ...], ...]
    by_after: tuple[tuple[str, ...], ...]
    for_: tuple[tuple[str, ...], ...]
    for_after: tuple[tuple[str, ...], ...]
    today: frozenset[str]
    tomorrow: frozenset[str]
    weekdays: dict[str, int] = field(default_factory=dict)
    suffixes: tuple[str, ...] = ()
    day_first: bool = False


def fold(word: str) -> str:
    """A word as the parser compares it: lower case, without accents, Turkish ı/İ as i."""
    lowered = word.replace("İ", "i").replace("I", "i").lower().replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _words(language: str) -> _Words:
    languages = [language] if language == "en" else [language, "en"]
    lists: dict[str, list[str]] = {}
    for lang in languages:
        texts = catalog(lang)
        for name in ("by", "by_after", "for", "for_after", "today", "tomorrow", "suffixes"):
            lists.setdefault(name, []).extend(texts.list(f"commitments.parse.{name}"))
    weekdays: dict[str, int] = {}
    for lang in languages:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_day_names(width, context, BABEL_LOCALES[lang]).items():
                    weekdays.setdefault(fold(name), number)

    def phrases(name: str) -> tuple[tuple[str, ...], ...]:
        found = {tuple(fold(w) for w in phrase.split()) for phrase in lists[name] if phrase.strip()}
        return tuple(sorted(found, key=len, reverse=True))  # the longest phrase first

    return _Words(
        by=phrases("by"), by_after=phrases("by_after"), for_=phrases("for"), for_after=phrases("for_after"),
        today=frozenset(fold(w) for w in lists["today"]), tomorrow=frozenset(fold(w) for w in lists["tomorrow"]),
        weekdays=weekdays, suffixes=tuple(sorted(set(lists["suffixes"]), key=len, reverse=True)),
        day_first=catalog(language).t("commitments.parse.date_order") == "dmy",
    )


def mine_words(language: str) -> frozenset[str]:
    """The words of `/plc commitments mine` in the team's language and English."""
    return frozenset(fold(w) for lang in {language, "en"} for w in catalog(lang).list("commitments.parse.mine"))


def detect_standard(text: str) -> str | None:
    """The first standard code in `text` (4.NF.2, RL.3.1, M.4.1.5.2), or None."""
    for match in STANDARD.finditer(ANY_MENTION.sub(" ", text)):
        code = match.group(1)
        if re.search(r"[A-Z]", code) and re.search(r"\d", code):
            return code
    return None


def parse_date(value: str, language: str, today: date) -> date:
    """A due date as written (ISO, numeric in the team's order, weekday, today/tomorrow); never in the past.

    Raises CommitmentParseError (`bad_date`, `past_date`).
    """
    words = _words(language)
    cleaned = value.strip().rstrip(_TRAILING_PUNCTUATION)
    candidates = [cleaned]
    for suffix in words.suffixes:
        if len(cleaned) > len(suffix) and fold(cleaned).endswith(fold(suffix)):
            candidates.append(cleaned[: len(cleaned) - len(suffix)])
    for candidate in candidates:
        found = _read_date(candidate, words, today)
        if found is not None:
            if found < today:
                raise CommitmentParseError("commitments.errors.past_date", day=found)
            return found
    raise CommitmentParseError("commitments.errors.bad_date", value=value.strip()[:40])


def _read_date(text: str, words: _Words, today: date) -> date | None:
    folded = fold(text)
    if folded in words.today:
        return today
    if folded in words.tomorrow:
        return today + timedelta(days=1)
    if folded in words.weekdays:
        ahead = (words.weekdays[folded] - today.weekday()) % 7 or 7  # the next such day, never today
        return today + timedelta(days=ahead)
    iso = _ISO.match(text)
    if iso:
        return _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    numeric = _NUMERIC.match(text)
    if numeric is None:
        return None
    first, second, year_text = int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
    day, month = (first, second) if words.day_first else (second, first)
    if year_text is not None:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _date(year, month, day)
    this_year = _date(today.year, month, day)
    if this_year is None or this_year >= today:
        return this_year
    return _date(today.year + 1, month, day)  # 1/5 written in December is next January


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_commitment(text: str, language: str, today: date) -> ParsedCommitment:
    """`/plc commit`'s text -> what to store; raises CommitmentParseError with the reason."""
    words = _words(language)
    tokens = ANY_MENTION.sub(lambda m: f"<@{m.group(1)}>", text).split()
    folded = [fold(t) for t in tokens]
    due_on: date | None = None
    owner_id: str | None = None
    seen_date = seen_owner = False
    while tokens:
        if not seen_owner and (found := _owner_clause(tokens, folded, words)) is not None:
            owner_id, used = found
            seen_owner = True
        elif not seen_date and (found_date := _date_clause(tokens, folded, words)) is not None:
            value, used = found_date
            due_on = parse_date(value, language, today)
            seen_date = True
        else:
            break
        del tokens[-used:], folded[-used:]
    body = " ".join(tokens).strip()
    if not body:
        raise CommitmentParseError("commitments.errors.empty")
    if len(body) > MAX_TEXT:
        raise CommitmentParseError("commitments.errors.too_long", limit=MAX_TEXT)
    return ParsedCommitment(text=body, due_on=due_on, owner_id=owner_id, standard=detect_standard(body))


def _ends_with(folded: list[str], phrase: tuple[str, ...], skip: int = 0) -> bool:
    """Whether `folded` ends with `phrase` followed by `skip` more tokens."""
    end = len(folded) - skip
    start = end - len(phrase)
    return start >= 0 and tuple(w.rstrip(_TRAILING_PUNCTUATION) for w in folded[start:end]) == phrase


def _owner_clause(tokens: list[str], folded: list[str], words: _Words) -> tuple[str, int] | None:
    """`for <@U…>` or `<@U…> için` at the end: (user id, tokens used)."""
    last = tokens[-1].rstrip(_TRAILING_PUNCTUATION)
    for phrase in words.for_:
        if _ends_with(folded, phrase, skip=1):
            mention = MENTION.match(last)
            if mention:
                return mention.group(1), len(phrase) + 1
            if last.startswith("@"):
                raise CommitmentParseError("commitments.errors.unknown_person", name=last[:40])
    for phrase in words.for_after:
        if _ends_with(folded, phrase):
            before = len(tokens) - len(phrase) - 1
            if before >= 0:
                mention = MENTION.match(tokens[before])
                if mention:
                    return mention.group(1), len(phrase) + 1
                if tokens[before].startswith("@"):
                    raise CommitmentParseError("commitments.errors.unknown_person", name=tokens[before][:40])
    return None


def _date_clause(tokens: list[str], folded: list[str], words: _Words) -> tuple[str, int] | None:
    """`by DATE` or `DATE kadar` at the end: (the date as written, tokens used)."""
    for phrase in words.by:
        if _ends_with(folded, phrase, skip=1):
            return tokens[-1], len(phrase) + 1
    for phrase in words.by_after:
        if _ends_with(folded, phrase) and len(tokens) > len(phrase):
            return tokens[-len(phrase) - 1], len(phrase) + 1
    return None
