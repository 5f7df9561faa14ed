"""One clip of the wild profile: format, scene, style, frames and labels.

Item i of a corpus draws from three generators of its own (numpy.random.default_rng([seed, i]),
[seed, i, 1] and [seed, i, 2]): the scene exactly as random_scene draws it for profile "wild",
the clip format, and the style, so fixing --size or --fps changes nothing else about a clip.
The labels are the shapes world's (vidgen.world.clip), tracks and flags seen through the
camera, plus:

    profile: "wild"
    style: the look (vidgen.world.wild_style.Style.to_dict); a photographic background names
           its source as folder/file and the frame index of the still
    encoding: {"codec": "libx264", "pixel_format": "yuv420p", "crf": 18..32}

`background`, `noise` and the caption keep the scene's own names (a caption still says "on a
white background"); the look is in `style`. `vidgen world --profile wild --seed S --scene
labels.jsonl` re-renders corpus S's scenes in their own styles (at another --size if given).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vidgen.world.clip import Clip, render_clip
from vidgen.world.generate import random_scene
from vidgen.world.scene import Scene
from vidgen.world.wild_photos import default_sources, sources_in
from vidgen.world.wild_render import WildLook
from vidgen.world.wild_scene import random_format
from vidgen.world.wild_style import random_style


def photo_sources(backgrounds: tuple[str, ...] | None) -> list[Path]:
    """The clips and images stills are taken from: None -> the shared folders beside the
    repository (none in a fresh clone); ("none",) -> none; else the named folders."""
    if backgrounds is None:
        return default_sources()
    if tuple(backgrounds) == ("none",):
        return []
    found: list[Path] = []
    for folder in backgrounds:
        found.extend(sources_in(Path(folder)))
    return sorted(set(found))


def make_wild_item(
    *,
    seed: int,
    index: int,
    violation_rate: float,
    size: tuple[int, int] | None = None,
    fps: float | None = None,
    frames: int | None = None,
    photos: list[Path] | None = None,
    scene: Scene | None = None,
    kinds: tuple[str, ...] | None = None,
) -> Clip:
    """The index-th wild clip of a corpus; size, fps and frames left None are drawn per clip;
    `kinds`: the violation kinds it may carry (None: all of them, see random_scene)."""
    fmt = random_format(np.random.default_rng([seed, index, 1]), size=size, fps=fps, frames=frames)
    if scene is None:
        scene = random_scene(
            np.random.default_rng([seed, index]),
            profile="wild",
            violation_rate=violation_rate,
            aspect=fmt.width / fmt.height,
            duration=max((fmt.frames - 1) / fmt.fps, 0.5),
            kinds=kinds,
        )
    style = random_style(np.random.default_rng([seed, index, 2]), scene, photos or [])
    clip = render_clip(
        scene, width=fmt.width, height=fmt.height, frames=fmt.frames, fps=fmt.fps,
        look=WildLook(style),
    )  # fmt: skip
    look = style.to_dict()
    if look["photo"] is not None:
        source = Path(look["photo"]["source"])
        look["photo"] = {**look["photo"], "source": f"{source.parent.name}/{source.name}"}
    clip.labels.update(
        profile="wild",
        style=look,
        encoding={"codec": "libx264", "pixel_format": "yuv420p", "crf": fmt.crf},
        textured=style.background != "plain",
    )
    return clip
