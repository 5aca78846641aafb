"""A coach's export of their teams' term (`TeamReports` rows): a CSV with one row per team, or a PDF with one
page per team (its figures as a table, its goal progress and its action plans' results as charts).

Plain Python (no Slack). What goes in is what a coach may see: counts, shares, dates, the team's name and
channel, its goal's standards, assessment names and plan standards; never a student, a reflection, a
commitment's or strategy's words, or anybody's user id.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal, get_decimal_symbol
from sqlalchemy import select

from bot.assessments.goals import GoalPoint
from bot.assessments.service import AssessmentService
from bot.coaching.report import QUESTIONS, TeamRow
from bot.i18n import Catalog, half_up
from bot.pdf import A4, ACCENT, INK, MARGIN, MUTED, shorten, wrap
from bot.plans.grouping import EXTENSION
from bot.reflections.export import ExportFile
from bot.teams import TeamService
from storage.db import Database
from storage.models import ActionPlan, PlanGroup

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FORMATS = ("csv", "pdf")
FORMAT_WORDS = {"csv": "csv", "excel": "csv", "pdf": "pdf"}
COLUMNS = (
    "team", "channel", "since", "until", "meetings_held", "meetings_scheduled", "last_meeting", "messages",
    "q1", "q2", "q3", "q4", "drift", "other", "norms", "goal", "goal_target", "goal_due", "goal_progress",
    "assessments", "last_assessment", "groups_planned", "groups_measured", "mean_change", "rechecks_overdue",
    "commitments_done", "commitments_open", "commitments_overdue", "needs_support", "support",
)
PERCENTS = ("q1", "q2", "q3", "q4", "drift", "other", "goal_target", "goal_progress")
DATES = ("since", "until", "last_meeting", "goal_due", "last_assessment")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
TABLE = tuple(c for c in COLUMNS if c not in ("team", "channel", "since", "until", "needs_support", "support"))


@dataclass(frozen=True)
class GroupResult:
    """A measured plan group of the term: its standard (or the extension group) and mean changes."""

    label: str
    change: float
    others_change: float | None


@dataclass(frozen=True)
class TeamTerm:
    """A team's row and what its PDF page draws besides."""

    row: TeamRow
    channel: str  # "#grade4-math-plc", or the channel's id when Slack did not say its name
    zone: ZoneInfo
    goal_points: list[GoalPoint]
    groups: list[GroupResult]


def one_decimal(value: float) -> Decimal:
    """Rounded half up to one decimal (18.75 -> 18.8, 6.25 -> 6.3), as people round."""
    return half_up(value, 1)


def mean_change(row: TeamRow) -> float | None:
    return sum(row.changes) / len(row.changes) if row.changes else None


class CoachExport:
    """Gathers each team's term for the export (the rows come from `TeamReports`)."""

    def __init__(self, db: Database, teams: TeamService, assessments: AssessmentService) -> None:
        self.db, self.teams, self.assessments = db, teams, assessments

    def terms(self, rows: Sequence[TeamRow], channel_names: dict[str, str] | None = None) -> list[TeamTerm]:
        names = channel_names or {}
        terms = []
        for row in rows:
            team = self.teams.get(row.team_id)
            zone = team.zone if team is not None else ZoneInfo("UTC")
            points = self.assessments.goal_progress(row.team_id, row.goal) if row.goal is not None else []
            channel = f"#{names[row.channel_id]}" if names.get(row.channel_id) else row.channel_id
            terms.append(TeamTerm(row, channel, zone, points, self._groups(row)))
        return terms

    def _groups(self, row: TeamRow) -> list[GroupResult]:
        """The measured groups of the plans made in the row's window (the ones `groups_measured` counts)."""
        with self.db.session() as session:
            found = session.execute(
                select(PlanGroup.kind, PlanGroup.standard, PlanGroup.result)
                .join(ActionPlan, ActionPlan.id == PlanGroup.plan_id)
                .where(PlanGroup.team_id == row.team_id, PlanGroup.status == "measured",
                       ActionPlan.created_at >= row.since, ActionPlan.created_at <= row.until)
                .order_by(PlanGroup.id)).all()
        groups = []
        for kind, standard, result in found:
            if not result:
                continue
            figures = json.loads(result)
            others = figures.get("others_change") if figures.get("others") else None
            groups.append(GroupResult(EXTENSION if kind == EXTENSION else standard, float(figures.get("change", 0.0)),
                                      None if others is None else float(others)))
        return groups


