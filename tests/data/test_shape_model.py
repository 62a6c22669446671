"""The mean face shape and `implausibility`: annotated faces are plausible wherever and however
large they are; a tangle of points is not."""

import json

import numpy as np

from zoo.data.shape_model import MEAN_SHAPE_PATH, implausibility, mean_shape


def test_shipped_mean_shape():
    with open(MEAN_SHAPE_PATH) as f:
        record = json.load(f)
    assert record["faces"] > 1000 and "300-W" in record["about"]
    m = mean_shape()
    assert m.shape == (68, 2) and abs(m.mean()) < 1e-6
    assert m[36, 0] < m[45, 0] and m[8, 1] > m[30, 1]  # right eye corner left of the left one; chin below the nose tip


def test_annotations_are_plausible_and_tangles_are_not(helen_test, rng):
    scores = [implausibility(s.points) for s in helen_test]  # HELEN test: never in the mean shape
    assert np.median(scores) < 0.12 and max(scores) < 0.3
    p = helen_test[0].points
    # similarity invariant: moved, scaled, rotated
    t = np.deg2rad(25)
    r = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    np.testing.assert_allclose(implausibility(3.0 * p @ r.T + 40), implausibility(p), atol=1e-9)
    tangle = p.mean(0) + rng.normal(0, 5, p.shape)
    assert implausibility(tangle) > 0.5
    assert implausibility(p[rng.permutation(68)]) > 0.5  # the right points in the wrong order
    assert implausibility(np.zeros((68, 2))) == float("inf")
    assert implausibility(np.full((68, 2), np.nan)) == float("inf")
