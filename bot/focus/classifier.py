"""The focus keeper's classifier: is a message about student learning (and which critical question),
drift, or ordinary talk? Pure Python over data files; explainable through the cues that decided it.

Data per language, in the `prompts` package:
- `prompts/<lang>/focus_cues.toml`: cue groups (hand weights for the lexicon-only mode), the feature
  settings, and per sensitivity the drift_score cut-off of the lexicon-only mode and the target share
  of falsely flagged messages that the trainer calibrates the learned model's cut-off to;
- `prompts/<lang>/focus_model.json` (optional): the learned linear weights and cut-offs, written by
  `python -m bot.focus.training --write`. Without it the classifier uses the lexicon alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

from bot.focus.lexicon import Hit, Lexicon
from bot.focus.text import Tokens, ngram_features, tokenize
from bot.focus.text import words as fold_words

SENSITIVITIES = ("low", "normal", "high")
LANGUAGES = ("en", "tr")
QUESTIONS = (1, 2, 3, 4)
CUES_FILE = "focus_cues.toml"
MODEL_FILE = "focus_model.json"
MODEL_FORMAT = 1
# Weight columns: drift logit, learning-vs-other logit, then one logit per critical question.
DRIFT, TOPIC, Q0 = 0, 1, 2
COLUMNS = 2 + len(QUESTIONS)
MAX_CUES = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one message: `label`, the critical `question` (1-4) when about learning,
    the `cues` that weighed most for the decision, and the `drift_score` (0-1)."""

    label: str
    question: int | None
    cues: list[str]
    drift_score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Settings:
    """The feature settings of `[model]` in focus_cues.toml (shared by runtime and trainer)."""

    prefix_lengths: tuple[int, ...]
    suffix_lengths: tuple[int, ...]
    bigrams: bool
    lexicon_scale: float


def read_data(language: str, name: str) -> str | None:
    """The text of `prompts/<language>/<name>`, or None when the package has no such file."""
    item = resources.files("prompts").joinpath(language).joinpath(name)
    return item.read_text("utf-8") if item.is_file() else None


def cues_fingerprint(cues: dict[str, Any]) -> str:
    """A digest of what a trained model depends on in focus_cues.toml (groups, model, sensitivity)."""
    relevant = {key: cues.get(key) for key in ("groups", "model", "sensitivity")}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class FocusClassifier:
    """Classifies messages of one language; build with `for_language` (cached) or from data."""

    def __init__(self, language: str, cues: dict[str, Any], model: dict[str, Any] | None = None) -> None:
        self.language = language
        self.cues = cues
        self.lexicon = Lexicon.from_data(language, cues)
        config = cues["model"]
        self.settings = Settings(tuple(int(n) for n in config["prefix_lengths"]),
                                 tuple(int(n) for n in config["suffix_lengths"]), bool(config["bigrams"]),
                                 float(config["lexicon_scale"]))
        self.model = model
        if model is not None:
            if model.get("format") != MODEL_FORMAT or model.get("language") != language:
                raise ValueError(f"{MODEL_FILE} ({language}) has format {model.get('format')!r} "
                                 f"for {model.get('language')!r}")
            self.weights: dict[str, tuple[float, ...]] = {f: tuple(w) for f, w in model["weights"].items()}
            self.bias = tuple(float(b) for b in model["bias"])
            self.thresholds = {level: float(model["thresholds"][level]) for level in SENSITIVITIES}
        else:
            self.weights, self.bias = self._lexicon_weights()
            self.thresholds = {level: float(cues["sensitivity"][level]["threshold"]) for level in SENSITIVITIES}
        self.mode = "model" if model is not None else "lexicon"
        # Function words are features like any other, but say nothing to a coach reading the cues.
        self.quiet_words = frozenset(fold_words(" ".join(cues.get("explain", {}).get("quiet_words", [])), language))

    @classmethod
    def for_language(cls, language: str) -> FocusClassifier:
        """The classifier of `language` ("en" or "tr") built from the shipped data, once per process."""
        return _for_language(language)

    @property
    def stale(self) -> bool:
        """True when the learned model was trained with other cue groups or settings than the current ones."""
        return self.model is not None and self.model.get("cues_fingerprint") != cues_fingerprint(self.cues)

    def _lexicon_weights(self) -> tuple[dict[str, tuple[float, ...]], tuple[float, ...]]:
        """The hand weights of the cue groups as one weight table (the lexicon-only mode)."""
        weights: dict[str, tuple[float, ...]] = {}
        for group in self.lexicon.groups.values():
            row = [0.0] * COLUMNS
            row[DRIFT], row[TOPIC] = group.drift, group.learning
            if group.question:
                row[Q0 + group.question - 1] = max(group.learning, 0.1)
            weights[f"g={group.name}"] = tuple(row)
        table = self.cues["lexicon"]
        bias = [0.0] * COLUMNS
        bias[DRIFT], bias[TOPIC] = float(table["bias_drift"]), float(table["bias_learning"])
        bias[Q0 + int(table["default_question"]) - 1] = 0.01
        return weights, tuple(bias)

    def features(self, text: str) -> tuple[Tokens, list[Hit], list[str]]:
        """The message's tokens, its cue hits and its feature names (unique, in order)."""
        tokens = tokenize(text, self.language)
        hits = self.lexicon.match(tokens)
        settings = self.settings
        names = ngram_features(tokens, settings.prefix_lengths, settings.bigrams, settings.suffix_lengths)
        names += ["g=" + hit.group for hit in hits]
        return tokens, hits, list(dict.fromkeys(names))

    def classify(self, text: str, sensitivity: str = "normal") -> Verdict:
        """Classify one message; `sensitivity` (low, normal, high) sets how readily drift is flagged."""
        threshold = self.thresholds[sensitivity]
        tokens, hits, names = self.features(text)
        weights = self.weights
        found = [(name, w) for name in names if (w := weights.get(name)) is not None]
        sums = [sum(column) for column in zip(*(w for _, w in found), strict=False)] if found else [0.0] * COLUMNS
        logits = [b + s for b, s in zip(self.bias, sums, strict=False)]
        drift_score = _sigmoid(logits[DRIFT])
        question: int | None = None
        if drift_score >= threshold:
            label = "drift"
        elif logits[TOPIC] >= 0:
            label = "learning"
            scores = logits[Q0:]
            question = QUESTIONS[scores.index(max(scores))]
        else:
            label = "other"
        cues = self._explain(label, question, found, tokens, hits)
        return Verdict(label, question, cues, round(drift_score, 4))

    def _explain(self, label: str, question: int | None, found: list[tuple[str, tuple[float, ...]]],
                 tokens: Tokens, hits: list[Hit]) -> list[str]:
        """The features that pushed most towards `label` (and `question`), as readable cues."""
        if label == "drift":
            ranked = [(w[DRIFT], name) for name, w in found if w[DRIFT] > 0]
        elif label == "learning" and question is not None:
            q = Q0 + question - 1
            ranked = [(c, name) for name, w in found if (c := w[TOPIC] + w[q]) > 0]
        else:
            ranked = [(c, name) for name, w in found if (c := -w[TOPIC] - w[DRIFT]) > 0]
        ranked.sort(reverse=True)
        cues: list[str] = []
        explained: set[int] = set()  # tokens a cue already names: one cue per word, not its stems too
        for _, name in ranked:
            if len(cues) >= MAX_CUES:
                break
            span = _span(name, tokens, hits)
            if span and (span <= explained or all(tokens.folded[i] in self.quiet_words for i in span)):
                continue
            cue = describe(name, tokens, hits)
            if cue not in cues:
                cues.append(cue)
                explained |= span
        return cues


