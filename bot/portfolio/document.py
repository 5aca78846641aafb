"""A portfolio as a file its member keeps: Markdown to read and edit, or a PDF (matplotlib) to hand in.

Both are drawn from one outline (title, sections, fields, entries), so they say the same things in the
member's language. Students appear only as the counts and means a group's result stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from bot.coaching.export import one_decimal
from bot.i18n import Catalog
from bot.pdf import ACCENT, MUTED, FlowDocument, pdf_pages, shorten
from bot.plans.grouping import EXTENSION
from bot.plans.library import strategy_tags
from bot.portfolio.service import CommitmentItem, Cycle, Portfolio
from bot.reflections.export import ExportFile
from bot.reflections.service import ReflectionEntry

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FORMATS = ("markdown", "pdf")
FORMAT_WORDS = {"": "markdown", "md": "markdown", "markdown": "markdown", "pdf": "pdf"}
LABELS = 2.3  # inches for the chart's labels


@dataclass
class Part:
    """One piece of the outline: kind is title, note, heading, subheading, fields, item, quote, text or chart."""

    kind: str
    text: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def export_filename(fmt: str, now: datetime) -> str:
    return f"plc-portfolio-{now.strftime('%Y-%m-%d')}.{'pdf' if fmt == 'pdf' else 'md'}"


def _percent(texts: Catalog, value: float, pattern: str = "#,##0.0") -> str:
    shown = one_decimal(value) if pattern.endswith(".0") else value
    return texts.t("portfolio.percent", value=format_decimal(shown, format=pattern, locale=texts.locale))


def _points(texts: Catalog, value: float | None) -> str:
    if value is None:
        return texts.t("portfolio.not_set")
    return texts.t("portfolio.points", value=texts.signed(value, decimals=1))


def _day(texts: Catalog, value: date | None) -> str:
    return texts.date(value, format=texts.t("portfolio.date_format")) if value else texts.t("portfolio.not_set")


def standard_label(texts: Catalog, cycle: Cycle) -> str:
    if cycle.kind == EXTENSION:
        return texts.t("portfolio.cycles.extension", standards=cycle.standard)
    return cycle.standard


def result_text(texts: Catalog, cycle: Cycle) -> str:
    """The group's measured aggregates in words (never a student)."""
    result = cycle.result
    if result is None:
        return texts.t("portfolio.cycles.not_measured")
    assessment = str(result.get("assessment") or "")
    parts = [texts.t("portfolio.cycles.measured", assessment=assessment, date=_day(texts, cycle.measured_on),
                     matched=int(result.get("matched") or 0), before=_percent(texts, float(result.get("before") or 0)),
                     after=_percent(texts, float(result.get("after") or 0)),
                     change=_points(texts, float(result.get("change") or 0)), crossed=int(result.get("crossed") or 0),
                     line=_percent(texts, float(result.get("line") or 0), "#,##0.#"))]
    if result.get("missing"):
        parts.append(texts.t("portfolio.cycles.missing", missing=int(result["missing"]), assessment=assessment))
    others, others_change = int(result.get("others") or 0), result.get("others_change")
    if others and others_change is not None:
        parts.append(texts.t("portfolio.cycles.others", others=others, change=_points(texts, float(others_change))))
    else:
        parts.append(texts.t("portfolio.cycles.no_others"))
    return "; ".join(parts)


def _cycle(texts: Catalog, cycle: Cycle) -> list[Part]:
    t = texts.t
    kind = t(f"plans.tags.{cycle.tag}") if cycle.tag in strategy_tags() else ""
    strategy = t("portfolio.cycles.strategy_value", strategy=cycle.strategy, kind=kind) if kind else cycle.strategy
    assessment = (t("portfolio.cycles.assessment_value", name=cycle.assessment, date=_day(texts, cycle.assessment_on))
                  if cycle.assessment_on else cycle.assessment)
    recheck = _day(texts, cycle.recheck_on) if cycle.recheck_on else t("portfolio.cycles.recheck_next")
    fields = [
        (t("portfolio.cycles.team"), cycle.team_name),
        (t("portfolio.cycles.assessment"), assessment),
        (t("portfolio.cycles.standard"), standard_label(texts, cycle)),
        (t("portfolio.cycles.group"), t("portfolio.cycles.group_value", count=cycle.students,
                                        mean=_percent(texts, cycle.before_percent))),
        (t("portfolio.cycles.strategy"), strategy),
        (t("portfolio.cycles.when"), _day(texts, cycle.happens_on)),
        (t("portfolio.cycles.recheck"), recheck),
        (t("portfolio.cycles.planned"), _day(texts, cycle.planned_on)),
        (t("portfolio.cycles.result"), result_text(texts, cycle)),
    ]
    title = t("portfolio.cycles.title", standard=standard_label(texts, cycle), team=cycle.team_name)
    return [Part("subheading", title), Part("fields", fields=fields)]


