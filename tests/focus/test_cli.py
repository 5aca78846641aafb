"""`plc-bot focus classify`: utterances on stdin, one JSON object per line on stdout."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["focus", "classify", *args]) == 0
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def test_one_json_object_per_non_empty_line(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    lines = run(monkeypatch, capsys,
                "Good morning all!\n\n   \nThe district keeps piling paperwork on us, ridiculous\n"
                "Let's reteach fractions in small groups to the kids who missed item 3\n", "--lang", "en")
    assert [line["label"] for line in lines] == ["other", "drift", "learning"]
    for line in lines:
        assert set(line) == {"label", "question", "cues", "drift_score"}
        assert isinstance(line["cues"], list)
    assert lines[0]["question"] is None and lines[2]["question"] in (1, 2, 3, 4)


def test_turkish_is_written_as_is(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Maaşlar yine yatmadı, ek ders ücretleri de eksik\n"))
    assert main(["focus", "classify", "--lang", "tr", "--sensitivity", "low"]) == 0
    out = capsys.readouterr().out
    assert "maaşlar" in out and "\\u" not in out
    assert json.loads(out)["label"] == "drift"


def test_sensitivity_changes_only_the_cut_off(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    text = "Honestly the new grading policy makes it hard to see what the kids know\n"
    scores = {level: run(monkeypatch, capsys, text, "--lang", "en", "--sensitivity", level)[0]["drift_score"]
              for level in ("low", "normal", "high")}
    assert len(set(scores.values())) == 1


def test_bad_sensitivity_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hi\n"))
    with pytest.raises(SystemExit) as exit_:
        main(["focus", "classify", "--sensitivity", "extreme"])
    assert exit_.value.code == 2
