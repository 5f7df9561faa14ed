"""Shared perception for footage of any kind: one stage a file, run in this order per frame.

    camera.py       camera motion between frames: homography from tracked corners (LK + USAC)
    camera_fit.py   the camera's similarity step the background model and its plate are
                    carried by: the fit that aligns the whole frame, not a crisp object
    clean_plate.py  the first frame's backdrop with its moving objects taken out (look-ahead)
    background.py   foreground on any backdrop: a motion-compensated background model whose
                    parts the tracker (checkers/tracking/) follows on textured footage
    grouping.py     the background model's parts that lie close and move together, joined
                    into one detection (a shaded body and its highlight are one object)
    model_ahead.py  runs the background model one picture ahead of the tracker, on a thread
    camera_ahead.py fits the model's camera steps as the pictures are decoded, on threads
    seen_before.py  whether the frame before already showed a new part, a little off (an
                    object learnt into the model that started to move in place)
    cuts.py         shot cuts: the scene is lost and its colors or layout are replaced
    photometric.py  exposure and white balance: per-channel gain and offset on the static scene
    change.py       unexplained change: what neither camera, exposure nor motion (DIS) explains
    bursts.py       bursts of unexplained change in a calm place, with nothing moving next to it
    lasting.py      the appearance embedder's confirmation that a burst changed the place's look
    recolor_flow.py regions whose color steps in one frame while dense flow carries their
                    brightness across (identity's watcher, beside the tracker)
    jump_flow.py    content that left one place and appeared far off in one frame, with
                    neither place moving (physics' watcher, beside the tracker)
    faces.py        face tracks and their identity, calibrated on each face's early looks
    face_dating.py  where a face track's identity change began
    face_boxes.py   which face box continues which track, and its box between detections
    scene.py        runs the scene stages (cuts to lasting) and hands each frame's SceneStep
                    to the checkers
    on_demand.py    runs scene.py at the cost a clip needs: bursts only where a check reads them

pixel_grid.py holds the pixel coordinates every flow stage adds a flow to (one per size).

Object-level perception lives beside it: checkers/segment.py (foreground parts on a plain
backdrop, the shapes world and studio shots), checkers/tracking/ (object tracks over the
parts of either segmentation, with a confidence per track), checkers/flow.py (frame-level
flow signals). The tracker chooses the segmentation once per clip, on its first frame. Appearance vectors come from
checkers/features/ (classical, MobileNetV2, DINOv2, dlib faces).
"""
