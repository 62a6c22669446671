"""PIPNet (heatmap + offsets on a torchvision-layout MobileNetV2): decoding and loss agree,
the regressor interface, the ImageNet conversion against the original computation in torch."""

import keras
import numpy as np
import pytest
from harness import run_model_saving_test

import zoo
from zoo.losses import heatmap_loss
from zoo.models import PIPNet
from zoo.models.mobilenet_v2 import IMAGENET_MEAN, IMAGENET_STD, convert, mobilenet_v2_features
from zoo.layers import ChannelAffine, HeatmapDecode


def _perfect_maps(lm, size, border, grid):
    """Score maps peaked at each point's cell and the exact offsets there (channels-last)."""
    b, k = lm.shape[:2]
    stride = (size - 2 * border) / grid
    g = (lm * size - border) / stride
    cell = np.clip(np.floor(g), 0, grid - 1).astype(int)
    heat = np.full((b, grid, grid, k), -8.0, "float32")
    ox, oy = np.zeros_like(heat), np.zeros_like(heat)
    for i in range(b):
        for j in range(k):
            cx, cy = cell[i, j]
            heat[i, cy, cx, j] = 8.0
            ox[i, cy, cx, j], oy[i, cy, cx, j] = g[i, j] - cell[i, j]
    return heat, ox, oy


def test_decoding_inverts_the_loss_targets(rng):
    lm = rng.uniform(0.11, 0.89, (2, 68, 2)).astype("float32")
    heat, ox, oy = _perfect_maps(lm, 160, 16, 8)
    dec = keras.ops.convert_to_numpy(HeatmapDecode(16, 16, 160)([heat, ox, oy]))
    np.testing.assert_allclose(dec, lm, atol=1e-5)
    pred = {"heatmap": heat, "offset_x": ox, "offset_y": oy}
    good = keras.ops.convert_to_numpy(heatmap_loss({"landmarks": lm}, pred, scale=160.0, border=16.0))
    bad = keras.ops.convert_to_numpy(heatmap_loss({"landmarks": lm[:, ::-1]}, pred, scale=160.0, border=16.0))
    assert good.shape == (2,) and (good < 1e-3).all() and (bad > 1.0).all()
    # channels-first maps decode the same
    cf = [np.transpose(t, (0, 3, 1, 2)) for t in (heat, ox, oy)]
    dec_cf = keras.ops.convert_to_numpy(HeatmapDecode(16, 16, 160, data_format="channels_first")(cf))
    np.testing.assert_allclose(dec_cf, lm, atol=1e-5)


def test_decoding_picks_argmax_cell_first_of_ties(rng):
    """The export-friendly decode (max / compare / min) picks the cell NumPy's argmax picks, ties
    included (the first), and reads that cell's offsets."""
    b, g, k, stride, border, size = 3, 6, 5, 16.0, 8.0, 112.0
    heat = rng.normal(0, 1, (b, g, g, k)).astype("float32")
    heat[0, 2, 3, 1] = heat[0, 4, 1, 1] = 50.0  # a tie: (2, 3) comes first in row-major order
    heat[1, :, :, 2] = 1.0  # every cell equal: cell 0
    ox, oy = rng.uniform(0, 1, (2, b, g, g, k)).astype("float32")
    dec = keras.ops.convert_to_numpy(HeatmapDecode(stride, border, size)([heat, ox, oy]))
    flat = heat.transpose(0, 3, 1, 2).reshape(b, k, -1)
    idx = flat.argmax(-1)
    cy, cx = idx // g, idx % g
    bi, ki = np.meshgrid(np.arange(b), np.arange(k), indexing="ij")
    want_x = (cx + ox[bi, cy, cx, ki]) * stride + border
    want_y = (cy + oy[bi, cy, cx, ki]) * stride + border
    np.testing.assert_allclose(dec, np.stack([want_x, want_y], -1) / size, atol=1e-6)
    assert (cy[0, 1], cx[0, 1]) == (2, 3) and idx[1, 2] == 0


def test_pipnet_is_a_registered_regressor(rng, tmp_path):
    model = zoo.create_model("pipnet_mnv2", input_size=96, border=16, head_channels=32)
    x = rng.uniform(0, 1, (2, 96, 96, 3)).astype("float32")
    out = model(x)
    assert tuple(out["landmarks"].shape) == (2, 68, 2)
    assert tuple(out["heatmap"].shape) == (2, 4, 4, 68)  # 64 px inner crop, stride 16
    lm = keras.ops.convert_to_numpy(out["landmarks"])
    # every decoded point lies inside the inner crop's grid (+ offsets), in input coordinates
    assert np.isfinite(lm).all()
    conf = keras.ops.convert_to_numpy(out["confidence"])
    assert conf.shape == (2, 68) and (conf > 1.0 / 16 - 1e-6).all() and (conf <= 1.0 + 1e-6).all()
    s8 = zoo.create_model("pipnet_mnv2_s8", input_size=96, border=16, head_channels=32)
    assert tuple(s8(x)["heatmap"].shape) == (2, 8, 8, 68)
    run_model_saving_test(model, x, tmp_path, atol=1e-4)


