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
