"""Captions from a small grammar, and their parser.

    caption  := clause [" while " clause [" and they collide"]] [" and " clause]
                " on a " ["textured "] BACKGROUND " background" [" as the camera pans to the " DIR]
    clause   := "a " COLOR " " SHAPE " " MOTION [" behind a " COLOR " " OCCLUDER]
                [" and enters the frame"] [" and leaves the frame"]

The wild profile adds shapes and "swings on a string" (vocab.WILD_*), and objects laid out
outside the view that come in ("and enters the frame"); the other profiles never say those.

("a" is "an" before a vowel: "an orange ball".)

A caption describes the clean scene over the rendered clip: what it says (passing behind
the occluder, leaving the frame, colliding) is read off a simulation, not guessed.
"""

from __future__ import annotations

import math

from vidgen.world.geometry import flags, reference_view
from vidgen.world.physics import SAMPLE_HZ, Simulation
from vidgen.world.scene import Scene, canonical_shape
from vidgen.world.vocab import (
    ALL_MOTION_PHRASES,
    ALL_SHAPES,
    BACKGROUND_COLORS,
    COLORS,
    MOTION_DIRECTION,
    SHAPE_SYNONYMS,
    article,
)


def scene_facts(
    scene: Scene, *, duration: float | None = None, aspect: float | None = None
) -> dict:
    """What happens in the clean scene, as the caption needs it, over `duration` seconds seen at
    `aspect` (default: the scene's laid-out duration and aspect; render_clip passes the
    rendered clip's, so a caption never tells what happens after the last frame)."""
    clean = scene.clean()
    duration = clean.duration if duration is None else duration
    sim = Simulation(clean)
    view = reference_view(clean, aspect)
    n = len(clean.objects)
    hidden = [False] * n
    seen_start = [False] * n
    seen_later = [False] * n
    gone_end = [False] * n
    # laid out outside its own view: an object placed to come in (the wild profile's entries)
    laid = reference_view(clean)
    outside = [not flags(s, clean, laid, 0.0)["in_frame"] for s in Simulation(clean).state_at(0)]
    steps = int(math.floor(duration * SAMPLE_HZ + 1e-6))
    times = [k / SAMPLE_HZ for k in range(steps + 1)]
    if times[-1] < duration - 1e-9:
        times.append(duration)  # the last rendered instant itself
    for k, t in enumerate(times):
        for s in sim.state_at(t):
            f = flags(s, clean, view, t)
            hidden[s.id] |= f["hidden"] and f["in_frame"]
            if k == 0:
                seen_start[s.id] = f["in_frame"]
            seen_later[s.id] |= f["in_frame"]
            if k == len(times) - 1:
                gone_end[s.id] = not f["in_frame"]
    collided = any(e.kind == "collision" and {e.a, e.b} == {0, 1} for e in sim.events)
    return {
        "hidden": hidden,
        "enters": [a and b for a, b in zip(outside, seen_later, strict=True)],
        "leaves": [a and b for a, b in zip(seen_start, gone_end, strict=True)],
        "collide": collided,
    }


def make_caption(
    scene: Scene, *, duration: float | None = None, aspect: float | None = None
) -> str:
    """The caption of the clean scene over `duration` s at `aspect` (see scene_facts)."""
    facts = scene_facts(scene, duration=duration, aspect=aspect)
    clauses = []
    for i, obj in enumerate(scene.objects):
        shape = canonical_shape(obj.shape)
        words = f"{article(obj.color)} {obj.color} {shape} {ALL_MOTION_PHRASES[obj.motion]}"
        if facts["hidden"][i] and scene.occluder is not None:
            occ = scene.occluder
            words += f" behind {article(occ.color)} {occ.color} {occ.kind}"
        if facts["enters"][i]:
            words += " and enters the frame"
        if facts["leaves"][i]:
            words += " and leaves the frame"
        clauses.append(words)
    text = clauses[0]
    if len(clauses) > 1:
        text += " while " + clauses[1]
    if facts["collide"] and len(clauses) > 1:
        text += " and they collide"  # only the first two objects are ever set to collide
    for clause in clauses[2:]:
        text += " and " + clause
    textured = "textured " if scene.texture > 0 else ""
    text += f" on {article(textured or scene.background)} {textured}{scene.background} background"
    if scene.pan:
        text += f" as the camera pans to the {'right' if scene.pan > 0 else 'left'}"
    return text


def _match_motion(words: list[str], i: int) -> tuple[str | None, int]:
    """Longest motion phrase starting at words[i]: (motion kind, index after it)."""
    best, best_end = None, i
    for kind, phrase in ALL_MOTION_PHRASES.items():
        p = phrase.split()
        if words[i : i + len(p)] == p and i + len(p) > best_end:
            best, best_end = kind, i + len(p)
    return best, best_end


def parse_caption(caption: str) -> dict:
    """Read a caption back: the primary (first) object's color, shape, motion and
    motion_direction, the background, and every object clause found.

    Lenient: words outside the grammar are skipped, "circle" reads as "ball", and what is
    missing comes back as None (motion_direction "none" for no motion phrase).
    """
    words = caption.lower().replace(",", " ").replace(".", " ").split()
    objects = []
    background = None
    textured = False
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if w == "on" and "background" in words[i + 1 : i + 5]:
            j = words.index("background", i + 1)
            for c in words[i + 1 : j]:
                if c in BACKGROUND_COLORS:
                    background = c
                textured |= c == "textured"
            i = j + 1
            continue
        if w == "behind":
            i += 4 if i + 3 < len(words) else 1  # "behind a gray wall"
            continue
        if w in COLORS and nxt is not None and (nxt in ALL_SHAPES or nxt in SHAPE_SYNONYMS):
            motion, end = _match_motion(words, i + 2)
            objects.append(
                {
                    "color": w,
                    "shape": canonical_shape(nxt),
                    "motion": motion,
                    "motion_direction": MOTION_DIRECTION[motion] if motion else "none",
                }
            )
            i = end
            continue
        i += 1
    primary = objects[0] if objects else {}
    return {
        "color": primary.get("color"),
        "shape": primary.get("shape"),
        "motion": primary.get("motion"),
        "motion_direction": primary.get("motion_direction", "none"),
        "background": background,
        "textured": textured,
        "objects": objects,
    }
