"""`plc-bot focus classify`: one utterance per line on stdin, one JSON verdict per line on stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from bot.i18n import Catalog

SENSITIVITY_CHOICES = ("low", "normal", "high")
LANGUAGE_CHOICES = ("en", "tr")


def add_focus_parser(subparsers: Any, texts: Catalog) -> argparse.ArgumentParser:
    """Register `focus classify` on the subparsers of `plc-bot`, with help texts from `texts`."""
    t = texts.t
    focus: argparse.ArgumentParser = subparsers.add_parser("focus", help=t("cli.focus"), description=t("cli.focus"))
    commands = focus.add_subparsers(dest="focus_command", required=True)
    classify = commands.add_parser("classify", help=t("cli.focus_classify"), description=t("cli.focus_classify"))
    classify.add_argument("--lang", choices=LANGUAGE_CHOICES, default=None, help=t("cli.focus_lang"))
    classify.add_argument("--sensitivity", choices=SENSITIVITY_CHOICES, default="normal",
                          help=t("cli.focus_sensitivity"))
    return focus


def _utf8(stream: TextIO) -> TextIO:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="replace")
    return stream


def run_focus(args: argparse.Namespace) -> int:
    """Classify every non-empty line of stdin; print one JSON object per line."""
    from bot.focus.classifier import FocusClassifier

    language = args.lang or (os.environ.get("PLC_DEFAULT_LANGUAGE") or "en").strip().lower()
    classifier = FocusClassifier.for_language(language if language in LANGUAGE_CHOICES else "en")
    out = _utf8(sys.stdout)
    for line in _utf8(sys.stdin):
        text = line.strip()
        if not text:
            continue
        verdict = classifier.classify(text, args.sensitivity)
        out.write(json.dumps(verdict.to_dict(), ensure_ascii=False) + "\n")
        out.flush()
    return 0
