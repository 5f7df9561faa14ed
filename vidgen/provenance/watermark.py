"""An invisible, robust watermark: a 64-bit payload spread over the luma of every frame.

Why this design (measured in benchmarks/provenance_watermark.py):
- Luma, not chroma: 4:2:0 halves chroma, and chroma-only DWT-DCT marks fall to chance at
  libx264 crf 28. Adding the same offset to R, G and B moves luma only.
- Each chip is a smooth bump over an 8x8 block: its energy sits at low spatial frequencies
  that survive H.264 quantisation and halving the size (4-pixel chips lose about half of
  their amplitude at crf 28 even on a flat background; 8-pixel chips keep 80-90%).
- The layout is 16x16 chips: 64 sync chips and 192 chips for the payload's 192 coded bits
  (a rate-1/3 convolutional code, wmcode.py), in a fixed pseudo-random order.
- Frames of 192 pixels or more a side ("static" scheme): the 128-pixel tile repeats over
  the frame and is the same in every frame; a crop, a trim or a re-encode leaves many
  copies, and the reader folds every frame modulo the tile.
- Smaller frames ("cycling" scheme; the embedded shapes model makes 64x64): a 128-pixel
  tile does not fit and 4-pixel chips do not survive re-encoding, so the tile is cut into
  four 64-pixel quadrants and frame t carries quadrant t mod 4, tiled over the frame. The
  reader folds the four frame classes apart and subtracts their mean: what is static in
  the picture (flat backgrounds and edges, which swamp a static mark in a tiny clip)
  cancels, the mark does not. Which class holds which quadrant (a trim shifts it) is one
  of four hypotheses the sync search tries.
- A quarter of the chips are a fixed sync pattern: an FFT cross-correlation of the folded
  tile with it (whitened against the picture's spectrum) finds the crop offset; a few
  candidate tile periods cover rescaling, and the best of three peaks per period is kept.
- The layout (tile, sync chips, chip shape, schemes by frame size) is wmlayout.py, shared
  with the reader, wmread.py. A reading counts only when the decoded payload's CRC matches
  and its codeword agrees with the chips beyond what the best codeword reaches on noise,
  so an unmarked clip reads as absent rather than as a random payload.
"""

from __future__ import annotations

import math

import numpy as np

from vidgen.provenance import wmcode
from vidgen.provenance.wmcode import BITS, CODED_BITS, payload_for, payload_ok  # noqa: F401
from vidgen.provenance.wmlayout import (  # noqa: F401  (can_mark, cycling: this module's API)
    BLOCK,
    CYCLE,
    HALF,
    can_mark,
    chip_tile,
    chip_values,
    cycling,
    quadrant,
)

TARGET_RMS = 1.95  # luma levels, static scheme: about 42 dB PSNR after rounding to uint8
# Cycling scheme: about 38.5 dB. A tiny clip has little area to spread the mark over, so it
# gets a little more amplitude (measured: crf 28 payloads on 64x64 model clips).
SMALL_RMS = 3.0
SMALL_TARGET_Z = 20.0  # ...raised per clip until its own mark reads this surely (see embed)
# ...but at most this many times. 1.0, i.e. no raise: at 2x (about 33 dB) the chip grid was
# plainly visible on the flat white background of an enlarged model clip, and an invisible
# mark matters more than crf 28 on a 64x64 toy clip (its signed manifest still carries the
# provenance). Measured: crf 28 payloads on busy model clips 5/8 at 1.0, 22/24 at 2.0.
SMALL_MAX_GAIN = 1.0


def _bits(payload_hex: str) -> np.ndarray:
    return wmcode.bits_of(payload_hex)


# ---- embedding ----------------------------------------------------------------------------


def _tiled(pixels: np.ndarray, frame_h: int, frame_w: int) -> np.ndarray:
    reps = (math.ceil(frame_h / pixels.shape[0]), math.ceil(frame_w / pixels.shape[1]))
    return np.tile(pixels, reps)[:frame_h, :frame_w]


