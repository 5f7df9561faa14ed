"""Where an object is relative to the frame and the occluder: the labels' visibility flags.

Flags come from areas of the drawn outline (the renderer's polygon) clipped against the frame
and the occluder, so a ball's or triangle's corner-free bounding box does not count as shown.
`in_open_view` (layout checks) stays on bounding boxes: it is the stricter test.

A view that rolls (wild_camera.CameraView) turns outlines and the occluder with it: the
occluder is then a turned rectangle, and what it covers is clipped against that polygon.
"""

from __future__ import annotations

import math

import numpy as np

from vidgen.world.physics import ObjectState
from vidgen.world.render import OUTLINES, View
from vidgen.world.scene import Scene

MIN_AREA_PX = 1.0  # px^2 of a shape in view, behind the occluder or shown that count


def reference_view(scene: Scene, aspect: float | None = None) -> View:
    """The view scenes are laid out and captioned in: 480 px tall, the scene's aspect (or a
    render's `aspect`: the scene stays centered, as render_clip draws it)."""
    aspect = scene.aspect if aspect is None else aspect
    return View(scene, int(round(480 * aspect)), 480)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _bounds(pts: np.ndarray) -> tuple[float, float, float, float]:
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def object_box(s: ObjectState, view: View, t: float) -> tuple[float, float, float, float]:
    if view.roll:
        return _bounds(outline_px(s, view, t))
    x, y, r = view.x(s.x, t), view.y(s.y), s.r * view.scale
    return (x - r, y - r, x + r, y + r)


def occluder_polygon(scene: Scene, view: View, t: float) -> np.ndarray | None:
    """The occluder's corners in pixels (4 x 2), turned with the view."""
    occ = scene.occluder
    if occ is None:
        return None
    corners = ((occ.x0, occ.y0), (occ.x1, occ.y0), (occ.x1, occ.y1), (occ.x0, occ.y1))
    return np.array([view.point(x, y, t) for x, y in corners])


def occluder_box(scene: Scene, view: View, t: float) -> tuple[float, float, float, float] | None:
    """The occluder's bounding box in pixels (exactly the occluder unless the view rolls)."""
    occ = scene.occluder
    if occ is None:
        return None
    if view.roll:
        return _bounds(occluder_polygon(scene, view, t))
    return (view.x(occ.x0, t), view.y(occ.y0), view.x(occ.x1, t), view.y(occ.y1))


def outline_px(s: ObjectState, view: View, t: float) -> np.ndarray:
    """The object's outline in pixels, as the renderer fills it (N x 2)."""
    outline = OUTLINES[s.shape]
    if s.morph > 0.0:
        outline = (1.0 - s.morph) * outline + s.morph * OUTLINES[s.morph_to]
    if not view.roll:
        return outline * (s.r * view.scale) + (view.x(s.x, t), view.y(s.y))
    c, n = math.cos(view.roll), math.sin(view.roll)
    turned = outline @ np.array([[c, n], [-n, c]])  # (x c - y n, x n + y c) per row
    return turned * (s.r * view.scale) + view.point(s.x, s.y, t)


def _unit_areas() -> dict[str, float]:
    return {name: polygon_area(pts) for name, pts in OUTLINES.items()}


def shape_area(s: ObjectState, view: View, t: float) -> float:
    """Area (px^2) of the drawn outline; a lookup unless the shape is mid-morph."""
    if s.morph > 0.0:
        return polygon_area(outline_px(s, view, t))
    r = s.r * view.scale
    return _UNIT_AREA[s.shape] * r * r


def polygon_area(poly) -> float:
    """Shoelace area; plain Python, which beats numpy on a few dozen points."""
    pts = poly.tolist() if isinstance(poly, np.ndarray) else poly
    if len(pts) < 3:
        return 0.0
    twice = 0.0
    px, py = pts[-1]
    for x, y in pts:
        twice += px * y - x * py
        px, py = x, y
    return 0.5 * abs(twice)


