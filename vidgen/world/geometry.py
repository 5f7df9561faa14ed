"""Where an object is relative to the frame and the occluder: the labels' visibility flags.

Boxes are axis-aligned bounding boxes in pixels; a shape lies inside its box, so "hidden"
(box inside the occluder) is never claimed for a shape that shows.
"""

from __future__ import annotations

from vidgen.world.physics import ObjectState
from vidgen.world.render import View
from vidgen.world.scene import Scene


def reference_view(scene: Scene, aspect: float | None = None) -> View:
    """The view scenes are laid out and captioned in: 480 px tall, the scene's aspect (or a
    render's `aspect`: the scene stays centered, as render_clip draws it)."""
    aspect = scene.aspect if aspect is None else aspect
    return View(scene, int(round(480 * aspect)), 480)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def object_box(s: ObjectState, view: View, t: float) -> tuple[float, float, float, float]:
    x, y, r = view.x(s.x, t), view.y(s.y), s.r * view.scale
    return (x - r, y - r, x + r, y + r)


def occluder_box(scene: Scene, view: View, t: float) -> tuple[float, float, float, float] | None:
    occ = scene.occluder
    if occ is None:
        return None
    return (view.x(occ.x0, t), view.y(occ.y0), view.x(occ.x1, t), view.y(occ.y1))


def flags(s: ObjectState, scene: Scene, view: View, t: float) -> dict:
    """in_frame (some part in view), at_edge (partly outside), occluded (partly behind the
    occluder), hidden (in frame but entirely behind it), visible (exists, in frame, not hidden),
    visible_fraction (share of the box in view and uncovered). Slivers under half a pixel wide
    do not count."""
    box = object_box(s, view, t)
    area = (box[2] - box[0]) * (box[3] - box[1])
    frame = (0.0, 0.0, float(view.width), float(view.height))
    inside = _overlap(box, frame)
    occ = occluder_box(scene, view, t)
    clipped = (max(box[0], 0.0), max(box[1], 0.0), min(box[2], frame[2]), min(box[3], frame[3]))
    covered = _overlap(clipped, occ) if occ is not None and inside > 0 else 0.0
    # Less than a half-pixel strip counts as nothing: anti-aliasing leaves no readable trace.
    strip = 0.5 * (box[2] - box[0])
    in_frame = inside > strip
    at_edge = in_frame and inside < area - strip
    occluded = covered > strip
    hidden = in_frame and covered >= inside - strip
    fraction = 0.0 if not s.exists or area <= 0 else max(0.0, inside - covered) / area
    return {
        "in_frame": in_frame,
        "at_edge": at_edge,
        "occluded": occluded,
        "hidden": hidden,
        "visible": bool(s.exists and in_frame and not hidden),
        "visible_fraction": fraction,
    }


def in_open_view(s: ObjectState, scene: Scene, view: View, t: float, margin: float = 0.0) -> bool:
    """Fully in frame (with `margin` px to spare) and clear of the occluder."""
    x0, y0, x1, y1 = object_box(s, view, t)
    if x0 < margin or y0 < margin or x1 > view.width - margin or y1 > view.height - margin:
        return False
    occ = occluder_box(scene, view, t)
    if occ is None:
        return True
    grown = (occ[0] - margin, occ[1] - margin, occ[2] + margin, occ[3] + margin)
    return _overlap((x0, y0, x1, y1), grown) == 0.0
