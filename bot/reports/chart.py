"""The digest's picture, sized for a phone screen and drawn with matplotlib (Agg, no display).

On top, one bar per title (two for Công dân học tập: in families, in units): recognised ÷ its
own base (every household, clan, village, working person, staff member, unit), each with a mark
at its own target of the current period; a title whose base is not known gets no bar, only
what is recognised. Below, one bar per village: households recognised ÷ every household of the
village, against the household target.

Bars are horizontal so that long Vietnamese names stay readable; DejaVu Sans ships with
matplotlib and has every Vietnamese diacritic. `title_bars` and `village_bars` are the chart's
data (pure), drawn by `progress_chart`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.reports import formatting as fmt
from bot.reports import shares as current
from bot.reports.digest import ids, reference_target, village_share
from storage.progress import CommuneProgress

Translate = Callable[..., str]

# matplotlib's font cache and text layout are shared state: draw one chart at a time.
_LOCK = threading.Lock()
_MET = "#2e7d32"
_BELOW = "#ef6c00"
_TARGET = "#c62828"
_TARGET_STYLES = ("--", ":", "-.")
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the share (None: no base, no bar), the text beside it and the
    target it is measured against (year, percent)."""

    key: str
    label: str
    share: float | None
    text: str
    target: tuple[int, float] | None

    @property
    def met(self) -> bool:
        return self.share is not None and self.target is not None and self.share >= self.target[1]


def title_bars(progress: CommuneProgress, t: Translate, lang: str) -> list[Bar]:
    """A bar per share the commune is measured on, in report order. A share with nothing
    registered, no base and no target is left out (nothing to draw, nothing to aim at)."""
    bars = []
    for title in progress.titles:
        for part in progress.parts(title):
            target = current.reference_target(progress.targets, progress.year, part.key)
            if part.counts.empty and not part.total and target is None:
                continue
            recognised = part.counts.recognised
            share = fmt.share(recognised, part.total) if part.total else None
            text = (
                t(lang, "chart-row-unknown", recognised=fmt.number(recognised, lang))
                if share is None
                else t(
                    lang,
                    "chart-row-bar",
                    recognised=fmt.number(recognised, lang),
                    total=fmt.number(part.total or 0, lang),
                    share=fmt.percent(share, lang),
                )
            )
            bars.append(Bar(part.key, t(lang, f"chart-row-{ids(part.key)}"), share, text, target))
    return bars


def village_bars(progress: CommuneProgress, t: Translate, lang: str) -> list[Bar]:
    """A bar per village: households recognised ÷ every household of the village."""
    target = reference_target(progress, "household")
    bars = []
    for village in progress.villages:
        share = village_share(village)
        counts = village.households
        text = (
            t(lang, "chart-no-total", registered=fmt.number(counts.registered, lang))
            if share is None
            else t(
                lang,
                "chart-bar",
                recognised=fmt.number(counts.recognised, lang),
                total=fmt.number(village.households_total or 0, lang),
                share=fmt.percent(share, lang),
            )
        )
        bars.append(Bar("household", village.name, share, text, target))
    return bars


def _panel(ax: Any, bars: Sequence[Bar], title: str, axis: str, *, own_targets: bool) -> None:
    rows = max(len(bars), 1)
    positions = list(range(rows))
    values = [b.share or 0.0 for b in bars] or [0.0]
    colours = [_MET if b.met else _BELOW for b in bars] or [_BELOW]
    ax.barh(positions, values, color=colours, height=0.62)
    ax.set_yticks(positions, [b.label for b in bars] or [""], fontsize=13, fontfamily=FONT)
    ax.invert_yaxis()  # the first on top, as in the report
    # A little past 100, so that a target of 100% (units by 2030) is not cut in half.
    ax.set_xlim(0, 102)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel(axis, fontsize=12, fontfamily=FONT)
    ax.tick_params(axis="x", labelsize=11)
    for position, bar in enumerate(bars):
        ax.text(
            min((bar.share or 0.0) + 1.5, 66.0),
            position,
            bar.text,
            va="center",
            fontsize=12,
            color="#555555" if bar.share is None else "#222222",
            fontfamily=FONT,
        )
        if own_targets and bar.target is not None:
            # Each title has its own target: a mark across its own bar.
            ax.vlines(
                bar.target[1],
                position - 0.42,
                position + 0.42,
                colors=_TARGET,
                linestyles="--",
                linewidth=2.2,
            )
    ax.set_title(title, fontsize=14, loc="left", fontfamily=FONT)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def progress_chart(progress: CommuneProgress, t: Translate, lang: str) -> bytes:
    """A PNG (about 1200 px wide): the share of each title, then of households per village."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    titles = title_bars(progress, t, lang)
    villages = village_bars(progress, t, lang)
    targets = [
        (y, progress.targets[(y, "household")])
        for y in current.current_target_years(progress.targets, progress.year, "household")
    ]
    top, bottom = max(len(titles), 1), max(len(villages), 1)
    with _LOCK:
        figure = Figure(figsize=(8, 0.6 * (top + bottom) + 4.4), dpi=150)
        FigureCanvasAgg(figure)
        figure.set_layout_engine("constrained")
        upper, lower = figure.subplots(2, 1, height_ratios=[top + 1.2, bottom + 1.2])
        _panel(
            upper,
            titles,
            t(lang, "chart-titles-title", year=str(progress.year)),
            t(lang, "chart-titles-axis"),
            own_targets=True,
        )
        _panel(
            lower,
            villages,
            t(lang, "chart-title", year=str(progress.year)),
            t(lang, "chart-axis"),
            own_targets=False,
        )
        for (year, target), style in zip(targets, _TARGET_STYLES, strict=False):
            lower.axvline(
                target,
                color=_TARGET,
                linestyle=style,
                linewidth=2,
                label=t(lang, "chart-target", year=str(year), target=fmt.percent(target, lang)),
            )
        handles, labels = lower.get_legend_handles_labels()
        years = sorted({b.target[0] for b in titles if b.target is not None})
        if years:
            handles.insert(0, Line2D([], [], color=_TARGET, linestyle="--", linewidth=2.2))
            labels.insert(0, ", ".join(t(lang, "chart-row-target", year=str(y)) for y in years))
        if handles:
            figure.legend(
                handles,
                labels,
                loc="outside lower center",
                ncols=2,
                prop={"family": FONT, "size": 11},
            )
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
