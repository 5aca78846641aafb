"""Meeting agendas: protocol templates from the catalog, member items, time boxes and rotating roles."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.i18n import catalog

PROTOCOL = "protocol"
MEMBER = "member"
REVIEW = "review"
QUESTIONS = (0, 1, 2, 3, 4)  # 0 = housekeeping, 1-4 = the four critical questions of a PLC
MEMBER_MINUTES = 5
MIN_MINUTES = 2
ROLES = ("facilitator", "timekeeper", "recorder")


@dataclass(frozen=True)
class AgendaItem:
    """One item of a meeting's agenda, with its time box and the critical question it serves."""

    title: str
    minutes: int
    question: int  # 0..4
    prompt: str = ""
    source: str = PROTOCOL  # PROTOCOL | MEMBER | REVIEW
    added_by: str | None = None


@dataclass(frozen=True)
class Protocol:
    """A meeting template in one language: its name, purpose and agenda items."""

    key: str
    name: str
    purpose: str
    items: tuple[AgendaItem, ...]

    @property
    def total_minutes(self) -> int:
        return sum(item.minutes for item in self.items)


def protocol_names() -> list[str]:
    """The keys of the protocols, in the order they are offered (the same in every language)."""
    return catalog("en").list("protocols.order")


def load_protocol(key: str, language: str) -> Protocol:
    """The protocol `key` in `language`, read from prompts/<lang>/protocols.toml; KeyError if unknown."""
    if key not in protocol_names():
        raise KeyError(key)
    texts = catalog(language)
    raw_items: list[dict[str, Any]] = texts.raw(f"protocols.{key}.items")
    items = tuple(
        AgendaItem(
            title=str(raw["title"]),
            minutes=int(raw["minutes"]),
            question=int(raw["question"]),
            prompt=str(raw.get("prompt", "")),
        )
        for raw in raw_items
    )
    return Protocol(key=key, name=texts.t(f"protocols.{key}.name"),
                    purpose=texts.t(f"protocols.{key}.purpose"), items=items)


def build_agenda(
    protocol: Protocol,
    member_items: Sequence[tuple[str, int, str]],
    duration_minutes: int,
    *,
    review_title: str | None = None,
    review_minutes: int = 5,
    member_minutes: int = MEMBER_MINUTES,
) -> list[AgendaItem]:
    """The meeting's agenda: review item, protocol items with member items slotted in, fitted to the duration.

    `member_items` are (text, question, added_by user id); each goes right after the last protocol item
    serving its question (at the end when none does, or when its question is 0), in the order given.
    When the time boxes add up to more than `duration_minutes`, protocol items shrink proportionally
    (whole minutes, at least 2 each); member items shrink from `member_minutes` towards 2 only when that
    is not enough; the review item keeps its minutes. No item is ever dropped, so a meeting too short
    for every item at its minimum ends up longer than `duration_minutes`.
    """
    agenda: list[AgendaItem] = list(protocol.items)
    for text, question, added_by in member_items:
        if question not in QUESTIONS:
            raise ValueError(f"question must be 0-4, not {question}")
        item = AgendaItem(title=text, minutes=member_minutes, question=question, source=MEMBER, added_by=added_by)
        serving = [i for i, old in enumerate(agenda) if old.source == PROTOCOL and old.question == question]
        at = serving[-1] + 1 if question and serving else len(agenda)
        # after the last protocol item serving the question, and after member items already placed there
        while at < len(agenda) and agenda[at].source == MEMBER and agenda[at].question == question:
            at += 1
        agenda.insert(at, item)
    if review_title is not None:
        agenda.insert(0, AgendaItem(title=review_title, minutes=review_minutes, question=0, source=REVIEW))
    return _fit(agenda, duration_minutes)


def _fit(agenda: list[AgendaItem], duration: int) -> list[AgendaItem]:
    total = sum(item.minutes for item in agenda)
    if total <= duration:
        return agenda
    protocol_at = [i for i, item in enumerate(agenda) if item.source == PROTOCOL]
    member_at = [i for i, item in enumerate(agenda) if item.source == MEMBER]
    fixed = sum(item.minutes for item in agenda if item.source not in (PROTOCOL, MEMBER))
    member_total = sum(agenda[i].minutes for i in member_at)
    protocol_floor = sum(min(agenda[i].minutes, MIN_MINUTES) for i in protocol_at)
    minutes = [item.minutes for item in agenda]
    protocol_budget = max(duration - fixed - member_total, protocol_floor)
    for i, value in zip(protocol_at, _scale([minutes[i] for i in protocol_at], protocol_budget), strict=True):
        minutes[i] = value
    member_budget = duration - fixed - sum(minutes[i] for i in protocol_at)
    for i, value in zip(member_at, _scale([minutes[i] for i in member_at], member_budget), strict=True):
        minutes[i] = value
    return [replace(item, minutes=value) for item, value in zip(agenda, minutes, strict=True)]


def _scale(minutes: list[int], budget: int) -> list[int]:
    """Whole minutes proportional to `minutes`, adding up to at most `budget`, none below its floor."""
    if sum(minutes) <= budget:
        return list(minutes)
    floors = [min(m, MIN_MINUTES) for m in minutes]
    if budget <= sum(floors):
        return floors
    pinned: set[int] = set()
    while True:  # pin items that proportional scaling would take below their floor, then rescale the rest
        free = [i for i in range(len(minutes)) if i not in pinned]
        room = budget - sum(floors[i] for i in pinned)
        factor = room / (sum(minutes[i] for i in free) or 1)
        too_small = {i for i in free if minutes[i] * factor < floors[i]}
        if not too_small:
            break
        pinned |= too_small
    result = list(floors)
    exact = {i: minutes[i] * factor for i in free}
    for i in free:
        result[i] = max(floors[i], math.floor(exact[i]))
    spare = budget - sum(result)
    rounded_down = [i for i in free if exact[i] > result[i]]
    for i in sorted(rounded_down, key=lambda i: (result[i] - exact[i], i))[:max(spare, 0)]:
        result[i] += 1
    return result


# a tag, then ":" or ")" (spaces allowed before it), or a space, or the end: "q12" and "q1abc" are not tags
_TAG = re.compile(r"^\s*(?:question|soru|q|s|k|#)\s*([1-4])(?:\s*[:)]|(?=\s)|$)(.*)$", re.IGNORECASE | re.DOTALL)


def parse_question_tag(text: str) -> tuple[int | None, str]:
    """The critical question named at the start of `text` ("q2", "Q2:", "#3", "s1", "soru 2)") and the rest.

    Accepted tags: q, s (soru), k, #, "question" or "soru", an optional space, a digit 1-4, then an
    optional ":" or ")". Case does not matter. Without a tag: (None, the text stripped).
    """
    match = _TAG.match(text)
    if match is None:
        return None, text.strip()
    return int(match.group(1)), match.group(2).strip()


def rotate_roles(member_ids: Sequence[str], rotation: int, roles: Sequence[str] = ROLES) -> dict[str, str | None]:
    """Who holds each role at meeting number `rotation`: role r goes to members[(rotation + r) % n].

    With fewer members than roles, people hold several roles (the first n roles still go to n different
    people); with no members every role is None.
    """
    if not member_ids:
        return {role: None for role in roles}
    count = len(member_ids)
    return {role: member_ids[(rotation + r) % count] for r, role in enumerate(roles)}
