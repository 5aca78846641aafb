"""The focus classifier: its data files, verdicts, explanations and sensitivity levels."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.focus.classifier import MODEL_FILE, SENSITIVITIES, FocusClassifier, Verdict, load_cues, load_model, read_data
from bot.focus.training import data_digest, labelled_path, load_labelled

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "tr")
MESSAGES = {
    "en": {
        "drift": ["The district is piling even more paperwork on us and nobody asked, ridiculous",
                  "Another unpaid lunch duty this week, I'm so fed up with admin",
                  "Our pay raise got cut again and the union says nothing"],
        "learning": ["On the exit ticket 40% missed item 3, let's reteach equivalent fractions in small groups",
                     "Which essential standards should students master by the end of unit 2?",
                     "Can we give the kids who already mastered it an enrichment task?"],
        "other": ["Good morning everyone!", "Thanks, sounds good", "Who is taking notes today?"],
    },
    "tr": {
        "drift": ["İdare yine evrak istiyor, kimse bize sormadı, bıktım artık",
                  "Maaşlar yine yatmadı, ek ders ücretleri de eksik",
                  "Bu hafta yine iki nöbet verdiler, müdür hiç dinlemiyor"],
        "learning": ["Çıkış kartında öğrencilerin yüzde 40'ı 3. soruyu yapamadı, küçük grupla tekrar anlatalım",
                     "Bu ünitenin öncelikli kazanımları neler, öğrenciler neyi bilmeli?",
                     "Konuyu zaten öğrenmiş olanlara zenginleştirme etkinliği verelim mi?"],
        "other": ["Günaydın arkadaşlar", "Teşekkürler, tamamdır", "Bugün not tutmayı kim alır?"],
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_data_files_load_from_the_prompts_package(language: str) -> None:
    cues = load_cues(language)
    assert set(cues["sensitivity"]) == set(SENSITIVITIES)
    assert len(cues["groups"]) >= 10 and all(group["cues"] for group in cues["groups"].values())
    model = load_model(language)
    assert model is not None and model["language"] == language and len(model["weights"]) > 1000
    classifier = FocusClassifier.for_language(language)
    assert classifier.mode == "model" and not classifier.stale, "retrain: python -m bot.focus.training --write"
    assert read_data(language, "no-such-file.json") is None


def test_both_languages_have_the_same_cue_groups_and_settings_keys() -> None:
    en, tr = load_cues("en"), load_cues("tr")
    assert set(en["groups"]) == set(tr["groups"])
    assert set(en["model"]) == set(tr["model"]) and set(en["lexicon"]) == set(tr["lexicon"])
    for name in en["groups"]:
        assert en["groups"][name]["label"] == tr["groups"][name]["label"]
        assert en["groups"][name]["question"] == tr["groups"][name]["question"]


def test_model_files_ship_as_package_data() -> None:
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(pattern.endswith(f"*{Path(MODEL_FILE).suffix}") for pattern in package_data["prompts"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_model_is_trained_on_the_current_labelled_set(language: str) -> None:
    path = labelled_path(language)
    if not path.exists():
        pytest.skip(f"no labelled set at {path}")
    model = load_model(language)
    assert model is not None
    assert model["trained"]["data"] == data_digest(load_labelled(path)), "retrain: python -m bot.focus.training --write"


def test_for_language_is_cached_and_refuses_other_languages() -> None:
    assert FocusClassifier.for_language("en") is FocusClassifier.for_language("en")
    with pytest.raises(ValueError):
        FocusClassifier.for_language("de")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("label", ["drift", "learning", "other"])
def test_clear_messages_get_their_label(language: str, label: str) -> None:
    classifier = FocusClassifier.for_language(language)
    for text in MESSAGES[language][label]:
        verdict = classifier.classify(text)
        assert isinstance(verdict, Verdict)
        assert verdict.label == label, (text, verdict)
        assert (verdict.question is not None) == (label == "learning")
        assert 0.0 <= verdict.drift_score <= 1.0


@pytest.mark.parametrize("language", LANGUAGES)
def test_questions_of_learning_messages(language: str) -> None:
    classifier = FocusClassifier.for_language(language)
    reteach, standards, extend = MESSAGES[language]["learning"]
    assert classifier.classify(standards).question == 1
    assert classifier.classify(reteach).question in (2, 3)
    assert classifier.classify(extend).question == 4


def test_cues_explain_the_decision_with_the_words_as_written() -> None:
    verdict = FocusClassifier.for_language("tr").classify("Maaşlar yine yatmadı, ek ders ücretleri de eksik")
    assert verdict.label == "drift"
    assert 1 <= len(verdict.cues) <= 5
    assert any(cue.startswith("pay: ") and "maaşlar" in cue for cue in verdict.cues)
    classifier = FocusClassifier.for_language("en")
    learning = classifier.classify("Let's reteach equivalent fractions in small groups to the kids who missed item 3")
    assert learning.label == "learning" and any(cue.startswith("respond: ") for cue in learning.cues)
    # every cue is a feature of the message that weighs towards its label
    _, _, names = classifier.features("Let's reteach equivalent fractions in small groups")
    assert all(":" in cue for cue in learning.cues) and names


def test_cues_name_each_word_once_and_skip_function_words() -> None:
    classifier = FocusClassifier.for_language("en")
    verdict = classifier.classify("40% missed item 7, we need to reteach it Thursday")
    assert verdict.label == "learning"
    # "reteach" is named by its cue group; its stems and the bare word are not listed again
    assert "respond: reteach" in verdict.cues
    assert not any(cue.startswith(("word: reteach", "stem: rete")) for cue in verdict.cues)
    assert not {"word: we", "word: to", "word: it"} & set(verdict.cues)
    turkish = FocusClassifier.for_language("tr").classify(
        "Kesirlerde zorlanan öğrencilerle küçük grup çalışması yapalım")
    assert turkish.cues[0].startswith("respond: ") and "küçük grup" in turkish.cues[0]
    assert not any(cue.startswith(("word: küçük", "stem: küçü", "word: grup")) for cue in turkish.cues)
    quiet = classifier.quiet_words
    assert {"the", "we"} <= quiet and "reteach" not in quiet


@pytest.mark.parametrize("language", LANGUAGES)
def test_sensitivity_levels_are_ordered(language: str) -> None:
    classifier = FocusClassifier.for_language(language)
    thresholds = classifier.thresholds
    assert thresholds["low"] >= thresholds["normal"] >= thresholds["high"]
    texts = [text for group in MESSAGES[language].values() for text in group]
    if labelled_path(language).exists():
        texts += [example.text for example in load_labelled(labelled_path(language))]
    flagged = {level: {t for t in texts if classifier.classify(t, level).label == "drift"} for level in SENSITIVITIES}
    assert flagged["low"] <= flagged["normal"] <= flagged["high"]
    assert thresholds["low"] > thresholds["high"]
    with pytest.raises(KeyError):
        classifier.classify("hello", "extreme")


@pytest.mark.parametrize("language", LANGUAGES)
def test_lexicon_only_mode_without_a_model(language: str) -> None:
    classifier = FocusClassifier(language, load_cues(language), None)
    assert classifier.mode == "lexicon" and not classifier.stale
    drift = classifier.classify(MESSAGES[language]["drift"][0])
    assert drift.label == "drift" and drift.cues
    other = classifier.classify(MESSAGES[language]["other"][0])
    assert other.label == "other"


def test_empty_and_odd_messages_do_not_fail() -> None:
    classifier = FocusClassifier.for_language("en")
    for text in ("", "   ", "!!!", "<@U123>", "12345", "🙂🙂", "a" * 5000):
        assert classifier.classify(text).label in ("learning", "drift", "other")
