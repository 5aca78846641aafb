"""The target on the project's labelled sets, cross-validated: the model is retrained in every fold
(with its internal calibration of the drift cut-offs), so no row is scored by a model that saw it.

Target per language at the normal sensitivity: drift recall >= 0.85 with at most 3% of learning and
ordinary messages flagged. Both languages meet it (English 0.87 at 2.4 %, Turkish 0.91 at 2.2 % with
the benchmark's fold seed; see `python -m bench.focus_classifier --seed 0 1 2 3` for other splits).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.focus.training import cross_validate, labelled_path, load_labelled, scores

TARGET_RECALL = 0.85
TARGET_FPR = 0.03
FOLDS = 5  # as the benchmark
_cache: dict[str, dict[str, Any]] = {}


def normal_figures(language: str) -> dict[str, Any]:
    if language not in _cache:
        path = labelled_path(language)
        if not path.exists():
            pytest.skip(f"no labelled set at {path}")
        examples = load_labelled(path)
        assert len(examples) >= 400
        _cache[language] = scores(cross_validate(examples, language, folds=FOLDS, seed=0), "normal")
    return _cache[language]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_false_positive_rate_at_normal_sensitivity(language: str) -> None:
    figures = normal_figures(language)
    assert figures["false_positive_rate"] <= TARGET_FPR, figures


@pytest.mark.parametrize("language", ["en", "tr"])
def test_drift_recall_target_at_normal_sensitivity(language: str) -> None:
    figures = normal_figures(language)
    assert figures["drift_recall"] >= TARGET_RECALL, figures