# ---------------------------------------------------------------------------------------------- figures


def _day(moment: datetime | date | None, zone: ZoneInfo) -> date | None:
    if moment is None:
        return None
    return moment.astimezone(zone).date() if isinstance(moment, datetime) else moment


def raw_figures(term: TeamTerm, texts: Catalog) -> dict[str, object]:
    """Every column's value, unformatted: numbers, dates, texts, or None for "nothing to show"."""
    row, zone = term.row, term.zone
    talk = row.talk
    shares: dict[str, float | None] = {f"q{q}": (talk.share(q) if talk.total else None) for q in QUESTIONS}
    shares["drift"] = talk.share(None) if talk.total else None
    shares["other"] = 100.0 * talk.other / talk.total if talk.total else None
    goal = row.goal
    return {
        "team": row.name, "channel": term.channel, "since": _day(row.since, zone), "until": _day(row.until, zone),
        "meetings_held": row.meetings_held, "meetings_scheduled": row.meetings_scheduled,
        "last_meeting": _day(row.last_meeting, zone), "messages": talk.total, **shares,
        "norms": row.norms_set,
        "goal": ", ".join(goal.standards) if goal is not None else None,
        "goal_target": goal.target_percent if goal is not None else None,
        "goal_due": goal.due_on if goal is not None else None,
        "goal_progress": row.goal_percent,
        "assessments": row.assessments, "last_assessment": row.last_assessment,
        "groups_planned": row.groups_planned, "groups_measured": row.groups_measured,
        "mean_change": mean_change(row), "rechecks_overdue": row.rechecks_overdue,
        "commitments_done": row.commitments_done, "commitments_open": row.commitments_open,
        "commitments_overdue": row.commitments_overdue, "needs_support": row.needs_support,
        "support": [texts.t(f"coach_export.support.{reason}") for reason in row.support],
    }


def csv_delimiter(texts: Catalog) -> str:
    """`;` where the language writes decimals with a comma (Turkish): what spreadsheets there expect."""
    return ";" if get_decimal_symbol(texts.locale) == "," else ","


def csv_value(texts: Catalog, column: str, value: object) -> str:
    """A cell a spreadsheet reads: numbers with one decimal at most (the language's decimal mark), ISO
    dates, yes/no in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return texts.t("coach_export.yes" if value else "coach_export.no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) or column in PERCENTS or column == "mean_change":
        return str(one_decimal(float(value))).replace(".", get_decimal_symbol(texts.locale))  # type: ignore[arg-type]
    if isinstance(value, str) and value.startswith(FORMULA):  # a team's name is not a spreadsheet formula
        return "'" + value
    return str(value)


def shown_value(texts: Catalog, column: str, value: object) -> str:
    """A value as people read it in the coach's language (the PDF)."""
    if value is None:
        return texts.t("coach_export.none")
    if isinstance(value, bool):
        return texts.t("coach_export.yes" if value else "coach_export.no")
    if isinstance(value, date):
        return texts.date(value, format="medium")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or texts.t("coach_export.none")
    if column in PERCENTS:
        shown = format_decimal(one_decimal(float(value)), format="#,##0.#", locale=texts.locale)  # type: ignore[arg-type]
        return texts.t("coach_export.percent", value=shown)
    if column == "mean_change":
        return points(texts, float(value))  # type: ignore[arg-type]
    return str(value)


def points(texts: Catalog, value: float) -> str:
    """A change in points with one decimal at most: "+15.8 points"."""
    return texts.t("coach_export.points", value=texts.signed(value, decimals=1))


def export_filename(fmt: str, now: datetime) -> str:
    return f"plc-coach-export-{now.strftime('%Y-%m-%d')}.{'pdf' if fmt == 'pdf' else 'csv'}"