def pattern(payload_hex: str, frame_h: int, frame_w: int, index: int = 0) -> np.ndarray:
    """The +-1-scale mark of frame `index` for a frame size (H, W), before strength/masking."""
    chips = chip_values(payload_hex)
    if cycling(frame_h, frame_w):
        return _tiled(chip_tile(quadrant(chips, index % CYCLE), BLOCK), frame_h, frame_w)
    return _tiled(chip_tile(chips, BLOCK), frame_h, frame_w)


def _masking(gray: np.ndarray) -> np.ndarray:
    """Local activity of a uint8 luma plane, about mean 1: more mark in texture, where it hides."""
    import cv2

    # measured at half resolution: activity is smoothed anyway, and this is 4x cheaper
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    activity = cv2.GaussianBlur(np.abs(gx) + np.abs(gy), (0, 0), 2.0)
    activity /= float(activity.mean()) + 1e-6
    # A high floor: x264's dead zone erases a faint mark on flat areas, so flat areas keep
    # most of the strength (measured on shapes-world clips: crf 35 bit accuracy 0.88 -> 0.97
    # with a floor of 1.0 instead of 0.5).
    np.clip(activity, 0.8, 2.0, out=activity)
    activity += 0.2
    return cv2.resize(activity, (gray.shape[1], gray.shape[0]))


def _add_luma(frame: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """frame + round(delta) on R, G and B, saturated to 0..255: moves luma, leaves chroma.

    Done as a saturating add of the positive part and subtract of the negative part in
    uint8 (exact, and several times cheaper than the same sum in float).
    """
    import cv2

    pos = cv2.convertScaleAbs(np.maximum(delta, 0))  # rounds and saturates
    neg = cv2.convertScaleAbs(np.minimum(delta, 0))
    return cv2.subtract(cv2.add(frame, cv2.merge((pos, pos, pos))), cv2.merge((neg, neg, neg)))


def embed(frames: np.ndarray, payload_hex: str, target_rms: float | None = None) -> np.ndarray:
    """Mark every frame of a (T, H, W, 3) uint8 clip; returns a new uint8 array.

    Small frames (the cycling scheme) without a given `target_rms` check their own mark:
    a busy, changing picture (the shapes model's blotchy backgrounds) drowns a mark that
    a flat one carries easily, so such a clip gets more amplitude, up to SMALL_MAX_GAIN
    times, until the mark reads with a margin (SMALL_TARGET_Z) in the unencoded frames.
    """
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"expected uint8 frames of shape (T, H, W, 3), got {frames.shape}")
    small = cycling(*frames.shape[1:3])
    if not small or target_rms is not None:
        return _embed(frames, payload_hex, target_rms or (SMALL_RMS if small else TARGET_RMS))
    gain = 1.0
    for _ in range(3):
        out = _embed(frames, payload_hex, SMALL_RMS * gain)
        if gain >= SMALL_MAX_GAIN:  # no room to raise: the self-check would change nothing
            break
        margin = _own_margin(out, payload_hex)
        if margin >= SMALL_TARGET_Z:
            break
        # the margin grows about in proportion to the amplitude; aim 5% above the target
        gain = min(SMALL_MAX_GAIN, gain * 1.05 * SMALL_TARGET_Z / max(margin, 1.0))
    return out


def _own_margin(marked: np.ndarray, payload_hex: str) -> float:
    import cv2

    from vidgen.provenance.wmread import _CycleFold  # the reader, as verify runs it

    fold = _CycleFold(float(HALF * BLOCK))
    for t, frame in enumerate(marked):
        fold.add(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32), t)
    return fold.margin(payload_hex)


def _embed(frames: np.ndarray, payload_hex: str, rms: float) -> np.ndarray:
    import cv2

    _, height, width, _ = frames.shape
    small = cycling(height, width)
    marks = [pattern(payload_hex, height, width, q) for q in range(CYCLE if small else 1)]
    out = np.empty_like(frames)
    for t, frame in enumerate(frames):
        mark = marks[t % len(marks)]
        # Small frames: no masking. The reader down-weights edges, and a tiny clip has too
        # few textured pixels for masking to pay; flat areas carry the mark evenly.
        delta = mark if small else mark * _masking(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY))
        scale = rms * math.sqrt(delta.size) / (cv2.norm(delta, cv2.NORM_L2) + 1e-6)
        out[t] = _add_luma(np.ascontiguousarray(frame), delta * np.float32(scale))
    return out