def clip_to_box(poly, box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """The part of a polygon inside an axis-aligned box (Sutherland-Hodgman)."""
    pts = poly.tolist() if isinstance(poly, np.ndarray) else [tuple(p) for p in poly]
    x0, y0, x1, y1 = box
    for axis, limit, sign in ((0, x0, 1.0), (0, x1, -1.0), (1, y0, 1.0), (1, y1, -1.0)):
        if not pts:
            break
        # signed distance inside the edge: >= 0 keeps the point
        dist = [sign * (p[axis] - limit) for p in pts]
        if min(dist) >= 0.0:
            continue  # wholly inside this edge: nothing to cut
        pts = _keep_inside(pts, dist)
    return pts


def clip_to_convex(poly, hull: np.ndarray) -> list[tuple[float, float]]:
    """The part of a polygon inside a convex polygon `hull` (Sutherland-Hodgman)."""
    pts = poly.tolist() if isinstance(poly, np.ndarray) else [tuple(p) for p in poly]
    corners = hull.tolist()
    turn = 1.0 if polygon_signed_area(corners) > 0 else -1.0
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        if not pts:
            break
        ex, ey = bx - ax, by - ay
        dist = [turn * (ex * (p[1] - ay) - ey * (p[0] - ax)) for p in pts]
        pts = _keep_inside(pts, dist)
    return pts


def _keep_inside(pts: list, dist: list[float]) -> list[tuple[float, float]]:
    """One Sutherland-Hodgman step: the polygon `pts` cut to where `dist` (each vertex's
    signed distance inside the edge) is >= 0, with a vertex added where a side crosses."""
    out = []
    px, py = pts[-1]
    pd = dist[-1]
    for (cx, cy), cd in zip(pts, dist, strict=True):
        if (cd >= 0.0) != (pd >= 0.0):
            w = pd / (pd - cd)
            out.append((px + w * (cx - px), py + w * (cy - py)))
        if cd >= 0.0:
            out.append((cx, cy))
        px, py, pd = cx, cy, cd
    return out


def polygon_signed_area(pts: list) -> float:
    twice = 0.0
    px, py = pts[-1]
    for x, y in pts:
        twice += px * y - x * py
        px, py = x, y
    return 0.5 * twice


_UNIT_AREA = _unit_areas()


def _inside(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def flags(s: ObjectState, scene: Scene, view: View, t: float) -> dict:
    """in_frame (some part in view), at_edge (partly outside), occluded (partly behind the
    occluder), hidden (in frame but entirely behind it), visible (exists, in frame, not hidden),
    visible_fraction (share of the drawn shape's area in view and uncovered). Areas under
    MIN_AREA_PX count as nothing: anti-aliasing leaves no readable trace of them."""
    box = object_box(s, view, t)
    # pixel i covers [i - 0.5, i + 0.5] in these coordinates (OpenCV's: centers on integers)
    frame = (-0.5, -0.5, view.width - 0.5, view.height - 0.5)
    occ = occluder_box(scene, view, t)
    touches_occ = occ is not None and _overlap(box, occ) > 0
    if _inside(box, frame) and not touches_occ:
        # the common case, no clipping needed
        area = inside = shape_area(s, view, t)
        covered = 0.0
    elif _overlap(box, frame) == 0.0:
        area, inside, covered = 1.0, 0.0, 0.0
    else:
        poly = outline_px(s, view, t)
        area = shape_area(s, view, t)
        shown = clip_to_box(poly, frame)
        inside = polygon_area(shown)
        covered = 0.0
        if touches_occ and view.roll:
            covered = polygon_area(clip_to_convex(shown, occluder_polygon(scene, view, t)))
        elif touches_occ:
            covered = polygon_area(clip_to_box(shown, occ))
    strip = MIN_AREA_PX
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
        "visible_fraction": min(1.0, fraction),
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