def _commitment(texts: Catalog, item: CommitmentItem) -> Part:
    t = texts.t
    due = (t("portfolio.commitments.due", date=_day(texts, item.due_on)) if item.due_on
           else t("portfolio.commitments.no_due"))
    if item.status == "done":
        line = t("portfolio.commitments.kept_line", text=item.text, due=due, done=_day(texts, item.closed_on),
                 team=item.team_name)
        notes = [t("portfolio.commitments.evidence", note=item.note)] if item.note else []
    elif item.status == "dropped":
        line = t("portfolio.commitments.dropped_line", text=item.text, due=due, closed=_day(texts, item.closed_on),
                 team=item.team_name)
        notes = [t("portfolio.commitments.reason", note=item.note)] if item.note else []
    else:
        key = "portfolio.commitments.overdue_line" if item.overdue else "portfolio.commitments.open_line"
        line, notes = t(key, text=item.text, due=due, team=item.team_name), []
    return Part("item", line, notes=notes)


def _reflection(texts: Catalog, entry: ReflectionEntry) -> list[Part]:
    t = texts.t
    zone = ZoneInfo(entry.team_timezone)
    when = texts.datetime(entry.created_at, format=t("portfolio.datetime_format"), tzinfo=zone)
    meta = t("portfolio.reflections.shared" if entry.shared else "portfolio.reflections.private")
    if entry.meeting_starts_at is not None:
        meeting = texts.datetime(entry.meeting_starts_at, format=t("portfolio.datetime_format"), tzinfo=zone)
        meta = t("portfolio.reflections.after_meeting", meeting=meeting) + " · " + meta
    parts = [Part("subheading", t("portfolio.reflections.entry", when=when, team=entry.team_name)), Part("note", meta)]
    if entry.prompt.strip():
        parts.append(Part("quote", entry.prompt.strip()))
    parts.append(Part("text", entry.text.strip()))
    return parts


def outline(portfolio: Portfolio, texts: Catalog, now: datetime) -> list[Part]:
    t = texts.t
    parts = [
        Part("title", t("portfolio.title")),
        Part("note", t("portfolio.intro", date=texts.date(now.date(), format="long"))),
        Part("text", t("portfolio.summary", cycles=len(portfolio.cycles),
                       measured=sum(1 for c in portfolio.cycles if c.measured), kept=len(portfolio.kept),
                       open=len(portfolio.still_open), dropped=len(portfolio.dropped),
                       reflections=len(portfolio.reflections), teams=", ".join(portfolio.teams) or "–")),
        Part("heading", t("portfolio.cycles.heading")),
    ]
    if not portfolio.cycles:
        parts.append(Part("text", t("portfolio.cycles.none")))
    if any(c.measured for c in portfolio.cycles):
        parts.append(Part("chart"))
    for cycle in portfolio.cycles:
        parts += _cycle(texts, cycle)
    parts.append(Part("heading", t("portfolio.commitments.heading")))
    if not portfolio.commitments:
        parts.append(Part("text", t("portfolio.commitments.none")))
    for key, items in (("kept", portfolio.kept), ("open", portfolio.still_open), ("dropped", portfolio.dropped)):
        if items:
            parts.append(Part("subheading", t(f"portfolio.commitments.{key}", count=len(items))))
            parts += [_commitment(texts, item) for item in items]
    parts.append(Part("heading", t("portfolio.reflections.heading")))
    if not portfolio.reflections:
        parts.append(Part("text", t("portfolio.reflections.none")))
    for entry in portfolio.reflections:
        parts += _reflection(texts, entry)
    return parts


# ---------------------------------------------------------------------------------------------- Markdown


