"""One clip's check page: a contact strip, a card per event, the metric plots, provenance."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from checkers.base import Event
from checkers.html.draw import annotate, jpeg
from checkers.html.folder import PAGES, ReportFolder, clip_key, write_atomic
from checkers.html.keeper import FrameKeeper
from checkers.html.page import definitions, document, esc, figure, href, verdict
from checkers.html.plots import metrics_png, panels_for
from checkers.runner import ClipReport

STRIP = 12  # frames in the contact strip
MAX_CARDS = 24  # a clip with more events shows the first ones and says how many more


@dataclass
class ClipPage:
    """What the index needs of a written page (JSON-ready: it goes into the folder's marker)."""

    key: str
    page: str  # relative to the report folder
    row: dict[str, Any] = field(default_factory=dict)


def strip_frames(count: int, n: int = STRIP) -> list[int]:
    """About `n` frame indices spread evenly over a clip of `count` frames, first and last."""
    if count <= 0:
        return []
    if count <= n:
        return list(range(count))
    return sorted({round(i * (count - 1) / (n - 1)) for i in range(n)})


def around(event: Event, count: int, fps: float) -> list[int]:
    """The frames just before, at and after an event: a quarter second apart, at least one."""
    step = max(1, round((fps or 8) / 4))
    return [max(0, event.frame - step), event.frame, min(count - 1, event.frame + step)]


def write_clip_page(
    folder: ReportFolder,
    report: ClipReport,
    keeper: FrameKeeper | None,
    provenance: dict[str, str] | None = None,
) -> ClipPage:
    """Write the clip's images and page (each file atomically); the page is written last."""
    key = clip_key(report.clip)
    assets = folder.asset_dir(key)
    _clear(assets)
    images = _Images(folder, key, report, keeper)
    body = [_header(report)]
    strip = images.strip()
    if strip:
        body.append('<h2>The clip</h2><div class="strip">' + "".join(strip) + "</div>")
    body.append(_events(report, images))
    if report.rows:
        body.append(_plots(report, assets, key))
    if provenance:
        body.append("<h2>Provenance</h2>" + definitions((k, esc(v)) for k, v in provenance.items()))
    if folder.page_path(key, "-verify").is_file():
        body.append(f'<p><a href="{href(key)}-verify.html">Provenance, layer by layer</a></p>')
    body.append('<p class="small"><a href="../index.html">All clips</a></p>')
    page = folder.page_path(key)
    write_atomic(page, document(f"{report.verdict}: {os.path.basename(report.clip)}", body))
    relative = f"{PAGES}/{page.name}"
    return ClipPage(key, relative, {**_row(report, images.thumbnail), "page": relative})


def _clear(assets) -> None:
    """Remove the images an earlier report of this clip left (fewer events now leave none
    behind). Only names this module writes, in a folder named after the clip."""
    if assets.is_dir():
        for pattern in ("strip-*.jpg", "event*-*.jpg", "metrics.png"):
            for stale in assets.glob(pattern):
                stale.unlink(missing_ok=True)


class _Images:
    """Writes the page's thumbnails under clips/KEY/ and returns their relative sources."""

    def __init__(self, folder: ReportFolder, key: str, report: ClipReport, keeper):
        self.folder, self.key, self.report, self.keeper = folder, key, report, keeper
        self.count = len(keeper.frames) if keeper is not None else 0
        width = keeper.size[0] if keeper is not None else 0
        # Event boxes are in displayed pixels; the kept frames are the analysis copies.
        self.scale = report.width / width if width and report.width else 1.0
        self.strip_thumb: str | None = None
        self.event_thumb: str | None = None

    @property
    def thumbnail(self) -> str | None:
        """For the index: the first event's frame with its box, else the strip's middle."""
        return self.event_thumb or self.strip_thumb

    def _write(self, name: str, image) -> str:
        write_atomic(self.folder.asset_dir(self.key) / name, jpeg(image))
        return f"{self.key}/{name}"

    def strip(self) -> list[str]:
        out, sources = [], []
        for index in strip_frames(self.count):
            image = self.keeper.image(index)
            if image is not None:
                sources.append(self._write(f"strip-{index:05d}.jpg", image))
                out.append(figure(sources[-1], f"frame {index}", alt=f"frame {index}"))
        if sources:
            self.strip_thumb = f"{PAGES}/{sources[len(sources) // 2]}"
        return out

    def card(self, number: int, event: Event) -> list[str]:
        """The frames around `event` with its object's box and track; [] when none were kept."""
        if self.keeper is None:
            return []
        out = []
        sightings = self.keeper.tracks.get(event.object, []) if event.object is not None else []
        path = [(x + w / 2, y + h / 2) for _, x, y, w, h in sightings]
        by_frame = {f: (x, y, w, h) for f, x, y, w, h in sightings}
        for index in around(event, self.count, self.report.fps):
            image = self.keeper.image(index)
            if image is None:
                continue
            box, dashed = by_frame.get(index), False
            if box is None and index == event.frame and event.bbox is not None:
                box, dashed = [v / self.scale for v in event.bbox], event.object is not None
            name = f"event{number:02d}-{index:05d}.jpg"
            src = self._write(name, annotate(image, box, path, dashed))
            at = index == event.frame
            label = f"frame {index}" + (" (event)" if at else "")
            out.append(figure(src, label, "at" if at else "", alt=f"{event.kind} {label}"))
            if at and self.event_thumb is None:
                self.event_thumb = f"{PAGES}/{self.key}/{name}"
        return out


def _header(report: ClipReport) -> str:
    facts = f"{report.frames} frames, {report.width}x{report.height}, {report.fps:g} fps"
    error = f'<p class="error">{esc(report.error)}</p>' if report.error else ""
    return (
        f"<h1>{verdict(report.verdict)} {esc(os.path.basename(report.clip))}</h1>"
        f'<p class="small">{esc(report.clip)}<br>{esc(facts)}</p>{error}'
    )


def _events(report: ClipReport, images: _Images) -> str:
    if not report.events:
        return "<h2>Events</h2><p>No events: every check passed.</p>"
    cards = []
    for number, event in enumerate(report.events[:MAX_CARDS], start=1):
        obj = f", object {event.object}" if event.object is not None else ""
        frames = images.card(number, event)
        cards.append(
            f'<div class="card" id="event-{number}">'
            f"<p><b>{esc(event.check)} / {esc(event.kind)}</b> at frame {event.frame} "
            f"({event.time:.2f} s){esc(obj)}, severity {event.severity:.2f}</p>"
            f"<p>{esc(event.message)}</p>"
            + (f'<div class="frames">{"".join(frames)}</div>' if frames else "")
            + "</div>"
        )
    more = len(report.events) - MAX_CARDS
    tail = f"<p>{more} more events (see the JSON).</p>" if more > 0 else ""
    return f"<h2>Events ({len(report.events)})</h2>" + "".join(cards) + tail


def _plots(report: ClipReport, assets, key: str) -> str:
    """One image of every check's per-frame metrics, each check's events and bars marked."""
    from checkers.runner import CHECKS

    groups = [
        (
            name,
            [m for m in CHECKS[name].metrics if m in report.metric_names],
            result.thresholds,
            [e.frame for e in result.events],
        )
        for name, result in report.checks.items()
    ]
    png = metrics_png(panels_for(report.rows, groups), int(report.rows[0]["frame"]))
    if png is None:
        return ""
    write_atomic(assets / "metrics.png", png)
    verdicts = ", ".join(f"{esc(n)} {verdict(r.verdict)}" for n, r in report.checks.items())
    return (
        f"<h2>Per-frame metrics</h2><p>{verdicts}</p>"
        f'<img class="plot" src="{href(f"{key}/metrics.png")}" '
        'alt="per-frame metrics of each check, thresholds dashed, events in red" loading="lazy">'
    )


def _row(report: ClipReport, thumbnail: str | None) -> dict[str, Any]:
    return {
        "clip": report.clip,
        "verdict": report.verdict,
        "frames": report.frames,
        "events": [
            {"check": e.check, "kind": e.kind, "frame": int(e.frame)} for e in report.events[:6]
        ],
        "event_count": len(report.events),
        "error": report.error,
        "thumbnail": thumbnail,
    }
