"""What worked, across the workspace: measured strategies (aggregates only), searched and summarised.

Plain Python (no Slack). Entries come from `PlanService.measure`; a team that keeps its entries to
itself (`teams.share_strategies` off) is seen only by itself: its entries, its plans and its name.
Standard codes match exactly or as a prefix at a boundary ("4.NF" finds "4.NF.2", not "4.NFX");
words match the strategy, its tag (in English and in Turkish), the subject, grade band and team.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from bot.assessments.goals import parse_standards, standard_key
from bot.i18n import catalog
from bot.plans.grouping import EXTENSION, RETEACH
from storage.db import Database
from storage.models import PlanGroup, StrategyEntry, Team

LANGUAGES = ("en", "tr")


def strategy_tags() -> list[str]:
    """The keys of the strategy catalog, in the order the form offers them (the same in every language)."""
    return catalog("en").list("plans.tags.order")


def fold(text: str) -> str:
    """Text for matching: case, accents and the Turkish dotted/dotless i do not matter."""
    text = text.replace("İ", "i").replace("I", "i").replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_standard_token(token: str) -> bool:
    """A word of a search that names a standard: it has a digit (e.g. "4.NF.2", "4.NF", "M.4.1")."""
    return any(c.isdigit() for c in token)


def standard_matches(query_key: str, code_key: str) -> bool:
    """`query_key` is the code or a prefix of it ending at a boundary (not inside a letter or number run)."""
    if not code_key.startswith(query_key):
        return False
    if len(code_key) == len(query_key) or not query_key:
        return True
    last, following = query_key[-1], code_key[len(query_key)]
    return not last.isalnum() or not following.isalnum() or (last.isalpha() != following.isalpha())


@dataclass(frozen=True)
class Entry:
    """A measured strategy as anyone in the workspace may see it."""

    id: int
    team_id: int
    team_name: str
    channel_id: str
    kind: str
    standard: str
    grade_band: str
    subject: str
    strategy: str
    tag: str | None
    students: int
    crossed: int
    change: float
    others: int
    others_change: float | None
    line: float
    owner_id: str | None
    measured_on: date

    @property
    def standards(self) -> tuple[str, ...]:
        return parse_standards(self.standard)

    @property
    def evidence(self) -> tuple[int, float]:
        """How strongly it counts: students measured, then the gain over the comparison."""
        return self.students, self.change - (self.others_change or 0.0)


@dataclass(frozen=True)
class Elsewhere:
    """What other teams did on one standard: teams that planned for it and the changes they measured."""

    tried: int
    changes: tuple[float, ...]


@dataclass(frozen=True)
class Connection:
    """Another team working on the same standard (it shares its entries)."""

    team_name: str
    channel_id: str
    standard: str


class StrategyLibrary:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---------------------------------------------------------------- sharing
    def sharing(self, team_id: int) -> bool:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            return bool(team.share_strategies) if team is not None else True

    def set_sharing(self, team_id: int, share: bool) -> None:
        with self.db.session() as session:
            team = session.get(Team, team_id)
            if team is None:
                raise LookupError(team_id)
            team.share_strategies = share

    # ---------------------------------------------------------------- reading
    def _visible(self, workspace_id: str, viewer_team_id: int | None) -> list[Entry]:
        visible = Team.share_strategies.is_(True)
        if viewer_team_id is not None:
            visible = or_(visible, Team.id == viewer_team_id)
        with self.db.session() as session:
            rows = session.execute(select(StrategyEntry, Team.channel_id, Team.name)
                                   .join(Team, Team.id == StrategyEntry.team_id)
                                   .where(StrategyEntry.workspace_id == workspace_id, visible)).all()
        return [Entry(e.id, e.team_id, name or e.team_name, channel, e.kind, e.standard, e.grade_band, e.subject,
                      e.strategy, e.tag, e.students, e.crossed, e.change, e.others, e.others_change, e.line,
                      e.owner_id, e.measured_on) for e, channel, name in rows]

    def search(self, workspace_id: str, viewer_team_id: int | None, query: str) -> list[Entry]:
        """Entries matching every word of `query` (standards by code or prefix), strongest evidence first."""
        tokens = query.split()
        codes = [standard_key(t) for t in tokens if is_standard_token(t)]
        words = [fold(t) for t in tokens if not is_standard_token(t)]
        found = []
        for entry in self._visible(workspace_id, viewer_team_id):
            keys = [standard_key(code) for code in entry.standards]
            if not all(any(standard_matches(code, key) for key in keys) for code in codes):
                continue
            if words and not all(word in self._haystack(entry) for word in words):
                continue
            found.append(entry)
        return sorted(found, key=lambda e: (-e.evidence[0], -e.evidence[1], -e.measured_on.toordinal(), e.id))

    @staticmethod
    def _haystack(entry: Entry) -> str:
        parts = [entry.strategy, entry.subject, entry.grade_band, entry.team_name, entry.standard]
        for language in LANGUAGES:
            texts = catalog(language)
            if entry.tag and texts.has(f"plans.tags.{entry.tag}"):
                parts.append(texts.t(f"plans.tags.{entry.tag}"))
            parts.append(texts.t(f"plans.kinds.{entry.kind}"))
        return fold(" ".join(parts))

    def elsewhere(self, workspace_id: str, team_id: int, standards: list[str]) -> dict[str, Elsewhere]:
        """For each standard (by key): how many other teams planned for it, and the changes they measured."""
        keys = {standard_key(code) for code in standards}
        tried: dict[str, set[int]] = {key: set() for key in keys}
        with self.db.session() as session:
            rows = session.execute(select(PlanGroup.team_id, PlanGroup.standard)
                                   .join(Team, Team.id == PlanGroup.team_id)
                                   .where(Team.workspace_id == workspace_id, Team.id != team_id,
                                          Team.share_strategies.is_(True), PlanGroup.kind == RETEACH)).all()
        for other, standard in rows:
            if (key := standard_key(standard)) in tried:
                tried[key].add(other)
        changes: dict[str, list[float]] = {key: [] for key in keys}
        for entry in self._visible(workspace_id, None):
            if entry.team_id != team_id and entry.kind == RETEACH and (key := standard_key(entry.standard)) in changes:
                changes[key].append(entry.change)
                tried[key].add(entry.team_id)
        return {key: Elsewhere(len(tried[key]), tuple(sorted(changes[key], reverse=True)))
                for key in keys if tried[key]}

    def connections(self, workspace_id: str, team_id: int | None, standards: list[str]) -> list[Connection]:
        """Other teams (sharing their entries) that planned for or measured one of `standards`."""
        keys = {standard_key(code): code for code in standards}
        found: dict[tuple[int, str], Connection] = {}
        with self.db.session() as session:
            rows = session.execute(select(Team.id, Team.name, Team.channel_id, PlanGroup.standard, PlanGroup.kind)
                                   .join(PlanGroup, PlanGroup.team_id == Team.id)
                                   .where(Team.workspace_id == workspace_id, Team.share_strategies.is_(True))).all()
        for other, name, channel, standard, kind in rows:
            if other == team_id or kind == EXTENSION:
                continue
            key = standard_key(standard)
            if any(standard_matches(query, key) for query in keys):
                found.setdefault((other, key), Connection(name, channel, standard))
        for entry in self._visible(workspace_id, None):
            key = standard_key(entry.standard)
            if entry.team_id != team_id and entry.kind == RETEACH and any(standard_matches(q, key) for q in keys):
                found.setdefault((entry.team_id, key), Connection(entry.team_name, entry.channel_id, entry.standard))
        return sorted(found.values(), key=lambda c: (fold(c.team_name), fold(c.standard)))

