import keras
import numpy as np
import pytest
from harness import run_fit_step, run_layer_test

from zoo.layers import SelfAttention2D
from zoo.layers.spectral import SpectralConv2D


def test_layer_harness(rng):
    x = rng.normal(size=(2, 8, 8, 16)).astype("float32")
    layer = run_layer_test(SelfAttention2D, {}, x, (2, 8, 8, 16), expected_num_trainable_weights=6)
    assert float(keras.ops.convert_to_numpy(layer.gamma)) == 0.0


def test_spectral_norm_variant(rng):
    x = rng.normal(size=(2, 8, 8, 16)).astype("float32")
    layer = run_layer_test(SelfAttention2D, {"spectral_norm": True}, x, (2, 8, 8, 16))
    assert all(isinstance(l, SpectralConv2D) for l in (layer.query_conv, layer.key_conv, layer.value_conv))


def test_identity_at_init_and_not_after_training(rng):
    x = rng.normal(size=(4, 8, 8, 16)).astype("float32")
    layer = SelfAttention2D()
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x)

    inp = keras.Input((8, 8, 16))
    model = keras.Model(inp, layer(inp))
    target = rng.normal(size=x.shape).astype("float32")
    run_fit_step(model, x, target, optimizer=keras.optimizers.SGD(0.1))
    assert float(keras.ops.convert_to_numpy(layer.gamma)) != 0.0
    assert not np.allclose(keras.ops.convert_to_numpy(layer(x)), x)


def test_attention_map_is_a_softmax_over_all_positions(rng):
    x = rng.normal(size=(2, 6, 5, 16)).astype("float32")
    layer = SelfAttention2D()
    layer(x)
    attn = keras.ops.convert_to_numpy(layer.attention_map(x))
    assert attn.shape == (2, 30, 30)
    np.testing.assert_allclose(attn.sum(-1), 1.0, atol=1e-5)
    assert (attn >= 0).all()


def test_matches_numpy_reference(rng):
    x = rng.normal(size=(2, 4, 4, 16)).astype("float32")
    layer = SelfAttention2D(gamma_initializer=keras.initializers.Constant(0.7))
    y = keras.ops.convert_to_numpy(layer(x))
    wq, bq = [keras.ops.convert_to_numpy(w) for w in layer.query_conv.weights]
    (wk,) = [keras.ops.convert_to_numpy(w) for w in layer.key_conv.weights]
    bk = 0.0
    wv, bv = [keras.ops.convert_to_numpy(w) for w in layer.value_conv.weights]
    f = x.reshape(2, 16, 16).astype("float64")
    q, k, v = f @ wq[0, 0] + bq, f @ wk[0, 0] + bk, f @ wv[0, 0] + bv
    logits = q @ k.transpose(0, 2, 1)
    a = np.exp(logits - logits.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    ref = 0.7 * (a @ v) + f
    np.testing.assert_allclose(y.reshape(2, 16, 16), ref, atol=1e-4)


def test_channels_first_matches_channels_last(rng):
    from zoo.layers._utils import channels_first_supported

    if not channels_first_supported():  # TensorFlow on a CPU without oneDNN: refused, clearly, at construction
        with pytest.raises(ValueError, match="channels-first .* oneDNN"):
            SelfAttention2D(data_format="channels_first")
        return
    x = rng.normal(size=(2, 5, 6, 16)).astype("float32")
    last = SelfAttention2D(gamma_initializer=keras.initializers.Constant(0.5), data_format="channels_last")
    first = SelfAttention2D(gamma_initializer=keras.initializers.Constant(0.5), data_format="channels_first")
    y_last = last(x)
    xt = np.transpose(x, (0, 3, 1, 2))
    first(xt)
    first.set_weights(last.get_weights())
    y_first = keras.ops.convert_to_numpy(first(xt))
    np.testing.assert_allclose(np.transpose(y_first, (0, 2, 3, 1)), keras.ops.convert_to_numpy(y_last), atol=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"key_ratio": 0}, "key_ratio"), ({"data_format": "NHWC"}, "data_format")],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SelfAttention2D(**kwargs)


def test_bad_rank():
    with pytest.raises(ValueError, match="4D"):
        SelfAttention2D()(np.zeros((2, 8, 16), "float32"))


def test_masked_attention_never_reads_the_hole(rng):
    x = rng.normal(size=(3, 8, 8, 16)).astype("float32")
    hole = np.zeros((3, 32, 32, 1), "float32")  # 4x the features' grid: max-pooled to it
    hole[0, :8, 4:12] = 1.0  # cells (0..1, 1..2)
    hole[1, 5, 5] = 1.0  # one pixel marks its whole cell (1, 1)
    hole[2] = 1.0  # all missing: uniform weights, finite
    layer = SelfAttention2D(masked=True, gamma_initializer=keras.initializers.Constant(1.0))
    y = keras.ops.convert_to_numpy(layer([x, hole]))
    assert y.shape == x.shape and np.isfinite(y).all()
    attn = keras.ops.convert_to_numpy(layer.attention_map([x, hole])).reshape(3, 64, 8, 8)
    np.testing.assert_allclose(attn.sum((-1, -2)), 1.0, atol=1e-5)
    assert attn[0, :, 0:2, 1:3].max() == 0.0 and attn[0, :, 2:, :].min() > 0.0
    assert attn[1, :, 1, 1].max() == 0.0
    np.testing.assert_allclose(attn[2], 1.0 / 64, atol=1e-6)
    # the hole's features reach no visible cell: change them, what the visible cells get is unchanged
    cells = np.kron(keras.ops.convert_to_numpy(keras.ops.max_pool(hole, 4, 4)), np.ones((1, 1, 1, 16))) > 0
    x2 = np.where(cells, rng.normal(size=x.shape) * 10, x).astype("float32")
    y2 = keras.ops.convert_to_numpy(layer([x2, hole]))
    keep = ~cells[:2]
    np.testing.assert_allclose((y2 - x2)[:2][keep], (y - x)[:2][keep], atol=1e-4)


def test_masked_attention_config_and_errors(rng):
    layer = SelfAttention2D(masked=True)
    assert SelfAttention2D.from_config(layer.get_config()).masked
    with pytest.raises(ValueError, match=r"\[features, hole\]"):
        layer(np.zeros((1, 4, 4, 8), "float32"))
    with pytest.raises(ValueError, match="multiple"):
        SelfAttention2D(masked=True)([np.zeros((1, 4, 4, 8), "float32"), np.zeros((1, 6, 6, 1), "float32")])
