"""PIPNet's neighbour regression (NRM): the neighbour lists, the merge of own and neighbour
predictions, the loss's neighbour term, the model with it, and a preset's weights carried over."""

import keras
import numpy as np
import pytest
from harness import run_model_saving_test

import zoo
from zoo.data.shape_model import mean_shape
from zoo.layers import HeatmapDecode, NeighbourDecode, PIPNetNeighbourHead, nearest_neighbours
from zoo.losses import heatmap_loss
from zoo.models import PIPNet

SIZE, BORDER, GRID = 160, 16, 16  # stride 8


def _maps(lm, nb):
    """Perfect score / offset maps and the neighbour maps that give every neighbour exactly."""
    b, n = lm.shape[:2]
    k = nb.shape[1]
    stride = (SIZE - 2 * BORDER) / GRID
    g = (lm * SIZE - BORDER) / stride
    cell = np.floor(g).astype(int)
    heat = np.full((b, GRID, GRID, n), -8.0, "float32")
    ox, oy = np.zeros_like(heat), np.zeros_like(heat)
    nx = np.zeros((b, GRID, GRID, n * k), "float32")
    ny = np.zeros_like(nx)
    for i in range(b):
        for m in range(n):
            cx, cy = cell[i, m]
            heat[i, cy, cx, m] = 8.0
            ox[i, cy, cx, m], oy[i, cy, cx, m] = g[i, m] - cell[i, m]
            for j, q in enumerate(nb[m]):
                nx[i, cy, cx, m * k + j], ny[i, cy, cx, m * k + j] = g[i, q] - cell[i, m]
    return heat, ox, oy, nx, ny


@pytest.mark.once
def test_nearest_neighbours_of_the_mean_shape():
    nb = nearest_neighbours(mean_shape(), 10)
    assert nb.shape == (68, 10)
    for i, row in enumerate(nb):
        assert i not in row and len(set(row)) == 10
    d = np.linalg.norm(mean_shape()[:, None] - mean_shape()[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    # the K listed are no farther than any point left out
    assert all(d[i, nb[i]].max() <= np.delete(d[i], list(nb[i]) + [i]).min() + 1e-12 for i in range(68))
    # the outer eye corners (36, 45) are far apart: neither is the other's neighbour
    assert 45 not in nb[36] and 36 not in nb[45]
    with pytest.raises(ValueError, match="`k`"):
        nearest_neighbours(mean_shape(), 68)


def test_neighbour_decode_merges_own_and_neighbour_predictions(rng):
    lm = rng.uniform(0.15, 0.85, (2, 68, 2)).astype("float32")
    nb = nearest_neighbours(mean_shape(), 10)
    heat, ox, oy, nx, ny = _maps(lm, nb)
    dec = NeighbourDecode(nb, 8, BORDER, SIZE)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dec([heat, ox, oy, nx, ny])), lm, atol=1e-5)
    # one point's own peak in a wrong cell: its own decode is far off, the merge pulls it back
    # by the share of its neighbour votes (every landmark listing it predicts it exactly)
    bad = heat.copy()
    bad[0, :, :, 30] = -8.0
    bad[0, 0, 0, 30] = 8.0
    own = keras.ops.convert_to_numpy(HeatmapDecode(8, BORDER, SIZE)([bad, ox, oy]))[0, 30]
    merged = keras.ops.convert_to_numpy(dec([bad, ox, oy, nx, ny]))[0, 30]
    votes = int((nb == 30).sum())
    assert votes >= 1
    # the own point is wrong by e; the merge's error is e / (1 + votes), exactly
    np.testing.assert_allclose(merged - lm[0, 30], (own - lm[0, 30]) / (1 + votes), atol=1e-5)
    # channels-first maps decode the same
    cf = [np.transpose(t, (0, 3, 1, 2)) for t in (heat, ox, oy, nx, ny)]
    dec_cf = NeighbourDecode(nb, 8, BORDER, SIZE, data_format="channels_first")(cf)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(dec_cf), lm, atol=1e-5)


