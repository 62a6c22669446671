import keras
import numpy as np
from harness import run_layer_test

from zoo.layers.spectral import SpectralConv2D, SpectralDense


def _sigma(layer):
    w = keras.ops.convert_to_numpy(layer._normalized_kernel(False))
    return np.linalg.svd(w.reshape(-1, w.shape[-1]), compute_uv=False)[0]


def test_power_iteration_normalises_the_kernel(rng):
    x = rng.normal(size=(4, 8, 8, 3)).astype("float32")
    conv = run_layer_test(SpectralConv2D, {"filters": 6, "kernel_size": 3, "padding": "same"}, x, (4, 8, 8, 6))
    for _ in range(40):
        conv(x, training=True)
    assert abs(_sigma(conv) - 1.0) < 0.02
    dense = run_layer_test(SpectralDense, {"units": 5}, rng.normal(size=(4, 7)).astype("float32"), (4, 5))
    for _ in range(40):
        dense(rng.normal(size=(4, 7)).astype("float32"), training=True)
    assert abs(_sigma(dense) - 1.0) < 0.02


def test_u_only_moves_in_training(rng):
    x = rng.normal(size=(2, 8, 8, 3)).astype("float32")
    conv = SpectralConv2D(4, 3)
    conv(x)
    u0 = keras.ops.convert_to_numpy(conv.u).copy()
    conv(x)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(conv.u), u0)
    conv(x, training=True)
    assert not np.array_equal(keras.ops.convert_to_numpy(conv.u), u0)
    assert not conv.u.trainable


def test_matches_plain_conv_with_the_normalised_kernel(rng):
    x = rng.normal(size=(2, 9, 9, 3)).astype("float32")
    sn = SpectralConv2D(4, 3, strides=2, padding="same")
    sn(x)
    plain = keras.layers.Conv2D(4, 3, strides=2, padding="same")
    plain(x)
    plain.set_weights([keras.ops.convert_to_numpy(sn._normalized_kernel(False)), keras.ops.convert_to_numpy(sn.bias)])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(sn(x)), keras.ops.convert_to_numpy(plain(x)), atol=1e-5)
