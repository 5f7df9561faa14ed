"""An object's reference look (the median of its first clean sightings) and a sighting's
distance from it, per descriptor: mean Lab color, log area and shape numbers (identity.py)."""

from __future__ import annotations

import numpy as np

from checkers.tracking import Point, Track

REFERENCE_POINTS = 3
MIN_SHAPE_AREA = 60.0  # analysis px; below this, shape numbers are mostly pixelation


def clean_sighting(p: Point) -> bool:
    return p.det is not None and not p.at_edge and not p.near and not p.merged and not p.hides


def reference_look(track: Track) -> dict[str, np.ndarray] | None:
    clean = [p.det for p in track.points if clean_sighting(p)][:REFERENCE_POINTS]
    if len(clean) < REFERENCE_POINTS:
        return None
    return {
        "color": np.median([d.lab for d in clean], axis=0),
        "size": np.median([np.log(d.area) for d in clean]),
        "shape": np.median([d.shape for d in clean], axis=0),
        "area": np.median([d.area for d in clean]),
    }


def raw_look(det, key: str) -> np.ndarray:
    """The descriptor itself (not its distance to the reference), for dating a change."""
    if key == "size":
        return np.array([np.sqrt(det.area)])
    return np.asarray(det.lab if key == "color" else det.shape, dtype=float)


def sighting_at(track: Track, frame: int) -> Point | None:
    for p in reversed(track.points):
        if p.frame <= frame:
            return p if p.frame == frame else None
    return None


def look_changes(ref, det) -> dict[str, float]:
    shape = float(np.abs(det.shape - ref["shape"]).max())
    if min(det.area, ref["area"]) < MIN_SHAPE_AREA:
        shape = 0.0
    return {
        "color": float(np.linalg.norm(det.lab - ref["color"])),
        "size": float(abs(np.log(det.area) - ref["size"])),
        "shape": shape,
    }


def last_beside(track: Track) -> int | None:
    """The last frame the track's part is in view beside another part (touching it, or cut
    as one with it), or None."""
    frames = [
        p.frame
        for p in track.points
        if p.det is not None and not p.at_edge and (p.near or p.merged)
    ]
    return max(frames, default=None)
