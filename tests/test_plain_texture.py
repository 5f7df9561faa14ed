"""A first frame that reads as plain but is soft texture goes to the background model.

The plain path models the backdrop as one smooth color field. Soft stripes, wood or tiles
put most of the frame near the dominant color (so they read as plain), but the field cannot
follow them: the plain segmentation raises its threshold for them, past dull objects, or
cuts the texture into parts. TUNE wild corpora: 17 of the 21 clips on the plain path had
such a backdrop; on the background model they gave 3 permanence labels found of 3.
"""

import numpy as np

from checkers.tracking.backdrop import PLAIN_TEXTURE
from checkers.tracking.tracker import Tracker

H, W = 180, 320


def _frame(stripe_amplitude: float, seed: int = 0) -> np.ndarray:
    """A mauve backdrop with horizontal soft stripes, sensor noise and one flat square."""
    rng = np.random.default_rng(seed)
    rows = np.arange(H, dtype=np.float32)[:, None, None]
    image = np.array([150, 110, 150], np.float32) + stripe_amplitude * np.sin(
        2 * np.pi * rows / 24
    ) * np.ones(3, np.float32)
    image = image + rng.normal(0, 1.5, (H, W, 3))
    image[80:100, 150:170] = (60, 90, 70)
    return np.clip(image, 0, 255).astype(np.uint8)


def test_soft_stripes_take_the_background_model():
    tracker = Tracker(W, H, 8.0, background=True)
    assert tracker.choose_path(_frame(12.0))  # main: plain path (plain share 0.99)


def test_flat_backdrop_keeps_the_plain_path():
    tracker = Tracker(W, H, 8.0, background=True)
    assert not tracker.choose_path(_frame(0.0))


def test_threshold_is_above_a_flat_backdrops():
    from checkers.segment import segment

    assert segment(_frame(0.0)).threshold <= PLAIN_TEXTURE < segment(_frame(12.0)).threshold
