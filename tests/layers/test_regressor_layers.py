import keras
import numpy as np
import pytest
from harness import run_layer_test

from zoo.layers import InvertedResidual, ShapeIndexedPatches, ShapePerturbation


def test_inverted_residual(rng):
    x = rng.normal(size=(2, 16, 16, 8)).astype("float32")
    layer = run_layer_test(InvertedResidual, {"filters": 8, "expansion": 2}, x, (2, 16, 16, 8))
    assert layer.use_shortcut
    layer = run_layer_test(InvertedResidual, {"filters": 12, "expansion": 4, "strides": 2}, x, (2, 8, 8, 12))
    assert not layer.use_shortcut
    with pytest.raises(ValueError, match="strides"):
        InvertedResidual(8, strides=3)


def _bilinear_reference(fmap, x, y):
    h, w = fmap.shape[:2]
    x = np.clip(x, 0, w - 1)
    y = np.clip(y, 0, h - 1)
    x0, y0 = int(np.floor(x)), int(np.floor(y))
    x1, y1 = min(x0 + 1, w - 1), min(y0 + 1, h - 1)
    ax, ay = x - x0, y - y0
    return (fmap[y0, x0] * (1 - ax) * (1 - ay) + fmap[y0, x1] * ax * (1 - ay)
            + fmap[y1, x0] * (1 - ax) * ay + fmap[y1, x1] * ax * ay)


def test_shape_indexed_patches_match_numpy_bilinear(rng):
    fmap = rng.normal(size=(2, 12, 10, 3)).astype("float32")
    shape = rng.uniform(0, 1, size=(2, 5, 2)).astype("float32")
    layer = ShapeIndexedPatches(patch_size=4, patch_extent=0.3)
    out = keras.ops.convert_to_numpy(layer([fmap, shape]))
    assert out.shape == (2, 5, 4, 4, 3)
    offs = ((np.arange(4) + 0.5) / 4 - 0.5) * 0.3
    for b in range(2):
        for k in range(5):
            for i in range(4):
                for j in range(4):
                    x = (shape[b, k, 0] + offs[j]) * 10 - 0.5
                    y = (shape[b, k, 1] + offs[i]) * 12 - 0.5
                    np.testing.assert_allclose(out[b, k, i, j], _bilinear_reference(fmap[b], x, y), atol=1e-5)


def test_shape_indexed_patches_in_a_model_and_channels_first(rng):
    fmap = rng.normal(size=(2, 8, 8, 4)).astype("float32")
    shape = rng.uniform(0.2, 0.8, size=(2, 68, 2)).astype("float32")
    run_layer_test(ShapeIndexedPatches, {"patch_size": 4, "patch_extent": 0.2}, [fmap, shape], (2, 68, 4, 4, 4))
    last = keras.ops.convert_to_numpy(ShapeIndexedPatches(4, 0.2)([fmap, shape]))
    first = keras.ops.convert_to_numpy(
        ShapeIndexedPatches(4, 0.2, data_format="channels_first")([np.transpose(fmap, (0, 3, 1, 2)), shape])
    )
    np.testing.assert_allclose(first, last, atol=1e-6)
    with pytest.raises(ValueError, match="patch_extent"):
        ShapeIndexedPatches(4, 1.5)


def test_shape_perturbation_only_in_training(rng):
    shape = rng.uniform(0.2, 0.8, size=(4, 68, 2)).astype("float32")
    layer = ShapePerturbation(0.01, seed=1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(shape)), shape)
    moved = keras.ops.convert_to_numpy(layer(shape, training=True))
    d = np.abs(moved - shape)
    assert 0.001 < d.mean() < 0.1
    with pytest.raises(ValueError, match="point_sigma"):
        ShapePerturbation(-1)
