"""The camera fit does not lose the scene when the corners lost were an object's."""

from __future__ import annotations

import numpy as np

from checkers.perception.camera_fit import camera_similarity


def _frame(with_object: bool, backdrop: int = 120) -> np.ndarray:
    rng = np.random.default_rng(0)
    gray = np.full((180, 320), backdrop, np.uint8)
    gray += rng.integers(0, 2, gray.shape, dtype=np.uint8)  # a plain backdrop: no corners
    if with_object:
        tile = np.kron((np.indices((4, 4)).sum(0) % 2) * 200 + 20, np.ones((8, 8)))
        gray[60:92, 140:172] = tile.astype(np.uint8)  # a crisp checkered object
    return gray


def test_an_object_vanishing_from_a_plain_backdrop_keeps_the_scene():
    prev, cur = _frame(True), _frame(False)
    foreground = np.zeros(prev.shape, bool)
    foreground[58:94, 138:174] = True
    assert camera_similarity(prev, cur) is None  # without the objects' mask: a lost scene
    motion = camera_similarity(prev, cur, foreground)
    assert motion is not None
    np.testing.assert_allclose(motion, np.eye(3))


def test_a_new_scene_is_lost_even_with_the_objects_known():
    prev = _frame(True)
    cur = np.roll(_frame(True, backdrop=30), 150, axis=1)  # another backdrop, the object moved
    foreground = np.zeros(prev.shape, bool)
    foreground[58:94, 138:174] = True
    assert camera_similarity(prev, cur, foreground) is None
