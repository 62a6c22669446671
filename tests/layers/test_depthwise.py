"""`zoo.layers.DepthwiseConv2D` computes what `keras.layers.DepthwiseConv2D` computes (on JAX as
shifted multiply-adds, elsewhere Keras's own kernel), with the same weights."""

import keras
import numpy as np
import pytest

from harness import run_layer_test
from zoo.layers import DepthwiseConv2D


@pytest.mark.backend
@pytest.mark.parametrize("strides,padding,size", [(1, "same", 9), (2, "same", 9), (2, "same", 8), (1, "valid", 9), (2, "valid", 10)])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_matches_keras_depthwise(strides, padding, size, data_format, rng):
    shape = (2, size, size, 5) if data_format == "channels_last" else (2, 5, size, size)
    x = rng.normal(size=shape).astype("float32")
    kwargs = dict(kernel_size=3, strides=strides, padding=padding, data_format=data_format, activation="relu")
    ref = keras.layers.DepthwiseConv2D(**kwargs)
    ours = DepthwiseConv2D(**kwargs)
    ref.build(shape)
    ours.build(shape)
    ours.set_weights([w + 0.1 for w in ref.get_weights()])
    ref.set_weights([w + 0.1 for w in ref.get_weights()])
    want = keras.ops.convert_to_numpy(ref(x))
    got = keras.ops.convert_to_numpy(ours(x))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.backend
def test_layer_contract(rng):
    run_layer_test(DepthwiseConv2D, {"kernel_size": 3, "strides": 2, "padding": "same"}, rng.normal(size=(2, 8, 8, 4)).astype("float32"),
                   (2, 4, 4, 4), expected_num_trainable_weights=2)
