"""Splits: a new part that is a piece of a tracked object coming apart.

Objects in a scene have distinct colors, so a second part of the same color right next to a
tracked object is that object splitting, not another object and not a lost track back. On
the background model's parts too: reading their splits off mass instead (the parent's last
blob holding both pieces, session 16) found no more splits on fresh wild seeds and raised
false ones on clean clips (BENCHMARKS "Permanence rules per-rule on two pools").
"""

from __future__ import annotations

import numpy as np

from checkers.segment import Detection
from checkers.tracking.boxes import CONTACT_MARGIN, box_gap
from checkers.tracking.looks import SAME_COLOR
from checkers.tracking.tracks import Track

MERGED_GROWTH = 1.08  # area over the usual that marks one blob of an object and its split part


def beside_same_color(det: Detection, dets: list[Detection], assigned: dict[int, int]) -> bool:
    """Next to a tracked part of its color: a piece split off that part (objects' colors
    differ), whatever lost track it may also look like."""
    return any(
        np.linalg.norm(dets[j].lab - det.lab) <= SAME_COLOR
        and box_gap(dets[j].bbox, det.bbox) <= CONTACT_MARGIN + 1.5 * dets[j].size
        for j in assigned
    )


def _usual_area(seen) -> float:
    """A track's usual area, from its first sightings touching nothing (one emerging from
    behind a wall grows as it comes out; that growth is not the split)."""
    clear = [p for p in seen if not p.near and not p.at_edge][:5]
    return float(np.median([p.det.area for p in (clear if len(clear) >= 3 else seen[:5])]))


def split_parent(
    det: Detection, dets: list[Detection], assigned: dict[int, int], tracks: dict[int, Track]
) -> tuple[int, int] | None:
    """(the track this part split from, the frame the split began), or None.

    The parent is a matched neighbour of the same color and size. Its sightings while the
    two were still one blob (grown past its usual area) are marked `merged`, and the split
    is dated from the first of them.
    """
    for j, tid in assigned.items():
        other, track = dets[j], tracks[tid]
        seen = track.seen
        if len(seen) < 3 or np.linalg.norm(other.lab - det.lab) > SAME_COLOR:
            continue
        usual = _usual_area(seen)
        if not 0.3 < det.area / usual < 2.5:
            continue
        if box_gap(other.bbox, det.bbox) > CONTACT_MARGIN + 1.5 * other.size:
            continue
        start = seen[-1].frame + 1
        for p in reversed(seen[:-1]):
            if p.det.area < MERGED_GROWTH * usual:
                break
            p.merged = True
            start = p.frame
        seen[-1].merged = True
        return tid, start
    return None
