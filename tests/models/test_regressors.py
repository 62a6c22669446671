"""PFLD and DRN: one interface (image batch -> (B, 68, 2) landmarks + extras), harness checks."""

import keras
import numpy as np
import pytest
from harness import assert_every_weight_moved, run_model_saving_test, trainable_snapshot

import zoo
from zoo.models import DRN, PFLD


@pytest.mark.parametrize(
    "name, extras",
    [("pfld_0.25x", {"pose"}), ("pfld_1x", {"pose"}), ("drn", {"stage_0", "stage_1", "stage_2"})],
)
def test_registered_regressors_share_one_interface(name, extras, rng, tmp_path):
    model = zoo.create_model(name, input_size=64)
    x = rng.uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    out = model(x)
    assert tuple(out["landmarks"].shape) == (2, 68, 2)
    assert set(out) == {"landmarks"} | extras
    run_model_saving_test(model, x, tmp_path, atol=1e-5)


def test_pfld_structure_and_widths():
    big, small = PFLD(width=1.0), PFLD(width=0.25)
    assert small.count_params() < big.count_params() / 5
    assert tuple(big.inputs[0].shape)[1:] == (112, 112, 3)
    names = {l.name for l in big.layers}
    assert {"pfld_head", "pose"} <= names  # the multi-scale head is a layer (zoo.layers.PFLDHead)
    tight = PFLD(width=0.25, input_size=144, border=16)  # reads the central 112 px of a 144 px crop
    assert tuple(tight(np.zeros((1, 144, 144, 3), "float32"))["landmarks"].shape) == (1, 68, 2)
    conv8 = lambda m: m.get_layer("pfld_head").conv8  # noqa: E731
    assert [tuple(w.shape) for w in conv8(tight).weights] == [tuple(w.shape) for w in conv8(small).weights]
    with pytest.raises(ValueError, match="multiple of 16"):
        PFLD(width=0.25, input_size=144, border=10)
    vis = PFLD(width=0.25, visibility=True)
    out = vis(np.zeros((1, 112, 112, 3), "float32"))
    v = keras.ops.convert_to_numpy(out["visibility"])
    assert v.shape == (1, 68) and (0 <= v).all() and (v <= 1).all()


def test_drn_stages_refine_from_the_previous_shape(rng):
    model = DRN(input_size=64, stages=2, hidden=32)
    x = rng.uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    out = {k: keras.ops.convert_to_numpy(v) for k, v in model(x).items()}
    # At init every delta is zero: each stage returns its input shape (no perturbation at inference).
    np.testing.assert_allclose(out["stage_1"], out["stage_0"], atol=1e-6)
    np.testing.assert_allclose(out["landmarks"], out["stage_2"])
    assert DRN(input_size=64, stages=0, hidden=32)(x)["landmarks"].shape == (2, 68, 2)


def test_gradients_reach_every_weight_of_pfld(rng):
    model = PFLD(width=0.25, input_size=64)
    before = trainable_snapshot(model)
    inp = keras.Input((64, 64, 3))
    out = model(inp)
    fit_model = keras.Model(inp, {"landmarks": out["landmarks"], "pose": out["pose"]})
    fit_model.compile(optimizer=keras.optimizers.SGD(0.1), loss={"landmarks": "mse", "pose": "mse"})
    x = rng.uniform(0, 1, (4, 64, 64, 3)).astype("float32")
    fit_model.fit(x, {"landmarks": rng.uniform(0, 1, (4, 68, 2)).astype("float32"), "pose": rng.normal(size=(4, 3)).astype("float32")}, verbose=0)
    assert_every_weight_moved(before, model)


@pytest.mark.parametrize(
    "cls, kwargs, message",
    [
        (PFLD, {"width": 0}, "width"),
        (PFLD, {"input_size": 16}, "input_size"),
        (PFLD, {"visibility": True, "visibility_from": "pixels"}, "visibility_from"),
        (DRN, {"stages": -1}, "stages"),
        (DRN, {"patch_size": 6}, "patch_size"),
    ],
)
def test_bad_arguments(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls(**kwargs)


def test_wrong_input_shape_is_a_clear_error():
    model = PFLD(width=0.25)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(batch, 112, 112, 3\); received \(1, 64, 64, 3\)"):
        model.predict(np.zeros((1, 64, 64, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"received \(1, 112, 112, 1\)"):
        model.predict(np.zeros((1, 112, 112, 1), "float32"), verbose=0)


def test_pfld_visibility_from_the_map_sees_where_the_face_changes(rng, tmp_path):
    model = PFLD(width=0.25, input_size=64, visibility=True, visibility_from="map")
    x = rng.uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    assert tuple(model(x)["visibility"].shape) == (2, 68)
    assert model.get_config()["visibility_from"] == "map"
    run_model_saving_test(model, x, tmp_path, atol=1e-5)
    # the map head keeps the layout: its input is the flattened 1/8 map, not the pooled features
    assert model.get_layer("visibility").kernel.shape[0] == 16 * (64 // 8) ** 2
    assert "visibility_from" not in PFLD(width=0.25, input_size=64, visibility=True).get_config()  # old presets load unchanged
