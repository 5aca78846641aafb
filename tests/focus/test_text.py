"""Text handling of the focus classifier: Turkish case folding, ASCII folding, suffixes, signs."""

from __future__ import annotations

from bot.focus.lexicon import CueGroup, Lexicon
from bot.focus.text import casefold, fold, normalize, tokenize, words


def test_turkish_case_folding_follows_dotted_and_dotless_i() -> None:
    assert casefold("İSTANBUL'DA ILIK BİR GÜN", "tr") == "istanbul'da ılık bir gün"
    assert casefold("ÖĞRENCİLER SINAVA", "tr") == "öğrenciler sınava"
    assert "\u0307" not in casefold("İZMİR", "en")  # never "i" + combining dot


def test_ascii_folding_makes_turkish_and_plain_spellings_equal() -> None:
    assert normalize("Öğrencilerin SINAV sonuçları", "tr") == normalize("ogrencilerin sinav sonuclari", "tr")
    assert fold("çğıöşü") == "cgiosu"
    assert words("Kazanım", "tr") == ["kazanim"]


def test_tokens_keep_surface_and_folded_forms_one_for_one() -> None:
    tokens = tokenize("Öğrenciler DYK'ya gelmedi", "tr")
    assert tokens.surface == ["öğrenciler", "dyk", "gelmedi"]  # the suffix after the apostrophe goes
    assert tokens.folded == ["ogrenciler", "dyk", "gelmedi"]
    assert tokenize("they don't get it", "en").folded == ["they", "dont", "get", "it"]


def test_signs_for_codes_percentages_slack_markup_and_venting() -> None:
    tokens = tokenize("<@U123> 40% missed 4.NF.2 and M.4.1.2.3 AGAIN!! :rage:", "en")
    assert {"mention", "%", "code", "CAPS", "!", "!!", ":rage:"} <= set(tokens.signs)
    assert "nf" not in tokens.folded and "u123" not in tokens.folded
    assert "short" in tokenize("thanks!", "en").signs


def _lexicon(language: str, *cues: str) -> Lexicon:
    return Lexicon(language, [CueGroup("g", "drift", None, 1.0, 0.0, tuple(cues))])


def test_prefix_cues_match_turkish_suffixes_in_both_spellings() -> None:
    lexicon = _lexicon("tr", "öğrenci*", "sınav*")
    for text in ("öğrencilerimizin sınavlarında", "ogrencilerimizin sinavlarinda", "ÖĞRENCİLERİMİZİN SINAVLARINDA"):
        hits = lexicon.match(tokenize(text, "tr"))
        assert [hit.start for hit in hits] == [0, 1], text


def test_exact_cues_do_not_match_longer_words() -> None:
    lexicon = _lexicon("tr", "zam", "zamm*")
    assert lexicon.match(tokenize("zaman yok", "tr")) == []
    assert len(lexicon.match(tokenize("zam yok, zammı da yatmadı", "tr"))) == 2


def test_phrase_cues_match_consecutive_words_and_report_the_words_as_written() -> None:
    lexicon = _lexicon("tr", "kimse bize sor*")
    tokens = tokenize("Kimse bize SORMADI ki", "tr")
    hits = lexicon.match(tokens)
    assert len(hits) == 1 and hits[0].text(tokens) == "kimse bize sormadı"
    assert lexicon.match(tokenize("bize kimse sormadı", "tr")) == []
