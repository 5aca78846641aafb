"""`/plc portfolio [pdf|md]` end to end, through signed HTTP and the Slack emulator, after the inquiry cycle of
tests/e2e/test_plans.py (James owns the 4.NF.1 group, Maria the 4.NF.2 one; hand-computed truth in
tests/plans/data.py): the member's own cycle, commitments and private and shared reflections, sent only to them;
never a student, never someone else's; nobody can ask for another member's portfolio. English and Turkish."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from storage.models import Commitment
from tests.conftest import RunningApp
from tests.e2e.helpers import CHANNEL, FACILITATOR
from tests.e2e.test_meetings import wait_until
from tests.e2e.test_plans import ENGLISH, JAMES, TURKISH, run_cycle
from tests.e2e.test_plans import Texts as CycleTexts
from tests.e2e.test_reflections import reflect
from tests.plans.data import STUDENTS

AFTER = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)  # two days after Unit 4 quiz measured the groups


@dataclass(frozen=True)
class Expected:
    cycle: CycleTexts
    commit: str
    drop_reason: str
    private: str
    shared: str
    maria: str
    sent: str
    refused: str
    markdown: tuple[str, ...]
    pdf: tuple[str, ...]


EN = Expected(
    ENGLISH, commit="Bring exit tickets on 4.NF.1 by 12/15", drop_reason="report cards week",
    private="My own doubt: I rushed the number line part.", shared="Number lines made equal parts visible.",
    maria="Maria's private note about pacing.",
    sent="I am putting together your portfolio (inquiry cycles: 1, commitments: 3, reflections: 2) and will send it "
         "to you in a direct message as *plc-portfolio-2026-12-10.md*.",
    refused="Nobody can make another member's portfolio",
    markdown=(
        "# My professional learning portfolio",
        "Inquiry cycles: 1 (measured: 1) · commitments kept: 1, open: 1, dropped: 1 · reflections: 2",
        "## Inquiry cycles", "### 4.NF.1 · Grade 4 Math PLC", "- **Team:** Grade 4 Math PLC",
        "- **Assessment:** Unit 3 quiz, given Nov 20, 2026", "- **Standard:** 4.NF.1",
        "- **Group:** 3 students, mean 50.0% before",
        "- **Strategy:** small-group reteach with number lines (Small-group reteach)", "- **When:** Nov 30, 2026",
        "- **Re-check:** at the next assessment that covers the standard", "- **Planned on:** Nov 25, 2026",
        "- **Result:** measured on Unit 4 quiz (Dec 8, 2026): 2 students measured, mean 50.0% → 75.0%, change "
        "+25 points; 2 of 2 at or above 70%; 1 not in Unit 4 quiz (not counted); the rest of the team's students "
        "(4): ±0 points",
        "## Commitments", "### Kept (1)",
        "- Action plan for Unit 3 quiz, 4.NF.1 (3 students): small-group reteach with number lines (due Nov 30, "
        "2026; done Dec 8, 2026) · Grade 4 Math PLC",
        "_Evidence: measured on Unit 4 quiz: 2 of 2 now at or above 70 %, +25 points_",
        "### Open (1)", "- Bring exit tickets on 4.NF.1 (due Dec 15, 2026) · Grade 4 Math PLC",
        "### Dropped (1)", "- Visit a grade 5 lesson (due Dec 14, 2026; dropped Dec 10, 2026) · Grade 4 Math PLC",
        "_Reason: report cards week_",
        "## Reflections", "_private_", "_shared with the team_",
    ),
    pdf=("My professional learning portfolio", "4.NF.1 · Grade 4 Math PLC", "mean 50.0% → 75.0%", "+25 points",
         "Kept (1)", "Dropped (1)", "page 1 of"),
)
TR = Expected(
    TURKISH, commit="4.NF.1 için çıkış kartlarını getir 15.12 tarihine kadar", drop_reason="karne haftası",
    private="Kendi kuşkum: sayı doğrusu kısmını aceleye getirdim.", shared="Sayı doğruları eş parçaları görünür kıldı.",
    maria="Maria'nın tempo üzerine özel notu.",
    sent="Portfolyonuzu hazırlıyorum (sorgulama döngüsü: 1, taahhüt: 3, yansıtma: 2); size doğrudan mesajla "
         "*plc-portfolio-2026-12-10.md* olarak gelecek.",
    refused="Kimse başka bir üyenin portfolyosunu hazırlayamaz",
    markdown=(
        "# Mesleki gelişim portfolyom", "## Sorgulama döngüleri", "### 4.NF.1 · Grade 4 Math PLC",
        "- **Değerlendirme:** Unit 3 quiz, 20 Kas 2026 tarihinde yapıldı",
        "- **Strateji:** small-group reteach with number lines (Küçük grupta yeniden öğretim)",
        "- **Grup:** 3 öğrenci, önceki ortalama %50,0",
        "- **Sonuç:** Unit 4 quiz (8 Ara 2026) ile ölçüldü: 2 öğrenci ölçüldü, ortalama %50,0 → %75,0, değişim "
        "+25 puan; 2 öğrenciden 2 tanesi %70 veya üzerinde",
        "## Taahhütler", "### Tutulanlar (1)", "### Açık olanlar (1)", "### Bırakılanlar (1)", "_Neden: karne haftası_",
        "## Yansıtmalar", "_özel_", "_ekiple paylaşıldı_",
    ),
    pdf=("Mesleki gelişim portfolyom", "Sorgulama döngüleri", "%50,0 → %75,0", "+25 puan", "Yansıtmalar", "sayfa 1 /"),
)


def write_reflection(app: RunningApp, user_id: str, text: str, share: bool) -> None:
    before = len(app.emulator.calls_to("views.open"))
    assert app.slack.slash_command("/plc", "reflect", user_id=user_id, channel_id=CHANNEL).status_code == 200
    reflect(app, app.emulator.wait_for("views.open", count=before + 1)[-1].response["view"], user_id, text, share)


def commit(app: RunningApp, user_id: str, text: str) -> int:
    reply = app.slack.slash_command("/plc", f"commit {text}", user_id=user_id, channel_id=CHANNEL)
    assert reply.status_code == 200
    with app.plc.services.db.session() as session:
        return max(c.id for c in session.query(Commitment).filter(Commitment.owner_id == user_id))


def portfolio(app: RunningApp, user_id: str, words: str = "") -> tuple[dict[str, Any], dict[str, Any]]:
    """Ask for the portfolio; the reply and the file that went to the asker's DM."""
    before = len(app.emulator.uploaded_files())
    with time_machine.travel(AFTER, tick=True):
        reply = app.slack.slash_command("/plc", f"portfolio {words}".strip(), user_id=user_id,
                                        channel_id=CHANNEL).json()
        app.emulator.wait_for("files.completeUploadExternal", count=before + 1, timeout=30)
    assert app.emulator.calls_to("files.completeUploadExternal")[-1].args["channels"] == user_id
    return reply, app.emulator.uploaded_files()[-1]


