"""The landmark heads are layers that take any backbone's feature maps: each composes with a
backbone it was never built for into a model that trains (a gradient reaches every weight),
saves and reloads, and the registered regressors are built from them."""

import keras
import numpy as np
import pytest
from harness import assert_every_weight_moved, run_model_saving_test, trainable_snapshot

import zoo
from zoo.layers import DRNStage, PFLDHead, PIPNetHead


def _backbone(size=64, channels=24):
    """A plain conv stack nothing in the zoo uses: stride-8 map of a `size` crop."""
    image = keras.Input((size, size, 3), name="image")
    x = image
    for i, f in enumerate((16, 24, channels)):
        x = keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"bb{i}")(x)
    return image, x


def _train_and_save(model, x, y, tmp_path):
    before = trainable_snapshot(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss={k: "mse" for k in y})
    model.fit(x, y, batch_size=len(x), epochs=2, verbose=0)
    assert_every_weight_moved(before, model)
    run_model_saving_test(model, x, tmp_path, atol=1e-5)


def test_pfld_head_on_another_backbone(rng, tmp_path):
    image, feats = _backbone()
    head = PFLDHead(5, 8, 8, 16, name="head")(feats)
    model = keras.Model(image, {"landmarks": keras.layers.Identity(name="landmarks")(head["landmarks"])})
    x = rng.uniform(0, 1, (4, 64, 64, 3)).astype("float32")
    out = model.predict_on_batch(x)["landmarks"]
    assert out.shape == (4, 5, 2)
    np.testing.assert_allclose(out, 0.5, atol=0.5)  # starts near the crop centre
    _train_and_save(model, x, {"landmarks": rng.uniform(0.2, 0.8, (4, 5, 2)).astype("float32")}, tmp_path)
    assert head["features"].shape[-1] == 8 + 8 + 16
    with pytest.raises(ValueError, match="n_points"):
        PFLDHead(0)


def test_drn_stage_refines_a_shape_on_another_backbone(rng, tmp_path):
    image, feats = _backbone()
    start = keras.layers.Reshape((5, 2), name="start")(
        keras.layers.Dense(10, name="start_dense")(keras.layers.GlobalAveragePooling2D()(feats)))
    stage = DRNStage(5, patch_size=4, patch_extent=0.3, hidden=16, local_filters=8, perturbation=0.0, name="stage_1")
    refined = stage([feats, start])
    # deep supervision, as DRN trains: the stage's input shape has its own loss (the patches are
    # sampled at a shape the stage does not move)
    model = keras.Model(image, {"start": keras.layers.Identity(name="start_out")(start),
                                "landmarks": keras.layers.Identity(name="landmarks")(refined)})
    x = rng.uniform(0, 1, (4, 64, 64, 3)).astype("float32")
    # a new stage starts as the identity: its update layer is zero
    fresh = model.predict_on_batch(x)
    np.testing.assert_allclose(fresh["landmarks"], fresh["start"], atol=1e-6)
    target = rng.uniform(0.2, 0.8, (4, 5, 2)).astype("float32")
    _train_and_save(model, x, {"start": target, "landmarks": target}, tmp_path)
    with pytest.raises(ValueError, match="patch_size"):
        DRNStage(5, patch_size=6)


def test_pipnet_head_decodes_its_own_maps_on_another_backbone(rng, tmp_path):
    image, feats = _backbone()
    head = PIPNetHead(5, stride=8, border=0, input_size=64, name="head")
    out = head(feats)
    model = keras.Model(image, {k: keras.layers.Identity(name=k)(out[k]) for k in ("landmarks", "confidence", "heatmap")})
    x = rng.uniform(0, 1, (4, 64, 64, 3)).astype("float32")
    got = model.predict_on_batch(x)
    assert got["landmarks"].shape == (4, 5, 2) and got["heatmap"].shape == (4, 8, 8, 5)
    assert np.all((got["confidence"] > 0) & (got["confidence"] <= 1))
    y = {"landmarks": np.zeros((4, 5, 2), "float32"), "confidence": np.ones((4, 5), "float32"),
         "heatmap": rng.normal(size=(4, 8, 8, 5)).astype("float32")}
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss={"heatmap": "mse", "landmarks": "mse"})
    before = trainable_snapshot(model)
    model.fit(x, {"heatmap": y["heatmap"], "landmarks": y["landmarks"]}, batch_size=4, epochs=1, verbose=0)
    assert_every_weight_moved(before, model)  # scores through the heatmap loss, offsets through the decoded points
    run_model_saving_test(model, x, tmp_path, atol=1e-5)


@pytest.mark.parametrize("name, head", [("pfld_0.25x", PFLDHead), ("drn", DRNStage), ("pipnet_mnv2", PIPNetHead)])
def test_registered_regressors_are_built_from_the_heads(name, head):
    model = zoo.create_model(name)
    assert any(isinstance(layer, head) for layer in model.layers), f"{name} does not use {head.__name__}"
