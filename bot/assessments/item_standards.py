"""A teacher's map of items to standards: `Q1-Q5 4.NF.1; Q6-Q8 4.NF.2`, `1-5: 4.NF.1, 6 4.NF.2`,
`S1-S5 T.4.1.2` (Turkish "soru" and kazanım codes such as M.4.1.2.3).

Plain Python. Where a format has no standards column, items still count; this map gives them
their standards, at upload (the form's "unit or standards" field) or later (`/plc data map`).

How a text is read, token by token (separators: spaces, `,` `;` `:` new lines, "and"/"ve"):
* an item is a number, or a range of numbers, with an optional item word: `Q1`, `1`, `Soru 3`,
  `S1-S5`, `Q1-5`, `1-5.`; a range goes up and keeps its word (`Q5-Q1` and `Q1-S5` are wrong);
* a standard is any other word with a digit in it (`4.NF.1`, `M.4.1.2.3`, `HS-PS1-1`);
* a standard closes the items written before it; after a `:` the next word is the standard, and
  before a `:` a word with a digit is an item name (`1a, 1b: 4.NF.1`), matched exactly;
* a text with a word that is neither (`Unit 3 fractions`), or with no item at all
  (`4.NF.1, 4.NF.2`), is not a map: it keeps its old meaning, the unit the assessment covers.

A map resolves against the items of a file: by number where the file's items are numbered
("Q1", "1", "Question 1", "Soru 1", "1. What is 3/4 of 12?"), by exact name otherwise. A problem
is a `MapProblem` whose key names a text in prompts/*/upload.toml ([map] section).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.assessments.formats.grid import norm
from bot.assessments.goals import STANDARD_LIMIT, standard_key
from bot.i18n import Problem

if TYPE_CHECKING:
    import pandas as pd

K = "upload.map."
MAX_RANGE = 500  # items in one range: more is a typo, not an assessment
MAX_SHOWN = 12  # item names quoted in one message
# Words that name an item before its number (compared after `norm`): English and Turkish.
ITEM_WORDS = {"q", "question", "questions", "item", "items", "no", "s", "soru", "sorular", "madde", "maddeler",
              "problem", "problems"}
JOINERS = {"and", "ve", "&"}
_SEPARATORS = re.compile(r"[\s,;]+")
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")
# One item or a range, after `norm`-like lowering: "q1", "soru 3", "s1-s5", "q1-5", "1-5."
_REF = re.compile(r"^(?:(?P<word>[a-z]+)\.?\s?)?#?(?P<first>\d+)\.?"
                  r"(?:-(?:(?P<word2>[a-z]+)\.?\s?)?#?(?P<last>\d+)\.?)?$")
# The number of a file's item: "Q1", "1", "Question 1", "Soru 1", "1. What is...", "#3)"
_ITEM_NUMBER = re.compile(r"^(?:(?P<word>[a-z]+)\s*\.?\s*)?#?(?P<number>\d+)(?=$|[\s.):\-])")


class MapProblem(Problem):
    """A map that cannot be used; `key` is a catalog key, `params` its placeholders."""


@dataclass(frozen=True)
class ItemRef:
    """Items as the teacher wrote them: a number range (`first`..`last`) or one exact `name`."""

    written: str
    first: int | None = None
    last: int | None = None
    name: str | None = None

    def numbers(self) -> range:
        return range(self.first or 0, (self.last or 0) + 1) if self.first is not None else range(0)


@dataclass(frozen=True)
class MapGroup:
    """Items that share one standard."""

    items: tuple[ItemRef, ...]
    standard: str


@dataclass(frozen=True)
class ItemMap:
    """A map as written: groups of items, each with its standard, in the teacher's order."""

    groups: tuple[MapGroup, ...]

    def resolve(self, items: Sequence[str], *, require_all: bool = True) -> dict[str, str]:
        """Item name -> standard for the file's `items`.

        A written item that matches nothing raises `not_in_file` (with `require_all`; else it is
        left out), a number that matches two items `ambiguous`, an item given two standards `conflict`.
        """
        numbered = item_numbers(items)
        by_name = {norm(item): item for item in items}
        assigned: dict[str, str] = {}
        for group in self.groups:
            for ref in group.items:
                for item in _matches(ref, numbered, by_name, require_all):
                    earlier = assigned.get(item)
                    if earlier is not None and earlier != group.standard:
                        raise MapProblem(K + "conflict", {"item": item, "first": earlier, "second": group.standard})
                    assigned[item] = group.standard
        return assigned

    def check_found(self, item_sets: Iterable[Sequence[str]]) -> None:
        """MapProblem (`not_in_file`, `not_in_range`) for a written item found in none of `item_sets`
        (each one upload's items: teachers may name the same item "Q1" and "1")."""
        sets = [list(items) for items in item_sets]
        names = {norm(item) for items in sets for item in items}
        numbers = {number for items in sets for number in item_numbers(items)}
        everything = shown_items(item for items in sets for item in items)
        for ref in (ref for group in self.groups for ref in group.items):
            if norm(ref.written) in names:
                continue
            if ref.name is not None or ref.first == ref.last and ref.first not in numbers:
                raise MapProblem(K + "not_in_file", {"item": ref.written, "items": everything})
            missing = next((n for n in ref.numbers() if n not in numbers), None)
            if missing is not None:
                raise MapProblem(K + "not_in_range", {"item": ref.written, "number": missing, "items": everything})


