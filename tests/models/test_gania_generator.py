import keras
import numpy as np
import pytest
from harness import (
    assert_every_weight_moved,
    run_fit_step,
    run_model_saving_test,
    trainable_snapshot,
)

import zoo
from zoo.layers import DilatedBlock, SelfAttention2D, UpBlock
from zoo.models import GANIAGenerator

SMALL = {"image_size": 32, "base_filters": 4}


def _batch(rng, n=2, size=32):
    image = rng.uniform(-1, 1, size=(n, size, size, 3)).astype("float32")
    mask = np.zeros((n, size, size, 1), "float32")
    mask[:, 8:20, 10:24] = 1.0
    return {"image": image, "mask": mask}


def test_harness_config_fit_and_saving(rng, tmp_path):
    import json

    model = GANIAGenerator(**SMALL)
    config = model.get_config()
    assert GANIAGenerator.from_config(json.loads(json.dumps(config))).get_config() == config
    x = _batch(rng)
    out = model(x)
    assert set(out) == {"restored", "composite"}
    assert tuple(out["restored"].shape) == (2, 32, 32, 3)
    restored = keras.ops.convert_to_numpy(out["restored"])
    assert restored.min() >= -1 and restored.max() <= 1  # tanh
    run_fit_step(model, x, {"restored": x["image"], "composite": x["image"]}, loss={"restored": "mse", "composite": "mse"})
    run_model_saving_test(model, x, tmp_path)


def test_composite_keeps_unmasked_pixels_bit_identical(rng):
    model = GANIAGenerator(**SMALL)
    x = _batch(rng)
    out = keras.ops.convert_to_numpy(model(x)["composite"])
    restored = keras.ops.convert_to_numpy(model(x)["restored"])
    keep = x["mask"][..., 0] == 0
    np.testing.assert_array_equal(out[keep], x["image"][keep])
    np.testing.assert_array_equal(out[~keep], restored[~keep])


def test_occluded_pixels_do_not_reach_the_network(rng):
    model = GANIAGenerator(**SMALL)
    x = _batch(rng)
    y = dict(x, image=np.where(x["mask"] > 0, 123.0, x["image"]).astype("float32"))
    a = keras.ops.convert_to_numpy(model(x)["restored"])
    b = keras.ops.convert_to_numpy(model(y)["restored"])
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_structure_no_pooling_dilation_skip_attention():
    model = GANIAGenerator(image_size=64, base_filters=4, dilation_rates=(2, 3), attention_at=(8, 2))
    pooling = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D, keras.layers.GlobalAveragePooling2D, keras.layers.GlobalMaxPooling2D)
    assert not [l for l in model.layers if isinstance(l, pooling)]
    dilated = [l for l in model.layers if isinstance(l, DilatedBlock)]
    assert len(dilated) == 1 and [c.dilation_rate[0] for c in dilated[0].convs] == [2, 3]
    names = sorted(l.name for l in model.layers if isinstance(l, SelfAttention2D))
    assert names == ["attention_2", "attention_8"]
    ups = [l for l in model.layers if isinstance(l, UpBlock)]
    assert len(ups) == 3 and all(isinstance(l.up[0], keras.layers.Conv2DTranspose) for l in ups)
    # Skip concatenation: the fuse conv of each up block sees 2x its channels.
    for l in ups:
        assert l.conv.kernel.shape[2] == 2 * l.filters


def test_ablations_remove_what_they_name():
    no_att = zoo.create_model("gania_generator_no_attention", **SMALL)
    assert not [l for l in no_att.layers if isinstance(l, SelfAttention2D)]
    no_skip = zoo.create_model("gania_generator_no_skip", **SMALL)
    for l in (l for l in no_skip.layers if isinstance(l, UpBlock)):
        assert l.conv.kernel.shape[2] == l.filters
    resize = GANIAGenerator(upsample="resize", **SMALL)
    assert not [l for l in resize.layers if isinstance(l, UpBlock) and isinstance(l.up[0], keras.layers.Conv2DTranspose)]


def test_gradients_reach_every_trainable_weight(rng):
    model = GANIAGenerator(**SMALL)
    for layer in model.layers:
        if isinstance(layer, SelfAttention2D):
            layer.gamma.assign(0.3)  # at gamma=0 the q/k/v convs get no gradient by design
    before = trainable_snapshot(model)
    x = _batch(rng)
    target = rng.uniform(-1, 1, size=x["image"].shape).astype("float32")
    run_fit_step(model, x, {"restored": target}, loss={"restored": "mse"}, optimizer=keras.optimizers.SGD(1.0))
    assert_every_weight_moved(before, model)


def test_channels_first(rng):
    from zoo.layers._utils import channels_first_supported

    if not channels_first_supported():  # TensorFlow on a CPU without oneDNN: refused, clearly, at construction
        with pytest.raises(ValueError, match="channels-first .* oneDNN"):
            GANIAGenerator(data_format="channels_first", **SMALL)
        return
    model = GANIAGenerator(data_format="channels_first", **SMALL)
    x = _batch(rng)
    xf = {k: np.transpose(v, (0, 3, 1, 2)) for k, v in x.items()}
    out = keras.ops.convert_to_numpy(model(xf)["composite"])
    assert out.shape == (2, 3, 32, 32)
    keep = xf["mask"][:, 0] == 0
    np.testing.assert_array_equal(np.transpose(out, (0, 2, 3, 1))[keep], x["image"][keep])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"image_size": 100}, "image_size"),
        ({"base_filters": 0}, "base_filters"),
        ({"attention_at": (3,)}, "attention_at"),
        ({"dilation_rates": (0,)}, "dilation_rates"),
        ({"upsample": "pixelshuffle"}, "upsample"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GANIAGenerator(**kwargs)


def test_masked_attention_generator(rng, tmp_path):
    import json

    plain = GANIAGenerator(**SMALL, attention_at=(2, 8))
    assert "masked_attention" not in plain.get_config()  # older presets' configs unchanged
    model = GANIAGenerator(**SMALL, attention_at=(2, 8), masked_attention=True)
    config = model.get_config()
    assert config["masked_attention"] is True
    assert GANIAGenerator.from_config(json.loads(json.dumps(config))).get_config() == config
    layers = [l for l in model.layers if isinstance(l, SelfAttention2D)]
    assert len(layers) == 2 and all(l.masked for l in layers)
    # the same weights as the unmasked generator: a preset of one loads into the other
    model.set_weights(plain.get_weights())
    x = _batch(rng)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)["restored"]),
                               keras.ops.convert_to_numpy(plain(x)["restored"]), atol=1e-5)  # gamma = 0: same output
    for layer in layers:
        layer.gamma.assign(1.0)
    y = dict(x, mask=np.zeros_like(x["mask"]))
    y["mask"][:, 2:6, 2:6] = 1.0
    assert not np.allclose(keras.ops.convert_to_numpy(model(x)["restored"]), keras.ops.convert_to_numpy(model(y)["restored"]))
    run_fit_step(model, x, {"restored": x["image"], "composite": x["image"]}, loss={"restored": "mse", "composite": "mse"})
    run_model_saving_test(model, x, tmp_path)
