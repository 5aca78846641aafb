"""A plain (non-editable) install carries prompts/, the migrations and the manifest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]
    built = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    return next(out.glob("plc_bot-*.whl"))


def test_wheel_contains_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("bot/manifest.yml", "prompts/en/help.toml", "prompts/tr/help.toml",
                     "storage/migrations/env.py", "storage/migrations/versions/0001_foundation.py",
                     "handlers/commands/__init__.py", "prompts/en/focus_model.json",
                     "prompts/tr/focus_cues.toml", "storage/migrations/versions/0005_focus_follow_through.py"):
        assert required in names, required
    en = {n for n in names if n.startswith("prompts/en/")}
    tr = {n.replace("prompts/tr/", "prompts/en/") for n in names if n.startswith("prompts/tr/")}
    assert en == tr and len(en) >= 7
    assert not any(n.startswith("tests/") for n in names)
    manifest = zipfile.ZipFile(wheel).read("bot/manifest.yml").decode()
    assert "slash_commands" in manifest  # the real file, not a symlink


def test_installed_wheel_runs_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    workdir = tmp_path / "work"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PLC_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(site)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=workdir, env=env, capture_output=True, text=True,
                              timeout=120)

    where = run("-c", "import bot, prompts, storage, handlers; print(bot.__file__, prompts.__file__)")
    assert where.returncode == 0, where.stderr
    assert str(site) in where.stdout and str(ROOT) not in where.stdout
    upgraded = run("-m", "bot.cli", "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (workdir / "data" / "plc-bot.sqlite3").exists()
    manifest = run("-m", "bot.cli", "manifest")
    assert manifest.returncode == 0 and "command: /plc" in manifest.stdout
    texts = run("-c", "from bot.i18n import catalog; print(catalog('tr').t('help.title'))")
    assert texts.stdout.strip() == "PLC Bot: neler yapabilirim"
    classified = subprocess.run([sys.executable, "-m", "bot.cli", "focus", "classify", "--lang", "tr"], cwd=workdir,
                                env=env, capture_output=True, text=True, timeout=120,
                                input="İdare yine bize sormadan nöbet çizelgesini değiştirmiş, bıktım artık\n")
    assert classified.returncode == 0, classified.stderr
    verdict = json.loads(classified.stdout.splitlines()[0])
    assert verdict["label"] == "drift" and verdict["cues"]  # the shipped model and cues, read from the wheel
