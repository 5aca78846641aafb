"""PDF documents drawn with matplotlib (no display, no other PDF library): A4 pages of text and charts.

`FlowDocument` lays out headings, paragraphs and charts from top to bottom, starting a new page when
one is full (the portfolio). A caller that wants a fixed layout (one page per team: the coach
export) draws on `new_page()`'s figure itself. Text is embedded as TrueType (`pdf.fonttype` 42) in
DejaVu Sans, matplotlib's own font, which has every Turkish letter, so the PDF's text can be
searched and copied.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib loads with the first document, not when a web server starts
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

A4 = (8.27, 11.69)  # inches
MARGIN = 0.7
FONT = "DejaVu Sans"
INK, MUTED, ACCENT = "#1f2933", "#52606d", "#2c5f2d"
_RC = {"pdf.fonttype": 42, "font.family": FONT, "axes.titlesize": 10, "axes.labelsize": 9,
       "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8}


@cache
def _char_width(char: str, bold: bool) -> float:
    """The advance of `char` at 1 pt (DejaVu Sans), measured once."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=FONT, weight="bold" if bold else "normal", size=100)
    width, _, _ = TextToPath().get_text_width_height_descent(char * 4, prop, ismath=False)
    return width / 400.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` in points at `size` (kerning aside)."""
    return sum(_char_width(c, bold) for c in text) * size


def wrap(text: str, width_points: float, size: float, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `width_points` (its own line breaks kept; long words cut)."""
    lines: list[str] = []
    space = text_width(" ", size, bold)
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0.0
        for word in paragraph.split():
            width = text_width(word, size, bold)
            while width > width_points:  # a word longer than the line: cut it
                if line:
                    lines.append(line)
                    line, used = "", 0.0
                cut = len(word)
                while cut > 1 and text_width(word[:cut], size, bold) > width_points:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                width = text_width(word, size, bold)
            if not word:
                continue
            if line and used + space + width > width_points:
                lines.append(line)
                line, used = "", 0.0
            line, used = (f"{line} {word}", used + space + width) if line else (word, width)
        lines.append(line)
    return lines


def shorten(text: str, width_points: float, size: float, bold: bool = False) -> str:
    """`text` on one line, cut with … to fit `width_points`."""
    flat = " ".join(text.split())
    if text_width(flat, size, bold) <= width_points:
        return flat
    while flat and text_width(flat + "…", size, bold) > width_points:
        flat = flat[:-1]
    return flat.rstrip() + "…"


@contextmanager
def pdf_pages(title: str, now: datetime) -> Iterator[tuple[PdfPages, io.BytesIO]]:
    """A PdfPages writing into memory, with the document's title and date (no author: nobody's id)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with rc_context(_RC), PdfPages(buffer, metadata={"Title": title, "Creator": "PLC Bot", "Author": None,
                                                     "CreationDate": now}) as pdf:
        yield pdf, buffer


def new_figure() -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4)
    figure.patch.set_facecolor("white")
    return figure


@dataclass
class FlowDocument:
    """Headings, paragraphs and charts laid out top to bottom over as many A4 pages as they need."""

    footer: str  # "{page}" and "{pages}" are filled in at the end
    pages: list[Figure] = field(default_factory=list)
    y: float = 0.0  # inches from the top of the current page

    @property
    def width(self) -> float:
        return A4[0] - 2 * MARGIN

    def _page(self) -> Figure:
        if not self.pages:
            self.new_page()
        return self.pages[-1]

    def new_page(self) -> Figure:
        self.pages.append(new_figure())
        self.y = MARGIN
        return self.pages[-1]

    def room(self, inches: float) -> None:
        """Start a new page unless `inches` still fit on this one."""
        if not self.pages or self.y + inches > A4[1] - MARGIN - 0.3:
            self.new_page()

    def _put(self, x: float, baseline: float, text: str, size: float, bold: bool, color: str, style: str) -> None:
        self._page().text(x / A4[0], 1 - baseline / A4[1], text, fontsize=size, fontweight="bold" if bold else "normal",
                          color=color, style=style, va="baseline")

    def text(self, text: str, size: float = 10, indent: float = 0.0, bold: bool = False, color: str = INK,
             style: str = "normal", first: str = "", first_bold: bool = False, after: float = 0.06) -> None:
        """A paragraph, wrapped; `first` (a bullet, a label) goes before its first line, the other lines aligned
        after it."""
        lead = text_width(first, size, first_bold or bold) / 72 * 1.04 + 0.08 if first else 0.0
        height = size * 1.45 / 72
        for index, line in enumerate(wrap(text, (self.width - indent - lead) * 72 * 0.97, size, bold)):
            self.room(height)
            baseline = self.y + size / 72
            if index == 0 and first:
                self._put(MARGIN + indent, baseline, first, size, first_bold or bold, color, "normal")
            self._put(MARGIN + indent + lead, baseline, line, size, bold, color, style)
            self.y += height
        self.y += after

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 18, 1: 14, 2: 11.5}.get(level, 10.5)
        self.room(size * 4 / 72)  # never a heading alone at the bottom of a page
        self.y += 0.12 if level else 0
        self.text(text, size=size, bold=True, color=ACCENT if level <= 1 else INK, after=0.08)

    def rule(self) -> None:
        self.room(0.15)
        _line(self._page(), 1 - (self.y + 0.05) / A4[1])
        self.y += 0.15

    def chart(self, height: float, draw: Callable[[Axes], Any], left: float = 0.6) -> None:
        """An axes across the text's width (after `left` inches for its tick labels), drawn by `draw`; `height`
        inches in all with its title above and its axis label below."""
        self.room(height + 0.1)
        figure = self._page()
        bottom = 1 - (self.y + height - 0.5) / A4[1]
        axes = figure.add_axes(((MARGIN + left) / A4[0], bottom, (self.width - left - 0.1) / A4[0],
                                (height - 0.85) / A4[1]))
        draw(axes)
        self.y += height + 0.1

    def render(self, pdf: PdfPages) -> int:
        """Number the pages and write them; how many there were."""
        if not self.pages:
            self.new_page()
        total = len(self.pages)
        for number, figure in enumerate(self.pages, start=1):
            footer = self.footer.replace("{page}", str(number)).replace("{pages}", str(total))
            figure.text(0.5, 0.4 / A4[1], footer, ha="center", fontsize=7.5, color=MUTED)
            pdf.savefig(figure)
        return total


def _line(figure: Figure, y: float) -> None:
    from matplotlib.lines import Line2D

    figure.add_artist(Line2D([MARGIN / A4[0], 1 - MARGIN / A4[0]], [y, y], color="#cbd2d9", linewidth=0.6,
                             transform=figure.transFigure))
