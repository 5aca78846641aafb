"""The items-to-standards example runs in the sandbox as the README shows it.

Hand-computed: examples/fractions-items.csv (max 1, 1, 2, 2) with Q1-Q2 -> 4.NF.1, Q3-Q4 -> 4.NF.2:
4.NF.1 = Ayşe 1+0, Mehmet 1+1, Zeynep 0+1 = 4 of 6 = 66.7 % (Ayşe and Zeynep 50 %: 2 below 70 %);
4.NF.2 = Ayşe 2+1, Mehmet 1+2, Zeynep 2+2 = 10 of 12 = 83.3 % (nobody below).
Maria's examples/fractions-items-maria.csv (items 1-4, same maxima): Can 1, 1, 2, 2; Elif 0, 0, 1, 2.
After `/plc data map Fractions check: Q4 4.NF.3`: 4.NF.1 = 4 + 2 of 10 = 60.0 % (Ayşe, Zeynep, Elif below);
4.NF.2 (Q3 only) = 2+1+2 + 2+1 = 8 of 10 = 80.0 % (Mehmet and Elif 50 % below);
4.NF.3 (Q4) = 1+2+2 + 2+2 = 9 of 10 = 90.0 % (Ayşe 50 % below).
"""

from __future__ import annotations

from tests.e2e.helpers import run_example


def section(text: str, start: str, end: str) -> str:
    found = text[text.index(start):]
    return found[:found.index(end)]


def test_standards_example_maps_items_at_upload_and_with_data_map() -> None:
    text = run_example("sandbox-standards.txt")
    assert ("Unit or standards covered: I cannot read the range “Q2-Q1”: a range goes up and keeps one item word, "
            "like Q1-Q5 or S1-S5.") in text
    first = section(text, "*Fractions check*: results updated by @you", "PLC Bot · posted a file")
    assert "• 4.NF.1: 66.7% (2 below)" in first and "• 4.NF.2: 83.3% (0 below)" in first
    assert "Standards from the map for the items Q1, Q2, Q3, Q4." in first
    assert ("Nothing from fractions-items.csv was stored, because of the standards map in the form: Q1-Q5 includes "
            "item 5, but the results have no such item. Their items are: Q1, Q2, Q3, Q4.") in text
    assert "Fractions retake" not in text[text.index("/plc data\n"):]  # nothing of it was stored
    maria = section(text, "*Fractions check*: results updated by @maria", "PLC Bot · posted a file")
    assert "Standards from the map for the items 1, 2, 3, 4." in maria
    assert ("*Fractions check*: the map gave its standards to the items Q4, 4 (result rows changed: 5, in uploads: 2)."
            in text)
    again = section(text, "@you uploaded the same file again; nothing changed.", "Make an action plan")
    assert "• 4.NF.1: 60.0% (3 below)" in again and "• 4.NF.2: 80.0% (2 below)" in again
    assert "• 4.NF.3: 90.0% (1 below)" in again
    for student in ("Ayşe", "Mehmet", "Zeynep", "Can Öztürk", "Elif"):
        assert student not in first and student not in maria and student not in again
