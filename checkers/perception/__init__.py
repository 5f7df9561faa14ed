"""Shared perception for footage of any kind: one stage a file, run in this order per frame.

    camera.py       camera motion between frames: homography from tracked corners (LK + USAC)
    cuts.py         shot cuts: the scene is lost and its colors or layout are replaced
    photometric.py  exposure and white balance: per-channel gain and offset on the static scene
    change.py       unexplained change: what neither camera, exposure nor motion (DIS) explains
    bursts.py       bursts of unexplained change in a calm place, with nothing moving next to it
    lasting.py      the appearance embedder's confirmation that a burst changed the place's look
    faces.py        face tracks and their identity, calibrated on each face's early looks
    scene.py        runs the stages above and hands each frame's SceneStep to the checkers

Object-level perception for clean backdrops (the shapes world, studio shots) predates this
package and lives beside it: checkers/segment.py (foreground parts), checkers/tracking/
(object tracks), checkers/flow.py (frame-level flow signals). Appearance vectors come from
checkers/features/ (classical, MobileNetV2, DINOv2, dlib faces).
"""
