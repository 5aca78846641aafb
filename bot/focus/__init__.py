"""Focus keeper: tells student-learning talk (and its critical question) from drift and ordinary talk."""

from bot.focus.classifier import SENSITIVITIES, FocusClassifier, Verdict

__all__ = ["SENSITIVITIES", "FocusClassifier", "Verdict"]