def item_number(item: str) -> int | None:
    """The number of a file's item, when its name starts with one (after an item word)."""
    found = _ITEM_NUMBER.match(norm(item))
    if found is None or (found["word"] and found["word"] not in ITEM_WORDS):
        return None
    return int(found["number"])


def item_numbers(items: Sequence[str]) -> dict[int, list[str]]:
    """Number -> the file's items with that number (two or more: an ambiguous number)."""
    numbers: dict[int, list[str]] = {}
    for item in items:
        number = item_number(item)
        if number is not None:
            numbers.setdefault(number, []).append(item)
    return numbers


def _matches(ref: ItemRef, numbered: dict[int, list[str]], by_name: dict[str, str], require_all: bool) -> list[str]:
    exact = by_name.get(norm(ref.written))
    if exact is not None:
        return [exact]
    if ref.name is not None:
        if require_all:
            raise MapProblem(K + "not_in_file", {"item": ref.written, "items": shown_items(by_name.values())})
        return []
    found = []
    for number in ref.numbers():
        candidates = numbered.get(number, [])
        if len(candidates) > 1:
            raise MapProblem(K + "ambiguous", {"item": ref.written, "number": number,
                                                "items": shown_items(candidates)})
        if not candidates:
            if require_all:
                key, params = ("not_in_file", {}) if ref.first == ref.last else ("not_in_range", {"number": number})
                raise MapProblem(K + key, {"item": ref.written, **params, "items": shown_items(by_name.values())})
            continue
        found.append(candidates[0])
    return found


def shown_items(items: Iterable[str]) -> str:
    """Item names for a message: each once, the first MAX_SHOWN of them."""
    names = list(dict.fromkeys(items))
    shown = ", ".join(names[:MAX_SHOWN])
    return shown + (", …" if len(names) > MAX_SHOWN else "")


@dataclass(frozen=True)
class MapReport:
    """What a map did to an upload: items that got their standard from it, items whose own differs."""

    filled: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()  # the file's own standard was kept; the map said another


def fill_standards(results: pd.DataFrame, assigned: dict[str, str]) -> tuple[pd.DataFrame, MapReport]:
    """The results with each mapped item's standard where the file gives none (the file's own wins)."""
    if not assigned:
        return results, MapReport()
    own = results["standard"].map(lambda s: s.strip() if isinstance(s, str) and s.strip() else None)
    mapped = results["item"].map(lambda item: assigned.get(str(item)))
    empty = own.isna() & mapped.notna()
    differs = own.notna() & mapped.notna() & (own.map(_key) != mapped.map(_key))
    filled = tuple(dict.fromkeys(str(i) for i in results.loc[empty, "item"]))
    kept = tuple(dict.fromkeys(str(i) for i in results.loc[differs, "item"]))
    updated = results.assign(standard=own.where(~empty, mapped).astype(object))
    return updated, MapReport(filled, kept)


def _key(code: object) -> str | None:
    return standard_key(code) if isinstance(code, str) else None


# -- reading the text ---------------------------------------------------------------------------