def _span(name: str, tokens: Tokens, hits: list[Hit]) -> set[int]:
    """The positions of the words a feature stands for (empty for signs)."""
    kind, _, value = name.partition("=")
    folded = tokens.folded
    if kind == "g":
        return {i for hit in hits if hit.group == value for i in range(hit.start, hit.end)}
    if kind == "w":
        return {folded.index(value)} if value in folded else set()
    if kind == "b":
        first, _, second = value.partition(" ")
        return next(({i, i + 1} for i in range(len(folded) - 1)
                     if folded[i] == first and folded[i + 1] == second), set())
    if kind.startswith("p"):
        return next(({i} for i, word in enumerate(folded) if word.startswith(value)), set())
    if kind.startswith("x"):
        return next(({i} for i, word in enumerate(folded) if word.endswith(value)), set())
    return set()


def describe(name: str, tokens: Tokens, hits: list[Hit]) -> str:
    """A feature as a coach reads it, with the words as written: "pay: maaş", "word: yine", "stem: öğrenc…"."""
    kind, _, value = name.partition("=")
    if kind == "g":
        said = list(dict.fromkeys(hit.text(tokens) for hit in hits if hit.group == value))
        return f"{value}: {' / '.join(said[:3])}"
    if kind == "s":
        return f"sign: {value}"
    folded, surface = tokens.folded, tokens.surface
    if kind == "w":
        return f"word: {surface[folded.index(value)]}" if value in folded else f"word: {value}"
    if kind == "b":
        first, _, second = value.partition(" ")
        for i in range(len(folded) - 1):
            if folded[i] == first and folded[i + 1] == second:
                return f"pair: {surface[i]} {surface[i + 1]}"
        return f"pair: {value}"
    if kind.startswith("p"):
        for i, word in enumerate(folded):
            if word.startswith(value):
                return f"stem: {surface[i][:len(value)]}…"
        return f"stem: {value}…"
    if kind.startswith("x"):
        for i, word in enumerate(folded):
            if word.endswith(value):
                return f"ending: …{surface[i][-len(value):]}"
        return f"ending: …{value}"
    return name


def load_cues(language: str) -> dict[str, Any]:
    """The parsed focus_cues.toml of `language`."""
    text = read_data(language, CUES_FILE)
    if text is None:
        raise FileNotFoundError(f"prompts/{language}/{CUES_FILE}")
    return tomllib.loads(text)


def load_model(language: str) -> dict[str, Any] | None:
    """The parsed focus_model.json of `language`, or None when none is shipped."""
    text = read_data(language, MODEL_FILE)
    return json.loads(text) if text is not None else None


@cache
def _for_language(language: str) -> FocusClassifier:
    if language not in LANGUAGES:
        raise ValueError(f"focus classifier: unsupported language {language!r}")
    return FocusClassifier(language, load_cues(language), load_model(language))
