"""Every text exists in English and Turkish, with the same placeholders, and fits Slack's limits."""

import ast
import re
import string
from pathlib import Path

import pytest

from bot.i18n import catalog, is_plural
from handlers.commands.names import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = [ROOT / "bot", ROOT / "handlers", ROOT / "storage"]
TEXT_KEYWORDS = {"text", "title", "label", "placeholder", "hint", "submit", "close", "initial_value"}


def placeholders(value: object) -> set[str]:
    if isinstance(value, list):
        return set().union(*(placeholders(v) for v in value)) if value else set()
    if is_plural(value):
        forms = [placeholders(v) for k, v in value.items() if k != "plural"]  # type: ignore[union-attr]
        assert all(found == forms[0] for found in forms), value  # every form says the same things
        assert value["plural"] in forms[0], value  # type: ignore[index]
        return forms[0]
    return {name for _, name, _, _ in string.Formatter().parse(str(value)) if name}


def kind(value: object) -> type:
    """A text's kind; a table of plural forms is a text (one language may need forms, the other not)."""
    return str if is_plural(value) else type(value)


def test_same_keys_in_both_languages() -> None:
    assert catalog("en").all_keys() == catalog("tr").all_keys()


@pytest.mark.parametrize("key", sorted(catalog("en").all_keys()))
def test_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(catalog("en").raw(key)) == placeholders(catalog("tr").raw(key))
    assert kind(catalog("en").raw(key)) is kind(catalog("tr").raw(key))


def literal_keys() -> set[str]:
    """Keys written literally in `.t("...")`, `.list("...")` calls anywhere in the code."""
    keys: set[str] = set()
    for folder in CODE_DIRS:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if (name in {"t", "list"} and node.args
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    keys.add(node.args[0].value)
    return keys


def test_every_key_the_code_uses_exists() -> None:
    keys = literal_keys()
    assert len(keys) > 50
    missing = sorted(k for k in keys if not catalog("en").has(k))
    assert missing == []


def test_every_subcommand_has_help_text() -> None:
    for language in ("en", "tr"):
        for name in SUBCOMMANDS:
            assert catalog(language).t(f"help.commands.{name}.usage").startswith("/plc")
            assert catalog(language).t(f"help.commands.{name}.purpose")


def test_no_user_facing_literal_in_python() -> None:
    """Slack texts are passed as keyword args; none of them may be a string literal in code."""
    offenders = []
    for folder in CODE_DIRS:
        for path in folder.rglob("*.py"):
            if "devtools" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    for kw in node.keywords:
                        if (kw.arg in TEXT_KEYWORDS and isinstance(kw.value, ast.Constant)
                                and isinstance(kw.value.value, str) and re.search(r"[A-Za-z]{3}", kw.value.value)):
                            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {kw.arg}=")
    assert offenders == []


@pytest.mark.parametrize("language", ["en", "tr"])
def test_modal_texts_fit_slack_limits(language: str) -> None:
    texts = catalog(language)
    for key in ("setup.title", "setup.title_edit", "setup.submit", "common.cancel"):
        assert len(texts.t(key)) <= 24, key
    for key in texts.all_keys():
        if key.startswith("setup.fields."):
            assert len(texts.t(key)) <= 2000
    for band in texts.list("setup.grade_bands"):
        assert len(band) <= 75


@pytest.mark.parametrize(("language", "value", "decimals", "expected"), [
    ("en", 2.5, 0, "+3"), ("en", -2.5, 0, "−3"), ("en", 0.4, 0, "±0"), ("en", -0.4, 0, "±0"),
    ("en", 1234.5, 0, "+1,235"), ("en", 15.83, 1, "+15.8"), ("tr", -7.25, 1, "−7,3"), ("tr", 18.75, 1, "+18,8"),
    ("tr", 0.0, 1, "±0"),
])
def test_a_signed_change_is_rounded_half_up_in_the_language(language: str, value: float, decimals: int,
                                                              expected: str) -> None:
    assert catalog(language).signed(value, decimals) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "• <@U1>: 1 student, mean 70%"),
                                                  (2, "• <@U1>: 2 students, mean 70%"),
                                                  (0, "• <@U1>: 0 students, mean 70%")])
def test_a_text_after_a_number_takes_the_language_s_plural_form(count: int, expected: str) -> None:
    assert catalog("en").t("upload.summary.teacher", teacher="U1", students=count, mean="70%") == expected
    assert catalog("tr").t("upload.summary.teacher", teacher="U1", students=count, mean="%70") == \
        f"• <@U1>: {count} öğrenci, ortalama %70"  # Turkish says "1 öğrenci" and "2 öğrenci" alike
