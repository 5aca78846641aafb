"""`:quit` inside a sandbox form leaves the sandbox (the form closed unsaved); it is never a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_sandbox import run_piped, run_script


@pytest.mark.parametrize("word", [":quit", ":q", ":exit"])
def test_quit_in_the_first_field_closes_the_form_and_leaves(word: str, tmp_path: Path) -> None:
    code, out = run_script(tmp_path, ["/plc setup", word, "/plc help"])
    assert code == 0, out
    assert f"Team name> {word}" in out
    assert "The form was closed without saving." in out
    assert out.rstrip().endswith("Sandbox closed.")
    assert "you submitted" not in out and "PLC team:" not in out  # no team called ":quit"
    assert "PLC Bot: what I can do" not in out  # the line after :quit is never read


def test_quit_in_a_later_field_saves_nothing_typed_before(tmp_path: Path) -> None:
    code, out = run_script(tmp_path, ["/plc setup", "Grade 4 Math", ":quit", "/plc help"])
    assert code == 0, out
    assert "The form was closed without saving." in out and out.rstrip().endswith("Sandbox closed.")
    assert "you submitted" not in out and "PLC team: Grade 4 Math" not in out
    assert "The script ended while the form" not in out  # left on purpose, not by end of input


def test_quit_in_a_form_in_turkish_and_piped() -> None:
    code, out = run_piped(["/plc setup", ":quit", "/plc help"], language="tr")
    assert code == 0, out
    assert "Ekip adı>" in out
    assert "Form kaydedilmeden kapatıldı." in out and out.rstrip().endswith("Sandbox kapandı.")


def test_cancel_still_only_closes_the_form(tmp_path: Path) -> None:
    code, out = run_script(tmp_path, ["/plc setup", ":cancel", "/plc setup", "Grade 4 Math", ":quit"])
    assert code == 0, out
    assert out.count("The form was closed without saving.") == 2
    assert out.count("Form: Set up your PLC team") == 2  # after :cancel the session went on