def assert_no_student(text: str) -> None:
    assert not [name for name in STUDENTS if name in text], text


@pytest.mark.parametrize("expected", [EN, TR], ids=["en", "tr"])
def test_a_member_gets_their_own_portfolio_and_nobody_elses(running_app: RunningApp, expected: Expected) -> None:
    app = running_app
    run_cycle(app, expected.cycle)
    with time_machine.travel(AFTER, tick=True):
        write_reflection(app, JAMES, expected.private, share=False)
        write_reflection(app, JAMES, expected.shared, share=True)
        write_reflection(app, FACILITATOR, expected.maria, share=False)
        commit(app, JAMES, expected.commit)
        dropped = commit(app, JAMES, "Visit a grade 5 lesson by 12/14" if expected is EN
                         else "5. sınıf dersini ziyaret et 14.12 tarihine kadar")
        assert app.plc.services.commitments.drop(dropped, expected.drop_reason, JAMES) is not None

    reply, file = portfolio(app, JAMES)
    assert reply["response_type"] == "ephemeral" and reply["text"] == expected.sent
    text = file["content"].decode("utf-8")
    for line in expected.markdown:
        assert line in text, line
    assert expected.private in text and expected.shared in text
    assert text.index(expected.private) < text.index(expected.shared)
    assert expected.maria not in text and "fraction strips in pairs" not in text
    assert_no_student(text)
    assert JAMES not in text and FACILITATOR not in text
    assert any(m.get("files") for m in app.emulator.messages(JAMES))  # in James's DM

    # Maria's own portfolio: her 4.NF.2 cycle and her reflection; none of James's.
    _, file = portfolio(app, FACILITATOR, "md")
    maria = file["content"].decode("utf-8")
    assert "### 4.NF.2 · Grade 4 Math PLC" in maria and "fraction strips in pairs" in maria
    assert expected.maria in maria
    for james_only in (expected.private, expected.shared, "small-group reteach with number lines", "4.NF.1 ·",
                       expected.drop_reason):
        assert james_only not in maria, james_only
    assert_no_student(maria)

    # Nobody can ask for someone else's portfolio: refused, and nothing is sent.
    uploads = len(app.emulator.uploaded_files())
    for words in (f"<@{FACILITATOR}|maria>", f"pdf <@{FACILITATOR}>", "@maria", "<!subteam^S0MATH|@math>"):
        refused = app.slack.slash_command("/plc", f"portfolio {words}", user_id=JAMES, channel_id=CHANNEL).json()
        assert refused["response_type"] == "ephemeral" and refused["text"].startswith(expected.refused), words
    assert len(app.emulator.uploaded_files()) == uploads

    # The PDF says the same, one chart and all.
    reply, file = portfolio(app, JAMES, "pdf")
    assert file["name"] == "plc-portfolio-2026-12-10.pdf" and file["content"].startswith(b"%PDF")
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file["content"])).pages)
    for line in expected.pdf:
        assert line in pdf, line
    assert expected.private in pdf and expected.shared in pdf and expected.maria not in pdf
    assert_no_student(pdf)


def test_without_a_team_the_slack_language_speaks_and_bad_words_get_the_usage(running_app: RunningApp) -> None:
    app = running_app
    app.emulator.add_user("U0NEWTR01", "elif", real_name="Elif Demir", tz="Europe/Istanbul", locale="tr-TR")
    reply = app.slack.slash_command("/plc", "portfolio", user_id="U0NEWTR01", channel_id="C0OTHER01")
    assert reply.status_code == 200
    said = wait_until(lambda: next((c for c in app.emulator.calls_to("response_url")
                                    if "Portfolyonuz henüz boş" in str(c.args.get("text"))), None))
    assert said.args["response_type"] == "ephemeral"
    usage = app.slack.slash_command("/plc", "portfolio docx", user_id="U0TEACH03", channel_id="C0OTHER01")
    wait_until(lambda: next((c for c in app.emulator.calls_to("response_url")
                             if "Usage: `/plc portfolio`" in str(c.args.get("text"))), None))
    assert usage.status_code == 200
    assert app.emulator.uploaded_files() == []
