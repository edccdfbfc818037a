"""Digest charts as PNG bytes: the funnel, and each rep's conversion against the team.

matplotlib with the Agg backend and no pyplot (no display, no global figure state, safe in the
scheduler's threads). Rep and stage names are often Chinese, so the charts use Noto Sans CJK
(SIL Open Font License), installed from PyPI as the `noto-cjk-sans-otc` package; its
collection holds a Simplified Chinese face ("Noto Sans CJK SC") with Latin glyphs too. If it
is missing the charts still render, with DejaVu Sans (Chinese then shows as boxes), and
`cjk_font_available()` says so.

The functions take labels already translated: the digest renderer decides the language.
"""

from __future__ import annotations

import io
import logging
import math
import threading
from collections.abc import Sequence
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg  # Agg directly: no pyplot, no GUI backend
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"
DPI = 100
# Agg is thread-safe per figure, but the font cache is shared: draw one chart at a time.
_lock = threading.Lock()


@cache
def _setup() -> bool:
    """Register the CJK font once; True when it is there."""
    try:
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    except Exception as exc:  # the package is a dependency; a broken install must not stop digests
        log.warning("CJK font not available, charts will not show Chinese: %s", exc)
        matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
        return False
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    # One face only: Noto Sans CJK has Latin glyphs too, and a fallback list makes matplotlib
    # lay every label out once per face.
    matplotlib.rcParams["font.sans-serif"] = [CJK_FAMILY]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return True


def cjk_font_available() -> bool:
    return _setup()


def funnel_chart(
    title: str,
    stages: Sequence[tuple[str, int, str]],
    between: Sequence[str] = (),
) -> bytes:
    """A funnel: one centred bar per stage in funnel order (first stage on top), as wide as its
    count, with the count's text beside it and the step rate between consecutive bars.

    `stages`: (stage label, the count the bar's width shows, the text beside the bar, e.g.
    "36 reached · 12 open · 1.2M"); `between[i]`: written on the gap between bar i and bar
    i + 1 (e.g. "↓ 78%"). matplotlib draws the bars and the title; the labels are written with
    Pillow (see `conversion_chart` for why).
    """
    _setup()
    label_width = max((_label_inches(label, 10) for label, _, _ in stages), default=1.0) + 0.3
    width = 7.5
    height = 1.0 + (0.75 if between else 0.55) * max(len(stages), 1)
    left, right, top, bottom = label_width / width, 0.98, 1 - 0.55 / height, 0.1 / height
    widest = max((count for _, count, _ in stages), default=0) or 1
    x_max = widest * 1.45
    with _lock:
        figure = Figure(figsize=(width, height), dpi=DPI)
        figure.subplots_adjust(left=left, right=right, top=top, bottom=bottom)
        axes = figure.add_subplot()
        positions = list(range(len(stages)))[::-1]
        lefts = [(widest - count) / 2 for _, count, _ in stages]
        bar_height = 0.55 if between else 0.7
        axes.barh(positions, [count for _, count, _ in stages], left=lefts, color="#2f6eb5", height=bar_height)
        axes.set_ylim(-0.5, len(stages) - 0.5)
        axes.set_xlim(0, x_max)
        axes.set_xticks([])
        axes.set_yticks([])
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        axes.set_title(title, fontsize=12)
        image = _pixels(figure)
    draw = ImageDraw.Draw(image)
    w, h = image.size
    plot_left, plot_right, plot_top, plot_bottom = left * w, right * w, (1 - top) * h, (1 - bottom) * h
    row_h = (plot_bottom - plot_top) / max(len(stages), 1)
    for i, (label, count, note) in enumerate(stages):  # first stage on top
        y = plot_top + (i + 0.5) * row_h
        draw.text((plot_left - 0.08 * DPI, y), label, font=_label_font(10), fill="black", anchor="rm")
        bar_end = (widest / 2 + max(count, 0) / 2 + widest * 0.02) / x_max
        draw.text(
            (plot_left + bar_end * (plot_right - plot_left), y), note, font=_label_font(9), fill="black", anchor="lm"
        )
    centre = plot_left + (widest / 2 / x_max) * (plot_right - plot_left)
    for i, text in enumerate(between[: max(len(stages) - 1, 0)]):
        y = plot_top + (i + 1) * row_h  # the gap between bar i and bar i + 1
        draw.text((centre, y), text, font=_label_font(8), fill="#333333", anchor="mm")
    return _png_of(image)


