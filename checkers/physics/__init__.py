"""physics_sanity: teleports, speed jumps with no contact, gravity reversing, bounces gaining
energy, falling through the floor or through another object; flow warping-error spikes
where there are no clean objects to follow.

One detector a file; `PhysicsChecker` (checker.py) collects the clip's tracks and runs them
all in `finalize`:

- judged.py: which tracks and clips physics judges (textured parts by how they behave)
- sightings.py: which sightings show free motion, and which tracks are scenery
- pendulum.py: objects swinging on a string (no free flight to judge)
- jumps.py: teleports and speed jumps (fits either side of each frame boundary)
- point_speed.py: speed jumps of background-model parts read from their own LK points
- gravity.py: gravity reversing in free flight
- bounces.py: bounces gaining energy
- floor.py: objects sinking through the floor (the plain path's ground line)
- floor_line.py, floor_sinking.py: the floor's edge on any backdrop, and sinking through it
- through_objects.py: objects passing through one another (plain parts)
- crossings.py: passing through, for background-model parts (overlap, colors as they part)
- flow_spikes.py: warping-error spikes where there are no clean objects
- motion_gate.py: which changes of motion a background-model part vouches for
- dedupe.py: one cause reported once

Thresholds are in the units of what they guard against (checkers/units.py): the world's
speeds, accelerations and durations per second and in short sides, converted once per clip
from its frame rate and analysis size; measurement jitter in analysis pixels per frame.
"""

from checkers.physics.checker import PhysicsChecker

__all__ = ["PhysicsChecker"]
