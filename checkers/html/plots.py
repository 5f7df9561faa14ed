"""Per-frame plots of a check's metrics, with its thresholds and event frames, as PNG.

matplotlib with the Agg backend, imported here only: `vidgen check` without `--report`
never pays for it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

WIDTH_IN, ROW_IN, DPI = 6.4, 1.15, 80  # 512 px wide, 92 px a metric: legible on a phone
EVENT_COLOR, THRESHOLD_COLOR, LINE_COLOR = "#d62728", "#ff7f0e", "#1f77b4"


def metrics_png(
    rows: Sequence[dict[str, float]],
    metrics: Sequence[str],
    thresholds: dict[str, float],
    event_frames: Sequence[int],
) -> bytes | None:
    """One small panel a metric (value over frame), stacked; None when nothing is finite."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    series = []
    for name in metrics:
        xs = [int(r["frame"]) for r in rows]
        ys = [_finite(r.get(name)) for r in rows]
        if any(not math.isnan(y) for y in ys):
            series.append((name, xs, ys))
    if not series:
        return None
    # Figure, not pyplot: no global state, safe in worker processes, nothing to close.
    fig = Figure(figsize=(WIDTH_IN, ROW_IN * len(series) + 0.3), dpi=DPI)
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, xs, ys) in zip(axes, series, strict=True):
        ax.plot(xs, ys, color=LINE_COLOR, linewidth=1.2)
        bar = thresholds.get(name)
        if bar is not None and math.isfinite(bar):
            ax.axhline(bar, color=THRESHOLD_COLOR, linestyle="--", linewidth=1, label="threshold")
            ax.legend(loc="upper left", fontsize=7, frameon=False)
        for frame in event_frames:
            ax.axvline(frame, color=EVENT_COLOR, linewidth=1, alpha=0.8)
        ax.set_title(name, fontsize=8, loc="left", pad=2)
        ax.tick_params(labelsize=7, length=2)
        ax.grid(alpha=0.25, linewidth=0.5)
    axes[-1].set_xlabel("frame (red: events)", fontsize=7)
    fig.tight_layout(pad=0.3, h_pad=0.4)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _finite(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value if math.isfinite(value) else math.nan