def _pixels(figure: Figure) -> Image.Image:
    """The figure drawn by Agg, as an RGB image (no PNG written and read back)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")


def _png_of(image: Image.Image) -> bytes:
    """A 256-colour PNG: charts have few colours, and it is a third of the size and quicker to
    write than a full-colour one."""
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=3)
    return out.getvalue()


def _label_inches(label: str, fontsize: float) -> float:
    """A rough width of `label` (wide CJK characters count double), for fixed margins:
    measuring text through a layout engine costs a full extra draw."""
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in label)
    return ems * fontsize / 72


@cache
def _label_font(points: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The CJK face for labels drawn straight onto the image (Pillow), at `points` and `DPI`."""
    pixels = round(points * DPI / 72)
    try:
        import noto_cjk_sans_otc

        path = str(noto_cjk_sans_otc.FONT_PATH)
        for index in range(10):
            font = ImageFont.truetype(path, pixels, index=index)
            if font.getname()[0] == CJK_FAMILY:
                return font
        return ImageFont.truetype(path, pixels)
    except Exception:  # same fallback as the figures: Latin only
        return ImageFont.load_default(pixels)


def conversion_chart(
    title: str,
    steps: Sequence[str],
    team_label: str,
    team_rates: Sequence[float | None],
    reps: Sequence[tuple[str, Sequence[float | None], int | None]],
    legend: str,
) -> bytes:
    """Each rep's conversion at every step, coloured by the gap to the team's rate (red below,
    green above; grey: no rate there). The team's rates are the first row; every cell with a
    rate carries its percentage; each rep's weakest step is outlined; `legend` says so below.

    `reps`: (name, rate per step, index of the weakest step or None).

    matplotlib draws the grid, the outlines, the title and the legend; the one-per-row labels
    (names, rates) are then written onto the PNG with Pillow at the cells' pixel positions:
    matplotlib spends a few milliseconds on each text artist, which for a 50-rep team was most
    of the chart's cost, and the digest has to be ready in well under a second.
    """
    _setup()
    rows = [(team_label, list(team_rates), None), *[(name, list(rates), weak) for name, rates, weak in reps]]
    gaps = [
        [
            (rate - team) if rate is not None and team is not None else float("nan")
            for rate, team in zip(rates, team_rates, strict=True)
        ]
        for _, rates, _ in rows
    ]
    label_width = max((_label_inches(name, 9) for name, _, _ in rows), default=1.0) + 0.25
    width = max(label_width + 1.0 + 0.9 * max(len(steps), 1), 6.0)
    height = 1.5 + 0.3 * len(rows)
    left, right, top, bottom = label_width / width, 1 - 0.3 / width, 1 - 0.9 / height, 0.8 / height
    with _lock:
        figure = Figure(figsize=(width, height), dpi=DPI)
        figure.subplots_adjust(left=left, right=right, top=top, bottom=bottom)
        axes = figure.add_subplot()
        cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#eeeeee")
        axes.imshow(gaps, cmap=cmap, norm=TwoSlopeNorm(vcenter=0.0, vmin=-0.5, vmax=0.5), aspect="auto")
        outline_x: list[float] = []
        outline_y: list[float] = []
        for i, (_, rates, weak) in enumerate(rows[1:], start=1):
            if weak is not None and rates[weak] is not None:
                x0, x1, y0, y1 = weak - 0.48, weak + 0.48, i - 0.46, i + 0.46
                outline_x += [x0, x1, x1, x0, x0, math.nan]
                outline_y += [y0, y0, y1, y1, y0, math.nan]
        # All the outlines as one line (one artist, not one patch per rep: patches cost a lot each).
        axes.plot(outline_x, outline_y, color="black", linewidth=1.2, scalex=False, scaley=False)
        axes.set_xticks([])
        axes.set_yticks([])
        for j, step in enumerate(steps):
            axes.text(j, -0.6, step, ha="center", va="bottom", fontsize=9)
        axes.axhline(0.5, color="black", linewidth=1)
        axes.set_title(title, fontsize=12, pad=24)
        figure.text(0.5, 0.5 / height, legend, ha="center", va="center", fontsize=8)
        image = _pixels(figure)
    draw = ImageDraw.Draw(image)
    w, h = image.size
    grid_left, grid_right, grid_top, grid_bottom = left * w, right * w, (1 - top) * h, (1 - bottom) * h
    row_h = (grid_bottom - grid_top) / len(rows)
    col_w = (grid_right - grid_left) / max(len(steps), 1)
    names, numbers = _label_font(9), _label_font(8)
    for i, (name, rates, _weak) in enumerate(rows):
        y = grid_top + (i + 0.5) * row_h
        draw.text((grid_left - 0.06 * DPI, y), name, font=names, fill="black", anchor="rm")
        for j in range(len(rates)):
            if rates[j] is not None:
                draw.text(
                    (grid_left + (j + 0.5) * col_w, y), f"{rates[j]:.0%}", font=numbers, fill="black", anchor="mm"
                )
    return _png_of(image)
