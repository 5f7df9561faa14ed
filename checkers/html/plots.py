"""Per-frame plots of the checks' metrics, with thresholds and event frames, as one PNG.

matplotlib with the Agg backend, imported here only: `vidgen check` without `--report`
never pays for it. Speed matters (a report must add little to a check): one figure a clip,
no tight_layout and no shared axes (both recompute every tick of every panel), ticks set by
hand, and the PNG quantized to a small palette (a third of the bytes).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH_IN, ROW_IN, DPI = 6.4, 0.62, 90  # 576 px wide, about 56 px a metric
EVENT_COLOR, THRESHOLD_COLOR, LINE_COLOR = "#d62728", "#ff7f0e", "#1f77b4"


@dataclass
class Panel:
    """One metric's panel: its label, values by frame, its bar (if one) and event frames."""

    label: str
    values: list[float]
    threshold: float | None = None
    events: list[int] = field(default_factory=list)


def panels_for(rows: Sequence[dict], groups: Sequence[tuple[str, Sequence[str], dict, list[int]]]):
    """Panels for (check, its metric names, its thresholds, its event frames) groups; a
    metric with no finite value in the clip is left out."""
    out = []
    for check, metrics, thresholds, events in groups:
        for name in metrics:
            values = [_finite(r.get(name)) for r in rows]
            if any(not math.isnan(v) for v in values):
                out.append(Panel(f"{check}: {name}", values, thresholds.get(name), list(events)))
    return out


def metrics_png(panels: Sequence[Panel], first_frame: int = 0) -> bytes | None:
    """The panels as bands of one chart over the clip's frames; None when nothing to plot.

    Each band is its metric scaled to the band (its range, and its threshold, written in
    its label): one axes instead of one per metric, which costs a third of the time.
    """
    if not panels:
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    # Figure, not pyplot: no global state, safe in worker processes, nothing to close.
    n = len(panels)
    fig = Figure(figsize=(WIDTH_IN, ROW_IN * n + 0.4), dpi=DPI)
    ax = fig.add_axes((0.01, 0.35 / (ROW_IN * n + 0.4), 0.98, 1 - 0.4 / (ROW_IN * n + 0.4)))
    frames = list(range(first_frame, first_frame + len(panels[0].values)))
    for i, panel in enumerate(panels):
        _band(ax, panel, frames, n - 1 - i)
    ax.set_xlim(frames[0], max(frames[-1], frames[0] + 1))
    ax.set_ylim(-0.05, n)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=7, length=2, pad=1)
    ax.set_xlabel("frame (red: events; dashed: threshold)", fontsize=7, labelpad=1)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return _small_png(buffer.getvalue())


BAND = 0.62  # share of a band's height the curve uses; the rest is its label


def _band(ax, panel: Panel, frames: list[int], base: int) -> None:
    finite = [v for v in panel.values if not math.isnan(v)]
    low, high = min(finite), max(finite)
    bar = (
        panel.threshold if panel.threshold is not None and math.isfinite(panel.threshold) else None
    )
    if bar is not None:
        low, high = min(low, bar), max(high, bar)
    if high - low < 1e-12:  # a constant: mid-band, clear of the separator below
        low, high = low - 0.5, high + 0.5
    span = high - low

    def y(value: float) -> float:
        return base + 0.04 + BAND * (value - low) / span

    ax.plot(frames, [y(v) for v in panel.values], color=LINE_COLOR, linewidth=1.2)
    if bar is not None:
        ax.axhline(y(bar), color=THRESHOLD_COLOR, linestyle="--", linewidth=1)
    if panel.events:
        ax.vlines(panel.events, base, base + 1, color=EVENT_COLOR, linewidth=1.2)
    ax.axhline(base, color="#cccccc", linewidth=0.6)
    text = f"{panel.label}   {min(finite):.3g} to {max(finite):.3g}"
    text += f", threshold {bar:.3g}" if bar is not None else ""
    ax.text(0.005, base + 0.97, text, transform=ax.get_yaxis_transform(), fontsize=7.5,
            va="top")  # fmt: skip


def _small_png(data: bytes) -> bytes:
    """The PNG mapped onto a fixed palette of the chart's own colours (and their blends into
    white, for antialiasing): a third of the bytes, and an adaptive palette cannot merge a
    thin event line into its neighbours."""
    try:
        from PIL import Image
    except ImportError:
        return data
    image = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def _palette():
    from PIL import Image

    colours = []
    for hexa in (EVENT_COLOR, THRESHOLD_COLOR, LINE_COLOR, "#000000"):
        rgb = [int(hexa[i : i + 2], 16) for i in (1, 3, 5)]
        colours += [[round(c + (255 - c) * k / 8) for c in rgb] for k in range(8)]
    colours += [[v, v, v] for v in range(0, 256, 17)]  # text and separators, antialiased
    flat = [c for rgb in colours for c in rgb]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + flat[-3:] * (256 - len(colours)))
    return palette


def _finite(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value if math.isfinite(value) else math.nan