def test_pipnet_trains_through_the_regressor_loss(rng):
    from zoo.losses import regressor_loss

    model = PIPNet(input_size=64, border=0, head_channels=16)
    x = rng.uniform(0, 1, (4, 64, 64, 3)).astype("float32")
    lm = rng.uniform(0.3, 0.7, (4, 68, 2)).astype("float32")
    from zoo.training.supervised import LossModel

    loss = lambda y, p: regressor_loss(y, p, scale=64.0, heatmap={"border": 0.0})  # noqa: E731
    lmodel = LossModel(model, loss)
    lmodel.compile(optimizer=keras.optimizers.Adam(3e-3))
    losses = lmodel.fit(x, {"landmarks": lm}, epochs=10, batch_size=4, verbose=0).history["loss"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0] * 0.7


def test_bad_pipnet_config_is_refused():
    with pytest.raises(ValueError, match="multiple of 32"):
        PIPNet(input_size=100, border=16)
    with pytest.raises(ValueError, match="head_stride"):
        PIPNet(head_stride=4)
    with pytest.raises(ValueError, match="one value per channel"):
        ChannelAffine([1.0, 2.0], [0.0])


def _random_state(rng):
    """A torchvision-layout MobileNetV2 state dict with random values (shapes from the real one's
    key list, as the converter expects)."""
    inp = keras.Input((64, 64, 3))
    model = keras.Model(inp, mobilenet_v2_features(inp, 1.0, "channels_last"))
    state = {}
    for suffix, key, kind in convert._torch_names():
        layer = model.get_layer(f"mnv2_{suffix}")
        if kind == "bn":
            c = layer.get_weights()[0].shape[0]
            state.update({f"{key}.weight": rng.uniform(0.5, 1.5, c), f"{key}.bias": rng.normal(0, 0.1, c),
                          f"{key}.running_mean": rng.normal(0, 0.1, c), f"{key}.running_var": rng.uniform(0.5, 2, c)})
        else:
            kh, kw, a, b = layer.get_weights()[0].shape
            shape = (a, 1, kh, kw) if kind == "dw" else (b, a, kh, kw)
            state[f"{key}.weight"] = rng.normal(0, (2.0 / (a * kh * kw)) ** 0.5, shape)
    return {k: v.astype("float32") for k, v in state.items()}, model


@pytest.mark.once
def test_converter_maps_torchvision_layout_exactly(rng):
    """The port computes what torch computes with the same state dict (padding, epsilon,
    depthwise layout): random weights, every stride's map."""
    state, model = _random_state(rng)
    assert convert.load_torchvision_weights(model, state) == len(convert._torch_names())
    x = rng.normal(size=(2, 64, 64, 3)).astype("float32")
    ours = model.predict(x, verbose=0)
    ref = convert.torch_reference_features(state, x)
    assert sorted(ref) == sorted(ours) == [2, 4, 8, 16, 32]
    for s in ref:
        np.testing.assert_allclose(np.asarray(ours[s]), ref[s], atol=2e-4 * max(1.0, np.abs(ref[s]).max()))


@pytest.mark.once
def test_imagenet_port_matches_torch_on_real_faces(helen_test):
    """torchvision's real ImageNet weights (registry package, installed by CI with --no-deps):
    the converted backbone's features on real faces equal torch's."""
    import cv2

    path = convert.find_imagenet_weights()
    assert convert.sha256(path) == convert.SHA256
    state = convert.read_state_dict(path)
    faces = [cv2.resize(s.load_image(), (128, 128), interpolation=cv2.INTER_AREA) for s in helen_test[:2]]
    x = ((np.stack(faces) / 255.0 - np.array(IMAGENET_MEAN)) / np.array(IMAGENET_STD)).astype("float32")
    inp = keras.Input((128, 128, 3))
    model = keras.Model(inp, mobilenet_v2_features(inp, 1.0, "channels_last"))
    convert.load_torchvision_weights(model, state)
    ours, ref = model.predict(x, verbose=0), convert.torch_reference_features(state, x)
    for s in ref:
        assert np.abs(np.asarray(ours[s]) - ref[s]).max() < 1e-3 * np.abs(ref[s]).max()
    with pytest.raises(ValueError, match="no layer"):
        convert.load_torchvision_weights(keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)]), state)
