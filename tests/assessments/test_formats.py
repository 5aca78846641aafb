"""The format registry: one module per format, `--format`, `plc-bot formats`, identifier columns."""

from __future__ import annotations

import re
from pathlib import Path

from bot.assessments import readers
from bot.assessments.formats import registry


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
