"""Shipped presets: load everywhere, are really trained, and refuse mismatched weights."""

import json
import os

import numpy as np
import pytest

import zoo
from zoo.presets import PRESET_DIR, list_presets, load_weights_strict, preset_record

REGRESSOR_PRESETS = ("pfld_0.25x_300w", "pfld_1x_300w", "drn_300w")


def test_regressor_presets_ship_with_their_records():
    shipped = list_presets()
    for name in REGRESSOR_PRESETS:
        assert name in shipped, f"preset {name} is not shipped"
        rec = preset_record(name)
        for key in ("model", "config", "weights", "recipe", "data", "training", "metrics"):
            assert key in rec, f"{name}.json lacks {key!r}"
        assert {"helen_test_clean", "helen_test_synthetic_occlusion"} <= set(rec["metrics"])
        size = os.path.getsize(os.path.join(PRESET_DIR, "weights", rec["weights"]))
        assert size == rec["weights_bytes"] and size < 16 * 2**20
    assert "pfld_0.25x_300w" in [e.name for e in zoo.registry.entries("preset")]


@pytest.mark.parametrize("name", REGRESSOR_PRESETS)
def test_preset_is_trained_and_matches_its_record(name, helen_test):
    from zoo.metrics import nme
    from zoo.pipeline import predict_landmarks

    model = zoo.load_preset(name)
    faces = helen_test[:40]
    pred = predict_landmarks(model, [s.load_image() for s in faces])
    got = float(nme(pred, np.stack([s.points for s in faces])).mean())
    recorded = preset_record(name)["metrics"]["helen_test_clean"]["nme"]
    assert got < 0.25, f"{name} predicts like an untrained model (NME {got:.3f})"
    assert got < 1.6 * recorded + 0.01


def test_unknown_preset_lists_the_shipped_ones():
    with pytest.raises(KeyError, match="pfld_0.25x_300w"):
        zoo.load_preset("pfld_2x_300w")


def test_mismatched_weights_are_refused(tmp_path):
    small = zoo.create_model("pfld_0.25x")
    path = str(tmp_path / "small.weights.h5")
    small.save_weights(path)
    big = zoo.create_model("pfld_1x")
    before = [np.array(v) for v in big.weights]
    with pytest.raises(ValueError, match="small.weights.h5"):
        load_weights_strict(big, path)
    assert all(np.array_equal(a, np.array(v)) for a, v in zip(before, big.weights)), "partial load happened"
    (tmp_path / "junk.weights.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="junk.weights.h5"):
        load_weights_strict(big, str(tmp_path / "junk.weights.h5"))
    with pytest.raises(FileNotFoundError, match="nope"):
        load_weights_strict(big, str(tmp_path / "nope.weights.h5"))


def test_records_are_json_with_test_numbers():
    for name in list_presets():
        rec = json.loads(open(os.path.join(PRESET_DIR, f"{name}.json")).read())
        for m in rec["metrics"].values():
            assert 0 < m["nme"] < 1 and m["n"] == 230
