"""Precision and recall of the focus keeper's classifier on the project's labelled sets, cross-validated.

For each language (bench/data/focus_labelled_{en,tr}.csv) it runs a stratified k-fold cross-validation
(fixed seed): in every fold the whole training procedure of `bot.focus.training.fit` runs on the other
folds only (the three logistic regressions and the internal cross-validation that sets the drift cut-offs),
and the held-out fold is classified by the pure-Python runtime classifier built from that model. It prints,
per sensitivity level, drift precision/recall/F1, the false-positive rate on learning+other rows, accuracy
on the three labels and critical-question accuracy on learning rows, for all rows and for the hard-tagged
rows; the same figures for the cue lexicon alone (hand weights, nothing learned, so no folds needed); and
the speed of the shipped classifier (mean µs per message over all rows, one thread, after a warm-up pass).

Target per language at the normal sensitivity: drift recall >= 0.85 with a false-positive rate <= 0.03.
With several seeds (`--seed 0 1 2 3`) the full tables are for the first, and one line per seed gives the
normal-level figures of the other fold splits, to show how much they depend on where the folds fall.
Measures only: exit status 0 whatever the figures.

    python -m bench.focus_classifier [--folds 5] [--seed 0 [1 2 ...]] [--lang en tr] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

from bot.focus.classifier import SENSITIVITIES, FocusClassifier, load_cues
from bot.focus.training import (
    Prediction,
    cross_validate,
    data_digest,
    labelled_path,
    load_labelled,
    predict_all,
    scores,
)

TARGET_RECALL = 0.85
TARGET_FPR = 0.03
TIMING_PASSES = 5


def _per_level(predictions: list[Prediction]) -> dict[str, Any]:
    hard = [p for p in predictions if p.example.tag == "hard"]
    return {level: {"all": scores(predictions, level), "hard": scores(hard, level)} for level in SENSITIVITIES}


def _timing(classifier: FocusClassifier, texts: list[str]) -> float:
    for text in texts:  # warm-up
        classifier.classify(text)
    start = time.perf_counter()
    for _ in range(TIMING_PASSES):
        for text in texts:
            classifier.classify(text)
    return (time.perf_counter() - start) / (TIMING_PASSES * len(texts)) * 1e6


def _met(normal: dict[str, Any]) -> bool:
    return (normal["drift_recall"] or 0) >= TARGET_RECALL and (normal["false_positive_rate"] or 1) <= TARGET_FPR


def measure(language: str, folds: int, seeds: list[int]) -> dict[str, Any]:
    examples = load_labelled(labelled_path(language))
    seed = seeds[0]
    started = time.perf_counter()
    predictions = cross_validate(examples, language, folds=folds, seed=seed)
    cv_seconds = time.perf_counter() - started
    by_seed = {seed: scores(predictions, "normal")}
    for other in seeds[1:]:
        by_seed[other] = scores(cross_validate(examples, language, folds=folds, seed=other), "normal")
    lexicon = predict_all(FocusClassifier(language, load_cues(language), None), examples)
    shipped = FocusClassifier.for_language(language)
    normal = by_seed[seed]
    model = shipped.model or {}
    return {
        "language": language,
        "rows": len(examples),
        "labels": dict(Counter(e.label for e in examples)),
        "hard_rows": sum(e.tag == "hard" for e in examples),
        "folds": folds,
        "seed": seed,
        "cross_validated": _per_level(predictions),
        "normal_by_seed": {str(k): {**v, "target_met": _met(v)} for k, v in by_seed.items()},
        "lexicon_only": _per_level(lexicon),
        "shipped_model": {"mode": shipped.mode, "stale_cues": shipped.stale,
                          "trained_on_this_data": model.get("trained", {}).get("data") == data_digest(examples),
                          "thresholds": shipped.thresholds},
        "us_per_message": _timing(shipped, [e.text for e in examples]),
        "cv_seconds": cv_seconds,
        "target": {"drift_recall": TARGET_RECALL, "false_positive_rate": TARGET_FPR, "level": "normal",
                   "met": _met(normal)},
    }


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _table(title: str, per_level: dict[str, Any]) -> list[str]:
    lines = [f"  {title}",
             "    level   rows  drift P  drift R  drift F1  FPR (fp)      accuracy  question acc"]
    for level in SENSITIVITIES:
        for subset in ("all", "hard"):
            s = per_level[level][subset]
            name = level if subset == "all" else "  hard"
            lines.append(f"    {name:7s} {s['rows']:4d}  {_fmt(s['drift_precision'])}    {_fmt(s['drift_recall'])}    "
                         f"{_fmt(s['drift_f1'])}     {_fmt(s['false_positive_rate'])} ({s['false_positives']:2d})  "
                         f"{_fmt(s['accuracy'])}     {_fmt(s['question_accuracy'])}")
    return lines


def report(result: dict[str, Any]) -> str:
    labels = ", ".join(f"{k} {v}" for k, v in sorted(result["labels"].items()))
    normal = result["cross_validated"]["normal"]["all"]
    target = result["target"]
    shipped = result["shipped_model"]
    lines = [f"{result['language']}: {result['rows']} rows ({labels}; hard {result['hard_rows']})",
             *_table(f"cross-validated, {result['folds']} stratified folds (seed {result['seed']}), "
                     f"model retrained in every fold", result["cross_validated"]),
             *_table("cue lexicon alone (hand weights, nothing learned)", result["lexicon_only"]),
             f"  shipped classifier: {shipped['mode']}"
             + (" (stale: retrain)" if shipped["stale_cues"] or not shipped["trained_on_this_data"] else "")
             + f", cut-offs {', '.join(f'{k} {v:.3f}' for k, v in shipped['thresholds'].items())}",
             f"  speed: {result['us_per_message']:.1f} µs per message (mean over all rows, one thread, warmed up)",
             f"  target (normal): drift recall >= {target['drift_recall']} with FPR <= {target['false_positive_rate']}:"
             f" recall {_fmt(normal['drift_recall'])}, FPR {_fmt(normal['false_positive_rate'])} -> "
             + ("MET" if target["met"] else "NOT MET")]
    by_seed = result["normal_by_seed"]
    if len(by_seed) > 1:
        lines.append("  normal level by fold seed: " + "; ".join(
            f"{seed}: recall {_fmt(s['drift_recall'])}, FPR {_fmt(s['false_positive_rate'])} ({s['false_positives']})"
            + ("" if s["target_met"] else " NOT MET") for seed, s in by_seed.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.focus_classifier", description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="fold seed(s); tables for the first")
    parser.add_argument("--lang", nargs="*", default=["en", "tr"], choices=["en", "tr"])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = []
    for language in args.lang:
        if not labelled_path(language).exists():
            print(f"{language}: no labelled set at {labelled_path(language)}", file=sys.stderr)
            continue
        results.append(measure(language, args.folds, args.seed))
        if not args.json:
            print(report(results[-1]), flush=True)
            print()
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
