"""Text to features: Turkish-aware case folding, ASCII folding, tokens, word and stem n-grams, signs.

Everything here is shared by the runtime classifier and the (dev-only) trainer, so a model is always
applied to exactly the features it was trained on. Pure Python, no third-party imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# İ and I first (Turkish rules: İ -> i, I -> ı); ı is folded to i afterwards, so "I" ends as "i" in
# both languages and "İ" never becomes "i" + combining dot as str.lower() would make it.
# Curly quotes and backticks become "'" in the same pass.
_QUOTE_MAP = {"’": "'", "‘": "'", "`": "'", "´": "'"}
_UPPER_TR = str.maketrans({"İ": "i", "I": "ı", **_QUOTE_MAP})
_UPPER_EN = str.maketrans({"İ": "i", **_QUOTE_MAP})
_FOLD = str.maketrans({
    "ı": "i", "ş": "s", "ğ": "g", "ü": "u", "ö": "o", "ç": "c", "â": "a", "î": "i", "û": "u",
    "é": "e", "è": "e", "ê": "e", "ë": "e", "á": "a", "à": "a", "ä": "a", "ã": "a", "í": "i", "ï": "i",
    "ó": "o", "ò": "o", "õ": "o", "ú": "u", "ù": "u", "ñ": "n", "\u0307": None,
})

_SLACK_MENTION = re.compile(r"<[@!#][^>]*>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^>|]*(?:\|([^>]*))?>")
_EMOJI = re.compile(r":([a-z0-9_+\-']+):")
# Emoji typed as characters (🙄, 👍, 😂): their Unicode names become signs, like Slack's :shortcodes:.
_UNICODE_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")
_CODE = re.compile(r"\b(?:[a-z]{1,5}\.\d{1,2}(?:\.[a-z0-9]{1,3})+|\d{1,2}\.[a-z]{1,4}(?:\.[a-z0-9]{1,3})+"
                   r"|\d{1,2}(?:\.\d{1,2}){2,4})\b")
_PERCENT = re.compile(r"%\s?\d|\d\s?%")
_TR_SUFFIX = re.compile(r"'[^\W\d_]+")
_APOSTROPHE = re.compile(r"'")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_CAPS = re.compile(r"\b[A-ZÇĞİÖŞÜ]{4,}\b")

SHORT_MESSAGE = 3
LONG_MESSAGE = 30


def casefold(text: str, language: str) -> str:
    """Lower case with Turkish İ/I rules (tr), keeping Turkish letters: "İLK SINAV" -> "ilk sınav".
    Curly quotes become straight apostrophes."""
    return text.translate(_UPPER_TR if language == "tr" else _UPPER_EN).lower().replace("\u0307", "")


def fold(text: str) -> str:
    """ASCII-fold a case-folded text, one character for one: "öğrencilerin sınavı" -> "ogrencilerin sinavi"."""
    return text.translate(_FOLD)


def words(text: str, language: str) -> list[str]:
    """The folded word tokens of a short text (a cue), split as messages are split."""
    lower = casefold(text, language)
    if "'" in lower:
        lower = (_TR_SUFFIX if language == "tr" else _APOSTROPHE).sub("", lower)
    return [fold(word) for word in _TOKEN.findall(lower)]


def normalize(text: str, language: str) -> str:
    """Case-fold then ASCII-fold: the form cues and features are matched on."""
    return fold(casefold(text, language))


@dataclass(slots=True)
class Tokens:
    """A message's tokens: `surface` (case-folded, as written) and `folded` (ASCII), one for one."""

    surface: list[str]
    folded: list[str]
    signs: list[str] = field(default_factory=list)


def tokenize(text: str, language: str) -> Tokens:
    """Split a Slack message into word tokens and note its signs (codes, percents, !!, CAPS, emoji...).

    Slack mentions and links are dropped (a link's label is kept), emoji names become signs,
    standard codes ("4.NF.2", "M.4.1.2.3") and percentages become signs, and in Turkish the suffix
    after an apostrophe goes ("DYK'ya" -> "dyk"); in English the apostrophe goes ("don't" -> "dont").
    """
    signs: list[str] = []
    if "<" in text:
        if _SLACK_MENTION.search(text):
            signs.append("mention")
            text = _SLACK_MENTION.sub(" ", text)
        if "://" in text or "mailto:" in text:
            signs.append("link")
            text = _SLACK_LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    if "!" in text:
        signs.append("!")
        if "!!" in text or "?!" in text or "!?" in text:
            signs.append("!!")
    if "?" in text:
        signs.append("?")
    if _CAPS.search(text):
        signs.append("CAPS")
    if not text.isascii():
        signs += [":" + unicodedata.name(ch, "emoji").lower().replace(" ", "_") + ":"
                  for ch in _UNICODE_EMOJI.findall(text)]
    lower = casefold(text, language)
    if ":" in lower:
        emoji = _EMOJI.findall(lower)
        if emoji:
            signs += [f":{name}:" for name in emoji]
            lower = _EMOJI.sub(" ", lower)
    if "." in lower and _CODE.search(lower):
        signs.append("code")
        lower = _CODE.sub(" ", lower)
    if "%" in lower and _PERCENT.search(lower):
        signs.append("%")
    if "'" in lower:
        lower = (_TR_SUFFIX if language == "tr" else _APOSTROPHE).sub("", lower)
    surface = _TOKEN.findall(lower)
    folded = fold(" ".join(surface)).split(" ") if surface else []
    if len(folded) != len(surface):  # a folded character that vanished (combining dot): fold one by one
        folded = [fold(word) for word in surface]
    if any(word.isdigit() for word in folded):
        signs.append("number")
    if len(surface) <= SHORT_MESSAGE:
        signs.append("short")
    elif len(surface) >= LONG_MESSAGE:
        signs.append("long")
    return Tokens(surface, folded, signs)


def ngram_features(tokens: Tokens, prefix_lengths: tuple[int, ...], bigrams: bool,
                   suffix_lengths: tuple[int, ...] = ()) -> list[str]:
    """Word unigrams `w=`, word-start character n-grams (stems) `p<n>=`, word-end character n-grams
    (suffixes) `x<n>=`, word bigrams `b=`, signs `s=`."""
    words = tokens.folded
    out = ["w=" + word for word in words]
    for n in prefix_lengths:
        tag = f"p{n}="
        out += [tag + word[:n] for word in words if len(word) > n]
    for n in suffix_lengths:
        tag = f"x{n}="
        out += [tag + word[-n:] for word in words if len(word) > n]
    if bigrams and len(words) > 1:
        out += ["b=" + a + " " + b for a, b in zip(words, words[1:], strict=False)]
    out += ["s=" + sign for sign in tokens.signs]
    return out