def test_loss_neighbour_term(rng):
    lm = rng.uniform(0.15, 0.85, (2, 68, 2)).astype("float32")
    nb = nearest_neighbours(mean_shape(), 4)
    heat, ox, oy, nx, ny = _maps(lm, nb)
    pred = {"heatmap": heat * 4, "offset_x": ox, "offset_y": oy, "neighbour_x": nx, "neighbour_y": ny}
    kw = dict(scale=float(SIZE), border=float(BORDER), neighbours=nb)
    base = keras.ops.convert_to_numpy(heatmap_loss({"landmarks": lm}, pred, **kw))
    assert (base < 1e-3).all()
    shifted = keras.ops.convert_to_numpy(heatmap_loss({"landmarks": lm}, {**pred, "neighbour_y": ny - 0.5}, **kw))
    # every neighbour off by half a cell in y: + offset_weight (5) x 0.5 on every landmark
    np.testing.assert_allclose(shifted - base, 2.5, atol=1e-4)
    weighted = keras.ops.convert_to_numpy(heatmap_loss({"landmarks": lm}, {**pred, "neighbour_y": ny - 0.5}, neighbour_weight=1.0, **kw))
    np.testing.assert_allclose(weighted - base, 0.5, atol=1e-4)
    # without `neighbours` the neighbour maps are ignored
    plain = keras.ops.convert_to_numpy(heatmap_loss({"landmarks": lm}, {**pred, "neighbour_y": ny - 0.5}, scale=float(SIZE),
                                                    border=float(BORDER)))
    np.testing.assert_allclose(plain, base, atol=1e-5)


def test_pipnet_with_neighbours(rng, tmp_path):
    model = zoo.create_model("pipnet_mnv2_s8_nrm", input_size=96, border=16, head_channels=32)
    x = rng.uniform(0, 1, (2, 96, 96, 3)).astype("float32")
    out = model(x)
    assert tuple(out["landmarks"].shape) == (2, 68, 2)
    assert tuple(out["neighbour_x"].shape) == tuple(out["neighbour_y"].shape) == (2, 8, 8, 680)
    nb = model.get_config()["neighbours"]
    assert np.array_equal(np.asarray(nb), nearest_neighbours(mean_shape(), 10))  # stored explicitly, not recomputed
    run_model_saving_test(model, x, tmp_path, atol=1e-4)
    # no neighbours: the plain PIPNet, without the neighbour maps
    assert "neighbour_x" not in PIPNet(input_size=96, border=16, head_channels=32, neighbours=None).output


def test_bad_neighbours_are_refused():
    with pytest.raises(ValueError, match="distinct other points"):
        PIPNetNeighbourHead([[0, 1], [0, 2], [0, 1]], stride=8)
    with pytest.raises(ValueError, match="outside"):
        NeighbourDecode([[1], [5]], 8, 0, 64)
    with pytest.raises(ValueError, match="lists of K"):
        PIPNet(input_size=96, border=16, neighbours=[[1, 2]] * 5)
    with pytest.raises(ValueError, match="explicit"):
        PIPNet(input_size=96, border=16, n_points=5, neighbours=2)


@pytest.mark.once
def test_preset_weights_carry_over_to_the_neighbour_model():
    """A run of `pipnet_mnv2_s8_nrm` from the `pipnet_mnv2_s8_300w` preset starts with every
    trained layer of it; only the neighbour convs are new."""
    from zoo.training.supervised import init_from_preset

    model = zoo.create_model("pipnet_mnv2_s8_nrm", input_size=200, border=20)
    fresh = init_from_preset(model, "pipnet_mnv2_s8_300w")
    assert fresh == ["pipnet_neighbours"]
    parent = zoo.load("pipnet_mnv2_s8_300w").model
    for a, b in zip(parent.get_layer("pipnet_head").get_weights(), model.get_layer("pipnet_head").get_weights()):
        np.testing.assert_array_equal(a, b)
