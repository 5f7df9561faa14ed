"""Reading the watermark back: fold frames modulo the tile, find the sync, decode the payload.

The design and its measurements are in watermark.py (the writing side); this module is the
reader `vidgen verify` runs on every clip, so it also decides what counts as a payload.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from vidgen.provenance import wmcode
from vidgen.provenance.wmcode import CODED_BITS, payload_ok
from vidgen.provenance.wmlayout import (
    BLOCK,
    CHIPS,
    CYCLE,
    HALF,
    LAYOUT,
    STATIC_MIN_SIDE,
    chip_bump,
    chip_tile,
    chip_values,
    cycling,
    quadrant,
)

# Tile periods (pixels, in the clip as read) tried by the reader, static scheme: 128 at
# full scale, the others cover common rescales (half, 0.75, 2/3, 0.8, 1.25, ...).
PERIODS = (128.0, 64.0, 96.0, 85.333, 102.4, 48.0, 42.667, 51.2)
# Cycling scheme: 64-pixel quadrant tiles at full scale and at half. Every period tried is
# a few more CRC trials on an unmarked clip (a false payload's odds), and on a 64x64 clip
# other rescales do not read anyway (measured), so there are only two.
CYCLE_PERIODS = (64.0, 32.0)
# Normalised agreement between the chips and the decoded payload's codeword. The best
# codeword on pure noise reaches 8.0 (sd 1.0, max 12.1 in 2000 trials), and payloads that
# were read back after crf 28 start at 10.1, so the gate only trims: the CRC-16 is what
# rejects noise (1 in 65536 per candidate read, 1-6 candidates per clip pass the gate).
MIN_CODE_Z = 10.0
SURE_CODE_Z = 14.0  # a reading this strong after the first few frames settles the period
HIGHPASS = 0.5  # the reader's high-pass: Gaussian sigma in chips
EDGE_FLOOR = 0.5  # residual divided by its local power, floored at this x mean
PEAKS = 3  # sync peaks tried per period; the payload's strength picks among them
SPECTRUM_FRAMES = 2  # frames that estimate the picture's spectrum (it changes slowly)...
SPECTRUM_EVERY = 6  # ...and one frame in this many after that
SPECTRUM_TILES = 24  # tiles of a frame that estimate it


@dataclass
class Reading:
    present: bool
    payload: str | None
    confidence: float  # share of the coded chips that agree with the decoded payload
    sync_z: float
    period: float | None
    code_z: float = 0.0  # agreement of chips and decoded codeword, in noise sds (see MIN_CODE_Z)
    raw_payload: str | None = None  # the decoded payload before its CRC is checked
    scheme: str | None = None  # "static" or "cycling"
    soft: np.ndarray | None = field(default=None, repr=False)  # the 192 coded chips, in sds


_ABSENT = Reading(False, None, 0.0, 0.0, None)


def _residual(luma: np.ndarray, block: int) -> np.ndarray:
    """Remove most of the picture, keep the chip band; clip so strong edges do not dominate."""
    import cv2

    res = luma - cv2.GaussianBlur(luma, (0, 0), block * HIGHPASS)
    # Down-weight the neighbourhood of strong edges: on a static background they do not
    # average away over frames (the mark is static too), and they swamp small clips.
    quarter = (max(1, res.shape[1] // 4), max(1, res.shape[0] // 4))  # frames of 1-3 px too
    small = cv2.resize(res * res, quarter, interpolation=cv2.INTER_AREA)
    local = cv2.resize(cv2.GaussianBlur(small, (0, 0), 1.0), (res.shape[1], res.shape[0]))
    floor = float(local.mean()) * EDGE_FLOOR + 1e-6  # mean, not median: 10x cheaper
    res /= np.sqrt(np.maximum(local, floor))
    limit = 4.0 * float(np.mean(np.abs(res))) + 1e-6
    return np.clip(res, -limit, limit, out=res)


def _power(tiles: np.ndarray) -> np.ndarray:
    """Full-plane power spectrum of real (..., t, t) tiles, via the cheaper rfft2.

    Summed over at most SPECTRUM_TILES of them, spread over the frame: the spectrum only
    whitens, so a sample estimates it well enough at a fraction of the FFTs.
    """
    t = tiles.shape[-1]
    flat = tiles.reshape(-1, t, t)
    flat = flat[:: max(1, math.ceil(len(flat) / SPECTRUM_TILES))]
    half = (np.abs(np.fft.rfft2(flat)) ** 2).sum(axis=0) * (tiles.size / flat.size)
    full = np.empty((t, t))
    full[:, : t // 2 + 1] = half
    cols = np.arange(t // 2 + 1, t)
    full[:, cols] = half[(-np.arange(t)) % t][:, t - cols]  # |F(k)| = |F(-k)| for real input
    return full


class _Fold:
    """Frames of one candidate period summed modulo the tile, and the picture's spectrum."""

    def __init__(self, period: float, tile: int, block: int):
        self.period = period
        self.tile = tile
        self.block = block
        self.sum = np.zeros((tile, tile), np.float64)
        self.power = np.zeros((tile, tile), np.float64)
        self.frames = 0

    def add(self, luma: np.ndarray) -> None:
        import cv2

        h, w = luma.shape
        scale = self.tile / self.period
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        img = luma if size == (w, h) else cv2.resize(luma, size, interpolation=cv2.INTER_LINEAR)
        res = _residual(img, self.block)
        t = self.tile
        res = np.pad(res, ((0, -res.shape[0] % t), (0, -res.shape[1] % t)))
        tiles = res.reshape(res.shape[0] // t, t, -1, t).transpose(0, 2, 1, 3)  # (ny, nx, t, t)
        self.sum += tiles.sum(axis=(0, 1))
        if self.frames < SPECTRUM_FRAMES or self.frames % SPECTRUM_EVERY == 0:
            # the picture dominates every tile; its mean power spectrum whitens the fold below
            self.power += _power(tiles)
        self.frames += 1


def _whitener(power: np.ndarray) -> np.ndarray:
    # Half-whitening (power^-1/2): full whitening would also boost the high frequencies
    # that the encoder already took from the mark (measured: chip SNR 1.25 -> 1.83 at
    # crf 28 on textured content).
    return np.sqrt(power / max(power.mean(), 1e-12) + 1e-3)


def _sync_spectrum(chips: np.ndarray, block: int) -> np.ndarray:
    return np.conj(np.fft.fft2(chip_tile(chips, block)))


_SYNC = LAYOUT.signs * LAYOUT.sync


class _StaticFold(_Fold):
    """The static scheme at one period: one fold of the tile.

    Folded at 128 pixels (8-pixel chips) for large periods and at 64 (4-pixel chips) for
    small ones, so a half-size clip is read at its own resolution.
    """

    def __init__(self, period: float):
        tile = 128 if period > 80 else 64
        super().__init__(period, tile, tile // CHIPS)

    def read(self) -> Reading:
        filtered = np.fft.fft2(self.sum) / _whitener(self.power)
        corr = np.fft.ifft2(filtered * _sync_spectrum(_SYNC, self.block)).real
        sd = corr.std() + 1e-12
        image = np.fft.ifft2(filtered).real
        readings = []
        for peak in _peaks(corr, PEAKS, self.block):
            z = float((corr[peak] - corr.mean()) / sd)
            aligned = np.roll(image, (-peak[0], -peak[1]), axis=(0, 1))
            chips = _chips(aligned, CHIPS, self.block)
            readings.append(_read_chips(chips, z, self.period, "static"))
        return max(readings, key=_rank)


class _CycleFold:
    """The cycling scheme at one period: four folds of a 64-pixel tile, one per t mod 4."""

    def __init__(self, period: float):
        self.period = period
        self.classes = [_Fold(period, HALF * BLOCK, BLOCK) for _ in range(CYCLE)]
        self.frames = 0

    def add(self, luma: np.ndarray, index: int) -> None:
        self.classes[index % CYCLE].add(luma)
        self.frames += 1

    def _filtered(self) -> list[np.ndarray] | None:
        """Per frame class: the whitened spectrum of its mean minus the mean of all classes."""
        live = [f for f in self.classes if f.frames]
        if len(live) < 2:
            return None
        # The mean over frame classes holds the static picture, and the part of the mark
        # common to the four quadrants, which is lost (measured: putting it back from the
        # decoded payload won 1 payload in 24 at crf 28 and tripled the CRC trials).
        static = sum(f.sum / f.frames for f in live) / len(live)
        white = _whitener(sum(f.power for f in live))
        t = HALF * BLOCK
        return [
            np.fft.fft2(f.sum / f.frames - static) / white if f.frames else np.zeros((t, t))
            for f in self.classes
        ]

    @staticmethod
    def _chips_at(images: list[np.ndarray], phase: int, peak: tuple[int, int]) -> np.ndarray:
        chips = np.zeros((CHIPS, CHIPS))
        for r in range(CYCLE):
            aligned = np.roll(images[r], (-peak[0], -peak[1]), axis=(0, 1))
            quadrant(chips, (r + phase) % CYCLE)[:] = _chips(aligned, HALF, BLOCK)
        return chips

    def margin(self, payload_hex: str) -> float:
        """How strongly the chips at the embedding's own alignment agree with the payload.

        In the units of Reading.code_z; the writer uses it to check its own mark.
        """
        filtered = self._filtered()
        if filtered is None:
            return 0.0
        chips = self._chips_at([np.fft.ifft2(f).real for f in filtered], 0, (0, 0))
        return _agreement(chips, chip_values(payload_hex))

    def read(self) -> Reading:
        filtered = self._filtered()
        if filtered is None:
            return _ABSENT
        images = [np.fft.ifft2(f).real for f in filtered]
        syncs = [_sync_spectrum(quadrant(_SYNC, q), BLOCK) for q in range(CYCLE)]
        # phase: frame class r holds quadrant (r + phase) mod 4
        corrs = np.stack(
            [
                np.fft.ifft2(sum(filtered[r] * syncs[(r + ph) % CYCLE] for r in range(CYCLE))).real
                for ph in range(CYCLE)
            ]
        )
        mean, sd = corrs.mean(), corrs.std() + 1e-12
        candidates = [
            (float((corrs[ph][pk] - mean) / sd), ph, pk)
            for ph in range(CYCLE)
            for pk in _peaks(corrs[ph], PEAKS, BLOCK)
        ]
        readings = [
            _read_chips(self._chips_at(images, phase, peak), z, self.period, "cycling")
            for z, phase, peak in sorted(candidates, reverse=True)[:PEAKS]
        ]
        return max(readings, key=_rank)


def _peaks(corr: np.ndarray, count: int, block: int) -> list[tuple[int, int]]:
    """The `count` highest correlation peaks, at least half a chip apart (cyclically)."""
    order = np.argsort(corr, axis=None)[::-1]
    t = corr.shape[0]
    found: list[tuple[int, int]] = []
    for flat in order[: 64 * count]:
        y, x = divmod(int(flat), corr.shape[1])
        near = any(
            min(abs(y - py), t - abs(y - py)) < block // 2
            and min(abs(x - px), t - abs(x - px)) < block // 2
            for py, px in found
        )
        if not near:
            found.append((y, x))
            if len(found) == count:
                break
    return found


def _chips(aligned: np.ndarray, n: int, block: int) -> np.ndarray:
    """Matched filter: each chip's value is its block correlated with the bump."""
    weights = chip_bump(block)
    return (aligned.reshape(n, block, n, block) * weights[None, :, None, :]).sum((1, 3))


class Reader:
    """Accumulates luma frames (any size, any count) and reads the payload back.

    `add` takes the frame's index in the clip (the cycling scheme needs t mod 4). After
    `prune_after` frames only the `keep` most promising static periods are folded further
    (only one when it already reads a payload surely), which keeps reading a clip cheap.
    Small frames are also read as the cycling scheme.
    """

    def __init__(self, periods: Iterable[float] = PERIODS, prune_after: int = 4, keep: int = 2):
        self.periods = tuple(periods)
        self.folds: list[_StaticFold] = []
        self.cycles: list[_CycleFold] | None = None
        self.prune_after = prune_after
        self.keep = keep
        self.added = 0

    def add(self, luma: np.ndarray, index: int | None = None) -> None:
        luma = luma.astype(np.float32)
        if self.cycles is None:
            small = cycling(*luma.shape)
            self.cycles = [_CycleFold(p) for p in CYCLE_PERIODS] if small else []
            # the static scheme marks frames of STATIC_MIN_SIDE and up: read it down to half
            if min(luma.shape) >= STATIC_MIN_SIDE // 2:
                self.folds = [_StaticFold(p) for p in self.periods]
        for cycle in self.cycles:
            cycle.add(luma, self.added if index is None else index)
        for fold in self.folds:
            fold.add(luma)
        self.added += 1
        if self.added == self.prune_after and len(self.folds) > self.keep:
            readings = sorted(((f.read(), f) for f in self.folds), key=lambda rf: _rank(rf[0]))
            # a payload already read with a wide margin needs no second period
            sure = readings[-1][0].present and readings[-1][0].code_z >= SURE_CODE_Z
            self.folds = [f for _, f in readings[-(1 if sure else self.keep) :]]

    def add_frame(self, index: int, luma: np.ndarray) -> None:
        """`add` in the (index, luma) order that frames.decode calls back with."""
        self.add(luma, index)

    def read(self) -> Reading:
        folds = [f for f in self.folds if f.frames] + (self.cycles or [])
        readings = [fold.read() for fold in folds]
        return max(readings, key=_rank, default=_ABSENT)


def _rank(reading: Reading) -> tuple:
    return (reading.present, reading.code_z, reading.sync_z)


def _soft(chips: np.ndarray) -> np.ndarray:
    """(CHIPS, CHIPS) chip values -> the 192 coded soft values, in units of the sync noise."""
    chips = chips * LAYOUT.signs  # now + for a coded 1 (and for every sync chip), - for a 0
    noise = float(chips[LAYOUT.sync].std()) + 1e-12
    soft = np.zeros(CODED_BITS)
    data = ~LAYOUT.sync
    soft[LAYOUT.coded_of[data]] = chips[data] / noise
    return soft


def _agreement(chips: np.ndarray, expected: np.ndarray) -> float:
    """code_z of chips against the chip values `expected` (from _chip_values)."""
    codeword = (expected * LAYOUT.signs)[~LAYOUT.sync]
    soft = _soft(chips)[LAYOUT.coded_of[~LAYOUT.sync]]
    return float(soft @ codeword / math.sqrt(CODED_BITS))


def _read_chips(chips: np.ndarray, sync_z: float, period: float, scheme: str) -> Reading:
    soft = _soft(chips)
    bits = wmcode.decode(soft)
    codeword = 2.0 * wmcode.encode(bits) - 1.0
    code_z = float(soft @ codeword / math.sqrt(CODED_BITS))
    raw_payload = wmcode.hex_of(bits)
    present = code_z >= MIN_CODE_Z and payload_ok(raw_payload)
    return Reading(
        present=present,
        payload=raw_payload if present else None,
        confidence=round(float(np.mean(np.sign(soft) == codeword)), 4),
        sync_z=round(sync_z, 2),
        period=period,
        code_z=round(code_z, 2),
        raw_payload=raw_payload,
        scheme=scheme,
        soft=soft,
    )


def read_frames(lumas: Iterable[np.ndarray], periods: Iterable[float] = PERIODS) -> Reading:
    reader = Reader(periods)
    for index, luma in enumerate(lumas):
        reader.add(luma, index)
    return reader.read()
