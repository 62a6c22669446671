"""DownBlock, DilatedBlock, UpBlock, PatchBlock through the shared harness, plus behaviour."""

import keras
import numpy as np
import pytest
from harness import run_layer_test

from zoo.layers import DilatedBlock, DownBlock, PatchBlock, UpBlock
from zoo.layers.spectral import SpectralConv2D


def test_down_block(rng):
    x = rng.normal(size=(2, 16, 16, 4)).astype("float32")
    run_layer_test(DownBlock, {"filters": 8}, x, (2, 8, 8, 8))
    run_layer_test(DownBlock, {"filters": 8, "strides": 1, "kernel_size": 5}, x, (2, 16, 16, 8))


def test_retired_block_options_load_only_when_off():
    """An older `.keras` file's block config names options the blocks no longer have (no zoo
    model used them): it loads where they were off, and is refused, naming the option, where not."""
    config = DownBlock(8).get_config()
    assert DownBlock.from_config(dict(config, normalization=None, spectral_norm=False)).get_config() == config
    with pytest.raises(ValueError, match="normalization"):
        DownBlock.from_config(dict(config, normalization="batch"))
    for cls in (UpBlock, DilatedBlock):
        config = cls(8).get_config()
        assert cls.from_config(dict(config, normalization=None)).get_config() == config


def test_dilated_block_has_configured_rates(rng):
    x = rng.normal(size=(2, 16, 16, 8)).astype("float32")
    layer = run_layer_test(DilatedBlock, {"filters": 8, "dilation_rates": (1, 3, 5)}, x, (2, 16, 16, 8))
    assert [c.dilation_rate for c in layer.convs] == [(1, 1), (3, 3), (5, 5)]


@pytest.mark.parametrize("upsample", ["transpose", "resize"])
def test_up_block_with_and_without_skip(rng, upsample):
    x = rng.normal(size=(2, 8, 8, 8)).astype("float32")
    skip = rng.normal(size=(2, 16, 16, 4)).astype("float32")
    run_layer_test(UpBlock, {"filters": 4, "upsample": upsample}, [x, skip], (2, 16, 16, 4))
    run_layer_test(UpBlock, {"filters": 4, "upsample": upsample}, x, (2, 16, 16, 4))


def test_up_block_skip_is_concatenated_not_added(rng):
    x = rng.normal(size=(1, 4, 4, 8)).astype("float32")
    skip = rng.normal(size=(1, 8, 8, 6)).astype("float32")
    layer = UpBlock(5)
    layer([x, skip])
    # The fuse conv sees up-features (5) + skip (6) channels.
    assert tuple(layer.conv.kernel.shape) == (3, 3, 11, 5)
    assert isinstance(layer.up[0], keras.layers.Conv2DTranspose)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_subpixel_conv_transpose_is_keras_conv2d_transpose(rng, data_format):
    """The JAX path of `UpBlock("transpose")`: one 3x3 conv + pixel shuffle gives what Keras's
    4x4 stride-2 "same" `Conv2DTranspose` gives (odd sizes, a 1x1 map, a bias), to float rounding;
    and an `UpBlock` gives the same output on every backend's path."""
    from zoo.layers.up_block import subpixel_conv_transpose

    for h, w, c, f in [(5, 7, 3, 4), (8, 8, 16, 8), (1, 1, 2, 3)]:
        # the reference is channels-last (TensorFlow without oneDNN has no channels-first conv on a CPU)
        layer = keras.layers.Conv2DTranspose(f, 4, strides=2, padding="same")
        x = rng.normal(size=(2, h, w, c)).astype("float32")
        layer.build(x.shape)
        layer.bias.assign(rng.normal(size=(f,)).astype("float32"))
        ref = keras.ops.convert_to_numpy(layer(x))
        if data_format == "channels_first":
            got = subpixel_conv_transpose(np.transpose(x, (0, 3, 1, 2)), layer.kernel, layer.bias, data_format)
            got = np.transpose(keras.ops.convert_to_numpy(got), (0, 2, 3, 1))
        else:
            got = keras.ops.convert_to_numpy(subpixel_conv_transpose(x, layer.kernel, layer.bias, data_format))
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, atol=1e-5)
    with pytest.raises(ValueError, match="4x4"):
        subpixel_conv_transpose(x, keras.ops.zeros((3, 3, f, c)))
    block = UpBlock(4)
    x = rng.normal(size=(1, 4, 4, 8)).astype("float32")
    out = keras.ops.convert_to_numpy(block(x))
    up = keras.ops.convert_to_numpy(block.up[0](x))  # Keras's own transposed conv, then the block's tail
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(block.act(block.conv(block.up_act(up)))), atol=1e-5)


@pytest.mark.parametrize("spectral_norm", [False, True])
def test_patch_block(rng, spectral_norm):
    x = rng.normal(size=(2, 16, 16, 3)).astype("float32")
    layer = run_layer_test(PatchBlock, {"filters": 8, "spectral_norm": spectral_norm}, x, (2, 8, 8, 8))
    assert isinstance(layer.conv, SpectralConv2D) == spectral_norm
    # LeakyReLU(0.2): the block's output is never below 0.2 x its pre-activation minimum.
    pre = keras.ops.convert_to_numpy(layer.conv(x))
    out = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out, np.where(pre > 0, pre, 0.2 * pre), atol=1e-5)


@pytest.mark.parametrize(
    "cls, kwargs, message",
    [
        (DownBlock, {"filters": 0}, "filters"),
        (DownBlock, {"filters": 8, "strides": 3}, "strides"),
        (DownBlock, {"filters": 8, "normalization": "layer"}, "normalization"),
        (DilatedBlock, {"filters": 8, "dilation_rates": ()}, "dilation_rates"),
        (DilatedBlock, {"filters": 8, "dilation_rates": (2, -1)}, "dilation_rates"),
        (UpBlock, {"filters": 8, "upsample": "bilinear"}, "upsample"),
        (PatchBlock, {"filters": 8, "strides": 4}, "strides"),
    ],
)
def test_bad_arguments(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)
