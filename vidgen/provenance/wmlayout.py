"""The watermark's fixed layout, shared by the embedder (watermark.py) and the reader
(wmread.py): the 16x16-chip tile, which chips are sync and which carry the coded payload,
the smooth bump each chip is drawn with, and which frame sizes get which scheme.
See watermark.py for why the design is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidgen.provenance import wmcode
from vidgen.provenance.wmcode import CODED_BITS

CHIPS = 16  # tile side, in chips
SYNC_CHIPS = 64  # of CHIPS*CHIPS = 256; the other 192 carry the coded payload
BLOCK = 8  # chip side in pixels, at the embedding scale
STATIC_MIN_SIDE = 192  # frames with a shorter side than this get the cycling scheme
_KEY = 0x76696467  # "vidg": fixes the chip layout and signs; a reader needs the same key
CYCLE = 4  # quadrants, one per frame class t mod 4
MIN_SIDE = 64  # a whole 64-pixel tile must fit in a frame
MIN_FRAMES = 8  # the cycling scheme needs each quadrant in at least two frames


@dataclass(frozen=True)
class Layout:
    signs: np.ndarray  # (CHIPS, CHIPS) of +-1
    sync: np.ndarray  # (CHIPS, CHIPS) bool
    coded_of: np.ndarray  # (CHIPS, CHIPS) int: the coded bit a chip carries, -1 on sync chips


def _layout() -> Layout:
    rng = np.random.default_rng(_KEY)
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(CHIPS, CHIPS))
    order = rng.permutation(CHIPS * CHIPS)
    sync = np.zeros(CHIPS * CHIPS, dtype=bool)
    sync[order[:SYNC_CHIPS]] = True
    coded_of = np.full(CHIPS * CHIPS, -1, dtype=np.int64)
    coded_of[order[SYNC_CHIPS:]] = np.arange(CODED_BITS)  # interleaved over the tile
    return Layout(signs, sync.reshape(CHIPS, CHIPS), coded_of.reshape(CHIPS, CHIPS))


LAYOUT = _layout()
HALF = CHIPS // 2


def quadrant(chips: np.ndarray, q: int) -> np.ndarray:
    """(CHIPS, CHIPS) -> the (CHIPS/2, CHIPS/2) quadrant q (0..3, row-major)."""
    r, c = divmod(q, 2)
    return chips[r * HALF : (r + 1) * HALF, c * HALF : (c + 1) * HALF]


def can_mark(frames: int, frame_h: int, frame_w: int) -> bool:
    if min(frame_h, frame_w) < MIN_SIDE:
        return False
    return cycling(frame_h, frame_w) is False or frames >= MIN_FRAMES


def cycling(frame_h: int, frame_w: int) -> bool:
    """True when a frame of this size gets the cycling (small-frame) scheme."""
    return min(frame_h, frame_w) < STATIC_MIN_SIDE


def chip_bump(block: int) -> np.ndarray:
    x = np.sin(np.pi * (np.arange(block) + 0.5) / block).astype(np.float32)
    return np.outer(x, x)  # (block, block), smooth so its energy stays at low frequencies


def chip_tile(chips: np.ndarray, block: int) -> np.ndarray:
    """(n, n) chip values -> (n*block, n*block) pixel tile."""
    return np.kron(chips.astype(np.float32), chip_bump(block))


def chip_values(payload_hex: str) -> np.ndarray:
    """(CHIPS, CHIPS) of +-1: the sign each chip should read as, layout signs included."""
    coded = wmcode.encode(wmcode.bits_of(payload_hex))
    values = np.where(LAYOUT.sync, 1.0, 2.0 * coded[np.maximum(LAYOUT.coded_of, 0)] - 1.0)
    return (LAYOUT.signs * values).astype(np.float32)