def to_markdown(parts: list[Part]) -> str:
    blocks: list[str] = []
    previous = ""
    for part in parts:
        if part.kind == "item":
            text = "\n".join([f"- {part.text}"] + [f"  _{note}_" for note in part.notes])
            if previous == "item":
                blocks[-1] += "\n" + text
            else:
                blocks.append(text)
        elif part.kind == "title":
            blocks.append(f"# {part.text}")
        elif part.kind == "heading":
            blocks.append(f"## {part.text}")
        elif part.kind == "subheading":
            blocks.append(f"### {part.text}")
        elif part.kind == "note":
            blocks.append(f"_{part.text}_")
        elif part.kind == "fields":
            blocks.append("\n".join(f"- **{label}:** {value}" for label, value in part.fields))
        elif part.kind == "quote":
            blocks.append("\n".join(f"> {line}" if line.strip() else ">" for line in part.text.splitlines()))
        elif part.kind == "text":
            blocks.append(part.text)
        previous = part.kind
    return "\n\n".join(block for block in blocks if block) + "\n"


# ---------------------------------------------------------------------------------------------- PDF


def _chart(texts: Catalog, cycles: list[Cycle]):  # noqa: ANN202 - a drawing function
    measured = [c for c in cycles if c.result is not None][:10]

    def draw(axes: Axes) -> None:
        labels = [shorten(f"{c.standard if c.kind != EXTENSION else texts.t('plans.extension_name')} · {c.team_name}",
                          LABELS * 72 - 8, 8) for c in measured]
        positions = list(range(len(measured)))
        height = 0.38
        before = [float((c.result or {}).get("before") or 0) for c in measured]
        after = [float((c.result or {}).get("after") or 0) for c in measured]
        axes.barh([p - height / 2 for p in positions], before, height=height, color="#9aa5b1",
                  label=texts.t("portfolio.cycles.chart_before"))
        axes.barh([p + height / 2 for p in positions], after, height=height, color=ACCENT,
                  label=texts.t("portfolio.cycles.chart_after"))
        axes.set_yticks(positions, labels)
        axes.set_ylim(len(measured) - 0.5, -0.5)
        axes.set_xlim(0, 100)
        axes.set_xlabel(texts.t("portfolio.cycles.chart_axis"))
        axes.xaxis.grid(True, linestyle=":", alpha=0.6)
        axes.set_axisbelow(True)
        axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False)

    return draw, 1.6 + 0.38 * len(measured)


def to_pdf(parts: list[Part], portfolio: Portfolio, texts: Catalog, now: datetime) -> bytes:
    document = FlowDocument(texts.t("portfolio.footer", date=texts.date(now.date(), format="long"), page="{page}",
                                    pages="{pages}"))
    with pdf_pages(texts.t("portfolio.title"), now) as (pdf, buffer):
        for part in parts:
            if part.kind == "title":
                document.heading(part.text, level=0)
            elif part.kind == "heading":
                document.rule()
                document.heading(part.text, level=1)
            elif part.kind == "subheading":
                document.heading(part.text, level=2)
            elif part.kind == "note":
                document.text(part.text, size=9, color=MUTED, style="italic")
            elif part.kind == "fields":
                for label, value in part.fields:
                    document.text(value, size=9.5, first=f"{label}:", first_bold=True, after=0.02)
                document.y += 0.05
            elif part.kind == "item":
                document.text(part.text, size=9.5, first="•", after=0.02)
                for note in part.notes:
                    document.text(note, size=8.5, indent=0.18, color=MUTED, style="italic", after=0.02)
                document.y += 0.04
            elif part.kind == "quote":
                document.text(part.text, size=9, indent=0.2, color=MUTED, style="italic")
            elif part.kind == "text":
                document.text(part.text, size=10)
            elif part.kind == "chart":
                draw, height = _chart(texts, portfolio.cycles)
                document.text(texts.t("portfolio.cycles.chart_title"), size=10, bold=True)
                document.chart(height, draw, left=LABELS)
        document.render(pdf)
    return buffer.getvalue()


def portfolio_file(portfolio: Portfolio, texts: Catalog, fmt: str, now: datetime) -> ExportFile:
    """The portfolio as Markdown or PDF in `texts`' language."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    parts = outline(portfolio, texts, now)
    content = to_pdf(parts, portfolio, texts, now) if fmt == "pdf" else to_markdown(parts).encode("utf-8")
    count = len(portfolio.cycles) + len(portfolio.commitments) + len(portfolio.reflections)
    return ExportFile(export_filename(fmt, now), content, count)
