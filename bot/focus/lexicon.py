"""The cue lexicon of a language: groups of cue words and phrases, matched on folded tokens.

A cue is one or more words separated by spaces. A word ending in `*` matches any word that starts
with it (Turkish suffixes: "öğrenci*" matches "öğrencilerimizin" and "ogrenciler"); a word without
`*` must match a whole word. Cues are case-folded and ASCII-folded like the messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.focus.text import Tokens
from bot.focus.text import words as words_of

LABELS = ("learning", "drift", "other")
SEEN_WORDS = 50_000


@dataclass(frozen=True, slots=True)
class CueGroup:
    """A named list of cues with the hand-set weights of the lexicon-only mode."""

    name: str
    label: str
    question: int | None
    drift: float
    learning: float
    cues: tuple[str, ...]


class Hit(NamedTuple):
    """A cue that fired: its group and the span of tokens [start, end) it covers."""

    group: str
    start: int
    end: int

    def text(self, tokens: Tokens) -> str:
        """The words of the cue as written in the message."""
        return " ".join(tokens.surface[self.start:self.end])


_Word = tuple[str, bool]  # (folded word, is a prefix)


def _compile(cue: str, language: str) -> tuple[_Word, ...]:
    words: list[_Word] = []
    for raw in cue.split():
        prefix = raw.endswith("*")
        parts = words_of(raw.rstrip("*"), language)
        words += [(part, prefix and i == len(parts) - 1) for i, part in enumerate(parts)]
    return tuple(words)


class Lexicon:
    """Cue groups compiled into exact-word and word-prefix indexes for fast matching."""

    def __init__(self, language: str, groups: list[CueGroup]) -> None:
        self.language = language
        self.groups = {group.name: group for group in groups}
        self._exact: dict[str, list[tuple[str, tuple[_Word, ...]]]] = {}
        self._prefix: dict[str, list[tuple[str, tuple[_Word, ...]]]] = {}
        lengths: set[int] = set()
        for group in groups:
            for cue in group.cues:
                words = _compile(cue, language)
                if not words:
                    raise ValueError(f"focus cue {cue!r} of group {group.name!r} ({language}) has no word")
                first, prefix = words[0]
                if prefix:
                    self._prefix.setdefault(first, []).append((group.name, words))
                    lengths.add(len(first))
                else:
                    self._exact.setdefault(first, []).append((group.name, words))
        self._lengths = tuple(sorted(lengths))
        self._seen: dict[str, tuple[tuple[str, tuple[_Word, ...]], ...]] = {}

    @classmethod
    def from_data(cls, language: str, data: dict[str, Any]) -> Lexicon:
        """Build from the `groups` table of focus_cues.toml."""
        groups = []
        for name, table in data["groups"].items():
            label = table["label"]
            if label not in LABELS:
                raise ValueError(f"focus cue group {name!r} ({language}): unknown label {label!r}")
            question = int(table.get("question", 0)) or None
            groups.append(CueGroup(name, label, question, float(table.get("drift", 0.0)),
                                   float(table.get("learning", 0.0)), tuple(table["cues"])))
        return cls(language, groups)

    def _candidates(self, word: str) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[_Word, ...]], ...]]:
        """The groups of the one-word cues that match `word`, and the longer cues whose first word does
        (remembered per word: talk reuses its words)."""
        found = self._seen.get(word)
        if found is None:
            candidates = list(self._exact.get(word, ()))
            size = len(word)
            for n in self._lengths:
                if n > size:
                    break
                more = self._prefix.get(word[:n])
                if more:
                    candidates += more
            singles = tuple(dict.fromkeys(group for group, cue in candidates if len(cue) == 1))
            found = (singles, tuple((group, cue) for group, cue in candidates if len(cue) > 1))
            if len(self._seen) >= SEEN_WORDS:
                self._seen.clear()
            self._seen[word] = found
        return found

    def match(self, tokens: Tokens) -> list[Hit]:
        """Every cue occurrence in the message (a group may fire several times)."""
        words = tokens.folded
        count = len(words)
        hits: list[Hit] = []
        candidates_of = self._candidates
        for i, word in enumerate(words):
            singles, longer = candidates_of(word)
            for group in singles:
                hits.append(Hit(group, i, i + 1))
            for group, cue in longer:
                end = i + len(cue)
                if end <= count and all((words[j].startswith(w) if prefix else words[j] == w)
                                        for j, (w, prefix) in enumerate(cue[1:], start=i + 1)):
                    hits.append(Hit(group, i, end))
        return hits
