"""Session 25's exact speed-ups of `vidgen check`: each gives what the work it replaced gave,
bit for bit (benchmarks/verdict_parity.py holds whole clips to the same verdicts and events).
Each test fails on main 1777e54, where the faster form does not exist."""

from __future__ import annotations

import numpy as np

from checkers.perception import photometric
from checkers.perception.photometric import Photometric, fit_photometric


def _old_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    # main's `_line`: numpy's var and mean on one channel's column.
    spread = float(x.var())
    if spread < 25.0:
        return 1.0, float(np.mean(y - x))
    x_mean, y_mean = x.mean(), y.mean()
    g = float(((x - x_mean) * (y - y_mean)).mean() / spread)
    return g, float(y_mean - g * x_mean)


def _old_fit(previous: np.ndarray, current: np.ndarray, static: np.ndarray) -> Photometric:
    # main's fit_photometric: a column a channel, np.quantile over the columns.
    if int(static.sum()) < photometric.MIN_PIXELS:
        return photometric.NEUTRAL
    where = np.flatnonzero(static)
    where = where[:: max(1, where.size // photometric.SAMPLE)]
    x = previous.reshape(-1, 3)[where].astype(np.float64)
    y = current.reshape(-1, 3)[where].astype(np.float64)
    g, o = np.array([_old_line(x[:, c], y[:, c]) for c in range(3)]).T
    residual = np.abs(y - (g * x + o))
    bars = np.quantile(residual, photometric.TRIM, axis=0)
    gain, offset = np.ones(3), np.zeros(3)
    for c in range(3):
        keep = residual[:, c] <= bars[c]
        g, o = _old_line(x[keep, c], y[keep, c])
        if abs(np.log(max(g, 1e-3))) > photometric.MAX_GAIN_STEP:
            return photometric.NEUTRAL
        gain[c], offset[c] = g, o
    return Photometric(gain.astype(np.float32), offset.astype(np.float32))


def _frames(rng: np.random.Generator, kind: int) -> tuple[np.ndarray, np.ndarray]:
    h, w = int(rng.integers(12, 120)), int(rng.integers(12, 200))
    if kind == 0:  # uint8 frames, an exposure step and noise
        p = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        c = np.clip(p * rng.uniform(0.8, 1.2) + rng.normal(0, 5, p.shape), 0, 255)
        return p, c.astype(np.uint8)
    if kind == 1:  # a float32 model against a frame: sums that round
        p = (rng.random((h, w, 3)) * 255).astype(np.float32)
        c = p * np.float32(rng.uniform(0.7, 1.3)) + rng.normal(0, 3, p.shape).astype(np.float32)
        return p, c
    if kind == 2:  # flat channels: the offset-only branch
        p = np.full((h, w, 3), rng.integers(0, 250), np.uint8)
        p += rng.integers(0, 3, (h, w, 3)).astype(np.uint8)
        c = p.copy()
        c[..., 1] += 2
        return p, c
    p = rng.integers(10, 14, (h, w, 3)).astype(np.uint8) * 10  # ties at the trimming bar
    c = np.clip(p.astype(int) + rng.integers(-2, 3, p.shape), 0, 255).astype(np.uint8)
    return p, c


def test_photometric_fit_is_mains_bit_for_bit():
    # The three channels' fits as rows of one array, and numpy's quantile taken from two
    # order statistics: every gain and offset the same bits as main's column-a-channel fit.
    rng = np.random.default_rng(25)
    fitted = 0
    for trial in range(400):
        previous, current = _frames(rng, trial % 4)
        static = rng.random(previous.shape[:2]) < rng.uniform(0.05, 1.0)
        old, new = _old_fit(previous, current, static), fit_photometric(previous, current, static)
        assert old.gain.tobytes() == new.gain.tobytes()
        assert old.offset.tobytes() == new.offset.tobytes()
        fitted += old is not photometric.NEUTRAL
    assert fitted > 100


def test_quantile_rows_is_numpys():
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 5, 200, 201, 4000, 4001):
        values = rng.random((3, n)) * rng.choice([1.0, 1e-3, 255.0])
        if n > 3:
            values[1, : n // 2] = values[1, 0]  # ties
        for q in (0.0, 0.5, 0.8, 0.999, 1.0):
            expected = np.quantile(values, q, axis=1)
            assert photometric._quantile_rows(values, q).tobytes() == expected.tobytes()
    values[2, 3] = np.nan  # a row with NaN: numpy's own answer
    np.testing.assert_array_equal(photometric._quantile_rows(values, 0.8),
                                  np.quantile(values, 0.8, axis=1))  # fmt: skip


def test_flow_warp_error_reads_the_two_channel_map_as_two_maps():
    # main remapped with the map's x and y planes copied out; the whole (h, w, 2) map gives
    # the same warped pixels, so the same warp error, bit for bit.
    import cv2

    from checkers.flow import FlowMeter

    rng = np.random.default_rng(3)
    for trial in range(40):
        h, w = int(rng.integers(20, 120)), int(rng.integers(20, 200))
        prev = (rng.random((h, w)) * 255).astype(np.uint8)
        gray = np.roll(prev, int(rng.integers(-3, 4)), axis=1)
        flow = rng.normal(0, 2 + trial % 5, (h, w, 2)).astype(np.float32)
        meter = FlowMeter()
        meter._prev_gray = prev
        xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        source = np.dstack([xs, ys]) - flow
        warped = cv2.remap(prev, source[..., 0], source[..., 1], cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        assert meter._warp_error(gray, flow) == float(cv2.absdiff(warped, gray).mean())


def test_median0_is_numpys_median_along_the_first_axis():
    # The same partition and sums as np.median(values, axis=0): its bits, dtype and type,
    # -0.0 and NaN included; other inputs go to numpy itself.
    from checkers.medians import median0

    rng = np.random.default_rng(11)
    for trial in range(3000):
        n, m = int(rng.integers(1, 40)), int(rng.integers(1, 4))
        shape = (n,) if trial % 3 == 0 else (n, m)
        values = rng.normal(0, 3, shape).astype([np.float32, np.float64][trial % 2])
        if trial % 5 == 0:
            values[rng.random(shape) < 0.3] = -0.0
        if trial % 7 == 0:
            values = np.round(values)  # ties
        if trial % 11 == 0:
            values[rng.random(shape) < 0.1] = np.nan
        expected, got = np.median(values, axis=0), median0(values)
        assert type(got) is type(expected)
        assert np.asarray(got).dtype == np.asarray(expected).dtype
        np.testing.assert_array_equal(got, expected)  # NaN where numpy has NaN
        finite = ~np.isnan(np.asarray(expected))
        assert np.array_equal(np.signbit(np.asarray(got))[finite],
                              np.signbit(np.asarray(expected))[finite])  # fmt: skip
    for other in ([3, 1, 2], np.arange(6).reshape(3, 2), np.float16([1, 2, 4, 8])):
        np.testing.assert_array_equal(median0(other), np.median(other, axis=0))


def test_cadence_converts_each_frame_to_gray_once(monkeypatch):
    # The repeats found as main finds them (each frame's change to the one before), with
    # each decoded frame made gray once, not once with each neighbour.
    import cv2

    from checkers import cadence
    from checkers.cadence import DistinctFrames, gray_change
    from checkers.video import Frame

    rng = np.random.default_rng(4)
    pictures = [rng.integers(0, 255, (36, 64, 3), dtype=np.uint8) for _ in range(40)]
    decoded = [Frame(i, i / 24, pictures[i // 3]) for i in range(120)]  # past the look-ahead
    made = []
    real = cv2.cvtColor

    def counted(image, code):
        made.append(1)
        return real(image, code)

    monkeypatch.setattr(cadence.cv2, "cvtColor", counted)
    shown = list(DistinctFrames(iter(decoded), fps=24))
    assert len(made) <= len(decoded)
    monkeypatch.setattr(cadence.cv2, "cvtColor", real)
    # main's rule, from gray_change on each pair
    expected, run = [False], 0
    for a, b in zip(decoded, decoded[1:], strict=False):
        repeat = run < 2 and gray_change(a.image, b.image) < cadence.REPEAT_LEVEL
        run = run + 1 if repeat else 0
        expected.append(repeat)
    assert [s.repeat for s in shown] == expected
    assert sum(expected) == 80


def _old_spread(corners: np.ndarray, shape: tuple[int, int], short: float) -> np.ndarray:
    # main's camera_fit._spread
    import math

    from checkers.perception.camera_fit import CELL, PER_CELL

    cell = max(4.0, CELL * short)
    cols = int(math.ceil(shape[1] / cell))
    ids = (corners[:, 1] // cell).astype(int) * cols + (corners[:, 0] // cell).astype(int)
    order = np.argsort(ids, kind="stable")
    grouped = ids[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(len(ids)) - np.repeat(starts, np.diff(np.r_[starts, len(ids)]))
    return np.sort(order[rank < PER_CELL]).astype(np.intp)


def test_camera_fit_spread_corners_and_their_union_are_mains():
    from checkers.perception.camera_fit import _spread

    rng = np.random.default_rng(9)
    for trial in range(1500):
        n, w, h = int(rng.integers(0, 200)), int(rng.integers(40, 400)), int(rng.integers(40, 300))
        corners = (rng.random((n, 2)) * [w, h]).astype(np.float32)
        if trial % 3 == 0:
            corners = np.round(corners / 8) * 8  # on the cells' edges
        expected = _old_spread(corners, (h, w), float(min(h, w)))
        got = _spread(corners, (h, w), float(min(h, w)))
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
        strong = int(rng.integers(0, n + 1))
        union = np.concatenate([np.arange(strong), got[got >= strong]])  # as camera_similarity
        assert np.array_equal(union, np.union1d(np.arange(strong), got))


def test_pyav_decode_keeps_one_scaler_a_clip(tmp_path, monkeypatch):
    # The PyAV path scales every frame with one scaler, not one set up per frame, and the
    # frames are those each frame's own `to_ndarray` gives.
    import av
    import av.video.reformatter as reformatter

    from checkers import video

    rng = np.random.default_rng(2)
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=16)
        stream.height, stream.width, stream.pix_fmt = 120, 200, "yuv420p"
        for _ in range(12):
            image = rng.integers(0, 255, (120, 200, 3), dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode())
    info = video.probe(path, short_side=72)
    made, real = [], reformatter.VideoReformatter

    def counted():
        made.append(real())
        return made[-1]

    monkeypatch.setattr(reformatter, "VideoReformatter", counted)
    got = [f.image for f in video.frames(info, backend="pyav")]
    assert len(made) == 1
    with av.open(str(path)) as container:
        expected = [
            d.to_ndarray(format="rgb24", width=info.analysis_width,
                         height=info.analysis_height, interpolation="AREA")
            for d in container.decode(container.streams.video[0])
        ]  # fmt: skip
    assert len(got) == 12 and all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))