def export_terms(terms: Sequence[TeamTerm], texts: Catalog, fmt: str, now: datetime) -> ExportFile:
    """The teams' terms as a CSV (one row per team) or a PDF (one page per team), in `texts`' language."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=csv_delimiter(texts))
        writer.writerow([texts.t(f"coach_export.columns.{c}") for c in COLUMNS])
        for term in terms:
            figures = raw_figures(term, texts)
            writer.writerow([csv_value(texts, c, figures[c]) for c in COLUMNS])
        # With a byte-order mark, spreadsheet programs read the UTF-8 (ç, ğ, ş, ...) correctly.
        return ExportFile(export_filename(fmt, now), buffer.getvalue().encode("utf-8-sig"), len(terms))
    return ExportFile(export_filename(fmt, now), _pdf(terms, texts, now), len(terms))


# ---------------------------------------------------------------------------------------------- the PDF

ROW = 0.245  # inches per table row
LABEL_WIDTH = 4.0


def _pdf(terms: Sequence[TeamTerm], texts: Catalog, now: datetime) -> bytes:
    from bot.pdf import pdf_pages

    with pdf_pages(texts.t("coach_export.pdf.title"), now) as (pdf, buffer):
        for number, term in enumerate(terms, start=1):
            figure = _page(term, texts)
            footer = texts.t("coach_export.pdf.footer", date=texts.date(now.date(), format="long"), page=number,
                             pages=len(terms))
            figure.text(0.5, 0.4 / A4[1], footer, ha="center", fontsize=7.5, color=MUTED)
            pdf.savefig(figure)
    return buffer.getvalue()


def _at(inches_from_top: float) -> float:
    return 1 - inches_from_top / A4[1]


def _page(term: TeamTerm, texts: Catalog):  # noqa: ANN202 - a matplotlib Figure
    """One team's page: its name, window and support line, the figures' table, two charts. Always one page."""
    from bot.pdf import new_figure

    figure = new_figure()
    width = A4[0] - 2 * MARGIN
    figures = raw_figures(term, texts)
    x = MARGIN / A4[0]
    figure.text(x, _at(MARGIN + 0.25), shorten(term.row.name, width * 72, 18, bold=True), fontsize=18,
                fontweight="bold", color=ACCENT, va="baseline")
    window = texts.t("coach_export.pdf.window", channel=term.channel,
                     since=shown_value(texts, "since", figures["since"]),
                     until=shown_value(texts, "until", figures["until"]))
    figure.text(x, _at(MARGIN + 0.55), shorten(window, width * 72, 10), fontsize=10, color=MUTED, va="baseline")
    if term.row.needs_support:
        support = texts.t("coach_export.pdf.support", reasons="; ".join(figures["support"]))  # type: ignore[arg-type]
        color = "#b44d12"
    else:
        support, color = texts.t("coach_export.pdf.no_support"), ACCENT
    lines = wrap(support, width * 72, 9.5, bold=True)
    lines = lines[:2] + [shorten(" ".join(lines[2:]), width * 72, 9.5, bold=True)] if len(lines) > 3 else lines
    for index, line in enumerate(lines):
        figure.text(x, _at(MARGIN + 0.85 + index * 0.2), line, fontsize=9.5, fontweight="bold", color=color,
                    va="baseline")
    top = MARGIN + 0.85 + len(lines) * 0.2 + 0.15
    for index, column in enumerate(TABLE):
        y = top + index * ROW
        if index % 2 == 0:
            figure.add_artist(_band(figure, y))
        label = shorten(texts.t(f"coach_export.columns.{column}"), (LABEL_WIDTH - 0.1) * 72, 9)
        value = shorten(shown_value(texts, column, figures[column]), (width - LABEL_WIDTH - 0.1) * 72, 9)
        figure.text(x + 0.05 / A4[0], _at(y + 0.17), label, fontsize=9, color=MUTED, va="baseline")
        figure.text((MARGIN + LABEL_WIDTH) / A4[0], _at(y + 0.17), value, fontsize=9, color=INK, va="baseline")
    charts_top = top + len(TABLE) * ROW + 0.3  # the charts take the rest of the page, down to the footer
    bottom = A4[1] - MARGIN - 0.2 - 0.8  # room under the axes for tick labels, axis label and legend
    height = bottom - charts_top - 0.3  # and above them for the title
    half = (width - 0.9) / 2
    goal_axes = figure.add_axes(((MARGIN + 0.45) / A4[0], _at(bottom), half / A4[0], height / A4[1]))
    _goal_chart(goal_axes, term, texts)
    plans_axes = figure.add_axes(((MARGIN + 0.45 + half + 1.05) / A4[0], _at(bottom), (half - 0.6) / A4[0],
                                  height / A4[1]))
    _plans_chart(plans_axes, term, texts)
    return figure


def _band(figure, y: float):  # noqa: ANN001, ANN202 - matplotlib objects
    from matplotlib.patches import Rectangle

    return Rectangle((MARGIN / A4[0], _at(y + ROW)), (A4[0] - 2 * MARGIN) / A4[0], ROW / A4[1],
                     transform=figure.transFigure, facecolor="#f0f4f8", edgecolor="none", zorder=0)


def _empty(axes: Axes, text: str) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_color("#cbd2d9")
    axes.text(0.5, 0.5, "\n".join(textwrap.wrap(text, 34)), ha="center", va="center", color=MUTED, fontsize=9,
              transform=axes.transAxes)


def _goal_chart(axes: Axes, term: TeamTerm, texts: Catalog) -> None:
    axes.set_title(texts.t("coach_export.pdf.goal_chart"), loc="left", color=INK)
    goal = term.row.goal
    if goal is None:
        _empty(axes, texts.t("coach_export.pdf.no_goal"))
        return
    if not term.goal_points:
        _empty(axes, texts.t("coach_export.pdf.no_goal_points"))
        return
    positions = list(range(len(term.goal_points)))
    values = [p.percent for p in term.goal_points]
    axes.plot(positions, values, marker="o", color=ACCENT, linewidth=1.8)
    for position, value in zip(positions, values, strict=True):
        axes.annotate(format_decimal(one_decimal(value), format="#,##0.#", locale=texts.locale), (position, value),
                      textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7.5, color=INK)
    axes.axhline(goal.target_percent, color="#b44d12", linestyle="--", linewidth=1)
    axes.text(-0.45, goal.target_percent + 2,
              texts.t("coach_export.pdf.target", value=format_decimal(goal.target_percent, format="#,##0.#",
                                                                       locale=texts.locale)),
              ha="left", fontsize=7.5, color="#b44d12")
    labels = [textwrap.shorten(p.assessment, 16, placeholder="…") for p in term.goal_points]
    tilted = len(labels) > 2
    axes.set_xticks(positions, labels, rotation=20 if tilted else 0, ha="right" if tilted else "center")
    axes.set_xlim(-0.5, len(positions) - 0.5)
    axes.set_ylim(0, 105)
    axes.set_ylabel(texts.t("coach_export.pdf.goal_axis"))
    axes.yaxis.grid(True, linestyle=":", alpha=0.6)
    axes.set_axisbelow(True)


def _plans_chart(axes: Axes, term: TeamTerm, texts: Catalog) -> None:
    axes.set_title(texts.t("coach_export.pdf.plans_chart"), loc="left", color=INK)
    groups = term.groups[:8]
    if not groups:
        _empty(axes, texts.t("coach_export.pdf.no_groups"))
        return
    labels = [texts.t("coach_export.pdf.extension") if g.label == EXTENSION
              else textwrap.shorten(g.label, 14, placeholder="…") for g in groups]
    positions = list(range(len(groups)))
    height = 0.38
    axes.barh([p - height / 2 for p in positions], [g.change for g in groups], height=height, color=ACCENT,
              label=texts.t("coach_export.pdf.group"))
    axes.barh([p + height / 2 for p in positions], [g.others_change or 0.0 for g in groups], height=height,
              color="#9aa5b1", label=texts.t("coach_export.pdf.others"))
    axes.axvline(0, color=INK, linewidth=0.8)
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(groups) - 0.5, -0.5)
    axes.set_xlabel(texts.t("coach_export.pdf.plans_axis"))
    axes.xaxis.grid(True, linestyle=":", alpha=0.6)
    axes.set_axisbelow(True)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False)
