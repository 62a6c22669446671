import json
import os
import shutil

import keras
import numpy as np
import pytest

from zoo.cli.main import main
from zoo.data import read_pts
from zoo.pipeline import predict_landmarks


def _constant_model(points01, size=64):
    inp = keras.Input((size, size, 3))
    x = keras.layers.GlobalAveragePooling2D()(inp)
    x = keras.layers.Dense(136, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(points01.reshape(-1)))(x)
    return keras.Model(inp, {"landmarks": keras.layers.Reshape((68, 2))(x)})


def test_predictions_map_back_to_the_image_frame(rng):
    p01 = rng.uniform(0.1, 0.9, (68, 2)).astype("float32")
    model = _constant_model(p01)
    image = np.zeros((100, 200, 3), np.uint8)  # non-square: padded square crop of side 200
    pred = predict_landmarks(model, [image])[0]
    s = 64 / 200.0
    expected = (p01 * 64 - (64 - 1) / 2) / s + np.array([100.0, 50.0])
    np.testing.assert_allclose(pred, expected, atol=1e-3)
    with pytest.raises(ValueError, match="RGB"):
        predict_landmarks(model, [np.zeros((10, 10), np.uint8)])


@pytest.fixture
def few_faces(staged, tmp_path):
    src = staged("300w")
    d = tmp_path / "faces"
    d.mkdir()
    for f in sorted(os.listdir(src)):
        if f.startswith("helen_testset_2") and len(os.listdir(d)) < 8:
            shutil.copy(os.path.join(src, f), d / f)
    return d


def test_eval_command_contract(few_faces, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.warns(UserWarning, match="untrained"):
        rc = main(["eval", "--data", str(few_faces), "--regressor", "pfld_0.25x", "--out", str(out), "--save-predictions"])
    assert rc == 0
    m = json.loads((out / "metrics.json").read_text())
    assert {"n", "nme", "fr_0.10", "auc_0.10"} <= set(m) and m["n"] == 4
    preds = sorted(os.listdir(out / "predictions"))
    assert preds == sorted(f for f in os.listdir(few_faces) if f.endswith(".pts"))
    p = read_pts(out / "predictions" / preds[0])
    assert p.shape == (68, 2) and np.isfinite(p).all()
    assert "nme" in capsys.readouterr().out


def test_eval_unknown_regressor_lists_what_exists(few_faces, tmp_path, capsys):
    rc = main(["eval", "--data", str(few_faces), "--regressor", "pfld_9x", "--out", str(tmp_path / "o")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "pfld_9x" in err and "pfld_0.25x" in err


def test_eval_recrop_reads_the_face_again_at_the_regressors_framing(few_faces, tmp_path, capsys):
    outs = {}
    for rounds in (0, 1):
        out = tmp_path / f"r{rounds}"
        assert main(["eval", "--data", str(few_faces), "--regressor", "pfld_0.25x_300w", "--out", str(out), "--recrop",
                     str(rounds), "--save-predictions"]) == 0
        outs[rounds] = np.stack([read_pts(str(p)) for p in sorted((out / "predictions").glob("*.pts"))])
        m = json.loads((out / "metrics.json").read_text())
        assert m["n"] == len(outs[rounds]) and 0 < m["nme"] < 0.2  # a trained preset on real faces either way
    moved = np.abs(outs[1] - outs[0]).max(axis=(1, 2))
    assert (moved > 0.01).all()  # the second read is a different crop
    with pytest.raises(SystemExit) as e:
        main(["eval", "--data", str(few_faces), "--regressor", "pfld_0.25x_300w", "--out", str(tmp_path / "x"), "--recrop", "-1"])
    assert e.value.code == 2
