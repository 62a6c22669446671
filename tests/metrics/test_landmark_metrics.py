import keras
import numpy as np
import pytest

from zoo.metrics import NMEMetric, auc, ced_curve, failure_rate, nme, plot_ced, summarize


@pytest.fixture(scope="module")
def real_pair(helen_test):
    target = np.stack([s.points for s in helen_test[:60]]).astype(np.float64)
    noise = np.random.default_rng(0).normal(0, 1, target.shape) * np.linspace(0.5, 12, 60)[:, None, None]
    return target + noise, target


def test_nme_against_an_independent_loop(real_pair):
    pred, target = real_pair
    got = nme(pred, target)
    for i in range(len(target)):
        d = [np.hypot(*(pred[i, k] - target[i, k])) for k in range(68)]
        io = np.hypot(*(target[i, 36] - target[i, 45]))
        assert got[i] == pytest.approx(sum(d) / 68 / io, rel=1e-12)


def test_other_normalizations(real_pair):
    pred, target = real_pair
    pupils = np.linalg.norm(target[:, 36:42].mean(1) - target[:, 42:48].mean(1), axis=1)
    err = np.linalg.norm(pred - target, axis=-1).mean(1)
    np.testing.assert_allclose(nme(pred, target, "inter_pupil"), err / pupils)
    diag = np.linalg.norm(target.max(1) - target.min(1), axis=1)
    np.testing.assert_allclose(nme(pred, target, "box_diagonal"), err / diag)
    # inter-pupil distance is shorter than the outer-corner distance -> larger NME
    assert (nme(pred, target, "inter_pupil") > nme(pred, target)).all()


def test_visible_point_mask(real_pair):
    pred, target = real_pair
    mask = np.zeros((len(target), 68))
    mask[:, 48:] = 1
    err = np.linalg.norm(pred - target, axis=-1)[:, 48:].mean(1)
    np.testing.assert_allclose(nme(pred, target, mask=mask), err / np.linalg.norm(target[:, 36] - target[:, 45], axis=1))


def test_failure_rate_auc_ced(real_pair):
    e = nme(*real_pair)
    assert failure_rate(e, 0.10) == pytest.approx(np.mean(e > 0.10))
    # Area under the CED up to T equals mean(max(0, T - e)) (integrate the step function).
    for t in (0.08, 0.10):
        assert auc(e, t, steps=20001) == pytest.approx(np.mean(np.clip(t - e, 0, None)) / t, abs=1e-4)
    x, y = ced_curve(e, 0.10)
    assert x[0] == 0 and x[-1] == 0.10 and (np.diff(y) >= 0).all()
    s = summarize(e)
    assert set(s) >= {"n", "nme", "fr_0.10", "auc_0.10", "fr_0.08", "auc_0.08"} and s["n"] == 60
    assert auc(np.zeros(5)) == pytest.approx(1.0, abs=1e-3) and auc(np.full(5, 0.5)) == 0.0


def test_bad_inputs():
    t = np.random.default_rng(0).uniform(0, 100, (2, 68, 2))
    with pytest.raises(ValueError, match="shapes differ"):
        nme(t[:, :60], t)
    with pytest.raises(ValueError, match="NaN"):
        nme(np.full_like(t, np.nan), t)
    with pytest.raises(ValueError, match="normalization"):
        nme(t, t, "inter_ear")
    with pytest.raises(ValueError, match="zero normalising"):
        nme(t, np.zeros_like(t))


def test_ced_plot(real_pair, tmp_path):
    e = nme(*real_pair)
    path = plot_ced({"method A": e, "method B": e * 0.7}, tmp_path / "ced.png")
    import cv2

    img = cv2.imread(str(path))
    assert img is not None and img.shape[0] > 300


def test_keras_metric_matches_numpy(real_pair):
    pred, target = (a.astype("float32") / 256.0 for a in real_pair)
    m = NMEMetric()
    m.update_state(target[:30], pred[:30])
    m.update_state(target[30:], pred[30:])
    assert float(keras.ops.convert_to_numpy(m.result())) == pytest.approx(nme(pred, target).mean(), rel=1e-4)
    m.reset_state()
    assert float(keras.ops.convert_to_numpy(m.result())) == 0.0