def _tokens(text: str) -> list[str]:
    """Words and `:` marks; new lines and `;` end a clause (marked by `;`)."""
    text = _DASHES.sub("-", text.replace("\r", "\n"))
    tokens: list[str] = []
    for clause in re.split(r"[;\n]+", text):
        # An item word and its number are one item: "Soru 3" -> "Soru3" (only known item words).
        for piece in re.split(r"(:)", clause):
            if piece == ":":
                tokens.append(":")
                continue
            words = [w for w in _SEPARATORS.split(piece) if w]
            merged: list[str] = []
            for word in words:
                if merged and norm(merged[-1]).rstrip(".") in ITEM_WORDS and _REF.match(_lower(word)):
                    merged[-1] = f"{merged[-1]} {word}"
                else:
                    merged.append(word)
            tokens += merged
        tokens.append(";")
    return tokens


def _lower(word: str) -> str:
    """A written item for `_REF`: lower case, Turkish and accented letters folded ("Soru" stays "soru")."""
    value = unicodedata.normalize("NFKD", word.replace("İ", "i").replace("I", "i").replace("ı", "i").lower())
    return "".join(ch for ch in value if not unicodedata.combining(ch))


def _ref(word: str) -> ItemRef | None:
    """An item or range as written; MapProblem for a range that goes down or changes its word."""
    found = _REF.match(_lower(word))
    if found is None:
        return None
    words = [norm(w) for w in (found["word"], found["word2"]) if w]
    if any(w not in ITEM_WORDS for w in words):
        return None
    first = int(found["first"])
    last = int(found["last"]) if found["last"] is not None else first
    if (found["word"] and found["word2"] and words[0] != words[1]) or (found["word2"] and not found["word"]):
        raise MapProblem(K + "bad_range", {"part": word})
    if last < first or last - first >= MAX_RANGE:
        raise MapProblem(K + "bad_range", {"part": word})
    return ItemRef(word, first, last)


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def parse_item_map(text: str | None) -> ItemMap | None:
    """The map written in `text`; None when the text is not a map (a unit's description).

    MapProblem for a map that is wrong: a range that goes down, items with no standard after
    them, a standard with no items before it.
    """
    tokens = _tokens(text or "")
    words = [t for t in tokens if t not in (":", ";")]
    if not words:
        return None
    if any(not _has_digit(w) and norm(w) not in JOINERS and norm(w).rstrip(".") not in ITEM_WORDS for w in words):
        return None  # a word that is neither item nor standard: a description
    refs = {w: _ref(w) for w in words}  # raises for a malformed range
    if not any(refs.values()) and ":" not in tokens:
        return None  # only standards: the unit's standards, as before
    groups: list[MapGroup] = []
    pending: list[ItemRef] = []
    after_colon = False
    for index, token in enumerate(tokens):
        if token == ";":
            if pending or after_colon:
                raise MapProblem(K + "no_standard", {"part": _written(pending) or ":"})
            continue
        if token == ":":
            if not pending:
                raise MapProblem(K + "no_items", {"part": _next_word(tokens, index) or ":"})
            after_colon = True
            continue
        if norm(token) in JOINERS or norm(token).rstrip(".") in ITEM_WORDS:
            continue
        before_colon = _next_mark(tokens, index) == ":"
        ref = refs.get(token)
        if after_colon and ref is not None:  # "4.NF.1: Q1-Q5": the standard came first
            raise MapProblem(K + "no_items", {"part": _written(pending)})
        if after_colon or (ref is None and not before_colon):
            if not pending:
                raise MapProblem(K + "no_items", {"part": token})
            groups.append(MapGroup(tuple(pending), _standard(token)))
            pending, after_colon = [], False
        else:
            pending.append(ref or ItemRef(token, name=token))
    return ItemMap(tuple(groups)) if groups else None


def _standard(token: str) -> str:
    code = token.strip().rstrip(".")
    if not code or len(code) > STANDARD_LIMIT:
        raise MapProblem(K + "bad_standard", {"part": token, "limit": STANDARD_LIMIT})
    return code


def _written(refs: list[ItemRef]) -> str:
    return ", ".join(ref.written for ref in refs)


def _next_word(tokens: list[str], index: int) -> str | None:
    return next((t for t in tokens[index + 1:] if t not in (":", ";")), None)


def _next_mark(tokens: list[str], index: int) -> str | None:
    """The mark that ends the run of words after `index`: `:` (they are items), `;` or None."""
    return next((t for t in tokens[index + 1:] if t in (":", ";")), None)
