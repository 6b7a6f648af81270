"""The digest's picture: one bar per village (households recognised ÷ every household of the
village; a village whose number is not known gets no bar, only its registered count) against
the targets of the current period, drawn with matplotlib (Agg, no display) and sized for a phone screen.

Bars are horizontal so that long Vietnamese village names stay readable; DejaVu Sans ships
with matplotlib and has every Vietnamese diacritic.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

from bot.reports import formatting as fmt
from bot.reports import shares as current
from bot.reports.digest import reference_target, village_share
from storage.progress import CommuneProgress

Translate = Callable[..., str]

# matplotlib's font cache and text layout are shared state: draw one chart at a time.
_LOCK = threading.Lock()
_MET = "#2e7d32"
_BELOW = "#ef6c00"
_TARGET_STYLES = ("--", ":", "-.")
FONT = "DejaVu Sans"


def village_chart(progress: CommuneProgress, t: Translate, lang: str) -> bytes:
    """A PNG (about 1200 px wide) of the share of households recognised in each village."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    villages = list(progress.villages)
    names = [v.name for v in villages]
    shares = [village_share(v) for v in villages]
    reference = reference_target(progress, "household")
    targets = [
        (y, progress.targets[(y, "household")])
        for y in current.current_target_years(progress.targets, progress.year, "household")
    ]

    rows = max(len(villages), 1)
    with _LOCK:
        figure = Figure(figsize=(8, max(3.6, 0.6 * rows + 2.2)), dpi=150)
        FigureCanvasAgg(figure)
        figure.set_layout_engine("constrained")
        ax = figure.add_subplot()
        positions = list(range(rows))
        values = [s or 0.0 for s in shares] or [0.0]
        colours = [
            _MET if reference is not None and s is not None and s >= reference[1] else _BELOW
            for s in shares
        ] or [_BELOW]
        ax.barh(positions, values, color=colours, height=0.62)
        ax.set_yticks(positions, names or [""], fontsize=13, fontfamily=FONT)
        ax.invert_yaxis()  # the first village on top, as in the commune's list
        ax.set_xlim(0, 100)
        ax.set_xlabel(t(lang, "chart-axis"), fontsize=12, fontfamily=FONT)
        ax.tick_params(axis="x", labelsize=11)
        for position, share in zip(positions, shares, strict=False):
            village = villages[position]
            counts = village.households
            label = (
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
            ax.text(
                min((share or 0.0) + 1.5, 72.0),
                position,
                label,
                va="center",
                fontsize=12,
                color="#555555" if share is None else "#222222",
                fontfamily=FONT,
            )
        for (year, target), style in zip(targets, _TARGET_STYLES, strict=False):
            ax.axvline(
                target,
                color="#c62828",
                linestyle=style,
                linewidth=2,
                label=t(lang, "chart-target", year=str(year), target=fmt.percent(target, lang)),
            )
        if targets:
            figure.legend(loc="outside lower center", ncols=2, prop={"family": FONT, "size": 11})
        ax.set_title(
            t(lang, "chart-title", year=str(progress.year)),
            fontsize=14,
            loc="left",
            fontfamily=FONT,
        )
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
