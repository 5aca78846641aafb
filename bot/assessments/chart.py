"""A PNG chart of the percent of points by standard, one bar per teacher (matplotlib, Agg, no display)."""

from __future__ import annotations

import textwrap
from typing import IO, Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.assessments.analysis import natural_key
from bot.i18n import Catalog

LABEL_WIDTH = 28
BAR_INCHES = 0.22
MIN_ROW_INCHES = 0.35


def percent_by_standard(results: pd.DataFrame, no_teacher: str) -> pd.DataFrame:
    """Percent of points (scored rows only) with one row per standard and one column per teacher."""
    scored = results.loc[(results["status"] == "scored") & results["score"].notna()
                         & results["max_points"].notna() & results["standard"].notna()]
    teacher = scored["teacher"].astype(object).where(scored["teacher"].notna(), no_teacher)
    frame = pd.DataFrame({"standard": scored["standard"].astype(str), "teacher": teacher.astype(str),
                          "score": scored["score"].astype(float), "max_points": scored["max_points"].astype(float)})
    sums = frame.groupby(["standard", "teacher"], sort=True, observed=True)[["score", "max_points"]].sum()
    sums = sums.loc[sums["max_points"] > 0]
    table = (100.0 * sums["score"] / sums["max_points"]).unstack("teacher")
    return table.loc[sorted(table.index, key=natural_key)]


CAPTION_ITEMS = 3
CAPTION_ANSWER_WIDTH = 24


def misconception_caption(catalog: Catalog, misconceptions: pd.DataFrame | None) -> str | None:
    """"Wrong answer most chosen: Q1 → B: 2 of 4 · ..." for the most missed items (up to 3), or None.

    `misconceptions` is `Analysis.misconceptions` (most missed first); counts only, no names.
    """
    if misconceptions is None or misconceptions.empty:
        return None
    shown = misconceptions.loc[(misconceptions["missed"] > 0) & (misconceptions["chosen"] > 0)].head(CAPTION_ITEMS)
    parts = [catalog.t("assessments.chart_misconception", item=item, chosen=int(chosen), missed=int(missed),
                       answer=textwrap.shorten(str(answer), CAPTION_ANSWER_WIDTH, placeholder="…")
                       or str(answer)[:CAPTION_ANSWER_WIDTH])
             for item, answer, chosen, missed in shown[["item", "answer", "chosen", "missed"]].itertuples(
                 index=False, name=None)]
    if not parts:
        return None
    return catalog.t("assessments.chart_misconceptions",
                     items=catalog.t("assessments.chart_misconception_join").join(parts))


def standards_chart(results: pd.DataFrame, catalog: Catalog, path_or_buffer: str | Any | IO[bytes],
                    misconceptions: pd.DataFrame | None = None) -> None:
    """Write a horizontal grouped bar chart (standards down, percent across) as PNG.

    With `misconceptions` (`Analysis.misconceptions`), a caption under it names the wrong answer most
    chosen on the most missed items (the chart's bars are standards, so the items go in a caption).
    """
    table = percent_by_standard(results, catalog.t("assessments.chart_no_teacher"))
    n_standards, n_teachers = table.shape
    row_inches = max(MIN_ROW_INCHES, BAR_INCHES * n_teachers + 0.12)
    figure = Figure(figsize=(8.5, 1.8 + max(n_standards, 1) * row_inches), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    caption = misconception_caption(catalog, misconceptions)
    if caption is None:
        axes.set_title(catalog.t("assessments.chart_title"))
    else:  # the title above the figure, the caption as the axes' own (smaller) title: a subtitle
        figure.suptitle(catalog.t("assessments.chart_title"))
        axes.set_title(textwrap.fill(caption, 100), fontsize="small")
    axes.set_xlabel(catalog.t("assessments.chart_xlabel"))
    axes.set_ylabel(catalog.t("assessments.chart_ylabel"))
    axes.set_xlim(0, 100)
    if n_standards == 0:
        axes.set_yticks([])
        axes.text(50, 0.5, catalog.t("assessments.chart_empty"), ha="center", va="center", transform=axes.transData)
        axes.set_ylim(0, 1)
    else:
        positions = np.arange(n_standards)
        height = 0.8 / n_teachers
        cmap = _colors(n_teachers)
        for index, teacher in enumerate(table.columns):
            values = table[teacher].to_numpy(dtype=float)
            offsets = positions - 0.4 + height * (index + 0.5)
            axes.barh(offsets, np.nan_to_num(values), height=height * 0.92, color=cmap[index], label=str(teacher))
        axes.set_yticks(positions, [textwrap.shorten(str(s), LABEL_WIDTH, placeholder="…") for s in table.index])
        axes.set_ylim(n_standards - 0.5, -0.5)  # first standard on top
        axes.xaxis.grid(True, linestyle=":", alpha=0.6)
        axes.set_axisbelow(True)
        figure.legend(loc="outside lower center", ncols=min(n_teachers, 4), frameon=False,
                      title=catalog.t("assessments.chart_legend"))
    figure.savefig(path_or_buffer, format="png", dpi=100)


def _colors(count: int) -> list[Any]:
    from matplotlib import colormaps

    palette = colormaps["tab10" if count <= 10 else "tab20"]
    return [palette(i % palette.N) for i in range(count)]
