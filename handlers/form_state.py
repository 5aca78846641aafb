"""Reading a submitted modal's `view.state.values` defensively (a forged payload must not raise)."""

from __future__ import annotations

from datetime import date
from typing import Any


def view_values(view: dict) -> dict[str, Any]:
    """`view.state.values`, or {} when the payload has none."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def entry(values: dict[str, Any], block_id: str, action_id: str | None = None) -> dict[str, Any]:
    """The state of one input: by its action id, or the block's only element when `action_id` is None."""
    block = values.get(block_id)
    if not isinstance(block, dict) or not block:
        return {}
    found = block.get(action_id) if action_id is not None else next(iter(block.values()))
    return found if isinstance(found, dict) else {}


def text_value(values: dict[str, Any], block_id: str, action_id: str | None = None) -> str:
    """A text input's value, stripped; "" when empty."""
    value = entry(values, block_id, action_id).get("value")
    return value.strip() if isinstance(value, str) else ""


def selected_value(values: dict[str, Any], block_id: str, action_id: str | None = None) -> str | None:
    """The value of a single select's (or radio group's) chosen option; None when none is chosen."""
    option = entry(values, block_id, action_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def checked_values(values: dict[str, Any], block_id: str, action_id: str | None = None) -> list[str]:
    """The values of the options ticked in checkboxes (or chosen in a multi-select)."""
    chosen = entry(values, block_id, action_id).get("selected_options")
    if not isinstance(chosen, list):
        return []
    return [o["value"] for o in chosen if isinstance(o, dict) and isinstance(o.get("value"), str)]


def date_value(values: dict[str, Any], block_id: str, action_id: str | None = None) -> date | None:
    """A datepicker's date; None when none (or no valid one) was picked."""
    picked = entry(values, block_id, action_id).get("selected_date")
    try:
        return date.fromisoformat(picked) if isinstance(picked, str) else None
    except ValueError:
        return None


def number_value(values: dict[str, Any], block_id: str, action_id: str | None = None) -> float | None:
    """A number input's value (a decimal comma is read too); None when empty or not a number."""
    try:
        return float(str(entry(values, block_id, action_id).get("value")).replace(",", "."))
    except ValueError:
        return None
