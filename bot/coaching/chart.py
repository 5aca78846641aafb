"""A PNG for a coach: a team's SMART goal over the term and its measured plan groups (matplotlib, Agg).

Left: the share of students proficient on the goal's standards in each assessment that has them, with the
goal's target as a dashed line. Right: each measured plan group's mean change, in points, as a bar. Only
aggregates: assessment names, standards and percents; never a student or a teacher.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.assessments.analysis import round_1
from bot.assessments.goals import Goal, GoalPoint
from bot.i18n import Catalog

LABEL_WIDTH = 18
MAX_BARS = 12


@dataclass(frozen=True)
class GroupChange:
    """A measured plan group as the chart shows it: its standard (or "extension") and mean change."""

    label: str
    change: float


def _plain(text: str) -> str:
    """A name as matplotlib should draw it: `$` would start mathtext."""
    return text.replace("$", r"\$")


def _number(catalog: Catalog, value: float) -> str:
    return format_decimal(round_1(value), format="#,##0.#", locale=catalog.locale)


def team_chart(catalog: Catalog, team_name: str, goal: Goal | None, points: Sequence[GoalPoint],
               groups: Sequence[GroupChange], out: str | Any | IO[bytes]) -> None:
    """Write the two panels as PNG to `out` (a path or a binary buffer)."""
    t = catalog.t
    figure = Figure(figsize=(11, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(t("coach_home.chart.title", team=_plain(team_name)))
    goal_axes, plan_axes = figure.subplots(1, 2, width_ratios=[3, 2])

    goal_axes.set_title(t("coach_home.chart.goal_title"))
    goal_axes.set_ylabel(t("coach_home.chart.goal_ylabel"))
    goal_axes.set_ylim(0, 100)
    if goal is None or not points:
        goal_axes.set_xticks([])
        goal_axes.text(0.5, 0.5, t("coach_home.chart.no_goal" if goal is None else "coach_home.chart.no_points"),
                       ha="center", va="center", transform=goal_axes.transAxes, wrap=True)
    else:
        positions = list(range(len(points)))
        values = [point.percent for point in points]
        goal_axes.plot(positions, values, marker="o", color="tab:blue", label=t("coach_home.chart.goal_line"))
        for x, y in zip(positions, values, strict=True):
            goal_axes.annotate(t("coach_home.percent", value=_number(catalog, y)), (x, y), textcoords="offset points",
                               xytext=(0, 8), ha="center", fontsize=9)
        goal_axes.axhline(goal.target_percent, color="tab:green", linestyle="--",
                          label=t("coach_home.chart.target", target=t("coach_home.percent",
                                                                       value=_number(catalog, goal.target_percent))))
        labels = [f"{_plain(textwrap.shorten(point.assessment, LABEL_WIDTH, placeholder='…'))}\n"
                  f"{catalog.date(point.given_on, format=t('coach_home.date_format'))}" for point in points]
        goal_axes.set_xticks(positions, labels, fontsize=8)
        goal_axes.set_xlim(-0.5, len(points) - 0.5)
        goal_axes.yaxis.grid(True, linestyle=":", alpha=0.6)
        goal_axes.legend(loc="lower right", fontsize=8, frameon=False)

    plan_axes.set_title(t("coach_home.chart.plans_title"))
    plan_axes.set_ylabel(t("coach_home.chart.plans_ylabel"))
    shown = list(groups)[-MAX_BARS:]
    if not shown:
        plan_axes.set_xticks([])
        plan_axes.set_yticks([])
        plan_axes.text(0.5, 0.5, t("coach_home.chart.no_plans"), ha="center", va="center",
                       transform=plan_axes.transAxes, wrap=True)
    else:
        positions = list(range(len(shown)))
        changes = [group.change for group in shown]
        colors = ["tab:green" if change >= 0 else "tab:orange" for change in changes]
        plan_axes.bar(positions, changes, color=colors, width=0.6)
        plan_axes.axhline(0, color="black", linewidth=0.8)
        plan_axes.set_xticks(positions, [_plain(textwrap.shorten(group.label, LABEL_WIDTH, placeholder="…"))
                                         for group in shown], rotation=30, ha="right", fontsize=8)
        for x, change in zip(positions, changes, strict=True):
            plan_axes.annotate(_number(catalog, change), (x, change), textcoords="offset points",
                               xytext=(0, 4 if change >= 0 else -12), ha="center", fontsize=9)
        low, high = min(0.0, *changes), max(0.0, *changes)
        margin = max(5.0, (high - low) * 0.15)
        plan_axes.set_ylim(low - margin, high + margin)
        plan_axes.yaxis.grid(True, linestyle=":", alpha=0.6)
        plan_axes.set_axisbelow(True)
    figure.savefig(out, format="png", dpi=100)
