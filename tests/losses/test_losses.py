import keras
import numpy as np
import pytest

from zoo.losses import angle_weight, cascade_loss, per_sample_wing, pfld_loss, regressor_loss, wing_loss


def _np(x):
    return float(keras.ops.convert_to_numpy(x))


def test_pfld_loss_against_numpy(rng):
    lt, lp = rng.uniform(0, 1, (4, 68, 2)), rng.uniform(0, 1, (4, 68, 2))
    at, ap = rng.normal(0, 0.3, (4, 3)), rng.normal(0, 0.3, (4, 3))
    w = np.array([1.0, 2.0, 1.0, 3.0])
    y_true = {"landmarks": lt.astype("float32"), "pose": at.astype("float32"), "weight": w.astype("float32")}
    y_pred = {"landmarks": lp.astype("float32"), "pose": ap.astype("float32")}
    l2 = ((lp - lt) ** 2).sum((1, 2))
    wa = (1 - np.cos(ap - at)).sum(1)
    assert _np(pfld_loss(y_true, y_pred, plus_one=False)) == pytest.approx(np.mean(w * wa * l2), rel=1e-5)
    assert _np(pfld_loss(y_true, y_pred)) == pytest.approx(np.mean(w * (1 + wa) * l2) + wa.mean(), rel=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(angle_weight(at, ap)), wa, rtol=1e-5)
    assert _np(regressor_loss(y_true, y_pred)) == pytest.approx(_np(pfld_loss(y_true, y_pred)), rel=1e-6)


def test_wing_loss_shape_and_values():
    t = np.zeros((1, 1, 2), "float32")
    small = np.full((1, 1, 2), 1 / 112, "float32")  # 1 px off in x and y
    big = np.full((1, 1, 2), 50 / 112, "float32")  # 50 px
    assert _np(per_sample_wing(t, small)[0]) * 112 == pytest.approx(2 * 10 * np.log(1 + 1 / 2), rel=1e-4)
    c = 10 - 10 * np.log(1 + 10 / 2)
    assert _np(wing_loss(t, big)) * 112 == pytest.approx(2 * (50 - c), rel=1e-4)


def test_cascade_loss_supervises_intermediate_stages(rng):
    t = rng.uniform(0, 1, (2, 68, 2)).astype("float32")
    good = {"stage_0": t + 0.1, "stage_1": t, "landmarks": t}
    assert _np(cascade_loss({"landmarks": t}, good, stage_weight=0.5)) == pytest.approx(0.5 * 68 * 2 * 0.01, rel=1e-4)
    assert _np(regressor_loss({"landmarks": t}, good)) == pytest.approx(0.5 * 68 * 2 * 0.01, rel=1e-4)


def test_bad_landmark_loss():
    t = np.zeros((1, 68, 2), "float32")
    with pytest.raises(ValueError, match="landmark_loss"):
        regressor_loss({"landmarks": t}, {"landmarks": t}, landmark_loss="l7")


def test_adaptive_wing_is_continuous_and_wing_like_on_the_foreground():
    from zoo.losses import adaptive_wing

    for y in (0.0, 0.5, 1.0):  # the two branches meet at |error| = theta (0.5)
        below = _np(adaptive_wing(np.float32(y), np.float32(y + 0.5 - 1e-4 if y < 0.5 else y - 0.5 + 1e-4)))
        above = _np(adaptive_wing(np.float32(y), np.float32(y + 0.5 + 1e-4 if y < 0.5 else y - 0.5 - 1e-4)))
        assert below == pytest.approx(above, abs=5e-3)
    # small-error branch against the paper's formula: omega * ln(1 + |d / eps| ** (alpha - y))
    assert _np(adaptive_wing(np.float32(1.0), np.float32(0.9))) == pytest.approx(14 * np.log(1 + 0.1 ** 1.1), rel=1e-5)
    # on the foreground a small error costs far more than on the background (wing-like vs L2-like)
    assert _np(adaptive_wing(np.float32(1.0), np.float32(0.95))) > 10 * _np(adaptive_wing(np.float32(0.0), np.float32(0.05)))


@pytest.mark.parametrize("score_loss", ["ce", "awing", "l2"])
def test_heatmap_score_losses_prefer_the_true_cell(score_loss, rng):
    from zoo.losses import heatmap_loss

    g, k = 8, 3
    pts = rng.uniform(0.2, 0.8, (2, k, 2)).astype("float32")
    cells = np.floor(pts * g).astype(int)
    good = np.full((2, g, g, k), -6.0, "float32")
    for b in range(2):
        for j in range(k):
            good[b, cells[b, j, 1], cells[b, j, 0], j] = 6.0
    off = {"offset_x": np.full((2, g, g, k), 0.5, "float32"), "offset_y": np.full((2, g, g, k), 0.5, "float32")}
    y = {"landmarks": pts}
    right = _np(keras.ops.mean(heatmap_loss(y, {"heatmap": good, **off}, scale=1.0, score_loss=score_loss)))
    wrong = _np(keras.ops.mean(heatmap_loss(y, {"heatmap": np.roll(good, 3, axis=1), **off}, scale=1.0, score_loss=score_loss)))
    assert np.isfinite(right) and right < wrong
    with pytest.raises(ValueError, match="score_loss"):
        heatmap_loss(y, {"heatmap": good, **off}, scale=1.0, score_loss="focal")
