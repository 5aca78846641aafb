"""Message catalogs: every user-facing text comes from prompts/<lang>/*.toml."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from bot.settings import SUPPORTED_LANGUAGES

BABEL_LOCALES = {"en": "en_US", "tr": "tr_TR"}


class MissingMessage(KeyError):
    """A key that the catalog of a language does not define."""


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
    """The texts of one language, looked up by dotted key (`file.section.key`)."""

    def __init__(self, language: str, entries: dict[str, Any]) -> None:
        self.language = language
        self.locale = BABEL_LOCALES[language]
        self._entries = entries

    def all_keys(self) -> set[str]:
        return set(self._entries)

    def raw(self, key: str) -> Any:
        try:
            return self._entries[key]
        except KeyError:
            raise MissingMessage(f"{self.language}:{key}") from None

    def t(self, key: str, **params: Any) -> str:
        """The text for `key` with `{name}` placeholders filled from params."""
        text = self.raw(key)
        if is_plural(text):
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
        return key in self._entries

    def signed(self, value: float, decimals: int = 0) -> str:
        """A change as people write it in this language: "+23", "−7,5", "±0" (rounded half up, not to even)."""
        rounded = half_up(value, decimals)
        sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return sign + format_decimal(abs(rounded), format=pattern, locale=self.locale)

    def date(self, value: date, format: str = "medium") -> str:
        return format_date(value, format=format, locale=self.locale)

    def datetime(self, value: datetime, format: str = "medium", tzinfo: Any = None) -> str:
        return format_datetime(value, format=format, tzinfo=tzinfo, locale=self.locale)


@cache
def catalog(language: str) -> Catalog:
    """The catalog of `language` (en or tr), read once from the prompts package."""
    if language not in SUPPORTED_LANGUAGES:
        language = SUPPORTED_LANGUAGES[0]
    entries: dict[str, Any] = {}
    folder = resources.files("prompts").joinpath(language)
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if item.name.endswith(".toml"):
            _flatten(item.name.removesuffix(".toml"), tomllib.loads(item.read_text("utf-8")), entries)
    return Catalog(language, entries)
