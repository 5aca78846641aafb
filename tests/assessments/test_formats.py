"""The format registry: one module per format, `--format`, `plc-bot formats`, identifier columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.assessments import readers
from bot.assessments.formats import registry
from bot.assessments.readers import ReadProblem, read_results
from bot.i18n import catalog
from tests.assessments import fixtures


def test_the_compatibility_module_names_every_problem_the_formats_raise() -> None:
    folder = Path(registry.__file__).parent
    used: set[str] = set()
    for module in folder.glob("*.py"):
        source = module.read_text()
        used |= {"assessments_read.errors." + k for k in re.findall(r'ERR \+ "(\w+)"', source)}
        used |= {"assessments_read.warnings." + k for k in re.findall(r'WARN \+ "(\w+)"', source)}
    assert used == set(readers.PROBLEMS) | set(readers.WARNINGS)


def test_every_format_has_a_module_with_detect_and_read_in_the_registry() -> None:
    assert registry.NAMES == ("canvas", "google_forms", "long", "teacher_sheet")
    assert set(readers.FORMATS) == set(registry.NAMES)
    for entry in registry.FORMATS:
        assert entry.example and callable(entry.detect) and callable(entry.read)


# `plc-bot formats` and `plc-bot analyze --format` -------------------------------------------------


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from bot.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("lang", "example"), [("en", "e.g. "), ("tr", "örnek: ")])
def test_formats_lists_each_format_with_an_example_header(lang: str, example: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(["formats", "--lang", lang], capsys)
    assert (code, err) == (0, "")
    texts = catalog(lang)
    for entry in registry.FORMATS:
        assert f"{entry.name}: {texts.t('assessments_read.formats.' + entry.name)}" in out
        assert f"{example}{entry.example}" in out


def test_each_example_header_is_detected_as_its_own_format() -> None:
    for entry in registry.FORMATS:
        grid = [[cell for cell in entry.example.split(",")]]
        if entry.name == "google_forms":
            grid.append(["2024/10/01", "a@b.org", "7 / 10", "Ada", "9"])
        found = [f.name for f in registry.FORMATS if f.detect(grid) is not None]
        assert found[0] == entry.name, (entry.name, found)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_analyze_an_unknown_format_names_the_formats(lang: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = fixtures.long_csv(tmp_path)
    code, out, err = cli(["analyze", str(path), "--format", "zipgrade", "--lang", lang], capsys)
    assert (code, out) == (2, "")
    assert err.strip() == catalog(lang).t("assessments.unknown_format", format="zipgrade",
                                          names="canvas, google_forms, long, teacher_sheet")


def test_analyze_with_a_format_reads_only_that_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixtures.long_csv(tmp_path)
    code, out, err = cli(["analyze", str(path), "--format", "long", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["format"] == "long"

    code, out, err = cli(["analyze", str(path), "--format", "canvas", "--lang", "en"], capsys)
    assert (code, out) == (1, "")
    assert err.strip() == catalog("en").t("assessments_read.errors.not_this_format", file=path.name, format="canvas")


def test_read_results_with_a_forced_format(tmp_path: Path) -> None:
    sheet = fixtures.teacher_csv_bom(tmp_path)
    assert read_results(sheet, format="teacher_sheet").format == "teacher_sheet"
    with pytest.raises(ReadProblem) as found:
        read_results(sheet, format="google_forms")
    assert (found.value.key, found.value.params) == ("assessments_read.errors.not_this_format",
                                                     {"format": "google_forms"})
    with pytest.raises(KeyError):
        read_results(sheet, format="nope")

