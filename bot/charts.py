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


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def funnel_chart(
    title: str,
    stages: Sequence[tuple[str, int, str]],
) -> bytes:
    """A funnel: one centred bar per stage (first stage on top), as wide as its open deals.

    `stages`: (stage label, open deals, the text shown beside the bar, e.g. "12 · 1.2M").
    """
    _setup()
    label_width = max((_label_inches(label, 10) for label, _, _ in stages), default=1.0) + 0.3
    width = 7.5
    height = 1.0 + 0.55 * max(len(stages), 1)
    with _lock:
        figure = Figure(figsize=(width, height))
        figure.subplots_adjust(left=label_width / width, right=0.98, top=1 - 0.55 / height, bottom=0.1 / height)
        axes = figure.add_subplot()
        widest = max((count for _, count, _ in stages), default=0) or 1
        positions = list(range(len(stages)))[::-1]
        lefts = [(widest - count) / 2 for _, count, _ in stages]
        axes.barh(positions, [count for _, count, _ in stages], left=lefts, color="#2f6eb5", height=0.7)
        for y, (_, count, note) in zip(positions, stages, strict=True):
            axes.text(widest / 2 + max(count, 0) / 2 + widest * 0.02, y, note, va="center", fontsize=9)
        axes.set_yticks(positions, [label for label, _, _ in stages], fontsize=10)
        axes.set_xlim(0, widest * 1.45)
        axes.set_xticks([])
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        axes.set_title(title, fontsize=12)
        return _png(figure)


def _label_inches(label: str, fontsize: float) -> float:
    """A rough width of `label` (wide CJK characters count double), for fixed margins:
    measuring text through a layout engine costs a full extra draw."""
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in label)
    return ems * fontsize / 72


def conversion_chart(
    title: str,
    steps: Sequence[str],
    team_label: str,
    team_rates: Sequence[float | None],
    reps: Sequence[tuple[str, Sequence[float | None], int | None]],
    legend: str,
) -> bytes:
    """Each rep's conversion at every step, coloured by the gap to the team's rate (red below,
    green above; grey: nothing decided there yet). The team's rates are the first row; each
    rep's weakest step is outlined and labelled with the rep's rate; `legend` says so below.

    `reps`: (name, rate per step, index of the weakest step or None). Only the team row and
    the weakest steps carry numbers (the digest's text has them all): a chart for 50 reps
    stays quick to draw and easy to read.
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
    with _lock:
        figure = Figure(figsize=(width, height))
        figure.subplots_adjust(
            left=label_width / width, right=1 - 0.3 / width, top=1 - 0.9 / height, bottom=0.8 / height
        )
        axes = figure.add_subplot()
        cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#eeeeee")
        axes.imshow(gaps, cmap=cmap, norm=TwoSlopeNorm(vcenter=0.0, vmin=-0.5, vmax=0.5), aspect="auto")
        for j, rate in enumerate(team_rates):
            if rate is not None:
                axes.text(j, 0, f"{rate:.0%}", ha="center", va="center", fontsize=8)
        outline_x: list[float] = []
        outline_y: list[float] = []
        for i, (_, rates, weak) in enumerate(rows[1:], start=1):
            if weak is not None and rates[weak] is not None:
                left, right, top, bottom = weak - 0.48, weak + 0.48, i - 0.46, i + 0.46
                outline_x += [left, right, right, left, left, math.nan]
                outline_y += [top, top, bottom, bottom, top, math.nan]
                axes.text(weak, i, f"{rates[weak]:.0%}", ha="center", va="center", fontsize=8)
        # All the outlines as one line (one artist, not one patch per rep: patches cost a lot each).
        axes.plot(outline_x, outline_y, color="black", linewidth=1.2, scalex=False, scaley=False)
        # Step names and rep names as plain text: tick objects, and a colour bar's whole axis,
        # cost more than the labels themselves (a 50-rep team's chart must stay quick).
        axes.set_xticks([])
        axes.set_yticks([])
        for j, step in enumerate(steps):
            axes.text(j, -0.6, step, ha="center", va="bottom", fontsize=9)
        for i, (name, _, _) in enumerate(rows):
            axes.text(-0.6, i, name, ha="right", va="center", fontsize=9)
        axes.axhline(0.5, color="black", linewidth=1)
        axes.set_title(title, fontsize=12, pad=24)
        figure.text(0.5, 0.5 / height, legend, ha="center", va="center", fontsize=8)
        return _png(figure)
