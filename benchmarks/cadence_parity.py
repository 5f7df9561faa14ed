"""Repeated frames at corpus scale: is a clip shown with each frame repeated judged like the clip?

For each clip of a folder, its decoded frames are written again with every frame shown
`--repeat` times at `--repeat` times the frame rate (H.264, written as `vidgen world`
writes its clips), and both are checked in this process (`checkers.runner.check_clip`,
default features). Compared: the verdict, and the events as (check, kind, object) with each
event's frame times the repeat factor, within one picture (the repeated clip's frame numbers
are the decoded ones; a re-encode can move an onset by one picture).

    python benchmarks/cadence_parity.py /tmp/sw/c14 --work /tmp/cadence --repeat 3
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import imageio.v3 as iio


def repeated_copy(src: Path, dst: Path, repeat: int) -> None:
    meta = iio.immeta(src, plugin="pyav")
    fps = float(meta["fps"])
    frames = iio.imread(src, plugin="pyav")
    from vidgen.world.corpus import write_mp4  # the way `vidgen world` writes its clips

    part = dst.with_name(dst.stem + ".part.mp4")  # a run cut short leaves no half clip
    write_mp4(part, frames.repeat(repeat, axis=0), fps * repeat)
    part.replace(dst)


def main() -> None:
    from checkers.runner import check_clip

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--first", type=int, default=None)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    clips = sorted(args.folder.glob("*.mp4"))[: args.first]
    same_verdict = same_events = 0
    for clip in clips:
        copy = args.work / clip.name
        if not copy.exists():
            repeated_copy(clip, copy, args.repeat)
        plain, repeated = check_clip(str(clip)), check_clip(str(copy))
        a = sorted((e.check, e.kind, e.object, e.frame * args.repeat) for e in plain.events)
        b = sorted((e.check, e.kind, e.object, e.frame) for e in repeated.events)
        events_match = len(a) == len(b) and all(
            x[:3] == y[:3] and abs(x[3] - y[3]) <= args.repeat for x, y in zip(a, b, strict=True)
        )
        same_verdict += plain.verdict == repeated.verdict
        same_events += events_match
        print(json.dumps({"clip": clip.name, "verdicts": [plain.verdict, repeated.verdict],
                          "picture_fps": [plain.picture_fps, repeated.picture_fps],
                          "events_match": events_match,
                          **({} if events_match else {"plain": a, "repeated": b})}))  # fmt: skip
    print(
        f"{len(clips)} clips, repeat {args.repeat}: same verdict {same_verdict}, "
        f"same events {same_events}"
    )


if __name__ == "__main__":
    main()
