"""Teleports and speed jumps with no contact.

Works on each track's positions in scene coordinates (camera shift removed) over runs of
consecutive sightings. At every frame boundary the motion just before and just after is fitted
separately (a line after removing the track's own steady acceleration, i.e. gravity), and the
two fits are compared where they meet: a gap in position is a teleport, a gap in velocity a
speed jump. Fitting several frames on each side averages out detection jitter; the clip's own
spread of these gaps (robust sigma) sets the bar, so compression noise cannot. Contact with
another part, the floor or the frame edge excuses a change of motion, and a speed jump must
keep the object's way (`same_way`): a turn or a reversal is what a contact the tracker did
not see makes.

A mixin of PhysicsChecker: `finalize` computes the breaks of every segment and the noise
(sigma) of their gaps, then calls `_jumps` per segment.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from checkers.base import Event
from checkers.kinematics import (
    SIDE,
    bounce_points,
    cut_whole,
    floor_contact,
    outline_share,
    side_fit,
    sustained_change,
    swept_box,
    trimmed_mean,
)
from checkers.tracking import CONTACT_MARGIN, Point, box_gap

# Units (checkers/units.py): jitter floors in analysis px per frame, the world's in short
# sides and seconds.
TELEPORT_FLOOR = 6.0  # analysis px: smaller position gaps are detection jitter
JUMP_SIZES = 0.6  # object sizes: a position gap past this bends the speed fits around it
# A teleport lands further off its path than a part's re-cut, a merge or a bounce between two
# frames at 8 fps moves its centroid: wild dev corpora (session 16), such false teleports
# 0.6-1.13 object sizes and 0.07-0.17 short sides off, real ones 1.56-6.7 and 0.23-0.52 (the
# world jumps 0.2-0.32 of the frame's width).
TELEPORT_SIZES = 1.2
TELEPORT_SHARE = 0.15


def teleport_distance(size: float, units) -> float:
    """How far off its path (analysis px, before sensitivity) an object of `size` must land
    to have teleported."""
    return max(TELEPORT_SIZES * size, units.length(TELEPORT_SHARE))


SPEED_JITTER = 1.2  # analysis px/frame: a velocity fitted over a few sightings wobbles so
SPEED_FLOOR = 0.107  # short sides/s: the smallest change of speed worth reporting
ACCEL_NOISE = 0.25  # px/frame^2: a steadier acceleration than this is taken as none
ACCEL_SPAN = 7  # sightings each side used to estimate the steady acceleration
LEVEL = 0.044  # short sides/s: vertical speed below which a track moves level
GROUND_BAND = 4.0  # analysis px above its lowest level (or half its size) a track is low
# A speed jump keeps its new speed: the median steps over SUSTAIN_SPAN steps either side must
# differ by this share of the faster (as the fits must, SPEED_SHARE of the speed).
SPEED_SHARE = 0.45
SUSTAIN_SPAN = 6
# A velocity fitted to two sightings has no redundancy: one sighting's cut sets it. A
# background-model part's cut wobbles with the model, so its speed jumps are read only where
# each side's fit has at least this many (TUNE, session 19: every found speed jump had 7 or
# more after it; a pendulum turning at the end of a track, read from its last two
# sightings, was a clean clip's false one). A plain part's flat-colored cut is exact: a hop
# between two bounces at 8 fps leaves it two sightings a side (tests/test_check_world_physics).
# Each side's fit takes at most SIDE sightings, so this gate acts only within two sightings
# of a segment's end or of a bounce.
SPEED_FITTED = 3
# A speed jump moves the whole object: both opposite edges of the part's box must show at
# least this share of its centroid's change (kinematics.outline_share). Clean wild clips
# (session 20): parts coming out from behind a wall or parting from the model's ghost of
# their first place showed 0.0-0.35 of it. A box the frame border clips inside the fits
# holds one edge still as well, and no jump is read there: a clipped part's centroid is not
# the object's, so its speed change is no evidence either (a real jump at the border is
# missed; the border's own sightings were excused before).
OUTLINE_SHARE = 0.5
# A position jump nearby bends a speed jump's fits too, so a speed jump is read only where
# the fits around it meet in place. But the speed change itself parts them: fitted either
# side of the boundary and compared half a frame step from each sighting, two lines whose
# slopes differ by dv meet there only if the change fell mid-step, and are up to half of dv
# apart if it fell at a sighting. At 8-10 fps a jump to three times a fast slide's speed
# parts them by more than JUMP_SIZES of a small object (spent wild 6043 clip 164: a
# triangle of 20 analysis px from 13 to 33 px a frame at 10 fps, every boundary refused).
CHANGE_GAP = 0.5
ALONG = 0.85  # cosine: a speed jump keeps the way it had (within 32 degrees)


def same_way(along: float) -> bool:
    """Does a change of speed keep the way the object was going (the two velocities' cosine
    `along` within ALONG's angle)? A contact the tracker did not see (an object hidden behind
    a wall, one it took for scenery) turns or reverses a mover; a speed jump multiplies its
    speed along its way (spent wild seeds, session 23: three of the seven false speed jumps
    on clean clips were such turns, a reversal off an unseen hit or a throw's top read
    across the camera's unfitted shake). An object setting off from rest has no way to keep:
    its cosine is its jitter's, so a start is mostly not reported. That is deliberate:
    excusing parts that were still brought back two false speed jumps on clean clips of
    each pool (TUNE dev1515 40, held9191 14, and two on VALIDATE; review, session 23).
    """
    return along >= ALONG


class Break(NamedTuple):
    """The two fits either side of the boundary seg[k-1] | seg[k], compared where they meet."""

    k: int
    gap_p: float  # analysis px between the two fits' positions
    gap_v: float  # analysis px/frame between their velocities
    speed: float  # the faster fit's speed
    contact: bool  # the ground may have made the change
    fitted: int  # sightings in the shorter side's fit
    whole: float  # share of the velocity change the part's whole outline shows
    along: float  # cosine between the two fits' velocities (1: the same way)


class Jumps:
    def _breaks(self, seg: list[Point]) -> list[Break]:
        """One `Break` per boundary seg[k-1] | seg[k] that has fits on both sides."""
        xy = np.array([(p.x, p.y) for p in seg])
        frames = np.array([p.frame for p in seg], dtype=float)
        # The box's edges in scene coordinates (the centroid's camera shift added).
        corners = np.array(
            [
                (
                    x + p.x - p.det.cx,
                    y + p.y - p.det.cy,
                    x + w + p.x - p.det.cx,
                    y + h + p.y - p.det.cy,
                )
                for p in seg
                for x, y, w, h in [p.det.bbox]
            ],
            dtype=float,
        )
        d2 = xy[2:] - 2 * xy[1:-1] + xy[:-2]  # d2[i] centred on seg[i + 1]
        units = self.units
        bounces = bounce_points(xy, units)
        band = GROUND_BAND
        flight_top = xy[:, 1].max() - max(band, 0.5 * float(np.median([p.det.size for p in seg])))
        # Gravity is the same all along a track: where a boundary's own arc is too short to
        # measure it (at 8 fps a hop of four sightings between bounces has two second
        # differences), the segment's flight stands in: second differences away from bounces
        # and above the lowest level, where a settled object's zeros would water gravity down.
        # Five or more, so that the trimmed mean drops a kink (a speed jump in flight).
        in_flight = [
            i
            for i in range(len(d2))
            if not bounces & {i, i + 1, i + 2} and xy[i + 1, 1] <= flight_top
        ]
        seg_accel = trimmed_mean(d2[in_flight]) if len(in_flight) >= 5 else np.zeros(2)
        out = []
        for k in range(2, len(seg) - 1):
            if any(k - 1 <= j <= k for j in bounces):
                continue  # the ground changed the motion here
            # Each side's fit stops short of a bounce's lowest points.
            lo = max([k - SIDE, 0] + [j + 1 for j in bounces if j < k])
            hi = min([k + SIDE, len(seg)] + [j for j in bounces if j > k])
            if k - lo < 2 or hi - k < 2:
                continue
            t0 = frames[k] - 0.5
            # The steady acceleration here (gravity in flight, zero at rest), from a wide
            # stretch of the arc between bounces: rendered edges snap to whole pixels, so
            # second differences over short windows alternate in sign.
            arc_lo = max([k - ACCEL_SPAN, 0] + [j + 1 for j in bounces if j < k])
            arc_hi = min([k + ACCEL_SPAN, len(seg)] + [j for j in bounces if j > k])
            # (Second differences reaching back to a bounce's lowest sighting straddle the
            # bounce, so they start one later there.)
            start = arc_lo if arc_lo - 1 in bounces else max(0, arc_lo - 1)
            local = d2[start : max(start, arc_hi - 2)]
            accel = trimmed_mean(local) if len(local) >= 3 else seg_accel.copy()
            accel[np.abs(accel) < ACCEL_NOISE] = 0.0
            pb, vb = side_fit(xy[lo:k], frames[lo:k], accel, t0)
            pa, va = side_fit(xy[k:hi], frames[k:hi], accel, t0)
            speed = float(max(np.hypot(*vb), np.hypot(*va)))
            dv = va - vb
            # Falling onto the ground, or hopping on it: vertical changes near the lowest level.
            low = xy[:, 1].max() - max(band, 0.5 * seg[k].det.size)
            grounded = abs(dv[1]) > abs(dv[0]) and xy[k, 1] > low
            # Sliding along its lowest level and slowing down: friction on the ground.
            sliding = (
                xy[k, 1] > low
                and max(abs(vb[1]), abs(va[1])) < units.speed(LEVEL)
                and np.hypot(*va) < np.hypot(*vb)
            )
            contact = floor_contact(vb, va, units) or grounded or sliding
            gap_p, gap_v = float(np.hypot(*(pa - pb))), float(np.hypot(*dv))
            whole = outline_share(corners, frames, lo, k, hi, accel, t0, dv)
            sb, sa = float(np.hypot(*vb)), float(np.hypot(*va))
            along = float(np.dot(va, vb)) / max(1e-9, sa * sb)
            fitted = min(k - lo, hi - k)
            out.append(Break(k, gap_p, gap_v, speed, contact, fitted, whole, along))
        return out

    def _jumps(self, track, seg, seg_breaks, sigma_p, sigma_v) -> list[Event]:
        size = float(np.median([p.det.size for p in seg]))
        jump_p = max(TELEPORT_FLOOR, JUMP_SIZES * size, 8.0 * sigma_p) * self.k
        far = teleport_distance(size, self.units)
        bar_p = max(jump_p, far * self.k)
        events = []
        xy = np.array([(p.x, p.y) for p in seg])
        for k, dp, dv, speed, contact, fitted, whole, along in seg_breaks:
            # Touching another object can change a velocity, never a position: contact
            # excuses speed jumps only.
            if not all(cut_whole(p) for p in seg[max(0, k - 1) : k + 1]):
                continue
            quiet = self._quiet(seg, k - 2, k + 2, track.id)
            bar_v = (
                max(SPEED_JITTER, self.units.speed(SPEED_FLOOR), 8.0 * sigma_v, SPEED_SHARE * speed)
                * self.k
            )
            # The largest gap among boundaries whose fits share sightings dates the change.
            near = [b for b in seg_breaks if abs(b.k - k) < SIDE]
            p = seg[k]
            same_look = 0.7 < seg[k].det.area / max(1.0, seg[k - 1].det.area) < 1.4
            # A background-model part touching another just before it jumps may have
            # swapped places with it (the tracker re-associating a lost part by its look).
            # Session 19 tried excusing only a landing where the touched part was: +2
            # teleports on wild clips, but a foot juggling a ball and hands signing (real,
            # unedited footage) then jumped far from what they touched: 2 false alarms in
            # 250 unedited real clips. Real footage wins.
            swapped = track.from_background_model and bool(seg[k - 1].near)
            if dp > bar_p and dp >= max(b.gap_p for b in near) and same_look and not swapped:
                events.append(self._event("teleport", p, track, dp / bar_p - 0.5,
                                          f"jumped {dp * self.scale:.0f} px off its path"))  # fmt: skip
            elif (
                quiet
                and (fitted >= SPEED_FITTED or not track.from_background_model)
                and max(b.gap_p for b in near) <= jump_p + CHANGE_GAP * dv  # see CHANGE_GAP
                and dv > bar_v
                and dv >= max(b.gap_v for b in near)
                and whole >= OUTLINE_SHARE
                and same_way(along)
                and not contact
                and not self._collided(track.id, seg, k)
                and sustained_change(xy, k, SUSTAIN_SPAN) >= SPEED_SHARE
            ):
                events.append(self._event("speed_jump", p, track, dv / bar_v - 0.5,
                                          f"changed speed by {dv * self.scale:.1f} px/frame with no contact"))  # fmt: skip
        return events

    def _collided(self, tid: int, seg: list[Point], k: int) -> bool:
        """Could another object have hit this one around the boundary seg[k-1] | seg[k]?

        Collisions happen between frames, so two objects may never be seen touching: this
        object's box is swept along its motion relative to the other over each frame step
        near the boundary, and any other part the swept box reaches may have hit it.
        (Sweeping by the relative motion, not by both speeds added, keeps two objects
        gliding side by side from excusing each other's changes.)
        """
        for i in range(max(1, k - 1), min(len(seg), k + 2)):
            a0, a1 = seg[i - 1], seg[i]
            if a1.frame != a0.frame + 1:
                continue
            before = self._by_frame.get(a0.frame, {})
            after = self._by_frame.get(a1.frame, {})
            usual = self._usual.get(tid, a0.det.area)
            for oid in set(before) | set(after):
                if oid == tid or self._scenery.get(oid, 0.0) > usual or oid in self._ghosts:
                    continue  # scenery is passed behind, never hit; a ghost is no object
                q0, q1 = before.get(oid), after.get(oid)
                ref = q0 or q1
                margin = CONTACT_MARGIN + 0.3 * min(a0.det.size, ref.det.size)
                if q0 is None or q1 is None:
                    # Seen on one side only: allow for this object's own step.
                    a = a0 if q0 is not None else a1
                    step = math.hypot(a1.x - a0.x, a1.y - a0.y)
                    if box_gap(a.det.bbox, ref.det.bbox) <= margin + step:
                        return True
                    continue
                rx = (a1.x - a0.x) - (q1.x - q0.x)
                ry = (a1.y - a0.y) - (q1.y - q0.y)
                if box_gap(swept_box(a0.det.bbox, rx, ry), q0.det.bbox) <= margin:
                    return True
        return False
