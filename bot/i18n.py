"""Message catalogs: every user-facing text comes from prompts/<lang>/*.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from bot.settings import SUPPORTED_LANGUAGES

BABEL_LOCALES = {"en": "en_US", "tr": "tr_TR"}


class MissingMessage(KeyError):
    """A key that the catalog of a language does not define."""


@dataclass(eq=False)  # not frozen: raised through context managers, which set its __traceback__
class Problem(Exception):
    """Something a person gave that cannot be used, to be told to them: `key` is a catalog key and
    `params` its placeholders (ReadProblem for a results file, MapProblem for a map of items...)."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.key} {self.params}"


# A text whose words follow a number is a table: `plural` names the placeholder that holds the number,
# and the language's CLDR plural categories (`one`, `other`...) give the forms, e.g.
#   teacher = { plural = "students", one = "{students} student", other = "{students} students" }
# A language that needs no forms there (Turkish: "1 öğrenci", "2 öğrenci") writes one text.
PLURAL_FORMS = {"zero", "one", "two", "few", "many", "other"}


def is_plural(value: object) -> bool:
    """Whether a catalog value is a table of plural forms (see PLURAL_FORMS)."""
    return (isinstance(value, dict) and "plural" in value and "other" in value
            and set(value) <= PLURAL_FORMS | {"plural"})


def _flatten(prefix: str, table: dict[str, Any], into: dict[str, Any]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not is_plural(value):
            _flatten(full, value, into)
        else:
            into[full] = value


def half_up(value: float, decimals: int = 0) -> Decimal:
    """`value` rounded to `decimals` as people round: halves away from zero (18.75 -> 18.8, -2.5 -> -3)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


class Catalog:
    """The texts of one language, looked up by dotted key (`file.section.key`).

    Each file of the language's folder is read the first time one of its keys is looked up, so a
    process reads only the files it speaks from (a command-line run, one or two of about thirty).
    """

    def __init__(self, language: str, folder: Traversable) -> None:
        self.language = language
        self.locale = BABEL_LOCALES[language]
        self._files = {item.name.removesuffix(".toml"): item for item in folder.iterdir()
                       if item.name.endswith(".toml")}
        self._entries: dict[str, Any] = {}
        self._read: set[str] = set()

    def _read_file(self, name: str) -> None:
        """Add the entries of file `name` (if the language has it); threads may race: both read the same."""
        if name in self._read:
            return
        item = self._files.get(name)
        if item is not None:
            entries: dict[str, Any] = {}
            _flatten(name, tomllib.loads(item.read_text("utf-8")), entries)
            self._entries.update(entries)
        self._read.add(name)  # after the entries: a thread that sees the name sees them all

    def all_keys(self) -> set[str]:
        for name in sorted(self._files):
            self._read_file(name)
        return set(self._entries)

    def raw(self, key: str) -> Any:
        self._read_file(key.partition(".")[0])
        try:
            return self._entries[key]
        except KeyError:
            raise MissingMessage(f"{self.language}:{key}") from None

    def t(self, key: str, **params: Any) -> str:
        """The text for `key` with `{name}` placeholders filled from params."""
        text = self.raw(key)
        if is_plural(text):
            from babel import Locale

            count = params[text["plural"]]
            text = text.get(Locale.parse(self.locale).plural_form(abs(count)), text["other"])
        if not isinstance(text, str):
            raise MissingMessage(f"{self.language}:{key} is not a text")
        return text.format(**params) if params else text

    def list(self, key: str) -> list[str]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise MissingMessage(f"{self.language}:{key} is not a list")
        return [str(v) for v in value]

    def has(self, key: str) -> bool:
        self._read_file(key.partition(".")[0])
        return key in self._entries

    def signed(self, value: float, decimals: int = 0) -> str:
        """A change as people write it in this language: "+23", "−7,5", "±0" (rounded half up, not to even)."""
        from babel.numbers import format_decimal

        rounded = half_up(value, decimals)
        sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return sign + format_decimal(abs(rounded), format=pattern, locale=self.locale)

    def date(self, value: date, format: str = "medium") -> str:
        from babel.dates import format_date

        return format_date(value, format=format, locale=self.locale)

    def datetime(self, value: datetime, format: str = "medium", tzinfo: Any = None) -> str:
        from babel.dates import format_datetime

        return format_datetime(value, format=format, tzinfo=tzinfo, locale=self.locale)


@cache
def catalog(language: str) -> Catalog:
    """The catalog of `language` (en or tr), from the prompts package (each file read once, when first used)."""
    if language not in SUPPORTED_LANGUAGES:
        language = SUPPORTED_LANGUAGES[0]
    return Catalog(language, resources.files("prompts").joinpath(language))
