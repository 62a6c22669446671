import keras
import numpy as np
import pytest
from harness import assert_every_weight_moved, run_fit_step, run_model_saving_test, trainable_snapshot

from zoo.layers import PatchBlock, SelfAttention2D
from zoo.models import GlobalDiscriminator, LocalDiscriminator


@pytest.mark.parametrize(
    "cls, kwargs, size",
    [
        (GlobalDiscriminator, {"image_size": 32, "base_filters": 4}, 32),
        (LocalDiscriminator, {"patch_size": 16, "base_filters": 4, "attention_at": (4,)}, 16),
    ],
)
def test_discriminator_harness(cls, kwargs, size, rng, tmp_path):
    model = cls(**kwargs)
    x = rng.uniform(-1, 1, size=(4, size, size, 3)).astype("float32")
    assert tuple(model(x).shape) == (4, 1)
    assert [l for l in model.layers if isinstance(l, SelfAttention2D)], "discriminators carry self-attention"
    assert not [l for l in model.layers if "pool" in type(l).__name__.lower()]
    for layer in model.layers:
        if isinstance(layer, SelfAttention2D):
            layer.gamma.assign(0.2)
    before = trainable_snapshot(model)
    run_fit_step(model, x, np.array([[1.0], [0.0], [1.0], [0.0]], "float32"), loss=keras.losses.BinaryCrossentropy(from_logits=True), optimizer=keras.optimizers.SGD(0.5))
    assert_every_weight_moved(before, model)
    run_model_saving_test(model, x, tmp_path)


def test_default_sizes():
    g = GlobalDiscriminator()
    l = LocalDiscriminator()
    assert tuple(g.inputs[0].shape)[1:3] == (256, 256)
    assert tuple(l.inputs[0].shape)[1:3] == (128, 128)
    # 256 -> 4 in six strided blocks; 128 -> 4 in five.
    assert len([b for b in g.layers if isinstance(b, PatchBlock)]) == 6
    assert len([b for b in l.layers if isinstance(b, PatchBlock)]) == 5


@pytest.mark.parametrize(
    "cls, kwargs, message",
    [
        (GlobalDiscriminator, {"image_size": 100}, "image_size"),
        (LocalDiscriminator, {"patch_size": 8}, "patch_size"),
        (GlobalDiscriminator, {"image_size": 32, "attention_at": (16,)}, "attention_at"),
        (LocalDiscriminator, {"base_filters": -2}, "base_filters"),
    ],
)
def test_bad_arguments(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)
