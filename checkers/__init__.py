"""Temporal-consistency checkers for video: identity drift, object permanence, physics sanity.

A standalone library: it imports neither vidgen nor diffusers (nor torch, except for the
optional LPIPS distance and the learned features). Start with `checkers.runner.check_clip`.

One clip, in the order its frames flow (runner.py runs them):

    video.py, cadence.py      decode (decord or PyAV) at the analysis size; repeated pictures
    look_ahead.py             the leading pictures, for the background model's clean plate
    perception/               camera, cuts, exposure, the background model, scene bursts,
                              faces, recolors along the flow
    segment.py, tracking/     parts of each frame, and object tracks with a confidence each
    features/                 appearance vectors (classical, MobileNetV2, DINOv2, faces)
    identity.py               identity_drift (identity_motion.py: on the background model's parts)
    permanence.py             object_permanence
    physics/                  physics_sanity, one rule a file
    explained.py              one violation, one event across the checks
    report.py, html/          the vidgen.check/1 JSON, CSV, the one-liner and the HTML report

Thresholds are in object sizes, shares of the frame and seconds (units.py), so the analysis
size and the frame rate are free.
"""

from checkers.base import Checker, CheckError, CheckResult, Event

__all__ = ["CheckError", "CheckResult", "Checker", "Event"]
