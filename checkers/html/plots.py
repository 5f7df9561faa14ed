"""Per-frame plots of the checks' metrics, with thresholds and event frames, as one PNG.

matplotlib with the Agg backend, imported here only: `vidgen check` without `--report`
never pays for it. Speed matters (a report must add little to a check): one figure a clip,
no tight_layout and no shared axes (both recompute every tick of every panel), ticks set by
hand (min, max), and the PNG quantized to a small palette (a third of the bytes).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH_IN, ROW_IN, DPI = 6.4, 0.8, 72  # 460 px wide, about 58 px a panel
EVENT_COLOR, THRESHOLD_COLOR, LINE_COLOR = "#d62728", "#ff7f0e", "#1f77b4"
PALETTE = 32  # colours kept in the PNG: lines, text, antialiasing steps


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
    """The panels stacked over the clip's frames; None when there is nothing to plot."""
    if not panels:
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    # Figure, not pyplot: no global state, safe in worker processes, nothing to close.
    n = len(panels)
    fig = Figure(figsize=(WIDTH_IN, ROW_IN * n + 0.35), dpi=DPI)
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    fig.subplots_adjust(left=0.11, right=0.99, top=1 - 0.05 / n, bottom=0.3 / n, hspace=0.3)
    frames = list(range(first_frame, first_frame + len(panels[0].values)))
    for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        _draw(ax, panel, frames)
        if i < n - 1:
            ax.set_xticks([])
        else:
            ax.tick_params(labelsize=7, length=2)
            ax.set_xlabel("frame (red: events, dashed: threshold)", fontsize=7, labelpad=1)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return _small_png(buffer.getvalue())


def _draw(ax, panel: Panel, frames: list[int]) -> None:
    ax.plot(frames, panel.values, color=LINE_COLOR, linewidth=1.2)
    finite = [v for v in panel.values if not math.isnan(v)]
    low, high = min(finite), max(finite)
    bar = (
        panel.threshold if panel.threshold is not None and math.isfinite(panel.threshold) else None
    )
    if bar is not None:
        ax.axhline(bar, color=THRESHOLD_COLOR, linestyle="--", linewidth=1)
        low, high = min(low, bar), max(high, bar)
    for frame in panel.events:
        ax.axvline(frame, color=EVENT_COLOR, linewidth=1.2)
    if high - low < 1e-9:
        high = low + 1.0
    pad = 0.08 * (high - low)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(frames[0], max(frames[-1], frames[0] + 1))
    ax.set_yticks([low, high], labels=[f"{low:.3g}", f"{high:.3g}"], fontsize=7)
    ax.tick_params(axis="y", length=2, pad=1)
    text = panel.label + (f"  (threshold {bar:.3g})" if bar is not None else "")
    ax.text(0.005, 0.95, text, transform=ax.transAxes, fontsize=7.5, va="top")


def _small_png(data: bytes) -> bytes:
    """The PNG with a small palette; the original if Pillow cannot do it."""
    try:
        from PIL import Image
    except ImportError:
        return data
    # Fast octree keeps a few pixels of a distinct colour (the event line) that median cut
    # merges into a neighbour.
    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(PALETTE, Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _finite(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value if math.isfinite(value) else math.nan
