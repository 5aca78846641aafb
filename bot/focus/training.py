"""Training and cross-validation of the focus classifier (development only: needs scikit-learn).

The runtime never imports this module. It fits three logistic regressions over the classifier's own
features (words, word-start n-grams, word pairs, signs, cue groups): drift vs the rest, learning vs
other (on non-drift rows), and the critical question (on learning rows); calibrates the drift cut-off
of each sensitivity level by an internal cross-validation on the training rows only; and exports the
weights as `prompts/<lang>/focus_model.json`, applied in pure Python by `FocusClassifier`.

    python -m bot.focus.training --write          # train on bench/data/focus_labelled_{en,tr}.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.focus.classifier import (
    COLUMNS,
    DRIFT,
    LANGUAGES,
    MODEL_FILE,
    MODEL_FORMAT,
    Q0,
    QUESTIONS,
    SENSITIVITIES,
    TOPIC,
    FocusClassifier,
    cues_fingerprint,
    load_cues,
)

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "bench" / "data"
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
LABELS = ("learning", "drift", "other")
MIN_CUTOFF, MAX_CUTOFF = 0.05, 0.99


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    label: str
    question: int | None
    tag: str


def labelled_path(language: str) -> Path:
    return DATA_DIR / f"focus_labelled_{language}.csv"


def extra_path(language: str) -> Path:
    """The project's own supplementary training rows (never scored: not part of the labelled set)."""
    return CORPUS_DIR / f"extra_{language}.csv"


def load_extra(language: str) -> list[Example]:
    path = extra_path(language)
    return load_labelled(path) if path.exists() else []


def load_labelled(path: Path) -> list[Example]:
    """The rows of a `text,label,question,tag` CSV (question 1-4 on learning rows)."""
    examples = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip().lower()
            if not text:
                continue
            if label not in LABELS:
                raise ValueError(f"{path.name}:{number}: unknown label {label!r}")
            raw_question = (row.get("question") or "").strip()
            question = int(float(raw_question)) if raw_question else None
            if label == "learning" and question not in QUESTIONS:
                raise ValueError(f"{path.name}:{number}: a learning row needs a question 1-4, not {raw_question!r}")
            examples.append(Example(text, label, question if label == "learning" else None,
                                    (row.get("tag") or "plain").strip().lower() or "plain"))
    return examples


def data_digest(examples: Sequence[Example]) -> str:
    joined = "\n".join(f"{e.label}\t{e.question}\t{e.text}" for e in examples)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


class _Matrix:
    """Feature names -> a sparse 0/1 matrix (cue groups weighted by `lexicon_scale`)."""

    def __init__(self, rows: list[list[str]], scale: float) -> None:
        self.vocabulary: dict[str, int] = {}
        for names in rows:
            for name in names:
                self.vocabulary.setdefault(name, len(self.vocabulary))
        self.names = list(self.vocabulary)
        self.values = [scale if name.startswith("g=") else 1.0 for name in self.names]

    def build(self, rows: list[list[str]]) -> Any:
        from scipy.sparse import csr_matrix

        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for names in rows:
            columns = sorted({self.vocabulary[n] for n in names if n in self.vocabulary})
            indices += columns
            data += [self.values[c] for c in columns]
            indptr.append(len(indices))
        return csr_matrix((data, indices, indptr), shape=(len(rows), len(self.names)))


def _logistic(c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed, max_iter=1000)


def _fit_drift(rows: list[list[str]], y: list[int], config: dict[str, Any]) -> tuple[_Matrix, Any]:
    matrix = _Matrix(rows, float(config["lexicon_scale"]))
    model = _logistic(float(config["c_drift"]), int(config["seed"])).fit(matrix.build(rows), y)
    return matrix, model


def cutoffs(negative_scores: Sequence[float], sensitivity: dict[str, Any]) -> dict[str, float]:
    """Per level, the lowest drift_score cut-off that flags at most `false_flag_rate` of the
    non-drift scores given (scores from models that did not see those rows)."""
    ordered = sorted(negative_scores, reverse=True)
    result: dict[str, float] = {}
    for level in SENSITIVITIES:
        allowed = math.floor(float(sensitivity[level]["false_flag_rate"]) * len(ordered))
        bar = ordered[allowed] if allowed < len(ordered) else 0.0
        result[level] = min(MAX_CUTOFF, max(MIN_CUTOFF, bar + 1e-6))
    # low never flags more than normal, normal never more than high
    result["normal"] = min(max(result["normal"], result["high"]), result["low"])
    return result


def _calibrate(rows: list[list[str]], y: list[int], strata: list[str], cues: dict[str, Any],
               scored: int) -> dict[str, float]:
    """Drift cut-offs from out-of-fold drift scores of an internal cross-validation over the first `scored`
    rows (the labelled set); the rows after them (supplementary) are only ever trained on."""
    config = cues["model"]
    folds = _folds(strata[:scored], int(config["inner_folds"]), int(config["seed"]))
    always = list(range(scored, len(rows)))
    negatives: list[float] = []
    for train, test in folds:
        train = train + always
        matrix, model = _fit_drift([rows[i] for i in train], [y[i] for i in train], config)
        scores = model.predict_proba(matrix.build([rows[i] for i in test]))[:, 1]
        negatives += [float(s) for i, s in zip(test, scores, strict=True) if not y[i]]
    return cutoffs(negatives, cues["sensitivity"])


def _folds(strata: Sequence[str], folds: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """Stratified folds (by label, and by tag where every stratum is large enough)."""
    from sklearn.model_selection import StratifiedKFold

    counts = Counter(strata)
    keys = list(strata) if min(counts.values()) >= folds else [s.split("/")[0] for s in strata]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [(list(a), list(b)) for a, b in splitter.split([[0]] * len(keys), keys)]


def _strata(examples: Sequence[Example]) -> list[str]:
    return [f"{e.label}/{e.tag}" for e in examples]


def fit(examples: Sequence[Example], language: str, cues: dict[str, Any] | None = None, *,
        extra: Sequence[Example] = (), calibrate: bool = True) -> dict[str, Any]:
    """Train on `examples` plus the supplementary `extra` rows and return the model as the data of a
    focus_model.json. The drift cut-offs are calibrated on out-of-fold scores of `examples` only."""
    cues = cues if cues is not None else load_cues(language)
    scored = len(examples)
    examples = [*examples, *extra]
    config = cues["model"]
    base = FocusClassifier(language, cues, None)
    rows = [base.features(e.text)[2] for e in examples]
    y_drift = [int(e.label == "drift") for e in examples]
    matrix, drift = _fit_drift(rows, y_drift, config)
    weights: dict[str, list[float]] = {name: [0.0] * COLUMNS for name in matrix.names}
    bias = [0.0] * COLUMNS

    def put(column: int, coefficients: Any, intercept: float, sub: _Matrix) -> None:
        bias[column] = float(intercept)
        for name, value, coefficient in zip(sub.names, sub.values, coefficients, strict=True):
            weights.setdefault(name, [0.0] * COLUMNS)[column] = float(coefficient) * value

    put(DRIFT, drift.coef_[0], drift.intercept_[0], matrix)

    kept = [i for i, e in enumerate(examples) if e.label != "drift"]
    topic_rows = [rows[i] for i in kept]
    topic_matrix = _Matrix(topic_rows, float(config["lexicon_scale"]))
    topic = _logistic(float(config["c_topic"]), int(config["seed"])).fit(
        topic_matrix.build(topic_rows), [int(examples[i].label == "learning") for i in kept])
    put(TOPIC, topic.coef_[0], topic.intercept_[0], topic_matrix)

    learning = [i for i, e in enumerate(examples) if e.label == "learning"]
    question_rows = [rows[i] for i in learning]
    question_matrix = _Matrix(question_rows, float(config["lexicon_scale"]))
    from sklearn.linear_model import LogisticRegression

    questions = LogisticRegression(C=float(config["c_question"]), class_weight="balanced", max_iter=2000).fit(
        question_matrix.build(question_rows), [examples[i].question for i in learning])
    classes = [int(c) for c in questions.classes_]
    if len(classes) == 2:  # a binary fit has one row of coefficients: class 1 vs class 0
        halves = [(-questions.coef_[0] / 2, -questions.intercept_[0] / 2),
                  (questions.coef_[0] / 2, questions.intercept_[0] / 2)]
    else:
        halves = list(zip(questions.coef_, questions.intercept_, strict=True))
    for question in QUESTIONS:
        if question in classes:
            coefficients, intercept = halves[classes.index(question)]
            put(Q0 + question - 1, coefficients, intercept, question_matrix)
        else:
            bias[Q0 + question - 1] = -20.0

    thresholds = (_calibrate(rows, y_drift, _strata(examples), cues, scored) if calibrate
                  else {level: float(cues["sensitivity"][level]["threshold"]) for level in SENSITIVITIES})
    exported = {name: [round(w, 4) for w in row] for name, row in sorted(weights.items())
                if any(abs(w) >= 5e-4 for w in row)}
    return {
        "format": MODEL_FORMAT,
        "language": language,
        "cues_fingerprint": cues_fingerprint(cues),
        "trained": {"rows": scored, "extra_rows": len(extra),
                    "labels": dict(Counter(e.label for e in examples[:scored])),
                    "data": data_digest(examples[:scored]), "extra": data_digest(extra)},
        "thresholds": {level: round(value, 6) for level, value in thresholds.items()},
        "bias": [round(b, 4) for b in bias],
        "weights": exported,
    }


@dataclass(frozen=True, slots=True)
class Prediction:
    """A row's out-of-fold predictions, per sensitivity level: (label, question)."""

    example: Example
    by_level: dict[str, tuple[str, int | None]]
    drift_score: float


def cross_validate(examples: Sequence[Example], language: str, folds: int = 5, seed: int = 0,
                   cues: dict[str, Any] | None = None, extra: Sequence[Example] | None = None) -> list[Prediction]:
    """Out-of-fold predictions: every row is classified by a model trained (and calibrated) without it.
    The supplementary rows (`extra`, by default bot/focus/corpus/extra_<lang>.csv) join every training fold
    and are never scored."""
    cues = cues if cues is not None else load_cues(language)
    extra = load_extra(language) if extra is None else extra
    predictions: list[Prediction | None] = [None] * len(examples)
    for train, test in _folds(_strata(examples), folds, seed):
        model = fit([examples[i] for i in train], language, cues, extra=extra)
        classifier = FocusClassifier(language, cues, model)
        for i in test:
            by_level = {}
            for level in SENSITIVITIES:
                verdict = classifier.classify(examples[i].text, level)
                by_level[level] = (verdict.label, verdict.question)
            predictions[i] = Prediction(examples[i], by_level, verdict.drift_score)
    return [p for p in predictions if p is not None]


def predict_all(classifier: FocusClassifier, examples: Sequence[Example]) -> list[Prediction]:
    """Predictions of one fixed classifier (e.g. the lexicon alone, which learns nothing) on every row."""
    out = []
    for example in examples:
        by_level = {}
        for level in SENSITIVITIES:
            verdict = classifier.classify(example.text, level)
            by_level[level] = (verdict.label, verdict.question)
        out.append(Prediction(example, by_level, verdict.drift_score))
    return out


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def scores(predictions: Sequence[Prediction], level: str = "normal") -> dict[str, Any]:
    """Drift precision/recall/F1, false-flag rate on learning+other, 3-label and question accuracy."""
    tp = fp = fn = negatives = correct = learning = question_correct = 0
    for p in predictions:
        label, question = p.by_level[level]
        truth = p.example.label
        if truth == "drift":
            tp += label == "drift"
            fn += label != "drift"
        else:
            negatives += 1
            fp += label == "drift"
        correct += label == truth
        if truth == "learning":
            learning += 1
            question_correct += label == "learning" and question == p.example.question
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else 0.0
    return {"rows": len(predictions), "drift_precision": precision, "drift_recall": recall, "drift_f1": f1,
            "false_positive_rate": _ratio(fp, negatives), "false_positives": fp, "missed_drift": fn,
            "accuracy": _ratio(correct, len(predictions)),
            "question_accuracy": _ratio(question_correct, learning)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.focus.training", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="*", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--write", action="store_true", help=f"write prompts/<lang>/{MODEL_FILE}")
    args = parser.parse_args(argv)
    for language in args.lang:
        examples = load_labelled(labelled_path(language))
        model = fit(examples, language, extra=load_extra(language))
        text = json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"
        target = ROOT / "prompts" / language / MODEL_FILE
        if args.write:
            target.write_text(text, encoding="utf-8")
        print(f"{language}: {len(examples)} rows, {len(model['weights'])} weights, cut-offs {model['thresholds']}"
              + (f" -> {target.relative_to(ROOT)}" if args.write else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
